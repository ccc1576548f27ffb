//! The reception desk on a real clinic: staff added by the owner, personal PINs, a
//! business-login workstation whose journal work is attributed to the PIN owner, PIN
//! idle relock, and a lockout that survives a restart and never blocks someone else.

mod common;

use common::*;
use klinik::policy::{AccessModel, Role};
use klinik::secret::Secret;
use klinik::staff::NewStaff;
use klinik::vault::{KeyStorage, KeyStore, OsKeyring};
use klinik::{Clinic, Error, FixedClock, StaffId};
use std::sync::Arc;

const LARS_PW: &str = "grå-måger-over-havnen-i-skagen";
const SOFIE_PW: &str = "syv-røde-kaniner-i-haven-hjemme";
const DESK_PW: &str = "skranken-åbner-klokken-otte-hver-dag";

struct Desk {
    lars: StaffId,
    sofie: StaffId,
    client: klinik::ClientId,
}

/// Owner adds a business-login desk and two practitioners with PINs, switches to the
/// business-login model, and creates one client.
fn reception_clinic(c: &mut Clinic) -> Desk {
    let owner = login(c);
    let mut add = |name: &str, email: &str, role, business, pw: &str| {
        let (view, otp) = c
            .create_staff(&owner, &NewStaff { name: name.into(), email: email.into(), role, business_login: business })
            .expect("create staff");
        let s = c.login(email, &Secret::new(otp.clone())).expect("first login with the one-time password");
        assert!(c.me(&s).expect("me").must_change_password);
        c.change_password(&s, &Secret::new(otp), &Secret::new(pw)).expect("own password");
        (view.id, s)
    };
    let (lars, lars_s) = add("Lars Holm", "lars@example.dk", Role::Practitioner, false, LARS_PW);
    let (sofie, sofie_s) = add("Sofie Berg", "sofie@example.dk", Role::Practitioner, false, SOFIE_PW);
    add("Skranken", "skranke@example.dk", Role::Reception, true, DESK_PW);
    c.set_pin(&lars_s, &Secret::new("583920"), None).expect("Lars' PIN");
    c.set_pin(&sofie_s, &Secret::new("794061"), None).expect("Sofie's PIN");
    assert!(
        matches!(c.set_pin(&sofie_s, &Secret::new("123456"), None), Err(Error::Invalid(_))),
        "a common PIN is refused"
    );
    assert!(matches!(
        c.set_access_model(&owner, AccessModel::BusinessPin, &Secret::new("forkert")),
        Err(Error::WrongCredentials)
    ));
    c.set_access_model(&owner, AccessModel::BusinessPin, &Secret::new(OWNER_PASSWORD)).expect("model");
    let client = c
        .create_client(&owner, &klinik::clients::ClientInput { name: "Inge Krag".into(), ..Default::default() })
        .expect("client")
        .id;
    c.assign_relation(&owner, &lars, &client).expect("Lars cares for Inge");
    c.assign_relation(&owner, &sofie, &client).expect("so does Sofie");
    Desk { lars, sofie, client }
}

