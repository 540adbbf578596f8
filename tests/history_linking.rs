//! Linking knots across visits: follow-up carry-over, automatic linking (distance limit, side,
//! muscle and view), manual link and unlink, resolving, and a knot that moves into the
//! neighbouring muscle. On the committed folder `tests/fixtures/patients/weekly-neck`.
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use triggermap::Atlas;
use triggermap::editing::Edit;
use triggermap::history::{
    AUTO_LINK_DISTANCE, History, KnotId, LinkError, auto_link, auto_link_candidate, link,
    mark_resolved, start_follow_up, unlink,
};
use triggermap::model::PatientPoint;
use triggermap::model::{MuscleId, PointId, Side, Status, TriggerPoint, View, Visit};
use triggermap::storage;

fn weekly_neck() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/patients/weekly-neck")
}

/// Visit `n` (1–4) of `weekly-neck`.
fn visit(n: usize) -> Visit {
    let name = [
        "2025-01-07_0930.ron",
        "2025-01-14_0930.ron",
        "2025-01-21_0930.ron",
        "2025-01-28_0930.ron",
    ][n - 1];
    let atlas = Atlas::builtin().expect("atlas");
    storage::load_visit(&weekly_neck().join(name), &atlas).expect("fixture")
}

/// The point of knot `knot` at visit `visit` of `weekly-neck` (see tests/history_fixtures.rs).
fn fixture_point(knot: u128, visit: u128) -> PointId {
    PointId(uuid::Uuid::from_u128(
        0x1000_0000_0000_4000_8000_0000_0000_0000 + (1 << 16) + (knot << 8) + visit,
    ))
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2025-02-04T09:30:00+01:00").expect("date")
}

/// A new point, as placed on the chart.
fn place(visit: &mut Visit, view: View, muscle: &str, side: Side, x: f32, y: f32) -> PointId {
    let point = TriggerPoint::new(view, PatientPoint::new(x, y), Some(muscle.into()), side);
    let id = point.id;
    visit.points.push(point);
    id
}

/// A follow-up of `previous` with nothing charted yet.
fn blank_follow_up(previous: &Visit) -> Visit {
    let mut visit = start_follow_up(previous, now());
    visit.points.clear();
    visit
}

/// Links point `p` of `today` as placing it does: the candidate becomes its lineage.
fn auto_link_point(today: &mut Visit, p: PointId, previous: &Visit) -> Option<PointId> {
    let point = today.point(p).expect("placed").clone();
    let lineage = auto_link_candidate(today, &point, previous)?;
    assert!(
        Edit::SetLineage {
            id: p,
            lineage: Some(lineage)
        }
        .apply_to(today)
    );
    Some(lineage)
}

/// The point's lineage before `edit`, after applying the edit (as the app does).
fn applied(today: &mut Visit, p: PointId, edit: Edit) -> Option<PointId> {
    let before = today.point(p).and_then(|q| q.lineage);
    assert!(edit.apply_to(today));
    before
}

/// [`link`]'s edit applied: the lineage it replaced.
fn applied_link(
    today: &mut Visit,
    p: PointId,
    previous: &Visit,
    target: PointId,
) -> Result<Option<PointId>, LinkError> {
    let edit = link(today, p, previous, target)?;
    Ok(applied(today, p, edit))
}

/// [`unlink`]'s edit applied: the lineage it removed.
fn applied_unlink(today: &mut Visit, p: PointId) -> Result<Option<PointId>, LinkError> {
    let edit = unlink(today, p)?;
    Ok(applied(today, p, edit))
}

/// [`mark_resolved`]'s edit applied: the status it replaced.
fn applied_resolve(today: &mut Visit, p: PointId) -> Result<Status, LinkError> {
    let edit = mark_resolved(today, p)?;
    let before = today.point(p).map(|q| q.status).expect("point");
    assert!(edit.apply_to(today));
    Ok(before)
}

