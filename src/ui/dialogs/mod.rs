//! The modal dialogs in front of the app, with one owner ([`Dialogs`]): a queue shown one at a
//! time, each dialog a small type of its own that is shown by reference and answers with an
//! [`Action`] for the app to carry out.

mod aftercare;
mod amendment;
mod changed_on_disk;
mod clinician_settings;
mod message;
mod open_failed;
mod recover;
mod replace_other;
mod sign;
mod take_over;
mod type_path;
mod unsaved;

pub use aftercare::AftercareDialog;
pub use amendment::{DiscardAmendment, FinishAmendment};
pub use changed_on_disk::ChangedOnDisk;
pub use clinician_settings::ClinicianSettingsDialog;
pub use message::Message;
pub use open_failed::OpenFailed;
pub use recover::Recover;
pub use replace_other::ReplaceOtherVisit;
pub use sign::SignDialog;
pub use take_over::TakeOverLock;
pub use type_path::TypePath;
pub use unsaved::UnsavedChanges;

use super::action::Action;
use crate::session::Session;
use egui::{Id, Ui};
use std::collections::VecDeque;

/// A dialog in front of the app.
#[derive(Debug)]
pub enum Dialog {
    /// "Save changes?" before the work in hand is replaced.
    UnsavedChanges(UnsavedChanges),
    /// No native file dialog could be shown: the user types a path.
    TypePath(TypePath),
    /// Something went wrong; nothing was changed.
    Message(Message),
    /// A visit file could not be opened.
    OpenFailed(OpenFailed),
    /// The file was changed by someone else since it was opened or saved here.
    ChangedOnDisk(ChangedOnDisk),
    /// Unsaved work from a session that ended without saving it.
    Recover(Box<Recover>),
    /// "Sign this visit" with the clinician's name.
    Sign(SignDialog),
    /// "Finish the amendment" with who and why.
    FinishAmendment(FinishAmendment),
    /// "Discard your corrections?"
    DiscardAmendment(DiscardAmendment),
    /// "Take over the lock?" naming the holder.
    TakeOverLock(TakeOverLock),
    /// "Replace another visit?" naming both patients.
    ReplaceOtherVisit(ReplaceOtherVisit),
    /// The clinician's presets and maximum doses.
    ClinicianSettings(ClinicianSettingsDialog),
    /// The clinic's aftercare text.
    Aftercare(AftercareDialog),
}

/// How a dialog answered this frame.
pub enum Reply {
    /// It stays open.
    Open,
    /// It closes with nothing to do.
    Close,
    /// It closes, and the app carries this out.
    Answer(Action),
}

/// What closes a dialog besides its buttons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dismiss {
    /// A click beside it or Escape.
    ClickOrEscape,
    /// Only Escape: a click beside a dialog with typed text must not lose it.
    Escape,
    /// Nothing: the user must choose (unsaved work is at stake).
    Never,
}

impl Dialog {
    fn show(&mut self, ui: &mut Ui, session: &Session) -> Reply {
        match self {
            Dialog::UnsavedChanges(d) => d.show(ui),
            Dialog::TypePath(d) => d.show(ui),
            Dialog::Message(d) => d.show(ui),
            Dialog::OpenFailed(d) => d.show(ui),
            Dialog::ChangedOnDisk(d) => d.show(ui),
            Dialog::Recover(d) => d.show(ui),
            Dialog::Sign(d) => d.show(ui, session),
            Dialog::FinishAmendment(d) => d.show(ui, session),
            Dialog::DiscardAmendment(d) => d.show(ui),
            Dialog::TakeOverLock(d) => d.show(ui, session),
            Dialog::ReplaceOtherVisit(d) => d.show(ui),
            Dialog::ClinicianSettings(d) => d.show(ui),
            Dialog::Aftercare(d) => d.show(ui),
        }
    }

    fn dismiss(&self) -> Dismiss {
        match self {
            Dialog::Recover(_) => Dismiss::Never,
            Dialog::TypePath(_)
            | Dialog::Sign(_)
            | Dialog::FinishAmendment(_)
            | Dialog::ClinicianSettings(_)
            | Dialog::Aftercare(_) => Dismiss::Escape,
            _ => Dismiss::ClickOrEscape,
        }
    }
}

/// The dialogs waiting to be answered, the first one in front.
#[derive(Debug, Default)]
pub struct Dialogs {
    queue: VecDeque<Dialog>,
}

impl Dialogs {
    /// Shows `dialog` once those before it are answered.
    pub fn open(&mut self, dialog: Dialog) {
        self.queue.push_back(dialog);
    }

    /// Shows the error `message` (nothing was changed).
    pub fn error(&mut self, message: impl Into<String>) {
        self.open(Dialog::Message(Message::new(message)));
    }

    /// The dialog in front, if any.
    pub fn current(&self) -> Option<&Dialog> {
        self.queue.front()
    }

    /// Whether a dialog is in front (shortcuts then do nothing).
    pub fn is_open(&self) -> bool {
        !self.queue.is_empty()
    }

    /// Shows the dialog in front; returns what it asked for when it was answered.
    pub fn show(&mut self, ctx: &egui::Context, session: &Session) -> Option<Action> {
        let dialog = self.queue.front_mut()?;
        let mut reply = Reply::Open;
        let modal = egui::Modal::new(Id::unique("dialog")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            reply = dialog.show(ui, session);
        });
        if matches!(reply, Reply::Open) && modal.should_close() {
            let escape = ctx.input(|i| i.key_pressed(egui::Key::Escape));
            let closes = match dialog.dismiss() {
                Dismiss::ClickOrEscape => true,
                Dismiss::Escape => escape,
                Dismiss::Never => false,
            };
            if closes {
                reply = Reply::Close;
            }
        }
        match reply {
            Reply::Open => None,
            Reply::Close => {
                let closed = self.queue.pop_front();
                // A path dialog given up gives up what was to follow it.
                matches!(closed, Some(Dialog::TypePath(_))).then_some(Action::CancelPath)
            }
            Reply::Answer(action) => {
                self.queue.pop_front();
                Some(action)
            }
        }
    }
}

/// A row of buttons; returns the index of the one clicked.
fn buttons(ui: &mut Ui, labels: &[&str]) -> Option<usize> {
    let mut clicked = None;
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        for (i, label) in labels.iter().enumerate() {
            if ui.button(*label).clicked() {
                clicked = Some(i);
            }
        }
    });
    clicked
}

/// "patient PT-0042", or "a patient not yet named".
fn patient_words(patient_id: &str) -> String {
    if patient_id.trim().is_empty() {
        "a patient not yet named".to_owned()
    } else {
        format!("patient {patient_id}")
    }
}
