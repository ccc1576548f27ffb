//! Declares the app's commands to Tauri's ACL so that a command not granted in
//! `capabilities/` is refused in Rust, whatever the webview sends.

/// Every command the UI may call; `capabilities/main.json` grants each of them to the
/// main window, and a test checks this list against the registered handlers.
const COMMANDS: &[&str] = &[
    "app_status",
    "password_strength",
    "setup_clinic",
    "unlock_vault",
    "login",
    "logout",
    "lock_session",
    "unlock_session",
    "reset_password_with_recovery_code",
    "set_language",
    "list_clients",
    "create_client",
    "get_client",
    "update_client",
    "reveal_national_id",
    "journal",
    "list_templates",
    "create_entry",
    "save_draft",
    "sign_entry",
    "add_addendum",
    "search_journals",
    "record_print",
    "list_staff_admin",
    "create_staff",
    "set_access_model",
    "change_password",
    "set_pin",
    "pin_candidates",
    "unlock_with_pin",
    "end_pin",
    "emergency_access",
    "change_relation",
    "security_info",
    "end_session",
    "set_session_timeout",
    "set_security_settings",
    "begin_totp",
    "confirm_totp",
    "disable_totp",
    "reset_staff",
    "set_journal_mode",
    "list_audit",
    "verify_audit",
    "client_access_log",
    "export_audit",
    "list_staff",
    "log_review",
    "mark_log_reviewed",
    "set_review_settings",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}
