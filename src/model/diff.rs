//! What differs between two versions of a visit: for the amendment trail and for the prompt that
//! offers to restore a recovered visit.
//!
//! Points are matched by id. A diff keeps the values themselves (muscle ids, sides, views,
//! numbers, free text); words are made from them only when it is shown or stored:
//! [`VisitDiff::lines`] gives the lines an amendment stores in the file (muscle ids, `→`),
//! [`VisitDiff::describe`] the lines shown on screen (muscle names, `->`). Free text is quoted in
//! full, so that an amendment keeps the text it replaced. [`name_muscles_in`] shows a line stored
//! by an earlier amendment.

use super::{
    ConfirmedCoding, Consent, Criteria, Criterion, Figure, MuscleId, PointId, Procedure, Side,
    Signature, Status, Treatment, TriggerPoint, View, Visit, VisitId,
};
use crate::geometry::PatientPoint;
use chrono::{DateTime, FixedOffset};
use std::fmt;

/// The value of a changed field, as data.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// Free text (patient id, clinician, notes, referred pain), shown quoted in full.
    Text(String),
    /// A visit's id.
    VisitId(VisitId),
    /// The point of the previous visit a knot was followed from; `None` when none.
    FollowedFrom(Option<PointId>),
    /// A date and time.
    DateTime(DateTime<FixedOffset>),
    /// How consent was recorded.
    Consent(Consent),
    /// The body figure.
    Figure(Figure),
    /// The signature; `None` when not signed.
    Signature(Option<Signature>),
    /// A number of things (the amendments).
    Count(usize),
    /// The confirmed coding; `None` when not confirmed.
    Coding(Option<ConfirmedCoding>),
    /// A diagram.
    View(View),
    /// A position in the patient frame.
    Position(PatientPoint),
    /// A muscle; `None` for a point in no muscle.
    Muscle(Option<MuscleId>),
    /// A side of the patient.
    Side(Side),
    /// A point's status.
    Status(Status),
    /// The result of one diagnostic criterion.
    Criterion(Criterion),
    /// A pain score 0–10; `None` when not measured.
    Pain(Option<u8>),
    /// A pressure pain threshold in kg/cm²; `None` when not measured.
    PressureThreshold(Option<f32>),
    /// A point's treatments.
    Treatments(Vec<Treatment>),
}

/// The display names of muscles, for the words shown to a clinician. The atlas
/// ([`crate::atlas::Atlas`]) knows them; the model knows only muscle ids.
pub trait MuscleNames {
    /// The display name of the muscle `id`, or the id itself when it is not known.
    fn muscle_name<'a>(&'a self, id: &'a MuscleId) -> &'a str;
}

/// Muscles by their ids, as files store them.
struct MuscleIds;

impl MuscleNames for MuscleIds {
    fn muscle_name<'a>(&'a self, id: &'a MuscleId) -> &'a str {
        id.as_str()
    }
}

/// How values are turned into words: as stored in a file, or for the screen.
struct Words<'a> {
    /// A muscle's words: its id (stored) or its name (shown).
    names: &'a dyn MuscleNames,
    /// Between the value before and the value after.
    arrow: &'static str,
}

impl Words<'_> {
    /// As an amendment stores them: muscle ids and `→`.
    const STORED: Words<'static> = Words {
        names: &MuscleIds,
        arrow: "→",
    };

    fn muscle(&self, muscle: &Option<MuscleId>) -> String {
        muscle
            .as_ref()
            .map_or("unassigned", |m| self.names.muscle_name(m))
            .to_owned()
    }
}

impl FieldValue {
    fn words(&self, words: &Words<'_>) -> String {
        let or_none = |value: Option<String>| value.unwrap_or_else(|| "none".to_owned());
        match self {
            FieldValue::Text(text) => quoted(text),
            FieldValue::VisitId(id) => id.to_string(),
            FieldValue::FollowedFrom(id) => or_none(id.map(|id| id.to_string())),
            FieldValue::DateTime(at) => at.to_rfc3339(),
            FieldValue::Consent(consent) => consent.label().to_owned(),
            FieldValue::Figure(figure) => figure.label().to_owned(),
            FieldValue::Signature(None) => "not signed".to_owned(),
            FieldValue::Signature(Some(s)) => {
                format!("signed by {} at {}", s.clinician, s.signed_at.to_rfc3339())
            }
            FieldValue::Count(n) => n.to_string(),
            FieldValue::Coding(None) => "not confirmed".to_owned(),
            FieldValue::Coding(Some(coding)) => format!(
                "{} (confirmed by {} at {}; suggested: {})",
                coding.codes.summary(),
                coding.by,
                coding.at.to_rfc3339(),
                coding.suggested.summary()
            ),
            FieldValue::View(view) => view.to_string(),
            FieldValue::Position(pos) => format!("x {:.4}, y {:.4}", pos.x, pos.y),
            FieldValue::Muscle(muscle) => words.muscle(muscle),
            FieldValue::Side(side) => side.to_string(),
            FieldValue::Status(status) => status.label().to_owned(),
            FieldValue::Criterion(criterion) => criterion.label().to_owned(),
            FieldValue::Pain(pain) => or_none(pain.map(|p| p.to_string())),
            FieldValue::PressureThreshold(ppt) => or_none(ppt.map(|p| format!("{p} kg/cm²"))),
            FieldValue::Treatments(treatments) => describe_treatments(treatments, words),
        }
    }
}

