//! Saving a visit: the rules for writing over the file on disk (locks, changes on disk, newer
//! formats, signed visits), then the durable write with a backup.

use super::durable::{backup_path_for, remove_stale_temp_files, replacement_mode, write_with_mode};
use super::envelope::{self, EnvelopeError};
use super::locate::locate_all;
use super::read::{FileKind, read_regular_capped};
use super::visit_file::{FileStamp, StoredVisit, readable_text, visit_to_string};
use super::{FORMAT_VERSION, FileError, SaveRefusal};
use crate::model::{Visit, same_content, validate_values};
use std::path::Path;

/// Saves `visit` to `path` with every protection except the changed-on-disk check: see
/// [`save_visit_checked`], which the editor should use.
pub fn save_visit(path: &Path, visit: &Visit) -> Result<(), FileError> {
    save_visit_checked(path, visit, None).map(|_| ())
}

/// Saves `visit` to `path` and returns the new file's stamp (keep it for the next save).
///
/// With `expected` (the stamp from [`super::open_visit`] or the last save), the file on disk must
/// still hold what it held then, else [`FileError::ChangedOnDisk`] (ask the user; pass `None` to
/// overwrite after they agree, or for Save As). A missing file with `expected` given is a change
/// too (it was removed).
///
/// Refuses ([`FileError::Refused`]) a file on disk of a newer format, a file locked by another
/// running instance, and any change to a signed visit on disk other than appended amendments
/// (or replacing a signed visit by another visit). Refuses ([`FileError::Invalid`]) a visit with
/// values that would not read back. Whether a visit read from a newer format may be saved
/// elsewhere is the caller's decision ([`super::OpenedVisit::read_only`]).
///
/// A symbolic link is followed: the real file it names is saved (and backed up beside it), and
/// the link stays a link ([`crate::paths::resolve_link`]; a loop of links is an error).
///
/// The write is atomic and durable: the previous file is first copied to [`backup_path_for`]
/// (atomically), then the new text goes to a temporary file in the same folder, which is synced,
/// renamed over `path`, and the folder synced. A crash at any moment leaves the old file or the
/// new one, whole. New files are created `0600` (unix); a replaced file keeps its owner and
/// group permission bits, never others'.
pub fn save_visit_checked(
    path: &Path,
    visit: &Visit,
    expected: Option<&FileStamp>,
) -> Result<FileStamp, FileError> {
    let real_path = crate::paths::resolve_link(path).map_err(|source| FileError::Io {
        file: path.to_owned(),
        action: "cannot follow the symbolic link",
        source,
    })?;
    let path = real_path.as_path();
    let refused = |reason| FileError::Refused {
        file: path.to_owned(),
        reason,
    };
    let text = visit_to_string(visit).map_err(|e| FileError::Content {
        file: path.to_owned(),
        line: 0,
        column: 0,
        message: format!("cannot serialize the visit: {e}"),
    })?;
    let problems = validate_values(visit);
    if !problems.is_empty() {
        let (problems, more) = locate_all(problems, &text);
        return Err(FileError::Invalid {
            file: path.to_owned(),
            problems,
            more,
        });
    }
    if let Some(holder) = crate::lock::held_by_another(path) {
        return Err(refused(SaveRefusal::Locked(Box::new(holder))));
    }
    let current = read_regular_capped(path, FileKind::VISIT)?;
    if let Some(expected) = expected {
        let unchanged = current
            .as_ref()
            .is_some_and(|c| FileStamp::of_bytes(&c.bytes, None).same_content(expected));
        if !unchanged {
            return Err(FileError::ChangedOnDisk {
                file: path.to_owned(),
            });
        }
    }
    if let Some(content) = &current {
        check_replacement(&content.bytes, visit).map_err(refused)?;
    }
    let mode = replacement_mode(path);
    remove_stale_temp_files(path);
    if let Some(content) = &current {
        write_with_mode(&backup_path_for(path), &content.bytes, mode)?;
    }
    write_with_mode(path, text.as_bytes(), mode)?;
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    Ok(FileStamp::of_bytes(text.as_bytes(), modified))
}

/// The rules for writing `visit` over a file that holds `bytes`.
fn check_replacement(bytes: &[u8], visit: &Visit) -> Result<(), SaveRefusal> {
    let Ok(text) = readable_text(bytes) else {
        return Ok(()); // damaged: the backup keeps it
    };
    let old = match envelope::read::<StoredVisit>(&text) {
        Ok((_, stored)) => stored.into_visit(),
        Err(EnvelopeError::Version { found }) if found > FORMAT_VERSION => {
            return Err(SaveRefusal::NewerFormatOnDisk { found });
        }
        Err(_) => return Ok(()), // damaged or not a visit: the backup keeps it
    };
    if old.signature.is_none() {
        return Ok(());
    }
    if old.id != visit.id {
        return Err(SaveRefusal::ReplacesSignedVisit);
    }
    if visit.signature != old.signature {
        return Err(SaveRefusal::SignatureChanged);
    }
    if !visit.amendments.starts_with(&old.amendments) {
        return Err(SaveRefusal::AmendmentsRewritten);
    }
    if visit.amendments.len() == old.amendments.len() && !same_content(&old, visit) {
        return Err(SaveRefusal::ChangedWithoutAmendment);
    }
    Ok(())
}
