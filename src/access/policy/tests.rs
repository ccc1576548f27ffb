//! The policy as a matrix: every combination of inputs against a table of the rules
//! written out independently, plus the cases worth naming.

use super::*;

use crate::relations::RelationState;

/// The expected decision, stated independently of `decide`: a table of the rules
/// as the issue states them, written out case by case.
fn expected(s: &Subject, action: Action) -> bool {
    use Action::*;
    if !s.active {
        return false;
    }
    if let Some(reach) = s.relative {
        return expected_relative(reach, action);
    }
    let r = s.rights;
    let admin = matches!(s.role, Role::Owner | Role::Admin);
    let (business, pin) = (s.business_login, s.via_pin);
    let blocked = s.relation == RelationState::Blocked;
    let active_rel = s.relation == RelationState::Active;
    let wants_edit = matches!(
        action,
        ClientCreate
            | ClientUpdate
            | ConsentRecord
            | EntryCreate
            | EntryUpdate
            | EntrySign
            | EntryAddendum
            | AttachmentAdd
            | AttachmentRemove
            | InvoiceEdit
    );
    if matches!(action, CalendarList | CalendarRead | AppointmentBook | AppointmentChange | CalendarExport) {
        return expected_calendar(s, action);
    }
    match action {
        ClientCreate | ClientList => {
            r.features.has(Feature::Clients) && r.scope != Scope::None && (r.edit || !wants_edit)
        }
        ClientRead | ClientUpdate | ConsentRecord => {
            if !r.features.has(Feature::Clients) || r.scope == Scope::None || blocked {
                return false;
            }
            if wants_edit && !r.edit {
                return false;
            }
            let everyone = s.client_access.unwrap_or(Level::None);
            match r.scope {
                Scope::All => true,
                _ if active_rel => true,
                _ if wants_edit => everyone == Level::Edit,
                _ => everyone != Level::None,
            }
        }
        ClientAccessLog | AuditRead | AuditVerify | AuditExport | AuditReview | AuditReviewMark => {
            r.features.has(Feature::Audit) && !business
        }
        StaffCreate | StaffList | StaffUpdate | SettingsChange | RelationChange | RelationList | Backup
        | TemplateChange | CalendarManage | InvoiceSetup | ReportManage | RelativeList | RelativeManage
        | CleanupReview | ClientErase | ClientExport | ClientImport | ConsentTextChange => {
            admin && r.features.has(Feature::Settings) && !business && !pin
        }
        // A relative's own views are never a staff member's.
        RelativeHome | RelativeAppointments | RelativeSchedule => false,
        // My page: the reports right; the rows are decided per client when it runs.
        ReportRun | ReportList => r.features.has(Feature::Reports),
        // The desk invoices (business login, no PIN needed); journals never come into it;
        // a client's invoices only for someone who sees the client at all.
        InvoiceRead | InvoiceEdit => {
            if !r.features.has(Feature::Invoices) || (wants_edit && !r.edit) {
                return false;
            }
            match s.client_access {
                None => true,
                Some(_) if blocked || r.scope == Scope::None => false,
                Some(_) if r.scope == Scope::All || active_rel => true,
                Some(everyone) => everyone != Level::None,
            }
        }
        _ => {
            if !r.features.has(Feature::Journal) || r.scope == Scope::None || business || (wants_edit && !r.edit) {
                return false;
            }
            match s.model {
                AccessModel::Solo => s.role == Role::Owner,
                AccessModel::Individual if pin => false,
                _ => {
                    !blocked
                        && (matches!(action, EmergencyAccess | JournalSearch)
                            || active_rel
                            || (r.scope == Scope::All && !s.national_id_mode))
                }
            }
        }
    }
}

/// The calendar's rules, written out: the calendar right; one's own calendar fully, a
/// room and (for admins and the desk) every calendar as far as one's rights go, a
/// colleague's as granted; view-only rights never change anything; export only one's
/// own (admins: any); a client's appointment only for someone who may see the client.
fn expected_calendar(s: &Subject, action: Action) -> bool {
    use Action::*;
    let r = s.rights;
    if !r.features.has(Feature::Calendar) {
        return false;
    }
    let edit = matches!(action, AppointmentBook | AppointmentChange);
    if edit && !r.edit {
        return false;
    }
    let admin = matches!(s.role, Role::Owner | Role::Admin);
    let Some(cal) = s.calendar else { return matches!(action, CalendarList | CalendarRead) };
    if action == CalendarList {
        return true;
    }
    let level = if cal.own || cal.resource || admin || s.business_login { Level::Edit } else { cal.granted };
    let level = if r.edit { level } else { level.min(Level::View) };
    if level == Level::None || (edit && level != Level::Edit) {
        return false;
    }
    if action == CalendarExport && !cal.own && !admin {
        return false;
    }
    match s.client_access {
        None => true,
        Some(_) if s.relation == RelationState::Blocked || r.scope == Scope::None => false,
        Some(_) if r.scope == Scope::All || s.relation == RelationState::Active => true,
        Some(everyone) => {
            if r.edit {
                everyone != Level::None
            } else {
                everyone.min(Level::View) != Level::None
            }
        }
    }
}

