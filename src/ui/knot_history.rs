//! One knot across the patient's visits: the "Knot" section above the point form (its link to
//! the previous visit: link, unlink, mark resolved) and the knot's history beside the chart, with
//! a plot of palpation pain and pressure threshold over the dates, the treatments marked on it,
//! and the status at each visit.

use super::action::Action;
use crate::atlas::Atlas;
use crate::history::{KnotHistory, KnotId, link, mark_resolved, unlink};
use crate::model::{Procedure, Status, TriggerPoint};
use crate::session::Session;
use chrono::{DateTime, FixedOffset, TimeZone};
use egui::{Color32, Ui};
use egui_plot::{
    GridInput, GridMark, HoverPosition, Line, LineStyle, MarkerShape, Plot, PlotPoints, Points,
    VLine,
};

/// The colour of palpation pain in the plot.
const PAIN_COLOR: Color32 = Color32::from_rgb(200, 40, 50);
/// The colour of the pressure threshold in the plot.
const PPT_COLOR: Color32 = Color32::from_rgb(40, 90, 200);
/// The colour of an injection's vertical line.
const INJECTION_COLOR: Color32 = Color32::from_rgb(150, 60, 190);
/// The colour of another treatment's vertical line.
const TREATMENT_COLOR: Color32 = Color32::from_rgb(0, 130, 140);
/// The colour of the "resolved" mark.
const RESOLVED_COLOR: Color32 = Color32::from_rgb(30, 140, 70);

/// The "Knot" section for `point` of the open visit (shown when a patient folder is open): which
/// knot it is, its link to the previous visit, and link, unlink, mark resolved and history
/// buttons. Needs [`Session::update_history`] this frame.
pub fn section(
    ui: &mut Ui,
    session: &Session,
    point: &TriggerPoint,
    editable: bool,
) -> Option<Action> {
    let mut action = None;
    let atlas = session.atlas();
    let visit = session.visit();
    let knot = session
        .history()
        .and_then(|h| h.knot_of_point(point.id))
        .map(|k| (k.id, k.number, k.visits_present()));
    let previous = session.previous_visit();
    if previous.is_none() && knot.is_none() {
        return None;
    }
    ui.horizontal(|ui| {
        match knot {
            Some((_, number, visits)) => {
                ui.strong(format!("Knot K{number}"));
                ui.weak(format!("seen at {visits} visit{}", plural(visits)));
            }
            None => {
                ui.strong("Knot");
            }
        }
        if let Some((id, ..)) = knot
            && ui
                .small_button("History…")
                .on_hover_text(
                    "This knot at every visit, with a plot of pain and pressure threshold",
                )
                .clicked()
        {
            action = Some(Action::ShowKnotHistory(id));
        }
    });
    let Some(previous) = previous else {
        ui.separator();
        return action;
    };
    let date = previous.date_time.format("%d %b").to_string();
    ui.add_enabled_ui(editable, |ui| {
        match point
            .lineage
            .and_then(|id| previous.point(id).map(|p| (id, p)))
        {
            Some((id, before)) => {
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!(
                        "Linked to point #{} of {date} ({})",
                        previous.number_of(id).unwrap_or(0),
                        describe(atlas, before)
                    ));
                    if ui
                        .small_button("Unlink")
                        .on_hover_text("Make this a knot of its own, not the same as last visit's")
                        .clicked()
                    {
                        action = unlink(visit, point.id).ok().map(Action::Edit);
                    }
                });
                last_visit_findings(ui, session, &date, before, point);
            }
            None => {
                if let Some(id) = point.lineage {
                    ui.weak(format!(
                        "Linked to an earlier point ({id}) not in the visit of {date}."
                    ));
                }
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!("Not linked to {date}."));
                    let mut chosen = None;
                    egui::ComboBox::new(("link_to", point.id), "previous point")
                        .selected_text("Link to…")
                        .show_ui(ui, |ui| {
                            for (index, p) in previous.points.iter().enumerate() {
                                let taken = visit
                                    .points
                                    .iter()
                                    .any(|q| q.id != point.id && q.lineage == Some(p.id));
                                let text = format!(
                                    "#{} {}{}",
                                    index + 1,
                                    describe(atlas, p),
                                    if taken { " (linked)" } else { "" }
                                );
                                if ui.selectable_label(false, text).clicked() {
                                    chosen = Some(p.id);
                                }
                            }
                        });
                    if let Some(target) = chosen {
                        action = Some(match link(visit, point.id, previous, target) {
                            Ok(edit) => Action::Edit(edit),
                            Err(error) => Action::Status(format!("Not linked: {error}.")),
                        });
                    }
                });
            }
        }
        if point.status != Status::Resolved
            && ui
                .button("Mark resolved")
                .on_hover_text(
                    "This knot is no longer found: it will not be carried over to the next visit",
                )
                .clicked()
        {
            action = mark_resolved(visit, point.id).ok().map(Action::Edit);
        }
    });
    ui.separator();
    action
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// "Upper trapezius L, active".
fn describe(atlas: &Atlas, p: &TriggerPoint) -> String {
    format!(
        "{} {}, {}",
        p.muscle
            .as_ref()
            .map_or("no muscle", |m| atlas.muscle_name(m)),
        p.side.letter(),
        p.status.label().to_lowercase()
    )
}

