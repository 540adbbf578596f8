//! The charts drawn for the record (SVG and PNG): every marker on the side of the patient it was
//! charted on, the R and L letters where that side is drawn, on the visit's own figure.
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use regex::Regex;
use triggermap::editing::identify;
use triggermap::export::RecordContext;
use triggermap::model::{Figure, PatientPoint, Side, Status, TriggerPoint, View, Visit};
use triggermap::report::{Panel, chart_png, chart_svg, chart_views, layout};

/// A visit with one point at `pos` on `view`, of `status`, named by the atlas.
fn visit_with(points: &[(View, f32, f32, Status)]) -> Visit {
    let atlas = common::atlas();
    let mut visit = Visit::new_now();
    for &(view, x, y, status) in points {
        let pos = PatientPoint::new(x, y);
        let (muscle, side) = identify(&atlas, view, pos);
        let mut point = TriggerPoint::new(view, pos, muscle, side);
        point.status = status;
        visit.points.push(point);
    }
    visit
}

/// The middle of a panel, in pixels: the viewer's left half lies before it.
fn middle(panel: &Panel) -> f32 {
    panel.left + panel.width() / 2.0
}

#[test]
fn markers_and_letters_stand_on_the_patients_side_in_the_svg() {
    let atlas = common::atlas();
    // Left upper trapezius (back), right knee (front), left masseter (left profile), right
    // masseter (right profile).
    let visit = visit_with(&[
        (View::Back, 0.07, 0.18, Status::Active),
        (View::Front, -0.05, 0.70, Status::Latent),
        (View::LeftProfile, 0.022, 0.095, Status::Active),
        (View::RightProfile, 0.022, 0.095, Status::Active),
    ]);
    assert_eq!(visit.points[0].side, Side::Left);
    assert_eq!(visit.points[1].side, Side::Right);
    let views = chart_views(&visit);
    assert_eq!(
        views,
        View::ALL.to_vec(),
        "the profiles are drawn: they hold points"
    );
    let scale = 800.0;
    let svg = chart_svg(&visit, &atlas, &views, scale);
    let panels = layout(&views, scale);
    let panel_of = |x: f32| {
        panels
            .iter()
            .find(|p| p.left <= x && x <= p.left + p.width())
            .expect("in a panel")
    };

    let marker = Regex::new(r#"<g class="marker" data-point="(\d+)" data-side="(\w+)"[^>]*><(?:circle cx="([\d.]+)"|path d="M([\d.]+))"#).unwrap();
    let mut seen = 0;
    for caps in marker.captures_iter(&svg) {
        let number: usize = caps[1].parse().unwrap();
        let x: f32 = caps
            .get(3)
            .or(caps.get(4))
            .unwrap()
            .as_str()
            .parse()
            .unwrap();
        let point = &visit.points[number - 1];
        assert_eq!(caps[2], format!("{:?}", point.side));
        let panel = panel_of(x);
        assert_eq!(
            panel.view, point.view,
            "point {number} drawn on its own view"
        );
        // Front: the patient's left on the viewer's right; back: on the viewer's left.
        match (point.view, point.side) {
            (View::Front, Side::Right) | (View::Back, Side::Left) => {
                assert!(x < middle(panel), "point {number} on the viewer's left")
            }
            (View::Front, Side::Left) | (View::Back, Side::Right) => {
                assert!(x > middle(panel), "point {number} on the viewer's right")
            }
            // A profile: the masseter is in front of the ear, toward the face: the viewer's left
            // on the left profile, the viewer's right on the right profile.
            (View::LeftProfile, _) => {
                assert!(x < panel.pixel_of(PatientPoint::new(0.0, 0.095)).0)
            }
            (View::RightProfile, _) => {
                assert!(x > panel.pixel_of(PatientPoint::new(0.0, 0.095)).0)
            }
            other => panic!("unexpected {other:?}"),
        }
        seen += 1;
    }
    assert_eq!(seen, 4, "one marker per point");

    let letter =
        Regex::new(r#"<text class="side" data-side="(\w+)" x="([\d.]+)"[^>]*>(\w)</text>"#)
            .unwrap();
    let mut letters = Vec::new();
    for caps in letter.captures_iter(&svg) {
        let x: f32 = caps[2].parse().unwrap();
        let panel = panel_of(x);
        let on_left = x < middle(panel);
        letters.push((panel.view, caps[3].to_owned(), on_left));
        assert_eq!(&caps[3], if &caps[1] == "Left" { "L" } else { "R" });
    }
    assert_eq!(
        letters,
        [
            (View::Front, "L".to_owned(), false),
            (View::Front, "R".to_owned(), true),
            (View::Back, "L".to_owned(), true),
            (View::Back, "R".to_owned(), false),
            (View::LeftProfile, "L".to_owned(), true),
            (View::RightProfile, "R".to_owned(), false),
        ]
    );
}

/// The colour of an active marker, in the PNG.
const ACTIVE: [u8; 3] = [200, 30, 40];

/// Where the active marker's colour is, by panel and half: (view, on the viewer's left).
fn active_pixels(png: &[u8], panels: &[Panel]) -> Vec<(View, bool)> {
    let pixmap = tiny_skia::Pixmap::decode_png(png).expect("a PNG");
    let mut found = Vec::new();
    for (i, pixel) in pixmap.pixels().iter().enumerate() {
        let c = pixel.demultiply();
        if [c.red(), c.green(), c.blue()] == ACTIVE && c.alpha() == 255 {
            let x = (i as u32 % pixmap.width()) as f32;
            if let Some(panel) = panels
                .iter()
                .find(|p| p.left <= x && x <= p.left + p.width())
            {
                let entry = (panel.view, x < middle(panel));
                if !found.contains(&entry) {
                    found.push(entry);
                }
            }
        }
    }
    found
}

#[test]
fn in_the_png_a_left_trapezius_is_on_the_back_only_and_on_the_viewers_left() {
    let atlas = common::atlas();
    // Clinical reference L7, check 4.
    let visit = visit_with(&[(View::Back, 0.07, 0.18, Status::Active)]);
    let scale = 600.0;
    let png = chart_png(&visit, &atlas, scale).expect("rendered");
    let panels = layout(&chart_views(&visit), scale);
    assert_eq!(active_pixels(&png, &panels), [(View::Back, true)]);
    // A right knee marked on the front: on the front only, on the viewer's left.
    let visit = visit_with(&[(View::Front, -0.05, 0.70, Status::Active)]);
    let png = chart_png(&visit, &atlas, scale).expect("rendered");
    assert_eq!(active_pixels(&png, &panels), [(View::Front, true)]);
}

#[test]
fn a_female_visit_is_drawn_on_the_female_figure() {
    let male = common::atlas();
    let female = male.for_figure(Figure::Female);
    let mut visit = visit_with(&[(View::Back, 0.07, 0.18, Status::Active)]);
    visit.figure = Figure::Female;
    let scale = 800.0;
    let views = chart_views(&visit);
    let on_female = chart_svg(&visit, &female, &views, scale);
    let on_male = chart_svg(&visit, &male, &views, scale);
    assert_ne!(on_female, on_male, "each figure has its own outlines");
    assert!(on_female.contains("data-point=\"1\""));
    let png = chart_png(&visit, &female, scale).expect("rendered");
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn the_report_is_a_pdf_and_the_same_visit_gives_the_same_bytes() {
    let atlas = common::atlas();
    let visit = triggermap::storage::load_visit(&common::fixture("example-visit.ron"), &atlas)
        .expect("example");
    let aftercare = "Soreness for a day or two is expected.\n\nCall the clinic if it worsens.";
    let context = RecordContext::new(&visit, aftercare, None);
    let first = triggermap::report::report_pdf(&visit, &atlas, &context).expect("laid out");
    assert!(first.starts_with(b"%PDF-"), "a PDF");
    let again = triggermap::report::report_pdf(&visit, &atlas, &context).expect("laid out");
    assert_eq!(first, again, "deterministic");
    // A visit on the female figure with points on both profiles lays out too, on its figure.
    let profiles =
        triggermap::storage::load_visit(&common::fixture("profile-visit.ron"), &atlas).expect("v3");
    assert_eq!(profiles.figure, Figure::Female);
    let female = atlas.for_figure(Figure::Female);
    let context = RecordContext::new(&profiles, aftercare, None);
    let pdf = triggermap::report::report_pdf(&profiles, &female, &context).expect("laid out");
    assert!(pdf.starts_with(b"%PDF-"));
    assert_ne!(pdf, first);
}
