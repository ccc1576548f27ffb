//! The end of a client's record through the gate (src/lifecycle/): retention rules, the
//! cleanup proposal and purge, and a client's erasure request with its letter.

use super::*;
use crate::lifecycle::cleanup::{self, Proposal, PurgeSummary};
use crate::lifecycle::erasure::{self, ErasureOutcome};
use crate::lifecycle::{self, purge, Rules};

impl Clinic {
    /// The clinic's retention rules (administrators).
    pub fn retention_rules(&mut self, session: &SessionId) -> Result<Rules> {
        self.gated(session, Action::CleanupReview, None, |ctx| lifecycle::rules(ctx.conn()))
    }

    /// Changes the retention rules (administrators, with their password).
    pub fn set_retention_rules(&mut self, session: &SessionId, rules: &Rules, password: &Secret) -> Result<()> {
        self.gated_with_password(session, Action::SettingsChange, None, password, |ctx| {
            lifecycle::set_rules(ctx.conn(), rules)?;
            ctx.record_object(format!(
                "retention journal={} notes={} inactive={}",
                rules.journal_years, rules.notes_years, rules.inactive_years
            ));
            Ok(())
        })
    }

    /// The clients whose retention periods have all run out, with why (administrators).
    pub fn cleanup_proposal(&mut self, session: &SessionId) -> Result<Vec<Proposal>> {
        self.gated(session, Action::CleanupReview, None, cleanup::propose)
    }

    /// How many clients the cleanup would propose (for the reminder; no names).
    pub fn cleanup_due(&mut self, session: &SessionId) -> Result<usize> {
        self.gated(session, Action::CleanupReview, None, |ctx| cleanup::due_count(ctx.conn(), ctx.now()))
    }

    /// Erases the confirmed clients (administrators, with their password); then the
    /// full-text indexes hold none of their words and the log none of their pages.
    pub fn purge_clients(
        &mut self,
        session: &SessionId,
        clients: &[ClientId],
        password: &Secret,
    ) -> Result<PurgeSummary> {
        let summary =
            self.gated_with_password(session, Action::ClientErase, None, password, |ctx| cleanup::purge(ctx, clients))?;
        purge::scrub(&self.conn)?;
        Ok(summary)
    }

    /// A client's request to be erased: what may go goes; what a rule keeps stays, with
    /// the refusal recorded (administrators, with their password).
    pub fn erase_client(
        &mut self,
        session: &SessionId,
        client: &ClientId,
        password: &Secret,
    ) -> Result<ErasureOutcome> {
        let outcome = self.gated_with_password(session, Action::ClientErase, Some(client), password, |ctx| {
            erasure::request(ctx, client)
        })?;
        purge::scrub(&self.conn)?;
        Ok(outcome)
    }

    /// The client's own copy: a PDF to read and a FHIR R4 Bundle (administrators, with
    /// their password; `pdf_password` encrypts the PDF for handing over).
    pub fn client_copy(
        &mut self,
        session: &SessionId,
        client: &ClientId,
        password: &Secret,
        pdf_password: Option<&Secret>,
    ) -> Result<crate::lifecycle::export::ClientCopy> {
        self.gated_with_password(session, Action::ClientExport, Some(client), password, |ctx| {
            crate::lifecycle::export::copy(ctx, client, pdf_password.map(|p| p.expose()))
        })
    }

    /// Reads a CSV of clients from the previous system: columns, first rows, a suggested
    /// mapping (administrators; nothing is stored).
    pub fn import_preview(&mut self, session: &SessionId, csv: &[u8]) -> Result<crate::lifecycle::import::Preview> {
        self.gated(session, Action::ClientImport, None, |ctx| {
            ctx.record_object("import preview");
            crate::lifecycle::import::preview(csv)
        })
    }

    /// Imports the clients of a CSV (all or nothing), or with `dry_run` only lists the rows
    /// it would refuse and why (administrators).
    pub fn import_clients(
        &mut self,
        session: &SessionId,
        csv: &[u8],
        mapping: &[crate::lifecycle::import::Mapping],
        dry_run: bool,
    ) -> Result<crate::lifecycle::import::ImportReport> {
        self.gated(session, Action::ClientImport, None, |ctx| {
            crate::lifecycle::import::import(ctx, csv, mapping, dry_run)
        })
    }

    /// The letter for a client whose erasure request was refused in part (PDF).
    pub fn erasure_letter(&mut self, session: &SessionId, client: &ClientId) -> Result<Vec<u8>> {
        self.gated(session, Action::ClientErase, Some(client), |ctx| {
            ctx.record_object("erasure letter");
            erasure::letter(ctx, client)
        })
    }
}
