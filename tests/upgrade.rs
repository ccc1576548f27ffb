//! Upgrades never lose a clinic. Clinics made by earlier versions of Klinik — the first
//! schema (`tests/fixtures/clinic-v1`) and the first packaged release, 0.1.0
//! (`tests/fixtures/clinic-0.1.0`, with a backup that version made) — are opened by this
//! build's `klinik` command and core, exactly as an installed package finds them after an
//! upgrade: the schema is migrated to this build's (in one transaction: a failed step
//! leaves the file as it was, see tests/migrations.rs), the audit chain verifies, every
//! signed journal entry reads back byte for byte as it was stored, and the backup made
//! before the upgrade restores with this version. (A clinic made by a newer Klinik is
//! refused unopened: tests/migrations.rs.)

mod common;

use common::*;
use klinik::clinic::Unlock;
use klinik::secret::Secret;
use klinik::vault::{KeySlots, OpenMode, RecoveryCode};
use klinik::{Clinic, SystemClock};
use std::path::Path;
use std::sync::Arc;

const PASSPHRASE: &str = "kaffe-og-kanelsnegle-ved-vandet";

fn copy_fixture(name: &str, to: &Path) {
    let src = crate_dir().join("tests/fixtures").join(name);
    std::fs::create_dir_all(to).expect("dir");
    for f in ["klinik.db", "keyslots.json", "anchor.json"] {
        if src.join(f).exists() {
            std::fs::copy(src.join(f), to.join(f)).expect("copy");
        }
    }
}

/// The signed entries as stored, read beside the core with the recovery code (before the
/// new version has touched the file): (client, entry, body).
fn signed_entries(dir: &Path, code: &str) -> Vec<(String, String, String)> {
    let slots = KeySlots::read(&dir.join("keyslots.json")).expect("slots");
    let code = RecoveryCode::parse(code).expect("code");
    let slot = slots.slot(klinik::vault::keyslots::SlotKind::Recovery).expect("recovery slot");
    let key = slot.unwrap_key(&slots.clinic_id, code.kdf_input()).expect("unwrap").expect("the code fits");
    let conn = klinik::vault::open_connection(&dir.join("klinik.db"), &key, OpenMode::Existing).expect("raw");
    let Ok(mut stmt) = conn.prepare("SELECT client_id, id, body FROM entries WHERE status = 'signed' ORDER BY id")
    else {
        return Vec::new(); // the first schema had no journal yet
    };
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).expect("rows");
    rows.collect::<rusqlite::Result<_>>().expect("entries")
}

fn recovery_code(fixture: &str) -> String {
    let readme =
        std::fs::read_to_string(crate_dir().join("tests/fixtures").join(fixture).join("README.md")).expect("readme");
    let at = readme.find("Recovery code: ").expect("the code is written down") + "Recovery code: ".len();
    readme[at..at + 39].to_owned()
}

#[test]
fn clinics_of_earlier_versions_open_migrated_with_their_chain_and_signed_entries_intact() {
    for (fixture, folder, entries_expected) in [("clinic-v1", "", false), ("clinic-0.1.0", "clinic", true)] {
        let d = tmp();
        let dir = d.path().join("klinik");
        let fixture_dir = if folder.is_empty() { fixture.to_owned() } else { format!("{fixture}/{folder}") };
        copy_fixture(&fixture_dir, &dir);
        let code = recovery_code(fixture);
        let before = signed_entries(&dir, &code);
        assert_eq!(!before.is_empty(), entries_expected, "{fixture}: signed entries to compare");

        // The installed command first (what a clinic's script would run after the upgrade).
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_klinik"))
            .args(["--data-dir", dir.to_str().expect("p"), "doctor"])
            .env("KLINIK_PASSPHRASE", PASSPHRASE)
            .output()
            .expect("klinik doctor");
        assert!(
            out.status.success(),
            "{fixture}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );

        // Then the window's core on the same folder.
        let unlock = Unlock { passphrase: Some(Secret::new(PASSPHRASE)), recovery_code: None };
        let mut c = Clinic::open(&dir, &unlock, &klinik::vault::OsKeyring, Arc::new(SystemClock)).expect("opens");
        let report = c.doctor().expect("doctor");
        assert_eq!(report.schema_version, klinik::migrations::latest(), "{fixture}: migrated to this build's schema");
        assert!(report.healthy(), "{fixture}: {report:?}");
        assert!(c.verify_audit().expect("verify").intact, "{fixture}: the audit chain verifies");
        let s = c.login(klinik::demo::OWNER_EMAIL, &Secret::new(klinik::demo::OWNER_PASSWORD)).expect("owner");
        assert!(c.list_clients(&s, "").expect("clients").len() >= 3, "{fixture}: the clients are there");
        for (client, id, body) in &before {
            let client = klinik::ClientId::parse(client).expect("id");
            let journal = c.journal(&s, &client).expect("journal");
            let entry = journal.iter().find(|e| e.id.as_str() == id).expect("the entry is there");
            assert_eq!(entry.body.as_bytes(), body.as_bytes(), "{fixture}: entry {id} byte for byte");
            assert!(entry.signed);
        }
        drop(c);

        // A backup made by that version restores with this one.
        let backup = crate_dir().join("tests/fixtures").join(fixture).join("backup");
        if backup.exists() {
            let target = d.path().join("restored");
            let (mut r, manifest, _) =
                Clinic::restore_backup(&backup, &target, &unlock, &klinik::vault::OsKeyring, Arc::new(SystemClock))
                    .expect("the old backup restores");
            assert!(r.verify_audit().expect("verify").intact);
            assert!(r.audit_anchor().expect("head").seq > manifest.audit_seq, "the restore is its first new event");
            let s = r.login(klinik::demo::OWNER_EMAIL, &Secret::new(klinik::demo::OWNER_PASSWORD)).expect("owner");
            assert!(r.list_clients(&s, "").expect("clients").len() >= 3);
        }
    }
}
