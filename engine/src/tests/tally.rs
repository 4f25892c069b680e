//! Tests of `tally.rs`.

use super::*;

fn c(member: &str, votes: i64, ordinary: bool) -> Contender {
    Contender { member: MemberId::known(member), votes, preferred: ordinary, capped: !ordinary }
}

#[test]
fn lean_at_equal_votes_an_ordinary_member_ranks_above_a_cadre() {
    let s = select(vec![c("干部", 5, false), c("普通", 5, true)], 1, Some(1), TiePolicy::Runoff);
    assert_eq!(s.seated, vec!["普通"]);
    assert_eq!(s.runoff, None);
    assert_eq!(s.ranking[1].outcome, Outcome::BehindOnLean);
}

#[test]
fn cap_limits_cadres_and_passes_the_seat_down() {
    let s = select(
        vec![c("甲", 9, false), c("乙", 8, false), c("丙", 3, true)],
        2,
        Some(1),
        TiePolicy::Runoff,
    );
    assert_eq!(s.seated, vec!["甲", "丙"]);
    assert_eq!(s.ranking[1].outcome, Outcome::CapReached);
}

#[test]
fn tie_at_last_seat_goes_to_runoff_for_remaining_seats() {
    let s = select(
        vec![c("甲", 9, true), c("乙", 4, true), c("丙", 4, true)],
        2,
        None,
        TiePolicy::Runoff,
    );
    assert_eq!(s.seated, vec!["甲"]);
    assert_eq!(s.runoff, Some(Runoff { seats: 1, tied: vec![MemberId::known("乙"), MemberId::known("丙")] }));
}

#[test]
fn tie_policies_exceed_and_drop() {
    let v = || vec![c("甲", 4, true), c("乙", 4, true)];
    assert_eq!(select(v(), 1, None, TiePolicy::Exceed).seated.len(), 2);
    assert!(select(v(), 1, None, TiePolicy::Drop).seated.is_empty());
}

#[test]
fn no_votes_no_seat() {
    let s = select(vec![c("甲", 0, true)], 1, None, TiePolicy::Runoff);
    assert!(s.seated.is_empty());
    assert_eq!(s.ranking[0].outcome, Outcome::NoVotes);
}
