//! The clinical record through the gate: clients, journals, templates and attachments.

use super::*;

impl Clinic {
    pub fn create_client(&mut self, session: &SessionId, input: &ClientInput) -> Result<Client> {
        self.gated(session, Action::ClientCreate, None, |ctx| clients::create(ctx, input))
    }

    pub fn list_clients(&mut self, session: &SessionId, query: &str) -> Result<Vec<Client>> {
        self.gated(session, Action::ClientList, None, |ctx| clients::list(ctx, query))
    }

    pub fn get_client(&mut self, session: &SessionId, id: &ClientId) -> Result<Client> {
        self.gated(session, Action::ClientRead, Some(id), |ctx| clients::get(ctx, id))
    }

    pub fn update_client(&mut self, session: &SessionId, id: &ClientId, input: &ClientInput) -> Result<Client> {
        self.gated(session, Action::ClientUpdate, Some(id), |ctx| clients::update(ctx, id, input))
    }

    /// Attaches a PDF or image to a client, or to one of its draft entries. Size and type
    /// (by content) are checked before the gate runs, so a refused file writes nothing.
    pub fn add_attachment(
        &mut self,
        session: &SessionId,
        client: &ClientId,
        entry: Option<&crate::EntryId>,
        name: &str,
        bytes: &[u8],
    ) -> Result<crate::attachments::AttachmentMeta> {
        let mime = crate::attachments::check(bytes, crate::attachments::max_bytes(&self.conn)?)?;
        self.gated(session, Action::AttachmentAdd, Some(client), |ctx| {
            crate::attachments::add(ctx, client, entry, name, bytes, mime)
        })
    }

    /// A client's attachments (names, types, sizes; not the contents).
    pub fn list_attachments(
        &mut self,
        session: &SessionId,
        client: &ClientId,
    ) -> Result<Vec<crate::attachments::AttachmentMeta>> {
        self.gated(session, Action::AttachmentList, Some(client), |ctx| crate::attachments::list(ctx, client))
    }

    /// Opens one attachment (audited with its id).
    pub fn open_attachment(
        &mut self,
        session: &SessionId,
        id: &crate::AttachmentId,
    ) -> Result<(crate::attachments::AttachmentMeta, Vec<u8>)> {
        let client = crate::attachments::client_of(&self.conn, id)?;
        self.gated(session, Action::AttachmentOpen, client.as_ref(), |ctx| crate::attachments::open(ctx, id))
    }

    /// Removes an attachment from a draft entry.
    pub fn remove_attachment(&mut self, session: &SessionId, id: &crate::AttachmentId) -> Result<()> {
        let client = crate::attachments::client_of(&self.conn, id)?;
        self.gated(session, Action::AttachmentRemove, client.as_ref(), |ctx| crate::attachments::remove(ctx, id))
    }

    /// The client's journal (or notes), newest first.
    pub fn journal(&mut self, session: &SessionId, client: &ClientId) -> Result<Vec<crate::journal::Entry>> {
        self.auto_sign_due()?;
        self.gated(session, Action::JournalRead, Some(client), |ctx| crate::journal::list(ctx, client, 200))
    }

    /// Builds a new template or saves a new version of one (admins; audited).
    pub fn save_template(
        &mut self,
        session: &SessionId,
        key: Option<&crate::TemplateKey>,
        name: &str,
        body: &str,
        fields: &[crate::templates::Field],
    ) -> Result<crate::journal::Template> {
        let language = self.info()?.language;
        self.gated(session, Action::TemplateChange, None, |ctx| {
            crate::journal::save_template(ctx, language.as_str(), key, name, body, fields)
        })
    }

    /// Hides a template from new entries (admins; audited).
    pub fn retire_template(&mut self, session: &SessionId, key: &crate::TemplateKey) -> Result<()> {
        self.gated(session, Action::TemplateChange, None, |ctx| crate::journal::retire_template(ctx, key))
    }

    /// Saves the answers of a draft written from a fielded template.
    pub fn save_answers(
        &mut self,
        session: &SessionId,
        entry: &crate::EntryId,
        title: &str,
        answers: &crate::templates::Answers,
    ) -> Result<crate::journal::Entry> {
        let client = crate::journal::entry_client(&self.conn, entry)?;
        self.gated(session, Action::EntryUpdate, client.as_ref(), |ctx| {
            crate::journal::save_answers(ctx, entry, title, answers)
        })
    }

