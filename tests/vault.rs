//! The encrypted vault on real files: create, reopen every way, and every way opening
//! can fail — each with its own error and without touching a byte on disk.

mod common;

use common::*;
use klinik::clinic::Unlock;
use klinik::secret::Secret;
use klinik::vault::{KeyStorage, KeyStore, MemoryKeyStore, OsKeyring};
use klinik::{Clinic, Error, SystemClock};
use std::sync::Arc;

#[test]
fn a_new_clinic_reopens_with_the_key_from_the_os_keyring() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    let s = login(&mut c);
    let made = c
        .create_client(&s, &klinik::clients::ClientInput { name: "Ida Ørsted".into(), ..Default::default() })
        .expect("create");
    drop(c);
    let mut c = open_keyring(d.path()).expect("reopen via keyring");
    assert_eq!(c.opened_with(), klinik::OpenedWith::Keyring);
    let s = login(&mut c);
    assert_eq!(c.get_client(&s, &made.id).expect("read").name, "Ida Ørsted");
    OsKeyring.delete(c.id()).expect("clean up keyring");
}

#[test]
fn a_passphrase_clinic_opens_only_with_its_passphrase() {
    let d = tmp();
    let (c, _) = setup_with(d.path(), KeyStorage::Passphrase, &OsKeyring, Arc::new(SystemClock));
    let id = c.id().clone();
    drop(c);
    assert!(
        matches!(OsKeyring.load(&id), Err(klinik::Error::KeyringEntryMissing)),
        "passphrase mode must not put the key in the keyring"
    );
    let before = data_files(d.path());
    let none = Clinic::open(d.path(), &Unlock::default(), &OsKeyring, Arc::new(SystemClock));
    assert!(matches!(none, Err(Error::Locked)), "{:?}", none.err());
    let wrong = Unlock { passphrase: Some(Secret::new("ikke den rigtige")), recovery_code: None };
    assert!(matches!(Clinic::open(d.path(), &wrong, &OsKeyring, Arc::new(SystemClock)), Err(Error::WrongPassphrase)));
    assert_eq!(before, data_files(d.path()), "failed opens must not modify any file");
    // Either Unicode normalization of the same passphrase opens it.
    let nfd: String = unicode_nfd(PASSPHRASE);
    assert_ne!(nfd, PASSPHRASE);
    let right = Unlock { passphrase: Some(Secret::new(nfd)), recovery_code: None };
    let c = Clinic::open(d.path(), &right, &OsKeyring, Arc::new(SystemClock)).expect("opens with passphrase");
    assert_eq!(c.opened_with(), klinik::OpenedWith::Passphrase);
}

fn unicode_nfd(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().collect()
}

