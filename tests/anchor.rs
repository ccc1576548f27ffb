//! The audit chain's head is anchored outside the database on every clean close and
//! backup, and every open checks it: a clinic file replaced by an older copy, or a
//! passphrase-mode anchor that was edited, is refused with a clear message — and opening
//! checks all of that before it writes anything.

mod common;

use common::*;
use klinik::clients::ClientInput;
use klinik::clinic::Unlock;
use klinik::secret::Secret;
use klinik::vault::{KeyStorage, KeyStore, MemoryKeyStore, OsKeyring};
use klinik::{Clinic, Error, FixedClock, SystemClock};
use std::sync::Arc;

fn add_client(c: &mut Clinic, name: &str) {
    let s = login(c);
    c.create_client(&s, &ClientInput { name: name.into(), ..Default::default() }).expect("client");
    c.logout(&s).expect("logout");
}

#[test]
fn a_clinic_file_replaced_by_an_older_copy_is_refused_at_open() {
    let d = tmp();
    let (mut c, _) = setup(d.path());
    add_client(&mut c, "Alma Anker");
    let id = c.id().clone();
    drop(c);
    let older = std::fs::read(d.path().join("klinik.db")).expect("the file as it was");
    let mut c = open_keyring(d.path()).expect("reopen");
    add_client(&mut c, "Bo Bagefter");
    drop(c);
    // Someone puts the older file back (e.g. to hide who read a record since).
    std::fs::write(d.path().join("klinik.db"), &older).expect("roll back");
    let before = data_files(d.path());
    match open_keyring(d.path()) {
        Err(Error::Corrupted(why)) => assert!(why.contains("rolled back or cut"), "{why}"),
        Err(e) => panic!("expected Corrupted, got {e:?}"),
        Ok(_) => panic!("an older copy opened"),
    }
    assert_eq!(before, data_files(d.path()), "the refused open wrote nothing");
    OsKeyring.delete(&id).expect("clean up");
}

#[test]
fn in_passphrase_mode_the_anchor_is_a_signed_file_that_cannot_be_edited() {
    let d = tmp();
    let store = MemoryKeyStore::new();
    let (mut c, code) = setup_with(d.path(), KeyStorage::Passphrase, &store, Arc::new(SystemClock));
    add_client(&mut c, "Cecilie Chiffer");
    drop(c);
    let unlock = Unlock { passphrase: Some(Secret::new(PASSPHRASE)), recovery_code: None };
    let anchor = d.path().join(klinik::anchor::FILE);
    assert!(anchor.exists(), "the anchor file is written at close");
    let older = std::fs::read(d.path().join("klinik.db")).expect("file");
    let mut c = Clinic::open(d.path(), &unlock, &store, Arc::new(SystemClock)).expect("reopen");
    add_client(&mut c, "Dorte Derefter");
    drop(c);
    // The database put back alone is caught against the newer anchor.
    let newer = std::fs::read(d.path().join("klinik.db")).expect("file");
    std::fs::write(d.path().join("klinik.db"), &older).expect("roll back");
    assert!(matches!(Clinic::open(d.path(), &unlock, &store, Arc::new(SystemClock)), Err(Error::Corrupted(_))));
    std::fs::write(d.path().join("klinik.db"), &newer).expect("put the real one back");
    Clinic::open(d.path(), &unlock, &store, Arc::new(SystemClock)).expect("the real file opens");
    // The older file with the anchor removed is refused too (this clinic has always been
    // anchored) — but the recovery code's holder may open it, as on a new computer.
    std::fs::write(d.path().join("klinik.db"), &older).expect("roll back again");
    std::fs::remove_file(&anchor).expect("and remove the anchor");
    match Clinic::open(d.path(), &unlock, &store, Arc::new(SystemClock)) {
        Err(Error::Corrupted(why)) => assert!(why.contains("anchor is missing"), "{why}"),
        other => panic!("expected Corrupted, got {:?}", other.err()),
    }
    let with_code = Unlock { passphrase: None, recovery_code: Some(Secret::new(code.clone())) };
    drop(Clinic::open(d.path(), &with_code, &store, Arc::new(SystemClock)).expect("the recovery code opens it"));
    std::fs::write(d.path().join("klinik.db"), &newer).expect("put the real one back");
    std::fs::remove_file(&anchor).expect("the re-anchored older head goes too");
    drop(Clinic::open(d.path(), &with_code, &store, Arc::new(SystemClock)).expect("re-anchored with the code"));
    let text = std::fs::read_to_string(&anchor).expect("anchored again");
    // An anchor edited by hand (here: the head with its seq changed) is refused:
    // its MAC needs the vault key.
    let edited = text.replacen("\"seq\":", "\"seq\":1", 1);
    std::fs::write(&anchor, edited).expect("edit");
    match Clinic::open(d.path(), &unlock, &store, Arc::new(SystemClock)) {
        Err(Error::Corrupted(why)) => assert!(why.contains("altered"), "{why}"),
        other => panic!("expected Corrupted, got {:?}", other.err()),
    }
}

#[test]
fn opening_checks_before_it_writes_anything() {
    let d = tmp();
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let s = login(&mut c);
    c.set_auto_sign_hours(&s, 8).expect("auto-sign after 8 hours");
    let client = c.create_client(&s, &ClientInput { name: "Erik Efter".into(), ..Default::default() }).expect("c");
    c.create_entry(&s, &client.id, None, "", "Kladde der venter").expect("draft");
    let id = c.id().clone();
    drop(c);
    // The file now claims to belong to another clinic; a draft is due for auto-signing.
    {
        let raw = raw_connection(d.path(), &id);
        raw.execute("UPDATE clinic SET id = 'en-anden-klinik'", []).expect("tamper");
    }
    clock.advance(chrono::Duration::hours(9));
    let before = data_files(d.path());
    let r = Clinic::open(d.path(), &Unlock::default(), &OsKeyring, clock.clone());
    assert!(matches!(r, Err(Error::Corrupted(_))), "{:?}", r.err());
    assert_eq!(before, data_files(d.path()), "nothing was signed, migrated or added before the check");
    OsKeyring.delete(&id).expect("clean up");
}
