//! The end of a client's record, on real encrypted files. A cleanup run proposes a client
//! whose journal retention has run out, the owner confirms with the password, and
//! afterwards neither the client's name nor a distinctive word of the journal nor the
//! phone number is anywhere in the database file or the write-ahead log — checked by
//! decrypting every page with the key outside SQLite — nor in a full-text index's
//! vocabulary; the audit chain still verifies and the purge is one event with counts. An
//! erasure request under retention removes the contact details and appointments, keeps
//! the journal with the rule and the day it may go, and the letter says so. A client
//! with issued invoices keeps a row without personal data. Rules are checked.

mod common;

use aes::cipher::{BlockDecryptMut, KeyIvInit};
use chrono::{Duration, TimeZone};
use common::*;
use klinik::calendar::appointments::Booking;
use klinik::clients::ClientInput;
use klinik::lifecycle::{Rule, Rules};
use klinik::secret::Secret;
use klinik::vault::{KeyStore, OsKeyring};
use klinik::{ClientId, Clinic, ErrorCode, FixedClock, SessionId};
use std::path::Path;
use std::sync::Arc;

const NAME: &str = "Quimbelina Wobbersnap";
const WORD: &str = "hyperflexibilitetsøvelserne";
const PHONE: &str = "+45 71 93 28 46";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn password() -> Secret {
    Secret::new(OWNER_PASSWORD)
}

fn code<T: std::fmt::Debug>(r: klinik::Result<T>) -> ErrorCode {
    r.expect_err("refused").code()
}

/// Every page of an SQLCipher 4 file (4096-byte pages, 16-byte IV and 64-byte HMAC at
/// the end of each), decrypted with the raw key: what an attacker holding the key would
/// read, free pages and slack included. `offset` skips a WAL header; frames carry a
/// 24-byte header each.
fn decrypt_pages(bytes: &[u8], key: &[u8; 32], wal: bool) -> Vec<u8> {
    const PAGE: usize = 4096;
    const RESERVE: usize = 80;
    let (mut at, step, head) = if wal { (32, PAGE + 24, 24) } else { (0, PAGE, 0) };
    let mut out = Vec::new();
    let mut first = !wal;
    while at + step <= bytes.len() {
        let page = &bytes[at + head..at + head + PAGE];
        let start = if first { 16 } else { 0 };
        let iv = &page[PAGE - RESERVE..PAGE - RESERVE + 16];
        let mut data = page[start..PAGE - RESERVE].to_vec();
        cbc::Decryptor::<aes::Aes256>::new(key.into(), iv.into())
            .decrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut data)
            .expect("whole blocks");
        out.extend_from_slice(&data);
        first = false;
        at += step;
    }
    out
}