/// One field whose value differs.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChange {
    /// The field, as a label: `palpation pain`, `notes`, ...
    pub field: &'static str,
    /// The value before.
    pub before: FieldValue,
    /// The value after.
    pub after: FieldValue,
}

impl FieldChange {
    fn words(&self, words: &Words<'_>) -> String {
        format!(
            "{}: {} {} {}",
            self.field,
            self.before.words(words),
            words.arrow,
            self.after.words(words)
        )
    }
}

/// As stored in an amendment: `palpation pain: 7 → 5`.
impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.words(&Words::STORED))
    }
}

/// A point as the diff names it: its number, muscle, side and view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PointSummary {
    /// Its chart number (1-based) in the visit it belongs to.
    pub number: usize,
    /// Its muscle; `None` for a point in no muscle.
    pub muscle: Option<MuscleId>,
    /// The patient's side.
    pub side: Side,
    /// The diagram it is charted on.
    pub view: View,
}

impl PointSummary {
    fn of(number: usize, p: &TriggerPoint) -> Self {
        PointSummary {
            number,
            muscle: p.muscle.clone(),
            side: p.side,
            view: p.view,
        }
    }

    fn words(&self, words: &Words<'_>) -> String {
        format!(
            "point {} ({}, {}, {})",
            self.number,
            words.muscle(&self.muscle),
            self.side,
            self.view
        )
    }
}

/// As stored in an amendment: `point 3 (upper_trapezius, Left, Back)`.
impl fmt::Display for PointSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.words(&Words::STORED))
    }
}

/// A point present in both versions whose fields differ.
#[derive(Clone, Debug, PartialEq)]
pub struct PointChange {
    /// The point, numbered as in the later version.
    pub point: PointSummary,
    /// Its changed fields.
    pub fields: Vec<FieldChange>,
}

