//! A visit as a FHIR R4 `Bundle` of type `collection` (clinical reference L4).
//!
//! [`visit_bundle`] is pure: every `fullUrl` is `urn:uuid:` of the visit's id (Encounter), a
//! point's id (its Observation), or a name-based (v5) UUID in the visit's id for the resources
//! made from several things (Patient, BodyStructure, Procedure, ...), and entries come in a fixed
//! order, so exporting the same visit twice gives the same bytes. References use those URNs, so
//! nothing depends on a server.
//!
//! Laterality, which R4's `bodySite` cannot carry, is given twice: in the `bodySite` text
//! ("Right upper trapezius"), and through the core `bodySite` extension to a `BodyStructure` per
//! (muscle, side) whose `locationQualifier` is SNOMED CT 7771000 Left or 24028007 Right (none on
//! the midline). Codes the clinician confirmed ([`super::confirm`]) are marked `userSelected: true`
//! and their Conditions `confirmed`; without a confirmation the codes are TriggerMap's suggestion
//! ([`super::coding`]), marked `userSelected: false`, and the Conditions `provisional`.

mod types;

use super::coding::{
    self, CodingSuggestion, CptCode, FamilyCoding, IcdCode, NeedleFamily, side_and_muscle,
};
use super::confirm::CodingStatus;
use crate::atlas::Atlas;
use crate::model::{
    self, Consent as ConsentRecord, Criterion, MuscleId, Side, Status, TriggerPoint, Visit,
};
use chrono::SecondsFormat;
use types::{
    Annotation, BodyStructure, BundleJson, CodeableConcept, Coding, ComplexExtension, Component,
    Condition, ConditionEvidence, Consent, Dosage, Encounter, EncounterParticipant, Entry,
    Extension, Identifier, MedicationAdministration, Observation, Patient, Performer, Period,
    Procedure, Quantity, Reference, Resource, ValueExtension,
};
use uuid::Uuid;

/// The system of the patient identifier (the visit's `patient_id`).
pub const PATIENT_ID_SYSTEM: &str = "urn:triggermap:patient-id";
/// TriggerMap's own code system, for the concepts with no verified standard code (the trigger
/// point finding, its status and criteria).
pub const FINDING_SYSTEM: &str = "urn:triggermap:codesystem:trigger-point";
/// SNOMED CT.
pub const SNOMED: &str = "http://snomed.info/sct";
/// LOINC.
pub const LOINC: &str = "http://loinc.org";
/// UCUM units.
pub const UCUM: &str = "http://unitsofmeasure.org";
/// CPT.
pub const CPT: &str = "http://www.ama-assn.org/go/cpt";
/// ICD-10-CM.
pub const ICD_10_CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
/// The core extension that points a `bodySite` at a `BodyStructure`.
pub const BODY_SITE_EXTENSION: &str = "http://hl7.org/fhir/StructureDefinition/bodySite";

/// The project extension on each Observation that says where the point was charted (clinical
/// reference F1): `figure` (`male`, `female`), `view` (`front`, `back`, `left-profile`,
/// `right-profile`) and `x`, `y` in TriggerMap's patient frame (fractions of body height; +x the
/// patient's left, y down from the vertex; on a profile, x anterior from the ear), so that another
/// system can draw the chart again.
pub const CHART_POSITION_EXTENSION: &str = "urn:triggermap:StructureDefinition:chart-position";
/// The SNOMED CT laterality qualifier of a side (L4): `None` on the midline.
pub fn laterality_code(side: Side) -> Option<(&'static str, &'static str)> {
    match side {
        Side::Left => Some(("7771000", "Left")),
        Side::Right => Some(("24028007", "Right")),
        Side::Midline => None,
    }
}

/// A visit as a FHIR R4 bundle, ready to write as JSON.
#[derive(Clone, Debug)]
pub struct Bundle(BundleJson);

