//! The committed TypeScript bindings must be what the Rust commands generate today.
//! `KLINIK_UPDATE_BINDINGS=1 cargo test -p klinik-desktop --test bindings` rewrites them.

#[test]
fn committed_bindings_are_up_to_date() {
    let committed = crate_dir().join("../ui/src/lib/bindings.ts");
    let fresh = std::env::temp_dir().join(format!("klinik-bindings-{}.ts", std::process::id()));
    klinik_desktop::render_bindings(&fresh).expect("render bindings");
    let fresh_text = std::fs::read_to_string(&fresh).expect("read fresh");
    let _ = std::fs::remove_file(&fresh);
    if std::env::var_os("KLINIK_UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed, &fresh_text).expect("write bindings");
        return;
    }
    let old = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(old == fresh_text, "ui/src/lib/bindings.ts is stale: run `./dev bindings` and commit the result");
}

#[test]
fn every_command_is_granted_to_the_main_window() {
    let build_rs = std::fs::read_to_string(crate_dir().join("build.rs")).expect("build.rs");
    let cap = std::fs::read_to_string(crate_dir().join("capabilities/main.json")).expect("cap");
    let bindings = std::fs::read_to_string(crate_dir().join("../ui/src/lib/bindings.ts")).expect("bindings");
    let listed: Vec<&str> = build_rs
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('"') && l.ends_with("\","))
        .map(|l| l.trim_end_matches(',').trim_matches('"'))
        .collect();
    assert!(listed.len() >= 16, "build.rs COMMANDS not found");
    // The raw-bytes commands have no generated binding; backend.ts calls them by name.
    let raw = klinik_desktop::commands::raw::COMMANDS;
    let backend = std::fs::read_to_string(crate_dir().join("../ui/src/lib/backend.ts")).expect("backend.ts");
    for cmd in &listed {
        assert!(
            cap.contains(&format!("\"allow-{}\"", cmd.replace('_', "-"))),
            "{cmd} missing from capabilities/main.json"
        );
        if raw.contains(cmd) {
            assert!(backend.contains(&format!("'{cmd}'")), "{cmd} is not called from backend.ts");
        } else {
            assert!(bindings.contains(&format!("\"{cmd}\"")), "{cmd} is not a registered command");
        }
    }
    let invoked = bindings.matches("__TAURI_INVOKE<").count();
    assert_eq!(
        invoked + raw.len(),
        listed.len(),
        "every registered command must be in build.rs COMMANDS and vice versa"
    );
}

/// This crate's folder, asked of cargo when the test runs: a path compiled in would name the
/// checkout that built the test, which a build cache shared between checkouts may reuse.
fn crate_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR"))
}
