//! Visit files: versioned RON, read with limits and clear errors, written atomically.
//!
//! A visit file is one RON struct, `(format: "triggermap-visit", version: 1, visit: (...))`,
//! described in `docs/file-format.md`. Reading checks the format name and version before the
//! body, then validates every value; every error names the file, the line and the column.

use crate::atlas::Atlas;
use crate::model::Visit;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The format name that the first field of a visit file carries.
pub const FORMAT_NAME: &str = "triggermap-visit";

/// The visit format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The largest visit file read. A visit with a thousand fully documented points is under 2 MiB.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The highest plausible pressure pain threshold, in kg/cm².
pub const MAX_PRESSURE_THRESHOLD: f32 = 15.0;

/// Why a visit file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The operating system refused.
    #[error("{file}: {action}: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// What was being done: "cannot read", "cannot write", ...
        action: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is larger than a visit can be.
    #[error("{file}: {size} bytes is larger than a visit file can be ({MAX_FILE_BYTES} bytes)")]
    TooLarge {
        /// The file.
        file: PathBuf,
        /// Its size.
        size: u64,
    },
    /// The file is not text.
    #[error("{file}:{line}:{column}: not UTF-8 text (a visit file is RON text)")]
    NotText {
        /// The file.
        file: PathBuf,
        /// Line of the first bad byte.
        line: usize,
        /// Column of the first bad byte.
        column: usize,
    },
    /// The text is not RON of the visit shape, or a value in it is not allowed.
    #[error("{file}:{line}:{column}: {message}")]
    Content {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, naming the field where known.
        message: String,
    },
    /// A newer TriggerMap wrote the file.
    #[error(
        "{file}:{line}:{column}: written in visit format version {found}, newer than this TriggerMap reads (up to {FORMAT_VERSION}); open it with a newer TriggerMap"
    )]
    NewerVersion {
        /// The file.
        file: PathBuf,
        /// Line of the version field.
        line: usize,
        /// Column of the version field.
        column: usize,
        /// The version found.
        found: u32,
    },
}

/// The file as stored: format name and version first, then the visit.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VisitFile {
    format: String,
    version: u32,
    visit: Visit,
}

/// Just the header of a visit file, read before the body so that a newer or foreign file gets
/// the right message rather than a parse error deep inside.
#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

/// Reads, parses and validates a visit file. `atlas` is used to check muscle ids.
pub fn load_visit(path: &Path, atlas: &Atlas) -> Result<Visit, FileError> {
    let io_error = |action, source| FileError::Io {
        file: path.to_owned(),
        action,
        source,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| io_error("cannot read", e))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(FileError::TooLarge {
            file: path.to_owned(),
            size,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| io_error("cannot read", e))?;
    parse_visit(&bytes, path, atlas)
}

/// Parses and validates the bytes of a visit file; `path` names it in errors.
pub fn parse_visit(bytes: &[u8], path: &Path, atlas: &Atlas) -> Result<Visit, FileError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError::TooLarge {
            file: path.to_owned(),
            size: bytes.len() as u64,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(&bytes[..e.valid_up_to()]);
        FileError::NotText {
            file: path.to_owned(),
            line,
            column,
        }
    })?;
    let content_error = |line, column, message| FileError::Content {
        file: path.to_owned(),
        line,
        column,
        message,
    };

    let header: Header = ron::from_str(text).map_err(|e| {
        content_error(
            e.span.start.line,
            e.span.start.col,
            format!("not a TriggerMap visit file: {}", e.code),
        )
    })?;
    if header.format != FORMAT_NAME {
        let (line, column) = field_position(text, 0, "format");
        return Err(content_error(
            line,
            column,
            format!(
                "format: {:?} is not a TriggerMap visit file (expected {FORMAT_NAME:?})",
                header.format
            ),
        ));
    }
    if header.version > FORMAT_VERSION {
        let (line, column) = field_position(text, 0, "version");
        return Err(FileError::NewerVersion {
            file: path.to_owned(),
            line,
            column,
            found: header.version,
        });
    }
    if header.version == 0 {
        let (line, column) = field_position(text, 0, "version");
        return Err(content_error(
            line,
            column,
            "version: 0 is not a visit format version".to_owned(),
        ));
    }

    let file: VisitFile = ron::from_str(text)
        .map_err(|e| content_error(e.span.start.line, e.span.start.col, e.code.to_string()))?;
    if let Some(problem) = validate_visit(&file.visit, atlas).into_iter().next() {
        let (line, column) = problem.locate(text);
        return Err(content_error(line, column, problem.to_string()));
    }
    Ok(file.visit)
}

/// Serializes a visit to the text of a visit file.
pub fn visit_to_string(visit: &Visit) -> Result<String, ron::Error> {
    let file = VisitFile {
        format: FORMAT_NAME.to_owned(),
        version: FORMAT_VERSION,
        visit: visit.clone(),
    };
    let config = ron::ser::PrettyConfig::new()
        .indentor("    ".to_owned())
        .struct_names(false);
    let body = ron::ser::to_string_pretty(&file, config)?;
    Ok(format!(
        "// TriggerMap visit file. The format is described in docs/file-format.md.\n{body}\n"
    ))
}

/// Writes a visit atomically: the text goes to a temporary file in the same folder, which is
/// flushed to disk and then renamed over `path`, and the folder is synced. A crash at any moment
/// leaves either the old file or the new one, whole.
pub fn save_visit(path: &Path, visit: &Visit) -> Result<(), FileError> {
    let text = visit_to_string(visit).map_err(|e| FileError::Content {
        file: path.to_owned(),
        line: 0,
        column: 0,
        message: format!("cannot serialize the visit: {e}"),
    })?;
    write_atomically(path, text.as_bytes())
}

