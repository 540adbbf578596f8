//! The FHIR R4 export (clinical reference L4 and L6): one Observation per point, laterality that
//! matches the points' sides, references that resolve inside the bundle, no M79.1, and the same
//! bytes every time.
// Test code (helpers included) may stop at the first failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use triggermap::atlas::Atlas;
use triggermap::export::fhir::visit_bundle;
use triggermap::model::{
    Consent, MuscleId, PatientPoint, Procedure, Side, Treatment, TriggerPoint, View, Visit,
};

fn atlas() -> Atlas {
    Atlas::builtin().expect("the built-in atlas loads")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The committed visits the export is checked on (those of the patient folders that load).
fn fixture_visits(atlas: &Atlas) -> Vec<(PathBuf, Visit)> {
    let mut files = vec![fixture("example-visit.ron"), fixture("coded-visit.ron")];
    for folder in ["patients/weekly-neck", "patients/mixed-files"] {
        let mut in_folder: Vec<PathBuf> = std::fs::read_dir(fixture(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .collect();
        in_folder.sort();
        files.extend(in_folder);
    }
    files
        .into_iter()
        .filter_map(|file| {
            let opened = triggermap::storage::open_visit(&file, atlas).ok()?;
            Some((file, opened.visit))
        })
        .collect()
}

fn bundle_json(visit: &Visit, atlas: &Atlas) -> Value {
    let text = visit_bundle(visit, atlas).to_json().unwrap();
    serde_json::from_str(&text).unwrap()
}

fn resources<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

fn by_full_url(bundle: &Value) -> HashMap<String, &Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["fullUrl"].as_str().unwrap().to_owned(), &e["resource"]))
        .collect()
}

/// Every `reference` string anywhere in `value`.
fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "reference"
                    && let Value::String(s) = v
                {
                    found.push(s.clone());
                }
                references(v, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

/// Every Coding (an object with `system` and `code`) anywhere in `value`.
fn codings<'a>(value: &'a Value, found: &mut Vec<(&'a str, &'a str)>) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(system)), Some(Value::String(code))) =
                (map.get("system"), map.get("code"))
            {
                found.push((system, code));
            }
            map.values().for_each(|v| codings(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| codings(v, found)),
        _ => {}
    }
}

#[test]
fn the_fixtures_are_exported() {
    let atlas = atlas();
    let visits = fixture_visits(&atlas);
    assert!(visits.len() >= 8, "{} fixture visits", visits.len());
}

#[test]
fn one_observation_per_point_with_the_points_ids() {
    let atlas = atlas();
    for (file, visit) in fixture_visits(&atlas) {
        let bundle = bundle_json(&visit, &atlas);
        assert_eq!(bundle["resourceType"], "Bundle");
        assert_eq!(bundle["type"], "collection");
        let observations = resources(&bundle, "Observation");
        assert_eq!(observations.len(), visit.points.len(), "{}", file.display());
        for (point, observation) in visit.points.iter().zip(observations) {
            assert_eq!(observation["id"], point.id.to_string());
            assert_eq!(observation["status"], "final");
            let components = observation["component"].as_array().unwrap();
            if let Some(pain) = point.palpation_pain {
                let nrs = components
                    .iter()
                    .find(|c| c["code"]["coding"][0]["code"] == "72514-3")
                    .expect("palpation pain component");
                assert_eq!(nrs["valueInteger"], u64::from(pain));
            }
        }
        assert_eq!(resources(&bundle, "Patient").len(), 1);
        assert_eq!(resources(&bundle, "Encounter").len(), 1);
        assert_eq!(
            resources(&bundle, "Encounter")[0]["class"]["code"],
            "AMB",
            "class is one Coding"
        );
    }
}