/// Why a bundle could not be written as JSON.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the FHIR bundle as JSON: {0}")]
pub struct BundleError(#[from] serde_json::Error);

impl Bundle {
    /// The bundle as pretty-printed JSON, with a final newline.
    pub fn to_json(&self) -> Result<String, BundleError> {
        let mut text = serde_json::to_string_pretty(&self.0)?;
        text.push('\n');
        Ok(text)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.entry.len()
    }

    /// Whether it has no entries (never: a bundle always has a Patient and an Encounter).
    pub fn is_empty(&self) -> bool {
        self.0.entry.is_empty()
    }
}

/// The FHIR R4 bundle of `visit` (see the module documentation).
pub fn visit_bundle(visit: &Visit, atlas: &Atlas) -> Bundle {
    let coding = coding::suggest_coding(visit, atlas);
    let export = Export::new(visit, atlas, &coding);
    let mut entry = vec![export.patient(), export.encounter()];
    entry.extend(visit.points.iter().map(|p| export.observation(p)));
    entry.extend(export.body_structures());
    let procedures = export.procedure_groups();
    for group in &procedures {
        entry.push(export.procedure(group));
    }
    for group in &procedures {
        entry.extend(export.medication_administrations(group));
    }
    entry.extend(export.conditions());
    entry.extend(export.consent());
    Bundle(BundleJson {
        resource_type: "Bundle",
        id: export.derived("Bundle").to_string(),
        bundle_type: "collection",
        entry,
    })
}

/// The chart index of a point and the volume injected there (mL), if recorded.
type Dose = (usize, Option<f32>);

/// What every resource of one export needs.
struct Export<'a> {
    visit: &'a Visit,
    atlas: &'a Atlas,
    coding: &'a CodingSuggestion,
    status: CodingStatus<'a>,
    date_time: String,
}

/// The treatments of one kind given to one muscle on one side (one Procedure).
struct ProcedureGroup<'a> {
    muscle: Option<&'a MuscleId>,
    side: Side,
    kind: &'static str,
    /// (chart index, point, treatment) in chart order.
    treatments: Vec<(usize, &'a TriggerPoint, &'a model::Treatment)>,
}

impl ProcedureGroup<'_> {
    fn key(&self) -> String {
        format!(
            "{}/{}/{}",
            self.muscle.map_or("", MuscleId::as_str),
            self.side.label(),
            self.kind
        )
    }
}

impl<'a> Export<'a> {
    fn new(visit: &'a Visit, atlas: &'a Atlas, coding: &'a CodingSuggestion) -> Self {
        Export {
            visit,
            atlas,
            coding,
            status: CodingStatus::of(visit, coding),
            date_time: visit
                .date_time
                .to_rfc3339_opts(SecondsFormat::AutoSi, false),
        }
    }

    /// A UUID derived from the visit's id and `name`: the same for the same visit, every time.
    fn derived(&self, name: &str) -> Uuid {
        Uuid::new_v5(&self.visit.id.0, name.as_bytes())
    }

    fn reference(id: Uuid) -> Reference {
        Reference {
            reference: Some(urn(id)),
            display: None,
        }
    }

    fn patient_id(&self) -> Uuid {
        self.derived("Patient")
    }

    fn patient_ref(&self) -> Reference {
        Self::reference(self.patient_id())
    }

    fn encounter_ref(&self) -> Reference {
        Self::reference(self.visit.id.0)
    }

    fn body_structure_id(&self, muscle: &MuscleId, side: Side) -> Uuid {
        self.derived(&format!("BodyStructure/{muscle}/{}", side.label()))
    }

    fn clinician(&self) -> Option<Reference> {
        let name = self.visit.clinician.trim();
        (!name.is_empty()).then(|| Reference {
            reference: None,
            display: Some(name.to_owned()),
        })
    }

    fn patient(&self) -> Entry {
        let id = self.patient_id();
        let value = self.visit.patient_id.trim();
        let identifier = if value.is_empty() {
            Vec::new()
        } else {
            vec![Identifier {
                system: PATIENT_ID_SYSTEM,
                value: value.to_owned(),
            }]
        };
        entry(
            id,
            Resource::Patient(Patient {
                id: id.to_string(),
                identifier,
            }),
        )
    }

