//! The gate end to end on a real file: each client operation produces exactly one audit
//! event with the right actor, action, client and outcome — reads included — and
//! nothing gets through a locked, expired or missing session.

mod common;

use common::*;
use klinik::clients::ClientInput;
use klinik::secret::Secret;
use klinik::vault::{KeyStore, OsKeyring};
use klinik::{Error, FixedClock};
use std::sync::Arc;

#[derive(Debug, PartialEq, Eq)]
struct Row {
    actor: Option<String>,
    action: String,
    client: Option<String>,
    outcome: String,
}

fn events_after(dir: &std::path::Path, id: &klinik::ClinicId, after: i64) -> Vec<Row> {
    let raw = raw_connection(dir, id);
    let mut stmt = raw
        .prepare("SELECT actor, action, client_id, outcome FROM audit_events WHERE seq > ?1 ORDER BY seq")
        .expect("prepare");
    stmt.query_map([after], |r| Ok(Row { actor: r.get(0)?, action: r.get(1)?, client: r.get(2)?, outcome: r.get(3)? }))
        .expect("query")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("rows")
}

fn input(name: &str) -> ClientInput {
    ClientInput {
        name: name.into(),
        phone: "+46 70 123 45 67".into(),
        email: "a@example.se".into(),
        ..Default::default()
    }
}

