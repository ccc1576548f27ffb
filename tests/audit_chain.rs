//! The audit chain on a real encrypted file: triggers refuse changes, and verification
//! names the first bad seq after each kind of tampering by someone holding the key.

mod common;

use common::*;
use klinik::audit::row_hash;
use klinik::vault::{KeyStore, OsKeyring};
use rusqlite::params;

/// A clinic with a few events, closed, plus a raw connection for the "attacker".
fn clinic_with_events() -> (TestDir, klinik::ClinicId) {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    for name in ["Alma Aalund", "Bo Bech", "Cecilie Crone"] {
        c.create_client(&s, &klinik::clients::ClientInput { name: name.into(), ..Default::default() }).expect("create");
    }
    c.list_clients(&s, "").expect("list");
    assert!(c.verify_audit().expect("verify").intact);
    let id = c.id().clone();
    drop(c);
    (d, id)
}

/// What chain verification itself sees. Opening checks the tampered file against the
/// head anchored at the last close first (see the anchor tests below); here the anchor is
/// re-taken at the tampered head, as on a machine that never anchored this clinic, so
/// that the verification alone is what is tested.
fn verify(dir: &std::path::Path) -> klinik::audit::Verification {
    reanchor_at_present_head(dir);
    open_keyring(dir).expect("open").verify_audit().expect("verify")
}

