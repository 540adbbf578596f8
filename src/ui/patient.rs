//! The patient folder in the app: the list of visits by date (and of the files that could not be
//! loaded), the recently opened patients, the follow-up visit, automatic linking of points placed
//! anew, the previous visit's points drawn faintly on the chart, and the state of the history
//! windows ([`super::knot_history`], [`super::overview`], [`super::comparison`]).

use super::canvas::CanvasState;
use super::comparison::ComparisonState;
use crate::atlas::Atlas;
use crate::history::{History, KnotId, PatientFolder, RecentPatients, start_follow_up};
use crate::model::{PointId, TriggerPoint, View, Visit};
use chrono::{DateTime, FixedOffset};
use egui::{Color32, Painter, Stroke, Ui};
use std::path::{Path, PathBuf};

/// What the user asked for in the patient panel or menus, for the app to carry out.
#[derive(Clone, Debug, PartialEq)]
pub enum PatientAction {
    /// Open this visit file of the folder (after dealing with unsaved changes).
    OpenVisit(PathBuf),
    /// Open this patient folder (from the recent list).
    OpenFolder(PathBuf),
    /// Start a follow-up visit from the latest visit.
    FollowUp,
}

/// The open patient folder and everything the history views need between frames.
#[derive(Default)]
pub struct PatientState {
    folder: Option<PatientFolder>,
    /// Where the recent-patients list lives; `None`: it is not remembered (tests).
    recent_file: Option<PathBuf>,
    recent: RecentPatients,
    /// The history built for a (folder generation, document revision), rebuilt when either
    /// changes and a view needs it.
    cache: Option<(u64, u64, History)>,
    generation: u64,
    /// Whether the previous visit's points are drawn faintly on the chart.
    pub show_previous: bool,
    /// The knot whose history window is open.
    pub knot_window: Option<KnotId>,
    /// Whether the patient overview window is open.
    pub overview_open: bool,
    /// The comparison window, when open.
    pub comparison: Option<ComparisonState>,
}

impl PatientState {
    /// Remembers recently opened patients in `file` (read now; a damaged list is an error and
    /// is replaced by an empty one at the next save).
    pub fn set_recent_file(&mut self, file: PathBuf) -> Result<(), String> {
        let loaded = RecentPatients::load(&file);
        self.recent_file = Some(file);
        match loaded {
            Ok(recent) => {
                self.recent = recent;
                Ok(())
            }
            Err(error) => Err(format!(
                "The list of recent patients could not be read; it starts empty.\n\n{error}"
            )),
        }
    }

    /// The recently opened patients, most recent first.
    pub fn recent(&self) -> &RecentPatients {
        &self.recent
    }

    /// The open patient folder.
    pub fn folder(&self) -> Option<&PatientFolder> {
        self.folder.as_ref()
    }

    /// Opens a patient folder (reading only) and puts it first in the recent list. On error the
    /// folder open before stays open and the error is returned for the user.
    pub fn open(
        &mut self,
        path: &Path,
        atlas: &Atlas,
        now: DateTime<FixedOffset>,
    ) -> Result<String, String> {
        let folder = PatientFolder::open(path, atlas).map_err(|e| e.to_string())?;
        let summary = format!(
            "Opened patient {} ({} visits{}).",
            if folder.patient_id.is_empty() {
                "(unnamed)"
            } else {
                &folder.patient_id
            },
            folder.visits.len(),
            match folder.bad_files.len() {
                0 => String::new(),
                1 => ", 1 file could not be loaded".to_owned(),
                n => format!(", {n} files could not be loaded"),
            }
        );
        let mut problem = None;
        if let Some(file) = &self.recent_file {
            self.recent
                .touch(path.to_owned(), folder.patient_id.clone(), now);
            if let Err(error) = self.recent.save(file) {
                problem = Some(format!(
                    "{summary} The list of recent patients was not saved: {error}"
                ));
            }
        }
        self.folder = Some(folder);
        self.generation += 1;
        self.cache = None;
        self.knot_window = None;
        self.comparison = None;
        Ok(problem.unwrap_or(summary))
    }

    /// Records a visit just saved to `path`, when it belongs in the open folder.
    pub fn saved(&mut self, path: &Path, visit: &Visit) {
        if let Some(folder) = self.folder.as_mut()
            && path.parent() == Some(folder.path.as_path())
            && (folder.patient_id.is_empty() || folder.patient_id == visit.patient_id)
        {
            folder.upsert(path.to_owned(), visit.clone());
            self.generation += 1;
            self.cache = None;
        }
    }

