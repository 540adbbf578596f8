//! Two writers: a lock file beside an open visit (`visit.ron.lock`) that names who has it open
//! and since when, so that a second instance opens it read-only and says so; and the check that a
//! file has not changed on disk since it was opened (see [`crate::storage::FileStamp`]).
//!
//! The lock is advisory and created atomically (a hard link of a complete temporary file, or
//! `create_new`). A lock left by a crashed instance on this host (its process no longer runs, as
//! decided by [`crate::liveness`]: pid, boot id and process start time) is stale and is taken
//! over by [`VisitLock::acquire`]. A lock from another host cannot be checked:
//! it is reported as held, and the user may take it over with [`VisitLock::take_over`] once they
//! know that instance is gone. [`crate::storage::save_visit`] refuses to write over a visit whose
//! lock is held by another running instance.

use crate::liveness::{RecordedProcess, ThisProcess};
use crate::storage::{self, FileKind, Links};
use chrono::{DateTime, FixedOffset, Local};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What is appended to a visit file's name to name its lock file.
pub const LOCK_SUFFIX: &str = ".lock";

/// Who holds a lock: written in the lock file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// The user name of the holder.
    pub user: String,
    /// The host name of the machine the holder runs on.
    pub host: String,
    /// The holder's process id on that host.
    pub pid: u32,
    /// Since when it holds the lock.
    pub since: DateTime<FixedOffset>,
    /// The id of the holder's host's boot (Linux; `None` in locks of older TriggerMaps).
    #[serde(default)]
    pub boot_id: Option<String>,
    /// The holder's process start time in clock ticks since boot (Linux; `None` in locks of
    /// older TriggerMaps).
    #[serde(default)]
    pub start_time: Option<u64>,
}

pub use crate::liveness::Liveness;

impl LockInfo {
    /// This process, now.
    pub fn current() -> Self {
        let this = ThisProcess::get();
        LockInfo {
            user: crate::liveness::user_name(),
            host: this.host,
            pid: this.pid,
            since: Local::now().fixed_offset(),
            boot_id: this.boot_id,
            start_time: this.start_time,
        }
    }

    /// Whether it names this process (same host, pid, boot and start time).
    pub fn is_this_process(&self) -> bool {
        crate::liveness::is_this_process(self.holder())
    }

    /// Whether its holder still runs (see [`crate::liveness`] for the rule).
    pub fn liveness(&self) -> Liveness {
        crate::liveness::liveness(self.holder())
    }

    fn holder(&self) -> RecordedProcess<'_> {
        RecordedProcess {
            host: &self.host,
            pid: self.pid,
            boot_id: self.boot_id.as_deref(),
            start_time: self.start_time,
        }
    }
}

impl fmt::Display for LockInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} on {} (process {}) since {}",
            self.user,
            self.host,
            self.pid,
            self.since.format("%Y-%m-%d %H:%M")
        )
    }
}

/// Why a lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another instance has the visit open (or had it, on another host, and may still).
    #[error(
        "{file}: already open by {holder}; it opens read-only here (if that instance is gone, the lock can be taken over)"
    )]
    Held {
        /// The visit file.
        file: PathBuf,
        /// Who holds the lock.
        holder: Box<LockInfo>,
        /// Whether the holder runs (`Unknown` for another host).
        liveness: Liveness,
    },
    /// A lock file exists but cannot be read as one (damaged, or not readable by this user).
    #[error(
        "{file}: locked by another instance, but its lock file cannot be read ({detail}); it opens read-only here"
    )]
    Unreadable {
        /// The visit file.
        file: PathBuf,
        /// What went wrong reading it.
        detail: String,
    },
    /// The operating system refused.
    #[error("{file}: {action}: {source}")]
    Io {
        /// The lock file.
        file: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
}

/// A held lock on a visit file; released when dropped.
#[derive(Debug)]
pub struct VisitLock {
    lock_file: PathBuf,
    info: LockInfo,
    released: bool,
}

/// The lock file of a visit file: `visit.ron.lock` beside `visit.ron`. For a symbolic link,
/// beside the real file it names ([`crate::paths::resolve_link`]), so that the link and the
/// real path share one lock.
pub fn lock_path_for(visit: &Path) -> PathBuf {
    let visit = crate::paths::resolve_link(visit).unwrap_or_else(|_| visit.to_owned());
    let mut name = visit.file_name().unwrap_or_default().to_os_string();
    name.push(LOCK_SUFFIX);
    visit.with_file_name(name)
}

