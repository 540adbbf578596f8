//! The path of a file typed by hand, where no native file dialog can be shown.

use super::Reply;
use crate::ui::action::Action;
use crate::ui::file_dialog::FileRequest;
use egui::Ui;
use std::path::PathBuf;

/// The request and the path typed so far.
#[derive(Debug, PartialEq, Eq)]
pub struct TypePath {
    /// What the path is for.
    pub request: FileRequest,
    /// The path typed so far.
    pub text: String,
}

impl TypePath {
    pub(super) fn show(&mut self, ui: &mut Ui) -> Reply {
        let verb = match &self.request {
            FileRequest::Open => "open".to_owned(),
            FileRequest::Folder => "open (a patient folder)".to_owned(),
            FileRequest::SaveAs { .. } => "save to".to_owned(),
            FileRequest::Export { kind, .. } => format!("export {} to", kind.what()),
        };
        ui.heading(format!("File to {verb}"));
        ui.label("No file dialog is available on this system. Type the path:");
        let edit = ui.add(egui::TextEdit::singleline(&mut self.text).desired_width(480.0));
        let entered = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let mut reply = Reply::Open;
        ui.horizontal(|ui| {
            let text = self.text.trim();
            if (ui.button("OK").clicked() || entered) && !text.is_empty() {
                reply = Reply::Answer(Action::UsePath(self.request.clone(), PathBuf::from(text)));
            }
            if ui.button("Cancel").clicked() {
                reply = Reply::Answer(Action::CancelPath);
            }
        });
        reply
    }
}
