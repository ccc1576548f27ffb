//! What a relative may do. A relative (a parent of a child client, a guardian, next of kin
//! with the client's consent) is a person of its own kind: bound by an administrator to one
//! client per binding, reaching only what that binding lists — the client's appointments,
//! the printable schedule, My page reports. Never journals, national IDs, attachments,
//! other clients, the staff list, settings or the audit trail: every other action is
//! refused here, before any staff rule is asked.

use super::{Action, Decision};

/// What the relative's binding to the client concerned reaches (for an operation about no
/// client: what any of their current bindings reaches). All false: no current binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RelativeReach {
    /// A current binding exists (the client's name and the relative's own page).
    pub bound: bool,
    pub appointments: bool,
    pub schedule: bool,
    pub reports: bool,
}

impl RelativeReach {
    /// The reach of several bindings together.
    pub fn union(self, other: RelativeReach) -> RelativeReach {
        RelativeReach {
            bound: self.bound || other.bound,
            appointments: self.appointments || other.appointments,
            schedule: self.schedule || other.schedule,
            reports: self.reports || other.reports,
        }
    }

    /// Every combination, for the decision matrix.
    pub fn every() -> impl Iterator<Item = RelativeReach> {
        (0u8..16).map(|b| RelativeReach {
            bound: b & 1 != 0,
            appointments: b & 2 != 0,
            schedule: b & 4 != 0,
            reports: b & 8 != 0,
        })
    }
}

impl Action {
    /// Actions only a relative does (staff are refused them: they have their own views).
    pub fn is_relative(self) -> bool {
        matches!(self, Action::RelativeHome | Action::RelativeAppointments | Action::RelativeSchedule)
    }
}

/// The whole of a relative's rights.
pub(super) fn decide_relative(reach: RelativeReach, action: Action) -> Decision {
    if !reach.bound {
        return Decision::Deny("no current binding to this client");
    }
    let allowed = match action {
        Action::RelativeHome => true,
        Action::RelativeAppointments => reach.appointments,
        Action::RelativeSchedule => reach.schedule,
        Action::ReportRun | Action::ReportList => reach.reports,
        _ => return Decision::Deny("a relative sees only what their binding to the client allows"),
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Deny("the binding to this client does not include this")
    }
}
