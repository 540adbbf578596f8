//! What differs between two versions of a visit: for the amendment trail and for the prompt that
//! offers to restore a recovered visit.
//!
//! Points are matched by id. Values are shown as the clinician would read them; free text is
//! quoted in full, so that an amendment keeps the text it replaced.

use super::{Criteria, Procedure, Treatment, TriggerPoint, Visit};
use std::fmt;

/// One field whose value differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// The field, as a label: `palpation pain`, `notes`, ...
    pub field: &'static str,
    /// The value before, as text (`none` when there was none).
    pub before: String,
    /// The value after, as text.
    pub after: String,
}

impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} → {}", self.field, self.before, self.after)
    }
}

/// A point as a one-line label: `point 3 (upper_trapezius, Left, Back)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PointSummary {
    /// Its chart number (1-based) in the visit it belongs to.
    pub number: usize,
    /// Muscle id (or `unassigned`), side and view.
    pub label: String,
}

impl PointSummary {
    fn of(number: usize, p: &TriggerPoint) -> Self {
        let muscle = p.muscle.as_ref().map_or("unassigned", |m| m.as_str());
        PointSummary {
            number,
            label: format!("{muscle}, {}, {}", p.side, p.view),
        }
    }
}

impl fmt::Display for PointSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "point {} ({})", self.number, self.label)
    }
}

/// A point present in both versions whose fields differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PointChange {
    /// The point, numbered as in the later version.
    pub point: PointSummary,
    /// Its changed fields.
    pub fields: Vec<FieldChange>,
}

/// The differences between an earlier and a later version of a visit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VisitDiff {
    /// Visit-level fields that differ (patient, date, clinician, consent, notes, signature, ...).
    pub fields: Vec<FieldChange>,
    /// Points only in the later version, numbered as there.
    pub added: Vec<PointSummary>,
    /// Points only in the earlier version, numbered as there.
    pub removed: Vec<PointSummary>,
    /// Points in both whose fields differ.
    pub changed: Vec<PointChange>,
    /// Whether the points kept in both versions are in a different order.
    pub reordered: bool,
}

impl VisitDiff {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && !self.reordered
    }

    /// One line per change, for an amendment or a list in a dialog.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.fields.iter().map(|c| c.to_string()).collect();
        lines.extend(self.added.iter().map(|p| format!("{p}: added")));
        lines.extend(self.removed.iter().map(|p| format!("{p}: removed")));
        for change in &self.changed {
            for field in &change.fields {
                lines.push(format!("{}: {field}", change.point));
            }
        }
        if self.reordered {
            lines.push("points renumbered (order changed)".to_owned());
        }
        lines
    }

    /// A one-line count, e.g. `2 points added, 1 removed, 3 changed, 1 visit field changed`.
    pub fn headline(&self) -> String {
        if self.is_empty() {
            return "no differences".to_owned();
        }
        let mut parts = Vec::new();
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        if !self.added.is_empty() {
            let n = self.added.len();
            parts.push(format!("{n} point{} added", plural(n)));
        }
        if !self.removed.is_empty() {
            let n = self.removed.len();
            parts.push(format!("{n} point{} removed", plural(n)));
        }
        if !self.changed.is_empty() {
            let n = self.changed.len();
            parts.push(format!("{n} point{} changed", plural(n)));
        }
        if !self.fields.is_empty() {
            let n = self.fields.len();
            parts.push(format!("{n} visit field{} changed", plural(n)));
        }
        if self.reordered {
            parts.push("points reordered".to_owned());
        }
        parts.join(", ")
    }
}

impl fmt::Display for VisitDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        for line in self.lines() {
            write!(f, "\n  {line}")?;
        }
        Ok(())
    }
}

/// Everything that differs from `before` to `after`, the audit trail (signature, amendments)
/// included. For the restore prompt of a recovered visit.
pub fn diff_visits(before: &Visit, after: &Visit) -> VisitDiff {
    let mut diff = diff_content(before, after);
    let signature = |v: &Visit| {
        v.signature.as_ref().map_or("not signed".to_owned(), |s| {
            format!("signed by {} at {}", s.clinician, s.signed_at.to_rfc3339())
        })
    };
    push(
        &mut diff.fields,
        "signature",
        signature(before),
        signature(after),
    );
    push(
        &mut diff.fields,
        "amendments",
        before.amendments.len().to_string(),
        after.amendments.len().to_string(),
    );
    diff
}

