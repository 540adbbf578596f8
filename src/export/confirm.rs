//! The clinician's confirmation of a visit's coding: checking the codes they confirm or type
//! instead ([`check_codes`], [`confirm_coding`]) and where the visit's coding stands against
//! today's suggestion ([`CodingStatus`]). Reports and exports use the confirmed codes when there
//! are any, and say when the codes are only suggested.

use super::coding::{CodingSuggestion, CptCode, IcdCode, NeedleFamily};
use crate::model::{CodeProblem, CodeSet, ConfirmedCoding, CptField, Visit};
use chrono::{DateTime, FixedOffset};

impl CodingSuggestion {
    /// The suggested codes as a set: the CPT code of each needle family that has one (none for a
    /// blocked family) and the ICD-10-CM codes.
    pub fn codes(&self) -> CodeSet {
        let cpt = |family| {
            self.family(family)
                .and_then(|coding| coding.code())
                .map(|code| code.code().to_owned())
        };
        CodeSet {
            injection: cpt(NeedleFamily::Injection),
            dry_needling: cpt(NeedleFamily::DryNeedling),
            diagnoses: self
                .diagnoses
                .iter()
                .map(|d| d.code.code().to_owned())
                .collect(),
        }
    }
}

/// What is wrong with a set of codes a clinician is about to confirm, one sentence each naming
/// the codes ([`CodeSet::problems`]); empty when they can be confirmed.
pub fn check_codes(codes: &CodeSet) -> Vec<String> {
    let diagnosis = |index: usize| codes.diagnoses.get(index).map_or("", String::as_str);
    let cpt = |field: CptField| {
        match field {
            CptField::Injection => &codes.injection,
            CptField::DryNeedling => &codes.dry_needling,
        }
        .as_deref()
        .unwrap_or("")
    };
    codes
        .problems()
        .into_iter()
        .map(|problem| match problem {
            CodeProblem::NotCpt(field) => format!(
                "{}: \"{}\" is not a CPT code (five characters, such as 20552).",
                field.label(),
                cpt(field)
            ),
            CodeProblem::OtherFamily(field) => format!(
                "{}: {} is not a code of it (use {}).",
                field.label(),
                cpt(field),
                field.codes().join(" or ")
            ),
            CodeProblem::NotIcd(index) => format!(
                "\"{}\" is not an ICD-10-CM code (such as M79.12).",
                diagnosis(index)
            ),
            CodeProblem::Header(_) => {
                "M79.1 is a header, not billable: choose M79.10, M79.11, M79.12 or M79.18."
                    .to_owned()
            }
            CodeProblem::Twice { index, .. } => format!("{} is listed twice.", diagnosis(index)),
            CodeProblem::Excludes { index, other } => format!(
                "{} and {} exclude each other (Excludes1): keep one.",
                diagnosis(other),
                diagnosis(index)
            ),
            CodeProblem::NoDiagnosis => {
                "A procedure code needs a diagnosis code that supports it.".to_owned()
            }
        })
        .collect()
}

/// Why codes could not be confirmed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfirmError {
    /// The codes break a rule of [`check_codes`].
    #[error("{}", .0.join(" "))]
    Codes(Vec<String>),
    /// Nobody is named to confirm them.
    #[error("enter the clinician's name before confirming the coding")]
    NoName,
}

/// `codes` confirmed by `by` at `at`, against today's `suggestion`.
pub fn confirm_coding(
    codes: CodeSet,
    suggestion: &CodingSuggestion,
    by: &str,
    at: DateTime<FixedOffset>,
) -> Result<ConfirmedCoding, ConfirmError> {
    let by = by.trim();
    if by.is_empty() {
        return Err(ConfirmError::NoName);
    }
    let problems = check_codes(&codes);
    if !problems.is_empty() {
        return Err(ConfirmError::Codes(problems));
    }
    Ok(ConfirmedCoding {
        codes,
        suggested: suggestion.codes(),
        by: by.to_owned(),
        at,
    })
}