/// The clinic's database and log, decrypted page by page.
fn plain_pages(dir: &Path, key: &[u8; 32]) -> Vec<u8> {
    let db = std::fs::read(dir.join("klinik.db")).expect("db");
    let mut out = decrypt_pages(&db, key, false);
    if let Ok(wal) = std::fs::read(dir.join("klinik.db-wal")) {
        out.extend(decrypt_pages(&wal, key, true));
    }
    out
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

struct Clinic11 {
    c: Clinic,
    clock: Arc<FixedClock>,
    owner: SessionId,
    wobber: ClientId,
    ole: ClientId,
}

/// Friday 20 March 2026: Wobber has a signed entry with a distinctive word, an addendum,
/// a PDF on the record, an appointment; Ole a signed entry too.
fn clinic(dir: &Path) -> Clinic11 {
    let t = chrono_tz::Europe::Copenhagen.with_ymd_and_hms(2026, 3, 20, 10, 0, 0).single().expect("t");
    let clock = Arc::new(FixedClock::new(t.with_timezone(&chrono::Utc)));
    let (mut c, _) = setup_at(dir, clock.clone());
    let owner = login(&mut c);
    let client = |c: &mut Clinic, name: &str, phone: &str| {
        c.create_client(&owner, &ClientInput { name: name.into(), phone: phone.into(), ..Default::default() })
            .expect("client")
            .id
    };
    let wobber = client(&mut c, NAME, PHONE);
    let ole = client(&mut c, "Ole Bak", "+45 20 30 40 50");
    for (who, text) in [(&wobber, format!("Instrueret i {WORD} to gange dagligt.")), (&ole, "Knæ bedre.".into())] {
        let e = c.create_entry(&owner, who, None, "Konsultation", &text).expect("draft");
        c.sign_entry(&owner, &e.id, &password()).expect("signed");
        if who == &wobber {
            let a = c.add_addendum(&owner, &e.id, "Fortsætter øvelserne.").expect("addendum");
            c.sign_entry(&owner, &a.id, &password()).expect("signed");
        }
    }
    c.add_attachment(&owner, &wobber, None, "henvisning.pdf", PDF).expect("attachment");
    let cal = c.calendars(&owner).expect("calendars").into_iter().find(|k| k.staff_id.is_some()).expect("cal").id;
    let b = Booking {
        calendar: cal,
        room: None,
        client: Some(wobber.clone()),
        service: None,
        title: String::new(),
        note: String::new(),
        start: chrono::NaiveDate::from_ymd_opt(2026, 3, 23).expect("d").and_hms_opt(9, 0, 0).expect("t"),
        minutes: Some(30),
        repeat: None,
    };
    c.book(&owner, &b).expect("booked");
    Clinic11 { c, clock, owner, wobber, ole }
}

#[test]
fn a_cleanup_erases_a_client_past_retention_and_no_trace_of_its_text_remains_in_the_file_or_the_log() {
    let d = tmp();
    let mut k = clinic(d.path());
    let id = k.c.id().clone();
    let key = *OsKeyring.load(&id).expect("key").bytes();
    // The reader works: before the purge the name, the word and the number are in there.
    let before = plain_pages(d.path(), &key);
    assert!(holds(&before, NAME) && holds(&before, WORD) && holds(&before, PHONE), "the raw reader sees the clinic");

    // Nothing is due today.
    assert!(k.c.cleanup_proposal(&k.owner).expect("proposal").is_empty());
    // Eleven years on: Wobber's journal (last entry 2026, ten years) may go; Ole was seen
    // again this year.
    k.clock.advance(Duration::days(11 * 366));
    k.owner = login(&mut k.c);
    let e = k.c.create_entry(&k.owner, &k.ole, None, "Kontrol", "Fint.").expect("draft");
    k.c.sign_entry(&k.owner, &e.id, &password()).expect("signed");
    let proposal = k.c.cleanup_proposal(&k.owner).expect("proposal");
    assert_eq!(proposal.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), [NAME]);
    assert!(matches!(proposal[0].rule, Rule::Journal { years: 10, .. }), "{:?}", proposal[0].rule);
    // Ole is not due: asking to erase him anyway is refused and erases nothing.
    assert_eq!(code(k.c.purge_clients(&k.owner, &[k.ole.clone(), k.wobber.clone()], &password())), ErrorCode::Conflict);
    assert_eq!(
        code(k.c.purge_clients(&k.owner, &[k.wobber.clone()], &Secret::new("forkert"))),
        ErrorCode::WrongCredentials
    );
    assert!(k.c.get_client(&k.owner, &k.wobber).is_ok(), "nothing went on a refusal");

    let summary = k.c.purge_clients(&k.owner, &[k.wobber.clone()], &password()).expect("purged");
    let wal = std::fs::metadata(d.path().join("klinik.db-wal")).map(|m| m.len()).unwrap_or(0);
    assert_eq!(wal, 0, "the log was emptied into the database");
    assert_eq!(summary.clients, 1);
    let count = |kind: &str| summary.removed.iter().find(|(k, _)| k == kind).map(|(_, n)| *n).unwrap_or(0);
    assert_eq!((count("entries"), count("attachments"), count("appointments"), count("clients")), (2, 1, 1, 1));
    assert_eq!(code(k.c.get_client(&k.owner, &k.wobber)), ErrorCode::NotFound);
    assert_eq!(k.c.journal(&k.owner, &k.ole).expect("Ole's journal").len(), 2, "Ole keeps his");
    assert!(k.c.cleanup_proposal(&k.owner).expect("proposal").is_empty());

    // The trail: still whole, the purge one event with counts (no name), the client's
    // earlier events keep the id that no longer resolves.
    assert!(k.c.verify_audit().expect("verify").intact);
    let events = k.c.audit_page(&k.owner, &Default::default(), None, 500).expect("events");
    let purge = events.iter().find(|e| e.action == "client_erase").expect("the purge event");
    let object = purge.object.clone().unwrap_or_default();
    assert!(object.contains("entries=2") && !object.contains("Wobbersnap"), "{object}");
    assert!(events.iter().any(|e| e.client_id.as_deref() == Some(k.wobber.as_str()) && e.action == "entry_sign"));

    // The raw check: the file and the log hold none of it, and no index remembers a word.
    let raw = raw_connection(d.path(), &id);
    for (table, term) in [("entries_fts", "hyperflexibilitetsøvelserne"), ("clients_fts", "wobbersnap")] {
        raw.execute_batch(&format!("CREATE VIRTUAL TABLE temp.v_{table} USING fts5vocab(main, {table}, row)"))
            .expect("vocab");
        let n: i64 = raw
            .query_row(&format!("SELECT count(*) FROM temp.v_{table} WHERE term = ?1"), [term], |r| r.get(0))
            .expect("count");
        assert_eq!(n, 0, "{term} in the {table} index");
    }
    drop(raw);
    let after = plain_pages(d.path(), &key);
    assert!(after.len() > 4096, "pages were read");
    assert!(holds(&after, "Ole Bak"), "the reader still reads the clinic");
    for gone in [NAME, WORD, PHONE, "Wobbersnap", "henvisning.pdf"] {
        assert!(!holds(&after, gone), "{gone} is still in the file or the log");
    }
}