    fn encounter(&self) -> Entry {
        let id = self.visit.id.0;
        entry(
            id,
            Resource::Encounter(Encounter {
                id: id.to_string(),
                status: "finished",
                class: Coding {
                    system: "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    code: "AMB".to_owned(),
                    display: Some("ambulatory".to_owned()),
                    user_selected: None,
                },
                subject: self.patient_ref(),
                participant: self
                    .clinician()
                    .map(|individual| EncounterParticipant { individual })
                    .into_iter()
                    .collect(),
                period: Period {
                    start: self.date_time.clone(),
                },
            }),
        )
    }

    /// The `bodySite` of a point: the muscle's SNOMED CT code where verified, the side and
    /// muscle in words, and the extension to its BodyStructure.
    fn body_site(&self, muscle: Option<&MuscleId>, side: Side) -> CodeableConcept {
        let Some(id) = muscle else {
            return CodeableConcept {
                text: Some(format!("{} side, no muscle assigned", side.label())),
                ..CodeableConcept::default()
            };
        };
        let snomed = self.atlas.muscle(id).and_then(|m| m.snomed.clone());
        CodeableConcept {
            extension: vec![Extension {
                url: BODY_SITE_EXTENSION,
                value_reference: Self::reference(self.body_structure_id(id, side)),
            }],
            coding: snomed
                .map(|code| Coding {
                    system: SNOMED,
                    code,
                    ..Coding::default()
                })
                .into_iter()
                .collect(),
            text: Some(side_and_muscle(side, self.atlas.muscle_name(id))),
        }
    }

    fn observation(&self, point: &TriggerPoint) -> Entry {
        let id = point.id.0;
        let note = [point.notes.trim()]
            .into_iter()
            .filter(|n| !n.is_empty())
            .map(|text| Annotation {
                text: text.to_owned(),
            })
            .collect();
        entry(
            id,
            Resource::Observation(Observation {
                id: id.to_string(),
                extension: vec![chart_position(self.visit.figure, point)],
                status: "final",
                category: vec![CodeableConcept {
                    coding: vec![Coding {
                        system: "http://terminology.hl7.org/CodeSystem/observation-category",
                        code: "exam".to_owned(),
                        display: Some("Exam".to_owned()),
                        user_selected: None,
                    }],
                    ..CodeableConcept::default()
                }],
                code: own_concept("myofascial-trigger-point", "Myofascial trigger point"),
                subject: self.patient_ref(),
                encounter: self.encounter_ref(),
                effective_date_time: self.date_time.clone(),
                performer: self.clinician().into_iter().collect(),
                note,
                body_site: self.body_site(point.muscle.as_ref(), point.side),
                component: components(point),
            }),
        )
    }

    /// One BodyStructure per (muscle, side) charted, in chart order.
    fn body_structures(&self) -> Vec<Entry> {
        let mut seen: Vec<(&MuscleId, Side)> = Vec::new();
        for point in &self.visit.points {
            if let Some(muscle) = &point.muscle
                && !seen.contains(&(muscle, point.side))
            {
                seen.push((muscle, point.side));
            }
        }
        seen.into_iter()
            .map(|(muscle, side)| {
                let id = self.body_structure_id(muscle, side);
                let name = self.atlas.muscle_name(muscle);
                let snomed = self.atlas.muscle(muscle).and_then(|m| m.snomed.clone());
                entry(
                    id,
                    Resource::BodyStructure(BodyStructure {
                        id: id.to_string(),
                        description: side_and_muscle(side, name),
                        location: CodeableConcept {
                            coding: snomed
                                .map(|code| Coding {
                                    system: SNOMED,
                                    code,
                                    ..Coding::default()
                                })
                                .into_iter()
                                .collect(),
                            text: Some(name.to_owned()),
                            ..CodeableConcept::default()
                        },
                        location_qualifier: laterality_code(side)
                            .map(|(code, display)| CodeableConcept {
                                coding: vec![Coding {
                                    system: SNOMED,
                                    code: code.to_owned(),
                                    display: Some(display.to_owned()),
                                    user_selected: None,
                                }],
                                text: Some(display.to_owned()),
                                ..CodeableConcept::default()
                            })
                            .into_iter()
                            .collect(),
                        patient: self.patient_ref(),
                    }),
                )
            })
            .collect()
    }

