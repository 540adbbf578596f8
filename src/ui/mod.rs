//! The egui application: the shell ([`app`]), the body chart ([`canvas`]), the point list and
//! form, commands and file dialogs. Everything clinical lives in the library below it.

pub mod app;
pub mod canvas;
pub mod commands;
pub mod comparison;
pub mod file_dialog;
pub mod inspector;
pub mod knot_history;
pub mod marker_sprites;
pub mod overview;
pub mod patient;
pub mod point_list;
pub mod safeguards;
pub mod style;
pub mod visit_form;

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
            if let Some(path) = file {
                app.open_argument(&path);
            }
            Ok(Box::new(app))
        }),
    )
}
