//! §4.2.a the special meeting reported to the superior before it is held, the
//! superior's list of its branches' meetings and the delegate it sends; §3.4 a ballot
//! round that counts only on enough ballots, paper rounds' figures and tellers, an
//! over-filled ballot invalid but returned; §4.3.d "原则上推荐一名" — a general branch
//! picks at most one typical star, and picking none needs a reason that goes upward.
//!
//! The clock is [`NOW`] (2026-12-10) unless a command runs `.at(…)`.

use crate::chain::{chain, university, AFTER_WINDOW};
use crate::support::{members, Shine, M, QUARTER};
use serde_json::Value;

fn status(s: &Shine) -> Value {
    s.args(["status", "--branch", "b1"]).json()
}

/// A branch of `n` members, opened and registered: it stands at `reporting`.
fn at_reporting(n: usize) -> (Shine, Vec<M>) {
    let roster = members(n);
    let s = Shine::new();
    s.branch("b1", &roster);
    s.open("b1");
    s.advance("b1");
    assert_eq!(s.state("b1"), "reporting");
    (s, roster)
}

// ---- §4.2.a the report before the meeting -------------------------------------------

#[test]
fn s4_2_a_a_report_made_after_the_meeting_does_not_satisfy_the_guard() {
    let (s, _) = at_reporting(3);
    // Reported on 12-10 (the clock) for a meeting held on 12-05.
    let reported = s.args(["meeting", "report", "--branch", "b1", "--date", "2026-12-05"]).json();
    assert_eq!(reported["reported_on"], "2026-12-10");
    assert_eq!(reported["days_ahead"], -5);
    let refused = s.advancing("b1").fails();
    refused.stderr_contains("党支部召开“闪光言行”专题组织生活会前，要及时向上级党组织报告");
    assert_eq!(s.state("b1"), "reporting", "nothing half-applied");
    // The status says the report came after the meeting.
    assert!(s.args(["status", "--branch", "b1"]).ok().contains("会后 5 天"), "status shows the report after the meeting");
    // Reported again for a meeting still to come: the report's day is today, five days ahead.
    let again = s.args(["meeting", "report", "--branch", "b1", "--date", "2026-12-15"]).json();
    assert_eq!(again["days_ahead"], 5);
    assert_eq!(s.advance("b1")["to"]["id"], "meeting");
    let report = &status(&s)["meeting_report"];
    assert_eq!(report["date"], "2026-12-15");
    assert_eq!(report["reported_on"], "2026-12-10");
    assert_eq!(report["superior"]["id"], "g");
}

#[test]
fn s4_2_a_university_rule_a_report_on_the_meeting_day_is_not_one_day_ahead() {
    let (s, _) = at_reporting(3);
    s.args(["meeting", "report", "--branch", "b1", "--date", "2026-12-10"]).ok();
    let v = s.advancing("b1").fails_json();
    let failed = v["failed"].as_array().expect("failed guards");
    let names: Vec<&str> = failed.iter().map(|d| d["rule"]["name"].as_str().unwrap_or_default()).collect();
    // The notice's "before the meeting" holds (not after it); the university's one day does not.
    assert_eq!(names, ["meeting_reported_ahead"], "{v}");
    // The number is the rule file's: a university that accepts the same day writes 0.
    s.edit_rules("guards.shine", |t| t.replace("days(meeting.reported_on, meeting.date) >= 1", "days(meeting.reported_on, meeting.date) >= 0"));
    s.args(["rules", "adopt", "--branch", "b1", "--yes"]).ok();
    assert_eq!(s.advance("b1")["to"]["id"], "meeting");
}

