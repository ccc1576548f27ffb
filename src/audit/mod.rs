//! The audit chain: one append-only table, gap-free `seq`, each row hash-linked to the
//! one before it.
//!
//! `hash = SHA-256(prev_hash ‖ canonical(row))` where the canonical encoding writes every
//! field in a fixed order, each prefixed by a presence byte and a 4-byte big-endian
//! length, so no two different rows encode alike. Triggers refuse UPDATE and DELETE and
//! any `seq` that is not the next one. Whoever holds the key can still rewrite the whole
//! chain consistently; an anchor kept outside the database (a later issue) catches that.
//!
//! Events carry ids, never names, national IDs or health data.

pub mod anchor;
mod anchor_log;
pub mod review;
pub mod seen;
mod verify;
mod view;

pub use anchor_log::{Anchor, AnchorLog};

/// Every action the core writes to the trail: the gate's actions
/// ([`crate::policy::Action::audit_name`]) and the events of sessions, accounts, the desk
/// and the clinic itself. The window's action filter and its translations are generated
/// from this list (a test checks the core writes nothing else).
pub const ACTIONS: &[&str] = &[
    // The gate's actions, in `Action::ALL` order.
    "client_create",
    "client_list",
    "client_read",
    "client_update",
    "journal_read",
    "entry_create",
    "entry_update",
    "entry_sign",
    "entry_addendum",
    "journal_search",
    "client_print",
    "national_id_reveal",
    "client_access_log",
    "audit_read",
    "audit_verify",
    "audit_export",
    "audit_review",
    "audit_review_mark",
    "staff_create",
    "staff_list",
    "staff_update",
    "relation_change",
    "emergency_access",
    "settings_change",
    "attachment_add",
    "attachment_list",
    "attachment_open",
    "attachment_remove",
    "template_change",
    "relation_list",
    "backup_create",
    "calendar_list",
    "calendar_read",
    "appointment_book",
    "appointment_change",
    "calendar_export",
    "calendar_manage",
    "invoice_read",
    "invoice_edit",
    "invoice_setup",
    "report_run",
    "report_list",
    "report_manage",
    "relative_home",
    "relative_appointments",
    "relative_schedule",
    "relative_list",
    "relative_manage",
    "cleanup_review",
    "client_erase",
    "client_export",
    "client_import",
    "consent_record",
    "consent_text_change",
    // Sessions, accounts, the desk and the clinic.
    "clinic_created",
    "login",
    "login_failed",
    "logout",
    "lock",
    "unlock",
    "unlock_failed",
    "session_expired",
    "session_end",
    "vault_recovery_unlock",
    "password_reset_recovery",
    "password_change",
    "language_change",
    "password_failed",
    "email_change",
    "pin_set",
    "pin_unlock",
    "pin_failed",
    "pin_disabled",
    "pin_end",
    "desk_open",
    "totp_begin",
    "totp_enabled",
    "totp_disabled",
    "totp_failed",
    "totp_disabled_by_failures",
    "totp_recovery_used",
    "totp_recovery_renewed",
    "entry_auto_sign",
    "clock_backwards",
    "backup_failed",
    "backup_automatic",
    "backup_drill",
    "backup_restore",
    "crash_check",
];
pub use verify::{verify, verify_in_halves, verify_tail, Verification};
pub(crate) use view::{all, page};
pub use view::{to_csv, to_fhir, EventView, Filter, MAX_PAGE, RELATION_REF};

use crate::clock;
use crate::ids::{ClientId, StaffId};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    Denied,
    Failed,
}

