//! Reports on a real encrypted clinic: the starter reports appear on each person's My
//! page by role; a month's appointments run through the gate and hold only the clients the
//! person may open (Lars his own, the owner everyone), as one audit event that each
//! covered client's access log shows; an administrator's own report keeps the columns and
//! period chosen and comes out as CSV and PDF; bad definitions are refused and write
//! nothing; revenue by service adds up the issued invoices.

mod common;

use chrono::{NaiveDateTime, TimeZone};
use common::*;
use klinik::calendar::appointments::{Booking, Status};
use klinik::calendar::services::ServiceInput;
use klinik::clients::ClientInput;
use klinik::invoices::Payer;
use klinik::policy::{Level, Role};
use klinik::reports::{DefinitionInput, Period, Preset};
use klinik::secret::Secret;
use klinik::staff::NewStaff;
use klinik::{ClientId, Clinic, ErrorCode, FixedClock, SessionId};
use std::sync::Arc;

const LARS_PW: &str = "grå-måger-over-havnen-i-skagen";
const SOFIE_PW: &str = "blå-sko-på-trappen-i-ribe";

struct Month {
    c: Clinic,
    owner: SessionId,
    lars: SessionId,
    inge: ClientId,
    ole: ClientId,
}

fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a local time")
}

/// Friday 20 March 2026, 16:00 in Copenhagen: new clients are open to nobody but their
/// practitioner; Inge has three appointments with Lars this month (one a no-show), Ole one
/// with Sofie.
fn month(dir: &std::path::Path) -> Month {
    let t = chrono_tz::Europe::Copenhagen.with_ymd_and_hms(2026, 3, 20, 16, 0, 0).single().expect("t");
    let (mut c, _) = setup_at(dir, Arc::new(FixedClock::new(t.with_timezone(&chrono::Utc))));
    let owner = login(&mut c);
    c.set_new_client_access(&owner, Level::None, &Secret::new(OWNER_PASSWORD)).expect("closed by default");
    let new = |name: &str, email: &str| NewStaff {
        name: name.into(),
        email: email.into(),
        role: Role::Practitioner,
        business_login: false,
    };
    let (lars_id, lars) = add_staff(&mut c, &owner, &new("Lars Holm", "lars@example.dk"), LARS_PW);
    let (sofie_id, _) = add_staff(&mut c, &owner, &new("Sofie Dam", "sofie@example.dk"), SOFIE_PW);
    let service = c
        .save_service(
            &owner,
            None,
            &ServiceInput { name: "Behandling".into(), minutes: 45, price_minor: 60_000, ..Default::default() },
        )
        .expect("service")
        .id;
    let cals = c.calendars(&owner).expect("calendars");
    let cal = |who| cals.iter().find(|k| k.staff_id.as_ref() == Some(who)).expect("calendar").id.clone();
    let (lars_cal, sofie_cal) = (cal(&lars_id), cal(&sofie_id));
    let inge = c.create_client(&owner, &ClientInput { name: "Inge Krag".into(), ..Default::default() }).expect("c").id;
    let ole = c.create_client(&owner, &ClientInput { name: "Ole Bak".into(), ..Default::default() }).expect("c").id;
    let mut book = |calendar: &klinik::CalendarId, client: &ClientId, at: &str| {
        let b = Booking {
            calendar: calendar.clone(),
            room: None,
            client: Some(client.clone()),
            service: Some(service.clone()),
            title: String::new(),
            note: String::new(),
            start: local(at),
            minutes: None,
            repeat: None,
        };
        c.book(&owner, &b).expect("booked")[0].id.clone()
    };
    let a = book(&lars_cal, &inge, "2026-03-02 09:00");
    let b = book(&lars_cal, &inge, "2026-03-09 09:00");
    book(&lars_cal, &inge, "2026-03-30 09:00");
    let d = book(&sofie_cal, &ole, "2026-03-10 10:00");
    c.set_appointment_status(&owner, &a, Status::Done, None).expect("done");
    c.set_appointment_status(&owner, &b, Status::NoShow, None).expect("no-show");
    c.set_appointment_status(&owner, &d, Status::Done, None).expect("done");
    let lars = c.login("lars@example.dk", &Secret::new(LARS_PW)).unwrap_or(lars);
    Month { c, owner, lars, inge, ole }
}

