//! Into the patient's record: procedure and diagnosis coding suggestions ([`coding`]) and the
//! clinic's aftercare text ([`aftercare`]).
//!
//! Nothing here draws; everything but [`aftercare`]'s reading and writing is pure.

pub mod aftercare;
pub mod coding;

pub use coding::{
    CodingSuggestion, CountedMuscle, CptCode, FamilyCoding, IcdCode, IcdSuggestion, NeedleFamily,
    suggest_coding,
};