#[test]
fn an_erasure_request_under_retention_keeps_the_journal_until_its_day_and_the_letter_says_so() {
    let d = tmp();
    let mut k = clinic(d.path());
    let outcome = k.c.erase_client(&k.owner, &k.wobber, &password()).expect("request");
    assert!(!outcome.erased);
    assert!(matches!(outcome.kept_by, Some(Rule::Journal { years: 10, .. })), "{:?}", outcome.kept_by);
    assert_eq!(outcome.kept_until, Some("2036-03-20".parse().expect("d")));
    let client = k.c.get_client(&k.owner, &k.wobber).expect("the record stays");
    assert_eq!(
        (client.name.as_str(), client.phone.as_str()),
        (NAME, ""),
        "the name stays with the journal, the phone goes"
    );
    assert_eq!(k.c.journal(&k.owner, &k.wobber).expect("journal").len(), 2);
    assert!(k.c.client_appointments(&k.owner, &k.wobber).expect("appointments").is_empty());
    let letter = k.c.erasure_letter(&k.owner, &k.wobber).expect("letter");
    let pdf = d.path().join("letter.pdf");
    std::fs::write(&pdf, &letter).expect("write");
    let text = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("2036-03-20") && text.contains("journalføringsbekendtgørelsen"), "{text}");

    // A client with nothing under a rule goes at once, completely.
    let eva = k.c.create_client(&k.owner, &ClientInput { name: "Eva Ny".into(), ..Default::default() }).expect("c").id;
    let gone = k.c.erase_client(&k.owner, &eva, &password()).expect("erased");
    assert!(gone.erased && gone.kept_by.is_none());
    assert_eq!(code(k.c.get_client(&k.owner, &eva)), ErrorCode::NotFound);
    assert_eq!(code(k.c.erasure_letter(&k.owner, &eva)), ErrorCode::NotFound);
}

#[test]
fn retention_rules_are_checked_and_only_administrators_erase() {
    let d = tmp();
    let mut k = clinic(d.path());
    let good = k.c.retention_rules(&k.owner).expect("rules");
    assert_eq!(good, Rules { journal_years: 10, notes_years: 5, inactive_years: 5 });
    for bad in [
        Rules { journal_years: 9, ..good },
        Rules { journal_years: 31, ..good },
        Rules { notes_years: 0, ..good },
        Rules { inactive_years: 11, ..good },
        Rules { inactive_years: 0, ..good },
    ] {
        assert_eq!(code(k.c.set_retention_rules(&k.owner, &bad, &password())), ErrorCode::Invalid, "{bad:?}");
    }
    assert_eq!(k.c.retention_rules(&k.owner).expect("rules"), good, "nothing changed");
    let longer = Rules { journal_years: 15, inactive_years: 2, ..good };
    k.c.set_retention_rules(&k.owner, &longer, &password()).expect("set");
    assert_eq!(k.c.retention_rules(&k.owner).expect("rules"), longer);
    let (_, lars, _) = practitioner(&mut k.c, &k.owner, "Lars Holm", "lars@example.dk");
    assert_eq!(code(k.c.cleanup_proposal(&lars)), ErrorCode::Denied);
    assert_eq!(code(k.c.erase_client(&lars, &k.ole, &Secret::new(PRACTITIONER_PASSWORD))), ErrorCode::Denied);
    // A client without entries goes after the inactive years (two now).
    let eva = k.c.create_client(&k.owner, &ClientInput { name: "Eva Ny".into(), ..Default::default() }).expect("c").id;
    k.clock.advance(Duration::days(2 * 366));
    k.owner = login(&mut k.c);
    let proposal = k.c.cleanup_proposal(&k.owner).expect("proposal");
    let eva_p = proposal.iter().find(|p| p.client_id == eva).expect("Eva is due");
    assert!(matches!(eva_p.rule, Rule::Inactive { years: 2, .. }));
    assert!(proposal.iter().all(|p| p.client_id != k.wobber), "journals wait 15 years");
}

