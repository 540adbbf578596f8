//! The patient's history beside the chart, never over it: a resizable panel under the chart with
//! tabs for the selected knot's history, the overview of every knot and the comparison of two
//! visits; and what of the history is drawn on the chart (the previous visit's points, the
//! comparison's rings). Nothing of it is drawn unless the open visit is of the folder's patient.

use super::action::Action;
use super::canvas::CanvasState;
use super::comparison::{self, ComparisonState};
use super::{knot_history, overview, patient};
use crate::history::KnotId;
use crate::model::PointId;
use crate::session::Session;
use egui::Ui;

/// A tab of the history panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryTab {
    /// The selected knot at every visit.
    Knot,
    /// Every knot of the patient.
    Overview,
    /// Two visits compared.
    Comparison,
}

impl HistoryTab {
    const ALL: [HistoryTab; 3] = [
        HistoryTab::Knot,
        HistoryTab::Overview,
        HistoryTab::Comparison,
    ];

    fn label(self) -> &'static str {
        match self {
            HistoryTab::Knot => "Knot history",
            HistoryTab::Overview => "Patient overview",
            HistoryTab::Comparison => "Comparison",
        }
    }
}

/// What the history views show, kept between frames.
#[derive(Debug, Default)]
pub struct HistoryViews {
    /// Whether the previous visit's points are drawn faintly on the chart.
    pub show_previous: bool,
    /// The tab shown in the panel under the chart; `None`: the panel is closed.
    pub tab: Option<HistoryTab>,
    /// The knot whose history the Knot tab shows.
    pub knot: Option<KnotId>,
    /// The visits compared in the Comparison tab.
    pub comparison: ComparisonState,
}

impl HistoryViews {
    /// Shows `knot`'s history.
    pub fn show_knot(&mut self, knot: KnotId) {
        self.knot = Some(knot);
        self.tab = Some(HistoryTab::Knot);
    }

    /// Shows the overview of every knot.
    pub fn show_overview(&mut self) {
        self.tab = Some(HistoryTab::Overview);
    }

    /// Shows the comparison of the previous and the open visit.
    pub fn show_comparison(&mut self) {
        self.comparison = ComparisonState::default();
        self.tab = Some(HistoryTab::Comparison);
    }

    /// Forgets what was shown of another patient's history.
    pub fn reset(&mut self) {
        self.tab = None;
        self.knot = None;
        self.comparison = ComparisonState::default();
    }

    /// Whether this frame shows anything built from the patient's history: the panel, the
    /// Knot section of a selected point, or the trend marks of the point list (for a visit of
    /// the folder's patient).
    pub fn needs_history(&self, session: &Session, selected: Option<PointId>) -> bool {
        session.folder().is_some()
            && (self.tab.is_some() || selected.is_some() || session.is_of_folder_patient())
    }

    /// Whether the comparison's rings are drawn on the chart.
    fn rings_shown(&self) -> bool {
        self.tab == Some(HistoryTab::Comparison) && self.comparison.show_on_chart
    }
}

/// The history panel under the chart, when a patient folder is open and a tab is chosen. Needs
/// [`Session::update_history`] this frame.
pub fn show(ui: &mut Ui, session: &Session, views: &mut HistoryViews) -> Option<Action> {
    session.folder()?;
    let tab = views.tab?;
    let mut action = None;
    egui::Panel::bottom("history")
        .resizable(true)
        .default_size(250.0)
        .min_size(140.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                for t in HistoryTab::ALL {
                    if ui.selectable_label(tab == t, t.label()).clicked() {
                        views.tab = Some(t);
                    }
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .small_button("Close")
                        .on_hover_text("Close the history panel")
                        .clicked()
                    {
                        views.tab = None;
                    }
                });
            });
            ui.separator();
            // The panel keeps the height the user gave it: what does not fit scrolls.
            action = egui::ScrollArea::vertical()
                .id_salt("history_tab")
                .auto_shrink([false, false])
                .show(ui, |ui| match views.tab {
                    Some(HistoryTab::Knot) => {
                        knot_tab(ui, session, views.knot);
                        None
                    }
                    Some(HistoryTab::Overview) => session
                        .history()
                        .and_then(|h| overview::contents(ui, session.atlas(), h)),
                    Some(HistoryTab::Comparison) => {
                        comparison::panel(ui, session, &mut views.comparison);
                        None
                    }
                    None => None,
                })
                .inner;
        });
    action
}

fn knot_tab(ui: &mut Ui, session: &Session, knot: Option<KnotId>) {
    let history = knot.and_then(|id| session.history()?.knot_history(id));
    match history {
        Some(history) => {
            ui.strong(knot_history::title(session.atlas(), &history));
            knot_history::contents(ui, &history);
        }
        None => {
            ui.weak("Select a point and choose History… in its Knot section, or a knot in the Overview.");
        }
    }
}

/// The previous visit's points and the comparison's rings, over the chart: only for a visit of
/// the open folder's patient.
pub fn chart_overlays(ui: &Ui, canvas: &CanvasState, session: &Session, views: &HistoryViews) {
    if !session.is_of_folder_patient() {
        return;
    }
    let painter = ui.painter();
    // A position means a place on its own visit's figure only: nothing charted on another
    // figure is drawn over this one.
    let figure = session.visit().figure;
    if views.show_previous
        && let Some(previous) = session.previous_visit()
        && previous.figure == figure
    {
        patient::draw_ghosts(painter, canvas, previous, session.visit());
    }
    let on_this_figure = |id| {
        session
            .history()
            .and_then(|h| h.visits().iter().find(|v| v.id == id))
            .is_some_and(|v| v.figure == figure)
    };
    if views.rings_shown()
        && let Some(result) = comparison::current(session, &views.comparison)
        && on_this_figure(result.a)
        && on_this_figure(result.b)
    {
        comparison::draw_rings(painter, canvas, &result);
    }
}
