//! Visit files: versioned RON, read with limits and clear errors, written atomically and
//! durably, with a backup of the previous version.
//!
//! A visit file is one RON struct, `(format: "triggermap-visit", version: 2, visit: (...))`,
//! described in `docs/file-format.md`. Reading checks the size, the encoding, the format name
//! and the version before the body, then validates every value; every error names the file, the
//! line, the column and the field.
//!
//! Versions: [`FORMAT_VERSION`] is read strictly (an unknown field is an error). Older versions
//! (from [`OLDEST_FORMAT_VERSION`]) are read strictly by their own rules and migrated. A newer
//! version is read leniently, without the fields this build does not know, and opened read-only:
//! [`save_visit`] refuses to write such a visit anywhere, and refuses to write over a file of a
//! newer version, so those fields are never lost.
//!
//! Saving ([`save_visit`], [`save_visit_checked`]) also refuses: a visit that would not read
//! back (invalid values), a file locked by another running instance ([`crate::lock`]), a file
//! changed on disk since it was opened ([`FileStamp`]), and any change to a signed visit on disk
//! that is not an appended amendment (see [`crate::model::amend`]).

mod scan;

use crate::atlas::Atlas;
use crate::model::{Visit, VisitId, same_content};
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

/// The format name that the first field of a visit file carries.
pub const FORMAT_NAME: &str = "triggermap-visit";

/// The visit format version this build writes. Version 2 added `signature` and `amendments`.
pub const FORMAT_VERSION: u32 = 2;

/// The oldest visit format version this build reads (and migrates).
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// The largest visit file read. A visit with a thousand fully documented points is under 2 MiB.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The highest plausible pressure pain threshold, in kg/cm².
pub const MAX_PRESSURE_THRESHOLD: f32 = 15.0;

/// The largest plausible injected volume at one point, in mL.
pub const MAX_INJECTION_ML: f32 = 50.0;

/// The longest patient id, clinician name or signer name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// The years a visit, signature or amendment may fall in.
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// What is appended to a visit file's name to name the backup of its previous version.
pub const BACKUP_SUFFIX: &str = ".bak";

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
    /// The file parsed, but values in it are not allowed: one line per problem.
    #[error("{}", problems.iter().map(|p| format!("{}:{p}", file.display())).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// The file.
        file: PathBuf,
        /// Every problem found, in file order.
        problems: Vec<LocatedProblem>,
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

/// Why [`save_visit`] refused to write.
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
    /// The visit was read from a file of a newer format, without the fields this build does
    /// not know: it is read-only.
    #[error(
        "this visit was read from a file of a newer format version and is read-only; saving it would lose what the newer version added"
    )]
    ReadFromNewerFormat,
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

/// Why an opened visit is read-only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadOnlyReason {
    /// It was written by a newer TriggerMap, in format version `found`.
    NewerFormat {
        /// The version of the file.
        found: u32,
        /// The fields this build does not know and did not read (paths such as
        /// `visit.points[0].ultrasound`, one per kind).
        unknown_fields: Vec<String>,
    },
}

