//! Journal templates built from fields: an admin composes a template from headings,
//! short and long text, numbers, dates, checkboxes, single and multiple choice and a 0–10
//! scale. Saving an edited template makes a new version; an entry keeps the version it
//! was written with, so an old entry always reads as it was written.
//!
//! An entry written from a fielded template stores its answers (field id → values) and,
//! rendered from them, a plain-text body: that text is what full-text search, printing
//! and the signed record see, so every path that knows free-text entries works
//! unchanged. Every answer is checked here, in Rust, against its field; required fields
//! are enforced when the entry is signed (a draft may be incomplete).

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const MAX_FIELDS: usize = 100;
pub const MAX_LABEL_CHARS: usize = 200;
pub const MAX_OPTIONS: usize = 50;
pub const MAX_OPTION_CHARS: usize = 100;
pub const MAX_SHORT_TEXT_CHARS: usize = 500;
pub const MAX_LONG_TEXT_CHARS: usize = 20_000;
pub const MAX_TEMPLATE_BODY_CHARS: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FieldKind {
    Heading,
    ShortText,
    LongText,
    Number,
    Date,
    Checkbox,
    SingleChoice,
    MultiChoice,
    /// A whole number from 0 to 10 (pain, function, satisfaction).
    Scale,
}

impl FieldKind {
    fn has_options(self) -> bool {
        matches!(self, FieldKind::SingleChoice | FieldKind::MultiChoice)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// Stable within a template's versions, so answers keep their meaning.
    pub id: String,
    pub kind: FieldKind,
    pub label: String,
    /// The choices of a single or multiple choice field (empty otherwise).
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub required: bool,
}

/// Answers: field id → the values given (one for most kinds, several for multiple
/// choice, none when unanswered).
pub type Answers = BTreeMap<String, Vec<String>>;

fn clean_line(s: &str, what: &'static str, max: usize) -> Result<String> {
    crate::text::clean(s, crate::text::Rule::line(what, max))
}

/// Checks a template's fields and returns them cleaned (labels and options trimmed).
pub fn check_fields(fields: &[Field]) -> Result<Vec<Field>> {
    if fields.len() > MAX_FIELDS {
        return Err(Error::invalid(format!("a template has at most {MAX_FIELDS} fields")));
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::with_capacity(fields.len());
    for f in fields {
        let id = f.id.trim();
        if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(Error::invalid("a field id is 1 to 64 letters, digits, - or _"));
        }
        if !seen.insert(id.to_string()) {
            return Err(Error::invalid("two fields have the same id"));
        }
        let label = clean_line(&f.label, "a field label", MAX_LABEL_CHARS)?;
        let options = if f.kind.has_options() {
            if f.options.is_empty() || f.options.len() > MAX_OPTIONS {
                return Err(Error::invalid(format!("a choice field has 1 to {MAX_OPTIONS} choices")));
            }
            let opts =
                f.options.iter().map(|o| clean_line(o, "a choice", MAX_OPTION_CHARS)).collect::<Result<Vec<_>>>()?;
            let unique: std::collections::BTreeSet<&String> = opts.iter().collect();
            if unique.len() != opts.len() {
                return Err(Error::invalid("a field lists the same choice twice"));
            }
            opts
        } else {
            Vec::new()
        };
        out.push(Field {
            id: id.to_string(),
            kind: f.kind,
            label,
            options,
            required: f.required && f.kind != FieldKind::Heading,
        });
    }
    Ok(out)
}

/// Checks answers against the fields and returns them normalized (numbers with a decimal
/// point, trimmed text, unanswered fields left out). Unknown field ids are refused.
pub fn check_answers(fields: &[Field], answers: &Answers) -> Result<Answers> {
    let mut out = Answers::new();
    for (id, values) in answers {
        let field = fields.iter().find(|f| &f.id == id).ok_or_else(|| Error::invalid("an answer names no field"))?;
        let values: Vec<String> = values.iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
        if values.is_empty() {
            continue;
        }
        let one = || -> Result<&String> {
            match values.as_slice() {
                [v] => Ok(v),
                _ => Err(Error::invalid(format!("“{}” takes one answer", field.label))),
            }
        };
        let bad = |why: &str| Error::invalid(format!("“{}”: {why}", field.label));
        let normalized = match field.kind {
            FieldKind::Heading => return Err(bad("a heading takes no answer")),
            FieldKind::ShortText => {
                let v =
                    crate::text::clean(one()?, crate::text::Rule::optional_line("the answer", MAX_SHORT_TEXT_CHARS))
                        .map_err(|_| bad("at most 500 characters on one line"))?;
                vec![v]
            }
            FieldKind::LongText => {
                let v = crate::text::clean(one()?, crate::text::Rule::text("the answer", MAX_LONG_TEXT_CHARS))
                    .map_err(|_| bad("at most 20,000 characters"))?;
                vec![v]
            }
            FieldKind::Number => {
                let v = one()?;
                let n: f64 = v.replace(',', ".").parse().map_err(|_| bad("not a number"))?;
                if !n.is_finite() || n.abs() > 1e12 {
                    return Err(bad("not a number"));
                }
                vec![n.to_string()] // Display writes 42 for 42.0 and 42.5 for 42,5
            }
            FieldKind::Date => {
                let v = one()?;
                let d = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| bad("not a date (YYYY-MM-DD)"))?;
                vec![d.format("%Y-%m-%d").to_string()]
            }
            FieldKind::Checkbox => match one()?.as_str() {
                "true" | "false" => values.clone(),
                _ => return Err(bad("a checkbox is true or false")),
            },
            FieldKind::SingleChoice => {
                let v = one()?;
                if !field.options.contains(v) {
                    return Err(bad("not one of the choices"));
                }
                vec![v.clone()]
            }
            FieldKind::MultiChoice => {
                let mut chosen = Vec::new();
                for v in &values {
                    if !field.options.contains(v) {
                        return Err(bad("not one of the choices"));
                    }
                    if !chosen.contains(v) {
                        chosen.push(v.clone());
                    }
                }
                // In the template's order, whatever order they were clicked in.
                field.options.iter().filter(|o| chosen.contains(o)).cloned().collect()
            }
            FieldKind::Scale => {
                let v = one()?;
                match v.parse::<u8>() {
                    Ok(n) if n <= 10 => vec![n.to_string()],
                    _ => return Err(bad("a whole number from 0 to 10")),
                }
            }
        };
        out.insert(id.clone(), normalized);
    }
    Ok(out)
}

