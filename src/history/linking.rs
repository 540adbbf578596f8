//! Links between the points of a visit and those of the previous visit: the follow-up visit that
//! carries every knot over, automatic linking of points placed anew, and the clinician's manual
//! link, unlink and resolve.
//!
//! A link is a point's [`TriggerPoint::lineage`]: the id of the same knot at an earlier visit.
//! Lineage is the knot's identity, not its muscle: a knot re-examined and dragged into the
//! neighbouring muscle keeps its lineage, and nothing here changes a lineage because a muscle
//! or side changed.

use crate::editing::Edit;
use crate::model::{PointId, Status, TriggerPoint, Visit};
use chrono::{DateTime, FixedOffset};
use std::collections::HashSet;

/// How far (in the patient frame, as a fraction of body height: about 5 cm on an adult) a point
/// placed anew may lie from a previous visit's point for [`auto_link_candidate`] to link them.
pub const AUTO_LINK_DISTANCE: f32 = 0.03;

/// Why a link could not be changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The point is not in the visit being edited.
    #[error("point {0} is not in this visit")]
    NoSuchPoint(PointId),
    /// The point to link to is not in the previous visit.
    #[error("point {0} is not in the previous visit")]
    NoSuchPreviousPoint(PointId),
    /// Another point of this visit already continues that previous point.
    #[error(
        "point {other} of this visit is already linked to previous point {previous_point}: unlink it first"
    )]
    AlreadyLinked {
        /// The previous visit's point.
        previous_point: PointId,
        /// The point of this visit linked to it.
        other: PointId,
    },
}

/// Starts a follow-up visit from `previous`, at `now`: the same patient, figure and clinician, a new visit id, and
/// every point of `previous` not marked [`Status::Resolved`] carried over, in the same order, as
/// a new point (new [`PointId`], `lineage` = the previous point's id, status
/// [`Status::ToReexamine`]) at the same view, position, muscle and side. Findings are not
/// carried: criteria, palpation pain, pressure threshold, referred pain, notes and treatments
/// start empty (the old values stay in the previous visit). Clinician, consent and visit notes
/// also start empty: they are recorded anew at each visit.
pub fn start_follow_up(previous: &Visit, now: DateTime<FixedOffset>) -> Visit {
    let points = previous
        .points
        .iter()
        .filter(|p| p.status != Status::Resolved)
        .map(|p| {
            // Built from `new` so that fields added to the model later start empty too.
            let mut point = TriggerPoint::new(p.view, p.pos, p.muscle.clone(), p.side);
            point.lineage = Some(p.id);
            point.status = Status::ToReexamine;
            point
        })
        .collect();
    let mut visit = Visit::new_now();
    visit.patient_id = previous.patient_id.clone();
    // The patient's figure: the carried-over positions are places on it.
    visit.figure = previous.figure;
    // Usually the same clinician sees the patient again; shown in the form, to change if not.
    visit.clinician = previous.clinician.clone();
    visit.date_time = now;
    visit.points = points;
    visit
}

/// The previous visit's point that `point` (placed anew in `visit`, or about to be added to it)
/// should continue: among the points of `previous` on the same view, of the same muscle (or both
/// unassigned) and side, not marked resolved there, within [`AUTO_LINK_DISTANCE`], and not
/// already linked from another point of `visit`, the nearest (the first in chart order on a tie).
/// `None` when `point` already has a lineage or nothing qualifies. The caller puts the answer in
/// the point's lineage before adding it, so that placing and linking are one undo step.
pub fn auto_link_candidate(
    visit: &Visit,
    point: &TriggerPoint,
    previous: &Visit,
) -> Option<PointId> {
    // Positions are compared within one figure only (clinical reference I4).
    if point.lineage.is_some() || visit.figure != previous.figure {
        return None;
    }
    let taken: HashSet<PointId> = visit
        .points
        .iter()
        .filter(|q| q.id != point.id)
        .filter_map(|q| q.lineage)
        .collect();
    let mut best: Option<(f32, PointId)> = None;
    for q in &previous.points {
        if taken.contains(&q.id) || !matches_for_link(point, q) {
            continue;
        }
        let d = point.pos.distance(q.pos);
        if d <= AUTO_LINK_DISTANCE && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, q.id));
        }
    }
    best.map(|(_, id)| id)
}

