//! Plain-text tables of a patient's history and of a comparison, for the command line.

use super::compare::{Comparison, MatchMethod, PointSnapshot};
use super::timeline::History;
use crate::model::{MuscleId, Status};
use chrono::{DateTime, FixedOffset};
use std::collections::BTreeMap;

/// Names a muscle in a table: the atlas's display name in the app and the CLI, the id in tests.
/// `None` is a point in no muscle.
pub type MuscleLabel<'a> = &'a dyn Fn(Option<&MuscleId>) -> String;

/// The legend printed under a history table.
pub const HISTORY_LEGEND: &str = "Each visit: status and palpation pain (A7 = active, pain 7). A active, L latent, U not classified, ? to re-examine, R resolved, . not charted.";

/// A plain-text table: a header row, a rule, and rows, each column as wide as its widest cell,
/// two spaces apart, with no trailing spaces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextTable {
    headers: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl TextTable {
    /// A table with these column headers, all left-aligned.
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        let headers: Vec<String> = headers.into_iter().map(Into::into).collect();
        let right = vec![false; headers.len()];
        TextTable {
            headers,
            right,
            rows: Vec::new(),
        }
    }

    /// Right-aligns a column (numbers).
    pub fn align_right(&mut self, column: usize) {
        if let Some(r) = self.right.get_mut(column) {
            *r = true;
        }
    }

    /// Adds a row; missing cells are blank, extra cells are dropped.
    pub fn push_row(&mut self, mut cells: Vec<String>) {
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    /// The number of rows (not counting the header).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether it has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as text, one line per row, each line ending in a newline.
    pub fn render(&self) -> String {
        let width = |s: &str| s.chars().count();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        let mut out = String::new();
        for row in std::iter::once(&self.headers)
            .chain(std::iter::once(&rule))
            .chain(&self.rows)
        {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = " ".repeat(widths[i] - width(cell));
                if self.right[i] {
                    line.push_str(&pad);
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.push_str(&pad);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// The one-letter code of a status in a history table.
pub fn status_code(status: Status) -> &'static str {
    match status {
        Status::Active => "A",
        Status::Latent => "L",
        Status::Unclassified => "U",
        Status::ToReexamine => "?",
        Status::Resolved => "R",
    }
}

fn date(d: DateTime<FixedOffset>) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The per-knot timeline: one row per knot in overview order (muscle, side, number) with its
/// number, muscle, side, first and last seen, its status and pain at each visit, and its trend;
/// then [`HISTORY_LEGEND`].
pub fn history_table(history: &History, muscle_label: MuscleLabel<'_>) -> String {
    let visits = history.visits();
    let mut per_date: BTreeMap<String, usize> = BTreeMap::new();
    for v in visits {
        *per_date.entry(date(v.date_time)).or_default() += 1;
    }
    let visit_headers = visits.iter().map(|v| {
        if per_date.get(&date(v.date_time)).copied().unwrap_or(0) > 1 {
            v.date_time.format("%Y-%m-%d %H:%M").to_string()
        } else {
            date(v.date_time)
        }
    });
    let headers: Vec<String> = ["#", "Muscle", "Side", "First seen", "Last seen"]
        .into_iter()
        .map(str::to_owned)
        .chain(visit_headers)
        .chain(std::iter::once("Trend".to_owned()))
        .collect();
    let mut table = TextTable::new(headers);
    table.align_right(0);
    for row in history.overview() {
        let Some(knot) = history.knot(row.knot) else {
            continue;
        };
        let mut cells = vec![
            row.number.to_string(),
            muscle_label(row.muscle.as_ref()),
            row.side.label().to_owned(),
            date(row.first_seen),
            date(row.last_seen),
        ];
        cells.extend((0..visits.len()).map(|i| match knot.at(i) {
            Some(o) => format!(
                "{}{}",
                status_code(o.status),
                o.palpation_pain.map(|p| p.to_string()).unwrap_or_default()
            ),
            None => ".".to_owned(),
        }));
        cells.push(row.trend.label().to_owned());
        table.push_row(cells);
    }
    let mut out = table.render();
    out.push_str(HISTORY_LEGEND);
    out.push('\n');
    out
}

/// The counts of a comparison on one line: `New 1, Resolved 2, Better 0, ...`.
pub fn counts_line(comparison: &Comparison) -> String {
    comparison
        .counts()
        .into_iter()
        .map(|(trend, n)| format!("{} {n}", trend.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A comparison as text: how points were matched, the counts, then one row per knot (change,
/// knot, muscle, side, and at A and B: chart number, status, pain, pressure threshold).
pub fn comparison_table(comparison: &Comparison, muscle_label: MuscleLabel<'_>) -> String {
    let mut table = TextTable::new([
        "Change", "Knot", "Muscle", "Side", "A #", "A status", "A pain", "A PPT", "B #",
        "B status", "B pain", "B PPT",
    ]);
    for column in [1, 4, 6, 7, 8, 10, 11] {
        table.align_right(column);
    }
    let side = |p: &Option<PointSnapshot>| -> [String; 4] {
        match p {
            Some(p) => [
                p.number.to_string(),
                p.status.label().to_owned(),
                p.palpation_pain.map(|v| v.to_string()).unwrap_or_default(),
                p.pressure_threshold
                    .map(|v| format!("{v:.1}"))
                    .unwrap_or_default(),
            ],
            None => ["-".to_owned(), String::new(), String::new(), String::new()],
        }
    };
    for row in &comparison.rows {
        let mut cells = vec![
            row.change.label().to_owned(),
            row.knot_number.map(|n| n.to_string()).unwrap_or_default(),
            muscle_label(row.muscle()),
            row.side().label().to_owned(),
        ];
        cells.extend(side(&row.a));
        cells.extend(side(&row.b));
        table.push_row(cells);
    }
    let method = match comparison.method {
        MatchMethod::History {
            visits_between,
            matched_by_position,
        } => {
            let mut text = format!(
                "Knots followed through the patient's visits ({visits_between} between A and B)."
            );
            if matched_by_position > 0 {
                text.push_str(&format!(
                    " {matched_by_position} knot(s) with a broken link (a visit missing) matched by position."
                ));
            }
            text
        }
        MatchMethod::Direct => {
            "Knots matched directly: lineage, else nearest point of the same muscle and side."
                .to_owned()
        }
    };
    let mut out = format!(
        "A: {}  B: {}\n{method}\n{}\n\n",
        comparison.a_date.format("%Y-%m-%d %H:%M"),
        comparison.b_date.format("%Y-%m-%d %H:%M"),
        counts_line(comparison)
    );
    if table.is_empty() {
        out.push_str("No knots at either visit.\n");
    } else {
        out.push_str(&table.render());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Trend;

    fn all_trends_listed(line: &str) -> bool {
        Trend::ALL.iter().all(|t| line.contains(t.label()))
    }

    #[test]
    fn text_table_pads_and_aligns() {
        let mut t = TextTable::new(["a", "num", "c"]);
        t.align_right(1);
        t.push_row(vec!["long".into(), "7".into(), String::new()]);
        t.push_row(vec!["x".into(), "12345".into(), "z".into()]);
        assert_eq!(
            t.render(),
            "a       num  c\n----  -----  -\nlong      7\nx     12345  z\n"
        );
    }

    #[test]
    fn empty_comparison_lists_every_count() {
        let visit = crate::model::Visit::new_now();
        let c = super::super::compare_visits(&visit, &visit);
        let text = comparison_table(&c, &|m| m.map_or("-".into(), |m| m.to_string()));
        assert!(all_trends_listed(&text));
        assert!(text.contains("No knots"));
    }
}
