//! Text users give — ids, names, labels, deed text, reasons, evidence, notes — checked
//! and normalised in one place before anything is recorded.
//!
//! Every field has a shape ([`Shape`]): an **id** (a store key: ≤ 64 characters, no
//! white space, no `/`), a **line** (a name or label: ≤ 64 characters, one line) or
//! **long** text (deed text, reasons, evidence: ≤ 4,000 characters, line breaks `\n`
//! allowed). All shapes refuse control characters (C0, DEL, C1: ESC, BEL, NUL, `\r`,
//! tab; `\n` too except in long text), the bidirectional marks, embeddings, overrides
//! and isolates (U+061C, U+200E/F, U+202A–202E, U+2066–2069) and the line and
//! paragraph separators (U+2028/9). Ids and lines also refuse zero-width characters
//! (U+200B–200D, U+2060, U+FEFF) and every other invisible format character
//! (general category Cf); long text keeps those, as emoji sequences need them. A
//! field that must not be empty refuses text that is only white space or invisible.
//!
//! Accepted text is normalised to NFC (a decomposed `é` becomes one character),
//! except the CJK compatibility ideographs (U+F900–FAFF, U+2F800–2FA1F), which NFC
//! would replace with their unified twins: a name is kept as the roster wrote it.
//! Every other character — rare ideographs beyond the BMP such as U+20BB7 included —
//! is kept byte for byte.

use serde::Serialize;
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// Which piece of text a user gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Text {
    UnitName,
    MemberName,
    Evidence,
    DeedText,
    ExcuseReason,
    Comment,
    ObjectionReason,
    DecisionReason,
    PickReason,
    ReturnReason,
    CorrectionReason,
    UnitId,
    MemberId,
    /// A guest of the special meeting (activist, observer, delegate).
    GuestName,
    /// A credential's label.
    TokenLabel,
    /// The note of an organizational-life record.
    LifeNote,
    /// A value of a field the rules declare no enum for (identity, role, status).
    Value,
    /// What happened when a finding was closed.
    ClosureNote,
    /// Why a member's standing was recorded.
    StandingReason,
    /// Who approved or decided a member's standing.
    ApprovedBy,
    /// The note of a transfer, removal or dated change of a roster.
    RosterNote,
    /// Why a closed electronic voting is held again.
    RevoteReason,
    /// The login of a web account.
    Login,
    /// The name of the person a web account belongs to.
    AccountName,
}

/// How much a field may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    Id,
    Line,
    Long,
}

impl Text {
    pub fn shape(self) -> Shape {
        match self {
            Text::UnitId | Text::MemberId | Text::Login => Shape::Id,
            Text::UnitName | Text::MemberName | Text::GuestName | Text::TokenLabel | Text::Value | Text::ApprovedBy | Text::AccountName => Shape::Line,
            Text::Evidence
            | Text::DeedText
            | Text::ExcuseReason
            | Text::Comment
            | Text::ObjectionReason
            | Text::DecisionReason
            | Text::PickReason
            | Text::ReturnReason
            | Text::CorrectionReason
            | Text::LifeNote
            | Text::ClosureNote
            | Text::StandingReason => Shape::Long,
            | Text::RosterNote
            | Text::RevoteReason => Shape::Long,
        }
    }

    /// Whether the field may be left empty.
    pub fn optional(self) -> bool {
        matches!(self, Text::LifeNote | Text::RosterNote | Text::TokenLabel)
    }
}

impl Shape {
    /// The most characters (after normalisation) a field of this shape holds.
    pub fn limit(self) -> usize {
        match self {
            Shape::Id | Shape::Line => 64,
            Shape::Long => 4000,
        }
    }
}

/// Why a character is not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CharClass {
    /// C0, DEL or C1 (category Cc): ESC, BEL, NUL, `\r`, tab, a line break.
    Control,
    /// A bidirectional mark, embedding, override or isolate.
    Bidi,
    /// U+200B–200D, U+2060, U+FEFF.
    ZeroWidth,
    /// Another invisible format character (category Cf).
    Format,
    /// U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR.
    Separator,
    /// White space inside an id.
    Space,
    /// `/` inside an id (ids are parts of store keys).
    Slash,
}

