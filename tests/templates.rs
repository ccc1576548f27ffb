//! Templates built from fields on a real clinic: versions, answers checked in Rust, the
//! rendered text searchable, required fields enforced at signing, old entries keeping
//! their version, and only administrators building templates.

mod common;

use common::*;
use klinik::clients::ClientInput;
use klinik::secret::Secret;
use klinik::templates::{Answers, Field, FieldKind};
use klinik::vault::{KeyStore, OsKeyring};
use klinik::Error;

fn field(id: &str, kind: FieldKind, label: &str, options: &[&str], required: bool) -> Field {
    Field {
        id: id.into(),
        kind,
        label: label.into(),
        options: options.iter().map(|s| s.to_string()).collect(),
        required,
    }
}

fn answers(pairs: &[(&str, &[&str])]) -> Answers {
    pairs.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect()
}

#[test]
fn a_fielded_template_versions_checks_answers_and_renders_searchable_text() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let fields = vec![
        field("status", FieldKind::Heading, "Status ved kontrol", &[], false),
        field("pain", FieldKind::Scale, "Smerte (0–10)", &[], true),
        field("area", FieldKind::MultiChoice, "Område", &["Nakke", "Skulder", "Lænd"], false),
        field("consent", FieldKind::Checkbox, "Samtykke til behandling", &[], false),
        field("plan", FieldKind::LongText, "Plan", &[], false),
    ];
    let v1 = c.save_template(&s, None, "Kontrol af smerter", "", &fields).expect("build");
    assert_eq!((v1.version, v1.fields.len(), v1.starter), (1, 5, false));
    assert!(c.templates(&s).expect("list").iter().any(|t| t.id == v1.id));

    let who = c.create_client(&s, &ClientInput { name: "Gorm Felt".into(), ..Default::default() }).expect("c").id;
    let e = c.create_entry(&s, &who, Some(&v1.id), "Kontrol", "ignored text").expect("draft");
    assert_eq!(e.body, "", "an entry from fields starts with no answers");
    assert_eq!(e.fields.as_ref().map(Vec::len), Some(5));

    // Bad answers are refused and change nothing.
    for bad in [answers(&[("pain", &["12"])]), answers(&[("area", &["Knæ"])]), answers(&[("ghost", &["x"])])] {
        assert!(matches!(c.save_answers(&s, &e.id, "Kontrol", &bad), Err(Error::Invalid(_))), "{bad:?}");
    }
    assert!(matches!(c.save_draft(&s, &e.id, "Kontrol", "fri tekst"), Err(Error::Invalid(_))));
    // Signing needs the required pain score.
    c.save_answers(&s, &e.id, "Kontrol", &answers(&[("plan", &["Øvelser for lænden"])])).expect("partial draft");
    assert!(matches!(c.sign_entry(&s, &e.id, &Secret::new(OWNER_PASSWORD)), Err(Error::Invalid(_))));
    let saved = c
        .save_answers(
            &s,
            &e.id,
            "Kontrol",
            &answers(&[
                ("pain", &["6"]),
                ("area", &["Lænd", "Nakke"]),
                ("consent", &["true"]),
                ("plan", &["Øvelser for lænden"]),
            ]),
        )
        .expect("answers");
    assert_eq!(
        saved.body,
        "Status ved kontrol\nSmerte (0–10): 6/10\nOmråde: Nakke, Lænd\n☑ Samtykke til behandling\nPlan:\nØvelser for lænden"
    );
    let signed = c.sign_entry(&s, &e.id, &Secret::new(OWNER_PASSWORD)).expect("sign");
    assert_eq!(signed.answers.get("pain").map(|v| v[0].as_str()), Some("6"));
    assert!(
        matches!(c.save_answers(&s, &e.id, "Kontrol", &answers(&[("pain", &["1"])])), Err(Error::Conflict(_))),
        "signed is signed"
    );
    assert_eq!(c.search_journals(&s, "lænden").expect("search").len(), 1, "the rendered text is searchable");

    // Editing the template makes version 2; the signed entry keeps version 1.
    let mut changed = fields.clone();
    changed[1].label = "Smerte i hvile (0–10)".into();
    changed.push(field("next", FieldKind::Date, "Næste kontrol", &[], false));
    let v2 = c.save_template(&s, Some(&v1.key), "Kontrol af smerter", "", &changed).expect("v2");
    assert_eq!((v2.key.as_str(), v2.version), (v1.key.as_str(), 2));
    let list = c.templates(&s).expect("list");
    assert!(list.iter().any(|t| t.id == v2.id) && !list.iter().any(|t| t.id == v1.id), "only the newest is offered");
    let old = c.journal(&s, &who).expect("journal").into_iter().find(|x| x.id == e.id).expect("old entry");
    assert_eq!(old.template_version, Some(1));
    assert_eq!(old.fields.as_ref().expect("fields")[1].label, "Smerte (0–10)");
    let newer = c.create_entry(&s, &who, Some(&v2.id), "", "").expect("v2 entry");
    assert_eq!(newer.fields.as_ref().map(Vec::len), Some(6));
    assert!(matches!(
        c.save_answers(&s, &newer.id, "", &answers(&[("next", &["31-12-2026"])])),
        Err(Error::Invalid(_))
    ));
    c.save_answers(&s, &newer.id, "", &answers(&[("next", &["2026-12-31"]), ("pain", &["2"])])).expect("date");

    // Invalid templates are refused; retiring hides a template but keeps its entries.
    assert!(matches!(
        c.save_template(&s, None, "Tom valg", "", &[field("x", FieldKind::SingleChoice, "Valg", &[], false)]),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        c.save_template(&s, Some(&klinik::TemplateKey::parse("no-such-key").expect("a key")), "X", "", &[]),
        Err(Error::NotFound)
    ));
    c.retire_template(&s, &v1.key).expect("retire");
    assert!(!c.templates(&s).expect("list").iter().any(|t| t.key == v1.key));
    assert!(c.journal(&s, &who).expect("journal").iter().any(|x| x.id == e.id && x.fields.is_some()));

    // Only administrators build templates; every change is on record.
    let (_, pia, _) = practitioner(&mut c, &s, "Pia", "pia@example.dk");
    assert!(matches!(c.save_template(&pia, None, "Min egen", "", &[]), Err(Error::Denied(_))));
    let events = c.audit_page(&s, &Default::default(), None, 100).expect("page");
    let changes: Vec<String> = events
        .iter()
        .filter(|e| e.action == "template_change" && e.outcome == "ok")
        .filter_map(|e| e.object.clone())
        .collect();
    assert!(changes.contains(&format!("template {} v2", v1.key)), "{changes:?}");
    assert!(changes.contains(&format!("template {} retired", v1.key)));
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn a_starter_template_built_from_fields_ships_in_the_clinic_language() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let list = c.templates(&s).expect("list");
    let pain = list.iter().find(|t| t.key.as_str() == "pain_follow_up").expect("pain follow-up");
    assert_eq!(pain.name, "Smerteopfølgning", "the clinic's language (Danish)");
    assert!(pain.starter);
    assert_eq!(pain.fields.iter().filter(|f| f.kind == FieldKind::Scale).count(), 2);
    assert!(pain.fields.iter().any(|f| f.required && f.label == "Smerte i hvile (0–10)"));
    // Text starters are still free text.
    assert!(list.iter().find(|t| t.name == "SOAP-notat").expect("SOAP").fields.is_empty());
    // A starter can be changed and retired like the clinic's own templates: its key is
    // a short name, not a UUID, and the window sends it as text.
    let key = klinik::TemplateKey::parse("pain_follow_up").expect("a starter's key is a key");
    let v2 = c.save_template(&s, Some(&key), "Smerteopfølgning (vores)", "", &pain.fields).expect("a new version");
    assert_eq!((v2.key.as_str(), v2.version), ("pain_follow_up", 2));
    c.retire_template(&s, &key).expect("retire a starter");
    assert!(!c.templates(&s).expect("list").iter().any(|t| t.key == key));
    OsKeyring.delete(c.id()).expect("clean up");
}
