//! `klinik import clients …`: moving in from the previous system's CSV, signed in as an
//! administrator, through the gate: all or nothing, every refused row named.

use crate::person::as_person;
use clap::Subcommand;
use klinik::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ImportCommand {
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

pub fn run(command: ImportCommand, dir: &Path) -> Result<ExitCode, Error> {
    use klinik::lifecycle::import::{ImportField as Field, Mapping};
    let ImportCommand::Clients { as_email, file, map, dry_run } = command;
    let bytes = std::fs::read(&file)?;
    as_person(dir, &as_email, |clinic, session, _password| {
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
                let preview = clinic.import_preview(session, &bytes)?;
                for m in &preview.suggested {
                    println!("column {:?} → {}", m.column, m.field.as_str());
                }
                preview.suggested
            }
        };
        let report = clinic.import_clients(session, &bytes, &mapping, dry_run)?;
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
    })
    .map(|clean| if clean { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
