//! Erasing one client, inside the caller's transaction: the only path that removes signed
//! entries, a client's attachments and relatives' bindings (the triggers let these through
//! while this client's erasure row is 'running'). What went is counted and kept with the
//! erasure; names and text are not.
//!
//! After the transaction commits, [`scrub`] merges the full-text indexes (so a removed
//! word survives in no old index segment) and empties the write-ahead log into the
//! database (so no old page version stays in the log). With `secure_delete` on (set for
//! every connection), freed pages and cells are overwritten with zeros.

use crate::clock;
use crate::ids::{ClientId, StaffId};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection};

/// What to keep: everything goes; or the journal (with the client's identity and issued
/// invoices) stays under a rule until a day; or only what issued invoices need (the
/// client's name and address, as the buyer) stays under bookkeeping until a day.
pub(crate) enum Keep<'a> {
    Nothing,
    Journal { rule: &'a str, until: NaiveDate },
    Invoices { rule: &'a str, until: NaiveDate },
}

/// How many records of which kind went, in a fixed order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Removed(pub Vec<(&'static str, usize)>);

impl Removed {
    fn add(&mut self, kind: &'static str, n: usize) {
        match self.0.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, total)) => *total += n,
            None => self.0.push((kind, n)),
        }
    }
    pub fn merge(&mut self, other: &Removed) {
        for (k, n) in &other.0 {
            self.add(k, *n);
        }
    }
    /// `appointments=3,entries=2,…` (the kinds with a count above zero).
    pub fn text(&self) -> String {
        self.0.iter().filter(|(_, n)| *n > 0).map(|(k, n)| format!("{k}={n}")).collect::<Vec<_>>().join(",")
    }
}

