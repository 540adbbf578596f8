//! Comparing two visits of a patient, A (earlier) and B (later), not necessarily consecutive.
//!
//! A knot is *present* at a visit when it is charted there and not marked resolved. Then, for
//! every knot present at A or at B:
//!
//! - present at B only: [`Trend::New`];
//! - present at A only (marked resolved at B, or not charted at B): [`Trend::Resolved`];
//! - present at both: [`Trend::between`] their findings at A and at B (palpation pain, else
//!   pressure threshold): [`Trend::Better`], [`Trend::Worse`], [`Trend::Unchanged`] or
//!   [`Trend::NotMeasured`].
//!
//! Which point of B is which knot of A: with the patient's folder, by the knots of
//! [`History`] (lineage chains through every visit between A and B); for two lone files
//! ([`compare_visits`]), by direct lineage (a point of B naming a point of A), then by the nearest
//! point of the same view, muscle (or both unassigned) and side within [`AUTO_LINK_DISTANCE`],
//! nearest pairs first. Through the history, a knot of B whose chain is broken (its lineage names
//! a point of no loaded visit: a file missing or bad) is matched to the knots of A not charted at
//! B by that same nearest-point rule.

use super::linking::AUTO_LINK_DISTANCE;
use super::timeline::{History, KnotId, Occurrence};
use super::trend::Trend;
use crate::model::PatientPoint;
use crate::model::{MuscleId, PointId, Side, Status, TriggerPoint, View, Visit, VisitId};
use chrono::{DateTime, FixedOffset};
use std::collections::{BTreeMap, HashMap};

/// How the points of A and B were matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchMethod {
    /// By the knots of the patient's history: lineage through the visits between A and B.
    History {
        /// How many visits lie strictly between A and B.
        visits_between: usize,
        /// How many knots of B with a broken chain were matched to a knot of A by position.
        matched_by_position: usize,
    },
    /// Two lone visits: direct lineage, then nearest point of the same view, muscle and side.
    Direct,
}

/// A knot as charted at A or at B.
#[derive(Clone, Debug, PartialEq)]
pub struct PointSnapshot {
    /// The point.
    pub point: PointId,
    /// Its chart number at that visit (1-based).
    pub number: usize,
    /// Its muscle.
    pub muscle: Option<MuscleId>,
    /// Its side.
    pub side: Side,
    /// Its view.
    pub view: View,
    /// Where.
    pub pos: PatientPoint,
    /// Its status.
    pub status: Status,
    /// Palpation pain, 0–10.
    pub palpation_pain: Option<u8>,
    /// Pressure pain threshold, kg/cm².
    pub pressure_threshold: Option<f32>,
    /// How many treatments it was given at that visit.
    pub treatments: usize,
}

impl PointSnapshot {
    fn of_point(p: &TriggerPoint, number: usize) -> Self {
        PointSnapshot {
            point: p.id,
            number,
            muscle: p.muscle.clone(),
            side: p.side,
            view: p.view,
            pos: p.pos,
            status: p.status,
            palpation_pain: p.palpation_pain,
            pressure_threshold: p.pressure_threshold,
            treatments: p.treatments.len(),
        }
    }

    fn of_occurrence(o: &Occurrence) -> Self {
        PointSnapshot {
            point: o.point,
            number: o.number,
            muscle: o.muscle.clone(),
            side: o.side,
            view: o.view,
            pos: o.pos,
            status: o.status,
            palpation_pain: o.palpation_pain,
            pressure_threshold: o.pressure_threshold,
            treatments: o.treatments.len(),
        }
    }
}

/// One knot of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparisonRow {
    /// The knot: its id in the history, or for two lone visits the id of its point at A (at B
    /// when new).
    pub knot: KnotId,
    /// Its number in the patient's history, when compared through the history.
    pub knot_number: Option<usize>,
    /// How it changed from A to B.
    pub change: Trend,
    /// The knot at A, when charted there.
    pub a: Option<PointSnapshot>,
    /// The knot at B, when charted there.
    pub b: Option<PointSnapshot>,
}

impl ComparisonRow {
    /// Its muscle: at B if charted there, else at A.
    pub fn muscle(&self) -> Option<&MuscleId> {
        self.latest().and_then(|p| p.muscle.as_ref())
    }

    /// Its side: at B if charted there, else at A.
    pub fn side(&self) -> Side {
        self.latest().map_or(Side::Midline, |p| p.side)
    }

    fn latest(&self) -> Option<&PointSnapshot> {
        self.b.as_ref().or(self.a.as_ref())
    }
}

/// The comparison of visit A (earlier) with visit B (later).
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Visit A.
    pub a: VisitId,
    /// When A took place.
    pub a_date: DateTime<FixedOffset>,
    /// Visit B.
    pub b: VisitId,
    /// When B took place.
    pub b_date: DateTime<FixedOffset>,
    /// How points were matched.
    pub method: MatchMethod,
    /// One row per knot present at A or B, sorted by change (in [`Trend::ALL`] order), muscle,
    /// side, then chart number.
    pub rows: Vec<ComparisonRow>,
}

