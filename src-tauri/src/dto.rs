//! Transport types: what crosses IPC, in the UI's shape (camelCase, TypeScript via
//! specta). Domain types stay in the core; these are built from them here.

use klinik::audit::{EventView, Verification};
use klinik::clients::{Client, ClientInput};
use klinik::clinic::{Country, JournalMode, Language, Me};
use klinik::policy::{AccessModel, Feature, Level, Role, Scope};
use klinik::templates::FieldKind;
use klinik::vault::KeyStorage;
use klinik::{Error, ErrorCode};
use serde::{Deserialize, Serialize};
use specta::Type;

/// The one error shape at the IPC edge: the UI branches on `code` and shows its own
/// translation; `message` is English, for logs.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AppError {
    pub code: ErrorCodeDto,
    pub message: String,
    /// What the window may act on, typed per kind (the core's own type).
    pub detail: Option<Box<klinik::ErrorDetail>>,
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        Self { code: e.code().into(), message: e.to_string(), detail: e.detail().map(Box::new) }
    }
}

macro_rules! mirror_enum {
    ($dto:ident as $ts:literal <- $core:ident { $($v:ident),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
        #[serde(rename = $ts, rename_all = "camelCase")]
        pub enum $dto { $($v),+ }
        impl From<$core> for $dto {
            fn from(c: $core) -> Self { match c { $($core::$v => $dto::$v),+ } }
        }
        impl From<$dto> for $core {
            fn from(c: $dto) -> Self { match c { $($dto::$v => $core::$v),+ } }
        }
    };
}

mirror_enum!(ErrorCodeDto as "ErrorCode" <- ErrorCode {
    Invalid, WeakPassword, WrongCredentials, WrongKey, WrongRecoveryCode, WrongPassphrase,
    KeyringUnavailable, KeyringLocked, KeyringEntryMissing, Corrupted, NotEncrypted, NewerVersion,
    AlreadyRunning, Locked, NotLoggedIn, SessionExpired, PinRequired, PinSetupRequired, WrongPin, PinLocked, PinDisabled, PinNotSet, TotpRequired, WrongTotp,
    TooManyAttempts, TotpDisabled, PasswordExpired, PasswordChangeRequired, StrongLoginRequired,
    DoubleBooked, Denied, NotFound, Conflict, Storage, Internal,
});
mirror_enum!(LanguageDto as "Language" <- Language { Da, Sv, Nb, En });
mirror_enum!(CountryDto as "Country" <- Country { Dk, Se, No });
mirror_enum!(JournalModeDto as "JournalMode" <- JournalMode { Notes, Journals, JournalsWithId });
mirror_enum!(KeyStorageDto as "KeyStorage" <- KeyStorage { Keyring, Passphrase });
mirror_enum!(AccessModelDto as "AccessModel" <- AccessModel { Solo, Individual, BusinessPin });
mirror_enum!(RoleDto as "Role" <- Role { Owner, Admin, Practitioner, Reception });
mirror_enum!(ScopeDto as "Scope" <- Scope { All, Own, None });
/// The core's own type (one serialized shape).
pub type LevelDto = Level;
mirror_enum!(FeatureDto as "Feature" <- Feature { Clients, Journal, Calendar, Reports, Audit, Settings, Invoices });
mirror_enum!(FieldKindDto as "FieldKind" <- FieldKind {
    Heading, ShortText, LongText, Number, Date, Checkbox, SingleChoice, MultiChoice, Scale,
});

/// One field of a template.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename = "Field", rename_all = "camelCase")]
pub struct FieldDto {
    pub id: String,
    pub kind: FieldKindDto,
    pub label: String,
    pub options: Vec<String>,
    pub required: bool,
}

impl From<klinik::templates::Field> for FieldDto {
    fn from(f: klinik::templates::Field) -> Self {
        Self { id: f.id, kind: f.kind.into(), label: f.label, options: f.options, required: f.required }
    }
}

impl From<FieldDto> for klinik::templates::Field {
    fn from(f: FieldDto) -> Self {
        Self { id: f.id, kind: f.kind.into(), label: f.label, options: f.options, required: f.required }
    }
}

/// The answer to one field: one value for most kinds, several for multiple choice.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename = "Answer", rename_all = "camelCase")]
pub struct AnswerDto {
    pub field_id: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename = "Me", rename_all = "camelCase")]
