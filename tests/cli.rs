//! The headless commands, run as a user would run the binary.
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn triggermap(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_triggermap"))
        .args(args)
        .env(
            "TRIGGERMAP_DATA_DIR",
            std::env::temp_dir().join("triggermap-cli-test"),
        )
        .output()
        .expect("run triggermap");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn atlas_lists_every_region_with_five_columns() {
    let (code, out, _) = triggermap(&["atlas"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 180, "at least 90 muscles, left and right");
    for line in &lines {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 5, "{line}");
        assert!(["Left", "Right", "Midline"].contains(&cols[2]), "{line}");
        let profile = match cols[2] {
            "Left" => "Left profile",
            _ => "Right profile",
        };
        assert!(
            cols[3].is_empty()
                || cols[3]
                    .split(',')
                    .all(|v| v == "Front" || v == "Back" || v == profile),
            "{line}: a profile lists with its own side only"
        );
        assert!(
            [
                "Head & jaw",
                "Neck",
                "Shoulder & chest",
                "Back",
                "Abdomen & pelvis",
                "Arm",
                "Forearm & hand",
                "Hip & thigh",
                "Leg & foot"
            ]
            .contains(&cols[4]),
            "{line}"
        );
    }
    assert!(out.contains("upper_trapezius\tUpper trapezius\tLeft\tFront,Back,Left profile\tNeck"));
    assert!(out.contains("masseter\tMasseter\tRight\tFront,Right profile\tHead & jaw"));
    // A list-only muscle (clinical reference H6) has an empty views column.
    assert!(out.contains("levator_ani\tLevator ani (pelvic floor)\tRight\t\tAbdomen & pelvis"));
}

#[test]
fn locate_names_the_patients_side_and_accepts_negative_numbers() {
    let (code, out, err) = triggermap(&["locate", "--view", "back", "-0.07", "0.18"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().next(),
        Some("upper_trapezius\tUpper trapezius\tRight")
    );
    let (_, out, _) = triggermap(&["locate", "--view", "front", "-0.06", "0.25"]);
    assert_eq!(
        out.lines().next(),
        Some("pectoralis_major\tPectoralis major\tRight")
    );
    let (_, out, _) = triggermap(&["locate", "--view", "front", "0.06", "0.25"]);
    assert_eq!(
        out.lines().next(),
        Some("pectoralis_major\tPectoralis major\tLeft")
    );
    let (_, out, _) = triggermap(&["locate", "--view", "back", "0.3", "0.5"]);
    assert_eq!(out, "none\n");
}

#[test]
fn locate_lists_deep_muscles_after_superficial_ones() {
    // 0.01 from the subscapularis site: beyond the reach of the deep-site rule (G5).
    let (_, out, _) = triggermap(&["locate", "--view", "back", "0.085", "0.24"]);
    let ids: Vec<&str> = out
        .lines()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect();
    assert!(ids.len() >= 2, "{out}");
    assert!(ids.contains(&"subscapularis"), "{out}");
    assert_ne!(
        ids[0], "subscapularis",
        "the deep muscle is not the first candidate"
    );
}

#[test]
fn locate_offers_a_deep_muscle_first_at_its_classic_site() {
    let (_, out, _) = triggermap(&["locate", "--view", "back", "-0.095", "0.24"]);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("subscapularis\tSubscapularis\tRight"),
        "{out}"
    );
    assert!(
        lines.next().is_some(),
        "the superficial muscle is still offered: {out}"
    );
}

#[test]
fn locate_rejects_a_bad_view() {
    let (code, _, err) = triggermap(&["locate", "--view", "side", "0", "0.5"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("front, back, left-profile or right-profile"),
        "{err}"
    );
}

#[test]
fn check_summarises_valid_files_and_fails_on_invalid_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("truncated.ron");
    let example = include_str!("fixtures/example-visit.ron");
    std::fs::write(&bad, &example[..example.len() / 2]).expect("write");
    let (code, out, _) = triggermap(&["check", "tests/fixtures/example-visit.ron"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().count(), 1);
    assert!(out.contains("points"), "{out}");
    let bad_arg = bad.to_string_lossy().into_owned();
    let (code, out, _) = triggermap(&["check", "tests/fixtures/example-visit.ron", &bad_arg]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    let prefix = format!("{bad_arg}:");
    assert!(lines[1].starts_with(&prefix), "{out}");
    let rest = &lines[1][prefix.len()..];
    let mut parts = rest.splitn(3, ':');
    assert!(
        parts.next().is_some_and(|l| l.parse::<usize>().is_ok()),
        "line number: {out}"
    );
    assert!(
        parts.next().is_some_and(|c| c.parse::<usize>().is_ok()),
        "column: {out}"
    );
}

/// Without the `gui` feature there is no window: the app's command line says so and fails, and
/// the headless commands still work (CI runs this with `--no-default-features`).
#[cfg(not(feature = "gui"))]
#[test]
fn without_the_gui_feature_the_app_is_refused_and_the_commands_work() {
    let (code, out, err) = triggermap(&[]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("built without the `gui` feature"), "{err}");
    let (code, out, _) = triggermap(&["atlas"]);
    assert_eq!(code, 0);
    assert!(out.contains("upper_trapezius"));
}

/// `triggermap recovery` in a folder and with a data folder of its own.
fn recovery_in(current_dir: &std::path::Path, data_dir: &std::path::Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_triggermap"))
        .arg("recovery")
        .current_dir(current_dir)
        .env("TRIGGERMAP_DATA_DIR", data_dir)
        .output()
        .expect("run triggermap");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn recovery_only_reads_and_creates_no_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let (code, out) = recovery_in(dir.path(), &data);
    assert_eq!((code, out.as_str()), (0, "none\n"));
    assert!(!data.exists(), "the listing created {}", data.display());
}

/// The attack of issue 8: a recovery file of format version 1 recorded its visit as
/// `pat/visit.ron`; started from another folder, where `pat/visit.ron` is another patient's
/// visit, the entry must be reported as another visit, never compared as the same file.
#[test]
fn an_old_relative_recovery_path_read_from_another_folder_is_another_visit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recovery = dir.path().join("data").join("recovery");
    std::fs::create_dir_all(&recovery).expect("mkdir");
    std::fs::copy(
        "tests/fixtures/recovery-v1.ron",
        recovery.join("3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a.ron"),
    )
    .expect("copy the recovery file");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(elsewhere.join("pat")).expect("mkdir");
    std::fs::copy(
        "tests/fixtures/example-visit.ron",
        elsewhere.join("pat").join("visit.ron"),
    )
    .expect("copy another patient's visit");
    let (code, out) = recovery_in(&elsewhere, &dir.path().join("data"));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("\tpat/visit.ron\t0 points\t0 points; the saved file now holds another visit"),
        "{out}"
    );
}

#[test]
fn locate_takes_a_figure_and_the_profiles() {
    // The jaw on the profiles: the side is the profile's, at the same coordinates.
    let (code, out, _) = triggermap(&["locate", "--view", "left-profile", "0.022", "0.095"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().next(), Some("masseter\tMasseter\tLeft"));
    let (_, out, _) = triggermap(&["locate", "--view", "right-profile", "0.022", "0.095"]);
    assert_eq!(out.lines().next(), Some("masseter\tMasseter\tRight"));
    // The same call on the female figure, and without --figure on the male one.
    for figure in [
        &["--figure", "female"][..],
        &["--figure", "male"][..],
        &[][..],
    ] {
        let mut args = vec!["locate"];
        args.extend_from_slice(figure);
        args.extend_from_slice(&["--view", "back", "0.07", "0.18"]);
        let (code, out, err) = triggermap(&args);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            out.lines().next(),
            Some("upper_trapezius\tUpper trapezius\tLeft")
        );
    }
    // The hip: at the male figure's greater trochanter (x 0.106) the female figure is wider.
    let (_, male, _) = triggermap(&["locate", "--view", "front", "0.112", "0.5"]);
    let (_, female, _) = triggermap(&[
        "locate", "--figure", "female", "--view", "front", "0.112", "0.5",
    ]);
    assert_eq!(male.trim(), "none");
    assert_ne!(female.trim(), "none", "{female}");
    let (code, _, err) =
        triggermap(&["locate", "--figure", "child", "--view", "front", "0", "0.5"]);
    assert_eq!(code, 2);
    assert!(err.contains("male or female"), "{err}");
}

#[test]
fn report_writes_the_chart_as_a_png_and_never_over_the_visit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let visit = dir.path().join("visit.ron");
    std::fs::copy("tests/fixtures/example-visit.ron", &visit).expect("copy");
    let before = std::fs::read(&visit).expect("visit");
    let png = dir.path().join("chart.png");
    let (code, _, err) = triggermap(&[
        "report",
        visit.to_str().expect("utf-8"),
        "--png",
        png.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(&png).expect("written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let pixmap = tiny_skia::Pixmap::decode_png(&bytes).expect("a PNG");
    assert!(
        pixmap.height() > 2500,
        "print resolution: {}",
        pixmap.height()
    );
    let (code, _, err) = triggermap(&[
        "report",
        visit.to_str().expect("utf-8"),
        "--png",
        visit.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("is the visit file itself"), "{err}");
    assert_eq!(
        std::fs::read(&visit).expect("visit"),
        before,
        "the visit is not changed"
    );
}
