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

mod drafts;
pub mod export;
mod issuing;
mod listing;
pub mod money;
pub mod pdf;

pub use drafts::client_of;
pub(crate) use drafts::{create_draft, delete_draft, lines_for_appointments, update_draft};
pub(crate) use issuing::{credit, issue, new_pin, pay, pdf, pin_of};
pub use issuing::{InvoicePdf, Issued};
pub use listing::list_sql;
pub(crate) use listing::{list, read};

use crate::calendar::services::Vat;
use crate::clock;
use crate::gate::GateCtx;
use crate::ids::{AppointmentId, ClientId};
use crate::text::{self, Rule};
use crate::{Error, Result};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

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
