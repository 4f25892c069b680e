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
    let before: String = place.line_text.chars().take(place.col - 1).collect();
    let under: String = place.line_text.chars().skip(place.col - 1).take(place.width()).collect();
    let indent = " ".repeat(UnicodeWidthStr::width(before.as_str()));
    let carets = "^".repeat(UnicodeWidthStr::width(under.as_str()).max(1));
    let label = if label.is_empty() { String::new() } else { format!(" {label}") };
    format!(
        "{pad}--> {}\n{pad} |\n{number} | {}\n{pad} | {indent}{carets}{label}\n",
        place.position(),
        place.line_text
    )
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
}
