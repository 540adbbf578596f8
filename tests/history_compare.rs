//! Comparing two visits: the categories New, Resolved, Better, Worse, Unchanged (and Not
//! measured), through the patient's folder and for two lone files. On the committed folder
//! `tests/fixtures/patients/weekly-neck` (knots K1..K7, see tests/history_fixtures.rs).
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use triggermap::Atlas;
use triggermap::history::{Comparison, KnotId, MatchMethod, PatientFolder, Trend, compare_visits};
use triggermap::model::PointId;

fn weekly_neck() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/patients/weekly-neck")
}

fn folder() -> PatientFolder {
    let atlas = Atlas::builtin().expect("atlas");
    let folder = PatientFolder::open(&weekly_neck(), &atlas).expect("folder");
    assert_eq!(folder.visits.len(), 4);
    folder
}

fn fixture_point(knot: u128, visit: u128) -> PointId {
    PointId(uuid::Uuid::from_u128(
        0x1000_0000_0000_4000_8000_0000_0000_0000 + (1 << 16) + (knot << 8) + visit,
    ))
}

/// The change of each knot, by knot number (K1..K7).
fn by_knot(comparison: &Comparison) -> BTreeMap<usize, Trend> {
    comparison
        .rows
        .iter()
        .map(|r| (r.knot_number.expect("numbered"), r.change))
        .collect()
}

fn counts(comparison: &Comparison) -> Vec<(Trend, usize)> {
    comparison.counts().into_iter().collect()
}

#[test]
fn visits_one_and_three_show_every_category() {
    let folder = folder();
    let history = folder.history();
    let (v1, v3) = (folder.visits[0].visit.id, folder.visits[2].visit.id);
    let c = history.compare(v1, v3).expect("compare");
    assert_eq!(
        c.method,
        MatchMethod::History {
            visits_between: 1,
            matched_by_position: 0
        }
    );
    assert_eq!(
        by_knot(&c),
        BTreeMap::from([
            (1, Trend::Better),    // pain 7 -> 2 after the injection
            (2, Trend::Worse),     // 6 -> 8
            (3, Trend::Unchanged), // 4 -> 3, though it moved into the upper trapezius
            (4, Trend::Resolved),  // marked resolved at visit 3
            (5, Trend::Unchanged), // 3 -> 2
            (6, Trend::New),       // first charted at visit 2
        ])
    );
    assert_eq!(
        counts(&c),
        vec![
            (Trend::New, 1),
            (Trend::Resolved, 1),
            (Trend::Better, 1),
            (Trend::Worse, 1),
            (Trend::Unchanged, 2),
            (Trend::NotMeasured, 0),
        ]
    );
    // Rows come sorted by category.
    let order: Vec<Trend> = c.rows.iter().map(|r| r.change).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    // For the chart: the knot's point at A and at B carry its change.
    assert_eq!(c.change_of_point(fixture_point(1, 3)), Some(Trend::Better));
    assert_eq!(c.change_of_point(fixture_point(1, 1)), Some(Trend::Better));
    assert_eq!(c.change_of_point(fixture_point(7, 4)), None);
    // The same comparison asked the other way round.
    assert_eq!(history.compare(v3, v1).expect("swapped"), c);
}

#[test]
fn first_and_last_visit_follow_knots_through_the_visits_between() {
    let folder = folder();
    let history = folder.history();
    let c = history
        .compare(folder.visits[0].visit.id, folder.visits[3].visit.id)
        .expect("compare");
    assert_eq!(
        c.method,
        MatchMethod::History {
            visits_between: 2,
            matched_by_position: 0
        }
    );
    assert_eq!(
        by_knot(&c),
        BTreeMap::from([
            (1, Trend::Resolved),
            (2, Trend::Worse),
            (3, Trend::Unchanged),
            (4, Trend::Resolved), // resolved at visit 3, not charted at visit 4
            (5, Trend::NotMeasured), // still "to re-examine" at visit 4
            (6, Trend::New),
            (7, Trend::New),
        ])
    );
    let k3 = c
        .rows
        .iter()
        .find(|r| r.knot == KnotId(fixture_point(3, 1)))
        .expect("K3");
    let (a, b) = (k3.a.as_ref().expect("A"), k3.b.as_ref().expect("B"));
    assert_eq!(
        a.muscle.as_ref().map(|m| m.as_str()),
        Some("levator_scapulae")
    );
    assert_eq!(
        b.muscle.as_ref().map(|m| m.as_str()),
        Some("upper_trapezius")
    );
    assert_eq!((a.palpation_pain, b.palpation_pain), (Some(4), Some(3)));
}

#[test]
fn consecutive_lone_files_match_the_folder() {
    let folder = folder();
    let (v3, v4) = (&folder.visits[2].visit, &folder.visits[3].visit);
    let through_folder = folder.history().compare(v3.id, v4.id).expect("compare");
    let direct = compare_visits(v3, v4);
    assert_eq!(direct.method, MatchMethod::Direct);
    assert_eq!(counts(&direct), counts(&through_folder));
    assert_eq!(
        counts(&direct),
        vec![
            (Trend::New, 1),      // K7
            (Trend::Resolved, 1), // K1
            (Trend::Better, 0),
            (Trend::Worse, 0),
            (Trend::Unchanged, 3), // K2 8 -> 9, K3, K6 by pressure threshold 2.6 -> 2.4
            (Trend::NotMeasured, 1), // K5
        ]
    );
    // The knot ids of lone files are their points at A (at B when new).
    assert!(
        direct
            .rows
            .iter()
            .any(|r| r.knot == KnotId(fixture_point(7, 4)) && r.change == Trend::New)
    );
}

#[test]
fn lone_files_far_apart_match_by_muscle_side_and_distance() {
    let folder = folder();
    let (v1, v4) = (&folder.visits[0].visit, &folder.visits[3].visit);
    let direct = compare_visits(v1, v4);
    // No lineage between visits 1 and 4: points are matched by muscle, side and distance. K3
    // moved into the neighbouring muscle, so it counts as resolved (in levator scapulae) and
    // new (in the upper trapezius): the folder knows better.
    assert_eq!(
        counts(&direct),
        vec![
            (Trend::New, 3),
            (Trend::Resolved, 3),
            (Trend::Better, 0),
            (Trend::Worse, 1),
            (Trend::Unchanged, 0),
            (Trend::NotMeasured, 1),
        ]
    );
    let k3_at_4 = direct
        .rows
        .iter()
        .find(|r| r.b.as_ref().is_some_and(|b| b.point == fixture_point(3, 4)))
        .expect("K3 at visit 4");
    assert_eq!(k3_at_4.change, Trend::New);
    // K1 at visit 4 lies exactly where K1 was at visit 1, and is marked resolved.
    let k1 = direct
        .rows
        .iter()
        .find(|r| r.knot == KnotId(fixture_point(1, 1)))
        .expect("K1");
    assert_eq!(k1.change, Trend::Resolved);
    assert_eq!(k1.b.as_ref().map(|b| b.point), Some(fixture_point(1, 4)));
}

#[test]
fn a_visit_compared_with_itself_is_unchanged_or_not_measured() {
    let folder = folder();
    let v2 = &folder.visits[1].visit;
    let c = compare_visits(v2, v2);
    assert!(
        c.rows
            .iter()
            .all(|r| matches!(r.change, Trend::Unchanged | Trend::NotMeasured))
    );
    assert_eq!(c.rows.len(), v2.points.len());
}
