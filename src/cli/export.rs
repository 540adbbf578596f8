//! The export commands: `export --fhir VISIT [--out FILE]` and `coding VISIT`. Both only read the
//! visit file.

use super::{EXIT_INVALID, EXIT_OK};
use crate::atlas::Atlas;
use crate::export::{fhir, suggest_coding, write_export, write_fhir};
use crate::storage::{self, OpenedVisit};
use std::io::Write;
use std::path::Path;

/// Opens `file`, or writes its error to `err` and gives `None`. A visit of a newer format is
/// opened (without the fields this build does not know), with a note saying so.
fn open(file: &Path, atlas: &Atlas, err: &mut dyn Write) -> std::io::Result<Option<OpenedVisit>> {
    match storage::open_visit(file, atlas) {
        Ok(opened) => {
            if let Some(reason) = &opened.read_only {
                writeln!(err, "{}: note: {reason}", file.display())?;
            }
            Ok(Some(opened))
        }
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
    let Some(opened) = open(visit_file, atlas, err)? else {
        return Ok(EXIT_INVALID);
    };
    let Some(out_file) = out_file else {
        let json = match fhir::visit_bundle(&opened.visit, atlas).to_json() {
            Ok(json) => json,
            Err(error) => {
                writeln!(err, "{}: {error}", visit_file.display())?;
                return Ok(EXIT_INVALID);
            }
        };
        out.write_all(json.as_bytes())?;
        out.flush()?;
        return Ok(EXIT_OK);
    };
    match write_fhir(&opened.visit, atlas, out_file, Some(visit_file)) {
        Ok(()) => Ok(EXIT_OK),
        Err(error) => {
            writeln!(err, "{error}")?;
            Ok(EXIT_INVALID)
        }
    }
}

/// `triggermap report VISIT [--png FILE] [--pdf FILE]`: the visit's body charts (front and back,
/// and the head profiles when it has a point on one, on its own figure) as a PNG at print
/// resolution, and the visit report as a PDF with the clinic's aftercare text. Each is written
/// atomically (`0600`), never over the visit file. Returns [`EXIT_INVALID`] with the error (naming
/// the file) on `err` when the visit cannot be read or an output made or written.
pub fn report(
    visit_file: &Path,
    png_file: Option<&Path>,
    pdf_file: Option<&Path>,
    atlas: &Atlas,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let Some(opened) = open(visit_file, atlas, err)? else {
        return Ok(EXIT_INVALID);
    };
    let visit = &opened.visit;
    let figure_atlas = atlas.for_figure(visit.figure);
    let mut outputs: Vec<(&Path, Result<Vec<u8>, String>)> = Vec::new();
    if let Some(png_file) = png_file {
        let png = crate::report::chart_png(visit, &figure_atlas, crate::report::PRINT_SCALE)
            .map_err(|e| e.to_string());
        outputs.push((png_file, png));
    }
    if let Some(pdf_file) = pdf_file {
        let pdf = crate::export::aftercare::load_default()
            .map_err(|e| e.to_string())
            .and_then(|aftercare| {
                crate::report::report_pdf(visit, &figure_atlas, &aftercare)
                    .map_err(|e| e.to_string())
            });
        outputs.push((pdf_file, pdf));
    }
    let mut code = EXIT_OK;
    for (file, bytes) in outputs {
        let written = bytes
            .map_err(|message| format!("{}: {message}", file.display()))
            .and_then(|bytes| {
                write_export(file, Some(visit_file), &bytes).map_err(|e| e.to_string())
            });
        if let Err(message) = written {
            writeln!(err, "{message}")?;
            code = EXIT_INVALID;
        }
    }
    Ok(code)
}

/// `triggermap coding VISIT`: the coding suggestion of the visit, one line each (CPT per needle
/// family with the muscles counted, or why there is none; ICD-10-CM with the sites).
pub fn coding(
    visit_file: &Path,
    atlas: &Atlas,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let Some(opened) = open(visit_file, atlas, err)? else {
        return Ok(EXIT_INVALID);
    };
    for line in suggest_coding(&opened.visit, atlas).lines() {
        writeln!(out, "{line}")?;
    }
    Ok(EXIT_OK)
}
