//! Where a problem sits in a definition file (a rule file or a workflow file): the
//! file, the 1-based line and character column, the byte span and the line's text.
//!
//! Diagnostics carry a [`Place`] and a typed problem; the edge draws the snippet and
//! words the problem. Columns count characters, never bytes, so `rules/a.shine:3:7`
//! and the underline agree for Chinese text.

use serde::Serialize;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The file as it was given to the loader, e.g. `rules/quota.shine`.
    pub file: String,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column of the span's start, counted in characters.
    pub col: usize,
    /// The offending text as a byte range of the file.
    pub span: Range<usize>,
    /// The whole line the span starts on, without its line break.
    pub line_text: String,
}

impl Place {
    /// The place of `span` in `text`; a span beyond the text is clamped to its end.
    pub fn locate(file: &str, text: &str, span: Range<usize>) -> Place {
        let start = floor_char(text, span.start.min(text.len()));
        let end = floor_char(text, span.end.clamp(start, text.len()));
        let before = &text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let line_end = text[start..].find('\n').map(|i| start + i).unwrap_or(text.len());
        Place {
            file: file.to_owned(),
            line,
            col: text[line_start..start].chars().count() + 1,
            span: start..end,
            line_text: text[line_start..line_end].trim_end_matches('\r').to_owned(),
        }
    }

    /// `file:line:col`, as editors and terminals link it.
    pub fn position(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.col)
    }

    /// How many characters of the line the span covers (at least one; a span that
    /// runs over the line's end is cut there).
    pub fn width(&self) -> usize {
        let len = self.span.end.saturating_sub(self.span.start);
        let from_col: String = self.line_text.chars().skip(self.col - 1).collect();
        let mut taken = 0;
        let mut bytes = 0;
        for c in from_col.chars() {
            if bytes >= len {
                break;
            }
            bytes += c.len_utf8();
            taken += 1;
        }
        taken.max(1)
    }
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
#[path = "tests/place.rs"]
mod tests;
