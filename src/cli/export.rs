//! The export commands: `export --fhir VISIT [--out FILE]`, `report VISIT [--png F] [--pdf F]`
//! and `coding VISIT`. They only read the visit file (and its folder, for the patient's earlier
//! injection sessions); every file goes through [`crate::exporting`].

use super::{EXIT_INVALID, EXIT_OK};
use crate::atlas::Atlas;
use crate::export::{
    InjectionSessions, RecordContext, patient_folder_of, record_lines, suggest_coding,
};
use crate::exporting::{ExportKind, export_visit};
use crate::model::Visit;
use crate::storage;
use std::io::Write;
use std::path::Path;

/// Opens `file`, or writes its error to `err` and gives `None`. A visit of a newer format is
/// opened (without the fields this build does not know), with a note saying so.
fn open(file: &Path, atlas: &Atlas, err: &mut dyn Write) -> std::io::Result<Option<Visit>> {
    match storage::open_visit(file, atlas) {
        Ok(opened) => {
            if let Some(reason) = &opened.read_only {
                writeln!(err, "{}: note: {reason}", file.display())?;
            }
            Ok(Some(opened.visit))
        }
        Err(error) => {
            writeln!(err, "{error}")?;
            Ok(None)
        }
    }
}

/// The record context of the visit in `visit_file`, or its error (naming the file) on `err`.
fn context(
    visit: &Visit,
    visit_file: &Path,
    atlas: &Atlas,
    err: &mut dyn Write,
) -> std::io::Result<Option<RecordContext>> {
    match RecordContext::for_visit_file(visit, visit_file, atlas) {
        Ok(context) => Ok(Some(context)),
        Err(error) => {
            writeln!(err, "{error}")?;
            Ok(None)
        }
    }
}

/// `triggermap export --fhir VISIT [--out FILE]`: the visit as a FHIR R4 bundle (JSON), to `out`
/// or written atomically to `out_file` (created `0600`: it holds patient data). The visit file
/// is never written, nor named as the output. Returns [`EXIT_INVALID`] when the visit cannot be
/// read or the output cannot be written, with the error (naming the file) on `err`.
pub fn export_fhir(
    visit_file: &Path,
    out_file: Option<&Path>,
    atlas: &Atlas,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let Some(visit) = open(visit_file, atlas, err)? else {
        return Ok(EXIT_INVALID);
    };
    // The bundle states no aftercare or session count: an empty context is enough.
    let context = RecordContext::new(&visit, "", None);
    let figure_atlas = atlas.for_figure(visit.figure);
    let kind = ExportKind::FhirBundle;
    let Some(out_file) = out_file else {
        return match kind.render(&visit, &figure_atlas, &context) {
            Ok(json) => {
                out.write_all(&json)?;
                out.flush()?;
                Ok(EXIT_OK)
            }
            Err(message) => {
                writeln!(err, "{}: {message}", visit_file.display())?;
                Ok(EXIT_INVALID)
            }
        };
    };
    let written = export_visit(
        kind,
        &visit,
        &figure_atlas,
        &context,
        out_file,
        Some(visit_file),
    );
    finish(written, err)
}

/// `triggermap report VISIT [--png FILE] [--pdf FILE]`: the visit's body charts (front and back,
/// and the head profiles when it has a point on one, on its own figure) as a PNG at print
/// resolution, and the visit report as a PDF with the aftercare text (the visit's own, else the
/// clinic's) and the injection sessions of the past year (from the visit file's folder). Each is
/// written atomically (`0600`), never over the visit file. Returns [`EXIT_INVALID`] with the error
/// (naming the file) on `err` when the visit cannot be read or an output made or written.
pub fn report(
    visit_file: &Path,
    png_file: Option<&Path>,
    pdf_file: Option<&Path>,
    atlas: &Atlas,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let Some(visit) = open(visit_file, atlas, err)? else {
        return Ok(EXIT_INVALID);
    };
    let Some(context) = context(&visit, visit_file, atlas, err)? else {
        return Ok(EXIT_INVALID);
    };
    let figure_atlas = atlas.for_figure(visit.figure);
    let mut code = EXIT_OK;
    let outputs = [
        (ExportKind::ChartPng, png_file),
        (ExportKind::ReportPdf, pdf_file),
    ];
    for (kind, file) in outputs {
        let Some(file) = file else { continue };
        let written = export_visit(
            kind,
            &visit,
            &figure_atlas,
            &context,
            file,
            Some(visit_file),
        );
        if finish(written, err)? != EXIT_OK {
            code = EXIT_INVALID;
        }
    }
    Ok(code)
}

/// [`EXIT_OK`], or the error on `err` and [`EXIT_INVALID`].
fn finish(written: Result<(), String>, err: &mut dyn Write) -> std::io::Result<i32> {
    match written {
        Ok(()) => Ok(EXIT_OK),
        Err(message) => {
            writeln!(err, "{message}")?;
            Ok(EXIT_INVALID)
        }
    }
}

/// `triggermap coding VISIT`: the visit's coding, one line each: whether the clinician confirmed
/// it and what, then the suggestion (CPT per needle family with the muscles counted, or why there
/// is none; ICD-10-CM with the sites), and the injection sessions of the past year.
pub fn coding(
    visit_file: &Path,
    atlas: &Atlas,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let Some(visit) = open(visit_file, atlas, err)? else {
        return Ok(EXIT_INVALID);
    };
    for line in record_lines(&visit, &suggest_coding(&visit, atlas)) {
        writeln!(out, "{line}")?;
    }
    let folder = patient_folder_of(visit_file, atlas);
    if let Some(sessions) = InjectionSessions::in_folder(&visit, folder.as_ref()) {
        writeln!(out, "{}", sessions.line())?;
    }
    Ok(EXIT_OK)
}
