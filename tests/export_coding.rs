//! Coding suggestions (clinical reference L1 and L2): CPT counts distinct muscles and sides, not
//! points; an unassigned treated point blocks its family; ICD-10-CM by the muscles' sites.
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use triggermap::atlas::Atlas;
use triggermap::export::coding::{IcdCode, suggest_coding};
use triggermap::export::{CodingSuggestion, CptCode, FamilyCoding};
use triggermap::model::{
    MuscleId, PatientPoint, Procedure, Side, Status, Treatment, TriggerPoint, View, Visit,
};

fn atlas() -> Atlas {
    Atlas::builtin().expect("the built-in atlas loads")
}

fn injection() -> Procedure {
    Procedure::Injection {
        agent: "lidocaine".into(),
        concentration: "1%".into(),
        volume_ml: Some(0.5),
        needle: "27 G 1.5 in".into(),
    }
}

fn dry_needling() -> Procedure {
    Procedure::DryNeedling {
        needle: "0.25 x 40 mm".into(),
    }
}

fn manual() -> Procedure {
    Procedure::ManualTherapy {
        technique: "ischaemic compression".into(),
    }
}

/// A point in `muscle` (None: unassigned) on `side`, given `procedures`.
fn point(muscle: Option<&str>, side: Side, procedures: &[Procedure]) -> TriggerPoint {
    let x = match side {
        Side::Left => 0.05,
        Side::Right => -0.05,
        Side::Midline => 0.0,
    };
    let mut p = TriggerPoint::new(
        View::Back,
        PatientPoint::new(x, 0.2),
        muscle.map(MuscleId::from),
        side,
    );
    p.status = Status::Active;
    p.treatments = procedures
        .iter()
        .map(|procedure| Treatment {
            procedure: procedure.clone(),
            pain_before: Some(6),
            pain_after: Some(2),
            notes: String::new(),
        })
        .collect();
    p
}

fn coding(points: Vec<TriggerPoint>) -> CodingSuggestion {
    let mut visit = Visit::new_now();
    visit.points = points;
    suggest_coding(&visit, &atlas())
}

/// The code and the number of muscles counted, or the blocking points; `None`: not used.
type Outcome = Option<Result<(CptCode, usize), Vec<usize>>>;

fn outcome(family: Option<&FamilyCoding>) -> Outcome {
    family.map(|f| match f {
        FamilyCoding::Code { code, muscles } => Ok((*code, muscles.len())),
        FamilyCoding::Blocked { unassigned_points } => Err(unassigned_points.clone()),
    })
}

