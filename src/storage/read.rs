//! Reading a whole file with a cap on its size, checked before the read.

use super::{FileError, MAX_FILE_BYTES};
use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

/// A file's bytes and its modification time.
pub(super) type FileContent = (Vec<u8>, Option<SystemTime>);

/// Reads the file at `path` (at most [`MAX_FILE_BYTES`]) with its modification time; `None` if
/// it does not exist.
pub(super) fn read_limited(path: &Path) -> Result<Option<FileContent>, FileError> {
    let io_error = |action, source| FileError::Io {
        file: path.to_owned(),
        action,
        source,
    };
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("cannot read", e)),
    };
    let meta = file.metadata().map_err(|e| io_error("cannot read", e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge {
            file: path.to_owned(),
            size: meta.len(),
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error("cannot read", e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError::TooLarge {
            file: path.to_owned(),
            size: bytes.len() as u64,
        });
    }
    Ok(Some((bytes, meta.modified().ok())))
}
