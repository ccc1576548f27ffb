//! The clients a view showed (a calendar week), kept beside its one audit event: the event
//! names how many and carries a fingerprint of the list; the list itself is one full-text
//! document in `audit_seen` (rowid = the event's seq; ids without hyphens, one token each),
//! which each client's access log searches. A virtual table takes no triggers, so the
//! fingerprint in the hashed event is what makes a changed or removed list show:
//! [`check`] compares every list with its event (`klinik doctor`).

use crate::ids::ClientId;
use crate::Result;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// What the event's object says after the operation's own words.
const MARK: &str = " clients shown #";

/// The first 16 hex digits of SHA-256 over the ids in order, each followed by a newline.
fn fingerprint<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let mut h = Sha256::new();
    for id in ids {
        h.update(id.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())[..16].to_owned()
}

/// The event's object for a view that showed `shown`: its own words, the count and the
/// fingerprint.
pub(crate) fn object(what: Option<String>, shown: &BTreeSet<ClientId>) -> String {
    let digest = fingerprint(shown.iter().map(ClientId::as_str));
    format!("{} · {}{MARK}{digest}", what.unwrap_or_default(), shown.len())
}

/// Stores the list beside the event `seq` (in the operation's transaction).
pub(crate) fn store(conn: &Connection, seq: i64, shown: &BTreeSet<ClientId>) -> Result<()> {
    let ids: Vec<String> = shown.iter().map(|c| c.as_str().replace('-', "")).collect();
    conn.prepare_cached("INSERT INTO audit_seen (rowid, clients) VALUES (?1, ?2)")?
        .execute(params![seq, ids.join(" ")])?;
    Ok(())
}

/// The seqs of events whose list is missing or does not match their count and fingerprint.
pub fn check(conn: &Connection) -> Result<Vec<i64>> {
    let mut bad = Vec::new();
    let mut events =
        conn.prepare("SELECT seq, object FROM audit_events WHERE object LIKE '%' || ?1 || '%' ORDER BY seq")?;
    let rows = events.query_map([MARK], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut doc = conn.prepare_cached("SELECT clients FROM audit_seen WHERE rowid = ?1")?;
    for row in rows {
        let (seq, object) = row?;
        let Some((head, digest)) = object.rsplit_once(MARK) else { continue };
        let count: Option<usize> = head.rsplit(' ').next().and_then(|n| n.parse().ok());
        let text: Option<String> = doc.query_row([seq], |r| r.get(0)).optional()?;
        // Ids were stored without hyphens; the fingerprint was taken over the usual form.
        let ids: Vec<String> = text
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(|t| {
                if t.len() == 32 {
                    format!("{}-{}-{}-{}-{}", &t[..8], &t[8..12], &t[12..16], &t[16..20], &t[20..])
                } else {
                    t.to_owned()
                }
            })
            .collect();
        let mut sorted = ids.clone();
        sorted.sort();
        let matches = text.is_some()
            && count == Some(ids.len())
            && fingerprint(sorted.iter().map(String::as_str)) == digest.trim();
        if !matches {
            bad.push(seq);
        }
    }
    Ok(bad)
}
