//! Reports and "My page". An administrator makes a report from a preset and chooses its
//! columns, its default period and the roles whose My page shows it; starters in the
//! clinic's language come with every clinic. Running a report reads client data through
//! the gate: each row's client is decided by the policy (a practitioner with "own
//! clients" sees their own; a client the person may not open is left out), and the run is
//! one audit event naming the report and carrying the clients it covered, so each of
//! those clients' "who has seen this record" shows it.
//!
//! A report is a table of text cells; each column says what its cells hold (a day, a
//! time, a count, an amount in øre) so the window, the CSV and the PDF format them.

mod definitions;
pub mod output;
mod run;

pub(crate) use definitions::{all, mine, save, set_active};
pub(crate) use run::run;
pub use run::{period_days, APPOINTMENTS_SQL};

use crate::policy::Role;
use serde::{Deserialize, Serialize};

pub use crate::ids::ReportId;

/// What a report counts or lists.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "camelCase")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Preset {
    /// Every appointment in the period.
    Appointments,
    /// Done appointments, no-shows and cancellations per practitioner (calendar).
    VisitsPerPractitioner,
    /// No-shows and late cancellations.
    NoShows,
    /// Clients registered in the period.
    NewClients,
    /// Issued invoice lines per service (needs the invoices right too).
    RevenueByService,
}

stored_text!(Preset);

/// The period a report covers unless the person chooses another.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "camelCase")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Period {
    ThisMonth,
    LastMonth,
    ThisYear,
    Fixed,
}

stored_text!(Period);

/// What a column's cells hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum CellKind {
    Text,
    /// YYYY-MM-DD
    Day,
    /// HH:MM, the clinic's local time
    Time,
    Count,
    /// Øre, as an integer
    Money,
}

/// One column a preset offers: its key (also the CSV header) and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Column {
    pub key: &'static str,
    pub kind: CellKind,
}

const fn col(key: &'static str, kind: CellKind) -> Column {
    Column { key, kind }
}

use CellKind::{Count, Day, Money, Text, Time};

const APPOINTMENTS: &[Column] = &[
    col("date", Day),
    col("time", Time),
    col("client", Text),
    col("service", Text),
    col("practitioner", Text),
    col("status", Text),
    col("minutes", Count),
];
const VISITS: &[Column] = &[
    col("practitioner", Text),
    col("done", Count),
    col("no_shows", Count),
    col("cancelled", Count),
    col("late_cancellations", Count),
];
const NO_SHOWS: &[Column] = &[
    col("date", Day),
    col("time", Time),
    col("client", Text),
    col("practitioner", Text),
    col("status", Text),
    col("late", Text),
];
const NEW_CLIENTS: &[Column] = &[col("date", Day), col("client", Text), col("created_by", Text)];
const REVENUE: &[Column] = &[col("service", Text), col("lines", Count), col("amount", Money), col("vat", Money)];

impl Preset {
    /// The columns this preset offers, in their natural order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Preset::Appointments => APPOINTMENTS,
            Preset::VisitsPerPractitioner => VISITS,
            Preset::NoShows => NO_SHOWS,
            Preset::NewClients => NEW_CLIENTS,
            Preset::RevenueByService => REVENUE,
        }
    }
}

/// A report as an administrator set it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Definition {
    pub id: ReportId,
    pub name: String,
    pub preset: Preset,
    pub columns: Vec<String>,
    pub period: Period,
    pub fixed_from: Option<String>,
    pub fixed_to: Option<String>,
    /// Roles, as their stored text (owner, admin, practitioner, reception).
    #[cfg_attr(feature = "specta", specta(type = Vec<String>))]
    pub visible_to: Vec<Role>,
    /// Also on relatives' My page (each sees only their bound client's rows).
    pub for_relatives: bool,
    pub active: bool,
}

/// What an administrator types for a report.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DefinitionInput {
    pub name: String,
    pub preset: Preset,
    pub columns: Vec<String>,
    pub period: Period,
    #[serde(default)]
    pub fixed_from: Option<String>,
    #[serde(default)]
    pub fixed_to: Option<String>,
    /// Roles, as their stored text (owner, admin, practitioner, reception).
    #[cfg_attr(feature = "specta", specta(type = Vec<String>))]
    pub visible_to: Vec<Role>,
    /// Also on relatives' My page.
    #[serde(default)]
    pub for_relatives: bool,
}

/// A report run: its table and what it covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Report {
    pub id: ReportId,
    pub name: String,
    pub preset: Preset,
    /// First and last day covered (the clinic's local days).
    pub from: String,
    pub to: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// How many clients' data the rows hold.
    pub clients: u32,
}