/// The differences between an earlier and a later version of a visit.
#[derive(Clone, Debug, Default, PartialEq)]
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

    /// One line per change as an amendment stores it in the file ([`super::Amendment::what`]):
    /// muscles by id, `before → after`. Files already written hold these lines, so their text
    /// never changes; [`VisitDiff::describe`] gives the lines to show.
    pub fn lines(&self) -> Vec<String> {
        self.words(&Words::STORED)
    }

    /// One line per change to show on screen: muscles by their names in `names` (the atlas),
    /// and `before -> after`, since the app's font has no arrow.
    pub fn describe(&self, names: &dyn MuscleNames) -> Vec<String> {
        self.words(&Words { names, arrow: "->" })
    }

    fn words(&self, words: &Words<'_>) -> Vec<String> {
        let mut lines: Vec<String> = self.fields.iter().map(|c| c.words(words)).collect();
        lines.extend(
            self.added
                .iter()
                .map(|p| format!("{}: added", p.words(words))),
        );
        lines.extend(
            self.removed
                .iter()
                .map(|p| format!("{}: removed", p.words(words))),
        );
        for change in &self.changed {
            let point = change.point.words(words);
            for field in &change.fields {
                lines.push(format!("{point}: {}", field.words(words)));
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
    push(
        &mut diff.fields,
        "signature",
        FieldValue::Signature(before.signature.clone()),
        FieldValue::Signature(after.signature.clone()),
    );
    push(
        &mut diff.fields,
        "amendments",
        FieldValue::Count(before.amendments.len()),
        FieldValue::Count(after.amendments.len()),
    );
    diff
}

/// What differs in the content from `before` to `after`: every field but the signature and the
/// amendments. The `what` of an amendment.
pub fn diff_content(before: &Visit, after: &Visit) -> VisitDiff {
    use FieldValue::Text;
    let mut diff = VisitDiff::default();
    let f = &mut diff.fields;
    push(
        f,
        "visit id",
        FieldValue::VisitId(before.id),
        FieldValue::VisitId(after.id),
    );
    push(
        f,
        "patient id",
        Text(before.patient_id.clone()),
        Text(after.patient_id.clone()),
    );
    push(
        f,
        "figure",
        FieldValue::Figure(before.figure),
        FieldValue::Figure(after.figure),
    );
    push(
        f,
        "date and time",
        FieldValue::DateTime(before.date_time),
        FieldValue::DateTime(after.date_time),
    );
    push(
        f,
        "clinician",
        Text(before.clinician.clone()),
        Text(after.clinician.clone()),
    );
    push(
        f,
        "consent",
        FieldValue::Consent(before.consent),
        FieldValue::Consent(after.consent),
    );
    push(
        f,
        "visit notes",
        Text(before.notes.clone()),
        Text(after.notes.clone()),
    );
    push(
        f,
        "coding",
        FieldValue::Coding(before.coding.clone()),
        FieldValue::Coding(after.coding.clone()),
    );
    push(
        f,
        "aftercare given",
        Text(before.aftercare.clone().unwrap_or_default()),
        Text(after.aftercare.clone().unwrap_or_default()),
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
    use FieldValue as V;
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
    push(
        &mut f,
        "followed from",
        V::FollowedFrom(*lineage),
        V::FollowedFrom(b.lineage),
    );
    push(&mut f, "view", V::View(*view), V::View(b.view));
    push(&mut f, "position", V::Position(*pos), V::Position(b.pos));
    push(
        &mut f,
        "muscle",
        V::Muscle(muscle.clone()),
        V::Muscle(b.muscle.clone()),
    );
    push(&mut f, "side", V::Side(*side), V::Side(b.side));
    push(&mut f, "status", V::Status(*status), V::Status(b.status));
    diff_criteria(&mut f, criteria, &b.criteria);
    push(
        &mut f,
        "palpation pain",
        V::Pain(*palpation_pain),
        V::Pain(b.palpation_pain),
    );
    push(
        &mut f,
        "pressure threshold",
        V::PressureThreshold(*pressure_threshold),
        V::PressureThreshold(b.pressure_threshold),
    );
    push(
        &mut f,
        "referred pain",
        V::Text(referred_pain.clone()),
        V::Text(b.referred_pain.clone()),
    );
    push(
        &mut f,
        "notes",
        V::Text(notes.clone()),
        V::Text(b.notes.clone()),
    );
    if *treatments != b.treatments {
        f.push(FieldChange {
            field: "treatments",
            before: V::Treatments(treatments.clone()),
            after: V::Treatments(b.treatments.clone()),
        });
    }
    f
}

fn diff_criteria(f: &mut Vec<FieldChange>, a: &Criteria, b: &Criteria) {
    for ((label, x), (_, y)) in a.labelled().into_iter().zip(b.labelled()) {
        if x != y {
            f.push(FieldChange {
                field: label,
                before: FieldValue::Criterion(x),
                after: FieldValue::Criterion(y),
            });
        }
    }
}

fn describe_treatments(treatments: &[Treatment], words: &Words<'_>) -> String {
    if treatments.is_empty() {
        return "none".to_owned();
    }
    let items: Vec<String> = treatments
        .iter()
        .map(|t| describe_treatment(t, words))
        .collect();
    items.join("; ")
}

fn describe_treatment(t: &Treatment, words: &Words<'_>) -> String {
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
            ", pain {} {} {}",
            pain(t.pain_before),
            words.arrow,
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

/// Records a change of `field` when its value reads differently as stored (a move by less than
/// the stored precision of a position is no change).
fn push(fields: &mut Vec<FieldChange>, field: &'static str, before: FieldValue, after: FieldValue) {
    if before.words(&Words::STORED) != after.words(&Words::STORED) {
        fields.push(FieldChange {
            field,
            before,
            after,
        });
    }
}

/// A line stored by an amendment ([`VisitDiff::lines`]), as shown on screen: every word that is
/// a muscle id reads as the muscle's name in `names` (the atlas), and `→` reads `->`, since the
/// app's font has no arrow. For amendments already in a file; a diff at hand is shown with
/// [`VisitDiff::describe`].
pub fn name_muscles_in(line: &str, names: &dyn MuscleNames) -> String {
    let mut shown = String::with_capacity(line.len() + 16);
    let mut word = String::new();
    let flush = |word: &mut String, shown: &mut String| {
        if !word.is_empty() {
            let muscle = MuscleId(std::mem::take(word));
            shown.push_str(names.muscle_name(&muscle));
        }
    };
    for c in line.chars() {
        // Muscle ids are lowercase ASCII words with digits and underscores: a whole word is
        // looked up, so that a longer id is never read as a shorter one inside it.
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut shown);
            if c == '→' {
                shown.push_str("->");
            } else {
                shown.push(c);
            }
        }
    }
    flush(&mut word, &mut shown);
    shown
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

    /// Two versions of a visit that differ in every field the diff knows, with fixed ids and
    /// dates so that the lines are the same at every run.
    fn every_field_changed() -> (Visit, Visit) {
        use crate::model::{Amendment, Consent, PointId, Signature, Status, VisitId};
        let id = |n: u128| uuid::Uuid::from_u128(n);
        let at = |text: &str| chrono::DateTime::parse_from_rfc3339(text).expect("date");
        let mut before = Visit::new_now();
        before.id = VisitId(id(1));
        before.patient_id = "PT-1".to_owned();
        before.date_time = at("2025-01-07T09:30:00+01:00");
        before.clinician = "Dr A".to_owned();
        let mut kept = TriggerPoint::new(
            View::Back,
            PatientPoint::new(0.07, 0.18),
            Some("upper_trapezius".into()),
            Side::Left,
        );
        kept.id = PointId(id(10));
        kept.palpation_pain = Some(7);
        kept.pressure_threshold = Some(3.9);
        kept.treatments = vec![Treatment {
            procedure: Procedure::Injection {
                agent: "lidocaine".to_owned(),
                concentration: "0.5%".to_owned(),
                volume_ml: Some(1.5),
                needle: "25G".to_owned(),
            },
            pain_before: Some(7),
            pain_after: Some(3),
            notes: "twitch".to_owned(),
        }];
        let mut unassigned = point(0.2);
        unassigned.id = PointId(id(11));
        unassigned.muscle = None;
        unassigned.side = Side::Midline;
        let mut gone = point(0.3);
        gone.id = PointId(id(12));
        before.points = vec![kept.clone(), unassigned.clone(), gone];

        let mut after = before.clone();
        after.id = VisitId(id(2));
        after.patient_id = "PT-2".to_owned();
        after.date_time = at("2025-01-14T10:00:00+01:00");
        after.clinician = "Dr \"B\"".to_owned();
        after.consent = Consent::Written;
        after.notes = "two\nlines".to_owned();
        after.signature = Some(Signature {
            clinician: "Dr B".to_owned(),
            signed_at: at("2025-01-14T11:00:00+01:00"),
        });
        after.amendments = vec![Amendment {
            by: "Dr B".to_owned(),
            at: at("2025-01-15T08:00:00+01:00"),
            what: vec!["x".to_owned()],
            why: "y".to_owned(),
        }];
        let mut changed = kept;
        changed.lineage = Some(PointId(id(9)));
        changed.view = View::Front;
        changed.pos = PatientPoint::new(-0.05, 0.2);
        changed.muscle = Some("levator_scapulae".into());
        changed.side = Side::Right;
        changed.status = Status::Active;
        changed.criteria.taut_band = Criterion::Yes;
        changed.criteria.jump_sign = Criterion::No;
        changed.palpation_pain = None;
        changed.pressure_threshold = Some(3.6);
        changed.referred_pain = "to the temple".to_owned();
        changed.notes = "sore".to_owned();
        changed.treatments = vec![
            Treatment {
                procedure: Procedure::DryNeedling {
                    needle: "0.25x40".to_owned(),
                },
                pain_before: None,
                pain_after: Some(2),
                notes: String::new(),
            },
            Treatment {
                procedure: Procedure::ManualTherapy {
                    technique: "ischemic compression".to_owned(),
                },
                pain_before: None,
                pain_after: None,
                notes: String::new(),
            },
            Treatment {
                procedure: Procedure::Other {
                    description: "heat".to_owned(),
                },
                pain_before: None,
                pain_after: None,
                notes: "10 min".to_owned(),
            },
        ];
        let mut new = point(0.4);
        new.id = PointId(id(13));
        new.muscle = None;
        after.points = vec![unassigned, changed, new];
        (before, after)
    }

    /// The lines as an amendment stores them, byte for byte as TriggerMap has always written
    /// them: files already written hold these, so they must never change.
    #[test]
    fn stored_lines_are_as_ever() {
        let (before, after) = every_field_changed();
        let expected = [
            "visit id: 00000000-0000-0000-0000-000000000001 → 00000000-0000-0000-0000-000000000002",
            "patient id: \"PT-1\" → \"PT-2\"",
            "date and time: 2025-01-07T09:30:00+01:00 → 2025-01-14T10:00:00+01:00",
            "clinician: \"Dr A\" → \"Dr \\\"B\\\"\"",
            "consent: Not recorded → Written",
            "visit notes: \"\" → \"two\\nlines\"",
            "signature: not signed → signed by Dr B at 2025-01-14T11:00:00+01:00",
            "amendments: 0 → 1",
            "point 3 (unassigned, Left, Front): added",
            "point 3 (pectoralis_major, Left, Front): removed",
            "point 2 (levator_scapulae, Right, Front): followed from: none → 00000000-0000-0000-0000-000000000009",
            "point 2 (levator_scapulae, Right, Front): view: Back → Front",
            "point 2 (levator_scapulae, Right, Front): position: x 0.0700, y 0.1800 → x -0.0500, y 0.2000",
            "point 2 (levator_scapulae, Right, Front): muscle: upper_trapezius → levator_scapulae",
            "point 2 (levator_scapulae, Right, Front): side: Left → Right",
            "point 2 (levator_scapulae, Right, Front): status: Not classified → Active",
            "point 2 (levator_scapulae, Right, Front): Taut band: Not tested → Yes",
            "point 2 (levator_scapulae, Right, Front): Jump sign: Not tested → No",
            "point 2 (levator_scapulae, Right, Front): palpation pain: 7 → none",
            "point 2 (levator_scapulae, Right, Front): pressure threshold: 3.9 kg/cm² → 3.6 kg/cm²",
            "point 2 (levator_scapulae, Right, Front): referred pain: \"\" → \"to the temple\"",
            "point 2 (levator_scapulae, Right, Front): notes: \"\" → \"sore\"",
            "point 2 (levator_scapulae, Right, Front): treatments: injection \"lidocaine\" \"0.5%\" 1.5 mL needle \"25G\", pain 7 → 3, notes \"twitch\" → dry needling needle \"0.25x40\", pain none → 2; manual therapy \"ischemic compression\"; other \"heat\", notes \"10 min\"",
            "points renumbered (order changed)",
        ];
        let lines = diff_visits(&before, &after).lines();
        assert_eq!(lines, expected);
    }

    #[test]
    fn shown_lines_name_muscles_and_draw_arrows_the_font_has() {
        let atlas = crate::atlas::Atlas::builtin().expect("atlas");
        let (before, after) = every_field_changed();
        let diff = diff_visits(&before, &after);
        let shown = diff.describe(&atlas);
        assert!(
            shown.contains(
                &"point 2 (Levator scapulae, Right, Front): muscle: Upper trapezius -> Levator scapulae"
                    .to_owned()
            ),
            "{shown:#?}"
        );
        assert!(
            shown.contains(&"point 3 (Pectoralis major, Left, Front): removed".to_owned()),
            "{shown:#?}"
        );
        assert!(
            shown.contains(&"point 3 (unassigned, Left, Front): added".to_owned()),
            "{shown:#?}"
        );
        assert!(
            shown
                .iter()
                .any(|l| l.contains("pain 7 -> 3, notes \"twitch\" -> dry needling")),
            "{shown:#?}"
        );
        assert!(!shown.iter().any(|l| l.contains('→')), "{shown:#?}");
        // The same lines as stored, but for the muscles' words and the arrows.
        let stored: Vec<String> = diff.lines().iter().map(|l| l.replace('→', "->")).collect();
        assert_eq!(diff.describe(&MuscleIds), stored);
        // A stored line shown later reads as the diff shown at once.
        let named: Vec<String> = diff
            .lines()
            .iter()
            .map(|l| name_muscles_in(l, &atlas))
            .collect();
        assert_eq!(named, shown);
    }

    #[test]
    fn stored_lines_name_muscles_and_draw_arrows_the_font_has() {
        let atlas = crate::atlas::Atlas::builtin().expect("atlas");
        let names = &atlas;
        assert_eq!(
            name_muscles_in("point 2: muscle: upper_trapezius → levator_scapulae", names),
            "point 2: muscle: Upper trapezius -> Levator scapulae"
        );
        // A longer id is not read as a shorter one inside it.
        assert!(
            name_muscles_in("extensor_digitorum_longus", names)
                .contains("Extensor digitorum longus")
        );
        assert_eq!(name_muscles_in("", names), "");
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
