//! The rules every value of a visit must follow, with the limits they check. Reading refuses a
//! file that breaks one; saving refuses a visit that would (so TriggerMap never writes a file it
//! would refuse to read); the UI bounds its inputs by the same limits. A problem names the field
//! and what was expected, never the value found (it is patient data).

use super::{CodeProblem, MuscleId, PointId, Procedure, Visit};
use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use std::collections::HashSet;
use std::fmt;

/// The highest plausible pressure pain threshold, in kg/cm².
pub const MAX_PRESSURE_THRESHOLD: f32 = 15.0;

/// The largest plausible injected volume at one point, in mL.
pub const MAX_INJECTION_ML: f32 = 50.0;

/// The longest patient id, clinician name or signer name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// The longest aftercare text a visit keeps (the clinic's file has the same limit).
pub const MAX_AFTERCARE_BYTES: usize = 64 * 1024;

/// The years a visit, signature or amendment may fall in.
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// The muscles a point may name (the atlas): [`validate_visit`] checks muscle ids against it.
pub trait KnownMuscles {
    /// Whether `id` names a muscle.
    fn knows_muscle(&self, id: &MuscleId) -> bool;
}

/// A value in a visit that is not allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitProblem {
    /// The point it concerns (its index), or `None` for the visit itself.
    pub point: Option<usize>,
    /// Where the value is in the file: `visit.points[2].palpation_pain`.
    pub path: String,
    /// The field, e.g. `palpation_pain`.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for VisitProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", human_path(&self.path), self.message)
    }
}

/// Every value in `visit` that is out of range, inconsistent, or names a muscle `muscles` does
/// not know.
pub fn validate_visit(visit: &Visit, muscles: &impl KnownMuscles) -> Vec<VisitProblem> {
    validate(visit, Some(muscles))
}

/// [`validate_visit`] without checking muscle ids (for saving, where the atlas the visit was
/// made with is not at hand).
pub fn validate_values(visit: &Visit) -> Vec<VisitProblem> {
    validate(visit, None::<&NoAtlas>)
}

/// Stands for "no atlas" in [`validate_values`].
struct NoAtlas;

impl KnownMuscles for NoAtlas {
    fn knows_muscle(&self, _id: &MuscleId) -> bool {
        true
    }
}

