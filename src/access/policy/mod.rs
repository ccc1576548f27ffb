//! The access policy: a pure function from who is acting and what they want to do to
//! Allow or Deny. No database, no clock: the whole decision space is testable as a
//! matrix.
//!
//! This first version knows roles and the client/audit actions of the foundation.
//! Access models, treatment relations and emergency access extend [`Subject`] and
//! [`Action`] in their own issue; the shape (facts in, decision out) stays.

use serde::{Deserialize, Serialize};

mod calendar;
mod relative;
use calendar::decide_calendar;
pub use calendar::{calendar_level, calendar_reach};
pub use relative::RelativeReach;

/// A staff member's role.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Set the clinic up; full access, including the audit trail and settings.
    Owner,
    Admin,
    Practitioner,
    Reception,
}

stored_text!(Role);

impl Role {
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}

/// Everything the gate can be asked to do. The audit `action` string of each is
/// [`Action::audit_name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    ClientCreate,
    ClientList,
    ClientRead,
    ClientUpdate,
    /// "Who has seen this record": one client's access log.
    ClientAccessLog,
    JournalRead,
    EntryCreate,
    EntryUpdate,
    EntrySign,
    EntryAddendum,
    JournalSearch,
    /// Printing a client's journal or access log (to paper or PDF).
    ClientPrint,
    /// Showing a client's full national ID instead of the masked form.
    NationalIdReveal,
    AuditRead,
    AuditVerify,
    AuditExport,
    /// The monthly log review report (loggkontroll).
    AuditReview,
    /// A reviewer signs off a month's report.
    AuditReviewMark,
    StaffCreate,
    StaffList,
    /// Resetting a staff member's password or re-enabling their PIN (admins).
    StaffUpdate,
    /// Assigning, ending or blocking a treatment relation (admins).
    RelationChange,
    /// Opening a client's journal without a relation, with a stated reason.
    EmergencyAccess,
    /// Clinic settings such as the access model (admins only, with re-authentication).
    SettingsChange,
    /// Attaching a PDF or image to a client or a draft entry.
    AttachmentAdd,
    /// Listing a client's attachments (names and sizes, not contents).
    AttachmentList,
    /// Opening (previewing) one attachment.
    AttachmentOpen,
    /// Removing an attachment from a draft entry.
    AttachmentRemove,
    /// Building, editing (a new version) or retiring a journal template (admins).
    TemplateChange,
    /// Listing a client's treatment relations (admins).
    RelationList,
    /// Making a backup of the whole clinic (admins, with the password).
    Backup,
    /// Listing the calendars and services one may book in (no client data).
    CalendarList,
    /// Looking at one or more calendars' appointments (names of the clients shown).
    CalendarRead,
    /// Booking an appointment or a block of time in a calendar.
    AppointmentBook,
    /// Moving, resizing, cancelling or changing the status of an appointment.
    AppointmentChange,
    /// Printing a schedule or exporting a calendar as iCalendar (own, or any as admin).
    CalendarExport,
    /// Services, working hours, absences and rooms (admins).
    CalendarManage,
    /// Looking at invoices, credit notes and payments (a client's, or the list).
    InvoiceRead,
    /// Making, issuing and crediting invoices, registering payments, issuing a PIN.
    InvoiceEdit,
    /// The clinic's details on its invoices (admins).
    InvoiceSetup,
    /// Running a report from one's My page (the reports right).
    ReportRun,
    /// Looking at the list of one's My page reports — names and periods, no client in it
    /// (the same right as running one; its own event, so the log never says a report ran
    /// when only the list was opened).
    ReportList,
    /// Making, changing and retiring report definitions (admins).
    ReportManage,
    /// A relative's own page: the clients they are bound to (names only).
    RelativeHome,
    /// A relative looking at their bound client's appointments.
    RelativeAppointments,
    /// A relative printing their bound client's schedule.
    RelativeSchedule,
    /// Listing a client's relatives and their bindings (admins).
    RelativeList,
    /// Adding a relative, binding one to a client, ending a binding (admins).
    RelativeManage,
    /// The cleanup proposal and the retention rules (admins).
    CleanupReview,
    /// Erasing clients: a confirmed cleanup or a client's erasure request (admins).
    ClientErase,
    /// The client's own copy of everything held about them (admins, with the password).
    ClientExport,
    /// Importing clients from the previous system's CSV (admins).
    ClientImport,
    /// Recording a client's consent, or its withdrawal (the client edit right).
    ConsentRecord,
    /// Writing, versioning and retiring consent declarations (admins).
    ConsentTextChange,
}

