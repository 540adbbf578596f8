//! The trend of a knot: the rule that calls a change in palpation pain or pressure threshold
//! better, worse or unchanged.
//!
//! # The rule
//!
//! Two findings of the same knot, an earlier and a later one, are compared like this:
//!
//! 1. **Palpation pain first.** When both have a palpation pain (NRS 0–10), a fall of at least
//!    [`PAIN_CHANGE`] points is [`Trend::Better`], a rise of at least [`PAIN_CHANGE`] points is
//!    [`Trend::Worse`], anything smaller is [`Trend::Unchanged`]. Pressure threshold is then not
//!    looked at, even when it changed.
//! 2. **Pressure pain threshold otherwise.** When pain was not measured at both but the pressure
//!    pain threshold (PPT, kg/cm²) was, a rise of at least [`PPT_CHANGE`] is
//!    [`Trend::Better`] (the knot tolerates more pressure), a fall of at least [`PPT_CHANGE`] is
//!    [`Trend::Worse`], anything smaller is [`Trend::Unchanged`].
//! 3. **Neither measured at both:** [`Trend::NotMeasured`]. It is never reported as unchanged.
//!
//! [`Trend::New`] and [`Trend::Resolved`] come from presence, not from values: see
//! [`crate::history::Knot::trend`] for a knot's whole course and
//! [`crate::history::compare`] for two visits.
//!
//! The thresholds are the usual minimal clinically important difference of a 0–10 pain scale
//! (2 points) and a conservative minimal detectable change of pressure algometry (0.5 kg/cm²).

use serde::{Deserialize, Serialize};
use std::fmt;

/// The smallest change of palpation pain, in NRS points (0–10), that counts as better or worse.
pub const PAIN_CHANGE: u8 = 2;

/// The smallest change of pressure pain threshold, in kg/cm², that counts as better or worse.
pub const PPT_CHANGE: f32 = 0.5;

/// How a knot changed, over its course or between two visits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Trend {
    /// Not there before, there now.
    New,
    /// There before, no longer found now (marked resolved, or no longer charted).
    Resolved,
    /// Less painful on palpation, or tolerating more pressure.
    Better,
    /// More painful on palpation, or tolerating less pressure.
    Worse,
    /// Measured both times, with a change below the thresholds.
    Unchanged,
    /// There both times, but neither pain nor pressure threshold was measured both times.
    NotMeasured,
}

impl Trend {
    /// All trends, in the order reports list them.
    pub const ALL: [Trend; 6] = [
        Trend::New,
        Trend::Resolved,
        Trend::Better,
        Trend::Worse,
        Trend::Unchanged,
        Trend::NotMeasured,
    ];

    /// "New", "Resolved", "Better", "Worse", "Unchanged" or "Not measured".
    pub fn label(self) -> &'static str {
        match self {
            Trend::New => "New",
            Trend::Resolved => "Resolved",
            Trend::Better => "Better",
            Trend::Worse => "Worse",
            Trend::Unchanged => "Unchanged",
            Trend::NotMeasured => "Not measured",
        }
    }

    /// Compares an earlier finding with a later one by the rule of this module: palpation pain
    /// when measured both times, else pressure threshold, else [`Trend::NotMeasured`].
    pub fn between(
        earlier_pain: Option<u8>,
        earlier_ppt: Option<f32>,
        later_pain: Option<u8>,
        later_ppt: Option<f32>,
    ) -> Trend {
        if let (Some(before), Some(after)) = (earlier_pain, later_pain) {
            let change = i16::from(after) - i16::from(before);
            return if change <= -i16::from(PAIN_CHANGE) {
                Trend::Better
            } else if change >= i16::from(PAIN_CHANGE) {
                Trend::Worse
            } else {
                Trend::Unchanged
            };
        }
        if let (Some(before), Some(after)) = (earlier_ppt, later_ppt) {
            let change = after - before;
            // A small tolerance so that 2.0 → 2.5 counts as 0.5 despite binary fractions.
            let threshold = PPT_CHANGE - 1e-4;
            return if change >= threshold {
                Trend::Better
            } else if change <= -threshold {
                Trend::Worse
            } else {
                Trend::Unchanged
            };
        }
        Trend::NotMeasured
    }
}

impl fmt::Display for Trend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pain_thresholds() {
        assert_eq!(Trend::between(Some(7), None, Some(5), None), Trend::Better);
        assert_eq!(
            Trend::between(Some(7), None, Some(6), None),
            Trend::Unchanged
        );
        assert_eq!(Trend::between(Some(5), None, Some(7), None), Trend::Worse);
        assert_eq!(Trend::between(Some(0), None, Some(10), None), Trend::Worse);
    }

    #[test]
    fn pain_wins_over_pressure_threshold() {
        assert_eq!(
            Trend::between(Some(5), Some(2.0), Some(5), Some(4.0)),
            Trend::Unchanged
        );
    }

    #[test]
    fn pressure_threshold_when_pain_missing() {
        assert_eq!(
            Trend::between(Some(5), Some(2.0), None, Some(2.5)),
            Trend::Better
        );
        assert_eq!(
            Trend::between(None, Some(2.5), None, Some(2.0)),
            Trend::Worse
        );
        assert_eq!(
            Trend::between(None, Some(2.5), None, Some(2.2)),
            Trend::Unchanged
        );
        assert_eq!(
            Trend::between(Some(3), None, None, Some(2.2)),
            Trend::NotMeasured
        );
    }
}
