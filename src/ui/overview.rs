//! The patient overview: every knot by muscle and side, first and last seen, at how many visits,
//! its status at the last and its trend, as a table window. A row's button opens the knot's
//! history.

use super::comparison::trend_color;
use super::patient::PatientState;
use crate::atlas::Atlas;
use crate::model::Visit;

/// The overview window, when open.
pub fn window(
    ctx: &egui::Context,
    state: &mut PatientState,
    atlas: &Atlas,
    visit: &Visit,
    revision: u64,
) {
    if !state.overview_open {
        return;
    }
    let Some(history) = state.history(visit, revision) else {
        state.overview_open = false;
        return;
    };
    let rows = history.overview();
    let visits = history.visits().len();
    let mut open = true;
    let mut show_knot = None;
    egui::Window::new("Patient overview")
        .id(egui::Id::unique("overview_window"))
        .open(&mut open)
        .default_size([640.0, 420.0])
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .resizable(true)
        .show(ctx, |ui| {
            ui.weak(format!(
                "{} knots over {visits} visit{}. Trend: first against last measurement.",
                rows.len(),
                if visits == 1 { "" } else { "s" }
            ));
            ui.separator();
            egui::ScrollArea::both().show(ui, |ui| {
                egui::Grid::new("overview_rows")
                    .striped(true)
                    .num_columns(9)
                    .show(ui, |ui| {
                        for title in [
                            "Knot",
                            "Muscle",
                            "Side",
                            "First seen",
                            "Last seen",
                            "Visits",
                            "Status",
                            "Trend",
                            "",
                        ] {
                            ui.strong(title);
                        }
                        ui.end_row();
                        for row in &rows {
                            ui.label(format!("K{}", row.number));
                            ui.label(
                                row.muscle
                                    .as_ref()
                                    .map_or("no muscle", |m| atlas.muscle_name(m)),
                            );
                            ui.label(row.side.label());
                            ui.label(row.first_seen.format("%d %b %Y").to_string());
                            ui.label(row.last_seen.format("%d %b %Y").to_string());
                            ui.label(row.visits.to_string());
                            ui.label(row.latest_status.label());
                            ui.colored_label(trend_color(row.trend), row.trend.label());
                            if ui
                                .small_button("History…")
                                .on_hover_text(format!("Knot K{} at every visit", row.number))
                                .clicked()
                            {
                                show_knot = Some(row.knot);
                            }
                            ui.end_row();
                        }
                    });
            });
        });
    if show_knot.is_some() {
        state.knot_window = show_knot;
    }
    if !open {
        state.overview_open = false;
    }
}
