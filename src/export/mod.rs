//! Into the patient's record: procedure and diagnosis coding suggestions ([`coding`]), the
//! clinic's aftercare text ([`aftercare`]) and the visit as a FHIR R4 bundle ([`fhir`]).
//!
//! Nothing here draws; everything but [`aftercare`]'s reading and writing is pure.

pub mod aftercare;
pub mod coding;
pub mod fhir;
mod file;

pub use coding::{
    CodingSuggestion, CountedMuscle, CptCode, FamilyCoding, IcdCode, IcdSuggestion, NeedleFamily,
    suggest_coding,
};
pub use file::{ExportFileError, same_file, write_export, write_fhir};
