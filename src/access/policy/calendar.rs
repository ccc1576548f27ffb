//! The calendar's part of the policy: one's own calendar fully, rooms and (for
//! administrators and the desk) every calendar as far as one's rights go, a colleague's as
//! granted; a client's appointment only for someone who may see the client.

use super::{client_level, Action, CalendarFacts, Decision, Feature, Level, Rights, Subject};

/// What a staff member may do in one calendar: their own fully (with the calendar
/// feature), a colleague's as an admin granted (none by default). The calendar itself
/// comes later; the right is decided here already so it is tested with the rest.
pub fn calendar_level(rights: Rights, own: bool, granted: Level) -> Level {
    let base = if !rights.features.has(Feature::Calendar) {
        Level::None
    } else if own {
        Level::Edit
    } else {
        granted
    };
    if rights.edit {
        base
    } else {
        base.min(Level::View)
    }
}

/// How far the acting person reaches into the calendar concerned: their own fully; a
/// room, and every calendar for an administrator or the desk's business login (the
/// desk books for everyone), as far as their rights go; a colleague's as granted.
pub fn calendar_reach(subject: &Subject, facts: CalendarFacts) -> Level {
    let granted =
        if facts.resource || subject.business_login || subject.role.is_admin() { Level::Edit } else { facts.granted };
    calendar_level(subject.rights, facts.own, granted)
}

/// The calendar's part of [`decide`].
pub(super) fn decide_calendar(s: &Subject, action: Action) -> Decision {
    let rights = s.rights;
    if !rights.features.has(Feature::Calendar) {
        return Decision::Deny("no access to the calendar");
    }
    if action.is_edit() && !rights.edit {
        return Decision::Deny("view-only access to the calendar");
    }
    let reach = s.calendar.map(|f| calendar_reach(s, f));
    let needed = if action.is_edit() { Level::Edit } else { Level::View };
    match (action, reach) {
        (Action::CalendarList, _) | (Action::CalendarRead, None) => return Decision::Allow,
        (_, None) => return Decision::Deny("no calendar named"),
        (_, Some(l)) if l < needed => {
            return Decision::Deny(if l == Level::View {
                "view-only access to this calendar"
            } else {
                "no access to this calendar"
            })
        }
        _ => {}
    }
    if action == Action::CalendarExport && !s.calendar.is_some_and(|f| f.own) && !s.role.is_admin() {
        return Decision::Deny("only your own calendar (administrators: any)");
    }
    // Booking or changing a client's appointment needs sight of that client.
    if let Some(access) = s.client_access {
        if client_level(rights, s.relation, access) == Level::None {
            return Decision::Deny("no access to this client");
        }
    }
    Decision::Allow
}