impl Outcome {
    pub fn parse(s: &str) -> Result<Self> {
        s.trim().to_ascii_lowercase().parse().map_err(|_| Error::invalid("outcome must be ok, denied or failed"))
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// What happened, before it is given a place in the chain.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub actor: Option<&'a StaffId>,
    pub via: Option<&'a StaffId>,
    pub workstation: &'a str,
    pub action: &'a str,
    pub client: Option<&'a ClientId>,
    pub object: Option<&'a str>,
    pub outcome: Outcome,
    pub reason: Option<&'a str>,
}

/// One stored row, as hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: i64,
    pub at: String,
    pub actor: Option<String>,
    pub via: Option<String>,
    pub workstation: String,
    pub action: String,
    pub client_id: Option<String>,
    pub object: Option<String>,
    pub outcome: String,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

fn put(buf: &mut Vec<u8>, field: Option<&[u8]>) {
    match field {
        None => buf.push(0),
        Some(s) => {
            buf.push(1);
            buf.extend_from_slice(&(s.len() as u32).to_be_bytes());
            buf.extend_from_slice(s);
        }
    }
}

/// Appends the canonical encoding of a row, the bytes that are hashed, to `buf` (so
/// verification can pack many rows into one reused buffer). `fields` are at, actor, via,
/// workstation, action, client_id, object, outcome and reason.
fn encode(buf: &mut Vec<u8>, prev_hash: &[u8], seq: i64, fields: [Option<&[u8]>; 9]) {
    buf.extend_from_slice(b"klinik audit v1");
    put(buf, Some(prev_hash));
    buf.extend_from_slice(&seq.to_be_bytes());
    for f in fields {
        put(buf, f);
    }
}

/// The hash of a row given the previous row's hash.
#[allow(clippy::too_many_arguments)]
pub fn row_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: Option<&str>,
    via: Option<&str>,
    workstation: &str,
    action: &str,
    client_id: Option<&str>,
    object: Option<&str>,
    outcome: &str,
    reason: Option<&str>,
) -> String {
    fn b(s: Option<&str>) -> Option<&[u8]> {
        s.map(str::as_bytes)
    }
    let fields = [
        Some(at.as_bytes()),
        b(actor),
        b(via),
        Some(workstation.as_bytes()),
        Some(action.as_bytes()),
        b(client_id),
        b(object),
        Some(outcome.as_bytes()),
        b(reason),
    ];
    let mut buf = Vec::with_capacity(256);
    encode(&mut buf, prev_hash.as_bytes(), seq, fields);
    hex::encode(Sha256::digest(&buf))
}

