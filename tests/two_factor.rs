//! Two-factor login end to end, with codes from an independent generator (Debian's
//! `oathtool`): enrollment, login with a code, replay refused, recovery codes single-use,
//! and mandatory two-factor login before client data in national-ID mode.

mod common;

use common::*;
use klinik::clients::ClientInput;
use klinik::clinic::{ClinicSetup, Country, JournalMode, Language};
use klinik::secret::Secret;
use klinik::vault::{KeyStorage, KeyStore, OsKeyring};
use klinik::{Clinic, Error, SystemClock};
use std::sync::Arc;

/// Waits for the next 30-second step so a fresh code is not a replay of the last one.
fn next_step_code(secret: &str) -> String {
    let first = oathtool(secret);
    loop {
        std::thread::sleep(std::time::Duration::from_millis(500));
        let c = oathtool(secret);
        if c != first {
            return c;
        }
    }
}

#[test]
fn enrollment_and_login_with_codes_from_oathtool() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let enrollment = c.begin_totp(&s, None).expect("begin");
    assert!(enrollment.uri.starts_with("otpauth://totp/"));
    assert!(enrollment.qr_svg.contains("<svg"));
    assert!(matches!(c.confirm_totp(&s, &Secret::new("000000")), Err(Error::WrongTotp)));
    let codes = c.confirm_totp(&s, &Secret::new(oathtool(&enrollment.secret_base32))).expect("confirm");
    assert_eq!(codes.len(), 10);
    assert!(c.me(&s).expect("me").totp_enabled);
    c.logout(&s).expect("logout");

    // The password alone is no longer enough.
    assert!(matches!(c.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD)), Err(Error::TotpRequired)));
    let code = next_step_code(&enrollment.secret_base32);
    c.login_2fa(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD), Some(&Secret::new(code.clone()))).expect("login with code");
    // The same code again is a replay.
    let replay = c.login_2fa(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD), Some(&Secret::new(code)));
    // A login never says which factor was wrong.
    assert!(matches!(replay, Err(Error::WrongCredentials)), "{:?}", replay.err());
    // A recovery code works once.
    let rc = Secret::new(codes[0].to_uppercase());
    c.login_2fa(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD), Some(&rc)).expect("recovery code");
    assert!(matches!(c.login_2fa(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD), Some(&rc)), Err(Error::WrongCredentials)));
    let s = c
        .login_2fa(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD), Some(&Secret::new(codes[1].clone())))
        .expect("another recovery code");
    let actions: Vec<String> =
        c.audit_page(&s, &Default::default(), None, 12).expect("page").into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"totp_failed".to_owned()) && actions.contains(&"totp_recovery_used".to_owned()));
    // New recovery codes (with the password) replace the old ones.
    assert!(matches!(c.renew_totp_recovery_codes(&s, &Secret::new("forkert")), Err(Error::WrongCredentials)));
    let fresh = c.renew_totp_recovery_codes(&s, &Secret::new(OWNER_PASSWORD)).expect("renew");
    assert_eq!(fresh.len(), 10);
    assert!(
        matches!(
            c.login_2fa(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD), Some(&Secret::new(codes[2].clone()))),
            Err(Error::WrongCredentials)
        ),
        "an old code stopped working"
    );
    let s = c
        .login_2fa(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD), Some(&Secret::new(fresh[0].clone())))
        .expect("a new code works");
    let actions: Vec<String> =
        c.audit_page(&s, &Default::default(), None, 12).expect("page").into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"totp_recovery_renewed".to_owned()));
    // Turning it off needs the password.
    assert!(matches!(c.disable_totp(&s, &Secret::new("forkert")), Err(Error::WrongCredentials)));
    c.disable_totp(&s, &Secret::new(OWNER_PASSWORD)).expect("off");
    c.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD)).expect("password alone again");
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn national_id_mode_requires_two_factor_login_before_client_data() {
    let d = tmp();
    let setup = ClinicSetup {
        clinic_name: CLINIC_NAME.into(),
        country: Country::Se,
        journal_mode: JournalMode::JournalsWithId,
        language: Language::Sv,
        owner_name: OWNER_NAME.into(),
        owner_email: OWNER_EMAIL.into(),
        owner_password: Secret::new(OWNER_PASSWORD),
        key_storage: KeyStorage::Keyring,
        passphrase: None,
    };
    let (mut c, _) = Clinic::create(d.path(), setup, &OsKeyring, Arc::new(SystemClock)).expect("create");
    let s = login(&mut c);
    assert!(c.me(&s).expect("me").must_enroll_totp);
    let input = ClientInput { name: "Sven Svensson".into(), ..Default::default() };
    assert!(matches!(c.create_client(&s, &input), Err(Error::TotpRequired)));
    let e = c.begin_totp(&s, None).expect("begin");
    c.confirm_totp(&s, &Secret::new(oathtool(&e.secret_base32))).expect("confirm");
    c.create_client(&s, &input).expect("allowed after enrollment");
    assert!(
        matches!(c.disable_totp(&s, &Secret::new(OWNER_PASSWORD)), Err(Error::Denied(_))),
        "cannot be turned off here"
    );
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn an_admin_can_require_two_factor_login_for_everyone() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    assert!(
        matches!(c.set_security_settings(&s, 10, true, &Secret::new(OWNER_PASSWORD)), Err(Error::Invalid(_))),
        "PIN idle too short"
    );
    c.set_security_settings(&s, 60, true, &Secret::new(OWNER_PASSWORD)).expect("require");
    assert_eq!(c.security_settings().expect("read"), (60, true));
    assert!(c.me(&s).expect("me").must_enroll_totp);
    let input = ClientInput { name: "Ny Klient".into(), ..Default::default() };
    assert!(matches!(c.create_client(&s, &input), Err(Error::TotpRequired)));
    let e = c.begin_totp(&s, None).expect("begin");
    c.confirm_totp(&s, &Secret::new(oathtool(&e.secret_base32))).expect("enroll");
    c.create_client(&s, &input).expect("allowed now");
    assert!(matches!(c.disable_totp(&s, &Secret::new(OWNER_PASSWORD)), Err(Error::Denied(_))));
    OsKeyring.delete(c.id()).expect("clean up");
}
