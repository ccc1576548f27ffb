//! Consent declarations on a real encrypted clinic: the starters appear in the clinic's
//! language (one required); a client's consent is recorded as drawn, typed, on scanned
//! paper or orally, with the version's text hashed into the record exactly as shown (the
//! hash recomputed here independently); a new version retires the old without touching the
//! consents given to it; a withdrawal is dated; a missing required consent shows on the
//! client and in the calendar; bad input changes nothing; the paper form is a PDF.

mod common;

use common::*;
use klinik::calendar::appointments::Booking;
use klinik::clients::ClientInput;
use klinik::records::consents::{ConsentInput, ConsentMethod as Method, ConsentTextInput};
use klinik::secret::Secret;
use klinik::ErrorCode;
use sha2::{Digest, Sha256};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn input(text_id: &str, method: Method) -> ConsentInput {
    ConsentInput {
        text_id: text_id.into(),
        given: true,
        method,
        signature_png: None,
        typed_name: None,
        attachment_id: None,
    }
}

#[test]
fn consents_are_recorded_as_shown_versioned_withdrawn_and_missing_ones_show() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let inge = c.create_client(&s, &ClientInput { name: "Inge Krag".into(), ..Default::default() }).expect("c").id;
    let texts = c.consent_texts(&s).expect("texts");
    assert_eq!(texts.len(), 3, "the starters");
    let required: Vec<_> = texts.iter().filter(|t| t.required).collect();
    assert_eq!(required.len(), 1);
    let personal = required[0].clone();
    assert_eq!(personal.title, "Behandling af personoplysninger", "in the clinic's language");
    let contact = texts.iter().find(|t| t.key == "contact").expect("contact").clone();
    assert!(c.consent_missing(&s, &inge).expect("missing"), "nothing given yet");

    // The calendar flags her appointment.
    let cal = c.calendars(&s).expect("cals").into_iter().find(|k| k.staff_id.is_some()).expect("cal").id;
    let day = chrono::Utc::now().date_naive() + chrono::Duration::days(7);
    let b = Booking {
        calendar: cal.clone(),
        room: None,
        client: Some(inge.clone()),
        service: None,
        title: String::new(),
        note: String::new(),
        start: day.and_hms_opt(10, 0, 0).expect("t"),
        minutes: Some(30),
        repeat: None,
    };
    c.book(&s, &b).expect("booked");
    let flagged = |c: &mut klinik::Clinic| {
        c.calendar_view(&s, std::slice::from_ref(&cal), day, 1).expect("view").appointments[0].consent_missing
    };
    assert!(flagged(&mut c), "the calendar shows the missing consent");

    // Bad input changes nothing.
    let drawn_bad = ConsentInput { signature_png: Some(b64(b"GIF89a")), ..input(&personal.id, Method::Drawn) };
    assert_eq!(c.record_consent(&s, &inge, &drawn_bad).expect_err("no PNG").code(), ErrorCode::Invalid);
    assert_eq!(
        c.record_consent(
            &s,
            &inge,
            &ConsentInput { typed_name: Some(" ".into()), ..input(&personal.id, Method::Typed) }
        )
        .expect_err("no name")
        .code(),
        ErrorCode::Invalid
    );
    let ole = c.create_client(&s, &ClientInput { name: "Ole Bak".into(), ..Default::default() }).expect("c").id;
    let oles = c.add_attachment(&s, &ole, None, "samtykke.png", PNG).expect("Ole's scan");
    let paper_bad = ConsentInput { attachment_id: Some(oles.id.as_str().into()), ..input(&personal.id, Method::Paper) };
    assert_eq!(c.record_consent(&s, &inge, &paper_bad).expect_err("Ole's scan").code(), ErrorCode::Invalid);
    assert!(c.client_consents(&s, &inge).expect("list").is_empty());

    // Drawn on the screen: the text's hash is what was shown.
    let drawn = ConsentInput { signature_png: Some(b64(PNG)), ..input(&personal.id, Method::Drawn) };
    let given = c.record_consent(&s, &inge, &drawn).expect("drawn");
    let expected = hex::encode(Sha256::digest(format!("{}\n\n{}", personal.title, personal.body).as_bytes()));
    assert_eq!(given.text_sha256, expected);
    assert_eq!(given.signature_png.as_deref(), Some(b64(PNG).as_str()));
    assert!(!c.consent_missing(&s, &inge).expect("missing"), "given now");
    assert!(!flagged(&mut c));
    // Typed, paper (her own scan), orally, and a refusal.
    let typed = ConsentInput { typed_name: Some("Inge Krag".into()), ..input(&contact.id, Method::Typed) };
    c.record_consent(&s, &inge, &typed).expect("typed");
    let scan = c.add_attachment(&s, &inge, None, "samtykke.png", PNG).expect("scan");
    let paper = ConsentInput { attachment_id: Some(scan.id.as_str().into()), ..input(&contact.id, Method::Paper) };
    c.record_consent(&s, &inge, &paper).expect("paper");
    let sharing = texts.iter().find(|t| t.key == "sharing").expect("sharing");
    c.record_consent(&s, &inge, &ConsentInput { given: false, ..input(&sharing.id, Method::Oral) }).expect("refused");
    let mine = c.client_consents(&s, &inge).expect("list");
    assert_eq!(mine.len(), 4);
    assert!(mine.iter().any(|k| !k.given && k.method == Method::Oral && k.recorded_by == OWNER_NAME));

    // A new version retires the old one; the consent to version 1 stays as it was.
    let v2 = c
        .save_consent_text(
            &s,
            &ConsentTextInput {
                key: Some(personal.key.clone()),
                title: personal.title.clone(),
                body: format!("{} Også video.", personal.body),
                required: true,
            },
        )
        .expect("version 2");
    assert_eq!(v2.version, 2);
    assert_eq!(c.record_consent(&s, &inge, &drawn).expect_err("v1 is retired").code(), ErrorCode::Conflict);
    let kept = c.client_consents(&s, &inge).expect("list").into_iter().find(|k| k.id == given.id).expect("kept");
    assert_eq!((kept.version, kept.text_sha256.as_str()), (1, expected.as_str()));
    // Withdrawn: dated, once; the required consent is missing again.
    c.withdraw_consent(&s, &inge, &given.id).expect("withdrawn");
    assert_eq!(c.withdraw_consent(&s, &inge, &given.id).expect_err("once").code(), ErrorCode::NotFound);
    assert!(c.consent_missing(&s, &inge).expect("missing"));

    // The paper form: title, client, hash.
    let pdf = c.consent_form(&s, &v2.id, Some(&inge)).expect("form");
    let path = d.path().join("form.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Behandling af personoplysninger (v2)") && text.contains("Inge Krag"), "{text}");
    assert!(text.contains(&klinik::records::consents::text_hash(&v2.title, &v2.body)), "{text}");

    // Who may: a practitioner who does not see Ole cannot record his consent; the desk can.
    let (_, lars, _) = practitioner(&mut c, &s, "Lars Holm", "lars@example.dk");
    c.set_new_client_access(&s, klinik::policy::Level::None, &Secret::new(OWNER_PASSWORD)).expect("closed");
    let closed = c.create_client(&s, &ClientInput { name: "Lukket".into(), ..Default::default() }).expect("c").id;
    assert_eq!(
        c.record_consent(&lars, &closed, &input(&v2.id, Method::Oral)).expect_err("not his").code(),
        ErrorCode::Denied
    );
    assert_eq!(
        c.save_consent_text(
            &lars,
            &ConsentTextInput { key: None, title: "X".into(), body: "Y".into(), required: false }
        )
        .expect_err("admins")
        .code(),
        ErrorCode::Denied
    );
}
