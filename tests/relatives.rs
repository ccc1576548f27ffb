//! Relatives on a real encrypted clinic: an administrator binds a relative to one client;
//! the relative signs in with the one-time password, chooses their own, and sees that one
//! client — its appointments, its printable schedule, My page's visit lists holding only
//! its rows — while every other door (journal, client record, national ID, other clients,
//! the calendar, invoices, the staff list, the audit trail) stays shut. Everything they
//! see is in the client's access log with the relative as actor, and in the log review.
//! Ending a binding ends their session at once; a binding running out ends it at the next
//! request and keeps them from signing in. Bindings are checked, never rewritten.

mod common;

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use common::*;
use klinik::calendar::appointments::{Booking, Status};
use klinik::calendar::services::ServiceInput;
use klinik::clients::ClientInput;
use klinik::policy::Role;
use klinik::relatives::{BindingInput, KinConsent as Consent, Reason};
use klinik::reports::Preset;
use klinik::secret::Secret;
use klinik::staff::NewStaff;
use klinik::{ClientId, Clinic, ErrorCode, FixedClock, SessionId};
use std::sync::Arc;

const LARS_PW: &str = "grå-måger-over-havnen-i-skagen";
const MOR_PW: &str = "mors-egen-lange-adgangskode-9";

struct Family {
    c: Clinic,
    clock: Arc<FixedClock>,
    owner: SessionId,
    lars: SessionId,
    inge: ClientId,
    ole: ClientId,
}

fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a local time")
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a day")
}

/// Friday 20 March 2026, 16:00 in Copenhagen: Inge (a child) has three appointments with
/// Lars in March, one of them on the 30th; Ole, another client, one with Lars the same
/// month and one on the 31st.
fn family(dir: &std::path::Path) -> Family {
    let t = chrono_tz::Europe::Copenhagen.with_ymd_and_hms(2026, 3, 20, 16, 0, 0).single().expect("t");
    let clock = Arc::new(FixedClock::new(t.with_timezone(&chrono::Utc)));
    let (mut c, _) = setup_at(dir, clock.clone());
    let owner = login(&mut c);
    let new = NewStaff {
        name: "Lars Holm".into(),
        email: "lars@example.dk".into(),
        role: Role::Practitioner,
        business_login: false,
    };
    let (lars_id, lars) = add_staff(&mut c, &owner, &new, LARS_PW);
    let service = c
        .save_service(
            &owner,
            None,
            &ServiceInput { name: "Børnefysioterapi".into(), minutes: 45, price_minor: 60_000, ..Default::default() },
        )
        .expect("service")
        .id;
    let cal = c
        .calendars(&owner)
        .expect("calendars")
        .into_iter()
        .find(|k| k.staff_id.as_ref() == Some(&lars_id))
        .expect("Lars' calendar")
        .id;
    let inge = c.create_client(&owner, &ClientInput { name: "Inge Krag".into(), ..Default::default() }).expect("c").id;
    let ole = c.create_client(&owner, &ClientInput { name: "Ole Bak".into(), ..Default::default() }).expect("c").id;
    let mut book = |client: &ClientId, at: &str, note: &str| {
        let b = Booking {
            calendar: cal.clone(),
            room: None,
            client: Some(client.clone()),
            service: Some(service.clone()),
            title: String::new(),
            note: note.into(),
            start: local(at),
            minutes: None,
            repeat: None,
        };
        c.book(&owner, &b).expect("booked")[0].id.clone()
    };
    let a = book(&inge, "2026-03-02 09:00", "Mor ringer hvis hun er syg");
    book(&inge, "2026-03-09 09:00", "");
    book(&inge, "2026-03-30 09:00", "");
    let o = book(&ole, "2026-03-10 10:00", "");
    book(&ole, "2026-03-31 10:00", "");
    c.set_appointment_status(&owner, &a, Status::Done, None).expect("done");
    c.set_appointment_status(&owner, &o, Status::Done, None).expect("done");
    Family { c, clock, owner, lars, inge, ole }
}

fn parent(email: &str) -> BindingInput {
    BindingInput {
        email: email.into(),
        name: "Mor Krag".into(),
        reason: Reason::Parent,
        consent: None,
        appointments: true,
        schedule: true,
        reports: true,
        valid_from: None,
        valid_until: None,
    }
}

