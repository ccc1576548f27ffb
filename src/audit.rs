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

use crate::clock;
use crate::ids::{ClientId, StaffId};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    Denied,
    Failed,
}

impl Outcome {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "ok" => Ok(Outcome::Ok),
            "denied" => Ok(Outcome::Denied),
            "failed" => Ok(Outcome::Failed),
            _ => Err(Error::invalid("outcome must be ok, denied or failed")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
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

fn put(buf: &mut Vec<u8>, field: Option<&str>) {
    match field {
        None => buf.push(0),
        Some(s) => {
            buf.push(1);
            buf.extend_from_slice(&(s.len() as u32).to_be_bytes());
            buf.extend_from_slice(s.as_bytes());
        }
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
    let mut buf = Vec::with_capacity(256);
    buf.extend_from_slice(b"klinik audit v1");
    put(&mut buf, Some(prev_hash));
    buf.extend_from_slice(&seq.to_be_bytes());
    for f in [Some(at), actor, via, Some(workstation), Some(action), client_id, object, Some(outcome), reason] {
        put(&mut buf, f);
    }
    hex::encode(Sha256::digest(&buf))
}

impl StoredEvent {
    fn expected_hash(&self) -> String {
        row_hash(
            &self.prev_hash,
            self.seq,
            &self.at,
            self.actor.as_deref(),
            self.via.as_deref(),
            &self.workstation,
            &self.action,
            self.client_id.as_deref(),
            self.object.as_deref(),
            &self.outcome,
            self.reason.as_deref(),
        )
    }
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

/// The result of recomputing the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    pub intact: bool,
    pub events: i64,
    pub first_bad_seq: Option<i64>,
    pub problem: Option<String>,
    pub head_seq: i64,
    pub head_hash: String,
}

/// Recomputes every hash from the first event; names the first row that does not fit.
pub fn verify(conn: &Connection) -> Result<Verification> {
    verify_from(conn, 1)
}

/// Verifies only the newest `n` events (linked to the stored hash of the one before):
/// the quick check after a crash, when the last writes are the ones at risk.
pub fn verify_tail(conn: &Connection, n: i64) -> Result<Verification> {
    let (head_seq, _) = head(conn)?;
    verify_from(conn, (head_seq - n + 1).max(1))
}

fn verify_from(conn: &Connection, first: i64) -> Result<Verification> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, via, workstation, action, client_id, object, outcome, reason, prev_hash, hash
         FROM audit_events WHERE seq >= ?1 ORDER BY seq",
    )?;
    let mut rows = stmt.query([first])?;
    let mut expected_seq = first;
    let mut prev = if first <= 1 {
        GENESIS_HASH.to_owned()
    } else {
        conn.query_row("SELECT hash FROM audit_events WHERE seq = ?1", [first - 1], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::Corrupted(format!("audit event {} is missing", first - 1)))?
    };
    let mut count = 0i64;
    let mut bad: Option<(i64, String)> = None;
    while let Some(r) = rows.next()? {
        let ev = StoredEvent {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            via: r.get(3)?,
            workstation: r.get(4)?,
            action: r.get(5)?,
            client_id: r.get(6)?,
            object: r.get(7)?,
            outcome: r.get(8)?,
            reason: r.get(9)?,
            prev_hash: r.get(10)?,
            hash: r.get(11)?,
        };
        count += 1;
        if bad.is_none() {
            if ev.seq != expected_seq {
                bad = Some((ev.seq, format!("event {expected_seq} is missing (the next stored event is {})", ev.seq)));
            } else if ev.prev_hash != prev {
                bad = Some((ev.seq, "does not link to the event before it".into()));
            } else if ev.expected_hash() != ev.hash {
                bad = Some((ev.seq, "its content does not match its hash".into()));
            }
        }
        prev = ev.hash;
        expected_seq = ev.seq + 1;
    }
    let (head_seq, head_hash) = head(conn)?;
    Ok(Verification {
        intact: bad.is_none(),
        events: count,
        first_bad_seq: bad.as_ref().map(|b| b.0),
        problem: bad.map(|b| b.1),
        head_seq,
        head_hash,
    })
}

/// One line of the audit viewer, with names resolved for display.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    pub seq: i64,
    pub at: String,
    pub actor_name: Option<String>,
    pub via: Option<String>,
    pub workstation: String,
    pub action: String,
    pub client_id: Option<String>,
    pub client_name: Option<String>,
    pub outcome: String,
    /// What inside the client's data or the clinic was touched (an entry id, a setting).
    pub object: Option<String>,
    /// Why: a stated reason (emergency access) or why it was refused or failed.
    pub reason: Option<String>,
}

/// What the viewer narrows the trail to. Every field is optional; all given ones apply.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor: Option<StaffId>,
    pub client: Option<ClientId>,
    pub action: Option<String>,
    pub outcome: Option<Outcome>,
    /// Inclusive lower bound on the event time.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound on the event time.
    pub to: Option<DateTime<Utc>>,
}

