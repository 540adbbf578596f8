//! Generated visit files with many bad values, the worst cases for reading: shared by
//! `tests/visit_files.rs` and `benches/bad_files.rs`.

/// A visit file whose `points` are `count` copies of `point(i)` (RON text, the point's fields
/// only, without the parentheses).
fn visit_with_points(count: usize, point: impl Fn(usize) -> String) -> String {
    let mut text = String::from(
        "(\n    format: \"triggermap-visit\",\n    version: 2,\n    visit: (\n        id: \"6f1c2b0e-5d4a-4e8b-9c3f-2a7d1e0b4c51\",\n        patient_id: \"TM-0042\",\n        date_time: \"2025-03-04T09:30:00+01:00\",\n        points: [\n",
    );
    for i in 0..count {
        text.push_str("            (");
        text.push_str(&point(i));
        text.push_str("),\n");
    }
    text.push_str("        ],\n    ),\n)\n");
    text
}

fn point_id(i: usize) -> String {
    format!("00000000-0000-4000-8000-{i:012x}")
}

/// `count` points, each with a palpation pain of 11 (outside 0–10).
pub fn pains_out_of_range(count: usize) -> String {
    visit_with_points(count, |i| {
        format!(
            "id: \"{}\", view: Back, pos: (x: 0.1, y: 0.5), muscle: None, side: Left, palpation_pain: Some(11)",
            point_id(i)
        )
    })
}

/// `count` points, all with the same id.
pub fn duplicate_ids(count: usize) -> String {
    visit_with_points(count, |_| {
        format!(
            "id: \"{}\", view: Back, pos: (x: 0.1, y: 0.5), muscle: None, side: Left",
            point_id(0)
        )
    })
}

/// As many points with an out-of-range pain as fit in `max_bytes`.
pub fn largest_with_pains_out_of_range(max_bytes: u64) -> String {
    let per_point = pains_out_of_range(2).len() - pains_out_of_range(1).len();
    let fixed = pains_out_of_range(0).len();
    let count = (max_bytes as usize - fixed) / per_point;
    pains_out_of_range(count)
}
