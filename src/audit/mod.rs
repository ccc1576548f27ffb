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
pub mod review;

use crate::clock;
use crate::ids::{ClientId, StaffId};
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
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

/// A text column of the row being verified, borrowed from SQLite (no copy); `None` for NULL.
fn text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> Result<Option<&'r [u8]>> {
    match r.get_ref(i)? {
        ValueRef::Null => Ok(None),
        ValueRef::Text(t) => Ok(Some(t)),
        _ => Err(Error::Corrupted(format!("audit column {i} holds a value that is not text"))),
    }
}

/// A NOT NULL text column of the row being verified.
fn required<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r [u8]> {
    text(r, i)?.ok_or_else(|| Error::Corrupted(format!("audit column {i} is NULL")))
}

/// Events handed from the reading thread to the hashing thread at a time.
const VERIFY_BATCH: usize = 4096;

/// Events waiting to be hashed: each one's canonical encoding followed by its stored hash.
struct Batch {
    bytes: Vec<u8>,
    /// Per event: its seq, where its encoding ends and where its stored hash ends.
    events: Vec<(i64, usize, usize)>,
}

impl Batch {
    fn new() -> Self {
        Self { bytes: Vec::with_capacity(VERIFY_BATCH * 400), events: Vec::with_capacity(VERIFY_BATCH) }
    }
}

/// The first event in `batches` whose stored hash is not the SHA-256 of its encoding.
fn first_mismatch(batches: std::sync::mpsc::Receiver<Batch>, used: std::sync::mpsc::Sender<Batch>) -> Option<i64> {
    let mut computed = [0u8; 64];
    for mut batch in batches {
        let mut start = 0;
        for &(seq, encoding_end, hash_end) in &batch.events {
            let digest = Sha256::digest(&batch.bytes[start..encoding_end]);
            let stored = &batch.bytes[encoding_end..hash_end];
            if hex::encode_to_slice(digest, &mut computed).is_err() || stored != computed.as_slice() {
                return Some(seq);
            }
            start = hash_end;
        }
        batch.bytes.clear();
        batch.events.clear();
        // The reader may have finished already; then the buffer is simply freed.
        let _ = used.send(batch);
    }
    None
}