/// Where a visit's coding stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodingStatus<'a> {
    /// Nobody confirmed it: the codes are TriggerMap's suggestion.
    Suggested,
    /// Confirmed, and the chart has not changed the suggestion since.
    Confirmed {
        /// What was confirmed.
        coding: &'a ConfirmedCoding,
        /// Whether the clinician chose other codes than those suggested.
        overridden: bool,
    },
    /// Confirmed, but the suggestion is different now: the chart (or TriggerMap's coding rules)
    /// changed after the coding was confirmed, which should be looked at again.
    Outdated {
        /// What was confirmed.
        coding: &'a ConfirmedCoding,
        /// Today's suggestion.
        now_suggested: CodeSet,
    },
}

impl<'a> CodingStatus<'a> {
    /// Where `visit`'s coding stands against `suggestion` (the visit's suggestion today).
    pub fn of(visit: &'a Visit, suggestion: &CodingSuggestion) -> Self {
        let Some(coding) = &visit.coding else {
            return CodingStatus::Suggested;
        };
        let now_suggested = suggestion.codes();
        if now_suggested != coding.suggested {
            CodingStatus::Outdated {
                coding,
                now_suggested,
            }
        } else {
            CodingStatus::Confirmed {
                coding,
                overridden: coding.overrides_suggestion(),
            }
        }
    }

    /// The confirmed coding, if any.
    pub fn confirmed(&self) -> Option<&'a ConfirmedCoding> {
        match self {
            CodingStatus::Suggested => None,
            CodingStatus::Confirmed { coding, .. } | CodingStatus::Outdated { coding, .. } => {
                Some(coding)
            }
        }
    }

    /// One line on the state: who confirmed what and when, whether it differs from the
    /// suggestion, or that it is only suggested.
    pub fn headline(&self) -> String {
        let confirmed = |coding: &ConfirmedCoding| {
            format!(
                "Coding confirmed by {} on {}: {}",
                coding.by,
                coding.at.format("%Y-%m-%d %H:%M"),
                coding.codes.summary()
            )
        };
        match self {
            CodingStatus::Suggested => {
                "Coding suggested by TriggerMap, not yet confirmed by the clinician".to_owned()
            }
            CodingStatus::Confirmed {
                coding,
                overridden: false,
            } => format!("{}, as suggested", confirmed(coding)),
            CodingStatus::Confirmed {
                coding,
                overridden: true,
            } => format!(
                "{}; TriggerMap had suggested {}",
                confirmed(coding),
                coding.suggested.summary()
            ),
            CodingStatus::Outdated {
                coding,
                now_suggested,
            } => format!(
                "{}. TriggerMap's suggestion differs now ({}): the chart or TriggerMap's rules changed since; look at the coding again",
                confirmed(coding),
                now_suggested.summary()
            ),
        }
    }
}

