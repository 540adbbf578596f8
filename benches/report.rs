//! The visit drawn for the record: a 40-point visit's charts (front, back and the head profiles)
//! as SVG and as a PNG at print resolution, and its whole report as PDF, without a window or GPU.
// A benchmark, like a test, stops at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use triggermap::atlas::Atlas;
use triggermap::editing::identify;
use triggermap::export::RecordContext;
use triggermap::export::aftercare::DEFAULT_AFTERCARE;
use triggermap::model::{Procedure, Status, Treatment, TriggerPoint, Visit};
use triggermap::report::{PRINT_SCALE, chart_png, chart_svg, chart_views, report_pdf};

/// A visit of 40 points at the atlas's classic sites, left and right, every status; every third
/// point injected, so that the report has its procedure note.
fn visit_of_40(atlas: &Atlas) -> Visit {
    let mut visit = Visit::new_now();
    let sites: Vec<_> = atlas
        .muscles()
        .iter()
        .flat_map(|m| m.sites.iter().map(|s| (s.view, s.pos)))
        .collect();
    for i in 0..40 {
        let (view, pos) = sites[(i * 7) % sites.len()];
        let pos = if i % 2 == 0 || !view.is_body() {
            pos
        } else {
            pos.mirrored()
        };
        let (muscle, side) = identify(atlas, view, pos);
        let mut point = TriggerPoint::new(view, pos, muscle, side);
        point.status = Status::ALL[i % Status::ALL.len()];
        point.referred_pain = "Spreads towards the neighbouring joint and down the limb".to_owned();
        if i % 3 == 0 {
            point.treatments.push(Treatment {
                procedure: Procedure::Injection {
                    agent: "lidocaine".to_owned(),
                    concentration: "1%".to_owned(),
                    volume_ml: Some(0.5),
                    needle: "27 G 1.5 in".to_owned(),
                },
                pain_before: Some(7),
                pain_after: Some(2),
                notes: String::new(),
            });
        }
        visit.points.push(point);
    }
    visit
}

fn report(c: &mut Criterion) {
    let atlas = Atlas::builtin().expect("atlas");
    let visit = visit_of_40(&atlas);
    let views = chart_views(&visit);
    c.bench_function("chart_svg_40_points", |b| {
        b.iter(|| chart_svg(&visit, &atlas, &views, PRINT_SCALE));
    });
    let mut group = c.benchmark_group("print");
    group.sample_size(10);
    group.bench_function("chart_png_40_points_print_resolution", |b| {
        b.iter(|| chart_png(&visit, &atlas, PRINT_SCALE).expect("rendered"));
    });
    let context = RecordContext::new(&visit, DEFAULT_AFTERCARE, None);
    // typst memoizes layout: the same visit again costs little. A new patient id (on every
    // page's header and footer) and a point moved (a new chart) make each report a new
    // document, as exporting another visit is.
    group.bench_function("report_pdf_40_points_same_visit_again", |b| {
        b.iter(|| report_pdf(&visit, &atlas, &context).expect("laid out"));
    });
    let mut n = 0_u64;
    group.bench_function("report_pdf_40_points_new_visit_each_time", |b| {
        b.iter_batched(
            || {
                n += 1;
                let mut other = visit.clone();
                other.patient_id = format!("PT-{n:06}");
                other.points[0].pos.y += 1e-4 * (n % 100) as f32;
                other
            },
            |other| report_pdf(&other, &atlas, &context).expect("laid out"),
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
