//! `shine overview`: the quarter across the university as the Organization Department
//! follows it — each branch from not opened, through its special meeting reported to
//! the superior (§4.2.a) and held, to its result filed at its general branch, received
//! there and sent on (§4.2.b); each reporting unit at its step of the chain.

use crate::chain::{chain, rosters, university, AFTER_WINDOW};
use crate::support::{Shine, MEETING, QUARTER, REPORTED};
use serde_json::Value;

fn overview(s: &Shine, args: &[&str]) -> Value {
    let mut all = vec!["overview", "--quarter", QUARTER];
    all.extend_from_slice(args);
    s.args(all).json()
}

/// Each branch's stage, by id, in tree order.
fn stages(o: &Value) -> Vec<(String, String)> {
    o["branches"].as_array().expect("a list").iter().map(|b| (b["branch"]["id"].as_str().unwrap_or_default().to_owned(), b["stage"].as_str().unwrap_or_default().to_owned())).collect()
}

fn stage_of(o: &Value, branch: &str) -> String {
    stages(o).into_iter().find(|(b, _)| b == branch).map(|(_, s)| s).unwrap_or_else(|| panic!("no {branch} in {o}"))
}

/// The reporting unit's row.
fn level<'a>(o: &'a Value, unit: &str) -> &'a Value {
    o["levels"].as_array().expect("a list").iter().find(|l| l["unit"]["id"] == unit).unwrap_or_else(|| panic!("no {unit} in {o}"))
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
}

#[test]
fn s4_2_a_overview_follows_a_branch_from_opening_through_its_reported_and_held_meeting() {
    let s = Shine::new();
    university(&s, &[]);
    let o = overview(&s, &[]);
    assert_eq!(stages(&o), pairs(&[("b1", "not_opened"), ("b2", "not_opened"), ("b3", "not_opened"), ("d1", "not_opened")]));
    s.open("b3");
    let o = overview(&s, &[]);
    assert_eq!(stage_of(&o, "b3"), "opened");
    assert_eq!(o["branches"][2]["step"]["id"], "registering", "{o}");
    s.advance("b3");
    s.args(["meeting", "report", "--branch", "b3", "--date", MEETING]).at(REPORTED).ok();
    let o = overview(&s, &[]);
    assert_eq!(stage_of(&o, "b3"), "meeting_reported");
    let b3 = &o["branches"][2];
    assert_eq!((b3["meeting"]["date"].as_str(), b3["meeting"]["days_ahead"].as_i64()), (Some(MEETING), Some(6)), "{b3}");
    assert_eq!(b3["reports_to"]["id"], "g2");
    let text = s.args(["overview", "--quarter", QUARTER]).ok();
    assert!(text.contains("英语系党支部（b3）") && text.contains("已报告专题组织生活会") && text.contains("2026-12-01（提前 6 天）"), "{text}");
    assert!(text.contains("党支部 4 个：已开启 1，已报告专题组织生活会 1，已召开 0"), "{text}");
    // The meeting held: its attendance recorded.
    s.advance("b3");
    s.args(["meeting", "attend", "--status", "present", "b3m1", "b3m2"]).ok();
    assert_eq!(stage_of(&overview(&s, &[]), "b3"), "met");
}

#[test]
fn s4_2_b_overview_shows_results_filed_received_and_forwarded_by_each_reporting_unit() {
    let s = Shine::new();
    university(&s, &["b1", "b2"]);
    let o = overview(&s, &[]);
    assert_eq!(stages(&o), pairs(&[("b1", "filed"), ("b2", "filed"), ("b3", "not_opened"), ("d1", "not_opened")]));
    assert_eq!(o["branches"][0]["waiting"]["kind"], "not_pulled_yet", "{o}");
    assert_eq!(o["branches"][0]["stars"][0]["name"], rosters()[0].1[0].name, "the tally's star");
    // The reporting units: both general branches, the directly affiliated branch and
    // the Organization Department, each at its first step not done.
    let ids: Vec<&str> = o["levels"].as_array().expect("a list").iter().map(|l| l["unit"]["id"].as_str().expect("an id")).collect();
    assert_eq!(ids, ["c", "g1", "g2", "d1"]);
    assert_eq!(level(&o, "g1")["at"]["action"], "receive", "{o}");
    assert_eq!(level(&o, "d1")["at"]["action"], "file");
    s.args(["pull", "--unit", "g1", "--quarter", QUARTER]).ok();
    let o = overview(&s, &[]);
    assert_eq!(stage_of(&o, "b1"), "received");
    assert_eq!(level(&o, "g1")["at"]["action"], "publish", "{o}");
    assert_eq!(level(&o, "g1")["stars"], 2);
    chain(&s, &["publish", "--unit", "g1"]).ok();
    chain(&s, &["pick", "--unit", "g1", "--member", "龘𠀀", "--reason", "事迹突出，群众公认"]).at(AFTER_WINDOW).ok();
    chain(&s, &["forward", "--unit", "g1"]).at(AFTER_WINDOW).ok();
    let o = s.args(["overview", "--quarter", QUARTER]).at(AFTER_WINDOW).json();
    assert_eq!(stages(&o)[..2], pairs(&[("b1", "forwarded"), ("b2", "forwarded")]));
    assert!(level(&o, "g1")["at"].is_null() && level(&o, "g1")["forwarded"]["count"] == 2, "{o}");
    let text = s.args(["overview", "--quarter", QUARTER]).at(AFTER_WINDOW).ok();
    assert!(text.contains("上级已报送") && text.contains("已于 2026-12-17 报送 2 名"), "{text}");
    assert!(text.contains("接收各党总支、直属党支部报送"), "the Organization Department's step: {text}");
}

#[test]
fn s4_2_b_overview_of_a_general_branch_shows_only_its_own_branches_and_an_unknown_unit_is_refused() {
    let s = Shine::new();
    university(&s, &["b1"]);
    let o = overview(&s, &["--unit", "g1"]);
    assert_eq!(stages(&o), pairs(&[("b1", "filed"), ("b2", "not_opened")]));
    let ids: Vec<&str> = o["levels"].as_array().expect("a list").iter().map(|l| l["unit"]["id"].as_str().expect("an id")).collect();
    assert_eq!(ids, ["g1"]);
    s.args(["overview", "--unit", "nowhere", "--quarter", QUARTER]).fails().stderr_contains("nowhere");
}
