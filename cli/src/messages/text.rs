//! Text a user gave that the engine's one check of text (`shine_engine::text`)
//! refused, in words: which field, which character (as U+XXXX with its name, since it
//! may be invisible) and why, and what to do.

use super::words;
use shine_engine::text::{CharClass, Shape, Text, TextProblem};

/// The names of the characters a user most likely meets, invisible ones first.
fn char_name(code: u32) -> Option<&'static str> {
    Some(match code {
        0x00 => "NUL 空字符",
        0x07 => "BEL 响铃符",
        0x08 => "BS 退格符",
        0x09 => "TAB 制表符",
        0x0A => "LF 换行符",
        0x0B => "VT 垂直制表符",
        0x0C => "FF 换页符",
        0x0D => "CR 回车符",
        0x1B => "ESC 转义符",
        0x20 => "空格",
        0x2F => "斜杠",
        0x7F => "DEL 删除符",
        0x85 => "NEL 下一行",
        0xA0 => "不换行空格",
        0xAD => "软连字符",
        0x061C => "阿拉伯字母标记",
        0x200B => "零宽空格",
        0x200C => "零宽非连接符",
        0x200D => "零宽连接符",
        0x200E => "从左到右标记",
        0x200F => "从右到左标记",
        0x2028 => "行分隔符",
        0x2029 => "段分隔符",
        0x202A => "从左到右嵌入",
        0x202B => "从右到左嵌入",
        0x202C => "嵌入结束",
        0x202D => "从左到右覆盖",
        0x202E => "从右到左覆盖",
        0x2060 => "字连接符",
        0x2066 => "从左到右隔离",
        0x2067 => "从右到左隔离",
        0x2068 => "首字隔离",
        0x2069 => "隔离结束",
        0x3000 => "全角空格",
        0xFEFF => "零宽不换行空格（BOM）",
        _ => return None,
    })
}

fn class(c: CharClass) -> &'static str {
    match c {
        CharClass::Control => "控制字符，可能改写终端屏幕",
        CharClass::Bidi => "双向文字控制符，会颠倒文字的显示顺序",
        CharClass::ZeroWidth => "零宽字符，看不见却使两段文字不同",
        CharClass::Format => "不可见的格式字符",
        CharClass::Separator => "行、段分隔符",
        CharClass::Space => "空白；编号中不能有空白",
        CharClass::Slash => "编号中不能有 `/`",
    }
}

/// `U+001B（ESC 转义符）`.
pub fn character(code: u32) -> String {
    match char_name(code) {
        Some(name) => format!("U+{code:04X}（{name}）"),
        None => format!("U+{code:04X}"),
    }
}

/// What is wrong, as a clause after the field's name.
pub fn problem(field: Text, p: &TextProblem) -> String {
    let what = words::text(field);
    match p {
        TextProblem::Blank => format!("{what}为空或只有看不见的字符"),
        TextProblem::TooLong { chars, limit } => format!("{what}有 {chars} 个字符，超过上限 {limit} 个"),
        TextProblem::Char { at, codepoint, class: c } => format!("{what}的第 {at} 个字符 {} 是{}，不能使用", character(*codepoint), class(*c)),
    }
}

/// What to do about it.
pub fn next(field: Text, p: &TextProblem) -> String {
    let what = words::text(field);
    match (p, field.shape()) {
        (TextProblem::Blank, _) => format!("写明{what}"),
        (TextProblem::TooLong { limit, .. }, _) => format!("把{what}缩短到 {limit} 个字符以内"),
        (TextProblem::Char { .. }, Shape::Long) => format!("删去该字符后重新输入；{what}可以分行，但不能含回车、制表等控制字符"),
        (TextProblem::Char { .. }, _) => format!("删去该字符后重新输入；{what}只能是一行可见的文字（从别处复制时常带入看不见的字符）"),
    }
}