    /// The treatments grouped by (muscle, side, kind), in chart order of their first point.
    fn procedure_groups(&self) -> Vec<ProcedureGroup<'a>> {
        let mut groups: Vec<ProcedureGroup<'a>> = Vec::new();
        let visit: &'a Visit = self.visit;
        for (index, point) in visit.points.iter().enumerate() {
            for treatment in &point.treatments {
                let kind = treatment.procedure.kind_label();
                let muscle = point.muscle.as_ref();
                match groups
                    .iter_mut()
                    .find(|g| g.muscle == muscle && g.side == point.side && g.kind == kind)
                {
                    Some(group) => group.treatments.push((index, point, treatment)),
                    None => groups.push(ProcedureGroup {
                        muscle,
                        side: point.side,
                        kind,
                        treatments: vec![(index, point, treatment)],
                    }),
                }
            }
        }
        groups
    }

    fn procedure_id(&self, group: &ProcedureGroup<'_>) -> Uuid {
        self.derived(&format!("Procedure/{}", group.key()))
    }

    fn procedure(&self, group: &ProcedureGroup<'_>) -> Entry {
        let id = self.procedure_id(group);
        let first = &group.treatments[0].2.procedure;
        let family = NeedleFamily::of(first);
        let mut note = Vec::new();
        let mut coding = Vec::new();
        if let Some(family) = family {
            match self.status.confirmed() {
                Some(confirmed) => {
                    let code = match family {
                        NeedleFamily::Injection => &confirmed.codes.injection,
                        NeedleFamily::DryNeedling => &confirmed.codes.dry_needling,
                    };
                    let when = confirmed.at.format("%Y-%m-%d");
                    match code {
                        Some(code) => {
                            coding.push(Coding {
                                system: CPT,
                                code: code.clone(),
                                display: CptCode::parse(code).map(|c| c.descriptor().to_owned()),
                                user_selected: Some(true),
                            });
                            note.push(format!("CPT code confirmed by {} on {when}.", confirmed.by));
                        }
                        None => note.push(format!(
                            "No CPT code for this procedure, as confirmed by {} on {when}.",
                            confirmed.by
                        )),
                    }
                    if !matches!(
                        self.status,
                        CodingStatus::Confirmed {
                            overridden: false,
                            ..
                        }
                    ) {
                        note.push(self.status.headline());
                    }
                }
                None => match self.coding.family(family) {
                    Some(suggestion @ FamilyCoding::Code { code, .. }) => {
                        coding.push(Coding {
                            system: CPT,
                            code: code.code().to_owned(),
                            display: Some(code.descriptor().to_owned()),
                            user_selected: Some(false),
                        });
                        note.push(format!(
                            "CPT code suggested by TriggerMap for the visit, to be confirmed: {}",
                            suggestion.message()
                        ));
                    }
                    Some(blocked @ FamilyCoding::Blocked { .. }) => {
                        note.push(format!("No CPT code suggested: {}", blocked.message()))
                    }
                    None => {}
                },
            }
            if self.coding.needs_review() && self.status.confirmed().is_none() {
                note.push(
                    "Injections and dry needling at the same visit: review the coding.".to_owned(),
                );
            }
        }
        let mut used = Vec::new();
        for (index, _, treatment) in &group.treatments {
            let number = index + 1;
            let pain = match (treatment.pain_before, treatment.pain_after) {
                (Some(before), Some(after)) => {
                    format!(": pain {before}/10 before, {after}/10 after")
                }
                (Some(before), None) => format!(": pain {before}/10 before"),
                (None, Some(after)) => format!(": pain {after}/10 after"),
                (None, None) => String::new(),
            };
            let notes = treatment.notes.trim();
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!("; {notes}")
            };
            note.push(format!("Point {number}{pain}{notes}"));
            let tool = match &treatment.procedure {
                model::Procedure::Injection { needle, .. }
                | model::Procedure::DryNeedling { needle } => needle.trim(),
                model::Procedure::ManualTherapy { .. } | model::Procedure::Other { .. } => "",
            };
            if !tool.is_empty() && !used.contains(&tool) {
                used.push(tool);
            }
        }
        let text = procedure_text(group);
        entry(
            id,
            Resource::Procedure(Procedure {
                id: id.to_string(),
                status: "completed",
                code: CodeableConcept {
                    coding,
                    text: Some(text),
                    ..CodeableConcept::default()
                },
                subject: self.patient_ref(),
                encounter: self.encounter_ref(),
                performed_date_time: self.date_time.clone(),
                performer: self
                    .clinician()
                    .map(|actor| Performer { actor })
                    .into_iter()
                    .collect(),
                reason_reference: distinct_points(group)
                    .into_iter()
                    .map(|p| Self::reference(p.id.0))
                    .collect(),
                body_site: vec![self.body_site(group.muscle, group.side)],
                note: note.into_iter().map(|text| Annotation { text }).collect(),
                used_code: used
                    .into_iter()
                    .map(|needle| CodeableConcept {
                        text: Some(needle.to_owned()),
                        ..CodeableConcept::default()
                    })
                    .collect(),
            }),
        )
    }

    /// One MedicationAdministration per injectate (agent and concentration) of an injection
    /// group, the dose being the sum of the volumes recorded at its points.
    fn medication_administrations(&self, group: &ProcedureGroup<'_>) -> Vec<Entry> {
        // (injectate, [(chart index, volume in mL)]), in chart order.
        let mut injectates: Vec<(String, Vec<Dose>)> = Vec::new();
        for (index, _, treatment) in &group.treatments {
            let model::Procedure::Injection {
                agent,
                concentration,
                volume_ml,
                ..
            } = &treatment.procedure
            else {
                continue;
            };
            let name = injectate_name(agent, concentration);
            match injectates.iter_mut().find(|(n, _)| *n == name) {
                Some((_, doses)) => doses.push((*index, *volume_ml)),
                None => injectates.push((name, vec![(*index, *volume_ml)])),
            }
        }
        let procedure = Self::reference(self.procedure_id(group));
        injectates
            .into_iter()
            .map(|(name, doses)| {
                let id = self.derived(&format!("MedicationAdministration/{}/{name}", group.key()));
                let known: Vec<(usize, f64)> = doses
                    .iter()
                    .filter_map(|(index, volume)| volume.map(|v| (*index, decimal(v))))
                    .collect();
                let missing: Vec<String> = doses
                    .iter()
                    .filter(|(_, volume)| volume.is_none())
                    .map(|(index, _)| (index + 1).to_string())
                    .collect();
                let total = known.iter().map(|(_, v)| v).sum::<f64>();
                let dosage = (!known.is_empty()).then(|| Dosage {
                    text: known
                        .iter()
                        .map(|(index, v)| format!("{v} mL at point {}", index + 1))
                        .collect::<Vec<_>>()
                        .join("; "),
                    site: self.body_site(group.muscle, group.side),
                    route: CodeableConcept {
                        coding: vec![Coding {
                            system: SNOMED,
                            code: "78421000".to_owned(),
                            display: Some("Intramuscular route".to_owned()),
                            user_selected: None,
                        }],
                        text: Some("Intramuscular".to_owned()),
                        ..CodeableConcept::default()
                    },
                    dose: Quantity {
                        value: (total * 10_000.0).round() / 10_000.0,
                        unit: "mL",
                        system: UCUM,
                        code: "mL",
                    },
                });
                let note = if missing.is_empty() {
                    Vec::new()
                } else {
                    vec![Annotation {
                        text: format!(
                            "Volume not recorded at point{} {}",
                            if missing.len() == 1 { "" } else { "s" },
                            missing.join(", ")
                        ),
                    }]
                };
                entry(
                    id,
                    Resource::MedicationAdministration(MedicationAdministration {
                        id: id.to_string(),
                        part_of: vec![procedure.clone()],
                        status: "completed",
                        medication_codeable_concept: CodeableConcept {
                            text: Some(name),
                            ..CodeableConcept::default()
                        },
                        subject: self.patient_ref(),
                        context: self.encounter_ref(),
                        effective_date_time: self.date_time.clone(),
                        performer: self
                            .clinician()
                            .map(|actor| Performer { actor })
                            .into_iter()
                            .collect(),
                        note,
                        dosage,
                    }),
                )
            })
            .collect()
    }

    /// One Condition per diagnosis: those the clinician confirmed, or else those suggested.
    fn conditions(&self) -> Vec<Entry> {
        match self.status.confirmed() {
            Some(confirmed) => confirmed
                .codes
                .diagnoses
                .iter()
                .map(|code| {
                    let mut note = format!(
                        "ICD-10-CM code confirmed by {} on {}.",
                        confirmed.by,
                        confirmed.at.format("%Y-%m-%d")
                    );
                    if matches!(self.status, CodingStatus::Outdated { .. }) {
                        note.push(' ');
                        note.push_str(&self.status.headline());
                    }
                    self.condition(code, true, note)
                })
                .collect(),
            None => self
                .coding
                .diagnoses
                .iter()
                .map(|diagnosis| {
                    let note = format!(
                        "ICD-10-CM code suggested by TriggerMap from the muscles charted ({}), \
                         to be confirmed by the clinician.",
                        diagnosis.sites.join(", ")
                    );
                    self.condition(diagnosis.code.code(), false, note)
                })
                .collect(),
        }
    }

    /// The Condition of the ICD-10-CM `code`; its evidence and body sites are the points whose
    /// muscles suggest that code (none for a code the clinician added).
    fn condition(&self, code: &str, confirmed: bool, note: String) -> Entry {
        let id = self.derived(&format!("Condition/{code}"));
        let points: Vec<&TriggerPoint> = self
            .coding
            .diagnoses
            .iter()
            .filter(|d| d.code.code() == code)
            .flat_map(|d| d.points.iter())
            .filter_map(|number| self.visit.points.get(number - 1))
            .collect();
        let mut body_site: Vec<CodeableConcept> = Vec::new();
        let mut sites_seen: Vec<(Option<&MuscleId>, Side)> = Vec::new();
        for point in &points {
            let site = (point.muscle.as_ref(), point.side);
            if point.muscle.is_some() && !sites_seen.contains(&site) {
                sites_seen.push(site);
                body_site.push(self.body_site(site.0, site.1));
            }
        }
        let title = IcdCode::parse(code).map(|c| c.title().to_owned());
        let (verification, verification_display) = if confirmed {
            ("confirmed", "Confirmed")
        } else {
            ("provisional", "Provisional")
        };
        entry(
            id,
            Resource::Condition(Condition {
                id: id.to_string(),
                verification_status: CodeableConcept {
                    coding: vec![Coding {
                        system: "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                        code: verification.to_owned(),
                        display: Some(verification_display.to_owned()),
                        user_selected: None,
                    }],
                    ..CodeableConcept::default()
                },
                category: vec![CodeableConcept {
                    coding: vec![Coding {
                        system: "http://terminology.hl7.org/CodeSystem/condition-category",
                        code: "encounter-diagnosis".to_owned(),
                        display: Some("Encounter Diagnosis".to_owned()),
                        user_selected: None,
                    }],
                    ..CodeableConcept::default()
                }],
                code: CodeableConcept {
                    coding: vec![Coding {
                        system: ICD_10_CM,
                        code: code.to_owned(),
                        display: title.clone(),
                        user_selected: Some(confirmed),
                    }],
                    text: Some(title.unwrap_or_else(|| format!("ICD-10-CM {code}"))),
                    ..CodeableConcept::default()
                },
                body_site,
                subject: self.patient_ref(),
                encounter: self.encounter_ref(),
                evidence: if points.is_empty() {
                    Vec::new()
                } else {
                    vec![ConditionEvidence {
                        detail: points.iter().map(|p| Self::reference(p.id.0)).collect(),
                    }]
                },
                note: vec![Annotation { text: note }],
            }),
        )
    }

    fn consent(&self) -> Option<Entry> {
        let how = match self.visit.consent {
            ConsentRecord::NotRecorded => return None,
            ConsentRecord::Verbal => "Verbal",
            ConsentRecord::Written => "Written",
        };
        let id = self.derived("Consent");
        Some(entry(
            id,
            Resource::Consent(Consent {
                id: id.to_string(),
                status: "active",
                scope: CodeableConcept {
                    coding: vec![Coding {
                        system: "http://terminology.hl7.org/CodeSystem/consentscope",
                        code: "treatment".to_owned(),
                        display: Some("Treatment".to_owned()),
                        user_selected: None,
                    }],
                    ..CodeableConcept::default()
                },
                category: vec![CodeableConcept {
                    coding: vec![Coding {
                        system: LOINC,
                        code: "59284-0".to_owned(),
                        display: Some("Patient Consent".to_owned()),
                        user_selected: None,
                    }],
                    ..CodeableConcept::default()
                }],
                patient: self.patient_ref(),
                date_time: self.date_time.clone(),
                performer: vec![self.patient_ref()],
                policy_rule: CodeableConcept {
                    text: Some(format!(
                        "{how} consent to examination and trigger point treatment, recorded by \
                         the clinician at the visit"
                    )),
                    ..CodeableConcept::default()
                },
            }),
        ))
    }
}

