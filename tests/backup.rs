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

/// Automatic backups: once a folder is chosen (with the administrator's password), one a
/// day is made and checked, the rotation keeps 7 days, 4 weeks and 12 months of them and
/// deletes nothing else in the folder, and the status warns when the last good one is old
/// or the folder is gone.
#[test]
fn automatic_backups_happen_daily_rotate_and_warn() {
    use chrono::TimeZone;
    use klinik::FixedClock;
    let d = tmp();
    let start = chrono::Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).single().expect("t");
    let clock = Arc::new(FixedClock::new(start));
    let (mut c, _) = setup_at(d.path(), clock.clone());
    let s = login(&mut c);
    let folder = d.path().join("usb");
    std::fs::create_dir(&folder).expect("the disk");
    assert!(!c.automatic_backup_due().expect("due"), "no folder: off");
    assert_eq!(c.automatic_backup().expect("off"), None);
    assert_eq!(
        c.set_backup_folder(&s, Some(&folder), &Secret::new("not-the-password-at-all")).expect_err("password").code(),
        klinik::ErrorCode::WrongCredentials
    );
    assert_eq!(
        c.set_backup_folder(&s, Some(&d.path().join("nowhere")), &Secret::new(OWNER_PASSWORD))
            .expect_err("no folder")
            .code(),
        klinik::ErrorCode::Invalid
    );
    c.set_backup_folder(&s, Some(&folder), &Secret::new(OWNER_PASSWORD)).expect("chosen");
    assert!(c.backup_status(&s).expect("status").stale, "none made yet");
    // Things of others in the folder: never touched by the rotation.
    std::fs::create_dir(folder.join("klinik-backup-20250101-120000")).expect("a manual backup's folder");
    std::fs::write(folder.join("notes.txt"), "mine").expect("a file");
    std::fs::create_dir(folder.join("klinik-auto-19990101-000000")).expect("not a backup");
    // 60 days of work, a backup on each (opening; the rotation runs each time).
    for day in 0..60 {
        assert!(c.automatic_backup_due().expect("due"), "day {day}");
        let dest = c.automatic_backup().expect("made").expect("a folder");
        klinik::backup::check_backup(&dest).expect("a checked backup");
        assert!(!c.automatic_backup_due().expect("due"), "one a day");
        clock.advance(chrono::Duration::days(1));
    }
    let autos: Vec<String> = std::fs::read_dir(&folder)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("klinik-auto-2026"))
        .collect();
    assert!(autos.len() >= 7 && autos.len() <= 7 + 4 + 12, "{autos:?}");
    for back in 1..=7 {
        let day = (start + chrono::Duration::days(60 - back)).format("klinik-auto-%Y%m%d").to_string();
        assert!(autos.iter().any(|n| n.starts_with(&day)), "the last seven days are kept: {day} in {autos:?}");
    }
    assert!(autos.iter().any(|n| n.starts_with("klinik-auto-202601")), "January kept as a month: {autos:?}");
    for theirs in ["klinik-backup-20250101-120000", "notes.txt", "klinik-auto-19990101-000000"] {
        assert!(folder.join(theirs).exists(), "{theirs} is left alone");
    }
    // The restore drill: the newest backup opened as a copy elsewhere, checked and counted.
    let s = login(&mut c);
    let before = klinik::backup::check_backup(&folder.join(autos.iter().max().expect("newest"))).expect("ok");
    let drill = c.test_backup(&s).expect("drill");
    assert!(drill.ok, "{drill:?}");
    assert_eq!(drill.made_at, before.created_at, "the newest backup");
    assert_eq!(drill.clients, 0);
    assert!(drill.audit_events > 60, "{drill:?}");
    let status = c.backup_status(&s).expect("status");
    assert!(!status.stale);
    assert!(status.last_drill.is_some(), "the drill's day is kept");
    let month = klinik::review::Period::parse(&status.last_drill.clone().unwrap_or_default()[..7]).expect("period");
    let review = c.log_review(&s, month).expect("review");
    assert_eq!(review.last_drill, status.last_drill, "the log review shows the last passed drill");
    // Three days without a backup: the window warns; the disk unplugged: it says so, and
    // the attempt is recorded as failed.
    clock.advance(chrono::Duration::days(3));
    let s = login(&mut c);
    let status = c.backup_status(&s).expect("status");
    assert!(status.stale && !status.folder_missing, "{status:?}");
    std::fs::rename(&folder, d.path().join("usb-unplugged")).expect("unplug");
    assert!(c.backup_status(&s).expect("status").folder_missing);
    assert!(c.automatic_backup().is_err());
    let log = c.audit_page(&s, &klinik::audit::Filter::default(), None, 500).expect("log");
    assert!(log.iter().any(|e| e.action == "backup_automatic" && e.outcome == "ok"));
    assert!(log.iter().any(|e| e.action == "backup_drill" && e.outcome == "ok"));
    assert!(log.iter().any(|e| e.action == "backup_failed" && e.reason.as_deref() == Some("folder_missing")));
}

