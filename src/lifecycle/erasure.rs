//! A client's request to be erased (GDPR art. 17). What the law lets go, goes now:
//! contact details, appointments, relatives' bindings, invoice drafts and the invoice PIN.
//! What a rule keeps — the journal for its retention period after the last entry, issued
//! invoices for bookkeeping — stays, with the refusal recorded (the rule and the first day
//! it may go, art. 17(3)(b) and (c)) and a letter for the client that says so. When no
//! rule keeps anything, the client is erased completely, as a cleanup would.

use super::purge::{self, Keep};
use super::Rule;
use crate::gate::GateCtx;
use crate::ids::ClientId;
use crate::pdf::{self, Page};
use crate::{Error, Result};
use chrono::NaiveDate;
use serde::Serialize;

/// What an erasure request did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ErasureOutcome {
    /// Everything went.
    pub erased: bool,
    /// The rule that keeps the rest, and the first day it may go (when not erased).
    pub kept_by: Option<Rule>,
    pub kept_until: Option<NaiveDate>,
    /// (kind, count) of what went.
    pub removed: Vec<(String, u32)>,
}

/// The rule's text as recorded (and as the letter states it), in English; the letter
/// translates it.
fn rule_text(rule: &Rule) -> String {
    match rule {
        Rule::Journal { last_entry, years } => {
            format!("journal retention: {years} years after the last entry ({last_entry})")
        }
        Rule::Bookkeeping { last_invoice } => {
            format!("bookkeeping: issued invoices are kept 5 years after the end of their year (last {last_invoice})")
        }
        Rule::Inactive { .. } => "inactivity".into(),
    }
}

pub(crate) fn request(ctx: &mut GateCtx<'_>, client: &ClientId) -> Result<ErasureOutcome> {
    let conn = ctx.conn();
    let today = super::today(conn, ctx.now())?;
    let due = super::due(conn, client)?;
    // What keeps data against the client's wish: the journal rule and bookkeeping (not
    // inactivity, which is the clinic's own housekeeping).
    // The journal while its retention runs keeps the record; after it, bookkeeping keeps
    // only what the invoices need.
    let journal = due.journal.clone().filter(|(_, until)| *until > today);
    let bookkeeping = due.bookkeeping.clone().filter(|(_, until)| *until > today);
    let keeping = journal.clone().map(|j| (j, true)).or(bookkeeping.map(|b| (b, false)));
    let by = ctx.actor().staff_id.clone();
    let outcome = match keeping {
        Some(((rule, until), keeps_journal)) => {
            let text = rule_text(&rule);
            let keep = if keeps_journal {
                Keep::Journal { rule: &text, until }
            } else {
                Keep::Invoices { rule: &text, until }
            };
            let removed = purge::erase(conn, client, "request", keep, &by, ctx.now())?;
            purge::optimize_indexes(conn)?;
            ctx.record_object(format!("erasure request kept until {until}: {}", removed.text()));
            ErasureOutcome {
                erased: false,
                kept_by: Some(rule),
                kept_until: Some(until),
                removed: removed.0.iter().map(|(k, n)| ((*k).to_owned(), *n as u32)).collect(),
            }
        }
        None => {
            let removed = purge::erase(conn, client, "request", Keep::Nothing, &by, ctx.now())?;
            purge::optimize_indexes(conn)?;
            ctx.record_object(format!("erasure request: {}", removed.text()));
            ErasureOutcome {
                erased: true,
                kept_by: None,
                kept_until: None,
                removed: removed.0.iter().map(|(k, n)| ((*k).to_owned(), *n as u32)).collect(),
            }
        }
    };
    Ok(outcome)
}

