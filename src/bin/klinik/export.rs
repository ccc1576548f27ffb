//! `klinik export client …`: a client's own copy (PDF and FHIR), signed in as an
//! administrator, through the gate.

use crate::person::{as_person, env_secret};
use clap::Subcommand;
use klinik::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ExportCommand {
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

pub fn run(command: ExportCommand, dir: &Path) -> Result<ExitCode, Error> {
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
    as_person(dir, &as_email, |clinic, session, password| {
        let copy = clinic.client_copy(session, &client, password, copy_password.as_ref())?;
        std::fs::create_dir_all(&out)?;
        if pdf {
            std::fs::write(out.join("client.pdf"), &copy.pdf)?;
        }
        if fhir {
            std::fs::write(out.join("client-fhir.json"), copy.fhir.as_bytes())?;
        }
        println!("wrote the client's copy into {}", out.display());
        Ok(())
    })
    .map(|_| ExitCode::SUCCESS)
}
