//! One error type for the whole core.
//!
//! Every variant maps to a small [`ErrorCode`] that the UI branches on and translates;
//! the `Display` text is English and meant for logs and the CLI. Messages never carry
//! client data, keys or SQL: the desktop shell sends them across IPC as they are.

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The stable, machine-readable kind of an error. Serialized in camelCase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    Invalid,
    WeakPassword,
    WrongCredentials,
    WrongKey,
    WrongRecoveryCode,
    WrongPassphrase,
    KeyringUnavailable,
    KeyringLocked,
    KeyringEntryMissing,
    Corrupted,
    NotEncrypted,
    NewerVersion,
    AlreadyRunning,
    Locked,
    NotLoggedIn,
    SessionExpired,
    PinRequired,
    PinSetupRequired,
    WrongPin,
    PinLocked,
    PinDisabled,
    PinNotSet,
    TotpRequired,
    WrongTotp,
    /// Too many wrong passwords or two-factor codes (this account or this workstation).
    TooManyAttempts,
    /// Ten wrong two-factor codes turned the factor off until a recovery code or an
    /// administrator resets it.
    TotpDisabled,
    /// The one-time password from an administrator is older than 72 hours.
    PasswordExpired,
    /// A one-time password allows nothing but choosing one's own password.
    PasswordChangeRequired,
    /// In national-ID mode the desk is opened by a staff member's strong personal login.
    StrongLoginRequired,
    /// The time is taken in the calendar or the room (the detail names the appointment).
    DoubleBooked,
    Denied,
    NotFound,
    Conflict,
    Storage,
    Internal,
}

