//! Why the open visit cannot be edited: one typed reason, decided in one place
//! ([`super::Session::read_only`]).

use crate::lock::{Liveness, LockInfo};
use crate::storage::ReadOnlyReason;
use chrono::{DateTime, FixedOffset};
use std::fmt;

/// Why the open visit cannot be edited now.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadOnly {
    /// Another TriggerMap has the visit open (its lock file says who), or its lock file exists
    /// but cannot be read. The lock can be taken over ([`super::Session::take_over_lock`]).
    Locked {
        /// Who holds the lock, if its file could be read.
        holder: Option<Box<LockInfo>>,
        /// Whether the holder still runs (`Unknown` for another host or an unreadable lock).
        liveness: Liveness,
        /// The lock's own message, naming the file and the holder.
        message: String,
    },
    /// The lock could not be taken for another reason (a folder that cannot be written): there is
    /// nothing to take over.
    LockFailed {
        /// What went wrong, naming the file.
        message: String,
    },
    /// The file was written by a newer TriggerMap: saving would lose what that version added.
    NewerFormat(ReadOnlyReason),
    /// The visit is signed and no amendment is under way: it changes only by an amendment.
    Signed {
        /// Who signed it.
        by: String,
        /// When.
        at: DateTime<FixedOffset>,
    },
}

impl ReadOnly {
    /// Whether the reason is a lock another instance holds, which the user may take over.
    pub fn can_take_over(&self) -> bool {
        matches!(self, ReadOnly::Locked { .. })
    }

    /// Whether the reason is the signature (the visit itself), not the file.
    pub fn is_signature(&self) -> bool {
        matches!(self, ReadOnly::Signed { .. })
    }
}

impl fmt::Display for ReadOnly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadOnly::Locked { message, .. } => f.write_str(message),
            ReadOnly::LockFailed { message } => write!(f, "{message}; it opens read-only"),
            ReadOnly::NewerFormat(reason) => reason.fmt(f),
            ReadOnly::Signed { by, at } => write!(
                f,
                "signed by {by} on {}; a signed visit is changed only by an amendment (Visit menu, Amend…).",
                at.format("%Y-%m-%d %H:%M")
            ),
        }
    }
}
