//! Each clinician's own settings: treatment presets (an injection or dry needling as they
//! usually give it) and the largest local-anaesthetic dose per visit they want to be warned
//! above. Kept in `clinicians.ron` in the user's configuration folder, never in eframe's storage.
//!
//! The file is `(format: "triggermap-clinicians", version: 1, clinicians: [(name: "...",
//! presets: [...], max_dose_mg: {"lidocaine": 200.0})])`. A clinician is matched by name, ignoring
//! case and surrounding spaces.

use crate::folders::config_dir;
use crate::model::{MAX_INJECTION_ML, Procedure, local_anaesthetic};
use crate::storage::envelope::Enveloped;
use crate::storage::{self, ConfigError, config_file};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The format name that the first field of the file carries.
pub const FORMAT_NAME: &str = "triggermap-clinicians";

/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The file name, in [`config_dir`].
pub const FILE_NAME: &str = "clinicians.ron";

/// The largest dose limit accepted, in mg (far above any local anaesthetic's maximum).
pub const MAX_DOSE_LIMIT_MG: f32 = 5000.0;

const CLINICIANS_FILE: storage::FileKind = storage::FileKind {
    name: "a clinicians' settings file",
    max_bytes: 1024 * 1024,
    links: storage::Links::Follow,
};

/// A treatment as a clinician usually gives it, offered when adding a treatment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreatmentPreset {
    /// What the menu calls it, e.g. "Lidocaine 1 % 0.5 mL, 27 G".
    pub name: String,
    /// The procedure it fills in.
    pub procedure: Procedure,
}

impl TreatmentPreset {
    /// A preset made from `procedure`, named after what it holds.
    pub fn from_procedure(procedure: Procedure) -> TreatmentPreset {
        let name = match &procedure {
            Procedure::Injection {
                agent,
                concentration,
                volume_ml,
                needle,
            } => [
                agent.trim().to_owned(),
                concentration.trim().to_owned(),
                volume_ml.map_or(String::new(), |v| format!("{v} mL")),
                needle.trim().to_owned(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
            Procedure::DryNeedling { needle } => format!("Dry needling {}", needle.trim()),
            Procedure::ManualTherapy { technique } => technique.trim().to_owned(),
            Procedure::Other { description } => description.trim().to_owned(),
        };
        let name = if name.trim().is_empty() {
            procedure.kind_label().to_owned()
        } else {
            name
        };
        TreatmentPreset { name, procedure }
    }
}

/// One clinician's settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClinicianSettings {
    /// The clinician's name, as typed in a visit's clinician field.
    pub name: String,
    /// Their presets, in the order offered.
    #[serde(default)]
    pub presets: Vec<TreatmentPreset>,
    /// The largest total dose per visit, in mg, by local anaesthetic (`lidocaine`), above which
    /// the visit shows a warning.
    #[serde(default)]
    pub max_dose_mg: BTreeMap<String, f32>,
}

/// Every clinician's settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Clinicians {
    /// The clinicians, in the order first saved.
    pub clinicians: Vec<ClinicianSettings>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CliniciansFile {
    format: String,
    version: u32,
    #[serde(default)]
    clinicians: Vec<ClinicianSettings>,
}

impl Enveloped for CliniciansFile {
    const FORMAT_NAME: &'static str = FORMAT_NAME;

    fn reads(version: u32) -> bool {
        version == FORMAT_VERSION
    }

    fn deserialize_version<'de, D: Deserializer<'de>>(
        _version: u32,
        file: D,
    ) -> Result<Self, D::Error> {
        CliniciansFile::deserialize(file)
    }
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

impl Clinicians {
    /// The settings of the clinician named `name`, if any.
    pub fn of(&self, name: &str) -> Option<&ClinicianSettings> {
        if name.trim().is_empty() {
            return None;
        }
        self.clinicians.iter().find(|c| same_name(&c.name, name))
    }

    /// The settings of the clinician named `name`, made empty if there were none.
    pub fn of_mut(&mut self, name: &str) -> &mut ClinicianSettings {
        let index = match self
            .clinicians
            .iter()
            .position(|c| same_name(&c.name, name))
        {
            Some(index) => index,
            None => {
                self.clinicians.push(ClinicianSettings {
                    name: name.trim().to_owned(),
                    ..ClinicianSettings::default()
                });
                self.clinicians.len() - 1
            }
        };
        &mut self.clinicians[index]
    }

