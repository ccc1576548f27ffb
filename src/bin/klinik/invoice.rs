//! `klinik invoice …`: list, one invoice's PDF, a period for the bookkeeping — signed in
//! as a person, through the same gate as the window.

use crate::person::{as_person, day_arg};
use clap::Subcommand;
use klinik::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum InvoiceCommand {
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

pub fn run(command: InvoiceCommand, dir: &Path) -> Result<ExitCode, Error> {
    use klinik::invoices::{money, Show};
    let as_email = match &command {
        InvoiceCommand::List { as_email, .. }
        | InvoiceCommand::Pdf { as_email, .. }
        | InvoiceCommand::Export { as_email, .. } => as_email.clone(),
    };
    as_person(dir, &as_email, |clinic, session, _password| {
        match command {
            InvoiceCommand::List { show, .. } => {
                let show = match show.as_str() {
                    "all" => Show::All,
                    "drafts" => Show::Drafts,
                    "outstanding" => Show::Outstanding,
                    other => return Err(Error::Invalid(format!("--show is all, drafts or outstanding, not {other}"))),
                };
                println!("number\tkind\tissued\tdue\tclient\ttotal\toutstanding\tdays_overdue");
                for i in clinic.invoices(session, show, None)? {
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
                let id = clinic.invoice_by_number(session, number)?;
                let pdf = clinic.invoice_pdf(session, &id)?;
                std::fs::write(&out, &pdf.bytes)?;
                println!(
                    "wrote {} ({})",
                    out.display(),
                    if pdf.protected { "opens with the client's PIN" } else { "not protected" }
                );
                if show_pin {
                    let client = clinic.invoice(session, &id)?.client_id;
                    match clinic.show_invoice_pin(session, &client)? {
                        Some(pin) => println!("PIN: {pin}"),
                        None => println!("the client has no PIN (the clinic does not protect its invoices)"),
                    }
                }
            }
            InvoiceCommand::Export { from, to, format, out, .. } => {
                if format != "csv" {
                    return Err(Error::Invalid(format!("--format csv (not {format})")));
                }
                let (csv, count) = clinic.export_invoices(session, day_arg(&from)?, day_arg(&to)?)?;
                std::fs::write(&out, csv)?;
                println!("exported {count} invoices and credit notes to {}", out.display());
            }
        }
        Ok(())
    })
    .map(|_| ExitCode::SUCCESS)
}
