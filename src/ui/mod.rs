//! The egui application. Panels and dialogs only: each panel shows part of the open visit and
//! returns the [`action::Action`]s the user asked for; the shell ([`app`]) carries them out
//! through the library's [`crate::session::Session`], which owns the open visit.
//!
//! - [`app`]: the shell (layout, and [`app::TriggerMapApp::carry_out`]).
//! - [`canvas`]: the body chart; [`visit_panel`], [`point_list`], [`visit_form`]: left of it;
//!   [`inspector`] and [`knot_history`]'s section: right of it; [`history_dock`]: under it
//!   (knot history, [`overview`], [`comparison`]); [`patient`]: the patient folder.
//! - [`menu`], [`commands`], [`banners`], [`dialogs`], [`file_dialog`]: around it.

pub mod action;
pub mod aftercare_file;
pub mod app;
pub mod banners;
pub mod canvas;
pub mod clinician_settings;
pub mod coding_panel;
pub mod commands;
pub mod comparison;
pub mod dialogs;
pub mod file_dialog;
pub mod history_dock;
pub mod inspector;
pub mod knot_history;
pub mod marker_sprites;
pub mod menu;
pub mod overview;
pub mod patient;
pub mod point_list;
pub mod style;
pub mod visit_form;
pub mod visit_panel;

pub use app::TriggerMapApp;

use crate::atlas::Atlas;
use std::path::PathBuf;
use std::sync::Arc;

/// Opens the app window, with `file` opened if given, and runs until it is closed.
pub fn run(atlas: Atlas, file: Option<PathBuf>) -> eframe::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("TriggerMap")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([900.0, 600.0]),
        ..Default::default()
    };
    eframe::run_native(
        "TriggerMap",
        options,
        Box::new(move |cc| {
            // A light theme, like the paper charts clinicians know.
            cc.egui_ctx.set_theme(egui::Theme::Light);
            let mut app = TriggerMapApp::new(
                Arc::new(atlas),
                Box::new(file_dialog::NativePicker::default()),
            );
            match crate::recovery::RecoveryStore::open_default() {
                Ok(store) => app = app.with_recovery(store),
                Err(error) => eprintln!("triggermap: crash recovery is off: {error}"),
            }
            match crate::history::RecentPatients::default_path() {
                Ok(recent) => app = app.with_recent_patients(recent),
                Err(error) => eprintln!("triggermap: recent patients are not remembered: {error}"),
            }
            if let Ok(file) = crate::export::aftercare::default_path() {
                app = app.with_aftercare_file(file);
            }
            match crate::clinicians::Clinicians::default_path() {
                Ok(file) => app = app.with_clinician_settings(file),
                Err(error) => eprintln!("triggermap: presets are not kept: {error}"),
            }
            // For checks of the real window (.ci/smoke-window): where the chart is drawn.
            if let Some(report) = std::env::var_os("TRIGGERMAP_LAYOUT_REPORT") {
                app = app.with_layout_report(PathBuf::from(report));
            }
            if let Some(path) = file {
                app.open_argument(&path);
            }
            Ok(Box::new(app))
        }),
    )
}