#[test]
fn follow_up_carries_every_unresolved_point_over() {
    let v3 = visit(3);
    let before = v3.clone();
    let follow = start_follow_up(&v3, now());
    assert_eq!(v3, before, "the previous visit is not changed");

    assert_ne!(follow.id, v3.id);
    assert_eq!(follow.patient_id, "PT-0001");
    assert_eq!(follow.date_time, now());
    // The clinician is carried over (issue 9: a follow-up left it empty); notes start empty.
    assert_eq!(follow.clinician, v3.clinician);
    assert!(!follow.clinician.is_empty());
    assert!(follow.notes.is_empty());
    assert_eq!(follow.figure, v3.figure);
    let mut female = v3.clone();
    female.figure = triggermap::model::Figure::Female;
    assert_eq!(
        start_follow_up(&female, now()).figure,
        triggermap::model::Figure::Female,
        "a new visit of the patient takes the patient's figure"
    );
    // K4 was resolved at visit 3: not carried.
    let carried: Vec<PointId> = follow.points.iter().filter_map(|p| p.lineage).collect();
    assert_eq!(
        carried,
        [1, 2, 3, 5, 6].map(|k| fixture_point(k, 3)).to_vec()
    );
    for point in &follow.points {
        let old = v3.point(point.lineage.expect("linked")).expect("old point");
        assert_ne!(point.id, old.id);
        assert!(v3.point(point.id).is_none(), "new ids");
        assert_eq!(point.status, Status::ToReexamine);
        assert_eq!(
            (point.view, point.pos, &point.muscle, point.side),
            (old.view, old.pos, &old.muscle, old.side)
        );
        assert_eq!(point.criteria, Default::default());
        assert_eq!(point.palpation_pain, None);
        assert_eq!(point.pressure_threshold, None);
        assert!(point.treatments.is_empty() && point.referred_pain.is_empty());
        assert!(point.notes.is_empty());
    }
    // The findings stay in the old visit.
    assert_eq!(v3.points[0].palpation_pain, Some(2));
    // A follow-up of the follow-up keeps every knot's identity.
    let history = History::build([&visit(1), &visit(2), &v3, &follow]);
    for point in &follow.points {
        let knot = history.knot_of_point(point.id).expect("knot");
        // K6 was first charted at visit 2.
        let expected = if knot.id == KnotId(fixture_point(6, 2)) {
            3
        } else {
            4
        };
        assert_eq!(knot.occurrences.len(), expected, "{knot:?}");
    }
}

#[test]
fn a_new_point_links_to_the_nearest_previous_point_of_its_muscle_and_side() {
    let v4 = visit(4);
    let mut today = blank_follow_up(&v4);
    // Near K3 (upper trapezius L at 0.056, 0.176).
    let p = place(
        &mut today,
        View::Back,
        "upper_trapezius",
        Side::Left,
        0.062,
        0.178,
    );
    assert_eq!(
        auto_link_point(&mut today, p, &v4),
        Some(fixture_point(3, 4))
    );
    assert_eq!(
        today.point(p).expect("p").lineage,
        Some(fixture_point(3, 4))
    );
    // Linking again does nothing: it has a lineage.
    assert_eq!(auto_link_point(&mut today, p, &v4), None);
}

#[test]
fn a_previous_point_marked_resolved_is_not_linked_automatically() {
    let v4 = visit(4);
    let mut today = blank_follow_up(&v4);
    // Exactly where K1 was (resolved at visit 4); K3 is 0.0144 away and is taken instead.
    let p = place(
        &mut today,
        View::Back,
        "upper_trapezius",
        Side::Left,
        0.070,
        0.180,
    );
    assert_eq!(
        auto_link_point(&mut today, p, &v4),
        Some(fixture_point(3, 4))
    );
}

#[test]
fn automatic_linking_stops_at_the_distance_limit() {
    let v4 = visit(4);
    // K2: upper trapezius R at (-0.070, 0.180).
    let mut today = blank_follow_up(&v4);
    let within = place(
        &mut today,
        View::Back,
        "upper_trapezius",
        Side::Right,
        -0.070,
        0.180 + AUTO_LINK_DISTANCE - 0.001,
    );
    assert_eq!(
        auto_link_candidate(&today, today.point(within).expect("p"), &v4),
        Some(fixture_point(2, 4))
    );
    let mut today = blank_follow_up(&v4);
    let beyond = place(
        &mut today,
        View::Back,
        "upper_trapezius",
        Side::Right,
        -0.070,
        0.180 + AUTO_LINK_DISTANCE + 0.001,
    );
    assert_eq!(auto_link_point(&mut today, beyond, &v4), None);
    assert_eq!(today.point(beyond).expect("p").lineage, None);
}

