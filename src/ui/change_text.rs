//! Change lists (amendments, the restore prompt) in words: muscles by their names, and "->" for
//! the arrow egui's bundled font does not have.

use crate::atlas::Atlas;
use crate::model::{MuscleId, VisitDiff};

/// The differences of `diff`, one line each, as shown.
pub fn diff_lines(diff: &VisitDiff, atlas: &Atlas) -> Vec<String> {
    diff.lines()
        .iter()
        .map(|line| stored_line(line, atlas))
        .collect()
}

/// A line of a change list as stored in the file (muscle ids, "→"), as shown.
pub fn stored_line(line: &str, atlas: &Atlas) -> String {
    let mut shown = String::with_capacity(line.len() + 16);
    let mut word = String::new();
    let flush = |word: &mut String, shown: &mut String| {
        let muscle = MuscleId(std::mem::take(word));
        match atlas.muscle(&muscle) {
            Some(m) => shown.push_str(&m.name),
            None => shown.push_str(muscle.as_str()),
        }
    };
    for c in line.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut shown);
            if c == '→' {
                shown.push_str("->");
            } else {
                shown.push(c);
            }
        }
    }
    flush(&mut word, &mut shown);
    format!("• {shown}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_lines_name_muscles_and_draw_arrows_the_font_has() {
        let atlas = Atlas::builtin().expect("atlas");
        assert_eq!(
            stored_line(
                "point 2: muscle: upper_trapezius → levator_scapulae",
                &atlas
            ),
            "• point 2: muscle: Upper trapezius -> Levator scapulae"
        );
        // A longer id is not read as a shorter one inside it.
        assert!(
            stored_line("extensor_digitorum_longus", &atlas).contains("Extensor digitorum longus")
        );
    }
}
