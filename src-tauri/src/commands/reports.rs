//! Reports' commands: My page, the definitions administrators set up, a run as a table, and
//! a run saved as CSV or PDF into the export folder (a new file, never over another).

use super::CmdResult;
use crate::state::AppState;
use klinik::clock::parse_day;
use klinik::reports::{Definition, DefinitionInput, Report};
use klinik::ReportId;
use tauri::State;

fn report_id(s: &str) -> CmdResult<ReportId> {
    Ok(ReportId::parse(s)?)
}

/// Both days or neither (the report's own period).
fn period(
    from: &Option<String>,
    to: &Option<String>,
) -> CmdResult<(Option<klinik::clock::Day>, Option<klinik::clock::Day>)> {
    let (f, t) = (parse_day(from.as_deref())?, parse_day(to.as_deref())?);
    if f.is_some() != t.is_some() {
        return Err(klinik::Error::Invalid("a period needs its first and last day".into()).into());
    }
    Ok((f, t))
}

#[tauri::command]
#[specta::specta]
pub async fn my_reports(state: State<'_, AppState>) -> CmdResult<Vec<Definition>> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.my_reports(&session)?)
}

#[tauri::command]
#[specta::specta]
pub async fn report_definitions(state: State<'_, AppState>) -> CmdResult<Vec<Definition>> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.report_definitions(&session)?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_report(
    state: State<'_, AppState>,
    report_id: Option<String>,
    input: DefinitionInput,
) -> CmdResult<Definition> {
    let id = report_id.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(self::report_id).transpose()?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.save_report(&session, id.as_ref(), &input)?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_report_active(state: State<'_, AppState>, report_id: String, active: bool) -> CmdResult<()> {
    let id = self::report_id(&report_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.set_report_active(&session, &id, active)?)
}

/// Runs a report from My page over its own period, or `fromDay`..`toDay` (both or neither).
#[tauri::command]
#[specta::specta]
pub async fn run_report(
    state: State<'_, AppState>,
    report_id: String,
    from_day: Option<String>,
    to_day: Option<String>,
) -> CmdResult<Report> {
    let id = self::report_id(&report_id)?;
    let (from, to) = period(&from_day, &to_day)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.run_report(&session, &id, from, to)?)
}

/// Saves a report run as `csv` or `pdf` into the export folder; returns its path.
#[tauri::command]
#[specta::specta]
pub async fn save_report_file(
    state: State<'_, AppState>,
    report_id: String,
    from_day: Option<String>,
    to_day: Option<String>,
    format: String,
) -> CmdResult<String> {
    let id = self::report_id(&report_id)?;
    let (from, to) = period(&from_day, &to_day)?;
    let pdf = match format.as_str() {
        "csv" => false,
        "pdf" => true,
        _ => return Err(klinik::Error::Invalid("a report is saved as csv or pdf".into()).into()),
    };
    let mut s = state.lock();
    let dir = s.export_dir.clone();
    let (clinic, session) = s.signed_in()?;
    let file = clinic.report_file(&session, &id, from, to, pdf)?;
    Ok(klinik::files::save_new_file(&dir, &file.file_name, &file.bytes)?.display().to_string())
}
