//! What a visit injected in all: the total volume, and for each local anaesthetic the total dose
//! in mg, computed from the agent and concentration the clinician typed ("lidocaine", "1%").

use super::{Procedure, Visit};

/// Local anaesthetics, by the names a clinician types (lower case) and the name a dose is
/// totalled and limited under.
const ANAESTHETICS: [(&str, &str); 11] = [
    ("levobupivacaine", "levobupivacaine"),
    ("bupivacaine", "bupivacaine"),
    ("chloroprocaine", "chloroprocaine"),
    ("lidocaine", "lidocaine"),
    ("lignocaine", "lidocaine"),
    ("xylocaine", "lidocaine"),
    ("mepivacaine", "mepivacaine"),
    ("prilocaine", "prilocaine"),
    ("procaine", "procaine"),
    ("ropivacaine", "ropivacaine"),
    ("articaine", "articaine"),
];

/// The local anaesthetics a dose is totalled and limited under, most used first.
pub const LOCAL_ANAESTHETICS: [&str; 9] = [
    "lidocaine",
    "bupivacaine",
    "ropivacaine",
    "levobupivacaine",
    "mepivacaine",
    "procaine",
    "chloroprocaine",
    "prilocaine",
    "articaine",
];

/// The local anaesthetic an injectate contains, by the name its dose is totalled under:
/// "Lidocaine + triamcinolone" gives `lidocaine`; saline gives `None`.
pub fn local_anaesthetic(agent: &str) -> Option<&'static str> {
    let agent = agent.to_lowercase();
    // Longest names first, so that "levobupivacaine" is not taken for "bupivacaine".
    ANAESTHETICS
        .iter()
        .find(|(typed, _)| agent.contains(typed))
        .map(|&(_, name)| name)
}

/// mg per mL of a concentration as typed: "1%", "0.5 %" (1 % = 10 mg/mL) or "10 mg/mL".
/// `None` when it cannot be read as either.
pub fn mg_per_ml(concentration: &str) -> Option<f32> {
    let text = concentration.trim().to_lowercase().replace(',', ".");
    let (number, factor) = if let Some(number) = text.strip_suffix('%') {
        (number.trim(), 10.0)
    } else if let Some(number) = text
        .strip_suffix("mg/ml")
        .or_else(|| text.strip_suffix("mg / ml"))
    {
        (number.trim(), 1.0)
    } else {
        return None;
    };
    let value: f32 = number.parse().ok()?;
    (value.is_finite() && value >= 0.0).then_some(value * factor)
}

/// The dose of one local anaesthetic over the whole visit.
#[derive(Clone, Debug, PartialEq)]
pub struct AnaestheticDose {
    /// Its name, e.g. `lidocaine`.
    pub name: &'static str,
    /// Total mg, over the injections whose concentration and volume are known.
    pub mg: f32,
    /// Injections of it whose mg could not be computed (no volume, or a concentration that does
    /// not read as "1%" or "10 mg/mL"): the total may be higher.
    pub uncounted: usize,
}

/// What a visit injected in all.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InjectedTotals {
    /// Number of injections.
    pub injections: usize,
    /// Total volume of the injections with a volume, in mL.
    pub volume_ml: f32,
    /// Injections without a volume.
    pub without_volume: usize,
    /// Each local anaesthetic injected, in the order first met.
    pub anaesthetics: Vec<AnaestheticDose>,
}

impl InjectedTotals {
    /// The totals of every injection of `visit`.
    pub fn of(visit: &Visit) -> InjectedTotals {
        let mut totals = InjectedTotals::default();
        for treatment in visit.points.iter().flat_map(|p| &p.treatments) {
            let Procedure::Injection {
                agent,
                concentration,
                volume_ml,
                ..
            } = &treatment.procedure
            else {
                continue;
            };
            totals.injections += 1;
            match volume_ml {
                Some(ml) => totals.volume_ml += ml,
                None => totals.without_volume += 1,
            }
            let Some(name) = local_anaesthetic(agent) else {
                continue;
            };
            let index = match totals.anaesthetics.iter().position(|a| a.name == name) {
                Some(index) => index,
                None => {
                    totals.anaesthetics.push(AnaestheticDose {
                        name,
                        mg: 0.0,
                        uncounted: 0,
                    });
                    totals.anaesthetics.len() - 1
                }
            };
            let dose = &mut totals.anaesthetics[index];
            match (mg_per_ml(concentration), volume_ml) {
                (Some(per_ml), Some(ml)) => dose.mg += per_ml * ml,
                _ => dose.uncounted += 1,
            }
        }
        totals
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PatientPoint, Side, Treatment, TriggerPoint, View};