#[test]
fn s4_2_a_the_superior_sees_its_branches_meetings_and_sends_a_delegate() {
    let (s, _) = at_reporting(3);
    // Not yet reported: the list says so, and no delegate can be sent.
    let before = s.args(["meetings", "--unit", "g", "--quarter", QUARTER]).json();
    assert_eq!(before["rows"][0]["branch"]["id"], "b1");
    assert!(before["rows"][0]["report"].is_null(), "{before}");
    s.args(["meeting", "delegate", "--branch", "b1", "--name", "张伟"]).role("general_branch").fails().stderr_contains("还没有向上级报告");

    s.args(["meeting", "report", "--branch", "b1", "--date", "2026-12-15"]).at("2026-12-08T09:00:00+08:00").ok();
    let listed = s.args(["meetings", "--unit", "g", "--quarter", QUARTER]).json();
    let row = &listed["rows"][0]["report"];
    assert_eq!(row["date"], "2026-12-15");
    assert_eq!(row["reported_on"], "2026-12-08");
    assert_eq!(row["days_ahead"], 7);
    assert!(s.args(["meetings", "--unit", "g", "--quarter", QUARTER]).ok().contains("提前 7 天"));
    // The committee is not b1's superior: its list does not hold b1.
    assert_eq!(s.args(["meetings", "--unit", "c", "--quarter", QUARTER]).json()["rows"], serde_json::json!([]));

    // Only the superior's role names the delegate (workflows/escalation.ron: the general branch).
    s.args(["meeting", "delegate", "--branch", "b1", "--name", "张伟"]).fails().stderr_contains("--as general_branch");
    s.args(["meeting", "delegate", "--branch", "b1", "--name", "张伟"]).role("organization_department").fails();
    let sent = s.args(["meeting", "delegate", "--branch", "b1", "--name", "张伟"]).role("general_branch").json();
    assert_eq!(sent["delegate"]["name"], "张伟");
    assert_eq!(sent["delegate"]["role"], "general_branch");
    let report = &status(&s)["meeting_report"];
    assert_eq!(report["delegate"]["name"], "张伟");
    assert!(report["delegate_attended"].is_null());
    assert_eq!(s.args(["meetings", "--unit", "g", "--quarter", QUARTER]).json()["rows"][0]["report"]["delegate"]["name"], "张伟");

    // At the meeting the secretary records the delegate among the guests: the record shows it.
    s.advance("b1");
    s.args(["meeting", "guests", "--branch", "b1", "--delegate", "张伟"]).ok();
    assert_eq!(status(&s)["meeting_report"]["delegate_attended"], "张伟");
    assert!(s.args(["status", "--branch", "b1"]).ok().contains("张伟（2026-12-10 确定），会议记录：已列席"));
    assert!(s.args(["stars", "--branch", "b1"]).ok().contains("会议记录：已列席"));
}

// ---- §3.4 rounds that count -------------------------------------------------------------

#[test]
fn s3_4_university_rule_a_round_on_one_ballot_of_eight_voters_is_not_counted() {
    let roster = members(8);
    let s = Shine::new();
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    s.vote("b1", &["m02"]);
    // Four ballots of eight, the voting closed: not more than half, not counted.
    for _ in 0..3 {
        s.vote("b1", &["m02"]);
    }
    s.close_voting("b1");
    let refused = s.advancing("b1").fails();
    refused.stderr_contains("round_valid").stderr_contains("meeting.returned").stderr_contains("shine ballot status");
    assert_eq!(s.state("b1"), "voting");

    // Five of eight is more than half.
    let s = Shine::new();
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    for choice in ["m02", "m02", "m02", "m02", "m03"] {
        s.vote("b1", &[choice]);
    }
    assert_eq!(s.advance("b1")["to"]["id"], "tallied");
    let ledger = s.args(["stars", "--branch", "b1"]).json();
    let round = &ledger["rounds"][0];
    assert_eq!(round["figures"], serde_json::json!({ "issued": 8, "returned": 5, "valid": 5, "invalid": 0 }));
    assert_eq!(round["ballots"], 5, "votes are out of the valid ballots");
    let text = s.args(["stars", "--branch", "b1"]).ok();
    assert!(text.contains("发出 8 张，收回 5 张，有效 5 张，无效 0 张"), "{text}");
}