fn code<T: std::fmt::Debug>(r: klinik::Result<T>) -> ErrorCode {
    r.expect_err("refused").code()
}

#[test]
fn my_page_shows_the_starters_by_role_and_a_month_holds_only_the_clients_one_may_open() {
    let d = tmp();
    let mut m = month(d.path());
    let owners = m.c.my_reports(&m.owner).expect("the owner's My page");
    assert_eq!(owners.len(), 6, "every starter for the owner: {owners:?}");
    // Opening My page is its own event, naming what was listed: never "a report ran".
    let events = m.c.audit_page(&m.owner, &Default::default(), None, 2).expect("log");
    let listed = events.iter().find(|e| e.action == "report_list").expect("the listing is recorded");
    assert_eq!(listed.object.as_deref(), Some("My page (6 reports)"));
    assert!(!events.iter().any(|e| e.action == "report_run"), "no run was recorded: {events:?}");
    let lars_page = m.c.my_reports(&m.lars).expect("Lars' My page");
    assert_eq!(
        lars_page.iter().map(|r| r.preset).collect::<Vec<_>>(),
        [Preset::Appointments, Preset::Appointments, Preset::NoShows],
        "a practitioner's page: the staff reports, not the administrators'"
    );
    let this_month =
        owners.iter().find(|r| r.preset == Preset::Appointments && r.period == Period::ThisMonth).expect("starter");
    // The owner sees all four appointments of March.
    let all = m.c.run_report(&m.owner, &this_month.id, None, None).expect("run");
    assert_eq!((all.from.as_str(), all.to.as_str()), ("2026-03-01", "2026-03-31"));
    assert_eq!(all.rows.len(), 4);
    assert_eq!(all.clients, 2);
    let keys: Vec<&str> = all.columns.iter().map(|c| c.key).collect();
    assert_eq!(keys, ["date", "time", "client", "service", "practitioner", "status"]);
    assert_eq!(all.rows[0], ["2026-03-02", "09:00", "Inge Krag", "Behandling", "Lars Holm", "done"]);
    // Lars sees his own client only: Ole (Sofie's, closed to others) is not in his rows.
    let his = m.c.run_report(&m.lars, &this_month.id, None, None).expect("Lars runs it");
    assert_eq!(his.rows.len(), 3);
    assert!(his.rows.iter().all(|r| r[2] == "Inge Krag"), "{:?}", his.rows);
    assert_eq!(his.clients, 1);
    // An administrators' report is not his to run, even by id.
    let visits = owners.iter().find(|r| r.preset == Preset::VisitsPerPractitioner).expect("starter");
    assert_eq!(code(m.c.run_report(&m.lars, &visits.id, None, None)), ErrorCode::Denied);
    // The owner's visits per practitioner for March (chosen period).
    let march = (Some("2026-03-01".parse().expect("d")), Some("2026-03-31".parse().expect("d")));
    let counts = m.c.run_report(&m.owner, &visits.id, march.0, march.1).expect("visits");
    assert_eq!(counts.rows, [vec!["Lars Holm", "1", "1", "0", "0"], vec!["Sofie Dam", "1", "0", "0", "0"]]);
    // Each run is one event; Inge's access log shows Lars' run, Ole's does not.
    let inge_log = m.c.client_access_log(&m.owner, &m.inge).expect("log");
    let lars_runs =
        inge_log.iter().filter(|e| e.action == "report_run" && e.actor_name.as_deref() == Some("Lars Holm")).count();
    assert_eq!(lars_runs, 1, "Lars' run is in Inge's log");
    let ole_log = m.c.client_access_log(&m.owner, &m.ole).expect("log");
    assert!(
        !ole_log.iter().any(|e| e.action == "report_run" && e.actor_name.as_deref() == Some("Lars Holm")),
        "Lars' run showed nothing of Ole's"
    );
}