#[test]
fn automatic_linking_needs_the_same_side_muscle_and_view() {
    let v4 = visit(4);
    let cases = [
        // Where K2 is, but said to be on the other side.
        (View::Back, "upper_trapezius", Side::Left, -0.070, 0.180),
        // Where K3 is, in the neighbouring muscle.
        (View::Back, "levator_scapulae", Side::Left, 0.056, 0.176),
        // Where K3 is, but on the front view.
        (View::Front, "upper_trapezius", Side::Left, 0.056, 0.176),
        // The mirror of K7 (infraspinatus L): no infraspinatus R at visit 4.
        (View::Back, "infraspinatus", Side::Right, -0.077, 0.231),
    ];
    for (view, muscle, side, x, y) in cases {
        let mut today = blank_follow_up(&v4);
        let p = place(&mut today, view, muscle, side, x, y);
        assert_eq!(
            auto_link_point(&mut today, p, &v4),
            None,
            "{view:?} {muscle} {side:?}"
        );
    }
}

#[test]
fn a_previous_point_already_continued_is_not_linked_again() {
    let v4 = visit(4);
    // The carried-over K3 continues it already.
    let mut today = start_follow_up(&v4, now());
    let p = place(
        &mut today,
        View::Back,
        "upper_trapezius",
        Side::Left,
        0.058,
        0.177,
    );
    assert_eq!(auto_link_point(&mut today, p, &v4), None);

    // Two new points near K2: linking them together gives K2 to the nearer one.
    let mut today = blank_follow_up(&v4);
    let far = place(
        &mut today,
        View::Back,
        "upper_trapezius",
        Side::Right,
        -0.070,
        0.200,
    );
    let near = place(
        &mut today,
        View::Back,
        "upper_trapezius",
        Side::Right,
        -0.071,
        0.181,
    );
    let made = auto_link(&mut today, &v4);
    assert_eq!(made, vec![(near, fixture_point(2, 4))]);
    assert_eq!(today.point(far).expect("far").lineage, None);
}

#[test]
fn manual_link_unlink_and_resolve() {
    let v4 = visit(4);
    let mut today = blank_follow_up(&v4);
    // In the neighbouring muscle, far from K3: the clinician knows it is K3.
    let p = place(
        &mut today,
        View::Back,
        "levator_scapulae",
        Side::Left,
        0.050,
        0.150,
    );
    assert_eq!(auto_link_point(&mut today, p, &v4), None);
    assert_eq!(
        applied_link(&mut today, p, &v4, fixture_point(3, 4)),
        Ok(None)
    );
    assert_eq!(
        today.point(p).expect("p").lineage,
        Some(fixture_point(3, 4))
    );

    // Another point cannot continue K3 as well.
    let q = place(
        &mut today,
        View::Back,
        "upper_trapezius",
        Side::Left,
        0.06,
        0.18,
    );
    assert_eq!(
        applied_link(&mut today, q, &v4, fixture_point(3, 4)),
        Err(LinkError::AlreadyLinked {
            previous_point: fixture_point(3, 4),
            other: p,
        })
    );
    // Relinking replaces and returns the old lineage.
    assert_eq!(
        applied_link(&mut today, p, &v4, fixture_point(2, 4)),
        Ok(Some(fixture_point(3, 4)))
    );
    assert_eq!(applied_unlink(&mut today, p), Ok(Some(fixture_point(2, 4))));
    assert_eq!(today.point(p).expect("p").lineage, None);
    assert_eq!(applied_unlink(&mut today, p), Ok(None));

    let missing = PointId::new_random();
    assert_eq!(
        applied_link(&mut today, missing, &v4, fixture_point(2, 4)),
        Err(LinkError::NoSuchPoint(missing))
    );
    assert_eq!(
        applied_link(&mut today, p, &v4, missing),
        Err(LinkError::NoSuchPreviousPoint(missing))
    );
    // A point of an older visit is not one of the previous visit.
    assert_eq!(
        applied_link(&mut today, p, &v4, fixture_point(4, 1)),
        Err(LinkError::NoSuchPreviousPoint(fixture_point(4, 1)))
    );

    // Resolve K2 today: the next follow-up does not carry it.
    let mut today = start_follow_up(&v4, now());
    let k2_today = today.points[0].id;
    assert_eq!(today.points[0].lineage, Some(fixture_point(2, 4)));
    assert_eq!(
        applied_resolve(&mut today, k2_today),
        Ok(Status::ToReexamine)
    );
    assert_eq!(today.points[0].status, Status::Resolved);
    let next = start_follow_up(&today, now() + chrono::Duration::days(7));
    assert!(next.points.iter().all(|p| p.lineage != Some(k2_today)));
    assert_eq!(next.points.len(), today.points.len() - 1);
    assert_eq!(
        applied_resolve(&mut today, missing),
        Err(LinkError::NoSuchPoint(missing))
    );
}

