//! [`Clinic`]: one opened clinic data directory, the facade the CLI and the desktop shell
//! talk to. It owns the single database connection and the directory lock; every method
//! that touches client data goes through the [`gate`](crate::gate).
//!
//! One `impl Clinic` block per area, one file each: [`open`] (creating, opening,
//! restoring, the checks before anything is written), [`session`] (login, lock, who is
//! signed in), [`account`] (one's own password, email, PIN, two-factor), [`desk`] (the
//! reception desk and PIN unlocks), [`configure`] (clinic settings), [`staff`] (staff
//! administration), [`relations`] (treatment relations, emergency access), [`records`]
//! (clients, journals, templates, attachments), [`audit_log`] (the trail, reviews,
//! exports, verification) and [`backup`]. This file holds the shared types and the
//! doors every area uses: [`Clinic::gated`] and the password confirmations.

use crate::audit::{self, EventView, Outcome, Verification};
use crate::auth::{self, Workstation};
use crate::clients::{self, Client, ClientInput};
use crate::clock::{self, Clock};
use crate::gate;
use crate::ids::{ClientId, ClinicId, SessionId, StaffId};
use crate::migrations;
use crate::policy::{Action, Role};
use crate::secret::{MasterKey, Secret};
use crate::settings;
use crate::vault::keyslots::{Slot, SlotKind};
use crate::vault::{self, DataDir, DirLock, KeySlots, KeyStorage, KeyStore, OpenMode, RecoveryCode};
use crate::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// The clinic's settings chosen at setup, stored and typed as lower-case text; the
/// mapping is strum's, in one place per enum.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident),+ $(,)? }, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        #[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = <$name as strum::VariantArray>::VARIANTS;
            pub fn as_str(self) -> &'static str {
                self.into()
            }
            pub fn parse(s: &str) -> Result<Self> {
                s.trim().to_ascii_lowercase().parse().map_err(|_| Error::invalid(concat!("unknown ", $what)))
            }
        }
    };
}

text_enum!(Country { Dk, Se, No }, "country (dk, se or no)");
text_enum!(
    /// How much of a record the clinic keeps: notes, journals, or journals with national IDs.
    JournalMode { Notes, Journals, JournalsWithId },
    "journal mode (notes, journals or journals_with_id)"
);
text_enum!(Language { Da, Sv, Nb, En }, "language (da, sv, nb or en)");

/// Everything the setup wizard (or `klinik init`) collects.
#[derive(Debug)]
pub struct ClinicSetup {
    pub clinic_name: String,
    pub country: Country,
    pub journal_mode: JournalMode,
    pub language: Language,
    pub owner_name: String,
    pub owner_email: String,
    pub owner_password: Secret,
    pub key_storage: KeyStorage,
    pub passphrase: Option<Secret>,
}

/// Secrets offered to open an existing clinic, tried after the keyring.
#[derive(Debug, Default)]
pub struct Unlock {
    pub passphrase: Option<Secret>,
    pub recovery_code: Option<Secret>,
}

/// What the person needs to add Klinik to an authenticator app.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TotpEnrollment {
    pub uri: String,
    pub secret_base32: String,
    pub qr_svg: String,
}

/// The automatic-logout choices offered (minutes).
pub const SESSION_TIMEOUT_CHOICES: [i64; 7] = [15, 30, 60, 120, 240, 480, 1440];

/// One open session, for the security page.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub id: SessionId,
    pub staff_name: String,
    pub workstation: String,
    pub os_user: String,
    pub kind: String,
    pub started_at: String,
    pub last_active_at: String,
    pub current: bool,
    /// On a business-login session: whose PIN unlock is in force right now.
    pub pin_name: Option<String>,
}

/// Why a clinic is being opened: normally, or right after a restore (which may move the
/// chain back to the backup's head, and says so first).
enum Opening {
    Normal,
    Restore(String),
}

/// Which key source opened the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum OpenedWith {
    Keyring,
    Passphrase,
    RecoveryCode,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClinicInfo {
    pub id: ClinicId,
    pub name: String,
    pub country: Country,
    pub journal_mode: JournalMode,
    pub language: Language,
}

/// The signed-in person, as the UI needs them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub staff_id: StaffId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub locked: bool,
    pub idle_lock_minutes: i64,
    /// A PIN unlock ends after this many idle seconds (the window closes the journal then).
    pub pin_idle_seconds: i64,
    /// A business-login session (reception work; journals need a PIN).
    pub business_login: bool,
    /// Who has unlocked this business-login session with a PIN, if anyone (and not expired).
    pub pin_name: Option<String>,
    /// A desk opened by a staff member's strong login: who.
    pub desk_opened_by: Option<String>,
    pub must_change_password: bool,
    pub has_pin: bool,
    pub access_model: crate::policy::AccessModel,
    pub totp_enabled: bool,
    /// Journals with national IDs: enroll two-factor login before working.
    pub must_enroll_totp: bool,
    /// A relative signed in (their own page only: the bound client's appointments,
    /// schedule and reports).
    pub relative: bool,
    /// Business login + PIN clinic, personal login, no PIN yet: create one first.
    pub must_create_pin: bool,
    /// Confirms journal work with the PIN also on a personal login.
    pub requires_pin: bool,
    /// The person's own language for the screens (`None`: the clinic's).
    pub language: Option<Language>,
    /// The parts of the app this person may use (the UI shows only these; the core
    /// decides anyway).
    pub features: Vec<crate::policy::Feature>,
    pub scope: crate::policy::Scope,
    pub can_edit: bool,
}

impl Me {
    /// May open the audit trail: the right to it, and a personal login (the desk's
    /// business login never reads the log, whoever has unlocked it with a PIN).
    pub fn can_view_audit(&self) -> bool {
        self.features.contains(&crate::policy::Feature::Audit) && !self.business_login
    }

