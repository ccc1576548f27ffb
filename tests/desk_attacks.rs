//! What an attacker with a seat at the reception desk would try, on a real clinic:
//! guessing PINs through the signature, guessing passwords at every door, telling a right
//! password from a wrong one before the code, replacing someone's factors, keeping a PIN
//! unlock past a lock, working with a one-time password, unlocking a desk with its own
//! PIN, and reaching national IDs at a desk that no strong login opened.

mod common;

use common::*;
use klinik::clients::ClientInput;
use klinik::clinic::JournalMode;
use klinik::policy::{AccessModel, Role};
use klinik::secret::Secret;
use klinik::staff::NewStaff;
use klinik::vault::{KeyStore, OsKeyring};
use klinik::{ClientId, Clinic, Clock, Error, FixedClock, SessionId, StaffId};
use std::sync::Arc;

const LARS_PW: &str = "grå-måger-over-havnen-i-skagen";
const LARS_PIN: &str = "583920";

struct Desk {
    owner: SessionId,
    lars: StaffId,
    lars_s: SessionId,
    desk: StaffId,
    client: ClientId,
}

/// A business-login clinic: a desk account, Lars with a PIN and a relation to one client.
fn desk_clinic(c: &mut Clinic) -> Desk {
    let owner = login(c);
    let lars_new = NewStaff {
        name: "Lars Holm".into(),
        email: "lars@example.dk".into(),
        role: Role::Practitioner,
        business_login: false,
    };
    let (lars, lars_s) = add_staff(c, &owner, &lars_new, LARS_PW);
    c.set_pin(&lars_s, &Secret::new(LARS_PIN), None).expect("Lars' PIN");
    let desk_new = NewStaff {
        name: "Skranken".into(),
        email: "skranke@example.dk".into(),
        role: Role::Reception,
        business_login: true,
    };
    let (desk, _) = c.create_staff(&owner, &desk_new).expect("desk account");
    c.set_access_model(&owner, AccessModel::BusinessPin, &Secret::new(OWNER_PASSWORD)).expect("model");
    let client =
        c.create_client(&owner, &ClientInput { name: "Inge Krag".into(), ..Default::default() }).expect("c").id;
    c.assign_relation(&owner, &lars, &client).expect("relation");
    Desk { owner, lars, lars_s, desk: desk.id, client }
}

fn actions(c: &mut Clinic, s: &SessionId, n: u32) -> Vec<(String, String)> {
    c.audit_page(s, &Default::default(), None, n).expect("page").into_iter().map(|e| (e.action, e.outcome)).collect()
}

