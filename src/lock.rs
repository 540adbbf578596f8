//! Two writers: a lock file beside an open visit (`visit.ron.lock`) that names who has it open
//! and since when, so that a second instance opens it read-only and says so; and the check that a
//! file has not changed on disk since it was opened (see [`crate::storage::FileStamp`]).
//!
//! The lock is advisory and created atomically (a hard link of a complete temporary file, or
//! `create_new`). A lock left by a crashed instance on this host (its process no longer runs) is
//! stale and is taken over by [`VisitLock::acquire`]. A lock from another host cannot be checked:
//! it is reported as held, and the user may take it over with [`VisitLock::take_over`] once they
//! know that instance is gone. [`crate::storage::save_visit`] refuses to write over a visit whose
//! lock is held by another running instance.

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
}

/// Whether the process that wrote a lock or a recovery file still runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liveness {
    /// It runs (or it is this process).
    Running,
    /// It runs on this host no more.
    NotRunning,
    /// It ran on another host: this cannot be checked from here.
    Unknown,
}

impl LockInfo {
    /// This process, now.
    pub fn current() -> Self {
        LockInfo {
            user: user_name(),
            host: host_name(),
            pid: std::process::id(),
            since: Local::now().fixed_offset(),
        }
    }

    /// Whether it names this process.
    pub fn is_this_process(&self) -> bool {
        self.pid == std::process::id() && self.host == host_name()
    }

    /// Whether its holder still runs.
    pub fn liveness(&self) -> Liveness {
        process_liveness(&self.host, self.pid)
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
        holder: LockInfo,
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

/// The lock file of a visit file: `visit.ron.lock` beside `visit.ron`.
pub fn lock_path_for(visit: &Path) -> PathBuf {
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
                            holder,
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
                    holder,
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
                    holder: current,
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

/// Whether process `pid` on `host` still runs, as far as can be told from here.
pub(crate) fn process_liveness(host: &str, pid: u32) -> Liveness {
    if host != host_name() {
        return Liveness::Unknown;
    }
    if pid == std::process::id() {
        return Liveness::Running;
    }
    pid_liveness(pid)
}

#[cfg(unix)]
fn pid_liveness(pid: u32) -> Liveness {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return Liveness::NotRunning;
    };
    if pid <= 0 {
        return Liveness::NotRunning;
    }
    // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
    let result = unsafe { libc::kill(pid, 0) };
    if result == 0 {
        return Liveness::Running;
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::ESRCH) => Liveness::NotRunning,
        // EPERM: it exists but belongs to another user.
        _ => Liveness::Running,
    }
}

#[cfg(not(unix))]
fn pid_liveness(_pid: u32) -> Liveness {
    Liveness::Unknown
}

/// This machine's host name.
pub(crate) fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length; gethostname writes at most that much.
        let result = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if result == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            let name = String::from_utf8_lossy(&buf[..end]).into_owned();
            if !name.is_empty() {
                return name;
            }
        }
    }
    std::env::var("HOSTNAME")
        .or_else(|_| std::env::var("COMPUTERNAME"))
        .unwrap_or_else(|_| "unknown-host".to_owned())
}

/// The user name this process runs as.
pub(crate) fn user_name() -> String {
    #[cfg(unix)]
    {
        if let Some(name) = unix_user_name() {
            return name;
        }
    }
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown-user".to_owned())
}

#[cfg(unix)]
fn unix_user_name() -> Option<String> {
    let mut buf = vec![0u8; 4096];
    // SAFETY: passwd is plain old data; getpwuid_r fills it and points into `buf`, which outlives
    // every read below.
    unsafe {
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(
            libc::getuid(),
            &mut pwd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut result,
        );
        if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        let name = std::ffi::CStr::from_ptr(pwd.pw_name)
            .to_string_lossy()
            .into_owned();
        (!name.is_empty()).then_some(name)
    }
}

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
