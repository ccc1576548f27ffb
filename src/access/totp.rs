//! Two-factor login with TOTP (RFC 6238) through the `totp-rs` crate: SHA-1, 6 digits,
//! 30-second steps, a 160-bit secret, one step of skew either way, and replay refused —
//! a code whose step is not newer than the last accepted one fails. The secret lives
//! only inside the encrypted database. The QR code is an SVG any authenticator app reads.

use crate::{Error, Result};
use totp_rs::{Algorithm, Builder, Totp};

pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: u8 = 6;
pub const SECRET_BYTES: usize = 20;
pub const RECOVERY_CODES: usize = 10;

/// A fresh 160-bit secret.
pub fn new_secret() -> [u8; SECRET_BYTES] {
    use rand::RngCore;
    let mut s = [0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut s);
    s
}

fn totp(secret: &[u8], digits: u8, account: &str) -> Result<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(digits)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret.to_vec())
        .with_account_name(account)
        .with_issuer(Some("Klinik"))
        .build()
        .map_err(|e| Error::Internal(format!("totp: {e}")))
}

/// The code for one 30-second step.
pub fn code_at_step(secret: &[u8], step: u64) -> Result<String> {
    Ok(totp(secret, DIGITS, "x")?.generate(step * STEP_SECONDS).to_string())
}

/// The step a code belongs to, if it is valid now (±1 step) and newer than `last_step`.
pub fn verify(secret: &[u8], code: &str, unix_now: u64, last_step: Option<u64>) -> Result<Option<u64>> {
    let code = code.trim().replace(' ', "");
    if code.len() != usize::from(DIGITS) || !code.chars().all(|c| c.is_ascii_digit()) {
        return Ok(None);
    }
    let now = unix_now / STEP_SECONDS;
    for step in [now.saturating_sub(1), now, now + 1] {
        if code_at_step(secret, step)? == code {
            return Ok(match last_step {
                Some(last) if step <= last => None,
                _ => Some(step),
            });
        }
    }
    Ok(None)
}

/// The `otpauth://` URI an authenticator app scans.
pub fn provisioning_uri(secret: &[u8], account: &str) -> Result<String> {
    totp(secret, DIGITS, account)?.to_url().map_err(|e| Error::Internal(format!("totp url: {e}")))
}

/// The secret as base32, for typing it into an app by hand.
pub fn secret_base32(uri: &str) -> String {
    uri.split(['?', '&'])
        .find_map(|p| p.strip_prefix("secret="))
        .map(|s| {
            s.chars().collect::<Vec<_>>().chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
        })
        .unwrap_or_default()
}

/// The URI as a QR code in SVG.
pub fn qr_svg(uri: &str) -> Result<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| Error::Internal(format!("qr: {e}")))?;
    Ok(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(220, 220).build())
}

/// Ten single-use recovery codes, `xxxxx-xxxxx` from an unambiguous alphabet (~50 bits).
pub fn new_recovery_codes() -> Vec<String> {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut s = String::new();
            for i in 0..10 {
                if i == 5 {
                    s.push('-');
                }
                s.push(ALPHABET[rng.gen_range(0..ALPHABET.len())] as char);
            }
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, 8 digits, secret "12345678901234567890".
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, expected) in [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(totp(secret, 8, "x").expect("totp").generate(time).to_string(), expected, "t={time}");
        }
    }

    #[test]
    fn one_step_of_skew_either_way_and_no_replay() {
        let secret = new_secret();
        let now = 1_800_000_000u64;
        let step = now / STEP_SECONDS;
        for s in [step - 1, step, step + 1] {
            let code = code_at_step(&secret, s).expect("code");
            assert_eq!(verify(&secret, &code, now, None).expect("verify"), Some(s));
        }
        let far = code_at_step(&secret, step + 2).expect("code");
        assert_eq!(verify(&secret, &far, now, None).expect("verify"), None);
        let code = code_at_step(&secret, step).expect("code");
        assert_eq!(verify(&secret, &code, now, Some(step)).expect("verify"), None, "replayed");
        assert_eq!(verify(&secret, &code, now, Some(step - 1)).expect("verify"), Some(step));
        assert_eq!(verify(&secret, "12a456", now, None).expect("verify"), None);
    }

    #[test]
    fn the_uri_and_qr_code_carry_the_secret() {
        let uri = provisioning_uri(&new_secret(), "ida@example.dk").expect("uri");
        assert!(
            uri.starts_with("otpauth://totp/Klinik:ida%40example.dk?")
                || uri.starts_with("otpauth://totp/Klinik:ida@example.dk?"),
            "{uri}"
        );
        assert!(uri.contains("issuer=Klinik"));
        assert_eq!(secret_base32(&uri).replace(' ', "").len(), 32, "160 bits in base32");
        assert!(qr_svg(&uri).expect("svg").starts_with("<?xml"));
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert!(codes.iter().all(|c| c.len() == 11));
    }
}