/// The newest refused erasure request of `client`: the rule and the day.
pub(crate) fn last_refusal(conn: &rusqlite::Connection, client: &ClientId) -> Result<(String, NaiveDate, String)> {
    use rusqlite::OptionalExtension;
    let row: Option<(String, String, String)> = conn
        .query_row(
            "SELECT kept_rule, kept_until, decided_at FROM erasures
             WHERE client_id = ?1 AND kind = 'request' AND kept_rule IS NOT NULL ORDER BY decided_at DESC LIMIT 1",
            [client],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (rule, until, at) = row.ok_or(Error::NotFound)?;
    let until = NaiveDate::parse_from_str(&until, "%Y-%m-%d").map_err(|_| Error::Storage("bad day".into()))?;
    Ok((rule, until, at.get(..10).unwrap_or_default().to_owned()))
}

/// The letter to the client (A4 PDF, in the clinic's language): the request was received
/// on `asked`; what went; what stays, under which rule, and from which day it may go.
pub(crate) fn letter(ctx: &GateCtx<'_>, client: &ClientId) -> Result<Vec<u8>> {
    let conn = ctx.conn();
    let (rule, until, asked) = last_refusal(conn, client)?;
    let (clinic, language): (String, String) =
        conn.query_row("SELECT name, language FROM clinic", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let name: String = conn.query_row("SELECT name FROM clients WHERE id = ?1", [client], |r| r.get(0))?;
    let journal = rule.starts_with("journal");
    let lines: Vec<String> = match language.as_str() {
        "sv" => vec![
            "Svar på din begäran om radering".into(),
            format!("{name} — begäran mottagen {asked}"),
            "Vi har raderat dina kontaktuppgifter, bokningar och anhörigas åtkomst.".into(),
            if journal {
                "Din patientjournal måste enligt lag bevaras (patientdatalagen 3 kap. 17 §).".into()
            } else {
                "Utfärdade fakturor måste bevaras enligt bokföringslagen.".into()
            },
            format!("Den får raderas tidigast {until}."),
            "Den används inte till annat än vad lagen kräver.".into(),
            "Grund: dataskyddsförordningen art. 17.3 b och c.".into(),
        ],
        "nb" => vec![
            "Svar på ditt krav om sletting".into(),
            format!("{name} — kravet mottatt {asked}"),
            "Vi har slettet kontaktopplysningene, timeavtalene og pårørendes tilgang.".into(),
            if journal {
                "Pasientjournalen skal etter loven oppbevares (pasientjournalforskriften § 15).".into()
            } else {
                "Utstedte fakturaer skal oppbevares etter bokføringsloven.".into()
            },
            format!("Den kan slettes tidligst {until}."),
            "Den brukes ikke til annet enn det loven krever.".into(),
            "Grunnlag: personvernforordningen art. 17 nr. 3 b og c.".into(),
        ],
        "en" => vec![
            "Reply to your request for erasure".into(),
            format!("{name} — request received {asked}"),
            "We have erased your contact details, appointments and relatives' access.".into(),
            if journal {
                "Your health record must by law be kept for its retention period.".into()
            } else {
                "Issued invoices must by law be kept for bookkeeping.".into()
            },
            format!("It may be erased on {until} at the earliest."),
            "It is used for nothing but what the law requires.".into(),
            "Grounds: GDPR art. 17(3)(b) and (c).".into(),
        ],
        _ => vec![
            "Svar på din anmodning om sletning".into(),
            format!("{name} — anmodning modtaget {asked}"),
            "Vi har slettet dine kontaktoplysninger, aftaler og pårørendes adgang.".into(),
            if journal {
                "Din journal skal efter loven opbevares (journalføringsbekendtgørelsen § 15).".into()
            } else {
                "Udstedte fakturaer skal opbevares efter bogføringsloven.".into()
            },
            format!("Den kan tidligst slettes {until}."),
            "Den bruges ikke til andet, end loven kræver.".into(),
            "Grundlag: databeskyttelsesforordningen art. 17, stk. 3, litra b og c.".into(),
        ],
    };
    let mut page = Page::default();
    let mut y = 780.0;
    page.text(56.0, y, 10.0, true, &clinic);
    y -= 40.0;
    for (i, line) in lines.iter().enumerate() {
        let size = if i == 0 { 14.0 } else { 10.5 };
        page.text(56.0, y, size, i == 0, &pdf::fit(line, 480.0, size));
        y -= if i == 0 { 28.0 } else { 18.0 };
    }
    page.rule(56.0, 540.0, y);
    page.text(56.0, y - 16.0, 8.0, false, &pdf::fit(&rule, 480.0, 8.0));
    pdf::build(vec![page], [0.0, 0.0, 595.0, 842.0], None)
}
