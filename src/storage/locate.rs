//! Where in a file's text the problems with its values lie, in time linear in the text and the
//! number of problems: one scan of the text, an index of the scanned paths, and one sweep to turn
//! byte offsets into lines and columns.

use super::scan;
use super::{LocatedProblem, MoreProblems};
use crate::model::VisitProblem;
use std::collections::HashMap;

/// The most problems listed for one file; the others are counted ([`MoreProblems`]).
pub const MAX_PROBLEMS_LISTED: usize = 100;

/// Where the field of `problem` lies in `text` (line and column, 1-based): the field itself, or
/// the nearest enclosing value present when the field is absent.
pub fn locate(problem: &VisitProblem, text: &str) -> (usize, usize) {
    let spans = scan::scan(text);
    let index = PathIndex::new(&spans);
    let offset = index.offset_of(&problem.path);
    LineCounter::new(text).advance_to(offset)
}

/// The first [`MAX_PROBLEMS_LISTED`] problems with their place in `text`, in file order, and
/// how many more there are.
pub(super) fn locate_all(
    problems: Vec<VisitProblem>,
    text: &str,
) -> (Vec<LocatedProblem>, Option<MoreProblems>) {
    let spans = scan::scan(text);
    let index = PathIndex::new(&spans);
    let mut placed: Vec<(usize, VisitProblem)> = problems
        .into_iter()
        .map(|problem| (index.offset_of(&problem.path), problem))
        .collect();
    // Stable: problems at the same place keep the order they were found in.
    placed.sort_by_key(|(offset, _)| *offset);
    let total = placed.len();
    let mut lines = LineCounter::new(text);
    let mut listed = Vec::with_capacity(total.min(MAX_PROBLEMS_LISTED));
    let mut more = None;
    for (offset, problem) in placed {
        let (line, column) = lines.advance_to(offset);
        if listed.len() == MAX_PROBLEMS_LISTED {
            more = Some(MoreProblems {
                count: total - MAX_PROBLEMS_LISTED,
                line,
                column,
            });
            break;
        }
        listed.push(LocatedProblem {
            line,
            column,
            problem,
        });
    }
    (listed, more)
}

/// The byte offset of each scanned path (the first, if a path occurs twice).
struct PathIndex<'s> {
    starts: HashMap<&'s str, usize>,
}

impl<'s> PathIndex<'s> {
    fn new(spans: &'s [scan::Span]) -> Self {
        let mut starts = HashMap::with_capacity(spans.len());
        for span in spans {
            starts.entry(span.path.as_str()).or_insert(span.start);
        }
        PathIndex { starts }
    }

    /// Where `path` starts, or the nearest enclosing path that was found; 0 if none. A point's
    /// `position` is also found under its name before format version 3, `pos`.
    fn offset_of(&self, path: &str) -> usize {
        if let Some(point) = path.strip_suffix(".position")
            && let Some(&start) = self.starts.get(format!("{point}.pos").as_str())
        {
            return start;
        }
        let mut path = path;
        loop {
            if let Some(&start) = self.starts.get(path) {
                return start;
            }
            let Some(cut) = path.rfind(['.', '[']) else {
                return 0;
            };
            path = &path[..cut];
        }
    }
}

/// Turns increasing byte offsets into 1-based lines and columns (in characters), reading the
/// text once.
struct LineCounter<'t> {
    text: &'t str,
    offset: usize,
    line: usize,
    column: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    /// The line and column of `offset`, which is not before the last one asked for (clamped to
    /// the text, and to a character boundary).
    fn advance_to(&mut self, offset: usize) -> (usize, usize) {
        let text = self.text;
        let offset = offset.clamp(self.offset, text.len());
        for c in text[self.offset..].chars() {
            if self.offset + c.len_utf8() > offset {
                break;
            }
            self.offset += c.len_utf8();
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        (self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters_from_one() {
        let mut lines = LineCounter::new("ab\nçd\n");
        assert_eq!(lines.advance_to(0), (1, 1));
        assert_eq!(lines.advance_to(2), (1, 3));
        assert_eq!(lines.advance_to(3), (2, 1));
        assert_eq!(lines.advance_to(5), (2, 2), "ç is one character");
        assert_eq!(lines.advance_to(99), (3, 1));
    }
}
