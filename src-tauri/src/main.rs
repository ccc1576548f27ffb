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
    let args = Args::parse();
    let dir = args.data_dir.unwrap_or_else(klinik::vault::default_data_dir);
    if let Err(e) = klinik_desktop::run(dir) {
        eprintln!("klinik-desktop: {e}");
        std::process::exit(1);
    }
}
