//! `keyslots.json`: the master key wrapped under keys derived from what people hold.
//!
//! Each slot is XChaCha20-Poly1305(Argon2id(secret, salt), master key) with the clinic id
//! and slot kind as associated data, so a slot cannot be moved to another clinic or
//! kind. Changing a passphrase rewrites one slot and never re-encrypts the database. The
//! file holds no clear secret and no clinic name; the `key_check` is a truncated hash of
//! the 256-bit random key, which lets a wrong key be told apart from a damaged file.

use crate::ids::ClinicId;
use crate::secret::MasterKey;
use crate::{Error, Result};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::path::Path;
use zeroize::Zeroizing;

/// Where the master key is kept between starts.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStorage {
    Keyring,
    Passphrase,
}

impl KeyStorage {
    pub fn parse(s: &str) -> Result<Self> {
        s.trim().to_ascii_lowercase().parse().map_err(|_| Error::invalid("key storage must be keyring or passphrase"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlotKind {
    Recovery,
    Passphrase,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Kdf {
    pub algorithm: String,
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
    pub salt: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Slot {
    pub kind: SlotKind,
    pub kdf: Kdf,
    pub aead: String,
    pub nonce: String,
    pub ciphertext: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeySlots {
    pub format: u32,
    pub clinic_id: ClinicId,
    pub key_storage: KeyStorage,
    pub key_check: String,
    pub slots: Vec<Slot>,
}

/// Argon2id for wrapping keys: well above the password-hash minimum because a slot file
/// can be attacked offline.
const KDF_M_KIB: u32 = 64 * 1024;
const KDF_T: u32 = 3;
const KDF_P: u32 = 1;

fn derive(secret: &[u8], kdf: &Kdf) -> Result<Zeroizing<[u8; 32]>> {
    if kdf.algorithm != "argon2id" {
        return Err(Error::Corrupted(format!("unknown key derivation {}", kdf.algorithm)));
    }
    let salt = hex::decode(&kdf.salt).map_err(|_| Error::Corrupted("bad salt in keyslots.json".into()))?;
    let params = argon2::Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32))
        .map_err(|e| Error::Corrupted(format!("bad key derivation parameters: {e}")))?;
    let a2 = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    a2.hash_password_into(secret, &salt, out.as_mut()).map_err(|e| Error::Internal(format!("argon2: {e}")))?;
    Ok(out)
}

fn aad(clinic: &ClinicId, kind: SlotKind) -> Vec<u8> {
    let kind = match kind {
        SlotKind::Recovery => "recovery",
        SlotKind::Passphrase => "passphrase",
    };
    format!("klinik keyslot v1|{}|{kind}", clinic.as_str()).into_bytes()
}

impl Slot {
    pub fn wrap(clinic: &ClinicId, kind: SlotKind, secret: &[u8], key: &MasterKey) -> Result<Self> {
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let kdf = Kdf { algorithm: "argon2id".into(), m_kib: KDF_M_KIB, t: KDF_T, p: KDF_P, salt: hex::encode(salt) };
        let kek = derive(secret, &kdf)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.bytes(), aad: &aad(clinic, kind) })
            .map_err(|_| Error::Internal("key wrapping failed".into()))?;
        Ok(Self { kind, kdf, aead: "xchacha20poly1305".into(), nonce: hex::encode(nonce), ciphertext: hex::encode(ct) })
    }

    /// `None` when the secret is wrong (the AEAD tag does not verify).
    pub fn unwrap_key(&self, clinic: &ClinicId, secret: &[u8]) -> Result<Option<MasterKey>> {
        if self.aead != "xchacha20poly1305" {
            return Err(Error::Corrupted(format!("unknown key wrapping {}", self.aead)));
        }
        let nonce = hex::decode(&self.nonce).map_err(|_| Error::Corrupted("bad nonce".into()))?;
        let ct = hex::decode(&self.ciphertext).map_err(|_| Error::Corrupted("bad ciphertext".into()))?;
        if nonce.len() != 24 {
            return Err(Error::Corrupted("bad nonce length".into()));
        }
        let kek = derive(secret, &self.kdf)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        match cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &ct, aad: &aad(clinic, self.kind) }) {
            Ok(pt) => {
                let pt = Zeroizing::new(pt);
                let bytes: [u8; 32] = pt
                    .as_slice()
                    .try_into()
                    .map_err(|_| Error::Corrupted("wrapped key has the wrong length".into()))?;
                Ok(Some(MasterKey::from_bytes(bytes)))
            }
            Err(_) => Ok(None),
        }
    }
}

impl KeySlots {
    pub fn new(clinic_id: ClinicId, key_storage: KeyStorage, key: &MasterKey) -> Self {
        Self { format: 1, clinic_id, key_storage, key_check: key.check_value(), slots: Vec::new() }
    }

    pub fn slot(&self, kind: SlotKind) -> Option<&Slot> {
        self.slots.iter().find(|s| s.kind == kind)
    }

    pub fn set_slot(&mut self, slot: Slot) {
        self.slots.retain(|s| s.kind != slot.kind);
        self.slots.push(slot);
    }

    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::Corrupted("keyslots.json is missing".into()),
            _ => Error::from(e),
        })?;
        let slots: Self =
            serde_json::from_str(&text).map_err(|e| Error::Corrupted(format!("keyslots.json is damaged: {e}")))?;
        if slots.format != 1 {
            return Err(Error::NewerVersion { found: slots.format.into(), known: 1 });
        }
        Ok(slots)
    }

    /// Writes atomically: a temp file, fsync, rename, so a crash leaves the old or the
    /// new file, never half of one.
    pub fn write(&self, path: &Path) -> Result<()> {
        use std::io::Write;
        let text = serde_json::to_string_pretty(self).map_err(|e| Error::Internal(e.to_string()))?;
        let tmp = path.with_extension("json.tmp");
        {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent() {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }

    /// Does `key` belong to this clinic?
    pub fn matches(&self, key: &MasterKey) -> bool {
        self.key_check == key.check_value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_opens_only_with_its_secret_and_clinic() {
        let clinic = ClinicId::new();
        let key = MasterKey::generate();
        let slot = Slot::wrap(&clinic, SlotKind::Passphrase, b"correct horse", &key).expect("wrap");
        let back = slot.unwrap_key(&clinic, b"correct horse").expect("ok").expect("right secret");
        assert_eq!(back.bytes(), key.bytes());
        assert!(slot.unwrap_key(&clinic, b"wrong horse").expect("ok").is_none());
        assert!(slot.unwrap_key(&ClinicId::new(), b"correct horse").expect("ok").is_none());
    }
}