fn validate(visit: &Visit, muscles: Option<&impl KnownMuscles>) -> Vec<VisitProblem> {
    let mut problems = Vec::new();
    let mut visit_problem = |path: &str, field, message: String| {
        problems.push(VisitProblem {
            point: None,
            path: format!("visit.{path}"),
            field,
            message,
        })
    };
    for (field, value) in [
        ("patient_id", &visit.patient_id),
        ("clinician", &visit.clinician),
    ] {
        if value.chars().count() > MAX_NAME_CHARS {
            visit_problem(
                field,
                field,
                format!("longer than {MAX_NAME_CHARS} characters"),
            );
        }
    }
    let year_ok = |d: &DateTime<FixedOffset>| PLAUSIBLE_YEARS.contains(&d.year());
    let years = format!(
        "outside the years {}–{}",
        PLAUSIBLE_YEARS.start(),
        PLAUSIBLE_YEARS.end()
    );
    let not_real = "not a real time: a second 60 on a day without a leap second";
    // What is wrong with a time of the visit or its record, if anything.
    let time_problem = |time: &DateTime<FixedOffset>| {
        if !year_ok(time) {
            Some(years.clone())
        } else if !is_real_time(time) {
            Some(not_real.to_owned())
        } else {
            None
        }
    };
    // What is wrong with the name of who signed or confirmed, if anything.
    let name_problem = |name: &str, empty: &str| {
        if name.trim().is_empty() {
            Some(empty.to_owned())
        } else if name.chars().count() > MAX_NAME_CHARS {
            Some(format!("longer than {MAX_NAME_CHARS} characters"))
        } else {
            None
        }
    };
    if let Some(problem) = time_problem(&visit.date_time) {
        visit_problem("date_time", "date_time", problem);
    }
    if let Some(signature) = &visit.signature {
        if let Some(problem) = name_problem(&signature.clinician, "empty: who signed?") {
            visit_problem("signature.clinician", "clinician", problem);
        }
        if let Some(problem) = time_problem(&signature.signed_at) {
            visit_problem("signature.signed_at", "signed_at", problem);
        }
    } else if !visit.amendments.is_empty() {
        visit_problem(
            "amendments",
            "amendments",
            "amendments without a signature (only a signed visit is amended)".to_owned(),
        );
    }
    if let Some(coding) = &visit.coding {
        // The confirmed codes follow every rule; the suggestion kept beside them is TriggerMap's
        // own, and only its shape is checked.
        for (set, codes, every_rule) in [
            ("codes", &coding.codes, true),
            ("suggested", &coding.suggested, false),
        ] {
            for problem in codes.problems() {
                let shape = matches!(problem, CodeProblem::NotCpt(_) | CodeProblem::NotIcd(_));
                if every_rule || shape {
                    let field = match problem {
                        CodeProblem::NotCpt(_) | CodeProblem::OtherFamily(_) => "cpt",
                        _ => "icd",
                    };
                    visit_problem(
                        &format!("coding.{set}.{}", problem.path()),
                        field,
                        problem.message(),
                    );
                }
            }
        }
        if let Some(problem) = name_problem(&coding.by, "empty: who confirmed the coding?") {
            visit_problem("coding.by", "by", problem);
        }
        if let Some(problem) = time_problem(&coding.at) {
            visit_problem("coding.at", "at", problem);
        }
    }
    if let Some(aftercare) = &visit.aftercare
        && aftercare.len() > MAX_AFTERCARE_BYTES
    {
        visit_problem(
            "aftercare",
            "aftercare",
            format!("longer than {} KiB", MAX_AFTERCARE_BYTES / 1024),
        );
    }
    let mut previous = visit.signature.as_ref().map(|s| s.signed_at);
    for (i, amendment) in visit.amendments.iter().enumerate() {
        let at = |field: &str| format!("amendments[{i}].{field}");
        if amendment.by.trim().is_empty() {
            visit_problem(&at("by"), "by", "empty: who amended?".to_owned());
        }
        if amendment.why.trim().is_empty() {
            visit_problem(
                &at("why"),
                "why",
                "empty: an amendment needs a reason".to_owned(),
            );
        }
        if amendment.what.is_empty() {
            visit_problem(&at("what"), "what", "empty: what was changed?".to_owned());
        }
        if !year_ok(&amendment.at) {
            visit_problem(&at("at"), "at", years.clone());
        } else if !is_real_time(&amendment.at) {
            visit_problem(&at("at"), "at", not_real.to_owned());
        } else if previous.is_some_and(|p| amendment.at < p) {
            visit_problem(
                &at("at"),
                "at",
                "earlier than the signature or the amendment before it".to_owned(),
            );
        }
        previous = Some(amendment.at);
    }

    let ids: HashSet<PointId> = visit.points.iter().map(|p| p.id).collect();
    let mut seen = HashSet::new();
    for (i, point) in visit.points.iter().enumerate() {
        let mut report = |path: String, field, message: String| {
            problems.push(VisitProblem {
                point: Some(i),
                path: format!("visit.points[{i}].{path}"),
                field,
                message,
            })
        };
        if !seen.insert(point.id) {
            report(
                "id".into(),
                "id",
                "the same id is used by an earlier point".to_owned(),
            );
        }
        if point.lineage == Some(point.id) {
            report(
                "lineage".into(),
                "lineage",
                "a point cannot follow itself".to_owned(),
            );
        } else if point.lineage.is_some_and(|l| ids.contains(&l)) {
            report(
                "lineage".into(),
                "lineage",
                "names another point of this visit (a point follows one of an earlier visit)"
                    .to_owned(),
            );
        }
        if !point.pos.is_finite() {
            report(
                "position".into(),
                "position",
                "coordinates must be finite numbers".to_owned(),
            );
        } else if point.pos.x.abs() > 0.5 || !(0.0..=1.0).contains(&point.pos.y) {
            report(
                "position".into(),
                "position",
                "outside the figure (|x| <= 0.5, 0 <= y <= 1)".to_owned(),
            );
        }
        if let Some(side) = point.view.profile_side()
            && point.side != side
        {
            report(
                "side".into(),
                "side",
                format!(
                    "a point on the {} shows the patient's {side} side",
                    point.view.label().to_lowercase()
                ),
            );
        }
        if let (Some(muscle), Some(muscles)) = (&point.muscle, muscles)
            && !muscles.knows_muscle(muscle)
        {
            report(
                "muscle".into(),
                "muscle",
                "not a muscle of the atlas".to_owned(),
            );
        }
        if point.palpation_pain.is_some_and(|pain| pain > 10) {
            report(
                "palpation_pain".into(),
                "palpation_pain",
                "outside 0–10".to_owned(),
            );
        }
        if let Some(ppt) = point.pressure_threshold
            && !(ppt.is_finite() && (0.0..=MAX_PRESSURE_THRESHOLD).contains(&ppt))
        {
            report(
                "pressure_threshold".into(),
                "pressure_threshold",
                format!("outside 0–{MAX_PRESSURE_THRESHOLD} kg/cm²"),
            );
        }
        for (t, treatment) in point.treatments.iter().enumerate() {
            for (field, pain) in [
                ("pain_before", treatment.pain_before),
                ("pain_after", treatment.pain_after),
            ] {
                if pain.is_some_and(|pain| pain > 10) {
                    report(
                        format!("treatments[{t}].{field}"),
                        field,
                        "outside 0–10".to_owned(),
                    );
                }
            }
            if let Procedure::Injection {
                volume_ml: Some(v), ..
            } = treatment.procedure
                && !(v.is_finite() && (0.0..=MAX_INJECTION_ML).contains(&v))
            {
                report(
                    format!("treatments[{t}].procedure.volume_ml"),
                    "volume_ml",
                    format!("outside 0–{MAX_INJECTION_ML} mL"),
                );
            }
        }
    }
    problems
}