    /// Reads the settings from `path`; a missing file is no settings. A value out of range is an
    /// error that names its line.
    pub fn load(path: &Path) -> Result<Clinicians, ConfigError> {
        let Some(file) =
            config_file::read::<CliniciansFile>(path, CLINICIANS_FILE, FORMAT_VERSION)?
        else {
            return Ok(Clinicians::default());
        };
        let clinicians = Clinicians {
            clinicians: file.clinicians,
        };
        if let Some((field, message)) = clinicians.first_problem() {
            // Read again only to place the problem; the file was read a moment ago.
            let text = storage::read_regular_capped(path, CLINICIANS_FILE)?
                .map(|c| String::from_utf8_lossy(&c.bytes).into_owned())
                .unwrap_or_default();
            return Err(config_file::value_error(path, &text, &field, message));
        }
        Ok(clinicians)
    }

    /// The first value out of range, as its path in the file and what is wrong.
    fn first_problem(&self) -> Option<(String, String)> {
        for (c, clinician) in self.clinicians.iter().enumerate() {
            for (p, preset) in clinician.presets.iter().enumerate() {
                if let Procedure::Injection {
                    volume_ml: Some(v), ..
                } = preset.procedure
                    && !(v.is_finite() && (0.0..=MAX_INJECTION_ML).contains(&v))
                {
                    return Some((
                        format!("clinicians[{c}].presets[{p}].procedure"),
                        format!("preset volume: {v} is outside 0–{MAX_INJECTION_ML} mL"),
                    ));
                }
            }
            for (agent, &mg) in &clinician.max_dose_mg {
                if !(mg.is_finite() && mg > 0.0 && mg <= MAX_DOSE_LIMIT_MG) {
                    return Some((
                        format!("clinicians[{c}].max_dose_mg"),
                        format!(
                            "maximum dose of {agent}: {mg} mg is outside 0–{MAX_DOSE_LIMIT_MG} mg"
                        ),
                    ));
                }
                if local_anaesthetic(agent) != Some(agent.as_str()) {
                    return Some((
                        format!("clinicians[{c}].max_dose_mg"),
                        format!(
                            "maximum dose: {agent:?} is not a local anaesthetic TriggerMap knows (lidocaine, bupivacaine, ropivacaine, …)"
                        ),
                    ));
                }
            }
        }
        None
    }

    /// Writes the settings to `path` atomically, creating its folder.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let file = CliniciansFile {
            format: FORMAT_NAME.to_owned(),
            version: FORMAT_VERSION,
            clinicians: self.clinicians.clone(),
        };
        config_file::write(path, &file)
    }

    /// The file's usual place: [`FILE_NAME`] in [`config_dir`].
    pub fn default_path() -> Result<PathBuf, ConfigError> {
        config_dir()
            .map(|dir| dir.join(FILE_NAME))
            .ok_or(ConfigError::NoConfigDir)
    }
}

/// A local anaesthetic's total over a visit above the clinician's maximum.
#[derive(Clone, Debug, PartialEq)]
pub struct DoseWarning {
    /// The anaesthetic, e.g. `lidocaine`.
    pub anaesthetic: &'static str,
    /// The visit's total, in mg.
    pub total_mg: f32,
    /// The clinician's maximum, in mg.
    pub max_mg: f32,
}

impl std::fmt::Display for DoseWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {:.0} mg is above your maximum of {:.0} mg",
            self.anaesthetic, self.total_mg, self.max_mg
        )
    }
}

