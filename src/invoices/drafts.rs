//! Drafts: the lines as typed or made from done appointments (each appointment on one
//! standing invoice at most), the payer, changes and deletion while still a draft.

use super::*;
use crate::calendar::services::Vat;
use crate::clock;
use crate::gate::GateCtx;
use crate::ids::{AppointmentId, ClientId};
use crate::text::{self, Rule};
use crate::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};

/// The lines as kept (texts cleaned), or why not.
pub(super) fn clean_lines(lines: &[LineInput]) -> Result<Vec<LineInput>> {
    if lines.len() > MAX_LINES {
        return Err(Error::invalid(format!("an invoice has at most {MAX_LINES} lines")));
    }
    let mut out = Vec::with_capacity(lines.len());
    for l in lines {
        if l.quantity < 1 || l.quantity > 1000 {
            return Err(Error::invalid("the quantity is 1 to 1000"));
        }
        if !(0..=100_000_000).contains(&l.unit_minor) {
            return Err(Error::invalid("the price must be between 0 and 1 000 000"));
        }
        if !(0..=100).contains(&l.discount_pct) {
            return Err(Error::invalid("the discount is 0 to 100 %"));
        }
        let treatment_on = clock::parse_day(l.treatment_on.as_deref())?.map(|d| d.format("%Y-%m-%d").to_string());
        out.push(LineInput {
            description: text::clean(&l.description, Rule::line("the line's text", 200))?,
            treatment_on,
            ..l.clone()
        });
    }
    Ok(out)
}

/// The payer as kept, or why not.
pub(super) fn clean_payer(p: &Payer) -> Result<Payer> {
    let name = text::clean(&p.name, Rule::optional_line("the payer's name", 200))?;
    if p.third_party && name.is_empty() {
        return Err(Error::invalid("a third-party payer needs a name"));
    }
    Ok(Payer {
        third_party: p.third_party,
        name,
        address: text::clean(&p.address, Rule::text("the payer's address", 500))?,
        reference: text::clean(&p.reference, Rule::optional_line("the reference", 100))?,
    })
}

pub(super) fn write_lines(conn: &Connection, id: &InvoiceId, lines: &[LineInput], vat_registered: bool) -> Result<()> {
    conn.execute("DELETE FROM invoice_lines WHERE invoice_id = ?1", [id])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO invoice_lines (id, invoice_id, position, appointment_id, description, treatment_on, quantity,
                                    unit_minor, discount_pct, vat, amount_minor, vat_minor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (i, l) in lines.iter().enumerate() {
        let amount = money::line_amount(l.quantity, l.unit_minor, l.discount_pct);
        let vat: &'static str = l.vat.into();
        insert.execute(params![
            uuid::Uuid::now_v7().to_string(),
            id,
            i as i64 + 1,
            l.appointment_id,
            l.description,
            l.treatment_on,
            l.quantity,
            l.unit_minor,
            l.discount_pct,
            vat,
            amount,
            money::vat_in(amount, l.vat, vat_registered)
        ])?;
    }
    Ok(())
}

/// The stored text of who pays.
pub(super) fn payer_kind(third_party: bool) -> &'static str {
    match third_party {
        true => "third_party",
        false => "client",
    }
}

pub(super) fn clinic_language(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("SELECT language FROM clinic", [], |r| r.get(0))?)
}

/// A new draft for `client` with `lines` (the caller's gate names the client).
pub(crate) fn create_draft(
    ctx: &mut GateCtx<'_>,
    client: &ClientId,
    payer: &Payer,
    lines: &[LineInput],
) -> Result<InvoiceId> {
    let lines = &clean_lines(lines)?;
    let payer = &clean_payer(payer)?;
    crate::clients::get(ctx, client)?;
    for l in lines {
        if let Some(a) = &l.appointment_id {
            check_appointment(ctx.conn(), client, a, None)?;
        }
    }
    let id = InvoiceId::new();
    let now = clock::to_db(ctx.now());
    ctx.conn().execute(
        "INSERT INTO invoices (id, client_id, payer_kind, payer_name, payer_address, payer_reference, language,
                               created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![
            id,
            client,
            payer_kind(payer.third_party),
            payer.name,
            payer.address,
            payer.reference,
            clinic_language(ctx.conn())?,
            ctx.actor().staff_id,
            now
        ],
    )?;
    write_lines(ctx.conn(), &id, lines, profile(ctx.conn())?.vat_registered)?;
    ctx.record_object(format!("invoice {id} draft"));
    Ok(id)
}

