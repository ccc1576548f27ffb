//! Staff rights on a real clinic: scope all / own / none, view vs edit, per-feature
//! rights, the access every staff member gets to a new client, editing and deactivating
//! staff, an admin setting someone's PIN, a PIN demanded before journals, and wrong PINs
//! hammered from several threads at once.

mod common;

use common::*;
use klinik::clients::ClientInput;
use klinik::policy::{AccessModel, Feature, Features, Level, Role, Scope};
use klinik::secret::Secret;
use klinik::staff::{NewStaff, StaffChanges, StaffView};
use klinik::vault::{KeyStore, OsKeyring};
use klinik::{Clinic, Error, FixedClock, SessionId, StaffId};
use std::sync::{Arc, Mutex};

const PW: &str = "lange-ord-om-havet-ved-hirtshals";

/// Adds a staff member and signs them in with their own password.
fn add(c: &mut Clinic, owner: &SessionId, name: &str, email: &str, role: Role) -> (StaffId, SessionId) {
    add_staff(c, owner, &NewStaff { name: name.into(), email: email.into(), role, business_login: false }, PW)
}

fn view(c: &mut Clinic, owner: &SessionId, id: &StaffId) -> StaffView {
    c.list_staff_admin(owner).expect("staff").into_iter().find(|s| &s.id == id).expect("listed")
}

fn changes(v: &StaffView) -> StaffChanges {
    StaffChanges {
        name: v.name.clone(),
        email: v.email.clone(),
        role: v.role,
        business_login: v.business_login,
        scope: v.scope,
        edit: v.edit,
        features: Features::of(&v.features),
        requires_pin: v.requires_pin,
        calendars: v.calendars.clone(),
    }
}

fn client(c: &mut Clinic, s: &SessionId, name: &str) -> klinik::ClientId {
    c.create_client(s, &ClientInput { name: name.into(), ..Default::default() }).expect("client").id
}

fn names(c: &mut Clinic, s: &SessionId) -> Vec<String> {
    let mut v: Vec<String> = c.list_clients(s, "").expect("list").into_iter().map(|c| c.name).collect();
    v.sort();
    v
}

