//! Into the patient's record: procedure and diagnosis coding suggestions ([`coding`]).
//!
//! Nothing here draws, and everything is pure.

pub mod coding;

pub use coding::{
    CodingSuggestion, CountedMuscle, CptCode, FamilyCoding, IcdCode, IcdSuggestion, NeedleFamily,
    suggest_coding,
};
