//! The app's commands: one enum with labels and keyboard shortcuts, from which the menus are built
//! and the shortcuts are read.

use egui::{Key, KeyboardShortcut, Modifiers};

/// Something the user can ask the app to do from a menu or a shortcut.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// Start a new, empty visit.
    New,
    /// Open a visit file.
    Open,
    /// Save the visit to its file.
    Save,
    /// Save the visit to a new file.
    SaveAs,
    /// Undo the last change.
    Undo,
    /// Redo the last undone change.
    Redo,
    /// Delete the selected point.
    DeletePoint,
    /// Select the previous point in the list.
    SelectPrevious,
    /// Select the next point in the list.
    SelectNext,
    /// Open a patient's folder of visits.
    OpenFolder,
    /// Start a follow-up visit from the patient's latest visit.
    NewFollowUp,
    /// Sign the visit: it is saved and becomes read-only.
    Sign,
    /// Start correcting a signed visit.
    Amend,
    /// Record the amendment (asks who and why).
    FinishAmendment,
    /// Leave the amendment, discarding the corrections (asks first).
    CancelAmendment,
    /// Take over the lock another instance holds (asks first).
    TakeOverLock,
    /// Show every knot of the patient beside the chart.
    PatientOverview,
    /// Compare two visits of the patient beside the chart.
    CompareVisits,
    /// Mark the selected point active.
    MarkActive,
    /// Mark the selected point latent.
    MarkLatent,
    /// Record every diagnostic criterion of the selected point as present.
    AllCriteriaYes,
    /// Zoom each diagram in on the points charted on it.
    ZoomToPoints,
    /// The visit's clinician's presets and maximum local-anaesthetic doses.
    ClinicianSettings,
    /// The clinic's aftercare instructions, printed with a treatment.
    AftercareText,
    /// Export the visit report as a PDF.
    ExportReport,
    /// Export the visit's charts as a PNG.
    ExportChart,
    /// Export the visit as a FHIR R4 bundle.
    ExportFhir,
    /// Show the front and back diagrams.
    ShowFrontAndBack,
    /// Show the head profiles, left and right.
    ShowHeadProfiles,
}