#[test]
fn own_scope_sees_related_clients_and_what_the_clinic_opens_to_everyone() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let owner = login(&mut c);
    c.set_access_model(&owner, AccessModel::Individual, &Secret::new(OWNER_PASSWORD)).expect("model");
    let (nina, nina_s) = add(&mut c, &owner, "Nina Dahl", "nina@example.dk", Role::Practitioner);
    assert_eq!(view(&mut c, &owner, &nina).scope, Scope::Own, "practitioners start with their own clients");

    let open = client(&mut c, &owner, "Aase Åben"); // created while new clients are open to everyone
    c.set_new_client_access(&owner, Level::None, &Secret::new(OWNER_PASSWORD)).expect("setting");
    let closed = client(&mut c, &owner, "Bent Lukket");
    let related = client(&mut c, &owner, "Carl Tilknyttet");
    c.assign_relation(&owner, &nina, &related).expect("relation");

    assert_eq!(names(&mut c, &nina_s), ["Aase Åben", "Carl Tilknyttet"]);
    assert_eq!(names(&mut c, &owner).len(), 3, "scope all sees everyone");
    assert_eq!(names(&mut c, &owner).len(), c.list_clients(&owner, "").expect("l").len());
    assert!(matches!(c.get_client(&nina_s, &closed), Err(Error::Denied(_))));
    assert!(c.list_clients(&nina_s, "Bent").expect("search").is_empty(), "search hides it too");
    c.get_client(&nina_s, &open).expect("open to everyone");
    // A client she registers herself stays hers.
    let mine = client(&mut c, &nina_s, "Dorte Egen");
    c.get_client(&nina_s, &mine).expect("her own registration");
    c.journal(&nina_s, &mine).expect("and its journal, through the relation made on creation");

    // View only: reading works, changing is refused and changes nothing.
    c.set_new_client_access(&owner, Level::View, &Secret::new(OWNER_PASSWORD)).expect("setting");
    let viewed = client(&mut c, &owner, "Erik Kig");
    c.get_client(&nina_s, &viewed).expect("may look");
    let r = c.update_client(&nina_s, &viewed, &ClientInput { name: "Ændret".into(), ..Default::default() });
    assert!(matches!(r, Err(Error::Denied(_))), "{r:?}");
    assert_eq!(c.get_client(&owner, &viewed).expect("c").name, "Erik Kig");

    // The whole person view-only: no client creation, no journal writing, reading works.
    let mut ch = changes(&view(&mut c, &owner, &nina));
    ch.edit = false;
    c.update_staff(&owner, &nina, &ch, &Secret::new(OWNER_PASSWORD)).expect("view only");
    assert!(matches!(
        c.create_client(&nina_s, &ClientInput { name: "Ny".into(), ..Default::default() }),
        Err(Error::Denied(_))
    ));
    c.journal(&nina_s, &related).expect("reads the journal");
    assert!(matches!(c.create_entry(&nina_s, &related, None, "", "tekst"), Err(Error::Denied(_))));

    // Scope none and no journal feature: nothing.
    ch.scope = Scope::None;
    c.update_staff(&owner, &nina, &ch, &Secret::new(OWNER_PASSWORD)).expect("scope none");
    assert!(matches!(c.list_clients(&nina_s, ""), Err(Error::Denied(_))));
    ch.scope = Scope::All;
    ch.features = Features::of(&[Feature::Clients]);
    c.update_staff(&owner, &nina, &ch, &Secret::new(OWNER_PASSWORD)).expect("no journal feature");
    assert_eq!(names(&mut c, &nina_s).len(), 5);
    assert!(matches!(c.journal(&nina_s, &related), Err(Error::Denied(_))));

    // Every change is in the audit trail with the rights it set.
    let events = c.audit_page(&owner, &Default::default(), None, 200).expect("page");
    assert!(events
        .iter()
        .any(|e| e.action == "staff_update" && e.object.as_deref().is_some_and(|o| o.contains("scope=none"))));
    assert!(events
        .iter()
        .any(|e| e.action == "settings_change" && e.object.as_deref() == Some("new_client_access=none")));
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn a_block_hides_the_client_even_from_scope_all() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let owner = login(&mut c);
    let (rita, rita_s) = add(&mut c, &owner, "Rita Skranke", "rita@example.dk", Role::Reception);
    let target = client(&mut c, &owner, "Søren Spærret");
    client(&mut c, &owner, "Tove Synlig");
    assert_eq!(names(&mut c, &rita_s).len(), 2);
    c.block_relation(&owner, &rita, &target).expect("block");
    assert_eq!(names(&mut c, &rita_s), ["Tove Synlig"]);
    assert!(matches!(c.get_client(&rita_s, &target), Err(Error::Denied(_))));
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn admins_edit_and_deactivate_staff_within_limits() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let owner = login(&mut c);
    let owner_id = c.me(&owner).expect("me").staff_id;
    let (anna, anna_s) = add(&mut c, &owner, "Anna Admin", "anna@example.dk", Role::Admin);
    let (per, per_s) = add(&mut c, &owner, "Per Prak", "per@example.dk", Role::Practitioner);

    // Rename, new email, other role, calendar rights.
    let mut ch = changes(&view(&mut c, &owner, &per));
    ch.name = "Per Praktiker".into();
    ch.email = "per.p@example.dk".into();
    ch.calendars = vec![(anna.clone(), Level::View), (owner_id.clone(), Level::Edit)];
    // Changing rights is confirmed with the admin's password; a wrong one changes nothing.
    assert!(matches!(c.update_staff(&owner, &per, &ch, &Secret::new("forkert")), Err(Error::WrongCredentials)));
    assert_eq!(view(&mut c, &owner, &per).name, "Per Prak");
    assert!(matches!(c.set_staff_active(&owner, &per, false, &Secret::new("forkert")), Err(Error::WrongCredentials)));
    assert!(view(&mut c, &owner, &per).active);
    let v = c.update_staff(&owner, &per, &ch, &Secret::new(OWNER_PASSWORD)).expect("update");
    assert_eq!((v.name.as_str(), v.email.as_str()), ("Per Praktiker", "per.p@example.dk"));
    assert_eq!(v.calendars.len(), 2);
    assert!(c.login("per.p@example.dk", &Secret::new(PW)).is_ok(), "logs in with the new email");

    // Limits: one owner; nobody takes the owner's rights; no duplicate email; no lock-out
    // of oneself; a bad name changes nothing.
    ch.role = Role::Owner;
    assert!(matches!(c.update_staff(&owner, &per, &ch, &Secret::new(OWNER_PASSWORD)), Err(Error::Invalid(_))));
    let mut o = changes(&view(&mut c, &owner, &owner_id));
    o.role = Role::Reception;
    o.scope = Scope::None;
    let kept = c.update_staff(&anna_s, &owner_id, &o, &Secret::new(PW)).expect("name/email only");
    assert_eq!((kept.role, kept.scope, kept.features.len()), (Role::Owner, Scope::All, Feature::ALL.len()));
    let mut a = changes(&view(&mut c, &owner, &anna));
    a.features = Features::of(&[Feature::Clients]);
    assert!(
        matches!(c.update_staff(&anna_s, &anna, &a, &Secret::new(PW)), Err(Error::Invalid(_))),
        "own admin rights stay"
    );
    let mut dup = changes(&view(&mut c, &owner, &per));
    dup.email = OWNER_EMAIL.to_uppercase();
    assert!(matches!(c.update_staff(&owner, &per, &dup, &Secret::new(OWNER_PASSWORD)), Err(Error::Conflict(_))));
    let before = view(&mut c, &owner, &per);
    let mut bad = changes(&before);
    bad.name = "\u{0007}".into();
    assert!(matches!(c.update_staff(&owner, &per, &bad, &Secret::new(OWNER_PASSWORD)), Err(Error::Invalid(_))));
    assert_eq!(view(&mut c, &owner, &per).name, before.name);
    // Only administrators edit staff.
    assert!(matches!(c.update_staff(&per_s, &per, &changes(&before), &Secret::new(PW)), Err(Error::Denied(_))));

    // Deactivation ends sessions at once and keeps the person out; reactivation lets them back.
    assert!(matches!(
        c.set_staff_active(&owner, &owner_id, false, &Secret::new(OWNER_PASSWORD)),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(c.set_staff_active(&anna_s, &anna, false, &Secret::new(PW)), Err(Error::Invalid(_))));
    c.set_staff_active(&owner, &per, false, &Secret::new(OWNER_PASSWORD)).expect("deactivate");
    assert!(matches!(c.list_clients(&per_s, ""), Err(Error::NotLoggedIn)));
    assert!(matches!(c.login("per.p@example.dk", &Secret::new(PW)), Err(Error::WrongCredentials)));
    c.set_staff_active(&owner, &per, true, &Secret::new(OWNER_PASSWORD)).expect("reactivate");
    let per_s = c.login("per.p@example.dk", &Secret::new(PW)).expect("back");

    // A photo is checked by its content.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    c.set_staff_photo(&owner, &per, Some(png)).expect("png");
    assert_eq!(c.staff_photo(&per_s, &per).expect("photo").map(|p| p.0).as_deref(), Some("image/png"));
    let r = c.set_staff_photo(&owner, &per, Some(b"<svg onload=alert(1)>"));
    assert!(matches!(r, Err(Error::Invalid(_))), "an SVG (script) is not a photo");
    assert!(matches!(c.set_staff_photo(&owner, &per, Some(&vec![0u8; 3 * 1024 * 1024])), Err(Error::Invalid(_))));
    assert!(view(&mut c, &owner, &per).has_photo);
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn pins_set_by_an_admin_demanded_before_journals_and_confirmed_on_a_personal_login() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let owner = login(&mut c);
    c.set_pin(&owner, &Secret::new("480713"), None).expect("owner's PIN");
    c.set_access_model(&owner, AccessModel::BusinessPin, &Secret::new(OWNER_PASSWORD)).expect("model");
    let (ida, ida_s) = add(&mut c, &owner, "Ida Ny", "ida@example.dk", Role::Practitioner);
    let cl = client(&mut c, &owner, "Jens Journal");
    c.assign_relation(&owner, &ida, &cl).expect("relation");

    // No PIN yet: asked to create one, and no journals until then.
    assert!(c.me(&ida_s).expect("me").must_create_pin);
    assert!(matches!(c.journal(&ida_s, &cl), Err(Error::PinSetupRequired)));
    // An admin may set it (with their password); the PIN rules still apply.
    assert!(matches!(
        c.admin_set_pin(&owner, &ida, &Secret::new("739164"), &Secret::new("forkert")),
        Err(Error::WrongCredentials)
    ));
    assert!(matches!(
        c.admin_set_pin(&owner, &ida, &Secret::new("123456"), &Secret::new(OWNER_PASSWORD)),
        Err(Error::Invalid(_))
    ));
    c.admin_set_pin(&owner, &ida, &Secret::new("739164"), &Secret::new(OWNER_PASSWORD)).expect("admin sets");
    assert!(!c.me(&ida_s).expect("me").must_create_pin);
    c.journal(&ida_s, &cl).expect("personal login opens the journal now");

    // "Requires PIN for journals": on her personal login too, with her own PIN only.
    let mut ch = changes(&view(&mut c, &owner, &ida));
    ch.requires_pin = true;
    c.update_staff(&owner, &ida, &ch, &Secret::new(OWNER_PASSWORD)).expect("requires PIN");
    assert!(matches!(c.journal(&ida_s, &cl), Err(Error::PinRequired)));
    let owner_id = c.me(&owner).expect("me").staff_id;
    assert!(matches!(c.unlock_with_pin(&ida_s, &owner_id, &Secret::new("480713")), Err(Error::Denied(_))));
    let candidates = c.pin_candidates(&ida_s).expect("candidates");
    assert_eq!(candidates.iter().map(|(id, _)| id).collect::<Vec<_>>(), [&ida]);
    c.unlock_with_pin(&ida_s, &ida, &Secret::new("739164")).expect("own PIN");
    c.journal(&ida_s, &cl).expect("confirmed");
    // Activity keeps the confirmation alive; idle ends it.
    clock.advance(chrono::Duration::seconds(100));
    c.journal(&ida_s, &cl).expect("still within the idle time");
    clock.advance(chrono::Duration::seconds(100));
    c.journal(&ida_s, &cl).expect("the idle time counts from the last use");
    clock.advance(chrono::Duration::seconds(121));
    assert!(matches!(c.journal(&ida_s, &cl), Err(Error::PinRequired)));
    let events = c.audit_page(&owner, &Default::default(), None, 100).expect("page");
    let unlock = events.iter().find(|e| e.action == "pin_unlock").expect("pin_unlock");
    assert_eq!((unlock.actor_name.as_deref(), unlock.via.as_deref()), (Some("Ida Ny"), None));
    assert!(
        events
            .iter()
            .any(|e| e.action == "staff_update"
                && e.object.as_deref().is_some_and(|o| o.starts_with("pin set for staff")))
    );
    OsKeyring.delete(c.id()).expect("clean up");
}

