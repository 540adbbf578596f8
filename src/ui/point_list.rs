//! The list of points that mirrors the chart: one row per point, selectable by click or keyboard.

use super::action::Action;
use super::style;
use crate::atlas::Atlas;
use crate::history::Trend;
use crate::model::{PointId, TriggerPoint, Visit};
use egui::{Sense, Ui, vec2};

/// The text of a point's row: "3. Upper trapezius · Left · Active".
pub fn row_label(atlas: &Atlas, number: usize, point: &TriggerPoint) -> String {
    let muscle = point
        .muscle
        .as_ref()
        .map_or("No muscle assigned", |m| atlas.muscle_name(m));
    format!(
        "{number}. {muscle} · {} · {}",
        point.side,
        point.status.label()
    )
}

/// What the list remembers between frames.
#[derive(Debug, Default)]
pub struct ListState {
    /// The selection the list last showed.
    shown_selection: Option<PointId>,
    /// The scrolled part last frame: offset and height, in points.
    viewport: Option<(f32, f32)>,
}

/// Shows the list; returns the selection of the point the user clicked this frame, if any. When the
/// selection changes elsewhere (on the chart, with the arrow keys) and its row is out of sight,
/// the list scrolls to it.
/// `trend`, for a visit of a patient folder, gives a knot's trend since it was first charted
/// (shown as a coloured word before the row).
pub fn show(
    ui: &mut Ui,
    state: &mut ListState,
    atlas: &Atlas,
    visit: &Visit,
    selected: Option<PointId>,
    trend: Option<&dyn Fn(PointId) -> Option<Trend>>,
) -> Option<Action> {
    let mut clicked = None;
    if visit.points.is_empty() {
        ui.weak("No points yet. Click on the body chart where the knot is.");
        return None;
    }
    // Only the rows in sight are laid out, so that a visit of hundreds of points costs no more
    // per frame than a visit of twenty.
    let row_height = ui.spacing().interact_size.y.max(18.0) + ui.spacing().item_spacing.y;
    let mut area = egui::ScrollArea::vertical()
        .id_salt("point_list")
        .auto_shrink([false, true]);
    if selected != state.shown_selection {
        state.shown_selection = selected;
        let row = selected.and_then(|id| visit.index_of(id));
        if let (Some(row), Some((offset, height))) = (row, state.viewport) {
            let top = row as f32 * row_height;
            if top < offset || top + row_height > offset + height {
                area = area.vertical_scroll_offset((top - height / 3.0).max(0.0));
            }
        }
    }
    let output = area.show_rows(ui, row_height, visit.points.len(), |ui, rows| {
        for index in rows {
            let point = &visit.points[index];
            let is_selected = selected == Some(point.id);
            ui.horizontal(|ui| {
                ui.set_height(row_height - ui.spacing().item_spacing.y);
                let (rect, _) = ui.allocate_exact_size(vec2(18.0, 18.0), Sense::hover());
                style::draw_legend_marker(ui.painter(), rect.center(), 14.0, point.status);
                // A slot of the same width in every row, so that the names line up (only in a
                // visit followed across visits).
                if let Some(trend) = trend {
                    let word = trend(point.id).and_then(|t| trend_word(t).map(|w| (w, t)));
                    ui.allocate_ui_with_layout(
                        vec2(TREND_WIDTH, row_height),
                        egui::Layout::left_to_right(egui::Align::Center),
                        |ui| {
                            ui.set_min_width(TREND_WIDTH);
                            if let Some((word, trend)) = word {
                                ui.label(
                                    egui::RichText::new(word)
                                        .small()
                                        .color(super::comparison::trend_color(trend)),
                                )
                                .on_hover_text(format!("Since first charted: {}", trend.label()));
                            }
                        },
                    );
                }
                // A row never widens the panel (which would move the chart under the
                // pointer): a long muscle name is shortened, and shown in full on hover.
                let label = row_label(atlas, index + 1, point);
                let response = ui
                    .add(egui::Button::selectable(is_selected, label.as_str()).truncate())
                    .on_hover_text(label);
                if response.clicked() {
                    clicked = Some(point.id);
                }
            });
        }
    });
    state.viewport = Some((output.state.clamped_offset().y, output.inner_rect.height()));
    clicked.map(|id| Action::Select(Some(id)))
}

/// The width of the trend word's slot in a row.
const TREND_WIDTH: f32 = 34.0;

/// The word a list row shows for a knot's trend (none when nothing was measured).
fn trend_word(trend: Trend) -> Option<&'static str> {
    match trend {
        Trend::Better => Some("better"),
        Trend::Worse => Some("worse"),
        Trend::Unchanged => Some("same"),
        Trend::New | Trend::Resolved | Trend::NotMeasured => None,
    }
}