/// The days (UTC) at whose end a leap second was inserted (`23:59:60`), from 1972 to the last
/// one, 2016 (IERS Bulletin C); no other day has a second 60.
const LEAP_SECOND_DAYS: [(i32, u32, u32); 27] = [
    (1972, 6, 30),
    (1972, 12, 31),
    (1973, 12, 31),
    (1974, 12, 31),
    (1975, 12, 31),
    (1976, 12, 31),
    (1977, 12, 31),
    (1978, 12, 31),
    (1979, 12, 31),
    (1981, 6, 30),
    (1982, 6, 30),
    (1983, 6, 30),
    (1985, 6, 30),
    (1987, 12, 31),
    (1989, 12, 31),
    (1990, 12, 31),
    (1992, 6, 30),
    (1993, 6, 30),
    (1994, 6, 30),
    (1995, 12, 31),
    (1997, 6, 30),
    (1998, 12, 31),
    (2005, 12, 31),
    (2008, 12, 31),
    (2012, 6, 30),
    (2015, 6, 30),
    (2016, 12, 31),
];

/// Whether `time` existed: chrono reads a second 60 at any minute (as a leap second), but only
/// the last second of a day with a leap second had one.
fn is_real_time(time: &DateTime<FixedOffset>) -> bool {
    if time.nanosecond() < 1_000_000_000 {
        return true;
    }
    let utc = time.naive_utc();
    (utc.hour(), utc.minute(), utc.second()) == (23, 59, 59)
        && LEAP_SECOND_DAYS.contains(&(utc.year(), utc.month(), utc.day()))
}

/// A field's name in words: `palpation_pain` is "palpation pain", `volume_ml` "volume (mL)".
fn field_words(name: &str) -> String {
    match name {
        "date_time" => "date and time".to_owned(),
        "volume_ml" => "volume (mL)".to_owned(),
        "patient_id" => "patient id".to_owned(),
        "pos" => "position".to_owned(),
        "signed_at" => "signed at".to_owned(),
        "codes" => "codes confirmed".to_owned(),
        "suggested" => "codes suggested".to_owned(),
        other => other.replace('_', " "),
    }
}

/// The path of a field as a clinician reads it: `visit.points[2].treatments[0].pain_after`
/// becomes `point 3: treatment 1: pain after`.
pub fn human_path(path: &str) -> String {
    let path = path.strip_prefix("visit.").unwrap_or(path);
    let mut parts = Vec::new();
    for part in path.split('.') {
        if let Some(open) = part.find('[') {
            let (name, rest) = part.split_at(open);
            let singular = match name {
                "points" => "point",
                "treatments" => "treatment",
                "amendments" => "amendment",
                "what" => "line",
                "diagnoses" => "diagnosis",
                other => other,
            };
            let mut label = singular.to_owned();
            for index in rest.split('[').filter(|s| !s.is_empty()) {
                let index = index.trim_end_matches(']');
                match index.parse::<usize>() {
                    Ok(i) => label.push_str(&format!(" {}", i + 1)),
                    Err(_) => label.push_str(&format!("[{index}]")),
                }
            }
            parts.push(label);
        } else {
            parts.push(field_words(part));
        }
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_leap_seconds_are_real_times() {
        let time = |text| DateTime::parse_from_rfc3339(text).expect("chrono reads it");
        assert!(is_real_time(&time("2025-03-04T09:30:59+01:00")));
        assert!(is_real_time(&time("2016-12-31T23:59:60Z")));
        assert!(
            is_real_time(&time("2017-01-01T00:59:60+01:00")),
            "the same second"
        );
        assert!(!is_real_time(&time("2025-03-04T23:59:60Z")));
        assert!(!is_real_time(&time("2016-12-31T12:30:60Z")));
    }

    #[test]
    fn human_paths_number_from_one() {
        assert_eq!(
            human_path("visit.points[2].treatments[0].pain_after"),
            "point 3: treatment 1: pain after"
        );
        assert_eq!(human_path("visit.date_time"), "date and time");
        assert_eq!(
            human_path("visit.points[0].palpation_pain"),
            "point 1: palpation pain"
        );
    }
}
