//! `klinik calendar export …`: one person's calendar as iCalendar for a phone, signed in
//! as a person; client names only when asked (and then recorded).

use crate::person::{as_person, day_arg};
use clap::Subcommand;
use klinik::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum CalendarCommand {
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

pub fn run(command: CalendarCommand, dir: &Path) -> Result<ExitCode, Error> {
    let CalendarCommand::Export { as_email, staff, from, to, with_names, out } = command;
    let (first, last) = (day_arg(&from)?, day_arg(&to)?);
    let text = as_person(dir, &as_email, |clinic, session, _password| {
        clinic
            .calendar_of(session, &staff)
            .map_err(|e| match e {
                Error::NotFound => Error::Invalid(format!("{staff} has no calendar (no staff member with that email)")),
                e => e,
            })
            .and_then(|cal| clinic.export_calendar(session, &cal, first, last, with_names))
    })?;
    std::fs::write(&out, text)?;
    println!("exported to {}", out.display());
    Ok(ExitCode::SUCCESS)
}
