//! Consent declarations through the gate (src/records/consents.rs): the texts, a client's
//! consents, recording and withdrawing, the paper form.

use super::*;
use crate::records::consents::{self, Consent, ConsentInput, ConsentText, ConsentTextInput};

impl Clinic {
    /// The declarations in use (anyone who may list clients).
    pub fn consent_texts(&mut self, session: &SessionId) -> Result<Vec<ConsentText>> {
        self.gated(session, Action::ClientList, None, |ctx| consents::texts(ctx))
    }

    /// A new declaration or a new version of one (administrators).
    pub fn save_consent_text(&mut self, session: &SessionId, input: &ConsentTextInput) -> Result<ConsentText> {
        self.gated(session, Action::ConsentTextChange, None, |ctx| consents::save_text(ctx, input))
    }

    /// Retires a declaration (administrators); consents given to it stay.
    pub fn retire_consent_text(&mut self, session: &SessionId, key: &str) -> Result<()> {
        self.gated(session, Action::ConsentTextChange, None, |ctx| consents::retire_text(ctx, key))
    }

    /// A client's consents, newest first.
    pub fn client_consents(&mut self, session: &SessionId, client: &ClientId) -> Result<Vec<Consent>> {
        self.gated(session, Action::ClientRead, Some(client), |ctx| {
            ctx.record_object("consents");
            consents::of_client(ctx, client)
        })
    }

    /// Whether the client has given every required declaration.
    pub fn consent_missing(&mut self, session: &SessionId, client: &ClientId) -> Result<bool> {
        self.gated(session, Action::ClientRead, Some(client), |ctx| {
            Ok(consents::missing_required(ctx.conn(), std::slice::from_ref(client))?.contains(client))
        })
    }

    /// Records a client's consent or refusal.
    pub fn record_consent(&mut self, session: &SessionId, client: &ClientId, input: &ConsentInput) -> Result<Consent> {
        self.gated(session, Action::ConsentRecord, Some(client), |ctx| consents::record(ctx, client, input))
    }

    /// Withdraws a client's consent from now on.
    pub fn withdraw_consent(&mut self, session: &SessionId, client: &ClientId, consent: &str) -> Result<()> {
        self.gated(session, Action::ConsentRecord, Some(client), |ctx| consents::withdraw(ctx, client, consent))
    }

    /// The declaration as a paper form (PDF), with the client's name when given.
    pub fn consent_form(&mut self, session: &SessionId, text_id: &str, client: Option<&ClientId>) -> Result<Vec<u8>> {
        let action = if client.is_some() { Action::ClientRead } else { Action::ClientList };
        self.gated(session, action, client, |ctx| {
            ctx.record_object("consent form");
            consents::form(ctx, text_id, client)
        })
    }
}