/// Days since 1970 (the plot's x axis).
fn day_of(date: DateTime<FixedOffset>) -> f64 {
    date.timestamp() as f64 / 86_400.0
}

/// "21 Jan" for a plot x value.
fn date_label(x: f64) -> String {
    let seconds = (x * 86_400.0).round() as i64;
    chrono::Utc
        .timestamp_opt(seconds, 0)
        .single()
        .map(|d| d.format("%d %b").to_string())
        .unwrap_or_default()
}

/// Grid lines and date labels at the visits' dates (when they are few enough to read), else
/// egui_plot's usual spacing.
fn visit_marks(days: &[f64]) -> impl Fn(GridInput) -> Vec<GridMark> + use<> {
    let days = days.to_vec();
    let fallback = egui_plot::log_grid_spacer(10);
    move |input: GridInput| {
        if days.len() > 12 {
            return fallback(input);
        }
        days.iter()
            .filter(|&&d| d >= input.bounds.0 && d <= input.bounds.1)
            .map(|&d| GridMark {
                value: d,
                step_size: 7.0,
            })
            .collect()
    }
}

/// Last visit's findings of the knot beside where today's are entered: its status, pain,
/// pressure threshold and treatment then, and the trend since the knot was first charted.
fn last_visit_findings(
    ui: &mut Ui,
    session: &Session,
    date: &str,
    before: &TriggerPoint,
    today: &TriggerPoint,
) {
    let mut parts = vec![before.status.label().to_owned()];
    parts.push(match before.palpation_pain {
        Some(pain) => format!("pain {pain}"),
        None => "pain not recorded".to_owned(),
    });
    if let Some(ppt) = before.pressure_threshold {
        parts.push(format!("{ppt:.1} kg/cm²"));
    }
    for treatment in &before.treatments {
        parts.push(treatment_words(&treatment.procedure));
    }
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(
            egui::RichText::new(format!("Last visit, {date}: {}", parts.join(" · "))).strong(),
        );
        let history = session.history();
        let trend = history.and_then(|h| {
            let knot = h.knot_of_point(today.id)?;
            let latest = h.visits().len().checked_sub(1)?;
            (knot.visits_present() > 1).then(|| (knot.trend(latest), knot.visits_present()))
        });
        if let Some((trend, visits)) = trend {
            ui.colored_label(
                super::comparison::trend_color(trend),
                format!("Since first charted ({visits} visits): {}", trend.label()),
            );
        }
    });
}

/// "injection lidocaine 1% 0.5 mL", "dry needling".
fn treatment_words(procedure: &Procedure) -> String {
    match procedure {
        Procedure::Injection {
            agent,
            concentration,
            volume_ml,
            ..
        } => {
            let mut words = vec!["injection".to_owned()];
            words.extend(
                [agent.clone(), concentration.clone()]
                    .into_iter()
                    .filter(|w| !w.is_empty()),
            );
            if let Some(ml) = volume_ml {
                words.push(format!("{ml} mL"));
            }
            words.join(" ")
        }
        other => other.kind_label().to_lowercase(),
    }
}

