//! Invoices, credit notes and payments, made from the calendar's done appointments or by
//! hand. A draft can change or go; issuing gives it the next number (1, 2, 3 … without a
//! gap: the number is taken in the same transaction that issues, so a crash issues
//! nothing and takes no number) and fixes it for good (triggers refuse any change). A
//! correction is a credit note that reverses the whole invoice, numbered in the same
//! series. Payments are registered on issued invoices; what is left is outstanding.
//!
//! Every function here runs inside the gate (`GateCtx`): the caller decided the action,
//! and a client's invoices are reached only by someone who may see that client. Lines
//! carry the service's name or a typed text, never clinical content.

pub mod export;
pub mod money;
pub mod pdf;

use crate::calendar::services::Vat;
use crate::clock;
use crate::gate::GateCtx;
use crate::ids::{AppointmentId, ClientId};
use crate::policy::{Action, Level};
use crate::relations::RelationState;
use crate::text::{self, Rule};
use crate::{Error, Result};
use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub use money::Totals;

pub use crate::ids::InvoiceId;

/// A draft or an issued invoice, or a credit note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "camelCase")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Kind {
    Invoice,
    CreditNote,
}

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "camelCase")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Method {
    Cash,
    Card,
    /// MobilePay, Swish or Vipps.
    Mobile,
    Transfer,
}

/// Who pays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Payer {
    /// A third party (an insurer) instead of the client; the invoice then names the
    /// client (the patient) with birth date and each line's treatment date.
    pub third_party: bool,
    pub name: String,
    pub address: String,
    /// The payer's guarantee or case reference.
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Line {
    pub position: u32,
    pub appointment_id: Option<AppointmentId>,
    pub description: String,
    pub treatment_on: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub quantity: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub unit_minor: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub discount_pct: i64,
    pub vat: Vat,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub amount_minor: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub vat_minor: i64,
}

/// A line as typed (or made from an appointment).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LineInput {
    #[serde(default)]
    pub appointment_id: Option<AppointmentId>,
    pub description: String,
    #[serde(default)]
    pub treatment_on: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub quantity: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub unit_minor: i64,
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub discount_pct: i64,
    pub vat: Vat,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Payment {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub amount_minor: i64,
    pub method: Method,
    pub paid_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Invoice {
    pub id: InvoiceId,
    /// `None` while a draft.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub number: Option<i64>,
    pub kind: Kind,
    pub issued: bool,
    /// For a credit note: the number of the invoice it reverses.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub credits_number: Option<i64>,
    /// For an invoice: the number of the credit note that reversed it.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub credited_by: Option<i64>,
    pub client_id: ClientId,
    pub client_name: String,
    pub client_birth_date: Option<String>,
    /// Printed under the client's name when the client pays.
    pub client_address: String,
    pub payer: Payer,
    pub language: String,
    pub issued_on: Option<String>,
    pub due_on: Option<String>,
    pub lines: Vec<Line>,
    pub totals: Totals,
    pub payments: Vec<Payment>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub paid_minor: i64,
    /// What is still to be paid (0 for drafts, credit notes and credited invoices).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub outstanding_minor: i64,
    /// Days past the due date while something is outstanding.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub days_overdue: i64,
}

/// One row of the invoice list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Summary {
    pub id: InvoiceId,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub number: Option<i64>,
    pub kind: Kind,
    pub issued: bool,
    pub client_id: ClientId,
    pub client_name: String,
    pub payer_name: String,
    pub issued_on: Option<String>,
    pub due_on: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub total_minor: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub outstanding_minor: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub days_overdue: i64,
    pub credited: bool,
}

/// Which invoices a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Show {
    All,
    Drafts,
    Outstanding,
}

/// The clinic's details on its invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Profile {
    pub legal_name: String,
    pub address: String,
    pub org_number: String,
    pub vat_registered: bool,
    pub bank_account: String,
    pub iban: String,
    pub payment_days: u32,
    pub footer: String,
    pub provider_number: String,
    pub pin_protection: bool,
}

const MAX_LINES: usize = 100;
const MAX_LIST: i64 = 2000;

pub fn profile(conn: &Connection) -> Result<Profile> {
    Ok(conn.query_row(
        "SELECT CASE WHEN legal_name = '' THEN (SELECT name FROM clinic) ELSE legal_name END, address, org_number, vat_registered, bank_account, iban, payment_days, footer,
                provider_number, pin_protection
         FROM invoice_profile",
        [],
        |r| {
            Ok(Profile {
                legal_name: r.get(0)?,
                address: r.get(1)?,
                org_number: r.get(2)?,
                vat_registered: r.get(3)?,
                bank_account: r.get(4)?,
                iban: r.get(5)?,
                payment_days: r.get(6)?,
                footer: r.get(7)?,
                provider_number: r.get(8)?,
                pin_protection: r.get(9)?,
            })
        },
    )?)
}

