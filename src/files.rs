//! Files Klinik writes for a person (an invoice PDF, an export): always a new file, never
//! over another.

use crate::{Error, Result};

/// Writes `bytes` as a new file named `name` in `dir` (`name (2)`, `name (3)` … when the
/// name is taken: an export never overwrites another file). Returns its path.
pub fn save_new_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> Result<std::path::PathBuf> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    for n in 1..1000 {
        let candidate = if n == 1 { name.to_owned() } else { format!("{stem} ({n}).{ext}") };
        let path = dir.join(candidate);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(bytes)?;
                f.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::invalid("too many files of that name in the export folder"))
}

/// Makes a new folder named `name` in `dir` (`name (2)` … when taken) and returns it.
pub fn new_folder(dir: &std::path::Path, name: &str) -> Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    for n in 1..1000 {
        let path = dir.join(if n == 1 { name.to_owned() } else { format!("{name} ({n})") });
        match std::fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::invalid("too many folders of that name in the export folder"))
}
