//! The export commands, run as a user would run the binary: `export --fhir` and `coding`.
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

const EXAMPLE: &str = "tests/fixtures/example-visit.ron";

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

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read")
}

#[test]
fn export_fhir_writes_the_bundle_to_stdout_and_leaves_the_visit_alone() {
    let before = file_bytes(Path::new(EXAMPLE));
    let (code, out, err) = triggermap(&["export", "--fhir", EXAMPLE]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    let bundle: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    assert_eq!(file_bytes(Path::new(EXAMPLE)), before);
    let (_, again, _) = triggermap(&["export", "--fhir", EXAMPLE]);
    assert_eq!(out, again, "the same bytes every time");
}

#[test]
fn export_fhir_out_writes_the_same_bytes_to_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("visit.fhir.json");
    let target_arg = target.to_string_lossy().into_owned();
    let (code, out, err) = triggermap(&["export", "--fhir", EXAMPLE, "--out", &target_arg]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "", "nothing on stdout with --out");
    let (_, stdout_bundle, _) = triggermap(&["export", "--fhir", EXAMPLE]);
    assert_eq!(
        String::from_utf8(file_bytes(&target)).unwrap(),
        stdout_bundle
    );
    // Written over on a second export.
    let (code, _, err) = triggermap(&["export", "--fhir", EXAMPLE, "--out", &target_arg]);
    assert_eq!(code, 0, "{err}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "patient data is not readable by others");
    }
}

#[test]
fn export_fhir_to_a_file_that_cannot_be_written_fails_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "x").expect("write");
    let target = blocker.join("bundle.json");
    let target_arg = target.to_string_lossy().into_owned();
    let (code, out, err) = triggermap(&["export", "--fhir", EXAMPLE, "--out", &target_arg]);
    assert_ne!(code, 0);
    assert_eq!(out, "");
    assert!(err.contains("not-a-folder"), "{err}");
    assert!(!target.exists());
}

#[test]
fn export_fhir_refuses_to_write_over_the_visit_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let visit = dir.path().join("visit.ron");
    std::fs::copy(EXAMPLE, &visit).expect("copy");
    let before = file_bytes(&visit);
    let visit_arg = visit.to_string_lossy().into_owned();
    let (code, _, err) = triggermap(&["export", "--fhir", &visit_arg, "--out", &visit_arg]);
    assert_eq!(code, 1);
    assert!(err.contains("visit file itself"), "{err}");
    assert_eq!(file_bytes(&visit), before);
}

#[test]
fn export_fhir_of_a_bad_visit_fails_with_its_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing.ron");
    let missing_arg = missing.to_string_lossy().into_owned();
    let (code, out, err) = triggermap(&["export", "--fhir", &missing_arg]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(err.contains("missing.ron"), "{err}");

    let (code, out, err) = triggermap(&[
        "export",
        "--fhir",
        "tests/fixtures/patients/mixed-files/damaged.ron",
    ]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(err.contains("damaged.ron:"), "{err}");

    let (code, _, err) = triggermap(&["export"]);
    assert_eq!(code, 2, "--fhir is required: {err}");
}

#[test]
fn coding_prints_the_suggestion() {
    let (code, out, err) = triggermap(&["coding", EXAMPLE]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Trigger point injection: CPT 20552"), "{out}");
    assert!(out.contains("Right upper trapezius: point 1"), "{out}");
    assert!(out.contains("Dry needling: CPT 20560"), "{out}");
    assert!(out.contains("ICD-10-CM M79.12"), "{out}");
    assert!(out.contains("the clinician confirms"), "{out}");
    assert!(!out.contains("M79.1 "), "{out}");
}

#[test]
fn coding_says_what_the_clinician_confirmed_and_counts_the_years_sessions() {
    let (code, out, err) = triggermap(&["coding", "tests/fixtures/coded-visit.ron"]);
    assert_eq!(code, 0, "{err}");
    let first = out.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("Coding confirmed by Dr. A. Moreau on 2025-03-04 10:10: CPT 20552"),
        "{out}"
    );
    assert!(
        first.contains("TriggerMap had suggested CPT 20552, 20560"),
        "{out}"
    );
    assert!(
        out.contains("Confirmed: ICD-10-CM M79.18 (Myalgia, other site)"),
        "{out}"
    );

    // Four injection visits of one patient within a year, one more than a year before.
    let dir = tempfile::tempdir().expect("temp dir");
    let example = std::fs::read_to_string(EXAMPLE).expect("example");
    // Each copy its own visit and point ids (their last byte but one), so none is a copy of
    // another.
    let ids = regex::Regex::new(r#"(id: "[0-9a-f-]{32})[0-9a-f]{2}([0-9a-f]{2}")"#).expect("regex");
    let days = [
        "2024-02-01",
        "2024-06-10",
        "2024-09-02",
        "2024-12-20",
        "2025-03-04",
    ];
    for (i, day) in days.iter().enumerate() {
        let text = ids
            .replace_all(&example, format!("${{1}}{i:02}${{2}}").as_str())
            .replace(
                "2025-03-04T09:30:00+01:00",
                &format!("{day}T09:30:00+01:00"),
            );
        std::fs::write(dir.path().join(format!("{day}_0930.ron")), text).expect("write");
    }
    let latest = dir.path().join("2025-03-04_0930.ron");
    let (code, out, err) = triggermap(&["coding", &latest.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "Trigger point injection sessions in the 12 months up to this visit: 4 (this one included; earlier: 2024-06-10, 2024-09-02, 2024-12-20). Medicare covers at most 3 in 12 months."
        ),
        "{out}"
    );
}
