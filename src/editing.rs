//! Editing a visit: every change is an [`Edit`], applied in one place that keeps the undo and redo
//! history and knows whether the visit differs from what was last saved.

use crate::model::{
    ConfirmedCoding, MuscleId, PatientPoint, PointId, Side, Status, TriggerPoint, View, Visit,
    VisitDetails,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Consecutive edits of the same field of the same point within this time are one undo step,
/// so that typing a word or dragging a slider is undone at once.
pub const MERGE_WINDOW: Duration = Duration::from_secs(2);

/// The most undo steps kept.
pub const MAX_UNDO_STEPS: usize = 500;

/// One change the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Place a new point.
    AddPoint(TriggerPoint),
    /// Move a point (the end of a drag), with the muscle and side identified where it landed.
    MovePoint {
        /// Which point.
        id: PointId,
        /// Where it now is.
        pos: PatientPoint,
        /// The muscle there, if any.
        muscle: Option<MuscleId>,
        /// The side there.
        side: Side,
    },
    /// Assign a point to a muscle and side.
    SetMuscle {
        /// Which point.
        id: PointId,
        /// The muscle, or none.
        muscle: Option<MuscleId>,
        /// The side.
        side: Side,
    },
    /// Replace a point's findings (from the form). `field` names what changed, so that a run of
    /// edits to the same text or slider merges into one undo step.
    UpdatePoint {
        /// The point as it now is (same id).
        point: Box<TriggerPoint>,
        /// The form field that changed.
        field: &'static str,
    },
    /// Delete a point.
    DeletePoint(PointId),
    /// Replace the visit's own fields (patient, date, clinician, consent, notes); its id, points,
    /// signature and amendments are kept as they are.
    UpdateVisitDetails {
        /// The new details.
        details: Box<VisitDetails>,
        /// The form field that changed.
        field: &'static str,
    },
    /// Link a point to the same knot at an earlier visit (`Some`), or make it a knot of its own
    /// (`None`). See [`crate::history::link`].
    SetLineage {
        /// Which point.
        id: PointId,
        /// The earlier visit's point it continues, if any.
        lineage: Option<PointId>,
    },
    /// Set a point's status (the knot section's "mark resolved").
    SetStatus {
        /// Which point.
        id: PointId,
        /// The new status.
        status: Status,
    },
    /// Record the codes the clinician confirmed (`Some`), or withdraw the confirmation (`None`).
    SetCoding(Option<Box<ConfirmedCoding>>),
}

impl Edit {
    /// The key under which consecutive edits merge into one undo step, if they may.
    fn merge_key(&self) -> Option<(Option<PointId>, &'static str)> {
        match self {
            Edit::UpdatePoint { point, field } => Some((Some(point.id), field)),
            Edit::UpdateVisitDetails { field, .. } => Some((None, field)),
            _ => None,
        }
    }
}

/// A visit being edited, with its undo history.
#[derive(Debug)]
pub struct Document {
    visit: Visit,
    saved: Visit,
    revision: u64,
    /// Whether `visit` differs from `saved`, for the revision it was computed at.
    dirty: std::cell::Cell<Option<(u64, bool)>>,
    undo: Vec<UndoStep>,
    redo: Vec<Visit>,
}

#[derive(Debug)]
struct UndoStep {
    before: Visit,
    merge_key: Option<(Option<PointId>, &'static str)>,
    at: Instant,
}

impl Document {
    /// A document for `visit`, taken as saved.
    pub fn new(visit: Visit) -> Self {
        Document {
            saved: visit.clone(),
            visit,
            revision: next_revision(),
            dirty: std::cell::Cell::new(None),
            undo: Vec::new(),
            redo: Vec::new(),
        }
    }

    /// A number that changes whenever the visit changes (by an edit, undo or redo) and that no
    /// other document shares, so that views can cache what they draw from it.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// A document whose file holds `saved` while the work in hand is `current` (restored after
    /// a crash): it is dirty until saved, and the restored changes are one undo step.
    pub fn with_unsaved(saved: Visit, current: Visit) -> Self {
        let mut doc = Document::new(saved);
        if doc.visit != current {
            doc.undo.push(UndoStep {
                before: doc.visit.clone(),
                merge_key: None,
                at: Instant::now(),
            });
            doc.visit = current;
            doc.revision = next_revision();
        }
        doc
    }

    /// The visit as it now is.
    pub fn visit(&self) -> &Visit {
        &self.visit
    }

    /// Whether the visit differs from what was last saved (undoing back to it makes it clean).
    pub fn is_dirty(&self) -> bool {
        // Asked several times a frame; the comparison runs once per revision.
        match self.dirty.get() {
            Some((revision, dirty)) if revision == self.revision => dirty,
            _ => {
                let dirty = self.visit != self.saved;
                self.dirty.set(Some((self.revision, dirty)));
                dirty
            }
        }
    }