/// The app serves every window's commands from one `Mutex<Clinic>`; eight threads
/// hammering wrong PINs at once still get exactly the three free tries, then the lockout
/// (checked and counted in one IMMEDIATE transaction), and the counter matches.
#[test]
fn concurrent_wrong_pins_cannot_get_past_the_limit() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let owner = login(&mut c);
    let (lea, lea_s) = add(&mut c, &owner, "Lea Lås", "lea@example.dk", Role::Practitioner);
    c.set_pin(&lea_s, &Secret::new("846203"), None).expect("PIN");
    c.set_access_model(&owner, AccessModel::BusinessPin, &Secret::new(OWNER_PASSWORD)).expect("model");
    let desk_staff = NewStaff {
        name: "Skranke".into(),
        email: "desk@example.dk".into(),
        role: Role::Reception,
        business_login: true,
    };
    let (_, desk) = add_staff(&mut c, &owner, &desk_staff, PW);
    let shared = Arc::new(Mutex::new(c));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let (shared, lea, desk) = (shared.clone(), lea.clone(), desk.clone());
            std::thread::spawn(move || {
                (0..3)
                    .map(|j| {
                        let wrong = Secret::new(format!("9{i}{j}517"));
                        shared.lock().expect("lock").unlock_with_pin(&desk, &lea, &wrong).expect_err("wrong PIN")
                    })
                    .collect::<Vec<Error>>()
            })
        })
        .collect();
    let results: Vec<Error> = threads.into_iter().flat_map(|t| t.join().expect("thread")).collect();
    let wrong = results.iter().filter(|e| matches!(e, Error::WrongPin)).count();
    let locked = results.iter().filter(|e| matches!(e, Error::PinLocked { .. })).count();
    assert_eq!((wrong, locked), (3, 21), "{results:?}");
    let mut c = Arc::try_unwrap(shared).ok().expect("sole owner").into_inner().expect("mutex");
    assert!(matches!(c.unlock_with_pin(&desk, &lea, &Secret::new("846203")), Err(Error::PinLocked { .. })));
    let events = c.audit_page(&owner, &Default::default(), None, 100).expect("page");
    assert_eq!(events.iter().filter(|e| e.action == "pin_failed").count(), 25, "every try is on record");
    OsKeyring.delete(c.id()).expect("clean up");
}

