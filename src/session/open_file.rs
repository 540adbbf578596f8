//! The file behind the open visit: its path, what it held when last read or written, its lock,
//! and whether it came from a newer TriggerMap.

use super::ReadOnly;
use crate::lock::{Liveness, LockError, LockInfo, VisitLock};
use crate::storage::{FileStamp, ReadOnlyReason};
use std::path::{Path, PathBuf};

/// The file the open visit was opened from or last saved to.
#[derive(Debug)]
pub(super) struct OpenFile {
    /// Where it is.
    pub path: PathBuf,
    /// What it held when last read or written, to notice changes made by someone else.
    pub stamp: FileStamp,
    /// This instance's hold on it.
    pub lock: LockState,
    /// Set when the file was written by a newer TriggerMap: it is never saved from here.
    pub newer_format: Option<ReadOnlyReason>,
}

impl OpenFile {
    /// The file at `path`, as last read or written (`stamp`), locked for this instance if no
    /// other holds it.
    pub fn new(path: &Path, stamp: FileStamp, newer_format: Option<ReadOnlyReason>) -> Self {
        OpenFile {
            path: path.to_owned(),
            stamp,
            lock: LockState::acquire(path),
            newer_format,
        }
    }

    /// Why the file must not be written from here, if so: a newer format first (it can never be
    /// saved), then a lock held by someone else.
    pub fn read_only(&self) -> Option<ReadOnly> {
        if let Some(reason) = &self.newer_format {
            return Some(ReadOnly::NewerFormat(reason.clone()));
        }
        self.lock.read_only()
    }
}

/// This instance's hold on the lock of the open file.
#[derive(Debug)]
pub(super) enum LockState {
    /// Held by this instance; released when dropped.
    Held(#[expect(dead_code, reason = "held for its Drop, which releases the lock")] VisitLock),
    /// Another instance holds it (or its lock file cannot be read): the visit is read-only
    /// until the user takes it over.
    Refused {
        /// Who holds it, if its lock file could be read.
        holder: Option<Box<LockInfo>>,
        /// Whether the holder still runs.
        liveness: Liveness,
        /// The lock's message.
        message: String,
    },
    /// The lock could not be taken for another reason (e.g. a folder that cannot be written).
    Failed(String),
}

impl LockState {
    /// Takes the lock of `path` for this instance, or says why not.
    pub fn acquire(path: &Path) -> Self {
        match VisitLock::acquire(path) {
            Ok(lock) => LockState::Held(lock),
            Err(error) => LockState::refused(error),
        }
    }

    /// The state after `error` from taking the lock.
    pub fn refused(error: LockError) -> Self {
        let message = error.to_string();
        match error {
            LockError::Held {
                holder, liveness, ..
            } => LockState::Refused {
                holder: Some(holder),
                liveness,
                message,
            },
            LockError::Unreadable { .. } => LockState::Refused {
                holder: None,
                liveness: Liveness::Unknown,
                message,
            },
            LockError::Io { .. } => LockState::Failed(message),
        }
    }

    /// Why the visit is read-only because of the lock, if it is.
    pub fn read_only(&self) -> Option<ReadOnly> {
        match self {
            LockState::Held(_) => None,
            LockState::Refused {
                holder,
                liveness,
                message,
            } => Some(ReadOnly::Locked {
                holder: holder.clone(),
                liveness: *liveness,
                message: message.clone(),
            }),
            LockState::Failed(message) => Some(ReadOnly::LockFailed {
                message: message.clone(),
            }),
        }
    }
}
