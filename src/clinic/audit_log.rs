//! The audit trail: pages, a client's access log, log review, exports, verification and anchors.

use super::*;

impl Clinic {
    /// A page of the audit trail, newest first, for a person with the audit right.
    pub fn audit_page(
        &mut self,
        session: &SessionId,
        filter: &audit::Filter,
        before_seq: Option<i64>,
        limit: u32,
    ) -> Result<Vec<EventView>> {
        self.gated(session, Action::AuditRead, filter.client.as_ref(), |ctx| {
            audit::page(ctx.conn(), filter, before_seq, limit)
        })
    }

    /// "Who has seen this record": every access to one client, oldest first — the data
    /// subject's right of access (GDPR art. 15, Patientdatalagen 8:5).
    pub fn client_access_log(&mut self, session: &SessionId, client: &ClientId) -> Result<Vec<EventView>> {
        self.gated(session, Action::ClientAccessLog, Some(client), |ctx| {
            clients::get(ctx, client)?;
            audit::all(ctx.conn(), &audit::Filter::for_client(client.clone()))
        })
    }

    /// The month's log review report (loggkontroll), with the chain head it covers.
    pub fn log_review(&mut self, session: &SessionId, period: crate::review::Period) -> Result<crate::review::Review> {
        let clinic_id = self.slots.clinic_id.as_str().to_owned();
        self.gated(session, Action::AuditReview, None, |ctx| {
            crate::review::build(ctx.conn(), &clinic_id, period, ctx.now())
        })
    }

    /// Signs off a month's report with a comment; recorded in the chain.
    pub fn mark_log_reviewed(
        &mut self,
        session: &SessionId,
        period: crate::review::Period,
        comment: &str,
    ) -> Result<()> {
        self.gated(session, Action::AuditReviewMark, None, |ctx| {
            let reviewer = ctx.actor().staff_id.clone();
            crate::review::mark(ctx.conn(), &reviewer, period, comment, ctx.now())
        })
    }

    /// Exports the matching events as CSV or a FHIR R4 Bundle; the export is audited.
    /// The file it becomes is not encrypted, so the person confirms with the password.
    pub fn export_audit(
        &mut self,
        session: &SessionId,
        filter: &audit::Filter,
        format: ExportFormat,
        password: &Secret,
    ) -> Result<String> {
        self.gated_with_password(session, Action::AuditExport, filter.client.as_ref(), password, |ctx| {
            render_export(&audit::all(ctx.conn(), filter)?, format, ctx.now())
        })
    }

    /// The window's export: renders as [`Clinic::export_audit`] and writes the file into
    /// `dir` as `klinik-audit-<time>.csv|json`, the time read from the clinic's clock (the
    /// adapter reads no clock of its own). Says where the file went and how many events it holds.
    pub fn export_audit_into(
        &mut self,
        session: &SessionId,
        filter: &audit::Filter,
        format: ExportFormat,
        password: &Secret,
        dir: &Path,
    ) -> Result<Exported> {
        let stamp = self.clock.now().format("%Y%m%d-%H%M%S");
        let mut events = 0usize;
        let text = self.gated_with_password(session, Action::AuditExport, filter.client.as_ref(), password, |ctx| {
            let all = audit::all(ctx.conn(), filter)?;
            events = all.len();
            render_export(&all, format, ctx.now())
        })?;
        let ext = match format {
            ExportFormat::Csv => "csv",
            ExportFormat::Fhir => "json",
        };
        let path = dir.join(format!("klinik-audit-{stamp}.{ext}"));
        std::fs::create_dir_all(dir)?;
        std::fs::write(&path, text)?;
        Ok(Exported { path, events })
    }

    /// Where chain heads are kept outside the database (see [`audit::AnchorLog`]).
    pub fn set_anchor_log(&mut self, log: audit::AnchorLog) {
        self.anchor_log = Some(log);
    }

    /// Verifies the chain on behalf of a signed-in person (recorded in the chain):
    /// recomputes every hash, checks the newest anchor kept outside the database, and
    /// on success writes a new anchor there.
    pub fn verify_audit_as(&mut self, session: &SessionId) -> Result<Verification> {
        let now = self.clock.now();
        let clinic_id = self.slots.clinic_id.as_str().to_owned();
        let anchors = self.anchor_log.clone();
        let previous = match &anchors {
            Some(log) => log.latest()?,
            None => None,
        };
        let second = self.second_reader()?;
        let v = self.gated(session, Action::AuditVerify, None, |ctx| {
            let mut v = audit::verify_in_halves(ctx.conn(), second)?;
            if let (true, Some(anchor)) = (v.intact, &previous) {
                if let Some((seq, problem)) = anchor.check(ctx.conn(), &clinic_id)? {
                    v.intact = false;
                    v.first_bad_seq = Some(seq);
                    v.problem = Some(problem);
                }
            }
            Ok(v)
        })?;
        if let (true, Some(log)) = (v.intact, &anchors) {
            log.append(&audit::Anchor::of(&self.conn, &clinic_id, now)?)?;
        }
        if v.intact {
            self.anchor_head()?;
        }
        Ok(v)
    }

    /// Verifies the chain for the key holder (the CLI).
    pub fn verify_audit(&self) -> Result<Verification> {
        audit::verify_in_halves(&self.conn, self.second_reader()?)
    }

    /// A second connection to this clinic's database, for reading in parallel.
    pub(super) fn second_reader(&self) -> Result<Connection> {
        vault::open_connection(&self.dir.database(), &self.key, OpenMode::Existing)
    }

    /// The chain head to keep outside the database.
    pub fn audit_anchor(&self) -> Result<audit::Anchor> {
        audit::Anchor::of(&self.conn, self.slots.clinic_id.as_str(), self.clock.now())
    }

    /// Verifies the chain and, when given, that it still contains the anchored head.
    pub fn verify_audit_with_anchor(&self, anchor: &audit::Anchor) -> Result<Verification> {
        let mut v = audit::verify_in_halves(&self.conn, self.second_reader()?)?;
        if v.intact {
            if let Some((seq, problem)) = anchor.check(&self.conn, self.slots.clinic_id.as_str())? {
                v.intact = false;
                v.first_bad_seq = Some(seq);
                v.problem = Some(problem);
            }
        }
        Ok(v)
    }
}

/// The two export formats of the audit trail.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Fhir,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Result<Self> {
        s.trim().to_ascii_lowercase().parse().map_err(|_| Error::invalid("export format must be csv or fhir"))
    }
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

pub(super) fn render_export(
    events: &[EventView],
    format: ExportFormat,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String> {
    Ok(match format {
        ExportFormat::Csv => audit::to_csv(events),
        ExportFormat::Fhir => {
            serde_json::to_string_pretty(&audit::to_fhir(events, now)).map_err(|e| Error::Internal(e.to_string()))?
        }
    })
}

/// Where an export was written and how many events it holds.
#[derive(Debug, Clone)]
pub struct Exported {
    pub path: std::path::PathBuf,
    pub events: usize,
}
