//! Tests of `place.rs`.

use super::*;

#[test]
fn columns_count_characters_not_bytes() {
    let text = "// 规则\nquota §3.4 \"十五\" = floor(x)\n";
    let at = text.find("floor").expect("in the text");
    let p = Place::locate("rules/q.shine", text, at..at + 5);
    assert_eq!((p.line, p.col), (2, 19));
    assert_eq!(p.position(), "rules/q.shine:2:19");
    assert_eq!(p.line_text, "quota §3.4 \"十五\" = floor(x)");
    assert_eq!(p.width(), 5);
}

#[test]
fn a_span_past_the_end_is_clamped() {
    let p = Place::locate("f", "ab", 7..9);
    assert_eq!((p.line, p.col, p.width()), (1, 3, 1));
}

#[test]
fn a_span_over_two_lines_is_cut_at_the_line_end() {
    let p = Place::locate("f", "abc\ndef", 1..6);
    assert_eq!(p.width(), 2);
}
