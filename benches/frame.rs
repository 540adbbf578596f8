//! One whole UI frame (layout and tessellation, headless) of TriggerMap with a visit of 500
//! points, beside one frame of egui's own demo windows in the same run and at the same size.
//! Target: our frame costs no more than the demo's.
// A benchmark, like a test, stops at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{RawInput, Rect, Vec2};
use std::sync::Arc;
use triggermap::atlas::Atlas;
use triggermap::editing::{Edit, identify};
use triggermap::model::PatientPoint;
use triggermap::model::{Status, TriggerPoint, View};
use triggermap::ui::TriggerMapApp;
use triggermap::ui::file_dialog::ScriptedPicker;

const SCREEN: Vec2 = Vec2::new(1400.0, 900.0);

fn raw_input() -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(egui::Pos2::ZERO, SCREEN)),
        ..RawInput::default()
    }
}

/// An app showing a visit of `count` points spread over every muscle's classic sites, both sides
/// and both views, with one point selected so that the form is shown too.
fn app_with_points(count: usize) -> TriggerMapApp {
    let atlas = Arc::new(Atlas::builtin().expect("atlas"));
    let mut app = TriggerMapApp::new(atlas.clone(), Box::new(ScriptedPicker::default()));
    let sites: Vec<(View, PatientPoint)> = atlas
        .muscles()
        .iter()
        .flat_map(|m| m.sites.iter().map(|s| (s.view, s.pos)))
        .collect();
    for i in 0..count {
        let (view, site) = sites[i % sites.len()];
        let jitter = (i / sites.len()) as f32 * 0.002;
        let pos = if i % 2 == 0 {
            PatientPoint::new(site.x + jitter, site.y)
        } else {
            PatientPoint::new(-site.x - jitter, site.y)
        };
        let (muscle, side) = identify(&atlas, view, pos);
        let mut point = TriggerPoint::new(view, pos, muscle, side);
        point.status = [Status::Active, Status::Latent, Status::Unclassified][i % 3];
        point.palpation_pain = Some((i % 11) as u8);
        app.apply(Edit::AddPoint(point));
    }
    app
}

fn frame(c: &mut Criterion) {
    let ctx = egui::Context::default();
    let mut app = app_with_points(
        std::env::var("BENCH_POINTS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(500),
    );
    if std::env::var("BENCH_NO_DEEP").is_ok() {
        app.canvas.show_deep = false;
    }
    // Settle fonts and layout caches before measuring, as in a running app.
    for _ in 0..3 {
        ctx.run_ui(raw_input(), |ui| app.show(ui))
            .drop_without_applying_deltas();
    }
    c.bench_function("triggermap_frame_500_points", |b| {
        b.iter(|| {
            let output = ctx.run_ui(raw_input(), |ui| app.show(ui));
            let primitives = ctx.tessellate(output.shapes.clone(), output.pixels_per_point);
            output.drop_without_applying_deltas();
            primitives
        });
    });

    let demo_ctx = egui::Context::default();
    let mut demo = egui_demo_lib::DemoWindows::default();
    for _ in 0..3 {
        demo_ctx
            .run_ui(raw_input(), |ui| demo.ui(ui))
            .drop_without_applying_deltas();
    }
    c.bench_function("egui_demo_windows_frame", |b| {
        b.iter(|| {
            let output = demo_ctx.run_ui(raw_input(), |ui| demo.ui(ui));
            let primitives = demo_ctx.tessellate(output.shapes.clone(), output.pixels_per_point);
            output.drop_without_applying_deltas();
            primitives
        });
    });
}

criterion_group!(benches, frame);
criterion_main!(benches);