#[test]
fn the_pin_owner_is_the_actor_via_the_business_login_until_idle_relock() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let desk = reception_clinic(&mut c);
    let s = c.login("skranke@example.dk", &Secret::new(DESK_PW)).expect("business login");
    assert!(c.me(&s).expect("me").business_login);
    // Reception work runs as the business login.
    c.list_clients(&s, "").expect("reception sees the client list");
    // Journals need a PIN.
    assert!(matches!(c.journal(&s, &desk.client), Err(Error::PinRequired)));
    assert!(matches!(c.unlock_with_pin(&s, &desk.lars, &Secret::new("000000")), Err(Error::WrongPin)));
    assert_eq!(c.unlock_with_pin(&s, &desk.lars, &Secret::new("583920")).expect("unlock"), "Lars Holm");
    assert_eq!(c.me(&s).expect("me").pin_name.as_deref(), Some("Lars Holm"));
    // The security page names whose PIN unlock is in force at the desk.
    let admin = login(&mut c);
    let desk_session = c.sessions(&admin).expect("sessions").into_iter().find(|x| x.id == s).expect("desk session");
    assert_eq!((desk_session.kind.as_str(), desk_session.pin_name.as_deref()), ("business", Some("Lars Holm")));
    let entry = c.create_entry(&s, &desk.client, None, "", "Skrevet af Lars ved skranken").expect("entry");
    assert_eq!(entry.author_name, "Lars Holm");

    // Two minutes idle: the unlock ends by itself.
    clock.advance(chrono::Duration::seconds(119));
    c.journal(&s, &desk.client).expect("still unlocked within the idle time");
    clock.advance(chrono::Duration::seconds(121));
    assert!(matches!(c.journal(&s, &desk.client), Err(Error::PinRequired)));
    // Switching person.
    c.unlock_with_pin(&s, &desk.sofie, &Secret::new("794061")).expect("Sofie");
    c.journal(&s, &desk.client).expect("Sofie reads");
    c.end_pin(&s).expect("journal closed");
    assert!(matches!(c.journal(&s, &desk.client), Err(Error::PinRequired)));

    // The audit trail names the PIN owner, via the business login.
    let owner = login(&mut c);
    let events = c.audit_page(&owner, &Default::default(), None, 40).expect("page");
    let created = events.iter().find(|e| e.action == "entry_create").expect("entry_create");
    assert_eq!(created.actor_name.as_deref(), Some("Lars Holm"));
    assert_eq!(created.via.as_deref(), Some("Skranken"));
    let sofie_read =
        events.iter().find(|e| e.action == "journal_read" && e.actor_name.as_deref() == Some("Sofie Berg"));
    assert_eq!(sofie_read.and_then(|e| e.via.as_deref()), Some("Skranken"));
    let list = events.iter().find(|e| e.action == "client_list").expect("client_list");
    assert_eq!(list.actor_name.as_deref(), Some("Skranken"), "reception work is the business login's");
    assert!(events.iter().any(|e| e.action == "pin_failed" && e.actor_name.as_deref() == Some("Lars Holm")));
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn pin_lockout_survives_a_restart_and_never_blocks_another_person() {
    let d = tmp();
    let store = klinik::vault::MemoryKeyStore::new();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_with(d.path(), KeyStorage::Keyring, &store, clock.clone());
    let desk = reception_clinic(&mut c);
    let s = c.login("skranke@example.dk", &Secret::new(DESK_PW)).expect("business login");
    let wrong = Secret::new("111222");
    for _ in 0..3 {
        assert!(matches!(c.unlock_with_pin(&s, &desk.lars, &wrong), Err(Error::WrongPin)));
    }
    // The fourth try must wait 30 s, even with the right PIN.
    assert!(matches!(c.unlock_with_pin(&s, &desk.lars, &Secret::new("583920")), Err(Error::PinLocked { seconds: 30 })));
    // Sofie is not affected.
    c.unlock_with_pin(&s, &desk.sofie, &Secret::new("794061")).expect("Sofie unlocks");
    // A restart does not reset Lars' lockout.
    drop(c);
    let mut c = Clinic::open(d.path(), &Default::default(), &store, clock.clone()).expect("reopen");
    let s = c.login("skranke@example.dk", &Secret::new(DESK_PW)).expect("business login");
    assert!(matches!(c.unlock_with_pin(&s, &desk.lars, &wrong), Err(Error::PinLocked { .. })));
    // Doubling delays up to the tenth wrong PIN, which disables it.
    let mut failures = 3;
    while failures < 10 {
        clock.advance(chrono::Duration::hours(2));
        let r = c.unlock_with_pin(&s, &desk.lars, &wrong);
        failures += 1;
        if failures < 10 {
            assert!(matches!(r, Err(Error::WrongPin)), "failure {failures}: {r:?}");
        } else {
            assert!(matches!(r, Err(Error::PinDisabled)), "failure {failures}: {r:?}");
        }
    }
    // Disabled means disabled: no waiting brings it back, not even with the right PIN.
    clock.advance(chrono::Duration::hours(3));
    let r = c.unlock_with_pin(&s, &desk.lars, &Secret::new("583920"));
    assert!(matches!(r, Err(Error::PinDisabled)), "{r:?}");
    // Logging in with the password re-enables it.
    c.login("lars@example.dk", &Secret::new(LARS_PW)).expect("Lars logs in personally");
    c.unlock_with_pin(&s, &desk.lars, &Secret::new("583920")).expect("PIN works again");
}