/// Who holds the lock of `visit`, if anyone (`Ok(None)`: no lock file).
pub fn read_lock(visit: &Path) -> Result<Option<LockInfo>, LockError> {
    let lock_file = lock_path_for(visit);
    let text = match storage::read_regular_capped(&lock_file, LOCK_FILE) {
        Ok(Some(content)) => content.bytes,
        Ok(None) => return Ok(None),
        Err(e) => {
            return Err(LockError::Unreadable {
                file: visit.to_owned(),
                detail: e.to_string(),
            });
        }
    };
    parse_lock(&text)
        .map(Some)
        .ok_or_else(|| LockError::Unreadable {
            file: visit.to_owned(),
            detail: "not a TriggerMap lock file".to_owned(),
        })
}

/// A lock file: small, and written by TriggerMap alone (a link there can only have been planted).
const LOCK_FILE: FileKind = FileKind {
    name: "a lock file",
    max_bytes: 4096,
    links: Links::Refuse,
};

fn parse_lock(bytes: &[u8]) -> Option<LockInfo> {
    if bytes.len() > 4096 {
        return None;
    }
    ron::from_str(std::str::from_utf8(bytes).ok()?).ok()
}

/// The holder of `visit`'s lock if it is another instance that runs (or may run, on another
/// host); used by [`crate::storage::save_visit`] to refuse writing under another's lock.
pub(crate) fn held_by_another(visit: &Path) -> Option<LockInfo> {
    match read_lock(visit) {
        Ok(Some(info)) if !info.is_this_process() && info.liveness() != Liveness::NotRunning => {
            Some(info)
        }
        _ => None,
    }
}

impl VisitLock {
    /// Locks `visit` (which need not exist yet) for this process. A stale lock (this host, its
    /// process gone) is taken over; a live one, or one from another host, gives
    /// [`LockError::Held`] naming the holder, and the UI should open the visit read-only.
    pub fn acquire(visit: &Path) -> Result<VisitLock, LockError> {
        let lock_file = lock_path_for(visit);
        let info = LockInfo::current();
        // Two rounds: the second after removing a stale lock.
        for _ in 0..2 {
            if create_lock_file(&lock_file, visit, &info)? {
                return Ok(VisitLock {
                    lock_file,
                    info,
                    released: false,
                });
            }
            match read_lock(visit)? {
                None => continue, // released meanwhile
                Some(holder) => {
                    let liveness = holder.liveness();
                    if liveness != Liveness::NotRunning {
                        return Err(LockError::Held {
                            file: visit.to_owned(),
                            holder: Box::new(holder),
                            liveness,
                        });
                    }
                    remove_if_still(&lock_file, Some(&holder))?;
                }
            }
        }
        match read_lock(visit)? {
            Some(holder) => {
                let liveness = holder.liveness();
                Err(LockError::Held {
                    file: visit.to_owned(),
                    holder: Box::new(holder),
                    liveness,
                })
            }
            None => Err(LockError::Io {
                file: lock_file,
                action: "cannot create the lock file",
                source: std::io::Error::other("the lock keeps changing"),
            }),
        }
    }

    /// Takes over the lock of `visit` after the user confirmed that its holder is gone: removes
    /// the lock file if it still names `seen` (`None`: if it is still unreadable or absent), then
    /// acquires it. If the lock changed meanwhile, the new holder is reported instead.
    pub fn take_over(visit: &Path, seen: Option<&LockInfo>) -> Result<VisitLock, LockError> {
        let lock_file = lock_path_for(visit);
        match read_lock(visit) {
            Ok(Some(current)) if Some(&current) != seen => {
                let liveness = current.liveness();
                return Err(LockError::Held {
                    file: visit.to_owned(),
                    holder: Box::new(current),
                    liveness,
                });
            }
            Ok(_) | Err(LockError::Unreadable { .. }) => {}
            Err(e) => return Err(e),
        }
        match std::fs::remove_file(&lock_file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(LockError::Io {
                    file: lock_file,
                    action: "cannot remove the old lock file",
                    source,
                });
            }
        }
        VisitLock::acquire(visit)
    }

    /// Who holds it: this process, since when.
    pub fn info(&self) -> &LockInfo {
        &self.info
    }

    /// The lock file.
    pub fn lock_file(&self) -> &Path {
        &self.lock_file
    }

    /// Whether the lock file still names this lock (another instance may have taken it over).
    pub fn still_held(&self) -> bool {
        storage::read_regular_capped(&self.lock_file, LOCK_FILE)
            .ok()
            .flatten()
            .and_then(|c| parse_lock(&c.bytes))
            .is_some_and(|i| i == self.info)
    }

    /// Releases the lock now (dropping it does the same, ignoring errors).
    pub fn release(mut self) -> Result<(), LockError> {
        self.released = true;
        remove_if_still(&self.lock_file, Some(&self.info))
    }
}

