//! Knots across visits: lineage chains become [`Knot`]s, each with its occurrences, its
//! [`KnotHistory`] (for a plot of pain and pressure threshold over the dates) and its row of the
//! patient overview ([`OverviewRow`]).
//!
//! # How chains are built
//!
//! Visits are taken in date order, points in chart order. A point whose lineage names a point of
//! an earlier visit continues that point's knot; any other point starts a knot whose id
//! ([`KnotId`]) is its own point id. When two points of one visit name the same previous point,
//! the first continues the knot and the second starts a new knot noting
//! [`Knot::branched_from`]. A lineage naming a point that is not among the visits (its file is
//! missing or bad) starts a new knot noting [`Knot::missing_lineage`]. A point id seen twice is
//! ignored the second time ([`History::ignored_points`]).

use super::trend::Trend;
use crate::model::PatientPoint;
use crate::model::{Figure, MuscleId, PointId, Side, Status, Treatment, View, Visit, VisitId};
use chrono::{DateTime, FixedOffset};
use std::collections::HashMap;
use std::fmt;

/// A knot's stable identity: the id of the first point of its chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KnotId(pub PointId);

impl fmt::Display for KnotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A visit of the history, in date order.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitInfo {
    /// Its id.
    pub id: VisitId,
    /// When it took place.
    pub date_time: DateTime<FixedOffset>,
    /// How many points it charted.
    pub points: usize,
    /// The figure it is charted on: its points' positions mean places on that figure only.
    pub figure: Figure,
}

/// A knot as charted at one visit.
#[derive(Clone, Debug, PartialEq)]
pub struct Occurrence {
    /// Index of the visit in [`History::visits`].
    pub visit_index: usize,
    /// The visit.
    pub visit: VisitId,
    /// When.
    pub date_time: DateTime<FixedOffset>,
    /// The point at that visit.
    pub point: PointId,
    /// Its number on that visit's chart (1-based).
    pub number: usize,
    /// Its muscle there (a knot may move into a neighbouring muscle).
    pub muscle: Option<MuscleId>,
    /// Its side there.
    pub side: Side,
    /// Its view there.
    pub view: View,
    /// Its position there.
    pub pos: PatientPoint,
    /// Its status there.
    pub status: Status,
    /// Palpation pain there, 0–10.
    pub palpation_pain: Option<u8>,
    /// Pressure pain threshold there, kg/cm².
    pub pressure_threshold: Option<f32>,
    /// Treatments given there.
    pub treatments: Vec<Treatment>,
}

impl Occurrence {
    /// Whether the knot was there at this visit: charted and not marked resolved.
    pub fn is_present(&self) -> bool {
        self.status != Status::Resolved
    }
}

/// One knot followed across visits.
#[derive(Clone, Debug, PartialEq)]
pub struct Knot {
    /// Its identity: the first point of its chain.
    pub id: KnotId,
    /// Its number in the patient's history (1-based, in order of first appearance: date, then
    /// chart number). Stable while visits are added after the existing ones.
    pub number: usize,
    /// Its occurrences, in date order, at most one per visit.
    pub occurrences: Vec<Occurrence>,
    /// The knot it split from, when its first point named a previous point that another point
    /// of the same visit already continued.
    pub branched_from: Option<KnotId>,
    /// The lineage its first point names when that point is not among the loaded visits.
    pub missing_lineage: Option<PointId>,
}

impl Knot {
    /// Its latest occurrence.
    pub fn latest(&self) -> &Occurrence {
        // A knot is created with one occurrence and never loses it.
        &self.occurrences[self.occurrences.len() - 1]
    }

    /// Its first occurrence.
    pub fn first(&self) -> &Occurrence {
        &self.occurrences[0]
    }

    /// Its muscle at its latest occurrence.
    pub fn muscle(&self) -> Option<&MuscleId> {
        self.latest().muscle.as_ref()
    }

    /// Its side at its latest occurrence.
    pub fn side(&self) -> Side {
        self.latest().side
    }

    /// When it was first charted.
    pub fn first_seen(&self) -> DateTime<FixedOffset> {
        self.first().date_time
    }

    /// The last visit at which it was present (charted, not resolved); its first visit if never.
    pub fn last_seen(&self) -> DateTime<FixedOffset> {
        self.occurrences
            .iter()
            .rev()
            .find(|o| o.is_present())
            .unwrap_or(self.first())
            .date_time
    }

    /// The number of visits at which it was present (charted, not resolved).
    pub fn visits_present(&self) -> usize {
        self.occurrences.iter().filter(|o| o.is_present()).count()
    }

    /// Its occurrence at the visit with this index in [`History::visits`].
    pub fn at(&self, visit_index: usize) -> Option<&Occurrence> {
        self.occurrences
            .binary_search_by_key(&visit_index, |o| o.visit_index)
            .ok()
            .map(|i| &self.occurrences[i])
    }

