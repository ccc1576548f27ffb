//! The invoice as a PDF: an A4 page (more when the lines need them) laid out like a Nordic
//! invoice, in the invoice's language, and — when the clinic protects its invoices —
//! encrypted with AES-256 under the PDF 2.0 standard security handler (revision 6), so
//! that any PDF reader asks for the client's PIN. The owner password is random and
//! thrown away: nobody, Klinik included, opens the file without the PIN; Klinik makes a
//! new PDF from the invoice's rows when one is needed again.
//!
//! A six-digit PIN is what the seed's clinics hand their clients; it keeps a forwarded or
//! intercepted invoice closed to a casual reader, not to someone who tries a million
//! PINs against the file (see docs/SECURITY.md).
//!
//! Pages are drawn with the shared PDF writer (src/pdf.rs): standard Helvetica fonts,
//! WinAnsi encoding.

use super::{money, Invoice, Kind, Profile};
use crate::calendar::services::Vat;
use crate::pdf::{build, fit, Page};
use crate::Result;

struct Labels {
    invoice: &'static str,
    credit_note: &'static str,
    number: &'static str,
    date: &'static str,
    due: &'static str,
    credits: &'static str,
    reference: &'static str,
    patient: &'static str,
    born: &'static str,
    treatment: &'static str,
    description: &'static str,
    quantity: &'static str,
    price: &'static str,
    discount: &'static str,
    amount: &'static str,
    exempt: &'static str,
    vat_base: &'static str,
    vat: &'static str,
    total: &'static str,
    pay_by: &'static str,
    pay_to: &'static str,
    quote: &'static str,
    provider: &'static str,
    page: &'static str,
}

fn labels(language: &str) -> Labels {
    match language {
        "sv" => Labels {
            invoice: "FAKTURA",
            credit_note: "KREDITFAKTURA",
            number: "Fakturanr.",
            date: "Fakturadatum",
            due: "Förfallodatum",
            credits: "Krediterar faktura nr.",
            reference: "Referens",
            patient: "Patient",
            born: "född",
            treatment: "Datum",
            description: "Beskrivning",
            quantity: "Antal",
            price: "Pris",
            discount: "Rabatt",
            amount: "Belopp",
            exempt: "Momsfritt",
            vat_base: "Momspliktigt belopp",
            vat: "Moms 25 %",
            total: "Att betala",
            pay_by: "Betalas senast",
            pay_to: "till",
            quote: "ange fakturanr.",
            provider: "Vårdgivarnummer",
            page: "Sida",
        },
        "nb" => Labels {
            invoice: "FAKTURA",
            credit_note: "KREDITNOTA",
            number: "Fakturanr.",
            date: "Fakturadato",
            due: "Forfallsdato",
            credits: "Krediterer faktura nr.",
            reference: "Referanse",
            patient: "Pasient",
            born: "født",
            treatment: "Dato",
            description: "Beskrivelse",
            quantity: "Antall",
            price: "Pris",
            discount: "Rabatt",
            amount: "Beløp",
            exempt: "Fritatt for mva.",
            vat_base: "Mva-grunnlag",
            vat: "Mva. 25 %",
            total: "Å betale",
            pay_by: "Betales innen",
            pay_to: "til",
            quote: "oppgi fakturanr.",
            provider: "Ytelsesnummer",
            page: "Side",
        },
        "en" => Labels {
            invoice: "INVOICE",
            credit_note: "CREDIT NOTE",
            number: "Invoice no.",
            date: "Date",
            due: "Due date",
            credits: "Credits invoice no.",
            reference: "Reference",
            patient: "Patient",
            born: "born",
            treatment: "Date",
            description: "Description",
            quantity: "Qty",
            price: "Price",
            discount: "Discount",
            amount: "Amount",
            exempt: "VAT exempt",
            vat_base: "VAT base",
            vat: "VAT 25 %",
            total: "Total",
            pay_by: "Pay by",
            pay_to: "to",
            quote: "quote invoice no.",
            provider: "Provider number",
            page: "Page",
        },
        _ => Labels {
            invoice: "FAKTURA",
            credit_note: "KREDITNOTA",
            number: "Fakturanr.",
            date: "Fakturadato",
            due: "Forfaldsdato",
            credits: "Krediterer faktura nr.",
            reference: "Reference",
            patient: "Patient",
            born: "født",
            treatment: "Dato",
            description: "Beskrivelse",
            quantity: "Antal",
            price: "Pris",
            discount: "Rabat",
            amount: "Beløb",
            exempt: "Momsfrit",
            vat_base: "Momsgrundlag",
            vat: "Moms 25 %",
            total: "I alt",
            pay_by: "Betales senest",
            pay_to: "til",
            quote: "angiv fakturanr.",
            provider: "Ydernummer",
            page: "Side",
        },
    }
}

