//! The codes a clinician confirmed for a visit (visit format version 4): the CPT code of each
//! needle procedure and the ICD-10-CM diagnoses, beside what TriggerMap suggested when they were
//! confirmed. The suggestion itself is computed in [`crate::export::coding`]; only what the
//! clinician decided is kept in the file.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// A set of codes for one visit: at most one CPT code per needle family, and diagnoses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeSet {
    /// The CPT code for the trigger point injections (20552 or 20553 as suggested), if billed.
    #[serde(default)]
    pub injection: Option<String>,
    /// The CPT code for the dry needling (20560 or 20561 as suggested), if billed.
    #[serde(default)]
    pub dry_needling: Option<String>,
    /// The ICD-10-CM diagnosis codes, e.g. `M79.12`, in the order given.
    #[serde(default)]
    pub diagnoses: Vec<String>,
}

impl CodeSet {
    /// Whether it holds no code at all.
    pub fn is_empty(&self) -> bool {
        self.injection.is_none() && self.dry_needling.is_none() && self.diagnoses.is_empty()
    }

    /// "CPT 20553 · ICD-10-CM M79.12, M79.18", or "no codes".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        let cpt: Vec<&str> = [&self.injection, &self.dry_needling]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if !cpt.is_empty() {
            parts.push(format!("CPT {}", cpt.join(", ")));
        }
        if !self.diagnoses.is_empty() {
            parts.push(format!("ICD-10-CM {}", self.diagnoses.join(", ")));
        }
        if parts.is_empty() {
            "no codes".to_owned()
        } else {
            parts.join(" · ")
        }
    }
}

/// The codes the clinician confirmed for the visit, and what was suggested then: a suggestion
/// that differs now means the chart changed after the coding was confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmedCoding {
    /// The codes as confirmed (the suggestion, or the clinician's own where they differ).
    pub codes: CodeSet,
    /// What TriggerMap suggested when they were confirmed.
    pub suggested: CodeSet,
    /// Who confirmed them.
    pub by: String,
    /// When, with its UTC offset.
    pub at: DateTime<FixedOffset>,
}

impl ConfirmedCoding {
    /// Whether the clinician chose codes other than those suggested at the time.
    pub fn overrides_suggestion(&self) -> bool {
        self.codes != self.suggested
    }
}

/// Whether `code` has the shape of a CPT code: five characters, four digits and then a digit
/// (Category I) or `F`/`T` (Categories II and III).
pub fn is_cpt_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 5
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && (bytes[4].is_ascii_digit() || bytes[4] == b'F' || bytes[4] == b'T')
}

/// Whether `code` has the shape of an ICD-10-CM code as written: a letter, a digit, a digit or
/// letter, then optionally a dot and one to four digits or letters (`M79.12`, `G44.209`).
pub fn is_icd10cm_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    if bytes.len() < 3 {
        return false;
    }
    let category = bytes[0].is_ascii_uppercase()
        && bytes[1].is_ascii_digit()
        && (bytes[2].is_ascii_digit() || bytes[2].is_ascii_uppercase());
    let rest = &bytes[3..];
    let subcategory = match rest {
        [] => true,
        [b'.', tail @ ..] => {
            (1..=4).contains(&tail.len())
                && tail
                    .iter()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        }
        _ => false,
    };
    category && subcategory
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_shapes() {
        for good in ["20552", "20553", "20560", "0001F", "0213T"] {
            assert!(is_cpt_code(good), "{good}");
        }
        for bad in ["2055", "205522", "2055x", "20 55", "", "M79.1"] {
            assert!(!is_cpt_code(bad), "{bad}");
        }
        for good in ["M79.12", "M79.18", "M79.7", "G44.209", "M79", "S39.012A"] {
            assert!(is_icd10cm_code(good), "{good}");
        }
        for bad in [
            "m79.12",
            "M7",
            "M79.",
            "M79.12345",
            "M7912",
            "20552",
            "M79 12",
        ] {
            assert!(!is_icd10cm_code(bad), "{bad}");
        }
    }

    #[test]
    fn summary_names_both_kinds() {
        let codes = CodeSet {
            injection: Some("20553".into()),
            dry_needling: None,
            diagnoses: vec!["M79.12".into(), "M79.18".into()],
        };
        assert_eq!(codes.summary(), "CPT 20553 · ICD-10-CM M79.12, M79.18");
        assert_eq!(CodeSet::default().summary(), "no codes");
    }
}
