//! How many trigger point injection sessions the patient had in the 12 months up to a visit
//! (clinical reference L3): Medicare covers at most [`MEDICARE_TPI_SESSIONS_PER_YEAR`] in a rolling
//! 12 months, so the procedure note shows the count. It is shown, never enforced: payers differ.

use super::coding::NeedleFamily;
use crate::history::PatientFolder;
use crate::model::Visit;
use chrono::{Months, NaiveDate};

/// The most trigger point injection sessions Medicare covers in a rolling 12 months (LCD L34211).
pub const MEDICARE_TPI_SESSIONS_PER_YEAR: usize = 3;

/// The days on which the patient had trigger point injections in the 12 months up to a visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InjectionSessions {
    /// The days, oldest first, the visit's own included; one session per day however many
    /// visits that day had.
    pub days: Vec<NaiveDate>,
    /// Whether the patient's other visits were known (their folder was read); if not, only the
    /// visit itself was counted.
    pub history_known: bool,
}

impl InjectionSessions {
    /// The sessions of the 12 months up to `visit` (after the same day a year earlier, up to and
    /// including its own day), counting `visit` and those of `others` of the same patient that
    /// had an injection. `None` when `visit` itself had none. `others` may hold `visit` (as
    /// saved): a visit is counted once, as it is now.
    pub fn up_to<'a>(
        visit: &Visit,
        others: impl IntoIterator<Item = &'a Visit>,
        history_known: bool,
    ) -> Option<InjectionSessions> {
        if !NeedleFamily::Injection.used_in(visit) {
            return None;
        }
        let day = visit.date_time.date_naive();
        let year_before = day.checked_sub_months(Months::new(12))?;
        let mut days: Vec<NaiveDate> = others
            .into_iter()
            .filter(|other| other.id != visit.id && other.patient_id == visit.patient_id)
            .filter(|other| NeedleFamily::Injection.used_in(other))
            .map(|other| other.date_time.date_naive())
            .filter(|d| *d > year_before && *d <= day)
            .collect();
        days.push(day);
        days.sort_unstable();
        days.dedup();
        Some(InjectionSessions {
            days,
            history_known,
        })
    }

    /// The sessions of the 12 months up to `visit` among the visits of the patient's `folder`
    /// (`None`: the other visits are not known, and only `visit` is counted).
    pub fn in_folder(visit: &Visit, folder: Option<&PatientFolder>) -> Option<InjectionSessions> {
        let others = folder.map(|folder| folder.visits.iter().map(|loaded| &loaded.visit));
        InjectionSessions::up_to(visit, others.into_iter().flatten(), folder.is_some())
    }

    /// The number of sessions.
    pub fn count(&self) -> usize {
        self.days.len()
    }

    /// Whether there are more than Medicare covers.
    pub fn above_medicare_limit(&self) -> bool {
        self.count() > MEDICARE_TPI_SESSIONS_PER_YEAR
    }

    /// One line for the procedure note.
    pub fn line(&self) -> String {
        let count = self.count();
        let mut line = format!(
            "Trigger point injection sessions in the 12 months up to this visit: {count} (this one included{})",
            if count > 1 {
                let earlier: Vec<String> = self.days[..count - 1]
                    .iter()
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .collect();
                format!("; earlier: {}", earlier.join(", "))
            } else {
                String::new()
            }
        );
        if !self.history_known {
            line.push_str("; the patient's other visits were not read");
        }
        if self.above_medicare_limit() {
            line.push_str(&format!(
                ". Medicare covers at most {MEDICARE_TPI_SESSIONS_PER_YEAR} in 12 months"
            ));
        }
        line.push('.');
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests_support::injected;
    use crate::model::Side;
    use chrono::DateTime;

    fn visit(day: &str, injected_that_day: bool) -> Visit {
        let mut visit = Visit::new_now();
        visit.patient_id = "PT-1".into();
        visit.date_time =
            DateTime::parse_from_rfc3339(&format!("{day}T10:00:00+01:00")).expect("time");
        let mut point = injected("upper_trapezius", Side::Left);
        if !injected_that_day {
            point.treatments.clear();
        }
        visit.points.push(point);
        visit
    }

    #[test]
    fn counts_injection_days_in_the_rolling_year() {
        let today = visit("2026-11-30", true);
        let others = [
            visit("2025-11-30", true), // exactly a year before: outside
            visit("2025-12-01", true),
            visit("2026-03-02", false), // no injection
            visit("2026-06-15", true),
            visit("2026-06-15", true), // the same day: one session
            visit("2026-12-05", true), // after the visit
        ];
        let mut other_patient = visit("2026-07-01", true);
        other_patient.patient_id = "PT-2".into();
        let mut saved_self = today.clone();
        saved_self.points.clear();
        let sessions = InjectionSessions::up_to(
            &today,
            others.iter().chain([&other_patient, &saved_self]),
            true,
        )
        .expect("injected today");
        assert_eq!(sessions.count(), 3);
        assert!(!sessions.above_medicare_limit());
        assert_eq!(
            sessions.line(),
            "Trigger point injection sessions in the 12 months up to this visit: 3 (this one included; earlier: 2025-12-01, 2026-06-15)."
        );
        let more = [visit("2026-01-10", true)];
        let sessions =
            InjectionSessions::up_to(&today, others.iter().chain(&more), true).expect("today");
        assert_eq!(sessions.count(), 4);
        assert!(
            sessions
                .line()
                .ends_with("Medicare covers at most 3 in 12 months.")
        );
    }

    #[test]
    fn none_without_an_injection_and_said_when_the_history_is_unknown() {
        assert_eq!(
            InjectionSessions::up_to(&visit("2026-11-30", false), [], true),
            None
        );
        let alone = InjectionSessions::up_to(&visit("2026-11-30", true), [], false).expect("one");
        assert_eq!(
            alone.line(),
            "Trigger point injection sessions in the 12 months up to this visit: 1 (this one included); the patient's other visits were not read."
        );
    }
}