/// Verification reads every event of the clinic (ten million in a large one), so it is
/// built for throughput. Columns are borrowed from SQLite's buffers, never copied into
/// strings; the seq and link checks run on the reading thread, while the hashing runs
/// on a second thread, fed with batches of canonical encodings through reused buffers.
/// The bytes hashed are exactly those of [`row_hash`], through the same [`encode`].
fn verify_from(conn: &Connection, first: i64) -> Result<Verification> {
    let (count, bad) = verify_range(conn, first, i64::MAX)?;
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

/// Below this many events one reader is fast enough (and a second connection costs more
/// than it saves).
const PARALLEL_FROM: i64 = 100_000;

/// [`verify`], with the chain split in two halves read by two connections at once: on a
/// large clinic the reading (SQLCipher decrypting every page, SQLite decoding every row)
/// is the slow part, and one connection can only be read by one thread. `second` must
/// be another connection to the same database, with nothing written meanwhile. The two
/// halves meet at event `mid`: the first half checks its content, the second that event
/// `mid + 1` links to it. The result is the same as [`verify`]'s.
pub fn verify_in_halves(conn: &Connection, second: Connection) -> Result<Verification> {
    verify_split(conn, second, PARALLEL_FROM)
}

fn verify_split(conn: &Connection, second: Connection, parallel_from: i64) -> Result<Verification> {
    let (head_seq, head_hash) = head(conn)?;
    if head_seq < parallel_from {
        return verify(conn);
    }
    let mid = head_seq / 2;
    let (first, later) = std::thread::scope(|scope| {
        let later = scope.spawn(move || verify_range(&second, mid + 1, i64::MAX));
        let first = verify_range(conn, 1, mid);
        (first, later.join())
    });
    let (first_count, first_bad) = first?;
    let Ok(Ok((later_count, later_bad))) = later else {
        // The second half could not even start (its first link is missing): the plain
        // walk names what is wrong.
        return verify(conn);
    };
    let bad = first_bad.or(later_bad);
    Ok(Verification {
        intact: bad.is_none(),
        events: first_count + later_count,
        first_bad_seq: bad.as_ref().map(|b| b.0),
        problem: bad.map(|b| b.1),
        head_seq,
        head_hash,
    })
}

/// Verifies events `first..=last` (linked to the stored hash of the one before `first`):
/// how many were read, and the first bad one with what is wrong.
fn verify_range(conn: &Connection, first: i64, last: i64) -> Result<(i64, Option<(i64, String)>)> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, via, workstation, action, client_id, object, outcome, reason, prev_hash, hash
         FROM audit_events WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq",
    )?;
    let mut rows = stmt.query([first, last])?;
    let mut expected_seq = first;
    // The stored hash of the event before: the link the next event must carry.
    let mut prev: Vec<u8> = if first <= 1 {
        GENESIS_HASH.as_bytes().to_vec()
    } else {
        conn.query_row("SELECT hash FROM audit_events WHERE seq = ?1", [first - 1], |r| r.get::<_, String>(0))
            .optional()?
            .ok_or_else(|| Error::Corrupted(format!("audit event {} is missing", first - 1)))?
            .into_bytes()
    };
    let mut count = 0i64;
    // The first event that is missing or does not link (found here, in order).
    let mut broken_link: Option<(i64, String)> = None;
    let first_bad_content = std::thread::scope(|scope| -> Result<Option<i64>> {
        let (full, to_hash) = std::sync::mpsc::sync_channel::<Batch>(2);
        let (used, reusable) = std::sync::mpsc::channel::<Batch>();
        let hasher = scope.spawn(move || first_mismatch(to_hash, used));
        let mut full = Some(full);
        let mut batch = Batch::new();
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let hash = required(r, 11)?;
            count += 1;
            if broken_link.is_none() {
                let prev_hash = required(r, 10)?;
                if seq != expected_seq {
                    broken_link =
                        Some((seq, format!("event {expected_seq} is missing (the next stored event is {seq})")));
                } else if prev_hash != prev.as_slice() {
                    broken_link = Some((seq, "does not link to the event before it".into()));
                } else if let Some(tx) = &full {
                    let fields = [
                        Some(required(r, 1)?),
                        text(r, 2)?,
                        text(r, 3)?,
                        Some(required(r, 4)?),
                        Some(required(r, 5)?),
                        text(r, 6)?,
                        text(r, 7)?,
                        Some(required(r, 8)?),
                        text(r, 9)?,
                    ];
                    encode(&mut batch.bytes, prev_hash, seq, fields);
                    let encoding_end = batch.bytes.len();
                    batch.bytes.extend_from_slice(hash);
                    batch.events.push((seq, encoding_end, batch.bytes.len()));
                    if batch.events.len() == VERIFY_BATCH {
                        let next = reusable.try_recv().unwrap_or_else(|_| Batch::new());
                        // A send fails only when the hasher has stopped at a mismatch.
                        if tx.send(std::mem::replace(&mut batch, next)).is_err() {
                            full = None;
                        }
                    }
                }
            }
            prev.clear();
            prev.extend_from_slice(hash);
            expected_seq = seq + 1;
        }
        if let Some(tx) = full.take() {
            if !batch.events.is_empty() {
                let _ = tx.send(batch);
            }
        }
        hasher.join().map_err(|_| Error::Internal("the audit hashing thread failed".into()))
    })?;
    // Events after a broken link are not hashed, so a content mismatch found by the
    // hasher always lies before it: whichever comes first is the first bad event.
    let bad = match (broken_link, first_bad_content) {
        (Some(link), Some(seq)) if seq < link.0 => Some((seq, "its content does not match its hash".to_owned())),
        (Some(link), _) => Some(link),
        (None, Some(seq)) => Some((seq, "its content does not match its hash".to_owned())),
        (None, None) => None,
    };
    Ok((count, bad))
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
