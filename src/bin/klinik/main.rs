//! `klinik`: the command line of the Klinik core — set a clinic up, check its health,
//! verify the audit chain, make a demo clinic. Every subcommand takes `--data-dir`
//! (or `KLINIK_DATA_DIR`).
//!
//! A command that reads client data (the audit export, a backup) signs in as a person
//! with `--as EMAIL` — password from `KLINIK_PASSWORD` or a prompt, two-factor code from
//! `KLINIK_TOTP` or a prompt — and goes through the same gate, rights and audit events as
//! the window. Holding the database key is not enough (docs/SECURITY.md, "One gate").
//!
//! This file holds the clap definition and the dispatch; each group of subcommands lives
//! beside it (`audit`, `backup`, `calendar`, `export`, `import`, `invoice`, `report`), with
//! signing in as a person in `person` and the developers' demo and benchmarks in
//! `devtools`.

mod audit;
mod backup;
mod calendar;
#[cfg(feature = "devtools")]
mod devtools;
mod export;
mod import;
mod invoice;
mod person;
mod report;

use clap::{Parser, Subcommand};
use klinik::clinic::{ClinicSetup, Country, Language};
use klinik::vault::{self, KeyStorage, OsKeyring};
use klinik::{Clinic, Error, SystemClock};
use person::{mode_arg, open, prompt_secret};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "klinik", version, about = "Klinik — an offline practice manager for small clinics", long_about = None)]
struct Cli {
    /// The clinic's data directory [default: ~/.local/share/klinik]
    #[arg(long, global = true, env = "KLINIK_DATA_DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Set up a new clinic. Passwords come from a prompt, or from KLINIK_PASSWORD (the
    /// owner's) and KLINIK_PASSPHRASE (passphrase mode).
    Init {
        #[arg(long)]
        clinic_name: String,
        /// dk, se or no
        #[arg(long)]
        country: String,
        /// notes, journals or journals-with-id
        #[arg(long)]
        mode: String,
        #[arg(long)]
        owner_name: String,
        #[arg(long)]
        owner_email: String,
        /// keyring (the OS keyring keeps the key) or passphrase (asked at every start)
        #[arg(long, default_value = "keyring")]
        key_store: String,
        /// da, sv, nb or en [default: the country's language]
        #[arg(long)]
        language: Option<String>,
    },
    /// Check the database: cipher, integrity, schema, key storage, audit chain.
    Doctor,
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Create a demo clinic with synthetic clients and print its logins.
    #[cfg(feature = "devtools")]
    Demo {
        #[arg(long, default_value_t = 25)]
        clients: usize,
        #[arg(long, default_value = "keyring")]
        key_store: String,
        /// Also append this many synthetic audit events (for benchmarks)
        #[arg(long, default_value_t = 0)]
        audit_events: u64,
        /// Also write this many signed journal entries per client (for benchmarks)
        #[arg(long, default_value_t = 0)]
        entries_per_client: usize,
        /// Also write this many appointments per client over five years in ten calendars
        /// (for benchmarks)
        #[arg(long, default_value_t = 0)]
        appointments_per_client: usize,
        /// Also write this many issued invoices over five years, most of them paid (for
        /// benchmarks)
        #[arg(long, default_value_t = 0)]
        invoices: usize,
    },
    /// The calendar.
    Calendar {
        #[command(subcommand)]
        command: calendar::CalendarCommand,
    },
    /// Reports: the ones on your My page, and running one into a CSV or PDF file.
    Report {
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// Import: clients from the previous system's CSV.
    Import {
        #[command(subcommand)]
        command: import::ImportCommand,
    },
    /// Export: a client's own copy of everything the clinic holds about them.
    Export {
        #[command(subcommand)]
        command: export::ExportCommand,
    },
    /// Invoices: list them, write one's PDF, export a period for the bookkeeping.
    Invoice {
        #[command(subcommand)]
        command: invoice::InvoiceCommand,
    },
    /// Make a backup: an encrypted, checked copy of the clinic with its key slots and a
    /// manifest, into a new or empty folder. An administrator signs in with --as.
    Backup {
        #[arg(long)]
        out: PathBuf,
        /// Sign in as this person (an administrator); password from KLINIK_PASSWORD or a prompt
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
    },
    /// Restore a backup into the data directory. Needs the backup's recovery code
    /// (KLINIK_RECOVERY_CODE, or asked) or passphrase (KLINIK_PASSPHRASE). A clinic already
    /// there is moved aside (never deleted); Klinik must not be running on it.
    Restore {
        #[arg(long)]
        from: PathBuf,
    },
    /// Shell completions for bash, zsh or fish, printed (the package installs them).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The manual page (roff), printed (the package installs it as `man klinik`).
    #[command(hide = true)]
    Manpage,
    /// A damaged clinic and no backup left: write whatever is still readable, table by
    /// table, as CSV into a new folder with a report. Takes the recovery code (asked, or
    /// KLINIK_RECOVERY_CODE). The folder is not encrypted.
    Salvage {
        #[arg(long)]
        out: PathBuf,
    },
    /// Measure a clinic made by `klinik demo`: prints `NAME p50_ms=… p95_ms=…` lines.
    /// Refuses any other clinic (it copies the clinic unencrypted to the temp folder).
    #[cfg(feature = "devtools")]
    Bench {
        #[arg(long, default_value_t = 300)]
        iterations: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = cli.data_dir.clone().unwrap_or_else(vault::default_data_dir);
    match run(cli.command, dir) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("klinik: {}", explain(&e));
            ExitCode::from(2)
        }
    }
}

