//! Exports of the open visit into the patient's record (the report as PDF, the chart as PNG, FHIR
//! R4), one flow for all through [`crate::exporting`]. They read the visit and never change it or
//! its file.

use super::TriggerMapApp;
use crate::exporting::{ExportKind, export_visit};
use crate::ui::file_dialog::FileRequest;
use std::path::Path;

impl TriggerMapApp {
    /// Asks where to write the `kind` export: beside the visit file, named after it.
    pub(super) fn request_export(&mut self, kind: ExportKind, ctx: Option<&egui::Context>) {
        let (stem, folder) = match self.session.path() {
            Some(path) => (
                path.file_stem()
                    .map_or("visit".to_owned(), |s| s.to_string_lossy().into_owned()),
                path.parent().map(Path::to_owned),
            ),
            None => (self.session.suggested_save_location().0, None),
        };
        let request = FileRequest::Export {
            kind,
            suggested_name: kind.suggested_name(stem.trim_end_matches(".ron")),
            folder,
        };
        match ctx {
            Some(ctx) => self.picker.request(request, ctx),
            None => self.picker.request(request, &egui::Context::default()),
        }
    }

    /// Writes the `kind` export of the visit as it is now to `path`, and says so in the status
    /// line, with what the file holds that the visit file does not (yet).
    pub(super) fn export_to(&mut self, kind: ExportKind, path: &Path) {
        let path = kind.with_extension(path);
        let written = export_visit(
            kind,
            self.session.visit(),
            self.session.atlas(),
            &self.session.record_context(),
            &path,
            self.session.path(),
        );
        match written {
            Ok(()) => {
                let mut notes = Vec::new();
                if kind == ExportKind::ReportPdf && !self.session.visit().is_signed() {
                    notes.push("a draft: the visit is not signed");
                }
                if self.session.is_dirty() {
                    notes.push("with the changes not yet saved");
                }
                let notes = if notes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", notes.join("; "))
                };
                self.status = format!("Exported {} to {}{notes}.", kind.what(), path.display());
            }
            Err(message) => self.dialogs.error(message),
        }
    }
}
