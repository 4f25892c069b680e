//! Tests of the voting codes of `ops/ballot.rs`: their shape, and how a code typed is read.

use super::*;

#[test]
fn s3_4_a_fresh_code_has_64_bits_from_an_alphabet_without_look_alike_characters() {
    assert_eq!(CODE_ALPHABET.len(), 31);
    assert!(!CODE_ALPHABET.contains(['0', 'O', '1', 'I', 'L']));
    let bits = CODE_LENGTH as f64 * (CODE_ALPHABET.len() as f64).log2();
    assert!(bits >= 60.0, "{bits} bits");
    let a = fresh_code();
    assert_eq!(a.len(), CODE_LENGTH);
    assert!(a.chars().all(|c| CODE_ALPHABET.contains(c)));
    assert_ne!(a, fresh_code());
}

#[test]
fn s3_4_a_code_reads_the_same_in_any_case_with_dashes_spaces_or_full_width_characters() {
    let code = "K7QXMP3A9RTW5";
    assert_eq!(shown_code(code), "K7QX-MP3A-9RTW5");
    for typed in ["K7QX-MP3A-9RTW5", "k7qx mp3a 9rtw5", " k7QX-mp3A–9rtw5 ", "Ｋ７ＱＸ－ＭＰ３Ａ－９ＲＴＷ５"] {
        assert_eq!(normalise_code(typed).ok().as_deref(), Some(code), "{typed}");
    }
    for wrong in ["K7QX-MP3A-9RTW", "K7QX-MP3A-9RTW5X", "K7QX-MP3A-9RTWO", ""] {
        assert!(matches!(*normalise_code(wrong).expect_err(wrong).kind, Kind::CodeMalformed { expected: CODE_LENGTH, .. }), "{wrong}");
    }
}