/// A person-sized explanation for each way opening or running can fail.
fn explain(e: &Error) -> String {
    match e {
        Error::KeyringUnavailable(_) => format!(
            "{e}.\nNo keyring service is running (on Linux: gnome-keyring or another Secret Service). \
             Start it, or open with KLINIK_RECOVERY_CODE."
        ),
        Error::KeyringLocked(_) => {
            format!("{e}.\nUnlock the keyring (log in to the desktop), or use KLINIK_RECOVERY_CODE.")
        }
        Error::KeyringEntryMissing => {
            format!(
                "{e}.\nThe key is not in this computer's keyring. Open once with KLINIK_RECOVERY_CODE to restore it."
            )
        }
        Error::Locked => {
            "this clinic is protected by a passphrase: set KLINIK_PASSPHRASE or KLINIK_RECOVERY_CODE".into()
        }
        Error::NotFound => {
            "there is no clinic in this data directory (create one with `klinik init` or `klinik demo`)".into()
        }
        e => e.to_string(),
    }
}

fn run(command: Command, dir: PathBuf) -> Result<ExitCode, Error> {
    match command {
        Command::Init { clinic_name, country, mode, owner_name, owner_email, key_store, language } => {
            let country = Country::parse(&country)?;
            let language = match language {
                Some(l) => Language::parse(&l)?,
                None => match country {
                    Country::Dk => Language::Da,
                    Country::Se => Language::Sv,
                    Country::No => Language::Nb,
                },
            };
            let key_storage = KeyStorage::parse(&key_store)?;
            let journal_mode = mode_arg(&mode)?;
            let owner_password = prompt_secret("KLINIK_PASSWORD", "Owner password: ", true)?;
            let passphrase = match key_storage {
                KeyStorage::Passphrase => Some(prompt_secret("KLINIK_PASSPHRASE", "Clinic passphrase: ", true)?),
                KeyStorage::Keyring => None,
            };
            let setup = ClinicSetup {
                clinic_name,
                country,
                journal_mode,
                language,
                owner_name,
                owner_email,
                owner_password,
                key_storage,
                passphrase,
            };
            let (clinic, recovery) = Clinic::create(&dir, setup, &OsKeyring, Arc::new(SystemClock))?;
            println!("Created clinic {} in {}", clinic.id(), dir.display());
            println!("Write this recovery code down and keep it safe. Without it, a lost keyring or passphrase means the journals are lost for good.");
            println!("Recovery code: {}", recovery.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Doctor => {
            let clinic = open(&dir)?;
            let r = clinic.doctor()?;
            println!("data directory:   {}", dir.display());
            println!("cipher version:   {}", r.cipher_version);
            println!(
                "integrity:        {}",
                if r.integrity_problems.is_empty() { "ok".to_owned() } else { r.integrity_problems.join("; ") }
            );
            println!("schema version:   {} (this build: {})", r.schema_version, r.schema_latest);
            println!("key storage:      {:?} (opened with {:?})", r.key_storage, r.opened_with);
            match r.audit.first_bad_seq {
                None => println!("audit chain:      intact, {} events", r.audit.events),
                Some(seq) => {
                    println!("audit chain:      BROKEN at seq {seq}: {}", r.audit.problem.as_deref().unwrap_or(""))
                }
            }
            match r.seen_mismatches.as_slice() {
                [] => println!("views' client lists: match their events"),
                bad => println!("views' client lists: CHANGED OR MISSING for events {bad:?}"),
            }
            Ok(if r.healthy() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Audit { command } => audit::run(command, &dir),
        Command::Calendar { command } => calendar::run(command, &dir),
        Command::Invoice { command } => invoice::run(command, &dir),
        Command::Report { command } => report::run(command, &dir),
        Command::Export { command } => export::run(command, &dir),
        Command::Import { command } => import::run(command, &dir),
        Command::Backup { out, as_email } => backup::backup(&dir, &out, &as_email),
        Command::Restore { from } => backup::restore(&dir, &from),
        Command::Salvage { out } => backup::salvage(&dir, &out),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "klinik", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Manpage => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "devtools")]
        Command::Bench { iterations } => devtools::bench(&dir, iterations),
        #[cfg(feature = "devtools")]
        Command::Demo { clients, key_store, audit_events, entries_per_client, appointments_per_client, invoices } => {
            devtools::demo(
                &dir,
                devtools::DemoArgs {
                    clients,
                    key_store,
                    audit_events,
                    entries_per_client,
                    appointments_per_client,
                    invoices,
                },
            )
        }
    }
}
