//! Setup, unlocking the vault, login, lock and logout.

use super::{check_len, check_off_thread, CmdResult};
use crate::dto::{AppStatus, LanguageDto, PasswordStrength, SetupInput, SetupResult};
use crate::state::AppState;
use klinik::clinic::{ClinicSetup, Unlock};
use klinik::secret::Secret;
use klinik::vault::{KeyStorage, OsKeyring};
use klinik::{Clinic, Error, SystemClock};
use std::sync::Arc;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn app_status(state: State<'_, AppState>) -> CmdResult<AppStatus> {
    Ok(state.lock().status())
}

#[tauri::command]
#[specta::specta]
pub async fn password_strength(password: String) -> CmdResult<PasswordStrength> {
    check_len(&password)?;
    Ok(klinik::auth::password_strength(&password, &[]).into())
}

#[tauri::command]
#[specta::specta]
pub async fn setup_clinic(state: State<'_, AppState>, input: SetupInput) -> CmdResult<SetupResult> {
    let mut s = state.lock();
    if s.clinic.is_some() || Clinic::exists(&s.data_dir) {
        return Err(Error::Conflict("a clinic is already set up here".into()).into());
    }
    let key_storage: KeyStorage = input.key_storage.into();
    let setup = ClinicSetup {
        clinic_name: input.clinic_name,
        country: input.country.into(),
        journal_mode: input.journal_mode.into(),
        language: input.language.into(),
        owner_name: input.owner_name,
        owner_email: input.owner_email,
        owner_password: Secret::new(input.owner_password),
        key_storage,
        passphrase: input.passphrase.map(Secret::new),
    };
    let (clinic, recovery) = Clinic::create(&s.data_dir, setup, &OsKeyring, Arc::new(SystemClock))?;
    s.adopt(clinic);
    Ok(SetupResult { recovery_code: recovery.display().to_owned() })
}

#[tauri::command]
#[specta::specta]
pub async fn unlock_vault(
    state: State<'_, AppState>,
    passphrase: Option<String>,
    recovery_code: Option<String>,
) -> CmdResult<AppStatus> {
    let mut s = state.lock();
    if s.clinic.is_none() {
        let unlock = Unlock {
            passphrase: passphrase.filter(|p| !p.is_empty()).map(Secret::new),
            recovery_code: recovery_code.filter(|p| !p.is_empty()).map(Secret::new),
        };
        let clinic = Clinic::open(&s.data_dir, &unlock, &OsKeyring, Arc::new(SystemClock))?;
        s.adopt(clinic);
    }
    Ok(s.status())
}

#[tauri::command]
#[specta::specta]
pub async fn login(
    state: State<'_, AppState>,
    email: String,
    password: String,
    code: Option<String>,
) -> CmdResult<AppStatus> {
    check_len(&email)?;
    let code = code.filter(|c| !c.trim().is_empty()).map(Secret::new);
    let ticket = state.lock().clinic()?.login_begin(&email, code.is_some())?;
    let (ticket, checked) = check_off_thread(ticket, Secret::new(password), klinik::auth::LoginTicket::check).await?;
    let mut s = state.lock();
    let session = s.clinic()?.login_end(ticket, checked, code.as_ref())?;
    // A window has one session: signing in again ends the previous one.
    if let Some(previous) = s.session.replace(session) {
        s.clinic()?.logout(&previous)?;
    }
    Ok(s.status())
}

#[tauri::command]
#[specta::specta]
pub async fn logout(state: State<'_, AppState>) -> CmdResult<AppStatus> {
    let mut s = state.lock();
    if let Some(session) = s.session.take() {
        s.clinic()?.logout(&session)?;
    }
    Ok(s.status())
}

#[tauri::command]
#[specta::specta]
pub async fn lock_session(state: State<'_, AppState>) -> CmdResult<AppStatus> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.lock(&session)?;
    Ok(s.status())
}

