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

impl CodeSet {
    /// The rules the set breaks as a set of confirmed codes, in field order: the shape of every
    /// code, a needle family's field holding the other family's code, the non-billable header
    /// M79.1, a diagnosis listed twice, two diagnoses that exclude each other (Excludes1: M79.1x
    /// with fibromyalgia M79.7 or myositis M60.-), and a procedure code with no diagnosis.
    pub fn problems(&self) -> Vec<CodeProblem> {
        let mut problems = Vec::new();
        for (field, code) in [
            (CptField::Injection, &self.injection),
            (CptField::DryNeedling, &self.dry_needling),
        ] {
            let Some(code) = code else { continue };
            if !is_cpt_code(code) {
                problems.push(CodeProblem::NotCpt(field));
            } else if field.other().codes().contains(&code.as_str()) {
                problems.push(CodeProblem::OtherFamily(field));
            }
        }
        for (index, code) in self.diagnoses.iter().enumerate() {
            if !is_icd10cm_code(code) {
                problems.push(CodeProblem::NotIcd(index));
                continue;
            }
            if code == "M79.1" {
                problems.push(CodeProblem::Header(index));
            }
            if let Some(first) = self.diagnoses[..index].iter().position(|c| c == code) {
                problems.push(CodeProblem::Twice { index, first });
            } else if let Some(other) = self.diagnoses[..index]
                .iter()
                .position(|other| excludes(other, code))
            {
                problems.push(CodeProblem::Excludes { index, other });
            }
        }
        let billed = self.injection.is_some() || self.dry_needling.is_some();
        if billed && self.diagnoses.is_empty() {
            problems.push(CodeProblem::NoDiagnosis);
        }
        problems
    }
}

/// Whether two ICD-10-CM codes may not be coded together (Excludes1 of M79.1: fibromyalgia
/// M79.7 and myositis M60.-).
fn excludes(a: &str, b: &str) -> bool {
    let myalgia = |c: &str| c.starts_with("M79.1");
    let excluded = |c: &str| c == "M79.7" || c.starts_with("M60");
    (myalgia(a) && excluded(b)) || (excluded(a) && myalgia(b))
}

/// The CPT field of a [`CodeSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CptField {
    /// `injection`.
    Injection,
    /// `dry_needling`.
    DryNeedling,
}

impl CptField {
    /// The field's name in the file.
    pub fn name(self) -> &'static str {
        match self {
            CptField::Injection => "injection",
            CptField::DryNeedling => "dry_needling",
        }
    }

    /// "Injection" or "Dry needling".
    pub fn label(self) -> &'static str {
        match self {
            CptField::Injection => "Injection",
            CptField::DryNeedling => "Dry needling",
        }
    }

    /// The codes of this family (clinical reference L1).
    pub fn codes(self) -> [&'static str; 2] {
        match self {
            CptField::Injection => ["20552", "20553"],
            CptField::DryNeedling => ["20560", "20561"],
        }
    }

    fn other(self) -> CptField {
        match self {
            CptField::Injection => CptField::DryNeedling,
            CptField::DryNeedling => CptField::Injection,
        }
    }
}

/// A rule of [`CodeSet::problems`] that a set breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    /// The field does not hold a CPT code.
    NotCpt(CptField),
    /// The field holds the other needle family's code.
    OtherFamily(CptField),
    /// Diagnosis `index` is not an ICD-10-CM code.
    NotIcd(usize),
    /// Diagnosis `index` is the header M79.1.
    Header(usize),
    /// Diagnosis `index` is the same as diagnosis `first`.
    Twice {
        /// The later one.
        index: usize,
        /// The first one.
        first: usize,
    },
    /// Diagnosis `index` and diagnosis `other` exclude each other.
    Excludes {
        /// The later one.
        index: usize,
        /// The earlier one.
        other: usize,
    },
    /// A CPT code and no diagnosis.
    NoDiagnosis,
}

impl CodeProblem {
    /// Where it is within the set, as a field path: `injection`, `diagnoses[1]`.
    pub fn path(self) -> String {
        match self {
            CodeProblem::NotCpt(field) | CodeProblem::OtherFamily(field) => field.name().to_owned(),
            CodeProblem::NotIcd(index)
            | CodeProblem::Header(index)
            | CodeProblem::Twice { index, .. }
            | CodeProblem::Excludes { index, .. } => format!("diagnoses[{index}]"),
            CodeProblem::NoDiagnosis => "diagnoses".to_owned(),
        }
    }

    /// What is wrong, without the codes themselves (error messages never show patient data).
    pub fn message(self) -> String {
        match self {
            CodeProblem::NotCpt(_) => "not a CPT code (five characters, such as 20552)".to_owned(),
            CodeProblem::OtherFamily(field) => format!(
                "a code of {} (those of this field are {})",
                field.other().label().to_lowercase(),
                field.codes().join(" and ")
            ),
            CodeProblem::NotIcd(_) => "not an ICD-10-CM code (such as M79.12)".to_owned(),
            CodeProblem::Header(_) => {
                "the header M79.1, which is not billable (M79.10, M79.11, M79.12 or M79.18)"
                    .to_owned()
            }
            CodeProblem::Twice { first, .. } => {
                format!("the same as diagnosis {}", first + 1)
            }
            CodeProblem::Excludes { other, .. } => format!(
                "excludes diagnosis {} (Excludes1: the two are never coded together)",
                other + 1
            ),
            CodeProblem::NoDiagnosis => {
                "empty while a procedure is coded: a diagnosis code supports it".to_owned()
            }
        }
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
    fn set_rules() {
        let set = |injection: Option<&str>, dry: Option<&str>, diagnoses: &[&str]| CodeSet {
            injection: injection.map(str::to_owned),
            dry_needling: dry.map(str::to_owned),
            diagnoses: diagnoses.iter().map(|d| (*d).to_owned()).collect(),
        };
        assert_eq!(set(Some("20552"), None, &["M79.12"]).problems(), []);
        assert_eq!(
            set(None, None, &["M79.7"]).problems(),
            [],
            "fibromyalgia alone"
        );
        assert_eq!(
            set(
                Some("20561"),
                Some("2056"),
                &["M79.1", "M79.18", "M79.18", "M60.9", "m"]
            )
            .problems(),
            [
                CodeProblem::OtherFamily(CptField::Injection),
                CodeProblem::NotCpt(CptField::DryNeedling),
                CodeProblem::Header(0),
                CodeProblem::Twice { index: 2, first: 1 },
                CodeProblem::Excludes { index: 3, other: 0 },
                CodeProblem::NotIcd(4),
            ]
        );
        assert_eq!(
            set(None, Some("20560"), &[]).problems(),
            [CodeProblem::NoDiagnosis]
        );
        assert_eq!(
            CodeProblem::Twice { index: 2, first: 1 }.path(),
            "diagnoses[2]"
        );
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