#[test]
fn every_client_operation_writes_exactly_one_event_in_the_same_transaction() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let me = c.me(&s).expect("me").staff_id.to_string();
    let start = c.verify_audit().expect("v").head_seq;

    let made = c.create_client(&s, &input("Signe Sund")).expect("create");
    c.list_clients(&s, "sig").expect("list");
    let read = c.get_client(&s, &made.id).expect("read");
    assert_eq!(read.name, "Signe Sund");
    c.update_client(&s, &made.id, &input("Signe Sund-Lie")).expect("update");
    let bad = c.update_client(&s, &made.id, &input("   "));
    assert!(matches!(bad, Err(Error::Invalid(_))));
    let missing = klinik::ClientId::new();
    assert!(matches!(c.get_client(&s, &missing), Err(Error::NotFound)));
    c.audit_page(&s, &Default::default(), None, 50).expect("audit page");
    let id = c.id().clone();
    drop(c);

    let cid = Some(made.id.to_string());
    let ev = |action: &str, client: Option<String>, outcome: &str| Row {
        actor: Some(me.clone()),
        action: action.into(),
        client,
        outcome: outcome.into(),
    };
    assert_eq!(
        events_after(d.path(), &id, start),
        vec![
            ev("client_create", cid.clone(), "ok"),
            ev("client_list", None, "ok"),
            ev("client_read", cid.clone(), "ok"),
            ev("client_update", cid.clone(), "ok"),
            ev("client_update", cid.clone(), "failed"),
            ev("client_read", Some(missing.to_string()), "failed"),
            ev("audit_read", None, "ok"),
        ]
    );
    // The failed update changed nothing.
    let mut c = open_keyring(d.path()).expect("reopen");
    let s = login(&mut c);
    assert_eq!(c.get_client(&s, &made.id).expect("read").name, "Signe Sund-Lie");
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn logins_failures_locks_and_logouts_are_audited_and_enforced() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let start = c.verify_audit().expect("v").head_seq;
    assert!(matches!(c.login(OWNER_EMAIL, &Secret::new("forkert kodeord")), Err(Error::WrongCredentials)));
    assert!(matches!(c.login("nobody@example.dk", &Secret::new("x")), Err(Error::WrongCredentials)));
    let s = login(&mut c);
    c.lock(&s).expect("lock");
    assert!(matches!(c.list_clients(&s, ""), Err(Error::Locked)));
    assert!(matches!(c.unlock(&s, &Secret::new("forkert")), Err(Error::WrongCredentials)));
    c.unlock(&s, &Secret::new(OWNER_PASSWORD)).expect("unlock");
    c.list_clients(&s, "").expect("list after unlock");
    c.logout(&s).expect("logout");
    assert!(matches!(c.list_clients(&s, ""), Err(Error::NotLoggedIn)));
    let made_up = klinik::SessionId::new();
    assert!(matches!(c.list_clients(&made_up, ""), Err(Error::NotLoggedIn)));
    let id = c.id().clone();
    drop(c);
    let actions: Vec<(String, String, bool)> =
        events_after(d.path(), &id, start).into_iter().map(|r| (r.action, r.outcome, r.actor.is_some())).collect();
    let expect = |a: &str, o: &str, actor: bool| (a.to_owned(), o.to_owned(), actor);
    assert_eq!(
        actions,
        vec![
            expect("login_failed", "failed", true),  // the email matched a staff member
            expect("login_failed", "failed", false), // unknown email: nobody to name
            expect("login", "ok", true),
            expect("lock", "ok", true),
            expect("client_list", "denied", true), // refused while locked, on record
            expect("password_failed", "failed", true), // the lock screen counts wrong passwords
            expect("unlock", "ok", true),
            expect("client_list", "ok", true),
            expect("logout", "ok", true),
            expect("client_list", "denied", true), // after logout: the session's owner is named
            expect("client_list", "denied", false), // a made-up session: nobody to name
        ]
    );
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn an_idle_session_expires_after_the_clinic_timeout() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let s = login(&mut c);
    clock.advance(chrono::Duration::hours(23));
    c.list_clients(&s, "").expect("still valid after 23 h idle");
    clock.advance(chrono::Duration::hours(24) + chrono::Duration::minutes(1));
    assert!(matches!(c.list_clients(&s, ""), Err(Error::SessionExpired)));
    assert!(matches!(c.list_clients(&s, ""), Err(Error::SessionExpired)));
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn the_owner_resets_a_forgotten_password_with_the_recovery_code() {
    let d = tmp();
    let (mut c, code) = setup(d.path());
    let old = login(&mut c);
    let new_pw = Secret::new("ny-sommerfugl-over-engen-88");
    let wrong = c.reset_password_with_recovery_code(
        OWNER_EMAIL,
        &Secret::new("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"),
        &new_pw,
    );
    assert!(matches!(wrong, Err(Error::WrongRecoveryCode)));
    let weak = c.reset_password_with_recovery_code(OWNER_EMAIL, &Secret::new(code.clone()), &Secret::new("kort"));
    assert!(matches!(weak, Err(Error::WeakPassword(_))));
    c.reset_password_with_recovery_code(OWNER_EMAIL, &Secret::new(code), &new_pw).expect("reset");
    assert!(matches!(c.list_clients(&old, ""), Err(Error::NotLoggedIn)), "old sessions end");
    assert!(matches!(c.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD)), Err(Error::WrongCredentials)));
    c.login(OWNER_EMAIL, &new_pw).expect("new password works");
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn oversized_and_hostile_input_is_refused_or_stored_verbatim() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let huge = ClientInput { name: "x".repeat(10_000), ..Default::default() };
    assert!(matches!(c.create_client(&s, &huge), Err(Error::Invalid(_))));
    assert!(c.list_clients(&s, "").expect("list").is_empty(), "nothing was written");
    let payloads = ["<script>alert(1)</script>", "Robert'); DROP TABLE clients;--", "100% _wild_ \\ card"];
    for p in payloads {
        c.create_client(&s, &ClientInput { name: p.into(), ..Default::default() }).expect("stored");
    }
    let names: Vec<String> = c.list_clients(&s, "").expect("list").into_iter().map(|c| c.name).collect();
    for p in payloads {
        assert!(names.contains(&p.to_owned()), "{p} stored verbatim");
    }
    // LIKE wildcards in a search are literal.
    assert_eq!(c.list_clients(&s, "%").expect("search").len(), 1);
    assert_eq!(c.list_clients(&s, "_wild_").expect("search").len(), 1);
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn client_search_matches_word_prefixes_in_name_phone_and_email() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let add = |c: &mut klinik::Clinic, name: &str, phone: &str, email: &str| {
        c.create_client(
            &s,
            &ClientInput { name: name.into(), phone: phone.into(), email: email.into(), ..Default::default() },
        )
        .expect("create")
    };
    add(&mut c, "Anne Hansen", "+45 20 30 40 50", "anne@fjord.dk");
    add(&mut c, "Hans Andersen", "+45 61 62 63 64", "hans.a@example.dk");
    let aase = add(&mut c, "Åse Ødegård", "", "ase@fjord.no");
    let names = |c: &mut klinik::Clinic, q: &str| -> Vec<String> {
        c.list_clients(&s, q).expect("search").into_iter().map(|c| c.name).collect()
    };
    assert_eq!(names(&mut c, "han"), ["Anne Hansen", "Hans Andersen"]);
    assert_eq!(names(&mut c, "ann han"), ["Anne Hansen"]);
    assert_eq!(names(&mut c, "61 62"), ["Hans Andersen"]);
    assert_eq!(names(&mut c, "example"), ["Hans Andersen"], "the email is searched too");
    // Either Unicode form of the Nordic letters finds the same client.
    assert_eq!(names(&mut c, "O\u{0308}de"), Vec::<String>::new(), "Ö is not Ø");
    assert_eq!(names(&mut c, "ødeg"), ["Åse Ødegård"]);
    assert_eq!(names(&mut c, "A\u{030a}se"), ["Åse Ødegård"]);
    // Renaming updates the index.
    c.update_client(&s, &aase.id, &ClientInput { name: "Åse Lie".into(), ..Default::default() }).expect("rename");
    assert!(names(&mut c, "ødeg").is_empty());
    assert_eq!(names(&mut c, "lie"), ["Åse Lie"]);
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn sessions_are_listed_and_can_be_ended_and_the_timeout_has_no_never() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let first = login(&mut c);
    let second = login(&mut c);
    let listed = c.sessions(&first).expect("sessions");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed.iter().filter(|s| s.current).count(), 1);
    assert!(listed.iter().all(|s| s.staff_name == OWNER_NAME && s.kind == "personal" && !s.workstation.is_empty()));
    c.end_other_session(&first, &second).expect("log the other one out");
    assert!(matches!(c.list_clients(&second, ""), Err(Error::NotLoggedIn)));
    assert_eq!(c.sessions(&first).expect("sessions").len(), 1);
    assert!(
        matches!(c.set_session_timeout(&first, 0, &Secret::new(OWNER_PASSWORD)), Err(Error::Invalid(_))),
        "no never"
    );
    assert!(matches!(c.set_session_timeout(&first, 10_000, &Secret::new(OWNER_PASSWORD)), Err(Error::Invalid(_))));
    assert!(matches!(c.set_session_timeout(&first, 15, &Secret::new("forkert")), Err(Error::WrongCredentials)));
    c.set_session_timeout(&first, 15, &Secret::new(OWNER_PASSWORD)).expect("15 minutes");
    assert_eq!(c.session_timeout_minutes().expect("read"), 15);
    OsKeyring.delete(c.id()).expect("clean up");
}

