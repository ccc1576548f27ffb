//! The cleanup run: which clients' retention periods have run out (with why), and
//! erasing the ones an administrator confirmed (with their password). The proposal is
//! read through the gate (it shows names, so it is on each client's record); the purge is
//! one transaction and one audit event carrying how many records of which kinds went.

use super::purge::{self, Keep, Removed};
use super::{due_from, facts_from, rules, Rule, FACTS_SQL};
use crate::clinic::JournalMode;
use crate::gate::GateCtx;
use crate::ids::ClientId;
use crate::{settings, Error, Result};
use chrono::NaiveDate;
use serde::Serialize;

/// A client whose record may go, and why.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Proposal {
    pub client_id: ClientId,
    pub name: String,
    /// The rule that held longest (the reason it may go now).
    pub rule: Rule,
    /// The first day it could go.
    pub due_since: NaiveDate,
    /// Issued invoices are kept (bookkeeping); the client stays as a row without personal data.
    pub invoices_kept: bool,
}

/// What a purge removed, all clients together.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PurgeSummary {
    pub clients: u32,
    /// (kind, count), e.g. ("entries", 12).
    pub removed: Vec<(String, u32)>,
}

/// Clients an erasure already emptied (kept only for their invoices) are not proposed again.
const NOT_ERASED: &str =
    "NOT EXISTS (SELECT 1 FROM erasures x WHERE x.client_id = c.id AND x.state = 'done' AND x.kept_rule IS NULL)";

/// The clients whose every period has run out by today.
pub(crate) fn propose(ctx: &mut GateCtx<'_>) -> Result<Vec<Proposal>> {
    let conn = ctx.conn();
    let today = super::today(conn, ctx.now())?;
    let rules = rules(conn)?;
    let notes = settings::journal_mode(conn)? == JournalMode::Notes;
    let mut stmt = conn.prepare(&format!("{FACTS_SQL} WHERE {NOT_ERASED} ORDER BY c.name COLLATE NOCASE"))?;
    let rows = stmt.query_map([], facts_from)?;
    let mut out = Vec::new();
    for row in rows {
        let (client_id, name, facts) = row?;
        let due = due_from(&facts, rules, notes);
        let (rule, day) = due.last();
        if day <= today {
            out.push(Proposal {
                client_id,
                name,
                rule: rule.clone(),
                due_since: day,
                invoices_kept: facts.last_invoice.is_some(),
            });
        }
    }
    drop(stmt);
    for p in &out {
        ctx.record_shown(p.client_id.clone());
    }
    settings::set_text(ctx.conn(), settings::CLEANUP_LAST_REVIEW, &crate::clock::to_db(ctx.now()))?;
    Ok(out)
}

/// Erases the confirmed clients (each must still be due today), in one transaction.
pub(crate) fn purge(ctx: &mut GateCtx<'_>, clients: &[ClientId]) -> Result<PurgeSummary> {
    if clients.is_empty() {
        return Err(Error::invalid("choose the clients to erase"));
    }
    if clients.len() > 10_000 {
        return Err(Error::invalid("at most 10,000 clients at a time"));
    }
    let conn = ctx.conn();
    let today = super::today(conn, ctx.now())?;
    let mut total = Removed::default();
    for client in clients {
        let due = super::due(conn, client)?;
        if due.last().1 > today {
            return Err(Error::Conflict("a chosen client's retention period has not run out".into()));
        }
        let removed = purge::erase(conn, client, "cleanup", Keep::Nothing, &ctx.actor().staff_id, ctx.now())?;
        total.merge(&removed);
        ctx.record_shown(client.clone());
    }
    purge::optimize_indexes(conn)?;
    ctx.record_object(format!("purge {}", total.text()));
    Ok(PurgeSummary {
        clients: clients.len() as u32,
        removed: total.0.iter().map(|(k, n)| ((*k).to_owned(), *n as u32)).collect(),
    })
}

/// How many clients the cleanup would propose now, and when an administrator last looked
/// (for the reminder on opening).
pub(crate) fn due_count(conn: &rusqlite::Connection, now: chrono::DateTime<chrono::Utc>) -> Result<usize> {
    let today = super::today(conn, now)?;
    let rules = rules(conn)?;
    let notes = settings::journal_mode(conn)? == JournalMode::Notes;
    let mut stmt = conn.prepare(&format!("{FACTS_SQL} WHERE {NOT_ERASED}"))?;
    let rows = stmt.query_map([], facts_from)?;
    let mut n = 0;
    for row in rows {
        let (_, _, facts) = row?;
        if due_from(&facts, rules, notes).last().1 <= today {
            n += 1;
        }
    }
    Ok(n)
}