pub struct MeDto {
    pub staff_id: String,
    pub name: String,
    pub email: String,
    pub is_owner: bool,
    pub can_view_audit: bool,
    pub is_admin: bool,
    pub idle_lock_minutes: u32,
    pub pin_idle_seconds: u32,
    pub business_login: bool,
    /// Who has unlocked this business-login workstation with a PIN right now.
    pub pin_name: Option<String>,
    /// A desk opened by a staff member's strong login (national-ID mode): who.
    pub desk_opened_by: Option<String>,
    pub must_change_password: bool,
    pub has_pin: bool,
    pub access_model: AccessModelDto,
    pub totp_enabled: bool,
    pub must_enroll_totp: bool,
    /// Business login + PIN clinic and no PIN yet: create one before anything else.
    pub must_create_pin: bool,
    pub requires_pin: bool,
    /// The parts of the app to show (the core decides regardless).
    pub features: Vec<FeatureDto>,
    pub scope: ScopeDto,
    pub can_edit: bool,
    /// A relative signed in: the window shows only their page.
    pub relative: bool,
}

impl From<Me> for MeDto {
    fn from(m: Me) -> Self {
        let (is_owner, can_view_audit, is_admin) = (m.is_owner(), m.can_view_audit(), m.is_admin());
        Self {
            staff_id: m.staff_id.to_string(),
            name: m.name,
            email: m.email,
            is_owner,
            can_view_audit,
            is_admin,
            idle_lock_minutes: u32::try_from(m.idle_lock_minutes.clamp(1, 24 * 60)).unwrap_or(10),
            pin_idle_seconds: u32::try_from(m.pin_idle_seconds.clamp(30, 900)).unwrap_or(120),
            business_login: m.business_login,
            pin_name: m.pin_name,
            desk_opened_by: m.desk_opened_by,
            must_change_password: m.must_change_password,
            has_pin: m.has_pin,
            access_model: m.access_model.into(),
            totp_enabled: m.totp_enabled,
            must_enroll_totp: m.must_enroll_totp,
            must_create_pin: m.must_create_pin,
            requires_pin: m.requires_pin,
            features: m.features.into_iter().map(Into::into).collect(),
            scope: m.scope.into(),
            can_edit: m.can_edit,
            relative: m.relative,
        }
    }
}

/// What the window should show now.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "state", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum AppStatus {
    /// The clinic is being opened; `checking`: with the check after an unclean shutdown.
    Opening {
        language: LanguageDto,
        checking: bool,
    },
    Setup {
        language: LanguageDto,
    },
    UnlockVault {
        language: LanguageDto,
        key_storage: KeyStorageDto,
        reason: ErrorCodeDto,
    },
    Failed {
        language: LanguageDto,
        reason: ErrorCodeDto,
        /// When the newest backup of this clinic found in its backup folder was made (it
        /// can be restored from this screen), if there is one.
        newest_backup: Option<String>,
    },
    Login {
        language: LanguageDto,
        clinic_name: String,
    },
    Locked {
        language: LanguageDto,
        clinic_name: String,
        me: MeDto,
    },
    Ready {
        language: LanguageDto,
        clinic_name: String,
        journal_mode: JournalModeDto,
        me: MeDto,
        /// Today's automatic backup is being made beside the window: how far, in percent.
        backup_progress: Option<u32>,
    },
}

#[derive(Debug, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SetupInput {
    pub language: LanguageDto,
    pub clinic_name: String,
    pub country: CountryDto,
    pub journal_mode: JournalModeDto,
    pub owner_name: String,
    pub owner_email: String,
    pub owner_password: String,
    pub key_storage: KeyStorageDto,
    pub passphrase: Option<String>,
}

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SetupResult {
    pub recovery_code: String,
}

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PasswordStrength {
    pub score: u8,
    pub acceptable: bool,
    pub min_length: u32,
    pub too_short: bool,
}