/// Links every point of `visit` with no lineage to a previous point, nearest pairs first (each
/// previous point is linked at most once, the same rules as [`auto_link_candidate`]). Returns the
/// links made as (point, previous point), in chart order of `visit`.
pub fn auto_link(visit: &mut Visit, previous: &Visit) -> Vec<(PointId, PointId)> {
    if visit.figure != previous.figure {
        return Vec::new();
    }
    let mut taken: HashSet<PointId> = visit.points.iter().filter_map(|p| p.lineage).collect();
    let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
    for (i, p) in visit.points.iter().enumerate() {
        if p.lineage.is_some() {
            continue;
        }
        for (j, q) in previous.points.iter().enumerate() {
            if taken.contains(&q.id) || !matches_for_link(p, q) {
                continue;
            }
            let d = p.pos.distance(q.pos);
            if d <= AUTO_LINK_DISTANCE {
                pairs.push((d, i, j));
            }
        }
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut linked = vec![false; visit.points.len()];
    let mut made = Vec::new();
    for (_, i, j) in pairs {
        let target = previous.points[j].id;
        if linked[i] || taken.contains(&target) {
            continue;
        }
        linked[i] = true;
        taken.insert(target);
        visit.points[i].lineage = Some(target);
        made.push((i, visit.points[i].id, target));
    }
    made.sort_by_key(|&(i, _, _)| i);
    made.into_iter().map(|(_, p, q)| (p, q)).collect()
}

/// The edit that links `point` of `visit` to `previous_point` of `previous`, whatever their
/// muscles, sides and distance (the clinician knows). Fails when either point is missing or
/// another point of `visit` already continues `previous_point`.
pub fn link(
    visit: &Visit,
    point: PointId,
    previous: &Visit,
    previous_point: PointId,
) -> Result<Edit, LinkError> {
    if visit.point(point).is_none() {
        return Err(LinkError::NoSuchPoint(point));
    }
    if previous.point(previous_point).is_none() {
        return Err(LinkError::NoSuchPreviousPoint(previous_point));
    }
    if let Some(other) = visit
        .points
        .iter()
        .find(|q| q.id != point && q.lineage == Some(previous_point))
    {
        return Err(LinkError::AlreadyLinked {
            previous_point,
            other: other.id,
        });
    }
    Ok(Edit::SetLineage {
        id: point,
        lineage: Some(previous_point),
    })
}

/// The edit that removes the link of `point`: from then on it is a knot of its own.
pub fn unlink(visit: &Visit, point: PointId) -> Result<Edit, LinkError> {
    visit.point(point).ok_or(LinkError::NoSuchPoint(point))?;
    Ok(Edit::SetLineage {
        id: point,
        lineage: None,
    })
}

/// The edit that marks the knot at `point` resolved at this visit (no longer found). Its findings
/// are kept; the next follow-up will not carry it over.
pub fn mark_resolved(visit: &Visit, point: PointId) -> Result<Edit, LinkError> {
    visit.point(point).ok_or(LinkError::NoSuchPoint(point))?;
    Ok(Edit::SetStatus {
        id: point,
        status: Status::Resolved,
    })
}

/// Whether previous point `q` may be linked automatically to new point `p`.
fn matches_for_link(p: &TriggerPoint, q: &TriggerPoint) -> bool {
    q.status != Status::Resolved
        && q.view == p.view
        && q.side == p.side
        && q.muscle == p.muscle
        && q.pos.is_finite()
}