#[test]
fn laterality_codes_match_the_points_sides() {
    let atlas = atlas();
    let mut checked = BTreeSet::new();
    for (file, visit) in fixture_visits(&atlas) {
        let bundle = bundle_json(&visit, &atlas);
        let urls = by_full_url(&bundle);
        for (point, observation) in visit.points.iter().zip(resources(&bundle, "Observation")) {
            let site = &observation["bodySite"];
            let text = site["text"].as_str().unwrap();
            assert!(
                text.starts_with(point.side.label()),
                "{}: {text} for {:?}",
                file.display(),
                point.side
            );
            let Some(muscle) = &point.muscle else {
                assert!(site.get("extension").is_none());
                continue;
            };
            let name = atlas.muscle_name(muscle);
            assert!(text.ends_with(&name[1..]), "{text} names {name}");
            let extension = &site["extension"][0];
            assert_eq!(
                extension["url"],
                "http://hl7.org/fhir/StructureDefinition/bodySite"
            );
            let target = extension["valueReference"]["reference"].as_str().unwrap();
            let structure = urls[target];
            assert_eq!(structure["resourceType"], "BodyStructure");
            let qualifier = &structure["locationQualifier"];
            let expected = match point.side {
                Side::Left => Some("7771000"),
                Side::Right => Some("24028007"),
                Side::Midline => None,
            };
            match expected {
                Some(code) => {
                    assert_eq!(qualifier.as_array().unwrap().len(), 1);
                    assert_eq!(qualifier[0]["coding"][0]["code"], code);
                    assert_eq!(
                        qualifier[0]["coding"][0]["system"],
                        "http://snomed.info/sct"
                    );
                    assert_eq!(qualifier[0]["text"], point.side.label());
                }
                None => assert!(qualifier.is_null()),
            }
            checked.insert(point.side);
            if let Some(code) = atlas.muscle(muscle).and_then(|m| m.snomed.as_deref()) {
                assert_eq!(site["coding"][0]["code"], code);
                assert_eq!(structure["location"]["coding"][0]["code"], code);
            } else {
                assert!(site.get("coding").is_none());
            }
        }
        // One BodyStructure per (muscle, side), never "right and left" (51440002).
        let structures = resources(&bundle, "BodyStructure");
        let sites: BTreeSet<(&MuscleId, Side)> = visit
            .points
            .iter()
            .filter_map(|p| p.muscle.as_ref().map(|m| (m, p.side)))
            .collect();
        assert_eq!(structures.len(), sites.len(), "{}", file.display());
        let mut all = Vec::new();
        codings(&bundle, &mut all);
        assert!(!all.iter().any(|(_, code)| *code == "51440002"));
    }
    assert!(checked.contains(&Side::Left) && checked.contains(&Side::Right));
}

#[test]
fn a_midline_point_has_no_laterality_and_an_unassigned_point_no_body_structure() {
    let atlas = atlas();
    let mut visit = Visit::new_now();
    visit.patient_id = "TM-1".into();
    visit.points.push(TriggerPoint::new(
        View::Back,
        PatientPoint::new(0.0, 0.3),
        Some(MuscleId::from("thoracic_paraspinals")),
        Side::Midline,
    ));
    visit.points.push(TriggerPoint::new(
        View::Back,
        PatientPoint::new(0.3, 0.5),
        None,
        Side::Left,
    ));
    let bundle = bundle_json(&visit, &atlas);
    let structures = resources(&bundle, "BodyStructure");
    assert_eq!(structures.len(), 1);
    assert!(structures[0].get("locationQualifier").is_none());
    assert!(
        structures[0]["description"]
            .as_str()
            .unwrap()
            .starts_with("Midline ")
    );
    let observations = resources(&bundle, "Observation");
    assert_eq!(
        observations[1]["bodySite"]["text"],
        "Left side, no muscle assigned"
    );
    // No consent recorded: no Consent resource.
    assert!(resources(&bundle, "Consent").is_empty());
}

#[test]
fn every_reference_resolves_to_an_entry_of_the_bundle() {
    let atlas = atlas();
    for (file, visit) in fixture_visits(&atlas) {
        let bundle = bundle_json(&visit, &atlas);
        let urls = by_full_url(&bundle);
        assert_eq!(
            urls.len(),
            bundle["entry"].as_array().unwrap().len(),
            "fullUrls are unique in {}",
            file.display()
        );
        for url in urls.keys() {
            assert!(url.starts_with("urn:uuid:"), "{url}");
            uuid::Uuid::parse_str(&url["urn:uuid:".len()..]).unwrap();
        }
        let mut found = Vec::new();
        references(&bundle, &mut found);
        assert!(!found.is_empty());
        for reference in found {
            assert!(
                urls.contains_key(&reference),
                "{}: {reference} does not resolve",
                file.display()
            );
        }
    }
}

#[test]
fn diagnoses_are_billable_myalgia_codes_never_the_header_or_fibromyalgia() {
    let atlas = atlas();
    for (file, visit) in fixture_visits(&atlas) {
        let bundle = bundle_json(&visit, &atlas);
        let mut all = Vec::new();
        codings(&bundle, &mut all);
        for (system, code) in all {
            if system == "http://hl7.org/fhir/sid/icd-10-cm" {
                assert!(
                    ["M79.10", "M79.11", "M79.12", "M79.18"].contains(&code),
                    "{}: {code}",
                    file.display()
                );
            }
            assert_ne!(code, "M79.1");
            assert_ne!(code, "24693007", "maps to fibromyalgia");
        }
    }
}

