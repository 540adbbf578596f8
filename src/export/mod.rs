//! Into the patient's record: procedure and diagnosis coding suggestions ([`coding`]) and the
//! clinician's confirmation of them ([`confirm`]), the injection sessions of the past year
//! ([`sessions`]), the clinic's aftercare text ([`aftercare`]) and the visit as a FHIR R4 bundle
//! ([`fhir`]).
//!
//! Nothing here draws; everything but [`aftercare`]'s reading and writing is pure.

pub mod aftercare;
pub mod coding;
pub mod confirm;
mod context;
pub mod fhir;
mod file;
pub mod sessions;

pub use coding::{
    CodingSuggestion, CountedMuscle, CptCode, FamilyCoding, IcdCode, IcdSuggestion, NeedleFamily,
    suggest_coding,
};
pub use confirm::{CodingStatus, ConfirmError, check_codes, confirm_coding, record_lines};
pub use context::{RecordContext, patient_folder_of};
pub use file::{ExportFileError, same_file, write_export};
pub use sessions::InjectionSessions;

/// What the tests of this module share.
#[cfg(test)]
pub(crate) mod tests_support {
    use crate::model::{PatientPoint, Procedure, Side, Treatment, TriggerPoint, View};

    /// A point of `muscle` on `side`, injected with 1 mL of lidocaine 1 %.
    pub(crate) fn injected(muscle: &str, side: Side) -> TriggerPoint {
        let mut point = TriggerPoint::new(
            View::Back,
            PatientPoint::new(0.05, 0.2),
            Some(muscle.into()),
            side,
        );
        point.treatments.push(Treatment {
            procedure: Procedure::Injection {
                agent: "lidocaine".into(),
                concentration: "1%".into(),
                volume_ml: Some(1.0),
                needle: String::new(),
            },
            pain_before: None,
            pain_after: None,
            notes: String::new(),
        });
        point
    }
}
