//! One process per database, with an error that says who holds it.
//!
//! sled takes an exclusive `flock` on its database file, which the kernel releases when the
//! holder exits — however it exits, so a killed daemon never leaves a stale lock. But its
//! error ("could not acquire lock on …: WouldBlock") does not say who holds the database or
//! what to do. The process that gets the lock therefore writes its pid to `owner.pid` next
//! to the database; a process that fails to get it reads that file and reports
//! [`StoreError::Locked`] with the pid, which the CLI turns into "use the daemon's API".

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::StoreError;

const OWNER_FILE: &str = "owner.pid";

/// The file naming the process that holds the database in `dir`.
pub fn owner_file(dir: &Path) -> PathBuf {
    dir.join(OWNER_FILE)
}

/// Records this process as the holder. Called only after sled granted the lock, so no
/// other live process can be writing this file at the same time.
pub fn record_owner(dir: &Path) -> Result<(), StoreError> {
    let path = owner_file(dir);
    let tmp = dir.join(format!("{OWNER_FILE}.tmp"));
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&tmp)?;
        writeln!(file, "{}", std::process::id())?;
        file.sync_all()?;
        fs::rename(&tmp, &path)
    };
    write().map_err(|e| StoreError::Open {
        path: dir.to_path_buf(),
        detail: format!("cannot write {}: {e}", path.display()),
    })
}

/// The pid recorded by the current holder, if the file names a live process.
pub fn current_owner(dir: &Path) -> Option<u32> {
    let text = fs::read_to_string(owner_file(dir)).ok()?;
    let pid: u32 = text.trim().parse().ok()?;
    // On Linux, check that the process exists: a pid file left by a dead process (whose
    // flock is gone) must not be blamed.
    if cfg!(target_os = "linux") && !Path::new(&format!("/proc/{pid}")).exists() {
        return None;
    }
    Some(pid)
}

/// Whether an error from opening sled means another process holds the database.
pub fn is_lock_conflict(error: &sled::Error) -> bool {
    match error {
        sled::Error::Io(io) => {
            io.kind() == std::io::ErrorKind::WouldBlock
                || io.to_string().contains("could not acquire lock")
        }
        _ => false,
    }
}
