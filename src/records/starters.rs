//! The starter templates every clinic gets, in all four languages: a SOAP note, a
//! physiotherapy first visit, chiropody, a treatment note, and a fielded pain follow-up.

use crate::{Error, Result};
use rusqlite::params;

/// Starter templates in all four languages: (key, language, name, body).
const STARTERS: &[(&str, &str, &str, &str)] = &[
    ("soap", "en", "SOAP note", "Subjective:\n\nObjective:\n\nAssessment:\n\nPlan:\n"),
    ("soap", "da", "SOAP-notat", "Subjektivt:\n\nObjektivt:\n\nVurdering:\n\nPlan:\n"),
    ("soap", "sv", "SOAP-anteckning", "Subjektivt:\n\nObjektivt:\n\nBedömning:\n\nPlan:\n"),
    ("soap", "nb", "SOAP-notat", "Subjektivt:\n\nObjektivt:\n\nVurdering:\n\nPlan:\n"),
    (
        "physio_first",
        "en",
        "Physiotherapy first visit",
        "Reason for referral:\n\nHistory:\n\nFindings on examination:\n\nPain (0–10):\n\nGoals:\n\nTreatment plan:\n",
    ),
    (
        "physio_first",
        "da",
        "Fysioterapi, første konsultation",
        "Henvisningsårsag:\n\nAnamnese:\n\nUndersøgelsesfund:\n\nSmerte (0–10):\n\nMål:\n\nBehandlingsplan:\n",
    ),
    (
        "physio_first",
        "sv",
        "Fysioterapi, första besök",
        "Remissorsak:\n\nAnamnes:\n\nStatus:\n\nSmärta (0–10):\n\nMål:\n\nBehandlingsplan:\n",
    ),
    (
        "physio_first",
        "nb",
        "Fysioterapi, første konsultasjon",
        "Henvisningsårsak:\n\nAnamnese:\n\nUndersøkelsesfunn:\n\nSmerte (0–10):\n\nMål:\n\nBehandlingsplan:\n",
    ),
    (
        "chiropody",
        "en",
        "Chiropody treatment",
        "Feet and skin:\n\nNails:\n\nCirculation and sensation:\n\nTreatment given:\n\nAdvice:\n",
    ),
    ("chiropody", "da", "Fodbehandling", "Fødder og hud:\n\nNegle:\n\nKredsløb og følesans:\n\nBehandling:\n\nRåd:\n"),
    ("chiropody", "sv", "Fotvård", "Fötter och hud:\n\nNaglar:\n\nCirkulation och känsel:\n\nBehandling:\n\nRåd:\n"),
    (
        "chiropody",
        "nb",
        "Fotbehandling",
        "Føtter og hud:\n\nNegler:\n\nSirkulasjon og følelse:\n\nBehandling:\n\nRåd:\n",
    ),
    ("treatment", "en", "Treatment note", "Treatment:\n\nProducts used:\n\nNext time:\n"),
    ("treatment", "da", "Behandlingsnotat", "Behandling:\n\nProdukter:\n\nNæste gang:\n"),
    ("treatment", "sv", "Behandlingsanteckning", "Behandling:\n\nProdukter:\n\nNästa gång:\n"),
    ("treatment", "nb", "Behandlingsnotat", "Behandling:\n\nProdukter:\n\nNeste gang:\n"),
];

/// A starter built from fields, to show what a form template does: a pain follow-up.
/// (language, name, [heading, pain at rest, pain in activity, area, area choices,
/// exercises done, plan])
const PAIN_FOLLOW_UP: &[(&str, &str, [&str; 6], [&str; 6])] = &[
    (
        "en",
        "Pain follow-up",
        ["Status", "Pain at rest (0–10)", "Pain in activity (0–10)", "Area", "Exercises done as agreed", "Plan"],
        ["Neck", "Shoulder", "Back", "Hip", "Knee", "Foot"],
    ),
    (
        "da",
        "Smerteopfølgning",
        [
            "Status",
            "Smerte i hvile (0–10)",
            "Smerte ved aktivitet (0–10)",
            "Område",
            "Øvelser udført som aftalt",
            "Plan",
        ],
        ["Nakke", "Skulder", "Ryg", "Hofte", "Knæ", "Fod"],
    ),
    (
        "sv",
        "Smärtuppföljning",
        [
            "Status",
            "Smärta i vila (0–10)",
            "Smärta vid aktivitet (0–10)",
            "Område",
            "Övningar gjorda som avtalat",
            "Plan",
        ],
        ["Nacke", "Axel", "Rygg", "Höft", "Knä", "Fot"],
    ),
    (
        "nb",
        "Smerteoppfølging",
        [
            "Status",
            "Smerte i hvile (0–10)",
            "Smerte ved aktivitet (0–10)",
            "Område",
            "Øvelser gjort som avtalt",
            "Plan",
        ],
        ["Nakke", "Skulder", "Rygg", "Hofte", "Kne", "Fot"],
    ),
];

fn pain_follow_up_fields(labels: &[&str; 6], areas: &[&str; 6]) -> Vec<crate::templates::Field> {
    use crate::templates::{Field, FieldKind};
    let f = |id: &str, kind, label: &str, options: &[&str], required| Field {
        id: id.into(),
        kind,
        label: label.into(),
        options: options.iter().map(|o| o.to_string()).collect(),
        required,
    };
    vec![
        f("status", FieldKind::Heading, labels[0], &[], false),
        f("pain_rest", FieldKind::Scale, labels[1], &[], true),
        f("pain_activity", FieldKind::Scale, labels[2], &[], false),
        f("area", FieldKind::MultiChoice, labels[3], areas, false),
        f("exercises", FieldKind::Checkbox, labels[4], &[], false),
        f("plan", FieldKind::LongText, labels[5], &[], false),
    ]
}

/// Adds the starter templates a clinic does not have yet (idempotent).
pub(crate) fn ensure_starter_templates(conn: &rusqlite::Connection, now: &str) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO templates (id, key, version, language, name, body, created_at, fields)
         VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (key, lang, name, body) in STARTERS {
        stmt.execute(params![uuid::Uuid::now_v7().to_string(), key, lang, name, body, now, None::<String>])?;
    }
    for (lang, name, labels, areas) in PAIN_FOLLOW_UP {
        let fields = crate::templates::check_fields(&pain_follow_up_fields(labels, areas))?;
        let json = serde_json::to_string(&fields).map_err(|e| Error::Internal(e.to_string()))?;
        stmt.execute(params![uuid::Uuid::now_v7().to_string(), "pain_follow_up", lang, name, "", now, json])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_starter_template_exists_in_all_four_languages() {
        for key in ["soap", "physio_first", "chiropody", "treatment"] {
            for lang in ["da", "sv", "nb", "en"] {
                assert!(STARTERS.iter().any(|(k, l, _, _)| *k == key && *l == lang), "{key}/{lang}");
            }
        }
    }
}
