//! The visit's coding in the visit panel: where it stands (suggested, confirmed, changed since),
//! TriggerMap's suggestion with what it counted, the injection sessions of the past year, and
//! the codes to confirm, which the clinician may change before confirming. It emits actions; the
//! app confirms through the session.

use super::action::Action;
use crate::editing::Edit;
use crate::export::{CodingStatus, CodingSuggestion, InjectionSessions, NeedleFamily, check_codes};
use crate::model::{CodeSet, Visit};
use egui::Ui;

/// The codes as typed, kept until the codes they were filled from change.
#[derive(Debug, Default)]
pub struct CodingForm {
    /// The codes the fields were filled from (the confirmed codes, or else the suggestion):
    /// an edit elsewhere in the visit that leaves them as they were keeps what was typed.
    filled_from: Option<CodeSet>,
    injection: String,
    dry_needling: String,
    diagnoses: String,
}

impl CodingForm {
    /// Fills the fields with the confirmed codes, or else the suggestion, when those differ from
    /// what the fields were filled from.
    fn refill(&mut self, visit: &Visit, suggestion: &CodingSuggestion) {
        let codes = visit
            .coding
            .as_ref()
            .map_or_else(|| suggestion.codes(), |c| c.codes.clone());
        if self.filled_from.as_ref() == Some(&codes) {
            return;
        }
        self.injection = codes.injection.clone().unwrap_or_default();
        self.dry_needling = codes.dry_needling.clone().unwrap_or_default();
        self.diagnoses = codes.diagnoses.join(", ");
        self.filled_from = Some(codes);
    }

    /// The codes as typed: blank fields are no code; diagnoses split at commas, semicolons and
    /// spaces, upper-cased.
    pub fn codes(&self) -> CodeSet {
        let code = |text: &str| {
            let text = text.trim().to_uppercase();
            (!text.is_empty()).then_some(text)
        };
        CodeSet {
            injection: code(&self.injection),
            dry_needling: code(&self.dry_needling),
            diagnoses: self
                .diagnoses
                .split([',', ';', ' '])
                .filter_map(code)
                .collect(),
        }
    }
}

/// Shows the coding section; `editable` is false for a read-only or signed visit (not being
/// amended). Returns what the clinician asked for.
pub fn show(
    ui: &mut Ui,
    form: &mut CodingForm,
    visit: &Visit,
    suggestion: &CodingSuggestion,
    sessions: Option<&InjectionSessions>,
    editable: bool,
) -> Option<Action> {
    form.refill(visit, suggestion);
    let status = CodingStatus::of(visit, suggestion);
    let warn = ui.visuals().warn_fg_color;
    let blocked = [NeedleFamily::Injection, NeedleFamily::DryNeedling]
        .into_iter()
        .filter_map(|family| suggestion.family(family))
        .any(|family| family.code().is_none());
    // The title stays short: a title wider than the panel would widen it and move the chart.
    let title = match &status {
        CodingStatus::Suggested => {
            let text = egui::RichText::new(short_title("suggested", &summary(suggestion)));
            if blocked || suggestion.needs_review() {
                text.color(warn)
            } else {
                text
            }
        }
        CodingStatus::Confirmed { coding, overridden } => egui::RichText::new(short_title(
            if *overridden {
                "own codes"
            } else {
                "confirmed"
            },
            &compact(&coding.codes),
        )),
        CodingStatus::Outdated { coding, .. } => {
            egui::RichText::new(short_title("check again", &compact(&coding.codes))).color(warn)
        }
    };
    let sessions_over = sessions.is_some_and(InjectionSessions::above_medicare_limit);
    let mut action = None;
    egui::CollapsingHeader::new(title)
        .id_salt("coding")
        .default_open(false)
        .show(ui, |ui| {
            let headline = status.headline();
            if matches!(status, CodingStatus::Outdated { .. }) {
                ui.colored_label(warn, headline);
            } else {
                ui.label(headline);
            }
            ui.add_space(2.0);
            ui.weak("Suggested by TriggerMap:");
            let confirmed = status.confirmed().is_some();
            for line in suggestion.lines() {
                // Once confirmed, the codes are no longer only suggestions.
                if confirmed && line.starts_with("Suggestions only") {
                    continue;
                }
                ui.label(format!("• {line}"));
            }
            if let Some(sessions) = sessions {
                let line = sessions.line();
                if sessions_over {
                    ui.colored_label(warn, line);
                } else {
                    ui.label(line);
                }
            }
            ui.add_space(4.0);
            action = ui
                .add_enabled_ui(editable, |ui| codes_to_confirm(ui, form, visit, &status))
                .inner;
            if !editable && visit.is_signed() {
                ui.weak("The visit is signed: change the coding in an amendment.");
            }
        });
    if sessions_over {
        ui.colored_label(
            warn,
            format!(
                "{} injection sessions in 12 months (Medicare covers 3)",
                sessions.map_or(0, InjectionSessions::count)
            ),
        );
    }
    action
}