impl ClinicianSettings {
    /// The anaesthetics of `totals` above this clinician's maximum.
    pub fn dose_warnings(&self, totals: &crate::model::InjectedTotals) -> Vec<DoseWarning> {
        totals
            .anaesthetics
            .iter()
            .filter_map(|dose| {
                let &max_mg = self.max_dose_mg.get(dose.name)?;
                (dose.mg > max_mg).then_some(DoseWarning {
                    anaesthetic: dose.name,
                    total_mg: dose.mg,
                    max_mg,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{InjectedTotals, PatientPoint, Side, Treatment, TriggerPoint, View, Visit};

    fn lidocaine(volume_ml: Option<f32>) -> Procedure {
        Procedure::Injection {
            agent: "lidocaine".into(),
            concentration: "1%".into(),
            volume_ml,
            needle: "27 G 1.5 in".into(),
        }
    }

    #[test]
    fn clinicians_are_matched_by_name_ignoring_case_and_spaces() {
        let mut all = Clinicians::default();
        all.of_mut("Dr Weber ")
            .presets
            .push(TreatmentPreset::from_procedure(lidocaine(Some(0.5))));
        assert_eq!(all.of(" dr weber").map(|c| c.presets.len()), Some(1));
        assert!(all.of("").is_none());
        assert!(all.of("Dr Other").is_none());
        all.of_mut("DR WEBER")
            .max_dose_mg
            .insert("lidocaine".into(), 200.0);
        assert_eq!(all.clinicians.len(), 1);
    }

    #[test]
    fn a_preset_is_named_after_what_it_holds() {
        assert_eq!(
            TreatmentPreset::from_procedure(lidocaine(Some(0.5))).name,
            "lidocaine · 1% · 0.5 mL · 27 G 1.5 in"
        );
        let needling = Procedure::DryNeedling {
            needle: "0.25 × 40 mm".into(),
        };
        assert_eq!(
            TreatmentPreset::from_procedure(needling).name,
            "Dry needling 0.25 × 40 mm"
        );
    }

    #[test]
    fn save_load_round_trip_and_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config").join(FILE_NAME);
        assert_eq!(Clinicians::load(&path).unwrap(), Clinicians::default());
        let mut all = Clinicians::default();
        let weber = all.of_mut("Dr Weber");
        weber
            .presets
            .push(TreatmentPreset::from_procedure(lidocaine(Some(0.5))));
        weber.max_dose_mg.insert("lidocaine".into(), 200.0);
        all.save(&path).unwrap();
        assert_eq!(Clinicians::load(&path).unwrap(), all);
    }

    #[test]
    fn bad_values_name_the_file_and_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(
            &path,
            "(format: \"triggermap-clinicians\", version: 1, clinicians: [\n    (\n        name: \"Dr Weber\",\n        max_dose_mg: {\"lidocaine\": -5.0},\n    ),\n])\n",
        )
        .unwrap();
        let error = Clinicians::load(&path).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("{}:4:", path.display())),
            "{error}"
        );
        assert!(error.contains("maximum dose of lidocaine"), "{error}");

        std::fs::write(
            &path,
            "(format: \"triggermap-clinicians\", version: 1, clinicians: [(name: \"A\", max_dose_mg: {\"aspirin\": 100.0})])",
        )
        .unwrap();
        let error = Clinicians::load(&path).unwrap_err().to_string();
        assert!(error.contains("not a local anaesthetic"), "{error}");

        std::fs::write(
            &path,
            "(format: \"triggermap-clinicians\", version: 1, clinicians: [(nme: \"A\")])",
        )
        .unwrap();
        let error = Clinicians::load(&path).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("{}:1:", path.display())),
            "{error}"
        );

        std::fs::write(&path, "(format: \"triggermap-clinicians\", version: 7)").unwrap();
        let error = Clinicians::load(&path).unwrap_err().to_string();
        assert!(error.contains("version 7"), "{error}");
    }

    #[test]
    fn a_total_above_the_maximum_warns() {
        let mut visit = Visit::new_now();
        for volume in [2.0, 2.0, 1.5] {
            let mut point =
                TriggerPoint::new(View::Back, PatientPoint::new(0.07, 0.18), None, Side::Left);
            point.treatments.push(Treatment {
                procedure: lidocaine(Some(volume)),
                pain_before: None,
                pain_after: None,
                notes: String::new(),
            });
            visit.points.push(point);
        }
        let mut settings = ClinicianSettings::default();
        let totals = InjectedTotals::of(&visit);
        assert!(settings.dose_warnings(&totals).is_empty(), "no maximum set");
        settings.max_dose_mg.insert("lidocaine".into(), 60.0);
        assert!(
            settings.dose_warnings(&totals).is_empty(),
            "55 mg is under 60"
        );
        settings.max_dose_mg.insert("lidocaine".into(), 50.0);
        let warnings = settings.dose_warnings(&totals);
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].to_string(),
            "lidocaine 55 mg is above your maximum of 50 mg"
        );
    }
}
