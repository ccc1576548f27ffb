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

pub mod output;

use crate::clock;
use crate::gate::GateCtx;
use crate::ids::ClientId;
use crate::policy::{Action, Feature, Level, Role};
use crate::relations::RelationState;
use crate::text::{self, Rule};
use crate::{Error, Result};
use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

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

const MAX_ROWS: usize = 100_000;

fn roles_to_db(roles: &[Role]) -> String {
    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
}

fn roles_from_db(s: &str) -> Vec<Role> {
    s.split(',').filter_map(Role::parse).collect()
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Definition> {
    let preset: String = r.get(2)?;
    let period: String = r.get(4)?;
    let columns: String = r.get(3)?;
    Ok(Definition {
        id: r.get(0)?,
        name: r.get(1)?,
        preset: Preset::parse(&preset).unwrap_or(Preset::Appointments),
        columns: columns.split(',').map(str::to_owned).collect(),
        period: Period::parse(&period).unwrap_or(Period::ThisMonth),
        fixed_from: r.get(5)?,
        fixed_to: r.get(6)?,
        visible_to: roles_from_db(&r.get::<_, String>(7)?),
        active: r.get(8)?,
    })
}

const SELECT: &str =
    "SELECT id, name, preset, columns, period, fixed_from, fixed_to, visible_to, active FROM report_definitions";

/// The starter reports, in `language`: this month's and last month's appointments, visits
/// per practitioner, no-shows and late cancellations, new clients, revenue by service.
fn starters(language: &str) -> [(&'static str, Preset, &'static str, Period, &'static str); 6] {
    let [this, last, visits, noshow, new, revenue] = match language {
        "sv" => [
            "Besök denna månad",
            "Besök förra månaden",
            "Besök per behandlare",
            "Uteblivna och sena avbokningar",
            "Nya klienter",
            "Intäkter per tjänst",
        ],
        "nb" => [
            "Timer denne måneden",
            "Timer forrige måned",
            "Besøk per behandler",
            "Uteblitt og sene avbestillinger",
            "Nye klienter",
            "Omsetning per tjeneste",
        ],
        "en" => [
            "This month's visits",
            "Last month's visits",
            "Visits per practitioner",
            "No-shows and late cancellations",
            "New clients",
            "Revenue by service",
        ],
        _ => [
            "Besøg denne måned",
            "Besøg sidste måned",
            "Besøg pr. behandler",
            "Udeblivelser og sene aflysninger",
            "Nye klienter",
            "Omsætning pr. ydelse",
        ],
    };
    let staff = "owner,admin,practitioner,reception";
    let admins = "owner,admin";
    [
        (this, Preset::Appointments, "date,time,client,service,practitioner,status", Period::ThisMonth, staff),
        (last, Preset::Appointments, "date,time,client,service,practitioner,status", Period::LastMonth, staff),
        (
            visits,
            Preset::VisitsPerPractitioner,
            "practitioner,done,no_shows,cancelled,late_cancellations",
            Period::LastMonth,
            admins,
        ),
        (noshow, Preset::NoShows, "date,time,client,practitioner,status,late", Period::LastMonth, staff),
        (new, Preset::NewClients, "date,client,created_by", Period::ThisMonth, admins),
        (revenue, Preset::RevenueByService, "service,lines,amount,vat", Period::LastMonth, admins),
    ]
}

/// Adds the starter reports once per clinic (an administrator may retire them after).
fn ensure_starters(conn: &Connection, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    if crate::settings::get_i64(conn, crate::settings::REPORTS_STARTED, 0)? == 1 {
        return Ok(());
    }
    let language: String = conn.query_row("SELECT language FROM clinic", [], |r| r.get(0))?;
    let stamp = clock::to_db(now);
    for (name, preset, columns, period, visible) in starters(&language) {
        conn.execute(
            "INSERT INTO report_definitions (id, name, preset, columns, period, visible_to, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![ReportId::new(), name, preset.as_str(), columns, period.as_str(), visible, stamp],
        )?;
    }
    crate::settings::set_i64(conn, crate::settings::REPORTS_STARTED, 1)?;
    Ok(())
}

/// Every report (administrators, to set them up), active first.
pub(crate) fn all(ctx: &GateCtx<'_>) -> Result<Vec<Definition>> {
    ensure_starters(ctx.conn(), ctx.now())?;
    let mut stmt = ctx.conn().prepare(&format!("{SELECT} ORDER BY active DESC, name"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The reports on the person's My page: active, visible to their role, and — for revenue —
/// only with the invoices right.
pub(crate) fn mine(ctx: &GateCtx<'_>) -> Result<Vec<Definition>> {
    let role = ctx.subject().role;
    let invoices = ctx.rights().features.has(Feature::Invoices);
    Ok(all(ctx)?
        .into_iter()
        .filter(|d| d.active && d.visible_to.contains(&role))
        .filter(|d| d.preset != Preset::RevenueByService || invoices)
        .collect())
}

struct Valid {
    name: String,
    columns: String,
    fixed: (Option<String>, Option<String>),
    visible_to: String,
}

fn check(input: &DefinitionInput) -> Result<Valid> {
    let name = text::clean(&input.name, Rule::line("the report's name", 100))?;
    let offered: Vec<&str> = input.preset.columns().iter().map(|c| c.key).collect();
    if input.columns.is_empty() {
        return Err(Error::invalid("choose at least one column"));
    }
    let mut seen = Vec::new();
    for c in &input.columns {
        if !offered.contains(&c.as_str()) {
            return Err(Error::invalid(format!("this report has no column {c:?}")));
        }
        if seen.contains(&c) {
            return Err(Error::invalid(format!("the column {c:?} is chosen twice")));
        }
        seen.push(c);
    }
    let fixed = match input.period {
        Period::Fixed => {
            let from = clock::parse_day(input.fixed_from.as_deref())?;
            let to = clock::parse_day(input.fixed_to.as_deref())?;
            match (from, to) {
                (Some(f), Some(t)) if f <= t && (t - f).num_days() <= 3660 => {
                    (Some(f.format("%Y-%m-%d").to_string()), Some(t.format("%Y-%m-%d").to_string()))
                }
                (Some(_), Some(_)) => return Err(Error::invalid("a fixed period runs forwards, at most ten years")),
                _ => return Err(Error::invalid("a fixed period needs its first and last day")),
            }
        }
        _ => (None, None),
    };
    Ok(Valid { name, columns: input.columns.join(","), fixed, visible_to: roles_to_db(&input.visible_to) })
}

/// Adds a report, or changes one (`id`) (administrators).
pub(crate) fn save(ctx: &mut GateCtx<'_>, id: Option<&ReportId>, input: &DefinitionInput) -> Result<Definition> {
    let v = check(input)?;
    let stamp = clock::to_db(ctx.now());
    let id = match id {
        Some(id) => {
            let n = ctx.conn().execute(
                "UPDATE report_definitions SET name = ?2, preset = ?3, columns = ?4, period = ?5, fixed_from = ?6,
                        fixed_to = ?7, visible_to = ?8, updated_at = ?9 WHERE id = ?1",
                params![
                    id,
                    v.name,
                    input.preset.as_str(),
                    v.columns,
                    input.period.as_str(),
                    v.fixed.0,
                    v.fixed.1,
                    v.visible_to,
                    stamp
                ],
            )?;
            if n == 0 {
                return Err(Error::NotFound);
            }
            id.clone()
        }
        None => {
            ensure_starters(ctx.conn(), ctx.now())?;
            let id = ReportId::new();
            ctx.conn().execute(
                "INSERT INTO report_definitions (id, name, preset, columns, period, fixed_from, fixed_to, visible_to,
                                                 created_by, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
                params![
                    id,
                    v.name,
                    input.preset.as_str(),
                    v.columns,
                    input.period.as_str(),
                    v.fixed.0,
                    v.fixed.1,
                    v.visible_to,
                    ctx.actor().staff_id,
                    stamp
                ],
            )?;
            id
        }
    };
    ctx.record_object(format!("report {id}"));
    get(ctx.conn(), &id)
}

/// Retires a report (or brings it back).
pub(crate) fn set_active(ctx: &mut GateCtx<'_>, id: &ReportId, active: bool) -> Result<()> {
    let n = ctx.conn().execute(
        "UPDATE report_definitions SET active = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, active, clock::to_db(ctx.now())],
    )?;
    if n == 0 {
        return Err(Error::NotFound);
    }
    ctx.record_object(format!("report {id} {}", if active { "active" } else { "retired" }));
    Ok(())
}

fn get(conn: &Connection, id: &ReportId) -> Result<Definition> {
    conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row).optional()?.ok_or(Error::NotFound)
}

/// The first and last day of `period` around `today`, or of the fixed range.
pub fn period_days(def: &Definition, today: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
    let first_of =
        |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(|| Error::invalid("a day out of range"));
    let this_month = first_of(today.year(), today.month())?;
    Ok(match def.period {
        Period::ThisMonth => {
            let next =
                this_month.checked_add_months(chrono::Months::new(1)).ok_or_else(|| Error::invalid("out of range"))?;
            (this_month, next - Duration::days(1))
        }
        Period::LastMonth => {
            let last =
                this_month.checked_sub_months(chrono::Months::new(1)).ok_or_else(|| Error::invalid("out of range"))?;
            (last, this_month - Duration::days(1))
        }
        Period::ThisYear => (first_of(today.year(), 1)?, first_of(today.year() + 1, 1)? - Duration::days(1)),
        Period::Fixed => (
            clock::parse_day(def.fixed_from.as_deref())?
                .ok_or_else(|| Error::invalid("the report has no first day"))?,
            clock::parse_day(def.fixed_to.as_deref())?.ok_or_else(|| Error::invalid("the report has no last day"))?,
        ),
    })
}

/// One row as read, before the columns are chosen: the client it holds (if any) and
/// every column the preset offers, by key.
struct Raw {
    client: Option<(ClientId, String)>,
    cells: BTreeMap<&'static str, String>,
}

/// Runs the report `id` over `from..=to` (or its default period): the rows of clients the
/// person may see, the chosen columns.
pub(crate) fn run(
    ctx: &mut GateCtx<'_>,
    id: &ReportId,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Report> {
    let def = mine(ctx)?
        .into_iter()
        .find(|d| &d.id == id)
        .ok_or_else(|| Error::Denied("this report is not on your My page".into()))?;
    let tz = crate::calendar::zone::clinic_zone(ctx.conn())?;
    let today = crate::calendar::zone::to_local(tz, ctx.now()).date();
    let (first, last) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        _ => period_days(&def, today)?,
    };
    if last < first || (last - first).num_days() > 3660 {
        return Err(Error::invalid("a report covers one day to ten years"));
    }
    let (start, _) = crate::calendar::zone::day_bounds(tz, first)?;
    let (_, end) = crate::calendar::zone::day_bounds(tz, last)?;
    // Only the chosen columns are made (an aggregate needs all of its few).
    let need: Vec<&'static str> = match def.preset {
        Preset::VisitsPerPractitioner | Preset::RevenueByService => {
            def.preset.columns().iter().map(|c| c.key).collect()
        }
        _ => def.preset.columns().iter().filter(|c| def.columns.iter().any(|k| k == c.key)).map(|c| c.key).collect(),
    };
    let raw = read(ctx, def.preset, &need, tz, (start, end), (first, last))?;
    // Each client is decided once, by the policy, on facts read once for the whole run.
    let relations = crate::relations::states_of(ctx.conn(), &ctx.actor().staff_id, ctx.now())?;
    let mut decided: HashMap<ClientId, bool> = HashMap::new();
    let mut kept: Vec<Raw> = Vec::new();
    for r in raw {
        if let Some((client, access)) = &r.client {
            let visible = *decided.entry(client.clone()).or_insert_with(|| {
                let relation = relations.get(client).copied().unwrap_or(RelationState::None);
                ctx.allows_given(Action::ClientRead, relation, Level::parse(access))
            });
            if !visible {
                continue;
            }
        }
        kept.push(r);
        if kept.len() > MAX_ROWS {
            return Err(Error::invalid(format!("the report has more than {MAX_ROWS} rows: choose a shorter period")));
        }
    }
    let kept = aggregate(def.preset, kept);
    let columns: Vec<Column> =
        def.columns.iter().filter_map(|k| def.preset.columns().iter().find(|c| c.key == k).copied()).collect();
    let mut clients = 0u32;
    for (client, shown) in decided {
        if shown {
            clients += 1;
            ctx.record_shown(client);
        }
    }
    let rows = kept
        .into_iter()
        .map(|r| columns.iter().map(|c| r.cells.get(c.key).cloned().unwrap_or_default()).collect())
        .collect();
    ctx.record_object(format!("report {} {first}..{last}", def.id));
    Ok(Report {
        id: def.id,
        name: def.name,
        preset: def.preset,
        from: first.format("%Y-%m-%d").to_string(),
        to: last.format("%Y-%m-%d").to_string(),
        columns,
        rows,
        clients,
    })
}

/// The per-practitioner and per-service presets add their rows up (after the filter, so
/// the counts hold only what the person may see).
fn aggregate(preset: Preset, rows: Vec<Raw>) -> Vec<Raw> {
    let (key, sums): (&str, &[&str]) = match preset {
        Preset::VisitsPerPractitioner => ("practitioner", &["done", "no_shows", "cancelled", "late_cancellations"]),
        Preset::RevenueByService => ("service", &["lines", "amount", "vat"]),
        _ => return rows,
    };
    let mut groups: BTreeMap<String, BTreeMap<&'static str, i64>> = BTreeMap::new();
    for r in rows {
        let g = groups.entry(r.cells.get(key).cloned().unwrap_or_default()).or_default();
        for (k, v) in r.cells {
            if sums.contains(&k) {
                *g.entry(k).or_default() += v.parse::<i64>().unwrap_or(0);
            }
        }
    }
    let key_static = preset.columns()[0].key;
    groups
        .into_iter()
        .map(|(name, totals)| {
            let mut cells: BTreeMap<&'static str, String> =
                totals.into_iter().map(|(k, v)| (k, v.to_string())).collect();
            cells.insert(key_static, name);
            Raw { client: None, cells }
        })
        .collect()
}

/// The appointments of every calendar from ?1 to ?2 (UTC). `CROSS JOIN` keeps the
/// calendars outside, so each calendar's period is one seek on the appointments'
/// (calendar, start) key (`klinik bench` prints the plan); SQLite would otherwise walk
/// every appointment to return them in time order.
pub const APPOINTMENTS_SQL: &str =
    "SELECT a.starts_at, a.ends_at, a.client_id, c.name, c.staff_access, s.name, a.title, k.name, a.status,
            a.late_cancel
     FROM calendars k
     CROSS JOIN appointments a ON a.calendar_id = k.id AND a.starts_at >= ?1 AND a.starts_at < ?2
     LEFT JOIN clients c INDEXED BY clients_for_calendar ON c.id = a.client_id
     LEFT JOIN services s ON s.id = a.service_id
     ORDER BY a.starts_at";

/// Reads every column of `preset` for the period (UTC `start..end`, local days `first..=last`).
fn read(
    ctx: &GateCtx<'_>,
    preset: Preset,
    need: &[&'static str],
    tz: chrono_tz::Tz,
    (start, end): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
    (first, last): (NaiveDate, NaiveDate),
) -> Result<Vec<Raw>> {
    let conn = ctx.conn();
    let want = |k: &str| need.contains(&k);
    let (s, e) = (clock::to_db(start), clock::to_db(end));
    // Written out by hand: chrono's format strings cost more than the rest of a row.
    let local = |at: &str| -> Result<(String, String)> {
        use chrono::Timelike;
        let t = crate::calendar::zone::to_local(tz, clock::from_db(at)?);
        Ok((format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day()), format!("{:02}:{:02}", t.hour(), t.minute())))
    };
    let mut out = Vec::new();
    match preset {
        Preset::Appointments | Preset::VisitsPerPractitioner | Preset::NoShows => {
            // A seek per calendar on the appointments' (calendar, start) key.
            let mut stmt = conn.prepare_cached(APPOINTMENTS_SQL)?;
            let mut rows = stmt.query(params![s, e])?;
            while let Some(r) = rows.next()? {
                let (starts, ends): (String, String) = (r.get(0)?, r.get(1)?);
                let status: String = r.get(8)?;
                let late: bool = r.get(9)?;
                if preset == Preset::NoShows && !(status == "no_show" || (status == "cancelled" && late)) {
                    continue;
                }
                let client: Option<ClientId> = r.get(2)?;
                let client = match client {
                    Some(id) => Some((id, r.get::<_, Option<String>>(4)?.unwrap_or_default())),
                    None => None,
                };
                let mut cells: BTreeMap<&'static str, String> = BTreeMap::new();
                if want("date") || want("time") {
                    let (day, time) = local(&starts)?;
                    cells.insert("date", day);
                    cells.insert("time", time);
                }
                if want("minutes") {
                    let minutes = (clock::from_db(&ends)? - clock::from_db(&starts)?).num_minutes();
                    cells.insert("minutes", minutes.to_string());
                }
                if want("client") {
                    cells.insert("client", r.get::<_, Option<String>>(3)?.unwrap_or_default());
                }
                if want("service") {
                    let service: Option<String> = r.get(5)?;
                    cells.insert(
                        "service",
                        match service {
                            Some(s) => s,
                            None => r.get(6)?,
                        },
                    );
                }
                if want("practitioner") {
                    cells.insert("practitioner", r.get(7)?);
                }
                if want("late") {
                    cells.insert("late", if late { "yes".into() } else { String::new() });
                }
                if preset == Preset::VisitsPerPractitioner {
                    cells.insert("done", u8::from(status == "done").to_string());
                    cells.insert("no_shows", u8::from(status == "no_show").to_string());
                    cells.insert("cancelled", u8::from(status == "cancelled").to_string());
                    cells.insert("late_cancellations", u8::from(status == "cancelled" && late).to_string());
                }
                if want("status") {
                    cells.insert("status", status);
                }
                out.push(Raw { client, cells });
            }
        }
        Preset::NewClients => {
            let mut stmt = conn.prepare_cached(
                "SELECT c.created_at, c.id, c.name, c.staff_access, coalesce(st.name, '')
                 FROM clients c LEFT JOIN staff st ON st.id = c.created_by
                 WHERE c.created_at >= ?1 AND c.created_at < ?2 ORDER BY c.created_at",
            )?;
            let mut rows = stmt.query(params![s, e])?;
            while let Some(r) = rows.next()? {
                let (day, _) = local(&r.get::<_, String>(0)?)?;
                let mut cells = BTreeMap::new();
                cells.insert("date", day);
                cells.insert("client", r.get(2)?);
                cells.insert("created_by", r.get(4)?);
                out.push(Raw { client: Some((r.get(1)?, r.get(3)?)), cells });
            }
        }
        Preset::RevenueByService => {
            if !ctx.rights().features.has(Feature::Invoices) {
                return Err(Error::Denied("revenue needs the invoices right".into()));
            }
            let mut stmt = conn.prepare_cached(
                "SELECT l.description, l.amount_minor, l.vat_minor, i.client_id, c.staff_access
                 FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id JOIN clients c ON c.id = i.client_id
                 WHERE i.status = 'issued' AND i.issued_on BETWEEN ?1 AND ?2",
            )?;
            let (f, t) = (first.format("%Y-%m-%d").to_string(), last.format("%Y-%m-%d").to_string());
            let mut rows = stmt.query(params![f, t])?;
            while let Some(r) = rows.next()? {
                let mut cells = BTreeMap::new();
                cells.insert("service", r.get(0)?);
                let amount: i64 = r.get(1)?;
                // A credit note's line takes one off.
                cells.insert("lines", if amount < 0 { "-1" } else { "1" }.to_owned());
                cells.insert("amount", amount.to_string());
                cells.insert("vat", r.get::<_, i64>(2)?.to_string());
                out.push(Raw { client: Some((r.get(3)?, r.get(4)?)), cells });
            }
        }
    }
    Ok(out)
}
