//! A forgiving scan of RON text that finds where each field and list element is, by path
//! (`visit.points[2].palpation_pain`), without parsing values.
//!
//! It serves three purposes: naming the field in which the parser stopped, pointing a validation
//! problem at its line, and dropping the fields that a newer format version added before the
//! strict parse of a read-only file. It never fails: on text that is not RON it finds what it can.
//! Everything it finds is checked again by the real parser.

/// Paths deeper than this are not recorded (the parser refuses them anyway), which keeps the scan
/// linear on hostile nesting.
const MAX_DEPTH: usize = 160;

/// Where one field (`name: value`) or list element lies in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    /// Its path from the top: `visit.points[2].palpation_pain`; list elements end in `[i]`.
    pub path: String,
    /// Byte offset of the field's name (or of the element's first character).
    pub start: usize,
    /// Byte offset just past the value (before a separating comma), trailing space trimmed.
    pub value_end: usize,
    /// Byte offset just past the separating comma, or `value_end` when there is none.
    pub removal_end: usize,
    /// Whether this is a field (rather than a list element).
    pub is_field: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Paren,
    Bracket,
    Brace,
}

struct Frame {
    kind: Kind,
    /// In a list: the index of the current element.
    index: usize,
    /// The span (index into the output) of the field or element now open in this frame.
    open: Option<usize>,
    /// The path of this frame: where its content lives.
    path: String,
}

/// Scans `text` and returns every field and list element found, in order of their start.
pub(crate) fn scan(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut spans: Vec<Span> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let close = |spans: &mut Vec<Span>, frame: &mut Frame, end: usize, removal_end: usize| {
        if let Some(open) = frame.open.take() {
            let mut value_end = end;
            while value_end > spans[open].start && bytes[value_end - 1].is_ascii_whitespace() {
                value_end -= 1;
            }
            spans[open].value_end = value_end;
            spans[open].removal_end = removal_end;
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        // Whitespace and comments.
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            i = memchr(b'\n', bytes, i).unwrap_or(bytes.len());
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i = skip_block_comment(bytes, i);
            continue;
        }
        // Any other token starts a value: in a list, it may start an element.
        let depth = stack.len();
        if !matches!(b, b',' | b')' | b']' | b'}' | b':')
            && depth <= MAX_DEPTH
            && let Some(top) = stack.last_mut()
            && top.kind == Kind::Bracket
            && top.open.is_none()
        {
            let path = format!("{}[{}]", top.path, top.index);
            top.open = Some(spans.len());
            spans.push(Span {
                path,
                start: i,
                value_end: bytes.len(),
                removal_end: bytes.len(),
                is_field: false,
            });
        }
        match b {
            b'(' | b'[' | b'{' => {
                let kind = match b {
                    b'(' => Kind::Paren,
                    b'[' => Kind::Bracket,
                    _ => Kind::Brace,
                };
                let path = match stack.last() {
                    Some(top) if stack.len() < MAX_DEPTH => top
                        .open
                        .and_then(|s| spans.get(s))
                        .map_or_else(|| top.path.clone(), |s| s.path.clone()),
                    _ => String::new(),
                };
                stack.push(Frame {
                    kind,
                    index: 0,
                    open: None,
                    path,
                });
                i += 1;
            }
            b')' | b']' | b'}' => {
                if let Some(mut frame) = stack.pop() {
                    close(&mut spans, &mut frame, i, i);
                }
                i += 1;
            }
            b',' => {
                if let Some(top) = stack.last_mut() {
                    close(&mut spans, top, i, i + 1);
                    if top.kind == Kind::Bracket {
                        top.index += 1;
                    }
                }
                i += 1;
            }
            b'"' => i = skip_string(bytes, i + 1),
            b'\'' => i = skip_char(bytes, i + 1),
            b'b' if bytes.get(i + 1) == Some(&b'"') => i = skip_string(bytes, i + 2),
            b'r' | b'b' if raw_string_start(bytes, i).is_some() => {
                i = raw_string_start(bytes, i).map_or(bytes.len(), |(hashes, body)| {
                    skip_raw_string(bytes, body, hashes)
                });
            }
            _ if b == b'_' || b.is_ascii_alphabetic() => {
                let start = i;
                // `r#name` is a raw identifier.
                let name_start = if b == b'r' && bytes.get(i + 1) == Some(&b'#') {
                    i + 2
                } else {
                    i
                };
                i = name_start;
                while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                let name = &text[name_start..i];
                let mut j = i;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if bytes.get(j) == Some(&b':')
                    && depth <= MAX_DEPTH
                    && let Some(top) = stack.last_mut()
                    && top.kind != Kind::Bracket
                {
                    close(&mut spans, top, start, start);
                    let path = if top.path.is_empty() {
                        name.to_owned()
                    } else {
                        format!("{}.{name}", top.path)
                    };
                    top.open = Some(spans.len());
                    spans.push(Span {
                        path,
                        start,
                        value_end: bytes.len(),
                        removal_end: bytes.len(),
                        is_field: true,
                    });
                    i = j + 1;
                }
            }
            _ => i += 1,
        }
    }
    spans
}

