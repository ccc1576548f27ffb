//! Klinik's core: everything a clinic's data passes through, with no knowledge of Tauri.
//!
//! The shape follows one rule: personal data is reachable only through [`gate`]. The
//! [`vault`] is the one place that opens SQLCipher connections, the [`gate`] resolves who
//! is acting, asks the pure [`policy`] and runs the operation together with its
//! [`audit`] event in a single transaction. [`Clinic`] is the facade the CLI and the
//! desktop shell talk to.
#![forbid(unsafe_code)]

pub mod anchor;
pub mod attachments;
pub mod attempts;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod bench;
pub mod clients;
pub mod clinic;
pub mod clock;
pub mod demo;
pub mod error;
pub mod gate;
pub mod ids;
pub mod journal;
pub mod migrations;
pub mod national_id;
pub mod pin;
pub mod policy;
pub mod relations;
pub mod review;
pub mod secret;
pub mod settings;
pub mod staff;
pub mod templates;
pub mod totp;
pub mod vault;

pub use clinic::{Clinic, ClinicSetup, OpenedWith};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Error, ErrorCode, Result};
pub use ids::{ClientId, ClinicId, SessionId, StaffId};
