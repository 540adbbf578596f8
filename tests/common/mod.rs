//! Helpers shared by the integration tests: the atlas, the committed fixtures and copies of them,
//! and (in [`ui`]) the headless app with the clicks and drags a clinician makes.
#![allow(
    dead_code,
    reason = "each test crate uses its own part of these helpers"
)]

#[cfg(feature = "gui")]
pub mod ui;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use triggermap::atlas::Atlas;
use triggermap::model::Visit;
use triggermap::storage;

/// The built-in atlas.
pub fn atlas() -> Arc<Atlas> {
    Arc::new(Atlas::builtin().expect("atlas"))
}

/// A committed fixture: `tests/fixtures/NAME`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A copy of the example visit (unsigned) as `visit.ron` in `dir`.
pub fn example_copy(dir: &Path) -> PathBuf {
    let path = dir.join("visit.ron");
    std::fs::copy(fixture("example-visit.ron"), &path).expect("copy the fixture");
    path
}

/// The example visit, signed by Dr. A. Moreau, as `visit.ron` in `dir`.
pub fn signed_copy(dir: &Path) -> PathBuf {
    let path = example_copy(dir);
    let mut visit = on_disk(&path);
    let at = chrono::DateTime::parse_from_rfc3339("2025-03-04T10:00:00+01:00").expect("time");
    triggermap::model::sign(&mut visit, "Dr. A. Moreau", at).expect("sign");
    storage::save_visit(&path, &visit).expect("save signed");
    path
}

/// The visit in the file at `path`, as it is on disk.
pub fn on_disk(path: &Path) -> Visit {
    storage::load_visit(path, &atlas()).expect("load from disk")
}

/// A copy of the fixture folder `tests/fixtures/patients/NAME` as `patient/` in a new temporary
/// directory (kept alive by the returned guard).
pub fn patient_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("patient");
    std::fs::create_dir(&folder).expect("create folder");
    for entry in std::fs::read_dir(fixture("patients").join(name)).expect("fixture folder") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, folder.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    (dir, folder)
}