impl Filter {
    pub fn for_client(client: ClientId) -> Self {
        Self { client: Some(client), ..Self::default() }
    }
}

pub const MAX_PAGE: u32 = 500;

/// Newest first, at most `limit` events older than `before_seq` that match `filter`
/// (keyset pagination: the cost does not grow with how far back the person pages).
pub(crate) fn page(conn: &Connection, filter: &Filter, before_seq: Option<i64>, limit: u32) -> Result<Vec<EventView>> {
    if limit == 0 || limit > MAX_PAGE {
        return Err(Error::invalid(format!("page size must be between 1 and {MAX_PAGE}")));
    }
    select(conn, filter, before_seq, Some(limit))
}

/// Every matching event, oldest first (exports and reports).
pub(crate) fn all(conn: &Connection, filter: &Filter) -> Result<Vec<EventView>> {
    let mut v = select(conn, filter, None, None)?;
    v.reverse();
    Ok(v)
}

/// How an event points to the relation that holds its stated reason (emergency access):
/// the event's `object` is this prefix and the relation's id. The reason itself stays in
/// the encrypted relations table and is never part of the hashed event.
pub const RELATION_REF: &str = "relation ";

fn select(conn: &Connection, filter: &Filter, before_seq: Option<i64>, limit: Option<u32>) -> Result<Vec<EventView>> {
    use rusqlite::types::Value;
    // Built from fixed fragments only; every value is a bound parameter. Each filter
    // becomes an equality on an indexed column so SQLite can seek instead of scan.
    let mut sql = String::from(
        "SELECT a.seq, a.at, s.name, v.name, a.workstation, a.action, a.client_id, c.name, a.outcome, a.object,
                CASE WHEN a.reason IS NULL AND a.object LIKE 'relation %'
                     THEN (SELECT r.reason FROM relations r WHERE r.id = substr(a.object, 10)) ELSE a.reason END
         FROM audit_events a
         LEFT JOIN staff s ON s.id = a.actor
         LEFT JOIN staff v ON v.id = a.via
         LEFT JOIN clients c ON c.id = a.client_id
         WHERE 1 = 1",
    );
    let mut args: Vec<Value> = Vec::new();
    let mut add = |clause: &str, v: Value| {
        args.push(v);
        sql.push_str(&format!(" AND {clause} ?{}", args.len()));
    };
    if let Some(b) = before_seq {
        add("a.seq <", Value::Integer(b));
    }
    if let Some(a) = &filter.actor {
        add("a.actor =", Value::Text(a.as_str().to_owned()));
    }
    if let Some(c) = &filter.client {
        add("a.client_id =", Value::Text(c.as_str().to_owned()));
    }
    if let Some(a) = &filter.action {
        add("a.action =", Value::Text(a.clone()));
    }
    if let Some(o) = filter.outcome {
        add("a.outcome =", Value::Text(o.as_str().to_owned()));
    }
    if let Some(f) = filter.from {
        add("a.at >=", Value::Text(clock::to_db(f)));
    }
    if let Some(t) = filter.to {
        add("a.at <", Value::Text(clock::to_db(t)));
    }
    sql.push_str(" ORDER BY a.seq DESC");
    if let Some(l) = limit {
        sql.push_str(&format!(" LIMIT {l}"));
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
        Ok(EventView {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor_name: r.get(2)?,
            via: r.get(3)?,
            workstation: r.get(4)?,
            action: r.get(5)?,
            client_id: r.get(6)?,
            client_name: r.get(7)?,
            outcome: r.get(8)?,
            object: r.get(9)?,
            reason: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// RFC 4180 CSV of events, one row each. Cells that a spreadsheet would run as a
/// formula are prefixed with a quote, so an exported name can never execute.
pub fn to_csv(events: &[EventView]) -> String {
    fn cell(out: &mut String, v: &str) {
        let guarded;
        let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            guarded = format!("'{v}");
            guarded.as_str()
        } else {
            v
        };
        if v.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&v.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(v);
        }
    }
    let mut out =
        String::from("seq,time_utc,actor,via,workstation,action,client_id,client_name,outcome,object,reason\r\n");
    for e in events {
        let cells = [
            e.seq.to_string(),
            e.at.clone(),
            e.actor_name.clone().unwrap_or_default(),
            e.via.clone().unwrap_or_default(),
            e.workstation.clone(),
            e.action.clone(),
            e.client_id.clone().unwrap_or_default(),
            e.client_name.clone().unwrap_or_default(),
            e.outcome.clone(),
            e.object.clone().unwrap_or_default(),
            e.reason.clone().unwrap_or_default(),
        ];
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            cell(&mut out, c);
        }
        out.push_str("\r\n");
    }
    out
}

/// One FHIR R4 Bundle (type `collection`) of AuditEvent resources.
pub fn to_fhir(events: &[EventView], now: DateTime<Utc>) -> serde_json::Value {
    use serde_json::json;
    let entries: Vec<serde_json::Value> = events
        .iter()
        .map(|e| {
            // R4 AuditEvent.action: C create, R read, U update, D delete, E execute.
            let action = match e.action.as_str() {
                a if a.ends_with("_create") || a == "clinic_created" => "C",
                a if a.ends_with("_update") || a.ends_with("_mark") => "U",
                a if a.ends_with("_read") || a.ends_with("_list") || a.ends_with("_log") => "R",
                _ => "E",
            };
            // R4 AuditEvent.outcome: 0 success, 4 minor failure, 8 serious failure.
            let outcome = match e.outcome.as_str() {
                "ok" => "0",
                "denied" => "4",
                _ => "8",
            };
            let mut agent = json!({ "requestor": true });
            if let Some(name) = &e.actor_name {
                agent["who"] = json!({ "display": name });
            } else {
                agent["who"] = json!({ "display": "system" });
            }
            let mut resource = json!({
                "resourceType": "AuditEvent",
                "id": format!("klinik-audit-{}", e.seq),
                "type": {
                    "system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
                    "code": "rest",
                    "display": "RESTful Operation"
                },
                "subtype": [{ "system": "urn:klinik:audit-action", "code": e.action }],
                "action": action,
                "recorded": e.at,
                "outcome": outcome,
                "agent": [agent],
                "source": { "site": e.workstation, "observer": { "display": "Klinik" } }
            });
            if let Some(c) = &e.client_id {
                resource["entity"] =
                    json!([{ "what": { "identifier": { "system": "urn:klinik:client", "value": c } } }]);
            }
            json!({ "resource": resource })
        })
        .collect();
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": clock::to_db(now),
        "entry": entries
    })
}

