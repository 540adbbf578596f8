//! Reading visit files: the format name and version, the body by the rules of its version, the
//! migration of older versions, the lenient reading of newer ones, and validation.

use super::envelope::{self, EnvelopeError, Enveloped};
use super::errors::{describe_ron_error, line_column};
use super::locate::locate_all;
use super::read::{FileKind, read_regular_capped};
use super::{FORMAT_NAME, FORMAT_VERSION, FileError, MAX_FILE_BYTES, OLDEST_FORMAT_VERSION, scan};
use crate::atlas::Atlas;
use crate::model::{Visit, human_path, validate_visit};
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;
use std::time::SystemTime;

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
        Ok(read_regular_capped(path, FileKind::VISIT)?
            .map(|content| FileStamp::of_bytes(&content.bytes, content.modified)))
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
pub(super) struct VisitFile {
    pub(super) format: String,
    pub(super) version: u32,
    pub(super) visit: Visit,
}

/// A visit file of a version this build reads strictly: the current one or an older one.
pub(super) enum StoredVisit {
    V1(v1::VisitFile),
    Current(Box<VisitFile>),
}

impl StoredVisit {
    /// The visit, migrated to the current format.
    pub(super) fn into_visit(self) -> Visit {
        match self {
            StoredVisit::V1(file) => file.visit.migrate(),
            StoredVisit::Current(file) => file.visit,
        }
    }
}

impl Enveloped for StoredVisit {
    const FORMAT_NAME: &'static str = FORMAT_NAME;

    fn reads(version: u32) -> bool {
        (OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&version)
    }

    fn deserialize_version<'de, D: Deserializer<'de>>(
        version: u32,
        file: D,
    ) -> Result<Self, D::Error> {
        if version == 1 {
            v1::VisitFile::deserialize(file).map(StoredVisit::V1)
        } else {
            VisitFile::deserialize(file).map(|file| StoredVisit::Current(Box::new(file)))
        }
    }
}

/// A visit file of a newer version, its unknown fields blanked out: read by the current rules.
struct NewerVisitFile(VisitFile);

impl Enveloped for NewerVisitFile {
    const FORMAT_NAME: &'static str = FORMAT_NAME;

    fn reads(version: u32) -> bool {
        version > FORMAT_VERSION
    }

    fn deserialize_version<'de, D: Deserializer<'de>>(
        _version: u32,
        file: D,
    ) -> Result<Self, D::Error> {
        VisitFile::deserialize(file).map(NewerVisitFile)
    }
}