#[test]
fn a_pin_typed_to_sign_counts_in_the_same_lockout_as_the_desk() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let k = desk_clinic(&mut c);
    c.set_access_model(&k.owner, AccessModel::Individual, &Secret::new(OWNER_PASSWORD)).expect("individual");
    let entry = c.create_entry(&k.lars_s, &k.client, None, "", "Knæ: bedre").expect("draft");
    for _ in 0..3 {
        assert!(matches!(c.sign_entry(&k.lars_s, &entry.id, &Secret::new("000000")), Err(Error::WrongPin)));
    }
    // The fourth try waits, even with the right PIN: no free guesses through the signature.
    let locked = c.sign_entry(&k.lars_s, &entry.id, &Secret::new(LARS_PIN));
    assert!(matches!(locked, Err(Error::PinLocked { seconds: 30 })), "{locked:?}");
    // The desk's PIN unlock sees the same lockout.
    c.set_access_model(&k.owner, AccessModel::BusinessPin, &Secret::new(OWNER_PASSWORD)).expect("desk model");
    let desk = c.open_desk(&k.owner, &k.desk).expect("the owner opens the desk");
    assert!(matches!(c.unlock_with_pin(&desk, &k.lars, &Secret::new(LARS_PIN)), Err(Error::PinLocked { .. })));
    // Seven more wrong PINs, waiting out each delay, disable the PIN for both doors.
    for _ in 0..7 {
        clock.advance(chrono::Duration::hours(2));
        let r = c.unlock_with_pin(&desk, &k.lars, &Secret::new("111112"));
        assert!(matches!(r, Err(Error::WrongPin | Error::PinDisabled)), "{r:?}");
    }
    clock.advance(chrono::Duration::hours(2));
    let owner = login(&mut c);
    let disabled = |c: &mut Clinic| {
        c.list_staff_admin(&owner).expect("staff").into_iter().find(|s| s.id == k.lars).expect("lars").pin_disabled
    };
    assert!(disabled(&mut c));
    assert!(matches!(c.sign_entry(&k.lars_s, &entry.id, &Secret::new(LARS_PIN)), Err(Error::PinDisabled)));
    // Logging in with the password turns it back on.
    c.login("lars@example.dk", &Secret::new(LARS_PW)).expect("Lars logs in");
    assert!(!disabled(&mut c));
    let failed = c
        .audit_page(
            &owner,
            &klinik::audit::Filter { action: Some("pin_failed".into()), ..Default::default() },
            None,
            50,
        )
        .expect("page");
    assert!(failed.iter().any(|e| e.object.as_deref() == Some("entry_sign")), "the signing door is named");
    assert!(failed.iter().any(|e| e.object.as_deref() == Some("pin_unlock")));
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn wrong_passwords_wait_per_account_and_per_workstation_at_every_door() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    // Login: three free wrong passwords, then even the right one waits.
    for _ in 0..3 {
        assert!(matches!(c.login(OWNER_EMAIL, &Secret::new("forkert")), Err(Error::WrongCredentials)));
    }
    assert!(matches!(c.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD)), Err(Error::TooManyAttempts { seconds: 30 })));
    clock.advance(chrono::Duration::seconds(31));
    let s = c.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD)).expect("after the wait");
    // The workstation: guesses spread over unknown emails lock this machine's door too.
    for i in 0..3 {
        let r = c.login(&format!("gæt{i}@example.dk"), &Secret::new("forkert"));
        assert!(matches!(r, Err(Error::WrongCredentials)));
    }
    assert!(matches!(c.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD)), Err(Error::TooManyAttempts { .. })));
    clock.advance(chrono::Duration::seconds(31));
    c.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD)).expect("the wait is over");
    // The lock screen is a door too.
    c.lock(&s).expect("lock");
    for _ in 0..3 {
        assert!(matches!(c.unlock(&s, &Secret::new("forkert")), Err(Error::WrongCredentials)));
    }
    assert!(matches!(c.unlock(&s, &Secret::new(OWNER_PASSWORD)), Err(Error::TooManyAttempts { .. })));
    clock.advance(chrono::Duration::seconds(31));
    c.unlock(&s, &Secret::new(OWNER_PASSWORD)).expect("unlock after the wait");
    // And every confirmation of a sensitive action: the count is not rolled back with the
    // refused action.
    for _ in 0..3 {
        let r = c.set_access_model(&s, AccessModel::Individual, &Secret::new("forkert"));
        assert!(matches!(r, Err(Error::WrongCredentials)), "{r:?}");
    }
    let r = c.set_access_model(&s, AccessModel::Individual, &Secret::new(OWNER_PASSWORD));
    assert!(matches!(r, Err(Error::TooManyAttempts { .. })), "{r:?}");
    assert_eq!(c.access_model().expect("model"), AccessModel::Solo, "nothing changed");
    // A restart keeps the wait.
    let id = c.id().clone();
    drop(c);
    let mut c = Clinic::open(d.path(), &Default::default(), &OsKeyring, clock.clone()).expect("reopen");
    assert!(matches!(c.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD)), Err(Error::TooManyAttempts { .. })));
    clock.advance(chrono::Duration::seconds(61));
    let s = c.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD)).expect("login");
    let wrong = c
        .audit_page(
            &s,
            &klinik::audit::Filter { action: Some("password_failed".into()), ..Default::default() },
            None,
            50,
        )
        .expect("page");
    let doors: Vec<&str> = wrong.iter().filter_map(|e| e.object.as_deref()).collect();
    assert!(doors.contains(&"unlock") && doors.contains(&"settings_change"), "{doors:?}");
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn a_login_never_tells_a_right_password_before_the_code_and_ten_wrong_codes_disable_it() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let s = login(&mut c);
    let e = c.begin_totp(&s, None).expect("begin");
    let recovery = c.confirm_totp(&s, &Secret::new(oathtool(&e.secret_base32))).expect("confirm");
    // Replacing the factor needs the password.
    assert!(matches!(c.begin_totp(&s, None), Err(Error::WrongCredentials)));
    assert!(matches!(c.begin_totp(&s, Some(&Secret::new("forkert"))), Err(Error::WrongCredentials)));
    c.begin_totp(&s, Some(&Secret::new(OWNER_PASSWORD))).expect("with the password");
    c.logout(&s).expect("logout");
    // Without a code, right and wrong passwords get the same answer.
    assert!(matches!(c.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD)), Err(Error::TotpRequired)));
    assert!(matches!(c.login(OWNER_EMAIL, &Secret::new("forkert")), Err(Error::TotpRequired)));
    // With a code, a wrong password and a wrong code get the same answer.
    let wrong_pw = c.login_2fa(OWNER_EMAIL, &Secret::new("forkert"), Some(&Secret::new("123456")));
    let wrong_code = c.login_2fa(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD), Some(&Secret::new("000000")));
    assert!(matches!(wrong_pw, Err(Error::WrongCredentials)) && matches!(wrong_code, Err(Error::WrongCredentials)));
    // Ten wrong codes in a row (waiting out each delay) turn the factor off ...
    for _ in 0..9 {
        clock.advance(chrono::Duration::hours(2));
        let r = c.login_2fa(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD), Some(&Secret::new("000000")));
        assert!(matches!(r, Err(Error::WrongCredentials)), "{r:?}");
    }
    clock.advance(chrono::Duration::hours(2));
    let r = c.login_2fa(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD), Some(&Secret::new("000000")));
    assert!(matches!(r, Err(Error::TotpDisabled)), "{r:?}");
    // ... until a recovery code turns it back on.
    let s = c
        .login_2fa(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD), Some(&Secret::new(recovery[0].clone())))
        .expect("a recovery code still works");
    let seen = actions(&mut c, &s, 40);
    assert!(seen.iter().any(|(a, _)| a == "totp_disabled_by_failures"));
    assert!(seen.iter().any(|(a, o)| a == "login_failed" && o == "denied"), "the refused login is on record");
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn replacing_a_pin_needs_the_password_and_a_lock_ends_the_pin_unlock() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let k = desk_clinic(&mut c);
    assert!(matches!(c.set_pin(&k.lars_s, &Secret::new("274917"), None), Err(Error::WrongCredentials)));
    let r = c.set_pin(&k.lars_s, &Secret::new("274917"), Some(&Secret::new("forkert")));
    assert!(matches!(r, Err(Error::WrongCredentials)));
    c.set_pin(&k.lars_s, &Secret::new("274917"), Some(&Secret::new(LARS_PW))).expect("with the password");
    // At the desk: the PIN unlock ends when the window locks, in the core.
    let desk = c.open_desk(&k.owner, &k.desk).expect("desk");
    c.unlock_with_pin(&desk, &k.lars, &Secret::new("274917")).expect("unlock");
    c.journal(&desk, &k.client).expect("Lars reads at the desk");
    c.lock(&desk).expect("lock");
    assert!(c.me(&desk).expect("me").pin_name.is_none());
    // The desk was opened by the owner's login: its lock screen takes the owner's
    // password (nobody typed the desk account's own), and the PIN is needed again.
    assert!(matches!(c.unlock(&desk, &Secret::new(LARS_PW)), Err(Error::WrongCredentials)));
    c.unlock(&desk, &Secret::new(OWNER_PASSWORD)).expect("the opener unlocks");
    assert!(matches!(c.journal(&desk, &k.client), Err(Error::PinRequired)));
    // A business login never unlocks with a PIN of its own.
    let admin = login(&mut c);
    let r = c.admin_set_pin(&admin, &k.desk, &Secret::new("739164"), &Secret::new(OWNER_PASSWORD));
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
    assert!(matches!(c.unlock_with_pin(&desk, &k.desk, &Secret::new("739164")), Err(Error::Denied(_))));
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn a_one_time_password_allows_only_choosing_a_new_one_and_expires_after_72_hours() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let owner = login(&mut c);
    let new = NewStaff { name: "Mia".into(), email: "mia@example.dk".into(), role: Role::Admin, business_login: false };
    let (_, otp) = c.create_staff(&owner, &new).expect("staff");
    let s = c.login("mia@example.dk", &Secret::new(otp.clone())).expect("first login");
    assert!(c.me(&s).expect("me").must_change_password);
    assert!(matches!(c.list_clients(&s, ""), Err(Error::PasswordChangeRequired)));
    assert!(matches!(c.list_staff_admin(&s), Err(Error::PasswordChangeRequired)));
    assert!(matches!(c.sessions(&s), Err(Error::PasswordChangeRequired)));
    let denied = c
        .audit_page(
            &owner,
            &klinik::audit::Filter { action: Some("client_list".into()), ..Default::default() },
            None,
            5,
        )
        .expect("page");
    assert_eq!(denied[0].reason.as_deref(), Some("password_change_required"));
    c.logout(&s).expect("logout");
    // 72 hours later the one-time password no longer opens anything.
    clock.advance(chrono::Duration::hours(72) + chrono::Duration::minutes(1));
    let owner = login(&mut c);
    assert!(matches!(c.login("mia@example.dk", &Secret::new(otp)), Err(Error::PasswordExpired)));
    // A new one from the admin works, and choosing a password opens the rest.
    let mia = c.staff_directory(&owner).expect("dir").into_iter().find(|(_, n)| n == "Mia").expect("Mia").0;
    let otp = c.admin_reset_staff(&owner, &mia, &Secret::new(OWNER_PASSWORD)).expect("reset");
    let s = c.login("mia@example.dk", &Secret::new(otp.clone())).expect("new one-time password");
    c.change_password(&s, &Secret::new(otp), &Secret::new("mias-helt-egen-lange-sætning")).expect("own password");
    c.list_clients(&s, "").expect("now she works");
    OsKeyring.delete(c.id()).expect("clean up");
}

