//! A roster over time: who is on it on a day, with which particulars, and the log
//! records of transfers, removals and changes read back as written.

use super::Roster;
use crate::domain::{MemberId, Timestamp, UnitId};
use crate::entity::{Departure, MemberChange, MemberRecord};
use crate::event::{Action, Event};
use crate::facts::{Finding, LifeRecord};
use crate::state::Fold;
use chrono::NaiveDate;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn record(id: &str, role: &str, full: bool) -> MemberRecord {
    MemberRecord { id: MemberId::known(id), name: format!("n{id}"), identity: "i".into(), role: role.into(), full, mobile: false, last_report: None }
}

fn event(actions: Vec<Action>) -> Event {
    let at = Timestamp::parse("2026-12-10T10:00:00+08:00").expect("timestamp");
    Event { seq: 0, who: "t".into(), role: "r".into(), at, rules: None, actions }
}

#[test]
fn members_count_from_the_day_they_join_until_the_day_they_leave() {
    let mut roster = Roster::default();
    roster.apply(&event(vec![Action::MembersImported { branch: UnitId::known("b"), members: vec![record("a", "o", true), record("b", "o", false)] }]));
    let joined = record("c", "o", true);
    roster.apply(&event(vec![Action::MemberJoined { member: joined, on: day("2026-11-03"), from: Some(UnitId::known("x")), life: Vec::new(), findings: Vec::new(), note: String::new() }]));
    roster.apply(&event(vec![Action::MemberLeft { member: MemberId::known("a"), on: day("2026-11-20"), departure: Departure::Removed { reason: "g".into() }, note: String::new() }]));
    let on = |d: &str| roster.on(day(d)).map(|m| m.id.to_string()).collect::<Vec<_>>();
    assert_eq!(on("2026-11-02"), ["a", "b"]);
    assert_eq!(on("2026-11-03"), ["a", "b", "c"]);
    assert_eq!(on("2026-11-19"), ["a", "b", "c"]);
    assert_eq!(on("2026-11-20"), ["b", "c"]);
    assert!(!roster.is_current("a"));
    assert_eq!(roster.current().count(), 2);
    assert_eq!(roster.members.len(), 3, "nothing is dropped");
}

#[test]
fn a_dated_change_applies_from_its_day_and_a_back_dated_one_keeps_later_fields() {
    let mut roster = Roster::default();
    roster.apply(&event(vec![Action::MembersImported { branch: UnitId::known("b"), members: vec![record("a", "o", false)] }]));
    let change = |on: &str, c: MemberChange| Action::MemberChanged { member: MemberId::known("a"), on: day(on), change: c, note: String::new() };
    roster.apply(&event(vec![change("2026-10-01", MemberChange { role: Some("c".into()), ..MemberChange::default() })]));
    // Recorded later, dated earlier: the role of October stays.
    roster.apply(&event(vec![change("2026-09-01", MemberChange { full: Some(true), ..MemberChange::default() })]));
    let at = |d: &str| roster.as_of("a", day(d)).map(|m| (m.role.clone(), m.full)).expect("on the roster");
    assert_eq!(at("2026-08-31"), ("o".to_owned(), false));
    assert_eq!(at("2026-09-01"), ("o".to_owned(), true));
    assert_eq!(at("2026-10-01"), ("c".to_owned(), true));
    assert_eq!(roster.member("a").map(|m| (m.role.as_str(), m.full)), Some(("c", true)));
}

#[test]
fn the_log_reads_back_transfers_removals_and_changes_as_written() {
    let life = vec![LifeRecord { date: day("2026-06-10"), status: "s".into() }];
    let findings = vec![Finding { clause: "x3".into(), date: day("2026-07-05"), evidence: "e".into(), open: true, until: None, closed: None, closure: None }];
    let actions = vec![
        Action::MemberJoined { member: record("a", "o", true), on: day("2026-11-03"), from: Some(UnitId::known("x")), life, findings, note: "n".into() },
        Action::MemberLeft { member: MemberId::known("a"), on: day("2026-11-04"), departure: Departure::Transferred { to: UnitId::known("y") }, note: String::new() },
        Action::MemberLeft { member: MemberId::known("b"), on: day("2026-11-05"), departure: Departure::Removed { reason: "g".into() }, note: String::new() },
        Action::MemberChanged {
            member: MemberId::known("a"),
            on: day("2026-11-06"),
            change: MemberChange { role: Some("c".into()), full: Some(true), last_report: Some(None), ..MemberChange::default() },
            note: String::new(),
        },
        Action::MemberChanged {
            member: MemberId::known("a"),
            on: day("2026-11-07"),
            change: MemberChange { last_report: Some(Some(day("2026-11-01"))), ..MemberChange::default() },
            note: String::new(),
        },
    ];
    let e = event(actions);
    let bytes = crate::store::log::encode(&e).expect("encode");
    assert_eq!(crate::store::log::decode(&bytes).expect("decode"), e);
}
