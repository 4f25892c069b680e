//! §4.2.c: the results are the basis of democratic appraisal, awards and nominations —
//! `shine member history` lists, per quarter, whether a member was on the ballot,
//! excluded (under which clause), how they were voted, starred, and reported upward.

use crate::support::{date, members, Shine, M};
use serde_json::Value;
use shine_engine::facts::Deed;
use shine_engine::ops::quarter::Record;

/// Run `2026Q3` (which the harness's helpers, fixed to `2026Q4`, do not) through to
/// `voting`: deeds and the special meeting dated inside the quarter, everyone present,
/// presenting and commented on.
fn q3_to_voting(s: &Shine, branch: &str, roster: &[M]) {
    s.args(["quarter", "open", "--branch", branch, "--quarter", "2026Q3"]).ok();
    let deed = |m: &M| Record::Deed {
        member: m.id.clone(),
        deed: Deed { form: None, kind: "带头服务群众".into(), text: format!("{}的事迹", m.name), date: date("2026-08-02") },
    };
    s.records(branch, roster.iter().map(deed).collect());
    s.advance(branch);
    s.args(["meeting", "report", "--branch", branch, "--date", "2026-09-10"]).at("2026-09-03T09:00:00+08:00").ok();
    s.advance(branch);
    s.records(branch, roster.iter().map(|m| Record::Attendance { member: m.id.clone(), status: "present".into() }).collect());
    s.advance(branch);
    s.records(branch, roster.iter().map(|m| Record::Presentation { member: m.id.clone() }).collect());
    s.advance(branch);
    s.records(branch, roster.iter().map(|m| Record::Comment { member: m.id.clone(), text: "立足岗位，表现突出".into() }).collect());
    let v = s.advance(branch);
    assert_eq!(v["to"]["id"], "voting", "{v}");
}

/// Tally and file the quarter with the general branch.
fn tally_and_file(s: &Shine, branch: &str) {
    assert_eq!(s.advance(branch)["to"]["id"], "tallied");
    assert_eq!(s.advance(branch)["to"]["id"], "reported");
}

fn history(s: &Shine, member: &str) -> Value {
    s.args(["member", "history", member]).json()
}

#[test]
fn s4_2_c_history_lists_each_quarter_candidate_excluded_starred() {
    let s = Shine::new();
    let roster = members(4);
    s.branch("b1", &roster);
    // In a disciplinary period until the end of October: out in 2026Q3 (§3.4.x3), back
    // in 2026Q4. (A finding under x6 would still count in Q4: it looks back a year.)
    s.args([
        "finding", "add", "--member", "m01", "--clause", "x3", "--date", "2026-07-05", "--evidence", "党委会议纪要", "--until",
        "2026-10-31",
    ])
    .ok();

    q3_to_voting(&s, "b1", &roster);
    for _ in 0..3 {
        s.vote("b1", &["m02"]);
    }
    s.vote("b1", &["m03"]);
    tally_and_file(&s, "b1");

    s.open("b1");
    s.all_to_voting("b1", &roster);
    for _ in 0..3 {
        s.vote("b1", &["m01"]);
    }
    s.vote("b1", &["m02"]);
    tally_and_file(&s, "b1");

    let h = history(&s, "党员m01");
    assert_eq!(h["member"]["id"], "m01");
    assert_eq!(h["branch"]["id"], "b1");
    let qs = h["quarters"].as_array().expect("quarters");
    assert_eq!(qs.len(), 2, "{h}");

    let q3 = &qs[0];
    assert_eq!(q3["quarter"], "2026Q3");
    assert_eq!(q3["state"]["id"], "reported");
    assert_eq!(q3["finished"], true);
    assert_eq!(q3["ballot_fixed"], true);
    assert_eq!(q3["on_ballot"], false);
    assert_eq!(q3["exclusions"].as_array().map(Vec::len), Some(1), "{q3}");
    assert_eq!(q3["exclusions"][0]["rule"]["name"], "x3");
    assert_eq!(q3["exclusions"][0]["rule"]["clause"], "§3.4.x3");
    assert!(q3["exclusions"][0]["text"].as_str().is_some_and(|t| t.contains("处分期")), "{q3}");
    assert_eq!(q3["rounds"], serde_json::json!([]));
    assert_eq!(q3["star"], false);
    assert_eq!(q3["reported"]["id"], "g");

    let q4 = &qs[1];
    assert_eq!(q4["quarter"], "2026Q4");
    assert_eq!(q4["on_ballot"], true);
    assert_eq!(q4["exclusions"], serde_json::json!([]));
    assert_eq!(q4["rounds"][0]["votes"], 3);
    assert_eq!(q4["rounds"][0]["place"], 1);
    assert_eq!(q4["rounds"][0]["outcome"], "seated");
    assert_eq!(q4["star"], true);
    assert_eq!(q4["reported"], serde_json::json!({ "id": "g", "name": "测试学院党总支" }));
    assert_eq!(q3["rules"], q4["rules"]);

    // The star of 2026Q3, for contrast.
    let m02 = history(&s, "m02");
    assert_eq!(m02["quarters"][0]["star"], true);
    assert_eq!(m02["quarters"][1]["star"], false);
    assert_eq!(m02["quarters"][1]["rounds"][0]["outcome"], "below_line");

    let text = s.args(["member", "history", "m01"]).ok();
    for needle in ["党员m01（m01，测试党支部b1）", "2026Q3", "2026Q4", "§3.4.x3", "3 票，第 1 名", "当选", "已报测试学院党总支备案", "当选 1 次，不能评选 1 次"] {
        assert!(text.contains(needle), "lacks {needle:?}:\n{text}");
    }
}

#[test]
fn history_before_any_quarter_says_how_to_open_one() {
    let s = Shine::new();
    s.branch("b1", &members(3));
    assert_eq!(history(&s, "m01")["quarters"], serde_json::json!([]));
    let text = s.args(["member", "history", "m01"]).ok();
    assert!(text.contains("还没有开启过季度评选"), "{text}");
    assert!(text.contains("shine quarter open --branch b1 --quarter 2026Q4"), "{text}");
}

#[test]
fn history_of_unknown_member_refused() {
    let s = Shine::new();
    s.branch("b1", &members(3));
    s.args(["member", "history", "nobody"]).fails().stderr_contains("找不到党员 `nobody`");
}
