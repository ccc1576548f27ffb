//! Commands are adapters: take the state, call one core function, map the result.
//! No SQL, no rules and no clock here. One file per area.

pub mod audit;
pub mod calendar;
pub mod clients;
pub mod consents;
pub mod invoices;
pub mod journal;
pub mod lifecycle;
pub mod raw;
pub mod relatives;
pub mod reports;
pub mod session;
pub mod staff;

use crate::dto::AppError;

pub type CmdResult<T> = Result<T, AppError>;

/// Arguments larger than this are refused before they reach the core.
pub const MAX_ARG_CHARS: usize = 4096;

/// Runs slow, CPU-bound work (an Argon2 check of a password or PIN, ~0.1 s) on a
/// blocking thread, with the app state unlocked: the window's other requests (status,
/// the client list at the desk) are answered meanwhile instead of queueing behind it.
pub async fn off_the_command_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| klinik::Error::Internal(format!("background check: {e}")).into())
}

/// Checks what was typed against a ticket of the core's (a login, the lock screen, a PIN
/// unlock) off the command thread; returns the ticket with the result to settle it.
pub async fn check_off_thread<T: Send + 'static, C: Send + 'static>(
    ticket: T,
    typed: klinik::secret::Secret,
    check: fn(&T, &klinik::secret::Secret) -> C,
) -> CmdResult<(T, C)> {
    off_the_command_thread(move || {
        let checked = check(&ticket, &typed);
        (ticket, checked)
    })
    .await
}

pub fn check_len(s: &str) -> CmdResult<()> {
    if s.len() > MAX_ARG_CHARS {
        return Err(klinik::Error::Invalid("argument too large".into()).into());
    }
    Ok(())
}