fn code<T: std::fmt::Debug>(r: klinik::Result<T>) -> ErrorCode {
    r.expect_err("refused").code()
}

/// The owner binds Mor to Inge; Mor signs in and chooses her own password.
fn mor_signs_in(f: &mut Family, input: &BindingInput) -> SessionId {
    let new = f.c.bind_relative(&f.owner, &f.inge, input).expect("bound");
    let otp = new.one_time_password.expect("a new relative gets a one-time password");
    let s = f.c.login(&input.email, &Secret::new(otp.clone())).expect("first login");
    assert_eq!(code(f.c.relative_home(&s)), ErrorCode::PasswordChangeRequired, "her own password first");
    f.c.change_password(&s, &Secret::new(otp), &Secret::new(MOR_PW)).expect("own password");
    s
}

#[test]
fn a_relative_sees_one_client_its_appointments_schedule_and_reports_and_nothing_else() {
    let d = tmp();
    let mut f = family(d.path());
    let mor = mor_signs_in(&mut f, &parent("mor@example.dk"));
    let me = f.c.me(&mor).expect("me");
    assert!(me.relative);
    assert!(me.features.is_empty(), "a relative has no staff rights: {:?}", me.features);

    let home = f.c.relative_home(&mor).expect("her page");
    assert_eq!(home.len(), 1, "one client");
    assert_eq!((home[0].id.clone(), home[0].name.as_str()), (f.inge.clone(), "Inge Krag"));

    let march = f.c.relative_appointments(&mor, &f.inge, day("2026-03-01"), day("2026-03-31")).expect("March");
    assert_eq!(march.len(), 3, "Inge's three, not Ole's");
    assert_eq!(march[0].practitioner, "Lars Holm");
    assert_eq!(march[0].service.as_deref(), Some("Børnefysioterapi"));
    assert_eq!(march[0].status, Status::Done);
    let json = serde_json::to_string(&march).expect("json");
    assert!(!json.contains("Mor ringer"), "the clinic's note on an appointment is not shown: {json}");

    // The schedule of the coming four weeks: from today (20 March) to 16 April.
    let schedule = f.c.relative_schedule(&mor, &f.inge, 4).expect("schedule");
    assert_eq!((schedule.from, schedule.to), (day("2026-03-20"), day("2026-04-16")));
    assert_eq!(schedule.client_name, "Inge Krag");
    assert_eq!(schedule.appointments.len(), 1, "only the 30th is ahead");
    assert_eq!(code(f.c.relative_schedule(&mor, &f.inge, 0)), ErrorCode::Invalid);
    assert_eq!(code(f.c.relative_schedule(&mor, &f.inge, 27)), ErrorCode::Invalid);

    // Another client: refused by the policy, whatever door.
    assert_eq!(code(f.c.relative_appointments(&mor, &f.ole, day("2026-03-01"), day("2026-03-31"))), ErrorCode::Denied);
    assert_eq!(code(f.c.relative_schedule(&mor, &f.ole, 4)), ErrorCode::Denied);
    // Nothing of the staff's: the journal, the record, the national ID, the client list,
    // the calendar, invoices, the audit trail, staff, PINs.
    assert_eq!(code(f.c.journal(&mor, &f.inge)), ErrorCode::Denied);
    assert_eq!(code(f.c.get_client(&mor, &f.inge)), ErrorCode::Denied);
    assert_eq!(code(f.c.reveal_national_id(&mor, &f.inge)), ErrorCode::Denied);
    assert_eq!(code(f.c.list_clients(&mor, "")), ErrorCode::Denied);
    assert_eq!(code(f.c.search_journals(&mor, "Inge")), ErrorCode::Denied);
    assert_eq!(code(f.c.client_appointments(&mor, &f.inge)), ErrorCode::Denied);
    assert_eq!(code(f.c.calendars(&mor)), ErrorCode::Denied);
    assert_eq!(code(f.c.client_access_log(&mor, &f.inge)), ErrorCode::Denied);
    assert_eq!(code(f.c.invoices(&mor, klinik::invoices::Show::All, Some(&f.inge))), ErrorCode::Denied);
    assert_eq!(code(f.c.list_staff_admin(&mor)), ErrorCode::Denied);
    assert_eq!(code(f.c.staff_directory(&mor)), ErrorCode::Denied);
    assert_eq!(code(f.c.templates(&mor)), ErrorCode::Denied);
    assert_eq!(code(f.c.set_pin(&mor, &Secret::new("583920"), Some(&Secret::new(MOR_PW)))), ErrorCode::Denied);
    assert_eq!(code(f.c.report_definitions(&mor)), ErrorCode::Denied);

    // My page: the two visit lists, holding Inge's rows only.
    let page = f.c.my_reports(&mor).expect("My page");
    assert_eq!(page.iter().map(|r| r.preset).collect::<Vec<_>>(), [Preset::Appointments, Preset::Appointments]);
    let this_month = page.iter().find(|r| r.period == klinik::reports::Period::ThisMonth).expect("this month");
    let run = f.c.run_report(&mor, &this_month.id, None, None).expect("run");
    assert_eq!(run.rows.len(), 3, "{:?}", run.rows);
    assert!(run.rows.iter().all(|r| r.contains(&"Inge Krag".to_owned())), "{:?}", run.rows);
    assert_eq!(run.clients, 1);

    // The record of it: Inge's access log names Mor for each look, Ole's never.
    let inge_log = f.c.client_access_log(&f.owner, &f.inge).expect("log");
    let by_mor: Vec<&str> =
        inge_log.iter().filter(|e| e.actor_name.as_deref() == Some("Mor Krag")).map(|e| e.action.as_str()).collect();
    for action in ["relative_home", "relative_appointments", "relative_schedule", "report_run", "journal_read"] {
        assert!(by_mor.contains(&action), "{action} in Inge's log: {by_mor:?}");
    }
    let ole_log = f.c.client_access_log(&f.owner, &f.ole).expect("log");
    assert!(
        !ole_log.iter().any(|e| e.actor_name.as_deref() == Some("Mor Krag") && e.outcome == "ok"),
        "nothing of Ole's was shown to Mor"
    );
    let review = f.c.log_review(&f.owner, klinik::review::Period::parse("2026-03").expect("period")).expect("review");
    assert!(review.relative_access.iter().any(|e| e.action == "relative_appointments"), "the review lists it");
    assert!(review.relative_access.iter().any(|e| e.action == "journal_read" && e.outcome == "denied"));
    assert!(review.security.iter().any(|e| e.action == "relative_manage"), "the binding is a security event");

    // A relative is no staff member: not in the staff list, no calendar.
    let staff = f.c.list_staff_admin(&f.owner).expect("staff");
    assert!(staff.iter().all(|s| s.name != "Mor Krag"));
    let calendars = f.c.calendars(&f.owner).expect("calendars");
    assert!(calendars.iter().all(|k| k.name != "Mor Krag"));
    assert!(f.c.staff_directory(&f.owner).expect("names").iter().all(|(_, n)| n != "Mor Krag"));
}

