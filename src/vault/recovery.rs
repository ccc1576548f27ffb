//! The recovery code: 160 random bits written as 32 Crockford base32 characters in
//! eight groups of four, easy to read aloud and to type back (case, spaces, dashes and
//! the look-alikes O/I/L are forgiven).

use crate::secret::Secret;
use crate::{Error, Result};
use zeroize::Zeroizing;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CHARS: usize = 32;

pub struct RecoveryCode(Secret);

impl RecoveryCode {
    pub fn generate() -> Self {
        use rand::Rng;
        let mut rng = rand::rngs::OsRng;
        let mut s = String::with_capacity(CHARS + 8);
        for i in 0..CHARS {
            if i > 0 && i % 4 == 0 {
                s.push('-');
            }
            s.push(ALPHABET[rng.gen_range(0..32)] as char);
        }
        Self(Secret::new(s))
    }

    /// The code as shown to the person (grouped).
    pub fn display(&self) -> &str {
        self.0.expose()
    }

    /// Parses what a person typed back into the canonical form used for key derivation.
    pub fn parse(typed: &str) -> Result<Self> {
        let mut canon = Zeroizing::new(String::with_capacity(CHARS));
        for c in typed.chars() {
            let c = c.to_ascii_uppercase();
            let c = match c {
                ' ' | '-' | '\t' | '\n' | '\r' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
                return Err(Error::WrongRecoveryCode);
            }
            canon.push(c);
        }
        if canon.len() != CHARS {
            return Err(Error::WrongRecoveryCode);
        }
        let mut s = String::with_capacity(CHARS + 8);
        for (i, c) in canon.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                s.push('-');
            }
            s.push(c);
        }
        Ok(Self(Secret::new(s)))
    }

    /// Bytes fed to Argon2id: the canonical grouped form.
    pub fn kdf_input(&self) -> &[u8] {
        self.0.expose().as_bytes()
    }
}

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_code_has_160_bits_in_eight_groups() {
        let c = RecoveryCode::generate();
        let groups: Vec<&str> = c.display().split('-').collect();
        assert_eq!(groups.len(), 8);
        assert!(groups.iter().all(|g| g.len() == 4));
        // 32 symbols of 5 bits each.
        assert_eq!(groups.concat().len() * 5, 160);
        assert_ne!(c.display(), RecoveryCode::generate().display());
    }

    #[test]
    fn typed_code_is_forgiving_about_case_spaces_and_lookalikes() {
        let c = RecoveryCode::generate();
        let typed = c.display().to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        assert_eq!(RecoveryCode::parse(&typed).expect("parses").display(), c.display());
    }

    #[test]
    fn wrong_length_or_letters_are_refused() {
        assert!(RecoveryCode::parse("ABCD-EFGH").is_err());
        assert!(RecoveryCode::parse(&"U".repeat(32)).is_err());
    }
}
