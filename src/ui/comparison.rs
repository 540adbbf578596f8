//! The comparison of two visits of the patient: two visit pickers (by default the previous visit
//! and the open one), the count of new, resolved, better, worse, unchanged and not-measured
//! knots, the list, and coloured rings around the knots on the chart.

use super::canvas::CanvasState;
use crate::atlas::Atlas;
use crate::history::{Comparison, PointSnapshot, Trend};
use crate::model::{View, VisitId};
use crate::session::Session;
use egui::{Color32, Painter, Stroke, Ui};

/// The comparison window's choices.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparisonState {
    /// The earlier visit (None: the one before `b`).
    pub a: Option<VisitId>,
    /// The later visit (None: the open visit, or the latest).
    pub b: Option<VisitId>,
    /// Whether the categories are drawn on the chart.
    pub show_on_chart: bool,
}

impl Default for ComparisonState {
    fn default() -> Self {
        ComparisonState {
            a: None,
            b: None,
            show_on_chart: true,
        }
    }
}

/// The colour of a category, on the chart and in the list.
pub fn trend_color(trend: Trend) -> Color32 {
    match trend {
        Trend::New => Color32::from_rgb(170, 40, 190),
        Trend::Resolved => Color32::from_rgb(20, 150, 160),
        Trend::Better => Color32::from_rgb(30, 150, 60),
        Trend::Worse => Color32::from_rgb(230, 90, 0),
        Trend::Unchanged => Color32::from_rgb(110, 110, 120),
        Trend::NotMeasured => Color32::from_rgb(150, 150, 160),
    }
}

/// The two visits compared: the choices, or by default the open visit (when it is the
/// patient's; else the latest) and the one before it. Needs [`Session::update_history`].
fn chosen(session: &Session, choice: &ComparisonState) -> Option<(VisitId, VisitId)> {
    let history = session.history()?;
    let visits = history.visits();
    let b = choice
        .b
        .filter(|id| history.visit_index(*id).is_some())
        .or_else(|| session.is_of_folder_patient().then_some(session.visit().id))
        .or_else(|| visits.last().map(|v| v.id))?;
    let b_index = history.visit_index(b)?;
    let a = choice
        .a
        .filter(|id| history.visit_index(*id).is_some())
        .or_else(|| b_index.checked_sub(1).map(|i| visits[i].id))
        .or_else(|| visits.first().map(|v| v.id))?;
    Some((a, b))
}

/// The comparison the choices give (None when there is nothing to compare).
pub fn current(session: &Session, choice: &ComparisonState) -> Option<Comparison> {
    let (a, b) = chosen(session, choice)?;
    session.history()?.compare(a, b).ok()
}

/// The visit pickers, the counts and the list of the comparison.
pub fn panel(ui: &mut Ui, session: &Session, choice: &mut ComparisonState) {
    let (Some((a, b)), Some(history)) = (chosen(session, choice), session.history()) else {
        ui.weak("Nothing to compare: the patient has fewer than two visits.");
        return;
    };
    let atlas = session.atlas();
    let open = session.visit().id;
    let visits: Vec<(VisitId, String)> = history
        .visits()
        .iter()
        .map(|v| {
            let mut label = v.date_time.format("%a %d %b %Y").to_string();
            if v.id == open {
                label.push_str(" (open)");
            }
            (v.id, label)
        })
        .collect();
    let comparison = history.compare(a, b);
    let label_of = |id: VisitId| {
        visits
            .iter()
            .find(|(v, _)| *v == id)
            .map_or_else(String::new, |(_, l)| l.clone())
    };
    ui.horizontal_wrapped(|ui| {
        egui::ComboBox::new("compare_a", "earlier visit (A)")
            .selected_text(label_of(a))
            .width(200.0)
            .show_ui(ui, |ui| {
                for (id, label) in &visits {
                    if ui.selectable_label(*id == a, label).clicked() {
                        choice.a = Some(*id);
                    }
                }
            });
        egui::ComboBox::new("compare_b", "later visit (B)")
            .selected_text(label_of(b))
            .width(200.0)
            .show_ui(ui, |ui| {
                for (id, label) in &visits {
                    if ui.selectable_label(*id == b, label).clicked() {
                        choice.b = Some(*id);
                    }
                }
            });
        ui.checkbox(&mut choice.show_on_chart, "Show on the chart")
            .on_hover_text("A coloured ring around each knot: its category");
    });
    ui.separator();
    match &comparison {
        Ok(comparison) => contents(ui, atlas, comparison),
        Err(error) => {
            ui.label(error.to_string());
        }
    }
}

