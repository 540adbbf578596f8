//! The small settings files of the user's configuration folder (the recent-patients list, the
//! clinicians' presets and dose limits): read in the envelope with errors that name the file, the
//! line and the column, and written atomically in a private folder.

use super::envelope::{self, EnvelopeError, Enveloped};
use super::{FileError, FileKind, create_private_dir, read_regular_capped, scan, write_atomically};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Why a settings file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Reading, writing or creating the folder failed.
    #[error(transparent)]
    File(#[from] FileError),
    /// The file is not one this build reads, or holds a value it refuses.
    #[error("{}:{line}:{column}: {message}", file.display())]
    Content {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// No configuration folder is known (no home folder).
    #[error("no configuration folder is known for this user")]
    NoConfigDir,
}

/// Reads `path` as a settings file of kind `T`; `None` if there is no such file. `kind` names the
/// file in messages ("a recent-patients list") and caps its size; `newest` is the newest version
/// this build reads. No text of the file goes into a message (it may hold patient ids).
pub(crate) fn read<T: Enveloped>(
    path: &Path,
    kind: FileKind,
    newest: u32,
) -> Result<Option<T>, ConfigError> {
    let Some(content) = read_regular_capped(path, kind)? else {
        return Ok(None);
    };
    let content_error = |line, column, message| ConfigError::Content {
        file: path.to_owned(),
        line,
        column,
        message,
    };
    let text = std::str::from_utf8(&content.bytes)
        .map_err(|_| content_error(1, 1, "not UTF-8 text".to_owned()))?;
    match envelope::read::<T>(text) {
        Ok((_, file)) => Ok(Some(file)),
        Err(EnvelopeError::Syntax {
            error,
            names_format,
        }) => {
            let message = super::syntax_message(&error.code, None);
            let message = if names_format {
                message
            } else {
                format!("not {}: {message}", kind.name)
            };
            Err(content_error(
                error.span.start.line,
                error.span.start.col,
                message,
            ))
        }
        Err(EnvelopeError::OtherFormat { .. }) => Err(content_error(
            1,
            1,
            format!("format: not {} (expected {:?})", kind.name, T::FORMAT_NAME),
        )),
        Err(EnvelopeError::Version { found }) => Err(content_error(
            1,
            1,
            format!("version {found} is not one this TriggerMap reads (1 to {newest})"),
        )),
    }
}

/// A [`ConfigError::Content`] for a value the file holds but this build refuses, placed at the
/// field `path` (`clinicians[0].max_dose_mg`) of `text`.
pub(crate) fn value_error(file: &Path, text: &str, path: &str, message: String) -> ConfigError {
    let spans = scan::scan(text);
    let offset = scan::find(&spans, path).unwrap_or(0);
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    ConfigError::Content {
        file: file.to_owned(),
        line,
        column,
        message,
    }
}

/// Writes `file` to `path` atomically as pretty RON, creating its folder and the missing folders
/// above it `0700` (settings files may hold patient ids and folder paths).
pub(crate) fn write<T: Serialize>(path: &Path, file: &T) -> Result<(), ConfigError> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        create_private_dir(parent)?;
    }
    let config = ron::ser::PrettyConfig::new()
        .indentor("    ".to_owned())
        .struct_names(false);
    let text = ron::ser::to_string_pretty(file, config).map_err(|e| ConfigError::Content {
        file: path.to_owned(),
        line: 0,
        column: 0,
        message: format!("cannot serialize: {e}"),
    })?;
    write_atomically(path, format!("{text}\n").as_bytes())?;
    Ok(())
}
