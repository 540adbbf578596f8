//! Plain-text tables of a patient's history and of a comparison, for the command line.

use super::compare::{Comparison, MatchMethod, PointSnapshot};
use super::timeline::{History, Knot};
use crate::model::{MuscleId, Status};
use chrono::{DateTime, FixedOffset};
use std::collections::BTreeMap;
use std::io::{self, Write};

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
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
        let layout = Layout {
            widths,
            right: self.right.clone(),
        };
        let mut out = layout.line(&self.headers);
        out.push_str(&layout.rule());
        for row in &self.rows {
            out.push_str(&layout.line(row));
        }
        out
    }
}

/// A cell's width on a terminal, in characters.
fn width(cell: &str) -> usize {
    cell.chars().count()
}

/// The widths and alignments of a table's columns: with them known first, each row can be
/// written as it is made.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Layout {
    widths: Vec<usize>,
    right: Vec<bool>,
}

impl Layout {
    /// One row: each cell padded to its column's width, two spaces apart, no trailing spaces,
    /// a newline at the end.
    fn line<S: AsRef<str>>(&self, cells: &[S]) -> String {
        let mut line = String::new();
        for (i, ((cell, &w), &right)) in cells.iter().zip(&self.widths).zip(&self.right).enumerate()
        {
            let cell = cell.as_ref();
            if i > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(w.saturating_sub(width(cell)));
            if right {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&pad);
            }
        }
        let mut line = line.trim_end().to_owned();
        line.push('\n');
        line
    }

    /// The rule under the header.
    fn rule(&self) -> String {
        let rule: Vec<String> = self.widths.iter().map(|&w| "-".repeat(w)).collect();
        self.line(&rule)
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

/// The visits a history table shows as columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VisitColumns {
    /// Every visit.
    All,
    /// The latest this many visits (at least one).
    Last(usize),
}

impl VisitColumns {
    /// What `triggermap history` shows unless told otherwise: the latest 12 visits, so that
    /// the table of a patient seen for years stays readable and small.
    pub const DEFAULT: VisitColumns = VisitColumns::Last(12);
}

/// How much of a history a table showed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableExtent {
    /// The visits shown as columns (the latest ones).
    pub visits_shown: usize,
    /// All the history's visits.
    pub visits: usize,
    /// The knots shown as rows: those charted at one of the visits shown.
    pub knots_shown: usize,
    /// All the history's knots.
    pub knots: usize,
}

/// Writes the per-knot timeline to `out`, row by row: one row per knot charted at one of the
/// visits of `columns` (all knots with [`VisitColumns::All`]), in overview order (muscle, side,
/// number), with its number, muscle, side, first and last seen, its status and pain at each of
/// those visits, and its trend; then [`HISTORY_LEGEND`]. Each line is written as it is made:
/// one line of text is held at a time, whatever the number of visits and knots. Returns how
/// much was shown.
pub fn write_history_table(
    out: &mut dyn Write,
    history: &History,
    columns: VisitColumns,
    muscle_label: MuscleLabel<'_>,
) -> io::Result<TableExtent> {
    let visits = history.visits();
    let first = match columns {
        VisitColumns::All => 0,
        VisitColumns::Last(n) => visits.len().saturating_sub(n.max(1)),
    };
    let shown = &visits[first..];
    let rows: Vec<(super::OverviewRow, &Knot)> = history
        .overview()
        .into_iter()
        .filter_map(|row| {
            let knot = history.knot(row.knot)?;
            (knot.latest().visit_index >= first).then_some((row, knot))
        })
        .collect();

    let mut per_date: BTreeMap<String, usize> = BTreeMap::new();
    for v in shown {
        *per_date.entry(date(v.date_time)).or_default() += 1;
    }
    let visit_headers = shown.iter().map(|v| {
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

    // The widths first, from the values, so that no row is kept once written.
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    let trend_column = widths.len() - 1;
    for (row, knot) in &rows {
        let fixed = [
            width(&row.number.to_string()),
            width(&muscle_label(row.muscle.as_ref())),
            width(row.side.label()),
            width(&date(row.first_seen)),
            width(&date(row.last_seen)),
        ];
        for (w, cell) in widths.iter_mut().zip(fixed) {
            *w = (*w).max(cell);
        }
        for o in knot.occurrences.iter().filter(|o| o.visit_index >= first) {
            let w = &mut widths[5 + o.visit_index - first];
            *w = (*w).max(width(&visit_cell(Some(o))));
        }
        widths[trend_column] = widths[trend_column].max(width(row.trend.label()));
    }
    let mut right = vec![false; widths.len()];
    right[0] = true;
    let layout = Layout { widths, right };

    out.write_all(layout.line(&headers).as_bytes())?;
    out.write_all(layout.rule().as_bytes())?;
    for (row, knot) in &rows {
        let mut cells = Vec::with_capacity(headers.len());
        cells.extend([
            row.number.to_string(),
            muscle_label(row.muscle.as_ref()),
            row.side.label().to_owned(),
            date(row.first_seen),
            date(row.last_seen),
        ]);
        cells.extend((first..visits.len()).map(|i| visit_cell(knot.at(i))));
        cells.push(row.trend.label().to_owned());
        out.write_all(layout.line(&cells).as_bytes())?;
    }
    writeln!(out, "{HISTORY_LEGEND}")?;
    Ok(TableExtent {
        visits_shown: shown.len(),
        visits: visits.len(),
        knots_shown: rows.len(),
        knots: history.knots().len(),
    })
}

/// A knot at one visit in a history table: status and pain (`A7`), or `.` when not charted.
fn visit_cell(occurrence: Option<&super::Occurrence>) -> String {
    match occurrence {
        Some(o) => format!(
            "{}{}",
            status_code(o.status),
            o.palpation_pain.map(|p| p.to_string()).unwrap_or_default()
        ),
        None => ".".to_owned(),
    }
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
