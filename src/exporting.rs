//! Exporting a visit into the patient's record, one flow for every kind: the report as PDF, the
//! charts as PNG and the visit as a FHIR R4 bundle. [`ExportKind`] names the file and makes the
//! bytes; [`export_visit`] writes them beside nothing it must not touch (never over the visit
//! file, atomically, `0600`). The app's File menu and the command line both go through here.

use crate::atlas::Atlas;
use crate::export::{RecordContext, fhir, write_export};
use crate::model::Visit;
use crate::report;
use std::path::{Path, PathBuf};

/// What is exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportKind {
    /// The visit report as PDF.
    ReportPdf,
    /// The visit's body charts as PNG at print resolution.
    ChartPng,
    /// The visit as a FHIR R4 bundle (JSON).
    FhirBundle,
}

impl ExportKind {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportKind::ReportPdf => "pdf",
            ExportKind::ChartPng => "png",
            ExportKind::FhirBundle => "json",
        }
    }

    /// The file name suggested for a visit file named `stem`.ron: `stem.report.pdf`,
    /// `stem.chart.png` or `stem.fhir.json`.
    pub fn suggested_name(self, stem: &str) -> String {
        let middle = match self {
            ExportKind::ReportPdf => "report",
            ExportKind::ChartPng => "chart",
            ExportKind::FhirBundle => "fhir",
        };
        format!("{stem}.{middle}.{}", self.extension())
    }

    /// What the file chooser lists it as.
    pub fn file_type(self) -> &'static str {
        match self {
            ExportKind::ReportPdf => "PDF document",
            ExportKind::ChartPng => "PNG picture",
            ExportKind::FhirBundle => "FHIR R4 bundle (JSON)",
        }
    }

    /// What was written, for the status line: "the report".
    pub fn what(self) -> &'static str {
        match self {
            ExportKind::ReportPdf => "the report",
            ExportKind::ChartPng => "the chart",
            ExportKind::FhirBundle => "the visit as a FHIR R4 bundle",
        }
    }

    /// `path`, with this kind's extension added when it has none (for a name typed in a file
    /// dialog; the command line writes the file named).
    pub fn with_extension(self, path: &Path) -> PathBuf {
        if path.extension().is_none() {
            path.with_extension(self.extension())
        } else {
            path.to_owned()
        }
    }

    /// The bytes of this export of `visit`, drawn on `atlas` (its figure's).
    pub fn render(
        self,
        visit: &Visit,
        atlas: &Atlas,
        context: &RecordContext,
    ) -> Result<Vec<u8>, String> {
        match self {
            ExportKind::ReportPdf => {
                report::report_pdf(visit, atlas, context).map_err(|e| e.to_string())
            }
            ExportKind::ChartPng => {
                report::chart_png(visit, atlas, report::PRINT_SCALE).map_err(|e| e.to_string())
            }
            ExportKind::FhirBundle => fhir::visit_bundle(visit, atlas)
                .to_json()
                .map(String::into_bytes)
                .map_err(|e| e.to_string()),
        }
    }
}

/// Makes the `kind` export of `visit` and writes it to `path`, exactly as named, never over
/// `visit_file`. The error names the file.
pub fn export_visit(
    kind: ExportKind,
    visit: &Visit,
    atlas: &Atlas,
    context: &RecordContext,
    path: &Path,
    visit_file: Option<&Path>,
) -> Result<(), String> {
    let bytes = kind
        .render(visit, atlas, context)
        .map_err(|message| format!("{}: {message}", path.display()))?;
    write_export(path, visit_file, &bytes).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_extensions() {
        assert_eq!(
            ExportKind::ReportPdf.suggested_name("2026-11-30"),
            "2026-11-30.report.pdf"
        );
        assert_eq!(ExportKind::ChartPng.suggested_name("v"), "v.chart.png");
        assert_eq!(ExportKind::FhirBundle.suggested_name("v"), "v.fhir.json");
        assert_eq!(
            ExportKind::ReportPdf.with_extension(Path::new("/tmp/out")),
            PathBuf::from("/tmp/out.pdf")
        );
        assert_eq!(
            ExportKind::FhirBundle.with_extension(Path::new("/tmp/out.txt")),
            PathBuf::from("/tmp/out.txt")
        );
    }

    #[test]
    fn every_kind_is_written_and_never_over_the_visit_file() {
        let atlas = Atlas::builtin().expect("atlas");
        let mut visit = Visit::new_now();
        visit.patient_id = "PT-1".into();
        let context = RecordContext::new(&visit, "Rest.", None);
        let dir = tempfile::tempdir().expect("tempdir");
        let visit_file = dir.path().join("visit.ron");
        std::fs::write(&visit_file, "the visit").expect("write");
        for kind in [
            ExportKind::ReportPdf,
            ExportKind::ChartPng,
            ExportKind::FhirBundle,
        ] {
            let written = dir.path().join(kind.suggested_name("out"));
            export_visit(kind, &visit, &atlas, &context, &written, Some(&visit_file))
                .expect("written");
            assert!(std::fs::metadata(&written).expect("exists").len() > 0);
            let error = export_visit(
                kind,
                &visit,
                &atlas,
                &context,
                &visit_file,
                Some(&visit_file),
            )
            .expect_err("the visit file");
            assert!(error.contains("visit.ron"), "{error}");
        }
        assert_eq!(
            std::fs::read_to_string(&visit_file).expect("read"),
            "the visit"
        );
    }
}
