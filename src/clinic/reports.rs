//! Reports through the gate (src/reports/): the definitions administrators set up, the
//! person's My page, and a report's run as a table, CSV or PDF.

use super::*;
use crate::reports::{self, Definition, DefinitionInput, Report, ReportId};
use chrono::NaiveDate;

/// A report as a file, with the name to save it under.
#[derive(Debug, Clone)]
pub struct ReportFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Clinic {
    /// The reports on the person's My page.
    pub fn my_reports(&mut self, session: &SessionId) -> Result<Vec<Definition>> {
        self.gated(session, Action::ReportList, None, |ctx| {
            let mine = reports::mine(ctx)?;
            ctx.record_object(format!("My page ({} reports)", mine.len()));
            Ok(mine)
        })
    }

    /// Every report, retired ones too (administrators).
    pub fn report_definitions(&mut self, session: &SessionId) -> Result<Vec<Definition>> {
        // Opening the list changes nothing: the event says so beside the action's name.
        self.gated(session, Action::ReportManage, None, |ctx| {
            let all = reports::all(ctx)?;
            ctx.record_object(format!("report list ({} reports, nothing changed)", all.len()));
            Ok(all)
        })
    }

    /// Adds a report, or changes one (administrators).
    pub fn save_report(
        &mut self,
        session: &SessionId,
        id: Option<&ReportId>,
        input: &DefinitionInput,
    ) -> Result<Definition> {
        self.gated(session, Action::ReportManage, None, |ctx| reports::save(ctx, id, input))
    }

    /// Retires a report from every My page, or brings it back (administrators).
    pub fn set_report_active(&mut self, session: &SessionId, id: &ReportId, active: bool) -> Result<()> {
        self.gated(session, Action::ReportManage, None, |ctx| reports::set_active(ctx, id, active))
    }

    /// Runs a report from the person's My page over its default period, or `from..=to`.
    pub fn run_report(
        &mut self,
        session: &SessionId,
        id: &ReportId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Report> {
        self.gated(session, Action::ReportRun, None, |ctx| reports::run(ctx, id, from, to))
    }

    /// A report run as CSV or PDF (`pdf`), to save or print.
    pub fn report_file(
        &mut self,
        session: &SessionId,
        id: &ReportId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        pdf: bool,
    ) -> Result<ReportFile> {
        let (clinic, language): (String, String) =
            self.conn.query_row("SELECT name, language FROM clinic", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        self.gated(session, Action::ReportRun, None, |ctx| {
            let report = reports::run(ctx, id, from, to)?;
            let stem = format!("klinik-report-{}-{}", report.from, report.to);
            Ok(if pdf {
                ReportFile {
                    file_name: format!("{stem}.pdf"),
                    bytes: reports::output::pdf(&report, &clinic, &language)?,
                }
            } else {
                ReportFile { file_name: format!("{stem}.csv"), bytes: reports::output::csv(&report).into_bytes() }
            })
        })
    }
}
