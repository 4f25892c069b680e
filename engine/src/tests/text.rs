//! Tests of `text.rs`.

use super::*;

fn refused_as(field: Text, given: &str) -> Option<(usize, u32, CharClass)> {
    match clean(field, given) {
        Err(TextProblem::Char { at, codepoint, class }) => Some((at, codepoint, class)),
        _ => None,
    }
}

#[test]
fn rare_ideographs_and_middle_dots_are_kept_byte_for_byte() {
    for name in ["𠮷野家", "䶮", "王𬭎", "阿依古丽·买买提", "热依拉・艾力", "张三", "Ольга", "李 明"] {
        assert_eq!(clean(Text::MemberName, name).as_deref(), Ok(name), "{name}");
    }
    assert_eq!(clean(Text::MemberId, "jx-𠮷-08").as_deref(), Ok("jx-𠮷-08"));
}

#[test]
fn text_is_normalised_to_nfc_but_compatibility_ideographs_stay() {
    assert_eq!(clean(Text::MemberName, "Jose\u{301}").as_deref(), Ok("Jos\u{e9}"));
    assert_eq!(clean(Text::MemberName, "\u{1112}\u{1161}\u{11ab}").as_deref(), Ok("\u{d55c}"));
    // U+F92C would become U+90CE under plain NFC; GBK files carry it.
    assert_eq!(clean(Text::MemberName, "\u{f92c}e\u{301}").as_deref(), Ok("\u{f92c}\u{e9}"));
}

#[test]
fn every_refused_class_is_named_with_its_position() {
    assert_eq!(refused_as(Text::DeedText, "好人\r坏人\x1b[2J"), Some((3, 0x0D, CharClass::Control)));
    for (c, class) in [
        ('\x1b', CharClass::Control),
        ('\x07', CharClass::Control),
        ('\0', CharClass::Control),
        ('\n', CharClass::Control),
        ('\u{85}', CharClass::Control),
        ('\u{202e}', CharClass::Bidi),
        ('\u{2067}', CharClass::Bidi),
        ('\u{200f}', CharClass::Bidi),
        ('\u{61c}', CharClass::Bidi),
        ('\u{200b}', CharClass::ZeroWidth),
        ('\u{200d}', CharClass::ZeroWidth),
        ('\u{2060}', CharClass::ZeroWidth),
        ('\u{feff}', CharClass::ZeroWidth),
        ('\u{ad}', CharClass::Format),
        ('\u{2028}', CharClass::Separator),
    ] {
        let name = format!("张{c}三");
        assert_eq!(refused_as(Text::MemberName, &name), Some((2, c as u32, class)), "{:04X}", c as u32);
        assert_eq!(refused_as(Text::MemberId, &format!("m{c}1")), Some((2, c as u32, class)), "{:04X}", c as u32);
    }
    assert_eq!(refused_as(Text::MemberId, "a b"), Some((2, 0x20, CharClass::Space)));
    assert_eq!(refused_as(Text::UnitId, "a/b"), Some((2, 0x2F, CharClass::Slash)));
}

#[test]
fn long_text_keeps_line_breaks_and_joiners_but_not_controls() {
    let deed = "第一段\n第二段 👨\u{200d}👩\u{200d}👧";
    assert_eq!(clean(Text::DeedText, deed).as_deref(), Ok(deed));
    assert_eq!(refused_as(Text::DeedText, "a\tb"), Some((2, 9, CharClass::Control)));
    assert_eq!(refused_as(Text::ObjectionReason, "a\u{202e}b"), Some((2, 0x202E, CharClass::Bidi)));
}

#[test]
fn blank_and_invisible_only_text_is_refused_where_text_is_needed() {
    for blank in ["", "   ", "\u{3000}", "\u{3164}", "\u{115f}\u{1160}"] {
        assert_eq!(clean(Text::MemberName, blank), Err(TextProblem::Blank), "{blank:?}");
        assert_eq!(clean(Text::DeedText, blank), Err(TextProblem::Blank), "{blank:?}");
    }
    assert_eq!(clean(Text::LifeNote, "  ").as_deref(), Ok(""));
}

#[test]
fn lengths_are_limited_by_shape() {
    let long_id = "x".repeat(100 * 1024);
    assert_eq!(clean(Text::MemberId, &long_id), Err(TextProblem::TooLong { chars: 100 * 1024, limit: 64 }));
    assert!(clean(Text::MemberName, &"𠮷".repeat(64)).is_ok());
    assert_eq!(clean(Text::MemberName, &"𠮷".repeat(65)), Err(TextProblem::TooLong { chars: 65, limit: 64 }));
    assert!(clean(Text::DeedText, &"好".repeat(4000)).is_ok());
    assert_eq!(clean(Text::DeedText, &"好".repeat(4001)), Err(TextProblem::TooLong { chars: 4001, limit: 4000 }));
    assert_eq!(excerpt(&long_id).chars().count(), 33);
}

#[test]
fn the_terminal_sees_no_control_but_line_breaks() {
    assert!(unsafe_on_terminal('\x1b') && unsafe_on_terminal('\r') && unsafe_on_terminal('\u{202e}'));
    assert!(!unsafe_on_terminal('\n') && !unsafe_on_terminal('𠮷') && !unsafe_on_terminal('·'));
}