/// The components of a point's Observation: status, palpation pain (LOINC 72514-3), pressure
/// pain threshold, each criterion (present, absent, or not performed), referred pain.
fn components(point: &TriggerPoint) -> Vec<Component> {
    let mut components = Vec::new();
    let mut status = Component::new(own_concept("status", "Trigger point status"));
    let (code, label) = status_code(point.status);
    status.value_codeable_concept = Some(own_concept(code, label));
    components.push(status);
    if let Some(pain) = point.palpation_pain {
        let mut nrs = Component::new(CodeableConcept {
            coding: vec![Coding {
                system: LOINC,
                code: "72514-3".to_owned(),
                display: Some(
                    "Pain severity - 0-10 verbal numeric rating [Score] - Reported".to_owned(),
                ),
                user_selected: None,
            }],
            text: Some("Pain on palpation (0-10)".to_owned()),
            ..CodeableConcept::default()
        });
        nrs.value_integer = Some(pain);
        components.push(nrs);
    }
    if let Some(threshold) = point.pressure_threshold {
        let mut ppt = Component::new(own_concept(
            "pressure-pain-threshold",
            "Pressure pain threshold",
        ));
        ppt.value_quantity = Some(Quantity {
            value: decimal(threshold),
            unit: "kg/cm2",
            system: UCUM,
            code: "kg/cm2",
        });
        components.push(ppt);
    }
    for (label, criterion) in point.criteria.labelled() {
        let mut component = Component::new(own_concept(&criterion_code(label), label));
        match criterion {
            Criterion::Yes => component.value_boolean = Some(true),
            Criterion::No => component.value_boolean = Some(false),
            Criterion::NotTested => {
                component.data_absent_reason = Some(CodeableConcept {
                    coding: vec![Coding {
                        system: "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                        code: "not-performed".to_owned(),
                        display: Some("Not Performed".to_owned()),
                        user_selected: None,
                    }],
                    ..CodeableConcept::default()
                })
            }
        }
        components.push(component);
    }
    let referred = point.referred_pain.trim();
    if !referred.is_empty() {
        let mut component = Component::new(own_concept(
            "referred-pain-description",
            "Referred pain as described",
        ));
        component.value_string = Some(referred.to_owned());
        components.push(component);
    }
    components
}

