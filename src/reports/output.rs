//! A report as a file: CSV (UTF-8 with a byte-order mark and semicolons, so Excel in the
//! Nordic locales opens it; text cells guarded against formulas; amounts in kroner with a
//! decimal comma) or a printable PDF table with the column names in the clinic's language.

use super::{CellKind, Report};
use crate::invoices::money::kroner;
use crate::pdf::{self, Page};
use crate::text::csv_cell;
use crate::Result;

/// The report as CSV; the header holds the column keys.
pub fn csv(report: &Report) -> String {
    let mut out = String::from("\u{feff}");
    let header: Vec<&str> = report.columns.iter().map(|c| c.key).collect();
    out.push_str(&header.join(";"));
    out.push_str("\r\n");
    for row in &report.rows {
        for (i, (cell, col)) in row.iter().zip(&report.columns).enumerate() {
            if i > 0 {
                out.push(';');
            }
            match col.kind {
                CellKind::Money => csv_cell(&mut out, &kroner(cell.parse().unwrap_or(0)), ';', true),
                CellKind::Count => csv_cell(&mut out, cell, ';', true),
                _ => csv_cell(&mut out, cell, ';', false),
            }
        }
        out.push_str("\r\n");
    }
    out
}

/// A column's name in `language`.
pub fn label(key: &str, language: &str) -> &'static str {
    let (da, sv, nb, en) = match key {
        "date" => ("Dato", "Datum", "Dato", "Date"),
        "time" => ("Tid", "Tid", "Tid", "Time"),
        "client" => ("Klient", "Klient", "Klient", "Client"),
        "service" => ("Ydelse", "Tjänst", "Tjeneste", "Service"),
        "practitioner" => ("Behandler", "Behandlare", "Behandler", "Practitioner"),
        "status" => ("Status", "Status", "Status", "Status"),
        "minutes" => ("Minutter", "Minuter", "Minutter", "Minutes"),
        "done" => ("Gennemført", "Genomförda", "Gjennomført", "Done"),
        "no_shows" => ("Udeblevet", "Uteblivna", "Uteblitt", "No-shows"),
        "cancelled" => ("Aflyst", "Avbokade", "Avbestilt", "Cancelled"),
        "late_cancellations" => ("Sent aflyst", "Sena avbokningar", "Sent avbestilt", "Late cancellations"),
        "late" => ("Sent", "Sen", "Sent", "Late"),
        "created_by" => ("Oprettet af", "Skapad av", "Opprettet av", "Created by"),
        "lines" => ("Linjer", "Rader", "Linjer", "Lines"),
        "amount" => ("Beløb", "Belopp", "Beløp", "Amount"),
        "vat" => ("Moms", "Moms", "Mva.", "VAT"),
        _ => ("", "", "", ""),
    };
    match language {
        "sv" => sv,
        "nb" => nb,
        "en" => en,
        _ => da,
    }
}

/// The report as a printable PDF (A4 landscape), the clinic's name and the period on top.
pub fn pdf(report: &Report, clinic: &str, language: &str) -> Result<Vec<u8>> {
    const WIDTH: f32 = 842.0;
    const LEFT: f32 = 40.0;
    const RIGHT: f32 = WIDTH - 40.0;
    let n = report.columns.len().max(1) as f32;
    let step = (RIGHT - LEFT) / n;
    let numeric = |k: CellKind| matches!(k, CellKind::Count | CellKind::Money);
    let header = |p: &mut Page, y: f32| {
        for (i, c) in report.columns.iter().enumerate() {
            let x = LEFT + step * i as f32;
            if numeric(c.kind) {
                p.right(x + step - 8.0, y, 9.0, true, label(c.key, language));
            } else {
                p.text(x, y, 9.0, true, label(c.key, language));
            }
        }
        p.rule(LEFT, RIGHT, y - 5.0);
    };
    let mut pages = vec![Page::default()];
    let mut y = 555.0;
    {
        let p = pages.last_mut().expect("a page");
        p.text(LEFT, y, 14.0, true, &report.name);
        p.right(RIGHT, y, 9.0, false, clinic);
        y -= 16.0;
        p.text(LEFT, y, 9.5, false, &format!("{} – {}", report.from, report.to));
        y -= 28.0;
        header(p, y);
        y -= 18.0;
    }
    for row in &report.rows {
        if y < 40.0 {
            pages.push(Page::default());
            y = 555.0;
            let p = pages.last_mut().expect("the new page");
            header(p, y);
            y -= 18.0;
        }
        let p = pages.last_mut().expect("a page");
        for (i, (cell, c)) in row.iter().zip(&report.columns).enumerate() {
            let x = LEFT + step * i as f32;
            match c.kind {
                CellKind::Money => p.right(x + step - 8.0, y, 9.0, false, &kroner(cell.parse().unwrap_or(0))),
                CellKind::Count => p.right(x + step - 8.0, y, 9.0, false, cell),
                _ => p.text(x, y, 9.0, false, &pdf::fit(cell, step - 10.0, 9.0)),
            }
        }
        y -= 13.0;
    }
    let count = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        page.right(RIGHT, 20.0, 8.0, false, &format!("{} / {count}", i + 1));
    }
    pdf::build(pages, [0.0, 0.0, WIDTH, 595.0], None)
}
