//! Klinik's desktop shell: Tauri state and thin command adapters over the `klinik` core.
//! No SQL, rules or clocks live here; see ARCHITECTURE.md for the request flow.
#![forbid(unsafe_code)]

pub mod commands;
pub mod dto;
pub mod state;

use std::path::PathBuf;
use tauri_specta::{collect_commands, Builder, ErrorHandlingMode};

/// The typed command set; also the source of `ui/src/lib/bindings.ts`.
pub fn specta_builder<R: tauri::Runtime>() -> Builder<R> {
    use commands::{
        audit, calendar, clients, consents, invoices, journal, lifecycle, relatives, reports, session, staff,
    };
    Builder::<R>::new()
        // The window's audit filter and its translations follow the core's one list.
        .constant("AUDIT_ACTIONS", klinik::audit::ACTIONS)
        .commands(collect_commands![
            session::app_status,
            session::password_strength,
            session::setup_clinic,
            session::unlock_vault,
            session::restore_newest_backup,
            session::first_screen,
            session::login,
            session::logout,
            session::lock_session,
            session::unlock_session,
            session::reset_password_with_recovery_code,
            session::set_language,
            session::set_my_language,
            clients::list_clients,
            clients::create_client,
            clients::get_client,
            clients::update_client,
            clients::reveal_national_id,
            journal::journal,
            journal::list_templates,
            journal::create_entry,
            journal::save_draft,
            journal::sign_entry,
            journal::add_addendum,
            journal::search_journals,
            journal::record_print,
            journal::set_auto_sign_hours,
            journal::save_template,
            journal::retire_template,
            journal::save_answers,
            journal::list_attachments,
            journal::remove_attachment,
            journal::set_attachment_limit,
            staff::list_staff_admin,
            staff::create_staff,
            staff::set_access_model,
            staff::change_password,
            staff::set_pin,
            staff::pin_candidates,
            staff::desk_accounts,
            staff::open_desk,
            staff::unlock_with_pin,
            staff::end_pin,
            staff::emergency_access,
            staff::change_relation,
            staff::security_info,
            staff::end_session,
            staff::set_session_timeout,
            staff::set_security_settings,
            staff::begin_totp,
            staff::confirm_totp,
            staff::disable_totp,
            staff::reset_staff,
            staff::set_journal_mode,
            staff::update_staff,
            staff::set_staff_active,
            staff::set_staff_photo,
            staff::staff_photo,
            staff::admin_set_pin,
            staff::change_email,
            staff::set_new_client_access,
            staff::set_appointment_relation,
            staff::renew_recovery_codes,
            staff::client_relations,
            audit::list_audit,
            audit::verify_audit,
            audit::client_access_log,
            audit::export_audit,
            audit::list_staff,
            audit::log_review,
            audit::mark_log_reviewed,
            audit::set_review_settings,
            audit::make_backup,
            audit::backup_status,
            audit::set_backup_folder,
            audit::test_backup,
            calendar::list_calendars,
            calendar::list_services,
            calendar::calendar_view,
            calendar::book_appointment,
            calendar::move_appointment,
            calendar::set_appointment_status,
            calendar::client_appointments,
            calendar::save_service,
            calendar::retire_service,
            calendar::add_room,
            calendar::working_hours,
            calendar::set_working_hours,
            calendar::export_calendar,
            calendar::add_absence,
            calendar::set_calendar_overlap,
            invoices::invoice_profile,
            invoices::set_invoice_profile,
            invoices::list_invoices,
            invoices::get_invoice,
            invoices::draft_invoice,
            invoices::update_invoice_draft,
            invoices::delete_invoice_draft,
            invoices::issue_invoice,
            invoices::credit_invoice,
            invoices::register_payment,
            invoices::new_invoice_pin,
            invoices::save_invoice_pdf,
            invoices::email_invoice_pdf,
            invoices::export_invoices,
            reports::my_reports,
            reports::report_definitions,
            reports::save_report,
            reports::set_report_active,
            reports::run_report,
            reports::save_report_file,
            relatives::relatives_of,
            relatives::bind_relative,
            relatives::end_relative_binding,
            relatives::relative_home,
            relatives::relative_appointments,
            relatives::relative_schedule,
            lifecycle::retention_rules,
            lifecycle::set_retention_rules,
            lifecycle::cleanup_proposal,
            lifecycle::cleanup_due,
            lifecycle::purge_clients,
            lifecycle::erase_client,
            lifecycle::save_erasure_letter,
            lifecycle::save_client_copy,
            lifecycle::import_preview,
            lifecycle::import_clients,
            consents::consent_texts,
            consents::save_consent_text,
            consents::retire_consent_text,
            consents::client_consents,
            consents::consent_missing,
            consents::record_consent,
            consents::withdraw_consent,
            consents::save_consent_form,
        ])
        .error_handling(ErrorHandlingMode::Throw)
        .disable_serde_phases()
}