/// A clinic file damaged beyond opening: the newest backup of this clinic is found in the
/// backup folder noted beside the database (not inside it), restored with the recovery
/// code, and the damaged clinic is kept aside; `klinik salvage` reads what is still
/// readable of a damaged file with the recovery code into a folder with its own report.
#[test]
fn a_damaged_clinic_restores_its_newest_backup_and_salvage_reads_what_is_left() {
    let root = tmp();
    let live = root.path().join("klinik");
    let folder = root.path().join("usb");
    std::fs::create_dir(&folder).expect("usb");
    let (mut c, recovery) = setup(&live);
    let s = login(&mut c);
    c.create_client(&s, &ClientInput { name: "Dorte Damaged".into(), ..Default::default() }).expect("c");
    c.set_backup_folder(&s, Some(&folder), &Secret::new(OWNER_PASSWORD)).expect("folder");
    assert_eq!(
        std::fs::read_to_string(live.join("backup-folder")).expect("noted beside the db"),
        folder.to_str().expect("p")
    );
    c.automatic_backup().expect("backup").expect("made");
    let id = c.id().clone();
    drop(c);
    // A second, unrelated backup folder entry of another clinic is ignored.
    std::fs::create_dir(folder.join("klinik-backup-19990101-000000")).expect("other");

    // Damage: a stretch in the middle of the file overwritten, found when the clinic is
    // checked after an unclean shutdown (a power cut while the disk failed).
    let db = live.join("klinik.db");
    let mut bytes = std::fs::read(&db).expect("db");
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid - 8192..mid + 8192] {
        *b = 0x5a;
    }
    std::fs::write(&db, &bytes).expect("damage");
    std::fs::remove_file(live.join("klinik.db-wal")).ok();
    std::fs::remove_file(klinik::vault::DataDir::new(&live).clean_marker()).ok();
    let opened = open_keyring(&live);
    assert!(opened.is_err(), "the damaged clinic is refused");
    let (newest, manifest) = klinik::backup::newest_for(&live).expect("look").expect("a backup is found");
    assert!(newest.starts_with(&folder) && manifest.clinic_id == id.as_str());

    // Salvage first (from the damaged file, with the recovery code).
    let out = root.path().join("salvage");
    let code = klinik::vault::RecoveryCode::parse(&recovery).expect("code");
    let report = klinik::backup::salvage(&live, &code, &out).expect("salvage");
    assert!(out.join("report.txt").exists());
    assert!(report.tables.iter().any(|t| t.name == "clients"), "{report:?}");
    assert!(report.tables.iter().any(|t| t.rows > 0), "something was read: {report:?}");
    let clients = report.tables.iter().find(|t| t.name == "clients").expect("clients");
    if clients.error.is_none() {
        assert!(std::fs::read_to_string(out.join("clients.csv")).expect("csv").contains("Dorte Damaged"));
    }
    if let Ok(staff) = std::fs::read_to_string(out.join("staff.csv")) {
        assert!(!staff.contains("$argon2"), "no password hash in the unencrypted salvage");
    }
    assert!(!out.join("totp_recovery_codes.csv").exists());
    let text = std::fs::read_to_string(out.join("report.txt")).expect("report");
    assert!(text.contains("integrity check") && text.contains("clients:"), "{text}");
    assert!(matches!(
        klinik::backup::salvage(&live, &klinik::vault::RecoveryCode::generate(), &root.path().join("s2")),
        Err(Error::WrongRecoveryCode)
    ));

    // Restore the newest backup: the recovery code is asked, the damaged clinic is moved aside.
    let unlock = Unlock { recovery_code: Some(Secret::new(recovery.clone())), passphrase: None };
    let (mut b, _, moved) =
        Clinic::restore_backup(&newest, &live, &unlock, &OsKeyring, Arc::new(SystemClock)).expect("restore");
    let moved = moved.expect("the damaged clinic is kept");
    assert!(moved.join("klinik.db").exists());
    let bs = login(&mut b);
    assert!(b.list_clients(&bs, "Dorte").expect("list").iter().any(|k| k.name == "Dorte Damaged"));
}

/// Today's backup runs beside the window: copied on a connection and thread of its own
/// while the clinic goes on writing, checked like every backup, then recorded and rotated.
#[test]
fn an_automatic_backup_runs_beside_the_work_and_is_recorded_when_it_ends() {
    let root = tmp();
    let live = root.path().join("klinik");
    let folder = root.path().join("usb");
    std::fs::create_dir(&folder).expect("usb");
    let (mut c, _) = setup(&live);
    let s = login(&mut c);
    c.set_backup_folder(&s, Some(&folder), &Secret::new(OWNER_PASSWORD)).expect("folder");
    for i in 0..50 {
        c.create_client(&s, &ClientInput { name: format!("Klient {i}"), ..Default::default() }).expect("c");
    }
    assert!(c.automatic_backup_due().expect("due"));
    let job = std::sync::Arc::new(c.start_automatic_backup().expect("start").expect("a folder is chosen"));
    let running = job.clone();
    let copying = std::thread::spawn(move || running.run());
    // The window goes on: clients are registered while the copy is made.
    for i in 0..20 {
        c.create_client(&s, &ClientInput { name: format!("Under backup {i}"), ..Default::default() }).expect("c");
    }
    let outcome = copying.join().expect("thread");
    let manifest = outcome.as_ref().expect("the backup").clone();
    assert_eq!(job.progress(), 100);
    c.finish_automatic_backup(&job, &outcome).expect("finish");
    assert_eq!(klinik::backup::check_backup(job.dest()).expect("it verifies"), manifest);
    assert!(!c.automatic_backup_due().expect("due"), "today's backup is done");
    let status = c.backup_status(&s).expect("status");
    assert_eq!(status.last_ok.as_deref(), Some(manifest.created_at.as_str()));
    // The copy's head is the backup's own event (recorded before the copy was taken).
    let events = c.audit_page(&s, &Default::default(), None, 500).expect("events");
    let made = events.iter().find(|e| e.action == "backup_automatic").expect("its event");
    assert!(manifest.audit_seq >= made.seq, "the copy holds the record of its own making");
}
