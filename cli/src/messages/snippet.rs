//! The snippet under a diagnostic: `file:line:col`, the line, and the offending text
//! underlined, with the label beside the underline. Columns in the header count
//! characters (as the engine's [`Place`] does); the underline is placed by display
//! width, so it sits under Chinese text correctly in a terminal.

use shine_engine::place::Place;
use unicode_width::UnicodeWidthStr;

/// ```text
///   --> rules/quota.shine:3:20
///    |
///  3 | quota §3.4 "…" = floor(x)
///    |                  ^^^^^ 标签
/// ```
pub fn snippet(place: &Place, label: &str) -> String {
    let number = place.line.to_string();
    let pad = " ".repeat(number.len());
    let (line, col) = window(&place.line_text, place.col);
    let before: String = line.chars().take(col - 1).collect();
    let under: String = line.chars().skip(col - 1).take(place.width()).collect();
    let indent = " ".repeat(UnicodeWidthStr::width(before.as_str()));
    let carets = "^".repeat(UnicodeWidthStr::width(under.as_str()).clamp(1, SHOWN));
    let label = if label.is_empty() { String::new() } else { format!(" {label}") };
    format!("{pad}--> {}\n{pad} |\n{number} | {line}\n{pad} | {indent}{carets}{label}\n", place.position())
}

/// Characters of a line shown around the offending text.
const SHOWN: usize = 100;
/// Characters shown before the offending text when the line is cut.
const CONTEXT: usize = 40;

/// The part of a long line around character column `col`, cut with `…` on either
/// side, and the column within it; control characters are shown as their visible
/// symbols (`␀`, `␛`), one column each, so that nothing in a file moves the terminal.
fn window(line: &str, col: usize) -> (String, usize) {
    let count = line.chars().count();
    let (from, lead) = if count > SHOWN && col > CONTEXT + 1 { (col - 1 - CONTEXT, "…") } else { (0, "") };
    let shown: String = line.chars().skip(from).take(SHOWN).map(visible).collect();
    let tail = if from + SHOWN < count { "…" } else { "" };
    (format!("{lead}{shown}{tail}"), col - from + lead.chars().count())
}

fn visible(c: char) -> char {
    match c {
        '\t' => ' ',
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('?'),
        '\u{7f}' => '\u{2421}',
        c if c.is_control() => '\u{fffd}',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_underline_sits_under_wide_characters() {
        let text = "quota §3.4 \"十五\" = 名额";
        let at = text.find("名额").expect("in the text");
        let place = Place::locate("rules/q.shine", text, at..at + "名额".len());
        let shown = snippet(&place, "未知名称");
        assert_eq!(
            shown,
            " --> rules/q.shine:1:19\n  |\n1 | quota §3.4 \"十五\" = 名额\n  |                     ^^^^ 未知名称\n"
        );
    }

    #[test]
    fn a_long_line_is_cut_around_the_offending_text() {
        let text = format!("guard g §1 \"t\" when {}名额", "a or ".repeat(14_000));
        let at = text.find("名额").expect("in the text");
        let place = Place::locate("rules/q.shine", &text, at..at + "名额".len());
        let shown = snippet(&place, "未知名称");
        assert!(shown.contains("rules/q.shine:1:70021"), "{shown}");
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[2], format!("1 | …{}名额", "a or ".repeat(8)));
        assert_eq!(lines[3], format!("  | {}^^^^ 未知名称", " ".repeat(41)));
    }

    #[test]
    fn control_characters_are_shown_as_symbols() {
        let place = Place::locate("rules/q.shine", "a\u{1b}[2J\0 b", 7..8);
        let shown = snippet(&place, "");
        assert!(shown.contains("1 | a\u{241b}[2J\u{2400} b\n"), "{shown}");
        assert!(shown.ends_with("  |        ^\n"), "{shown}");
    }
}
