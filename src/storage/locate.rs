//! Where in a file's text a problem with a value lies.

use super::LocatedProblem;
use super::errors::line_column;
use super::scan;
use crate::model::VisitProblem;

/// Where the field of `problem` lies in `text` (line and column, 1-based): the field itself, or
/// the nearest enclosing value present when the field is absent.
pub fn locate(problem: &VisitProblem, text: &str) -> (usize, usize) {
    let spans = scan::scan(text);
    locate_in(problem, text, &spans)
}

fn locate_in(problem: &VisitProblem, text: &str, spans: &[scan::Span]) -> (usize, usize) {
    let at = scan::find(spans, &problem.path).unwrap_or(0);
    line_column(&text.as_bytes()[..at])
}

/// Every problem with its place in `text`, in file order.
pub(super) fn locate_all(problems: Vec<VisitProblem>, text: &str) -> Vec<LocatedProblem> {
    let spans = scan::scan(text);
    let mut located: Vec<LocatedProblem> = problems
        .into_iter()
        .map(|problem| {
            let (line, column) = locate_in(&problem, text, &spans);
            LocatedProblem {
                line,
                column,
                problem,
            }
        })
        .collect();
    located.sort_by_key(|p| (p.line, p.column));
    located
}