impl Comparison {
    /// How many knots fall in each category; every category of [`Trend::ALL`] is there, zero or
    /// not.
    pub fn counts(&self) -> BTreeMap<Trend, usize> {
        let mut counts: BTreeMap<Trend, usize> = Trend::ALL.iter().map(|&t| (t, 0)).collect();
        for row in &self.rows {
            *counts.entry(row.change).or_default() += 1;
        }
        counts
    }

    /// The change of the knot at this point of A or B (to colour the chart).
    pub fn change_of_point(&self, point: PointId) -> Option<Trend> {
        self.rows
            .iter()
            .find(|r| {
                r.a.as_ref().is_some_and(|p| p.point == point)
                    || r.b.as_ref().is_some_and(|p| p.point == point)
            })
            .map(|r| r.change)
    }

    fn sort_rows(&mut self) {
        let key = |r: &ComparisonRow| {
            let number = r.b.as_ref().or(r.a.as_ref()).map_or(0, |p| p.number);
            let in_b = r.b.is_some();
            (
                r.change,
                r.muscle().is_none(),
                r.muscle().cloned(),
                r.side(),
                !in_b,
                number,
            )
        };
        self.rows.sort_by_key(key);
    }
}

/// The change between a knot's snapshot at A and at B (either may be absent).
fn change(a: Option<&PointSnapshot>, b: Option<&PointSnapshot>) -> Option<Trend> {
    fn present(p: Option<&PointSnapshot>) -> Option<&PointSnapshot> {
        p.filter(|p| p.status != Status::Resolved)
    }
    match (present(a), present(b)) {
        (None, None) => None,
        (None, Some(_)) => Some(Trend::New),
        (Some(_), None) => Some(Trend::Resolved),
        (Some(a), Some(b)) => Some(Trend::between(
            a.palpation_pain,
            a.pressure_threshold,
            b.palpation_pain,
            b.pressure_threshold,
        )),
    }
}

/// Why a comparison through the history could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    /// The visit is not among the history's visits.
    #[error("the visit is not among this patient's visits")]
    UnknownVisit(VisitId),
}

impl History {
    /// Compares visits `a` and `b` of this history through its knots (lineage through every
    /// visit between them). `a` should be the earlier one; they are swapped if not.
    pub fn compare(&self, a: VisitId, b: VisitId) -> Result<Comparison, CompareError> {
        let ia = self.visit_index(a).ok_or(CompareError::UnknownVisit(a))?;
        let ib = self.visit_index(b).ok_or(CompareError::UnknownVisit(b))?;
        let (ia, ib) = if ia <= ib { (ia, ib) } else { (ib, ia) };
        let mut rows = Vec::new();
        for knot in self.knots() {
            if knot.first().visit_index > ib || knot.latest().visit_index < ia {
                continue;
            }
            let sa = knot.at(ia).map(PointSnapshot::of_occurrence);
            let sb = knot.at(ib).map(PointSnapshot::of_occurrence);
            if let Some(change) = change(sa.as_ref(), sb.as_ref()) {
                rows.push(ComparisonRow {
                    knot: knot.id,
                    knot_number: Some(knot.number),
                    change,
                    a: sa,
                    b: sb,
                });
            }
        }
        let matched_by_position = self.rematch_broken_chains(&mut rows, ia, ib);
        let visits = self.visits();
        let mut comparison = Comparison {
            a: visits[ia].id,
            a_date: visits[ia].date_time,
            b: visits[ib].id,
            b_date: visits[ib].date_time,
            method: MatchMethod::History {
                visits_between: ib.saturating_sub(ia + 1),
                matched_by_position,
            },
            rows,
        };
        comparison.sort_rows();
        Ok(comparison)
    }

    /// Matches the knots of B whose chain is broken (first charted after A, lineage naming a
    /// point of no loaded visit) to the knots of A not charted at B, by [`nearest_pairs`], and
    /// merges each pair into one row. Returns how many were matched.
    fn rematch_broken_chains(&self, rows: &mut Vec<ComparisonRow>, ia: usize, ib: usize) -> usize {
        let a_side: Vec<(usize, &PointSnapshot)> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.b.is_none())
            .filter_map(|(i, r)| Some((i, r.a.as_ref()?)))
            .collect();
        // Positions are compared within one figure only.
        if a_side.is_empty() || self.visits()[ia].figure != self.visits()[ib].figure {
            return 0;
        }
        // Resolved ones too: a knot found resolved at B where a knot of A was is that knot.
        let broken: Vec<(KnotId, PointSnapshot)> = self
            .knots()
            .iter()
            .filter(|k| k.missing_lineage.is_some() && k.first().visit_index > ia)
            .filter_map(|k| Some((k.id, PointSnapshot::of_occurrence(k.at(ib)?))))
            .collect();
        let b_side: Vec<(usize, &PointSnapshot)> = broken
            .iter()
            .enumerate()
            .map(|(j, (_, p))| (j, p))
            .collect();
        let pairs = nearest_pairs(&a_side, &b_side);
        let mut remove = vec![false; rows.len()];
        for &(ra, j) in &pairs {
            let (knot, snapshot) = &broken[j];
            if let Some(rb) = rows.iter().position(|r| r.knot == *knot && r.a.is_none()) {
                remove[rb] = true;
            }
            let row = &mut rows[ra];
            row.b = Some(snapshot.clone());
            if let Some(change) = change(row.a.as_ref(), row.b.as_ref()) {
                row.change = change;
            }
        }
        let mut index = 0;
        rows.retain(|_| {
            index += 1;
            !remove[index - 1]
        });
        pairs.len()
    }
}