/// Replaces `path` with `bytes` atomically and durably (see [`save_visit`]).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let io_error = |action, source| FileError::Io {
        file: path.to_owned(),
        action,
        source,
    };
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".triggermap-")
        .suffix(".tmp")
        .tempfile_in(&folder)
        .map_err(|e| io_error("cannot create a temporary file beside it", e))?;
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

#[cfg(unix)]
fn sync_folder(folder: &Path) -> std::io::Result<()> {
    std::fs::File::open(folder)?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_folder: &Path) -> std::io::Result<()> {
    Ok(())
}

/// A value in a parsed visit that is not allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitProblem {
    /// The point it concerns (its index), or `None` for the visit itself.
    pub point: Option<usize>,
    /// The id text of that point, used to find it in the file.
    pub point_id: Option<String>,
    /// The field, e.g. `palpation_pain`.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for VisitProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.point {
            Some(i) => write!(f, "point {}: {}: {}", i + 1, self.field, self.message),
            None => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

impl VisitProblem {
    /// Where the field lies in the file's text (line and column, 1-based), as near as can be
    /// found: the field after the point's id, or the first occurrence of the field.
    pub fn locate(&self, text: &str) -> (usize, usize) {
        let start = self
            .point_id
            .as_deref()
            .and_then(|id| text.find(id))
            .unwrap_or(0);
        // A point's fields may come before its id in a hand-written file; start from the point's
        // opening parenthesis when the id is found.
        let start = text[..start].rfind('(').unwrap_or(start);
        field_position(text, start, self.field)
    }
}

/// Every value in `visit` that is out of range or inconsistent with `atlas`.
pub fn validate_visit(visit: &Visit, atlas: &Atlas) -> Vec<VisitProblem> {
    let mut problems = Vec::new();
    let mut visit_problem = |field, message: String| {
        problems.push(VisitProblem {
            point: None,
            point_id: None,
            field,
            message,
        })
    };
    if visit.patient_id.len() > 200 {
        visit_problem("patient_id", "longer than 200 characters".to_owned());
    }
    let mut seen = std::collections::HashSet::new();
    for (i, point) in visit.points.iter().enumerate() {
        let mut report = |field, message: String| {
            problems.push(VisitProblem {
                point: Some(i),
                point_id: Some(point.id.to_string()),
                field,
                message,
            })
        };
        if !seen.insert(point.id) {
            report("id", "the same id is used by an earlier point".to_owned());
        }
        if !point.pos.is_finite() {
            report("pos", "coordinates must be finite numbers".to_owned());
        } else if point.pos.x.abs() > 0.5 || !(0.0..=1.0).contains(&point.pos.y) {
            report(
                "pos",
                format!(
                    "x {} y {} lies outside the figure (|x| <= 0.5, 0 <= y <= 1)",
                    point.pos.x, point.pos.y
                ),
            );
        }
        if let Some(muscle) = &point.muscle
            && atlas.muscle(muscle).is_none()
        {
            report("muscle", format!("{muscle:?} is not a muscle of the atlas"));
        }
        if let Some(pain) = point.palpation_pain
            && pain > 10
        {
            report("palpation_pain", format!("{pain} is outside 0–10"));
        }
        if let Some(ppt) = point.pressure_threshold
            && !(ppt.is_finite() && (0.0..=MAX_PRESSURE_THRESHOLD).contains(&ppt))
        {
            report(
                "pressure_threshold",
                format!("{ppt} kg/cm² is outside 0–{MAX_PRESSURE_THRESHOLD}"),
            );
        }
        for treatment in &point.treatments {
            for (field, pain) in [
                ("pain_before", treatment.pain_before),
                ("pain_after", treatment.pain_after),
            ] {
                if let Some(pain) = pain
                    && pain > 10
                {
                    report(field, format!("{pain} is outside 0–10"));
                }
            }
            if let crate::model::Procedure::Injection {
                volume_ml: Some(v), ..
            } = treatment.procedure
                && !(v.is_finite() && (0.0..=50.0).contains(&v))
            {
                report("volume_ml", format!("{v} mL is outside 0–50"));
            }
        }
    }
    problems
}

/// Line and column (1-based) just past the end of `prefix`.
fn line_column(prefix: &[u8]) -> (usize, usize) {
    let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&prefix[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The position of `field:` at or after byte `from` in `text`, or of `from` if there is none.
fn field_position(text: &str, from: usize, field: &str) -> (usize, usize) {
    let needle = format!("{field}:");
    let at = text
        .get(from..)
        .and_then(|rest| {
            rest.match_indices(&needle)
                .find(|(i, _)| {
                    // A whole field name, not the tail of a longer one.
                    let before = text[..from + i].chars().next_back();
                    !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
                .map(|(i, _)| from + i)
        })
        .unwrap_or(from);
    line_column(&text.as_bytes()[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_from_one() {
        assert_eq!(line_column(b""), (1, 1));
        assert_eq!(line_column(b"ab\ncd"), (2, 3));
    }

    #[test]
    fn field_position_skips_longer_names() {
        let text = "(\n  referred_pain: \"x\",\n  pain: 3,\n)";
        assert_eq!(field_position(text, 0, "pain"), (3, 3));
    }
}