impl fmt::Display for ReadOnlyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadOnlyReason::NewerFormat {
                found,
                unknown_fields,
            } => {
                write!(
                    f,
                    "written by a newer TriggerMap (visit format version {found}; this one reads up to {FORMAT_VERSION}): opened read-only so that nothing it holds is lost"
                )?;
                if !unknown_fields.is_empty() {
                    let fields: Vec<String> =
                        unknown_fields.iter().map(|p| human_path(p)).collect();
                    write!(f, "; not shown: {}", fields.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

/// What a file held the moment it was read or written: to tell whether it changed on disk since.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStamp {
    /// Its size in bytes.
    pub len: u64,
    /// Its modification time, if the system reports one.
    pub modified: Option<SystemTime>,
    /// A hash of its bytes (not cryptographic: it detects changes, not forgeries).
    pub hash: u64,
}

impl FileStamp {
    /// The stamp of `bytes`, modified at `modified`.
    pub fn of_bytes(bytes: &[u8], modified: Option<SystemTime>) -> Self {
        use std::hash::Hasher;
        let mut hasher = std::hash::DefaultHasher::new();
        hasher.write(bytes);
        FileStamp {
            len: bytes.len() as u64,
            modified,
            hash: hasher.finish(),
        }
    }

    /// The stamp of the file at `path` now, or `None` if there is no file.
    pub fn read(path: &Path) -> Result<Option<FileStamp>, FileError> {
        Ok(read_limited(path)?.map(|(bytes, modified)| FileStamp::of_bytes(&bytes, modified)))
    }

    /// Whether both stamps are of the same bytes (the time alone may differ: a file touched but
    /// not changed is the same).
    pub fn same_content(&self, other: &FileStamp) -> bool {
        self.len == other.len && self.hash == other.hash
    }
}

/// Returns [`FileError::ChangedOnDisk`] if the file at `path` no longer holds what `stamp` was
/// taken of (or is gone). Cheap enough to call when the window regains focus.
pub fn check_unchanged(path: &Path, stamp: &FileStamp) -> Result<(), FileError> {
    // Always hashed: a rewrite of the same size within the clock's resolution is possible.
    match FileStamp::read(path)? {
        Some(now) if now.same_content(stamp) => Ok(()),
        _ => Err(FileError::ChangedOnDisk {
            file: path.to_owned(),
        }),
    }
}

/// A visit as opened for editing or viewing.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenedVisit {
    /// The visit (migrated to the current format if the file was older).
    pub visit: Visit,
    /// Why it must not be edited or saved, if so. A signed visit is not listed here: it is
    /// edited only through amendments ([`Visit::is_signed`]).
    pub read_only: Option<ReadOnlyReason>,
    /// The format version of the file, when older than [`FORMAT_VERSION`]: saving writes the
    /// current version.
    pub migrated_from: Option<u32>,
    /// What the file held when it was read: pass it to [`save_visit_checked`].
    pub stamp: FileStamp,
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

/// Format version 1, frozen: a visit without signature and amendments.
mod v1 {
    use crate::model::{Consent, TriggerPoint, Visit, VisitId};
    use chrono::{DateTime, FixedOffset};
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct VisitFile {
        #[allow(dead_code)]
        format: String,
        #[allow(dead_code)]
        version: u32,
        pub(super) visit: VisitV1,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct VisitV1 {
        id: VisitId,
        patient_id: String,
        date_time: DateTime<FixedOffset>,
        #[serde(default)]
        clinician: String,
        #[serde(default)]
        consent: Consent,
        #[serde(default)]
        notes: String,
        #[serde(default)]
        points: Vec<TriggerPoint>,
    }

    impl VisitV1 {
        /// Version 1 to version 2: nothing was signed.
        pub(super) fn migrate(self) -> Visit {
            Visit {
                id: self.id,
                patient_id: self.patient_id,
                date_time: self.date_time,
                clinician: self.clinician,
                consent: self.consent,
                notes: self.notes,
                points: self.points,
                signature: None,
                amendments: Vec::new(),
            }
        }
    }
}

/// Ids of visits read from a newer format in this process: never saved.
fn read_only_ids() -> &'static Mutex<BTreeSet<VisitId>> {
    static IDS: OnceLock<Mutex<BTreeSet<VisitId>>> = OnceLock::new();
    IDS.get_or_init(|| Mutex::new(BTreeSet::new()))
}

/// Reads, parses, migrates and validates a visit file for editing or viewing. `atlas` is used
/// to check muscle ids. A file of a newer format version opens with
/// [`OpenedVisit::read_only`] set.
pub fn open_visit(path: &Path, atlas: &Atlas) -> Result<OpenedVisit, FileError> {
    let Some((bytes, modified)) = read_limited(path)? else {
        return Err(FileError::Io {
            file: path.to_owned(),
            action: "cannot read",
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
    };
    let mut opened = parse_visit(&bytes, path, atlas)?;
    opened.stamp.modified = modified;
    Ok(opened)
}

/// Reads a visit file for viewing: [`open_visit`] without the details. A visit of a newer
/// format is returned too (saving it is refused all the same).
pub fn load_visit(path: &Path, atlas: &Atlas) -> Result<Visit, FileError> {
    open_visit(path, atlas).map(|opened| opened.visit)
}

/// A file's bytes and its modification time.
type FileContent = (Vec<u8>, Option<SystemTime>);

/// Reads the file at `path` (at most [`MAX_FILE_BYTES`]) with its modification time; `None` if
/// it does not exist.
fn read_limited(path: &Path) -> Result<Option<FileContent>, FileError> {
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

/// Parses, migrates and validates the bytes of a visit file; `path` names it in errors. The
/// stamp's time is left empty.
pub fn parse_visit(bytes: &[u8], path: &Path, atlas: &Atlas) -> Result<OpenedVisit, FileError> {
    let stamp = FileStamp::of_bytes(bytes, None);
    let parsed = parse_structure(bytes, path)?;
    let problems = validate(&parsed.visit, Some(atlas));
    if !problems.is_empty() {
        let spans = scan::scan(&parsed.text);
        return Err(FileError::Invalid {
            file: path.to_owned(),
            problems: locate_all(problems, &parsed.text, &spans),
        });
    }
    let read_only = if parsed.version > FORMAT_VERSION {
        read_only_ids()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(parsed.visit.id);
        Some(ReadOnlyReason::NewerFormat {
            found: parsed.version,
            unknown_fields: parsed.unknown_fields,
        })
    } else {
        None
    };
    Ok(OpenedVisit {
        visit: parsed.visit,
        read_only,
        migrated_from: (parsed.version < FORMAT_VERSION).then_some(parsed.version),
        stamp,
    })
}

/// A visit read from text, before validation.
struct Parsed {
    visit: Visit,
    version: u32,
    /// Fields dropped from a newer-format file.
    unknown_fields: Vec<String>,
    /// The text as parsed (unknown fields blanked out for a newer-format file).
    text: String,
}

/// Checks size, encoding, format name and version, then parses the body by the rules of its
/// version: strictly for this and older versions, without unknown fields for newer ones.
fn parse_structure(bytes: &[u8], path: &Path) -> Result<Parsed, FileError> {
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
    if text.trim().is_empty() {
        return Err(content_error(1, 1, "the file is empty".to_owned()));
    }
    let header: Header = ron::from_str(text).map_err(|e| {
        let (line, column, message) = describe_ron_error(text, &e);
        // The header is read with the whole text: an error in the body of what is plainly a
        // visit file (truncated, nested too deeply) is reported as such.
        let spans = scan::scan(text);
        let names_format = spans.iter().any(|s| {
            s.path == "format"
                && text
                    .get(s.start..s.value_end)
                    .is_some_and(|v| v.contains(&format!("{FORMAT_NAME:?}")))
        });
        if names_format {
            content_error(line, column, message)
        } else {
            content_error(
                line,
                column,
                format!("not a TriggerMap visit file: {message}"),
            )
        }
    })?;
    let field_at = |field: &str| {
        let spans = scan::scan(text);
        scan::find(&spans, field).map_or((1, 1), |at| line_column(&text.as_bytes()[..at]))
    };
    if header.format != FORMAT_NAME {
        let (line, column) = field_at("format");
        return Err(content_error(
            line,
            column,
            format!(
                "format: {} is not a TriggerMap visit file (expected {FORMAT_NAME:?})",
                shorten(&header.format)
            ),
        ));
    }
    if header.version < OLDEST_FORMAT_VERSION {
        let (line, column) = field_at("version");
        return Err(content_error(
            line,
            column,
            format!(
                "version: {} is not a visit format version (they start at {OLDEST_FORMAT_VERSION})",
                header.version
            ),
        ));
    }
    let syntax = |e: ron::error::SpannedError, text: &str| {
        let (line, column, message) = describe_ron_error(text, &e);
        content_error(line, column, message)
    };
    match header.version {
        1 => {
            let file: v1::VisitFile = ron::from_str(text).map_err(|e| syntax(e, text))?;
            Ok(Parsed {
                visit: file.visit.migrate(),
                version: 1,
                unknown_fields: Vec::new(),
                text: text.to_owned(),
            })
        }
        FORMAT_VERSION => {
            let file: VisitFile = ron::from_str(text).map_err(|e| syntax(e, text))?;
            Ok(Parsed {
                visit: file.visit,
                version: FORMAT_VERSION,
                unknown_fields: Vec::new(),
                text: text.to_owned(),
            })
        }
        found => {
            let (known_text, unknown_fields) = without_unknown_fields(text);
            let file: VisitFile = ron::from_str(&known_text).map_err(|e| {
                let (line, column, detail) = describe_ron_error(&known_text, &e);
                FileError::NewerVersion {
                    file: path.to_owned(),
                    line,
                    column,
                    found,
                    detail,
                }
            })?;
            Ok(Parsed {
                visit: file.visit,
                version: found,
                unknown_fields,
                text: known_text,
            })
        }
    }
}

/// The field paths (lists as `[]`) that this build knows, found by writing a visit that has
/// every field filled in and every kind of treatment.
fn known_shapes() -> &'static BTreeSet<String> {
    static SHAPES: OnceLock<BTreeSet<String>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        use crate::geometry::PatientPoint;
        use crate::model::{Amendment, PointId, Procedure, Side, Signature, Treatment, View};
        let mut visit = Visit::new_now();
        let mut point = crate::model::TriggerPoint::new(
            View::Front,
            PatientPoint::new(0.0, 0.5),
            Some("m".into()),
            Side::Left,
        );
        point.lineage = Some(PointId::new_random());
        point.palpation_pain = Some(1);
        point.pressure_threshold = Some(1.0);
        let mut kinds = Procedure::blank_kinds().to_vec();
        if let Some(Procedure::Injection { volume_ml, .. }) = kinds.first_mut() {
            *volume_ml = Some(1.0);
        }
        point.treatments = kinds
            .into_iter()
            .map(|procedure| Treatment {
                procedure,
                pain_before: Some(1),
                pain_after: Some(1),
                notes: String::new(),
            })
            .collect();
        visit.points.push(point);
        visit.signature = Some(Signature {
            clinician: "c".to_owned(),
            signed_at: visit.date_time,
        });
        visit.amendments.push(Amendment {
            by: "c".to_owned(),
            at: visit.date_time,
            what: vec!["x".to_owned()],
            why: "y".to_owned(),
        });
        let text = visit_to_string(&visit).unwrap_or_default();
        scan::scan(&text)
            .into_iter()
            .filter(|s| s.is_field)
            .map(|s| scan::shape_of(&s.path))
            .collect()
    })
}

/// The text with every field this build does not know blanked out (replaced by spaces, so that
/// lines and columns stay where they were), and the paths of those fields, one per kind.
fn without_unknown_fields(text: &str) -> (String, Vec<String>) {
    let known = known_shapes();
    let spans = scan::scan(text);
    let mut blank: Vec<(usize, usize)> = Vec::new();
    let mut reported: Vec<String> = Vec::new();
    let mut shapes_reported = BTreeSet::new();
    for span in spans.iter().filter(|s| s.is_field) {
        if blank
            .last()
            .is_some_and(|&(start, end)| span.start >= start && span.start < end)
        {
            continue; // inside a field already dropped
        }
        let shape = scan::shape_of(&span.path);
        if !known.contains(&shape) {
            blank.push((span.start, span.removal_end.max(span.start)));
            if shapes_reported.insert(shape) && reported.len() < 20 {
                reported.push(span.path.clone());
            }
        }
    }
    if blank.is_empty() {
        return (text.to_owned(), reported);
    }
    let mut out = String::with_capacity(text.len());
    let mut ranges = blank.iter().peekable();
    for (i, c) in text.char_indices() {
        while ranges.peek().is_some_and(|&&(_, end)| i >= end) {
            ranges.next();
        }
        let inside = ranges.peek().is_some_and(|&&(start, _)| i >= start);
        out.push(if inside && c != '\n' { ' ' } else { c });
    }
    (out, reported)
}

/// Line, column and a clear message for a RON error: the field it is in is named, and no text
/// from the file is quoted (it may be patient data).
fn describe_ron_error(text: &str, e: &ron::error::SpannedError) -> (usize, usize, String) {
    use ron::error::Error as E;
    let (line, column) = (e.span.start.line, e.span.start.col);
    let offset = byte_offset(text, line, column);
    let spans = scan::scan(text);
    let field = scan::field_at(&spans, offset).map(|s| s.path.clone());
    let message = match &e.code {
        E::ExceededRecursionLimit => "nested too deeply".to_owned(),
        E::Eof => "the file ends too early (is it truncated?)".to_owned(),
        E::NoSuchStructField {
            expected, found, ..
        } => format!(
            "unknown field `{}`; expected one of: {}",
            identifier(found),
            expected.join(", ")
        ),
        E::ExpectedStructLike | E::ExpectedNamedStructLike(_) | E::ExpectedStructName(_) => {
            "expected a struct in parentheses: `(name: value, ...)`".to_owned()
        }
        E::ExpectedDifferentStructName { found, .. } => format!(
            "expected a struct in parentheses: `(name: value, ...)`, found `{}`",
            identifier(found)
        ),
        E::MissingStructField { field, .. } => format!("missing field `{field}`"),
        E::DuplicateStructField { field, .. } => format!("field `{field}` appears twice"),
        E::NoSuchEnumVariant {
            expected, found, ..
        } => format!(
            "unknown value `{}`; expected one of: {}",
            identifier(found),
            expected.join(", ")
        ),
        E::IntegerOutOfBounds => "number out of range for this field".to_owned(),
        E::InvalidIdentifier(_) | E::SuggestRawIdentifier(_) => {
            "not a valid field or value name".to_owned()
        }
        E::NoSuchExtension(_) => "unknown RON extension".to_owned(),
        E::InvalidValueForType { expected, .. } => {
            format!("wrong kind of value; expected {}", redact(expected))
        }
        E::Message(m)
            if field.as_deref().is_some_and(|f| {
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
    let message = match field {
        Some(path) => format!("{}: {message}", human_path(&path)),
        None => message,
    };
    // One error, one line: serde may quote a character such as a newline as it is.
    let message = message
        .chars()
        .flat_map(|c| {
            let shown: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            shown
        })
        .collect();
    (line, column, message)
}

/// Replaces every quoted string in `message` by `"…"`: serde's messages may quote values.
fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_quote = false;
    for c in message.chars() {
        if c == '"' {
            if in_quote {
                out.push_str("…\"");
            } else {
                out.push('"');
            }
            in_quote = !in_quote;
        } else if !in_quote {
            out.push(c);
        }
    }
    out
}

/// An identifier from the file as shown in a message: at most 40 characters, and only the
/// characters an identifier may have.
fn identifier(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .take(40)
        .collect()
}

/// At most 40 characters of `text`, debug-quoted.
fn shorten(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        format!("{short:?}…")
    } else {
        format!("{short:?}")
    }
}

/// A file path of a field as a clinician reads it: `visit.points[2].treatments[0].pain_after`
/// becomes `point 3: treatment 1: pain_after`.
pub fn human_path(path: &str) -> String {
    let path = path.strip_prefix("visit.").unwrap_or(path);
    let mut parts = Vec::new();
    for part in path.split('.') {
        if let Some(open) = part.find('[') {
            let (name, rest) = part.split_at(open);
            let singular = match name {
                "points" => "point",
                "treatments" => "treatment",
                "amendments" => "amendment",
                "what" => "line",
                other => other,
            };
            let mut label = singular.to_owned();
            for index in rest.split('[').filter(|s| !s.is_empty()) {
                let index = index.trim_end_matches(']');
                match index.parse::<usize>() {
                    Ok(i) => label.push_str(&format!(" {}", i + 1)),
                    Err(_) => label.push_str(&format!("[{index}]")),
                }
            }
            parts.push(label);
        } else {
            parts.push(part.to_owned());
        }
    }
    parts.join(": ")
}

/// Serializes a visit to the text of a visit file, in the current format version.
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

/// The backup of a visit file's previous version: `visit.ron.bak` beside `visit.ron`.
pub fn backup_path_for(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(BACKUP_SUFFIX);
    path.with_file_name(name)
}

/// Saves `visit` to `path` with every protection except the changed-on-disk check: see
/// [`save_visit_checked`], which the editor should use.
pub fn save_visit(path: &Path, visit: &Visit) -> Result<(), FileError> {
    save_visit_checked(path, visit, None).map(|_| ())
}

/// Saves `visit` to `path` and returns the new file's stamp (keep it for the next save).
///
/// With `expected` (the stamp from [`open_visit`] or the last save), the file on disk must still
/// hold what it held then, else [`FileError::ChangedOnDisk`] (ask the user; pass `None` to
/// overwrite after they agree, or for Save As). A missing file with `expected` given is a change
/// too (it was removed).
///
/// Refuses ([`FileError::Refused`]) a visit read from a newer format, a file on disk of a newer
/// format, a file locked by another running instance, and any change to a signed visit on disk
/// other than appended amendments (or replacing a signed visit by another visit). Refuses
/// ([`FileError::Invalid`]) a visit with values that would not read back.
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
    let is_read_only = read_only_ids()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .contains(&visit.id);
    if is_read_only {
        return Err(refused(SaveRefusal::ReadFromNewerFormat));
    }
    let text = visit_to_string(visit).map_err(|e| FileError::Content {
        file: path.to_owned(),
        line: 0,
        column: 0,
        message: format!("cannot serialize the visit: {e}"),
    })?;
    let problems = validate(visit, None);
    if !problems.is_empty() {
        let spans = scan::scan(&text);
        return Err(FileError::Invalid {
            file: path.to_owned(),
            problems: locate_all(problems, &text, &spans),
        });
    }
    if let Some(holder) = crate::lock::held_by_another(path) {
        return Err(refused(SaveRefusal::Locked(Box::new(holder))));
    }
    let current = read_limited(path)?;
    if let Some(expected) = expected {
        let unchanged = current
            .as_ref()
            .is_some_and(|(bytes, _)| FileStamp::of_bytes(bytes, None).same_content(expected));
        if !unchanged {
            return Err(FileError::ChangedOnDisk {
                file: path.to_owned(),
            });
        }
    }
    if let Some((bytes, _)) = &current {
        check_replacement(bytes, visit).map_err(refused)?;
    }
    let mode = replacement_mode(path);
    remove_stale_temp_files(path);
    if let Some((bytes, _)) = &current {
        write_with_mode(&backup_path_for(path), bytes, mode)?;
    }
    write_with_mode(path, text.as_bytes(), mode)?;
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    Ok(FileStamp::of_bytes(text.as_bytes(), modified))
}

/// The rules for writing `visit` over a file that holds `bytes`.
fn check_replacement(bytes: &[u8], visit: &Visit) -> Result<(), SaveRefusal> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(()); // damaged: the backup keeps it
    };
    if let Ok(header) = ron::from_str::<Header>(text)
        && header.format == FORMAT_NAME
        && header.version > FORMAT_VERSION
    {
        return Err(SaveRefusal::NewerFormatOnDisk {
            found: header.version,
        });
    }
    let Ok(old) = parse_structure(bytes, Path::new("")) else {
        return Ok(()); // damaged or not a visit: the backup keeps it
    };
    let old = old.visit;
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

/// Replaces `path` with `bytes` atomically and durably (see [`save_visit_checked`]); a new file
/// is created `0600`, a replaced one keeps its owner and group permission bits.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_with_mode(path, bytes, replacement_mode(path))
}