    /// Its trend over its whole course, given the index of the patient's latest visit:
    ///
    /// 1. [`Trend::Resolved`] when its latest occurrence is marked resolved, or it is not charted
    ///    at the latest visit (the carry-over was removed);
    /// 2. else [`Trend::New`] when it was first charted at the latest visit;
    /// 3. else the rule of [`crate::history::trend`] between the first and the last present
    ///    occurrence that measured palpation pain (when two did), or else pressure threshold
    ///    (when two did), or else [`Trend::NotMeasured`].
    pub fn trend(&self, latest_visit: usize) -> Trend {
        let latest = self.latest();
        if !latest.is_present() || latest.visit_index != latest_visit {
            return Trend::Resolved;
        }
        if self.first().visit_index == latest_visit {
            return Trend::New;
        }
        let present = || self.occurrences.iter().filter(|o| o.is_present());
        let pains: Vec<&Occurrence> = present().filter(|o| o.palpation_pain.is_some()).collect();
        if let [first, .., last] = pains.as_slice() {
            return Trend::between(first.palpation_pain, None, last.palpation_pain, None);
        }
        let ppts: Vec<&Occurrence> = present()
            .filter(|o| o.pressure_threshold.is_some())
            .collect();
        if let [first, .., last] = ppts.as_slice() {
            return Trend::between(
                None,
                first.pressure_threshold,
                None,
                last.pressure_threshold,
            );
        }
        Trend::NotMeasured
    }
}

/// One visit of a knot's history: its occurrence there, or `None` when it was not charted.
#[derive(Clone, Debug, PartialEq)]
pub struct KnotHistoryEntry {
    /// The visit.
    pub visit: VisitId,
    /// When.
    pub date_time: DateTime<FixedOffset>,
    /// The knot at that visit, or `None` when it was not charted there.
    pub occurrence: Option<Occurrence>,
}

/// A knot's whole history on one screen: every visit from its first to the patient's latest.
#[derive(Clone, Debug, PartialEq)]
pub struct KnotHistory {
    /// The knot.
    pub knot: KnotId,
    /// Its number in the patient's history.
    pub number: usize,
    /// Its muscle at its latest occurrence.
    pub muscle: Option<MuscleId>,
    /// Its side at its latest occurrence.
    pub side: Side,
    /// Its trend over its whole course (see [`Knot::trend`]).
    pub trend: Trend,
    /// Every visit from its first to the patient's latest, in date order.
    pub entries: Vec<KnotHistoryEntry>,
}

impl KnotHistory {
    /// Palpation pain over the dates, where measured: the points of a plot.
    pub fn pain_series(&self) -> Vec<(DateTime<FixedOffset>, u8)> {
        self.entries
            .iter()
            .filter_map(|e| Some((e.date_time, e.occurrence.as_ref()?.palpation_pain?)))
            .collect()
    }

    /// Pressure pain threshold over the dates, where measured: the points of a plot.
    pub fn pressure_threshold_series(&self) -> Vec<(DateTime<FixedOffset>, f32)> {
        self.entries
            .iter()
            .filter_map(|e| Some((e.date_time, e.occurrence.as_ref()?.pressure_threshold?)))
            .collect()
    }

    /// The visits at which it was treated, with the treatments: where to mark injections.
    pub fn treatments(&self) -> Vec<(DateTime<FixedOffset>, &[Treatment])> {
        self.entries
            .iter()
            .filter_map(|e| {
                let o = e.occurrence.as_ref()?;
                (!o.treatments.is_empty()).then_some((e.date_time, o.treatments.as_slice()))
            })
            .collect()
    }
}

/// One knot of the patient overview.
#[derive(Clone, Debug, PartialEq)]
pub struct OverviewRow {
    /// The knot.
    pub knot: KnotId,
    /// Its number in the patient's history.
    pub number: usize,
    /// Its muscle at its latest occurrence.
    pub muscle: Option<MuscleId>,
    /// Its side at its latest occurrence.
    pub side: Side,
    /// Its view at its latest occurrence.
    pub view: View,
    /// Its status at its latest occurrence.
    pub latest_status: Status,
    /// When first charted.
    pub first_seen: DateTime<FixedOffset>,
    /// The last visit at which it was present.
    pub last_seen: DateTime<FixedOffset>,
    /// The number of visits at which it was present.
    pub visits: usize,
    /// Its trend over its whole course.
    pub trend: Trend,
}

/// The knots of a set of visits of one patient.
#[derive(Clone, Debug, Default)]
pub struct History {
    visits: Vec<VisitInfo>,
    knots: Vec<Knot>,
    by_id: HashMap<KnotId, usize>,
    by_point: HashMap<PointId, usize>,
    ignored: Vec<PointId>,
}

