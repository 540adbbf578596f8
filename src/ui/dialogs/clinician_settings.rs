//! "Presets and dose limits" of the visit's clinician: their treatment presets (to remove) and
//! the maximum total dose per visit of each local anaesthetic.

use super::{Reply, buttons};
use crate::clinicians::{ClinicianSettings, MAX_DOSE_LIMIT_MG};
use crate::model::LOCAL_ANAESTHETICS;
use crate::ui::action::Action;
use egui::Ui;

/// The settings being changed, and the maximum doses as typed.
#[derive(Debug, PartialEq)]
pub struct ClinicianSettingsDialog {
    settings: ClinicianSettings,
    /// Per anaesthetic of [`LOCAL_ANAESTHETICS`], the maximum in mg as typed ("" = none).
    limits: Vec<String>,
}

impl ClinicianSettingsDialog {
    /// Starts from the clinician's present settings.
    pub fn new(settings: ClinicianSettings) -> Self {
        let limits = LOCAL_ANAESTHETICS
            .iter()
            .map(|name| {
                settings
                    .max_dose_mg
                    .get(*name)
                    .map_or(String::new(), |mg| format!("{mg}"))
            })
            .collect();
        ClinicianSettingsDialog { settings, limits }
    }

    /// The settings with the typed limits, or what is wrong with one.
    fn result(&self) -> Result<ClinicianSettings, String> {
        let mut settings = self.settings.clone();
        settings.max_dose_mg.clear();
        for (name, typed) in LOCAL_ANAESTHETICS.iter().zip(&self.limits) {
            let typed = typed.trim().replace(',', ".");
            if typed.is_empty() {
                continue;
            }
            match typed.parse::<f32>() {
                Ok(mg) if mg.is_finite() && mg > 0.0 && mg <= MAX_DOSE_LIMIT_MG => {
                    settings.max_dose_mg.insert((*name).to_owned(), mg);
                }
                _ => {
                    return Err(format!(
                        "Maximum {name}: type a number of mg between 0 and {MAX_DOSE_LIMIT_MG}, or leave it empty."
                    ));
                }
            }
        }
        Ok(settings)
    }

    pub(super) fn show(&mut self, ui: &mut Ui) -> Reply {
        ui.heading(format!("Presets and dose limits of {}", self.settings.name));
        ui.add_space(4.0);
        ui.strong("Treatment presets");
        if self.settings.presets.is_empty() {
            ui.weak("None yet: use \"Save as preset\" on an injection or dry needling of a point.");
        }
        let mut remove = None;
        for (i, preset) in self.settings.presets.iter().enumerate() {
            ui.horizontal(|ui| {
                if ui.small_button("Remove").clicked() {
                    remove = Some(i);
                }
                ui.label(&preset.name);
            });
        }
        if let Some(i) = remove {
            self.settings.presets.remove(i);
        }
        ui.add_space(8.0);
        ui.strong("Maximum total dose per visit");
        ui.weak("The visit panel warns when the visit's total of a local anaesthetic is above it. Empty: no warning.");
        for (name, typed) in LOCAL_ANAESTHETICS.iter().zip(self.limits.iter_mut()) {
            ui.horizontal(|ui| {
                let label = ui.add_sized([130.0, 18.0], egui::Label::new(*name));
                ui.add(
                    egui::TextEdit::singleline(typed)
                        .desired_width(70.0)
                        .hint_text("none"),
                )
                .labelled_by(label.id);
                ui.label("mg");
            });
        }
        let result = self.result();
        if let Err(problem) = &result {
            ui.colored_label(ui.visuals().error_fg_color, problem.as_str());
        }
        match buttons(ui, &["Save", "Cancel"]) {
            Some(0) => match result {
                Ok(settings) => Reply::Answer(Action::SaveClinicianSettings(settings)),
                Err(_) => Reply::Open,
            },
            Some(_) => Reply::Close,
            None => Reply::Open,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_limits_become_settings_and_bad_ones_are_refused() {
        let mut dialog = ClinicianSettingsDialog::new(ClinicianSettings {
            name: "Dr Weber".into(),
            ..ClinicianSettings::default()
        });
        dialog.limits[0] = "200".into();
        dialog.limits[1] = " 87,5 ".into();
        let settings = dialog.result().unwrap();
        assert_eq!(settings.max_dose_mg.get("lidocaine"), Some(&200.0));
        assert_eq!(settings.max_dose_mg.get("bupivacaine"), Some(&87.5));
        assert_eq!(settings.max_dose_mg.len(), 2);
        dialog.limits[2] = "-3".into();
        assert!(dialog.result().unwrap_err().contains("ropivacaine"));
        dialog.limits[2] = "a lot".into();
        assert!(dialog.result().is_err());
    }
}
