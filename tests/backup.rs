//! Backups on a real encrypted clinic: an identically keyed export that passes both
//! integrity checks, opens as a clinic of its own (search, attachments and the audit
//! chain intact, its own making on record), refuses to overwrite, is checked against its
//! manifest, and restores without ever deleting what was there.

mod common;

use common::*;
use klinik::audit::Anchor;
use klinik::clients::ClientInput;
use klinik::clinic::Unlock;
use klinik::secret::Secret;
use klinik::vault::{KeyStore, OsKeyring};
use klinik::{Clinic, Error, SystemClock};
use std::sync::Arc;

#[test]
fn a_backup_is_an_encrypted_openable_copy_with_a_manifest_and_restores_without_deleting() {
    let root = tmp();
    let live = root.path().join("klinik");
    let (mut c, recovery) = setup(&live);
    let s = login(&mut c);
    let client = c.create_client(&s, &ClientInput { name: "Bodil Backup".into(), ..Default::default() }).expect("c").id;
    let e = c.create_entry(&s, &client, None, "", "Sikkerhedskopi af journalen med knæøvelser").expect("entry");
    c.sign_entry(&s, &e.id, &Secret::new(OWNER_PASSWORD)).expect("sign");
    let pdf = b"%PDF-1.4\n% bilag-i-backup\n%%EOF\n";
    let att = c.add_attachment(&s, &client, None, "bilag.pdf", pdf).expect("attach");

    let dest = root.path().join("backup-1");
    assert!(matches!(c.backup(&s, &dest, &Secret::new("forkert")), Err(Error::WrongCredentials)));
    let manifest = c.backup(&s, &dest, &Secret::new(OWNER_PASSWORD)).expect("backup");
    assert_eq!(klinik::backup::check_backup(&dest).expect("manifest matches"), manifest);
    assert!(matches!(c.backup(&s, &dest, &Secret::new(OWNER_PASSWORD)), Err(Error::Invalid(_))), "never overwrites");
    // Encrypted like the original: no header, no names.
    let bytes = std::fs::read(dest.join("klinik.db")).expect("read");
    assert!(!bytes.starts_with(b"SQLite format 3"));
    for needle in ["Bodil Backup", "knæøvelser", "bilag-i-backup", CLINIC_NAME] {
        assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} in the backup");
    }
    // Only administrators make backups.
    let (_, pia, otp) = practitioner(&mut c, &s, "Pia", "pia@example.dk");
    assert!(matches!(c.backup(&pia, &root.path().join("b2"), &Secret::new(otp)), Err(Error::Denied(_))));
    let id = c.id().clone();
    drop(c);

    // A restored copy opens as a clinic (same key, from the keyring) with everything in it.
    // (Opening the backup folder itself would write to it; a restore copies it first.)
    let now = chrono::Utc::now();
    let check = root.path().join("check");
    // A copy of the backup opened as it is would take the clinic back in time: the head
    // anchored at the last close refuses it.
    let copied = root.path().join("copied");
    klinik::backup::restore(&dest, &copied, now).expect("a plain copy");
    assert!(matches!(open_keyring(&copied), Err(Error::Corrupted(why)) if why.contains("rolled back")));
    // A restore proper takes the backup's recovery code, and says so first.
    let clock = || Arc::new(SystemClock);
    let r = Clinic::restore_backup(&dest, &check, &Unlock::default(), &OsKeyring, clock());
    assert!(matches!(r, Err(Error::Invalid(_))), "no code, no restore");
    let wrong =
        Unlock { recovery_code: Some(Secret::new("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")), passphrase: None };
    let r = Clinic::restore_backup(&dest, &check, &wrong, &OsKeyring, clock());
    assert!(matches!(r, Err(Error::WrongRecoveryCode)));
    assert!(!check.exists(), "nothing restored with a wrong code");
    let unlock = Unlock { recovery_code: Some(Secret::new(recovery.clone())), passphrase: None };
    let (mut b, _, none_moved) = Clinic::restore_backup(&dest, &check, &unlock, &OsKeyring, clock()).expect("restore");
    assert!(none_moved.is_none());
    let bs = login(&mut b);
    assert_eq!(b.get_client(&bs, &client).expect("client").name, "Bodil Backup");
    assert_eq!(b.search_journals(&bs, "knæøvelser").expect("search").len(), 1, "the search index came along");
    assert_eq!(b.open_attachment(&bs, &att.id).expect("attachment").1, pdf);
    let anchor = Anchor {
        clinic_id: manifest.clinic_id.clone(),
        seq: manifest.audit_seq,
        hash: manifest.audit_hash.clone(),
        written_at: manifest.created_at.clone(),
    };
    assert!(b.verify_audit_with_anchor(&anchor).expect("verify").intact, "the chain holds the manifest's head");
    let after: Vec<String> = b
        .audit_page(&bs, &Default::default(), None, 50)
        .expect("page")
        .into_iter()
        .rev()
        .filter(|e| e.seq > manifest.audit_seq)
        .map(|e| e.action)
        .collect();
    assert_eq!(after.first().map(String::as_str), Some("backup_restore"), "the restore is the first event: {after:?}");
    let made: Vec<String> = b
        .audit_page(&bs, &klinik::audit::Filter { action: Some("backup_create".into()), ..Default::default() }, None, 5)
        .expect("page")
        .into_iter()
        .map(|e| e.outcome)
        .collect();
    assert_eq!(made, ["ok"], "the backup holds the record of its own making");
    // The attempt with a wrong password is on record as a wrong password at that door.
    let wrong: Vec<Option<String>> = b
        .audit_page(
            &bs,
            &klinik::audit::Filter { action: Some("password_failed".into()), ..Default::default() },
            None,
            5,
        )
        .expect("page")
        .into_iter()
        .map(|e| e.object)
        .collect();
    assert_eq!(wrong, [Some("backup_create".to_owned())]);
    drop(b);

    // A damaged backup is refused before anything is restored.
    let damaged = root.path().join("damaged");
    std::fs::create_dir(&damaged).expect("dir");
    for f in ["klinik.db", "keyslots.json", klinik::backup::MANIFEST] {
        std::fs::copy(dest.join(f), damaged.join(f)).expect("copy");
    }
    let mut db = std::fs::read(damaged.join("klinik.db")).expect("read");
    let mid = db.len() / 2;
    db[mid] ^= 0xff;
    std::fs::write(damaged.join("klinik.db"), db).expect("write");
    assert!(matches!(klinik::backup::restore(&damaged, &root.path().join("nowhere"), now), Err(Error::Corrupted(_))));
    assert!(!root.path().join("nowhere").exists(), "nothing restored");

    // Restoring over the live clinic moves it aside instead of deleting it.
    let (r, restored, moved) = Clinic::restore_backup(&dest, &live, &unlock, &OsKeyring, clock()).expect("restore");
    assert_eq!(restored.audit_seq, manifest.audit_seq);
    let moved = moved.expect("the old clinic was moved aside");
    assert!(moved.join("klinik.db").exists() && moved.join("keyslots.json").exists());
    drop(r);
    let mut r: Clinic = open_keyring(&live).expect("restored clinic opens again");
    let rs = login(&mut r);
    assert_eq!(r.list_clients(&rs, "Bodil").expect("list").len(), 1);
    OsKeyring.delete(&id).expect("clean up");
}