#[tauri::command]
#[specta::specta]
pub async fn unlock_session(state: State<'_, AppState>, password: String) -> CmdResult<AppStatus> {
    check_len(&password)?;
    let (ticket, session) = {
        let mut s = state.lock();
        let (clinic, session) = s.signed_in()?;
        (clinic.unlock_begin(&session)?, session)
    };
    let (ticket, checked) =
        check_off_thread(ticket, Secret::new(password), klinik::attempts::SecretTicket::check).await?;
    let mut s = state.lock();
    s.clinic()?.unlock_end(&session, &ticket, checked)?;
    Ok(s.status())
}

#[tauri::command]
#[specta::specta]
pub async fn reset_password_with_recovery_code(
    state: State<'_, AppState>,
    email: String,
    recovery_code: String,
    new_password: String,
) -> CmdResult<()> {
    check_len(&email)?;
    check_len(&recovery_code)?;
    let mut s = state.lock();
    s.clinic()?.reset_password_with_recovery_code(&email, &Secret::new(recovery_code), &Secret::new(new_password))?;
    Ok(())
}

/// Changes the language of the screens before login (and after it, for the next person).
/// Signed in, a person's choice is their own: `set_my_language`.
#[tauri::command]
#[specta::specta]
pub async fn set_language(state: State<'_, AppState>, language: LanguageDto) -> CmdResult<AppStatus> {
    let mut s = state.lock();
    s.language = language.into();
    Ok(s.status())
}

/// The signed-in person's own language, kept with their login (`None`: the clinic's).
#[tauri::command]
#[specta::specta]
pub async fn set_my_language(state: State<'_, AppState>, language: Option<LanguageDto>) -> CmdResult<AppStatus> {
    let mut s = state.lock();
    let (clinic, session) = s.signed_in()?;
    clinic.set_my_language(&session, language.map(Into::into))?;
    Ok(s.status())
}

/// A clinic that cannot be opened (damaged): restores the newest backup of it found in its
/// backup folder, with that backup's recovery code or passphrase (a restore replaces the
/// clinic's history, so the clinic's own secret is asked). The damaged clinic is moved
/// aside, never deleted; the restored clinic records the restore as its first event.
#[tauri::command]
#[specta::specta]
pub async fn restore_newest_backup(
    state: State<'_, AppState>,
    passphrase: Option<String>,
    recovery_code: Option<String>,
) -> CmdResult<AppStatus> {
    let mut s = state.lock();
    // Only a clinic that failed to open (not one waiting for its key or passphrase, not one
    // open in another window) is replaced from here: a healthy clinic is restored with
    // `klinik restore`, deliberately.
    let damaged = s.open_error.as_ref().is_some_and(|e| {
        let code = e.code();
        !crate::state::needs_unlock(code)
            && !matches!(code, klinik::ErrorCode::AlreadyRunning | klinik::ErrorCode::NewerVersion)
    });
    if s.clinic.is_some() || !damaged {
        return Err(klinik::Error::Conflict("only a clinic that cannot be opened is restored from here".into()).into());
    }
    let Some((from, _)) = klinik::backup::newest_for(&s.data_dir)? else {
        return Err(klinik::Error::NotFound.into());
    };
    let unlock = Unlock {
        passphrase: passphrase.filter(|p| !p.is_empty()).map(Secret::new),
        recovery_code: recovery_code.filter(|p| !p.is_empty()).map(Secret::new),
    };
    let (clinic, _, _) = Clinic::restore_backup(&from, &s.data_dir, &unlock, &OsKeyring, Arc::new(SystemClock))?;
    s.open_error = None;
    s.adopt(clinic);
    Ok(s.status())
}

/// The window's first screen is ready (the login form or the setup wizard). With
/// `KLINIK_MEASURE` set, prints the moment (Unix milliseconds) for `./dev measure`, which
/// times it from the process start; otherwise does nothing.
#[tauri::command]
#[specta::specta]
pub async fn first_screen() -> CmdResult<()> {
    if std::env::var_os("KLINIK_MEASURE").is_some() {
        let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
        eprintln!("KLINIK_FIRST_SCREEN_AT={ms}");
    }
    Ok(())
}
