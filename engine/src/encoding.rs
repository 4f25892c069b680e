//! Definition files as bytes to text: a rule or workflow file must be UTF-8, and one
//! that is not is refused at its first invalid byte, placed as any other problem (the
//! file, the line, the character column), so that the edge can say where the text
//! stops being UTF-8 and how to save it again.

use crate::place::Place;
use serde::Serialize;

/// A file that is not UTF-8: where its first invalid byte sits and the byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotUtf8 {
    /// The place of the first invalid byte; `line_text` is the valid text of its line
    /// before it.
    pub place: Place,
    /// The first invalid byte.
    pub byte: u8,
}

/// The file's text, or where it stops being UTF-8. A leading byte-order mark is kept
/// (both languages read it as white space).
pub fn decode(file: &str, bytes: Vec<u8>) -> Result<String, NotUtf8> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let byte = bytes.get(bad).copied().unwrap_or(0);
            // The valid prefix and the rest of the line up to the next invalid byte,
            // so that the snippet shows the line as far as it can be read.
            let line_end = bytes[bad..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |i| bad + i);
            let shown = String::from_utf8_lossy(&bytes[..bad]).into_owned();
            let rest = String::from_utf8_lossy(&bytes[bad..line_end]).into_owned();
            let mut place = Place::locate(file, &shown, bad..bad);
            place.line_text.push_str(rest.trim_end_matches('\r'));
            Err(NotUtf8 { place, byte })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_invalid_byte_is_placed_by_line_and_character() {
        let bytes = b"guard g \xc2\xa71 \"t\" when true\nguard \xe6\x98\xaf \xff\xfe x\n".to_vec();
        let e = decode("rules/a.shine", bytes).expect_err("not UTF-8");
        assert_eq!((e.place.line, e.place.col, e.byte), (2, 9, 0xff));
        assert_eq!(e.place.position(), "rules/a.shine:2:9");
        assert!(e.place.line_text.starts_with("guard \u{662f} "));
    }

    #[test]
    fn utf8_text_passes_unchanged() {
        let text = "\u{feff}quota \u{a7}1 \"\u{20bb7}\" = 1\r\n";
        assert_eq!(decode("a", text.as_bytes().to_vec()).as_deref(), Ok(text));
    }
}