#[test]
fn the_recovery_code_opens_after_keyring_loss_and_restores_the_keyring() {
    let d = tmp();
    let (c, code) = setup(d.path());
    let id = c.id().clone();
    drop(c);
    OsKeyring.delete(&id).expect("lose the keyring entry");
    let before = data_files(d.path());
    assert!(matches!(open_keyring(d.path()), Err(Error::KeyringEntryMissing)));
    let wrong =
        Unlock { passphrase: None, recovery_code: Some(Secret::new("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")) };
    assert!(matches!(Clinic::open(d.path(), &wrong, &OsKeyring, Arc::new(SystemClock)), Err(Error::WrongRecoveryCode)));
    assert_eq!(before, data_files(d.path()));
    let typed = code.to_lowercase().replace('-', " ");
    let unlock = Unlock { passphrase: None, recovery_code: Some(Secret::new(typed)) };
    let c = Clinic::open(d.path(), &unlock, &OsKeyring, Arc::new(SystemClock)).expect("opens with the recovery code");
    assert_eq!(c.opened_with(), klinik::OpenedWith::RecoveryCode);
    drop(c);
    let c = open_keyring(d.path()).expect("keyring entry restored");
    assert_eq!(c.opened_with(), klinik::OpenedWith::Keyring);
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn a_wrong_key_in_the_keyring_is_named_and_changes_nothing() {
    let d = tmp();
    let (c, _) = setup(d.path());
    let id = c.id().clone();
    drop(c);
    OsKeyring.store(&id, &klinik::secret::MasterKey::generate()).expect("store another key");
    let before = data_files(d.path());
    assert!(matches!(open_keyring(d.path()), Err(Error::WrongKey)));
    assert_eq!(before, data_files(d.path()));
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn a_locked_keyring_is_named_and_changes_nothing() {
    let d = tmp();
    let store = MemoryKeyStore::new();
    let (c, _) = setup_with(d.path(), KeyStorage::Keyring, &store, Arc::new(SystemClock));
    drop(c);
    store.fail_with(|| Error::KeyringLocked("collection is locked".into()));
    let before = data_files(d.path());
    let r = Clinic::open(d.path(), &Unlock::default(), &store, Arc::new(SystemClock));
    assert!(matches!(r, Err(Error::KeyringLocked(_))), "{:?}", r.err());
    assert_eq!(before, data_files(d.path()));
}

#[test]
fn no_keyring_daemon_is_named_by_the_cli() {
    let d = tmp();
    let (c, code) = setup(d.path());
    let id = c.id().clone();
    drop(c);
    let before = data_files(d.path());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_klinik"))
        .args(["--data-dir", d.path().to_str().expect("utf8"), "doctor"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/klinik-no-bus")
        .env_remove("KLINIK_RECOVERY_CODE")
        .env_remove("KLINIK_PASSPHRASE")
        .output()
        .expect("run klinik");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("No keyring service is running"), "{err}");
    assert_eq!(before, data_files(d.path()));
    // The recovery code still opens it without any keyring.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_klinik"))
        .args(["--data-dir", d.path().to_str().expect("utf8"), "doctor"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/klinik-no-bus")
        .env("KLINIK_RECOVERY_CODE", &code)
        .output()
        .expect("run klinik");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("opened with RecoveryCode"));
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn damaged_files_are_named_and_left_alone() {
    let d = tmp();
    let (c, _) = setup(d.path());
    let id = c.id().clone();
    drop(c);
    let db = d.path().join("klinik.db");
    let original = std::fs::read(&db).expect("read db");

    // Truncated mid-page.
    std::fs::write(&db, &original[..original.len() - 1000]).expect("truncate");
    let before = data_files(d.path());
    assert!(matches!(open_keyring(d.path()), Err(Error::Corrupted(_))));
    assert_eq!(before, data_files(d.path()));

    // A flipped byte in the first page fails its HMAC.
    let mut flipped = original.clone();
    flipped[100] ^= 0xff;
    std::fs::write(&db, &flipped).expect("corrupt");
    let r = open_keyring(d.path());
    assert!(matches!(r, Err(Error::Corrupted(_))), "{:?}", r.err());

    // An empty file.
    std::fs::write(&db, b"").expect("empty");
    assert!(matches!(open_keyring(d.path()), Err(Error::Corrupted(_))));

    // A missing database next to its key slots.
    std::fs::remove_file(&db).expect("remove");
    assert!(matches!(open_keyring(d.path()), Err(Error::Corrupted(_))));
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn a_plain_sqlite_file_is_refused_as_not_encrypted() {
    let d = tmp();
    let (c, _) = setup(d.path());
    let id = c.id().clone();
    drop(c);
    let db = d.path().join("klinik.db");
    std::fs::remove_file(&db).expect("remove");
    {
        // SQLCipher without a key writes a plain SQLite file: exactly the danger.
        #[allow(clippy::disallowed_methods)]
        let plain = rusqlite::Connection::open(&db).expect("plain");
        plain.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").expect("write");
    }
    assert_eq!(&std::fs::read(&db).expect("read")[..16], b"SQLite format 3\0");
    let before = data_files(d.path());
    assert!(matches!(open_keyring(d.path()), Err(Error::NotEncrypted)));
    assert_eq!(before, data_files(d.path()));
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn a_database_from_a_newer_version_is_refused_untouched() {
    let d = tmp();
    let (c, _) = setup(d.path());
    let id = c.id().clone();
    drop(c);
    {
        let raw = raw_connection(d.path(), &id);
        raw.pragma_update(None, "user_version", 99).expect("bump");
    }
    let before = data_files(d.path());
    let r = open_keyring(d.path());
    assert!(matches!(r, Err(Error::NewerVersion { found: 99, .. })), "{:?}", r.err());
    assert_eq!(before, data_files(d.path()));
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn a_second_process_on_the_same_directory_is_refused() {
    let d = tmp();
    let (c, _) = setup(d.path());
    let second = open_keyring(d.path());
    assert!(matches!(second, Err(Error::AlreadyRunning)), "{:?}", second.err());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_klinik"))
        .args(["--data-dir", d.path().to_str().expect("utf8"), "doctor"])
        .output()
        .expect("run klinik");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already running"));
    OsKeyring.delete(c.id()).expect("clean up");
}

#[test]
fn no_name_email_or_client_appears_in_any_file_and_the_file_is_not_sqlite() {
    let d = tmp();
    let (mut c, code) = setup(d.path());
    let s = login(&mut c);
    let client = klinik::clients::ClientInput {
        name: "Gudrun Xylofonsen".into(),
        phone: "+45 31 41 59 26".into(),
        email: "gudrun.xylofon@example.dk".into(),
        ..Default::default()
    };
    let made = c.create_client(&s, &client).expect("create");
    c.update_client(
        &s,
        &made.id,
        &klinik::clients::ClientInput { name: "Gudrun Xylofonsen-Berg".into(), ..client.clone() },
    )
    .expect("update");
    let id = c.id().clone();
    let needles = [CLINIC_NAME, OWNER_NAME, OWNER_EMAIL, "Xylofonsen", "gudrun.xylofon", "31 41 59 26", code.as_str()];
    // While the app is open (the WAL holds the newest pages) and after it closed.
    assert_absent(d.path(), &needles, "open");
    drop(c);
    assert_absent(d.path(), &needles, "closed");
    let head = std::fs::read(d.path().join("klinik.db")).expect("read");
    assert_ne!(&head[..16], b"SQLite format 3\0");
    OsKeyring.delete(&id).expect("clean up");
}

fn assert_absent(dir: &std::path::Path, needles: &[&str], when: &str) {
    for (name, bytes) in snapshot(dir) {
        let hay = String::from_utf8_lossy(&bytes).to_lowercase();
        for needle in needles {
            assert!(!hay.contains(&needle.to_lowercase()), "{when}: {needle:?} found in {name}");
        }
    }
}

#[test]
fn a_fixture_made_by_an_earlier_build_still_opens() {
    // tests/fixtures/clinic-v1 was made by `klinik demo --clients 3 --key-store passphrase`
    // with the first schema; it must keep opening (cipher_compatibility = 4 is pinned).
    let d = tmp();
    let src = crate_dir().join("tests/fixtures/clinic-v1");
    for f in ["klinik.db", "keyslots.json"] {
        std::fs::copy(src.join(f), d.path().join(f)).expect("copy fixture");
    }
    let unlock = Unlock { passphrase: Some(Secret::new(klinik::demo::DEMO_PASSPHRASE)), recovery_code: None };
    let mut c = Clinic::open(d.path(), &unlock, &OsKeyring, Arc::new(SystemClock)).expect("fixture opens");
    let report = c.doctor().expect("doctor");
    assert!(report.healthy(), "{report:?}");
    let s = c.login(klinik::demo::OWNER_EMAIL, &Secret::new(klinik::demo::OWNER_PASSWORD)).expect("login");
    assert_eq!(c.list_clients(&s, "").expect("list").len(), 3);
}

/// SECURITY.md: after a crash, a quick check and an audit tail check on open. A clean
/// close leaves a marker; without it the next open checks (and records that it did);
/// damage in the newest audit events is refused as `Corrupted` and changes nothing.
#[test]
fn an_unclean_shutdown_is_checked_on_the_next_open_and_damage_is_refused() {
    let d = tmp();
    let (c, _) = setup(d.path());
    let id = c.id().clone();
    drop(c);
    let marker = d.path().join("klinik.closed");
    assert!(marker.exists(), "a clean close leaves the marker");
    let checks = |c: &mut Clinic| {
        let s = login(c);
        let filter = klinik::audit::Filter { action: Some("crash_check".into()), ..Default::default() };
        c.audit_page(&s, &filter, None, 10).expect("page").len()
    };
    let mut c = open_keyring(d.path()).expect("open");
    assert!(!marker.exists(), "removed while the clinic is open");
    assert_eq!(checks(&mut c), 0, "no check after a clean close");
    drop(c);

    // A crash: the marker is missing at the next open.
    std::fs::remove_file(&marker).expect("simulate a crash");
    let mut c = open_keyring(d.path()).expect("open after a crash");
    assert_eq!(checks(&mut c), 1, "the check ran and is on record");
    drop(c);

    // Damage in the newest events (written with the triggers out of the way) is refused.
    {
        let raw = raw_connection(d.path(), &id);
        raw.execute_batch(
            "DROP TRIGGER IF EXISTS audit_events_no_update;
             UPDATE audit_events SET action = 'edited' WHERE seq = (SELECT max(seq) FROM audit_events);",
        )
        .expect("tamper");
    }
    std::fs::remove_file(&marker).expect("simulate a crash");
    let before = snapshot(d.path());
    match open_keyring(d.path()) {
        Err(Error::Corrupted(why)) => assert!(why.contains("audit"), "{why}"),
        Err(e) => panic!("expected Corrupted, got {e:?}"),
        Ok(_) => panic!("damaged audit tail opened after a crash"),
    }
    assert_eq!(snapshot(d.path()), before, "a refused open changes nothing");
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn a_failing_test_leaves_no_key_in_the_keyring() {
    let id = std::sync::Mutex::new(None);
    let outcome = std::panic::catch_unwind(|| {
        let d = tmp();
        let (c, _) = setup(d.path());
        *id.lock().expect("lock") = Some(c.id().clone());
        OsKeyring.load(c.id()).expect("the key is in the keyring");
        panic!("a test fails halfway");
    });
    assert!(outcome.is_err(), "the closure panicked");
    let id = id.into_inner().expect("lock").expect("a clinic was made");
    assert!(
        matches!(OsKeyring.load(&id), Err(Error::KeyringEntryMissing)),
        "the guard removed the key while unwinding"
    );
}