/// The permission bits for a file written over `path`: those of the file there (owner and
/// group, never others), or `0600`.
fn replacement_mode(path: &Path) -> u32 {
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

fn write_with_mode(path: &Path, bytes: &[u8], mode: u32) -> Result<(), FileError> {
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

const TEMP_PREFIX: &str = ".triggermap-";
const TEMP_SUFFIX: &str = ".tmp";

/// How old a temporary file must be before it is taken for the leftover of a killed save.
const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Removes temporary files that saves killed midway left in `path`'s folder (best effort; only
/// those older than an hour, so that another instance's save in progress is never touched).
fn remove_stale_temp_files(path: &Path) {
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

/// A value in a parsed visit that is not allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitProblem {
    /// The point it concerns (its index), or `None` for the visit itself.
    pub point: Option<usize>,
    /// Where the value is in the file: `visit.points[2].palpation_pain`.
    pub path: String,
    /// The field, e.g. `palpation_pain`.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for VisitProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", human_path(&self.path), self.message)
    }
}

impl VisitProblem {
    /// Where the field lies in the file's text (line and column, 1-based): the field itself, or
    /// the nearest enclosing value present when the field is absent.
    pub fn locate(&self, text: &str) -> (usize, usize) {
        let spans = scan::scan(text);
        self.locate_in(text, &spans)
    }

    fn locate_in(&self, text: &str, spans: &[scan::Span]) -> (usize, usize) {
        let at = scan::find(spans, &self.path).unwrap_or(0);
        line_column(&text.as_bytes()[..at])
    }
}

fn locate_all(
    problems: Vec<VisitProblem>,
    text: &str,
    spans: &[scan::Span],
) -> Vec<LocatedProblem> {
    let mut located: Vec<LocatedProblem> = problems
        .into_iter()
        .map(|problem| {
            let (line, column) = problem.locate_in(text, spans);
            LocatedProblem {
                line,
                column,
                problem,
            }
        })
        .collect();
    located.sort_by_key(|p| (p.line, p.column));
    located
}

/// Every value in `visit` that is out of range or inconsistent with `atlas`.
pub fn validate_visit(visit: &Visit, atlas: &Atlas) -> Vec<VisitProblem> {
    validate(visit, Some(atlas))
}

/// [`validate_visit`]; muscle ids are checked only when an atlas is given.
fn validate(visit: &Visit, atlas: Option<&Atlas>) -> Vec<VisitProblem> {
    let mut problems = Vec::new();
    let mut visit_problem = |path: &str, field, message: String| {
        problems.push(VisitProblem {
            point: None,
            path: format!("visit.{path}"),
            field,
            message,
        })
    };
    for (field, value) in [
        ("patient_id", &visit.patient_id),
        ("clinician", &visit.clinician),
    ] {
        if value.chars().count() > MAX_NAME_CHARS {
            visit_problem(
                field,
                field,
                format!("longer than {MAX_NAME_CHARS} characters"),
            );
        }
    }
    let year_ok = |d: &chrono::DateTime<chrono::FixedOffset>| PLAUSIBLE_YEARS.contains(&d.year());
    let years = format!(
        "outside the years {}–{}",
        PLAUSIBLE_YEARS.start(),
        PLAUSIBLE_YEARS.end()
    );
    if !year_ok(&visit.date_time) {
        visit_problem("date_time", "date_time", years.clone());
    }
    if let Some(signature) = &visit.signature {
        if signature.clinician.trim().is_empty() {
            visit_problem(
                "signature.clinician",
                "clinician",
                "empty: who signed?".to_owned(),
            );
        }
        if signature.clinician.chars().count() > MAX_NAME_CHARS {
            visit_problem(
                "signature.clinician",
                "clinician",
                format!("longer than {MAX_NAME_CHARS} characters"),
            );
        }
        if !year_ok(&signature.signed_at) {
            visit_problem("signature.signed_at", "signed_at", years.clone());
        }
    } else if !visit.amendments.is_empty() {
        visit_problem(
            "amendments",
            "amendments",
            "amendments without a signature (only a signed visit is amended)".to_owned(),
        );
    }
    let mut previous = visit.signature.as_ref().map(|s| s.signed_at);
    for (i, amendment) in visit.amendments.iter().enumerate() {
        let at = |field: &str| format!("amendments[{i}].{field}");
        if amendment.by.trim().is_empty() {
            visit_problem(&at("by"), "by", "empty: who amended?".to_owned());
        }
        if amendment.why.trim().is_empty() {
            visit_problem(
                &at("why"),
                "why",
                "empty: an amendment needs a reason".to_owned(),
            );
        }
        if amendment.what.is_empty() {
            visit_problem(&at("what"), "what", "empty: what was changed?".to_owned());
        }
        if !year_ok(&amendment.at) {
            visit_problem(&at("at"), "at", years.clone());
        } else if previous.is_some_and(|p| amendment.at < p) {
            visit_problem(
                &at("at"),
                "at",
                "earlier than the signature or the amendment before it".to_owned(),
            );
        }
        previous = Some(amendment.at);
    }

    let mut seen = std::collections::HashSet::new();
    for (i, point) in visit.points.iter().enumerate() {
        let mut report = |path: String, field, message: String| {
            problems.push(VisitProblem {
                point: Some(i),
                path: format!("visit.points[{i}].{path}"),
                field,
                message,
            })
        };
        if !seen.insert(point.id) {
            report(
                "id".into(),
                "id",
                "the same id is used by an earlier point".to_owned(),
            );
        }
        if point.lineage == Some(point.id) {
            report(
                "lineage".into(),
                "lineage",
                "a point cannot follow itself".to_owned(),
            );
        }
        if !point.pos.is_finite() {
            report(
                "pos".into(),
                "pos",
                "coordinates must be finite numbers".to_owned(),
            );
        } else if point.pos.x.abs() > 0.5 || !(0.0..=1.0).contains(&point.pos.y) {
            report(
                "pos".into(),
                "pos",
                format!(
                    "x {} y {} lies outside the figure (|x| <= 0.5, 0 <= y <= 1)",
                    point.pos.x, point.pos.y
                ),
            );
        }
        if let (Some(muscle), Some(atlas)) = (&point.muscle, atlas)
            && atlas.muscle(muscle).is_none()
        {
            report(
                "muscle".into(),
                "muscle",
                format!("{} is not a muscle of the atlas", shorten(muscle.as_str())),
            );
        }
        if let Some(pain) = point.palpation_pain
            && pain > 10
        {
            report(
                "palpation_pain".into(),
                "palpation_pain",
                format!("{pain} is outside 0–10"),
            );
        }
        if let Some(ppt) = point.pressure_threshold
            && !(ppt.is_finite() && (0.0..=MAX_PRESSURE_THRESHOLD).contains(&ppt))
        {
            report(
                "pressure_threshold".into(),
                "pressure_threshold",
                format!("{ppt} kg/cm² is outside 0–{MAX_PRESSURE_THRESHOLD}"),
            );
        }
        for (t, treatment) in point.treatments.iter().enumerate() {
            for (field, pain) in [
                ("pain_before", treatment.pain_before),
                ("pain_after", treatment.pain_after),
            ] {
                if let Some(pain) = pain
                    && pain > 10
                {
                    report(
                        format!("treatments[{t}].{field}"),
                        field,
                        format!("{pain} is outside 0–10"),
                    );
                }
            }
            if let crate::model::Procedure::Injection {
                volume_ml: Some(v), ..
            } = treatment.procedure
                && !(v.is_finite() && (0.0..=MAX_INJECTION_ML).contains(&v))
            {
                report(
                    format!("treatments[{t}].procedure.volume_ml"),
                    "volume_ml",
                    format!("{v} mL is outside 0–{MAX_INJECTION_ML}"),
                );
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
    fn human_paths_number_from_one() {
        assert_eq!(
            human_path("visit.points[2].treatments[0].pain_after"),
            "point 3: treatment 1: pain_after"
        );
        assert_eq!(human_path("visit.date_time"), "date_time");
    }

    #[test]
    fn redaction_hides_quoted_text() {
        assert_eq!(
            redact(r#"invalid type: string "Jane Doe", expected u8"#),
            r#"invalid type: string "…", expected u8"#
        );
    }

    #[test]
    fn every_field_of_the_model_is_known() {
        let shapes = known_shapes();
        for shape in [
            "visit.points[].treatments[].procedure.volume_ml",
            "visit.points[].treatments[].procedure.technique",
            "visit.points[].criteria.jump_sign",
            "visit.signature.signed_at",
            "visit.amendments[].why",
            "format",
        ] {
            assert!(shapes.contains(shape), "{shape} missing from {shapes:?}");
        }
    }
}
