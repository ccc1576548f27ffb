//! Staff, the access model and PINs. The core decides who may do what.

use super::{check_len, CmdResult};
use crate::dto::{AccessModelDto, AppStatus, NewStaffInput, NewStaffResult, StaffDto, StaffName};
use crate::state::AppState;
use klinik::secret::Secret;
use klinik::StaffId;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn list_staff_admin(state: State<'_, AppState>) -> CmdResult<Vec<StaffDto>> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.list_staff_admin(&session)?.into_iter().map(Into::into).collect())
}

#[tauri::command]
#[specta::specta]
pub async fn create_staff(state: State<'_, AppState>, input: NewStaffInput) -> CmdResult<NewStaffResult> {
    check_len(&input.name)?;
    check_len(&input.email)?;
    let new = klinik::staff::NewStaff {
        name: input.name,
        email: input.email,
        role: input.role.into(),
        business_login: input.business_login,
    };
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    let (staff, otp) = clinic.create_staff(&session, &new)?;
    Ok(NewStaffResult { staff: staff.into(), one_time_password: otp })
}

#[tauri::command]
#[specta::specta]
pub async fn set_access_model(
    state: State<'_, AppState>,
    model: AccessModelDto,
    password: String,
) -> CmdResult<AppStatus> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.set_access_model(&session, model.into(), &Secret::new(password))?;
    Ok(s.status())
}

#[tauri::command]
#[specta::specta]
pub async fn change_password(
    state: State<'_, AppState>,
    old_password: String,
    new_password: String,
) -> CmdResult<AppStatus> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.change_password(&session, &Secret::new(old_password), &Secret::new(new_password))?;
    Ok(s.status())
}

#[tauri::command]
#[specta::specta]
pub async fn set_pin(state: State<'_, AppState>, pin: String, password: Option<String>) -> CmdResult<AppStatus> {
    check_len(&pin)?;
    let password = password.filter(|p| !p.is_empty()).map(Secret::new);
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.set_pin(&session, &Secret::new(pin), password.as_ref())?;
    Ok(s.status())
}

/// People who can unlock this workstation with their PIN.
#[tauri::command]
#[specta::specta]
pub async fn pin_candidates(state: State<'_, AppState>) -> CmdResult<Vec<StaffName>> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.pin_candidates(&session)?.into_iter().map(|(id, name)| StaffName { id: id.to_string(), name }).collect())
}

/// The business logins this workstation may switch to (for a personal login).
#[tauri::command]
#[specta::specta]
pub async fn desk_accounts(state: State<'_, AppState>) -> CmdResult<Vec<StaffName>> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.desk_accounts(&session)?.into_iter().map(|(id, name)| StaffName { id: id.to_string(), name }).collect())
}

