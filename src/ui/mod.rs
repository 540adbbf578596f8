//! The egui application.

use crate::atlas::Atlas;
use std::path::PathBuf;

/// Opens the app window and runs until it is closed.
pub fn run(_atlas: Atlas, _file: Option<PathBuf>) -> eframe::Result<()> {
    Ok(())
}
