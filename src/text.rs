//! One set of rules for every piece of text a person types and Klinik keeps: names, notes,
//! titles, journal text, reasons, template labels. Before, four validators applied four
//! different rules (one normalised Unicode, one refused control characters, one neither).
//!
//! Every text is stored in Unicode NFC (so "å" typed as one character or as "a" + ring
//! is the same name and the same search term), trimmed, measured in characters (not
//! bytes), and refused with a clear message when it is missing, too long or carries
//! control characters — on one line none at all, in running text only line breaks and
//! tabs.

use crate::{Error, Result};
use unicode_normalization::UnicodeNormalization;

/// What one field accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rule {
    /// The field's name in the English message (the UI shows its own translation).
    pub field: &'static str,
    /// At least this many characters (0: the field may be empty).
    pub min: usize,
    pub max: usize,
    /// Running text (line breaks and tabs allowed) rather than one line.
    pub multiline: bool,
}

impl Rule {
    /// A required single line of at most `max` characters.
    pub const fn line(field: &'static str, max: usize) -> Self {
        Rule { field, min: 1, max, multiline: false }
    }
    /// An optional single line.
    pub const fn optional_line(field: &'static str, max: usize) -> Self {
        Rule { field, min: 0, max, multiline: false }
    }
    /// Optional running text.
    pub const fn text(field: &'static str, max: usize) -> Self {
        Rule { field, min: 0, max, multiline: true }
    }
    /// This text must have at least `min` characters.
    pub const fn at_least(self, min: usize) -> Self {
        Rule { min, ..self }
    }
}

/// `s` as Klinik keeps it (NFC, trimmed), or why not.
pub(crate) fn clean(s: &str, rule: Rule) -> Result<String> {
    let nfc: String = s.nfc().collect();
    let t = nfc.trim();
    let chars = t.chars().count();
    let field = rule.field;
    if chars == 0 && rule.min > 0 {
        return Err(Error::invalid(format!("{field} is required")));
    }
    if chars < rule.min {
        return Err(Error::invalid(format!("{field} needs at least {} characters", rule.min)));
    }
    if chars > rule.max {
        return Err(Error::invalid(format!("{field} is too long (at most {} characters)", rule.max)));
    }
    let allowed = |c: char| rule.multiline && matches!(c, '\n' | '\r' | '\t');
    if t.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(Error::invalid(format!("{field} contains control characters")));
    }
    Ok(t.to_owned())
}

/// Appends one CSV cell (RFC 4180, separated by `sep`). A cell a spreadsheet would run
/// as a formula is prefixed with a quote, so exported text can never execute; numbers
/// pass as they are (`numeric`), a minus sign included.
pub(crate) fn csv_cell(out: &mut String, v: &str, sep: char, numeric: bool) {
    let guarded;
    let v = if !numeric && v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{v}");
        guarded.as_str()
    } else {
        v
    };
    if v.contains([sep, '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_form_trimmed_counted_in_characters() {
        let decomposed = "  A\u{030a}se  ";
        assert_eq!(clean(decomposed, Rule::line("name", 10)).expect("ok"), "Åse");
        assert_eq!(clean("ææææ", Rule::line("name", 4)).expect("four characters, eight bytes"), "ææææ");
        assert!(matches!(clean("æææææ", Rule::line("name", 4)), Err(Error::Invalid(_))));
    }

    #[test]
    fn required_optional_and_minimum_lengths() {
        assert!(matches!(clean("   ", Rule::line("name", 10)), Err(Error::Invalid(m)) if m.contains("required")));
        assert_eq!(clean("   ", Rule::optional_line("note", 10)).expect("may be empty"), "");
        let reason = Rule::text("reason", 100).at_least(10);
        assert!(matches!(clean("kort", reason), Err(Error::Invalid(m)) if m.contains("at least 10")));
        assert!(clean("klienten ringer akut", reason).is_ok());
    }

    #[test]
    fn control_characters_only_line_breaks_and_tabs_in_running_text() {
        assert!(matches!(clean("a\nb", Rule::line("name", 10)), Err(Error::Invalid(_))));
        assert_eq!(clean("a\nb\tc", Rule::text("body", 10)).expect("ok"), "a\nb\tc");
        assert!(matches!(clean("a\u{7}b", Rule::text("body", 10)), Err(Error::Invalid(_))));
        assert!(matches!(clean("a\u{0}b", Rule::text("body", 10)), Err(Error::Invalid(_))));
    }
}