/// Whether a point of A and one of B may be the same knot by position: same view, side and
/// muscle (or both unassigned), finite positions within [`AUTO_LINK_DISTANCE`]. Returns the
/// distance.
fn position_match(a: &PointSnapshot, b: &PointSnapshot) -> Option<f32> {
    if a.view != b.view || a.side != b.side || a.muscle != b.muscle {
        return None;
    }
    if !(a.pos.is_finite() && b.pos.is_finite()) {
        return None;
    }
    let d = a.pos.distance(b.pos);
    (d <= AUTO_LINK_DISTANCE).then_some(d)
}

/// Pairs of (key of `a`, key of `b`) matched by [`position_match`], nearest pairs first, each
/// at most once; ties go to the earlier of each list.
fn nearest_pairs(
    a: &[(usize, &PointSnapshot)],
    b: &[(usize, &PointSnapshot)],
) -> Vec<(usize, usize)> {
    let mut candidates: Vec<(f32, usize, usize)> = Vec::new();
    for (i, (_, pa)) in a.iter().enumerate() {
        for (j, (_, pb)) in b.iter().enumerate() {
            if let Some(d) = position_match(pa, pb) {
                candidates.push((d, i, j));
            }
        }
    }
    candidates.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut pairs = Vec::new();
    for (_, i, j) in candidates {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            pairs.push((a[i].0, b[j].0));
        }
    }
    pairs
}

/// Compares two lone visits, `a` earlier and `b` later, matching their points by direct lineage
/// (a point of `b` naming a point of `a`), then by the nearest point of the same view, muscle
/// (or both unassigned) and side within [`AUTO_LINK_DISTANCE`], nearest pairs first.
pub fn compare_visits(a: &Visit, b: &Visit) -> Comparison {
    let snapshots = |v: &Visit| -> Vec<PointSnapshot> {
        v.points
            .iter()
            .enumerate()
            .map(|(i, p)| PointSnapshot::of_point(p, i + 1))
            .collect()
    };
    let (sa, sb) = (snapshots(a), snapshots(b));
    let a_index: HashMap<PointId, usize> = a
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let mut a_match: Vec<Option<usize>> = vec![None; a.points.len()];
    let mut b_matched: Vec<bool> = vec![false; b.points.len()];
    for (j, q) in b.points.iter().enumerate() {
        if let Some(&i) = q.lineage.as_ref().and_then(|l| a_index.get(l))
            && a_match[i].is_none()
        {
            a_match[i] = Some(j);
            b_matched[j] = true;
        }
    }
    // A point resolved at A is no knot there: a point near it at B is new.
    let a_free: Vec<(usize, &PointSnapshot)> = sa
        .iter()
        .enumerate()
        .filter(|(i, p)| a_match[*i].is_none() && p.status != Status::Resolved)
        .collect();
    let b_free: Vec<(usize, &PointSnapshot)> = sb
        .iter()
        .enumerate()
        .filter(|(j, _)| !b_matched[*j])
        .collect();
    // Positions are compared within one figure only: across figures, lineage alone matches.
    if a.figure == b.figure {
        for (i, j) in nearest_pairs(&a_free, &b_free) {
            a_match[i] = Some(j);
            b_matched[j] = true;
        }
    }

    let mut rows = Vec::new();
    let mut sb: Vec<Option<PointSnapshot>> = sb.into_iter().map(Some).collect();
    for (i, snapshot_a) in sa.into_iter().enumerate() {
        let snapshot_b = a_match[i].and_then(|j| sb[j].take());
        // A knot resolved at A and found again at B counts as new.
        if let Some(change) = change(Some(&snapshot_a), snapshot_b.as_ref()) {
            rows.push(ComparisonRow {
                knot: KnotId(snapshot_a.point),
                knot_number: None,
                change,
                a: Some(snapshot_a),
                b: snapshot_b,
            });
        }
    }
    for snapshot_b in sb.into_iter().flatten() {
        if let Some(change) = change(None, Some(&snapshot_b)) {
            rows.push(ComparisonRow {
                knot: KnotId(snapshot_b.point),
                knot_number: None,
                change,
                a: None,
                b: Some(snapshot_b),
            });
        }
    }
    let mut comparison = Comparison {
        a: a.id,
        a_date: a.date_time,
        b: b.id,
        b_date: b.date_time,
        method: MatchMethod::Direct,
        rows,
    };
    comparison.sort_rows();
    comparison
}