/// The title of a knot's history: "Knot K3 — Upper trapezius (left)".
pub fn title(atlas: &Atlas, history: &KnotHistory) -> String {
    format!(
        "Knot K{} — {} ({})",
        history.number,
        history
            .muscle
            .as_ref()
            .map_or("no muscle", |m| atlas.muscle_name(m)),
        history.side.label().to_lowercase()
    )
}

/// The date axis shared by a knot's plots.
struct PlotAxes<'a> {
    group: egui::Id,
    knot: KnotId,
    first: f64,
    last: f64,
    days: &'a [f64],
    height: f32,
}

/// One measure plotted over the visit dates.
struct Series {
    id: &'static str,
    title: &'static str,
    name: &'static str,
    color: egui::Color32,
    shape: MarkerShape,
    /// The top of the y axis shown at least.
    y_max: f64,
    /// Decimals in the hover label.
    decimals: usize,
    /// What a screen reader says of the plot.
    description: &'static str,
}

/// A titled plot of `data` (day, value) with the treatments and resolutions that `marks` draws.
fn series_plot(
    ui: &mut Ui,
    axes: &PlotAxes<'_>,
    series: &Series,
    data: &[[f64; 2]],
    marks: &dyn Fn(&mut egui_plot::PlotUi<'_>),
) {
    ui.label(
        egui::RichText::new(series.title)
            .color(series.color)
            .strong(),
    );
    let x_axis =
        |mark: egui_plot::GridMark, _: &std::ops::RangeInclusive<f64>| date_label(mark.value);
    let decimals = series.decimals;
    Plot::new((series.id, axes.knot))
        .height(axes.height)
        .link_axis(axes.group, [true, false])
        .link_cursor(axes.group, [true, false])
        .include_x(axes.first - 2.0)
        .include_x(axes.last + 2.0)
        .include_y(0.0)
        .include_y(series.y_max)
        .x_axis_formatter(x_axis)
        .x_grid_spacer(visit_marks(axes.days))
        .label_formatter(move |hover| match hover {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}\n{}: {:.*}",
                date_label(position.x),
                decimals,
                position.y
            )),
            HoverPosition::Elsewhere { position } => Some(date_label(position.x)),
        })
        .allow_scroll(false)
        .show(ui, |plot_ui| {
            marks(plot_ui);
            plot_ui.line(
                Line::new(series.name, PlotPoints::from(data.to_vec()))
                    .color(series.color)
                    .width(2.0),
            );
            plot_ui.points(
                Points::new(series.name, PlotPoints::from(data.to_vec()))
                    .color(series.color)
                    .radius(4.0)
                    .shape(series.shape)
                    .filled(true),
            );
        })
        .response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, series.description));
}