fn status_code(status: Status) -> (&'static str, &'static str) {
    let code = match status {
        Status::Active => "active",
        Status::Latent => "latent",
        Status::Unclassified => "unclassified",
        Status::ToReexamine => "to-reexamine",
        Status::Resolved => "resolved",
    };
    (code, status.label())
}

/// "Local twitch response" → "local-twitch-response".
fn criterion_code(label: &str) -> String {
    label.to_lowercase().replace(' ', "-")
}

/// A concept of [`FINDING_SYSTEM`], with its display as the text.
fn own_concept(code: &str, display: &str) -> CodeableConcept {
    CodeableConcept {
        coding: vec![Coding {
            system: FINDING_SYSTEM,
            code: code.to_owned(),
            display: Some(display.to_owned()),
            user_selected: None,
        }],
        text: Some(display.to_owned()),
        ..CodeableConcept::default()
    }
}

/// "Trigger point injection", "Dry needling", "Manual therapy: ischaemic compression", ...
fn procedure_text(group: &ProcedureGroup<'_>) -> String {
    let mut details: Vec<&str> = Vec::new();
    for (_, _, treatment) in &group.treatments {
        let detail = match &treatment.procedure {
            model::Procedure::ManualTherapy { technique } => technique.trim(),
            model::Procedure::Other { description } => description.trim(),
            model::Procedure::Injection { .. } | model::Procedure::DryNeedling { .. } => "",
        };
        if !detail.is_empty() && !details.contains(&detail) {
            details.push(detail);
        }
    }
    let kind = match NeedleFamily::of(&group.treatments[0].2.procedure) {
        Some(family) => family.label(),
        None => group.kind,
    };
    if details.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {}", details.join(", "))
    }
}