/// Switches the workstation from the person's own login to the desk's business login.
#[tauri::command]
#[specta::specta]
pub async fn open_desk(state: State<'_, AppState>, business_id: String) -> CmdResult<AppStatus> {
    let business = StaffId::parse(&business_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    let desk = clinic.open_desk(&session, &business)?;
    s.session = Some(desk);
    Ok(s.status())
}

#[tauri::command]
#[specta::specta]
pub async fn unlock_with_pin(state: State<'_, AppState>, staff_id: String, pin: String) -> CmdResult<AppStatus> {
    check_len(&pin)?;
    let staff = StaffId::parse(&staff_id)?;
    let (ticket, session) = {
        let mut s = state.lock();
        let (clinic, session) = s.signed_in()?;
        (clinic.pin_unlock_begin(&session, &staff)?, session)
    };
    let (ticket, checked) =
        super::check_off_thread(ticket, Secret::new(pin), klinik::attempts::SecretTicket::check).await?;
    let mut s = state.lock();
    s.clinic()?.pin_unlock_end(&session, &ticket, checked)?;
    Ok(s.status())
}

#[tauri::command]
#[specta::specta]
pub async fn end_pin(state: State<'_, AppState>) -> CmdResult<AppStatus> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.end_pin(&session)?;
    Ok(s.status())
}

/// Opens a client's journal without a relation, with a stated reason (audited).
#[tauri::command]
#[specta::specta]
pub async fn emergency_access(state: State<'_, AppState>, client_id: String, reason: String) -> CmdResult<()> {
    check_len(&reason)?;
    let client = klinik::ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.emergency_access(&session, &client, &reason)?;
    Ok(())
}

/// An admin assigns, blocks or ends the relation between a staff member and a client.
#[tauri::command]
#[specta::specta]
pub async fn change_relation(
    state: State<'_, AppState>,
    staff_id: String,
    client_id: String,
    change: RelationChange,
    first_day: Option<String>,
    last_day: Option<String>,
) -> CmdResult<()> {
    let staff = StaffId::parse(&staff_id)?;
    let client = klinik::ClientId::parse(&client_id)?;
    let first = klinik::clock::parse_day(first_day.as_deref())?;
    let last = klinik::clock::parse_day(last_day.as_deref())?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    match change {
        RelationChange::Assign if first.is_some() || last.is_some() => {
            clinic.assign_relation_period(&session, &staff, &client, first, last)?
        }
        RelationChange::Assign => clinic.assign_relation(&session, &staff, &client)?,
        RelationChange::Block => clinic.block_relation(&session, &staff, &client)?,
        RelationChange::End => clinic.end_relation(&session, &staff, &client)?,
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, serde::Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum RelationChange {
    Assign,
    Block,
    End,
}

/// The security page: open sessions and the automatic-logout setting.
#[tauri::command]
#[specta::specta]
pub async fn security_info(state: State<'_, AppState>) -> CmdResult<crate::dto::SecurityInfo> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    let sessions = clinic.sessions(&session)?.into_iter().map(Into::into).collect();
    let minutes = clinic.session_timeout_minutes()?;
    let (pin_idle, require_totp) = clinic.security_settings()?;
    Ok(crate::dto::SecurityInfo {
        sessions,
        session_timeout_minutes: u32::try_from(minutes).unwrap_or(1440),
        timeout_choices: klinik::clinic::SESSION_TIMEOUT_CHOICES.iter().map(|m| *m as u32).collect(),
        pin_idle_seconds: u32::try_from(pin_idle).unwrap_or(120),
        require_totp,
        new_client_access: clinic.new_client_access()?,
        attachment_limit_mb: u32::try_from(clinic.attachment_limit_mb()?).unwrap_or(25),
        auto_sign_hours: u32::try_from(clinic.auto_sign_hours()?).unwrap_or(0),
        appointment_relation: clinic.appointment_relation()?,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn end_session(state: State<'_, AppState>, session_id: String) -> CmdResult<AppStatus> {
    let target = klinik::SessionId::parse(&session_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.end_other_session(&session, &target)?;
    Ok(s.status())
}

#[tauri::command]
#[specta::specta]
pub async fn set_session_timeout(state: State<'_, AppState>, minutes: u32, password: String) -> CmdResult<()> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.set_session_timeout(&session, i64::from(minutes), &Secret::new(password))?;
    Ok(())
}

/// Starts two-factor enrollment: the QR code and the secret for the app.
#[tauri::command]
#[specta::specta]
pub async fn begin_totp(state: State<'_, AppState>, password: Option<String>) -> CmdResult<crate::dto::TotpEnrollment> {
    let password = password.filter(|p| !p.is_empty()).map(Secret::new);
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    let e = clinic.begin_totp(&session, password.as_ref())?;
    Ok(crate::dto::TotpEnrollment { uri: e.uri, secret_base32: e.secret_base32, qr_svg: e.qr_svg })
}

/// Confirms enrollment with a code; returns the ten recovery codes, shown once.
#[tauri::command]
#[specta::specta]
pub async fn confirm_totp(state: State<'_, AppState>, code: String) -> CmdResult<Vec<String>> {
    check_len(&code)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.confirm_totp(&session, &Secret::new(code))?)
}

#[tauri::command]
#[specta::specta]
pub async fn disable_totp(state: State<'_, AppState>, password: String) -> CmdResult<AppStatus> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.disable_totp(&session, &Secret::new(password))?;
    Ok(s.status())
}

/// An admin gives a staff member a new one-time password and re-enables their PIN.
#[tauri::command]
#[specta::specta]
pub async fn reset_staff(state: State<'_, AppState>, staff_id: String, password: String) -> CmdResult<String> {
    let staff = StaffId::parse(&staff_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.admin_reset_staff(&session, &staff, &Secret::new(password))?)
}

/// Moves the journal mode towards more protection (admins, with the password).
#[tauri::command]
#[specta::specta]
pub async fn set_journal_mode(
    state: State<'_, AppState>,
    mode: crate::dto::JournalModeDto,
    password: String,
) -> CmdResult<AppStatus> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.set_journal_mode(&session, mode.into(), &Secret::new(password))?;
    Ok(s.status())
}

/// PIN idle time and "two-factor login for everyone" (admins, with the password).
#[tauri::command]
#[specta::specta]
pub async fn set_security_settings(
    state: State<'_, AppState>,
    pin_idle_seconds: u32,
    require_totp: bool,
    password: String,
) -> CmdResult<()> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.set_security_settings(&session, i64::from(pin_idle_seconds), require_totp, &Secret::new(password))?;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn update_staff(
    state: State<'_, AppState>,
    staff_id: String,
    input: crate::dto::StaffChangesInput,
    admin_password: String,
) -> CmdResult<StaffDto> {
    check_len(&input.name)?;
    check_len(&input.email)?;
    let id = StaffId::parse(&staff_id)?;
    let calendars = input
        .calendars
        .into_iter()
        .map(|c| Ok((StaffId::parse(&c.calendar_of)?, c.level)))
        .collect::<klinik::Result<Vec<_>>>()?;
    let changes = klinik::staff::StaffChanges {
        name: input.name,
        email: input.email,
        role: input.role.into(),
        business_login: input.business_login,
        scope: input.scope.into(),
        edit: input.edit,
        features: klinik::policy::Features::of(&input.features.into_iter().map(Into::into).collect::<Vec<_>>()),
        requires_pin: input.requires_pin,
        calendars,
    };
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.update_staff(&session, &id, &changes, &Secret::new(admin_password))?.into())
}

#[tauri::command]
#[specta::specta]
pub async fn set_staff_active(
    state: State<'_, AppState>,
    staff_id: String,
    active: bool,
    admin_password: String,
) -> CmdResult<()> {
    let id = StaffId::parse(&staff_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.set_staff_active(&session, &id, active, &Secret::new(admin_password))?)
}

/// A photo arrives as base64; anything far beyond the 2 MB the core allows is refused
/// before it is decoded.
#[tauri::command]
#[specta::specta]
pub async fn set_staff_photo(state: State<'_, AppState>, staff_id: String, base64: Option<String>) -> CmdResult<()> {
    use base64::Engine;
    let id = StaffId::parse(&staff_id)?;
    let bytes = match base64 {
        Some(b) if b.len() > klinik::staff::MAX_PHOTO_BYTES / 3 * 4 + 8 => {
            return Err(klinik::Error::Invalid("the photo is larger than 2 MB".into()).into())
        }
        Some(b) => Some(
            base64::engine::general_purpose::STANDARD
                .decode(b)
                .map_err(|_| klinik::Error::Invalid("the photo could not be read".into()))?,
        ),
        None => None,
    };
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.set_staff_photo(&session, &id, bytes.as_deref())?)
}

#[tauri::command]
#[specta::specta]
pub async fn staff_photo(state: State<'_, AppState>, staff_id: String) -> CmdResult<Option<crate::dto::Photo>> {
    use base64::Engine;
    let id = StaffId::parse(&staff_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.staff_photo(&session, &id)?.map(|(mime, bytes)| crate::dto::Photo {
        mime,
        base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    }))
}

#[tauri::command]
#[specta::specta]
pub async fn admin_set_pin(
    state: State<'_, AppState>,
    staff_id: String,
    pin: String,
    admin_password: String,
) -> CmdResult<()> {
    check_len(&pin)?;
    let id = StaffId::parse(&staff_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.admin_set_pin(&session, &id, &Secret::new(pin), &Secret::new(admin_password))?)
}

#[tauri::command]
#[specta::specta]
pub async fn change_email(state: State<'_, AppState>, email: String, password: String) -> CmdResult<AppStatus> {
    check_len(&email)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.change_email(&session, &email, &Secret::new(password))?;
    Ok(s.status())
}

#[tauri::command]
#[specta::specta]
pub async fn set_new_client_access(
    state: State<'_, AppState>,
    level: crate::dto::LevelDto,
    admin_password: String,
) -> CmdResult<()> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.set_new_client_access(&session, level, &Secret::new(admin_password))?)
}

/// Whether booking a client with a practitioner makes them the practitioner's client.
#[tauri::command]
#[specta::specta]
pub async fn set_appointment_relation(state: State<'_, AppState>, on: bool, admin_password: String) -> CmdResult<()> {
    super::check_len(&admin_password)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.set_appointment_relation(&session, on, &Secret::new(admin_password))?)
}

/// Ten new two-factor recovery codes (the old ones stop working); shown once.
#[tauri::command]
#[specta::specta]
pub async fn renew_recovery_codes(state: State<'_, AppState>, password: String) -> CmdResult<Vec<String>> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.renew_totp_recovery_codes(&session, &Secret::new(password))?)
}

/// A client's treatment relations, ended ones included (administrators).
#[tauri::command]
#[specta::specta]
pub async fn client_relations(
    state: State<'_, AppState>,
    client_id: String,
) -> CmdResult<Vec<crate::dto::RelationDto>> {
    let client = klinik::ClientId::parse(&client_id)?;
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    Ok(clinic.client_relations(&session, &client)?.into_iter().map(Into::into).collect())
}