#[test]
fn a_binding_reaches_only_what_was_ticked() {
    let d = tmp();
    let mut f = family(d.path());
    let only_appointments = BindingInput { schedule: false, reports: false, ..parent("far@example.dk") };
    let far = mor_signs_in(&mut f, &only_appointments);
    f.c.relative_appointments(&far, &f.inge, day("2026-03-01"), day("2026-03-31")).expect("appointments");
    assert_eq!(code(f.c.relative_schedule(&far, &f.inge, 4)), ErrorCode::Denied);
    assert_eq!(code(f.c.my_reports(&far)), ErrorCode::Denied);
    let home = f.c.relative_home(&far).expect("home");
    assert!(home[0].appointments && !home[0].schedule && !home[0].reports);
}

#[test]
fn ending_a_binding_ends_the_session_at_once_and_a_binding_that_runs_out_too() {
    let d = tmp();
    let mut f = family(d.path());
    f.c.set_session_timeout(&f.owner, 1440, &Secret::new(OWNER_PASSWORD)).expect("a day's timeout");
    let mor = mor_signs_in(&mut f, &parent("mor@example.dk"));
    let binding = f.c.relatives_of(&f.owner, &f.inge).expect("list")[0].id.clone();
    // A second, separate binding to Ole (his consent given orally) — then the first ends.
    let ole_too = BindingInput {
        reason: Reason::NextOfKin,
        consent: Some(Consent::Oral),
        valid_until: Some(day("2026-03-20")),
        ..parent("mor@example.dk")
    };
    let second = f.c.bind_relative(&f.owner, &f.ole, &ole_too).expect("a second binding");
    assert!(second.one_time_password.is_none(), "an existing relative keeps her password");
    assert_eq!(f.c.relative_home(&mor).expect("home").len(), 2);
    f.c.end_relative_binding(&f.owner, &f.inge, &binding).expect("ended");
    assert_eq!(code(f.c.relative_home(&mor)), ErrorCode::NotLoggedIn, "the session ended with the binding");
    let again = f.c.login("mor@example.dk", &Secret::new(MOR_PW)).expect("signs in again");
    let home = f.c.relative_home(&again).expect("home");
    assert_eq!(home.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["Ole Bak"]);
    assert_eq!(
        code(f.c.relative_appointments(&again, &f.inge, day("2026-03-01"), day("2026-03-31"))),
        ErrorCode::Denied
    );
    assert_eq!(code(f.c.end_relative_binding(&f.owner, &f.inge, &binding)), ErrorCode::NotFound, "ended once");
    // The binding to Ole runs out with today (the 20th): after midnight the next request
    // ends the session (which the clinic's 24-hour timeout would not have), and signing
    // in is refused.
    f.clock.advance(Duration::hours(9));
    assert_eq!(code(f.c.relative_home(&again)), ErrorCode::NotLoggedIn);
    assert_eq!(code(f.c.login("mor@example.dk", &Secret::new(MOR_PW))), ErrorCode::Denied);
    let bindings = f.c.relatives_of(&f.owner, &f.ole).expect("list");
    assert!(!bindings[0].current && bindings[0].ended_at.is_none(), "ran out, not ended");
    assert_eq!(bindings[0].consent, Some(Consent::Oral));
}