/// Chain heads appended, one JSON line each, to a file outside the data directory. The
/// app writes one on every verification and checks the chain against the newest, so a
/// cut or rewritten chain shows even to someone who never ran the CLI.
#[derive(Debug, Clone)]
pub struct AnchorLog {
    path: std::path::PathBuf,
}

impl AnchorLog {
    /// `$XDG_STATE_HOME/klinik/anchors/<clinic>.jsonl` (default `~/.local/state/...`).
    pub fn default_for(clinic_id: &str) -> Option<Self> {
        let base = std::env::var_os("XDG_STATE_HOME")
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/state")))?;
        Some(Self { path: base.join("klinik/anchors").join(format!("{clinic_id}.jsonl")) })
    }

    pub fn at(path: impl Into<std::path::PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The newest anchor, if any was written.
    pub fn latest(&self) -> Result<Option<Anchor>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(text.lines().rev().find_map(|l| serde_json::from_str::<Anchor>(l).ok()))
    }

    pub fn append(&self, anchor: &Anchor) -> Result<()> {
        use std::io::Write;
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let line = serde_json::to_string(anchor).map_err(|e| Error::Internal(e.to_string()))?;
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&self.path)?;
        writeln!(f, "{line}")?;
        f.sync_all()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

/// The chain head written outside the database: whoever holds the key could rewrite or
/// cut the whole chain consistently, but not the copies of its head kept elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Anchor {
    pub clinic_id: String,
    pub seq: i64,
    pub hash: String,
    pub written_at: String,
}

impl Anchor {
    pub fn of(conn: &Connection, clinic_id: &str, now: DateTime<Utc>) -> Result<Self> {
        let (seq, hash) = head(conn)?;
        Ok(Self { clinic_id: clinic_id.to_owned(), seq, hash, written_at: clock::to_db(now) })
    }

    /// Checks the chain against this anchor: the anchored event must still be there with
    /// the same hash. Catches a truncated tail and a rewritten chain that verify alone
    /// cannot.
    pub fn check(&self, conn: &Connection, clinic_id: &str) -> Result<Option<(i64, String)>> {
        if self.clinic_id != clinic_id {
            return Err(Error::invalid("the anchor belongs to another clinic"));
        }
        let (head_seq, _) = head(conn)?;
        if head_seq < self.seq {
            return Ok(Some((
                head_seq + 1,
                format!("the chain ends at seq {head_seq}, but the anchor of {} saw seq {}", self.written_at, self.seq),
            )));
        }
        let hash: Option<String> =
            conn.query_row("SELECT hash FROM audit_events WHERE seq = ?1", [self.seq], |r| r.get(0)).optional()?;
        if hash.as_deref() != Some(self.hash.as_str()) {
            return Ok(Some((
                self.seq,
                format!("event {} differs from the anchor of {}: the chain was rewritten", self.seq, self.written_at),
            )));
        }
        Ok(None)
    }
}