#[test]
fn an_admins_report_keeps_its_columns_and_period_and_comes_out_as_csv_and_pdf() {
    let d = tmp();
    let mut m = month(d.path());
    let before = m.c.report_definitions(&m.owner).expect("all").len();
    let good = DefinitionInput {
        name: "Udeblivelser i marts".into(),
        preset: Preset::NoShows,
        columns: vec!["client".into(), "date".into()],
        period: Period::Fixed,
        fixed_from: Some("2026-03-01".into()),
        fixed_to: Some("2026-03-31".into()),
        visible_to: vec![Role::Owner, Role::Practitioner],
        for_relatives: false,
    };
    let bad = [
        DefinitionInput { name: " ".into(), ..good.clone() },
        DefinitionInput { columns: vec![], ..good.clone() },
        DefinitionInput { columns: vec!["client".into(), "national_id".into()], ..good.clone() },
        DefinitionInput { columns: vec!["date".into(), "date".into()], ..good.clone() },
        DefinitionInput { fixed_to: None, ..good.clone() },
        DefinitionInput { fixed_from: Some("2026-04-01".into()), ..good.clone() },
        DefinitionInput { fixed_from: Some("2026-02-30".into()), ..good.clone() },
    ];
    for input in &bad {
        assert_eq!(code(m.c.save_report(&m.owner, None, input)), ErrorCode::Invalid, "{input:?}");
    }
    assert_eq!(m.c.report_definitions(&m.owner).expect("all").len(), before, "nothing was written");
    assert_eq!(code(m.c.save_report(&m.lars, None, &good)), ErrorCode::Denied, "administrators make reports");
    let def = m.c.save_report(&m.owner, None, &good).expect("saved");
    let run = m.c.run_report(&m.lars, &def.id, None, None).expect("on Lars' page");
    assert_eq!(run.rows, [vec!["Inge Krag", "2026-03-09"]]);
    let csv = m.c.report_file(&m.lars, &def.id, None, None, false).expect("csv");
    let text = String::from_utf8(csv.bytes).expect("utf-8");
    assert_eq!(text, "\u{feff}client;date\r\nInge Krag;2026-03-09\r\n");
    let pdf = m.c.report_file(&m.owner, &def.id, None, None, true).expect("pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-") && pdf.file_name.ends_with(".pdf"));
    let file = d.path().join(&pdf.file_name);
    std::fs::write(&file, &pdf.bytes).expect("saved");
    let out =
        std::process::Command::new("pdftotext").arg(&file).arg("-").output().expect("pdftotext (apt: poppler-utils)");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("Udeblivelser i marts") && shown.contains("Inge Krag") && shown.contains("Klient"),
        "{shown}"
    );
    // Retired, it leaves every My page.
    m.c.set_report_active(&m.owner, &def.id, false).expect("retired");
    assert_eq!(code(m.c.run_report(&m.lars, &def.id, None, None)), ErrorCode::Denied);
}

#[test]
fn revenue_by_service_adds_up_the_issued_invoices_for_those_with_the_invoices_right() {
    let d = tmp();
    let mut m = month(d.path());
    let done: Vec<_> =
        m.c.client_appointments(&m.owner, &m.inge)
            .expect("list")
            .into_iter()
            .filter(|a| a.status == Status::Done)
            .map(|a| a.id)
            .collect();
    let draft = m.c.draft_invoice(&m.owner, &m.inge, &Payer::default(), &done, &[]).expect("draft");
    m.c.issue_invoice(&m.owner, &draft.id).expect("issued");
    let revenue =
        m.c.my_reports(&m.owner)
            .expect("page")
            .into_iter()
            .find(|r| r.preset == Preset::RevenueByService)
            .expect("starter");
    let run =
        m.c.run_report(
            &m.owner,
            &revenue.id,
            Some("2026-03-01".parse().expect("d")),
            Some("2026-03-31".parse().expect("d")),
        )
        .expect("run");
    assert_eq!(run.rows, [vec!["Behandling", "1", "60000", "0"]]);
    let csv =
        m.c.report_file(
            &m.owner,
            &revenue.id,
            Some("2026-03-01".parse().expect("d")),
            Some("2026-03-31".parse().expect("d")),
            false,
        )
        .expect("csv");
    assert!(String::from_utf8(csv.bytes).expect("utf-8").contains("Behandling;1;600,00;0,00"));
}
