//! Visit files: versioned RON, read with limits and clear errors, written atomically and
//! durably, with a backup of the previous version.
//!
//! A visit file is one RON struct, `(format: "triggermap-visit", version: 2, visit: (...))`,
//! described in `docs/file-format.md`. Reading checks the size, the encoding, the format name
//! and the version, then parses the body by the rules of that version in the same pass
//! ([`envelope`]), then validates every value ([`crate::model::validate_visit`]); every error names
//! the file, the line, the column and the field.
//!
//! Versions: [`FORMAT_VERSION`] is read strictly (an unknown field is an error). Older versions
//! (from [`OLDEST_FORMAT_VERSION`]) are read strictly by their own rules and migrated. A newer
//! version is read leniently, without the fields this build does not know, and opened with
//! [`OpenedVisit::read_only`] set; [`save_visit`] refuses to write over a file of a newer version,
//! so those fields are never lost.
//!
//! Saving ([`save_visit`], [`save_visit_checked`]) also refuses: a visit that would not read
//! back (invalid values), a file locked by another running instance ([`crate::lock`]), a file
//! changed on disk since it was opened ([`FileStamp`]), and any change to a signed visit on disk
//! that is not an appended amendment (see [`crate::model::amend`]).
//!
//! The parts: [`envelope`] reads the format name and version and then the body of every
//! TriggerMap file; `errors` holds the errors and their wording; `durable` writes files
//! atomically and durably; `read` reads any file safely (regular files only, capped before the read); `visit_file` reads and migrates visit
//! files; `save` holds the rules for writing over a visit; `locate` and `scan` find where in the
//! text a problem lies.

pub(crate) mod config_file;
mod durable;
pub(crate) mod envelope;
mod errors;
mod locate;
mod read;
mod save;
mod scan;
mod visit_file;

pub use crate::model::human_path;
pub use config_file::ConfigError;
pub use durable::{backup_path_for, create_private_dir, write_atomically};
pub(crate) use errors::syntax_message;
pub use errors::{FileError, LocatedProblem, MoreProblems, SaveRefusal};
pub use locate::{MAX_PROBLEMS_LISTED, locate};
pub use read::{FileContent, FileKind, Links, read_regular_capped};
pub use save::{save_visit, save_visit_checked};
pub use visit_file::{
    FileStamp, OpenedVisit, ReadOnlyReason, check_unchanged, load_visit, open_visit, parse_visit,
    visit_to_string,
};

/// The format name that the first field of a visit file carries.
pub const FORMAT_NAME: &str = "triggermap-visit";

/// The visit format version this build writes. Version 2 added `signature` and `amendments`;
/// version 3 added the visit's `figure` and the head profiles (`LeftProfile`, `RightProfile`) and
/// renamed a point's `pos` to `position`, so that a build reading version 2 refuses a version-3
/// chart instead of drawing it on the wrong figure; version 4 added the visit's confirmed
/// `coding` and the `aftercare` given, which a build reading version 3 would drop on saving.
pub const FORMAT_VERSION: u32 = 4;

/// The oldest visit format version this build reads (and migrates).
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// The largest visit file read. A visit with a thousand fully documented points is under 2 MiB.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// What is appended to a visit file's name to name the backup of its previous version.
pub const BACKUP_SUFFIX: &str = ".bak";
