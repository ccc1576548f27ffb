//! The calendar on a real encrypted clinic: the desk books a new client with Lars for a
//! recurring series, the relation appears and Lars opens the journal with his PIN; a
//! colleague with view-only rights on Lars' calendar sees but cannot move; double
//! bookings, the March night, a retired service and a deactivated person are refused
//! with their codes and write nothing; a week's view is one audit event that each
//! client's access log finds; the iCalendar export leaves names out unless asked.

mod common;

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use common::*;
use klinik::calendar::appointments::{Booking, Change, Status};
use klinik::calendar::recurrence::{End, Rule};
use klinik::calendar::services::ServiceInput;
use klinik::clients::ClientInput;
use klinik::policy::{AccessModel, Level, Role};
use klinik::secret::Secret;
use klinik::staff::{NewStaff, StaffChanges};
use klinik::{CalendarId, Clinic, Error, ErrorCode, FixedClock, SessionId, StaffId};
use std::sync::Arc;

const LARS_PW: &str = "grå-måger-over-havnen-i-skagen";
const LARS_PIN: &str = "583920";
const SOFIE_PW: &str = "blå-sko-på-trappen-i-ribe";

fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a local time")
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a day")
}

struct Clinic4 {
    c: Clinic,
    owner: SessionId,
    desk: SessionId,
    lars: StaffId,
    lars_cal: CalendarId,
    sofie: SessionId,
    sofie_id: StaffId,
    sofie_cal: CalendarId,
    room: CalendarId,
    service: klinik::ServiceId,
}

/// A Danish clinic on Monday 23 March 2026, 08:00 local: Lars and Sofie (practitioners),
/// a reception desk opened by the owner, one room and one service.
fn clinic(dir: &std::path::Path, clock: Arc<FixedClock>) -> Clinic4 {
    let (mut c, _) = setup_at(dir, clock);
    let owner = login(&mut c);
    let lars_new = NewStaff {
        name: "Lars Holm".into(),
        email: "lars@example.dk".into(),
        role: Role::Practitioner,
        business_login: false,
    };
    let (lars, lars_s) = add_staff(&mut c, &owner, &lars_new, LARS_PW);
    c.set_pin(&lars_s, &Secret::new(LARS_PIN), None).expect("Lars' PIN");
    let sofie_new = NewStaff {
        name: "Sofie Dam".into(),
        email: "sofie@example.dk".into(),
        role: Role::Practitioner,
        business_login: false,
    };
    let (sofie_id, sofie) = add_staff(&mut c, &owner, &sofie_new, SOFIE_PW);
    c.set_pin(&sofie, &Secret::new("917364"), None).expect("Sofie's PIN");
    let desk_new = NewStaff {
        name: "Skranken".into(),
        email: "skranke@example.dk".into(),
        role: Role::Reception,
        business_login: true,
    };
    let (desk_view, _) = c.create_staff(&owner, &desk_new).expect("desk account");
    c.set_access_model(&owner, AccessModel::BusinessPin, &Secret::new(OWNER_PASSWORD)).expect("desk model");
    let room = c.add_room(&owner, "Behandlingsrum 1").expect("a room");
    let service = c
        .save_service(
            &owner,
            None,
            &ServiceInput {
                name: "Opfølgning".into(),
                minutes: 45,
                buffer_minutes: 15,
                price_minor: 60000,
                ..Default::default()
            },
        )
        .expect("a service")
        .id;
    let cals = c.calendars(&owner).expect("calendars");
    let cal_of = |who: &StaffId| cals.iter().find(|k| k.staff_id.as_ref() == Some(who)).expect("a calendar").id.clone();
    let (lars_cal, sofie_cal) = (cal_of(&lars), cal_of(&sofie_id));
    assert!(!cals.iter().any(|k| k.name == "Skranken"), "the desk's business login has no calendar");
    let owner_again = login(&mut c);
    let desk = c.open_desk(&owner, &desk_view.id).expect("the owner opens the desk");
    Clinic4 { c, owner: owner_again, desk, lars, lars_cal, sofie, sofie_id, sofie_cal, room, service }
}