/// Saves the clinic's invoice details (admins).
pub(crate) fn set_profile(ctx: &mut GateCtx<'_>, p: &Profile) -> Result<Profile> {
    if p.payment_days > 120 {
        return Err(Error::invalid("payment terms are 0 to 120 days"));
    }
    ctx.conn().execute(
        "UPDATE invoice_profile SET legal_name = ?1, address = ?2, org_number = ?3, vat_registered = ?4,
                bank_account = ?5, iban = ?6, payment_days = ?7, footer = ?8, provider_number = ?9,
                pin_protection = ?10, updated_at = ?11",
        params![
            text::clean(&p.legal_name, Rule::line("the legal name", 200))?,
            text::clean(&p.address, Rule::text("the address", 500))?,
            text::clean(&p.org_number, Rule::optional_line("the organisation number", 40))?,
            p.vat_registered,
            text::clean(&p.bank_account, Rule::optional_line("the bank account", 80))?,
            text::clean(&p.iban, Rule::optional_line("the IBAN", 40))?,
            p.payment_days,
            text::clean(&p.footer, Rule::text("the invoice text", 1000))?,
            text::clean(&p.provider_number, Rule::optional_line("the provider number", 40))?,
            p.pin_protection,
            clock::to_db(ctx.now())
        ],
    )?;
    ctx.record_object("invoice profile");
    profile(ctx.conn())
}

/// The lines as kept (texts cleaned), or why not.
fn clean_lines(lines: &[LineInput]) -> Result<Vec<LineInput>> {
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
fn clean_payer(p: &Payer) -> Result<Payer> {
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

fn write_lines(conn: &Connection, id: &InvoiceId, lines: &[LineInput], vat_registered: bool) -> Result<()> {
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
fn payer_kind(third_party: bool) -> &'static str {
    match third_party {
        true => "third_party",
        false => "client",
    }
}

fn clinic_language(conn: &Connection) -> Result<String> {
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
fn check_appointment(
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

fn draft_client(conn: &Connection, id: &InvoiceId) -> Result<ClientId> {
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

fn today(ctx: &GateCtx<'_>) -> Result<NaiveDate> {
    let tz = crate::calendar::zone::clinic_zone(ctx.conn())?;
    Ok(crate::calendar::zone::to_local(tz, ctx.now()).date())
}

fn next_number(conn: &Connection) -> Result<i64> {
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

impl Line {
    fn input(&self) -> LineInput {
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

fn read_lines(conn: &Connection, id: &InvoiceId) -> Result<Vec<Line>> {
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

fn days_between(from: &str, to: NaiveDate) -> i64 {
    NaiveDate::parse_from_str(from, "%Y-%m-%d").map(|d| (to - d).num_days()).unwrap_or(0)
}

/// One invoice with its lines and payments (the gate already decided on its client).
pub(crate) fn read(ctx: &GateCtx<'_>, id: &InvoiceId) -> Result<Invoice> {
    read_on(ctx.conn(), id, today(ctx)?)
}

fn read_on(conn: &Connection, id: &InvoiceId, today: NaiveDate) -> Result<Invoice> {
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

/// The client's invoice PIN: made (and returned, to be handed over) when there is none.
fn ensure_pin(ctx: &mut GateCtx<'_>, client: &ClientId) -> Result<Option<String>> {
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

/// The PDF of an issued invoice, encrypted with the client's PIN when the clinic protects
/// its invoices.
pub(crate) fn pdf(ctx: &mut GateCtx<'_>, id: &InvoiceId) -> Result<Vec<u8>> {
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
    ctx.record_object(format!("invoice {} pdf", inv.number.unwrap_or_default()));
    pdf::render(&inv, &p, &country, password.as_deref())
}

/// Writes `bytes` as a new file named `name` in `dir` (`name (2)`, `name (3)` … when the
/// name is taken: an export never overwrites another file). Returns its path.
pub fn save_new_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> Result<std::path::PathBuf> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    for n in 1..1000 {
        let candidate = if n == 1 { name.to_owned() } else { format!("{stem} ({n}).{ext}") };
        let path = dir.join(candidate);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(bytes)?;
                f.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::invalid("too many files of that name in the export folder"))
}
