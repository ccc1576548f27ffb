//! Backups from the command line: make one (an administrator signs in), restore one
//! (with the backup's recovery code or passphrase), and salvage what is still readable of
//! a damaged clinic (with the recovery code).

use crate::person::{as_person, env_secret, prompt_secret};
use klinik::vault::OsKeyring;
use klinik::{Clinic, Error};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

pub fn backup(dir: &Path, out: &Path, as_email: &str) -> Result<ExitCode, Error> {
    let m = as_person(dir, as_email, |clinic, session, password| clinic.backup(session, out, password))?;
    println!(
        "backup in {}: {} bytes, sha256 {}, audit head seq {} hash {}",
        out.display(),
        m.database_bytes,
        m.database_sha256,
        m.audit_seq,
        m.audit_hash
    );
    Ok(ExitCode::SUCCESS)
}

pub fn restore(dir: &Path, from: &Path) -> Result<ExitCode, Error> {
    // Restoring replaces the clinic's history: it takes the backup's own recovery
    // code (or passphrase), never just the key in this computer's keyring.
    let passphrase = env_secret("KLINIK_PASSPHRASE");
    let recovery_code = match (&passphrase, env_secret("KLINIK_RECOVERY_CODE")) {
        (_, Some(code)) => Some(code),
        (Some(_), None) => None,
        (None, None) => Some(prompt_secret("KLINIK_RECOVERY_CODE", "Recovery code of the backup: ", false)?),
    };
    let unlock = klinik::clinic::Unlock { passphrase, recovery_code };
    let (clinic, m, moved) = Clinic::restore_backup(from, dir, &unlock, &OsKeyring, Arc::new(klinik::SystemClock))?;
    drop(clinic);
    if let Some(old) = moved {
        println!("the clinic that was in {} is kept in {}", dir.display(), old.display());
    }
    println!("restored the backup of {} (audit head seq {}) into {}", m.created_at, m.audit_seq, dir.display());
    Ok(ExitCode::SUCCESS)
}

pub fn salvage(dir: &Path, out: &Path) -> Result<ExitCode, Error> {
    let typed = prompt_secret("KLINIK_RECOVERY_CODE", "Recovery code: ", false)?;
    let code = klinik::vault::RecoveryCode::parse(typed.expose())?;
    let report = klinik::backup::salvage(dir, &code, out)?;
    for t in &report.tables {
        match &t.error {
            None => println!("{}: {} rows", t.name, t.rows),
            Some(e) => println!("{}: {} rows, then unreadable ({e})", t.name, t.rows),
        }
    }
    println!("wrote {} (see report.txt; the folder is not encrypted)", out.display());
    Ok(ExitCode::SUCCESS)
}