impl From<klinik::auth::PasswordStrength> for PasswordStrength {
    fn from(s: klinik::auth::PasswordStrength) -> Self {
        Self { score: s.score, acceptable: s.acceptable, min_length: s.min_length, too_short: s.too_short }
    }
}

#[derive(Debug, Deserialize, Type)]
#[serde(rename = "ClientInput", rename_all = "camelCase")]
pub struct ClientInputDto {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub birth_date: String,
    pub address: String,
    pub reception_note: String,
    pub inactive: bool,
    /// Only in journals-with-national-ID mode; null keeps the stored one, "" clears it.
    pub national_id: Option<String>,
}

impl From<ClientInputDto> for ClientInput {
    fn from(c: ClientInputDto) -> Self {
        ClientInput {
            name: c.name,
            phone: c.phone,
            email: c.email,
            birth_date: c.birth_date,
            address: c.address,
            reception_note: c.reception_note,
            inactive: c.inactive,
            national_id: c.national_id,
        }
    }
}

#[derive(Debug, Serialize, Type)]
#[serde(rename = "Client", rename_all = "camelCase")]
pub struct ClientDto {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub created_at: String,
    pub updated_at: String,
    pub birth_date: Option<String>,
    pub address: String,
    pub reception_note: String,
    pub active: bool,
    pub national_id_masked: Option<String>,
}

impl From<Client> for ClientDto {
    fn from(c: Client) -> Self {
        Self {
            id: c.id.to_string(),
            name: c.name,
            phone: c.phone,
            email: c.email,
            created_at: c.created_at,
            updated_at: c.updated_at,
            birth_date: c.birth_date,
            address: c.address,
            reception_note: c.reception_note,
            active: c.active,
            national_id_masked: c.national_id_masked,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename = "Outcome", rename_all = "lowercase")]
pub enum OutcomeDto {
    Ok,
    Denied,
    Failed,
}

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub seq: u32,
    pub at: String,
    pub actor_name: Option<String>,
    pub via: Option<String>,
    pub workstation: String,
    pub action: String,
    pub client_id: Option<String>,
    pub client_name: Option<String>,
    pub outcome: OutcomeDto,
    pub object: Option<String>,
    pub reason: Option<String>,
}

impl From<EventView> for AuditEvent {
    fn from(e: EventView) -> Self {
        let outcome = match e.outcome.as_str() {
            "ok" => OutcomeDto::Ok,
            "denied" => OutcomeDto::Denied,
            _ => OutcomeDto::Failed,
        };
        Self {
            seq: u32::try_from(e.seq).unwrap_or(u32::MAX),
            at: e.at,
            actor_name: e.actor_name,
            via: e.via,
            workstation: e.workstation,
            action: e.action,
            client_id: e.client_id,
            client_name: e.client_name,
            outcome,
            object: e.object,
            reason: e.reason,
        }
    }
}

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    pub next_before_seq: Option<u32>,
}

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditVerification {
    pub intact: bool,
    pub events: u32,
    pub first_bad_seq: Option<u32>,
    pub head_hash: String,
}

impl From<Verification> for AuditVerification {
    fn from(v: Verification) -> Self {
        Self {
            intact: v.intact,
            events: u32::try_from(v.events).unwrap_or(u32::MAX),
            first_bad_seq: v.first_bad_seq.map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
            head_hash: v.head_hash,
        }
    }
}

