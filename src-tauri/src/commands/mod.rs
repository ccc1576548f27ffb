//! Commands are adapters: take the state, call one core function, map the result.
//! No SQL, no rules and no clock here. One file per area.

pub mod audit;
pub mod clients;
pub mod journal;
pub mod session;
pub mod staff;

use crate::dto::AppError;

pub type CmdResult<T> = Result<T, AppError>;

/// Arguments larger than this are refused before they reach the core.
pub const MAX_ARG_CHARS: usize = 4096;

pub fn check_len(s: &str) -> CmdResult<()> {
    if s.len() > MAX_ARG_CHARS {
        return Err(klinik::Error::Invalid("argument too large".into()).into());
    }
    Ok(())
}