fn monday_morning() -> Arc<FixedClock> {
    let t = chrono_tz::Europe::Copenhagen.with_ymd_and_hms(2026, 3, 23, 8, 0, 0).single().expect("a time");
    Arc::new(FixedClock::new(t.with_timezone(&chrono::Utc)))
}

fn booking(k: &Clinic4, client: Option<&klinik::ClientId>, start: &str) -> Booking {
    Booking {
        calendar: k.lars_cal.clone(),
        room: Some(k.room.clone()),
        client: client.cloned(),
        service: Some(k.service.clone()),
        title: String::new(),
        note: "Tag løbesko med".into(),
        start: local(start),
        minutes: None,
        repeat: None,
    }
}

fn code<T: std::fmt::Debug>(r: klinik::Result<T>) -> ErrorCode {
    r.expect_err("refused").code()
}

#[test]
fn the_desk_books_a_series_with_lars_who_then_opens_the_journal_with_his_pin() {
    let d = tmp();
    let mut k = clinic(d.path(), monday_morning());
    let client =
        k.c.create_client(
            &k.desk,
            &ClientInput { name: "Inge Krag".into(), phone: "20 30 40 50".into(), ..Default::default() },
        )
        .expect("the desk registers a new client")
        .id;
    let before = k.c.client_relations(&k.owner, &client).expect("relations");
    assert!(before.iter().all(|r| r.staff_id != k.lars), "no relation with Lars yet");
    // Every second week on Tuesday and Thursday, six times, 10:00, starting Tuesday.
    let mut b = booking(&k, Some(&client), "2026-03-24 10:00");
    b.repeat = Some(Rule { every_weeks: 2, weekdays: vec![chrono::Weekday::Thu], end: End::Times(6) });
    let series = k.c.book(&k.desk, &b).expect("the desk books the series");
    assert_eq!(series.len(), 6);
    let starts: Vec<String> = series.iter().map(|a| a.starts_at.to_rfc3339()).collect();
    assert_eq!(
        starts,
        [
            "2026-03-24T09:00:00+00:00",
            "2026-03-26T09:00:00+00:00",
            // Summer time from 29 March: 10:00 local is 08:00 UTC.
            "2026-04-07T08:00:00+00:00",
            "2026-04-09T08:00:00+00:00",
            "2026-04-21T08:00:00+00:00",
            "2026-04-23T08:00:00+00:00",
        ]
    );
    assert!(series.iter().all(|a| a.series_id == series[0].series_id && a.status == Status::Booked));
    assert_eq!(series[0].ends_at - series[0].starts_at, chrono::Duration::minutes(45), "the service's length");
    // The booking made Inge Lars' client.
    let rel = k.c.client_relations(&k.owner, &client).expect("relations");
    assert!(rel.iter().any(|r| r.staff_id == k.lars && r.kind == "appointment" && r.active), "{rel:?}");
    // Lars opens the journal at the desk with his PIN.
    assert!(matches!(k.c.journal(&k.desk, &client), Err(Error::PinRequired)));
    k.c.unlock_with_pin(&k.desk, &k.lars, &Secret::new(LARS_PIN)).expect("PIN");
    k.c.create_entry(&k.desk, &client, None, "", "Første besøg booket via kalenderen").expect("Lars writes");
    assert_eq!(k.c.journal(&k.desk, &client).expect("journal").len(), 1);
    // The client's page lists the appointments.
    let list = k.c.client_appointments(&k.desk, &client).expect("the client's appointments");
    assert_eq!(list.len(), 6);
    // With the setting off, booking makes no relation (Sofie books Inge in her own calendar).
    k.c.set_appointment_relation(&k.owner, false, &Secret::new(OWNER_PASSWORD)).expect("setting");
    let mut own = booking(&k, Some(&client), "2026-03-25 14:00");
    (own.calendar, own.room) = (k.sofie_cal.clone(), None);
    k.c.book(&k.desk, &own).expect("booked with Sofie");
    let rel = k.c.client_relations(&k.owner, &client).expect("relations");
    assert!(!rel.iter().any(|r| r.staff_id == k.sofie_id), "no relation for Sofie: {rel:?}");
}

