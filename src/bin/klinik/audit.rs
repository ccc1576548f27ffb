//! `klinik audit …`: verify the hash chain (alone, or against an anchor kept outside the
//! database), write an anchor, and export events signed in as a person with the right to.

use crate::person::{as_person, open};
use clap::Subcommand;
use klinik::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum AuditCommand {
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

pub fn run(command: AuditCommand, dir: &Path) -> Result<ExitCode, Error> {
    match command {
        AuditCommand::Export { as_email, format, client, from, to, out } => {
            let format = klinik::clinic::ExportFormat::parse(&format)?;
            let filter = klinik::audit::Filter {
                client: client.as_deref().map(klinik::ClientId::parse).transpose()?,
                ..Default::default()
            }
            .days(klinik::clock::parse_day(from.as_deref())?, klinik::clock::parse_day(to.as_deref())?);
            let text = as_person(dir, &as_email, |clinic, session, password| {
                clinic.export_audit(session, &filter, format, password)
            })?;
            std::fs::write(&out, text)?;
            println!("exported to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Anchor { out } => {
            let clinic = open(dir)?;
            let anchor = clinic.audit_anchor()?;
            let text = serde_json::to_string_pretty(&anchor).map_err(|e| Error::Internal(e.to_string()))?;
            std::fs::write(&out, text + "\n")?;
            println!("anchored seq {} hash {} in {}", anchor.seq, anchor.hash, out.display());
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Verify { anchor } => {
            let clinic = open(dir)?;
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
    }
}
