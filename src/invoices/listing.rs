//! Reading invoices: one with its lines and payments, and the lists (all, drafts,
//! outstanding) with each client decided by the policy.

use super::issuing::today;
use super::*;
use crate::calendar::services::Vat;
use crate::gate::GateCtx;
use crate::ids::ClientId;
use crate::policy::{Action, Level};
use crate::relations::RelationState;
use crate::{Error, Result};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

impl Line {
    pub(super) fn input(&self) -> LineInput {
        LineInput {
            appointment_id: self.appointment_id.clone(),
            description: self.description.clone(),
            treatment_on: self.treatment_on.clone(),
            quantity: self.quantity,
            unit_minor: self.unit_minor,
            discount_pct: self.discount_pct,
            vat: self.vat,
        }
    }
}

pub(super) fn read_lines(conn: &Connection, id: &InvoiceId) -> Result<Vec<Line>> {
    let mut stmt = conn.prepare_cached(
        "SELECT position, appointment_id, description, treatment_on, quantity, unit_minor, discount_pct, vat,
                amount_minor, vat_minor
         FROM invoice_lines WHERE invoice_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(Line {
            position: r.get(0)?,
            appointment_id: r.get(1)?,
            description: r.get(2)?,
            treatment_on: r.get(3)?,
            quantity: r.get(4)?,
            unit_minor: r.get(5)?,
            discount_pct: r.get(6)?,
            vat: if r.get::<_, String>(7)? == "standard" { Vat::Standard } else { Vat::Exempt },
            amount_minor: r.get(8)?,
            vat_minor: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn days_between(from: &str, to: NaiveDate) -> i64 {
    NaiveDate::parse_from_str(from, "%Y-%m-%d").map(|d| (to - d).num_days()).unwrap_or(0)
}

/// One invoice with its lines and payments (the gate already decided on its client).
pub(crate) fn read(ctx: &GateCtx<'_>, id: &InvoiceId) -> Result<Invoice> {
    read_on(ctx.conn(), id, today(ctx)?)
}

pub(super) fn read_on(conn: &Connection, id: &InvoiceId, today: NaiveDate) -> Result<Invoice> {
    let mut inv = conn
        .query_row(
            "SELECT i.id, i.number, i.kind, i.status, (SELECT number FROM invoices o WHERE o.id = i.credits),
                    (SELECT number FROM invoices c WHERE c.credits = i.id), i.client_id, c.name, c.birth_date,
                    c.address, i.payer_kind, i.payer_name, i.payer_address, i.payer_reference, i.language, i.issued_on, i.due_on
             FROM invoices i JOIN clients c ON c.id = i.client_id WHERE i.id = ?1",
            [id],
            |r| {
                Ok(Invoice {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    kind: if r.get::<_, String>(2)? == "credit_note" { Kind::CreditNote } else { Kind::Invoice },
                    issued: r.get::<_, String>(3)? == "issued",
                    credits_number: r.get(4)?,
                    credited_by: r.get(5)?,
                    client_id: r.get(6)?,
                    client_name: r.get(7)?,
                    client_birth_date: r.get(8)?,
                    client_address: r.get(9)?,
                    payer: Payer {
                        third_party: r.get::<_, String>(10)? == "third_party",
                        name: r.get(11)?,
                        address: r.get(12)?,
                        reference: r.get(13)?,
                    },
                    language: r.get(14)?,
                    issued_on: r.get(15)?,
                    due_on: r.get(16)?,
                    lines: Vec::new(),
                    totals: Totals::default(),
                    payments: Vec::new(),
                    paid_minor: 0,
                    outstanding_minor: 0,
                    days_overdue: 0,
                })
            },
        )
        .optional()?
        .ok_or(Error::NotFound)?;
    inv.lines = read_lines(conn, id)?;
    inv.totals = money::totals(inv.lines.iter().map(|l| (l.amount_minor, l.vat_minor, l.vat)));
    let mut stmt = conn
        .prepare_cached("SELECT amount_minor, method, paid_on FROM payments WHERE invoice_id = ?1 ORDER BY paid_on")?;
    inv.payments = stmt
        .query_map([id], |r| {
            let method: String = r.get(1)?;
            Ok(Payment { amount_minor: r.get(0)?, method: method.parse().unwrap_or(Method::Cash), paid_on: r.get(2)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    inv.paid_minor = inv.payments.iter().map(|p| p.amount_minor).sum();
    if inv.issued && inv.kind == Kind::Invoice && inv.credited_by.is_none() {
        inv.outstanding_minor = (inv.totals.total_minor - inv.paid_minor).max(0);
        if inv.outstanding_minor > 0 {
            inv.days_overdue = inv.due_on.as_deref().map(|d| days_between(d, today)).unwrap_or(0).max(0);
        }
    }
    Ok(inv)
}

/// The list's query for `show` (?1: one client, or NULL for all); `klinik bench` prints
/// its plan.
pub fn list_sql(show: Show) -> String {
    // The outstanding list starts from invoices_open (kept by triggers) in due-date order;
    // the others from the newest invoices.
    let (from, filter, order) = match show {
        Show::Outstanding => {
            ("invoices_open o JOIN invoices i ON i.id = o.invoice_id", "1", "o.due_on ASC, i.number ASC")
        }
        Show::Drafts => ("invoices i", "i.status = 'draft'", "i.created_at DESC"),
        Show::All => ("invoices i", "1", "i.created_at DESC"),
    };
    format!(
        "SELECT i.id, i.number, i.kind, i.status, i.client_id, c.name, i.payer_name, i.issued_on, i.due_on,
                coalesce(i.total_minor, (SELECT coalesce(sum(amount_minor), 0) FROM invoice_lines l WHERE l.invoice_id = i.id)),
                (SELECT coalesce(sum(amount_minor), 0) FROM payments p WHERE p.invoice_id = i.id),
                EXISTS (SELECT 1 FROM invoices x WHERE x.credits = i.id), c.staff_access
         FROM {from} JOIN clients c ON c.id = i.client_id
         WHERE {filter} AND (?1 IS NULL OR i.client_id = ?1)
         ORDER BY {order} LIMIT {MAX_LIST}"
    )
}

/// The invoices the person may see (each client decided once by the policy), newest
/// first: all, drafts, or those with something outstanding (most overdue first).
pub(crate) fn list(ctx: &mut GateCtx<'_>, show: Show, client: Option<&ClientId>) -> Result<Vec<Summary>> {
    let today = today(ctx)?;
    let sql = list_sql(show);
    let relations = crate::relations::states_of(ctx.conn(), &ctx.actor().staff_id, ctx.now())?;
    let mut decided: HashMap<ClientId, bool> = HashMap::new();
    let mut out = Vec::new();
    let mut stmt = ctx.conn().prepare(&sql)?;
    let rows = stmt.query_map([client], |r| {
        Ok((
            r.get::<_, InvoiceId>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, ClientId>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, Option<String>>(8)?,
            r.get::<_, i64>(9)?,
            r.get::<_, i64>(10)?,
            r.get::<_, bool>(11)?,
            r.get::<_, String>(12)?,
        ))
    })?;
    for row in rows {
        let (
            id,
            number,
            kind,
            status,
            client_id,
            client_name,
            payer_name,
            issued_on,
            due_on,
            total,
            paid,
            credited,
            access,
        ) = row?;
        let visible = *decided.entry(client_id.clone()).or_insert_with(|| {
            let relation = relations.get(&client_id).copied().unwrap_or(RelationState::None);
            ctx.allows_given(Action::InvoiceRead, relation, Level::parse(&access))
        });
        if !visible {
            continue;
        }
        let kind = if kind == "credit_note" { Kind::CreditNote } else { Kind::Invoice };
        let issued = status == "issued";
        let outstanding = if issued && kind == Kind::Invoice && !credited { (total - paid).max(0) } else { 0 };
        let days_overdue =
            if outstanding > 0 { due_on.as_deref().map(|d| days_between(d, today)).unwrap_or(0).max(0) } else { 0 };
        out.push(Summary {
            id,
            number,
            kind,
            issued,
            client_id,
            client_name,
            payer_name,
            issued_on,
            due_on,
            total_minor: total,
            outstanding_minor: outstanding,
            days_overdue,
            credited,
        });
    }
    for s in &out {
        ctx.record_shown(s.client_id.clone());
    }
    ctx.record_object(format!("invoice list ({} invoices)", out.len()));
    Ok(out)
}
