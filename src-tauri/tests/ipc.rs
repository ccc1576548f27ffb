//! The commands over Tauri's IPC (mock runtime, no webview): the exact JSON the UI
//! receives, including the `{code, message}` errors it branches on, checked against the
//! real capabilities of the main window.

use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;

fn app(
    dir: &std::path::Path,
) -> (tauri::App<tauri::test::MockRuntime>, tauri::WebviewWindow<tauri::test::MockRuntime>) {
    let state = klinik_desktop::state::AppState::new(dir.to_path_buf());
    // Exports and backups go next to the test's clinic, not into the home folder.
    state.lock().export_dir = dir.join("exports");
    let app = mock_builder()
        .manage(state)
        .invoke_handler(klinik_desktop::invoke_handler())
        // The real config and capabilities: commands are checked against the ACL.
        .build(tauri::generate_context!(test = true))
        .expect("mock app");
    let win = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
    (app, win)
}

/// The window's request for `cmd` with this body and these headers.
fn request(cmd: &str, body: tauri::ipc::InvokeBody, headers: tauri::http::HeaderMap) -> InvokeRequest {
    InvokeRequest {
        cmd: cmd.into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().expect("url"),
        body,
        headers,
        invoke_key: INVOKE_KEY.to_string(),
    }
}

fn call(win: &tauri::WebviewWindow<tauri::test::MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(win, request(cmd, tauri::ipc::InvokeBody::Json(args), Default::default()))
        .map(|b| b.deserialize::<Value>().expect("json"))
}

