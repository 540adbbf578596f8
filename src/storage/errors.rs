//! Why a file could not be read or written, and the wording of every message: which file, where,
//! which field, and never the text of the file (it may be patient data).

use super::{FORMAT_VERSION, scan};
use crate::model::{VisitProblem, human_path};
use std::fmt;
use std::path::{Path, PathBuf};

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
    /// The file is larger than a file of its kind can be.
    #[error("{file}: {size} bytes is larger than {what} can be ({limit} bytes)")]
    TooLarge {
        /// The file.
        file: PathBuf,
        /// Its size.
        size: u64,
        /// The largest size read for its kind.
        limit: u64,
        /// Its kind: "a visit file".
        what: &'static str,
    },
    /// The path names something other than a regular file (a FIFO, a device, a folder...): it
    /// was not read.
    #[error("{file}: {what}, not a regular file; it was not read")]
    NotRegular {
        /// The path.
        file: PathBuf,
        /// What it is: "a named pipe (FIFO)".
        what: &'static str,
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
    /// The text is not RON of the visit shape.
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
    /// The file parsed, but values in it are not allowed: one line per problem listed, then
    /// one for those not listed.
    #[error("{}", invalid_lines(file, problems, more.as_ref()))]
    Invalid {
        /// The file.
        file: PathBuf,
        /// The problems found, in file order, at most [`super::MAX_PROBLEMS_LISTED`].
        problems: Vec<LocatedProblem>,
        /// The problems found beyond those listed.
        more: Option<MoreProblems>,
    },
    /// A newer TriggerMap wrote the file in a way this one cannot even show.
    #[error(
        "{file}:{line}:{column}: written in visit format version {found}, newer than this TriggerMap reads (up to {FORMAT_VERSION}), and it cannot be shown: {detail}; open it with a newer TriggerMap"
    )]
    NewerVersion {
        /// The file.
        file: PathBuf,
        /// Line of the problem.
        line: usize,
        /// Column of the problem.
        column: usize,
        /// The version found.
        found: u32,
        /// What could not be read.
        detail: String,
    },
    /// The file changed on disk (or was removed) since it was opened or last saved.
    #[error(
        "{file}: changed on disk since it was opened (by another program or instance); it was not overwritten"
    )]
    ChangedOnDisk {
        /// The file.
        file: PathBuf,
    },
    /// Saving was refused to protect the record.
    #[error("{file}: not saved: {reason}")]
    Refused {
        /// The file.
        file: PathBuf,
        /// Why.
        reason: SaveRefusal,
    },
}

/// Why [`super::save_visit`] refused to write.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SaveRefusal {
    /// The file on disk was written by a newer TriggerMap; saving would drop what it added.
    #[error(
        "the file on disk is of visit format version {found}, newer than this TriggerMap writes ({FORMAT_VERSION}); saving would lose what the newer version added"
    )]
    NewerFormatOnDisk {
        /// Its version.
        found: u32,
    },
    /// Another running instance holds the visit's lock.
    #[error("it is open in another instance: {0}")]
    Locked(Box<crate::lock::LockInfo>),
    /// The file on disk is a signed visit and the signature differs (or was removed).
    #[error("the visit on disk is signed; its signature cannot be changed or removed")]
    SignatureChanged,
    /// The amendments on disk were changed or removed rather than appended to.
    #[error("the visit on disk is signed; its amendments can only be added to, never changed")]
    AmendmentsRewritten,
    /// The content of the signed visit on disk changed without a new amendment.
    #[error(
        "the visit on disk is signed; a change to it must be recorded as an amendment (who, when, what, why)"
    )]
    ChangedWithoutAmendment,
    /// The file on disk is another, signed visit.
    #[error("the file on disk is another visit that is signed; a signed record is never replaced")]
    ReplacesSignedVisit,
}

/// A problem with a value, with its place in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct LocatedProblem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub problem: VisitProblem,
}

impl fmt::Display for LocatedProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.problem)
    }
}

/// Problems found in a file beyond those listed in [`FileError::Invalid`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoreProblems {
    /// How many.
    pub count: usize,
    /// The line of the first of them.
    pub line: usize,
    /// Its column.
    pub column: usize,
}

/// The text of [`FileError::Invalid`]: `file:line:column: problem`, one a line.
fn invalid_lines(file: &Path, problems: &[LocatedProblem], more: Option<&MoreProblems>) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .map(|p| format!("{}:{p}", file.display()))
        .collect();
    if let Some(more) = more {
        lines.push(format!(
            "{}:{}:{}: and {} more problem{} (the first {} are listed)",
            file.display(),
            more.line,
            more.column,
            more.count,
            if more.count == 1 { "" } else { "s" },
            problems.len()
        ));
    }
    lines.join("\n")
}