/// What differs in the content from `before` to `after`: every field but the signature and the
/// amendments. The `what` of an amendment.
pub fn diff_content(before: &Visit, after: &Visit) -> VisitDiff {
    let mut diff = VisitDiff::default();
    let f = &mut diff.fields;
    push(f, "visit id", before.id.to_string(), after.id.to_string());
    push(
        f,
        "patient id",
        quoted(&before.patient_id),
        quoted(&after.patient_id),
    );
    push(
        f,
        "date and time",
        before.date_time.to_rfc3339(),
        after.date_time.to_rfc3339(),
    );
    push(
        f,
        "clinician",
        quoted(&before.clinician),
        quoted(&after.clinician),
    );
    push(
        f,
        "consent",
        before.consent.label().to_owned(),
        after.consent.label().to_owned(),
    );
    push(
        f,
        "visit notes",
        quoted(&before.notes),
        quoted(&after.notes),
    );

    for (i, p) in after.points.iter().enumerate() {
        match before.point(p.id) {
            None => diff.added.push(PointSummary::of(i + 1, p)),
            Some(old) => {
                let fields = diff_point(old, p);
                if !fields.is_empty() {
                    diff.changed.push(PointChange {
                        point: PointSummary::of(i + 1, p),
                        fields,
                    });
                }
            }
        }
    }
    for (i, p) in before.points.iter().enumerate() {
        if after.point(p.id).is_none() {
            diff.removed.push(PointSummary::of(i + 1, p));
        }
    }
    let kept = |from: &Visit, other: &Visit| -> Vec<_> {
        from.points
            .iter()
            .filter(|p| other.point(p.id).is_some())
            .map(|p| p.id)
            .collect()
    };
    diff.reordered = kept(before, after) != kept(after, before);
    diff
}

fn diff_point(a: &TriggerPoint, b: &TriggerPoint) -> Vec<FieldChange> {
    // Destructured so that a field added to `TriggerPoint` must be considered here.
    let TriggerPoint {
        id: _,
        lineage,
        view,
        pos,
        muscle,
        side,
        status,
        criteria,
        palpation_pain,
        pressure_threshold,
        referred_pain,
        notes,
        treatments,
    } = a;
    let mut f = Vec::new();
    let id_text = |id: &Option<super::PointId>| id.map_or("none".to_owned(), |i| i.to_string());
    push(
        &mut f,
        "followed from",
        id_text(lineage),
        id_text(&b.lineage),
    );
    push(&mut f, "view", view.to_string(), b.view.to_string());
    push(
        &mut f,
        "position",
        format!("x {:.4}, y {:.4}", pos.x, pos.y),
        format!("x {:.4}, y {:.4}", b.pos.x, b.pos.y),
    );
    let muscle_text =
        |m: &Option<super::MuscleId>| m.as_ref().map_or("unassigned".to_owned(), |m| m.0.clone());
    push(
        &mut f,
        "muscle",
        muscle_text(muscle),
        muscle_text(&b.muscle),
    );
    push(&mut f, "side", side.to_string(), b.side.to_string());
    push(
        &mut f,
        "status",
        status.label().to_owned(),
        b.status.label().to_owned(),
    );
    diff_criteria(&mut f, criteria, &b.criteria);
    let pain = |p: &Option<u8>| p.map_or("none".to_owned(), |p| p.to_string());
    push(
        &mut f,
        "palpation pain",
        pain(palpation_pain),
        pain(&b.palpation_pain),
    );
    let ppt = |p: &Option<f32>| p.map_or("none".to_owned(), |p| format!("{p} kg/cm²"));
    push(
        &mut f,
        "pressure threshold",
        ppt(pressure_threshold),
        ppt(&b.pressure_threshold),
    );
    push(
        &mut f,
        "referred pain",
        quoted(referred_pain),
        quoted(&b.referred_pain),
    );
    push(&mut f, "notes", quoted(notes), quoted(&b.notes));
    if *treatments != b.treatments {
        f.push(FieldChange {
            field: "treatments",
            before: describe_treatments(treatments),
            after: describe_treatments(&b.treatments),
        });
    }
    f
}

