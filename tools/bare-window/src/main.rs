//! An empty Tauri 2 window: prints the moment its page has loaded (Unix milliseconds) so
//! that `./dev measure` can time it from process start, as it times Klinik's first screen.

fn main() {
    tauri::Builder::default()
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                let ms = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_millis())
                    .unwrap_or(0);
                eprintln!("KLINIK_FIRST_SCREEN_AT={ms}");
            }
        })
        .run(tauri::generate_context!())
        .expect("the bare window runs");
}