/// A valid Danish CPR number (born 7 July 1961; the modulus-11 check is not a rule).
const CPR: &str = "070761-4285";

#[test]
fn in_national_id_mode_the_desk_is_opened_by_a_strong_login_and_ids_need_a_pin_and_a_relation() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let k = desk_clinic(&mut c);
    let rita_pw = "ritas-egen-lange-sætning-her";
    let rita_new =
        NewStaff { name: "Rita".into(), email: "rita@example.dk".into(), role: Role::Reception, business_login: false };
    add_staff(&mut c, &k.owner, &rita_new, rita_pw);
    c.set_journal_mode(&k.owner, JournalMode::JournalsWithId, &Secret::new(OWNER_PASSWORD)).expect("nid mode");

    // The owner enrolls two-factor login; the session from before is not a strong login.
    let e = c.begin_totp(&k.owner, None).expect("begin");
    c.confirm_totp(&k.owner, &code_at(&e.secret_base32, clock.now())).expect("confirm");
    assert!(matches!(c.open_desk(&k.owner, &k.desk), Err(Error::StrongLoginRequired)));
    let strong = |c: &mut Clinic| {
        clock.advance(chrono::Duration::seconds(30));
        c.login_2fa(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD), Some(&code_at(&e.secret_base32, clock.now())))
            .expect("the owner's strong login")
    };
    let owner = strong(&mut c);
    let with_cpr = ClientInput { name: "Ole Nid".into(), national_id: Some(CPR.into()), ..Default::default() };
    let client = c.create_client(&owner, &with_cpr).expect("client with CPR").id;
    let owner_id = c.me(&owner).expect("me").staff_id;
    // The desk account cannot sign in by password in this mode.
    let otp = c.admin_reset_staff(&owner, &k.desk, &Secret::new(OWNER_PASSWORD)).expect("desk password");
    assert!(matches!(c.login("skranke@example.dk", &Secret::new(otp)), Err(Error::StrongLoginRequired)));
    c.set_pin(&owner, &Secret::new("739164"), None).expect("owner's PIN (the owner has two-factor)");
    let desk = c.open_desk(&owner, &k.desk).expect("the owner switches the workstation to the desk");
    assert!(matches!(c.me(&owner), Err(Error::NotLoggedIn)), "the personal session ended with the switch");
    assert_eq!(c.me(&desk).expect("me").desk_opened_by.as_deref(), Some(OWNER_NAME));

    // Reception work runs at the desk; the national ID stays masked without a PIN.
    let listed = c.list_clients(&desk, "").expect("list");
    let masked = listed.iter().find(|x| x.id == client).and_then(|x| x.national_id_masked.clone()).expect("masked");
    assert!(!masked.contains("4285"), "{masked}");
    assert!(matches!(c.reveal_national_id(&desk, &client), Err(Error::PinRequired)));
    // Lars never enrolled two-factor login: his PIN opens nothing here.
    assert!(matches!(c.unlock_with_pin(&desk, &k.lars, &Secret::new(LARS_PIN)), Err(Error::TotpRequired)));
    // The owner's PIN: revealing follows the journal rule — no relation, no reveal.
    c.unlock_with_pin(&desk, &owner_id, &Secret::new("739164")).expect("owner's PIN at the desk");
    assert!(matches!(c.reveal_national_id(&desk, &client), Err(Error::Denied(_))));
    let admin = strong(&mut c);
    c.assign_relation(&admin, &owner_id, &client).expect("relation");
    assert_eq!(c.reveal_national_id(&desk, &client).expect("reveal").as_deref(), Some("0707614285"));
    let filter = klinik::audit::Filter { action: Some("national_id_reveal".into()), ..Default::default() };
    let reveal = c.audit_page(&admin, &filter, None, 5).expect("page");
    assert_eq!((reveal[0].actor_name.as_deref(), reveal[0].via.as_deref()), (Some(OWNER_NAME), Some("Skranken")));
    // A receptionist's own login (no two-factor yet) reaches no client data at all.
    let rita = c.login("rita@example.dk", &Secret::new(rita_pw)).expect("password-only login, to enroll");
    assert!(matches!(c.reveal_national_id(&rita, &client), Err(Error::TotpRequired)));
    // The desk lasts while the person who opened it is active.
    let lars_e = c.begin_totp(&k.lars_s, None).expect("Lars enrolls");
    c.confirm_totp(&k.lars_s, &code_at(&lars_e.secret_base32, clock.now())).expect("confirm");
    clock.advance(chrono::Duration::seconds(30));
    let lars = c
        .login_2fa("lars@example.dk", &Secret::new(LARS_PW), Some(&code_at(&lars_e.secret_base32, clock.now())))
        .expect("Lars' strong login");
    let desk2 = c.open_desk(&lars, &k.desk).expect("Lars opens a second desk");
    c.list_clients(&desk2, "").expect("works");
    c.set_staff_active(&admin, &k.lars, false, &Secret::new(OWNER_PASSWORD)).expect("deactivate Lars");
    assert!(matches!(c.list_clients(&desk2, ""), Err(Error::NotLoggedIn)));
    c.list_clients(&desk, "").expect("the owner's desk goes on");
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn a_drafts_files_are_its_authors_and_unknown_ids_answer_like_inaccessible_ones() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let k = desk_clinic(&mut c);
    c.set_access_model(&k.owner, AccessModel::Individual, &Secret::new(OWNER_PASSWORD)).expect("individual");
    let (sofie_id, sofie, _) = practitioner(&mut c, &k.owner, "Sofie", "sofie@example.dk");
    c.assign_relation(&k.owner, &sofie_id, &k.client).expect("Sofie cares for Inge too");
    let pdf = b"%PDF-1.4\n%%EOF\n";
    let draft = c.create_entry(&k.lars_s, &k.client, None, "", "Lars' kladde").expect("draft").id;
    let r = c.add_attachment(&sofie, &k.client, Some(&draft), "fra-sofie.pdf", pdf);
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
    let mine = c.add_attachment(&k.lars_s, &k.client, Some(&draft), "fra-lars.pdf", pdf).expect("the author attaches");
    assert!(matches!(c.remove_attachment(&sofie, &mine.id), Err(Error::Denied(_))));
    c.open_attachment(&sofie, &mine.id).expect("a colleague with access may read it");
    c.remove_attachment(&k.lars_s, &mine.id).expect("the author removes it");

    // Someone without access cannot tell an existing id from a made-up one.
    let (_, nina, _) = practitioner(&mut c, &k.owner, "Nina", "nina@example.dk");
    let kept = c.add_attachment(&k.lars_s, &k.client, None, "henvisning.pdf", pdf).expect("client attachment").id;
    let made_up = "0190d0c0-0000-7000-8000-000000000000";
    let (made_up_entry, made_up_file) = (
        klinik::EntryId::parse(made_up).expect("an entry id"),
        klinik::AttachmentId::parse(made_up).expect("an attachment id"),
    );
    for (what, real, fake) in [
        (
            "save",
            c.save_draft(&nina, &draft, "", "x").map(|_| ()),
            c.save_draft(&nina, &made_up_entry, "", "x").map(|_| ()),
        ),
        (
            "addendum",
            c.add_addendum(&nina, &draft, "x").map(|_| ()),
            c.add_addendum(&nina, &made_up_entry, "x").map(|_| ()),
        ),
        ("open", c.open_attachment(&nina, &kept).map(|_| ()), c.open_attachment(&nina, &made_up_file).map(|_| ())),
        ("remove", c.remove_attachment(&nina, &kept), c.remove_attachment(&nina, &made_up_file)),
    ] {
        assert!(matches!(real, Err(Error::Denied(_))), "{what}: {real:?}");
        assert!(matches!(fake, Err(Error::Denied(_))), "{what}: {fake:?}");
    }
    // Someone who may look is told plainly that the id does not exist.
    assert!(matches!(c.save_draft(&k.owner, &made_up_entry, "", "x"), Err(Error::NotFound)));
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn a_taken_national_id_names_the_existing_client_only_to_someone_who_may_open_it() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let k = desk_clinic(&mut c);
    c.set_access_model(&k.owner, AccessModel::Individual, &Secret::new(OWNER_PASSWORD)).expect("individual");
    c.set_journal_mode(&k.owner, JournalMode::JournalsWithId, &Secret::new(OWNER_PASSWORD)).expect("nid mode");
    for (s, secret) in [(&k.owner, "owner"), (&k.lars_s, "lars")] {
        let e = c.begin_totp(s, None).expect(secret);
        c.confirm_totp(s, &code_at(&e.secret_base32, clock.now())).expect("confirm");
    }
    // New clients are not open to everyone in this clinic.
    let none = klinik::policy::Level::None;
    c.set_new_client_access(&k.owner, none, &Secret::new(OWNER_PASSWORD)).expect("closed by default");
    let first = ClientInput { name: "Ole Nid".into(), national_id: Some(CPR.into()), ..Default::default() };
    let existing = c.create_client(&k.owner, &first).expect("first").id;
    let again = ClientInput { name: "Ole Igen".into(), national_id: Some(CPR.into()), ..Default::default() };
    // Lars (own clients, no relation to Ole) learns only that the number is taken.
    let r = c.create_client(&k.lars_s, &again);
    assert!(matches!(&r, Err(Error::Conflict(_))), "{r:?}");
    assert_eq!(r.err().and_then(|e| e.detail()), None);
    // The refusal answered something about Ole: it is in his access log.
    let probes = c.client_access_log(&k.owner, &existing).expect("access log");
    assert!(probes.iter().any(|e| e.action == "client_create" && e.outcome == "failed"), "{probes:?}");
    // The owner, who may open Ole, is pointed to him.
    match c.create_client(&k.owner, &again) {
        Err(Error::DuplicateNationalId(id)) => assert_eq!(id, existing),
        other => panic!("{other:?}"),
    }
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn an_emergency_reason_stays_out_of_the_audit_chain_and_exports_take_the_password() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let k = desk_clinic(&mut c);
    c.set_access_model(&k.owner, AccessModel::Individual, &Secret::new(OWNER_PASSWORD)).expect("individual");
    let (_, nina, _) = practitioner(&mut c, &k.owner, "Nina", "nina@example.dk");
    let reason = "Akut: klienten ringer med brystsmerter, behandler syg";
    c.emergency_access(&nina, &k.client, reason).expect("break the glass");
    // The reviewer still reads the reason ...
    let filter = klinik::audit::Filter { action: Some("emergency_access".into()), ..Default::default() };
    let shown = c.audit_page(&k.owner, &filter, None, 5).expect("page");
    assert_eq!(shown[0].reason.as_deref(), Some(reason));
    // ... but the hashed, append-only events hold only a reference to it.
    let id = c.id().clone();
    let raw = raw_connection(d.path(), &id);
    let in_chain: i64 = raw
        .query_row(
            "SELECT count(*) FROM audit_events WHERE instr(coalesce(reason, '') || coalesce(object, ''), 'brystsmerter') > 0",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(in_chain, 0);
    drop(raw);
    // The export is an unencrypted file: it takes the password.
    let csv = klinik::clinic::ExportFormat::Csv;
    let r = c.export_audit(&k.owner, &Default::default(), csv, &Secret::new("forkert"));
    assert!(matches!(r, Err(Error::WrongCredentials)));
    c.export_audit(&k.owner, &Default::default(), csv, &Secret::new(OWNER_PASSWORD)).expect("with the password");
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn a_right_password_with_a_wrong_code_counts_like_a_wrong_password() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let s = login(&mut c);
    let e = c.begin_totp(&s, None).expect("begin");
    c.confirm_totp(&s, &code_at(&e.secret_base32, clock.now())).expect("confirm");
    c.logout(&s).expect("logout");
    // Two wrong passwords, then a guess with a wrong code: whether the guess was the
    // password must not show in what the next try answers.
    for _ in 0..2 {
        let r = c.login_2fa(OWNER_EMAIL, &Secret::new("forkert"), Some(&Secret::new("000000")));
        assert!(matches!(r, Err(Error::WrongCredentials)));
    }
    let r = c.login_2fa(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD), Some(&Secret::new("000000")));
    assert!(matches!(r, Err(Error::WrongCredentials)));
    let r = c.login_2fa(OWNER_EMAIL, &Secret::new("forkert"), Some(&Secret::new("000000")));
    assert!(matches!(r, Err(Error::TooManyAttempts { seconds: 30 })), "the third failure locks either way: {r:?}");
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn a_desk_ends_when_the_person_who_opened_it_is_deactivated_in_any_mode() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let k = desk_clinic(&mut c);
    // Lars (not national-ID mode) opens the desk from his own login.
    let desk = c.open_desk(&k.lars_s, &k.desk).expect("Lars opens the desk");
    c.list_clients(&desk, "").expect("the desk works");
    c.set_staff_active(&k.owner, &k.lars, false, &Secret::new(OWNER_PASSWORD)).expect("deactivate Lars");
    assert!(matches!(c.list_clients(&desk, ""), Err(Error::NotLoggedIn)));
    assert!(matches!(c.unlock(&desk, &Secret::new(LARS_PW)), Err(Error::NotLoggedIn)));
    OsKeyring.delete(c.id()).expect("clean up");
}
