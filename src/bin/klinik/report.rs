//! `klinik report …`: signed in as a person, the same My page and rules as the window.

use crate::person::{as_person, day_arg};
use clap::Subcommand;
use klinik::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ReportCommand {
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

pub fn run(command: ReportCommand, dir: &Path) -> Result<ExitCode, Error> {
    let as_email = match &command {
        ReportCommand::List { as_email } | ReportCommand::Run { as_email, .. } => as_email.clone(),
    };
    as_person(dir, &as_email, |clinic, session, _password| {
        match command {
            ReportCommand::List { .. } => {
                println!("id\tname\tpreset\tperiod");
                for r in clinic.my_reports(session)? {
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
                let file = clinic.report_file(session, &id, from, to, pdf)?;
                std::fs::write(&out, &file.bytes)?;
                println!("wrote {}", out.display());
            }
        }
        Ok(())
    })
    .map(|_| ExitCode::SUCCESS)
}