/// The audit viewer's filter as the UI sends it; dates are whole days (YYYY-MM-DD, UTC).
#[derive(Debug, Default, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditFilter {
    pub actor_id: Option<String>,
    pub client_id: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<OutcomeDto>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl AuditFilter {
    pub fn into_core(self) -> Result<klinik::audit::Filter, Error> {
        let nonempty = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
        let first = klinik::clock::parse_day(self.from.as_deref())?;
        let last = klinik::clock::parse_day(self.to.as_deref())?;
        Ok(klinik::audit::Filter {
            actor: nonempty(self.actor_id).map(|a| klinik::StaffId::parse(&a)).transpose()?,
            client: nonempty(self.client_id).map(|c| klinik::ClientId::parse(&c)).transpose()?,
            action: nonempty(self.action).filter(|a| a.len() <= 64),
            outcome: self.outcome.map(|o| match o {
                OutcomeDto::Ok => klinik::audit::Outcome::Ok,
                OutcomeDto::Denied => klinik::audit::Outcome::Denied,
                OutcomeDto::Failed => klinik::audit::Outcome::Failed,
            }),
            ..Default::default()
        }
        .days(first, last))
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Type)]
#[serde(rename = "ExportFormat", rename_all = "lowercase")]
pub enum ExportFormatDto {
    Csv,
    Fhir,
}

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportResult {
    /// Where the file was saved (the user's Downloads folder).
    pub path: String,
    pub events: u32,
}

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StaffName {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HeavyDay {
    pub actor_name: String,
    pub date: String,
    pub clients: u32,
}

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReviewMark {
    pub reviewer_name: String,
    pub reviewed_at: String,
    pub comment: String,
    pub head_seq: u32,
}

/// The monthly log review report.
#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LogReview {
    pub period: String,
    pub work_start_hour: u32,
    pub work_end_hour: u32,
    pub heavy_day_clients: u32,
    pub emergency: Vec<AuditEvent>,
    pub outside_hours: Vec<AuditEvent>,
    pub without_relation: Vec<AuditEvent>,
    pub heavy_days: Vec<HeavyDay>,
    pub sample: Vec<AuditEvent>,
    pub security: Vec<AuditEvent>,
    /// What relatives did in the period.
    pub relative_access: Vec<AuditEvent>,
    /// When a restore drill last passed (RFC 3339), if ever.
    pub last_drill: Option<String>,
    pub relations_checked: bool,
    pub anchor_seq: u32,
    pub anchor_hash: String,
    pub anchor_at: String,
    pub marks: Vec<ReviewMark>,
}

