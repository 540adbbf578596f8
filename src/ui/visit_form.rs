//! The visit's own fields: patient, date and time, clinician, figure, consent, notes.

use super::action::Action;
use crate::editing::Edit;
use crate::model::{Consent, Figure, Visit};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use egui::Ui;

/// How dates are typed and shown.
const DATE_FORMAT: &str = "%Y-%m-%d %H:%M";

/// State kept between frames: the date as typed, which may not parse yet.
#[derive(Debug, Default)]
pub struct VisitFormState {
    date_text: String,
    date_shown_for: Option<DateTime<FixedOffset>>,
}

/// Shows the form; returns the edit when a field changed. It edits the visit's details only,
/// never its id, points, signature or amendments.
pub fn show(ui: &mut Ui, state: &mut VisitFormState, visit: &Visit) -> Option<Action> {
    let mut edited = visit.details();
    let mut field = None;
    if state.date_shown_for != Some(visit.date_time) {
        state.date_text = visit.date_time.format(DATE_FORMAT).to_string();
        state.date_shown_for = Some(visit.date_time);
    }
    egui::Grid::new("visit_form").num_columns(2).show(ui, |ui| {
        let label = ui.label("Patient ID");
        if ui
            .add(
                egui::TextEdit::singleline(&mut edited.patient_id)
                    .hint_text("local id or pseudonym"),
            )
            .labelled_by(label.id)
            .changed()
        {
            field = Some("patient_id");
        }
        ui.end_row();

        let date_label = ui.label("Date and time");
        ui.horizontal(|ui| {
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut state.date_text)
                        .desired_width(120.0)
                        .hint_text("YYYY-MM-DD HH:MM"),
                )
                .labelled_by(date_label.id);
            match parse_date(&state.date_text, visit.date_time.offset()) {
                Some(date) => {
                    if response.changed() && date != visit.date_time {
                        edited.date_time = date;
                        state.date_shown_for = Some(date);
                        field = Some("date_time");
                    }
                    ui.weak(visit.date_time.format("UTC%:z").to_string());
                }
                None => {
                    ui.colored_label(ui.visuals().error_fg_color, "YYYY-MM-DD HH:MM");
                }
            }
        });
        ui.end_row();

        let label = ui.label("Clinician");
        if ui
            .text_edit_singleline(&mut edited.clinician)
            .labelled_by(label.id)
            .changed()
        {
            field = Some("clinician");
        }
        ui.end_row();

        let label = ui.label("Figure");
        ui.horizontal(|ui| {
            // A position means a place on its own figure: the figure changes only while nothing
            // is charted on it.
            let free = visit.points.is_empty();
            for figure in Figure::ALL {
                let response = ui
                    .add_enabled(
                        free || edited.figure == figure,
                        egui::Button::selectable(edited.figure == figure, figure.label()),
                    )
                    .labelled_by(label.id);
                let response = if free {
                    response.on_hover_text("The body figure this visit is charted on")
                } else {
                    response.on_disabled_hover_text(
                        "Charted on this figure: its points are places on it. Start a visit without points to use the other figure.",
                    )
                };
                if response.clicked() && edited.figure != figure {
                    edited.figure = figure;
                    field = Some("figure");
                }
            }
        });
        ui.end_row();

        let label = ui.label("Consent");
        egui::ComboBox::from_id_salt("consent")
            .selected_text(edited.consent.label())
            .show_ui(ui, |ui| {
                for consent in Consent::ALL {
                    if ui
                        .selectable_label(edited.consent == consent, consent.label())
                        .clicked()
                    {
                        edited.consent = consent;
                        field = Some("consent");
                    }
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();

        let label = ui.label("Visit notes");
        if ui
            .add(egui::TextEdit::multiline(&mut edited.notes).desired_rows(2))
            .labelled_by(label.id)
            .changed()
        {
            field = Some("visit_notes");
        }
        ui.end_row();
    });
    field.map(|field| {
        Action::Edit(Edit::UpdateVisitDetails {
            details: Box::new(edited),
            field,
        })
    })
}

/// Parses "YYYY-MM-DD HH:MM" in the visit's UTC offset; None for a date that does not exist.
fn parse_date(text: &str, offset: &FixedOffset) -> Option<DateTime<FixedOffset>> {
    let naive = NaiveDateTime::parse_from_str(text.trim(), DATE_FORMAT).ok()?;
    offset.from_local_datetime(&naive).single()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_that_do_not_exist_are_refused() {
        let utc = FixedOffset::east_opt(0).expect("zero offset");
        assert!(parse_date("2026-11-27 09:30", &utc).is_some());
        assert!(parse_date("2026-02-30 09:30", &utc).is_none());
        assert!(parse_date("yesterday", &utc).is_none());
    }
}