    /// May administer the clinic: an admin role with the settings right, on a personal login.
    pub fn is_admin(&self) -> bool {
        self.role.is_admin() && self.features.contains(&crate::policy::Feature::Settings) && !self.business_login
    }

    pub fn is_owner(&self) -> bool {
        self.role == Role::Owner
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DoctorReport {
    pub cipher_version: String,
    pub integrity_problems: Vec<String>,
    pub schema_version: i64,
    pub schema_latest: i64,
    pub key_storage: KeyStorage,
    pub opened_with: OpenedWith,
    pub audit: Verification,
    /// Events whose list of clients shown (a calendar view) is missing or changed.
    pub seen_mismatches: Vec<i64>,
}

impl DoctorReport {
    pub fn healthy(&self) -> bool {
        self.integrity_problems.is_empty()
            && self.schema_version == self.schema_latest
            && self.audit.intact
            && self.seen_mismatches.is_empty()
    }
}

pub struct Clinic {
    conn: Connection,
    dir: DataDir,
    slots: KeySlots,
    clock: Arc<dyn Clock>,
    ws: Workstation,
    opened_with: OpenedWith,
    anchor_log: Option<audit::AnchorLog>,
    /// Where the chain head is anchored on close and backup (see [`crate::anchor`]).
    anchor: crate::anchor::AnchorStore,
    /// The vault key, kept while the clinic is open (zeroized on drop) for the second
    /// reading connection that verifies half of a large audit chain.
    key: MasterKey,
    // Dropped last: the directory stays locked while the connection is open.
    _lock: DirLock,
}

/// A required single line (names, emails): see [`crate::text`].
pub(crate) fn check_text(s: &str, field: &'static str, max: usize) -> Result<String> {
    crate::text::clean(s, crate::text::Rule::line(field, max))
}

pub(crate) fn check_email(s: &str) -> Result<String> {
    let e = check_text(s, "email", 254)?;
    if !clients::looks_like_email(&e) {
        return Err(Error::invalid("email is not a valid address"));
    }
    Ok(e)
}

pub(crate) mod account;
pub(crate) mod audit_log;
pub(crate) mod auto_backup;
pub(crate) mod backup;
pub(crate) mod calendar;
pub(crate) mod configure;
pub(crate) mod consents;
pub(crate) mod desk;
#[cfg(feature = "devtools")]
pub(crate) mod devtools;
pub(crate) mod invoices;
pub(crate) mod lifecycle;
pub(crate) mod open;
pub(crate) mod records;
pub(crate) mod relations;
pub(crate) mod relatives;
pub(crate) mod reports;
pub(crate) mod session;
pub(crate) mod staff;

pub use crate::invoices::InvoicePdf;
pub use audit_log::{ExportFormat, Exported};
pub use auto_backup::{BackupJob, BackupStatus, Drill};
pub use calendar::CalendarView;
pub use reports::ReportFile;

impl Clinic {
    pub fn data_dir(&self) -> &Path {
        self.dir.root()
    }

    pub fn id(&self) -> &ClinicId {
        &self.slots.clinic_id
    }

    pub fn opened_with(&self) -> OpenedWith {
        self.opened_with
    }

    pub fn key_storage_mode(&self) -> KeyStorage {
        self.slots.key_storage
    }

    pub fn workstation(&self) -> &Workstation {
        &self.ws
    }

    /// The clinic's name, country, mode and language (shown on the login screen).
    pub fn info(&self) -> Result<ClinicInfo> {
        let (id, name, country, mode, language): (ClinicId, String, String, String, String) =
            self.conn.query_row("SELECT id, name, country, journal_mode, language FROM clinic", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
        Ok(ClinicInfo {
            id,
            name,
            country: Country::parse(&country)?,
            journal_mode: JournalMode::parse(&mode)?,
            language: Language::parse(&language)?,
        })
    }

    /// Runs `op` for `session` through the gate, now: the one door to client data.
    fn gated<T>(
        &mut self,
        session: &SessionId,
        action: Action,
        client: Option<&ClientId>,
        op: impl FnOnce(&mut gate::GateCtx<'_>) -> Result<T>,
    ) -> Result<T> {
        let now = self.clock.now();
        gate::run(&mut self.conn, &self.ws, now, session, action, client, op)
    }

    /// Runs `op` through the gate after the acting person confirmed with their password
    /// (counted and throttled like every password door).
    fn gated_with_password<T>(
        &mut self,
        session: &SessionId,
        action: Action,
        client: Option<&ClientId>,
        password: &Secret,
        op: impl FnOnce(&mut gate::GateCtx<'_>) -> Result<T>,
    ) -> Result<T> {
        let now = self.clock.now();
        let confirm = gate::Confirm::Password(password);
        gate::run_confirmed(&mut self.conn, &self.ws, now, session, action, client, confirm, op)
    }

    /// Re-authentication on one's own account (outside the gate: no client data), at
    /// `door`; counted and throttled like every password door.
    fn confirm_own_password(&mut self, actor: &auth::Actor, password: &Secret, door: &str) -> Result<()> {
        let now = self.clock.now();
        let typist = crate::attempts::Typist { staff: &actor.staff_id, via: None };
        crate::attempts::confirm_password(&mut self.conn, &self.ws, now, typist, password, door)
    }
}

impl Drop for Clinic {
    /// A clean close leaves the marker that says so (see [`DataDir::clean_marker`]).
    fn drop(&mut self) {
        // The anchor first: a close that could not anchor is still a clean close, and the
        // next open checks against the previous anchor.
        let _ = self.anchor_head();
        let _ = std::fs::write(self.dir.clean_marker(), b"closed cleanly\n");
    }
}
