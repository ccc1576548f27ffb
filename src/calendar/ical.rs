//! A calendar as iCalendar (RFC 5545), for a personal phone calendar. By default an
//! event says only the service (or "Appointment") and the time: client names leave the
//! clinic only when the person explicitly asks, and that choice is in the audit event.
//!
//! Written by hand because it is small: UTC times (`...Z`), TEXT escaping (§3.3.11) and
//! line folding at 75 octets (§3.1). `./dev test` parses the output with an independent
//! implementation.

use super::appointments::{Appointment, Status};
use chrono::{DateTime, Utc};

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The iCalendar text of `appointments` (cancelled ones are left out). `calendar_name`
/// names the feed; `with_names` puts client names in the summaries.
pub fn render(
    calendar_name: &str,
    appointments: &[Appointment],
    with_names: bool,
    fallback_title: &str,
    now: DateTime<Utc>,
) -> String {
    let mut out = String::new();
    for l in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Klinik//Klinik calendar export//EN", "CALSCALE:GREGORIAN"] {
        fold(l, &mut out);
    }
    fold(&format!("X-WR-CALNAME:{}", escape(calendar_name)), &mut out);
    for a in appointments.iter().filter(|a| a.status != Status::Cancelled) {
        let what = a.service_name.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| {
            if a.client_id.is_some() || a.title.is_empty() {
                fallback_title.to_owned()
            } else {
                a.title.clone()
            }
        });
        let summary = match (&a.client_name, with_names) {
            (Some(name), true) => format!("{what}: {name}"),
            _ => what,
        };
        fold("BEGIN:VEVENT", &mut out);
        fold(&format!("UID:{}@klinik", a.id), &mut out);
        fold(&format!("DTSTAMP:{}", stamp(now)), &mut out);
        fold(&format!("DTSTART:{}", stamp(a.starts_at)), &mut out);
        fold(&format!("DTEND:{}", stamp(a.ends_at)), &mut out);
        fold(&format!("SUMMARY:{}", escape(&summary)), &mut out);
        fold("END:VEVENT", &mut out);
    }
    fold("END:VCALENDAR", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_long_lines_fold_between_characters() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "æ".repeat(60)), &mut out);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), format!("SUMMARY:{}", "æ".repeat(60)));
    }
}