impl Drop for VisitLock {
    fn drop(&mut self) {
        if !self.released {
            let _ = remove_if_still(&self.lock_file, Some(&self.info));
        }
    }
}

/// Removes `lock_file` if it still holds `expected`. The check and the removal are not one
/// atomic step; the window is tiny and only matters if two instances take over the same stale
/// lock at the same moment.
fn remove_if_still(lock_file: &Path, expected: Option<&LockInfo>) -> Result<(), LockError> {
    let current = storage::read_regular_capped(lock_file, LOCK_FILE)
        .ok()
        .flatten()
        .and_then(|c| parse_lock(&c.bytes));
    if current.as_ref() != expected {
        return Ok(());
    }
    match std::fs::remove_file(lock_file) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(LockError::Io {
            file: lock_file.to_owned(),
            action: "cannot remove the lock file",
            source,
        }),
    }
}

/// Creates `lock_file` holding `info`, atomically and only if it does not exist: true if created,
/// false if it exists.
fn create_lock_file(lock_file: &Path, visit: &Path, info: &LockInfo) -> Result<bool, LockError> {
    let io_error = |action, source| LockError::Io {
        file: lock_file.to_owned(),
        action,
        source,
    };
    let text = ron::to_string(info)
        .map_err(|e| io_error("cannot write the lock file", std::io::Error::other(e)))?;
    let folder = match lock_file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    // A complete temporary file linked into place: the lock never exists half-written.
    let mut temp = tempfile::Builder::new()
        .prefix(".triggermap-")
        .suffix(".tmp")
        .tempfile_in(&folder)
        .map_err(|e| io_error("cannot create the lock file", e))?;
    temp.write_all(text.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| io_error("cannot write the lock file", e))?;
    set_shared_mode(temp.path(), visit);
    match std::fs::hard_link(temp.path(), lock_file) {
        Ok(()) => return Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(_) => {} // no hard links on this file system: fall back to create_new
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(lock_file)
    {
        Ok(mut file) => {
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| io_error("cannot write the lock file", e))?;
            set_shared_mode(lock_file, visit);
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(io_error("cannot create the lock file", e)),
    }
}

/// A lock file is readable by whoever may read the visit (owner, and its group if the visit file
/// is group-readable), so that they can see who holds it. It holds no patient data.
#[cfg(unix)]
fn set_shared_mode(lock_file: &Path, visit: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let group = std::fs::metadata(visit).map_or(0, |m| m.permissions().mode() & 0o060);
    let _ = std::fs::set_permissions(lock_file, std::fs::Permissions::from_mode(0o600 | group));
}

#[cfg(not(unix))]
fn set_shared_mode(_lock_file: &Path, _visit: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acquire_reports_the_holder_and_releases_on_drop() {
        let dir = tempfile::tempdir().expect("dir");
        let visit = dir.path().join("v.ron");
        let lock = VisitLock::acquire(&visit).expect("first");
        assert!(lock.still_held());
        assert_eq!(lock.lock_file(), dir.path().join("v.ron.lock"));
        match VisitLock::acquire(&visit) {
            Err(LockError::Held { holder, .. }) => assert!(holder.is_this_process()),
            other => panic!("expected Held, got {other:?}"),
        }
        drop(lock);
        assert!(!dir.path().join("v.ron.lock").exists());
        let again = VisitLock::acquire(&visit).expect("after release");
        again.release().expect("release");
        assert!(!dir.path().join("v.ron.lock").exists());
    }

    #[test]
    fn a_stale_lock_on_this_host_is_taken_over() {
        let dir = tempfile::tempdir().expect("dir");
        let visit = dir.path().join("v.ron");
        let mut stale = LockInfo::current();
        stale.pid = dead_pid();
        std::fs::write(lock_path_for(&visit), ron::to_string(&stale).expect("ron")).expect("w");
        let lock = VisitLock::acquire(&visit).expect("takes over");
        assert!(lock.info().is_this_process());
    }

    #[test]
    fn a_lock_of_another_boot_or_a_reused_pid_is_stale() {
        let dir = tempfile::tempdir().expect("dir");
        let visit = dir.path().join("v.ron");
        // This very process's pid runs: only the boot id says the holder is gone.
        let mut before_reboot = LockInfo::current();
        before_reboot.boot_id = Some("00000000-0000-0000-0000-000000000000".to_owned());
        std::fs::write(
            lock_path_for(&visit),
            ron::to_string(&before_reboot).expect("ron"),
        )
        .expect("w");
        assert!(!before_reboot.is_this_process());
        if cfg!(target_os = "linux") {
            assert_eq!(before_reboot.liveness(), Liveness::NotRunning);
            let lock = VisitLock::acquire(&visit).expect("takes over");
            assert!(lock.info().is_this_process());
            drop(lock);
            let mut reused_pid = LockInfo::current();
            reused_pid.start_time = reused_pid.start_time.map(|t| t + 1);
            assert_eq!(reused_pid.liveness(), Liveness::NotRunning);
        }
    }

    #[test]
    fn a_pid_only_lock_of_an_older_triggermap_is_held_while_its_pid_runs() {
        let dir = tempfile::tempdir().expect("dir");
        let visit = dir.path().join("v.ron");
        let current = LockInfo::current();
        let old = format!(
            "(user: \"mlee\", host: {:?}, pid: {}, since: \"2025-03-04T08:00:00+01:00\")",
            current.host, current.pid
        );
        std::fs::write(lock_path_for(&visit), old).expect("w");
        let holder = read_lock(&visit).expect("read").expect("a lock");
        assert_eq!((holder.boot_id.as_deref(), holder.start_time), (None, None));
        if cfg!(target_os = "linux") {
            match VisitLock::acquire(&visit) {
                Err(LockError::Held { liveness, .. }) => assert_eq!(liveness, Liveness::Unknown),
                other => panic!("expected Held, got {other:?}"),
            }
        }
        VisitLock::take_over(&visit, Some(&holder)).expect("take over");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_and_its_real_file_share_one_lock() {
        let dir = tempfile::tempdir().expect("dir");
        let real = dir.path().join("real.ron");
        std::fs::write(&real, "x").expect("w");
        let link = dir.path().join("link.ron");
        std::os::unix::fs::symlink(&real, &link).expect("link");
        assert_eq!(lock_path_for(&link), dir.path().join("real.ron.lock"));
        let lock = VisitLock::acquire(&link).expect("through the link");
        assert!(matches!(
            VisitLock::acquire(&real),
            Err(LockError::Held { .. })
        ));
        drop(lock);
    }

    #[test]
    fn another_hosts_lock_is_held_until_taken_over() {
        let dir = tempfile::tempdir().expect("dir");
        let visit = dir.path().join("v.ron");
        let mut other = LockInfo::current();
        other.host = "another-workstation.invalid".to_owned();
        std::fs::write(lock_path_for(&visit), ron::to_string(&other).expect("ron")).expect("w");
        let err = VisitLock::acquire(&visit).expect_err("held");
        assert!(
            err.to_string().contains("another-workstation.invalid"),
            "{err}"
        );
        assert!(matches!(
            err,
            LockError::Held {
                liveness: Liveness::Unknown,
                ..
            }
        ));
        assert_eq!(held_by_another(&visit), Some(other.clone()));
        let lock = VisitLock::take_over(&visit, Some(&other)).expect("take over");
        assert!(lock.still_held());
    }

    #[test]
    fn a_damaged_lock_is_reported_and_can_be_broken() {
        let dir = tempfile::tempdir().expect("dir");
        let visit = dir.path().join("v.ron");
        std::fs::write(lock_path_for(&visit), b"\0garbage").expect("w");
        assert!(matches!(
            VisitLock::acquire(&visit),
            Err(LockError::Unreadable { .. })
        ));
        VisitLock::take_over(&visit, None).expect("broken");
    }

    /// A pid that no process has: a child that has been waited for.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("spawn true");
        let pid = child.id();
        child.wait().expect("wait");
        pid
    }
}