/// The fields of the codes to confirm and the buttons.
fn codes_to_confirm(
    ui: &mut Ui,
    form: &mut CodingForm,
    visit: &Visit,
    status: &CodingStatus<'_>,
) -> Option<Action> {
    let injected = NeedleFamily::Injection.used_in(visit);
    let needled = NeedleFamily::DryNeedling.used_in(visit);
    egui::Grid::new("codes_to_confirm")
        .num_columns(2)
        .show(ui, |ui| {
            if injected || !form.injection.is_empty() {
                let label = ui.label("CPT, injections");
                ui.add(egui::TextEdit::singleline(&mut form.injection).desired_width(70.0))
                    .labelled_by(label.id);
                ui.end_row();
            }
            if needled || !form.dry_needling.is_empty() {
                let label = ui.label("CPT, dry needling");
                ui.add(egui::TextEdit::singleline(&mut form.dry_needling).desired_width(70.0))
                    .labelled_by(label.id);
                ui.end_row();
            }
            let label = ui.label("ICD-10-CM");
            ui.add(
                egui::TextEdit::singleline(&mut form.diagnoses)
                    .desired_width(140.0)
                    .hint_text("M79.12, M79.18"),
            )
            .labelled_by(label.id);
            ui.end_row();
        });
    let codes = form.codes();
    let problems = check_codes(&codes);
    for problem in &problems {
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
    let named = !visit.clinician.trim().is_empty();
    if !named {
        ui.weak("Enter the clinician above to confirm the coding.");
    }
    let mut action = None;
    ui.horizontal(|ui| {
        let label = match status {
            CodingStatus::Suggested => "Confirm coding",
            _ => "Confirm again",
        };
        if ui
            .add_enabled(problems.is_empty() && named, egui::Button::new(label))
            .on_hover_text("Record these codes as confirmed by the visit's clinician, now")
            .clicked()
        {
            action = Some(Action::ConfirmCoding(codes.clone()));
        }
        if status.confirmed().is_some() && ui.button("Withdraw confirmation").clicked() {
            action = Some(Action::Edit(Edit::SetCoding(None)));
        }
    });
    action
}

/// "20552 · 20560 · M79.12": the suggested codes in one line, or where one is blocked.
fn summary(suggestion: &CodingSuggestion) -> String {
    let mut parts: Vec<String> = [NeedleFamily::Injection, NeedleFamily::DryNeedling]
        .into_iter()
        .filter_map(|family| suggestion.family(family))
        .map(|family| match family.code() {
            Some(code) => code.code().to_owned(),
            None => "CPT: assign a muscle".to_owned(),
        })
        .collect();
    parts.extend(suggestion.diagnoses.iter().map(|d| d.code.to_string()));
    parts.join(" · ")
}

/// "20552 · M79.12 · M79.18": a set of codes in one line.
fn compact(codes: &CodeSet) -> String {
    let parts: Vec<&str> = [&codes.injection, &codes.dry_needling]
        .into_iter()
        .flatten()
        .chain(&codes.diagnoses)
        .map(String::as_str)
        .collect();
    if parts.is_empty() {
        "no codes".to_owned()
    } else {
        parts.join(" · ")
    }
}

/// "Coding, confirmed: 20552 · M79.12", cut with "…" where it would not fit the panel.
fn short_title(state: &str, codes: &str) -> String {
    const MAX_CHARS: usize = 52;
    let title = format!("Coding, {state}: {codes}");
    if title.chars().count() <= MAX_CHARS {
        title
    } else {
        let cut: String = title.chars().take(MAX_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_short() {
        assert_eq!(
            short_title("confirmed", "20552 · M79.12"),
            "Coding, confirmed: 20552 · M79.12"
        );
        let long = short_title("own codes", &"M79.18 · ".repeat(10));
        assert_eq!(long.chars().count(), 52);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn typed_codes_are_trimmed_split_and_upper_cased() {
        let form = CodingForm {
            filled_from: None,
            injection: " 20553 ".into(),
            dry_needling: String::new(),
            diagnoses: "m79.12,M79.18; g44.209".into(),
        };
        assert_eq!(
            form.codes(),
            CodeSet {
                injection: Some("20553".into()),
                dry_needling: None,
                diagnoses: vec!["M79.12".into(), "M79.18".into(), "G44.209".into()],
            }
        );
    }
}
