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