    fn injected(agent: &str, concentration: &str, volume_ml: Option<f32>) -> TriggerPoint {
        let mut point =
            TriggerPoint::new(View::Back, PatientPoint::new(0.07, 0.18), None, Side::Left);
        point.treatments.push(Treatment {
            procedure: Procedure::Injection {
                agent: agent.into(),
                concentration: concentration.into(),
                volume_ml,
                needle: String::new(),
            },
            pain_before: None,
            pain_after: None,
            notes: String::new(),
        });
        point
    }

    #[test]
    fn concentrations_read_as_percent_or_mg_per_ml() {
        assert_eq!(mg_per_ml("1%"), Some(10.0));
        assert_eq!(mg_per_ml(" 0.5 % "), Some(5.0));
        assert_eq!(mg_per_ml("0,25%"), Some(2.5));
        assert_eq!(mg_per_ml("10 mg/mL"), Some(10.0));
        assert_eq!(mg_per_ml("2mg/ml"), Some(2.0));
        assert_eq!(mg_per_ml("strong"), None);
        assert_eq!(mg_per_ml("-1%"), None);
        assert_eq!(mg_per_ml(""), None);
    }

    #[test]
    fn every_typed_name_totals_under_a_listed_anaesthetic() {
        for (typed, name) in ANAESTHETICS {
            assert!(LOCAL_ANAESTHETICS.contains(&name), "{typed}");
            assert_eq!(local_anaesthetic(typed), Some(name), "{typed}");
        }
    }

    #[test]
    fn anaesthetics_are_found_in_what_was_typed() {
        assert_eq!(local_anaesthetic("Lidocaine"), Some("lidocaine"));
        assert_eq!(
            local_anaesthetic("lidocaine + triamcinolone"),
            Some("lidocaine")
        );
        assert_eq!(local_anaesthetic("Lignocaine"), Some("lidocaine"));
        assert_eq!(
            local_anaesthetic("levobupivacaine"),
            Some("levobupivacaine")
        );
        assert_eq!(local_anaesthetic("bupivacaine"), Some("bupivacaine"));
        assert_eq!(local_anaesthetic("saline"), None);
        assert_eq!(local_anaesthetic("botulinum toxin"), None);
    }

    #[test]
    fn totals_add_volume_and_mg_per_anaesthetic() {
        let mut visit = Visit::new_now();
        visit.points = vec![
            injected("lidocaine", "1%", Some(0.5)),
            injected("Lidocaine", "0.5%", Some(2.0)),
            injected("bupivacaine", "0.25%", Some(1.0)),
            injected("saline", "0.9%", Some(1.0)),
            injected("lidocaine", "1%", None),
            injected("lidocaine", "a little", Some(1.0)),
        ];
        let totals = InjectedTotals::of(&visit);
        assert_eq!(totals.injections, 6);
        assert!((totals.volume_ml - 5.5).abs() < 1e-5);
        assert_eq!(totals.without_volume, 1);
        assert_eq!(totals.anaesthetics.len(), 2);
        let lidocaine = &totals.anaesthetics[0];
        assert_eq!(lidocaine.name, "lidocaine");
        assert!((lidocaine.mg - 15.0).abs() < 1e-4, "{}", lidocaine.mg);
        assert_eq!(lidocaine.uncounted, 2);
        let bupivacaine = &totals.anaesthetics[1];
        assert!((bupivacaine.mg - 2.5).abs() < 1e-5);
        assert_eq!(bupivacaine.uncounted, 0);
    }

    #[test]
    fn a_visit_without_injections_has_no_totals() {
        assert_eq!(
            InjectedTotals::of(&Visit::new_now()),
            InjectedTotals::default()
        );
    }
}
