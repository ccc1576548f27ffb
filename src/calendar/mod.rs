//! The calendar: the practice's day for every person and every room.
//!
//! - [`zone`]: the clinic's time zone; stored times are UTC, people think in local time.
//! - [`recurrence`]: "every N weeks on these days", expanded to dates (pure).
//! - [`calendars`]: one calendar per staff member and one per room, with working hours
//!   and absences, and each person's reach into each calendar (the policy decides).
//! - [`services`]: what the clinic offers, with length, buffer, price and VAT class.
//! - [`appointments`]: booking, the week view, moving, cancelling; the conflict check.
//! - [`ical`]: a calendar as RFC 5545 iCalendar, without client names unless asked.
//!
//! Every read that shows client names and every change runs through the gate
//! ([`crate::gate::run_in_calendar`]) and is audited: one event per view, with the
//! clients it showed kept beside it (`audit_seen`, one document per event), so each
//! client's access log finds it.

pub mod appointments;
pub mod calendars;
pub mod ical;
pub mod recurrence;
pub mod services;
pub mod zone;
