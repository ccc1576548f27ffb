//! Running a report: the period, the rows read for the preset (a seek per calendar for the
//! appointment presets), each row's client decided by the policy, the aggregates counted
//! after that filter, and the clients covered recorded with the run's one audit event.

use super::definitions::mine;
use super::*;
use crate::clock;
use crate::gate::GateCtx;
use crate::ids::ClientId;
use crate::policy::{Action, Feature, Level};
use crate::relations::RelationState;
use crate::{Error, Result};
use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::params;
use std::collections::{BTreeMap, HashMap};

const MAX_ROWS: usize = 100_000;

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
    // A relative's rows are their bound clients' (the binding reaching reports), nobody else's.
    let relations = crate::relations::states_of(ctx.conn(), &ctx.actor().staff_id, ctx.now())?;
    let bound: Option<Vec<ClientId>> = match ctx.subject().relative {
        Some(_) => Some(
            crate::relatives::current_clients(ctx.conn(), &ctx.actor().staff_id, ctx.now())?
                .into_iter()
                .filter(|(_, reach)| ctx.relative_allows(*reach, Action::ReportRun))
                .map(|(c, _)| c)
                .collect(),
        ),
        None => None,
    };
    let mut decided: HashMap<ClientId, bool> = HashMap::new();
    let mut kept: Vec<Raw> = Vec::new();
    for r in raw {
        if let Some((client, access)) = &r.client {
            let visible = *decided.entry(client.clone()).or_insert_with(|| match &bound {
                Some(bound) => bound.contains(client),
                None => {
                    let relation = relations.get(client).copied().unwrap_or(RelationState::None);
                    ctx.allows_given(Action::ClientRead, relation, Level::parse(access))
                }
            });
            if !visible {
                continue;
            }
        } else if bound.is_some() {
            // Time without a client (a meeting, a block) is the clinic's, not a relative's.
            continue;
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
