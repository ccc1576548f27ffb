//! Chain heads kept outside the database by the person who verifies (a log file beside
//! the app's state, a printed review, a backup manifest), to catch a cut or rewritten
//! chain that verification alone cannot.

use super::*;

/// Chain heads appended, one JSON line each, to a file outside the data directory. The
/// app writes one on every verification and checks the chain against the newest, so a
/// cut or rewritten chain shows even to someone who never ran the CLI.
#[derive(Debug, Clone)]
pub struct AnchorLog {
    path: std::path::PathBuf,
}

impl AnchorLog {
    /// `$XDG_STATE_HOME/klinik/anchors/<clinic>.jsonl` (default `~/.local/state/...`).
    pub fn default_for(clinic_id: &str) -> Option<Self> {
        let base = std::env::var_os("XDG_STATE_HOME")
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/state")))?;
        Some(Self { path: base.join("klinik/anchors").join(format!("{clinic_id}.jsonl")) })
    }

    pub fn at(path: impl Into<std::path::PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The newest anchor, if any was written.
    pub fn latest(&self) -> Result<Option<Anchor>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(text.lines().rev().find_map(|l| serde_json::from_str::<Anchor>(l).ok()))
    }

    pub fn append(&self, anchor: &Anchor) -> Result<()> {
        use std::io::Write;
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let line = serde_json::to_string(anchor).map_err(|e| Error::Internal(e.to_string()))?;
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&self.path)?;
        writeln!(f, "{line}")?;
        f.sync_all()?;
        Ok(())
    }
}

/// The chain head written outside the database: whoever holds the key could rewrite or
/// cut the whole chain consistently, but not the copies of its head kept elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Anchor {
    pub clinic_id: String,
    pub seq: i64,
    pub hash: String,
    pub written_at: String,
}

impl Anchor {
    pub fn of(conn: &Connection, clinic_id: &str, now: DateTime<Utc>) -> Result<Self> {
        let (seq, hash) = head(conn)?;
        Ok(Self { clinic_id: clinic_id.to_owned(), seq, hash, written_at: clock::to_db(now) })
    }

    /// Checks the chain against this anchor: the anchored event must still be there with
    /// the same hash. Catches a truncated tail and a rewritten chain that verify alone
    /// cannot.
    pub fn check(&self, conn: &Connection, clinic_id: &str) -> Result<Option<(i64, String)>> {
        if self.clinic_id != clinic_id {
            return Err(Error::invalid("the anchor belongs to another clinic"));
        }
        let (head_seq, _) = head(conn)?;
        if head_seq < self.seq {
            return Ok(Some((
                head_seq + 1,
                format!("the chain ends at seq {head_seq}, but the anchor of {} saw seq {}", self.written_at, self.seq),
            )));
        }
        let hash: Option<String> =
            conn.query_row("SELECT hash FROM audit_events WHERE seq = ?1", [self.seq], |r| r.get(0)).optional()?;
        if hash.as_deref() != Some(self.hash.as_str()) {
            return Ok(Some((
                self.seq,
                format!("event {} differs from the anchor of {}: the chain was rewritten", self.seq, self.written_at),
            )));
        }
        Ok(None)
    }
}
