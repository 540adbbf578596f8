//! TriggerMap's own folders: where they are for a given home and XDG environment, and that every
//! folder TriggerMap creates there is readable by its owner only (`0700`), the configuration
//! folder (which holds patient ids and folder paths in the recent-patients list) included.
//!
//! The environment cannot be changed inside a test (`unsafe` is forbidden), so each test re-runs
//! this executable as a child (only the `child_writes_its_folders` test, with
//! `TRIGGERMAP_FOLDERS_TEST` set) in the environment under test; the child writes the
//! recent-patients list and opens the recovery folder, and prints both paths.
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use triggermap::history::RecentPatients;
use triggermap::recovery::RecoveryStore;

const CHILD_ENV: &str = "TRIGGERMAP_FOLDERS_TEST";

/// The child: writes the recent-patients list and opens the recovery folder where this
/// environment puts them. Does nothing in a normal test run.
#[test]
fn child_writes_its_folders() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let recent = RecentPatients::default_path().expect("a configuration folder");
    let mut list = RecentPatients::default();
    list.touch(
        PathBuf::from("/patients/PT-1"),
        "PT-1".to_owned(),
        chrono::Local::now().fixed_offset(),
    );
    list.save(&recent).expect("save the list");
    let store = RecoveryStore::open_default().expect("the recovery folder");
    println!("recent={}", recent.display());
    println!("recovery={}", store.dir().display());
}

/// Runs the child with `HOME` = `home`, the XDG variables and `TRIGGERMAP_DATA_DIR` removed,
/// then `vars` set; returns the recent-patients file and the recovery folder it used.
fn run_child(home: &Path, vars: &[(&str, &Path)]) -> (PathBuf, PathBuf) {
    let mut command = Command::new(std::env::current_exe().expect("this test executable"));
    command
        .args(["--exact", "child_writes_its_folders", "--nocapture"])
        .env(CHILD_ENV, "1")
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_DATA_HOME")
        .env_remove("TRIGGERMAP_DATA_DIR");
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = command.output().expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let value = |key: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .map(PathBuf::from)
            .unwrap_or_else(|| panic!("no {key} in {stdout}"))
    };
    (value("recent="), value("recovery="))
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[cfg(target_os = "linux")]
#[test]
fn under_a_fresh_home_every_folder_triggermap_creates_is_private() {
    let home = tempfile::tempdir().expect("home");
    let (recent, recovery) = run_child(home.path(), &[]);
    assert_eq!(
        recent,
        home.path().join(".config/triggermap/recent-patients.ron")
    );
    assert_eq!(
        recovery,
        home.path().join(".local/share/triggermap/recovery")
    );
    for folder in [
        ".config",
        ".config/triggermap",
        ".local",
        ".local/share",
        ".local/share/triggermap",
        ".local/share/triggermap/recovery",
    ] {
        assert_eq!(mode(&home.path().join(folder)), 0o700, "{folder}");
    }
    assert_eq!(mode(&recent), 0o600);
}

#[cfg(target_os = "linux")]
#[test]
fn xdg_folders_and_the_data_folder_variable_are_followed_and_created_private() {
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("xdg-config");
    let data = home.path().join("data-override");
    let (recent, recovery) = run_child(
        home.path(),
        &[("XDG_CONFIG_HOME", &config), ("TRIGGERMAP_DATA_DIR", &data)],
    );
    assert_eq!(recent, config.join("triggermap/recent-patients.ron"));
    assert_eq!(recovery, data.join("recovery"));
    for folder in [
        &config,
        &config.join("triggermap"),
        &data,
        &data.join("recovery"),
    ] {
        assert_eq!(mode(folder), 0o700, "{}", folder.display());
    }
    assert!(!home.path().join(".config").exists());
    assert!(!home.path().join(".local").exists());
}

#[cfg(unix)]
#[test]
fn an_existing_folder_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join(".config");
    std::fs::create_dir(&config).expect("mkdir");
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    run_child(home.path(), &[]);
    assert_eq!(
        mode(&config),
        0o755,
        "a folder the user made is not changed"
    );
    assert_eq!(mode(&config.join("triggermap")), 0o700);
}