/// Line, column and a clear message for a RON error in a file of the visit format: the field
/// it is in is named (when `in_visit_file`: a foreign file's field names are its own text), and
/// no text from the file is quoted (it may be patient data).
pub(super) fn describe_ron_error(
    text: &str,
    e: &ron::error::SpannedError,
    in_visit_file: bool,
) -> (usize, usize, String) {
    let (line, column) = (e.span.start.line, e.span.start.col);
    let field = if in_visit_file {
        let offset = byte_offset(text, line, column);
        let spans = scan::scan(text);
        scan::field_at(&spans, offset).map(|s| s.path.clone())
    } else {
        None
    };
    // An unknown field's name is the file's text: name the value it is in.
    let field = match (&e.code, field) {
        (ron::error::Error::NoSuchStructField { .. }, Some(path)) => path
            .rfind(['.', '['])
            .map(|cut| path[..cut].to_owned())
            .filter(|parent| !parent.is_empty()),
        (_, field) => field,
    };
    let message = syntax_message(&e.code, field.as_deref());
    let message = match field {
        Some(path) => format!("{}: {message}", human_path(&path)),
        None => message,
    };
    (line, column, message)
}

/// What a RON error means, without any text of the file; `field` is the path of the field it
/// is in, if known.
pub(crate) fn syntax_message(code: &ron::error::Error, field: Option<&str>) -> String {
    use ron::error::Error as E;
    let message = match code {
        E::ExceededRecursionLimit => "nested too deeply".to_owned(),
        E::Eof => "the file ends too early (is it truncated?)".to_owned(),
        E::NoSuchStructField { expected, .. } => {
            format!("unknown field; expected one of: {}", expected.join(", "))
        }
        E::ExpectedStructLike
        | E::ExpectedNamedStructLike(_)
        | E::ExpectedStructName(_)
        | E::ExpectedDifferentStructName { .. } => {
            "expected a struct in parentheses: `(name: value, ...)`".to_owned()
        }
        E::MissingStructField { field, .. } => format!("missing field `{field}`"),
        E::DuplicateStructField { field, .. } => format!("field `{field}` appears twice"),
        E::NoSuchEnumVariant { expected, .. } => {
            format!("unknown value; expected one of: {}", expected.join(", "))
        }
        E::IntegerOutOfBounds => "number out of range for this field".to_owned(),
        E::InvalidIdentifier(_) | E::SuggestRawIdentifier(_) => {
            "not a valid field or value name".to_owned()
        }
        E::NoSuchExtension(_) => "unknown RON extension".to_owned(),
        E::UnexpectedChar(_) => "unexpected character".to_owned(),
        E::InvalidIntegerDigit { base, .. } => format!("not a digit of a base {base} number"),
        E::InvalidValueForType { expected, .. } => {
            format!("wrong kind of value; expected {}", redact(expected))
        }
        E::Message(m)
            if field.is_some_and(|f| {
                f.ends_with("date_time") || f.ends_with("signed_at") || f.ends_with(".at")
            }) =>
        {
            format!(
                "not a valid date and time ({}); expected RFC 3339 such as \"2025-03-04T09:30:00+01:00\"",
                redact(m)
            )
        }
        other => redact(&other.to_string()),
    };
    // One error, one line: serde may quote a character such as a newline as it is.
    message
        .chars()
        .flat_map(|c| {
            let shown: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            shown
        })
        .collect()
}

/// Replaces every quoted part of `message` (`"..."`, `` `...` `` or `'...'`) by `…` in its
/// quotes: serde's and chrono's messages may quote values from the file.
pub(super) fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut open: Option<char> = None;
    for c in message.chars() {
        match open {
            Some(quote) if c == quote => {
                out.push('…');
                out.push(c);
                open = None;
            }
            Some(_) => {}
            None if matches!(c, '"' | '`' | '\'') => {
                out.push(c);
                open = Some(c);
            }
            None => out.push(c),
        }
    }
    if open.is_some() {
        out.push('…');
    }
    out
}

/// Line and column (1-based) just past the end of `prefix`.
pub(super) fn line_column(prefix: &[u8]) -> (usize, usize) {
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

/// The byte offset of a 1-based line and character column (clamped to the text).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for _ in 1..line {
        match text[offset..].find('\n') {
            Some(i) => offset += i + 1,
            None => return text.len(),
        }
    }
    text[offset..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| offset + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_from_one() {
        assert_eq!(line_column(b""), (1, 1));
        assert_eq!(line_column(b"ab\ncd"), (2, 3));
        assert_eq!(byte_offset("ab\ncd", 2, 3), 5);
        assert_eq!(byte_offset("ab\ncd", 2, 1), 3);
    }

    #[test]
    fn redaction_hides_quoted_text() {
        assert_eq!(
            redact(r#"invalid type: string "Jane Doe", expected u8"#),
            r#"invalid type: string "…", expected u8"#
        );
        assert_eq!(
            redact("invalid value: integer `300`, expected u8; char 'x'"),
            "invalid value: integer `…`, expected u8; char '…'"
        );
    }
}
