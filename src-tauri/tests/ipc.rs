//! The commands over Tauri's IPC (mock runtime, no webview): the exact JSON the UI
//! receives, including the `{code, message}` errors it branches on, checked against the
//! real capabilities of the main window.

use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;

fn app(
    dir: &std::path::Path,
) -> (tauri::App<tauri::test::MockRuntime>, tauri::WebviewWindow<tauri::test::MockRuntime>) {
    let builder = klinik_desktop::specta_builder::<tauri::test::MockRuntime>();
    let app = mock_builder()
        .manage(klinik_desktop::state::AppState::new(dir.to_path_buf()))
        .invoke_handler(builder.invoke_handler())
        // The real config and capabilities: commands are checked against the ACL.
        .build(tauri::generate_context!(test = true))
        .expect("mock app");
    let win = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
    (app, win)
}

fn call(win: &tauri::WebviewWindow<tauri::test::MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        win,
        InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("json"))
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

    let wrong = call(&win, "login", json!({ "email": "ida@example.dk", "password": "forkert" })).expect_err("wrong");
    assert_eq!(wrong, json!({ "code": "wrongCredentials", "message": "wrong email or password" }));
    let ready = call(&win, "login", json!({ "email": "ida@example.dk", "password": PASSWORD })).expect("login");
    assert_eq!(ready["state"], "ready");
    assert_eq!(ready["clinicName"], "IPC Klinik");
    assert_eq!(ready["me"]["isOwner"], true);
    assert!(ready["me"].get("staffId").is_some() && ready.get("session").is_none(), "the session id stays in Rust");

    let client = call(&win, "create_client", json!({ "input": { "name": "Åse <b>Ø</b>", "phone": "", "email": "" } }))
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

    let page = call(&win, "list_audit", json!({ "beforeSeq": null, "limit": 3 })).expect("audit");
    assert_eq!(page["events"].as_array().expect("events").len(), 3);
    let next = page["nextBeforeSeq"].as_u64().expect("cursor");
    let older = call(&win, "list_audit", json!({ "beforeSeq": next, "limit": 100 })).expect("older");
    assert!(older["events"].as_array().expect("events").iter().all(|e| e["seq"].as_u64().expect("seq") < next));
    let verified = call(&win, "verify_audit", json!({})).expect("verify");
    assert_eq!(verified["intact"], true);

    assert_eq!(call(&win, "logout", json!({})).expect("logout")["state"], "login");
    assert_eq!(call(&win, "list_clients", json!({ "query": "" })).expect_err("out")["code"], "notLoggedIn");
}
