//! The full client record: national IDs only in national-ID mode, validated, stored
//! normalized, shown masked, revealed only through an audited action, never twice.

mod common;

use common::*;
use klinik::clients::ClientInput;
use klinik::clinic::{ClinicSetup, Country, JournalMode, Language};
use klinik::secret::Secret;
use klinik::vault::{KeyStorage, KeyStore, OsKeyring};
use klinik::{Clinic, Error, SystemClock};
use std::sync::Arc;

fn clinic(dir: &std::path::Path, mode: JournalMode) -> Clinic {
    let setup = ClinicSetup {
        clinic_name: CLINIC_NAME.into(),
        country: Country::Dk,
        journal_mode: mode,
        language: Language::Da,
        owner_name: OWNER_NAME.into(),
        owner_email: OWNER_EMAIL.into(),
        owner_password: Secret::new(OWNER_PASSWORD),
        key_storage: KeyStorage::Keyring,
        passphrase: None,
    };
    Clinic::create(dir, setup, &OsKeyring, Arc::new(SystemClock)).expect("create").0
}

#[test]
fn a_national_id_is_masked_revealed_with_an_audit_event_and_never_duplicated() {
    let d = tmp();
    let mut c = clinic(d.path(), JournalMode::JournalsWithId);
    let s = login(&mut c);
    // National-ID mode: two-factor login first (codes from Debian's oathtool).
    let e = c.begin_totp(&s, None).expect("begin");
    let out = std::process::Command::new("oathtool")
        .args(["--totp", "-b", &e.secret_base32.replace(' ', "")])
        .output()
        .expect("oathtool");
    c.confirm_totp(&s, &Secret::new(String::from_utf8_lossy(&out.stdout).trim())).expect("enroll");
    let input = ClientInput {
        name: "Birthe Bøgh".into(),
        birth_date: "1961-07-07".into(),
        address: "Strandvejen 1, 2900 Hellerup".into(),
        reception_note: "Foretrækker eftermiddage".into(),
        national_id: Some("070761 4285".into()),
        ..Default::default()
    };
    let made = c.create_client(&s, &input).expect("create");
    assert_eq!(made.national_id_masked.as_deref(), Some("070761-XXXX"));
    assert_eq!(made.address, "Strandvejen 1, 2900 Hellerup");
    assert!(made.active);
    assert_eq!(c.reveal_national_id(&s, &made.id).expect("reveal").as_deref(), Some("0707614285"));
    let last = c.audit_page(&s, &Default::default(), None, 1).expect("page");
    assert_eq!(last[0].action, "national_id_reveal");
    assert_eq!(last[0].client_id.as_deref(), Some(made.id.as_str()));

    // A second client with the same number, typed differently, is refused and named.
    let twin =
        ClientInput { name: "Anden Person".into(), national_id: Some("0707614285".into()), ..Default::default() };
    match c.create_client(&s, &twin) {
        Err(Error::DuplicateNationalId(existing)) => assert_eq!(existing, made.id),
        other => panic!("expected a duplicate refusal, got {:?}", other.map(|c| c.id)),
    }
    assert_eq!(c.list_clients(&s, "").expect("list").len(), 1, "nothing was written");
    // An invalid number is refused with a clear error.
    let bad = ClientInput { name: "X".into(), national_id: Some("310299-1234".into()), ..Default::default() };
    assert!(matches!(c.create_client(&s, &bad), Err(Error::Invalid(_))));
    // The exact number finds the client in the search box.
    let found = c.list_clients(&s, "070761-4285").expect("search");
    assert_eq!(found.iter().map(|c| c.id.clone()).collect::<Vec<_>>(), vec![made.id.clone()]);
    // Editing without touching the number keeps it; "" clears it.
    let mut edit = input.clone();
    edit.national_id = None;
    edit.inactive = true;
    let kept = c.update_client(&s, &made.id, &edit).expect("edit");
    assert_eq!(kept.national_id_masked.as_deref(), Some("070761-XXXX"));
    assert!(!kept.active);
    edit.national_id = Some(String::new());
    assert_eq!(c.update_client(&s, &made.id, &edit).expect("clear").national_id_masked, None);
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn no_national_id_outside_the_national_id_mode() {
    let d = tmp();
    let mut c = clinic(d.path(), JournalMode::Journals);
    let s = login(&mut c);
    let input = ClientInput { name: "Y".into(), national_id: Some("070761-4285".into()), ..Default::default() };
    assert!(matches!(c.create_client(&s, &input), Err(Error::Invalid(_))));
    let bad_date = ClientInput { name: "Y".into(), birth_date: "7/7/61".into(), ..Default::default() };
    assert!(matches!(c.create_client(&s, &bad_date), Err(Error::Invalid(_))));
    OsKeyring.delete(c.id()).expect("clean up");
}