    /// Records that the visit as it now is has been saved.
    pub fn mark_saved(&mut self) {
        self.saved = self.visit.clone();
        self.dirty.set(None);
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Applies an edit as one undo step (merged with the previous step when it continues the same
    /// field). Returns false, and changes nothing, when the edit names a point that does not
    /// exist or would change nothing.
    pub fn apply(&mut self, edit: Edit) -> bool {
        self.apply_at(edit, Instant::now())
    }

    /// [`Document::apply`] at a given time (for tests of merging).
    pub fn apply_at(&mut self, edit: Edit, now: Instant) -> bool {
        let before = self.visit.clone();
        let merge_key = edit.merge_key();
        if !apply_to(&mut self.visit, edit) || self.visit == before {
            self.visit = before;
            return false;
        }
        let merges = merge_key.is_some()
            && self.redo.is_empty()
            && self.undo.last().is_some_and(|last| {
                last.merge_key == merge_key && now.duration_since(last.at) < MERGE_WINDOW
            });
        if merges {
            if let Some(last) = self.undo.last_mut() {
                last.at = now;
            }
        } else {
            self.undo.push(UndoStep {
                before,
                merge_key,
                at: now,
            });
            if self.undo.len() > MAX_UNDO_STEPS {
                self.undo.remove(0);
            }
        }
        self.redo.clear();
        self.revision = next_revision();
        true
    }

    /// Undoes the last step. Returns false if there was none.
    pub fn undo(&mut self) -> bool {
        match self.undo.pop() {
            Some(step) => {
                let now = std::mem::replace(&mut self.visit, step.before);
                self.redo.push(now);
                self.revision = next_revision();
                true
            }
            None => false,
        }
    }

    /// Redoes the last undone step. Returns false if there was none.
    pub fn redo(&mut self) -> bool {
        match self.redo.pop() {
            Some(next) => {
                let before = std::mem::replace(&mut self.visit, next);
                self.undo.push(UndoStep {
                    before,
                    merge_key: None,
                    at: Instant::now(),
                });
                self.revision = next_revision();
                true
            }
            None => false,
        }
    }
}

/// A revision number never handed out before in this process, so that two documents (a visit
/// and the one opened after it) never share one.
fn next_revision() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Edit {
    /// Applies the edit to `visit` directly, without undo (for tests and tools that build
    /// visits); false if it names a point that does not exist. The app applies edits through a
    /// [`Document`].
    pub fn apply_to(self, visit: &mut Visit) -> bool {
        apply_to(visit, self)
    }
}

/// Applies `edit` to `visit`; false if it names a point that does not exist.
fn apply_to(visit: &mut Visit, edit: Edit) -> bool {
    match edit {
        Edit::AddPoint(point) => {
            if visit.index_of(point.id).is_some() {
                return false;
            }
            visit.points.push(point);
            true
        }
        Edit::MovePoint {
            id,
            pos,
            muscle,
            side,
        } => match visit.point_mut(id) {
            Some(point) => {
                point.pos = pos;
                point.muscle = muscle;
                point.side = side;
                true
            }
            None => false,
        },
        Edit::SetMuscle { id, muscle, side } => match visit.point_mut(id) {
            Some(point) => {
                point.muscle = muscle;
                point.side = side;
                true
            }
            None => false,
        },
        Edit::UpdatePoint { point, .. } => match visit.point_mut(point.id) {
            Some(existing) => {
                *existing = *point;
                true
            }
            None => false,
        },
        Edit::DeletePoint(id) => match visit.index_of(id) {
            Some(index) => {
                visit.points.remove(index);
                true
            }
            None => false,
        },
        // A position means a place on its own figure: a visit with points keeps its figure.
        Edit::UpdateVisitDetails { details, .. }
            if details.figure != visit.figure && !visit.points.is_empty() =>
        {
            false
        }
        Edit::UpdateVisitDetails { details, .. } => {
            visit.set_details(*details);
            true
        }
        Edit::SetLineage { id, lineage } => match visit.point_mut(id) {
            Some(point) => {
                point.lineage = lineage;
                true
            }
            None => false,
        },
        Edit::SetStatus { id, status } => match visit.point_mut(id) {
            Some(point) => {
                point.status = status;
                true
            }
            None => false,
        },
        Edit::SetCoding(coding) => {
            let coding = coding.map(|c| *c);
            let changed = visit.coding != coding;
            visit.coding = coding;
            changed
        }
    }
}

/// Where a new point on `view` at `pos` belongs, by the atlas: the best candidate region's muscle
/// and side, or no muscle and the side of `pos` when it lies in no region.
pub fn identify(
    atlas: &crate::atlas::Atlas,
    view: View,
    pos: PatientPoint,
) -> (Option<MuscleId>, Side) {
    match atlas.regions_at(view, pos).first() {
        Some(&index) => {
            let region = &atlas.regions()[index];
            (Some(atlas.muscle_of(region).id.clone()), region.side)
        }
        None => (None, view.side_at(pos.x)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point_at(x: f32) -> TriggerPoint {
        TriggerPoint::new(
            View::Back,
            PatientPoint::new(x, 0.2),
            Some(MuscleId::from("upper_trapezius")),
            Side::of_x(x),
        )
    }

    #[test]
    fn add_undo_redo_and_dirty() {
        let mut doc = Document::new(Visit::new_now());
        assert!(!doc.is_dirty());
        let p = point_at(0.07);
        assert!(doc.apply(Edit::AddPoint(p.clone())));
        assert!(doc.is_dirty());
        assert!(doc.undo());
        assert!(doc.visit().points.is_empty());
        assert!(!doc.is_dirty(), "undoing back to the saved visit is clean");
        assert!(doc.redo());
        assert_eq!(doc.visit().points, vec![p]);
    }

    #[test]
    fn typing_in_one_field_is_one_step_but_another_field_is_not() {
        let mut doc = Document::new(Visit::new_now());
        let mut p = point_at(0.07);
        doc.apply(Edit::AddPoint(p.clone()));
        let t0 = Instant::now();
        for (i, text) in ["a", "ac", "ach", "ache"].iter().enumerate() {
            p.referred_pain = text.to_string();
            let edit = Edit::UpdatePoint {
                point: Box::new(p.clone()),
                field: "referred_pain",
            };
            assert!(doc.apply_at(edit, t0 + Duration::from_millis(300 * i as u64)));
        }
        p.status = Status::Active;
        doc.apply_at(
            Edit::UpdatePoint {
                point: Box::new(p.clone()),
                field: "status",
            },
            t0 + Duration::from_secs(1),
        );
        assert!(doc.undo());
        assert_eq!(doc.visit().points[0].referred_pain, "ache");
        assert!(doc.undo());
        assert_eq!(doc.visit().points[0].referred_pain, "");
        assert!(doc.undo());
        assert!(doc.visit().points.is_empty());
    }

    #[test]
    fn a_details_edit_keeps_the_id_points_and_signature() {
        let mut visit = Visit::new_now();
        visit.points.push(point_at(0.07));
        let at = chrono::DateTime::parse_from_rfc3339("2025-03-04T10:00:00+01:00").expect("time");
        crate::model::sign(&mut visit, "Dr. A. Moreau", at).expect("sign");
        let before = visit.clone();
        let mut doc = Document::new(visit);
        let mut details = doc.visit().details();
        details.patient_id = "PT-0099".to_owned();
        details.notes = "seen again".to_owned();
        assert!(doc.apply(Edit::UpdateVisitDetails {
            details: Box::new(details),
            field: "patient_id",
        }));
        let after = doc.visit();
        assert_eq!(after.patient_id, "PT-0099");
        assert_eq!(after.notes, "seen again");
        assert_eq!(after.id, before.id);
        assert_eq!(after.points, before.points);
        assert_eq!(after.signature, before.signature);
        assert_eq!(after.amendments, before.amendments);
    }

    #[test]
    fn the_figure_changes_only_while_nothing_is_charted() {
        use crate::model::Figure;
        let mut doc = Document::new(Visit::new_now());
        let female = |doc: &Document| {
            let mut details = doc.visit().details();
            details.figure = Figure::Female;
            Edit::UpdateVisitDetails {
                details: Box::new(details),
                field: "figure",
            }
        };
        assert!(doc.apply(female(&doc)));
        assert_eq!(doc.visit().figure, Figure::Female);
        assert!(doc.undo());
        assert!(doc.apply(Edit::AddPoint(point_at(0.07))));
        assert!(
            !doc.apply(female(&doc)),
            "its point is a place on the male figure"
        );
        assert_eq!(doc.visit().figure, Figure::Male);
    }

    #[test]
    fn lineage_and_status_edits_are_undoable_steps() {
        let mut doc = Document::new(Visit::new_now());
        let p = point_at(0.07);
        doc.apply(Edit::AddPoint(p.clone()));
        let earlier = PointId::new_random();
        assert!(doc.apply(Edit::SetLineage {
            id: p.id,
            lineage: Some(earlier),
        }));
        assert!(doc.apply(Edit::SetStatus {
            id: p.id,
            status: Status::Resolved,
        }));
        assert_eq!(doc.visit().points[0].lineage, Some(earlier));
        assert_eq!(doc.visit().points[0].status, Status::Resolved);
        assert!(doc.undo());
        assert_eq!(doc.visit().points[0].status, p.status);
        assert!(doc.undo());
        assert_eq!(doc.visit().points[0].lineage, None);
    }

    #[test]
    fn edits_naming_missing_points_change_nothing() {
        let mut doc = Document::new(Visit::new_now());
        assert!(!doc.apply(Edit::DeletePoint(PointId::new_random())));
        assert!(!doc.can_undo());
    }
}
