//! Invoicing's commands: parse what the window sent, call the core, return the core's own
//! types. A PDF is written by the core's bytes into the export folder (a new file, never
//! over another), or handed to the system's mail program as an attachment — Klinik keeps
//! no mail passwords and opens no network connection.

use super::CmdResult;
use crate::state::AppState;
use klinik::clock::parse_day;
use klinik::invoices::{Invoice, Issued, LineInput, Method, Payer, Profile, Show, Summary};
use klinik::{AppointmentId, ClientId, InvoiceId};
use tauri::State;

fn invoice_id(s: &str) -> CmdResult<InvoiceId> {
    Ok(InvoiceId::parse(s)?)
}

#[tauri::command]
#[specta::specta]
pub async fn invoice_profile(state: State<'_, AppState>) -> CmdResult<Profile> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.invoice_profile(&session)?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_invoice_profile(state: State<'_, AppState>, profile: Profile) -> CmdResult<Profile> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.set_invoice_profile(&session, &profile)?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_invoices(
    state: State<'_, AppState>,
    show: Show,
    client_id: Option<String>,
) -> CmdResult<Vec<Summary>> {
    let client = client_id.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(ClientId::parse).transpose()?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.invoices(&session, show, client.as_ref())?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_invoice(state: State<'_, AppState>, invoice_id: String) -> CmdResult<Invoice> {
    let id = self::invoice_id(&invoice_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.invoice(&session, &id)?)
}

/// A new draft for a client: a line per done appointment, then the typed lines.
#[tauri::command]
#[specta::specta]
pub async fn draft_invoice(
    state: State<'_, AppState>,
    client_id: String,
    payer: Payer,
    appointment_ids: Vec<String>,
    lines: Vec<LineInput>,
) -> CmdResult<Invoice> {
    let client = ClientId::parse(&client_id)?;
    let appointments = appointment_ids.iter().map(|a| AppointmentId::parse(a)).collect::<klinik::Result<Vec<_>>>()?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.draft_invoice(&session, &client, &payer, &appointments, &lines)?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_invoice_draft(
    state: State<'_, AppState>,
    invoice_id: String,
    payer: Payer,
    lines: Vec<LineInput>,
) -> CmdResult<Invoice> {
    let id = self::invoice_id(&invoice_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.update_invoice_draft(&session, &id, &payer, &lines)?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_invoice_draft(state: State<'_, AppState>, invoice_id: String) -> CmdResult<()> {
    let id = self::invoice_id(&invoice_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.delete_invoice_draft(&session, &id)?)
}

/// Issues a draft; `newPin` is the client's PIN when it was made now (show it once).
#[tauri::command]
#[specta::specta]
pub async fn issue_invoice(state: State<'_, AppState>, invoice_id: String) -> CmdResult<Issued> {
    let id = self::invoice_id(&invoice_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.issue_invoice(&session, &id)?)
}

#[tauri::command]
#[specta::specta]
pub async fn credit_invoice(state: State<'_, AppState>, invoice_id: String) -> CmdResult<Invoice> {
    let id = self::invoice_id(&invoice_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.credit_invoice(&session, &id)?)
}

/// Registers a payment (`amountMinor` in øre; `paidOn` a day, blank for today).
#[tauri::command]
#[specta::specta]
pub async fn register_payment(
    state: State<'_, AppState>,
    invoice_id: String,
    amount_minor: u32,
    method: Method,
    paid_on: Option<String>,
) -> CmdResult<Invoice> {
    let id = self::invoice_id(&invoice_id)?;
    let day = parse_day(paid_on.as_deref())?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.register_payment(&session, &id, i64::from(amount_minor), method, day)?)
}

/// A new PIN for a client's invoice PDFs, to be handed over now.
#[tauri::command]
#[specta::specta]
pub async fn new_invoice_pin(state: State<'_, AppState>, client_id: String) -> CmdResult<String> {
    let client = ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.new_invoice_pin(&session, &client)?)
}

/// Saves an issued invoice's PDF into the export folder; returns its path.
#[tauri::command]
#[specta::specta]
pub async fn save_invoice_pdf(state: State<'_, AppState>, invoice_id: String) -> CmdResult<String> {
    let id = self::invoice_id(&invoice_id)?;
    let mut s = state.lock();
    let dir = s.export_dir.clone();
    let (clinic, session) = s.signed_in()?;
    let pdf = clinic.invoice_pdf(&session, &id)?;
    Ok(klinik::files::save_new_file(&dir, &pdf.file_name, &pdf.bytes)?.display().to_string())
}

/// Saves the PDF and hands it to the system's mail program as an attachment
/// (`xdg-email --attach`); the person addresses and sends it there.
#[tauri::command]
#[specta::specta]
pub async fn email_invoice_pdf(state: State<'_, AppState>, invoice_id: String) -> CmdResult<String> {
    let path = save_invoice_pdf(state, invoice_id).await?;
    std::process::Command::new("xdg-email").arg("--attach").arg(&path).spawn().map_err(|e| {
        klinik::Error::Invalid(format!("no mail program could be opened ({e}); the PDF is saved at {path}"))
    })?;
    Ok(path)
}

/// The bookkeeping export of a period as CSV in the export folder; returns its path.
#[tauri::command]
#[specta::specta]
pub async fn export_invoices(state: State<'_, AppState>, first_day: String, last_day: String) -> CmdResult<String> {
    let first = parse_day(Some(&first_day))?.ok_or_else(|| klinik::Error::Invalid("a day is needed".into()))?;
    let last = parse_day(Some(&last_day))?.ok_or_else(|| klinik::Error::Invalid("a day is needed".into()))?;
    let mut s = state.lock();
    let dir = s.export_dir.clone();
    let (clinic, session) = s.signed_in()?;
    let (csv, _) = clinic.export_invoices(&session, first, last)?;
    let name = format!("klinik-invoices-{first}-{last}.csv");
    Ok(klinik::files::save_new_file(&dir, &name, csv.as_bytes())?.display().to_string())
}