fn memchr(needle: u8, bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..]
        .iter()
        .position(|&b| b == needle)
        .map(|p| from + p)
}

/// Skips a (possibly nested) block comment starting at `i`; returns the offset after it.
fn skip_block_comment(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth = depth.saturating_sub(1);
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Skips the body of a quoted string (from just after the opening quote).
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Skips a character literal (from just after the opening quote).
fn skip_char(bytes: &[u8], mut i: usize) -> usize {
    let limit = (i + 12).min(bytes.len());
    while i < limit {
        match bytes[i] {
            b'\\' => i += 2,
            b'\'' => return i + 1,
            _ => i += 1,
        }
    }
    limit
}

/// If a raw string (`r"`, `r#"`, `br#"`...) starts at `i`: the number of `#` and where its body
/// starts.
fn raw_string_start(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if bytes.get(j) == Some(&b'b') {
        j += 1;
    }
    if bytes.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes_start = j;
    while bytes.get(j) == Some(&b'#') {
        j += 1;
    }
    (bytes.get(j) == Some(&b'"')).then_some((j - hashes_start, j + 1))
}

fn skip_raw_string(bytes: &[u8], mut i: usize, hashes: usize) -> usize {
    while i < bytes.len() {
        if bytes[i] == b'"'
            && bytes.len() >= i + 1 + hashes
            && bytes[i + 1..i + 1 + hashes].iter().all(|&b| b == b'#')
        {
            return i + 1 + hashes;
        }
        i += 1;
    }
    bytes.len()
}

/// The innermost field whose name or value contains byte `offset`.
pub(crate) fn field_at(spans: &[Span], offset: usize) -> Option<&Span> {
    spans
        .iter()
        .filter(|s| s.is_field && s.start <= offset && offset <= s.value_end.max(s.start))
        .max_by_key(|s| s.start)
}

/// The span with exactly this path, or the one of its nearest enclosing path that exists.
pub(crate) fn find(spans: &[Span], path: &str) -> Option<usize> {
    let mut path = path;
    loop {
        if let Some(s) = spans.iter().find(|s| s.path == path) {
            return Some(s.start);
        }
        let cut = path.rfind(['.', '['])?;
        path = &path[..cut];
    }
}

/// A path with list indices removed: `visit.points[2].notes` becomes `visit.points[].notes`.
pub(crate) fn shape_of(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_fields_and_elements_by_path() {
        let text = "// c: x\n(a: 1, b: [ (c: \"x: (\", d: Some((e: 2))), (c: r#\"]\"#) ], f: Injection(g: 3))";
        let spans = scan(text);
        let paths: Vec<&str> = spans.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "a", "b", "b[0]", "b[0].c", "b[0].d", "b[0].d.e", "b[1]", "b[1].c", "f", "f.g"
            ]
        );
        let a = &spans[0];
        assert_eq!(&text[a.start..a.value_end], "a: 1");
        assert_eq!(&text[a.start..a.removal_end], "a: 1,");
        let d = &spans[4];
        assert_eq!(&text[d.start..d.value_end], "d: Some((e: 2))");
        let offset = text.find("2))").expect("2");
        assert_eq!(
            field_at(&spans, offset).map(|s| s.path.as_str()),
            Some("b[0].d.e")
        );
        assert_eq!(find(&spans, "b[1].notes"), Some(spans[6].start));
        assert_eq!(shape_of("v.points[12].t[0].x"), "v.points[].t[].x");
    }

    #[test]
    fn survives_garbage_and_deep_nesting() {
        let deep = "[".repeat(100_000);
        assert!(scan(&deep).len() <= MAX_DEPTH + 1);
        let _ = scan("\"unterminated");
        let _ = scan(")))]]]:::,,,r#\"");
        let _ = scan("/* /* */");
    }
}
