//! Moving in: clients from the previous system's CSV (EasyPractice, Planway and
//! spreadsheets export semicolon or comma separated files, in UTF-8 or Windows-1252, with
//! Nordic dates). A preview shows the columns and the first rows and suggests which column
//! is which; a dry run lists every row that would be refused and why (a bad national ID or
//! date, a duplicate, a missing name); the import is all or nothing — one refused row and
//! nothing is imported — in one transaction with one audit event carrying the counts (each
//! imported client's access log shows it). Imported clients get the clinic's default access
//! for new clients, as if typed in.

use crate::clients::ClientInput;
use crate::gate::GateCtx;
use crate::{Error, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The largest file taken (a clinic of 100,000 clients fits several times).
pub const MAX_BYTES: usize = 50 * 1024 * 1024;
/// The most rows one import takes.
pub const MAX_ROWS: usize = 200_000;

/// What a column holds.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ImportField {
    Name,
    FirstName,
    LastName,
    Phone,
    Email,
    BirthDate,
    Address,
    NationalId,
    Note,
}

stored_text!(ImportField);

/// One column chosen for a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Mapping {
    pub field: ImportField,
    /// The column's heading as in the file's first row.
    pub column: String,
}

/// The file as read: its columns, the first rows, and a suggested mapping.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Preview {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// "utf-8" or "windows-1252".
    pub encoding: String,
    /// ";" "," or "\t".
    pub separator: String,
    pub suggested: Vec<Mapping>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub total_rows: usize,
}

/// A row that is refused, by its line in the file (the heading is line 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Refusal {
    pub row: u32,
    pub reason: String,
}

/// What an import (or a dry run) found and did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub dry_run: bool,
    pub rows: u32,
    pub imported: u32,
    pub refused: Vec<Refusal>,
}

struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    /// The line in the file each row starts on (the heading is line 1).
    lines: Vec<u32>,
    encoding: &'static str,
    separator: u8,
}