/// The detail of an error, one shape per kind (serialized with a `kind` tag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ErrorDetail {
    /// `pinLocked`, `tooManyAttempts`: the wait before the next try.
    RetryAfter { seconds: u32 },
    /// `conflict` on a national ID: the client that has it (only for someone who may open it).
    ExistingClient { client: crate::ids::ClientId },
    /// `doubleBooked`: the appointment in the way, its calendar and its local time.
    TakenBy { appointment: crate::ids::AppointmentId, calendar: String, starts: String, ends: String },
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid input: {0}")]
    Invalid(String),
    #[error("the password is too weak: {0}")]
    WeakPassword(String),
    #[error("wrong email, password or code")]
    WrongCredentials,
    #[error("the key does not open this database")]
    WrongKey,
    #[error("the recovery code is not right for this clinic")]
    WrongRecoveryCode,
    #[error("the passphrase is not right for this clinic")]
    WrongPassphrase,
    #[error("no keyring service is available: {0}")]
    KeyringUnavailable(String),
    #[error("the keyring is locked: {0}")]
    KeyringLocked(String),
    #[error("the keyring has no key for this clinic")]
    KeyringEntryMissing,
    #[error("the database is damaged or truncated: {0}")]
    Corrupted(String),
    #[error("the database file is not encrypted (a plain SQLite file or a build without SQLCipher)")]
    NotEncrypted,
    #[error("the database was made by a newer version of Klinik (schema {found}, this version knows {known})")]
    NewerVersion { found: i64, known: i64 },
    #[error("Klinik is already running on this data directory")]
    AlreadyRunning,
    #[error("the session is locked")]
    Locked,
    #[error("not logged in")]
    NotLoggedIn,
    #[error("the session has expired")]
    SessionExpired,
    #[error("opening journals on this workstation needs a staff member's PIN")]
    PinRequired,
    #[error("create your PIN before opening journals")]
    PinSetupRequired,
    #[error("wrong PIN")]
    WrongPin,
    #[error("too many wrong PINs: try again in {seconds} seconds")]
    PinLocked { seconds: i64 },
    #[error("the PIN is disabled after too many wrong tries: log in with your password to enable it")]
    PinDisabled,
    #[error("this staff member has no PIN yet")]
    PinNotSet,
    #[error("enter the code from your authenticator app")]
    TotpRequired,
    #[error("wrong or already used two-factor code")]
    WrongTotp,
    #[error("too many wrong attempts: try again in {seconds} seconds")]
    TooManyAttempts { seconds: i64 },
    #[error("two-factor login is turned off after too many wrong codes: use a recovery code or ask an administrator")]
    TotpDisabled,
    #[error("the one-time password has expired: ask an administrator for a new one")]
    PasswordExpired,
    #[error("choose your own password first")]
    PasswordChangeRequired,
    #[error("in national-ID mode a staff member opens the desk with their personal two-factor login")]
    StrongLoginRequired,
    #[error("access denied: {0}")]
    Denied(String),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("the time is taken: {calendar} is booked {} {}–{}", &starts[..10], &starts[11..], &ends[11..])]
    DoubleBooked {
        appointment: crate::ids::AppointmentId,
        /// The calendar it is taken in (a person's or a room's name).
        calendar: String,
        /// The taken time in the clinic's local time, `YYYY-MM-DDTHH:MM`.
        starts: String,
        ends: String,
    },
    #[error("another client already has this national ID")]
    DuplicateNationalId(crate::ids::ClientId),
    #[error("storage error: {0}")]
    Storage(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) => ErrorCode::Invalid,
            Error::WeakPassword(_) => ErrorCode::WeakPassword,
            Error::WrongCredentials => ErrorCode::WrongCredentials,
            Error::WrongKey => ErrorCode::WrongKey,
            Error::WrongRecoveryCode => ErrorCode::WrongRecoveryCode,
            Error::WrongPassphrase => ErrorCode::WrongPassphrase,
            Error::KeyringUnavailable(_) => ErrorCode::KeyringUnavailable,
            Error::KeyringLocked(_) => ErrorCode::KeyringLocked,
            Error::KeyringEntryMissing => ErrorCode::KeyringEntryMissing,
            Error::Corrupted(_) => ErrorCode::Corrupted,
            Error::NotEncrypted => ErrorCode::NotEncrypted,
            Error::NewerVersion { .. } => ErrorCode::NewerVersion,
            Error::AlreadyRunning => ErrorCode::AlreadyRunning,
            Error::Locked => ErrorCode::Locked,
            Error::NotLoggedIn => ErrorCode::NotLoggedIn,
            Error::SessionExpired => ErrorCode::SessionExpired,
            Error::PinRequired => ErrorCode::PinRequired,
            Error::PinSetupRequired => ErrorCode::PinSetupRequired,
            Error::WrongPin => ErrorCode::WrongPin,
            Error::PinLocked { .. } => ErrorCode::PinLocked,
            Error::PinDisabled => ErrorCode::PinDisabled,
            Error::PinNotSet => ErrorCode::PinNotSet,
            Error::TotpRequired => ErrorCode::TotpRequired,
            Error::WrongTotp => ErrorCode::WrongTotp,
            Error::TooManyAttempts { .. } => ErrorCode::TooManyAttempts,
            Error::TotpDisabled => ErrorCode::TotpDisabled,
            Error::PasswordExpired => ErrorCode::PasswordExpired,
            Error::PasswordChangeRequired => ErrorCode::PasswordChangeRequired,
            Error::StrongLoginRequired => ErrorCode::StrongLoginRequired,
            Error::DoubleBooked { .. } => ErrorCode::DoubleBooked,
            Error::Denied(_) => ErrorCode::Denied,
            Error::NotFound => ErrorCode::NotFound,
            Error::Conflict(_) | Error::DuplicateNationalId(_) => ErrorCode::Conflict,
            Error::Storage(_) => ErrorCode::Storage,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// What the window may act on, typed per code (the client that already has a national
    /// ID, to link to it; how long to wait; what a time is taken by). Never personal data
    /// beyond an id and a calendar's name.
    pub fn detail(&self) -> Option<ErrorDetail> {
        match self {
            Error::DuplicateNationalId(id) => Some(ErrorDetail::ExistingClient { client: id.clone() }),
            Error::DoubleBooked { appointment, calendar, starts, ends } => Some(ErrorDetail::TakenBy {
                appointment: appointment.clone(),
                calendar: calendar.clone(),
                starts: starts.clone(),
                ends: ends.clone(),
            }),
            Error::PinLocked { seconds } | Error::TooManyAttempts { seconds } => {
                Some(ErrorDetail::RetryAfter { seconds: u32::try_from((*seconds).max(0)).unwrap_or(u32::MAX) })
            }
            _ => None,
        }
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }
}

/// The code of a failure, `None` for success: tests assert which error, not just "an error".
#[cfg(test)]
pub(crate) fn code_of<T>(r: Result<T>) -> Option<ErrorCode> {
    r.err().map(|e| e.code())
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        // SQLite's own messages name tables and constraints, never values, so they are
        // safe to keep for diagnosis.
        Error::Storage(e.to_string())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Storage(e.to_string())
    }
}