/// The coding as the record states it, one line each: where it stands ([`CodingStatus::headline`]),
/// the confirmed codes with their titles, then TriggerMap's suggestion with what it counted.
pub fn record_lines(visit: &Visit, suggestion: &CodingSuggestion) -> Vec<String> {
    let status = CodingStatus::of(visit, suggestion);
    let mut lines = vec![status.headline()];
    if let Some(coding) = status.confirmed() {
        for (family, code) in [
            (NeedleFamily::Injection, &coding.codes.injection),
            (NeedleFamily::DryNeedling, &coding.codes.dry_needling),
        ] {
            if let Some(code) = code {
                let title = CptCode::parse(code)
                    .map_or(String::new(), |c| format!(" ({})", c.descriptor()));
                lines.push(format!("Confirmed: {}: CPT {code}{title}", family.label()));
            }
        }
        for code in &coding.codes.diagnoses {
            let title = IcdCode::parse(code).map_or(String::new(), |c| format!(" ({})", c.title()));
            lines.push(format!("Confirmed: ICD-10-CM {code}{title}"));
        }
        lines.extend(
            suggestion
                .lines()
                .into_iter()
                .filter(|line| !line.starts_with("Suggestions only"))
                .map(|line| format!("Suggested: {line}")),
        );
    } else {
        lines.extend(suggestion.lines());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atlas::Atlas;
    use crate::export::suggest_coding;
    use crate::export::tests_support::injected;
    use crate::model::Side;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("time")
    }

    fn codes(injection: Option<&str>, diagnoses: &[&str]) -> CodeSet {
        CodeSet {
            injection: injection.map(str::to_owned),
            dry_needling: None,
            diagnoses: diagnoses.iter().map(|d| (*d).to_owned()).collect(),
        }
    }

    #[test]
    fn checks_refuse_bad_shapes_the_header_and_excludes1() {
        assert!(check_codes(&codes(Some("20552"), &["M79.12"])).is_empty());
        let problems = check_codes(&codes(Some("2055"), &["M79.1", "M79.7", "M79.7", "x"]));
        let text = problems.join("\n");
        assert!(text.contains("\"2055\" is not a CPT code"), "{text}");
        assert!(text.contains("M79.1 is a header"), "{text}");
        assert!(text.contains("M79.7 is listed twice"), "{text}");
        assert!(text.contains("\"x\" is not an ICD-10-CM code"), "{text}");
        assert!(
            text.contains("M79.1 and M79.7 exclude each other"),
            "{text}"
        );
        assert!(check_codes(&codes(None, &["M79.7"])).is_empty());
    }

    #[test]
    fn status_follows_the_chart_after_confirming() {
        let atlas = Atlas::builtin().expect("atlas");
        let mut visit = Visit::new_now();
        visit.points.push(injected("upper_trapezius", Side::Left));
        visit.points.push(injected("upper_trapezius", Side::Right));
        let suggestion = suggest_coding(&visit, &atlas);
        assert_eq!(
            CodingStatus::of(&visit, &suggestion),
            CodingStatus::Suggested
        );
        assert_eq!(
            suggestion.codes(),
            codes(Some("20552"), &["M79.12"]),
            "R+L trapezius: two muscles"
        );

        let now = at("2026-11-30T10:00:00+01:00");
        assert_eq!(
            confirm_coding(suggestion.codes(), &suggestion, " ", now),
            Err(ConfirmError::NoName)
        );
        visit.coding = Some(
            confirm_coding(suggestion.codes(), &suggestion, "Dr Weber", now).expect("confirm"),
        );
        let status = CodingStatus::of(&visit, &suggestion);
        assert!(matches!(
            status,
            CodingStatus::Confirmed {
                overridden: false,
                ..
            }
        ));
        assert_eq!(
            status.headline(),
            "Coding confirmed by Dr Weber on 2026-11-30 10:00: CPT 20552 · ICD-10-CM M79.12, as suggested"
        );

        // The clinician bills 20553 where 20552 was suggested: an override, said so.
        visit.coding = Some(
            confirm_coding(
                codes(Some("20553"), &["M79.12"]),
                &suggestion,
                "Dr Weber",
                now,
            )
            .expect("override"),
        );
        let status = CodingStatus::of(&visit, &suggestion);
        assert!(matches!(
            status,
            CodingStatus::Confirmed {
                overridden: true,
                ..
            }
        ));
        assert!(
            status
                .headline()
                .ends_with("TriggerMap had suggested CPT 20552 · ICD-10-CM M79.12")
        );

        // A third muscle injected after confirming: the coding is out of date.
        visit.points.push(injected("levator_scapulae", Side::Left));
        let suggestion = suggest_coding(&visit, &atlas);
        let status = CodingStatus::of(&visit, &suggestion);
        assert!(matches!(status, CodingStatus::Outdated { .. }));
        assert!(
            status
                .headline()
                .contains("TriggerMap's suggestion differs now (CPT 20553"),
            "{}",
            status.headline()
        );
        assert_eq!(
            status.confirmed().map(|c| c.codes.injection.as_deref()),
            Some(Some("20553"))
        );
    }
}