/// Decodes (UTF-8 with or without a byte-order mark, else Windows-1252) and parses.
fn read(bytes: &[u8]) -> Result<Table> {
    if bytes.len() > MAX_BYTES {
        return Err(Error::invalid("the file is larger than 50 MB"));
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let (text, encoding) = match std::str::from_utf8(bytes) {
        Ok(t) => (t.to_owned(), "utf-8"),
        Err(_) => (encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(), "windows-1252"),
    };
    let first = text.lines().next().unwrap_or("");
    let separator =
        [b';', b',', b'\t'].into_iter().max_by_key(|s| first.bytes().filter(|b| b == s).count()).unwrap_or(b';');
    let mut reader =
        csv::ReaderBuilder::new().delimiter(separator).flexible(true).has_headers(false).from_reader(text.as_bytes());
    let mut records = reader.records();
    let columns: Vec<String> = match records.next() {
        Some(r) => r
            .map_err(|e| Error::invalid(format!("the file is not CSV: {e}")))?
            .iter()
            .map(|c| c.trim().to_owned())
            .collect(),
        None => return Err(Error::invalid("the file is empty")),
    };
    if columns.iter().all(|c| c.is_empty()) {
        return Err(Error::invalid("the first row must name the columns"));
    }
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for r in records {
        let r = r.map_err(|e| Error::invalid(format!("the file is not CSV: {e}")))?;
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // The line a spreadsheet shows: line breaks before the record's first byte, plus one.
        let byte = r.position().map(|p| usize::try_from(p.byte()).unwrap_or(usize::MAX)).unwrap_or(0);
        // (After a CR LF ending the reader's position is still on the LF: it belongs before.)
        let byte = byte + usize::from(text.as_bytes().get(byte) == Some(&b'\n'));
        let before = text.as_bytes().get(..byte.min(text.len())).unwrap_or_default();
        lines.push(u32::try_from(before.iter().filter(|b| **b == b'\n').count() + 1).unwrap_or(u32::MAX));
        rows.push(r.iter().map(|c| c.trim().to_owned()).collect());
        if rows.len() > MAX_ROWS {
            return Err(Error::invalid("more than 200,000 rows: split the file"));
        }
    }
    Ok(Table { columns, rows, lines, encoding, separator })
}

/// The field a heading most likely holds (Danish, Swedish, Norwegian and English exports).
fn guess(heading: &str) -> Option<ImportField> {
    let h = heading.to_lowercase().replace(['-', '_', '.'], " ");
    let h = h.trim();
    let any = |words: &[&str]| words.contains(&h);
    Some(
        if any(&[
            "navn",
            "namn",
            "name",
            "fulde navn",
            "fullständigt namn",
            "fullt navn",
            "full name",
            "klient",
            "kunde",
        ]) {
            ImportField::Name
        } else if any(&["fornavn", "förnamn", "first name", "firstname", "given name"]) {
            ImportField::FirstName
        } else if any(&["efternavn", "efternamn", "etternavn", "last name", "lastname", "surname", "family name"]) {
            ImportField::LastName
        } else if any(&["telefon", "tlf", "tlf nr", "mobil", "mobilnummer", "telefonnummer", "phone", "mobile"]) {
            ImportField::Phone
        } else if any(&["email", "e mail", "e post", "epost", "mail"]) {
            ImportField::Email
        } else if any(&[
            "fødselsdato",
            "födelsedatum",
            "födelsedag",
            "birth date",
            "birthdate",
            "date of birth",
            "fødselsdag",
        ]) {
            ImportField::BirthDate
        } else if any(&["adresse", "adress", "address", "gade", "gatuadress"]) {
            ImportField::Address
        } else if any(&["cpr", "cpr nr", "cpr nummer", "personnummer", "fødselsnummer", "personnr", "national id"]) {
            ImportField::NationalId
        } else if any(&["note", "notat", "notater", "anteckning", "bemærkning", "kommentar", "comment"]) {
            ImportField::Note
        } else {
            return None;
        },
    )
}

/// Reads the file and suggests a mapping (no client data is stored; nothing is audited
/// beyond the gate's one event).
pub(crate) fn preview(bytes: &[u8]) -> Result<Preview> {
    let t = read(bytes)?;
    let mut seen = HashSet::new();
    let suggested = t
        .columns
        .iter()
        .filter_map(|c| guess(c).filter(|f| seen.insert(*f)).map(|field| Mapping { field, column: c.clone() }))
        .collect();
    Ok(Preview {
        total_rows: t.rows.len(),
        rows: t.rows.iter().take(5).cloned().collect(),
        columns: t.columns,
        encoding: t.encoding.into(),
        separator: (t.separator as char).to_string(),
        suggested,
    })
}

/// A date as Nordic spreadsheets write it (31-12-1980, 31.12.1980, 31/12/1980, 1980-12-31),
/// as YYYY-MM-DD.
fn nordic_date(s: &str) -> Option<String> {
    ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%Y."]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s.trim(), f).ok())
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// Runs the import (or only checks it, `dry_run`).
pub(crate) fn import(ctx: &mut GateCtx<'_>, bytes: &[u8], mapping: &[Mapping], dry_run: bool) -> Result<ImportReport> {
    let t = read(bytes)?;
    let mut index = Vec::new();
    for m in mapping {
        let Some(i) = t.columns.iter().position(|c| c == &m.column) else {
            return Err(Error::invalid(format!("the file has no column \"{}\"", m.column)));
        };
        if index.iter().any(|(f, _)| *f == m.field) {
            return Err(Error::invalid(format!("{} is mapped twice", m.field.as_str())));
        }
        index.push((m.field, i));
    }
    let has = |f: ImportField| index.iter().any(|(g, _)| *g == f);
    if !(has(ImportField::Name) || has(ImportField::FirstName) || has(ImportField::LastName)) {
        return Err(Error::invalid("map a column to the name (or to first and last name)"));
    }
    let national_ids = crate::settings::national_id_mode(ctx.conn())?;
    if has(ImportField::NationalId) && !national_ids {
        return Err(Error::invalid("national IDs are kept only in the journals-with-national-ID mode"));
    }
    let mut refused = Vec::new();
    let mut accepted: Vec<ClientInput> = Vec::new();
    let mut keys: HashSet<String> = HashSet::new();
    // The clinic's clients as the same keys, read once (an import may hold 50,000 rows).
    let existing: HashSet<String> = {
        let mut stmt = ctx.conn().prepare("SELECT name, email, phone, coalesce(birth_date, '') FROM clients")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        let mut out = HashSet::new();
        for row in rows {
            let (name, email, phone, birth) = row?;
            let name = name.to_lowercase();
            for (kind, v) in [("email", email), ("phone", phone), ("birth", birth)] {
                if !v.is_empty() {
                    out.insert(format!("{kind}:{name}:{}", v.to_lowercase()));
                }
            }
        }
        out
    };
    for (n, row) in t.rows.iter().enumerate() {
        let line = t.lines.get(n).copied().unwrap_or(n as u32 + 2);
        let cell = |f: ImportField| -> String {
            index.iter().find(|(g, _)| *g == f).and_then(|(_, i)| row.get(*i)).cloned().unwrap_or_default()
        };
        let name = match (cell(ImportField::Name), cell(ImportField::FirstName), cell(ImportField::LastName)) {
            (n, _, _) if !n.is_empty() => n,
            (_, f, l) => format!("{f} {l}").trim().to_owned(),
        };
        let birth = cell(ImportField::BirthDate);
        let birth_date = if birth.is_empty() {
            String::new()
        } else if let Some(d) = nordic_date(&birth) {
            d
        } else {
            refused.push(Refusal { row: line, reason: format!("birth date \"{birth}\" is not a date") });
            continue;
        };
        let nid = cell(ImportField::NationalId);
        let input = ClientInput {
            name,
            phone: cell(ImportField::Phone),
            email: cell(ImportField::Email),
            birth_date,
            // Exports keep an address on several lines; the record keeps it on one.
            address: cell(ImportField::Address)
                .split(['\r', '\n'])
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
            reception_note: cell(ImportField::Note),
            inactive: false,
            national_id: (!nid.is_empty()).then_some(nid),
        };
        let checked = match crate::clients::check_new(ctx, &input) {
            Ok(c) => c,
            Err(e) => {
                refused.push(Refusal { row: line, reason: reason(&e) });
                continue;
            }
        };
        // The same person twice: the same national ID, or the same name with the same
        // email, phone or birth date (in the file or already in the clinic).
        let mut row_keys = Vec::new();
        if let Some(n) = &checked.national_id {
            row_keys.push(format!("nid:{n}"));
        }
        let lower = checked.name.to_lowercase();
        for (kind, v) in [("email", &checked.email), ("phone", &checked.phone), ("birth", &checked.birth_date)] {
            if !v.is_empty() {
                row_keys.push(format!("{kind}:{lower}:{}", v.to_lowercase()));
            }
        }
        if row_keys.iter().any(|k| keys.contains(k)) {
            refused.push(Refusal { row: line, reason: "duplicate: the same client is on an earlier row".into() });
            continue;
        }
        if row_keys.iter().any(|k| existing.contains(k)) {
            refused.push(Refusal { row: line, reason: "duplicate: the clinic already has this client".into() });
            continue;
        }
        keys.extend(row_keys);
        accepted.push(input);
    }
    let rows = t.rows.len() as u32;
    if dry_run || !refused.is_empty() {
        ctx.record_object(format!(
            "import{} rows={rows} refused={}",
            if dry_run { " dry run" } else { " refused" },
            refused.len()
        ));
        return Ok(ImportReport { dry_run, rows, imported: 0, refused });
    }
    for input in &accepted {
        let id = crate::clients::insert_imported(ctx, input)?;
        ctx.record_shown(id);
    }
    ctx.record_object(format!("import rows={rows} imported={}", accepted.len()));
    Ok(ImportReport { dry_run, rows, imported: accepted.len() as u32, refused })
}

/// A refusal's reason in a row's words.
fn reason(e: &Error) -> String {
    match e {
        Error::Invalid(m) => m.clone(),
        Error::DuplicateNationalId(_) | Error::Conflict(_) => "duplicate: another client has this national ID".into(),
        other => other.to_string(),
    }
}
