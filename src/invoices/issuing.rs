//! Issuing: the next number in the issuing transaction, the totals fixed, the due date;
//! credit notes; payments; the client's invoice PIN and the (protected) PDF.

use super::drafts::{draft_client, write_lines};
use super::listing::read_lines;
use super::*;
use crate::clock;
use crate::gate::GateCtx;
use crate::ids::ClientId;
use crate::{Error, Result};
use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};

pub(super) fn today(ctx: &GateCtx<'_>) -> Result<NaiveDate> {
    let tz = crate::calendar::zone::clinic_zone(ctx.conn())?;
    Ok(crate::calendar::zone::to_local(tz, ctx.now()).date())
}

pub(super) fn next_number(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT coalesce(max(number), 0) + 1 FROM invoices", [], |r| r.get(0))?)
}

/// What issuing gave: the invoice, and the client's PIN when it was made just now (to be
/// handed over; it is not shown again without an audited re-issue).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Issued {
    pub invoice: Invoice,
    pub new_pin: Option<String>,
}

/// Issues a draft: the next number, today's date, the due date, the totals, fixed.
pub(crate) fn issue(ctx: &mut GateCtx<'_>, id: &InvoiceId) -> Result<Issued> {
    let client = draft_client(ctx.conn(), id)?;
    let lines: i64 =
        ctx.conn().query_row("SELECT count(*) FROM invoice_lines WHERE invoice_id = ?1", [id], |r| r.get(0))?;
    if lines == 0 {
        return Err(Error::invalid("an invoice needs at least one line"));
    }
    // Lines are priced again with the clinic's VAT registration as it is today.
    let p = profile(ctx.conn())?;
    if p.legal_name.trim().is_empty() {
        return Err(Error::invalid("set the clinic's details for invoices first"));
    }
    let current = read_lines(ctx.conn(), id)?;
    let inputs: Vec<LineInput> = current.iter().map(Line::input).collect();
    write_lines(ctx.conn(), id, &inputs, p.vat_registered)?;
    let t = money::totals(read_lines(ctx.conn(), id)?.iter().map(|l| (l.amount_minor, l.vat_minor, l.vat)));
    let day = today(ctx)?;
    let due = day + Duration::days(i64::from(p.payment_days));
    let number = next_number(ctx.conn())?;
    ctx.conn().execute(
        "UPDATE invoices SET status = 'issued', number = ?2, issued_on = ?3, due_on = ?4, total_minor = ?5,
                vat_minor = ?6, updated_at = ?7 WHERE id = ?1",
        params![
            id,
            number,
            day.format("%Y-%m-%d").to_string(),
            due.format("%Y-%m-%d").to_string(),
            t.total_minor,
            t.vat_minor,
            clock::to_db(ctx.now())
        ],
    )?;
    let new_pin = if p.pin_protection { ensure_pin(ctx, &client)? } else { None };
    ctx.record_object(format!("invoice {number} issued"));
    Ok(Issued { invoice: read(ctx, id)?, new_pin })
}

/// Reverses an issued invoice with a credit note (issued at once, the next number).
pub(crate) fn credit(ctx: &mut GateCtx<'_>, id: &InvoiceId) -> Result<Invoice> {
    let original = read(ctx, id)?;
    if !original.issued || original.kind != Kind::Invoice {
        return Err(Error::invalid("only an issued invoice can be credited"));
    }
    if original.credited_by.is_some() {
        return Err(Error::invalid("the invoice has already been credited"));
    }
    let note = InvoiceId::new();
    let now = clock::to_db(ctx.now());
    let day = today(ctx)?.format("%Y-%m-%d").to_string();
    let number = next_number(ctx.conn())?;
    let conn = ctx.conn();
    conn.execute(
        "INSERT INTO invoices (id, kind, credits, client_id, payer_kind, payer_name, payer_address, payer_reference,
                               language, created_by, created_at, updated_at)
         SELECT ?1, 'credit_note', id, client_id, payer_kind, payer_name, payer_address, payer_reference, language,
                ?2, ?3, ?3
         FROM invoices WHERE id = ?4",
        params![note, ctx.actor().staff_id, now, id],
    )?;
    conn.execute(
        "INSERT INTO invoice_lines (id, invoice_id, position, appointment_id, description, treatment_on, quantity,
                                    unit_minor, discount_pct, vat, amount_minor, vat_minor)
         SELECT lower(hex(randomblob(16))), ?1, position, appointment_id, description, treatment_on, -quantity,
                unit_minor, discount_pct, vat, -amount_minor, -vat_minor
         FROM invoice_lines WHERE invoice_id = ?2",
        params![note, id],
    )?;
    conn.execute(
        "UPDATE invoices SET status = 'issued', number = ?2, issued_on = ?3, due_on = ?3, total_minor = ?4,
                vat_minor = ?5, updated_at = ?6 WHERE id = ?1",
        params![note, number, day, -original.totals.total_minor, -original.totals.vat_minor, now],
    )?;
    ctx.record_object(format!("credit note {number} for invoice {}", original.number.unwrap_or_default()));
    read(ctx, &note)
}

