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
}

impl Action {
    pub const ALL: [Action; 17] = [
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
        }
    }
}

/// The facts about the acting person that the decision depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub role: Role,
    pub active: bool,
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
    match action {
        // Until treatment relations and access models arrive, every active staff member
        // works with every client's record.
        Action::ClientCreate
        | Action::ClientList
        | Action::ClientRead
        | Action::ClientUpdate
        | Action::JournalRead
        | Action::EntryCreate
        | Action::EntryUpdate
        | Action::EntrySign
        | Action::EntryAddendum
        | Action::JournalSearch
        | Action::ClientPrint => Decision::Allow,
        Action::ClientAccessLog
        | Action::AuditRead
        | Action::AuditVerify
        | Action::AuditExport
        | Action::AuditReview
        | Action::AuditReviewMark => {
            if subject.role.is_admin() {
                Decision::Allow
            } else {
                Decision::Deny("only administrators may read the audit trail")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole matrix, written out so a change in any cell is a visible diff.
    #[test]
    fn decision_matrix() {
        for role in Role::ALL {
            for active in [true, false] {
                for action in Action::ALL {
                    let expected_allow = active
                        && match action {
                            Action::ClientAccessLog
                            | Action::AuditRead
                            | Action::AuditVerify
                            | Action::AuditExport
                            | Action::AuditReview
                            | Action::AuditReviewMark => matches!(role, Role::Owner | Role::Admin),
                            _ => true,
                        };
                    let got = decide(&Subject { role, active }, action);
                    assert_eq!(got == Decision::Allow, expected_allow, "{role:?} active={active} {action:?} → {got:?}");
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