#[test]
fn a_knot_that_moves_into_the_neighbouring_muscle_keeps_its_identity() {
    // In the fixture, K3 was charted in levator scapulae L at visits 1 and 2 and re-examined
    // in upper trapezius L at visits 3 and 4.
    let visits: Vec<Visit> = (1..=4).map(visit).collect();
    let history = History::build(&visits);
    let knot = history
        .knot_of_point(fixture_point(3, 4))
        .expect("knot of K3");
    assert_eq!(knot.id, KnotId(fixture_point(3, 1)));
    let muscles: Vec<&str> = knot
        .occurrences
        .iter()
        .map(|o| o.muscle.as_ref().map_or("", MuscleId::as_str))
        .collect();
    assert_eq!(
        muscles,
        [
            "levator_scapulae",
            "levator_scapulae",
            "upper_trapezius",
            "upper_trapezius"
        ]
    );
    assert_eq!(knot.muscle().map(MuscleId::as_str), Some("upper_trapezius"));
    assert_eq!(history.knots().len(), 7);

    // Today: carry over, then the clinician drags K2 into levator scapulae R.
    let mut today = start_follow_up(&visits[3], now());
    let k2 = today
        .points
        .iter_mut()
        .find(|p| p.lineage == Some(fixture_point(2, 4)))
        .expect("K2 carried");
    k2.muscle = Some("levator_scapulae".into());
    k2.pos = PatientPoint::new(-0.050, 0.165);
    k2.status = Status::Active;
    let k2_id = k2.id;
    // Automatic linking leaves linked points alone.
    assert!(auto_link(&mut today, &visits[3]).is_empty());
    let mut all = visits.clone();
    all.push(today);
    let history = History::build(&all);
    let knot = history.knot_of_point(k2_id).expect("K2 today");
    assert_eq!(knot.id, KnotId(fixture_point(2, 1)));
    assert_eq!(knot.occurrences.len(), 5);
    assert_eq!(
        knot.muscle().map(MuscleId::as_str),
        Some("levator_scapulae")
    );
}

#[test]
fn broken_and_branching_lineage_start_knots_of_their_own() {
    let v1 = visit(1);
    let mut v2 = visit(2);
    // A second point of visit 2 also names K1 of visit 1; a third names a point of no visit.
    let mut twin = v2.points[0].clone();
    twin.id = PointId::new_random();
    v2.points.push(twin.clone());
    let mut orphan = v2.points[1].clone();
    orphan.id = PointId::new_random();
    orphan.lineage = Some(PointId::new_random());
    v2.points.push(orphan.clone());
    let history = History::build([&v2, &v1]);
    let k1 = KnotId(fixture_point(1, 1));
    assert_eq!(history.knot(k1).expect("K1").occurrences.len(), 2);
    let twin_knot = history.knot_of_point(twin.id).expect("twin");
    assert_eq!(twin_knot.id, KnotId(twin.id));
    assert_eq!(twin_knot.branched_from, Some(k1));
    let orphan_knot = history.knot_of_point(orphan.id).expect("orphan");
    assert_eq!(orphan_knot.missing_lineage, orphan.lineage);
}

#[test]
fn positions_are_never_compared_across_figures() {
    use triggermap::history::{auto_link_candidate, compare_visits};
    use triggermap::model::Figure;
    let v3 = visit(3);
    let mut today = start_follow_up(&v3, now());
    // A point placed anew at the place of a knot of visit 3, on the other figure.
    let mut placed = today.points[0].clone();
    placed.lineage = None;
    placed.id = triggermap::model::PointId::new_random();
    today.points.clear();
    assert!(
        auto_link_candidate(&today, &placed, &v3).is_some(),
        "same figure: linked"
    );
    today.figure = Figure::Female;
    assert_eq!(
        auto_link_candidate(&today, &placed, &v3),
        None,
        "another figure"
    );
    today.points.push(placed);
    assert!(auto_link(&mut today, &v3).is_empty());
    let comparison = compare_visits(&v3, &today);
    assert!(
        comparison
            .rows
            .iter()
            .all(|r| r.a.is_none() || r.b.is_none()),
        "nothing matched by position across figures"
    );
}