fn reanchor_at_present_head(dir: &std::path::Path) {
    let slots = klinik::vault::KeySlots::read(&dir.join("keyslots.json")).expect("slots");
    let raw = raw_connection(dir, &slots.clinic_id);
    let (seq, hash): (i64, String) = raw
        .query_row("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("head");
    let anchor = serde_json::json!({ "seq": seq, "hash": hash, "mac": "" }).to_string();
    OsKeyring.store_anchor(&slots.clinic_id, &anchor).expect("re-anchor");
}

/// Opening refuses the file with the message a person sees.
fn refused_at_open(dir: &std::path::Path) -> String {
    match open_keyring(dir) {
        Err(klinik::Error::Corrupted(why)) => why,
        Err(e) => panic!("expected Corrupted, got {e:?}"),
        Ok(_) => panic!("a tampered chain opened"),
    }
}

fn cli_verify(dir: &std::path::Path) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_klinik"))
        .args(["--data-dir", dir.to_str().expect("utf8"), "audit", "verify"])
        .output()
        .expect("run");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn drop_triggers(raw: &rusqlite::Connection) {
    raw.execute_batch(
        "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete; DROP TRIGGER audit_events_gap_free;",
    )
    .expect("drop triggers");
}

#[test]
fn update_delete_and_out_of_sequence_inserts_are_refused() {
    let (d, id) = clinic_with_events();
    let raw = raw_connection(d.path(), &id);
    let upd = raw.execute("UPDATE audit_events SET outcome = 'denied' WHERE seq = 2", []);
    assert!(upd.expect_err("update refused").to_string().contains("cannot be changed"));
    let del = raw.execute("DELETE FROM audit_events WHERE seq = 2", []);
    assert!(del.expect_err("delete refused").to_string().contains("cannot be deleted"));
    let gap = raw.execute(
        "INSERT INTO audit_events (seq, at, workstation, action, outcome, prev_hash, hash) VALUES (1000, 't', 'w', 'x', 'ok', 'p', 'h')",
        [],
    );
    assert!(gap.expect_err("gap refused").to_string().contains("without a gap"));
    drop(raw);
    let (code, out) = cli_verify(d.path());
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("intact"));
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn an_edited_row_is_named() {
    let (d, id) = clinic_with_events();
    {
        let raw = raw_connection(d.path(), &id);
        drop_triggers(&raw);
        raw.execute("UPDATE audit_events SET action = 'client_list' WHERE seq = 3", []).expect("edit");
    }
    let v = verify(d.path());
    assert!(!v.intact);
    assert_eq!(v.first_bad_seq, Some(3));
    let (code, out) = cli_verify(d.path());
    assert_eq!(code, 1);
    assert!(out.contains("BROKEN at seq 3"), "{out}");
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn a_deleted_row_is_named() {
    let (d, id) = clinic_with_events();
    {
        let raw = raw_connection(d.path(), &id);
        drop_triggers(&raw);
        raw.execute("DELETE FROM audit_events WHERE seq = 3", []).expect("delete");
    }
    let v = verify(d.path());
    assert_eq!(v.first_bad_seq, Some(4));
    assert!(v.problem.as_deref().unwrap_or("").contains("event 3 is missing"), "{v:?}");
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn an_inserted_row_is_caught_even_with_a_correct_hash_of_its_own() {
    let (d, id) = clinic_with_events();
    {
        let raw = raw_connection(d.path(), &id);
        drop_triggers(&raw);
        // Make room at seq 3 and forge a well-hashed event there.
        let last: i64 = raw.query_row("SELECT max(seq) FROM audit_events", [], |r| r.get(0)).expect("max");
        for seq in (3..=last).rev() {
            raw.execute("UPDATE audit_events SET seq = seq + 1 WHERE seq = ?1", [seq]).expect("shift");
        }
        let prev: String =
            raw.query_row("SELECT hash FROM audit_events WHERE seq = 2", [], |r| r.get(0)).expect("prev");
        let at = "2026-01-01T00:00:00.000Z";
        let hash = row_hash(&prev, 3, at, None, None, "forger", "client_read", None, None, "ok", None);
        raw.execute(
            "INSERT INTO audit_events (seq, at, workstation, action, outcome, prev_hash, hash) VALUES (3, ?1, 'forger', 'client_read', 'ok', ?2, ?3)",
            params![at, prev, hash],
        )
        .expect("insert");
    }
    let v = verify(d.path());
    assert!(!v.intact);
    // The forged row itself hashes fine; the original that followed no longer links.
    assert_eq!(v.first_bad_seq, Some(4), "{v:?}");
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn swapped_rows_are_named() {
    let (d, id) = clinic_with_events();
    {
        let raw = raw_connection(d.path(), &id);
        drop_triggers(&raw);
        raw.execute_batch(
            "UPDATE audit_events SET seq = -1 WHERE seq = 3;
             UPDATE audit_events SET seq = 3 WHERE seq = 4;
             UPDATE audit_events SET seq = 4 WHERE seq = -1;",
        )
        .expect("swap");
    }
    assert_eq!(verify(d.path()).first_bad_seq, Some(3));
    OsKeyring.delete(&id).expect("clean up");
}

/// seq, at, actor, via, workstation, action, client_id, object, outcome, reason
type AuditRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

fn cli(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_klinik"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("run");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_truncated_tail_passes_plain_verify_but_not_the_anchor() {
    let (d, id) = clinic_with_events();
    let anchor = d.path().join("anchor.json");
    let anchor_arg = anchor.to_str().expect("utf8");
    assert_eq!(cli(d.path(), &["audit", "anchor", "--out", anchor_arg]).0, 0);
    assert_eq!(cli(d.path(), &["audit", "verify", "--anchor", anchor_arg]).0, 0);
    let last: i64;
    {
        let raw = raw_connection(d.path(), &id);
        drop_triggers(&raw);
        last = raw.query_row("SELECT max(seq) FROM audit_events", [], |r| r.get(0)).expect("max");
        raw.execute("DELETE FROM audit_events WHERE seq >= ?1", [last - 1]).expect("truncate");
    }
    // The head anchored in the keyring at the last close refuses the cut file at once.
    let why = refused_at_open(d.path());
    assert!(why.contains("rolled back or cut") && why.contains(&format!("event {last}")), "{why}");
    // Against an anchor kept elsewhere (a printed review, a manifest) it is caught too,
    // even where the keyring's anchor is gone.
    reanchor_at_present_head(d.path());
    let (code, out) = cli(d.path(), &["audit", "verify"]);
    assert_eq!(code, 0, "without any anchor a cut tail looks intact: {out}");
    let (code, out) = cli(d.path(), &["audit", "verify", "--anchor", anchor_arg]);
    assert_eq!(code, 1);
    assert!(out.contains(&format!("BROKEN at seq {}", last - 1)), "{out}");
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn a_consistently_rewritten_chain_passes_plain_verify_but_not_the_anchor() {
    let (d, id) = clinic_with_events();
    let anchor = d.path().join("anchor.json");
    let anchor_arg = anchor.to_str().expect("utf8");
    assert_eq!(cli(d.path(), &["audit", "anchor", "--out", anchor_arg]).0, 0);
    {
        // Rewrite event 2 and recompute every hash after it, as a key holder could.
        let raw = raw_connection(d.path(), &id);
        drop_triggers(&raw);
        raw.execute("UPDATE audit_events SET workstation = 'elsewhere' WHERE seq = 2", []).expect("edit");
        let rows: Vec<AuditRow> = raw
            .prepare("SELECT seq, at, actor, via, workstation, action, client_id, object, outcome, reason FROM audit_events ORDER BY seq")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        let mut prev = klinik::audit::GENESIS_HASH.to_owned();
        for (seq, at, actor, via, ws, action, client, object, outcome, reason) in rows {
            let h = row_hash(
                &prev,
                seq,
                &at,
                actor.as_deref(),
                via.as_deref(),
                &ws,
                &action,
                client.as_deref(),
                object.as_deref(),
                &outcome,
                reason.as_deref(),
            );
            raw.execute("UPDATE audit_events SET prev_hash = ?2, hash = ?3 WHERE seq = ?1", params![seq, prev, h])
                .expect("rehash");
            prev = h;
        }
    }
    let why = refused_at_open(d.path());
    assert!(why.contains("rewritten"), "the keyring's anchor sees the rewrite at open: {why}");
    reanchor_at_present_head(d.path());
    assert_eq!(cli(d.path(), &["audit", "verify"]).0, 0, "a consistent rewrite fools the chain alone");
    let (code, out) = cli(d.path(), &["audit", "verify", "--anchor", anchor_arg]);
    assert_eq!(code, 1);
    assert!(out.contains("rewritten"), "{out}");
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn in_app_verification_keeps_anchors_outside_and_catches_a_cut_tail() {
    let (d, id) = clinic_with_events();
    let anchors = d.path().join("elsewhere/anchors.jsonl");
    let log = klinik::audit::AnchorLog::at(&anchors);
    {
        let mut c = open_keyring(d.path()).expect("open");
        c.set_anchor_log(log.clone());
        let s = login(&mut c);
        assert!(c.verify_audit_as(&s).expect("verify").intact);
        assert!(log.latest().expect("read").is_some(), "an anchor was written");
        c.list_clients(&s, "").expect("more events after the anchor");
        c.logout(&s).expect("logout");
    }
    {
        let raw = raw_connection(d.path(), &id);
        drop_triggers(&raw);
        let anchored = log.latest().expect("read").expect("anchor").seq;
        raw.execute("DELETE FROM audit_events WHERE seq >= ?1", [anchored]).expect("cut the tail");
    }
    // Caught at open against the keyring's anchor ...
    assert!(refused_at_open(d.path()).contains("rolled back or cut"));
    // ... and, where that anchor is gone, by verification against the anchor log.
    reanchor_at_present_head(d.path());
    let mut c = open_keyring(d.path()).expect("open");
    c.set_anchor_log(log.clone());
    let s = login(&mut c);
    let v = c.verify_audit_as(&s).expect("verify");
    assert!(!v.intact, "the cut tail is caught against the anchor: {v:?}");
    OsKeyring.delete(&id).expect("clean up");
}