impl Action {
    pub const ALL: [Action; 54] = [
        Action::ClientCreate,
        Action::ClientList,
        Action::ClientRead,
        Action::ClientUpdate,
        Action::JournalRead,
        Action::EntryCreate,
        Action::EntryUpdate,
        Action::EntrySign,
        Action::EntryAddendum,
        Action::JournalSearch,
        Action::ClientPrint,
        Action::NationalIdReveal,
        Action::ClientAccessLog,
        Action::AuditRead,
        Action::AuditVerify,
        Action::AuditExport,
        Action::AuditReview,
        Action::AuditReviewMark,
        Action::StaffCreate,
        Action::StaffList,
        Action::StaffUpdate,
        Action::RelationChange,
        Action::EmergencyAccess,
        Action::SettingsChange,
        Action::AttachmentAdd,
        Action::AttachmentList,
        Action::AttachmentOpen,
        Action::AttachmentRemove,
        Action::TemplateChange,
        Action::RelationList,
        Action::Backup,
        Action::CalendarList,
        Action::CalendarRead,
        Action::AppointmentBook,
        Action::AppointmentChange,
        Action::CalendarExport,
        Action::CalendarManage,
        Action::InvoiceRead,
        Action::InvoiceEdit,
        Action::InvoiceSetup,
        Action::ReportRun,
        Action::ReportList,
        Action::ReportManage,
        Action::RelativeHome,
        Action::RelativeAppointments,
        Action::RelativeSchedule,
        Action::RelativeList,
        Action::RelativeManage,
        Action::CleanupReview,
        Action::ClientErase,
        Action::ClientExport,
        Action::ClientImport,
        Action::ConsentRecord,
        Action::ConsentTextChange,
    ];

    pub fn audit_name(self) -> &'static str {
        match self {
            Action::ClientCreate => "client_create",
            Action::ClientList => "client_list",
            Action::ClientRead => "client_read",
            Action::ClientUpdate => "client_update",
            Action::ClientAccessLog => "client_access_log",
            Action::JournalRead => "journal_read",
            Action::EntryCreate => "entry_create",
            Action::EntryUpdate => "entry_update",
            Action::EntrySign => "entry_sign",
            Action::EntryAddendum => "entry_addendum",
            Action::JournalSearch => "journal_search",
            Action::ClientPrint => "client_print",
            Action::NationalIdReveal => "national_id_reveal",
            Action::AuditRead => "audit_read",
            Action::AuditVerify => "audit_verify",
            Action::AuditExport => "audit_export",
            Action::AuditReview => "audit_review",
            Action::AuditReviewMark => "audit_review_mark",
            Action::StaffCreate => "staff_create",
            Action::StaffList => "staff_list",
            Action::StaffUpdate => "staff_update",
            Action::RelationChange => "relation_change",
            Action::EmergencyAccess => "emergency_access",
            Action::SettingsChange => "settings_change",
            Action::AttachmentAdd => "attachment_add",
            Action::AttachmentList => "attachment_list",
            Action::AttachmentOpen => "attachment_open",
            Action::AttachmentRemove => "attachment_remove",
            Action::TemplateChange => "template_change",
            Action::RelationList => "relation_list",
            Action::Backup => "backup_create",
            Action::CalendarList => "calendar_list",
            Action::CalendarRead => "calendar_read",
            Action::AppointmentBook => "appointment_book",
            Action::AppointmentChange => "appointment_change",
            Action::CalendarExport => "calendar_export",
            Action::CalendarManage => "calendar_manage",
            Action::InvoiceRead => "invoice_read",
            Action::InvoiceEdit => "invoice_edit",
            Action::InvoiceSetup => "invoice_setup",
            Action::ReportRun => "report_run",
            Action::ReportList => "report_list",
            Action::ReportManage => "report_manage",
            Action::RelativeHome => "relative_home",
            Action::RelativeAppointments => "relative_appointments",
            Action::RelativeSchedule => "relative_schedule",
            Action::RelativeList => "relative_list",
            Action::RelativeManage => "relative_manage",
            Action::CleanupReview => "cleanup_review",
            Action::ClientErase => "client_erase",
            Action::ClientExport => "client_export",
            Action::ClientImport => "client_import",
            Action::ConsentRecord => "consent_record",
            Action::ConsentTextChange => "consent_text_change",
        }
    }
}

