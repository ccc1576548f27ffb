//! Shared set-up for the integration tests: real SQLCipher files in temp dirs and the
//! real OS keyring (run under `scripts/with-keyring`, as `./dev test` does).
#![allow(dead_code)]

use klinik::clinic::{ClinicSetup, Country, JournalMode, Language, Unlock};
use klinik::secret::Secret;
use klinik::vault::{KeyStorage, KeyStore, OsKeyring};
use klinik::{Clinic, Clock, FixedClock, SystemClock};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// A temporary folder for one test's clinics that, when dropped — at the end of the
/// test or while a failing test unwinds — also removes the keyring entries (key and
/// anchor) of every clinic created in it, so a panic leaves nothing in the keyring.
pub struct TestDir(tempfile::TempDir);

impl TestDir {
    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        fn clinics(dir: &Path, found: &mut Vec<klinik::ClinicId>) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    clinics(&p, found);
                } else if p.file_name().is_some_and(|n| n == "keyslots.json") {
                    let id = std::fs::read_to_string(&p)
                        .ok()
                        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                        .and_then(|v| v.get("clinic_id").and_then(|c| c.as_str()).map(str::to_owned));
                    if let Some(id) = id.and_then(|i| klinik::ClinicId::parse(&i).ok()) {
                        found.push(id);
                    }
                }
            }
        }
        let mut found = Vec::new();
        clinics(self.0.path(), &mut found);
        for id in found {
            // Already removed by the test itself is fine; so is a passphrase clinic.
            let _ = OsKeyring.delete(&id);
        }
    }
}

/// A fresh [`TestDir`].
pub fn tmp() -> TestDir {
    TestDir(tempfile::tempdir().expect("tempdir"))
}

pub const CLINIC_NAME: &str = "Zorblax Fysioterapi";
pub const OWNER_NAME: &str = "Quintessa Brøndum";
pub const OWNER_EMAIL: &str = "quintessa.zorblax@example.dk";
pub const OWNER_PASSWORD: &str = "grøn-tekande-på-loftet-1977";
pub const PASSPHRASE: &str = "syv-søvnige-sæler-svømmer-sydpå";

pub fn setup_with(
    dir: &Path,
    key_storage: KeyStorage,
    keystore: &dyn KeyStore,
    clock: Arc<dyn Clock>,
) -> (Clinic, String) {
    let setup = ClinicSetup {
        clinic_name: CLINIC_NAME.into(),
        country: Country::Dk,
        journal_mode: JournalMode::Journals,
        language: Language::Da,
        owner_name: OWNER_NAME.into(),
        owner_email: OWNER_EMAIL.into(),
        owner_password: Secret::new(OWNER_PASSWORD),
        key_storage,
        passphrase: (key_storage == KeyStorage::Passphrase).then(|| Secret::new(PASSPHRASE)),
    };
    let (clinic, code) = Clinic::create(dir, setup, keystore, clock).expect("create clinic");
    (clinic, code.display().to_owned())
}

/// A new clinic with its key in the real OS keyring.
pub fn setup(dir: &Path) -> (Clinic, String) {
    setup_with(dir, KeyStorage::Keyring, &OsKeyring, Arc::new(SystemClock))
}

pub fn setup_at(dir: &Path, clock: Arc<FixedClock>) -> (Clinic, String) {
    setup_with(dir, KeyStorage::Keyring, &OsKeyring, clock)
}

pub fn open_keyring(dir: &Path) -> klinik::Result<Clinic> {
    Clinic::open(dir, &Unlock::default(), &OsKeyring, Arc::new(SystemClock))
}

pub fn login(clinic: &mut Clinic) -> klinik::SessionId {
    clinic.login(OWNER_EMAIL, &Secret::new(OWNER_PASSWORD)).expect("owner logs in")
}

/// Every file of a directory with its bytes, to prove a failed open changed nothing.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).expect("read dir") {
        let e = e.expect("entry");
        if e.file_type().expect("type").is_file() {
            out.insert(e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read"));
        }
    }
    out
}

