//! The patient overview: every knot by muscle and side, first and last seen, at how many visits,
//! its status at the last and its trend, as a table. A row's button shows the knot's history.

use super::action::Action;
use super::comparison::trend_color;
use crate::atlas::Atlas;
use crate::history::History;

/// The overview table of `history`; a row's "History…" asks for that knot's history.
pub fn contents(ui: &mut egui::Ui, atlas: &Atlas, history: &History) -> Option<Action> {
    let rows = history.overview();
    let visits = history.visits().len();
    let mut action = None;
    ui.weak(format!(
        "{} knots over {visits} visit{}. Trend: first against last measurement.",
        rows.len(),
        if visits == 1 { "" } else { "s" }
    ));
    ui.separator();
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
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
                        "History",
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
                            action = Some(Action::ShowKnotHistory(row.knot));
                        }
                        ui.end_row();
                    }
                });
        });
    action
}