#[test]
fn the_example_visit_has_its_procedures_codes_and_consent() {
    let atlas = atlas();
    let opened = triggermap::storage::open_visit(&fixture("example-visit.ron"), &atlas).unwrap();
    let bundle = bundle_json(&opened.visit, &atlas);
    let procedures = resources(&bundle, "Procedure");
    let injection = procedures
        .iter()
        .find(|p| p["code"]["text"] == "Trigger point injection")
        .expect("the injection");
    assert_eq!(
        injection["code"]["coding"][0]["system"],
        "http://www.ama-assn.org/go/cpt"
    );
    assert_eq!(injection["code"]["coding"][0]["code"], "20552");
    assert_eq!(injection["code"]["coding"][0]["userSelected"], false);
    assert_eq!(injection["bodySite"][0]["text"], "Right upper trapezius");
    assert_eq!(injection["usedCode"][0]["text"], "27 G 1.5 in");
    let needling = procedures
        .iter()
        .find(|p| p["code"]["text"] == "Dry needling")
        .expect("the dry needling");
    assert_eq!(needling["code"]["coding"][0]["code"], "20560");

    let medications = resources(&bundle, "MedicationAdministration");
    assert_eq!(medications.len(), 1);
    let medication = medications[0];
    assert_eq!(
        medication["medicationCodeableConcept"]["text"],
        "lidocaine 1%"
    );
    assert_eq!(
        medication["dosage"]["route"]["coding"][0]["code"],
        "78421000"
    );
    assert_eq!(medication["dosage"]["dose"]["value"], 0.5);
    assert_eq!(medication["dosage"]["dose"]["code"], "mL");
    assert_eq!(
        medication["dosage"]["dose"]["system"],
        "http://unitsofmeasure.org"
    );

    let consents = resources(&bundle, "Consent");
    assert_eq!(consents.len(), 1);
    let consent = consents[0];
    assert_eq!(consent["scope"]["coding"][0]["code"], "treatment");
    assert_eq!(consent["category"][0]["coding"][0]["code"], "59284-0");
    assert!(
        consent["policyRule"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Written consent")
    );
    assert_eq!(consent["dateTime"], "2025-03-04T09:30:00+01:00");

    let conditions = resources(&bundle, "Condition");
    let codes: Vec<&str> = conditions
        .iter()
        .map(|c| c["code"]["coding"][0]["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"M79.12"), "{codes:?}");
    assert!(codes.contains(&"M79.18"), "{codes:?}");

    let patient = resources(&bundle, "Patient")[0];
    assert_eq!(patient["identifier"][0]["value"], "TM-0042");
    assert_eq!(patient.as_object().unwrap().len(), 3, "identifier only");
}

#[test]
fn exporting_the_same_visit_twice_gives_the_same_bytes() {
    let atlas = atlas();
    for (file, visit) in fixture_visits(&atlas) {
        let first = visit_bundle(&visit, &atlas).to_json().unwrap();
        let reloaded = triggermap::storage::open_visit(&file, &atlas)
            .unwrap()
            .visit;
        let second = visit_bundle(&reloaded, &atlas).to_json().unwrap();
        assert_eq!(first, second, "{}", file.display());
    }
    // Another visit gets other derived ids.
    let visits = fixture_visits(&atlas);
    let a = bundle_json(&visits[0].1, &atlas);
    let b = bundle_json(&visits[1].1, &atlas);
    assert_ne!(
        resources(&a, "Patient")[0]["id"],
        resources(&b, "Patient")[0]["id"]
    );
}

#[test]
fn volumes_add_up_per_injectate_and_a_missing_volume_is_said() {
    let atlas = atlas();
    let mut visit = Visit::new_now();
    visit.consent = Consent::Verbal;
    for volume in [Some(0.1), Some(0.2), None] {
        let mut point = TriggerPoint::new(
            View::Back,
            PatientPoint::new(0.06, 0.2),
            Some(MuscleId::from("upper_trapezius")),
            Side::Left,
        );
        point.treatments.push(Treatment {
            procedure: Procedure::Injection {
                agent: "lidocaine".into(),
                concentration: "0.5%".into(),
                volume_ml: volume,
                needle: String::new(),
            },
            pain_before: None,
            pain_after: None,
            notes: String::new(),
        });
        visit.points.push(point);
    }
    let bundle = bundle_json(&visit, &atlas);
    let medications = resources(&bundle, "MedicationAdministration");
    assert_eq!(medications.len(), 1);
    assert_eq!(medications[0]["dosage"]["dose"]["value"], 0.3);
    assert_eq!(
        medications[0]["dosage"]["text"],
        "0.1 mL at point 1; 0.2 mL at point 2"
    );
    assert_eq!(
        medications[0]["note"][0]["text"],
        "Volume not recorded at point 3"
    );
    assert_eq!(resources(&bundle, "Procedure").len(), 1);
    assert!(resources(&bundle, "Procedure")[0].get("usedCode").is_none());
    assert_eq!(resources(&bundle, "Consent").len(), 1);
}

#[test]
fn confirmed_codes_are_the_clinicians_and_suggested_ones_are_provisional() {
    let atlas = atlas();
    let suggested = triggermap::storage::load_visit(&fixture("example-visit.ron"), &atlas).unwrap();
    let bundle = bundle_json(&suggested, &atlas);
    for condition in resources(&bundle, "Condition") {
        assert_eq!(
            condition["verificationStatus"]["coding"][0]["code"],
            "provisional"
        );
        assert_eq!(condition["code"]["coding"][0]["userSelected"], false);
    }

    // The coded visit: 20552 confirmed, dry needling not billed, two diagnoses confirmed.
    let coded = triggermap::storage::load_visit(&fixture("coded-visit.ron"), &atlas).unwrap();
    let bundle = bundle_json(&coded, &atlas);
    let procedures = resources(&bundle, "Procedure");
    let injection = procedures
        .iter()
        .find(|p| p["code"]["text"].as_str().unwrap().contains("injection"))
        .expect("the injection");
    assert_eq!(injection["code"]["coding"][0]["code"], "20552");
    assert_eq!(injection["code"]["coding"][0]["userSelected"], true);
    let needling = procedures
        .iter()
        .find(|p| p["code"]["text"].as_str().unwrap().contains("ry needling"))
        .expect("the dry needling");
    assert!(needling["code"].get("coding").is_none(), "{needling}");
    let notes = needling["note"].to_string();
    assert!(
        notes.contains("No CPT code for this procedure, as confirmed by Dr. A. Moreau"),
        "{notes}"
    );
    assert!(
        notes.contains("TriggerMap had suggested CPT 20552, 20560"),
        "{notes}"
    );
    let conditions = resources(&bundle, "Condition");
    let codes: Vec<&str> = conditions
        .iter()
        .map(|c| c["code"]["coding"][0]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["M79.12", "M79.18"]);
    for condition in conditions {
        assert_eq!(
            condition["verificationStatus"]["coding"][0]["code"],
            "confirmed"
        );
        assert_eq!(condition["code"]["coding"][0]["userSelected"], true);
        assert!(
            condition["evidence"][0]["detail"]
                .as_array()
                .is_some_and(|d| !d.is_empty())
        );
    }
}

#[test]
fn each_observation_says_where_its_point_was_charted() {
    let atlas = atlas();
    for (file, visit) in fixture_visits(&atlas) {
        let bundle = bundle_json(&visit, &atlas);
        let observations = resources(&bundle, "Observation");
        for (point, observation) in visit.points.iter().zip(observations) {
            let position = &observation["extension"][0];
            assert_eq!(
                position["url"],
                "urn:triggermap:StructureDefinition:chart-position",
                "{}",
                file.display()
            );
            let part = |name: &str| {
                position["extension"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|e| e["url"] == name)
                    .unwrap()
                    .clone()
            };
            let view = View::parse(part("view")["valueCode"].as_str().unwrap()).unwrap();
            assert_eq!(view, point.view, "{}", file.display());
            let x = part("x")["valueDecimal"].as_f64().unwrap();
            let y = part("y")["valueDecimal"].as_f64().unwrap();
            assert!(
                (x - f64::from(point.pos.x)).abs() < 1e-6,
                "{}",
                file.display()
            );
            assert!(
                (y - f64::from(point.pos.y)).abs() < 1e-6,
                "{}",
                file.display()
            );
            assert_eq!(
                part("figure")["valueCode"],
                visit.figure.label().to_lowercase()
            );
        }
    }
}