#[test]
fn solo_and_individual_models_guard_the_journals() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let owner = login(&mut c);
    let client = c
        .create_client(&owner, &klinik::clients::ClientInput { name: "Ole Ø".into(), ..Default::default() })
        .expect("c")
        .id;
    let (_, nina) = add_staff(
        &mut c,
        &owner,
        &NewStaff {
            name: "Nina".into(),
            email: "nina@example.dk".into(),
            role: Role::Practitioner,
            business_login: false,
        },
        "ninas-lange-hemmelige-sætning",
    );
    // Solo: the new person has no journal access until the owner chooses a model.
    assert!(matches!(c.journal(&nina, &client), Err(Error::Denied(_))));
    c.journal(&owner, &client).expect("the owner still has full access");
    c.set_access_model(&owner, AccessModel::Individual, &Secret::new(OWNER_PASSWORD)).expect("individual");
    // Individual: a practitioner opens only own clients' journals.
    assert!(matches!(c.journal(&nina, &client), Err(Error::Denied(_))), "no relation yet");
    let nina_id = c.staff_directory(&owner).expect("staff").into_iter().find(|(_, n)| n == "Nina").expect("nina").0;
    c.assign_relation(&owner, &nina_id, &client).expect("assign");
    c.journal(&nina, &client).expect("with an active relation");
    c.block_relation(&owner, &nina_id, &client).expect("block");
    assert!(matches!(c.journal(&nina, &client), Err(Error::Denied(_))), "a block wins over the relation");
    assert!(matches!(c.emergency_access(&nina, &client, "akut henvendelse i weekenden"), Err(Error::Denied(_))));
    c.end_relation(&owner, &nina_id, &client).expect("end all");
    assert!(matches!(c.journal(&nina, &client), Err(Error::Denied(_))), "an ended relation is no relation");
    // Emergency access: allowed with a reason, audited as such, shown in the log review.
    assert!(matches!(c.emergency_access(&nina, &client, "kort"), Err(Error::Invalid(_))), "a reason is required");
    c.emergency_access(&nina, &client, "Akut: klienten ringer med smerter, behandler syg").expect("break the glass");
    c.journal(&nina, &client).expect("open during emergency access");
    let period = klinik::review::Period::parse(&chrono::Local::now().format("%Y-%m").to_string()).expect("period");
    let review = c.log_review(&owner, period).expect("review");
    // Both the refused attempt while blocked and the granted one are listed for review.
    let outcomes: Vec<&str> = review.emergency.iter().map(|e| e.outcome.as_str()).collect();
    assert_eq!(outcomes, ["denied", "ok"]);
    assert!(review.emergency.iter().all(|e| e.actor_name.as_deref() == Some("Nina")));
    assert!(review.relations_checked);
    // The owner's own reads happened without a relation ("all clients") and show up.
    assert!(review.without_relation.iter().any(|e| e.actor_name.as_deref() == Some(OWNER_NAME)));
    // Only admins manage staff.
    assert!(matches!(
        c.create_staff(
            &nina,
            &NewStaff { name: "X".into(), email: "x@example.dk".into(), role: Role::Admin, business_login: false }
        ),
        Err(Error::Denied(_))
    ));
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn an_admin_resets_a_forgotten_password_and_reenables_a_disabled_pin() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let desk = reception_clinic(&mut c);
    let owner = login(&mut c);
    let lars_session = c.login("lars@example.dk", &Secret::new(LARS_PW)).expect("Lars");
    assert!(matches!(c.admin_reset_staff(&owner, &desk.lars, &Secret::new("forkert")), Err(Error::WrongCredentials)));
    let otp = c.admin_reset_staff(&owner, &desk.lars, &Secret::new(OWNER_PASSWORD)).expect("reset");
    assert!(matches!(c.list_clients(&lars_session, ""), Err(Error::NotLoggedIn)), "his sessions ended");
    assert!(matches!(c.login("lars@example.dk", &Secret::new(LARS_PW)), Err(Error::WrongCredentials)));
    let s = c.login("lars@example.dk", &Secret::new(otp)).expect("one-time password");
    assert!(c.me(&s).expect("me").must_change_password);
    // The journal mode only moves towards more protection.
    assert!(matches!(
        c.set_journal_mode(&owner, klinik::clinic::JournalMode::Notes, &Secret::new(OWNER_PASSWORD)),
        Err(Error::Invalid(_))
    ));
    c.set_journal_mode(&owner, klinik::clinic::JournalMode::JournalsWithId, &Secret::new(OWNER_PASSWORD)).expect("up");
    assert_eq!(c.info().expect("info").journal_mode, klinik::clinic::JournalMode::JournalsWithId);
    OsKeyring.delete(c.id()).expect("clean up");
}
