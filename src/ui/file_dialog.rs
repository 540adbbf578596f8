//! Native file dialogs that never block the UI: a request runs on a worker thread and its answer
//! comes back over a channel. Behind a trait so that tests never reach a real dialog.

use super::action::Then;
use crate::exporting::ExportKind;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What the user is asked to choose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileRequest {
    /// A visit file to open.
    Open,
    /// A patient folder (of visit files) to open.
    Folder,
    /// Where to save the visit.
    SaveAs {
        /// The suggested file name.
        suggested_name: String,
        /// The folder to start in.
        folder: Option<PathBuf>,
        /// What to do once it is saved there.
        then: Then,
    },
    /// Where to write an export of the visit (report, chart, FHIR bundle).
    Export {
        /// What is exported.
        kind: ExportKind,
        /// The suggested file name.
        suggested_name: String,
        /// The folder to start in.
        folder: Option<PathBuf>,
    },
}

impl FileRequest {
    /// The suggested file and the folder to start in, for the requests that write a file.
    pub fn suggested(&self) -> Option<(&str, Option<&PathBuf>)> {
        match self {
            FileRequest::SaveAs {
                suggested_name,
                folder,
                ..
            }
            | FileRequest::Export {
                suggested_name,
                folder,
                ..
            } => Some((suggested_name, folder.as_ref())),
            FileRequest::Open | FileRequest::Folder => None,
        }
    }
}

/// How a request ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileAnswer {
    /// The user chose this path.
    Chosen(PathBuf),
    /// The user closed the dialog without choosing.
    Cancelled,
    /// No dialog could be shown on this system (it returned at once): ask for a typed path.
    Unavailable,
}

/// Shows file dialogs.
pub trait FilePicker {
    /// Starts a dialog. Ignored while another is open.
    fn request(&mut self, request: FileRequest, ctx: &egui::Context);
    /// The answer of the open dialog, once it has one.
    fn poll(&mut self) -> Option<(FileRequest, FileAnswer)>;
    /// Whether a dialog is open.
    fn is_pending(&self) -> bool;
}

/// A dialog that answers faster than this without a path is taken as "no dialog available".
const INSTANT_ANSWER: Duration = Duration::from_millis(250);

/// The system's file dialogs, through rfd, each awaited on a worker thread.
#[derive(Default)]
pub struct NativePicker {
    pending: Option<(FileRequest, mpsc::Receiver<FileAnswer>)>,
}

impl FilePicker for NativePicker {
    fn request(&mut self, request: FileRequest, ctx: &egui::Context) {
        if self.pending.is_some() {
            return;
        }
        let (sender, receiver) = mpsc::channel();
        let mut dialog = match request {
            FileRequest::Export { kind, .. } => {
                rfd::AsyncFileDialog::new().add_filter(kind.file_type(), &[kind.extension()])
            }
            _ => rfd::AsyncFileDialog::new().add_filter("TriggerMap visit", &["ron"]),
        };
        if let Some((suggested_name, folder)) = request.suggested() {
            dialog = dialog.set_file_name(suggested_name);
            if let Some(folder) = folder {
                dialog = dialog.set_directory(folder);
            }
        }
        let save = request.suggested().is_some();
        let folder = request == FileRequest::Folder;
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".to_owned())
            .spawn(move || {
                let started = Instant::now();
                let chosen = if save {
                    pollster::block_on(dialog.save_file())
                } else if folder {
                    pollster::block_on(dialog.pick_folder())
                } else {
                    pollster::block_on(dialog.pick_file())
                };
                let answer = match chosen {
                    Some(handle) => FileAnswer::Chosen(handle.path().to_owned()),
                    None if started.elapsed() < INSTANT_ANSWER => FileAnswer::Unavailable,
                    None => FileAnswer::Cancelled,
                };
                // The receiver is gone only if the app has quit; nothing to tell then.
                let _ = sender.send(answer);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.pending = Some((request, receiver)),
            Err(_) => {
                let (sender, receiver) = mpsc::channel();
                let _ = sender.send(FileAnswer::Unavailable);
                self.pending = Some((request, receiver));
            }
        }
    }

    fn poll(&mut self) -> Option<(FileRequest, FileAnswer)> {
        let (_, receiver) = self.pending.as_ref()?;
        let answer = match receiver.try_recv() {
            Ok(answer) => answer,
            Err(mpsc::TryRecvError::Empty) => return None,
            Err(mpsc::TryRecvError::Disconnected) => FileAnswer::Unavailable,
        };
        self.pending.take().map(|(request, _)| (request, answer))
    }

    fn is_pending(&self) -> bool {
        self.pending.is_some()
    }
}

/// A picker that answers from a script, for tests.
#[derive(Default)]
pub struct ScriptedPicker {
    /// Answers given to the next requests, in order; `Cancelled` once they run out.
    answers: std::collections::VecDeque<FileAnswer>,
    /// Every request made.
    pub requests: Vec<FileRequest>,
    answered: Option<(FileRequest, FileAnswer)>,
}

impl ScriptedPicker {
    /// A picker that gives these answers to the next requests, in order.
    pub fn new(answers: impl IntoIterator<Item = FileAnswer>) -> Self {
        ScriptedPicker {
            answers: answers.into_iter().collect(),
            ..ScriptedPicker::default()
        }
    }
}

impl FilePicker for ScriptedPicker {
    fn request(&mut self, request: FileRequest, _ctx: &egui::Context) {
        self.requests.push(request.clone());
        let answer = self.answers.pop_front().unwrap_or(FileAnswer::Cancelled);
        self.answered = Some((request, answer));
    }

    fn poll(&mut self) -> Option<(FileRequest, FileAnswer)> {
        self.answered.take()
    }

    fn is_pending(&self) -> bool {
        self.answered.is_some()
    }
}