impl Action {
    /// Actions on the clinical record itself (journal or notes), as opposed to reception
    /// work on a client's contact details.
    pub fn is_journal(self) -> bool {
        matches!(
            self,
            Action::JournalRead
                | Action::EntryCreate
                | Action::EntryUpdate
                | Action::EntrySign
                | Action::EntryAddendum
                | Action::JournalSearch
                | Action::ClientPrint
                | Action::AttachmentAdd
                | Action::AttachmentList
                | Action::AttachmentOpen
                | Action::AttachmentRemove
                | Action::NationalIdReveal
        )
    }
}

/// Planway's three ways a clinic works (a clinic setting).
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AccessModel {
    /// Exactly one account with full access.
    Solo,
    /// Everyone logs in personally.
    Individual,
    /// A workstation signed in with a business login; journals open with a personal PIN.
    BusinessPin,
}

stored_text!(AccessModel);

/// Which clients a staff member's work reaches (EasyPractice: "all, own or none").
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    All,
    /// Clients with an active treatment relation, plus those every staff member may see.
    Own,
    None,
}

stored_text!(Scope);

/// How far a right reaches: nothing, looking, or looking and changing. Used for the
/// access every staff member gets to a new client (a clinic setting, kept per client)
/// and for rights on another person's calendar.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Level {
    None,
    View,
    Edit,
}

stored_text!(Level);

/// The parts of the app a staff member may use (EasyPractice's per-app rights).
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Feature {
    Clients,
    Journal,
    Calendar,
    Reports,
    Audit,
    Settings,
    Invoices,
}

stored_text!(Feature);

/// A set of [`Feature`]s, stored as a comma-separated list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Features(u8);

impl Features {
    pub fn of(list: &[Feature]) -> Self {
        Self(list.iter().fold(0, |acc, f| acc | 1 << (*f as u8)))
    }
    pub fn has(self, f: Feature) -> bool {
        self.0 & (1 << (f as u8)) != 0
    }
    pub fn list(self) -> Vec<Feature> {
        Feature::ALL.iter().copied().filter(|f| self.has(*f)).collect()
    }
    pub fn to_db(self) -> String {
        self.list().iter().map(|f| f.as_str()).collect::<Vec<_>>().join(",")
    }
    /// Unknown names are ignored (a newer Klinik may know more features).
    pub fn from_db(s: &str) -> Self {
        Self::of(&s.split(',').filter_map(Feature::parse).collect::<Vec<_>>())
    }
    /// Every combination, for the decision matrix.
    pub fn every() -> impl Iterator<Item = Features> {
        (0u8..1 << Feature::ALL.len()).map(Features)
    }
}

/// What a staff member may do, set by an admin (starting from the role's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rights {
    pub scope: Scope,
    /// May change what they may see (otherwise view only).
    pub edit: bool,
    pub features: Features,
}

impl Rights {
    /// What a role starts with; an admin can change it per person.
    pub fn default_for(role: Role) -> Self {
        use Feature::*;
        match role {
            Role::Owner | Role::Admin => Rights { scope: Scope::All, edit: true, features: Features::of(Feature::ALL) },
            Role::Practitioner => {
                Rights { scope: Scope::Own, edit: true, features: Features::of(&[Clients, Journal, Calendar, Reports]) }
            }
            Role::Reception => Rights {
                scope: Scope::All,
                edit: true,
                features: Features::of(&[Clients, Calendar, Invoices, Reports]),
            },
        }
    }
    /// The owner set the clinic up and always keeps everything (nobody can lock the
    /// clinic out of its own settings).
    pub fn owner() -> Self {
        Self::default_for(Role::Owner)
    }
}

