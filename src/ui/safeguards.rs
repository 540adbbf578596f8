//! What keeps a chart from being lost or silently changed, for the open document: its lock, the
//! stamp of the file as last read or written, why it is read-only (if it is), and the crash
//! recovery copy written a few seconds after each unsaved change.

use crate::editing::Document;
use crate::lock::{Liveness, LockError, LockInfo, VisitLock};
use crate::recovery::{RecoveryEntry, RecoveryKey, RecoveryStore};
use crate::storage::FileStamp;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long after the last change the recovery copy is written.
pub const RECOVERY_DELAY: Duration = Duration::from_secs(2);

/// The safeguards of the open document.
pub struct Safeguards {
    lock: Option<VisitLock>,
    /// The file as last read or written, to notice changes made by someone else.
    pub stamp: Option<FileStamp>,
    /// Why the visit must not be edited, if so.
    pub read_only: Option<String>,
    recovery: Option<RecoveryStore>,
    recovery_key: RecoveryKey,
    /// The document revision last seen, and when it changed.
    seen: Option<(u64, Instant)>,
    /// The revision last written to the recovery copy.
    recovered: Option<u64>,
    /// The lock another instance holds, when that is why the visit is read-only.
    refused_lock: Option<RefusedLock>,
}

/// A lock this instance did not get: who holds it (unknown if its file cannot be read) and the
/// read-only reason it gave.
#[derive(Clone, Debug)]
pub struct RefusedLock {
    /// Who holds it, if the lock file could be read.
    pub holder: Option<LockInfo>,
    /// Whether the holder still runs (`Unknown` for another host or an unreadable lock).
    pub liveness: Liveness,
    /// The read-only reason shown for it.
    pub reason: String,
}

impl Safeguards {
    /// Safeguards that write recovery copies to `recovery` (none in tests that do not want them).
    pub fn new(recovery: Option<RecoveryStore>) -> Self {
        Safeguards {
            lock: None,
            stamp: None,
            read_only: None,
            recovery,
            recovery_key: RecoveryKey::new_random(),
            seen: None,
            recovered: None,
            refused_lock: None,
        }
    }

    /// The recovery store, if any.
    pub fn recovery(&self) -> Option<&RecoveryStore> {
        self.recovery.as_ref()
    }

    /// Takes the lock of `path` for a newly opened or saved visit, dropping the previous one.
    /// Returns a read-only reason when another instance holds it.
    pub fn lock(&mut self, path: &Path) -> Option<String> {
        self.lock = None;
        self.refused_lock = None;
        let (holder, liveness, reason) = match VisitLock::acquire(path) {
            Ok(lock) => {
                self.lock = Some(lock);
                return None;
            }
            Err(LockError::Held {
                file,
                holder,
                liveness,
            }) => {
                let reason = LockError::Held {
                    file,
                    holder: holder.clone(),
                    liveness,
                }
                .to_string();
                (Some(*holder), liveness, reason)
            }
            Err(error @ LockError::Unreadable { .. }) => {
                (None, Liveness::Unknown, error.to_string())
            }
            // Not a lock held by someone (e.g. a folder that cannot be written): nothing to
            // take over.
            Err(error) => return Some(format!("{error}; it opens read-only")),
        };
        self.refused_lock = Some(RefusedLock {
            holder,
            liveness,
            reason: reason.clone(),
        });
        Some(reason)
    }

    /// The lock another instance holds on the open visit, when the visit is read-only because
    /// of it (and so could be taken over).
    pub fn refused_lock(&self) -> Option<&RefusedLock> {
        self.refused_lock
            .as_ref()
            .filter(|refused| self.read_only.as_deref() == Some(refused.reason.as_str()))
    }

    /// Takes over the lock of `path` from the holder the user was warned about
    /// ([`VisitLock::take_over`]); on success the visit is no longer read-only for it. If the
    /// lock changed meanwhile, the error names the new holder and nothing changes.
    pub fn take_over(&mut self, path: &Path) -> Result<(), LockError> {
        let Some(refused) = self.refused_lock() else {
            return Ok(());
        };
        let lock = VisitLock::take_over(path, refused.holder.as_ref())?;
        self.lock = Some(lock);
        self.refused_lock = None;
        self.read_only = None;
        Ok(())
    }

    /// Forgets the file: a new visit.
    pub fn reset(&mut self) {
        self.discard_recovery();
        self.lock = None;
        self.refused_lock = None;
        self.stamp = None;
        self.read_only = None;
        self.recovery_key = RecoveryKey::new_random();
        self.seen = None;
    }

    /// Writes the recovery copy when the document has unsaved changes that have rested for
    /// [`RECOVERY_DELAY`]; removes it once there are none. Returns how long to wait before
    /// calling again, when a write is due later.
    pub fn keep_recovery_copy(&mut self, doc: &Document, path: Option<&Path>) -> Option<Duration> {
        let now = Instant::now();
        let revision = doc.revision();
        let changed_at = match self.seen {
            Some((seen, at)) if seen == revision => at,
            _ => {
                self.seen = Some((revision, now));
                now
            }
        };
        if !doc.is_dirty() {
            self.discard_recovery();
            return None;
        }
        if self.recovered == Some(revision) {
            return None;
        }
        let waited = now.duration_since(changed_at);
        if waited < RECOVERY_DELAY {
            return Some(RECOVERY_DELAY - waited);
        }
        let store = self.recovery.as_ref()?;
        let entry = RecoveryEntry::new(
            self.recovery_key,
            path.map(Path::to_owned),
            doc.visit().clone(),
            chrono::Local::now().fixed_offset(),
        );
        // A failed recovery write must not interrupt charting; the next change tries again.
        if store.write(&entry).is_ok() {
            self.recovered = Some(revision);
        }
        None
    }

    /// Removes this document's recovery copy (after a save, a discard or a clean exit).
    pub fn discard_recovery(&mut self) {
        if let (Some(store), Some(_)) = (&self.recovery, self.recovered.take()) {
            // Nothing to do if it is already gone.
            let _ = store.discard(self.recovery_key);
        }
    }
}
