//! Invoicing through the gate (src/invoices/): the clinic's invoice details, drafts from
//! done appointments or by hand, issuing, credit notes, payments, the PIN-protected PDF
//! and the bookkeeping export. Every operation on one invoice is decided on its client,
//! looked up first, so the gate decides before anything of the invoice is read.

use super::*;
use crate::calendar::zone;
use crate::ids::{AppointmentId, InvoiceId};
use crate::invoices::{self, Invoice, InvoicePdf, Issued, LineInput, Method, Payer, Profile, Show, Summary};
use chrono::NaiveDate;

impl Clinic {
    /// The clinic's details on its invoices.
    pub fn invoice_profile(&mut self, session: &SessionId) -> Result<Profile> {
        self.gated(session, Action::InvoiceRead, None, |ctx| invoices::profile(ctx.conn()))
    }

    /// Changes the clinic's invoice details (administrators).
    pub fn set_invoice_profile(&mut self, session: &SessionId, profile: &Profile) -> Result<Profile> {
        self.gated(session, Action::InvoiceSetup, None, |ctx| invoices::set_profile(ctx, profile))
    }

    /// A new draft for `client`: a line per done appointment in `appointments`, then `lines`.
    pub fn draft_invoice(
        &mut self,
        session: &SessionId,
        client: &ClientId,
        payer: &Payer,
        appointments: &[AppointmentId],
        lines: &[LineInput],
    ) -> Result<Invoice> {
        self.gated(session, Action::InvoiceEdit, Some(client), |ctx| {
            let mut all = invoices::lines_for_appointments(ctx, client, appointments)?;
            all.extend_from_slice(lines);
            if all.is_empty() {
                return Err(Error::invalid("an invoice needs at least one line"));
            }
            let id = invoices::create_draft(ctx, client, payer, &all)?;
            invoices::read(ctx, &id)
        })
    }

    /// Replaces a draft's payer and lines.
    pub fn update_invoice_draft(
        &mut self,
        session: &SessionId,
        id: &InvoiceId,
        payer: &Payer,
        lines: &[LineInput],
    ) -> Result<Invoice> {
        self.on_invoice(session, Action::InvoiceEdit, id, |ctx| {
            invoices::update_draft(ctx, id, payer, lines)?;
            invoices::read(ctx, id)
        })
    }

    /// Deletes a draft (an issued invoice never goes).
    pub fn delete_invoice_draft(&mut self, session: &SessionId, id: &InvoiceId) -> Result<()> {
        self.on_invoice(session, Action::InvoiceEdit, id, |ctx| invoices::delete_draft(ctx, id))
    }

    /// Issues a draft with the next number. The client's PIN comes back when it was made
    /// now (the first protected invoice), to be handed over.
    pub fn issue_invoice(&mut self, session: &SessionId, id: &InvoiceId) -> Result<Issued> {
        self.on_invoice(session, Action::InvoiceEdit, id, |ctx| invoices::issue(ctx, id))
    }

    /// Reverses an issued invoice with a credit note.
    pub fn credit_invoice(&mut self, session: &SessionId, id: &InvoiceId) -> Result<Invoice> {
        self.on_invoice(session, Action::InvoiceEdit, id, |ctx| invoices::credit(ctx, id))
    }

    /// Registers a payment (`paid_on` defaults to today).
    pub fn register_payment(
        &mut self,
        session: &SessionId,
        id: &InvoiceId,
        amount_minor: i64,
        method: Method,
        paid_on: Option<NaiveDate>,
    ) -> Result<Invoice> {
        let day = match paid_on {
            Some(d) => d,
            None => zone::to_local(self.time_zone()?, self.clock.now()).date(),
        };
        self.on_invoice(session, Action::InvoiceEdit, id, |ctx| invoices::pay(ctx, id, amount_minor, method, day))
    }

    /// One invoice with its lines and payments.
    pub fn invoice(&mut self, session: &SessionId, id: &InvoiceId) -> Result<Invoice> {
        self.on_invoice(session, Action::InvoiceRead, id, |ctx| {
            let inv = invoices::read(ctx, id)?;
            ctx.record_object(format!(
                "invoice {}",
                inv.number.map(|n| n.to_string()).unwrap_or_else(|| "draft".into())
            ));
            Ok(inv)
        })
    }

    /// The invoices the person may see: all, drafts or outstanding; one client's with `client`.
    pub fn invoices(&mut self, session: &SessionId, show: Show, client: Option<&ClientId>) -> Result<Vec<Summary>> {
        self.gated(session, Action::InvoiceRead, client, |ctx| invoices::list(ctx, show, client))
    }

    /// The id of the invoice (or credit note) with `number`.
    pub fn invoice_by_number(&mut self, session: &SessionId, number: i64) -> Result<InvoiceId> {
        let id: Option<InvoiceId> =
            self.conn.query_row("SELECT id FROM invoices WHERE number = ?1", [number], |r| r.get(0)).optional()?;
        let id = id.ok_or(Error::NotFound)?;
        // Looking an invoice up by number is reading it: decided on its client.
        self.on_invoice(session, Action::InvoiceRead, &id, |_| Ok(()))?;
        Ok(id)
    }

    /// The PDF of an issued invoice (PIN-protected when the clinic protects invoices).
    pub fn invoice_pdf(&mut self, session: &SessionId, id: &InvoiceId) -> Result<InvoicePdf> {
        self.on_invoice(session, Action::InvoiceRead, id, |ctx| invoices::pdf(ctx, id))
    }

    /// A new PIN for the client's invoice PDFs, shown now to be handed over.
    pub fn new_invoice_pin(&mut self, session: &SessionId, client: &ClientId) -> Result<String> {
        self.gated(session, Action::InvoiceEdit, Some(client), |ctx| {
            ctx.record_object("invoice pin issued");
            invoices::new_pin(ctx, client)
        })
    }

    /// The client's current invoice PIN, shown again (an audited showing).
    pub fn show_invoice_pin(&mut self, session: &SessionId, client: &ClientId) -> Result<Option<String>> {
        self.gated(session, Action::InvoiceEdit, Some(client), |ctx| {
            ctx.record_object("invoice pin shown");
            invoices::pin_of(ctx.conn(), client)
        })
    }

    /// The bookkeeping export of a period (CSV). It covers every client's invoices, so it
    /// is for those who see all clients.
    pub fn export_invoices(
        &mut self,
        session: &SessionId,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<(String, usize)> {
        if last < first || (last - first).num_days() > 3660 {
            return Err(Error::invalid("an export covers one day to ten years"));
        }
        self.gated(session, Action::InvoiceRead, None, |ctx| {
            if ctx.rights().scope != crate::policy::Scope::All {
                return Err(Error::Denied("the bookkeeping export needs access to all clients".into()));
            }
            invoices::export::csv(ctx, first, last)
        })
    }

    fn on_invoice<T>(
        &mut self,
        session: &SessionId,
        action: Action,
        id: &InvoiceId,
        op: impl FnOnce(&mut gate::GateCtx<'_>) -> Result<T>,
    ) -> Result<T> {
        let client = invoices::client_of(&self.conn, id)?.ok_or(Error::NotFound)?;
        self.gated(session, action, Some(&client), op)
    }
}