/// The lines for `appointments` of `client`: each must be done, the client's, and not on
/// another invoice that still stands.
pub(crate) fn lines_for_appointments(
    ctx: &GateCtx<'_>,
    client: &ClientId,
    appointments: &[AppointmentId],
) -> Result<Vec<LineInput>> {
    let tz = crate::calendar::zone::clinic_zone(ctx.conn())?;
    let mut out = Vec::new();
    for id in appointments {
        check_appointment(ctx.conn(), client, id, None)?;
        let (title, starts_at, service, price, vat): (String, String, Option<String>, Option<i64>, Option<String>) =
            ctx.conn().query_row(
                "SELECT a.title, a.starts_at, s.name, s.price_minor, s.vat
                 FROM appointments a LEFT JOIN services s ON s.id = a.service_id WHERE a.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?;
        let day = crate::calendar::zone::to_local(tz, clock::from_db(&starts_at)?).date();
        out.push(LineInput {
            appointment_id: Some(id.clone()),
            description: service.unwrap_or(if title.is_empty() { "—".into() } else { title }),
            treatment_on: Some(day.format("%Y-%m-%d").to_string()),
            quantity: 1,
            unit_minor: price.unwrap_or(0),
            discount_pct: 0,
            vat: if vat.as_deref() == Some("standard") { Vat::Standard } else { Vat::Exempt },
        });
    }
    Ok(out)
}

/// An appointment may be invoiced once: it must be `client`'s, done, and on no other
/// invoice (draft or issued) that no credit note reversed.
pub(super) fn check_appointment(
    conn: &Connection,
    client: &ClientId,
    id: &AppointmentId,
    except: Option<&InvoiceId>,
) -> Result<()> {
    let row: Option<(Option<String>, String)> = conn
        .query_row("SELECT client_id, status FROM appointments WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((owner, status)) = row else { return Err(Error::NotFound) };
    if owner.as_deref() != Some(client.as_str()) {
        return Err(Error::invalid("the appointment is not this client's"));
    }
    if status != "done" {
        return Err(Error::invalid("only a done appointment can be invoiced"));
    }
    let taken: Option<Option<i64>> = conn
        .query_row(
            "SELECT i.number FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
             WHERE l.appointment_id = ?1 AND i.kind = 'invoice' AND i.id IS NOT ?2
               AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.credits = i.id)",
            params![id, except],
            |r| r.get(0),
        )
        .optional()?;
    match taken {
        None => Ok(()),
        Some(Some(n)) => Err(Error::invalid(format!("the appointment is already on invoice {n}"))),
        Some(None) => Err(Error::invalid("the appointment is already on a draft invoice")),
    }
}

pub(super) fn draft_client(conn: &Connection, id: &InvoiceId) -> Result<ClientId> {
    let row: Option<(ClientId, String)> = conn
        .query_row("SELECT client_id, status FROM invoices WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        None => Err(Error::NotFound),
        Some((_, s)) if s != "draft" => Err(Error::invalid("an issued invoice cannot be changed")),
        Some((c, _)) => Ok(c),
    }
}

/// The client an invoice belongs to (`None`: no such invoice), for the gate to decide on
/// before anything of it is read.
pub fn client_of(conn: &Connection, id: &InvoiceId) -> Result<Option<ClientId>> {
    Ok(conn.query_row("SELECT client_id FROM invoices WHERE id = ?1", [id], |r| r.get(0)).optional()?)
}

/// Replaces a draft's payer and lines.
pub(crate) fn update_draft(ctx: &mut GateCtx<'_>, id: &InvoiceId, payer: &Payer, lines: &[LineInput]) -> Result<()> {
    let lines = &clean_lines(lines)?;
    let payer = &clean_payer(payer)?;
    let client = draft_client(ctx.conn(), id)?;
    for l in lines {
        if let Some(a) = &l.appointment_id {
            check_appointment(ctx.conn(), &client, a, Some(id))?;
        }
    }
    ctx.conn().execute(
        "UPDATE invoices SET payer_kind = ?2, payer_name = ?3, payer_address = ?4, payer_reference = ?5,
                updated_at = ?6 WHERE id = ?1",
        params![id, payer_kind(payer.third_party), payer.name, payer.address, payer.reference, clock::to_db(ctx.now())],
    )?;
    write_lines(ctx.conn(), id, lines, profile(ctx.conn())?.vat_registered)?;
    ctx.record_object(format!("invoice {id} draft changed"));
    Ok(())
}

/// Deletes a draft (an issued invoice never goes).
pub(crate) fn delete_draft(ctx: &mut GateCtx<'_>, id: &InvoiceId) -> Result<()> {
    draft_client(ctx.conn(), id)?;
    ctx.conn().execute("DELETE FROM invoice_lines WHERE invoice_id = ?1", [id])?;
    ctx.conn().execute("DELETE FROM invoices WHERE id = ?1", [id])?;
    ctx.record_object(format!("invoice {id} draft deleted"));
    Ok(())
}