/// What is wrong with a piece of text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum TextProblem {
    /// Empty, or only white space and invisible characters.
    Blank,
    TooLong { chars: usize, limit: usize },
    /// The character at `at` (1-based, in characters) is refused.
    Char { at: usize, codepoint: u32, class: CharClass },
}

/// The class of a character no text of a user may hold in some shape; `None` for
/// every ordinary character (letters, ideographs, punctuation, spaces, emoji).
pub fn class(c: char) -> Option<CharClass> {
    let u = c as u32;
    Some(match u {
        0x00..=0x1F | 0x7F..=0x9F => CharClass::Control,
        0x061C | 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069 => CharClass::Bidi,
        0x200B..=0x200D | 0x2060 | 0xFEFF => CharClass::ZeroWidth,
        0x2028 | 0x2029 => CharClass::Separator,
        0x00AD
        | 0x0600..=0x0605
        | 0x06DD
        | 0x070F
        | 0x0890..=0x0891
        | 0x08E2
        | 0x180E
        | 0x2061..=0x2064
        | 0x206A..=0x206F
        | 0xFFF9..=0xFFFB
        | 0x110BD
        | 0x110CD
        | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A
        | 0xE0001
        | 0xE0020..=0xE007F => CharClass::Format,
        _ => return None,
    })
}

/// Whether a character printed raw could move a terminal's cursor, clear its
/// screen, ring it or reorder what is shown: every control character but `\n`, and
/// the bidirectional controls.
pub fn unsafe_on_terminal(c: char) -> bool {
    c != '\n' && matches!(class(c), Some(CharClass::Control | CharClass::Bidi | CharClass::Separator))
}

/// Whether a field of `shape` refuses `c`, and as what.
fn refused(shape: Shape, c: char) -> Option<CharClass> {
    if shape == Shape::Id {
        if c == '/' {
            return Some(CharClass::Slash);
        }
        if c.is_whitespace() && class(c).is_none() {
            return Some(CharClass::Space);
        }
    }
    match (shape, class(c)?) {
        (Shape::Long, CharClass::Control) if c == '\n' => None,
        (Shape::Long, CharClass::ZeroWidth | CharClass::Format) => None,
        (_, k) => Some(k),
    }
}

/// Shows nothing by itself: white space, format characters, fillers, variation
/// selectors.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || class(c).is_some()
        || matches!(c as u32, 0x034F | 0x115F | 0x1160 | 0x2800 | 0x3164 | 0xFFA0 | 0xFE00..=0xFE0F | 0xE0100..=0xE01EF)
}

fn compatibility_ideograph(c: char) -> bool {
    matches!(c as u32, 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

/// `text` in NFC, the CJK compatibility ideographs kept as they are.
pub fn nfc(text: &str) -> Cow<'_, str> {
    if unicode_normalization::is_nfc(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if compatibility_ideograph(c) {
            out.extend(run.nfc());
            run.clear();
            out.push(c);
        } else {
            run.push(c);
        }
    }
    out.extend(run.nfc());
    Cow::Owned(out)
}

/// `given` as it is recorded for `field`: normalised (NFC; ids and lines trimmed),
/// or the first thing wrong with it.
pub fn clean(field: Text, given: &str) -> Result<String, TextProblem> {
    let shape = field.shape();
    let limit = shape.limit();
    // More bytes than the limit could ever need: refuse before any work.
    if given.len() > limit * 4 * 4 {
        return Err(TextProblem::TooLong { chars: given.chars().count(), limit });
    }
    let text = nfc(given);
    let text = if shape == Shape::Long { text.as_ref() } else { text.trim() };
    for (i, c) in text.chars().enumerate() {
        if let Some(class) = refused(shape, c) {
            return Err(TextProblem::Char { at: i + 1, codepoint: c as u32, class });
        }
    }
    if text.chars().all(invisible) {
        return if field.optional() { Ok(String::new()) } else { Err(TextProblem::Blank) };
    }
    let chars = text.chars().count();
    if chars > limit {
        return Err(TextProblem::TooLong { chars, limit });
    }
    Ok(text.to_owned())
}

/// The start of `given`, short enough to quote in a refusal.
pub fn excerpt(given: &str) -> String {
    const SHOWN: usize = 32;
    let mut out: String = given.chars().take(SHOWN).collect();
    if out.len() < given.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
#[path = "tests/text.rs"]
mod tests;
