//! Exports of the open visit into the patient's record (the report as PDF, the chart as PNG, FHIR
//! R4). They read the visit and never change it or its file.

use super::TriggerMapApp;
use crate::export::{write_export, write_fhir};
use crate::ui::file_dialog::FileRequest;
use std::path::Path;

impl TriggerMapApp {
    /// The visit file's name without `.ron`, and its folder: where an export is suggested.
    fn export_place(&self) -> (String, Option<std::path::PathBuf>) {
        let (stem, folder) = match self.session.path() {
            Some(path) => (
                path.file_stem()
                    .map_or("visit".to_owned(), |s| s.to_string_lossy().into_owned()),
                path.parent().map(Path::to_owned),
            ),
            None => (self.session.suggested_save_location().0, None),
        };
        (stem.trim_end_matches(".ron").to_owned(), folder)
    }

    fn request_export(&mut self, request: FileRequest, ctx: Option<&egui::Context>) {
        match ctx {
            Some(ctx) => self.picker.request(request, ctx),
            None => self.picker.request(request, &egui::Context::default()),
        }
    }

    /// Asks where to write the FHIR bundle: beside the visit file, named after it.
    pub(super) fn request_fhir_export(&mut self, ctx: Option<&egui::Context>) {
        let (stem, folder) = self.export_place();
        let request = FileRequest::ExportFhir {
            suggested_name: format!("{stem}.fhir.json"),
            folder,
        };
        self.request_export(request, ctx);
    }

    /// Asks where to write the chart: beside the visit file, named after it.
    pub(super) fn request_chart_export(&mut self, ctx: Option<&egui::Context>) {
        let (stem, folder) = self.export_place();
        let request = FileRequest::ExportChart {
            suggested_name: format!("{stem}.chart.png"),
            folder,
        };
        self.request_export(request, ctx);
    }

    /// Asks where to write the report: beside the visit file, named after it.
    pub(super) fn request_report_export(&mut self, ctx: Option<&egui::Context>) {
        let (stem, folder) = self.export_place();
        let request = FileRequest::ExportReport {
            suggested_name: format!("{stem}.report.pdf"),
            folder,
        };
        self.request_export(request, ctx);
    }

    /// Writes the report of the visit as it is now, with the clinic's aftercare text, to `path`.
    pub(super) fn export_report_to(&mut self, path: &Path) {
        let path = if path.extension().is_none() {
            path.with_extension("pdf")
        } else {
            path.to_owned()
        };
        let written = crate::export::aftercare::load_default()
            .map_err(|error| error.to_string())
            .and_then(|aftercare| {
                crate::report::report_pdf(self.session.visit(), self.session.atlas(), &aftercare)
                    .map_err(|error| format!("{}: {error}", path.display()))
            })
            .and_then(|pdf| {
                write_export(&path, self.session.path(), &pdf).map_err(|error| error.to_string())
            });
        match written {
            Ok(()) => {
                self.status = format!(
                    "Exported the report to {}{}.",
                    path.display(),
                    if self.session.visit().is_signed() {
                        ""
                    } else {
                        " (a draft: the visit is not signed)"
                    }
                );
            }
            Err(message) => self.dialogs.error(message),
        }
    }

    /// Writes the charts of the visit as it is now, at print resolution, to `path`.
    pub(super) fn export_chart_to(&mut self, path: &Path) {
        let path = if path.extension().is_none() {
            path.with_extension("png")
        } else {
            path.to_owned()
        };
        let written = crate::report::chart_png(
            self.session.visit(),
            self.session.atlas(),
            crate::report::PRINT_SCALE,
        )
        .map_err(|error| format!("{}: {error}", path.display()))
        .and_then(|png| {
            write_export(&path, self.session.path(), &png).map_err(|error| error.to_string())
        });
        match written {
            Ok(()) => self.status = format!("Exported the chart to {}.", path.display()),
            Err(message) => self.dialogs.error(message),
        }
    }

    /// Writes the FHIR bundle of the visit as it is now to `path`.
    pub(super) fn export_fhir_to(&mut self, path: &Path) {
        let path = if path.extension().is_none() {
            path.with_extension("json")
        } else {
            path.to_owned()
        };
        match write_fhir(
            self.session.visit(),
            self.session.atlas(),
            &path,
            self.session.path(),
        ) {
            Ok(()) => {
                self.status = format!(
                    "Exported the visit as a FHIR R4 bundle to {}{}.",
                    path.display(),
                    if self.session.is_dirty() {
                        " (with the changes not yet saved)"
                    } else {
                        ""
                    }
                );
            }
            Err(error) => self.dialogs.error(error.to_string()),
        }
    }
}
