//! Journals on real encrypted files: drafts, signing with the password, immutability by
//! every path, addenda, full-text search, limits — and a draft that survives kill -9.

mod common;

use common::*;
use klinik::clients::ClientInput;
use klinik::secret::Secret;
use klinik::vault::{KeyStore, OsKeyring};
use klinik::Error;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn client(c: &mut klinik::Clinic, s: &klinik::SessionId, name: &str) -> klinik::ClientId {
    c.create_client(s, &ClientInput { name: name.into(), ..Default::default() }).expect("client").id
}

#[test]
fn a_signed_entry_never_changes_and_corrections_are_addenda() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let who = client(&mut c, &s, "Karl Kvist");
    let soap = c.templates(&s).expect("templates").into_iter().find(|t| t.name == "SOAP-notat").expect("Danish SOAP");
    let draft = c.create_entry(&s, &who, Some(&soap.id), "Første konsultation", &soap.body).expect("draft");
    assert!(!draft.signed);
    assert_eq!(draft.template_name.as_deref(), Some("SOAP-notat"));
    let body = "Subjektivt: smerter i venstre knæ efter løb.\nPlan: øvelser 3x ugentligt.";
    let saved = c.save_draft(&s, &draft.id, "Første konsultation", body).expect("save");
    assert_eq!(saved.body, body);

    assert!(matches!(c.sign_entry(&s, &draft.id, &Secret::new("forkert")), Err(Error::WrongCredentials)));
    assert!(!c.journal(&s, &who).expect("journal")[0].signed, "a wrong password signs nothing");
    let signed = c.sign_entry(&s, &draft.id, &Secret::new(OWNER_PASSWORD)).expect("sign");
    assert!(signed.signed && signed.signed_at.is_some());
    assert_eq!(signed.signed_by_name.as_deref(), Some(OWNER_NAME));

    // Not through the app…
    assert!(matches!(c.save_draft(&s, &draft.id, "x", "changed"), Err(Error::Conflict(_))));
    assert!(matches!(c.sign_entry(&s, &draft.id, &Secret::new(OWNER_PASSWORD)), Err(Error::Conflict(_))));
    // …and not with the key and a SQL shell either.
    let id = c.id().clone();
    drop(c);
    {
        let raw = raw_connection(d.path(), &id);
        let upd = raw.execute("UPDATE entries SET body = 'rewritten' WHERE id = ?1", [&draft.id]);
        assert!(upd.expect_err("refused").to_string().contains("cannot be changed"));
        let del = raw.execute("DELETE FROM entries WHERE id = ?1", [&draft.id]);
        assert!(del.expect_err("refused").to_string().contains("cannot be deleted"));
    }
    let mut c = open_keyring(d.path()).expect("reopen");
    let s = login(&mut c);
    let add = c.add_addendum(&s, &draft.id, "Rettelse: højre knæ, ikke venstre.").expect("addendum");
    assert_eq!(add.addendum_to.as_ref(), Some(&draft.id));
    c.sign_entry(&s, &add.id, &Secret::new(OWNER_PASSWORD)).expect("sign addendum");
    let journal = c.journal(&s, &who).expect("journal");
    assert_eq!(journal.len(), 2);
    let original = journal.iter().find(|e| e.id == draft.id).expect("original still there");
    assert_eq!(original.body, body, "the original stays readable as signed");
    assert!(matches!(c.add_addendum(&s, &add.id.clone(), "x").map(|_| ()), Ok(())), "addenda can be corrected too");
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn full_text_search_finds_signed_entries_in_either_unicode_form() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let a = client(&mut c, &s, "Åse Ødegård");
    let e = c
        .create_entry(
            &s,
            &a,
            None,
            "",
            "Behandling af plantar fasciitis i hælen. Kontrol om 2 uger på Ålborg-klinikken.",
        )
        .expect("draft");
    let draft_only = c.create_entry(&s, &a, None, "", "hemmelig kladde om hælen").expect("draft");
    assert!(c.search_journals(&s, "fasciitis").expect("search").is_empty(), "drafts are not searchable");
    c.sign_entry(&s, &e.id, &Secret::new(OWNER_PASSWORD)).expect("sign");
    let hits = c.search_journals(&s, "fasciitis").expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].client_name, "Åse Ødegård");
    // "Ålborg" typed with a combining ring (NFD) finds the composed text, and a prefix works.
    assert_eq!(c.search_journals(&s, "A\u{030a}lborg").expect("search").len(), 1);
    assert_eq!(c.search_journals(&s, "plant").expect("search").len(), 1);
    assert!(c.search_journals(&s, "\" OR NEAR(").expect("operators are text").is_empty());
    assert!(c.search_journals(&s, "hemmelig").expect("search").is_empty());
    let _ = draft_only;
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn a_ten_megabyte_body_is_refused_and_payloads_are_stored_verbatim() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let a = client(&mut c, &s, "Test Testesen");
    let huge = "x".repeat(10 * 1024 * 1024);
    match c.create_entry(&s, &a, None, "", &huge) {
        Err(Error::Invalid(msg)) => assert!(msg.contains("too long"), "{msg}"),
        other => panic!("expected a clear refusal, got {:?}", other.map(|e| e.id)),
    }
    assert!(c.journal(&s, &a).expect("journal").is_empty(), "nothing was written");
    let payload = "<script>alert(1)</script>'); DROP TABLE entries;--";
    let e = c.create_entry(&s, &a, None, payload, payload).expect("stored");
    assert_eq!(c.journal(&s, &a).expect("journal")[0].body, payload);
    assert_eq!(e.title, payload);
    OsKeyring.delete(c.id()).expect("clean up");
}

