//! The headless commands of the `triggermap` binary: `check`, `atlas`, `locate`, the patient
//! commands `history` and `compare`, and the export commands `export` and `coding`.
//!
//! Each command writes to the given output and returns the process exit code, so that tests can
//! run them without spawning a process.

mod export;
mod patient;

pub use export::{coding, export_fhir, report};
pub use patient::{compare, history};

use crate::atlas::Atlas;
use crate::model::PatientPoint;
use crate::model::View;
use crate::storage;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

/// Exit code for success.
pub const EXIT_OK: i32 = 0;
/// Exit code when a checked file is invalid or a command failed.
pub const EXIT_INVALID: i32 = 1;
/// Exit code for a usage error.
pub const EXIT_USAGE: i32 = 2;

/// `triggermap check FILE...`: one line per file; valid files summarised, invalid ones with their
/// error (one line per problem), exactly as the app reports them. A file of an older format is
/// valid (it is migrated when saved); one of a newer format is valid but opens read-only, which
/// is said. Returns [`EXIT_INVALID`] when any file is invalid.
pub fn check(files: &[PathBuf], atlas: &Atlas, out: &mut dyn Write) -> std::io::Result<i32> {
    let mut code = EXIT_OK;
    for file in files {
        match storage::open_visit(file, atlas) {
            Ok(opened) => {
                let visit = &opened.visit;
                let muscles: BTreeSet<String> = visit
                    .points
                    .iter()
                    .map(|p| match &p.muscle {
                        Some(m) => format!("{} ({})", atlas.muscle_name(m), p.side.letter()),
                        None => format!("unassigned ({})", p.side.letter()),
                    })
                    .collect();
                let muscles: Vec<String> = muscles.into_iter().collect();
                let patient = if visit.patient_id.is_empty() {
                    "(no patient id)"
                } else {
                    visit.patient_id.as_str()
                };
                writeln!(
                    out,
                    "{}: ok: patient {}, {}, {} point{}, muscles: {}",
                    file.display(),
                    patient,
                    visit.date_time.format("%Y-%m-%d %H:%M %:z"),
                    visit.points.len(),
                    if visit.points.len() == 1 { "" } else { "s" },
                    if muscles.is_empty() {
                        "none".to_owned()
                    } else {
                        muscles.join(", ")
                    }
                )?;
                if let Some(signature) = &visit.signature {
                    writeln!(
                        out,
                        "{}: signed by {} at {}, {} amendment{}",
                        file.display(),
                        signature.clinician,
                        signature.signed_at.format("%Y-%m-%d %H:%M %:z"),
                        visit.amendments.len(),
                        if visit.amendments.len() == 1 { "" } else { "s" }
                    )?;
                }
                if let Some(version) = opened.migrated_from {
                    writeln!(
                        out,
                        "{}: format version {version}; saving it writes version {}",
                        file.display(),
                        storage::FORMAT_VERSION
                    )?;
                }
                if let Some(reason) = &opened.read_only {
                    writeln!(out, "{}: read-only: {reason}", file.display())?;
                }
            }
            Err(error) => {
                writeln!(out, "{error}")?;
                code = EXIT_INVALID;
            }
        }
    }
    Ok(code)
}

/// `triggermap recovery`: the unsaved work left by sessions that ended without saving, one line
/// per recovery file: the file, when it was written, the visit file it belongs to (or "unsaved
/// visit"), the number of points, and what it holds against the saved file. Entries of sessions
/// still running are not listed. Only reads: no folder is created.
pub fn recovery(atlas: &Atlas, out: &mut dyn Write) -> std::io::Result<i32> {
    let store = match crate::recovery::RecoveryStore::open_default_to_read() {
        Ok(store) => store,
        Err(error) => {
            writeln!(out, "{error}")?;
            return Ok(EXIT_INVALID);
        }
    };
    let found = match store.restorable() {
        Ok(found) => found,
        Err(error) => {
            writeln!(out, "{error}")?;
            return Ok(EXIT_INVALID);
        }
    };
    if found.is_empty() {
        writeln!(out, "none")?;
    }
    for recovered in found {
        match recovered.entry {
            Ok(entry) => {
                let summary = crate::recovery::summarise(&entry, atlas);
                writeln!(
                    out,
                    "{}\t{}\t{}\t{} points\t{}",
                    recovered.file.display(),
                    entry.saved_at.format("%Y-%m-%d %H:%M:%S %:z"),
                    entry
                        .original_path
                        .as_deref()
                        .map_or("unsaved visit".to_owned(), |p| p.display().to_string()),
                    entry.visit.points.len(),
                    summary.headline
                )?;
            }
            Err(error) => writeln!(out, "{}\tdamaged: {error}", recovered.file.display())?,
        }
    }
    Ok(EXIT_OK)
}

/// `triggermap atlas`: every region, one per line: id, display name, side, views, group.
pub fn atlas(atlas: &Atlas, out: &mut dyn Write) -> std::io::Result<i32> {
    for muscle in atlas.muscles() {
        for side in muscle.sides() {
            // Each profile shows one side: the left profile lists with the left muscle only.
            let views: Vec<&str> = muscle
                .views
                .iter()
                .filter(|v| v.profile_side().is_none_or(|s| s == *side))
                .map(|v| v.label())
                .collect();
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}",
                muscle.id,
                muscle.name,
                side,
                views.join(","),
                muscle.group.label()
            )?;
        }
    }
    Ok(EXIT_OK)
}

/// `triggermap locate --view VIEW X Y` (on the atlas of one figure): the regions at that point, best
/// candidate first, one per line (id, display name, side), or `none`.
pub fn locate(
    atlas: &Atlas,
    view: View,
    x: f32,
    y: f32,
    out: &mut dyn Write,
) -> std::io::Result<i32> {
    let hits = atlas.regions_at(view, PatientPoint::new(x, y));
    if hits.is_empty() {
        writeln!(out, "none")?;
    }
    for index in hits {
        let region = &atlas.regions()[index];
        let muscle = atlas.muscle_of(region);
        writeln!(out, "{}\t{}\t{}", muscle.id, muscle.name, region.side)?;
    }
    Ok(EXIT_OK)
}