/// The facts about the acting person that the decision depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub role: Role,
    pub active: bool,
    pub model: AccessModel,
    /// Acting on a business-login session without a PIN unlock (reception work).
    pub business_login: bool,
    /// Acting through a PIN unlock on a business-login session.
    pub via_pin: bool,
    /// The actor's treatment relation to the client concerned (None when no client).
    pub relation: crate::relations::RelationState,
    /// The clinic keeps journals with national IDs: "all clients" never opens a journal
    /// without a relation.
    pub national_id_mode: bool,
    /// The actor's rights.
    pub rights: Rights,
    /// What every staff member may do with the client concerned (set when the client
    /// was created, from the clinic's default); `None` when no client is concerned.
    pub client_access: Option<Level>,
    /// The calendar concerned, for calendar actions on one calendar.
    pub calendar: Option<CalendarFacts>,
    /// A relative acts (not a staff member): what their binding reaches. Every other
    /// fact is then ignored.
    pub relative: Option<RelativeReach>,
}

/// What the decision about one calendar depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CalendarFacts {
    /// The acting person's own calendar.
    pub own: bool,
    /// A room or other resource's calendar (shared by everyone who books).
    pub resource: bool,
    /// The right an admin granted on this colleague's calendar (`calendar_rights`).
    pub granted: Level,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(&'static str),
}

impl Action {
    /// Reception work on one client's contact details (or the list of clients).
    pub fn is_client(self) -> bool {
        matches!(
            self,
            Action::ClientCreate
                | Action::ClientList
                | Action::ClientRead
                | Action::ClientUpdate
                | Action::ClientAccessLog
                | Action::ConsentRecord
        )
    }

    /// Work in the calendar (decided per calendar by [`calendar_reach`]).
    pub fn is_calendar(self) -> bool {
        matches!(
            self,
            Action::CalendarList
                | Action::CalendarRead
                | Action::AppointmentBook
                | Action::AppointmentChange
                | Action::CalendarExport
        )
    }

    /// Changes something (needs the "edit" right), as opposed to only looking.
    pub fn is_edit(self) -> bool {
        matches!(
            self,
            Action::AppointmentBook
                | Action::AppointmentChange
                | Action::InvoiceEdit
                | Action::ClientCreate
                | Action::ClientUpdate
                | Action::ConsentRecord
                | Action::EntryCreate
                | Action::EntryUpdate
                | Action::EntrySign
                | Action::EntryAddendum
                | Action::AttachmentAdd
                | Action::AttachmentRemove
        )
    }
}

/// The level of access `rights` give to one client's contact details, from the scope,
/// the treatment relation and the client's access for everyone. Used by [`decide`] and,
/// as SQL, by the client list's filter.
pub fn client_level(rights: Rights, relation: crate::relations::RelationState, client_access: Level) -> Level {
    use crate::relations::RelationState;
    let reach = match (rights.scope, relation) {
        (_, RelationState::Blocked) | (Scope::None, _) => Level::None,
        (Scope::All, _) | (Scope::Own, RelationState::Active) => Level::Edit,
        (Scope::Own, _) => client_access,
    };
    if rights.edit {
        reach
    } else {
        reach.min(Level::View)
    }
}