fn small(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

impl From<klinik::review::Review> for LogReview {
    fn from(r: klinik::review::Review) -> Self {
        let events = |v: Vec<EventView>| v.into_iter().map(AuditEvent::from).collect();
        Self {
            period: r.period,
            work_start_hour: small(r.work_start_hour),
            work_end_hour: small(r.work_end_hour),
            heavy_day_clients: small(r.heavy_day_clients),
            emergency: events(r.emergency),
            outside_hours: events(r.outside_hours),
            without_relation: events(r.without_relation),
            security: events(r.security),
            relative_access: events(r.relative_access),
            last_drill: r.last_drill,
            heavy_days: r
                .heavy_days
                .into_iter()
                .map(|h| HeavyDay { actor_name: h.actor_name, date: h.date, clients: small(h.clients) })
                .collect(),
            sample: events(r.sample),
            relations_checked: r.relations_checked,
            anchor_seq: small(r.anchor.seq),
            anchor_hash: r.anchor.hash,
            anchor_at: r.anchor.written_at,
            marks: r
                .marks
                .into_iter()
                .map(|m| ReviewMark {
                    reviewer_name: m.reviewer_name,
                    reviewed_at: m.reviewed_at,
                    comment: m.comment,
                    head_seq: small(m.head_seq),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, Type)]
#[serde(rename = "Entry", rename_all = "camelCase")]
pub struct EntryDto {
    pub id: String,
    pub client_id: String,
    pub author_name: String,
    pub care_at: String,
    pub template_name: Option<String>,
    pub title: String,
    pub body: String,
    pub signed: bool,
    pub signed_at: Option<String>,
    pub signed_by_name: Option<String>,
    pub addendum_to: Option<String>,
    pub updated_at: String,
    pub auto_signed: bool,
    /// The fields of the template version the entry was written with, if any.
    pub fields: Option<Vec<FieldDto>>,
    pub answers: Vec<AnswerDto>,
    pub template_version: Option<u32>,
}

impl From<klinik::journal::Entry> for EntryDto {
    fn from(e: klinik::journal::Entry) -> Self {
        Self {
            id: e.id.to_string(),
            client_id: e.client_id.to_string(),
            author_name: e.author_name,
            care_at: e.care_at,
            template_name: e.template_name,
            title: e.title,
            body: e.body,
            signed: e.signed,
            signed_at: e.signed_at,
            signed_by_name: e.signed_by_name,
            addendum_to: e.addendum_to.map(|a| a.to_string()),
            updated_at: e.updated_at,
            auto_signed: e.auto_signed,
            fields: e.fields.map(|f| f.into_iter().map(Into::into).collect()),
            answers: e.answers.into_iter().map(|(field_id, values)| AnswerDto { field_id, values }).collect(),
            template_version: e.template_version.map(small),
        }
    }
}

#[derive(Debug, Serialize, Type)]
#[serde(rename = "Template", rename_all = "camelCase")]
pub struct TemplateDto {
    pub id: String,
    pub key: String,
    pub name: String,
    pub body: String,
    pub version: u32,
    pub fields: Vec<FieldDto>,
    pub starter: bool,
}

impl From<klinik::journal::Template> for TemplateDto {
    fn from(t: klinik::journal::Template) -> Self {
        Self {
            id: t.id.to_string(),
            key: t.key.to_string(),
            name: t.name,
            body: t.body,
            version: small(t.version),
            fields: t.fields.into_iter().map(Into::into).collect(),
            starter: t.starter,
        }
    }
}

#[derive(Debug, Serialize, Type)]
#[serde(rename = "SearchHit", rename_all = "camelCase")]
pub struct SearchHitDto {
    pub entry_id: String,
    pub client_id: String,
    pub client_name: String,
    pub care_at: String,
    pub snippet: String,
}

impl From<klinik::journal::SearchHit> for SearchHitDto {
    fn from(h: klinik::journal::SearchHit) -> Self {
        Self {
            entry_id: h.entry_id.to_string(),
            client_id: h.client_id.to_string(),
            client_name: h.client_name,
            care_at: h.care_at,
            snippet: h.snippet,
        }
    }
}

#[derive(Debug, Serialize, Type)]
#[serde(rename = "StaffMember", rename_all = "camelCase")]
pub struct StaffDto {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: RoleDto,
    pub active: bool,
    pub business_login: bool,
    pub has_pin: bool,
    pub pin_disabled: bool,
    pub scope: ScopeDto,
    pub edit: bool,
    pub features: Vec<FeatureDto>,
    pub requires_pin: bool,
    pub has_photo: bool,
    pub totp_enabled: bool,
    pub calendars: Vec<CalendarRight>,
}

/// One staff member's right on another's calendar.
#[derive(Debug, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CalendarRight {
    pub calendar_of: String,
    pub level: LevelDto,
}

/// What an admin changes about a staff member.
#[derive(Debug, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StaffChangesInput {
    pub name: String,
    pub email: String,
    pub role: RoleDto,
    pub business_login: bool,
    pub scope: ScopeDto,
    pub edit: bool,
    pub features: Vec<FeatureDto>,
    pub requires_pin: bool,
    pub calendars: Vec<CalendarRight>,
}

/// A staff photo: its type (judged by content in the core) and the bytes as base64.
#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Photo {
    pub mime: String,
    pub base64: String,
}

impl From<klinik::staff::StaffView> for StaffDto {
    fn from(v: klinik::staff::StaffView) -> Self {
        Self {
            id: v.id.to_string(),
            name: v.name,
            email: v.email,
            role: v.role.into(),
            active: v.active,
            business_login: v.business_login,
            has_pin: v.has_pin,
            pin_disabled: v.pin_disabled,
            scope: v.scope.into(),
            edit: v.edit,
            features: v.features.into_iter().map(Into::into).collect(),
            requires_pin: v.requires_pin,
            has_photo: v.has_photo,
            totp_enabled: v.totp_enabled,
            calendars: v
                .calendars
                .into_iter()
                .map(|(of, level)| CalendarRight { calendar_of: of.to_string(), level })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NewStaffInput {
    pub name: String,
    pub email: String,
    pub role: RoleDto,
    pub business_login: bool,
}

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NewStaffResult {
    pub staff: StaffDto,
    /// Shown once to the admin; the person changes it at first login.
    pub one_time_password: String,
}

#[derive(Debug, Serialize, Type)]
#[serde(rename = "Session", rename_all = "camelCase")]
pub struct SessionDto {
    pub id: String,
    pub staff_name: String,
    pub workstation: String,
    pub os_user: String,
    pub kind: String,
    pub started_at: String,
    pub last_active_at: String,
    pub current: bool,
    pub pin_name: Option<String>,
}

impl From<klinik::clinic::SessionView> for SessionDto {
    fn from(s: klinik::clinic::SessionView) -> Self {
        Self {
            id: s.id.to_string(),
            staff_name: s.staff_name,
            workstation: s.workstation,
            os_user: s.os_user,
            kind: s.kind,
            started_at: s.started_at,
            last_active_at: s.last_active_at,
            current: s.current,
            pin_name: s.pin_name,
        }
    }
}

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SecurityInfo {
    pub sessions: Vec<SessionDto>,
    pub session_timeout_minutes: u32,
    pub timeout_choices: Vec<u32>,
    pub pin_idle_seconds: u32,
    pub require_totp: bool,
    /// What every staff member may do with a newly created client.
    pub new_client_access: LevelDto,
    pub attachment_limit_mb: u32,
    /// Drafts untouched this long are signed automatically (0 = never).
    pub auto_sign_hours: u32,
    /// Booking a client with a practitioner makes them the practitioner's client.
    pub appointment_relation: bool,
}

#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TotpEnrollment {
    pub uri: String,
    pub secret_base32: String,
    /// The QR code as an SVG document (rendered by the UI as an image, never as markup).
    pub qr_svg: String,
}

/// An attachment's details (never its bytes: those travel raw, see commands/raw.rs).
#[derive(Debug, Serialize, Type)]
#[serde(rename = "Attachment", rename_all = "camelCase")]
pub struct AttachmentDto {
    pub id: String,
    pub client_id: String,
    pub entry_id: Option<String>,
    pub name: String,
    pub mime: String,
    pub size: u32,
    pub sha256: String,
    pub created_by_name: String,
    pub created_at: String,
}

impl From<klinik::attachments::AttachmentMeta> for AttachmentDto {
    fn from(m: klinik::attachments::AttachmentMeta) -> Self {
        Self {
            id: m.id.to_string(),
            client_id: m.client_id.to_string(),
            entry_id: m.entry_id.map(|e| e.to_string()),
            name: m.name,
            mime: m.mime,
            size: u32::try_from(m.size).unwrap_or(u32::MAX),
            sha256: m.sha256,
            created_by_name: m.created_by_name,
            created_at: m.created_at,
        }
    }
}

/// One treatment relation of a client.
#[derive(Debug, Serialize, Type)]
#[serde(rename = "Relation", rename_all = "camelCase")]
pub struct RelationDto {
    pub staff_id: String,
    pub staff_name: String,
    /// `assignment`, `emergency` or `block`.
    pub kind: String,
    pub starts_at: String,
    pub ends_at: Option<String>,
    pub reason: Option<String>,
    pub active: bool,
}

impl From<klinik::relations::RelationView> for RelationDto {
    fn from(r: klinik::relations::RelationView) -> Self {
        Self {
            staff_id: r.staff_id.to_string(),
            staff_name: r.staff_name,
            kind: r.kind,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            reason: r.reason,
            active: r.active,
        }
    }
}

/// Where a backup went and what it holds.
#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BackupResult {
    pub path: String,
    /// The database's size, rounded up to whole megabytes.
    pub megabytes: u32,
    /// The audit chain's head at the time of the backup.
    pub audit_seq: u32,
}
