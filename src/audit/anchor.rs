//! The audit chain's head, kept where the database file's owner cannot rewrite it, and
//! checked every time the clinic opens.
//!
//! Whoever holds the key can replace `klinik.db` with an older copy, or cut and rehash
//! the whole chain: verification alone cannot see that. So on every clean close and every
//! backup the newest `(seq, hash)` is written outside the database, and opening refuses a
//! chain that no longer contains it ("rolled back or cut"):
//!
//! - **keyring mode**: a second keyring entry beside the key (service `klinik-anchor`).
//!   Replacing the data folder does not touch it.
//! - **passphrase mode**: `anchor.json` in the data folder, with an HMAC-SHA-256 under a
//!   key derived from the vault key, so it cannot be forged or edited without the key.
//!   Someone who replaces the database *and* this file with an older pair is not caught
//!   here; the backup manifests keep the heads too, and a restore or a printed log review
//!   compares against them.
//!
//! The anchor only moves forward; a restore (with the recovery code or passphrase) is the
//! one authorised way back, and it re-anchors at the restored head.

use crate::audit;
use crate::ids::ClinicId;
use crate::secret::MasterKey;
use crate::vault::{DataDir, KeyStorage, KeyStore};
use crate::{Error, Result};
use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;
use zeroize::Zeroizing;

/// What is kept: the newest event's seq and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

#[derive(Serialize, Deserialize)]
struct SignedHead {
    seq: i64,
    hash: String,
    mac: String,
}

/// Where this clinic's anchor lives.
pub(crate) enum AnchorStore {
    Keyring { store: Arc<dyn KeyStore>, clinic: ClinicId },
    File { path: PathBuf, mac_key: Zeroizing<[u8; 32]> },
}

impl std::fmt::Debug for AnchorStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnchorStore::Keyring { clinic, .. } => write!(f, "AnchorStore::Keyring({clinic})"),
            AnchorStore::File { path, .. } => write!(f, "AnchorStore::File({})", path.display()),
        }
    }
}

/// The file name of the passphrase mode's anchor.
pub const FILE: &str = "anchor.json";

fn mac_key(key: &MasterKey) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(b"klinik audit anchor v1\0");
    h.update(key.bytes());
    Zeroizing::new(h.finalize().into())
}

fn mac(key: &[u8; 32], seq: i64, hash: &str) -> Result<String> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|e| Error::Internal(e.to_string()))?;
    m.update(format!("{seq}:{hash}").as_bytes());
    Ok(hex::encode(m.finalize().into_bytes()))
}

impl AnchorStore {
    pub(crate) fn for_clinic(
        storage: KeyStorage,
        data: &DataDir,
        keystore: &dyn KeyStore,
        clinic: &ClinicId,
        key: &MasterKey,
    ) -> Self {
        match storage {
            KeyStorage::Keyring => AnchorStore::Keyring { store: keystore.shared(), clinic: clinic.clone() },
            KeyStorage::Passphrase => AnchorStore::File { path: data.root().join(FILE), mac_key: mac_key(key) },
        }
    }

    /// The anchored head, if one was written. A file whose MAC does not hold is damage
    /// (or tampering), not "no anchor".
    pub(crate) fn load(&self) -> Result<Option<Head>> {
        let text = match self {
            AnchorStore::Keyring { store, clinic } => store.load_anchor(clinic)?,
            AnchorStore::File { path, .. } => match std::fs::read_to_string(path) {
                Ok(t) => Some(t),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(e.into()),
            },
        };
        let Some(text) = text else { return Ok(None) };
        let signed: SignedHead =
            serde_json::from_str(&text).map_err(|_| Error::Corrupted("the audit anchor cannot be read".into()))?;
        if let AnchorStore::File { mac_key, .. } = self {
            if mac(mac_key, signed.seq, &signed.hash)? != signed.mac {
                return Err(Error::Corrupted("the audit anchor was altered".into()));
            }
        }
        Ok(Some(Head { seq: signed.seq, hash: signed.hash }))
    }

    /// Writes `head` (never backwards unless `allow_back`: a restore).
    pub(crate) fn store(&self, head: &Head, allow_back: bool) -> Result<()> {
        if !allow_back {
            if let Ok(Some(old)) = self.load() {
                if old.seq > head.seq {
                    return Ok(());
                }
            }
        }
        let mac = match self {
            AnchorStore::File { mac_key, .. } => mac(mac_key, head.seq, &head.hash)?,
            AnchorStore::Keyring { .. } => String::new(),
        };
        let text = serde_json::to_string(&SignedHead { seq: head.seq, hash: head.hash.clone(), mac })
            .map_err(|e| Error::Internal(e.to_string()))?;
        match self {
            AnchorStore::Keyring { store, clinic } => store.store_anchor(clinic, &text),
            AnchorStore::File { path, .. } => {
                // Write beside, then rename: a crash leaves the old anchor or the new one.
                let tmp = path.with_extension("json.tmp");
                std::fs::write(&tmp, text.as_bytes())?;
                std::fs::File::open(&tmp)?.sync_all()?;
                std::fs::rename(&tmp, path)?;
                Ok(())
            }
        }
    }
}

/// The chain's current head.
pub(crate) fn head_of(conn: &Connection) -> Result<Head> {
    let (seq, hash) = audit::head(conn)?;
    Ok(Head { seq, hash })
}

/// Refuses a chain that does not hold the anchored head: cut (shorter) or rolled back /
/// rewritten (the event at that seq has another hash).
pub(crate) fn check(conn: &Connection, anchored: &Head) -> Result<()> {
    let found: Option<String> =
        conn.query_row("SELECT hash FROM audit_events WHERE seq = ?1", [anchored.seq], |r| r.get(0)).optional()?;
    match found {
        Some(h) if h == anchored.hash => Ok(()),
        Some(_) => Err(Error::Corrupted(format!(
            "the audit trail was rewritten: event {} differs from the anchored one. Restore the newest backup",
            anchored.seq
        ))),
        None => Err(Error::Corrupted(format!(
            "the audit trail was rolled back or cut: it no longer reaches event {} that was anchored when the \
             clinic was last closed. Restore the newest backup",
            anchored.seq
        ))),
    }
}