    /// Whether `visit` is a visit of the open folder's patient.
    pub fn is_of_patient(&self, visit: &Visit) -> bool {
        self.folder
            .as_ref()
            .is_some_and(|f| !f.patient_id.is_empty() && f.patient_id == visit.patient_id)
    }

    /// The visit before `visit` in the open folder (not `visit` itself), when `visit` is of the
    /// folder's patient: the one its points link to and that is drawn faintly.
    pub fn previous_visit(&self, visit: &Visit) -> Option<&Visit> {
        if !self.is_of_patient(visit) {
            return None;
        }
        let folder = self.folder.as_ref()?;
        folder
            .visits
            .iter()
            .rev()
            .map(|v| &v.visit)
            .find(|v| v.id != visit.id && v.date_time < visit.date_time)
    }

    /// A follow-up visit of the latest visit, at `now`, and the path suggested for saving it.
    pub fn follow_up(&self, now: DateTime<FixedOffset>) -> Option<(Visit, PathBuf)> {
        let folder = self.folder.as_ref()?;
        let latest = folder.latest()?;
        let visit = start_follow_up(&latest.visit, now);
        let path = folder.path_for_new_visit(&visit);
        Some((visit, path))
    }

    /// `point` (about to be added to `visit`) linked to the previous visit's point of the same
    /// muscle and side that lies nearest within a small distance, if any; the previous point's
    /// number is returned with it.
    pub fn auto_link(
        &self,
        visit: &Visit,
        mut point: TriggerPoint,
    ) -> (TriggerPoint, Option<usize>) {
        let Some(previous) = self.previous_visit(visit) else {
            return (point, None);
        };
        if point.lineage.is_some() {
            return (point, None);
        }
        let mut trial = visit.clone();
        trial.points.push(point.clone());
        let linked = crate::history::auto_link_point(&mut trial, point.id, previous);
        point.lineage = linked;
        (point, linked.and_then(|id| previous.number_of(id)))
    }

    /// The patient's history with `visit` (the one being edited, at `revision`) in it when it
    /// is of the patient; built again only when the folder or the visit changed.
    pub fn history(&mut self, visit: &Visit, revision: u64) -> Option<&History> {
        let folder = self.folder.as_ref()?;
        let fresh = self
            .cache
            .as_ref()
            .is_some_and(|(generation, rev, _)| *generation == self.generation && *rev == revision);
        if !fresh {
            let history = if self.is_of_patient(visit) {
                folder.history_with(visit)
            } else {
                folder.history()
            };
            self.cache = Some((self.generation, revision, history));
        }
        self.cache.as_ref().map(|(_, _, h)| h)
    }

    /// The patient panel: the visits by date (the open one highlighted), the bad files with
    /// their errors, and the history buttons.
    pub fn panel(
        &mut self,
        ui: &mut Ui,
        open_path: Option<&Path>,
        open_visit: &Visit,
    ) -> Option<PatientAction> {
        let mut action = None;
        let folder = self.folder.as_ref()?;
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
            action = Some(PatientAction::FollowUp);
        }
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Overview")
                .on_hover_text("Every knot of the patient")
                .clicked()
            {
                self.overview_open = true;
            }
            if ui
                .button("Compare visits")
                .on_hover_text("New, resolved, better and worse knots between two visits")
                .clicked()
            {
                self.comparison = Some(ComparisonState::default());
            }
        });
        ui.checkbox(&mut self.show_previous, "Show previous visit")
            .on_hover_text("Draw the previous visit's points faintly on the chart");
        ui.separator();
        let editing_new = open_path.is_none() && self.is_of_patient(open_visit);
        egui::ScrollArea::vertical()
            .auto_shrink([false, true])
            .show(ui, |ui| {
                ui.label(format!("Visits ({})", folder.visits.len()));
                for loaded in folder.visits.iter().rev() {
                    let is_open = open_path == Some(loaded.path.as_path())
                        || (open_visit.id == loaded.visit.id);
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
                        Some(reason) => {
                            response.on_hover_text(format!("{name}\nRead-only: {reason}"))
                        }
                        None => response.on_hover_text(name),
                    };
                    if response.clicked() && !is_open {
                        action = Some(PatientAction::OpenVisit(loaded.path.clone()));
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
    for view in [View::Front, View::Back] {
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

/// The point of `visit` with this id's chart number, as "#n".
pub fn point_label(visit: &Visit, id: PointId) -> String {
    visit
        .number_of(id)
        .map_or_else(|| "a point".to_owned(), |n| format!("#{n}"))
}
