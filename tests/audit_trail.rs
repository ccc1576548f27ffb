//! The audit trail as an inspector uses it: filtered views with keyset pages, one
//! client's access log, and exports that are themselves audited.

mod common;

use common::*;
use klinik::audit::{Filter, Outcome};
use klinik::clients::ClientInput;
use klinik::clinic::ExportFormat;
use klinik::secret::Secret;
use klinik::vault::{KeyStore, OsKeyring};
use klinik::Error;
use klinik::FixedClock;
use std::sync::Arc;

fn client(name: &str) -> ClientInput {
    ClientInput { name: name.into(), ..Default::default() }
}

#[test]
fn filters_narrow_the_trail_and_keyset_pages_cover_it_exactly_once() {
    let d = tmp();
    let clock =
        Arc::new(FixedClock::new(chrono::DateTime::parse_from_rfc3339("2026-03-02T08:00:00Z").expect("t").into()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let s = login(&mut c);
    let anna = c.create_client(&s, &client("Anna Ahlgren")).expect("create");
    let bo = c.create_client(&s, &client("Bo Bakke")).expect("create");
    clock.advance(chrono::Duration::days(1));
    for _ in 0..3 {
        c.get_client(&s, &anna.id).expect("read");
    }
    c.get_client(&s, &bo.id).expect("read");
    assert!(matches!(c.login(OWNER_EMAIL, &Secret::new("feil passord")), Err(Error::WrongCredentials)));

    let only_anna = c.audit_page(&s, &Filter::for_client(anna.id.clone()), None, 100).expect("page");
    assert_eq!(
        only_anna.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["client_read"; 3].iter().chain(["client_create"].iter()).copied().collect::<Vec<_>>()
    );
    assert!(only_anna.iter().all(|e| e.client_id.as_deref() == Some(anna.id.as_str())));

    let failed = Filter { outcome: Some(Outcome::Failed), ..Default::default() };
    let f = c.audit_page(&s, &failed, None, 100).expect("page");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].action, "login_failed");

    let reads = Filter { action: Some("client_read".into()), ..Default::default() };
    assert_eq!(c.audit_page(&s, &reads, None, 100).expect("page").len(), 4);

    let day_one = Filter {
        from: Some(chrono::DateTime::parse_from_rfc3339("2026-03-02T00:00:00Z").expect("t").into()),
        to: Some(chrono::DateTime::parse_from_rfc3339("2026-03-03T00:00:00Z").expect("t").into()),
        ..Default::default()
    };
    let first_day = c.audit_page(&s, &day_one, None, 100).expect("page");
    assert!(first_day.iter().all(|e| e.at.starts_with("2026-03-02")));
    assert!(first_day.iter().any(|e| e.action == "client_create"));
    assert!(!first_day.iter().any(|e| e.action == "client_read"));

    // Keyset pages of 2: no overlap, no gap, newest first.
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = c.audit_page(&s, &Filter::default(), before, 2).expect("page");
        if page.is_empty() {
            break;
        }
        before = page.last().map(|e| e.seq);
        seen.extend(page.into_iter().map(|e| e.seq));
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen, sorted, "pages are newest first without repeats");
    assert_eq!(seen.first().copied(), Some(*seen.iter().max().expect("some")));
    assert_eq!(*seen.last().expect("some"), 1);
    assert!(matches!(c.audit_page(&s, &Filter::default(), None, 0), Err(Error::Invalid(_))));
    assert!(matches!(c.audit_page(&s, &Filter::default(), None, 501), Err(Error::Invalid(_))));
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn the_client_access_log_shows_who_saw_the_record_and_is_itself_audited() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let me = c.me(&s).expect("me");
    let a = c.create_client(&s, &client("Astrid Aune")).expect("create");
    let b = c.create_client(&s, &client("Bjørn Berg")).expect("create");
    c.get_client(&s, &a.id).expect("read");
    c.update_client(&s, &a.id, &client("Astrid Aune-Berg")).expect("update");
    c.get_client(&s, &b.id).expect("read other");
    let log = c.client_access_log(&s, &a.id).expect("log");
    assert_eq!(
        log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["client_create", "client_read", "client_update"]
    );
    assert!(log.iter().all(|e| e.actor_name.as_deref() == Some(me.name.as_str())));
    // Looking at the log is an access too: the next look shows the first one.
    let again = c.client_access_log(&s, &a.id).expect("log");
    assert_eq!(again.last().map(|e| e.action.as_str()), Some("client_access_log"));
    assert!(matches!(c.client_access_log(&s, &klinik::ClientId::new()), Err(Error::NotFound)), "unknown client");
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn csv_export_is_complete_inert_in_spreadsheets_and_audited() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let evil = c.create_client(&s, &client("=HYPERLINK(\"http://x\",\"klik\")")).expect("create");
    c.get_client(&s, &evil.id).expect("read");
    let csv = c
        .export_audit(&s, &Filter::for_client(evil.id.clone()), ExportFormat::Csv, &Secret::new(OWNER_PASSWORD))
        .expect("export");
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines[0], "seq,time_utc,actor,via,workstation,action,client_id,client_name,outcome,object,reason");
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].contains(",client_create,") && lines[2].contains(",client_read,"));
    assert!(
        lines[1].contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\""),
        "formula neutralised and quoted: {}",
        lines[1]
    );
    let after = c.audit_page(&s, &Filter::default(), None, 1).expect("page");
    assert_eq!(after[0].action, "audit_export");
    assert_eq!(after[0].client_id.as_deref(), Some(evil.id.as_str()));
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn fhir_export_is_one_r4_bundle_of_audit_events() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let a = c.create_client(&s, &client("Gro Grønli")).expect("create");
    c.get_client(&s, &a.id).expect("read");
    let text =
        c.export_audit(&s, &Filter::default(), ExportFormat::Fhir, &Secret::new(OWNER_PASSWORD)).expect("export");
    let bundle: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let entries = bundle["entry"].as_array().expect("entries");
    assert!(entries.len() >= 4);
    for e in entries {
        let r = &e["resource"];
        assert_eq!(r["resourceType"], "AuditEvent");
        for field in ["type", "recorded", "agent", "source"] {
            assert!(!r[field].is_null(), "AuditEvent.{field} is required in R4");
        }
        assert!(r["agent"][0]["requestor"].is_boolean());
        assert!(!r["source"]["observer"].is_null());
        assert!(["C", "R", "U", "D", "E"].contains(&r["action"].as_str().expect("action")));
        assert!(["0", "4", "8", "12"].contains(&r["outcome"].as_str().expect("outcome")));
    }
    let read = entries.iter().find(|e| e["resource"]["subtype"][0]["code"] == "client_read").expect("read event");
    assert_eq!(read["resource"]["action"], "R");
    assert_eq!(read["resource"]["entity"][0]["what"]["identifier"]["value"], a.id.as_str());
    assert!(!text.contains("Grønli"), "the FHIR export names clients by id only");
    OsKeyring.delete(c.id()).expect("clean up");
}