/// Erases `client` (see [`Keep`]); records the erasure with `kind` ('cleanup' or
/// 'request'). Returns what went.
pub(crate) fn erase(
    conn: &Connection,
    client: &ClientId,
    kind: &str,
    keep: Keep<'_>,
    by: &StaffId,
    now: DateTime<Utc>,
) -> Result<Removed> {
    let exists: bool = conn.query_row("SELECT count(*) FROM clients WHERE id = ?1", [client], |r| r.get(0))?;
    if !exists {
        return Err(Error::NotFound);
    }
    let id = uuid::Uuid::now_v7().to_string();
    let (rule, until) = match &keep {
        Keep::Nothing => (None, None),
        Keep::Journal { rule, until } | Keep::Invoices { rule, until } => (Some(*rule), Some(until.to_string())),
    };
    conn.execute(
        "INSERT INTO erasures (id, client_id, kind, state, kept_rule, kept_until, decided_by, decided_at)
         VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7)",
        params![id, client, kind, rule, until, by, clock::to_db(now)],
    )?;
    let mut removed = Removed::default();
    let run = |removed: &mut Removed, kind: &'static str, sql: &str| -> Result<()> {
        removed.add(kind, conn.execute(sql, [client])?);
        Ok(())
    };
    // Outside the journal: always.
    run(&mut removed, "appointments", "DELETE FROM appointments WHERE client_id = ?1")?;
    run(&mut removed, "relatives", "DELETE FROM relative_bindings WHERE client_id = ?1")?;
    conn.execute(
        "DELETE FROM invoice_lines WHERE invoice_id IN (SELECT id FROM invoices WHERE client_id = ?1 AND status = 'draft')",
        [client],
    )?;
    run(&mut removed, "invoice_drafts", "DELETE FROM invoices WHERE client_id = ?1 AND status = 'draft'")?;
    run(&mut removed, "invoice_pins", "DELETE FROM client_invoice_pins WHERE client_id = ?1")?;
    // A relative bound to nobody any more can no longer sign in.
    conn.execute(
        "UPDATE staff SET active = 0 WHERE kind = 'relative' AND active = 1
           AND NOT EXISTS (SELECT 1 FROM relative_bindings b WHERE b.relative_id = staff.id)",
        [],
    )?;
    conn.execute(
        "UPDATE sessions SET ended_at = ?1, end_reason = 'binding_ended'
         WHERE ended_at IS NULL AND staff_id IN (SELECT id FROM staff WHERE kind = 'relative' AND active = 0)",
        [clock::to_db(now)],
    )?;
    let invoiced: bool = conn.query_row(
        "SELECT count(*) > 0 FROM invoices WHERE client_id = ?1 AND status = 'issued'",
        [client],
        |r| r.get(0),
    )?;
    match keep {
        Keep::Journal { .. } => {
            // The journal needs to know whose it is; contact details and notes go.
            let n = conn.execute(
                "UPDATE clients SET phone = '', email = '', address = '', reception_note = '', status = 'inactive',
                                    updated_at = ?2 WHERE id = ?1",
                params![client, clock::to_db(now)],
            )?;
            removed.add("contact_details", n);
        }
        Keep::Nothing | Keep::Invoices { .. } => {
            run(&mut removed, "consents", "DELETE FROM consents WHERE client_id = ?1")?;
            run(&mut removed, "attachments", "DELETE FROM attachments WHERE client_id = ?1")?;
            run(&mut removed, "index_rows", "DELETE FROM entries_fts WHERE client_id = ?1")?;
            run(&mut removed, "entries", "DELETE FROM entries WHERE client_id = ?1 AND addendum_to IS NOT NULL")?;
            run(&mut removed, "entries", "DELETE FROM entries WHERE client_id = ?1")?;
            run(&mut removed, "relations", "DELETE FROM relations WHERE client_id = ?1")?;
            if matches!(keep, Keep::Invoices { .. }) {
                // Bookkeeping still needs the buyer: the name and address stay, nothing else.
                let n = conn.execute(
                    "UPDATE clients SET phone = '', email = '', reception_note = '', national_id = NULL,
                                        birth_date = NULL, status = 'inactive', staff_access = 'none', updated_at = ?2
                     WHERE id = ?1",
                    params![client, clock::to_db(now)],
                )?;
                removed.add("contact_details", n);
            } else if invoiced {
                // Issued invoices are kept for bookkeeping and point to this row: it stays,
                // without anything that names or reaches the person.
                conn.execute(
                    "UPDATE clients SET name = '—', phone = '', email = '', address = '', reception_note = '',
                                        national_id = NULL, birth_date = NULL, status = 'inactive', staff_access = 'none',
                                        updated_at = ?2 WHERE id = ?1",
                    params![client, clock::to_db(now)],
                )?;
                removed.add("clients", 1);
            } else {
                run(&mut removed, "clients", "DELETE FROM clients WHERE id = ?1")?;
            }
        }
    }
    conn.execute("UPDATE erasures SET state = 'done', removed = ?2 WHERE id = ?1", params![id, removed.text()])?;
    Ok(removed)
}

/// Merges the full-text indexes so removed words leave every index segment (inside the
/// erasing transaction).
pub(crate) fn optimize_indexes(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "INSERT INTO entries_fts (entries_fts) VALUES ('optimize');
         INSERT INTO clients_fts (clients_fts) VALUES ('optimize');",
    )?;
    Ok(())
}

/// After the erasing transaction: the write-ahead log is copied into the database and
/// truncated, so no old version of an erased page stays in it. Returns `false` when a
/// reader (today's backup, copying beside the window) kept it from finishing: the erasure
/// has happened all the same, and the log is emptied when that reader ends (the next
/// checkpoint, at the latest when Klinik closes) — it then holds those pages as the backup
/// itself does until it is rotated out.
pub(crate) fn scrub(conn: &Connection) -> Result<bool> {
    for _ in 0..20 {
        let (busy, _, _): (i64, i64, i64) =
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        if busy == 0 {
            return Ok(true);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Ok(false)
}