/// The child half of `a_saved_draft_survives_kill_9`: saves drafts forever, printing the
/// number of each save after it committed. Does nothing unless started by that test.
#[test]
fn kill9_child_helper() {
    let Some(dir) = std::env::var_os("KLINIK_KILL9_DIR") else { return };
    let dir = std::path::PathBuf::from(dir);
    let mut c = open_keyring(&dir).expect("open");
    let s = login(&mut c);
    let a = c.list_clients(&s, "").expect("list")[0].id.clone();
    let e = c.create_entry(&s, &a, None, "", "").expect("draft");
    println!("entry {}", e.id);
    for i in 0u64.. {
        c.save_draft(&s, &e.id, "", &format!("save number {i}")).expect("save");
        println!("saved {i}");
    }
}

#[test]
fn a_saved_draft_survives_kill_9() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    client(&mut c, &s, "Kill Kristensen");
    let id = c.id().clone();
    drop(c);
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().expect("exe"))
            .args(["--exact", "kill9_child_helper", "--nocapture", "--test-threads=1"])
            .env("KLINIK_KILL9_DIR", d.path())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut entry = String::new();
        let mut last = None;
        let stop_after = 20 + round * 37;
        for line in lines.by_ref() {
            let line = line.expect("line");
            // The test harness may print "test kill9_child_helper ... " on the same line.
            if let Some(pos) = line.find("entry ") {
                entry = line[pos + 6..].trim().to_owned();
            } else if let Some(n) = line.strip_prefix("saved ") {
                last = Some(n.parse::<u64>().expect("number"));
                if last == Some(stop_after) {
                    child.kill().expect("SIGKILL");
                    break;
                }
            }
        }
        child.wait().expect("reaped");
        let confirmed = last.expect("the child confirmed saves");
        let mut c = open_keyring(d.path()).expect("opens after kill -9");
        assert!(c.doctor().expect("doctor").healthy(), "integrity and audit chain after kill -9");
        let s = login(&mut c);
        let client = c.list_clients(&s, "").expect("list")[0].id.clone();
        let journal = c.journal(&s, &client).expect("journal");
        let draft = journal.iter().find(|e| e.id.as_str() == entry).expect("the draft exists");
        let saved: u64 = draft.body.strip_prefix("save number ").expect("a whole save").parse().expect("number");
        assert!(saved >= confirmed, "round {round}: confirmed save {confirmed} lost (found {saved})");
    }
    OsKeyring.delete(&id).expect("clean up");
}

/// The clinic's auto-sign rule: a draft untouched for the set hours is signed in its
/// author's name, marked and audited as automatic — when a journal is read, at login,
/// and when the clinic is opened after a weekend. Empty drafts are left alone.
#[test]
fn drafts_are_signed_automatically_after_the_clinic_auto_sign_time() {
    let d = tmp();
    let clock = std::sync::Arc::new(klinik::FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let s = login(&mut c);
    let who = client(&mut c, &s, "Birte Auto");
    assert!(matches!(c.set_auto_sign_hours(&s, 721), Err(Error::Invalid(_))));
    c.set_auto_sign_hours(&s, 24).expect("24 hours");
    let draft = c.create_entry(&s, &who, None, "", "Behandling af skulder, øvelser gennemgået").expect("draft");
    let empty = c.create_entry(&s, &who, None, "", "").expect("empty draft");

    clock.advance(chrono::Duration::hours(23));
    let j = c.journal(&s, &who).expect("journal");
    assert!(j.iter().all(|e| !e.signed), "not yet");
    // Typing keeps a draft open: the time counts from the last change.
    c.save_draft(&s, &draft.id, "", "Behandling af skulder, øvelser gennemgået. Tillæg.").expect("save");
    clock.advance(chrono::Duration::hours(23));
    assert!(c.journal(&s, &who).expect("journal").iter().all(|e| !e.signed));
    clock.advance(chrono::Duration::hours(2));
    let j = c.journal(&s, &who).expect("journal");
    let signed = j.iter().find(|e| e.id == draft.id).expect("entry");
    assert!(signed.signed && signed.auto_signed);
    assert_eq!(signed.signed_by_name.as_deref(), Some(OWNER_NAME));
    assert!(!j.iter().find(|e| e.id == empty.id).expect("empty").signed, "nothing to sign in an empty draft");
    assert!(matches!(c.save_draft(&s, &draft.id, "", "ændret"), Err(Error::Conflict(_))), "auto-signed means signed");
    let hits = c.search_journals(&s, "skulder").expect("search");
    assert_eq!(hits.len(), 1, "an auto-signed entry is searchable like any signed one");

    let events = c.audit_page(&s, &Default::default(), None, 50).expect("page");
    let auto = events.iter().find(|e| e.action == "entry_auto_sign").expect("entry_auto_sign");
    assert_eq!(auto.actor_name.as_deref(), Some(OWNER_NAME));
    assert_eq!(auto.reason.as_deref(), Some("auto-sign after 24 h"));
    assert_eq!(auto.object.as_deref(), Some(draft.id.as_str()));

    // A draft written on Friday is signed when the clinic opens on Monday.
    let friday = c.create_entry(&s, &who, None, "", "Fredagsnotat").expect("draft");
    let id = c.id().clone();
    drop(c);
    clock.advance(chrono::Duration::hours(72));
    let mut c = klinik::Clinic::open(d.path(), &Default::default(), &OsKeyring, clock.clone()).expect("reopen");
    assert_eq!(c.auto_sign_due().expect("again"), 0, "opening the clinic already signed it");
    let s = login(&mut c);
    let monday = c.journal(&s, &who).expect("journal").into_iter().find(|e| e.id == friday.id).expect("entry");
    assert!(monday.signed && monday.auto_signed);
    OsKeyring.delete(&id).expect("clean up");
}