/// The knot's plots and its status at each visit.
pub fn contents(ui: &mut Ui, history: &KnotHistory) {
    ui.horizontal(|ui| {
        ui.label("Trend over its course:");
        ui.strong(history.trend.label());
    });
    let pain: Vec<[f64; 2]> = history
        .pain_series()
        .iter()
        .map(|&(d, p)| [day_of(d), f64::from(p)])
        .collect();
    let ppt: Vec<[f64; 2]> = history
        .pressure_threshold_series()
        .iter()
        .map(|&(d, p)| [day_of(d), f64::from(p)])
        .collect();
    let treatments: Vec<(f64, String, bool)> = history
        .treatments()
        .iter()
        .map(|(d, list)| {
            let injection = list
                .iter()
                .any(|t| matches!(t.procedure, Procedure::Injection { .. }));
            let names: Vec<&str> = list.iter().map(|t| t.procedure.kind_label()).collect();
            (day_of(*d), names.join(", "), injection)
        })
        .collect();
    let first = history.entries.first().map_or(0.0, |e| day_of(e.date_time));
    let last = history.entries.last().map_or(1.0, |e| day_of(e.date_time));
    let group = egui::Id::unique(("knot_plots", history.knot));
    // Side by side under the chart: the plots share the height the panel gives them.
    let height = (ui.available_height() - 70.0).clamp(90.0, 220.0);
    let days: Vec<f64> = history
        .entries
        .iter()
        .map(|e| day_of(e.date_time))
        .collect();
    let resolved: Vec<f64> = history
        .entries
        .iter()
        .filter(|e| {
            e.occurrence
                .as_ref()
                .is_some_and(|o| o.status == Status::Resolved)
        })
        .map(|e| day_of(e.date_time))
        .collect();
    let add_treatments = |plot_ui: &mut egui_plot::PlotUi<'_>| {
        for &x in &resolved {
            plot_ui.text(egui_plot::Text::new(
                "Resolved",
                egui_plot::PlotPoint::new(x, 0.6),
                egui::RichText::new("resolved")
                    .color(RESOLVED_COLOR)
                    .strong(),
            ));
        }
        for (x, names, injection) in &treatments {
            let (color, style) = if *injection {
                (INJECTION_COLOR, LineStyle::Solid)
            } else {
                (TREATMENT_COLOR, LineStyle::dashed_loose())
            };
            plot_ui.vline(
                VLine::new(format!("{} {names}", date_label(*x)), *x)
                    .color(color)
                    .width(if *injection { 2.5 } else { 1.5 })
                    .style(style),
            );
        }
    };
    let axes = PlotAxes {
        group,
        knot: history.knot,
        first,
        last,
        days: &days,
        height,
    };
    ui.columns(3, |columns| {
        let [pain_column, ppt_column, table_column] = columns else {
            return;
        };
        series_plot(
            pain_column,
            &axes,
            &Series {
                id: "knot_pain",
                title: "Palpation pain (NRS 0–10)",
                name: "Pain",
                color: PAIN_COLOR,
                shape: MarkerShape::Circle,
                y_max: 10.0,
                decimals: 0,
                description: "Plot of palpation pain by date",
            },
            &pain,
            &add_treatments,
        );
        series_plot(
            ppt_column,
            &axes,
            &Series {
                id: "knot_ppt",
                title: "Pressure pain threshold (kg/cm²)",
                name: "PPT",
                color: PPT_COLOR,
                shape: MarkerShape::Diamond,
                y_max: 4.0,
                decimals: 1,
                description: "Plot of pressure pain threshold by date",
            },
            &ppt,
            &add_treatments,
        );
        visits_table(table_column, history);
    });
    ui.horizontal_wrapped(|ui| {
        ui.label("Vertical lines:");
        ui.colored_label(INJECTION_COLOR, "solid: injection");
        ui.colored_label(TREATMENT_COLOR, "dashed: other treatment");
    });
}

/// The knot at each visit: status, pain, pressure threshold and treatments.
fn visits_table(ui: &mut Ui, history: &KnotHistory) {
    egui::ScrollArea::vertical()
        .id_salt("knot_visits")
        .show(ui, |ui| {
            egui::Grid::new(("knot_visits", history.knot))
                .striped(true)
                .num_columns(5)
                .show(ui, |ui| {
                    ui.strong("Visit");
                    ui.strong("Status");
                    ui.strong("Pain");
                    ui.strong("PPT");
                    ui.strong("Treatments");
                    ui.end_row();
                    for entry in &history.entries {
                        ui.label(entry.date_time.format("%a %d %b %Y").to_string());
                        match &entry.occurrence {
                            Some(o) => {
                                ui.label(format!("#{} {}", o.number, o.status.label()));
                                ui.label(
                                    o.palpation_pain.map_or("–".to_owned(), |p| p.to_string()),
                                );
                                ui.label(
                                    o.pressure_threshold
                                        .map_or("–".to_owned(), |p| format!("{p:.1}")),
                                );
                                let names: Vec<String> = o
                                    .treatments
                                    .iter()
                                    .map(|t| match &t.procedure {
                                        Procedure::Injection { agent, .. } => {
                                            format!("Injection ({agent})")
                                        }
                                        other => other.kind_label().to_owned(),
                                    })
                                    .collect();
                                ui.label(if names.is_empty() {
                                    "–".to_owned()
                                } else {
                                    names.join(", ")
                                });
                            }
                            None => {
                                ui.weak("not charted");
                                ui.label("");
                                ui.label("");
                                ui.label("");
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}
