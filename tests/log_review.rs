//! The monthly log review (loggkontroll) on a real clinic: accesses outside working hours,
//! heavy days, a stable random sample, sign-off with a comment, and the chain anchor.

mod common;

use chrono::{Local, TimeZone, Utc};
use common::*;
use klinik::clients::ClientInput;
use klinik::review::Period;
use klinik::vault::{KeyStore, OsKeyring};
use klinik::Error;
use klinik::FixedClock;
use std::sync::Arc;

fn local(y: i32, m: u32, d: u32, h: u32) -> chrono::DateTime<Utc> {
    Local.with_ymd_and_hms(y, m, d, h, 15, 0).earliest().expect("local time").with_timezone(&Utc)
}

#[test]
fn the_month_report_flags_late_access_and_heavy_days_and_can_be_signed_off() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(local(2026, 3, 4, 9))); // Wednesday 09:15
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let s = login(&mut c);
    // 31 new clients in one working day: more than the default 30 → a heavy day.
    let mut ids = Vec::new();
    for i in 0..31 {
        ids.push(
            c.create_client(&s, &ClientInput { name: format!("Klient {i}"), ..Default::default() }).expect("create").id,
        );
    }
    // A settings change and a clock that jumps back an hour are security events.
    c.set_review_settings(&s, 7, 18, 30).expect("settings");
    clock.advance(chrono::Duration::hours(-1));
    login(&mut c);
    clock.advance(chrono::Duration::hours(1));
    // One look at a record late in the evening, and one the next Saturday.
    clock.advance(chrono::Duration::hours(13)); // 22:15
    c.get_client(&s, &ids[3]).expect("late read");
    let s = {
        clock.advance(chrono::Duration::days(3));
        login(&mut c)
    }; // Saturday, new session
    c.get_client(&s, &ids[4]).expect("weekend read");
    // Something in April must not show in March.
    clock.advance(chrono::Duration::days(30));
    let s = login(&mut c);
    c.get_client(&s, &ids[5]).expect("april read");

    let march = Period::parse("2026-03").expect("period");
    let r = c.log_review(&s, march).expect("review");
    assert_eq!(r.period, "2026-03");
    let late: Vec<&str> = r.outside_hours.iter().filter_map(|e| e.client_id.as_deref()).collect();
    assert_eq!(late, [ids[3].as_str(), ids[4].as_str()]);
    assert_eq!(r.heavy_days.len(), 1, "{:?}", r.heavy_days);
    assert_eq!(r.heavy_days[0].clients, 31);
    assert_eq!(r.heavy_days[0].actor_name, OWNER_NAME);
    assert!(r.emergency.is_empty());
    let security: Vec<&str> = r.security.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(security, ["settings_change", "clock_backwards"], "oldest first");
    assert!(r.relations_checked);
    assert!(r.without_relation.is_empty(), "only client records were read, no journals");
    assert_eq!(r.sample.len(), klinik::review::SAMPLE_PER_PERSON);
    assert!(r.sample.iter().all(|e| e.at.starts_with("2026-03")));
    // The sample is stable: a reprint shows the same lines.
    let again = c.log_review(&s, march).expect("review");
    assert_eq!(
        r.sample.iter().map(|e| e.seq).collect::<Vec<_>>(),
        again.sample.iter().map(|e| e.seq).collect::<Vec<_>>()
    );
    // The report carries the chain head, which verifies against the database.
    assert!(c.verify_audit_with_anchor(&r.anchor).expect("verify").intact);

    assert!(matches!(c.mark_log_reviewed(&s, march, &"x".repeat(4001)), Err(Error::Invalid(_))));
    c.mark_log_reviewed(&s, march, "Gennemgået. Sen adgang 4/3 var opfølgning på akut henvendelse.").expect("mark");
    let signed = c.log_review(&s, march).expect("review");
    assert_eq!(signed.marks.len(), 1);
    assert_eq!(signed.marks[0].reviewer_name, OWNER_NAME);
    assert!(signed.marks[0].comment.contains("opfølgning"));
    let last = c.audit_page(&s, &Default::default(), None, 3).expect("page");
    let actions: Vec<(&str, &str)> = last.iter().map(|e| (e.action.as_str(), e.outcome.as_str())).collect();
    // Newest first: the last report, the sign-off, and the refused over-long comment.
    assert_eq!(actions, [("audit_review", "ok"), ("audit_review_mark", "ok"), ("audit_review_mark", "failed")]);
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn working_hours_and_the_threshold_are_configurable() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(local(2026, 3, 4, 8))); // Wednesday 08:15
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let s = login(&mut c);
    let a = c.create_client(&s, &ClientInput { name: "Tidlig Kunde".into(), ..Default::default() }).expect("c");
    c.get_client(&s, &a.id).expect("read at 08:15");
    let march = Period::parse("2026-03").expect("period");
    assert!(c.log_review(&s, march).expect("review").outside_hours.is_empty(), "inside 07-18");
    assert!(matches!(c.set_review_settings(&s, 18, 9, 30), Err(Error::Invalid(_))), "start before end");
    c.set_review_settings(&s, 9, 17, 1).expect("09-17, more than 1 client a day");
    let r = c.log_review(&s, march).expect("review");
    assert_eq!((r.work_start_hour, r.work_end_hour, r.heavy_day_clients), (9, 17, 1));
    assert!(!r.outside_hours.is_empty(), "08:15 is now outside working hours");
    OsKeyring.delete(c.id()).expect("clean up");
}
