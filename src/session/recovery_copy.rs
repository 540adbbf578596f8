//! The crash-recovery copy of the open visit: written a few seconds after each unsaved change,
//! into the recovery folder and never over the visit's file, and removed once the work is saved
//! or discarded.

use crate::editing::Document;
use crate::recovery::{RecoveryEntry, RecoveryKey, RecoveryStore};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long after the last change the recovery copy is written.
pub const RECOVERY_DELAY: Duration = Duration::from_secs(2);

/// The recovery copy of one open visit.
#[derive(Debug)]
pub(super) struct RecoveryCopy {
    store: Option<RecoveryStore>,
    key: RecoveryKey,
    /// The document revision last seen, and when it changed.
    seen: Option<(u64, Instant)>,
    /// The revision last written to the copy.
    written: Option<u64>,
}

impl RecoveryCopy {
    /// Copies kept in `store` (none: no copies, as in tests that do not want them).
    pub fn new(store: Option<RecoveryStore>) -> Self {
        RecoveryCopy {
            store,
            key: RecoveryKey::new_random(),
            seen: None,
            written: None,
        }
    }

    /// The recovery folder, if copies are kept.
    pub fn store(&self) -> Option<&RecoveryStore> {
        self.store.as_ref()
    }

    /// Another visit is now open: the copy of the one before is removed and the next copy gets a
    /// key of its own.
    pub fn restart(&mut self) {
        self.discard();
        self.key = RecoveryKey::new_random();
        self.seen = None;
    }

    /// Writes the copy when `doc` has unsaved changes that have rested for [`RECOVERY_DELAY`];
    /// removes it once there are none. Returns how long to wait before calling again, when a
    /// write is due later.
    pub fn keep(&mut self, doc: &Document, path: Option<&Path>, now: Instant) -> Option<Duration> {
        let revision = doc.revision();
        let changed_at = match self.seen {
            Some((seen, at)) if seen == revision => at,
            _ => {
                self.seen = Some((revision, now));
                now
            }
        };
        if !doc.is_dirty() {
            self.discard();
            return None;
        }
        if self.written == Some(revision) {
            return None;
        }
        let waited = now.duration_since(changed_at);
        if waited < RECOVERY_DELAY {
            return Some(RECOVERY_DELAY - waited);
        }
        let store = self.store.as_ref()?;
        let entry = RecoveryEntry::new(
            self.key,
            path.map(Path::to_owned),
            doc.visit().clone(),
            chrono::Local::now().fixed_offset(),
        );
        // A failed recovery write must not interrupt charting; the next change tries again.
        if store.write(&entry).is_ok() {
            self.written = Some(revision);
        }
        None
    }

    /// Removes this visit's copy (after a save, a discard or a clean exit).
    pub fn discard(&mut self) {
        if let (Some(store), Some(_)) = (&self.store, self.written.take()) {
            // Nothing to do if it is already gone.
            let _ = store.discard(self.key);
        }
    }
}
