//! Report definitions: the starters in the clinic's language (added once), an
//! administrator's own (checked: a name, the preset's columns, a period), retiring, and the
//! person's My page (active, visible to their role).

use super::*;
use crate::clock;
use crate::gate::GateCtx;
use crate::policy::{Feature, Role};
use crate::text::{self, Rule};
use crate::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};

/// The audience as stored: the roles' texts, and `relative` for relatives.
fn audience_to_db(roles: &[Role], relatives: bool) -> String {
    let mut all: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    if relatives {
        all.push(RELATIVES);
    }
    all.join(",")
}

/// Relatives in a report's stored audience (beside the staff roles).
const RELATIVES: &str = "relative";

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
        for_relatives: r.get::<_, String>(7)?.split(',').any(|a| a == RELATIVES),
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
    // The two visit lists are also a relative's My page (their one client's visits).
    let everyone = "owner,admin,practitioner,reception,relative";
    let admins = "owner,admin";
    [
        (this, Preset::Appointments, "date,time,client,service,practitioner,status", Period::ThisMonth, everyone),
        (last, Preset::Appointments, "date,time,client,service,practitioner,status", Period::LastMonth, everyone),
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

/// The reports on the person's My page: active, visible to their role (a relative: to
/// relatives), and — for revenue — only with the invoices right.
pub(crate) fn mine(ctx: &GateCtx<'_>) -> Result<Vec<Definition>> {
    let role = ctx.subject().role;
    let relative = ctx.subject().relative.is_some();
    let invoices = ctx.rights().features.has(Feature::Invoices);
    Ok(all(ctx)?
        .into_iter()
        .filter(|d| d.active && if relative { d.for_relatives } else { d.visible_to.contains(&role) })
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
    Ok(Valid {
        name,
        columns: input.columns.join(","),
        fixed,
        visible_to: audience_to_db(&input.visible_to, input.for_relatives),
    })
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
