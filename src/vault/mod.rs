//! The vault: the one place that opens SQLCipher connections, and the keys that open them.
//!
//! A clinic's data directory holds `klinik.db` (SQLCipher 4, keyed with a random 256-bit
//! master key as a raw key, so opening costs no KDF), `keyslots.json` (the master key
//! wrapped under Argon2id of the recovery code and, in passphrase mode, of the clinic
//! passphrase; nothing in clear) and `klinik.lock` (one process per directory).
//!
//! [`open_connection`] is the only function in the code base that calls
//! `Connection::open*` (clippy's `disallowed-methods` enforces it). It keys the
//! connection before anything else, refuses a build without SQLCipher, proves the key
//! with a real read, and only then turns on WAL, `synchronous=FULL` and friends. Every
//! failure is classified so the person sees *why* the clinic does not open, and nothing
//! on disk is touched on the way.

pub mod keyslots;
pub mod keystore;
pub mod recovery;

use crate::secret::MasterKey;
use crate::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::fs::File;
use std::path::{Path, PathBuf};

pub use keyslots::{KeySlots, KeyStorage};
pub use keystore::{KeyStore, MemoryKeyStore, OsKeyring};
pub use recovery::RecoveryCode;

/// SQLCipher's page size with its defaults; a file that is not a whole number of pages
/// was truncated.
const PAGE_SIZE: u64 = 4096;

/// File names inside a data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn database(&self) -> PathBuf {
        self.root.join("klinik.db")
    }
    pub fn keyslots(&self) -> PathBuf {
        self.root.join("keyslots.json")
    }
    pub fn lock_file(&self) -> PathBuf {
        self.root.join("klinik.lock")
    }
    /// Present while no Klinik has the clinic open, i.e. after a clean close. Missing at
    /// open means the last run ended abruptly (crash, power cut, kill -9).
    pub fn clean_marker(&self) -> PathBuf {
        self.root.join("klinik.closed")
    }
    /// True when a clinic has been set up here.
    pub fn has_clinic(&self) -> bool {
        self.database().exists() || self.keyslots().exists()
    }
}

/// The platform's data directory for Klinik, e.g. `~/.local/share/klinik`.
pub fn default_data_dir() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(x).join("klinik");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home).join(".local/share/klinik");
    }
    PathBuf::from("klinik-data")
}

/// Holds an exclusive lock on the data directory for as long as it lives.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

impl DirLock {
    pub fn acquire(dir: &DataDir) -> Result<Self> {
        std::fs::create_dir_all(dir.root())?;
        restrict_to_owner(dir.root());
        let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.lock_file())?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::AlreadyRunning),
            Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
        }
    }
}

/// Clinic data is for the clinic's OS user only (0700 on Unix). Best effort: a data
/// directory on a file system without Unix modes still works.
fn restrict_to_owner(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700));
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Whether [`open_connection`] may create a new database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    Create,
    Existing,
}

/// Opens and sets up a connection to the clinic database. The only place connections
/// are opened.
pub fn open_connection(path: &Path, key: &MasterKey, mode: OpenMode) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    match mode {
        OpenMode::Create => {
            if path.exists() {
                return Err(Error::Conflict("a database already exists here".into()));
            }
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        OpenMode::Existing => {
            if !path.exists() {
                return Err(Error::NotFound);
            }
            if let Some(e) = classify_file(path)? {
                return Err(e);
            }
        }
    }
    #[allow(clippy::disallowed_methods)] // this is the vault: the one permitted caller
    let conn = Connection::open_with_flags(path, flags)?;
    {
        let hex = key.to_hex();
        // The key must be the first statement on the connection.
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex.as_str()))?;
    }
    conn.execute_batch("PRAGMA cipher_compatibility = 4;")?;
    // Plain SQLite ignores PRAGMA key and would write clear text: fail closed.
    let version: Option<String> = conn.query_row("PRAGMA cipher_version", [], |r| r.get(0)).ok();
    if version.as_deref().unwrap_or("").is_empty() {
        return Err(Error::NotEncrypted);
    }
    // A wrong key only shows on the first real read.
    if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        return Err(match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => Error::WrongKey,
            Some(rusqlite::ErrorCode::DatabaseCorrupt) => Error::Corrupted(e.to_string()),
            _ => Error::from(e),
        });
    }
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;",
    )?;
    // Every page read from the file is decrypted and its HMAC checked; a page kept in the
    // cache is not. 64 MiB holds a 50,000-client clinic's client index and a busy week of
    // appointments (SQLite's default of 2 MiB re-read them on every calendar view). The
    // cached pages are plain text in this process's memory, as every page being read is.
    conn.execute_batch("PRAGMA cache_size = -65536;")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// Looks at an existing file before keying it, to name the problem precisely.
fn classify_file(path: &Path) -> Result<Option<Error>> {
    use std::io::Read;
    let len = std::fs::metadata(path)?.len();
    if len == 0 {
        return Ok(Some(Error::Corrupted("the database file is empty".into())));
    }
    let mut head = [0u8; 16];
    let mut f = File::open(path)?;
    let n = f.read(&mut head)?;
    if n == 16 && &head == b"SQLite format 3\0" {
        return Ok(Some(Error::NotEncrypted));
    }
    if len % PAGE_SIZE != 0 {
        return Ok(Some(Error::Corrupted(format!(
            "the database file is truncated ({len} bytes is not a whole number of pages)"
        ))));
    }
    Ok(None)
}

/// Runs `PRAGMA integrity_check` and `PRAGMA cipher_integrity_check`; returns the
/// problems found (empty when healthy).
pub fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for r in rows {
        let r = r?;
        if r != "ok" {
            problems.push(r);
        }
    }
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for r in rows {
        problems.push(r?);
    }
    Ok(problems)
}

/// The SQLCipher version linked into this build.
pub fn cipher_version(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("PRAGMA cipher_version", [], |r| r.get(0))?)
}