/// A command that takes the file as the raw request body (its metadata in headers) and
/// answers with JSON.
fn call_raw(win: &Win, cmd: &str, body: &[u8], headers: &[(&'static str, &str)]) -> Result<Value, Value> {
    let mut map = tauri::http::HeaderMap::new();
    for (k, v) in headers {
        map.insert(*k, v.parse().expect("header"));
    }
    get_ipc_response(win, request(cmd, tauri::ipc::InvokeBody::Raw(body.to_vec()), map))
        .map(|b| b.deserialize::<Value>().expect("json"))
}

/// A command that answers with raw bytes.
fn call_for_bytes(win: &Win, cmd: &str, args: Value) -> Result<Vec<u8>, Value> {
    get_ipc_response(win, request(cmd, tauri::ipc::InvokeBody::Json(args), Default::default())).map(|b| match b {
        tauri::ipc::InvokeResponseBody::Raw(bytes) => bytes,
        tauri::ipc::InvokeResponseBody::Json(text) => panic!("{cmd} answered JSON: {text}"),
    })
}

const PASSWORD: &str = "syv-små-sommerfugle-på-taget";

fn setup_input(password: &str) -> Value {
    json!({ "input": {
        "language": "da", "clinicName": "IPC Klinik", "country": "dk", "journalMode": "notes",
        "ownerName": "Ida Test", "ownerEmail": "ida@example.dk", "ownerPassword": password,
        "keyStorage": "passphrase", "passphrase": "fire-fede-fisk-i-fjorden-fredag"
    }})
}

#[test]
fn first_start_is_setup_and_nothing_is_reachable_before_login() {
    let d = tempfile::tempdir().expect("tempdir");
    let (_app, win) = app(d.path());
    let status = call(&win, "app_status", json!({})).expect("status");
    assert_eq!(status["state"], "setup");
    let err = call(&win, "list_clients", json!({ "query": "" })).expect_err("refused");
    assert_eq!(err["code"], "notLoggedIn");
    assert_eq!(err["message"], "not logged in");
}

#[test]
fn a_command_outside_the_capabilities_is_refused() {
    let d = tempfile::tempdir().expect("tempdir");
    let (_app, win) = app(d.path());
    let err = call(&win, "plugin:fs|read_file", json!({ "path": "/etc/passwd" })).expect_err("refused");
    assert!(err.as_str().unwrap_or("").contains("not allowed"), "{err}");
    let err = call(&win, "drop_database", json!({})).expect_err("refused");
    assert!(err.as_str().unwrap_or("").contains("not allowed"), "{err}");
}

#[test]
fn weak_setup_is_refused_with_a_code_and_writes_nothing() {
    let d = tempfile::tempdir().expect("tempdir");
    let (_app, win) = app(d.path());
    let err = call(&win, "setup_clinic", setup_input("kort")).expect_err("weak");
    assert_eq!(err["code"], "weakPassword");
    assert!(!d.path().join("klinik.db").exists());
    let bad = call(&win, "setup_clinic", json!({ "input": { "language": "xx" } })).expect_err("malformed");
    assert!(bad.is_string(), "a malformed argument is refused by deserialization: {bad}");
}

#[test]
fn setup_login_lock_and_client_commands_speak_the_documented_json() {
    let d = tempfile::tempdir().expect("tempdir");
    let (_app, win) = app(d.path());
    let made = call(&win, "setup_clinic", setup_input(PASSWORD)).expect("setup");
    assert_eq!(made["recoveryCode"].as_str().expect("code").len(), 39);
    assert_eq!(call(&win, "app_status", json!({})).expect("status")["state"], "login");

    let wrong = call(&win, "login", json!({ "email": "ida@example.dk", "password": "forkert", "code": null }))
        .expect_err("wrong");
    assert_eq!(
        wrong,
        json!({ "code": "wrongCredentials", "message": "wrong email, password or code", "detail": null })
    );
    let ready =
        call(&win, "login", json!({ "email": "ida@example.dk", "password": PASSWORD, "code": null })).expect("login");
    assert_eq!(ready["state"], "ready");
    assert_eq!(ready["clinicName"], "IPC Klinik");
    assert_eq!(ready["me"]["isOwner"], true);
    assert!(ready["me"].get("staffId").is_some() && ready.get("session").is_none(), "the session id stays in Rust");

    let client = call(&win, "create_client", json!({ "input": { "name": "Åse <b>Ø</b>", "phone": "", "email": "", "birthDate": "", "address": "", "receptionNote": "", "inactive": false, "nationalId": null } }))
        .expect("create");
    assert_eq!(client["name"], "Åse <b>Ø</b>");
    let id = client["id"].as_str().expect("id").to_owned();
    let invalid = call(&win, "get_client", json!({ "id": "not-a-uuid" })).expect_err("bad id");
    assert_eq!(invalid["code"], "invalid");
    let huge = call(&win, "list_clients", json!({ "query": "x".repeat(10_000) })).expect_err("oversized");
    assert_eq!(huge["code"], "invalid");

    let locked = call(&win, "lock_session", json!({})).expect("lock");
    assert_eq!(locked["state"], "locked");
    let refused = call(&win, "get_client", json!({ "id": id })).expect_err("locked");
    assert_eq!(refused["code"], "locked");
    call(&win, "unlock_session", json!({ "password": PASSWORD })).expect("unlock");
    assert_eq!(call(&win, "get_client", json!({ "id": id })).expect("read")["id"], id.as_str());

    let page = call(&win, "list_audit", json!({ "filter": {}, "beforeSeq": null, "limit": 3 })).expect("audit");
    assert_eq!(page["events"].as_array().expect("events").len(), 3);
    let next = page["nextBeforeSeq"].as_u64().expect("cursor");
    let older = call(&win, "list_audit", json!({ "filter": {}, "beforeSeq": next, "limit": 100 })).expect("older");
    assert!(older["events"].as_array().expect("events").iter().all(|e| e["seq"].as_u64().expect("seq") < next));
    let verified = call(&win, "verify_audit", json!({})).expect("verify");
    assert_eq!(verified["intact"], true);

    assert_eq!(call(&win, "logout", json!({})).expect("logout")["state"], "login");
    assert_eq!(call(&win, "list_clients", json!({ "query": "" })).expect_err("out")["code"], "notLoggedIn");
}

/// What one call of each command adds to the audit trail. Adding a command to build.rs
/// without saying here what it records fails `every_command_writes_its_audit_events`.
const AUDIT_OF_COMMAND: &[(&str, &[&str])] = &[
    ("app_status", &[]),
    ("password_strength", &[]),
    ("set_language", &[]),
    ("list_staff", &[]),
    ("setup_clinic", &["clinic_created"]),
    ("unlock_vault", &["vault_recovery_unlock"]),
    ("login", &["login"]),
    ("logout", &["logout"]),
    ("lock_session", &["lock"]),
    ("unlock_session", &["unlock"]),
    ("reset_password_with_recovery_code", &["password_reset_recovery"]),
    ("list_clients", &["client_list"]),
    ("create_client", &["client_create"]),
    ("get_client", &["client_read"]),
    ("update_client", &["client_update"]),
    ("list_audit", &["audit_read"]),
    ("verify_audit", &["audit_verify"]),
    ("client_access_log", &["client_access_log"]),
    ("export_audit", &["audit_export"]),
    ("log_review", &["audit_review"]),
    ("journal", &["journal_read"]),
    ("list_templates", &[]),
    ("create_entry", &["entry_create"]),
    ("save_draft", &["entry_update"]),
    ("sign_entry", &["entry_sign"]),
    ("add_addendum", &["entry_addendum"]),
    // The search, and one event for the one client whose text it showed (in that
    // client's "who has seen this record" log).
    ("search_journals", &["journal_search", "journal_search"]),
    ("record_print", &["client_print"]),
    ("reveal_national_id", &["national_id_reveal"]),
    ("list_staff_admin", &["staff_list"]),
    ("create_staff", &["staff_create"]),
    ("set_access_model", &["settings_change"]),
    ("change_password", &["password_change"]),
    ("set_my_language", &["language_change"]),
    ("set_pin", &["pin_set"]),
    ("pin_candidates", &[]),
    ("desk_accounts", &[]),
    ("open_desk", &["desk_open"]),
    ("unlock_with_pin", &["pin_unlock"]),
    ("end_pin", &["pin_end"]),
    ("emergency_access", &["emergency_access"]),
    ("change_relation", &["relation_change"]),
    ("security_info", &[]),
    ("end_session", &["session_end"]),
    ("set_session_timeout", &["settings_change"]),
    ("set_security_settings", &["settings_change"]),
    ("begin_totp", &["totp_begin"]),
    ("confirm_totp", &["totp_failed"]),
    ("disable_totp", &[]),
    ("reset_staff", &["staff_update"]),
    ("set_journal_mode", &["settings_change"]),
    ("update_staff", &["staff_update"]),
    ("set_staff_active", &["staff_update"]),
    ("set_staff_photo", &["staff_update"]),
    ("staff_photo", &[]),
    ("admin_set_pin", &["staff_update"]),
    ("change_email", &["email_change"]),
    ("set_new_client_access", &["settings_change"]),
    ("add_attachment_bytes", &["attachment_add"]),
    ("list_attachments", &["attachment_list"]),
    ("open_attachment_bytes", &["attachment_open"]),
    ("remove_attachment", &["attachment_remove"]),
    ("set_attachment_limit", &["settings_change"]),
    ("set_auto_sign_hours", &["settings_change"]),
    ("save_template", &["template_change"]),
    ("retire_template", &["template_change"]),
    ("save_answers", &["entry_update"]),
    // Exercised with a real enrollment in tests/two_factor.rs (needs a TOTP code).
    ("renew_recovery_codes", &["totp_recovery_renewed"]),
    ("client_relations", &["relation_list"]),
    ("make_backup", &["backup_create"]),
    ("backup_status", &[]),
    ("set_backup_folder", &["settings_change"]),
    ("test_backup", &["backup_drill"]),
    ("list_calendars", &["calendar_list"]),
    ("list_services", &["calendar_list"]),
    ("save_service", &["calendar_manage"]),
    ("retire_service", &["calendar_manage"]),
    ("add_room", &["calendar_manage"]),
    ("working_hours", &["calendar_read"]),
    ("set_working_hours", &["calendar_manage"]),
    ("book_appointment", &["appointment_book"]),
    ("calendar_view", &["calendar_read"]),
    ("client_appointments", &["calendar_read"]),
    ("move_appointment", &["appointment_change"]),
    ("set_appointment_status", &["appointment_change"]),
    ("export_calendar", &["calendar_export"]),
    ("add_absence", &["calendar_manage"]),
    ("set_appointment_relation", &["settings_change"]),
    ("set_calendar_overlap", &["calendar_manage"]),
    ("invoice_profile", &["invoice_read"]),
    ("set_invoice_profile", &["invoice_setup"]),
    ("list_invoices", &["invoice_read"]),
    ("get_invoice", &["invoice_read"]),
    ("draft_invoice", &["invoice_edit"]),
    ("update_invoice_draft", &["invoice_edit"]),
    ("delete_invoice_draft", &["invoice_edit"]),
    ("issue_invoice", &["invoice_edit"]),
    ("credit_invoice", &["invoice_edit"]),
    ("register_payment", &["invoice_edit"]),
    ("new_invoice_pin", &["invoice_edit"]),
    ("save_invoice_pdf", &["invoice_read"]),
    ("email_invoice_pdf", &["invoice_read"]),
    ("export_invoices", &["invoice_read"]),
    ("my_reports", &["report_list"]),
    ("report_definitions", &["report_manage"]),
    ("save_report", &["report_manage"]),
    ("set_report_active", &["report_manage"]),
    ("run_report", &["report_run"]),
    ("save_report_file", &["report_run"]),
    ("relatives_of", &["relative_list"]),
    ("bind_relative", &["relative_manage"]),
    ("end_relative_binding", &["relative_manage"]),
    ("relative_home", &["relative_home"]),
    ("relative_appointments", &["relative_appointments"]),
    ("relative_schedule", &["relative_schedule"]),
    ("retention_rules", &["cleanup_review"]),
    ("set_retention_rules", &["settings_change"]),
    ("cleanup_proposal", &["cleanup_review"]),
    ("cleanup_due", &["cleanup_review"]),
    ("purge_clients", &["client_erase"]),
    ("erase_client", &["client_erase"]),
    ("save_erasure_letter", &["client_erase"]),
    ("save_client_copy", &["client_export"]),
    ("import_preview", &["client_import"]),
    ("import_clients", &["client_import"]),
    ("consent_texts", &["client_list"]),
    ("save_consent_text", &["consent_text_change"]),
    ("retire_consent_text", &["consent_text_change"]),
    ("client_consents", &["client_read"]),
    ("consent_missing", &["client_read"]),
    ("record_consent", &["consent_record"]),
    ("withdraw_consent", &["consent_record"]),
    ("save_consent_form", &["client_read"]),
    ("restore_newest_backup", &[]),
    ("first_screen", &[]),
    ("mark_log_reviewed", &["audit_review_mark"]),
    ("set_review_settings", &["settings_change"]),
];

fn build_rs_commands() -> Vec<String> {
    let build_rs = std::fs::read_to_string(crate_dir().join("build.rs")).expect("build.rs");
    build_rs
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('"') && l.ends_with("\","))
        .map(|l| l.trim_end_matches(',').trim_matches('"').to_owned())
        .collect()
}

type Win = tauri::WebviewWindow<tauri::test::MockRuntime>;

/// The signed-in person's staff id (app_status records nothing).
fn me_id_early(win: &Win) -> String {
    call(win, "app_status", json!({})).expect("status")["me"]["staffId"].as_str().expect("id").to_owned()
}

/// The actions recorded after `after_seq`, oldest first, read through the app itself
/// (the read's own `audit_read` comes after what it returns).
fn actions_since(win: &Win, after_seq: u64) -> (Vec<String>, u64) {
    let page = call(win, "list_audit", json!({ "filter": {}, "beforeSeq": null, "limit": 50 })).expect("audit page");
    let events = page["events"].as_array().expect("events");
    let newest = events.first().map(|e| e["seq"].as_u64().expect("seq")).unwrap_or(0);
    let mut actions: Vec<String> = events
        .iter()
        .filter(|e| e["seq"].as_u64().expect("seq") > after_seq)
        .map(|e| e["action"].as_str().expect("action").to_owned())
        .collect();
    actions.reverse();
    // The next check starts after this read's own audit_read event.
    (actions, newest + 1)
}

#[test]
fn every_command_writes_its_audit_events() {
    let mut listed: Vec<String> = AUDIT_OF_COMMAND.iter().map(|(c, _)| c.to_string()).collect();
    let mut registered = build_rs_commands();
    listed.sort();
    registered.sort();
    assert_eq!(listed, registered, "every command needs its audit events stated in AUDIT_OF_COMMAND");
    let expect = |cmd: &str| -> Vec<String> {
        AUDIT_OF_COMMAND.iter().find(|(c, _)| *c == cmd).expect("listed").1.iter().map(|s| s.to_string()).collect()
    };

    let d = tempfile::tempdir().expect("tempdir");
    let code;
    {
        let (first_app, win) = app(d.path());
        for cmd in ["app_status", "password_strength", "set_language"] {
            let args = match cmd {
                "password_strength" => json!({ "password": "abc" }),
                "set_language" => json!({ "language": "sv" }),
                _ => json!({}),
            };
            call(&win, cmd, args).expect(cmd);
        }
        code = call(&win, "setup_clinic", setup_input(PASSWORD)).expect("setup")["recoveryCode"]
            .as_str()
            .expect("code")
            .to_owned();
        call(&win, "login", json!({ "email": "ida@example.dk", "password": PASSWORD, "code": null })).expect("login");
        let (seen, mut mark) = actions_since(&win, 0);
        assert_eq!(seen, [expect("setup_clinic"), expect("login")].concat());

        let check = |cmd: &str, args: Value, mark: &mut u64| -> Value {
            let v = call(&win, cmd, args).unwrap_or_else(|e| panic!("{cmd}: {e}"));
            let (seen, next) = actions_since(&win, *mark);
            assert_eq!(seen, expect(cmd), "{cmd} must record exactly its audit events");
            *mark = next;
            v
        };
        check("list_staff", json!({}), &mut mark);
        check(
            "create_client",
            json!({ "input": { "name": "Tove Tangen", "phone": "", "email": "", "birthDate": "", "address": "", "receptionNote": "", "inactive": false, "nationalId": null } }),
            &mut mark,
        );
        let id =
            call(&win, "list_clients", json!({ "query": "" })).expect("list")[0]["id"].as_str().expect("id").to_owned();
        mark += 1; // that list's own client_list event
        check("list_clients", json!({ "query": "tove" }), &mut mark);
        check("get_client", json!({ "id": id }), &mut mark);
        check(
            "update_client",
            json!({ "id": id, "input": { "name": "Tove Tangen", "phone": "1", "email": "", "birthDate": "", "address": "", "receptionNote": "", "inactive": false, "nationalId": null } }),
            &mut mark,
        );
        check("client_access_log", json!({ "id": id }), &mut mark);
        check("list_templates", json!({}), &mut mark);
        check(
            "create_entry",
            json!({ "clientId": id, "templateId": null, "title": "", "body": "Første note" }),
            &mut mark,
        );
        let entry = call(&win, "journal", json!({ "clientId": id })).expect("journal")[0]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        mark += 1; // that read's own journal_read event
        check("journal", json!({ "clientId": id }), &mut mark);
        check("save_draft", json!({ "entryId": entry, "title": "", "body": "Første note, rettet" }), &mut mark);
        check("sign_entry", json!({ "entryId": entry, "password": PASSWORD }), &mut mark);
        check("add_addendum", json!({ "entryId": entry, "body": "Tilføjelse" }), &mut mark);
        check("search_journals", json!({ "query": "note" }), &mut mark);
        check("record_print", json!({ "clientId": id, "what": "journal" }), &mut mark);
        check("set_attachment_limit", json!({ "megabytes": 25 }), &mut mark);
        check("set_auto_sign_hours", json!({ "hours": 0 }), &mut mark);
        check("make_backup", json!({ "password": PASSWORD }), &mut mark);
        let status = check("backup_status", json!({}), &mut mark);
        assert_eq!(status["folder"], Value::Null, "automatic backups start off");
        let usb = std::env::temp_dir().join(format!("klinik-ipc-usb-{}", std::process::id()));
        std::fs::create_dir_all(&usb).expect("a backup folder");
        check("set_backup_folder", json!({ "folder": usb.to_str().expect("path"), "password": PASSWORD }), &mut mark);
        let status = call(&win, "backup_status", json!({})).expect("status");
        assert_eq!((status["folder"].as_str(), status["stale"].as_bool()), (usb.to_str(), Some(true)));
        // The drill needs a backup in the folder (tests/backup.rs runs one on real backups).
        mark = actions_since(&win, mark).1;
        let drill = call(&win, "test_backup", json!({})).expect_err("nothing to test yet");
        assert_eq!(drill["code"], "invalid");
        mark = actions_since(&win, mark).1;
        // Off again (blank), so the restarts below make no automatic backup.
        check("set_backup_folder", json!({ "folder": "", "password": PASSWORD }), &mut mark);
        let _ = std::fs::remove_dir_all(&usb);
        let tpl = call(
            &win,
            "save_template",
            json!({ "key": null, "name": "Smertekontrol", "body": "",
            "fields": [{ "id": "pain", "kind": "scale", "label": "Smerte", "options": [], "required": true }] }),
        )
        .expect("save_template");
        assert_eq!(tpl["version"], 1);
        let (seen, next) = actions_since(&win, mark);
        assert_eq!(seen, expect("save_template"));
        mark = next;
        let fielded =
            call(&win, "create_entry", json!({ "clientId": id, "templateId": tpl["id"], "title": "", "body": "" }))
                .expect("fielded draft")["id"]
                .as_str()
                .expect("id")
                .to_owned();
        mark += 1; // that draft's entry_create
        check(
            "save_answers",
            json!({ "entryId": fielded, "title": "", "answers": [{ "fieldId": "pain", "values": ["4"] }] }),
            &mut mark,
        );
        check("retire_template", json!({ "key": tpl["key"] }), &mut mark);
        let pdf: &[u8] = b"%PDF-1.4\n%%EOF\n";
        let draft =
            call(&win, "create_entry", json!({ "clientId": id, "templateId": null, "title": "", "body": "Med bilag" }))
                .expect("draft")["id"]
                .as_str()
                .expect("id")
                .to_owned();
        mark += 1; // that draft's entry_create
                   // The file is the raw body; its name travels percent-encoded (headers are ASCII).
        let attached = call_raw(
            &win,
            "add_attachment_bytes",
            pdf,
            &[("klinik-client", &id), ("klinik-entry", &draft), ("klinik-name", "bilag%20%C3%A6%C3%B8%C3%A5.pdf")],
        )
        .expect("attach");
        assert_eq!(
            (attached["mime"].as_str(), attached["name"].as_str()),
            (Some("application/pdf"), Some("bilag æøå.pdf"))
        );
        let (seen, next) = actions_since(&win, mark);
        assert_eq!(seen, expect("add_attachment_bytes"));
        mark = next;
        check("list_attachments", json!({ "clientId": id }), &mut mark);
        let opened =
            call_for_bytes(&win, "open_attachment_bytes", json!({ "attachmentId": attached["id"] })).expect("open");
        assert_eq!(opened, pdf, "the same bytes back, raw");
        let (seen, next) = actions_since(&win, mark);
        assert_eq!(seen, expect("open_attachment_bytes"));
        mark = next;
        check("remove_attachment", json!({ "attachmentId": attached["id"] }), &mut mark);
        let refused =
            call_raw(&win, "add_attachment_bytes", b"<script>", &[("klinik-client", &id), ("klinik-name", "x.pdf")])
                .expect_err("a script is not a PDF");
        assert_eq!(refused["code"], "invalid");
        let refused = call(&win, "add_attachment_bytes", json!({ "clientId": id })).expect_err("JSON is not a file");
        assert_eq!(refused["code"], "invalid");
        let (seen, next) = actions_since(&win, mark);
        assert!(seen.is_empty(), "a refused file writes nothing: {seen:?}");
        mark = next;
        // The calendar: each command and its one event.
        let calendars = call(&win, "list_calendars", json!({})).expect("calendars");
        let own = calendars[0]["id"].as_str().expect("own calendar").to_owned();
        mark = actions_since(&win, mark).1;
        check("list_calendars", json!({}), &mut mark);
        check("list_services", json!({}), &mut mark);
        let service = call(
            &win,
            "save_service",
            json!({ "serviceId": null, "form": { "name": "Opfølgning", "minutes": 45, "bufferMinutes": 15,
                    "priceMinor": 60000, "vatStandard": false, "colour": "#3f9b6b", "calendarIds": [] } }),
        )
        .expect("service");
        let (seen, next) = actions_since(&win, mark);
        assert_eq!(seen, expect("save_service"));
        mark = next;
        check("add_room", json!({ "name": "Rum 1" }), &mut mark);
        check("working_hours", json!({ "calendarId": own }), &mut mark);
        check(
            "set_working_hours",
            json!({ "calendarId": own, "hours": [{ "weekday": 1, "startMin": 480, "endMin": 960 }] }),
            &mut mark,
        );
        let booked = call(
            &win,
            "book_appointment",
            json!({ "booking": { "calendarId": own, "roomId": null, "clientId": id, "serviceId": service["id"],
                    "title": "", "note": "", "start": "2027-03-02T10:00", "minutes": null,
                    "repeat": { "everyWeeks": 1, "weekdays": [4], "untilDay": null, "times": 3 } } }),
        )
        .expect("book");
        assert_eq!(booked.as_array().map(Vec::len), Some(3), "Tuesday, Thursday, Tuesday");
        assert_eq!(booked[0]["startsAt"], "2027-03-02T09:00:00Z", "10:00 in Copenhagen");
        let (seen, next) = actions_since(&win, mark);
        assert_eq!(seen, expect("book_appointment"));
        mark = next;
        let taken = call(
            &win,
            "book_appointment",
            json!({ "booking": { "calendarId": own, "roomId": null, "clientId": id, "serviceId": null, "title": "",
                    "note": "", "start": "2027-03-02T10:30", "minutes": 30, "repeat": null } }),
        )
        .expect_err("taken");
        assert_eq!(
            (taken["code"].as_str(), taken["detail"]["appointment"].as_str()),
            (Some("doubleBooked"), booked[0]["id"].as_str())
        );
        mark = actions_since(&win, mark).1;
        check("calendar_view", json!({ "calendarIds": [own], "firstDay": "2027-03-01", "days": 7 }), &mut mark);
        check("client_appointments", json!({ "clientId": id }), &mut mark);
        let first = booked[0]["id"].as_str().expect("id").to_owned();
        check(
            "move_appointment",
            json!({ "appointmentId": first, "start": "2027-03-02T12:00", "minutes": 45, "calendarId": null, "following": false }),
            &mut mark,
        );
        check(
            "set_appointment_status",
            json!({ "appointmentId": first, "status": "cancelled", "reason": "Syg" }),
            &mut mark,
        );
        check(
            "export_calendar",
            json!({ "calendarId": own, "firstDay": "2027-03-01", "lastDay": "2027-03-31", "withNames": false }),
            &mut mark,
        );
        check("retire_service", json!({ "serviceId": service["id"] }), &mut mark);
        check(
            "add_absence",
            json!({ "calendarId": own, "firstDay": "2027-07-05", "lastDay": "2027-07-23", "kind": "holiday", "note": "Sommerferie" }),
            &mut mark,
        );
        let view = call(&win, "calendar_view", json!({ "calendarIds": [own], "firstDay": "2027-07-05", "days": 7 }))
            .expect("view");
        assert_eq!(view["absences"][0]["kind"], "holiday", "the view shows the absence");
        mark = actions_since(&win, mark).1;
        let bad = call(
            &win,
            "add_absence",
            json!({ "calendarId": own, "firstDay": "2027-07-23", "lastDay": "2027-07-05", "kind": "holiday", "note": "" }),
        )
        .expect_err("ends before it starts");
        assert_eq!(bad["code"], "invalid");
        mark = actions_since(&win, mark).1;
        check("set_calendar_overlap", json!({ "calendarId": own, "allow": true }), &mut mark);
        check("set_appointment_relation", json!({ "on": false, "adminPassword": PASSWORD }), &mut mark);
        assert_eq!(call(&win, "security_info", json!({})).expect("info")["appointmentRelation"], false);
        mark = actions_since(&win, mark).1;
        // Now the taken time may be booked twice in this calendar (a group session).
        call(
            &win,
            "book_appointment",
            json!({ "booking": { "calendarId": own, "roomId": null, "clientId": id, "serviceId": null, "title": "",
                    "note": "", "start": "2027-03-04T10:15", "minutes": 30, "repeat": null } }),
        )
        .expect("overlap allowed");
        mark = actions_since(&win, mark).1;
        // Invoicing: details, a draft by hand, issued, paid in part, its PDF, credited.
        check("invoice_profile", json!({}), &mut mark);
        let profile = json!({ "legalName": "Fysio ApS", "address": "Havnegade 1", "orgNumber": "12345678",
            "vatRegistered": false, "bankAccount": "1234 5678", "iban": "", "paymentDays": 14, "footer": "",
            "providerNumber": "", "pinProtection": true });
        check("set_invoice_profile", json!({ "profile": profile }), &mut mark);
        let payer = json!({ "thirdParty": false, "name": "", "address": "", "reference": "" });
        let line = json!({ "description": "Behandling", "quantity": 1, "unitMinor": 60000, "discountPct": 0, "vat": "exempt" });
        let draft = check(
            "draft_invoice",
            json!({ "clientId": id, "payer": payer, "appointmentIds": [], "lines": [line] }),
            &mut mark,
        );
        let inv = draft["id"].as_str().expect("an invoice id").to_owned();
        check("update_invoice_draft", json!({ "invoiceId": inv, "payer": payer, "lines": [line, line] }), &mut mark);
        let issued = check("issue_invoice", json!({ "invoiceId": inv }), &mut mark);
        assert_eq!(issued["invoice"]["number"], 1);
        assert_eq!(issued["invoice"]["totals"]["totalMinor"], 120000);
        assert!(issued["newPin"].as_str().is_some_and(|p| p.len() == 6), "the PIN to hand over");
        check("get_invoice", json!({ "invoiceId": inv }), &mut mark);
        let paid = check(
            "register_payment",
            json!({ "invoiceId": inv, "amountMinor": 50000, "method": "card", "paidOn": null }),
            &mut mark,
        );
        assert_eq!(paid["outstandingMinor"], 70000);
        let saved = check("save_invoice_pdf", json!({ "invoiceId": inv }), &mut mark);
        let pdf = std::fs::read(saved.as_str().expect("a path")).expect("the saved PDF");
        assert!(pdf.starts_with(b"%PDF-2.0") && pdf.windows(8).any(|w| w == b"/Encrypt"), "a protected PDF");
        // The mail program may be missing here; the PDF is saved (and recorded) either way.
        let _ = call(&win, "email_invoice_pdf", json!({ "invoiceId": inv }));
        let (seen, next) = actions_since(&win, mark);
        assert_eq!(seen, expect("email_invoice_pdf"));
        mark = next;
        check("list_invoices", json!({ "show": "outstanding", "clientId": null }), &mut mark);
        check("credit_invoice", json!({ "invoiceId": inv }), &mut mark);
        check("new_invoice_pin", json!({ "clientId": id }), &mut mark);
        check("export_invoices", json!({ "firstDay": "2026-01-01", "lastDay": "2030-12-31" }), &mut mark);
        let other = check(
            "draft_invoice",
            json!({ "clientId": id, "payer": payer, "appointmentIds": [], "lines": [line] }),
            &mut mark,
        );
        check("delete_invoice_draft", json!({ "invoiceId": other["id"] }), &mut mark);
        let bad = call(
            &win,
            "draft_invoice",
            json!({ "clientId": id, "payer": payer, "appointmentIds": [],
            "lines": [{ "description": "", "quantity": 0, "unitMinor": 1, "discountPct": 0, "vat": "exempt" }] }),
        )
        .expect_err("refused");
        assert_eq!(bad["code"], "invalid");
        mark = actions_since(&win, mark).1;
        // Reports: My page, a run, a file; an administrator's own report, retired.
        let page = check("my_reports", json!({}), &mut mark);
        let starter = page.as_array().expect("list").iter().find(|r| r["preset"] == "appointments").expect("a starter")
            ["id"]
            .clone();
        let run = check("run_report", json!({ "reportId": starter, "fromDay": null, "toDay": null }), &mut mark);
        assert!(run["columns"].as_array().is_some_and(|c| !c.is_empty()));
        let saved = check(
            "save_report_file",
            json!({ "reportId": starter, "fromDay": "2026-01-01", "toDay": "2026-12-31", "format": "csv" }),
            &mut mark,
        );
        assert!(std::fs::read_to_string(saved.as_str().expect("a path")).expect("the CSV").starts_with('\u{feff}'));
        check("report_definitions", json!({}), &mut mark);
        let mine = check(
            "save_report",
            json!({ "reportId": null, "input": { "name": "Mine", "preset": "noShows", "columns": ["client", "date"],
            "period": "lastMonth", "fixedFrom": null, "fixedTo": null, "visibleTo": ["owner"] } }),
            &mut mark,
        );
        check("set_report_active", json!({ "reportId": mine["id"], "active": false }), &mut mark);
        let bad = call(
            &win,
            "save_report",
            json!({ "reportId": null, "input": { "name": "X", "preset": "noShows", "columns": ["nationalId"],
            "period": "lastMonth", "fixedFrom": null, "fixedTo": null, "visibleTo": ["owner"] } }),
        )
        .expect_err("refused");
        assert_eq!(bad["code"], "invalid");
        mark = actions_since(&win, mark).1;
        check("reveal_national_id", json!({ "id": id }), &mut mark);
        check("list_staff_admin", json!({}), &mut mark);
        // Its one-time password is replaced below by an admin reset.
        let created = call(&win, "create_staff", json!({ "input": { "name": "Skranke", "email": "desk@example.dk", "role": "reception", "businessLogin": true } }))
            .expect("create_staff");
        assert!(created["oneTimePassword"].as_str().is_some_and(|p| p.len() == 19));
        let (seen, next) = actions_since(&win, mark);
        assert_eq!(seen, expect("create_staff"));
        mark = next;
        check("set_access_model", json!({ "model": "businessPin", "password": PASSWORD }), &mut mark);
        let staff_list = call(&win, "list_staff", json!({})).expect("staff");
        let desk_id =
            staff_list.as_array().expect("list").iter().find(|s| s["name"] == "Skranke").expect("desk")["id"].clone();
        let desk_otp = call(&win, "reset_staff", json!({ "staffId": desk_id, "password": PASSWORD })).expect("reset");
        assert_eq!(desk_otp.as_str().expect("otp").len(), 19, "a one-time password, shown once");
        let (seen, next) = actions_since(&win, mark);
        assert_eq!(seen, [expect("list_staff"), expect("reset_staff")].concat());
        mark = next;
        check("set_journal_mode", json!({ "mode": "journals", "password": PASSWORD }), &mut mark);
        check(
            "update_staff",
            json!({ "staffId": desk_id, "input": { "name": "Skranken", "email": "desk@example.dk", "role": "reception",
                "businessLogin": true, "scope": "all", "edit": true, "features": ["clients", "calendar"],
                "requiresPin": false, "calendars": [{ "calendarOf": me_id_early(&win), "level": "view" }] },
                "adminPassword": PASSWORD }),
            &mut mark,
        );
        // A 1×1 PNG, as base64.
        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        check("set_staff_photo", json!({ "staffId": desk_id, "base64": png }), &mut mark);
        check("staff_photo", json!({ "staffId": desk_id }), &mut mark);
        assert_eq!(call(&win, "staff_photo", json!({ "staffId": desk_id })).expect("photo")["mime"], "image/png");
        // A business login never has a PIN of its own: the admin sets the owner's instead.
        let refused =
            call(&win, "admin_set_pin", json!({ "staffId": desk_id, "pin": "739164", "adminPassword": PASSWORD }))
                .expect_err("no PIN for a business login");
        assert_eq!(refused["code"], "denied");
        mark = actions_since(&win, mark).1;
        check(
            "admin_set_pin",
            json!({ "staffId": me_id_early(&win), "pin": "739164", "adminPassword": PASSWORD }),
            &mut mark,
        );
        check("set_staff_active", json!({ "staffId": desk_id, "active": true, "adminPassword": PASSWORD }), &mut mark);
        check("change_email", json!({ "email": "ida@example.dk", "password": PASSWORD }), &mut mark);
        check("set_new_client_access", json!({ "level": "edit", "adminPassword": PASSWORD }), &mut mark);
        check("change_password", json!({ "oldPassword": PASSWORD, "newPassword": PASSWORD }), &mut mark);
        let own = check("set_my_language", json!({ "language": "nb" }), &mut mark);
        assert_eq!(own["language"], "nb", "signed in, the screens speak the person's own language: {own}");
        let back = check("set_my_language", json!({ "language": null }), &mut mark);
        assert_ne!(back["language"], "nb", "none chosen: the window's language again");
        // Replacing a PIN needs the password.
        let refused = call(&win, "set_pin", json!({ "pin": "583920" })).expect_err("password first");
        assert_eq!(refused["code"], "wrongCredentials");
        check("set_pin", json!({ "pin": "583920", "password": PASSWORD }), &mut mark);
        check("pin_candidates", json!({}), &mut mark);
        let me_id =
            call(&win, "app_status", json!({})).expect("status")["me"]["staffId"].as_str().expect("id").to_owned();
        check("change_relation", json!({ "staffId": me_id, "clientId": id, "change": "assign" }), &mut mark);
        check("client_relations", json!({ "clientId": id }), &mut mark);
        check("emergency_access", json!({ "clientId": id, "reason": "Akut henvendelse, behandler syg" }), &mut mark);
        check("set_session_timeout", json!({ "minutes": 1440, "password": PASSWORD }), &mut mark);
        check(
            "set_security_settings",
            json!({ "pinIdleSeconds": 120, "requireTotp": false, "password": PASSWORD }),
            &mut mark,
        );
        let sessions = call(&win, "security_info", json!({})).expect("security")["sessions"].clone();
        assert!(sessions.as_array().expect("sessions").iter().any(|s| s["current"] == true));
        check("security_info", json!({}), &mut mark);
        check("begin_totp", json!({}), &mut mark);
        // A wrong code during enrollment is recorded; a right one would need a clock.
        let wrong = call(&win, "confirm_totp", json!({ "code": "000000" })).expect_err("wrong code");
        assert_eq!(wrong["code"], "wrongTotp");
        let (seen, next) = actions_since(&win, mark);
        assert_eq!(seen, expect("confirm_totp"));
        mark = next;
        // The business-login desk unlocks with the owner's PIN and closes again.
        let me = call(&win, "app_status", json!({})).expect("status")["me"]["staffId"].as_str().expect("id").to_owned();
        // The owner switches the workstation to the desk (the desk's own password is never
        // typed here).
        let desks = call(&win, "desk_accounts", json!({})).expect("desks");
        assert_eq!(desks.as_array().expect("list").len(), 1);
        call(&win, "open_desk", json!({ "businessId": desks[0]["id"] })).expect("open the desk");
        let desk = call(&win, "app_status", json!({})).expect("status");
        assert_eq!(desk["me"]["businessLogin"], true);
        let pin_needed = call(&win, "journal", json!({ "clientId": id })).expect_err("pin first");
        assert_eq!(pin_needed["code"], "pinRequired");
        let after = call(&win, "unlock_with_pin", json!({ "staffId": me, "pin": "583920" })).expect("unlock");
        assert_eq!(after["me"]["pinName"], "Ida Test");
        call(&win, "end_pin", json!({})).expect("end");
        call(&win, "logout", json!({})).expect("logout");
        call(&win, "login", json!({ "email": "ida@example.dk", "password": PASSWORD, "code": null })).expect("login");
        let (seen, next) = actions_since(&win, mark);
        assert_eq!(
            seen,
            [
                expect("desk_accounts"),
                expect("open_desk"),
                vec!["journal_read".to_owned()], // refused for want of a PIN, and on record
                expect("unlock_with_pin"),
                expect("end_pin"),
                expect("logout"),
                expect("login")
            ]
            .concat()
        );
        mark = next;
        check("list_audit", json!({ "filter": {}, "beforeSeq": null, "limit": 1 }), &mut mark);
        check("verify_audit", json!({}), &mut mark);
        check(
            "export_audit",
            json!({ "filter": { "clientId": id }, "format": "csv", "password": PASSWORD }),
            &mut mark,
        );
        check("log_review", json!({ "period": "2026-11" }), &mut mark);
        check("mark_log_reviewed", json!({ "period": "2026-11", "comment": "Gennemgået" }), &mut mark);
        check("set_review_settings", json!({ "startHour": 8, "endHour": 17, "heavyDay": 25 }), &mut mark);
        // While locked the audit list is refused, so unlock first and look at both.
        call(&win, "lock_session", json!({})).expect("lock");
        call(&win, "unlock_session", json!({ "password": PASSWORD })).expect("unlock");
        let (seen, next) = actions_since(&win, mark);
        assert_eq!(seen, [expect("lock_session"), expect("unlock_session")].concat());
        mark = next;
        // A relative: bound by the owner to the client, signs in with the one-time
        // password, chooses their own, sees the one client, its appointments and the
        // schedule, and is refused the journal and the staff list.
        let bound = check(
            "bind_relative",
            json!({ "clientId": id, "input": { "email": "mor@example.dk", "name": "Mor Test", "reason": "parent",
                "consent": null, "appointments": true, "schedule": true, "reports": true, "validFrom": null,
                "validUntil": null } }),
            &mut mark,
        );
        let otp = bound["oneTimePassword"].as_str().expect("a one-time password").to_owned();
        check("relatives_of", json!({ "clientId": id }), &mut mark);
        call(&win, "logout", json!({})).expect("logout");
        call(&win, "login", json!({ "email": "mor@example.dk", "password": otp, "code": null })).expect("relative");
        call(&win, "change_password", json!({ "oldPassword": otp, "newPassword": "mors-egen-lange-adgangskode-9" }))
            .expect("own password");
        let me = call(&win, "app_status", json!({})).expect("status")["me"].clone();
        assert_eq!(me["relative"], true);
        let home = call(&win, "relative_home", json!({})).expect("home");
        assert_eq!(home.as_array().expect("clients").len(), 1, "one bound client");
        call(&win, "relative_appointments", json!({ "clientId": id, "from": "2026-01-01", "to": "2026-12-31" }))
            .expect("appointments");
        call(&win, "relative_schedule", json!({ "clientId": id, "weeks": 4 })).expect("schedule");
        let refused = call(&win, "journal", json!({ "clientId": id })).expect_err("no journal for a relative");
        assert_eq!(refused["code"], "denied");
        let refused = call(&win, "list_staff", json!({})).expect_err("no staff list for a relative");
        assert_eq!(refused["code"], "denied");
        call(&win, "logout", json!({})).expect("logout");
        call(&win, "login", json!({ "email": "ida@example.dk", "password": PASSWORD, "code": null })).expect("login");
        let (seen, next) = actions_since(&win, mark);
        assert_eq!(
            seen,
            [
                expect("logout"),
                expect("login"),
                expect("change_password"),
                expect("relative_home"),
                expect("relative_appointments"),
                expect("relative_schedule"),
                vec!["journal_read".to_owned()], // refused, and on record
                expect("logout"),
                expect("login")
            ]
            .concat()
        );
        mark = next;
        check("end_relative_binding", json!({ "clientId": id, "bindingId": bound["binding"]["id"] }), &mut mark);
        // The end of a record: the rules, the (empty) proposal, an erasure request for a
        // client with a journal (kept, with the letter), and a purge refused for want of a
        // client whose period has run out.
        // "Navn;Telefon\nNy Klient;20 20 20 20\n" as base64: previewed, dry-run, imported.
        let csv = "TmF2bjtUZWxlZm9uCk55IEtsaWVudDsyMCAyMCAyMCAyMAo=";
        let preview = check("import_preview", json!({ "base64": csv }), &mut mark);
        assert_eq!(preview["suggested"][0]["field"], "name");
        let dry = check(
            "import_clients",
            json!({ "base64": csv, "mapping": preview["suggested"], "dryRun": true }),
            &mut mark,
        );
        assert_eq!(dry["imported"], 0);
        let done = check(
            "import_clients",
            json!({ "base64": csv, "mapping": preview["suggested"], "dryRun": false }),
            &mut mark,
        );
        assert_eq!(done["imported"], 1);
        // Consents: the starters, one typed, withdrawn; a new declaration, retired; the form.
        let texts = check("consent_texts", json!({}), &mut mark);
        let text = texts[0]["id"].clone();
        let consent = check(
            "record_consent",
            json!({ "clientId": id, "input": { "textId": text, "given": true, "method": "typed",
                "signaturePng": null, "typedName": "Åse Ø", "attachmentId": null } }),
            &mut mark,
        );
        check("client_consents", json!({ "clientId": id }), &mut mark);
        check("consent_missing", json!({ "clientId": id }), &mut mark);
        check("withdraw_consent", json!({ "clientId": id, "consentId": consent["id"] }), &mut mark);
        let own = check(
            "save_consent_text",
            json!({ "input": { "key": null, "title": "Fotos", "body": "Jeg giver samtykke til fotos.", "required": false } }),
            &mut mark,
        );
        check("retire_consent_text", json!({ "key": own["key"] }), &mut mark);
        check("save_consent_form", json!({ "textId": text, "clientId": id }), &mut mark);
        let rules = check("retention_rules", json!({}), &mut mark);
        check("set_retention_rules", json!({ "rules": rules, "password": PASSWORD }), &mut mark);
        check("cleanup_proposal", json!({}), &mut mark);
        check("cleanup_due", json!({}), &mut mark);
        let other = call(
            &win,
            "create_client",
            json!({ "input": { "name": "Slet Mig", "phone": "", "email": "", "birthDate": "",
                "address": "", "receptionNote": "", "inactive": false, "nationalId": null } }),
        )
        .expect("client")["id"]
            .clone();
        mark = actions_since(&win, mark).1;
        let refused =
            call(&win, "purge_clients", json!({ "clientIds": [other], "password": PASSWORD })).expect_err("not due");
        assert_eq!(refused["code"], "conflict");
        let (seen, next) = actions_since(&win, mark);
        assert_eq!(seen, expect("purge_clients"), "a refused purge is on record too");
        mark = next;
        let folder =
            check("save_client_copy", json!({ "clientId": id, "password": PASSWORD, "pdfPassword": null }), &mut mark);
        let folder = std::path::PathBuf::from(folder.as_str().expect("a folder"));
        assert!(folder.join("client.pdf").exists() && folder.join("client-fhir.json").exists());
        let kept = check("erase_client", json!({ "clientId": id, "password": PASSWORD }), &mut mark);
        assert_eq!(kept["erased"], false, "the journal keeps the client");
        check("save_erasure_letter", json!({ "clientId": id }), &mut mark);
        call(&win, "logout", json!({})).expect("logout");
        call(&win, "reset_password_with_recovery_code", json!({ "email": "ida@example.dk", "recoveryCode": code, "newPassword": "ny-lang-adgangskode-til-ida-2026" })).expect("reset");
        call(
            &win,
            "login",
            json!({ "email": "ida@example.dk", "password": "ny-lang-adgangskode-til-ida-2026", "code": null }),
        )
        .expect("login");
        let (seen, _) = actions_since(&win, mark);
        assert_eq!(seen, [expect("logout"), expect("reset_password_with_recovery_code"), expect("login")].concat());
        // The mock runtime keeps managed state alive; close the clinic as a process exit would.
        use tauri::Manager;
        first_app.state::<klinik_desktop::state::AppState>().lock().clinic = None;
    }
    // A restart without the passphrase, opened with the recovery code instead.
    let (_app, win) = app(d.path());
    let status = call(&win, "app_status", json!({})).expect("status");
    assert_eq!(status["state"], "unlockVault");
    assert_eq!(status["reason"], "locked");
    let wrong = call(
        &win,
        "unlock_vault",
        json!({ "passphrase": null, "recoveryCode": "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA" }),
    );
    assert_eq!(wrong.expect_err("wrong code")["code"], "wrongRecoveryCode");
    call(&win, "unlock_vault", json!({ "passphrase": null, "recoveryCode": code })).expect("unlock with code");
    call(
        &win,
        "login",
        json!({ "email": "ida@example.dk", "password": "ny-lang-adgangskode-til-ida-2026", "code": null }),
    )
    .expect("login");
    let page = call(&win, "list_audit", json!({ "filter": {}, "beforeSeq": null, "limit": 2 })).expect("page");
    let newest: Vec<&str> =
        page["events"].as_array().expect("e").iter().map(|e| e["action"].as_str().expect("a")).collect();
    assert_eq!(newest, ["login", "vault_recovery_unlock"]);
}

/// The Argon2 check of a login runs off the command thread with the state unlocked, so
/// the window's other requests are answered while it runs (before, every command waited
/// behind the login). Counted, not timed: with the state locked during the check, at
/// most the one status request already under way could finish before the login did.
#[test]
fn other_commands_are_answered_while_a_login_checks_its_password() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let d = tempfile::tempdir().expect("tempdir");
    let (_app, win) = app(d.path());
    call(&win, "setup_clinic", setup_input(PASSWORD)).expect("setup");
    // The status request needs the app state and the clinic, as every command does.
    let started = AtomicBool::new(false);
    let done = AtomicBool::new(false);
    let answered = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            started.store(true, Ordering::SeqCst);
            let r = call(&win, "login", json!({ "email": "ida@example.dk", "password": PASSWORD, "code": null }));
            done.store(true, Ordering::SeqCst);
            r.expect("login");
        });
        while !started.load(Ordering::SeqCst) {
            std::hint::spin_loop();
        }
        while !done.load(Ordering::SeqCst) {
            call(&win, "app_status", json!({})).expect("status");
            if !done.load(Ordering::SeqCst) {
                answered.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    assert!(answered.load(Ordering::SeqCst) >= 5, "only {} status requests during a login", answered.into_inner());
}

/// This crate's folder, asked of cargo when the test runs: a path compiled in would name the
/// checkout that built the test, which a build cache shared between checkouts may reuse.
fn crate_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR"))
}