/// The labels of required fields that have no answer (for signing).
pub fn missing_required(fields: &[Field], answers: &Answers) -> Vec<String> {
    fields
        .iter()
        .filter(|f| f.required && answers.get(&f.id).is_none_or(|v| v.is_empty()))
        .map(|f| f.label.clone())
        .collect()
}

/// The plain-text body of an entry written from fields: what search, print and the
/// signed record read. Checkboxes use ☑/☐ so the text needs no translation.
pub fn render(fields: &[Field], answers: &Answers) -> String {
    let mut out = String::new();
    for f in fields {
        let values = answers.get(&f.id).map(Vec::as_slice).unwrap_or(&[]);
        match f.kind {
            FieldKind::Heading => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&f.label);
                out.push('\n');
            }
            _ if values.is_empty() => {}
            FieldKind::Checkbox => {
                let mark = if values[0] == "true" { '☑' } else { '☐' };
                out.push_str(&format!("{mark} {}\n", f.label));
            }
            FieldKind::LongText => out.push_str(&format!("{}:\n{}\n", f.label, values[0])),
            FieldKind::Scale => out.push_str(&format!("{}: {}/10\n", f.label, values[0])),
            _ => out.push_str(&format!("{}: {}\n", f.label, values.join(", "))),
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(id: &str, kind: FieldKind, label: &str, options: &[&str], required: bool) -> Field {
        Field {
            id: id.into(),
            kind,
            label: label.into(),
            options: options.iter().map(|s| s.to_string()).collect(),
            required,
        }
    }

    fn sample() -> Vec<Field> {
        vec![
            field("h", FieldKind::Heading, "Status", &[], false),
            field("pain", FieldKind::Scale, "Smerte (VAS)", &[], true),
            field("where", FieldKind::MultiChoice, "Område", &["Nakke", "Skulder", "Ryg"], false),
            field("side", FieldKind::SingleChoice, "Side", &["Venstre", "Højre"], false),
            field("ok", FieldKind::Checkbox, "Samtykke givet", &[], false),
            field("rom", FieldKind::Number, "Bevægelighed (grader)", &[], false),
            field("next", FieldKind::Date, "Næste tid", &[], false),
            field("note", FieldKind::LongText, "Notat", &[], false),
            field("short", FieldKind::ShortText, "Diagnose", &[], false),
        ]
    }

    fn answers(pairs: &[(&str, &[&str])]) -> Answers {
        pairs.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect()
    }

    #[test]
    fn every_kind_checks_its_answer() {
        let f = sample();
        let ok = check_answers(
            &f,
            &answers(&[
                ("pain", &["7"]),
                ("where", &["Ryg", "Nakke", "Ryg"]),
                ("side", &["Højre"]),
                ("ok", &["true"]),
                ("rom", &["42,5"]),
                ("next", &["2026-12-01"]),
                ("note", &["Linje 1\nLinje 2"]),
                ("short", &["  Frossen skulder "]),
            ]),
        )
        .expect("valid");
        assert_eq!(ok["where"], ["Nakke", "Ryg"], "template order, no duplicates");
        assert_eq!(ok["rom"], ["42.5"]);
        assert_eq!(ok["short"], ["Frossen skulder"]);
        for bad in [
            answers(&[("pain", &["11"])]),
            answers(&[("pain", &["3.5"])]),
            answers(&[("pain", &["1", "2"])]),
            answers(&[("side", &["Midt"])]),
            answers(&[("where", &["Knæ"])]),
            answers(&[("ok", &["ja"])]),
            answers(&[("rom", &["NaN"])]),
            answers(&[("rom", &["inf"])]),
            answers(&[("next", &["01-12-2026"])]),
            answers(&[("h", &["x"])]),
            answers(&[("nope", &["x"])]),
            answers(&[("short", &["a\u{0007}b"])]),
        ] {
            assert_eq!(crate::error::code_of(check_answers(&f, &bad)), Some(crate::ErrorCode::Invalid), "{bad:?}");
        }
        let long = "x".repeat(MAX_LONG_TEXT_CHARS + 1);
        assert_eq!(
            crate::error::code_of(check_answers(&f, &answers(&[("note", &[long.as_str()])]))),
            Some(crate::ErrorCode::Invalid)
        );
    }

    #[test]
    fn templates_are_checked_when_saved() {
        assert!(check_fields(&sample()).is_ok());
        let mut dup = sample();
        dup[1].id = "h".into();
        assert_eq!(crate::error::code_of(check_fields(&dup)), Some(crate::ErrorCode::Invalid));
        assert_eq!(
            crate::error::code_of(check_fields(&[field("c", FieldKind::SingleChoice, "Valg", &[], false)])),
            Some(crate::ErrorCode::Invalid)
        );
        assert_eq!(
            crate::error::code_of(check_fields(&[field("c", FieldKind::SingleChoice, "Valg", &["a", "a"], false)])),
            Some(crate::ErrorCode::Invalid)
        );
        assert_eq!(
            crate::error::code_of(check_fields(&[field("c", FieldKind::ShortText, "  ", &[], false)])),
            Some(crate::ErrorCode::Invalid)
        );
        assert_eq!(
            crate::error::code_of(check_fields(&[field("bad id!", FieldKind::ShortText, "x", &[], false)])),
            Some(crate::ErrorCode::Invalid)
        );
        let many: Vec<Field> =
            (0..=MAX_FIELDS).map(|i| field(&format!("f{i}"), FieldKind::ShortText, "x", &[], false)).collect();
        assert_eq!(crate::error::code_of(check_fields(&many)), Some(crate::ErrorCode::Invalid));
        // A heading cannot be required; choices of a text field are dropped.
        let cleaned = check_fields(&[
            field("h", FieldKind::Heading, "Overskrift", &[], true),
            field("t", FieldKind::ShortText, "Tekst", &["x"], false),
        ])
        .expect("ok");
        assert!(!cleaned[0].required && cleaned[1].options.is_empty());
    }

    #[test]
    fn the_body_is_rendered_in_template_order_and_required_fields_are_named() {
        let f = sample();
        let a = check_answers(
            &f,
            &answers(&[("where", &["Skulder"]), ("pain", &["4"]), ("ok", &["false"]), ("note", &["Øvelser"])]),
        )
        .expect("valid");
        assert_eq!(render(&f, &a), "Status\nSmerte (VAS): 4/10\nOmråde: Skulder\n☐ Samtykke givet\nNotat:\nØvelser");
        assert_eq!(missing_required(&f, &a), Vec::<String>::new());
        assert_eq!(missing_required(&f, &Answers::new()), ["Smerte (VAS)"]);
    }
}
