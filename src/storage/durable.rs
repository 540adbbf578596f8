//! Durable writes: a temporary file beside the target, flushed, renamed over it, the folder
//! flushed; backups of the previous version; private permissions for what TriggerMap creates.

use super::{BACKUP_SUFFIX, FileError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

const TEMP_PREFIX: &str = ".triggermap-";
const TEMP_SUFFIX: &str = ".tmp";

/// How old a temporary file must be before it is taken for the leftover of a killed save.
const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Replaces `path` with `bytes` atomically and durably (see [`super::save_visit_checked`]); a
/// new file is created `0600`, a replaced one keeps its owner and group permission bits.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_with_mode(path, bytes, replacement_mode(path))
}

/// The backup of a visit file's previous version: `visit.ron.bak` beside `visit.ron`.
pub fn backup_path_for(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(BACKUP_SUFFIX);
    path.with_file_name(name)
}

/// The permission bits for a file written over `path`: those of the file there (owner and
/// group, never others), or `0600`.
pub(super) fn replacement_mode(path: &Path) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            return (meta.permissions().mode() & 0o770) | 0o600;
        }
    }
    let _ = path;
    0o600
}

/// Replaces `path` with `bytes` atomically and durably, the new file with permission bits
/// `mode` (unix).
pub(super) fn write_with_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<(), FileError> {
    let io_error = |action, source| FileError::Io {
        file: path.to_owned(),
        action,
        source,
    };
    let folder = folder_of(path);
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(&folder)
        .map_err(|e| io_error("cannot create a temporary file beside it", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| io_error("cannot set the permissions of a temporary file", e))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    temp.write_all(bytes)
        .map_err(|e| io_error("cannot write", e))?;
    temp.as_file()
        .sync_all()
        .map_err(|e| io_error("cannot flush to disk", e))?;
    temp.persist(path)
        .map_err(|e| io_error("cannot replace the file", e.error))?;
    sync_folder(&folder).map_err(|e| io_error("cannot flush the folder to disk", e))?;
    Ok(())
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Removes temporary files that saves killed midway left in `path`'s folder (best effort; only
/// those older than an hour, so that another instance's save in progress is never touched).
pub(super) fn remove_stale_temp_files(path: &Path) {
    let Ok(entries) = std::fs::read_dir(folder_of(path)) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > STALE_TEMP_AGE);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn sync_folder(folder: &Path) -> std::io::Result<()> {
    std::fs::File::open(folder)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_folder: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Creates `folder` and its missing parents, those it creates readable by the owner only
/// (`0700` on unix).
pub fn create_private_dir(folder: &Path) -> Result<(), FileError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(folder).map_err(|source| FileError::Io {
        file: folder.to_owned(),
        action: "cannot create the folder",
        source,
    })
}
