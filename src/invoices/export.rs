//! The bookkeeping export: the invoices, credit notes and payments of a period as CSV for
//! the accounting programs small Nordic clinics use (e-conomic, Dinero, Fortnox, Visma,
//! Fiken all import a semicolon-separated file with a header). UTF-8 with a byte-order
//! mark so that Excel in the Nordic locales reads æ, ø and å; semicolons, because those
//! locales write decimal commas; text cells guarded against formulas.
//!
//! One row per invoice line and one per payment. The columns (README, "Bookkeeping
//! export"): `type;number;date;due_date;client_id;payer;line;description;treatment_date;
//! quantity;unit_price;discount_pct;amount;vat_code;vat_amount;account;method` — amounts
//! in kroner with a decimal comma, `vat_code` `exempt` or `standard25`, `account` the
//! sales account the line books to (`sales_exempt` / `sales_standard`, or `receivable`
//! for a payment), so an accountant maps three names once.

use super::money;
use crate::gate::GateCtx;
use crate::text::csv_cell;
use crate::Result;
use chrono::NaiveDate;
use rusqlite::params;

const HEADER: &str = "type;number;date;due_date;client_id;payer;line;description;treatment_date;quantity;unit_price;discount_pct;amount;vat_code;vat_amount;account;method";

/// The VAT code of a line: exempt, or the standard 25 %.
fn vat_code(standard: bool) -> &'static str {
    match standard {
        true => "standard25",
        false => "exempt",
    }
}

/// The sales account a line books to.
fn account(standard: bool) -> &'static str {
    match standard {
        true => "sales_standard",
        false => "sales_exempt",
    }
}

/// The period's rows (issued invoices and credit notes by issue date, payments by payment
/// date), in number order. Returns the CSV and the number of invoices it covered.
pub(crate) fn csv(ctx: &mut GateCtx<'_>, from: NaiveDate, to: NaiveDate) -> Result<(String, usize)> {
    let (from_s, to_s) = (from.format("%Y-%m-%d").to_string(), to.format("%Y-%m-%d").to_string());
    let mut out = String::from("\u{feff}");
    out.push_str(HEADER);
    out.push_str("\r\n");
    let mut row = |cells: &[(&str, bool)]| {
        for (i, (v, numeric)) in cells.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            csv_cell(&mut out, v, ';', *numeric);
        }
        out.push_str("\r\n");
    };
    let conn = ctx.conn();
    let mut invoices = 0usize;
    let mut stmt = conn.prepare(
        "SELECT i.kind, i.number, i.issued_on, i.due_on, i.client_id,
                CASE WHEN i.payer_kind = 'third_party' THEN i.payer_name ELSE c.name END,
                l.position, l.description, coalesce(l.treatment_on, ''), l.quantity, l.unit_minor, l.discount_pct,
                l.amount_minor, l.vat, l.vat_minor
         FROM invoices i JOIN clients c ON c.id = i.client_id JOIN invoice_lines l ON l.invoice_id = i.id
         WHERE i.status = 'issued' AND i.issued_on BETWEEN ?1 AND ?2
         ORDER BY i.number, l.position",
    )?;
    let mut rows = stmt.query(params![from_s, to_s])?;
    let mut last_number = None;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(0)?;
        let number: i64 = r.get(1)?;
        if last_number != Some(number) {
            invoices += 1;
            last_number = Some(number);
        }
        let vat: String = r.get(13)?;
        let vat_minor: i64 = r.get(14)?;
        let standard = vat == "standard" && vat_minor != 0;
        let cells = [
            (kind, false),
            (number.to_string(), true),
            (r.get::<_, String>(2)?, false),
            (r.get::<_, String>(3)?, false),
            (r.get::<_, String>(4)?, false),
            (r.get::<_, String>(5)?, false),
            (r.get::<_, i64>(6)?.to_string(), true),
            (r.get::<_, String>(7)?, false),
            (r.get::<_, String>(8)?, false),
            (r.get::<_, i64>(9)?.to_string(), true),
            (money::kroner(r.get(10)?), true),
            (r.get::<_, i64>(11)?.to_string(), true),
            (money::kroner(r.get(12)?), true),
            (vat_code(standard).to_string(), false),
            (money::kroner(vat_minor), true),
            (account(standard).to_string(), false),
            (String::new(), false),
        ];
        row(&cells.iter().map(|(v, n)| (v.as_str(), *n)).collect::<Vec<_>>());
    }
    drop(rows);
    let mut stmt = conn.prepare(
        "SELECT i.number, p.paid_on, i.client_id,
                CASE WHEN i.payer_kind = 'third_party' THEN i.payer_name ELSE c.name END, p.amount_minor, p.method
         FROM payments p JOIN invoices i ON i.id = p.invoice_id JOIN clients c ON c.id = i.client_id
         WHERE p.paid_on BETWEEN ?1 AND ?2 ORDER BY p.paid_on, i.number",
    )?;
    let mut rows = stmt.query(params![from_s, to_s])?;
    while let Some(r) = rows.next()? {
        let cells = [
            ("payment".to_string(), false),
            (r.get::<_, i64>(0)?.to_string(), true),
            (r.get::<_, String>(1)?, false),
            (String::new(), false),
            (r.get::<_, String>(2)?, false),
            (r.get::<_, String>(3)?, false),
            (String::new(), true),
            (String::new(), false),
            (String::new(), false),
            (String::new(), true),
            (String::new(), true),
            (String::new(), true),
            (money::kroner(r.get(4)?), true),
            (String::new(), false),
            (String::new(), true),
            ("receivable".to_string(), false),
            (r.get::<_, String>(5)?, false),
        ];
        row(&cells.iter().map(|(v, n)| (v.as_str(), *n)).collect::<Vec<_>>());
    }
    drop(rows);
    ctx.record_object(format!("invoice export {from_s}..{to_s} ({invoices} invoices)"));
    Ok((out, invoices))
}