/// The words the country's VAT law asks for on an invoice with exempt health services.
pub fn exemption_text(country: &str) -> &'static str {
    match country {
        "se" => "Momsfri sjukvård enligt mervärdesskattelagen.",
        "no" => "Helsetjenester unntatt fra merverdiavgift, jf. merverdiavgiftsloven § 3-2.",
        _ => "Momsfri sundhedsydelse, jf. momslovens § 13, stk. 1, nr. 1.",
    }
}

fn currency(country: &str) -> &'static str {
    match country {
        "se" => "SEK",
        "no" => "NOK",
        _ => "DKK",
    }
}

fn org_label(country: &str) -> &'static str {
    match country {
        "se" => "Org.nr.",
        "no" => "Org.nr.",
        _ => "CVR-nr.",
    }
}

const LEFT: f32 = 50.0;
const RIGHT: f32 = 545.0;

fn lines_header(p: &mut Page, l: &Labels, y: f32) {
    p.text(LEFT, y, 9.0, true, l.treatment);
    p.text(LEFT + 70.0, y, 9.0, true, l.description);
    p.right(345.0, y, 9.0, true, l.quantity);
    p.right(420.0, y, 9.0, true, l.price);
    p.right(470.0, y, 9.0, true, l.discount);
    p.right(RIGHT, y, 9.0, true, l.amount);
    p.rule(LEFT, RIGHT, y - 5.0);
}