/// A treatment relation for a period: not before its first day, not after its last;
/// listed on the client's page with ended ones kept.
#[test]
fn a_relation_for_a_period_opens_the_journal_only_within_it() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let owner = login(&mut c);
    c.set_access_model(&owner, AccessModel::Individual, &Secret::new(OWNER_PASSWORD)).expect("model");
    let (vera, vera_s) = add(&mut c, &owner, "Vera Periode", "vera@example.dk", Role::Practitioner);
    let cl = client(&mut c, &owner, "Ole Forløb");
    let today = klinik::Clock::now(clock.as_ref()).with_timezone(&chrono::Local).date_naive();
    let day = |n: i64| today + chrono::Duration::days(n);
    assert!(matches!(c.assign_relation_period(&owner, &vera, &cl, Some(day(3)), Some(day(1))), Err(Error::Invalid(_))));
    assert!(matches!(c.assign_relation_period(&owner, &vera, &cl, None, Some(day(-1))), Err(Error::Invalid(_))));
    c.assign_relation_period(&owner, &vera, &cl, Some(day(1)), Some(day(3))).expect("a course of treatment");
    assert!(matches!(c.journal(&vera_s, &cl), Err(Error::Denied(_))), "not before the first day");
    clock.advance(chrono::Duration::hours(36));
    let vera_s = c.login("vera@example.dk", &Secret::new(PW)).expect("next day");
    c.journal(&vera_s, &cl).expect("within the period");
    let owner = login(&mut c); // the earlier session timed out over the days
    let listed = c.client_relations(&owner, &cl).expect("relations");
    assert_eq!(listed.len(), 1);
    assert!(listed[0].active && listed[0].ends_at.is_some() && listed[0].staff_name == "Vera Periode");
    clock.advance(chrono::Duration::days(4));
    let vera_s = c.login("vera@example.dk", &Secret::new(PW)).expect("later");
    assert!(matches!(c.journal(&vera_s, &cl), Err(Error::Denied(_))), "not after the last day");
    let owner = login(&mut c);
    assert!(!c.client_relations(&owner, &cl).expect("relations")[0].active, "the ended relation stays listed");
    assert!(matches!(c.client_relations(&vera_s, &cl), Err(Error::Denied(_))), "admins only");
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn each_person_keeps_their_own_language_and_the_change_is_recorded() {
    use klinik::clinic::Language;
    let d = tmp();
    let (mut c, _code) = setup(d.path());
    let owner = login(&mut c);
    let (_lars, lars) = add(&mut c, &owner, "Lars Holm", "lars@example.dk", Role::Practitioner);
    assert_eq!(c.me(&owner).expect("me").language, None, "everyone starts with the clinic's language");

    c.set_my_language(&owner, Some(Language::Sv)).expect("Swedish for me");
    assert_eq!(c.me(&owner).expect("me").language, Some(Language::Sv));
    assert_eq!(c.me(&lars).expect("me").language, None, "one person's choice is not another's");

    // It comes back at the next sign-in, and goes with a choice of none.
    c.logout(&owner).expect("logout");
    let owner = login(&mut c);
    assert_eq!(c.me(&owner).expect("me").language, Some(Language::Sv));
    c.set_my_language(&owner, None).expect("the clinic's again");
    assert_eq!(c.me(&owner).expect("me").language, None);

    let events = c.audit_page(&owner, &Default::default(), None, 50).expect("log");
    let changes = events.iter().filter(|e| e.action == "language_change").count();
    assert_eq!(changes, 2, "each choice is recorded under the person who made it");
    assert!(events.iter().filter(|e| e.action == "language_change").all(|e| e.actor_name.is_some()));

    // Signed out, nobody chooses anyone's language.
    c.logout(&lars).expect("logout");
    assert!(c.set_my_language(&lars, Some(Language::Nb)).is_err());
}