/// The points of a group, each once, in chart order.
fn distinct_points<'a>(group: &ProcedureGroup<'a>) -> Vec<&'a TriggerPoint> {
    let mut points: Vec<&TriggerPoint> = Vec::new();
    for (_, point, _) in &group.treatments {
        if !points.iter().any(|p| p.id == point.id) {
            points.push(point);
        }
    }
    points
}

/// "lidocaine 1%", or "Injectate not recorded".
fn injectate_name(agent: &str, concentration: &str) -> String {
    let name = format!("{} {}", agent.trim(), concentration.trim());
    let name = name.trim();
    if name.is_empty() {
        "Injectate not recorded".to_owned()
    } else {
        name.to_owned()
    }
}

/// Where `point` was charted, as the [`CHART_POSITION_EXTENSION`].
fn chart_position(figure: model::Figure, point: &TriggerPoint) -> ComplexExtension {
    let part = |url, value_code, value_decimal| ValueExtension {
        url,
        value_code,
        value_decimal,
    };
    let figure = match figure {
        model::Figure::Male => "male",
        model::Figure::Female => "female",
    };
    let view = match point.view {
        model::View::Front => "front",
        model::View::Back => "back",
        model::View::LeftProfile => "left-profile",
        model::View::RightProfile => "right-profile",
    };
    ComplexExtension {
        url: CHART_POSITION_EXTENSION,
        extension: vec![
            part("figure", Some(figure), None),
            part("view", Some(view), None),
            part("x", None, Some(decimal(point.pos.x))),
            part("y", None, Some(decimal(point.pos.y))),
        ],
    }
}

/// An `f32` as the decimal it was typed as (2.1, not 2.0999999046325684).
fn decimal(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}

fn urn(id: Uuid) -> String {
    format!("urn:uuid:{id}")
}

fn entry(id: Uuid, resource: Resource) -> Entry {
    Entry {
        full_url: urn(id),
        resource,
    }
}
