//! Services: what the clinic offers — a name, a length, an optional buffer after (to
//! clean a room, to write the note), a price in hundredths of the currency, a VAT class
//! (most health services are exempt), a colour, and the calendars that offer it.
//! A retired service stays on the appointments booked with it.

use crate::clock;
use crate::gate::GateCtx;
use crate::ids::{CalendarId, ServiceId};
use crate::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "camelCase")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Vat {
    /// A health service exempt from VAT (treatment by an authorised practitioner).
    Exempt,
    /// The standard rate (wellness, beauty, products).
    Standard,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Service {
    pub id: ServiceId,
    pub name: String,
    pub minutes: u32,
    pub buffer_minutes: u32,
    pub price_minor: u32,
    pub vat: Vat,
    pub colour: String,
    pub active: bool,
    /// Empty: offered in every calendar.
    pub calendars: Vec<CalendarId>,
}

/// What an admin types for a service.
#[derive(Debug, Clone, Default)]
pub struct ServiceInput {
    pub name: String,
    pub minutes: u32,
    pub buffer_minutes: u32,
    pub price_minor: u32,
    pub vat_standard: bool,
    pub colour: String,
    pub calendars: Vec<CalendarId>,
}

pub const MAX_MINUTES: u32 = 720;

fn check(input: &ServiceInput) -> Result<(String, String)> {
    let name = crate::text::clean(&input.name, crate::text::Rule::line("the service's name", 200))?;
    if !(5..=MAX_MINUTES).contains(&input.minutes) {
        return Err(Error::invalid("a service lasts 5 minutes to 12 hours"));
    }
    if input.buffer_minutes > 240 {
        return Err(Error::invalid("the buffer after a service is at most 4 hours"));
    }
    if input.price_minor > 100_000_000 {
        return Err(Error::invalid("the price must be between 0 and 1 000 000"));
    }
    let colour = input.colour.trim().to_ascii_lowercase();
    let colour = if colour.is_empty() { "#4a7dbf".to_owned() } else { colour };
    if colour.len() != 7 || !colour.starts_with('#') || !colour[1..].chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::invalid("a colour is written #rrggbb"));
    }
    Ok((name, colour))
}

fn from_row(conn: &Connection, r: &rusqlite::Row<'_>) -> rusqlite::Result<Service> {
    let id: ServiceId = r.get(0)?;
    let calendars = conn
        .prepare_cached("SELECT calendar_id FROM service_calendars WHERE service_id = ?1 ORDER BY calendar_id")?
        .query_map([&id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<CalendarId>>>()?;
    Ok(Service {
        id,
        name: r.get(1)?,
        minutes: r.get(2)?,
        buffer_minutes: r.get(3)?,
        price_minor: r.get(4)?,
        vat: if r.get::<_, String>(5)? == "standard" { Vat::Standard } else { Vat::Exempt },
        colour: r.get(6)?,
        active: r.get(7)?,
        calendars,
    })
}

const COLUMNS: &str = "id, name, minutes, buffer_minutes, price_minor, vat, colour, active";

/// Every service, active first, by name.
pub(crate) fn list(conn: &Connection) -> Result<Vec<Service>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM services ORDER BY active DESC, name COLLATE NOCASE"))?;
    let rows = stmt.query_map([], |r| from_row(conn, r))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn get(conn: &Connection, id: &ServiceId) -> Result<Service> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM services WHERE id = ?1"))?
        .query_row([id], |r| from_row(conn, r))
        .optional()?
        .ok_or(Error::NotFound)
}

/// Adds a service, or changes one (`id`), with the calendars that offer it (admins).
pub(crate) fn save(ctx: &mut GateCtx<'_>, id: Option<&ServiceId>, input: &ServiceInput) -> Result<Service> {
    let (name, colour) = check(input)?;
    let vat = if input.vat_standard { "standard" } else { "exempt" };
    let conn = ctx.conn();
    let id = match id {
        Some(id) => {
            let n = conn.execute(
                "UPDATE services SET name = ?2, minutes = ?3, buffer_minutes = ?4, price_minor = ?5, vat = ?6, colour = ?7
                 WHERE id = ?1",
                params![id, name, input.minutes, input.buffer_minutes, input.price_minor, vat, colour],
            )?;
            if n == 0 {
                return Err(Error::NotFound);
            }
            id.clone()
        }
        None => {
            let id = ServiceId::new();
            conn.execute(
                "INSERT INTO services (id, name, minutes, buffer_minutes, price_minor, vat, colour, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id,
                    name,
                    input.minutes,
                    input.buffer_minutes,
                    input.price_minor,
                    vat,
                    colour,
                    clock::to_db(ctx.now())
                ],
            )?;
            id
        }
    };
    conn.execute("DELETE FROM service_calendars WHERE service_id = ?1", [&id])?;
    for c in &input.calendars {
        let exists: bool = conn.query_row("SELECT count(*) > 0 FROM calendars WHERE id = ?1", [c], |r| r.get(0))?;
        if !exists {
            return Err(Error::invalid("a service is offered in calendars that exist"));
        }
        conn.execute("INSERT INTO service_calendars (service_id, calendar_id) VALUES (?1, ?2)", params![id, c])?;
    }
    ctx.record_object(format!("service {id}"));
    get(conn, &id)
}

/// Retires a service: no new bookings; booked appointments keep it (admins).
pub(crate) fn retire(ctx: &mut GateCtx<'_>, id: &ServiceId) -> Result<()> {
    let n = ctx.conn().execute("UPDATE services SET active = 0 WHERE id = ?1", [id])?;
    if n == 0 {
        return Err(Error::NotFound);
    }
    ctx.record_object(format!("service {id} retired"));
    Ok(())
}

/// Starter services for a new demo clinic, in its language: (name, minutes, buffer,
/// price in kroner, standard VAT, colour).
pub fn starters(language: &str) -> [(&'static str, u32, u32, u32, bool, &'static str); 4] {
    match language {
        "sv" => [
            ("Första besök", 60, 10, 850, false, "#4a7dbf"),
            ("Återbesök", 45, 5, 650, false, "#3f9b6b"),
            ("Kort kontroll", 20, 0, 350, false, "#c28a2b"),
            ("Massage", 60, 10, 795, true, "#a05a9c"),
        ],
        "nb" => [
            ("Første konsultasjon", 60, 10, 950, false, "#4a7dbf"),
            ("Oppfølging", 45, 5, 750, false, "#3f9b6b"),
            ("Kort kontroll", 20, 0, 400, false, "#c28a2b"),
            ("Massasje", 60, 10, 850, true, "#a05a9c"),
        ],
        "en" => [
            ("First consultation", 60, 10, 750, false, "#4a7dbf"),
            ("Follow-up", 45, 5, 600, false, "#3f9b6b"),
            ("Short check", 20, 0, 300, false, "#c28a2b"),
            ("Massage", 60, 10, 700, true, "#a05a9c"),
        ],
        _ => [
            ("Første konsultation", 60, 10, 750, false, "#4a7dbf"),
            ("Opfølgning", 45, 5, 600, false, "#3f9b6b"),
            ("Kort kontrol", 20, 0, 300, false, "#c28a2b"),
            ("Massage", 60, 10, 695, true, "#a05a9c"),
        ],
    }
}