/// SECURITY.md: a clock that moves backwards past the last audit event is noticed and
/// audited — at login and when the clinic is opened — once per jump, and the chain stays
/// verifiable.
#[test]
fn a_clock_that_moves_backwards_is_noticed_and_audited() {
    let d = tmp();
    let clock = std::sync::Arc::new(klinik::FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    login(&mut c);
    clock.advance(chrono::Duration::seconds(60));
    login(&mut c);
    clock.advance(chrono::Duration::hours(-3));
    let s = login(&mut c);
    login(&mut c);
    let events = c.audit_page(&s, &Default::default(), None, 20).expect("page");
    let jumps: Vec<_> = events.iter().filter(|e| e.action == "clock_backwards").collect();
    assert_eq!(jumps.len(), 1, "once per jump");
    assert!(jumps[0].reason.as_deref().is_some_and(|r| r.contains("behind")), "{:?}", jumps[0].reason);
    // A small difference is no jump.
    clock.advance(chrono::Duration::seconds(-30));
    login(&mut c);
    // Opening the clinic checks too.
    let id = c.id().clone();
    drop(c);
    clock.advance(chrono::Duration::hours(-1));
    let mut c = klinik::Clinic::open(d.path(), &Default::default(), &OsKeyring, clock.clone()).expect("reopen");
    let s = login(&mut c);
    let filter = klinik::audit::Filter { action: Some("clock_backwards".into()), ..Default::default() };
    assert_eq!(c.audit_page(&s, &filter, None, 20).expect("page").len(), 2);
    assert!(c.verify_audit().expect("verify").intact);
    OsKeyring.delete(&id).expect("clean up");
}
