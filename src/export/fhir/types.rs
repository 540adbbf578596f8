//! The FHIR R4 elements the export writes, as hand-kept serde structs: only the elements used,
//! named as in R4 JSON; empty options and lists are left out, as FHIR requires.

use serde::Serialize;

/// A `Bundle` of type `collection`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct BundleJson {
    pub resource_type: &'static str,
    pub id: String,
    #[serde(rename = "type")]
    pub bundle_type: &'static str,
    pub entry: Vec<Entry>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Entry {
    pub full_url: String,
    pub resource: Resource,
}

/// Every resource the export writes; serialised with its `resourceType` first.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "resourceType")]
pub(super) enum Resource {
    Patient(Patient),
    Encounter(Encounter),
    Observation(Observation),
    BodyStructure(BodyStructure),
    Procedure(Procedure),
    MedicationAdministration(MedicationAdministration),
    Condition(Condition),
    Consent(Consent),
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Coding {
    pub system: &'static str,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// `false` marks a code the software suggested and no one has chosen yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_selected: Option<bool>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CodeableConcept {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Extension {
    pub url: &'static str,
    pub value_reference: Reference,
}

/// An extension made of other extensions, each with one simple value.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ComplexExtension {
    pub url: &'static str,
    pub extension: Vec<ValueExtension>,
}

/// One part of a [`ComplexExtension`]: a name and a code or a decimal.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ValueExtension {
    pub url: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_decimal: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Reference {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Quantity {
    pub value: f64,
    pub unit: &'static str,
    pub system: &'static str,
    pub code: &'static str,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Identifier {
    pub system: &'static str,
    pub value: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Annotation {
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Period {
    pub start: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Patient {
    pub id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identifier: Vec<Identifier>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Encounter {
    pub id: String,
    pub status: &'static str,
    /// One Coding in R4 (a list is R5).
    pub class: Coding,
    pub subject: Reference,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub participant: Vec<EncounterParticipant>,
    pub period: Period,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct EncounterParticipant {
    pub individual: Reference,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Observation {
    pub id: String,
    pub extension: Vec<ComplexExtension>,
    pub status: &'static str,
    pub category: Vec<CodeableConcept>,
    pub code: CodeableConcept,
    pub subject: Reference,
    pub encounter: Reference,
    pub effective_date_time: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub performer: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
    pub body_site: CodeableConcept,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub component: Vec<Component>,
}

/// An Observation component: a code and one value, or the reason there is none.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Component {
    pub code: CodeableConcept,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_codeable_concept: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_quantity: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_boolean: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_string: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_absent_reason: Option<CodeableConcept>,
}

impl Component {
    /// A component with `code` and no value yet.
    pub fn new(code: CodeableConcept) -> Self {
        Component {
            code,
            value_codeable_concept: None,
            value_integer: None,
            value_quantity: None,
            value_boolean: None,
            value_string: None,
            data_absent_reason: None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct BodyStructure {
    pub id: String,
    pub description: String,
    pub location: CodeableConcept,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub location_qualifier: Vec<CodeableConcept>,
    pub patient: Reference,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Procedure {
    pub id: String,
    pub status: &'static str,
    pub code: CodeableConcept,
    pub subject: Reference,
    pub encounter: Reference,
    pub performed_date_time: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub performer: Vec<Performer>,
    pub reason_reference: Vec<Reference>,
    pub body_site: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub used_code: Vec<CodeableConcept>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Performer {
    pub actor: Reference,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MedicationAdministration {
    pub id: String,
    pub part_of: Vec<Reference>,
    pub status: &'static str,
    pub medication_codeable_concept: CodeableConcept,
    pub subject: Reference,
    pub context: Reference,
    pub effective_date_time: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub performer: Vec<Performer>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dosage: Option<Dosage>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Dosage {
    pub text: String,
    pub site: CodeableConcept,
    pub route: CodeableConcept,
    pub dose: Quantity,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Condition {
    pub id: String,
    pub verification_status: CodeableConcept,
    pub category: Vec<CodeableConcept>,
    pub code: CodeableConcept,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub body_site: Vec<CodeableConcept>,
    pub subject: Reference,
    pub encounter: Reference,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<ConditionEvidence>,
    pub note: Vec<Annotation>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ConditionEvidence {
    pub detail: Vec<Reference>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Consent {
    pub id: String,
    pub status: &'static str,
    pub scope: CodeableConcept,
    pub category: Vec<CodeableConcept>,
    pub patient: Reference,
    pub date_time: String,
    pub performer: Vec<Reference>,
    pub policy_rule: CodeableConcept,
}
