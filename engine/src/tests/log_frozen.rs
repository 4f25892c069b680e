//! The records this part added to the log read back as written: the facts frozen with
//! a ballot (as a count of roster events), and a witness's `decisive` mark, absent (false) in older records.

use super::*;
use crate::domain::{MemberId, Timestamp};
use crate::event::{Action, Event, Excluded};
use crate::rules::{Value, Witness};

fn event(actions: Vec<Action>) -> Event {
    Event { seq: 7, who: "书记".into(), role: "secretary".into(), at: Timestamp::parse("2026-12-01T10:00:00+08:00").expect("time"), rules: None, actions }
}

#[test]
fn frozen_facts_and_decisive_witnesses_read_back_as_written() {
    let id = MemberId::parse("m01").expect("id");
    let witness = |decisive| Witness { expr: "member.mobile".into(), value: Value::Bool(true), decisive };
    let e = event(vec![
        Action::RoundOpened {
            round: 1,
            seats: 1,
            candidates: vec![],
            seated: vec![],
            excluded: vec![(id, vec![Excluded { rule: "x8".into(), witnesses: vec![witness(true), witness(false)] }])],
        },
        Action::FactsFrozen { roster_events: 12 },
    ]);
    let bytes = encode(&e).expect("encode");
    assert_eq!(decode(&bytes), Ok(e));
}

#[test]
fn a_witness_recorded_before_decisive_was_marked_reads_as_not_marked() {
    let old = br#"{"v":1,"seq":1,"who":"w","role":"r","at":"2026-12-01T10:00:00+08:00","actions":[{"type":"round_opened","round":1,"seats":1,"candidates":[],"seated":[],"excluded":[["m01",[{"rule":"x9","witnesses":[{"expr":"member.presented","value":{"type":"bool","value":false}}]}]]]}]}"#;
    let e = decode(old).expect("decodes");
    let Action::RoundOpened { excluded, .. } = &e.actions[0] else { panic!("{e:?}") };
    assert!(!excluded[0].1[0].witnesses[0].decisive);
}
