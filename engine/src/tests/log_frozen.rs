//! The records this part added to the log read back as written: the facts frozen with
//! a ballot, and a witness's `decisive` mark, absent (false) in older records.

use super::*;
use crate::domain::{MemberId, Timestamp};
use crate::entity::MemberRecord;
use crate::event::{Action, Event, Excluded};
use crate::facts::{Finding, LifeRecord};
use crate::rules::{Value, Witness};

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().expect("date")
}

fn event(actions: Vec<Action>) -> Event {
    Event { seq: 7, who: "书记".into(), role: "secretary".into(), at: Timestamp::parse("2026-12-01T10:00:00+08:00").expect("time"), rules: None, actions }
}

#[test]
fn frozen_facts_and_decisive_witnesses_read_back_as_written() {
    let id = MemberId::parse("m01").expect("id");
    let member = MemberRecord {
        id: id.clone(),
        name: "张三".into(),
        identity: "教师".into(),
        role: "ordinary".into(),
        full: true,
        mobile: true,
        last_report: Some(day("2026-08-01")),
    };
    let life = LifeRecord { date: day("2026-11-10"), status: "unexcused".into() };
    let finding = Finding { clause: "x3".into(), date: day("2026-10-01"), evidence: "纪要".into(), open: true, until: None };
    let witness = |decisive| Witness { expr: "member.mobile".into(), value: Value::Bool(true), decisive };
    let e = event(vec![
        Action::RoundOpened {
            round: 1,
            seats: 1,
            candidates: vec![],
            seated: vec![],
            excluded: vec![(id.clone(), vec![Excluded { rule: "x8".into(), witnesses: vec![witness(true), witness(false)] }])],
        },
        Action::FactsFrozen { members: vec![member], life: vec![(id.clone(), vec![life])], findings: vec![(id, vec![finding])] },
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
