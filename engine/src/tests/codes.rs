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

/// A quarter folded from these actions, one event each.
fn folded(actions: Vec<Action>) -> QuarterState {
    use crate::state::Fold;
    let at = crate::domain::Timestamp::parse("2026-12-01T10:00:00+08:00").expect("a time");
    let mut q = QuarterState::default();
    for (seq, action) in actions.into_iter().enumerate() {
        let event = crate::event::Event { seq: seq as u64, who: "t".into(), role: "branch_secretary".into(), at, rules: None, actions: vec![action] };
        q.apply(&event);
    }
    q
}

fn member(id: &str) -> MemberId {
    MemberId::known(id)
}

#[test]
fn s3_4_a_round_of_named_ballots_from_before_voting_codes_counts_as_before() {
    let opened = Action::RoundOpened { round: 1, seats: 1, candidates: vec![member("m01")], seated: Vec::new(), excluded: Vec::new() };
    let voters = Action::RoundVoters { round: 1, voters: 3 };
    let voted = |m: &str| Action::Voted { member: member(m), round: 1 };
    let q = folded(vec![opened.clone(), voters.clone(), voted("m01"), voted("m02")]);
    let round = q.open_round().expect("the round");
    assert_eq!(round.figures(), crate::state::quarter::Figures::new(3, 2, 0));
    assert!(progress(round).is_none(), "no codes: no voting progress");
    // Codes issued in such a round go to the one who has not voted; both count.
    let issued = Action::CodesIssued { round: 1, count: 1, to: vec![member("m03")] };
    let closed = Action::VotingClosed { round: 1, issued: 1, returned: 1 };
    let q = folded(vec![opened, voters, voted("m01"), voted("m02"), issued, closed]);
    let round = q.open_round().expect("the round");
    assert_eq!(round.figures(), crate::state::quarter::Figures::new(3, 3, 0));
    assert_eq!(progress(round), Some(VotingProgress { round: 1, issued: 3, cast: 3, closed: true }));
}
