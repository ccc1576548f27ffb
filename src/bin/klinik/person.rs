//! Signing in as a person from the command line: the password from `KLINIK_PASSWORD` or a
//! prompt, the two-factor code from `KLINIK_TOTP` or a prompt, then the same gate as the
//! window. Opening the clinic takes the keyring, or the passphrase / recovery code.

use klinik::clinic::{JournalMode, Unlock};
use klinik::secret::Secret;
use klinik::vault::OsKeyring;
use klinik::{Clinic, Error, SessionId, SystemClock};
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

pub fn env_secret(name: &str) -> Option<Secret> {
    std::env::var(name).ok().filter(|v| !v.is_empty()).map(Secret::new)
}

pub fn prompt_secret(env: &str, prompt: &str, confirm: bool) -> Result<Secret, Error> {
    if let Some(s) = env_secret(env) {
        return Ok(s);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Invalid(format!("{env} is not set and there is no terminal to ask")));
    }
    let first = Secret::new(rpassword::prompt_password(prompt)?);
    if confirm {
        let again = Secret::new(rpassword::prompt_password("Again: ")?);
        if again.expose() != first.expose() {
            return Err(Error::Invalid("the two entries differ".into()));
        }
    }
    Ok(first)
}

pub fn open(dir: &Path) -> Result<Clinic, Error> {
    let mut unlock =
        Unlock { passphrase: env_secret("KLINIK_PASSPHRASE"), recovery_code: env_secret("KLINIK_RECOVERY_CODE") };
    match Clinic::open(dir, &unlock, &OsKeyring, Arc::new(SystemClock)) {
        Err(Error::Locked) if std::io::stdin().is_terminal() => {
            unlock.passphrase = Some(Secret::new(rpassword::prompt_password("Clinic passphrase: ")?));
            Clinic::open(dir, &unlock, &OsKeyring, Arc::new(SystemClock))
        }
        other => other,
    }
}

/// Signs in as `email` the way the window does (password, then the two-factor code when
/// the account has one), so that the command is this person's, checked by the same gate.
fn sign_in(clinic: &mut Clinic, email: &str) -> Result<(SessionId, Secret), Error> {
    let password = prompt_secret("KLINIK_PASSWORD", &format!("Password for {email}: "), false)?;
    let code = env_secret("KLINIK_TOTP");
    let session = match clinic.login_2fa(email, &password, code.as_ref()) {
        Err(Error::TotpRequired) if code.is_none() => {
            let code = prompt_secret("KLINIK_TOTP", "Two-factor code: ", false)?;
            clinic.login_2fa(email, &password, Some(&code))?
        }
        other => other?,
    };
    Ok((session, password))
}

/// Opens the clinic, signs `email` in, lets `work` run as that person (it gets the session
/// and the password, which some actions ask for again) and signs out — also when `work`
/// failed, so no command leaves a session behind.
pub fn as_person<T>(
    dir: &Path,
    email: &str,
    work: impl FnOnce(&mut Clinic, &SessionId, &Secret) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut clinic = open(dir)?;
    let (session, password) = sign_in(&mut clinic, email)?;
    let result = work(&mut clinic, &session, &password);
    clinic.logout(&session)?;
    result
}

pub fn day_arg(s: &str) -> Result<chrono::NaiveDate, Error> {
    klinik::clock::parse_day(Some(s))?.ok_or_else(|| Error::Invalid("a day is needed (YYYY-MM-DD)".into()))
}

pub fn mode_arg(s: &str) -> Result<JournalMode, Error> {
    JournalMode::parse(&s.replace('-', "_"))
}
