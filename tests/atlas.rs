//! The anatomy atlas: complete, well formed, anatomically placed, and sided correctly.
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use regex::RegexBuilder;
use std::collections::{BTreeMap, HashSet};
use triggermap::atlas::{Atlas, Group, Laterality};
use triggermap::geometry;
use triggermap::model::PatientPoint;
use triggermap::model::{Figure, MuscleId, Side, View};

fn atlas() -> Atlas {
    Atlas::builtin().expect("the built-in atlas loads and validates")
}

/// A classic site of a site table (tests/fixtures/section-d-sites.tsv and section-h-sites.tsv,
/// copies of the clinical reference's tables).
struct ClassicSite {
    label: String,
    name_pattern: String,
    view: View,
    y: f32,
    x: f32,
}

fn classic_sites(text: &str) -> Vec<ClassicSite> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 5, "bad TSV line {line:?}");
            ClassicSite {
                label: cols[0].to_owned(),
                name_pattern: cols[1].to_owned(),
                view: View::parse(cols[2]).expect("view"),
                y: cols[3].parse().expect("y"),
                x: cols[4].parse().expect("x"),
            }
        })
        .collect()
}

fn section_d_sites() -> Vec<ClassicSite> {
    classic_sites(include_str!("fixtures/section-d-sites.tsv"))
}

fn section_h_sites() -> Vec<ClassicSite> {
    classic_sites(include_str!("fixtures/section-h-sites.tsv"))
}

/// Pairs of muscles whose classic sites coincide in the tables (clinical reference G5): at such a
/// point either muscle may be offered first.
const SHARED_SITES: [[&str; 2]; 2] = [
    ["middle_trapezius", "serratus_posterior_superior"],
    ["gracilis", "adductor_magnus"],
];

