//! For developers (the `devtools` feature, never in the package): a demo clinic with its
//! logins printed, and the benchmarks on it.

use crate::person::{env_secret, open};
use klinik::secret::Secret;
use klinik::vault::{KeyStorage, OsKeyring};
use klinik::{Error, SystemClock};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

pub fn bench(dir: &Path, iterations: usize) -> Result<ExitCode, Error> {
    let mut clinic = open(dir)?;
    // Before the demo login: a real clinic gets neither a copy nor a failed login.
    klinik::bench::ensure_demo(&mut clinic)?;
    let session = clinic.login(klinik::demo::OWNER_EMAIL, &Secret::new(klinik::demo::OWNER_PASSWORD))?;
    println!(
        "machine cores={} build={}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    for line in klinik::bench::run(&mut clinic, &session, iterations)? {
        println!("{line}");
    }
    clinic.logout(&session)?;
    Ok(ExitCode::SUCCESS)
}

pub struct DemoArgs {
    pub clients: usize,
    pub key_store: String,
    pub audit_events: u64,
    pub entries_per_client: usize,
    pub appointments_per_client: usize,
    pub invoices: usize,
}

pub fn demo(dir: &Path, args: DemoArgs) -> Result<ExitCode, Error> {
    let DemoArgs { clients, key_store, audit_events, entries_per_client, appointments_per_client, invoices } = args;
    let key_storage = KeyStorage::parse(&key_store)?;
    let mut demo = klinik::demo::create(
        dir,
        clients,
        key_storage,
        env_secret("KLINIK_PASSPHRASE"),
        &OsKeyring,
        Arc::new(SystemClock),
    )?;
    if entries_per_client > 0 {
        let n = klinik::demo::synthetic_entries(&mut demo.clinic, entries_per_client)?;
        println!("Wrote {n} signed journal entries.");
    }
    if appointments_per_client > 0 {
        let n = klinik::demo::synthetic_appointments(&mut demo.clinic, appointments_per_client)?;
        println!("Wrote {n} appointments.");
    }
    if invoices > 0 {
        let n = klinik::demo::synthetic_invoices(&mut demo.clinic, invoices)?;
        println!("Wrote {n} invoices.");
    }
    if audit_events > 0 {
        klinik::demo::synthetic_audit_events(&mut demo.clinic, audit_events)?;
    }
    println!("Demo clinic created in {} with {} clients.", dir.display(), demo.clients);
    println!(
        "Owner login: {}  password: {}  PIN: {}",
        klinik::demo::OWNER_EMAIL,
        klinik::demo::OWNER_PASSWORD,
        klinik::demo::OWNER_PIN
    );
    let (desk, desk_email, desk_pw) = klinik::demo::DESK;
    println!("Business login ({desk}): {desk_email}  password: {desk_pw}");
    for (name, email, password, pin) in klinik::demo::PRACTITIONERS {
        println!("Practitioner {name}: {email}  password: {password}  PIN: {pin}");
    }
    let (name, email, password, child) = klinik::demo::RELATIVE;
    println!("Relative {name} (mother of the client {child}): {email}  password: {password}");
    let session = demo.clinic.login(klinik::demo::OWNER_EMAIL, &Secret::new(klinik::demo::OWNER_PASSWORD))?;
    if let Some(c) = demo.clinic.list_clients(&session, child)?.first() {
        println!("A client to export (klinik export client --id): {}  ({})", c.id.as_str(), c.name);
    }
    demo.clinic.logout(&session)?;
    if key_storage == KeyStorage::Passphrase {
        let p = env_secret("KLINIK_PASSPHRASE").map(|s| s.expose().to_owned());
        println!("Clinic passphrase: {}", p.as_deref().unwrap_or(klinik::demo::DEMO_PASSPHRASE));
    }
    println!("Recovery code: {}", demo.recovery_code);
    Ok(ExitCode::SUCCESS)
}
