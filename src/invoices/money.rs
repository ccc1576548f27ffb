//! Money as integers of øre/öre, never floating point. A line is quantity × the unit
//! price (VAT included, as Nordic consumer prices are), less a whole-percent discount,
//! rounded half away from zero to whole øre. The VAT in a standard-rate line is
//! 25/125 of it, rounded the same way, per line; an invoice's totals are the sums of its
//! lines, so the lines always add up to the total printed under them.

use crate::calendar::services::Vat;

/// The standard VAT rate in Denmark, Sweden and Norway: 25 %, in basis points.
pub const STANDARD_RATE_BP: i64 = 2500;

/// `n / d` rounded half away from zero (`d` > 0).
pub fn div_round(n: i64, d: i64) -> i64 {
    let (q, r) = (n / d, n % d);
    if 2 * r.abs() >= d {
        q + n.signum()
    } else {
        q
    }
}

/// What one line costs: `quantity` × `unit_minor` less `discount_pct` percent.
pub fn line_amount(quantity: i64, unit_minor: i64, discount_pct: i64) -> i64 {
    div_round(quantity * unit_minor * (100 - discount_pct), 100)
}

/// The VAT contained in `amount` (VAT included) of a line of class `vat`, when the clinic
/// charges VAT at all.
pub fn vat_in(amount: i64, vat: Vat, vat_registered: bool) -> i64 {
    match (vat, vat_registered) {
        (Vat::Standard, true) => div_round(amount * STANDARD_RATE_BP, 10_000 + STANDARD_RATE_BP),
        _ => 0,
    }
}

/// An invoice's sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Totals {
    /// What the payer pays, VAT included.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub total_minor: i64,
    /// The VAT in it.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub vat_minor: i64,
    /// The standard-rate lines without their VAT (the VAT base).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub vat_base_minor: i64,
    /// The VAT-exempt lines.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub exempt_minor: i64,
}

/// Sums lines given as (amount, VAT in it, class).
pub fn totals(lines: impl IntoIterator<Item = (i64, i64, Vat)>) -> Totals {
    let mut t = Totals::default();
    for (amount, vat, class) in lines {
        t.total_minor += amount;
        t.vat_minor += vat;
        match class {
            Vat::Standard if vat != 0 => t.vat_base_minor += amount - vat,
            _ => t.exempt_minor += amount,
        }
    }
    t
}

/// Øre as kroner with a decimal comma and no grouping (`1234,56`, `-0,05`): how the
/// spreadsheet exports write amounts.
pub fn kroner(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{},{:02}", minor.abs() / 100, minor.abs() % 100)
}

/// Øre as the invoice prints them: `1.234,50` (Danish and Norwegian separators) or
/// `1 234,50` (Swedish), with a minus for credit notes.
pub fn format(minor: i64, language: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let (whole, part) = (minor.abs() / 100, minor.abs() % 100);
    let digits = whole.to_string();
    let group = if language == "sv" || language == "nb" { ' ' } else { '.' };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    format!("{sign}{grouped},{part:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round(5, 10), 1);
        assert_eq!(div_round(4, 10), 0);
        assert_eq!(div_round(-5, 10), -1);
        assert_eq!(div_round(-4, 10), 0);
        assert_eq!(div_round(15, 10), 2);
    }

    #[test]
    fn lines_round_per_line_against_hand_computed_cases() {
        // 3 × 333,33 kr = 999,99 kr; less 10 % = 899,991 → 899,99.
        assert_eq!(line_amount(3, 33_333, 10), 89_999);
        // 1 × 99,95 kr less 15 % = 84,9575 → 84,96.
        assert_eq!(line_amount(1, 9_995, 15), 8_496);
        // 2 × 0,05 kr less 50 % = 0,05.
        assert_eq!(line_amount(2, 5, 50), 5);
        // 1 × 0,01 kr less 50 % = 0,005 → 0,01 (half away from zero).
        assert_eq!(line_amount(1, 1, 50), 1);
        // A credit note's line: the same amount, negative.
        assert_eq!(line_amount(-3, 33_333, 10), -89_999);
        assert_eq!(line_amount(4, 45_000, 100), 0);
    }

    #[test]
    fn vat_is_a_fifth_of_a_standard_line_rounded_per_line() {
        // 125,00 kr with 25 % VAT holds 25,00 kr.
        assert_eq!(vat_in(12_500, Vat::Standard, true), 2_500);
        // 99,99 kr holds 19,998 → 20,00.
        assert_eq!(vat_in(9_999, Vat::Standard, true), 2_000);
        // 0,03 kr holds 0,006 → 0,01.
        assert_eq!(vat_in(3, Vat::Standard, true), 1);
        assert_eq!(vat_in(-9_999, Vat::Standard, true), -2_000);
        assert_eq!(vat_in(12_500, Vat::Exempt, true), 0);
        assert_eq!(vat_in(12_500, Vat::Standard, false), 0, "a clinic not registered charges none");
    }

    #[test]
    fn an_invoice_is_the_sum_of_its_rounded_lines() {
        // Three standard lines of 33,33 kr: VAT 6,67 kr each (6,666 rounded) = 20,01 kr,
        // where VAT on the sum (99,99 kr) would be 20,00 kr: the lines are what adds up.
        let line = (3_333, vat_in(3_333, Vat::Standard, true), Vat::Standard);
        assert_eq!(line.1, 667);
        let exempt = (45_000, 0, Vat::Exempt);
        let t = totals([line, line, line, exempt]);
        assert_eq!(t, Totals { total_minor: 54_999, vat_minor: 2_001, vat_base_minor: 7_998, exempt_minor: 45_000 });
        assert_eq!(t.vat_base_minor + t.vat_minor + t.exempt_minor, t.total_minor);
    }

    #[test]
    fn kroner_have_a_decimal_comma_and_a_sign() {
        assert_eq!(kroner(123_456), "1234,56");
        assert_eq!(kroner(-5), "-0,05");
        assert_eq!(kroner(0), "0,00");
    }

    #[test]
    fn amounts_print_with_nordic_separators() {
        assert_eq!(format(123_450, "da"), "1.234,50");
        assert_eq!(format(123_450, "sv"), "1 234,50");
        assert_eq!(format(-5, "da"), "-0,05");
        assert_eq!(format(100_000_000, "en"), "1.000.000,00");
    }
}
