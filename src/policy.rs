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
    AuditRead,
    AuditVerify,
    AuditExport,
    /// The monthly log review report (loggkontroll).
    AuditReview,
    /// A reviewer signs off a month's report.
    AuditReviewMark,
    StaffCreate,
    StaffList,
    /// Clinic settings such as the access model (admins only, with re-authentication).
    SettingsChange,
}

impl Action {
    pub const ALL: [Action; 20] = [
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
        Action::ClientAccessLog,
        Action::AuditRead,
        Action::AuditVerify,
        Action::AuditExport,
        Action::AuditReview,
        Action::AuditReviewMark,
        Action::StaffCreate,
        Action::StaffList,
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
            Action::AuditRead => "audit_read",
            Action::AuditVerify => "audit_verify",
            Action::AuditExport => "audit_export",
            Action::AuditReview => "audit_review",
            Action::AuditReviewMark => "audit_review_mark",
            Action::StaffCreate => "staff_create",
            Action::StaffList => "staff_list",
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
    if action.is_journal() {
        return decide_journal(subject);
    }
    match action {
        // Reception work on clients' contact details: every active staff member.
        Action::ClientCreate | Action::ClientList | Action::ClientRead | Action::ClientUpdate => Decision::Allow,
        Action::StaffCreate | Action::StaffList | Action::SettingsChange => {
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

/// Who may open the clinical record, by access model. Treatment relations (own
/// clients, blocks, emergency access) narrow this further in a later step.
fn decide_journal(s: &Subject) -> Decision {
    if s.role == Role::Reception {
        return Decision::Deny("the reception role has no journal access");
    }
    if s.business_login {
        return Decision::Deny("opening a journal needs a personal login or PIN");
    }
    match s.model {
        AccessModel::Solo if s.role != Role::Owner => {
            Decision::Deny("choose the individual or business-login model before others get journal access")
        }
        AccessModel::Solo => Decision::Allow,
        AccessModel::Individual if s.via_pin => Decision::Deny("this clinic opens journals with personal logins only"),
        AccessModel::Individual => Decision::Allow,
        AccessModel::BusinessPin => Decision::Allow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expected decision, stated independently of `decide`.
    fn expected(role: Role, active: bool, model: AccessModel, business: bool, pin: bool, action: Action) -> bool {
        if !active {
            return false;
        }
        let admin = matches!(role, Role::Owner | Role::Admin);
        match action {
            Action::ClientCreate | Action::ClientList | Action::ClientRead | Action::ClientUpdate => true,
            Action::ClientAccessLog
            | Action::AuditRead
            | Action::AuditVerify
            | Action::AuditExport
            | Action::AuditReview
            | Action::AuditReviewMark => admin && !business,
            Action::StaffCreate | Action::StaffList | Action::SettingsChange => admin && !business && !pin,
            _ if role == Role::Reception || business => false,
            _ => match model {
                AccessModel::Solo => role == Role::Owner,
                AccessModel::Individual => !pin,
                AccessModel::BusinessPin => true,
            },
        }
    }

    /// The whole matrix: role × active × access model × session kind × action.
    #[test]
    fn decision_matrix() {
        let mut cells = 0;
        for role in Role::ALL {
            for active in [true, false] {
                for model in AccessModel::ALL {
                    for (business, pin) in [(false, false), (true, false), (false, true)] {
                        for action in Action::ALL {
                            let subject = Subject { role, active, model, business_login: business, via_pin: pin };
                            let got = decide(&subject, action);
                            assert_eq!(
                                got == Decision::Allow,
                                expected(role, active, model, business, pin, action),
                                "{subject:?} {action:?} → {got:?}"
                            );
                            cells += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(cells, 4 * 2 * 3 * 3 * Action::ALL.len());
    }

    #[test]
    fn a_business_login_never_opens_a_journal_without_a_pin() {
        for role in Role::ALL {
            for model in AccessModel::ALL {
                let s = Subject { role, active: true, model, business_login: true, via_pin: false };
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