/// Everything wrong with `sites` on both sides: the row's pattern must name exactly one muscle,
/// a region of that muscle on that side must be under the site, no region of the other side may
/// be, and (when `check_first`) that muscle must be the first one offered.
fn site_problems(atlas: &Atlas, sites: &[ClassicSite], check_first: bool) -> Vec<String> {
    let mut problems = Vec::new();
    for site in sites {
        let pattern = RegexBuilder::new(&site.name_pattern)
            .case_insensitive(true)
            .build()
            .expect("regex");
        let matching: Vec<&MuscleId> = atlas
            .muscles()
            .iter()
            .filter(|m| pattern.is_match(&m.name))
            .map(|m| &m.id)
            .collect();
        let [muscle] = matching[..] else {
            problems.push(format!(
                "{}: pattern {:?} names {matching:?}, not exactly one muscle",
                site.label, site.name_pattern
            ));
            continue;
        };
        for side in [Side::Left, Side::Right] {
            let x = if side == Side::Left { site.x } else { -site.x };
            let hits = atlas.regions_at(site.view, PatientPoint::new(x, site.y));
            let names: Vec<String> = hits.iter().map(|&r| atlas.region_label(r)).collect();
            let where_ = format!(
                "{} ({side:?}, {:?} view, x {x}, y {})",
                site.label, site.view, site.y
            );
            let is_muscle = |r: usize| {
                let region = &atlas.regions()[r];
                region.side == side && atlas.muscle_of(region).id == *muscle
            };
            if !hits.iter().any(|&r| is_muscle(r)) {
                problems.push(format!("{where_}: not in {muscle}, only in {names:?}"));
            }
            if hits.iter().any(|&r| atlas.regions()[r].side != side) {
                problems.push(format!(
                    "{where_}: a region of the other side is here: {names:?}"
                ));
            }
            if check_first && let Some(&first) = hits.first() {
                let first_id = atlas.muscle_of(&atlas.regions()[first]).id.as_str();
                let shared = SHARED_SITES
                    .iter()
                    .any(|pair| pair.contains(&first_id) && pair.contains(&muscle.as_str()));
                if !is_muscle(first) && !shared {
                    problems.push(format!(
                        "{where_}: {muscle} is not offered first: {names:?}"
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn every_muscle_of_section_d_is_there_once() {
    let atlas = atlas();
    let mut per_group = BTreeMap::new();
    let mut ids = HashSet::new();
    for muscle in atlas.muscles() {
        assert!(ids.insert(muscle.id.clone()), "duplicate id {}", muscle.id);
        *per_group.entry(muscle.group).or_insert(0) += 1;
        assert!(!muscle.name.is_empty());
        assert!(
            !muscle.referred_pain.is_empty(),
            "{} has no referred pain text",
            muscle.id
        );
        assert!(
            !muscle.trigger_points.is_empty(),
            "{} has no trigger point text",
            muscle.id
        );
        assert_eq!(
            muscle.sites.is_empty(),
            muscle.is_list_only(),
            "{}: a drawn muscle has classic sites, a list-only one none",
            muscle.id
        );
    }
    // The nine groups of clinical reference G3 (the old Back group held chest, shoulder and hip).
    let counts: Vec<(Group, usize)> = per_group.into_iter().collect();
    assert_eq!(
        counts,
        vec![
            (Group::HeadJaw, 6),
            (Group::Neck, 9),
            (Group::ShoulderChest, 11),
            (Group::Back, 10),
            (Group::AbdomenPelvis, 6),
            (Group::Arm, 5),
            (Group::ForearmHand, 11),
            (Group::HipThigh, 17),
            (Group::LegFoot, 17),
        ]
    );
    let catalogue: HashSet<&str> = atlas
        .muscles()
        .iter()
        .map(|m| m.catalogue.as_str())
        .collect();
    assert_eq!(
        catalogue.len(),
        atlas.muscles().len(),
        "each catalogue id (N1..L19, H1.1..) once"
    );
}

#[test]
fn regions_are_closed_simple_and_inside_the_body() {
    let atlas = atlas();
    for (index, region) in atlas.regions().iter().enumerate() {
        let name = atlas.region_label(index);
        let polygon = &region.shape.polygon;
        assert!(polygon.len() >= 24, "{name}: too few vertices");
        assert!(region.shape.area > 0.00002, "{name}: degenerate");
        assert!(
            !geometry::self_intersects(polygon),
            "{name}: self-intersecting"
        );
        assert!(
            !region.shape.triangles.is_empty(),
            "{name}: cannot be filled"
        );
        let outside = polygon
            .iter()
            .filter(|&&p| {
                !atlas.inside_body_on(region.view, p) && !near_body(&atlas, region.view, p)
            })
            .count();
        assert_eq!(
            outside, 0,
            "{name} on {:?}: {outside} vertices outside the body",
            region.view
        );
    }
}

fn near_body(atlas: &Atlas, view: View, p: PatientPoint) -> bool {
    atlas
        .silhouette_on(view)
        .any(|s| s.distance_to_edge(p) <= 0.0025)
}

#[test]
fn every_bilateral_muscle_has_a_mirror_image_on_the_other_side() {
    let atlas = atlas();
    for muscle in atlas.muscles() {
        assert_eq!(muscle.laterality, Laterality::Bilateral, "{}", muscle.id);
        for &view in &muscle.views {
            // A profile shows one side: its own, by construction.
            if let Some(side) = view.profile_side() {
                assert!(atlas.region_of(&muscle.id, side, view).is_some());
                assert!(
                    atlas.region_of(&muscle.id, side.mirror(), view).is_none(),
                    "{} has a {:?} region on the {view:?}",
                    muscle.id,
                    side.mirror()
                );
                continue;
            }
            let left = atlas.region_of(&muscle.id, Side::Left, view).expect("left");
            let right = atlas
                .region_of(&muscle.id, Side::Right, view)
                .expect("right");
            let (l, r) = (&atlas.regions()[left].shape, &atlas.regions()[right].shape);
            assert_eq!(l.polygon.len(), r.polygon.len());
            for (a, b) in l.polygon.iter().zip(&r.polygon) {
                assert_eq!(
                    a.mirrored(),
                    *b,
                    "{} is not mirrored on {view:?}",
                    muscle.id
                );
            }
            assert!(
                l.polygon.iter().all(|p| p.x >= -0.002),
                "{} left region crosses to the right",
                muscle.id
            );
        }
    }
}

#[test]
fn section_d_sites_fall_inside_their_muscle_on_both_sides() {
    let atlas = atlas();
    let sites = section_d_sites();
    assert_eq!(
        sites.len(),
        65,
        "62 rows, plus teres major's second site and two new views (G)"
    );
    let problems = site_problems(&atlas, &sites, true);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn section_h_sites_fall_inside_their_muscle_on_both_sides() {
    let atlas = atlas();
    let sites = section_h_sites();
    assert_eq!(sites.len(), 36);
    let problems = site_problems(&atlas, &sites, true);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn each_muscles_own_sites_fall_inside_it() {
    let atlas = atlas();
    for muscle in atlas.muscles() {
        for site in &muscle.sites {
            for side in muscle.sides() {
                // A profile site holds on both profiles at the same coordinates.
                let (view, pos) = match (site.view.is_body(), *side) {
                    (true, Side::Right) => (site.view, site.pos.mirrored()),
                    (false, Side::Right) => (View::RightProfile, site.pos),
                    _ => (site.view, site.pos),
                };
                let region = atlas
                    .region_of(&muscle.id, *side, view)
                    .expect("region on the site's view");
                assert!(
                    atlas.regions()[region].shape.contains(pos),
                    "{} site {} ({side:?}) outside its region",
                    muscle.id,
                    site.label
                );
            }
        }
    }
}

fn muscle_ids(atlas: &Atlas, hits: &[usize]) -> Vec<String> {
    hits.iter()
        .map(|&r| atlas.muscle_of(&atlas.regions()[r]).id.0.clone())
        .collect()
}

#[test]
fn deep_muscles_are_found_under_superficial_ones() {
    let atlas = atlas();
    // Subscapularis is palpated at the axillary border (0.095, 0.24), where teres and latissimus
    // lie too. 0.01 medial to its site, beyond the reach of G5, the superficial muscle comes first.
    let away = PatientPoint::new(0.085, 0.24);
    let hits = atlas.regions_at(View::Back, away);
    let names = muscle_ids(&atlas, &hits);
    assert!(names.contains(&"subscapularis".to_owned()), "{names:?}");
    assert!(
        hits.len() >= 2,
        "a deep muscle is offered beside the superficial one: {names:?}"
    );
    let first = &atlas.regions()[hits[0]];
    assert_eq!(
        atlas.muscle_of(first).layer,
        triggermap::atlas::Layer::Superficial,
        "superficial first: {names:?}"
    );
    // No deep muscle's site is within reach there, so nothing is promoted.
    for &r in &hits {
        let muscle = atlas.muscle_of(&atlas.regions()[r]);
        for site in muscle.sites.iter().filter(|s| s.view == View::Back) {
            let d = (site.pos.x - away.x).hypot(site.pos.y - away.y);
            assert!(
                muscle.layer == triggermap::atlas::Layer::Superficial
                    || d > triggermap::atlas::DEEP_SITE_REACH,
                "{} site {} is {d} away",
                muscle.id,
                site.label
            );
        }
    }
}

#[test]
fn at_its_own_classic_site_a_deep_muscle_comes_first() {
    let atlas = atlas();
    // G5: at the subscapularis site, and up to 0.006 from it, subscapularis is offered first; the
    // superficial muscles stay in the list.
    for (x, y) in [(0.095, 0.24), (0.099, 0.244), (-0.095, 0.24)] {
        let hits = atlas.regions_at(View::Back, PatientPoint::new(x, y));
        let names = muscle_ids(&atlas, &hits);
        assert_eq!(names[0], "subscapularis", "at ({x}, {y}): {names:?}");
        assert!(names.len() >= 2, "{names:?}");
    }
    // Where the sites of a deep and a superficial muscle coincide, the superficial one wins the tie.
    let shared = atlas.regions_at(View::Back, PatientPoint::new(0.05, 0.21));
    assert_eq!(muscle_ids(&atlas, &shared)[0], "middle_trapezius");
    // Two sites 0.002 apart (masseter lower site, medial pterygoid): the nearest decides.
    let masseter = atlas.regions_at(View::Front, PatientPoint::new(0.030, 0.108));
    assert_eq!(muscle_ids(&atlas, &masseter)[0], "masseter");
    let pterygoid = atlas.regions_at(View::Front, PatientPoint::new(0.029, 0.110));
    assert_eq!(muscle_ids(&atlas, &pterygoid)[0], "medial_pterygoid");
}

#[test]
fn sides_are_the_patients_on_both_views() {
    let atlas = atlas();
    // Upper trapezius on the back view at +x is the patient's left.
    let left = atlas.regions_at(View::Back, PatientPoint::new(0.07, 0.18));
    assert_eq!(atlas.regions()[left[0]].side, Side::Left);
    let right = atlas.regions_at(View::Back, PatientPoint::new(-0.07, 0.18));
    assert_eq!(atlas.regions()[right[0]].side, Side::Right);
    // Pectoralis major on the front view at -x is the patient's right.
    let right = atlas.regions_at(View::Front, PatientPoint::new(-0.06, 0.25));
    assert_eq!(atlas.regions()[right[0]].side, Side::Right);
    assert_eq!(
        atlas.muscle_of(&atlas.regions()[right[0]]).id.as_str(),
        "pectoralis_major"
    );
    // And on screen: the front view draws the patient's right on the viewer's left (u < 0),
    // the back view draws the patient's left on the viewer's left.
    assert!(geometry::to_diagram(View::Front, PatientPoint::new(-0.06, 0.25)).u < 0.0);
    assert!(geometry::to_diagram(View::Back, PatientPoint::new(0.07, 0.18)).u < 0.0);
}

#[test]
fn points_outside_every_muscle_offer_the_nearest() {
    let atlas = atlas();
    let on_forehead = PatientPoint::new(0.0, 0.05);
    assert!(atlas.inside_body(on_forehead));
    assert!(atlas.regions_at(View::Front, on_forehead).is_empty());
    let nearest = atlas.nearest_regions(View::Front, on_forehead, 3);
    assert_eq!(nearest.len(), 3);
    assert!(nearest[0].1 <= nearest[1].1);
    assert!(
        !atlas.inside_body(PatientPoint::new(0.3, 0.5)),
        "beside the figure is outside"
    );
}

#[test]
fn a_broken_atlas_is_refused_with_the_file_and_line() {
    let error = Atlas::parse(
        "(format: \"triggermap-atlas\",\n version: 1,\n silhouette: [oops",
        "bad.ron",
    )
    .expect_err("refused");
    let text = error.to_string();
    assert!(text.starts_with("bad.ron:3:"), "{text}");
}

/// SNOMED CT body-structure codes verified in DICOM CID 6116 "Muscular Anatomy" (clinical reference L5).
/// A code not in this list must not be in the atlas: none is invented.
const VERIFIED_SNOMED: [&str; 18] = [
    "31764008", "22823000", "35259002", "44947003", "57651003", "88340001", "4317002", "72573008",
    "6423006", "90588001", "1193009", "51159009", "15665001", "60005003", "18686000", "50755001",
    "18346003", "73930003",
];

#[test]
fn every_snomed_code_is_a_verified_one() {
    let atlas = Atlas::builtin().unwrap();
    let coded: Vec<_> = atlas
        .muscles()
        .iter()
        .filter_map(|m| m.snomed.as_deref().map(|code| (m.id.0.as_str(), code)))
        .collect();
    assert!(coded.len() >= 17, "only {} muscles coded", coded.len());
    for (id, code) in coded {
        assert!(
            VERIFIED_SNOMED.contains(&code),
            "{id}: {code} is not verified"
        );
    }
    let trapezius = atlas.muscle(&MuscleId("middle_trapezius".into())).unwrap();
    assert_eq!(trapezius.snomed.as_deref(), Some("31764008"));
}

#[test]
fn the_parts_of_one_muscle_share_a_billing_key() {
    let atlas = Atlas::builtin().unwrap();
    let key = |id: &str| {
        atlas
            .muscle(&MuscleId(id.into()))
            .unwrap()
            .billing_key
            .clone()
    };
    assert_eq!(key("upper_trapezius"), "trapezius");
    assert_eq!(key("lower_trapezius"), "trapezius");
    assert_eq!(key("scm_sternal"), key("scm_clavicular"));
    assert_eq!(key("levator_scapulae"), "levator_scapulae");
}

#[test]
fn muscles_are_listed_group_by_group_in_picker_order() {
    let atlas = atlas();
    let groups: Vec<Group> = atlas.muscles().iter().map(|m| m.group).collect();
    assert!(groups.is_sorted(), "muscles out of group order: {groups:?}");
    assert!(Group::ALL.is_sorted());
    let id = |id: &str| atlas.muscle(&MuscleId(id.into())).unwrap();
    assert_eq!(id("pectoralis_major").group.label(), "Shoulder & chest");
    assert_eq!(id("gluteus_medius").group, Group::HipThigh);
    assert_eq!(id("iliopsoas").group.label(), "Abdomen & pelvis");
}

#[test]
fn a_search_finds_muscles_by_name_group_and_search_terms() {
    let atlas = atlas();
    let found = |query: &str| -> Vec<&str> {
        atlas
            .muscles()
            .iter()
            .filter(|m| m.matches_search(query))
            .map(|m| m.id.as_str())
            .collect()
    };
    assert!(found("groin").contains(&"iliopsoas"));
    assert!(found(" HIP ").contains(&"iliopsoas"));
    assert!(found("hip").contains(&"piriformis"), "by group label");
    assert_eq!(found("supinat"), vec!["supinator"]);
    assert_eq!(found("").len(), atlas.muscles().len());
    assert!(found("xyzzy").is_empty());
}

#[test]
fn superficial_regions_hardly_overlap() {
    // No two superficial regions of one side and view share more than 2 cm² at 175 cm (G), measured
    // on a grid of 0.0005 (under 1 mm), on both figures.
    let male = atlas();
    let female = male.for_figure(Figure::Female);
    let mut problems = overlap_problems(&male);
    problems.extend(
        overlap_problems(&female)
            .into_iter()
            .map(|p| format!("female: {p}")),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn overlap_problems(atlas: &Atlas) -> Vec<String> {
    let step = 0.0005_f32;
    let limit = 2.0 / (175.0_f32 * 175.0);
    let superficial: Vec<usize> = (0..atlas.regions().len())
        .filter(|&r| {
            atlas.muscle_of(&atlas.regions()[r]).layer == triggermap::atlas::Layer::Superficial
        })
        .collect();
    let mut problems = Vec::new();
    for (i, &a) in superficial.iter().enumerate() {
        for &b in &superficial[i + 1..] {
            let (ra, rb) = (&atlas.regions()[a], &atlas.regions()[b]);
            if ra.view != rb.view || ra.side != rb.side || ra.muscle == rb.muscle {
                continue;
            }
            let (ba, bb) = (ra.shape.bounds, rb.shape.bounds);
            let (x0, x1) = (ba.min_x.max(bb.min_x), ba.max_x.min(bb.max_x));
            let (y0, y1) = (ba.min_y.max(bb.min_y), ba.max_y.min(bb.max_y));
            if x0 >= x1 || y0 >= y1 {
                continue;
            }
            let mut shared = 0;
            let mut y = y0;
            while y < y1 {
                let mut x = x0;
                while x < x1 {
                    let p = PatientPoint::new(x, y);
                    if ra.shape.contains(p) && rb.shape.contains(p) {
                        shared += 1;
                    }
                    x += step;
                }
                y += step;
            }
            let area = shared as f32 * step * step;
            if area > limit {
                problems.push(format!(
                    "{} and {} on {:?} share {:.1} cm²",
                    atlas.region_label(a),
                    atlas.region_label(b),
                    ra.view,
                    area * 175.0 * 175.0
                ));
            }
        }
    }
    problems
}

#[test]
fn at_least_90_muscles_each_on_the_left_and_the_right() {
    let atlas = atlas();
    assert!(atlas.muscles().len() >= 90, "{}", atlas.muscles().len());
    for muscle in atlas.muscles() {
        assert_eq!(muscle.sides(), [Side::Left, Side::Right], "{}", muscle.id);
        for &view in &muscle.views {
            // A profile shows one side: the left profile the left, the right profile the right.
            let sides = match view.profile_side() {
                Some(side) => vec![side],
                None => vec![Side::Left, Side::Right],
            };
            for side in sides {
                assert!(
                    atlas.region_of(&muscle.id, side, view).is_some(),
                    "{} has no {side:?} region on {view:?}",
                    muscle.id
                );
            }
        }
    }
}

#[test]
fn list_only_muscles_are_in_the_catalogue_without_regions() {
    let atlas = atlas();
    let list_only: Vec<&str> = atlas
        .muscles()
        .iter()
        .filter(|m| m.is_list_only())
        .map(|m| m.id.as_str())
        .collect();
    for id in [
        "levator_ani",
        "coccygeus",
        "obturator_internus_pelvic",
        "flexor_digitorum_brevis",
        "quadratus_plantae",
        "adductor_hallucis",
        "flexor_hallucis_brevis",
    ] {
        assert!(
            list_only.contains(&id),
            "{id} is not list-only: {list_only:?}"
        );
        let muscle = atlas.muscle(&MuscleId(id.into())).unwrap();
        assert!(muscle.views.is_empty() && muscle.sites.is_empty());
        assert!(!muscle.referred_pain.is_empty());
        for view in [View::Front, View::Back] {
            for side in [Side::Left, Side::Right] {
                assert_eq!(atlas.region_of(&muscle.id, side, view), None);
            }
        }
    }
    let index = atlas
        .muscles()
        .iter()
        .position(|m| m.id.as_str() == "levator_ani")
        .unwrap();
    assert!(atlas.regions().iter().all(|r| r.muscle != index));
    let found: Vec<&str> = atlas
        .muscles()
        .iter()
        .filter(|m| m.matches_search("pelvic floor"))
        .map(|m| m.id.as_str())
        .collect();
    assert!(found.contains(&"coccygeus"), "{found:?}");
}

/// A one-muscle atlas around the built-in silhouette, for validator tests.
fn atlas_with_muscle(muscle: &str) -> String {
    let builtin = triggermap::atlas::BUILTIN_ATLAS;
    let start = builtin.find("    muscles: [").unwrap();
    format!("{}    muscles: [{muscle}],\n)\n", &builtin[..start])
}

#[test]
fn a_muscle_without_outlines_is_accepted_unless_it_has_sites() {
    let list_only = r#"(id: "quadratus_plantae", name: "Quadratus plantae", catalogue: "H6.5",
        group: LegFoot, layer: Deep, trigger_points: "Sole.", referred_pain: "Heel.",
        sites: [], outlines: [])"#;
    let atlas = Atlas::parse(&atlas_with_muscle(list_only), "one.ron").expect("accepted");
    assert_eq!(atlas.muscles().len(), 1);
    assert!(atlas.regions().is_empty());
    assert!(atlas.muscles()[0].is_list_only());

    let with_site = list_only.replace(
        "sites: []",
        r#"sites: [(label: "Heel", view: Front, x: 0.04, y: 0.98)]"#,
    );
    let error = Atlas::parse(&atlas_with_muscle(&with_site), "one.ron")
        .expect_err("a site needs an outline");
    assert!(
        error
            .to_string()
            .contains("quadratus_plantae: has classic sites but no outline"),
        "{error}"
    );
}

#[test]
fn the_landmark_layer_has_the_cues_of_both_views_inside_the_body() {
    let atlas = atlas();
    let names =
        |view: View| -> Vec<&str> { atlas.landmarks_on(view).map(|l| l.name.as_str()).collect() };
    let front = names(View::Front);
    for cue in [
        "eye",
        "nose",
        "clavicle",
        "sternum and xiphoid",
        "umbilicus",
        "patella",
        "medial malleolus",
    ] {
        assert!(front.contains(&cue), "front has no {cue}: {front:?}");
    }
    let back = names(View::Back);
    for cue in [
        "ear",
        "superior nuchal line (occiput)",
        "spinous-process line",
        "scapular spine",
        "scapula, medial border and inferior angle",
        "iliac crest",
        "gluteal fold",
        "lateral malleolus",
    ] {
        assert!(back.contains(&cue), "back has no {cue}: {back:?}");
    }
    // Mirrored landmarks come in pairs, one on each side.
    let clavicles: Vec<_> = atlas
        .landmarks_on(View::Front)
        .filter(|l| l.name == "clavicle")
        .collect();
    assert_eq!(clavicles.len(), 2);
    assert!(clavicles[0].points.iter().all(|p| p.x <= 0.0));
    assert!(clavicles[1].points.iter().all(|p| p.x >= 0.0));
    for landmark in atlas.landmarks() {
        assert!(landmark.points.len() >= 2, "{}", landmark.name);
        if landmark.closed {
            assert!(
                landmark.points.len() >= 24,
                "{} is not smoothed",
                landmark.name
            );
        }
        for &p in &landmark.points {
            assert!(p.is_finite());
            assert!(
                atlas.inside_body(p)
                    || atlas
                        .silhouette()
                        .iter()
                        .any(|s| s.distance_to_edge(p) <= 0.0045),
                "{} leaves the body at {p:?}",
                landmark.name
            );
        }
    }
}

#[test]
fn a_landmark_outside_the_body_is_refused() {
    let builtin = triggermap::atlas::BUILTIN_ATLAS;
    let start = builtin.find("    landmarks: [").unwrap();
    let text = format!(
        "{}    landmarks: [(name: \"stray\", view: Back, mirrored: false, closed: false, points: [(0.0, 0.3), (0.3, 0.3)])],\n    muscles: [],\n)\n",
        &builtin[..start]
    );
    let error = Atlas::parse(&text, "stray.ron").expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("landmark \"stray\": leaves the body outline"),
        "{error}"
    );
    let without = format!("{}    muscles: [],\n)\n", &builtin[..start]);
    let atlas = Atlas::parse(&without, "plain.ron").expect("landmarks are optional");
    assert!(atlas.landmarks().is_empty());
}

#[test]
fn the_back_view_head_ends_at_the_occiput_without_a_chin() {
    let atlas = atlas();
    let vertex = PatientPoint::new(0.0, 0.01);
    let head_bottom = |view: View| {
        atlas
            .silhouette_on(view)
            .filter(|s| s.contains(vertex))
            .flat_map(|s| s.polygon.iter().map(|p| p.y))
            .fold(f32::MIN, f32::max)
    };
    assert!(head_bottom(View::Front) > 0.13, "the face ends at the chin");
    let back = head_bottom(View::Back);
    assert!((0.1..0.112).contains(&back), "occipital base at {back}");
    // The two heads are separate parts, each drawn on its own view only.
    assert_eq!(
        atlas.silhouette_on(View::Front).count(),
        atlas.silhouette_on(View::Back).count()
    );
    // Every part is of the whole body or of one view: the front head, the back head, the profile.
    assert_eq!(
        atlas.silhouette().len(),
        atlas.silhouette_on(View::Front).count()
            + 1
            + atlas.silhouette_on(View::LeftProfile).count()
    );
    // The posterior neck regions start below the back-view head's lowest point or inside the neck.
    assert!(atlas.inside_body_on(View::Back, PatientPoint::new(0.016, 0.096)));
}

#[test]
fn an_atlas_of_version_1_still_loads_and_a_newer_one_is_refused() {
    let builtin = triggermap::atlas::BUILTIN_ATLAS;
    assert!(builtin.contains("    version: 2,"));
    let start = builtin.find("    landmarks: [").unwrap();
    let version_1 = format!("{}    muscles: [],\n)\n", &builtin[..start])
        .replace("    version: 2,", "    version: 1,");
    Atlas::parse(&version_1, "old.ron").expect("version 1 is read");
    let version_3 = version_1.replace("    version: 1,", "    version: 3,");
    let error = Atlas::parse(&version_3, "new.ron").expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("version 3 is not one this TriggerMap reads"),
        "{error}"
    );
}

/// The section-D and section-H sites on the female figure: each at its place on that figure (the
/// male coordinates moved by the female figure's warp, `atlas::female_position`), in its muscle on
/// both sides, never on the wrong side, and its muscle offered first.
#[test]
fn classic_sites_hold_on_the_female_figure() {
    let female = atlas().for_figure(Figure::Female);
    let moved = |sites: Vec<ClassicSite>| -> Vec<ClassicSite> {
        sites
            .into_iter()
            .map(|s| {
                let p = triggermap::atlas::female_position(s.view, PatientPoint::new(s.x, s.y));
                ClassicSite {
                    x: p.x,
                    y: p.y,
                    ..s
                }
            })
            .collect()
    };
    let mut problems = site_problems(&female, &moved(section_d_sites()), true);
    problems.extend(site_problems(&female, &moved(section_h_sites()), true));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Both figures have the same muscles, the same sites (by label and view) and the same regions;
/// only the coordinates of the body views differ, and the female figure has the breast contour.
#[test]
fn the_female_figure_has_the_same_muscles_and_sites_in_its_own_places() {
    let male = atlas();
    let female = male.for_figure(Figure::Female);
    assert_eq!(male.muscles().len(), female.muscles().len());
    let mut moved = 0;
    for (m, f) in male.muscles().iter().zip(female.muscles()) {
        assert_eq!(m.id, f.id);
        assert_eq!(m.name, f.name);
        assert_eq!(m.views, f.views);
        assert_eq!(m.sites.len(), f.sites.len());
        for (a, b) in m.sites.iter().zip(&f.sites) {
            assert_eq!((&a.label, a.view), (&b.label, b.view));
            assert_eq!(a.pos.x.signum(), b.pos.x.signum(), "{} {}", m.id, a.label);
            assert_eq!(a.pos.y, b.pos.y);
            if a.view.is_body() && a.pos != b.pos {
                moved += 1;
            }
            if !a.view.is_body() {
                assert_eq!(a.pos, b.pos, "the head profile is the same on both figures");
            }
        }
    }
    assert!(
        moved > 100,
        "only {moved} sites have their own female coordinates"
    );
    let regions = |a: &Atlas| -> Vec<(String, Side, View)> {
        a.regions()
            .iter()
            .map(|r| (a.muscle_of(r).id.0.clone(), r.side, r.view))
            .collect()
    };
    assert_eq!(regions(&male), regions(&female));
    let breast = |a: &Atlas| {
        a.landmarks_on(View::Front)
            .filter(|l| l.name == "breast contour")
            .count()
    };
    assert_eq!((breast(&male), breast(&female)), (0, 2));
    // Every female landmark lies inside the female body.
    for landmark in female.landmarks() {
        for &p in &landmark.points {
            let view = landmark.view;
            assert!(
                female.inside_body_on(view, p)
                    || female
                        .silhouette_on(view)
                        .any(|s| s.distance_to_edge(p) <= 0.004),
                "{} leaves the female body at {p:?}",
                landmark.name
            );
        }
    }
}

/// The sites of the head profile (tests/fixtures/profile-sites.tsv): on the left profile every
/// one is in its muscle on the patient's left, on the right profile on the patient's right, at
/// the same coordinates (a profile has no mirror: the side is the profile's), and its muscle is
/// offered first, on both figures.
#[test]
fn profile_sites_name_the_muscle_and_the_profiles_side() {
    let sites = classic_sites(include_str!("fixtures/profile-sites.tsv"));
    assert!(sites.len() >= 17, "{}", sites.len());
    let male = atlas();
    let female = male.for_figure(Figure::Female);
    let mut problems = Vec::new();
    for atlas in [&male, &female] {
        for site in &sites {
            assert_eq!(site.view, View::LeftProfile, "{}", site.label);
            let pattern = RegexBuilder::new(&site.name_pattern)
                .case_insensitive(true)
                .build()
                .expect("regex");
            for view in View::PROFILES {
                let side = view.profile_side().expect("a profile");
                let hits = atlas.regions_at(view, PatientPoint::new(site.x, site.y));
                let first = hits.first().map(|&r| &atlas.regions()[r]);
                match first {
                    Some(region)
                        if region.side == side
                            && pattern.is_match(&atlas.muscle_of(region).name) => {}
                    _ => problems.push(format!(
                        "{} on {view:?}: first offered {:?}",
                        site.label,
                        hits.iter()
                            .map(|&r| atlas.region_label(r))
                            .collect::<Vec<_>>()
                    )),
                }
                if hits.iter().any(|&r| atlas.regions()[r].side != side) {
                    problems.push(format!(
                        "{} on {view:?}: a region of the other side",
                        site.label
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Laterality on the profiles is safe by construction: every region of a profile is of its side,
/// the face is drawn toward the viewer's left on the left profile and toward the viewer's right on
/// the right profile, and the head muscles of H1 are all on both profiles.
#[test]
fn the_profiles_are_sided_by_construction() {
    let atlas = atlas();
    for region in atlas.regions() {
        if let Some(side) = region.view.profile_side() {
            assert_eq!(region.side, side, "{}", atlas.muscle_of(region).id);
        }
    }
    let face = PatientPoint::new(0.05, 0.08);
    assert!(geometry::to_diagram(View::LeftProfile, face).u < 0.0);
    assert!(geometry::to_diagram(View::RightProfile, face).u > 0.0);
    for id in [
        "temporalis",
        "masseter",
        "lateral_pterygoid",
        "medial_pterygoid",
        "digastric",
        "occipitofrontalis",
        "scm_sternal",
        "scm_clavicular",
        "upper_trapezius",
        "splenius_capitis",
        "suboccipitals",
    ] {
        let muscle = atlas.muscle(&MuscleId(id.into())).expect(id);
        assert!(
            muscle.views.contains(&View::LeftProfile) && muscle.views.contains(&View::RightProfile),
            "{id}: {:?}",
            muscle.views
        );
    }
    assert!(atlas.silhouette_on(View::LeftProfile).count() == 1);
    assert_eq!(
        atlas.silhouette_on(View::LeftProfile).count(),
        atlas.silhouette_on(View::RightProfile).count()
    );
    assert!(
        atlas
            .landmarks_on(View::RightProfile)
            .any(|l| l.name == "ear")
    );
}
