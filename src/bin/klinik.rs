//! `klinik`: the command line of the Klinik core — set a clinic up, check its health,
//! verify the audit chain, make a demo clinic. Every subcommand takes `--data-dir`
//! (or `KLINIK_DATA_DIR`).
//!
//! A command that reads client data (the audit export, a backup) signs in as a person
//! with `--as EMAIL` — password from `KLINIK_PASSWORD` or a prompt, two-factor code from
//! `KLINIK_TOTP` or a prompt — and goes through the same gate, rights and audit events as
//! the window. Holding the database key is not enough (docs/SECURITY.md, "One gate").

use clap::{Parser, Subcommand};
use klinik::clinic::{ClinicSetup, Country, JournalMode, Language, Unlock};
use klinik::secret::Secret;
use klinik::vault::{self, KeyStorage, OsKeyring};
use klinik::{Clinic, Error, SystemClock};
use std::io::IsTerminal;
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
        command: AuditCommand,
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
        command: CalendarCommand,
    },
    /// Reports: the ones on your My page, and running one into a CSV or PDF file.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Import: clients from the previous system's CSV.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Export: a client's own copy of everything the clinic holds about them.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Invoices: list them, write one's PDF, export a period for the bookkeeping.
    Invoice {
        #[command(subcommand)]
        command: InvoiceCommand,
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

#[derive(Subcommand)]
enum CalendarCommand {
    /// Export one person's calendar as iCalendar (.ics) for a phone calendar. Client names
    /// are left out unless --with-names (recorded in the audit trail). Your own calendar;
    /// an administrator may export anyone's.
    Export {
        /// Sign in as this person; password from KLINIK_PASSWORD or a prompt
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
        /// Whose calendar (their email)
        #[arg(long, value_name = "EMAIL")]
        staff: String,
        /// First day, YYYY-MM-DD (the clinic's local days)
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD
        #[arg(long)]
        to: String,
        /// Put client names in the events
        #[arg(long)]
        with_names: bool,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// The reports on your My page: id, name, what it shows, its period.
    List {
        /// Sign in as this person; password from KLINIK_PASSWORD or a prompt
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
    },
    /// Run a report into a file (its own period, or --from and --to).
    Run {
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
        #[arg(long)]
        id: String,
        /// First day, YYYY-MM-DD (with --to)
        #[arg(long)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD (with --from)
        #[arg(long)]
        to: Option<String>,
        /// csv or pdf
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Clients from a CSV (semicolon or comma, UTF-8 or Windows-1252): all or nothing.
    /// Prints one line per refused row (`row N: reason`) and the counts. An administrator
    /// signs in with --as.
    Clients {
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
        #[arg(long)]
        file: PathBuf,
        /// Which column holds what: name=Navn,phone=Telefon,… (fields: name, first_name,
        /// last_name, phone, email, birth_date, address, national_id, note). Without it,
        /// the columns are guessed from their headings (and the guess is printed).
        #[arg(long)]
        map: Option<String>,
        /// Only check: list the rows that would be refused, import nothing
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// A client's copy (GDPR access and portability) into a new folder: client.pdf to read
    /// and client-fhir.json (a FHIR R4 Bundle). An administrator signs in with --as.
    Client {
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
        /// The client's id (`klinik demo` prints one)
        #[arg(long)]
        id: String,
        /// A new or empty folder
        #[arg(long)]
        out: PathBuf,
        /// fhir, pdf or both
        #[arg(long, default_value = "both")]
        format: String,
        /// Encrypt the PDF with the password in KLINIK_COPY_PASSWORD (for handing over)
        #[arg(long)]
        encrypt: bool,
    },
}

#[derive(Subcommand)]
enum InvoiceCommand {
    /// The invoices you may see: number, dates, client, total, outstanding.
    List {
        /// Sign in as this person; password from KLINIK_PASSWORD or a prompt
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
        /// all, drafts or outstanding
        #[arg(long, default_value = "all")]
        show: String,
    },
    /// Write an issued invoice's PDF (opens only with the client's PIN when the clinic
    /// protects its invoices). The PIN is printed only with --show-pin (recorded).
    Pdf {
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
        #[arg(long)]
        number: i64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        show_pin: bool,
    },
    /// The invoices, credit notes and payments of a period as CSV for the bookkeeping.
    Export {
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
        /// First day, YYYY-MM-DD
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD
        #[arg(long)]
        to: String,
        /// csv (the only format so far)
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain; exit 1 and name the first bad seq when it is broken.
    Verify {
        /// Also check against a chain head written earlier by `klinik audit anchor`
        /// (catches a truncated tail or a rewritten chain).
        #[arg(long)]
        anchor: Option<PathBuf>,
    },
    /// Write the chain head (seq, hash, time) to FILE, to keep outside the database.
    Anchor {
        #[arg(long)]
        out: PathBuf,
    },
    /// Export events as CSV or as one FHIR R4 Bundle of AuditEvent resources, signed in as
    /// a person with the right to export the log. The export itself is recorded in the trail.
    Export {
        /// Sign in as this person; password from KLINIK_PASSWORD or a prompt
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
        /// csv or fhir
        #[arg(long)]
        format: String,
        /// Only events about this client (its id)
        #[arg(long)]
        client: Option<String>,
        /// First day to include, YYYY-MM-DD (UTC)
        #[arg(long)]
        from: Option<String>,
        /// Last day to include, YYYY-MM-DD (UTC)
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        out: PathBuf,
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

fn env_secret(name: &str) -> Option<Secret> {
    std::env::var(name).ok().filter(|v| !v.is_empty()).map(Secret::new)
}

fn prompt_secret(env: &str, prompt: &str, confirm: bool) -> Result<Secret, Error> {
    if let Some(s) = env_secret(env) {
        return Ok(s);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Invalid(format!("{env} is not set and there is no terminal to ask")));
    }
    let first = Secret::new(rpassword::prompt_password(prompt)?);
    if confirm {
        let again = Secret::new(rpassword::prompt_password("Again: ")?);
        if again.expose() != first.expose() {
            return Err(Error::Invalid("the two entries differ".into()));
        }
    }
    Ok(first)
}

fn open(dir: &std::path::Path) -> Result<Clinic, Error> {
    let mut unlock =
        Unlock { passphrase: env_secret("KLINIK_PASSPHRASE"), recovery_code: env_secret("KLINIK_RECOVERY_CODE") };
    match Clinic::open(dir, &unlock, &OsKeyring, Arc::new(SystemClock)) {
        Err(Error::Locked) if std::io::stdin().is_terminal() => {
            unlock.passphrase = Some(Secret::new(rpassword::prompt_password("Clinic passphrase: ")?));
            Clinic::open(dir, &unlock, &OsKeyring, Arc::new(SystemClock))
        }
        other => other,
    }
}

/// Signs in as `email` the way the window does (password, then the two-factor code when
/// the account has one), so that the command is this person's, checked by the same gate.
fn sign_in(clinic: &mut Clinic, email: &str) -> Result<(klinik::SessionId, Secret), Error> {
    let password = prompt_secret("KLINIK_PASSWORD", &format!("Password for {email}: "), false)?;
    let code = env_secret("KLINIK_TOTP");
    let session = match clinic.login_2fa(email, &password, code.as_ref()) {
        Err(Error::TotpRequired) if code.is_none() => {
            let code = prompt_secret("KLINIK_TOTP", "Two-factor code: ", false)?;
            clinic.login_2fa(email, &password, Some(&code))?
        }
        other => other?,
    };
    Ok((session, password))
}

fn day_arg(s: &str) -> Result<chrono::NaiveDate, Error> {
    klinik::clock::parse_day(Some(s))?.ok_or_else(|| Error::Invalid("a day is needed (YYYY-MM-DD)".into()))
}

/// `klinik report …`: signed in as a person, the same My page and rules as the window.
fn report(command: ReportCommand, dir: &std::path::Path) -> Result<ExitCode, Error> {
    let as_email = match &command {
        ReportCommand::List { as_email } | ReportCommand::Run { as_email, .. } => as_email.clone(),
    };
    let mut clinic = open(dir)?;
    let (session, _password) = sign_in(&mut clinic, &as_email)?;
    let result = (|| -> Result<(), Error> {
        match command {
            ReportCommand::List { .. } => {
                println!("id\tname\tpreset\tperiod");
                for r in clinic.my_reports(&session)? {
                    println!("{}\t{}\t{}\t{}", r.id.as_str(), r.name, r.preset.as_str(), r.period.as_str());
                }
            }
            ReportCommand::Run { id, from, to, format, out, .. } => {
                let id = klinik::ReportId::parse(&id)?;
                let pdf = match format.as_str() {
                    "csv" => false,
                    "pdf" => true,
                    other => return Err(Error::Invalid(format!("--format csv or pdf (not {other})"))),
                };
                let (from, to) = match (from, to) {
                    (Some(f), Some(t)) => (Some(day_arg(&f)?), Some(day_arg(&t)?)),
                    (None, None) => (None, None),
                    _ => return Err(Error::Invalid("give both --from and --to, or neither".into())),
                };
                let file = clinic.report_file(&session, &id, from, to, pdf)?;
                std::fs::write(&out, &file.bytes)?;
                println!("wrote {}", out.display());
            }
        }
        Ok(())
    })();
    clinic.logout(&session)?;
    result.map(|_| ExitCode::SUCCESS)
}

/// `klinik import clients …`: signed in as an administrator, through the gate.
fn import(command: ImportCommand, dir: &std::path::Path) -> Result<ExitCode, Error> {
    use klinik::lifecycle::import::{ImportField as Field, Mapping};
    let ImportCommand::Clients { as_email, file, map, dry_run } = command;
    let bytes = std::fs::read(&file)?;
    let mut clinic = open(dir)?;
    let (session, _password) = sign_in(&mut clinic, &as_email)?;
    let result = (|| -> Result<bool, Error> {
        let mapping: Vec<Mapping> = match &map {
            Some(m) => m
                .split(',')
                .filter(|p| !p.trim().is_empty())
                .map(|pair| {
                    let (field, column) = pair
                        .split_once('=')
                        .ok_or_else(|| Error::Invalid(format!("--map takes field=Column pairs (not {pair})")))?;
                    let field = Field::parse(field.trim())
                        .ok_or_else(|| Error::Invalid(format!("no field called {}", field.trim())))?;
                    Ok(Mapping { field, column: column.trim().to_owned() })
                })
                .collect::<Result<_, Error>>()?,
            None => {
                let preview = clinic.import_preview(&session, &bytes)?;
                for m in &preview.suggested {
                    println!("column {:?} → {}", m.column, m.field.as_str());
                }
                preview.suggested
            }
        };
        let report = clinic.import_clients(&session, &bytes, &mapping, dry_run)?;
        for r in &report.refused {
            println!("row {}: {}", r.row, r.reason);
        }
        let verb = if report.dry_run { "would import" } else { "imported" };
        let count = if report.dry_run { report.rows as usize - report.refused.len() } else { report.imported as usize };
        println!("{} rows: {verb} {count}, refused {}", report.rows, report.refused.len());
        if !report.dry_run && !report.refused.is_empty() {
            println!("nothing was imported: correct the refused rows and run again");
        }
        Ok(report.refused.is_empty())
    })();
    clinic.logout(&session)?;
    result.map(|clean| if clean { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `klinik export client …`: signed in as an administrator, through the gate.
fn export(command: ExportCommand, dir: &std::path::Path) -> Result<ExitCode, Error> {
    let ExportCommand::Client { as_email, id, out, format, encrypt } = command;
    let (pdf, fhir) = match format.as_str() {
        "both" => (true, true),
        "pdf" => (true, false),
        "fhir" => (false, true),
        other => return Err(Error::Invalid(format!("--format fhir, pdf or both (not {other})"))),
    };
    if out.exists() && std::fs::read_dir(&out)?.next().is_some() {
        return Err(Error::Invalid(format!("{} is not empty: choose a new or empty folder", out.display())));
    }
    let copy_password = if encrypt {
        Some(
            env_secret("KLINIK_COPY_PASSWORD")
                .ok_or_else(|| Error::Invalid("--encrypt needs KLINIK_COPY_PASSWORD".into()))?,
        )
    } else {
        None
    };
    let client = klinik::ClientId::parse(&id)?;
    let mut clinic = open(dir)?;
    let (session, password) = sign_in(&mut clinic, &as_email)?;
    let result = (|| -> Result<(), Error> {
        let copy = clinic.client_copy(&session, &client, &password, copy_password.as_ref())?;
        std::fs::create_dir_all(&out)?;
        if pdf {
            std::fs::write(out.join("client.pdf"), &copy.pdf)?;
        }
        if fhir {
            std::fs::write(out.join("client-fhir.json"), copy.fhir.as_bytes())?;
        }
        println!("wrote the client's copy into {}", out.display());
        Ok(())
    })();
    clinic.logout(&session)?;
    result.map(|_| ExitCode::SUCCESS)
}

/// `klinik invoice …`: signed in as a person, through the same gate as the window.
fn invoice(command: InvoiceCommand, dir: &std::path::Path) -> Result<ExitCode, Error> {
    use klinik::invoices::{money, Show};
    let as_email = match &command {
        InvoiceCommand::List { as_email, .. }
        | InvoiceCommand::Pdf { as_email, .. }
        | InvoiceCommand::Export { as_email, .. } => as_email.clone(),
    };
    let mut clinic = open(dir)?;
    let (session, _password) = sign_in(&mut clinic, &as_email)?;
    let result = (|| -> Result<(), Error> {
        match command {
            InvoiceCommand::List { show, .. } => {
                let show = match show.as_str() {
                    "all" => Show::All,
                    "drafts" => Show::Drafts,
                    "outstanding" => Show::Outstanding,
                    other => return Err(Error::Invalid(format!("--show is all, drafts or outstanding, not {other}"))),
                };
                println!("number\tkind\tissued\tdue\tclient\ttotal\toutstanding\tdays_overdue");
                for i in clinic.invoices(&session, show, None)? {
                    let kind: &str = i.kind.into();
                    println!(
                        "{}\t{kind}\t{}\t{}\t{}\t{}\t{}\t{}",
                        i.number.map(|n| n.to_string()).unwrap_or_else(|| "draft".into()),
                        i.issued_on.unwrap_or_default(),
                        i.due_on.unwrap_or_default(),
                        i.client_name,
                        money::format(i.total_minor, "da"),
                        money::format(i.outstanding_minor, "da"),
                        i.days_overdue
                    );
                }
            }
            InvoiceCommand::Pdf { number, out, show_pin, .. } => {
                let id = clinic.invoice_by_number(&session, number)?;
                let pdf = clinic.invoice_pdf(&session, &id)?;
                std::fs::write(&out, &pdf.bytes)?;
                println!(
                    "wrote {} ({})",
                    out.display(),
                    if pdf.protected { "opens with the client's PIN" } else { "not protected" }
                );
                if show_pin {
                    let client = clinic.invoice(&session, &id)?.client_id;
                    match clinic.show_invoice_pin(&session, &client)? {
                        Some(pin) => println!("PIN: {pin}"),
                        None => println!("the client has no PIN (the clinic does not protect its invoices)"),
                    }
                }
            }
            InvoiceCommand::Export { from, to, format, out, .. } => {
                if format != "csv" {
                    return Err(Error::Invalid(format!("--format csv (not {format})")));
                }
                let (csv, count) = clinic.export_invoices(&session, day_arg(&from)?, day_arg(&to)?)?;
                std::fs::write(&out, csv)?;
                println!("exported {count} invoices and credit notes to {}", out.display());
            }
        }
        Ok(())
    })();
    clinic.logout(&session)?;
    result.map(|_| ExitCode::SUCCESS)
}

fn mode_arg(s: &str) -> Result<JournalMode, Error> {
    JournalMode::parse(&s.replace('-', "_"))
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
        Command::Audit { command: AuditCommand::Export { as_email, format, client, from, to, out } } => {
            let format = klinik::clinic::ExportFormat::parse(&format)?;
            let filter = klinik::audit::Filter {
                client: client.as_deref().map(klinik::ClientId::parse).transpose()?,
                ..Default::default()
            }
            .days(klinik::clock::parse_day(from.as_deref())?, klinik::clock::parse_day(to.as_deref())?);
            let mut clinic = open(&dir)?;
            let (session, password) = sign_in(&mut clinic, &as_email)?;
            let text = clinic.export_audit(&session, &filter, format, &password);
            clinic.logout(&session)?;
            std::fs::write(&out, text?)?;
            println!("exported to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Calendar { command: CalendarCommand::Export { as_email, staff, from, to, with_names, out } } => {
            let day = |s: &str| {
                klinik::clock::parse_day(Some(s))?.ok_or_else(|| Error::Invalid("a day is needed (YYYY-MM-DD)".into()))
            };
            let (first, last) = (day(&from)?, day(&to)?);
            let mut clinic = open(&dir)?;
            let (session, _password) = sign_in(&mut clinic, &as_email)?;
            let text = clinic
                .calendar_of(&session, &staff)
                .map_err(|e| match e {
                    Error::NotFound => {
                        Error::Invalid(format!("{staff} has no calendar (no staff member with that email)"))
                    }
                    e => e,
                })
                .and_then(|cal| clinic.export_calendar(&session, &cal, first, last, with_names));
            clinic.logout(&session)?;
            std::fs::write(&out, text?)?;
            println!("exported to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Invoice { command } => invoice(command, &dir),
        Command::Report { command } => report(command, &dir),
        Command::Export { command } => export(command, &dir),
        Command::Import { command } => import(command, &dir),
        Command::Audit { command: AuditCommand::Anchor { out } } => {
            let clinic = open(&dir)?;
            let anchor = clinic.audit_anchor()?;
            let text = serde_json::to_string_pretty(&anchor).map_err(|e| Error::Internal(e.to_string()))?;
            std::fs::write(&out, text + "\n")?;
            println!("anchored seq {} hash {} in {}", anchor.seq, anchor.hash, out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit { command: AuditCommand::Verify { anchor } } => {
            let clinic = open(&dir)?;
            let v = match anchor {
                None => clinic.verify_audit()?,
                Some(path) => {
                    let text = std::fs::read_to_string(&path)?;
                    let anchor: klinik::audit::Anchor = serde_json::from_str(&text)
                        .map_err(|e| Error::Invalid(format!("{} is not an anchor file: {e}", path.display())))?;
                    clinic.verify_audit_with_anchor(&anchor)?
                }
            };
            match v.first_bad_seq {
                None => {
                    println!("audit chain intact: {} events, head seq {} hash {}", v.events, v.head_seq, v.head_hash);
                    Ok(ExitCode::SUCCESS)
                }
                Some(seq) => {
                    println!("audit chain BROKEN at seq {seq}: {}", v.problem.as_deref().unwrap_or(""));
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Backup { out, as_email } => {
            let mut clinic = open(&dir)?;
            let (session, password) = sign_in(&mut clinic, &as_email)?;
            let made = clinic.backup(&session, &out, &password);
            clinic.logout(&session)?;
            let m = made?;
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
        Command::Salvage { out } => {
            let typed = prompt_secret("KLINIK_RECOVERY_CODE", "Recovery code: ", false)?;
            let code = klinik::vault::RecoveryCode::parse(typed.expose())?;
            let report = klinik::backup::salvage(&dir, &code, &out)?;
            for t in &report.tables {
                match &t.error {
                    None => println!("{}: {} rows", t.name, t.rows),
                    Some(e) => println!("{}: {} rows, then unreadable ({e})", t.name, t.rows),
                }
            }
            println!("wrote {} (see report.txt; the folder is not encrypted)", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { from } => {
            // Restoring replaces the clinic's history: it takes the backup's own recovery
            // code (or passphrase), never just the key in this computer's keyring.
            let passphrase = env_secret("KLINIK_PASSPHRASE");
            let recovery_code = match (&passphrase, env_secret("KLINIK_RECOVERY_CODE")) {
                (_, Some(code)) => Some(code),
                (Some(_), None) => None,
                (None, None) => Some(prompt_secret("KLINIK_RECOVERY_CODE", "Recovery code of the backup: ", false)?),
            };
            let unlock = klinik::clinic::Unlock { passphrase, recovery_code };
            let (clinic, m, moved) =
                Clinic::restore_backup(&from, &dir, &unlock, &OsKeyring, Arc::new(klinik::SystemClock))?;
            drop(clinic);
            if let Some(old) = moved {
                println!("the clinic that was in {} is kept in {}", dir.display(), old.display());
            }
            println!("restored the backup of {} (audit head seq {}) into {}", m.created_at, m.audit_seq, dir.display());
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "devtools")]
        Command::Bench { iterations } => {
            let mut clinic = open(&dir)?;
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
        #[cfg(feature = "devtools")]
        Command::Demo { clients, key_store, audit_events, entries_per_client, appointments_per_client, invoices } => {
            let key_storage = KeyStorage::parse(&key_store)?;
            let mut demo = klinik::demo::create(
                &dir,
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
    }
}