    /// Starts a draft entry, from a template or blank.
    pub fn create_entry(
        &mut self,
        session: &SessionId,
        client: &ClientId,
        template_id: Option<&crate::TemplateId>,
        title: &str,
        body: &str,
    ) -> Result<crate::journal::Entry> {
        self.gated(session, Action::EntryCreate, Some(client), |ctx| {
            crate::journal::create_draft(ctx, client, template_id, title, body)
        })
    }

    /// Saves a draft as it is typed (each save is a committed, durable write).
    pub fn save_draft(
        &mut self,
        session: &SessionId,
        entry: &crate::EntryId,
        title: &str,
        body: &str,
    ) -> Result<crate::journal::Entry> {
        let client = crate::journal::entry_client(&self.conn, entry)?;
        self.gated(session, Action::EntryUpdate, client.as_ref(), |ctx| {
            crate::journal::save_draft(ctx, entry, title, body)
        })
    }

    /// Signs (locks) a draft, confirmed with the person's password or PIN. The PIN is
    /// the same one, with the same lockout, as the unlock at the desk.
    pub fn sign_entry(
        &mut self,
        session: &SessionId,
        entry: &crate::EntryId,
        password: &Secret,
    ) -> Result<crate::journal::Entry> {
        let client = crate::journal::entry_client(&self.conn, entry)?;
        let now = self.clock.now();
        let confirm = gate::Confirm::PasswordOrPin(password);
        gate::run_confirmed(
            &mut self.conn,
            &self.ws,
            now,
            session,
            Action::EntrySign,
            client.as_ref(),
            confirm,
            |ctx| crate::journal::sign(ctx, entry),
        )
    }

    /// Starts an addendum (a correction) to a signed entry.
    pub fn add_addendum(
        &mut self,
        session: &SessionId,
        original: &crate::EntryId,
        body: &str,
    ) -> Result<crate::journal::Entry> {
        let client = crate::journal::entry_client(&self.conn, original)?;
        self.gated(session, Action::EntryAddendum, client.as_ref(), |ctx| crate::journal::addendum(ctx, original, body))
    }

    /// Full-text search across signed entries.
    pub fn search_journals(&mut self, session: &SessionId, query: &str) -> Result<Vec<crate::journal::SearchHit>> {
        self.gated(session, Action::JournalSearch, None, |ctx| crate::journal::search(ctx, query, 50))
    }

    /// The client's full national ID, revealed on purpose (audited).
    pub fn reveal_national_id(&mut self, session: &SessionId, client: &ClientId) -> Result<Option<String>> {
        self.gated(session, Action::NationalIdReveal, Some(client), |ctx| clients::national_id(ctx, client))
    }

    /// Records that a client's journal or access log is being printed (`what` names it).
    pub fn record_print(&mut self, session: &SessionId, client: &ClientId, what: &str) -> Result<()> {
        // "journal", "access_log", or a date range of the journal: "journal 2026-01-01..2026-03-31".
        let what = match what {
            "journal" | "access_log" => what.to_owned(),
            _ => match what.strip_prefix("journal ").and_then(|r| r.split_once("..")) {
                Some((from, to)) => {
                    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
                    match (day(from), day(to)) {
                        (Some(f), Some(t)) if f <= t => format!("journal {f}..{t}"),
                        _ => {
                            return Err(Error::invalid("the period must be two dates, the first not after the second"))
                        }
                    }
                }
                None => return Err(Error::invalid("unknown print")),
            },
        };
        self.gated(session, Action::ClientPrint, Some(client), |ctx| {
            clients::get(ctx, client)?;
            ctx.record_object(what);
            Ok(())
        })
    }

    /// The clinic's templates in its language (no client data; needs a live session).
    pub fn templates(&mut self, session: &SessionId) -> Result<Vec<crate::journal::Template>> {
        let now = self.clock.now();
        auth::resolve(&mut self.conn, &self.ws, now, session, auth::Door::Work)?;
        let language = self.info()?.language;
        crate::journal::templates(&self.conn, language.as_str())
    }
}
