//! The patient folder in the app: the panel listing the visits by date (and the files that could
//! not be loaded), the recently opened patients, and the previous visit's points drawn faintly on
//! the chart. The folder itself belongs to the [`Session`].

use super::action::Action;
use super::canvas::CanvasState;
use super::commands::Command;
use super::history_dock::HistoryViews;
use crate::history::{RecentPatient, RecentPatients};
use crate::model::{View, Visit};
use crate::session::Session;
use egui::{Color32, Painter, Stroke, Ui};
use std::path::{Path, PathBuf};

/// The recently opened patients, kept in a file of TriggerMap's configuration folder.
#[derive(Debug, Default)]
pub struct RecentPatientsFile {
    /// Where the list lives; `None`: it is not remembered (tests).
    file: Option<PathBuf>,
    list: RecentPatients,
}

impl RecentPatientsFile {
    /// Remembers recently opened patients in `file` (read now; a damaged list is an error and is
    /// replaced by an empty one at the next save).
    pub fn set_file(&mut self, file: PathBuf) -> Result<(), String> {
        let loaded = RecentPatients::load(&file);
        self.file = Some(file);
        match loaded {
            Ok(list) => {
                self.list = list;
                Ok(())
            }
            Err(error) => Err(format!(
                "The list of recent patients could not be read; it starts empty.\n\n{error}"
            )),
        }
    }

    /// The recently opened patients, most recent first.
    pub fn entries(&self) -> Vec<RecentPatient> {
        self.list.patients.clone()
    }

    /// Puts `folder` first in the list and saves it (when it is remembered).
    pub fn touch(&mut self, folder: &Path, patient_id: &str) -> Result<(), String> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        self.list.touch(
            folder.to_owned(),
            patient_id.to_owned(),
            chrono::Local::now().fixed_offset(),
        );
        self.list
            .save(file)
            .map_err(|error| format!("The list of recent patients was not saved: {error}"))
    }
}

/// The patient panel at the far left, when a folder is open: the visits by date (the open one
/// highlighted), the bad files with their errors, and the history buttons.
pub fn panel(ui: &mut Ui, session: &Session, views: &mut HistoryViews) -> Option<Action> {
    session.folder()?;
    let mut action = None;
    egui::Panel::left("patient")
        .resizable(true)
        .default_size((ui.ctx().content_rect().width() * 0.17).clamp(200.0, 250.0))
        .min_size(200.0)
        .show(ui, |ui| {
            action = contents(ui, session, views);
        });
    action
}

fn contents(ui: &mut Ui, session: &Session, views: &mut HistoryViews) -> Option<Action> {
    let mut action = None;
    let folder = session.folder()?;
    ui.add_space(4.0);
    ui.heading("Patient");
    ui.horizontal_wrapped(|ui| {
        ui.strong(if folder.patient_id.is_empty() {
            "(no readable visit)"
        } else {
            &folder.patient_id
        });
        ui.weak(folder.path.display().to_string());
    });
    ui.add_space(4.0);
    let can_follow_up = folder.latest().is_some();
    if ui
        .add_enabled(can_follow_up, egui::Button::new("New follow-up visit"))
        .on_hover_text(
            "Start today's visit from the latest one: every knot carried over as To re-examine",
        )
        .clicked()
    {
        action = Some(Action::Command(Command::NewFollowUp));
    }
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Overview")
            .on_hover_text("Every knot of the patient")
            .clicked()
        {
            views.show_overview();
        }
        if ui
            .button("Compare visits")
            .on_hover_text("New, resolved, better and worse knots between two visits")
            .clicked()
        {
            views.show_comparison();
        }
    });
    ui.checkbox(&mut views.show_previous, "Show previous visit")
        .on_hover_text("Draw the previous visit's points faintly on the chart");
    ui.separator();
    let open_path = session.path();
    let open_visit = session.visit();
    let editing_new = open_path.is_none() && session.is_of_folder_patient();
    egui::ScrollArea::vertical()
        .auto_shrink([false, true])
        .show(ui, |ui| {
            ui.label(format!("Visits ({})", folder.visits.len()));
            for loaded in folder.visits.iter().rev() {
                let is_open =
                    open_path == Some(loaded.path.as_path()) || (open_visit.id == loaded.visit.id);
                let mut text = format!(
                    "{}  ·  {} points",
                    loaded.visit.date_time.format("%a %d %b %Y %H:%M"),
                    loaded.visit.points.len()
                );
                if loaded.read_only.is_some() {
                    text.push_str("  · read-only");
                }
                if loaded.visit.signature.is_some() {
                    text.push_str("  · signed");
                }
                let mut response = ui.selectable_label(is_open, text);
                let name = loaded
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                response = match &loaded.read_only {
                    Some(reason) => response.on_hover_text(format!("{name}\nRead-only: {reason}")),
                    None => response.on_hover_text(name),
                };
                if response.clicked() && !is_open {
                    action = Some(Action::OpenVisit(loaded.path.clone()));
                }
            }
            if editing_new {
                let _ = ui.selectable_label(
                    true,
                    format!(
                        "{}  ·  new, not saved",
                        open_visit.date_time.format("%a %d %b %Y %H:%M")
                    ),
                );
            }
            if !folder.bad_files.is_empty() {
                ui.add_space(6.0);
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!("Not loaded ({})", folder.bad_files.len()),
                );
                for bad in &folder.bad_files {
                    let name = bad
                        .path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    ui.label(egui::RichText::new(name).strong())
                        .on_hover_text(bad.error.to_string());
                    ui.add(
                        egui::Label::new(
                            egui::RichText::new(short_error(&bad.error.to_string(), &bad.path))
                                .small()
                                .weak(),
                        )
                        .wrap(),
                    );
                }
            }
        });
    action
}

/// An error message without the file path it ends or starts with (the list shows the name).
fn short_error(message: &str, path: &Path) -> String {
    let full = path.display().to_string();
    let trimmed = message
        .replace(&format!(": {full}"), "")
        .replace(&format!("{full}: "), "")
        .replace(&full, "this file");
    trimmed.chars().take(240).collect()
}

/// The colour of the previous visit's faint markers.
const GHOST: Color32 = Color32::from_rgba_unmultiplied_const(70, 70, 90, 150);

/// Draws the previous visit's points faintly (small open markers, a thin line to today's point
/// that continues each): drawn over the chart, never hit-tested.
pub fn draw_ghosts(painter: &Painter, canvas: &CanvasState, previous: &Visit, current: &Visit) {
    for view in View::ALL {
        let Some(rect) = canvas.view_rect(view) else {
            continue;
        };
        let painter = painter.with_clip_rect(rect);
        for (index, p) in previous.points.iter().enumerate() {
            if p.view != view {
                continue;
            }
            let Some(at) = canvas.screen_pos(view, p.pos) else {
                continue;
            };
            if let Some(now) = current
                .points
                .iter()
                .find(|q| q.lineage == Some(p.id) && q.view == view)
                .and_then(|q| canvas.screen_pos(view, q.pos))
                && now.distance(at) > 2.0
            {
                painter.line_segment([at, now], Stroke::new(1.0, GHOST));
            }
            painter.circle(
                at,
                4.5,
                Color32::from_rgba_unmultiplied(255, 255, 255, 90),
                Stroke::new(1.2, GHOST),
            );
            painter.text(
                at + egui::vec2(5.0, -5.0),
                egui::Align2::LEFT_BOTTOM,
                (index + 1).to_string(),
                egui::FontId::proportional(9.0),
                GHOST,
            );
        }
    }
}