#[test]
fn injections_count_distinct_muscles_and_sides() {
    use CptCode::*;
    use Side::*;
    let inj = || vec![injection()];
    let cases: Vec<(&str, Vec<TriggerPoint>, Outcome)> = vec![
        ("no point", vec![], None),
        (
            "points but no injection",
            vec![point(Some("infraspinatus"), Right, &[manual()])],
            None,
        ),
        (
            "one muscle",
            vec![point(Some("upper_trapezius"), Right, &inj())],
            Some(Ok((Tpi1Or2Muscles, 1))),
        ),
        (
            "two muscles",
            vec![
                point(Some("upper_trapezius"), Right, &inj()),
                point(Some("levator_scapulae"), Right, &inj()),
            ],
            Some(Ok((Tpi1Or2Muscles, 2))),
        ),
        (
            "three muscles",
            vec![
                point(Some("upper_trapezius"), Right, &inj()),
                point(Some("levator_scapulae"), Right, &inj()),
                point(Some("infraspinatus"), Right, &inj()),
            ],
            Some(Ok((Tpi3OrMoreMuscles, 3))),
        ),
        (
            "the same muscle left and right is two",
            vec![
                point(Some("upper_trapezius"), Left, &inj()),
                point(Some("upper_trapezius"), Right, &inj()),
            ],
            Some(Ok((Tpi1Or2Muscles, 2))),
        ),
        (
            "R+L trapezius and R+L levator scapulae is four (AAPC example)",
            vec![
                point(Some("upper_trapezius"), Left, &inj()),
                point(Some("upper_trapezius"), Right, &inj()),
                point(Some("levator_scapulae"), Left, &inj()),
                point(Some("levator_scapulae"), Right, &inj()),
            ],
            Some(Ok((Tpi3OrMoreMuscles, 4))),
        ),
        (
            "many points in one muscle are one",
            (0..6)
                .map(|_| point(Some("infraspinatus"), Left, &inj()))
                .collect(),
            Some(Ok((Tpi1Or2Muscles, 1))),
        ),
        (
            "points on the midline count once",
            vec![
                point(Some("thoracic_paraspinals"), Midline, &inj()),
                point(Some("thoracic_paraspinals"), Midline, &inj()),
            ],
            Some(Ok((Tpi1Or2Muscles, 1))),
        ),
        (
            "left upper, middle and lower trapezius are one trapezius",
            vec![
                point(Some("upper_trapezius"), Left, &inj()),
                point(Some("middle_trapezius"), Left, &inj()),
                point(Some("lower_trapezius"), Left, &inj()),
            ],
            Some(Ok((Tpi1Or2Muscles, 1))),
        ),
        (
            "both SCM divisions on one side are one sternocleidomastoid",
            vec![
                point(Some("scm_sternal"), Right, &inj()),
                point(Some("scm_clavicular"), Right, &inj()),
                point(Some("scalenes"), Right, &inj()),
            ],
            Some(Ok((Tpi1Or2Muscles, 2))),
        ),
        (
            "a point that was only needled does not count for injections",
            vec![
                point(Some("upper_trapezius"), Right, &inj()),
                point(Some("levator_scapulae"), Right, &[dry_needling()]),
                point(Some("infraspinatus"), Right, &[dry_needling()]),
            ],
            Some(Ok((Tpi1Or2Muscles, 1))),
        ),
        (
            "an unassigned injected point blocks the code",
            vec![
                point(Some("upper_trapezius"), Right, &inj()),
                point(None, Right, &inj()),
                point(Some("levator_scapulae"), Right, &inj()),
                point(None, Left, &inj()),
            ],
            Some(Err(vec![2, 4])),
        ),
        (
            "an unassigned point not injected does not block",
            vec![
                point(Some("upper_trapezius"), Right, &inj()),
                point(None, Right, &[manual()]),
            ],
            Some(Ok((Tpi1Or2Muscles, 1))),
        ),
    ];
    for (name, points, expected) in cases {
        let suggestion = coding(points);
        assert_eq!(outcome(suggestion.injection.as_ref()), expected, "{name}");
    }
}

#[test]
fn dry_needling_is_coded_the_same_way_with_its_own_codes() {
    use CptCode::*;
    use Side::*;
    let dn = || vec![dry_needling()];
    let two = coding(vec![
        point(Some("gluteus_medius"), Left, &dn()),
        point(Some("gluteus_medius"), Left, &dn()),
        point(Some("gluteus_medius"), Right, &dn()),
    ]);
    assert_eq!(
        outcome(two.dry_needling.as_ref()),
        Some(Ok((DryNeedling1Or2Muscles, 2)))
    );
    assert_eq!(two.injection, None);
    assert!(!two.needs_review());

    let three = coding(vec![
        point(Some("gluteus_medius"), Left, &dn()),
        point(Some("piriformis"), Left, &dn()),
        point(Some("quadratus_lumborum"), Left, &dn()),
    ]);
    assert_eq!(
        outcome(three.dry_needling.as_ref()),
        Some(Ok((DryNeedling3OrMoreMuscles, 3)))
    );
    assert_eq!(CptCode::DryNeedling3OrMoreMuscles.code(), "20561");

    let blocked = coding(vec![
        point(Some("gluteus_medius"), Left, &dn()),
        point(None, Left, &dn()),
    ]);
    let family = blocked.dry_needling.as_ref().unwrap();
    assert_eq!(family.code(), None);
    assert_eq!(
        family.message(),
        "no code: assign a muscle to point 2 before coding"
    );
}

#[test]
fn both_families_are_suggested_and_flagged_for_review() {
    let suggestion = coding(vec![
        point(Some("upper_trapezius"), Side::Right, &[injection()]),
        point(Some("levator_scapulae"), Side::Right, &[dry_needling()]),
        point(
            Some("infraspinatus"),
            Side::Right,
            &[injection(), dry_needling()],
        ),
    ]);
    assert_eq!(
        suggestion.injection.as_ref().and_then(FamilyCoding::code),
        Some(CptCode::Tpi1Or2Muscles)
    );
    assert_eq!(
        suggestion
            .dry_needling
            .as_ref()
            .and_then(FamilyCoding::code),
        Some(CptCode::DryNeedling1Or2Muscles)
    );
    assert!(suggestion.needs_review());
    let text = suggestion.lines().join("\n");
    assert!(text.contains("CPT 20552"), "{text}");
    assert!(text.contains("CPT 20560"), "{text}");
    assert!(text.contains("Review:"), "{text}");
}