/// Renders the TypeScript bindings exactly as they are committed.
pub fn render_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder::<tauri::Wry>()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated by tauri-specta from src-tauri. Do not edit: run `./dev bindings`.\n"),
            path,
        )
        .map_err(|e| e.to_string())
}

/// Names the type of an invoke handler (what `generate_handler!` makes) outside
/// `Builder::invoke_handler`, so two can be combined.
fn as_handler<R: tauri::Runtime, F: Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static>(f: F) -> F {
    f
}

/// Every command the window may call: the typed ones, and the two that carry raw bytes
/// (see commands/raw.rs), routed by name.
pub fn invoke_handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    // The typed handler borrows its builder for as long as the app runs: one builder per
    // app (and per test app), kept for the process's life.
    let builder: &'static Builder<R> = Box::leak(Box::new(specta_builder::<R>()));
    let typed = builder.invoke_handler();
    let raw = as_handler::<R, _>(tauri::generate_handler![
        commands::raw::add_attachment_bytes,
        commands::raw::open_attachment_bytes
    ]);
    move |invoke| {
        if commands::raw::COMMANDS.contains(&invoke.message.command()) {
            raw(invoke)
        } else {
            typed(invoke)
        }
    }
}

/// Starts the desktop app on `data_dir`.
pub fn run(data_dir: PathBuf) -> Result<(), tauri::Error> {
    use tauri::Manager;
    tauri::Builder::default()
        .manage(state::AppState::pending(data_dir))
        .invoke_handler(invoke_handler())
        .setup(|app| {
            let dir =
                std::env::var_os("KLINIK_EXPORT_DIR").map(PathBuf::from).or_else(|| app.path().download_dir().ok());
            if let Some(dir) = dir {
                app.state::<state::AppState>().lock().export_dir = dir;
            }
            // Open the clinic beside the window, which says "opening" (or "checking after
            // an unexpected shutdown") until it is done.
            let opener = app.handle().clone();
            std::thread::spawn(move || opener.state::<state::AppState>().open_now());
            // Ended by the desktop session (logout, shutdown) or `kill`: leave like a
            // closed window does, through RunEvent::Exit, so the clinic closes cleanly.
            let handle = app.handle().clone();
            let mut signals = signal_hook::iterator::Signals::new([
                signal_hook::consts::SIGTERM,
                signal_hook::consts::SIGINT,
                signal_hook::consts::SIGHUP,
            ])?;
            std::thread::spawn(move || {
                if signals.forever().next().is_some() {
                    handle.exit(0);
                }
            });
            Ok(())
        })
        .build(tauri::generate_context!())?
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                // Tauri ends the process without dropping managed state: close the clinic
                // here so the database is closed cleanly and the clean-close marker is
                // written (otherwise every start would run the after-crash check).
                // Closing the window also ends the session (it is recorded as a logout).
                let state = app.state::<state::AppState>();
                let mut guard = state.lock();
                let inner = &mut *guard;
                if let (Some(clinic), Some(session)) = (inner.clinic.as_mut(), inner.session.take()) {
                    let _ = clinic.logout(&session);
                }
                // A background backup still copying is waited for; then a backup when Klinik
                // closes (when a folder is chosen; failures are recorded).
                inner.poll_backup(true);
                if let Some(clinic) = inner.clinic.as_mut() {
                    let _ = clinic.automatic_backup();
                }
                inner.clinic = None;
            }
        });
    Ok(())
}
