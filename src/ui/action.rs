//! What the user asked for, from any panel, menu, shortcut or dialog: one [`Action`] type that
//! the app drains once per frame in one place ([`super::app`]). Panels never change the visit.

use super::commands::Command;
use super::file_dialog::FileRequest;
use crate::clinicians::ClinicianSettings;
use crate::editing::Edit;
use crate::history::KnotId;
use crate::model::{CodeSet, PointId, Procedure};
use crate::recovery::RecoveryEntry;
use std::path::PathBuf;

/// What to do once the work in hand is dealt with (saved, or the user chose not to): the
/// continuation carried by the unsaved-changes question and by Save As.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Then {
    /// Nothing more.
    #[default]
    Nothing,
    /// Start a new visit.
    NewVisit,
    /// Ask for a visit file to open.
    AskOpen,
    /// Open this visit file.
    OpenVisit(PathBuf),
    /// Start a follow-up visit of the open patient.
    FollowUp,
    /// Close the window.
    Close,
    /// Sign the visit with this name (once it has a file).
    Sign(String),
}

/// Something the user asked for, for the app to carry out.
#[must_use]
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A command from a menu, a button or a shortcut.
    Command(Command),
    /// Select this point, or clear the selection.
    Select(Option<PointId>),
    /// Change the visit (one undo step).
    Edit(Edit),
    /// Delete this point.
    DeletePoint(PointId),
    /// Open this visit file (asking first about unsaved changes).
    OpenVisit(PathBuf),
    /// Open this patient folder.
    OpenFolder(PathBuf),
    /// Show the history of this knot beside the chart.
    ShowKnotHistory(KnotId),
    /// Say something in the status bar.
    Status(String),
    /// Save, then carry on (the unsaved-changes question).
    SaveThen(Then),
    /// Carry on without saving (the unsaved-changes question), or after a save.
    Proceed(Then),
    /// A path was typed or chosen for this request.
    UsePath(FileRequest, PathBuf),
    /// The request was given up: forget its continuation.
    CancelPath,
    /// Save under another name instead of replacing a file changed on disk.
    SaveAsInstead,
    /// Replace the file that changed on disk with the visit in hand.
    ReplaceChangedFile,
    /// Drop the visit in hand and read the file that changed on disk.
    ReloadFromDisk,
    /// Restore the recovered work in this recovery file.
    Restore {
        /// The recovery file.
        file: PathBuf,
        /// What it holds.
        entry: Box<RecoveryEntry>,
    },
    /// Throw the recovered work in this recovery file away.
    DiscardRecovery(PathBuf),
    /// Sign with this name (and save).
    Sign(String),
    /// Record the amendment by `by` for `why`, and save.
    FinishAmendment {
        /// Who amends.
        by: String,
        /// Why.
        why: String,
    },
    /// Leave the amendment, discarding the corrections.
    DiscardAmendment,
    /// Keep this text as the clinic's aftercare instructions.
    SaveAftercare(String),
    /// Confirm these codes as the visit's coding (by its clinician, now).
    ConfirmCoding(CodeSet),
    /// Keep this procedure as a preset of the visit's clinician.
    SavePreset(Procedure),
    /// Replace the visit's clinician's presets and dose limits by these.
    SaveClinicianSettings(ClinicianSettings),
    /// Take over the lock, after the warning.
    TakeOverLock,
    /// Save over the other visit in this file, after the warning, then carry on.
    ReplaceOtherVisit {
        /// The file.
        path: PathBuf,
        /// What follows the save.
        then: Then,
    },
}
