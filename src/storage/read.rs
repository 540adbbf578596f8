//! Reading a whole file safely: opened without blocking, refused unless it is a regular file,
//! and capped before the read.
//!
//! Every file TriggerMap reads goes through [`read_regular_capped`]. A FIFO, a device, a socket
//! or a folder where a visit, a lock, a recovery file or the recent-patients list is expected is
//! refused at once with an error naming the file: opening a FIFO for reading would otherwise wait
//! for a writer forever, and a device such as `/dev/zero` never ends. The size is checked from
//! the open file before the read, and the read stops one byte past the cap in case the file
//! grows meanwhile.

use super::{FileError, MAX_FILE_BYTES};
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

/// Whether a symbolic link is followed to the file it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    /// Follow it: a visit or the recent-patients list may be a link the user made on purpose.
    Follow,
    /// Refuse it: for the files TriggerMap alone writes (locks, recovery files), where a link can
    /// only have been planted.
    Refuse,
}

/// A kind of file TriggerMap reads: what it is called in messages, its size cap, and whether a
/// link is followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileKind {
    /// What messages call it: "a visit file".
    pub name: &'static str,
    /// The largest size read, in bytes.
    pub max_bytes: u64,
    /// Whether a symbolic link is followed.
    pub links: Links,
}

impl FileKind {
    /// A visit file: at most [`MAX_FILE_BYTES`], links followed.
    pub const VISIT: FileKind = FileKind {
        name: "a visit file",
        max_bytes: MAX_FILE_BYTES,
        links: Links::Follow,
    };
}

/// A file's bytes and its modification time, as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileContent {
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Its modification time, if the system reports one.
    pub modified: Option<SystemTime>,
}

/// Reads the whole file at `path` as a file of `kind`; `None` if there is none. Refuses
/// ([`FileError::NotRegular`]) anything but a regular file, without blocking, and
/// ([`FileError::TooLarge`]) a file larger than `kind.max_bytes`, before reading it.
pub fn read_regular_capped(path: &Path, kind: FileKind) -> Result<Option<FileContent>, FileError> {
    let io_error = |source| FileError::Io {
        file: path.to_owned(),
        action: "cannot read",
        source,
    };
    let not_regular = |what| FileError::NotRegular {
        file: path.to_owned(),
        what,
    };
    // Checked before opening too, so that a device is never opened at all.
    let before = match kind.links {
        Links::Follow => std::fs::metadata(path),
        Links::Refuse => std::fs::symlink_metadata(path),
    };
    match before {
        Ok(meta) if !meta.file_type().is_file() => return Err(not_regular(type_name(&meta))),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(e)),
    }
    let file = match open_without_blocking(path, kind.links) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if is_link_refused(&e) => return Err(not_regular("a symbolic link")),
        Err(e) => return Err(io_error(e)),
    };
    // The file opened may not be the one looked at (it may have been replaced meanwhile).
    let meta = file.metadata().map_err(io_error)?;
    if !meta.file_type().is_file() {
        return Err(not_regular(type_name(&meta)));
    }
    let too_large = |size| FileError::TooLarge {
        file: path.to_owned(),
        size,
        limit: kind.max_bytes,
        what: kind.name,
    };
    if meta.len() > kind.max_bytes {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(kind.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > kind.max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(Some(FileContent {
        bytes,
        modified: meta.modified().ok(),
    }))
}

#[cfg(unix)]
fn open_without_blocking(path: &Path, links: Links) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO does not wait for a writer (it is then refused as not regular).
    // O_NOCTTY: a terminal device never becomes the controlling terminal.
    let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path, _links: Links) -> std::io::Result<File> {
    File::open(path)
}

/// Whether opening failed because the path is a link and links are refused (`ELOOP`).
fn is_link_refused(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// What a file that is not regular is, for a message.
fn type_name(meta: &std::fs::Metadata) -> &'static str {
    let file_type = meta.file_type();
    if file_type.is_dir() {
        return "a folder";
    }
    if file_type.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}