#[test]
fn double_bookings_the_march_night_and_bad_input_are_refused_and_write_nothing() {
    let d = tmp();
    let mut k = clinic(d.path(), monday_morning());
    let client =
        k.c.create_client(&k.owner, &ClientInput { name: "Ole Bak".into(), ..Default::default() }).expect("c").id;
    let first = k.c.book(&k.owner, &booking(&k, Some(&client), "2026-03-24 10:00")).expect("booked")[0].clone();
    let count = |k: &mut Clinic4| {
        k.c.calendar_view(&k.owner, &[k.lars_cal.clone(), k.sofie_cal.clone(), k.room.clone()], day("2026-03-23"), 21)
            .expect("view")
            .appointments
            .len()
    };
    assert_eq!(count(&mut k), 1);
    // 10:45 is inside the 15-minute buffer after the 45-minute service.
    let r = k.c.book(&k.owner, &booking(&k, Some(&client), "2026-03-24 10:50"));
    match r {
        Err(e @ Error::DoubleBooked { .. }) => {
            assert_eq!(
                e.detail(),
                Some(klinik::ErrorDetail::TakenBy {
                    appointment: first.id.clone(),
                    calendar: "Lars Holm".into(),
                    starts: "2026-03-24T10:00".into(),
                    ends: "2026-03-24T10:45".into(),
                }),
                "names the appointment in the way, in local time"
            );
            assert!(e.to_string().contains("Lars Holm is booked 2026-03-24 10:00–10:45"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // The room is taken too, whoever's calendar it is booked from.
    let mut in_room = booking(&k, None, "2026-03-24 10:30");
    in_room.calendar = k.sofie_cal.clone();
    in_room.title = "Holdtræning".into();
    assert_eq!(code(k.c.book(&k.owner, &in_room)), ErrorCode::DoubleBooked);
    // Right after the buffer is free.
    k.c.book(&k.owner, &booking(&k, Some(&client), "2026-03-24 11:00")).expect("after the buffer");
    // A series is all or nothing: its third date collides.
    k.c.book(&k.owner, &booking(&k, Some(&client), "2026-04-07 12:00")).expect("blocker");
    let mut series = booking(&k, Some(&client), "2026-03-24 12:00");
    series.repeat = Some(Rule { every_weeks: 1, weekdays: vec![], end: End::Times(4) });
    assert_eq!(code(k.c.book(&k.owner, &series)), ErrorCode::DoubleBooked);
    assert_eq!(count(&mut k), 3, "nothing of the refused series was written");
    // The hour that does not exist (29 March 02:30) and impossible lengths.
    assert_eq!(code(k.c.book(&k.owner, &booking(&k, Some(&client), "2026-03-29 02:30"))), ErrorCode::Invalid);
    for minutes in [0, 24 * 60, 24 * 60 + 1] {
        let mut b = booking(&k, Some(&client), "2026-03-25 09:00");
        b.minutes = Some(minutes);
        assert_eq!(code(k.c.book(&k.owner, &b)), ErrorCode::Invalid, "{minutes} minutes");
    }
    // A block without client needs a title; a moved appointment may not end before it starts.
    assert_eq!(code(k.c.book(&k.owner, &booking(&k, None, "2026-03-25 09:00"))), ErrorCode::Invalid);
    let change = Change { start: local("2026-03-25 09:00"), minutes: 0, calendar: None, note: None, following: false };
    assert_eq!(code(k.c.move_appointment(&k.owner, &first.id, &change)), ErrorCode::Invalid);
    // A retired service is not booked again; what was booked with it stays.
    k.c.retire_service(&k.owner, &k.service).expect("retire");
    assert_eq!(code(k.c.book(&k.owner, &booking(&k, Some(&client), "2026-03-26 09:00"))), ErrorCode::Conflict);
    assert_eq!(count(&mut k), 3);
    // A deactivated person's calendar takes no new appointments.
    let mut b = booking(&k, Some(&client), "2026-03-26 09:00");
    b.service = None;
    b.minutes = Some(30);
    b.room = None;
    b.calendar = k.sofie_cal.clone();
    k.c.set_staff_active(&k.owner, &k.sofie_id, false, &Secret::new(OWNER_PASSWORD)).expect("deactivate Sofie");
    assert_eq!(code(k.c.book(&k.owner, &b)), ErrorCode::Conflict);
    assert_eq!(count_after_deactivation(&mut k), 3);
}

fn count_after_deactivation(k: &mut Clinic4) -> usize {
    k.c.calendar_view(&k.owner, &[k.lars_cal.clone(), k.room.clone()], day("2026-03-23"), 21)
        .expect("view")
        .appointments
        .len()
}

#[test]
fn a_colleague_with_view_rights_sees_lars_week_but_cannot_move_or_book_in_it() {
    let d = tmp();
    let mut k = clinic(d.path(), monday_morning());
    // New clients are nobody's but their practitioner's in this clinic.
    k.c.set_new_client_access(&k.owner, Level::None, &Secret::new(OWNER_PASSWORD)).expect("setting");
    let client =
        k.c.create_client(&k.owner, &ClientInput { name: "Pia Lund".into(), ..Default::default() }).expect("c").id;
    let apt = k.c.book(&k.owner, &booking(&k, Some(&client), "2026-03-24 10:00")).expect("booked")[0].clone();
    // Without a grant Sofie does not see Lars' calendar at all.
    assert!(!k.c.calendars(&k.sofie).expect("list").iter().any(|c| c.id == k.lars_cal));
    assert_eq!(code(k.c.calendar_view(&k.sofie, &[k.lars_cal.clone()], day("2026-03-23"), 7)), ErrorCode::Denied);
    // The owner grants her view rights on Lars' calendar.
    let changes = StaffChanges {
        name: "Sofie Dam".into(),
        email: "sofie@example.dk".into(),
        role: Role::Practitioner,
        business_login: false,
        scope: klinik::policy::Scope::Own,
        edit: true,
        features: klinik::policy::Rights::default_for(Role::Practitioner).features,
        requires_pin: false,
        calendars: vec![(k.lars.clone(), Level::View)],
    };
    k.c.update_staff(&k.owner, &k.sofie_id, &changes, &Secret::new(OWNER_PASSWORD)).expect("grant view");
    let theirs = k.c.calendars(&k.sofie).expect("list");
    assert_eq!(theirs.iter().find(|c| c.id == k.lars_cal).map(|c| c.reach), Some(Level::View));
    let week = k.c.calendar_view(&k.sofie, &[k.lars_cal.clone()], day("2026-03-23"), 7).expect("she sees the week");
    assert_eq!(week.appointments.len(), 1);
    // Pia is not Sofie's client (scope "own", no relation): the slot shows without a name.
    assert_eq!(week.appointments[0].client_name, None);
    let change = Change { start: local("2026-03-24 11:00"), minutes: 45, calendar: None, note: None, following: false };
    assert_eq!(code(k.c.move_appointment(&k.sofie, &apt.id, &change)), ErrorCode::Denied);
    assert_eq!(code(k.c.set_appointment_status(&k.sofie, &apt.id, Status::Cancelled, Some("syg"))), ErrorCode::Denied);
    let mut b = booking(&k, None, "2026-03-25 10:00");
    b.title = "Møde".into();
    assert_eq!(code(k.c.book(&k.sofie, &b)), ErrorCode::Denied);
    // Unchanged, and Lars himself may move it.
    let still = k.c.calendar_view(&k.owner, &[k.lars_cal.clone()], day("2026-03-23"), 7).expect("view");
    assert_eq!(still.appointments[0].starts_at, apt.starts_at);
    let lars = k.c.login("lars@example.dk", &Secret::new(LARS_PW)).expect("Lars logs in");
    let moved = k.c.move_appointment(&lars, &apt.id, &change).expect("his own calendar");
    assert_eq!(moved[0].starts_at.to_rfc3339(), "2026-03-24T10:00:00+00:00");
    // Cancelling late is marked late, with who and why.
    let cancelled =
        k.c.set_appointment_status(&lars, &apt.id, Status::Cancelled, Some("Klienten er syg")).expect("cancel");
    assert_eq!((cancelled.status, cancelled.late_cancel), (Status::Cancelled, false));
    assert_eq!(code(k.c.set_appointment_status(&lars, &apt.id, Status::Arrived, None)), ErrorCode::Conflict);
}

#[test]
fn a_week_view_is_one_audit_event_that_each_shown_clients_access_log_finds() {
    let d = tmp();
    let mut k = clinic(d.path(), monday_morning());
    let mut clients = Vec::new();
    for (i, name) in ["Anna Ahl", "Bo Berg", "Carl Cold"].iter().enumerate() {
        let id =
            k.c.create_client(&k.owner, &ClientInput { name: (*name).into(), ..Default::default() }).expect("c").id;
        k.c.book(&k.owner, &booking(&k, Some(&id), &format!("2026-03-2{} 10:00", 4 + i))).expect("booked");
        clients.push(id);
    }
    let before = k.c.audit_page(&k.owner, &klinik::audit::Filter::default(), None, 500).expect("log").len();
    let week = k.c.calendar_view(&k.desk, &[k.lars_cal.clone(), k.room.clone()], day("2026-03-23"), 7).expect("week");
    assert_eq!(week.appointments.len(), 3);
    assert!(week.appointments.iter().all(|a| a.client_name.is_some()), "the desk sees every client");
    let after = k.c.audit_page(&k.owner, &klinik::audit::Filter::default(), None, 500).expect("log");
    // audit_page itself adds one event (audit_read) between the two reads.
    assert_eq!(after.len(), before + 2, "one event for the whole week, not one per appointment");
    let view = after.iter().find(|e| e.action == "calendar_read").expect("the view's event");
    assert!(view.object.as_deref().is_some_and(|o| o.contains("3 clients shown #")), "{:?}", view.object);
    for client in &clients {
        let log = k.c.client_access_log(&k.owner, client).expect("access log");
        assert!(log.iter().any(|e| e.seq == view.seq), "the client's access log shows the calendar view");
    }
    assert!(k.c.verify_audit().expect("verify").first_bad_seq.is_none());
    assert_eq!(k.c.doctor().expect("doctor").seen_mismatches, Vec::<i64>::new(), "every list matches its event");
    // Someone with the key drops a client from the view's list: the hashed event shows it.
    let id = k.c.id().clone();
    let raw = raw_connection(d.path(), &id);
    raw.execute("UPDATE audit_seen SET clients = substr(clients, 1, 32) WHERE rowid = ?1", [view.seq]).expect("tamper");
    drop(raw);
    let report = k.c.doctor().expect("doctor");
    assert_eq!(report.seen_mismatches, vec![view.seq]);
    assert!(!report.healthy(), "a changed list makes the clinic unhealthy");
}

#[test]
fn the_icalendar_export_leaves_names_out_unless_asked_and_only_for_ones_own_calendar() {
    let d = tmp();
    let mut k = clinic(d.path(), monday_morning());
    let client =
        k.c.create_client(&k.owner, &ClientInput { name: "Åse Ørsted".into(), ..Default::default() }).expect("c").id;
    k.c.book(&k.owner, &booking(&k, Some(&client), "2026-03-24 10:00")).expect("booked");
    let lars = k.c.login("lars@example.dk", &Secret::new(LARS_PW)).expect("Lars");
    let plain = k.c.export_calendar(&lars, &k.lars_cal, day("2026-03-01"), day("2026-04-30"), false).expect("export");
    assert!(plain.starts_with("BEGIN:VCALENDAR\r\n") && plain.ends_with("END:VCALENDAR\r\n"));
    assert!(plain.contains("SUMMARY:Opfølgning\r\n") && plain.contains("DTSTART:20260324T090000Z"), "{plain}");
    assert!(!plain.contains("Ørsted"), "no client name by default");
    let named = k.c.export_calendar(&lars, &k.lars_cal, day("2026-03-01"), day("2026-04-30"), true).expect("export");
    assert!(named.contains("SUMMARY:Opfølgning: Åse Ørsted"), "{named}");
    // Sofie may not export Lars' calendar; the owner may.
    assert_eq!(
        code(k.c.export_calendar(&k.sofie, &k.lars_cal, day("2026-03-01"), day("2026-03-31"), false)),
        ErrorCode::Denied
    );
    k.c.export_calendar(&k.owner, &k.lars_cal, day("2026-03-01"), day("2026-03-31"), false).expect("an admin may");
    let log =
        k.c.audit_page(
            &k.owner,
            &klinik::audit::Filter { action: Some("calendar_export".into()), ..Default::default() },
            None,
            50,
        )
        .expect("log");
    assert!(log.iter().any(|e| e.object.as_deref().is_some_and(|o| o.contains("with client names"))));
}