/// Decides whether `subject` may perform `action`.
pub fn decide(subject: &Subject, action: Action) -> Decision {
    if !subject.active {
        return Decision::Deny("the staff account is deactivated");
    }
    if let Some(reach) = subject.relative {
        return relative::decide_relative(reach, action);
    }
    if action.is_relative() {
        return Decision::Deny("only a relative has this view");
    }
    let rights = subject.rights;
    if action.is_journal() || action == Action::EmergencyAccess {
        return decide_journal(subject, action);
    }
    let personal = !subject.business_login && !subject.via_pin;
    if action.is_calendar() {
        return decide_calendar(subject, action);
    }
    match action {
        // Reception work on clients' contact details, by scope, relation and view/edit.
        Action::ClientCreate
        | Action::ClientList
        | Action::ClientRead
        | Action::ClientUpdate
        | Action::ConsentRecord => {
            if !rights.features.has(Feature::Clients) || rights.scope == Scope::None {
                return Decision::Deny("no access to clients");
            }
            let needed = if action.is_edit() { Level::Edit } else { Level::View };
            let level = match (action, subject.client_access) {
                (Action::ClientCreate | Action::ClientList, _) => {
                    if rights.edit {
                        Level::Edit
                    } else {
                        Level::View
                    }
                }
                (_, access) => client_level(rights, subject.relation, access.unwrap_or(Level::None)),
            };
            if level >= needed {
                Decision::Allow
            } else if level == Level::View {
                Decision::Deny("view-only access to this client")
            } else {
                Decision::Deny("no access to this client")
            }
        }
        Action::StaffCreate
        | Action::StaffList
        | Action::StaffUpdate
        | Action::SettingsChange
        | Action::RelationChange
        | Action::RelationList
        | Action::Backup
        | Action::CalendarManage
        | Action::InvoiceSetup
        | Action::ReportManage
        | Action::RelativeList
        | Action::RelativeManage
        | Action::CleanupReview
        | Action::ClientErase
        | Action::ClientExport
        | Action::ClientImport
        | Action::ConsentTextChange
        | Action::TemplateChange => {
            if subject.role.is_admin() && rights.features.has(Feature::Settings) && personal {
                Decision::Allow
            } else {
                Decision::Deny("only administrators signed in personally manage staff and settings")
            }
        }
        // A report holds only what the person may see (each row decided on its client).
        Action::ReportRun | Action::ReportList => {
            if rights.features.has(Feature::Reports) {
                Decision::Allow
            } else {
                Decision::Deny("no access to reports")
            }
        }
        // Invoicing is reception work (the desk invoices without a PIN), never the journal;
        // a client's invoices need sight of that client.
        Action::InvoiceRead | Action::InvoiceEdit => {
            if !rights.features.has(Feature::Invoices) {
                return Decision::Deny("no access to invoices");
            }
            if action.is_edit() && !rights.edit {
                return Decision::Deny("view-only access to invoices");
            }
            match subject.client_access {
                Some(access) if client_level(rights, subject.relation, access) == Level::None => {
                    Decision::Deny("no access to this client")
                }
                _ => Decision::Allow,
            }
        }
        Action::ClientAccessLog
        | Action::AuditRead
        | Action::AuditVerify
        | Action::AuditExport
        | Action::AuditReview
        | Action::AuditReviewMark => {
            if rights.features.has(Feature::Audit) && !subject.business_login {
                Decision::Allow
            } else {
                Decision::Deny("no access to the audit trail")
            }
        }
        _ => Decision::Deny("unknown action"),
    }
}

/// Who may open the clinical record: by the journal right and access model, then by
/// scope and treatment relation. Scope "all" opens every journal except in national-ID
/// mode; scope "own" needs an active relation; a block always wins; emergency access
/// needs no relation but is refused to a blocked person. Search is filtered per hit.
fn decide_journal(s: &Subject, action: Action) -> Decision {
    use crate::relations::RelationState;
    let rights = s.rights;
    if !rights.features.has(Feature::Journal) || rights.scope == Scope::None {
        return Decision::Deny("no journal access");
    }
    if action.is_edit() && !rights.edit {
        return Decision::Deny("view-only journal access");
    }
    if s.business_login {
        return Decision::Deny("opening a journal needs a personal login or PIN");
    }
    match s.model {
        AccessModel::Solo if s.role != Role::Owner => {
            return Decision::Deny("choose the individual or business-login model before others get journal access")
        }
        AccessModel::Solo => return Decision::Allow,
        AccessModel::Individual if s.via_pin => {
            return Decision::Deny("this clinic opens journals with personal logins only")
        }
        AccessModel::Individual | AccessModel::BusinessPin => {}
    }
    if s.relation == RelationState::Blocked {
        return Decision::Deny("blocked from this client's journal");
    }
    if action == Action::EmergencyAccess || action == Action::JournalSearch || s.relation == RelationState::Active {
        return Decision::Allow;
    }
    if rights.scope == Scope::All && !s.national_id_mode {
        return Decision::Allow;
    }
    Decision::Deny("no active treatment relation with this client (emergency access is available)")
}

#[cfg(test)]
mod tests;
