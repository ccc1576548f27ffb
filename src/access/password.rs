//! Passwords and PINs as secrets: Argon2id (m = 19 MiB, t = 2, p = 1, random salt, PHC
//! string) over the NFC form of what was typed, capped at 1 KiB before any work is done;
//! and the strength rule for a new password (length and unpredictability, no composition
//! rules). See docs/SECURITY.md.

use crate::secret::Secret;
use crate::{Error, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// Longest secret we hash; longer input is refused before any work is done.
pub const MAX_SECRET_BYTES: usize = 1024;
/// Minimum password length without a second factor (NIST 800-63B-4).
pub const MIN_PASSWORD_CHARS: usize = 15;

fn argon2() -> argon2::Argon2<'static> {
    // Constant parameters that Params::new accepts; see docs/SECURITY.md.
    let params = argon2::Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

fn normalized(secret: &Secret) -> Result<Zeroizing<String>> {
    if secret.expose().len() > MAX_SECRET_BYTES {
        return Err(Error::invalid("the password is too long (at most 1024 bytes)"));
    }
    Ok(Zeroizing::new(secret.expose().nfc().collect()))
}

/// A PHC string for `secret`.
pub fn hash_secret(secret: &Secret) -> Result<String> {
    let n = normalized(secret)?;
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(n.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("argon2: {e}")))
}

/// Checks `secret` against a stored PHC string (parameters are read from the string).
pub fn verify_secret(secret: &Secret, phc: &str) -> Result<bool> {
    let n = match normalized(secret) {
        Ok(n) => n,
        Err(_) => return Ok(false),
    };
    let parsed = PasswordHash::new(phc).map_err(|e| Error::Storage(format!("bad password hash: {e}")))?;
    Ok(argon2().verify_password(n.as_bytes(), &parsed).is_ok())
}

/// How strong a candidate password is, for the form's meter and for the rule in Rust.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordStrength {
    pub score: u8,
    pub acceptable: bool,
    pub min_length: u32,
    pub too_short: bool,
}

/// zxcvbn score 3 or better and at least [`MIN_PASSWORD_CHARS`] characters; no
/// composition rules. `context` holds words the password must not lean on (name, email,
/// clinic name).
pub fn password_strength(password: &str, context: &[&str]) -> PasswordStrength {
    let chars = password.nfc().count();
    let too_short = chars < MIN_PASSWORD_CHARS;
    let score = if password.is_empty() || password.len() > MAX_SECRET_BYTES {
        0
    } else {
        u8::from(zxcvbn::zxcvbn(password, context).score())
    };
    PasswordStrength {
        score,
        acceptable: !too_short && score >= 3 && password.len() <= MAX_SECRET_BYTES,
        min_length: MIN_PASSWORD_CHARS as u32,
        too_short,
    }
}

pub fn require_strong(password: &Secret, context: &[&str]) -> Result<()> {
    let s = password_strength(password.expose(), context);
    if password.expose().len() > MAX_SECRET_BYTES {
        return Err(Error::invalid("the password is too long (at most 1024 bytes)"));
    }
    if s.too_short {
        return Err(Error::WeakPassword(format!("use at least {MIN_PASSWORD_CHARS} characters")));
    }
    if !s.acceptable {
        return Err(Error::WeakPassword("too easy to guess; use a few unrelated words".into()));
    }
    Ok(())
}

/// A valid PHC string of a random password, verified against when the email is unknown.
pub(crate) const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1OAVzEVE8t8jUFUbymT6WeMCZGp9lYwlkYgl6lq8h/s";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_round_trips_in_either_unicode_normalization() {
        let composed = Secret::new("blåbærgrød på fjorden\u{00e5}");
        let decomposed = Secret::new("bla\u{030a}bærgrød på fjorden\u{0061}\u{030a}");
        let h = hash_secret(&composed).expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_secret(&decomposed, &h).expect("verify"));
        assert!(!verify_secret(&Secret::new("blåbærgrød"), &h).expect("verify"));
    }

    #[test]
    fn the_dummy_hash_is_a_valid_phc_string() {
        assert!(!verify_secret(&Secret::new("x"), DUMMY_HASH).expect("parses"));
    }

    #[test]
    fn strength_rule_wants_length_and_unpredictability() {
        assert!(password_strength("password", &[]).too_short);
        assert!(!password_strength("aaaaaaaaaaaaaaaaaaaa", &[]).acceptable);
        assert!(!password_strength("jensen.fysio@example.dk", &["jensen.fysio@example.dk"]).acceptable);
        assert!(password_strength("lilla kaffekop under broen", &[]).acceptable);
        assert!(require_strong(&Secret::new("x".repeat(2000)), &[]).is_err());
    }
}
