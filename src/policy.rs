//! The access policy: a pure function from who is acting and what they want to do to
//! Allow or Deny. No database, no clock: the whole decision space is testable as a
//! matrix.
//!
//! This first version knows roles and the client/audit actions of the foundation.
//! Access models, treatment relations and emergency access extend [`Subject`] and
//! [`Action`] in their own issue; the shape (facts in, decision out) stays.

use serde::Serialize;

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Set the clinic up; full access, including the audit trail and settings.
    Owner,
    Admin,
    Practitioner,
    Reception,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Practitioner, Role::Reception];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Practitioner => "practitioner",
            Role::Reception => "reception",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

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
}

impl Action {
    pub const ALL: [Action; 24] = [
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
        )
    }
}

/// Planway's three ways a clinic works (a clinic setting).
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

impl AccessModel {
    pub const ALL: [AccessModel; 3] = [AccessModel::Solo, AccessModel::Individual, AccessModel::BusinessPin];
    pub fn as_str(self) -> &'static str {
        match self {
            AccessModel::Solo => "solo",
            AccessModel::Individual => "individual",
            AccessModel::BusinessPin => "business_pin",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(&'static str),
}

/// Decides whether `subject` may perform `action`.
pub fn decide(subject: &Subject, action: Action) -> Decision {
    if !subject.active {
        return Decision::Deny("the staff account is deactivated");
    }
    if action.is_journal() || action == Action::EmergencyAccess {
        return decide_journal(subject, action);
    }
    match action {
        // Reception work on clients' contact details: every active staff member.
        Action::ClientCreate
        | Action::ClientList
        | Action::ClientRead
        | Action::ClientUpdate
        | Action::NationalIdReveal => Decision::Allow,
        Action::StaffCreate
        | Action::StaffList
        | Action::StaffUpdate
        | Action::SettingsChange
        | Action::RelationChange => {
            if subject.role.is_admin() && !subject.business_login && !subject.via_pin {
                Decision::Allow
            } else {
                Decision::Deny("only administrators signed in personally manage staff and settings")
            }
        }
        Action::ClientAccessLog
        | Action::AuditRead
        | Action::AuditVerify
        | Action::AuditExport
        | Action::AuditReview
        | Action::AuditReviewMark => {
            if subject.role.is_admin() && !subject.business_login {
                Decision::Allow
            } else {
                Decision::Deny("only administrators may read the audit trail")
            }
        }
        _ => Decision::Deny("unknown action"),
    }
}

/// Who may open the clinical record: by access model, then by treatment relation.
/// Administrators see all clients' journals (scope "all") except in national-ID mode;
/// practitioners their own clients; a block always wins; emergency access needs no
/// relation but is refused to a blocked person. Search is filtered per hit instead.
fn decide_journal(s: &Subject, action: Action) -> Decision {
    use crate::relations::RelationState;
    if s.role == Role::Reception {
        return Decision::Deny("the reception role has no journal access");
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
    if s.role.is_admin() && !s.national_id_mode {
        return Decision::Allow;
    }
    Decision::Deny("no active treatment relation with this client (emergency access is available)")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::relations::RelationState;

    /// The expected decision, stated independently of `decide`.
    fn expected(s: &Subject, action: Action) -> bool {
        if !s.active {
            return false;
        }
        let admin = matches!(s.role, Role::Owner | Role::Admin);
        let (business, pin) = (s.business_login, s.via_pin);
        match action {
            Action::ClientCreate
            | Action::ClientList
            | Action::ClientRead
            | Action::ClientUpdate
            | Action::NationalIdReveal => true,
            Action::ClientAccessLog
            | Action::AuditRead
            | Action::AuditVerify
            | Action::AuditExport
            | Action::AuditReview
            | Action::AuditReviewMark => admin && !business,
            Action::StaffCreate
            | Action::StaffList
            | Action::StaffUpdate
            | Action::SettingsChange
            | Action::RelationChange => admin && !business && !pin,
            _ if s.role == Role::Reception || business => false,
            _ => match s.model {
                AccessModel::Solo => s.role == Role::Owner,
                AccessModel::Individual if pin => false,
                _ => {
                    s.relation != RelationState::Blocked
                        && (matches!(action, Action::EmergencyAccess | Action::JournalSearch)
                            || s.relation == RelationState::Active
                            || (admin && !s.national_id_mode))
                }
            },
        }
    }

    /// The whole matrix: role × active × model × session kind × relation × national-ID
    /// mode × action.
    #[test]
    fn decision_matrix() {
        let mut cells = 0;
        for role in Role::ALL {
            for active in [true, false] {
                for model in AccessModel::ALL {
                    for (business_login, via_pin) in [(false, false), (true, false), (false, true)] {
                        for relation in RelationState::ALL {
                            for national_id_mode in [false, true] {
                                let subject = Subject {
                                    role,
                                    active,
                                    model,
                                    business_login,
                                    via_pin,
                                    relation,
                                    national_id_mode,
                                };
                                for action in Action::ALL {
                                    let got = decide(&subject, action);
                                    assert_eq!(
                                        got == Decision::Allow,
                                        expected(&subject, action),
                                        "{subject:?} {action:?} → {got:?}"
                                    );
                                    cells += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(cells, 4 * 2 * 3 * 3 * 4 * 2 * Action::ALL.len());
    }

    #[test]
    fn a_block_always_wins_and_an_ended_relation_is_no_relation() {
        for model in [AccessModel::Individual, AccessModel::BusinessPin] {
            for role in [Role::Owner, Role::Admin, Role::Practitioner] {
                let s = |relation| Subject {
                    role,
                    active: true,
                    model,
                    business_login: false,
                    via_pin: false,
                    relation,
                    national_id_mode: true,
                };
                assert_ne!(decide(&s(RelationState::Blocked), Action::JournalRead), Decision::Allow);
                assert_ne!(decide(&s(RelationState::Blocked), Action::EmergencyAccess), Decision::Allow);
                assert_ne!(decide(&s(RelationState::Ended), Action::JournalRead), Decision::Allow);
                assert_eq!(decide(&s(RelationState::Active), Action::JournalRead), Decision::Allow);
            }
        }
    }

    #[test]
    fn a_business_login_never_opens_a_journal_without_a_pin() {
        for role in Role::ALL {
            for model in AccessModel::ALL {
                let s = Subject {
                    role,
                    active: true,
                    model,
                    business_login: true,
                    via_pin: false,
                    relation: crate::relations::RelationState::Active,
                    national_id_mode: false,
                };
                for action in Action::ALL.into_iter().filter(|a| a.is_journal()) {
                    assert_ne!(decide(&s, action), Decision::Allow, "{role:?} {model:?} {action:?}");
                }
            }
        }
    }

    #[test]
    fn every_action_has_its_own_audit_name() {
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.audit_name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }

    #[test]
    fn roles_round_trip_through_text() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