fn diff_criteria(f: &mut Vec<FieldChange>, a: &Criteria, b: &Criteria) {
    for ((label, x), (_, y)) in a.labelled().into_iter().zip(b.labelled()) {
        if x != y {
            f.push(FieldChange {
                field: label,
                before: x.label().to_owned(),
                after: y.label().to_owned(),
            });
        }
    }
}

fn describe_treatments(treatments: &[Treatment]) -> String {
    if treatments.is_empty() {
        return "none".to_owned();
    }
    let items: Vec<String> = treatments.iter().map(describe_treatment).collect();
    items.join("; ")
}

fn describe_treatment(t: &Treatment) -> String {
    let mut text = match &t.procedure {
        Procedure::Injection {
            agent,
            concentration,
            volume_ml,
            needle,
        } => {
            let volume = volume_ml.map_or(String::new(), |v| format!(" {v} mL"));
            format!(
                "injection {} {}{volume} needle {}",
                quoted(agent),
                quoted(concentration),
                quoted(needle)
            )
        }
        Procedure::DryNeedling { needle } => format!("dry needling needle {}", quoted(needle)),
        Procedure::ManualTherapy { technique } => format!("manual therapy {}", quoted(technique)),
        Procedure::Other { description } => format!("other {}", quoted(description)),
    };
    let pain = |p: Option<u8>| p.map_or("none".to_owned(), |p| p.to_string());
    if t.pain_before.is_some() || t.pain_after.is_some() {
        text.push_str(&format!(
            ", pain {} → {}",
            pain(t.pain_before),
            pain(t.pain_after)
        ));
    }
    if !t.notes.is_empty() {
        text.push_str(&format!(", notes {}", quoted(&t.notes)));
    }
    text
}

fn quoted(text: &str) -> String {
    format!("{text:?}")
}

fn push(fields: &mut Vec<FieldChange>, field: &'static str, before: String, after: String) {
    if before != after {
        fields.push(FieldChange {
            field,
            before,
            after,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PatientPoint;
    use crate::model::{Criterion, Side, View};

    fn point(x: f32) -> TriggerPoint {
        TriggerPoint::new(
            View::Front,
            PatientPoint::new(x, 0.3),
            Some("pectoralis_major".into()),
            Side::Left,
        )
    }

    #[test]
    fn counts_added_removed_changed_and_fields() {
        let mut before = Visit::new_now();
        before.points = vec![point(0.1), point(0.12), point(0.14)];
        let mut after = before.clone();
        after.points.remove(1);
        after.points.push(point(0.2));
        after.points[0].criteria.taut_band = Criterion::Yes;
        after.points[0].notes = "tender".to_owned();
        after.consent = crate::model::Consent::Verbal;
        let diff = diff_content(&before, &after);
        assert_eq!(diff.added.len(), 1);
        assert_eq!(diff.added[0].number, 3);
        assert_eq!(diff.removed.len(), 1);
        assert_eq!(diff.removed[0].number, 2);
        assert_eq!(diff.changed.len(), 1);
        assert_eq!(diff.changed[0].fields.len(), 2);
        assert!(!diff.reordered);
        assert_eq!(
            diff.headline(),
            "1 point added, 1 point removed, 1 point changed, 1 visit field changed"
        );
        let lines = diff.lines();
        assert!(
            lines.contains(&"consent: Not recorded → Verbal".to_owned()),
            "{lines:?}"
        );
        assert!(
            lines.contains(
                &"point 1 (pectoralis_major, Left, Front): notes: \"\" → \"tender\"".to_owned()
            ),
            "{lines:?}"
        );
        assert!(diff_content(&before, &before).is_empty());
    }

    #[test]
    fn reordering_is_reported() {
        let mut before = Visit::new_now();
        before.points = vec![point(0.1), point(0.12)];
        let mut after = before.clone();
        after.points.swap(0, 1);
        assert!(diff_content(&before, &after).reordered);
    }
}