/// Registers a payment on an issued invoice (at most what is outstanding).
pub(crate) fn pay(
    ctx: &mut GateCtx<'_>,
    id: &InvoiceId,
    amount_minor: i64,
    method: Method,
    paid_on: NaiveDate,
) -> Result<Invoice> {
    let inv = read(ctx, id)?;
    if !inv.issued || inv.kind != Kind::Invoice {
        return Err(Error::invalid("payments are registered on issued invoices"));
    }
    if amount_minor <= 0 {
        return Err(Error::invalid("a payment is more than 0"));
    }
    if amount_minor > inv.outstanding_minor {
        return Err(Error::invalid(format!(
            "the payment is more than the {} outstanding",
            money::format(inv.outstanding_minor, &inv.language)
        )));
    }
    if paid_on > today(ctx)? {
        return Err(Error::invalid("a payment cannot be dated in the future"));
    }
    let method_text: &'static str = method.into();
    ctx.conn().execute(
        "INSERT INTO payments (id, invoice_id, amount_minor, method, paid_on, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            uuid::Uuid::now_v7().to_string(),
            id,
            amount_minor,
            method_text,
            paid_on.format("%Y-%m-%d").to_string(),
            ctx.actor().staff_id,
            clock::to_db(ctx.now())
        ],
    )?;
    ctx.record_object(format!("payment on invoice {}", inv.number.unwrap_or_default()));
    read(ctx, id)
}

/// The client's invoice PIN: made (and returned, to be handed over) when there is none.
pub(super) fn ensure_pin(ctx: &mut GateCtx<'_>, client: &ClientId) -> Result<Option<String>> {
    let has: bool =
        ctx.conn()
            .query_row("SELECT count(*) > 0 FROM client_invoice_pins WHERE client_id = ?1", [client], |r| r.get(0))?;
    if has {
        return Ok(None);
    }
    Ok(Some(new_pin(ctx, client)?))
}

/// Makes a new random PIN for the client's invoice PDFs (replacing an older one).
pub(crate) fn new_pin(ctx: &mut GateCtx<'_>, client: &ClientId) -> Result<String> {
    use rand::Rng;
    let pin = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32));
    ctx.conn().execute(
        "INSERT INTO client_invoice_pins (client_id, pin, issued_at, issued_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (client_id) DO UPDATE SET pin = excluded.pin, issued_at = excluded.issued_at,
                                               issued_by = excluded.issued_by",
        params![client, pin, clock::to_db(ctx.now()), ctx.actor().staff_id],
    )?;
    Ok(pin)
}

/// The client's current invoice PIN (`None` before the first issued invoice).
pub(crate) fn pin_of(conn: &Connection, client: &ClientId) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT pin FROM client_invoice_pins WHERE client_id = ?1", [client], |r| r.get(0)).optional()?)
}

/// An invoice PDF and the name to save it under.
#[derive(Debug, Clone)]
pub struct InvoicePdf {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Whether it opens only with the client's PIN.
    pub protected: bool,
}

/// The PDF of an issued invoice, encrypted with the client's PIN when the clinic protects
/// its invoices.
pub(crate) fn pdf(ctx: &mut GateCtx<'_>, id: &InvoiceId) -> Result<InvoicePdf> {
    let inv = read(ctx, id)?;
    if !inv.issued {
        return Err(Error::invalid("a draft has no PDF: issue it first"));
    }
    let p = profile(ctx.conn())?;
    let country: String = ctx.conn().query_row("SELECT country FROM clinic", [], |r| r.get(0))?;
    let password = if p.pin_protection {
        // A PIN made here would reach nobody: the client must have been given one.
        Some(pin_of(ctx.conn(), &inv.client_id)?.ok_or_else(|| {
            Error::invalid("the client has no invoice PIN yet: make one (New PIN) and hand it over first")
        })?)
    } else {
        None
    };
    let number = inv.number.unwrap_or_default();
    ctx.record_object(format!("invoice {number} pdf"));
    let word = if inv.kind == Kind::CreditNote { "credit-note" } else { "invoice" };
    Ok(InvoicePdf {
        file_name: format!("{word}-{number}.pdf"),
        bytes: pdf::render(&inv, &p, &country, password.as_deref())?,
        protected: password.is_some(),
    })
}
