//! Exports of the open visit into the patient's record (FHIR R4). They read the visit and never
//! change it or its file.

use super::TriggerMapApp;
use crate::export::write_fhir;
use crate::ui::file_dialog::FileRequest;
use std::path::Path;

impl TriggerMapApp {
    /// Asks where to write the FHIR bundle: beside the visit file, named after it.
    pub(super) fn request_fhir_export(&mut self, ctx: Option<&egui::Context>) {
        let (stem, folder) = match self.session.path() {
            Some(path) => (
                path.file_stem()
                    .map_or("visit".to_owned(), |s| s.to_string_lossy().into_owned()),
                path.parent().map(Path::to_owned),
            ),
            None => (self.session.suggested_save_location().0, None),
        };
        let stem = stem.trim_end_matches(".ron").to_owned();
        let request = FileRequest::ExportFhir {
            suggested_name: format!("{stem}.fhir.json"),
            folder,
        };
        match ctx {
            Some(ctx) => self.picker.request(request, ctx),
            None => self.picker.request(request, &egui::Context::default()),
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
