//! The patient commands: `history FOLDER` and `compare A.ron B.ron`.

use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use crate::atlas::Atlas;
use crate::history::table::{TableExtent, VisitColumns, comparison_table, write_history_table};
use crate::history::{PatientFolder, compare_visits};
use crate::model::{MuscleId, Visit};
use crate::storage;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The muscle's display name from the atlas, or "(no muscle)".
fn muscle_label(atlas: &Atlas) -> impl Fn(Option<&MuscleId>) -> String + '_ {
    |m| {
        m.map_or_else(
            || "(no muscle)".to_owned(),
            |m| atlas.muscle_name(m).to_owned(),
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `triggermap history FOLDER`: the patient's knots as a table (one row per knot: number,
/// muscle, side, first and last seen, status and pain at each visit, trend) with the visits of
/// `columns` as columns (and only the knots charted at them), then the visits opened read-only
/// and the files not loaded, each with its error. The table is written row by row. Returns
/// [`EXIT_USAGE`] when `folder` is not a folder, [`EXIT_INVALID`] when it cannot be read, holds
/// no readable visit, or has files that were not loaded.
pub fn history(
    folder: &Path,
    columns: VisitColumns,
    atlas: &Atlas,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let mut out = std::io::BufWriter::new(out);
    let code = write_history(folder, columns, atlas, &mut out, err)?;
    out.flush()?;
    Ok(code)
}

fn write_history(
    folder: &Path,
    columns: VisitColumns,
    atlas: &Atlas,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    if !folder.is_dir() {
        writeln!(
            err,
            "triggermap history: not a folder of visit files: {}",
            folder.display()
        )?;
        return Ok(EXIT_USAGE);
    }
    let patient = match PatientFolder::open(folder, atlas) {
        Ok(patient) => patient,
        Err(error) => {
            writeln!(err, "triggermap history: {error}")?;
            return Ok(EXIT_INVALID);
        }
    };
    let history = patient.history();
    writeln!(
        out,
        "Patient {}: {}, {} ({})",
        if patient.patient_id.is_empty() {
            "(no patient id)"
        } else {
            &patient.patient_id
        },
        plural(history.visits().len(), "visit"),
        plural(history.knots().len(), "knot"),
        folder.display()
    )?;
    if history.visits().is_empty() {
        writeln!(out, "No readable visit file (*.ron) in this folder.")?;
    } else {
        writeln!(out)?;
        let extent = write_history_table(out, &history, columns, &muscle_label(atlas))?;
        write_extent(out, &extent)?;
    }
    let read_only: Vec<_> = patient.read_only_visits().collect();
    if !read_only.is_empty() {
        writeln!(out, "\nRead-only visits (included above):")?;
        for (visit, reason) in read_only {
            writeln!(out, "  {}: {reason}", visit.path.display())?;
        }
    }
    if !patient.bad_files.is_empty() {
        writeln!(out, "\nFiles not loaded ({}):", patient.bad_files.len())?;
        for bad in &patient.bad_files {
            for line in bad.error.to_string().lines() {
                writeln!(out, "  {line}")?;
            }
        }
    }
    Ok(
        if history.visits().is_empty() || !patient.bad_files.is_empty() {
            EXIT_INVALID
        } else {
            EXIT_OK
        },
    )
}

/// Under a table that leaves visits out: what it shows, and how to see more.
fn write_extent(out: &mut dyn Write, extent: &TableExtent) -> std::io::Result<()> {
    if extent.visits_shown == extent.visits {
        return Ok(());
    }
    writeln!(
        out,
        "Shown: the last {} of {} visits, and the {} of {} charted at them. --last N shows the last N visits, --all every visit.",
        extent.visits_shown,
        extent.visits,
        extent.knots_shown,
        plural(extent.knots, "knot"),
    )
}

/// `triggermap compare A.ron B.ron`: the knots new, resolved, better, worse, unchanged (and not
/// measured) from A to B, with counts, as a table. When both files lie in one folder whose
/// visits include both, knots are followed through every visit between them; otherwise they are
/// matched directly (lineage, else the nearest point of the same muscle and side). A later A is
/// swapped with B. Returns [`EXIT_INVALID`] when A or B cannot be read or they are of different
/// patients.
pub fn compare(
    a: &Path,
    b: &Path,
    atlas: &Atlas,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let mut read = |path: &Path| -> std::io::Result<Option<Visit>> {
        match storage::load_visit(path, atlas) {
            Ok(visit) => Ok(Some(visit)),
            Err(error) => {
                writeln!(err, "triggermap compare: {error}")?;
                Ok(None)
            }
        }
    };
    let (Some(visit_a), Some(visit_b)) = (read(a)?, read(b)?) else {
        return Ok(EXIT_INVALID);
    };
    if visit_a.patient_id != visit_b.patient_id {
        // Which files, and that they differ; never the patient ids themselves.
        writeln!(
            err,
            "triggermap compare: the two visits are of different patients (their patient ids differ): {} {}",
            a.display(),
            b.display()
        )?;
        return Ok(EXIT_INVALID);
    }
    let (mut a, mut b, mut visit_a, mut visit_b) = (a, b, visit_a, visit_b);
    if visit_a.date_time > visit_b.date_time {
        writeln!(
            err,
            "triggermap compare: A is later than B; comparing from the earlier to the later"
        )?;
        std::mem::swap(&mut a, &mut b);
        std::mem::swap(&mut visit_a, &mut visit_b);
    }
    let comparison = match common_folder(a, b) {
        Some(folder) => PatientFolder::open(&folder, atlas)
            .ok()
            .and_then(|patient| {
                let in_folder = |v: &Visit| patient.visit(v.id).is_some_and(|l| l.visit == *v);
                if in_folder(&visit_a) && in_folder(&visit_b) {
                    patient.history().compare(visit_a.id, visit_b.id).ok()
                } else {
                    None
                }
            }),
        None => None,
    }
    .unwrap_or_else(|| compare_visits(&visit_a, &visit_b));
    writeln!(
        out,
        "Patient {}\nA = {}\nB = {}",
        if visit_a.patient_id.is_empty() {
            "(no patient id)"
        } else {
            &visit_a.patient_id
        },
        a.display(),
        b.display()
    )?;
    out.write_all(comparison_table(&comparison, &muscle_label(atlas)).as_bytes())?;
    Ok(EXIT_OK)
}

/// The folder both files lie in, if the same.
fn common_folder(a: &Path, b: &Path) -> Option<PathBuf> {
    let folder = |p: &Path| {
        let parent = p.parent().filter(|p| !p.as_os_str().is_empty());
        std::fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()
    };
    let (fa, fb) = (folder(a)?, folder(b)?);
    (fa == fb).then_some(fa)
}