impl History {
    /// Follows the lineage chains of `visits` (in any order; they are taken by date, then id).
    pub fn build<'a>(visits: impl IntoIterator<Item = &'a Visit>) -> History {
        let mut visits: Vec<&Visit> = visits.into_iter().collect();
        visits.sort_by(|a, b| a.date_time.cmp(&b.date_time).then(a.id.cmp(&b.id)));
        let total_points = visits.iter().map(|v| v.points.len()).sum();
        let mut history = History {
            visits: Vec::with_capacity(visits.len()),
            knots: Vec::new(),
            by_id: HashMap::new(),
            by_point: HashMap::with_capacity(total_points),
            ignored: Vec::new(),
        };
        for (visit_index, visit) in visits.into_iter().enumerate() {
            history.visits.push(VisitInfo {
                id: visit.id,
                date_time: visit.date_time,
                points: visit.points.len(),
                figure: visit.figure,
            });
            for (i, point) in visit.points.iter().enumerate() {
                if history.by_point.contains_key(&point.id) {
                    history.ignored.push(point.id);
                    continue;
                }
                let occurrence = Occurrence {
                    visit_index,
                    visit: visit.id,
                    date_time: visit.date_time,
                    point: point.id,
                    number: i + 1,
                    muscle: point.muscle.clone(),
                    side: point.side,
                    view: point.view,
                    pos: point.pos,
                    status: point.status,
                    palpation_pain: point.palpation_pain,
                    pressure_threshold: point.pressure_threshold,
                    treatments: point.treatments.clone(),
                };
                let parent = point
                    .lineage
                    .map(|l| (l, history.by_point.get(&l).copied()));
                let (continues, branched_from, missing_lineage) = match parent {
                    None => (None, None, None),
                    Some((lineage, None)) => (None, None, Some(lineage)),
                    Some((_, Some(k))) => {
                        let knot = &history.knots[k];
                        if knot.latest().visit_index < visit_index {
                            (Some(k), None, None)
                        } else {
                            // Another point of this visit continues it already.
                            (None, Some(knot.id), None)
                        }
                    }
                };
                let k = match continues {
                    Some(k) => {
                        history.knots[k].occurrences.push(occurrence);
                        k
                    }
                    None => {
                        let k = history.knots.len();
                        let id = KnotId(point.id);
                        history.knots.push(Knot {
                            id,
                            number: k + 1,
                            occurrences: vec![occurrence],
                            branched_from,
                            missing_lineage,
                        });
                        history.by_id.insert(id, k);
                        k
                    }
                };
                history.by_point.insert(point.id, k);
            }
        }
        history
    }

    /// The visits, in date order.
    pub fn visits(&self) -> &[VisitInfo] {
        &self.visits
    }

    /// The index of a visit in [`History::visits`].
    pub fn visit_index(&self, id: VisitId) -> Option<usize> {
        self.visits.iter().position(|v| v.id == id)
    }

    /// Every knot, by number (order of first appearance).
    pub fn knots(&self) -> &[Knot] {
        &self.knots
    }

    /// The knot with this id.
    pub fn knot(&self, id: KnotId) -> Option<&Knot> {
        self.by_id.get(&id).map(|&k| &self.knots[k])
    }

    /// The knot a point belongs to, whichever visit it is from.
    pub fn knot_of_point(&self, point: PointId) -> Option<&Knot> {
        self.by_point.get(&point).map(|&k| &self.knots[k])
    }

    /// Points not followed because their id was already used by an earlier point.
    pub fn ignored_points(&self) -> &[PointId] {
        &self.ignored
    }

    /// The index of the latest visit.
    fn latest_visit(&self) -> usize {
        self.visits.len().saturating_sub(1)
    }

    /// A knot's whole history: every visit from its first to the patient's latest, with its
    /// occurrence or `None` where it was not charted.
    pub fn knot_history(&self, id: KnotId) -> Option<KnotHistory> {
        let knot = self.knot(id)?;
        let first = knot.first().visit_index;
        let mut occurrences = knot.occurrences.iter().peekable();
        let entries = self.visits[first..]
            .iter()
            .enumerate()
            .map(|(offset, info)| {
                let occurrence = occurrences
                    .next_if(|o| o.visit_index == first + offset)
                    .cloned();
                KnotHistoryEntry {
                    visit: info.id,
                    date_time: info.date_time,
                    occurrence,
                }
            })
            .collect();
        Some(KnotHistory {
            knot: knot.id,
            number: knot.number,
            muscle: knot.muscle().cloned(),
            side: knot.side(),
            trend: knot.trend(self.latest_visit()),
            entries,
        })
    }

    /// The patient overview: one row per knot, sorted by muscle id (unassigned last), side, then
    /// knot number.
    pub fn overview(&self) -> Vec<OverviewRow> {
        let latest_visit = self.latest_visit();
        let mut rows: Vec<OverviewRow> = self
            .knots
            .iter()
            .map(|knot| {
                let latest = knot.latest();
                OverviewRow {
                    knot: knot.id,
                    number: knot.number,
                    muscle: latest.muscle.clone(),
                    side: latest.side,
                    view: latest.view,
                    latest_status: latest.status,
                    first_seen: knot.first_seen(),
                    last_seen: knot.last_seen(),
                    visits: knot.visits_present(),
                    trend: knot.trend(latest_visit),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.muscle.is_none(), &a.muscle, a.side, a.number).cmp(&(
                b.muscle.is_none(),
                &b.muscle,
                b.side,
                b.number,
            ))
        });
        rows
    }
}