#[test]
fn a_clients_copy_holds_everything_as_a_pdf_and_a_fhir_bundle_and_is_on_their_record() {
    let d = tmp();
    let mut k = clinic(d.path());
    assert_eq!(code(k.c.client_copy(&k.owner, &k.wobber, &Secret::new("forkert"), None)), ErrorCode::WrongCredentials);
    assert_eq!(
        code(k.c.client_copy(&k.owner, &k.wobber, &password(), Some(&Secret::new("kort")))),
        ErrorCode::Invalid,
        "a copy's password has 8 characters at least"
    );
    let (_, lars, _) = practitioner(&mut k.c, &k.owner, "Lars Holm", "lars@example.dk");
    assert_eq!(code(k.c.client_copy(&lars, &k.wobber, &Secret::new(PRACTITIONER_PASSWORD), None)), ErrorCode::Denied);

    let text = k.c.consent_texts(&k.owner).expect("texts").into_iter().find(|t| t.required).expect("required");
    let oral = klinik::records::consents::ConsentInput {
        text_id: text.id.clone(),
        given: true,
        method: klinik::records::consents::ConsentMethod::Oral,
        signature_png: None,
        typed_name: None,
        attachment_id: None,
    };
    k.c.record_consent(&k.owner, &k.wobber, &oral).expect("consent");
    let copy = k.c.client_copy(&k.owner, &k.wobber, &password(), None).expect("copy");
    let pdf = d.path().join("copy.pdf");
    std::fs::write(&pdf, &copy.pdf).expect("write");
    let out = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        NAME,
        PHONE,
        WORD,
        "Fortsætter øvelserne.",
        "henvisning.pdf",
        "Hvem har set journalen",
        "Behandling af personoplysninger",
    ] {
        assert!(text.contains(want), "{want} in the PDF:\n{text}");
    }
    let bundle: serde_json::Value = serde_json::from_str(&copy.fhir).expect("JSON");
    assert_eq!((bundle["resourceType"].as_str(), bundle["type"].as_str()), (Some("Bundle"), Some("collection")));
    let resources: Vec<&serde_json::Value> =
        bundle["entry"].as_array().expect("entries").iter().map(|e| &e["resource"]).collect();
    let of = |kind: &str| resources.iter().filter(|r| r["resourceType"] == kind).copied().collect::<Vec<_>>();
    assert_eq!(of("Patient")[0]["name"][0]["text"], NAME);
    assert_eq!(of("Patient")[0]["telecom"][0]["value"], PHONE);
    assert_eq!(of("Appointment").len(), 1);
    assert_eq!(of("Appointment")[0]["status"], "booked");
    let docs = of("DocumentReference");
    assert_eq!(docs.len(), 3, "two entries and the attachment");
    use base64::Engine;
    let decoded: Vec<String> = docs
        .iter()
        .map(|d| {
            let data = d["content"][0]["attachment"]["data"].as_str().expect("data");
            String::from_utf8_lossy(&base64::engine::general_purpose::STANDARD.decode(data).expect("base64"))
                .into_owned()
        })
        .collect();
    assert!(decoded.iter().any(|t| t.contains(WORD)), "the entry's text, whole");
    assert!(decoded.iter().any(|t| t.as_bytes() == PDF), "the attachment, byte for byte");
    assert!(docs.iter().any(|d| d["relatesTo"][0]["code"] == "appends"), "the addendum appends its entry");
    assert!(of("AuditEvent").len() >= 3, "the access log travels along");
    assert_eq!(of("Consent").len(), 1);
    assert_eq!(of("Consent")[0]["status"], "active");

    // Encrypted for handing over: qpdf says it needs the password.
    let locked = k.c.client_copy(&k.owner, &k.wobber, &password(), Some(&Secret::new("emil-2026-kopi"))).expect("copy");
    std::fs::write(&pdf, &locked.pdf).expect("write");
    let needs = std::process::Command::new("qpdf").arg("--requires-password").arg(&pdf).status().expect("qpdf");
    assert_eq!(needs.code(), Some(0), "qpdf: the PDF requires a password");
    let log = k.c.client_access_log(&k.owner, &k.wobber).expect("log");
    assert_eq!(log.iter().filter(|e| e.action == "client_export" && e.outcome == "ok").count(), 2);
}
