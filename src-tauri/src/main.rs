#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]
#![forbid(unsafe_code)]

use clap::Parser;
use std::path::PathBuf;

/// Klinik — an offline practice manager for small clinics.
#[derive(Parser)]
#[command(name = "klinik-desktop", version)]
struct Args {
    /// The clinic's data directory [default: ~/.local/share/klinik]
    #[arg(long, env = "KLINIK_DATA_DIR")]
    data_dir: Option<PathBuf>,
}

fn main() {
    draw_on_the_cpu();
    let args = Args::parse();
    let dir = args.data_dir.unwrap_or_else(klinik::vault::default_data_dir);
    if let Err(e) = klinik_desktop::run(dir) {
        eprintln!("klinik-desktop: {e}");
        std::process::exit(1);
    }
}

/// Klinik's pages are forms, lists and a calendar: nothing that needs the graphics card.
/// WebKitGTK's compositing mode, on a machine without a capable GPU (most reception desks,
/// every virtual machine), falls back to a software OpenGL renderer that costs about 100 MB
/// in the web process, and on some GPU drivers it shows a blank window. So the window draws
/// on the CPU unless the person starting it chose otherwise: `WEBKIT_DISABLE_COMPOSITING_MODE=0`
/// turns compositing back on. Set first thing, before any thread exists.
fn draw_on_the_cpu() {
    if cfg!(target_os = "linux") && std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}