fn contents(ui: &mut Ui, atlas: &Atlas, comparison: &Comparison) {
    let counts = comparison.counts();
    ui.horizontal_wrapped(|ui| {
        for trend in Trend::ALL {
            let n = counts.get(&trend).copied().unwrap_or(0);
            let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
            ui.painter()
                .circle_stroke(rect.center(), 5.5, Stroke::new(2.5, trend_color(trend)));
            let text = egui::RichText::new(format!("{} {n}", trend.label()));
            ui.label(if n > 0 { text.strong() } else { text.weak() });
            ui.add_space(6.0);
        }
    });
    if let crate::history::MatchMethod::History {
        visits_between,
        matched_by_position,
    } = comparison.method
    {
        if visits_between > 0 {
            ui.weak(format!(
                "Followed through the {visits_between} visit{} between them.",
                if visits_between == 1 { "" } else { "s" }
            ));
        }
        if matched_by_position > 0 {
            ui.weak(format!(
                "{matched_by_position} knot(s) with a broken link matched by position."
            ));
        }
    }
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("comparison_rows")
                .striped(true)
                .num_columns(5)
                .show(ui, |ui| {
                    ui.strong("Change");
                    ui.strong("Knot");
                    ui.strong("Muscle");
                    ui.strong(comparison.a_date.format("%d %b").to_string());
                    ui.strong(comparison.b_date.format("%d %b").to_string());
                    ui.end_row();
                    for row in &comparison.rows {
                        ui.colored_label(trend_color(row.change), row.change.label());
                        ui.label(match (row.knot_number, &row.b, &row.a) {
                            (Some(n), ..) => format!("K{n}"),
                            (None, Some(b), _) => format!("#{}", b.number),
                            (None, None, Some(a)) => format!("#{}", a.number),
                            _ => String::new(),
                        });
                        ui.label(format!(
                            "{} {}",
                            row.muscle().map_or("no muscle", |m| atlas.muscle_name(m)),
                            row.side().letter()
                        ));
                        ui.label(snapshot_text(row.a.as_ref()));
                        ui.label(snapshot_text(row.b.as_ref()));
                        ui.end_row();
                    }
                });
        });
}

/// "#2 active · pain 6 · 2.1 kg/cm²", or "–".
fn snapshot_text(p: Option<&PointSnapshot>) -> String {
    let Some(p) = p else {
        return "–".to_owned();
    };
    let mut text = format!("#{} {}", p.number, p.status.label().to_lowercase());
    if let Some(pain) = p.palpation_pain {
        text.push_str(&format!(" · pain {pain}"));
    }
    if let Some(ppt) = p.pressure_threshold {
        text.push_str(&format!(" · {ppt:.1} kg/cm²"));
    }
    if p.treatments > 0 {
        text.push_str(" · treated");
    }
    text
}

/// Draws a ring in its category's colour around each knot compared (at B, or at A for one
/// resolved), over the chart.
pub fn draw_rings(painter: &Painter, canvas: &CanvasState, comparison: &Comparison) {
    for view in View::ALL {
        let Some(rect) = canvas.view_rect(view) else {
            continue;
        };
        let painter = painter.with_clip_rect(rect);
        for row in &comparison.rows {
            let Some(at) = row.b.as_ref().or(row.a.as_ref()) else {
                continue;
            };
            let snapshot = if row.change == Trend::Resolved {
                row.a.as_ref().unwrap_or(at)
            } else {
                at
            };
            if snapshot.view != view {
                continue;
            }
            let Some(center) = canvas.screen_pos(view, snapshot.pos) else {
                continue;
            };
            let color = trend_color(row.change);
            painter.circle_stroke(center, 12.5, Stroke::new(3.0, color));
            if row.change == Trend::Resolved {
                // Nothing is charted there now: a small cross marks the place.
                let d = 4.0;
                let stroke = Stroke::new(2.0, color);
                painter.line_segment(
                    [center - egui::vec2(d, d), center + egui::vec2(d, d)],
                    stroke,
                );
                painter.line_segment(
                    [center - egui::vec2(d, -d), center + egui::vec2(d, -d)],
                    stroke,
                );
            }
        }
    }
}