/// Renders `inv` (issued) with the clinic's `profile`; encrypted with `password` when given.
pub fn render(inv: &Invoice, profile: &Profile, country: &str, password: Option<&str>) -> Result<Vec<u8>> {
    let l = labels(&inv.language);
    let lang = inv.language.as_str();
    let cur = currency(country);
    let mut pages: Vec<Page> = vec![Page::default()];
    let p = pages.last_mut().expect("a first page");

    // The clinic, top left; the invoice's title and numbers, top right.
    let mut y = 790.0;
    p.text(LEFT, y, 15.0, true, &profile.legal_name);
    for line in profile.address.lines().take(4) {
        y -= 13.0;
        p.text(LEFT, y, 9.5, false, line);
    }
    if !profile.org_number.is_empty() {
        y -= 13.0;
        // Norway's invoices name VAT registration after the number ("MVA").
        let mva = if country == "no" && profile.vat_registered { " MVA" } else { "" };
        p.text(LEFT, y, 9.5, false, &format!("{} {}{mva}", org_label(country), profile.org_number));
    }
    if !profile.provider_number.is_empty() {
        y -= 13.0;
        p.text(LEFT, y, 9.5, false, &format!("{} {}", l.provider, profile.provider_number));
    }
    let title = if inv.kind == Kind::CreditNote { l.credit_note } else { l.invoice };
    p.right(RIGHT, 790.0, 18.0, true, title);
    let number = inv.number.map(|n| n.to_string()).unwrap_or_default();
    let mut ry = 770.0;
    for (label, value) in [
        (l.number, number.as_str()),
        (l.date, inv.issued_on.as_deref().unwrap_or("")),
        (
            if inv.kind == Kind::Invoice { l.due } else { "" },
            if inv.kind == Kind::Invoice { inv.due_on.as_deref().unwrap_or("") } else { "" },
        ),
    ] {
        if label.is_empty() {
            continue;
        }
        p.right(RIGHT, ry, 9.5, false, &format!("{label}: {value}"));
        ry -= 13.0;
    }
    if let Some(n) = inv.credits_number {
        p.right(RIGHT, ry, 9.5, false, &format!("{} {n}", l.credits));
    }

    // The payer; for a third party also the patient.
    y = y.min(700.0) - 30.0;
    let payer_name = if inv.payer.third_party { inv.payer.name.as_str() } else { inv.client_name.as_str() };
    p.text(LEFT, y, 11.0, true, payer_name);
    let address = if inv.payer.third_party { &inv.payer.address } else { &inv.client_address };
    for line in address.lines().take(4) {
        y -= 13.0;
        p.text(LEFT, y, 9.5, false, line);
    }
    if !inv.payer.reference.is_empty() {
        y -= 13.0;
        p.text(LEFT, y, 9.5, false, &format!("{}: {}", l.reference, inv.payer.reference));
    }
    if inv.payer.third_party {
        y -= 13.0;
        let born = inv.client_birth_date.as_deref().map(|b| format!(", {} {b}", l.born)).unwrap_or_default();
        p.text(LEFT, y, 9.5, false, &format!("{}: {}{born}", l.patient, inv.client_name));
    }

    // The lines, on as many pages as they need.
    y -= 40.0;
    lines_header(p, &l, y);
    y -= 20.0;
    for line in &inv.lines {
        if y < 170.0 {
            pages.push(Page::default());
            y = 790.0;
            let p = pages.last_mut().expect("the new page");
            lines_header(p, &l, y);
            y -= 20.0;
        }
        let p = pages.last_mut().expect("a page");
        p.text(LEFT, y, 9.5, false, line.treatment_on.as_deref().unwrap_or(""));
        p.text(LEFT + 70.0, y, 9.5, false, &fit(&line.description, 190.0, 9.5));
        p.right(345.0, y, 9.5, false, &line.quantity.to_string());
        p.right(420.0, y, 9.5, false, &money::format(line.unit_minor, lang));
        if line.discount_pct > 0 {
            p.right(470.0, y, 9.5, false, &format!("{} %", line.discount_pct));
        }
        p.right(RIGHT, y, 9.5, false, &money::format(line.amount_minor, lang));
        y -= 15.0;
    }

    // The totals: exempt, VAT base and VAT apart, and what is to be paid.
    let p = pages.last_mut().expect("a page");
    p.rule(330.0, RIGHT, y + 5.0);
    y -= 10.0;
    let t = inv.totals;
    let mut sums: Vec<(&str, i64, bool)> = Vec::new();
    if t.exempt_minor != 0 {
        sums.push((l.exempt, t.exempt_minor, false));
    }
    if t.vat_minor != 0 {
        sums.push((l.vat_base, t.vat_base_minor, false));
        sums.push((l.vat, t.vat_minor, false));
    }
    let total_label = format!("{} {cur}", l.total);
    sums.push((&total_label, t.total_minor, true));
    for (label, amount, bold) in sums {
        p.text(330.0, y, 10.0, bold, label);
        p.right(RIGHT, y, 10.0, bold, &money::format(amount, lang));
        y -= 15.0;
    }

    // What the law and the payer need: the exemption, how to pay, the clinic's words.
    y -= 15.0;
    if inv.lines.iter().any(|line| line.vat == Vat::Exempt) {
        p.text(LEFT, y, 9.0, false, exemption_text(country));
        y -= 13.0;
    }
    if inv.kind == Kind::Invoice {
        let account = [profile.bank_account.as_str(), profile.iban.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(" / IBAN ");
        let due = inv.due_on.as_deref().unwrap_or("");
        let to = if account.is_empty() { String::new() } else { format!(" {} {account}", l.pay_to) };
        p.text(LEFT, y, 9.0, false, &format!("{} {due}{to}, {} {number}.", l.pay_by, l.quote));
        y -= 13.0;
    }
    for line in profile.footer.lines().take(6) {
        p.text(LEFT, y, 9.0, false, line);
        y -= 12.0;
    }

    let count = pages.len();
    if count > 1 {
        for (i, page) in pages.iter_mut().enumerate() {
            page.right(RIGHT, 30.0, 8.0, false, &format!("{} {} / {count}", l.page, i + 1));
        }
    }
    build(pages, [0.0, 0.0, 595.0, 842.0], password)
}