/// Format version 1, frozen: a visit without signature and amendments.
pub(super) mod v1 {
    use crate::model::{Consent, TriggerPoint, Visit, VisitId};
    use chrono::{DateTime, FixedOffset};
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(crate) struct VisitFile {
        #[allow(dead_code)]
        format: String,
        #[allow(dead_code)]
        version: u32,
        pub(crate) visit: VisitV1,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(crate) struct VisitV1 {
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
        pub(crate) fn migrate(self) -> Visit {
            Visit {
                id: self.id,
                patient_id: self.patient_id,
                figure: crate::model::Figure::Male,
                date_time: self.date_time,
                clinician: self.clinician,
                consent: self.consent,
                notes: self.notes,
                points: self.points,
                coding: None,
                aftercare: None,
                signature: None,
                amendments: Vec::new(),
            }
        }
    }
}

/// Reads, parses, migrates and validates a visit file for editing or viewing. `atlas` is used
/// to check muscle ids. A file of a newer format version opens with
/// [`OpenedVisit::read_only`] set.
pub fn open_visit(path: &Path, atlas: &Atlas) -> Result<OpenedVisit, FileError> {
    let Some(content) = read_regular_capped(path, FileKind::VISIT)? else {
        return Err(FileError::Io {
            file: path.to_owned(),
            action: "cannot read",
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
    };
    let mut opened = parse_visit(&content.bytes, path, atlas)?;
    opened.stamp.modified = content.modified;
    Ok(opened)
}

/// Reads a visit file for viewing: [`open_visit`] without the details. A visit of a newer
/// format is returned too (saving over its file is refused all the same).
pub fn load_visit(path: &Path, atlas: &Atlas) -> Result<Visit, FileError> {
    open_visit(path, atlas).map(|opened| opened.visit)
}

/// Parses, migrates and validates the bytes of a visit file; `path` names it in errors. The
/// stamp's time is left empty.
pub fn parse_visit(bytes: &[u8], path: &Path, atlas: &Atlas) -> Result<OpenedVisit, FileError> {
    let stamp = FileStamp::of_bytes(bytes, None);
    let parsed = parse_structure(bytes, path)?;
    let problems = validate_visit(&parsed.visit, atlas);
    if !problems.is_empty() {
        let (problems, more) = locate_all(problems, &parsed.text);
        return Err(FileError::Invalid {
            file: path.to_owned(),
            problems,
            more,
        });
    }
    let read_only = if parsed.version > FORMAT_VERSION {
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
/// version, in the same pass: strictly for this and older versions. A newer version is parsed
/// again without the fields this build does not know.
fn parse_structure(bytes: &[u8], path: &Path) -> Result<Parsed, FileError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError::TooLarge {
            file: path.to_owned(),
            size: bytes.len() as u64,
            limit: MAX_FILE_BYTES,
            what: FileKind::VISIT.name,
        });
    }
    let text = readable_text(bytes).map_err(|e| {
        let (line, column) = line_column(&bytes[..e.valid_up_to()]);
        FileError::NotText {
            file: path.to_owned(),
            line,
            column,
        }
    })?;
    let text = text.as_ref();
    let content_error = |line, column, message| FileError::Content {
        file: path.to_owned(),
        line,
        column,
        message,
    };
    if text.trim().is_empty() {
        return Err(content_error(1, 1, "the file is empty".to_owned()));
    }
    let field_at = |field: &str| {
        let spans = scan::scan(text);
        scan::find(&spans, field).map_or((1, 1), |at| line_column(&text.as_bytes()[..at]))
    };
    match envelope::read::<StoredVisit>(text) {
        Ok((version, stored)) => {
            let visit = stored.into_visit();
            // Versions 2 and 3 are read by the current structs: the fields added since are
            // refused here, as strictly as an unknown field.
            let added_in_4 = [
                ("coding", visit.coding.is_some()),
                ("aftercare", visit.aftercare.is_some()),
            ];
            if version < 4
                && let Some((field, _)) = added_in_4.iter().find(|(_, present)| *present)
            {
                let (line, column) = field_at(&format!("visit.{field}"));
                return Err(content_error(
                    line,
                    column,
                    format!(
                        "{field}: not a field of visit format version {version} (it came with version 4)"
                    ),
                ));
            }
            Ok(Parsed {
                visit,
                version,
                unknown_fields: Vec::new(),
                text: text.to_owned(),
            })
        }
        Err(EnvelopeError::Syntax {
            error,
            names_format,
        }) => {
            let (line, column, message) = describe_ron_error(text, &error, names_format);
            if names_format {
                Err(content_error(line, column, message))
            } else {
                Err(content_error(
                    line,
                    column,
                    format!("not a TriggerMap visit file: {message}"),
                ))
            }
        }
        Err(EnvelopeError::OtherFormat { .. }) => {
            let (line, column) = field_at("format");
            Err(content_error(
                line,
                column,
                format!("format: not a TriggerMap visit file (expected {FORMAT_NAME:?})"),
            ))
        }
        Err(EnvelopeError::Version { found }) if found < OLDEST_FORMAT_VERSION => {
            let (line, column) = field_at("version");
            Err(content_error(
                line,
                column,
                format!(
                    "version: {found} is not a visit format version (they start at {OLDEST_FORMAT_VERSION})"
                ),
            ))
        }
        Err(EnvelopeError::Version { found }) => parse_newer(text, found, path),
    }
}

/// The text of a visit file as it is parsed: without a UTF-8 byte-order mark (Windows Notepad
/// writes one), and with lone carriage returns (old Mac line ends) read as line ends, so that
/// comments end and lines are counted as an editor shows them.
pub(super) fn readable_text(bytes: &[u8]) -> Result<Cow<'_, str>, std::str::Utf8Error> {
    let text = std::str::from_utf8(bytes)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lone_cr = |(i, b): (usize, &u8)| *b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n');
    if !text.as_bytes().iter().enumerate().any(lone_cr) {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    Ok(Cow::Owned(out))
}

/// Parses a visit file of the newer version `found` without the fields this build does not
/// know.
fn parse_newer(text: &str, found: u32, path: &Path) -> Result<Parsed, FileError> {
    let (known_text, unknown_fields) = without_unknown_fields(text);
    let newer_error = |error: &ron::error::SpannedError| {
        let (line, column, detail) = describe_ron_error(&known_text, error, true);
        FileError::NewerVersion {
            file: path.to_owned(),
            line,
            column,
            found,
            detail,
        }
    };
    match envelope::read::<NewerVisitFile>(&known_text) {
        Ok((_, NewerVisitFile(file))) => Ok(Parsed {
            visit: file.visit,
            version: found,
            unknown_fields,
            text: known_text,
        }),
        Err(EnvelopeError::Syntax { error, .. }) => Err(newer_error(&error)),
        // Blanking out unknown fields leaves the format and the version as they were.
        Err(EnvelopeError::OtherFormat { .. } | EnvelopeError::Version { .. }) => {
            Err(FileError::Content {
                file: path.to_owned(),
                line: 1,
                column: 1,
                message: format!("written in visit format version {found}, which cannot be read"),
            })
        }
    }
}

/// The field paths (lists as `[]`) that this build knows, found by writing a visit that has
/// every field filled in and every kind of treatment.
fn known_shapes() -> &'static BTreeSet<String> {
    static SHAPES: OnceLock<BTreeSet<String>> = OnceLock::new();
    SHAPES.get_or_init(|| {
        use crate::model::PatientPoint;
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
        let codes = crate::model::CodeSet {
            injection: Some("20552".to_owned()),
            dry_needling: Some("20560".to_owned()),
            diagnoses: vec!["M79.18".to_owned()],
        };
        visit.coding = Some(crate::model::ConfirmedCoding {
            codes: codes.clone(),
            suggested: codes,
            by: "c".to_owned(),
            at: visit.date_time,
        });
        visit.aftercare = Some("a".to_owned());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_the_model_is_known() {
        let shapes = known_shapes();
        for shape in [
            "visit.points[].treatments[].procedure.volume_ml",
            "visit.points[].treatments[].procedure.technique",
            "visit.points[].criteria.jump_sign",
            "visit.signature.signed_at",
            "visit.amendments[].why",
            "visit.coding.suggested.diagnoses",
            "visit.coding.at",
            "visit.aftercare",
            "format",
        ] {
            assert!(shapes.contains(shape), "{shape} missing from {shapes:?}");
        }
    }
}