#[test]
fn s3_4_an_over_filled_electronic_ballot_is_invalid_and_still_returned() {
    let roster = members(3);
    let s = Shine::new();
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    assert_eq!(status(&s)["round"]["seats"], 1);
    // Two names on a ballot for one seat: kept in the box, not refused.
    let code = s.next_code("b1");
    s.args(["ballot", "vote", "--branch", "b1", "--code", &code, "m02", "m03"]).ok();
    s.args(["ballot", "vote", "--branch", "b1", "--code", &code, "m02"]).fails().stderr_contains("已经投过票");
    s.vote("b1", &["m03"]);
    s.vote("b1", &["m03"]);
    assert_eq!(s.advance("b1")["to"]["id"], "tallied");
    let round = &s.args(["stars", "--branch", "b1"]).json()["rounds"][0];
    assert_eq!(round["figures"], serde_json::json!({ "issued": 3, "returned": 3, "valid": 2, "invalid": 1 }));
    let ranking = round["selection"]["ranking"].as_array().expect("ranking");
    let votes = |id: &str| ranking.iter().find(|r| r["member"] == id).map(|r| r["votes"].clone());
    assert_eq!(votes("m03"), Some(serde_json::json!(2)), "the invalid ballot's choices are not counted");
    assert_eq!(votes("m02"), Some(serde_json::json!(0)));
}

fn paper<'a>(s: &'a Shine, figures: &[(&str, &str)], votes: &[(&str, u32)]) -> crate::support::Cmd<'a> {
    let mut args: Vec<String> = ["ballot", "totals", "--branch", "b1"].iter().map(|a| (*a).to_owned()).collect();
    for (flag, value) in figures {
        args.push(format!("--{flag}"));
        args.push((*value).to_owned());
    }
    for (who, n) in votes {
        args.push("--votes".into());
        args.push(format!("{who}={n}"));
    }
    s.args(args)
}

#[test]
fn s3_4_paper_round_records_issued_returned_invalid_and_the_tellers() {
    let roster = members(8);
    let s = Shine::new();
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    // Never more returned than issued, nor more issued than voters, nor votes beyond the valid ballots.
    paper(&s, &[("issued", "8"), ("returned", "9")], &[("m01", 5)]).fails().stderr_contains("多于发出的 8 张");
    paper(&s, &[("issued", "9"), ("returned", "8")], &[("m01", 5)]).fails().stderr_contains("有表决权的到会党员数 8");
    paper(&s, &[("issued", "8"), ("returned", "8"), ("invalid", "2")], &[("m01", 7)]).fails().stderr_contains("有效票数 6");
    paper(&s, &[("returned", "8"), ("invalid", "9")], &[]).fails().stderr_contains("无效票 9 张");
    paper(&s, &[("returned", "8"), ("scrutineer", "王建国"), ("counter", "王建国")], &[]).fails().stderr_contains("王建国");
    assert!(status(&s)["round"]["paper"] == false, "nothing recorded by a refused count");

    // Too few returned: recorded, but the round does not count.
    paper(&s, &[("issued", "8"), ("returned", "4")], &[("m01", 3)]).ok();
    s.advancing("b1").fails().stderr_contains("shine ballot totals --branch b1");
    // Held again: eight issued, seven returned, one over-filled and invalid.
    let entered = paper(
        &s,
        &[("issued", "8"), ("returned", "7"), ("invalid", "1"), ("scrutineer", "王建国"), ("counter", "李红"), ("counter", "赵敏")],
        &[("m01", 5), ("m02", 1)],
    )
    .json();
    assert_eq!(entered["valid"], 6);
    let round = &status(&s)["round"];
    assert_eq!(round["figures"], serde_json::json!({ "issued": 8, "returned": 7, "valid": 6, "invalid": 1 }));
    assert_eq!(round["scrutineers"], serde_json::json!(["王建国"]));
    assert_eq!(round["counters"], serde_json::json!(["李红", "赵敏"]));
    assert_eq!(s.advance("b1")["to"]["id"], "tallied");
    let text = s.args(["stars", "--branch", "b1"]).ok();
    assert!(text.contains("发出 8 张，收回 7 张，有效 6 张，无效 1 张；监票人 王建国；计票人 李红、赵敏"), "{text}");
    assert!(text.contains("得票按有效票 6 张计"), "{text}");
    // What goes upward: votes out of the valid ballots.
    assert_eq!(s.advance("b1")["to"]["id"], "reported");
    s.args(["pull", "--unit", "g", "--quarter", QUARTER]).role("general_branch").ok();
    let g = s.args(["chain", "status", "--unit", "g", "--quarter", QUARTER]).json();
    assert_eq!(g["stars"][0]["record"]["votes"], 5);
    assert_eq!(g["stars"][0]["record"]["ballots"], 6);
}

