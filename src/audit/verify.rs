//! Verifying the chain: recompute every hash, name the first bad event; built for
//! throughput on ten million events.

use super::*;
use rusqlite::types::ValueRef;

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
pub(super) const VERIFY_BATCH: usize = 4096;

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

pub(super) fn verify_split(conn: &Connection, second: Connection, parallel_from: i64) -> Result<Verification> {
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
