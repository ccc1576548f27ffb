//! Klinik's core: everything a clinic's data passes through, with no knowledge of Tauri.
//!
//! The shape follows one rule: personal data is reachable only through [`gate`]. The
//! [`vault`] is the one place that opens SQLCipher connections, the [`gate`] resolves who
//! is acting, asks the pure [`policy`] and runs the operation together with its
//! [`audit`] event in a single transaction. [`Clinic`] is the facade the CLI and the
//! desktop shell talk to.
//!
//! The folders show the floors: [`vault`] (keys and the encrypted file), [`access`] (who
//! acts and what they may do), [`records`] (the clinical record), [`audit`] (the trail,
//! its anchors and reviews), [`calendar`] (the practice's day: calendars, services,
//! appointments), [`admin`] (staff, settings, backups), and [`clinic`] (the facade, one
//! file per area).
#![forbid(unsafe_code)]

/// The stored text of an enum whose mapping strum derives (`IntoStaticStr`, `EnumString`,
/// `VariantArray`): every variant, its text, and the variant for a text (`None` for an
/// unknown one). One definition for every such enum instead of the same three items each.
macro_rules! stored_text {
    ($t:ident) => {
        impl $t {
            pub const ALL: &'static [$t] = <$t as strum::VariantArray>::VARIANTS;
            pub fn as_str(self) -> &'static str {
                self.into()
            }
            pub fn parse(s: &str) -> Option<Self> {
                s.parse().ok()
            }
        }
    };
}

pub mod access;
pub mod admin;
pub mod audit;
/// Benchmarks of a demo clinic (developer builds only).
#[cfg(feature = "devtools")]
pub mod bench;
pub mod calendar;
pub mod clinic;
pub mod clock;
/// The demo clinic (developer builds only).
#[cfg(feature = "devtools")]
pub mod demo;
pub mod error;
pub mod files;
pub mod ids;
pub mod invoices;
pub mod lifecycle;
pub mod migrations;
pub(crate) mod pdf;
pub mod records;
pub mod relatives;
pub mod reports;
pub mod secret;
pub(crate) mod text;
pub mod vault;

// The domain modules also answer at their short paths (`klinik::policy`, `crate::gate`),
// which is how the rest of the code and the tests name them.
pub use access::{attempts, auth, gate, pin, policy, relations, totp};
pub use admin::{backup, settings, staff};
pub use audit::{anchor, review};
pub use records::{attachments, clients, journal, national_id, templates};

pub use clinic::{Clinic, ClinicSetup, OpenedWith};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Error, ErrorCode, ErrorDetail, Result};
pub use ids::{
    AppointmentId, AttachmentId, BindingId, CalendarId, ClientId, ClinicId, EntryId, InvoiceId, ReportId, SeriesId,
    ServiceId, SessionId, StaffId, TemplateId, TemplateKey,
};