const fn shortcut(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const CTRL_SHIFT: Modifiers = Modifiers {
    shift: true,
    ..Modifiers::COMMAND
};

impl Command {
    /// Every command, in menu order.
    pub const ALL: [Command; 29] = [
        Command::New,
        Command::Open,
        Command::Save,
        Command::SaveAs,
        Command::Undo,
        Command::Redo,
        Command::DeletePoint,
        Command::SelectPrevious,
        Command::SelectNext,
        Command::OpenFolder,
        Command::NewFollowUp,
        Command::Sign,
        Command::Amend,
        Command::FinishAmendment,
        Command::CancelAmendment,
        Command::TakeOverLock,
        Command::PatientOverview,
        Command::CompareVisits,
        Command::MarkActive,
        Command::MarkLatent,
        Command::AllCriteriaYes,
        Command::ZoomToPoints,
        Command::ClinicianSettings,
        Command::AftercareText,
        Command::ExportReport,
        Command::ExportChart,
        Command::ExportFhir,
        Command::ShowFrontAndBack,
        Command::ShowHeadProfiles,
    ];

    /// The menu label.
    pub fn label(self) -> &'static str {
        match self {
            Command::New => "New visit",
            Command::Open => "Open…",
            Command::Save => "Save",
            Command::SaveAs => "Save as…",
            Command::Undo => "Undo",
            Command::Redo => "Redo",
            Command::DeletePoint => "Delete point",
            Command::SelectPrevious => "Previous point",
            Command::SelectNext => "Next point",
            Command::OpenFolder => "Open patient folder…",
            Command::NewFollowUp => "New follow-up visit",
            Command::Sign => "Sign visit…",
            Command::Amend => "Amend…",
            Command::FinishAmendment => "Finish amendment…",
            Command::CancelAmendment => "Cancel amendment",
            Command::TakeOverLock => "Take over the lock…",
            Command::PatientOverview => "Patient overview",
            Command::CompareVisits => "Compare visits",
            Command::MarkActive => "Mark active",
            Command::MarkLatent => "Mark latent",
            Command::AllCriteriaYes => "All criteria present",
            Command::ZoomToPoints => "Zoom to points",
            Command::ClinicianSettings => "Presets and dose limits…",
            Command::AftercareText => "Aftercare instructions…",
            Command::ExportReport => "Export report (PDF)…",
            Command::ExportChart => "Export chart (PNG)…",
            Command::ExportFhir => "Export FHIR…",
            Command::ShowFrontAndBack => "Front + back",
            Command::ShowHeadProfiles => "Head profiles",
        }
    }

    /// What the command does, for its tooltip.
    pub fn tooltip(self) -> &'static str {
        match self {
            Command::New => "Start a new, empty visit",
            Command::Open => "Open a visit file",
            Command::Save => "Save the visit to its file",
            Command::SaveAs => "Save the visit to a new file",
            Command::Undo => "Undo the last change",
            Command::Redo => "Redo the last undone change",
            Command::DeletePoint => "Delete the selected point",
            Command::SelectPrevious => "Select the previous point in the list",
            Command::SelectNext => "Select the next point in the list",
            Command::OpenFolder => "Open a patient's folder of visits",
            Command::NewFollowUp => {
                "Start today's visit from the latest one: every knot carried over as To re-examine"
            }
            Command::Sign => "Finalise the visit: it is saved and becomes read-only",
            Command::Amend => "Correct a signed visit; the correction is recorded with who and why",
            Command::FinishAmendment => "Record who corrected the visit and why, and save",
            Command::CancelAmendment => "Discard the corrections; the signed visit stays as saved",
            Command::TakeOverLock => "Only if that instance is closed or its computer is off",
            Command::PatientOverview => "Every knot of the patient",
            Command::CompareVisits => "New, resolved, better and worse knots between two visits",
            Command::MarkActive => "The selected point is an active trigger point",
            Command::MarkLatent => "The selected point is a latent trigger point",
            Command::AllCriteriaYes => "Every diagnostic criterion of the selected point: Yes",
            Command::ZoomToPoints => "Zoom in on the points charted on each view",
            Command::ClinicianSettings => {
                "Your treatment presets and the maximum local-anaesthetic dose per visit"
            }
            Command::AftercareText => {
                "The clinic's aftercare text, printed in the report of a visit with a treatment and kept in the visit when it is signed"
            }
            Command::ExportReport => {
                "The visit report: charts, findings, procedure note with coding, signature and aftercare; the visit file is not changed"
            }
            Command::ExportChart => {
                "The body charts at print resolution, for the patient's record; the visit file is not changed"
            }
            Command::ExportFhir => {
                "The visit as a FHIR R4 bundle (JSON) for the clinic's record; the visit file is not changed"
            }
            Command::ShowFrontAndBack => "The whole body from the front and from the back",
            Command::ShowHeadProfiles => {
                "The head and neck from the patient's left and right: jaw and temple muscles"
            }
        }
    }

    /// The keyboard shortcuts, the one shown in menus first.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        const NEW: [KeyboardShortcut; 1] = [shortcut(Modifiers::COMMAND, Key::N)];
        const OPEN: [KeyboardShortcut; 1] = [shortcut(Modifiers::COMMAND, Key::O)];
        const SAVE: [KeyboardShortcut; 1] = [shortcut(Modifiers::COMMAND, Key::S)];
        const SAVE_AS: [KeyboardShortcut; 1] = [shortcut(CTRL_SHIFT, Key::S)];
        const UNDO: [KeyboardShortcut; 1] = [shortcut(Modifiers::COMMAND, Key::Z)];
        const REDO: [KeyboardShortcut; 2] = [
            shortcut(CTRL_SHIFT, Key::Z),
            shortcut(Modifiers::COMMAND, Key::Y),
        ];
        const DELETE: [KeyboardShortcut; 1] = [shortcut(Modifiers::NONE, Key::Delete)];
        const PREVIOUS: [KeyboardShortcut; 1] = [shortcut(Modifiers::NONE, Key::ArrowUp)];
        const NEXT: [KeyboardShortcut; 1] = [shortcut(Modifiers::NONE, Key::ArrowDown)];
        const ACTIVE: [KeyboardShortcut; 1] = [shortcut(Modifiers::NONE, Key::A)];
        const LATENT: [KeyboardShortcut; 1] = [shortcut(Modifiers::NONE, Key::L)];
        const ALL_YES: [KeyboardShortcut; 1] = [shortcut(Modifiers::SHIFT, Key::Y)];
        const BODY: [KeyboardShortcut; 1] = [shortcut(Modifiers::COMMAND, Key::Num1)];
        const PROFILES: [KeyboardShortcut; 1] = [shortcut(Modifiers::COMMAND, Key::Num2)];
        match self {
            Command::New => &NEW,
            Command::Open => &OPEN,
            Command::Save => &SAVE,
            Command::SaveAs => &SAVE_AS,
            Command::Undo => &UNDO,
            Command::Redo => &REDO,
            Command::DeletePoint => &DELETE,
            Command::SelectPrevious => &PREVIOUS,
            Command::SelectNext => &NEXT,
            Command::MarkActive => &ACTIVE,
            Command::MarkLatent => &LATENT,
            Command::AllCriteriaYes => &ALL_YES,
            Command::ShowFrontAndBack => &BODY,
            Command::ShowHeadProfiles => &PROFILES,
            Command::OpenFolder
            | Command::NewFollowUp
            | Command::Sign
            | Command::Amend
            | Command::FinishAmendment
            | Command::CancelAmendment
            | Command::TakeOverLock
            | Command::PatientOverview
            | Command::CompareVisits
            | Command::ZoomToPoints
            | Command::ClinicianSettings
            | Command::AftercareText
            | Command::ExportReport
            | Command::ExportChart
            | Command::ExportFhir => &[],
        }
    }

    /// The commands whose shortcut was pressed this frame, consuming those key presses. Nothing
    /// while the user is typing in a text field: the keys belong to the text there.
    pub fn pressed(ctx: &egui::Context) -> Vec<Command> {
        if ctx.text_edit_focused() {
            return Vec::new();
        }
        // egui matches Ctrl+S inside Ctrl+Shift+S, so the shortcuts with more modifiers are
        // tried first.
        let mut all: Vec<(Command, KeyboardShortcut)> = Command::ALL
            .iter()
            .flat_map(|&c| c.shortcuts().iter().map(move |&s| (c, s)))
            .collect();
        all.sort_by_key(|(_, s)| std::cmp::Reverse(modifier_count(s.modifiers)));
        ctx.input_mut(|input| {
            all.into_iter()
                .filter(|(_, s)| input.consume_shortcut(s))
                .map(|(c, _)| c)
                .collect()
        })
    }
}

fn modifier_count(m: Modifiers) -> u8 {
    u8::from(m.alt) + u8::from(m.shift) + u8::from(m.ctrl || m.command || m.mac_cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_commands_share_a_shortcut() {
        let mut seen = std::collections::HashSet::new();
        for command in Command::ALL {
            for s in command.shortcuts() {
                assert!(
                    seen.insert((s.modifiers.shift, s.modifiers.command, s.logical_key)),
                    "{command:?} reuses a shortcut"
                );
            }
        }
    }
}