// ---- §4.3.d 原则上推荐一名 ------------------------------------------------------------------

#[test]
fn s4_3_d_a_general_branch_that_picks_none_forwards_with_a_reason_that_goes_upward() {
    let s = Shine::new();
    university(&s, &["b1", "b2"]);
    s.args(["pull", "--unit", "g1", "--quarter", QUARTER]).ok();
    chain(&s, &["publish", "--unit", "g1"]).ok();
    // None picked and no reason: forwarding says what is missing.
    chain(&s, &["forward", "--unit", "g1"]).at(AFTER_WINDOW).fails().stderr_contains("--no-pick-reason");
    chain(&s, &["forward", "--unit", "g1", "--no-pick-reason", "  "]).at(AFTER_WINDOW).fails();
    let reason = "两名人选事迹相近，经党总支研究本季度不推荐典型";
    let sent = chain(&s, &["forward", "--unit", "g1", "--no-pick-reason", reason]).at(AFTER_WINDOW).json();
    assert!(sent["done"].as_str().expect("text").contains(reason), "{sent}");
    // Repeating the forward changes nothing.
    chain(&s, &["forward", "--unit", "g1"]).at(AFTER_WINDOW).fails().stderr_contains("已于");

    // The Organization Department's pull brings the reason on every record, and its status shows it.
    let org = s.args(["pull", "--quarter", QUARTER]).at(AFTER_WINDOW).json();
    let received = org["received"].as_array().expect("received");
    assert_eq!(received.len(), 2);
    for r in received {
        assert_eq!(r["record"]["no_pick"]["reason"], reason, "{r}");
        assert_eq!(r["record"]["no_pick"]["unit"]["id"], "g1");
    }
    let status = s.args(["chain", "status", "--quarter", QUARTER]).at(AFTER_WINDOW).ok();
    assert!(status.contains(&format!("「计算机学院党总支」未推荐典型（原则上推荐一名，§4.3.d），理由：{reason}")), "{status}");
}

#[test]
fn s4_3_d_a_general_branch_may_pick_one_and_never_more_and_then_needs_no_reason() {
    let s = Shine::new();
    university(&s, &["b1", "b2"]);
    s.args(["pull", "--unit", "g1", "--quarter", QUARTER]).ok();
    chain(&s, &["publish", "--unit", "g1"]).ok();
    chain(&s, &["pick", "--unit", "g1", "--member", "龘𠀀", "--reason", "事迹突出"]).at(AFTER_WINDOW).ok();
    chain(&s, &["pick", "--unit", "g1", "--member", "陈𬭎", "--reason", "也很突出"]).at(AFTER_WINDOW).fails().stderr_contains("至多 1 名");
    chain(&s, &["forward", "--unit", "g1", "--no-pick-reason", "无"]).at(AFTER_WINDOW).fails().stderr_contains("不需要说明未推荐的理由");
    chain(&s, &["forward", "--unit", "g1"]).at(AFTER_WINDOW).ok();
    let org = s.args(["pull", "--quarter", QUARTER]).at(AFTER_WINDOW).json();
    assert!(org["received"][0]["record"].get("no_pick").is_none(), "{org}");
}