#[test]
fn the_muscles_counted_are_named_with_side_and_points() {
    let suggestion = coding(vec![
        point(Some("upper_trapezius"), Side::Left, &[injection()]),
        point(Some("infraspinatus"), Side::Right, &[injection()]),
        point(Some("lower_trapezius"), Side::Left, &[injection()]),
    ]);
    let Some(FamilyCoding::Code { code, muscles }) = &suggestion.injection else {
        panic!("a code: {suggestion:?}");
    };
    assert_eq!(*code, CptCode::Tpi1Or2Muscles);
    assert_eq!(muscles.len(), 2);
    assert_eq!(muscles[0].billing_key, "trapezius");
    assert_eq!(muscles[0].name, "Trapezius");
    assert_eq!(muscles[0].side, Side::Left);
    assert_eq!(muscles[0].points, vec![1, 3]);
    assert_eq!(
        muscles[0].describe(),
        "Left trapezius (upper trapezius, lower trapezius): points 1, 3"
    );
    assert_eq!(muscles[1].name, "Infraspinatus");
    assert_eq!(muscles[1].describe(), "Right infraspinatus: point 2");
    let message = suggestion.injection.as_ref().unwrap().message();
    assert!(message.starts_with("20552 (Injection(s)"), "{message}");
    assert!(message.contains("2 muscles counted"), "{message}");
}

#[test]
fn diagnoses_follow_the_sites_and_never_the_header_or_fibromyalgia() {
    let suggestion = coding(vec![
        point(Some("upper_trapezius"), Side::Right, &[injection()]),
        point(Some("scm_sternal"), Side::Left, &[]),
        point(Some("infraspinatus"), Side::Right, &[]),
        point(None, Side::Left, &[]),
    ]);
    let codes: Vec<&str> = suggestion.diagnoses.iter().map(|d| d.code.code()).collect();
    assert_eq!(codes, ["M79.10", "M79.12", "M79.18"]);
    assert_eq!(
        suggestion.diagnoses[1].sites,
        [
            "Right upper trapezius",
            "Left sternocleidomastoid, sternal division (SCM)"
        ]
    );
    assert_eq!(suggestion.diagnoses[1].points, [1, 2]);
    for diagnosis in &suggestion.diagnoses {
        assert_ne!(diagnosis.code.code(), "M79.1");
        assert!(!diagnosis.code.code().starts_with("M79.7"));
    }
}

#[test]
fn the_icd_mapping_keys_on_muscle_ids() {
    let code = |id: &str| IcdCode::for_muscle(Some(&MuscleId::from(id)));
    for id in [
        "temporalis",
        "masseter",
        "lateral_pterygoid",
        "medial_pterygoid",
    ] {
        assert_eq!(code(id), IcdCode::M79_11, "{id}");
    }
    for id in [
        "upper_trapezius",
        "levator_scapulae",
        "scm_sternal",
        "scm_clavicular",
        "scalenes",
        "splenius_capitis",
        "splenius_cervicis",
        "suboccipitals",
        "posterior_cervical",
        "digastric",
        "occipitofrontalis",
    ] {
        assert_eq!(code(id), IcdCode::M79_12, "{id}");
    }
    for id in [
        "middle_trapezius",
        "infraspinatus",
        "gluteus_medius",
        "tibialis_anterior",
    ] {
        assert_eq!(code(id), IcdCode::M79_18, "{id}");
    }
    assert_eq!(IcdCode::for_muscle(None), IcdCode::M79_10);
}

#[test]
fn resolved_and_unexamined_points_give_no_diagnosis() {
    let mut resolved = point(Some("infraspinatus"), Side::Right, &[]);
    resolved.status = Status::Resolved;
    let mut carried = point(Some("masseter"), Side::Right, &[]);
    carried.status = Status::ToReexamine;
    let suggestion = coding(vec![resolved, carried]);
    assert!(suggestion.diagnoses.is_empty(), "{suggestion:?}");
    let lines = suggestion.lines();
    assert_eq!(lines[0], "No injection or dry needling: no CPT code");
}

#[test]
fn the_example_visit_is_coded() {
    let atlas = atlas();
    let opened = triggermap::storage::open_visit(
        std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/example-visit.ron"
        )),
        &atlas,
    )
    .unwrap();
    let suggestion = suggest_coding(&opened.visit, &atlas);
    assert!(suggestion.injection.is_some());
    assert!(suggestion.dry_needling.is_some());
    assert!(suggestion.needs_review());
    assert!(!suggestion.diagnoses.is_empty());
}