#[test]
fn bindings_are_checked_made_only_by_administrators_and_never_rewritten() {
    let d = tmp();
    let mut f = family(d.path());
    let bad = [
        BindingInput { reason: Reason::NextOfKin, ..parent("a@example.dk") },
        BindingInput { consent: Some(Consent::Written), ..parent("a@example.dk") },
        BindingInput { appointments: false, schedule: false, reports: false, ..parent("a@example.dk") },
        BindingInput {
            valid_from: Some(day("2026-04-02")),
            valid_until: Some(day("2026-04-01")),
            ..parent("a@example.dk")
        },
        BindingInput { valid_until: Some(day("2026-03-19")), ..parent("a@example.dk") },
        BindingInput { email: "not an email".into(), ..parent("a@example.dk") },
        BindingInput { name: " ".into(), ..parent("a@example.dk") },
    ];
    for input in &bad {
        assert_eq!(code(f.c.bind_relative(&f.owner, &f.inge, input)), ErrorCode::Invalid, "{input:?}");
    }
    assert!(f.c.relatives_of(&f.owner, &f.inge).expect("list").is_empty(), "nothing was written");
    assert_eq!(
        code(f.c.bind_relative(&f.owner, &f.inge, &parent("lars@example.dk"))),
        ErrorCode::Conflict,
        "a staff member's email is not a relative's"
    );
    assert_eq!(code(f.c.bind_relative(&f.lars, &f.inge, &parent("a@example.dk"))), ErrorCode::Denied);
    assert_eq!(code(f.c.relatives_of(&f.lars, &f.inge)), ErrorCode::Denied);
    f.c.bind_relative(&f.owner, &f.inge, &parent("a@example.dk")).expect("bound");
    assert_eq!(
        code(f.c.bind_relative(&f.owner, &f.inge, &parent("a@example.dk"))),
        ErrorCode::Conflict,
        "already bound to this client"
    );
    // Beneath the core, the file itself keeps bindings and relatives as they are.
    let id = f.c.id().clone();
    drop(f.c);
    let raw = raw_connection(d.path(), &id);
    for sql in [
        "UPDATE relative_bindings SET reports = 0",
        "UPDATE relative_bindings SET valid_until = '2030-01-01'",
        "DELETE FROM relative_bindings",
        "UPDATE staff SET features = 'clients,journal' WHERE kind = 'relative'",
        "UPDATE staff SET client_scope = 'all' WHERE kind = 'relative'",
        "UPDATE staff SET kind = 'staff' WHERE kind = 'relative'",
        "UPDATE staff SET kind = 'relative' WHERE email = 'lars@example.dk'",
    ] {
        assert!(raw.execute(sql, []).is_err(), "refused: {sql}");
    }
}