/// The calendars a calendar action is tried on: none named, and each kind of calendar
/// with each grant (other actions: none).
fn calendar_cases(action: Action) -> Vec<Option<CalendarFacts>> {
    if !action.is_calendar() {
        return vec![None];
    }
    let mut out = vec![None];
    for (own, resource) in [(true, false), (false, true), (false, false)] {
        for granted in Level::ALL.iter().copied() {
            out.push(Some(CalendarFacts { own, resource, granted }));
        }
    }
    out
}

fn rights_cases() -> Vec<Rights> {
    let mut out = Vec::new();
    for scope in Scope::ALL.iter().copied() {
        for edit in [true, false] {
            for features in [
                Features::of(Feature::ALL),
                Features::of(&[Feature::Clients, Feature::Journal]),
                Features::of(&[Feature::Clients, Feature::Calendar]),
                Features::of(&[Feature::Journal, Feature::Audit]),
                Features::of(&[Feature::Clients, Feature::Invoices]),
                Features::default(),
            ] {
                out.push(Rights { scope, edit, features });
            }
        }
    }
    out
}

/// The whole matrix: role × active × access model × session kind × relation ×
/// journal mode × scope × view/edit × feature sets × the client's access for
/// everyone × action (emergency access is one of the actions).
#[test]
fn decision_matrix() {
    let mut cells = 0;
    for role in Role::ALL.iter().copied() {
        for active in [true, false] {
            for model in AccessModel::ALL.iter().copied() {
                for (business_login, via_pin) in [(false, false), (true, false), (false, true)] {
                    for relation in RelationState::ALL {
                        for national_id_mode in [false, true] {
                            for rights in rights_cases() {
                                for client_access in [None, Some(Level::None), Some(Level::View), Some(Level::Edit)] {
                                    for action in Action::ALL {
                                        for calendar in calendar_cases(action) {
                                            let subject = Subject {
                                                role,
                                                active,
                                                model,
                                                business_login,
                                                via_pin,
                                                relation,
                                                national_id_mode,
                                                rights,
                                                client_access,
                                                calendar,
                                                relative: None,
                                            };
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
            }
        }
    }
    let per_subject: usize = Action::ALL.iter().map(|a| calendar_cases(*a).len()).sum();
    assert_eq!(cells, 4 * 2 * 3 * 3 * 4 * 2 * 36 * 4 * per_subject);
}

#[test]
fn role_defaults_keep_reception_out_of_journals_and_practitioners_to_their_own() {
    let reception = Rights::default_for(Role::Reception);
    assert!(!reception.features.has(Feature::Journal));
    assert!(reception.features.has(Feature::Clients));
    let practitioner = Rights::default_for(Role::Practitioner);
    assert_eq!(practitioner.scope, Scope::Own);
    assert!(!practitioner.features.has(Feature::Audit) && !practitioner.features.has(Feature::Settings));
    assert_eq!(Rights::owner().features.list().len(), Feature::ALL.len());
}

#[test]
fn calendar_rights_follow_the_grant_the_feature_and_view_only() {
    for rights in rights_cases() {
        for own in [true, false] {
            for granted in Level::ALL.iter().copied() {
                let got = calendar_level(rights, own, granted);
                let want = if !rights.features.has(Feature::Calendar) {
                    Level::None
                } else {
                    let l = if own { Level::Edit } else { granted };
                    if !rights.edit && l == Level::Edit {
                        Level::View
                    } else {
                        l
                    }
                };
                assert_eq!(got, want, "{rights:?} own={own} granted={granted:?}");
            }
        }
    }
}

#[test]
fn features_round_trip_through_text() {
    for f in Features::every() {
        assert_eq!(Features::from_db(&f.to_db()), f);
    }
    assert_eq!(Features::from_db("clients,teleport,journal"), Features::of(&[Feature::Clients, Feature::Journal]));
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
                rights: Rights::default_for(role),
                client_access: None,
                calendar: None,
                relative: None,
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
    for role in Role::ALL.iter().copied() {
        for model in AccessModel::ALL.iter().copied() {
            let s = Subject {
                role,
                active: true,
                model,
                business_login: true,
                via_pin: false,
                relation: crate::relations::RelationState::Active,
                national_id_mode: false,
                rights: Rights::owner(),
                client_access: None,
                calendar: None,
                relative: None,
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
    for r in Role::ALL.iter().copied() {
        assert_eq!(Role::parse(r.as_str()), Some(r));
    }
    assert_eq!(Role::parse("root"), None);
}

/// The stored texts are the database's (CHECK constraints and rows written by older
/// versions): the derived mapping must keep them exactly.
#[test]
fn stored_texts_stay_what_the_database_holds() {
    let texts = |all: &[&'static str]| all.join(",");
    assert_eq!(texts(&Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>()), "owner,admin,practitioner,reception");
    assert_eq!(texts(&AccessModel::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>()), "solo,individual,business_pin");
    assert_eq!(texts(&Level::ALL.iter().map(|l| l.as_str()).collect::<Vec<_>>()), "none,view,edit");
    assert_eq!(
        texts(&crate::relations::RelationKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>()),
        "assignment,emergency,block,appointment"
    );
    assert_eq!(crate::clinic::JournalMode::JournalsWithId.as_str(), "journals_with_id");
    assert_eq!(
        crate::clinic::JournalMode::parse(" Journals_With_Id ").ok(),
        Some(crate::clinic::JournalMode::JournalsWithId)
    );
    assert_eq!(crate::audit::Outcome::parse("denied").ok(), Some(crate::audit::Outcome::Denied));
    assert_eq!(AccessModel::parse("businessPin"), None, "one spelling, the stored one");
}

#[test]
fn levels_parse_from_their_stored_text() {
    for l in Level::ALL.iter().copied() {
        assert_eq!(Level::parse(l.as_str()), Some(l), "{l:?}");
    }
}

/// A relative's rules, written out: with a current binding to the client concerned, their
/// page, and what the binding ticked (appointments, the schedule, My page reports);
/// nothing else, ever.
fn expected_relative(reach: RelativeReach, action: Action) -> bool {
    use Action::*;
    reach.bound
        && match action {
            RelativeHome => true,
            RelativeAppointments => reach.appointments,
            RelativeSchedule => reach.schedule,
            ReportRun | ReportList => reach.reports,
            _ => false,
        }
}

/// The relative as an actor kind: every reach × every action × every other fact (which a
/// relative's decision must ignore: a relative's row carries a placeholder role).
#[test]
fn decision_matrix_for_relatives() {
    let mut cells = 0;
    let mut allowed = std::collections::BTreeSet::new();
    for reach in RelativeReach::every() {
        for role in Role::ALL.iter().copied() {
            for model in AccessModel::ALL.iter().copied() {
                for relation in RelationState::ALL {
                    for rights in [Rights::owner(), Rights::default_for(Role::Reception)] {
                        for client_access in [None, Some(Level::Edit)] {
                            for action in Action::ALL {
                                let subject = Subject {
                                    role,
                                    active: true,
                                    model,
                                    business_login: false,
                                    via_pin: false,
                                    relation,
                                    national_id_mode: false,
                                    rights,
                                    client_access,
                                    calendar: None,
                                    relative: Some(reach),
                                };
                                let got = decide(&subject, action) == Decision::Allow;
                                assert_eq!(got, expected_relative(reach, action), "{reach:?} {action:?} {role:?}");
                                if got {
                                    allowed.insert(action.audit_name());
                                }
                                cells += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    assert_eq!(
        allowed.into_iter().collect::<Vec<_>>(),
        ["relative_appointments", "relative_home", "relative_schedule", "report_list", "report_run"],
        "the whole of what a relative can ever be allowed"
    );
    assert!(cells > 10_000, "{cells} cells");
}

#[test]
fn a_relative_never_reaches_a_journal_or_the_staff_list_even_with_every_reach() {
    let every = RelativeReach { bound: true, appointments: true, schedule: true, reports: true };
    let s = Subject {
        role: Role::Owner,
        active: true,
        model: AccessModel::Solo,
        business_login: false,
        via_pin: false,
        relation: RelationState::Active,
        national_id_mode: false,
        rights: Rights::owner(),
        client_access: Some(Level::Edit),
        calendar: None,
        relative: Some(every),
    };
    for action in [
        Action::JournalRead,
        Action::ClientRead,
        Action::ClientList,
        Action::NationalIdReveal,
        Action::AttachmentOpen,
        Action::StaffList,
        Action::AuditRead,
        Action::EmergencyAccess,
        Action::CalendarRead,
        Action::InvoiceRead,
    ] {
        assert_ne!(decide(&s, action), Decision::Allow, "{action:?}");
    }
}
