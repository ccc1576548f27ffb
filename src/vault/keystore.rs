//! Where the master key lives when the clinic uses the OS keyring.
//!
//! [`OsKeyring`] is the real store (Secret Service on Linux, Keychain, Credential
//! Manager) through the `keyring` crate with its platform store compiled in; the
//! crate's silent mock is never used. [`MemoryKeyStore`] exists for unit tests of logic
//! around the store (for example a locked keyring, which a test cannot provoke reliably
//! on a real daemon); the applications never construct it.

use crate::ids::ClinicId;
use crate::secret::MasterKey;
use crate::{Error, Result};
use std::collections::HashMap;
use std::sync::Mutex;

pub const SERVICE: &str = "klinik";

pub trait KeyStore: Send + Sync {
    fn load(&self, clinic: &ClinicId) -> Result<MasterKey>;
    fn store(&self, clinic: &ClinicId, key: &MasterKey) -> Result<()>;
    /// Removes the clinic's key and its audit anchor.
    fn delete(&self, clinic: &ClinicId) -> Result<()>;
    /// The audit chain's anchored head (a second entry beside the key: whoever can
    /// replace the database file cannot rewrite it).
    fn load_anchor(&self, clinic: &ClinicId) -> Result<Option<String>>;
    fn store_anchor(&self, clinic: &ClinicId, anchor: &str) -> Result<()>;
    /// The same store, to keep for the lifetime of an open clinic.
    fn shared(&self) -> std::sync::Arc<dyn KeyStore>;
}

/// The keyring service of the audit anchors (the key itself is under `klinik`).
const ANCHOR_SERVICE: &str = "klinik-anchor";

/// The operating system's keyring.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyring;

fn map_keyring_error(e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoEntry => Error::KeyringEntryMissing,
        keyring::Error::NoStorageAccess(inner) => Error::KeyringLocked(inner.to_string()),
        keyring::Error::PlatformFailure(inner) => Error::KeyringUnavailable(inner.to_string()),
        other => Error::KeyringUnavailable(other.to_string()),
    }
}

impl KeyStore for OsKeyring {
    fn load(&self, clinic: &ClinicId) -> Result<MasterKey> {
        let entry = keyring::Entry::new(SERVICE, clinic.as_str()).map_err(map_keyring_error)?;
        let secret = zeroize::Zeroizing::new(entry.get_password().map_err(map_keyring_error)?);
        MasterKey::from_hex(&secret).ok_or(Error::WrongKey)
    }

    fn store(&self, clinic: &ClinicId, key: &MasterKey) -> Result<()> {
        let entry = keyring::Entry::new(SERVICE, clinic.as_str()).map_err(map_keyring_error)?;
        entry.set_password(&key.to_hex()).map_err(map_keyring_error)
    }

    fn delete(&self, clinic: &ClinicId) -> Result<()> {
        for service in [SERVICE, ANCHOR_SERVICE] {
            let entry = keyring::Entry::new(service, clinic.as_str()).map_err(map_keyring_error)?;
            match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(e) => return Err(map_keyring_error(e)),
            }
        }
        Ok(())
    }

    fn load_anchor(&self, clinic: &ClinicId) -> Result<Option<String>> {
        let entry = keyring::Entry::new(ANCHOR_SERVICE, clinic.as_str()).map_err(map_keyring_error)?;
        match entry.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn store_anchor(&self, clinic: &ClinicId, anchor: &str) -> Result<()> {
        let entry = keyring::Entry::new(ANCHOR_SERVICE, clinic.as_str()).map_err(map_keyring_error)?;
        entry.set_password(anchor).map_err(map_keyring_error)
    }

    fn shared(&self) -> std::sync::Arc<dyn KeyStore> {
        std::sync::Arc::new(OsKeyring)
    }
}

/// How a test store fails (e.g. like a locked keyring).
type MakeError = fn() -> Error;

/// An in-process store for tests; can be told to fail like a real keyring does.
#[derive(Debug, Default, Clone)]
pub struct MemoryKeyStore {
    keys: std::sync::Arc<Mutex<HashMap<String, String>>>,
    failure: std::sync::Arc<Mutex<Option<MakeError>>>,
}

impl MemoryKeyStore {
    pub fn new() -> Self {
        Self::default()
    }
    /// Every later call fails with the error `f` makes (e.g. a locked keyring).
    pub fn fail_with(&self, f: fn() -> Error) {
        *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(f);
    }
    fn check(&self) -> Result<()> {
        match *self.failure.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(f) => Err(f()),
            None => Ok(()),
        }
    }
}

impl KeyStore for MemoryKeyStore {
    fn load(&self, clinic: &ClinicId) -> Result<MasterKey> {
        self.check()?;
        let keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        let hex = keys.get(clinic.as_str()).ok_or(Error::KeyringEntryMissing)?;
        MasterKey::from_hex(hex).ok_or(Error::WrongKey)
    }
    fn store(&self, clinic: &ClinicId, key: &MasterKey) -> Result<()> {
        self.check()?;
        self.keys
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(clinic.as_str().to_owned(), key.to_hex().to_string());
        Ok(())
    }
    fn delete(&self, clinic: &ClinicId) -> Result<()> {
        self.check()?;
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        keys.remove(clinic.as_str());
        keys.remove(&format!("anchor:{clinic}"));
        Ok(())
    }
    fn load_anchor(&self, clinic: &ClinicId) -> Result<Option<String>> {
        self.check()?;
        Ok(self.keys.lock().unwrap_or_else(|p| p.into_inner()).get(&format!("anchor:{clinic}")).cloned())
    }
    fn store_anchor(&self, clinic: &ClinicId, anchor: &str) -> Result<()> {
        self.check()?;
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).insert(format!("anchor:{clinic}"), anchor.to_owned());
        Ok(())
    }
    fn shared(&self) -> std::sync::Arc<dyn KeyStore> {
        std::sync::Arc::new(self.clone())
    }
}