/// The database files only (the lock file is created by any attempt to open).
pub fn data_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut s = snapshot(dir);
    s.remove("klinik.lock");
    s
}

/// A direct connection for the key holder, as an attacker with the key would have:
/// used to tamper with the audit table behind the app's back.
pub fn raw_connection(dir: &Path, clinic_id: &klinik::ClinicId) -> rusqlite::Connection {
    let key = OsKeyring.load(clinic_id).expect("key in keyring");
    klinik::vault::open_connection(&dir.join("klinik.db"), &key, klinik::vault::OpenMode::Existing).expect("raw open")
}

/// The password every practitioner made by [`practitioner`] chooses.
pub const PRACTITIONER_PASSWORD: &str = "tre-grønne-frøer-på-en-sten";

/// The owner adds a practitioner, who logs in with the one-time password and chooses
/// [`PRACTITIONER_PASSWORD`] (a one-time password allows nothing else); returns their id,
/// that session, and the password.
pub fn practitioner(
    clinic: &mut Clinic,
    owner: &klinik::SessionId,
    name: &str,
    email: &str,
) -> (klinik::StaffId, klinik::SessionId, String) {
    let new = klinik::staff::NewStaff {
        name: name.into(),
        email: email.into(),
        role: klinik::policy::Role::Practitioner,
        business_login: false,
    };
    let (view, otp) = clinic.create_staff(owner, &new).expect("create staff");
    let session = clinic.login(email, &Secret::new(otp.clone())).expect("first login");
    clinic.change_password(&session, &Secret::new(otp), &Secret::new(PRACTITIONER_PASSWORD)).expect("own password");
    (view.id, session, PRACTITIONER_PASSWORD.to_owned())
}

/// The owner adds a staff member who then signs in and chooses `password`; returns their
/// id and that personal session.
pub fn add_staff(
    clinic: &mut Clinic,
    owner: &klinik::SessionId,
    new: &klinik::staff::NewStaff,
    password: &str,
) -> (klinik::StaffId, klinik::SessionId) {
    let (view, otp) = clinic.create_staff(owner, new).expect("create staff");
    let session = clinic.login(&new.email, &Secret::new(otp.clone())).expect("first login");
    clinic.change_password(&session, &Secret::new(otp), &Secret::new(password)).expect("own password");
    (view.id, session)
}

/// The current two-factor code for a base32 secret, from Debian's `oathtool` (an
/// independent generator).
pub fn oathtool(secret_base32: &str) -> String {
    oathtool_with(&[], secret_base32)
}

/// The two-factor code for `at`, so a fixed test clock and the codes agree.
pub fn code_at(secret_base32: &str, at: chrono::DateTime<chrono::Utc>) -> Secret {
    let now = at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    Secret::new(oathtool_with(&["--now", &now], secret_base32))
}

fn oathtool_with(extra: &[&str], secret_base32: &str) -> String {
    let out = std::process::Command::new("oathtool")
        .args(["--totp", "-b"])
        .args(extra)
        .arg(secret_base32.replace(' ', ""))
        .output()
        .expect("oathtool is installed (./dev installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The owner sets a staff member's scope and view/edit (the role's features, no calendar
/// rights), confirmed with the owner's password.
pub fn set_rights(
    clinic: &mut Clinic,
    owner: &klinik::SessionId,
    staff: &klinik::StaffId,
    name: &str,
    role: klinik::policy::Role,
    scope: klinik::policy::Scope,
    edit: bool,
) {
    let changes = klinik::staff::StaffChanges {
        name: name.into(),
        email: format!("{}@example.dk", name.to_lowercase()),
        role,
        business_login: false,
        scope,
        edit,
        features: klinik::policy::Rights::default_for(role).features,
        requires_pin: false,
        calendars: vec![],
    };
    clinic.update_staff(owner, staff, &changes, &Secret::new(OWNER_PASSWORD)).expect("rights");
}

/// This crate's folder, asked of cargo when the test runs: a path compiled in would name the
/// checkout that built the test, which a build cache shared between checkouts may reuse.
pub fn crate_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR"))
}