/// The newest event's seq and hash (0 and the genesis hash for an empty chain).
pub fn head(conn: &Connection) -> Result<(i64, String)> {
    Ok(conn
        .query_row("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, GENESIS_HASH.to_owned())))
}

/// Appends one event on `conn` (normally inside the operation's transaction) and
/// returns its seq. Failing here must fail the whole operation.
pub(crate) fn append(conn: &Connection, at: DateTime<Utc>, ev: &NewEvent<'_>) -> Result<i64> {
    let (last_seq, prev_hash) = head(conn)?;
    let seq = last_seq + 1;
    let at = clock::to_db(at);
    let actor = ev.actor.map(|a| a.as_str());
    let via = ev.via.map(|a| a.as_str());
    let client = ev.client.map(|c| c.as_str());
    let hash = row_hash(
        &prev_hash,
        seq,
        &at,
        actor,
        via,
        ev.workstation,
        ev.action,
        client,
        ev.object,
        ev.outcome.as_str(),
        ev.reason,
    );
    conn.execute(
        "INSERT INTO audit_events (seq, at, actor, via, workstation, action, client_id, object, outcome, reason, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![seq, at, actor, via, ev.workstation, ev.action, client, ev.object, ev.outcome.as_str(), ev.reason, prev_hash, hash],
    )?;
    Ok(seq)
}

#[cfg(test)]
mod tests {
    use super::verify::{verify_split, VERIFY_BATCH};
    use super::*;

    /// The list the window is generated from holds every action the core can write: the
    /// gate's, and every action name written as text in the core's source (events are
    /// written as `event(.., "name", Outcome::..)`, `change_own(.., "name", ..)` or
    /// chosen between two names).
    #[test]
    fn the_action_list_holds_everything_the_core_writes() {
        for a in crate::policy::Action::ALL {
            assert!(ACTIONS.contains(&a.audit_name()), "{a:?}");
        }
        let mut names: Vec<String> = ACTIONS.iter().map(|s| s.to_string()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ACTIONS.len(), "no name twice");
        let root = crate_dir().join("src");
        let mut stack = vec![root];
        let mut found = 0;
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("src") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                if p.extension().is_none_or(|x| x != "rs") || p.ends_with("bench.rs") || p.ends_with("demo.rs") {
                    continue;
                }
                let whole = std::fs::read_to_string(&p).expect("read");
                // The code, not its tests.
                let text = whole.split("#[cfg(test)]").next().unwrap_or_default();
                for (i, _) in text.match_indices("\", Outcome::") {
                    let start = text[..i].rfind('"').expect("opening quote") + 1;
                    let name = &text[start..i];
                    if name.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !name.is_empty() {
                        found += 1;
                        assert!(ACTIONS.contains(&name), "{} writes {name}, which is not in ACTIONS", p.display());
                    }
                }
                for marker in ["change_own(&actor, \"", "{ \"", "else { \""] {
                    for (i, _) in text.match_indices(marker) {
                        let rest = &text[i + marker.len()..];
                        let name = &rest[..rest.find('"').expect("closing quote")];
                        let is_event = rest[name.len()..].starts_with("\" }") || marker.starts_with("change_own");
                        if is_event && name.contains('_') && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                            assert!(ACTIONS.contains(&name), "{} writes {name}?", p.display());
                        }
                    }
                }
            }
        }
        assert!(found > 30, "the scan found the events ({found})");
    }

    /// Splitting the walk in two must find exactly what one walk finds: nothing on an
    /// intact chain, and the same first bad event wherever the damage is (in either
    /// half, or right where they meet).
    #[test]
    fn verifying_in_halves_finds_what_one_walk_finds() {
        use crate::vault::{open_connection, OpenMode};
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("halves.db");
        let key = crate::secret::MasterKey::generate();
        let mut conn = open_connection(&path, &key, OpenMode::Create).expect("create");
        crate::migrations::migrate(&mut conn).expect("migrate");
        let now = chrono::Utc::now();
        let tx = conn.transaction().expect("tx");
        for i in 0..1000 {
            let object = format!("event {i}");
            let ev = NewEvent {
                actor: None,
                via: None,
                workstation: "w",
                action: "test",
                client: None,
                object: Some(&object),
                outcome: Outcome::Ok,
                reason: None,
            };
            append(&tx, now, &ev).expect("append");
        }
        tx.commit().expect("commit");
        let second = || open_connection(&path, &key, OpenMode::Existing).expect("second reader");
        let both = |conn: &Connection| {
            let one = verify(conn).expect("one walk");
            let split = verify_split(conn, second(), 10).expect("halves");
            assert_eq!((split.intact, split.first_bad_seq, split.events), (one.intact, one.first_bad_seq, one.events));
            one.first_bad_seq
        };
        assert_eq!(both(&conn), None);
        conn.execute_batch("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;").expect("drop");
        conn.execute("UPDATE audit_events SET object = 'x' WHERE seq = 800", []).expect("edit the later half");
        assert_eq!(both(&conn), Some(800));
        conn.execute("UPDATE audit_events SET object = 'x' WHERE seq = 200", []).expect("edit the first half");
        assert_eq!(both(&conn), Some(200));
        conn.execute("UPDATE audit_events SET object = 'event 199' WHERE seq = 200", []).expect("repair");
        // A missing event is named by the one stored after it.
        conn.execute("DELETE FROM audit_events WHERE seq = 501", []).expect("cut where the halves meet");
        assert_eq!(both(&conn), Some(502));
        conn.execute("DELETE FROM audit_events WHERE seq = 500", []).expect("and the one before");
        assert_eq!(both(&conn), Some(502));
    }

    #[test]
    fn the_hash_covers_every_field_and_the_previous_hash() {
        let base = row_hash(GENESIS_HASH, 1, "t", Some("a"), None, "w", "x", None, None, "ok", None);
        assert_eq!(base.len(), 64);
        let variants = [
            row_hash("1", 1, "t", Some("a"), None, "w", "x", None, None, "ok", None),
            row_hash(GENESIS_HASH, 2, "t", Some("a"), None, "w", "x", None, None, "ok", None),
            row_hash(GENESIS_HASH, 1, "u", Some("a"), None, "w", "x", None, None, "ok", None),
            row_hash(GENESIS_HASH, 1, "t", None, None, "w", "x", None, None, "ok", None),
            row_hash(GENESIS_HASH, 1, "t", Some("a"), Some("a"), "w", "x", None, None, "ok", None),
            row_hash(GENESIS_HASH, 1, "t", Some("a"), None, "v", "x", None, None, "ok", None),
            row_hash(GENESIS_HASH, 1, "t", Some("a"), None, "w", "y", None, None, "ok", None),
            row_hash(GENESIS_HASH, 1, "t", Some("a"), None, "w", "x", Some("c"), None, "ok", None),
            row_hash(GENESIS_HASH, 1, "t", Some("a"), None, "w", "x", None, Some("o"), "ok", None),
            row_hash(GENESIS_HASH, 1, "t", Some("a"), None, "w", "x", None, None, "denied", None),
            row_hash(GENESIS_HASH, 1, "t", Some("a"), None, "w", "x", None, None, "ok", Some("r")),
        ];
        for v in variants {
            assert_ne!(v, base);
        }
        // Field boundaries matter: moving a character between fields changes the hash.
        assert_ne!(
            row_hash(GENESIS_HASH, 1, "t", Some("ab"), None, "w", "x", None, None, "ok", None),
            row_hash(GENESIS_HASH, 1, "t", Some("a"), None, "bw", "x", None, None, "ok", None)
        );
    }

    #[test]
    fn the_hash_definition_is_unchanged() {
        // Computed independently from the definition in the module docs; every stored
        // chain depends on these bytes staying the same.
        let h = row_hash(
            GENESIS_HASH,
            1,
            "2026-11-30T12:00:00.000000Z",
            Some("0193a1b2-actor"),
            None,
            "skranke-1",
            "journal_read",
            Some("0193a1b2-client"),
            None,
            "ok",
            Some("nødadgang"),
        );
        assert_eq!(h, "3a8ec07565b600644a9773764ad9374215e8fa382a7dfc1f81479cd50f747830");
    }

    /// A chain longer than several hashing batches, in a database with the table of the
    /// first migration but without its triggers (so rows can be tampered with).
    fn long_chain(n: i64) -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = crate::vault::open_connection(
            &dir.path().join("audit.db"),
            &crate::secret::MasterKey::generate(),
            crate::vault::OpenMode::Create,
        )
        .expect("db");
        conn.execute_batch(
            "CREATE TABLE audit_events (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT, via TEXT,
             workstation TEXT NOT NULL, action TEXT NOT NULL, client_id TEXT, object TEXT,
             outcome TEXT NOT NULL, reason TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL) STRICT;",
        )
        .expect("schema");
        let actor = StaffId::new();
        let t0 = chrono::DateTime::parse_from_rfc3339("2026-11-30T08:00:00Z").expect("time").to_utc();
        let tx = conn.unchecked_transaction().expect("tx");
        for i in 0..n {
            let ev = NewEvent {
                actor: Some(&actor),
                via: None,
                workstation: "skranke-1",
                action: "client_read",
                client: None,
                object: if i % 3 == 0 { Some("entry") } else { None },
                outcome: Outcome::Ok,
                reason: None,
            };
            append(&tx, t0 + chrono::Duration::seconds(i), &ev).expect("append");
        }
        tx.commit().expect("commit");
        (dir, conn)
    }

    #[test]
    fn verify_names_the_first_bad_event_across_batches() {
        let n = 3 * VERIFY_BATCH as i64 + 17;
        let (_dir, conn) = long_chain(n);
        let v = verify(&conn).expect("verify");
        assert!(v.intact, "{:?}", v.problem);
        assert_eq!(v.events, n);
        assert_eq!(verify_tail(&conn, 100).expect("tail").events, 100);

        // Content changed in the third batch, link broken later: the content is named.
        let content = 2 * VERIFY_BATCH as i64 + 5;
        conn.execute("UPDATE audit_events SET action = 'journal_read' WHERE seq = ?1", [content]).expect("edit");
        conn.execute("UPDATE audit_events SET prev_hash = ?1 WHERE seq = ?2", params![GENESIS_HASH, n - 3])
            .expect("relink");
        let v = verify(&conn).expect("verify");
        assert_eq!(v.first_bad_seq, Some(content));
        assert_eq!(v.problem.as_deref(), Some("its content does not match its hash"));
        assert_eq!(v.events, n);

        // A link broken before it: the link is named, though later content is bad too.
        let link = VERIFY_BATCH as i64 - 1;
        conn.execute("UPDATE audit_events SET prev_hash = ?1 WHERE seq = ?2", params![GENESIS_HASH, link])
            .expect("relink");
        let v = verify(&conn).expect("verify");
        assert_eq!(v.first_bad_seq, Some(link));
        assert_eq!(v.problem.as_deref(), Some("does not link to the event before it"));

        // A missing event before both.
        conn.execute("DELETE FROM audit_events WHERE seq = 10", []).expect("delete");
        let v = verify(&conn).expect("verify");
        assert_eq!(v.first_bad_seq, Some(11));
        assert_eq!(v.problem.as_deref(), Some("event 10 is missing (the next stored event is 11)"));
        assert_eq!(v.events, n - 1);
    }

    /// This crate's folder, asked of cargo when the test runs: a path compiled in would name the
    /// checkout that built the test, which a build cache shared between checkouts may reuse.
    fn crate_dir() -> std::path::PathBuf {
        std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR"))
    }
}
