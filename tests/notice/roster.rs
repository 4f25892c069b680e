//! §3.4 and §4.2 over a roster that lives: the quota (按照党员数), the voters and the
//! quorum count the members on the branch's roster on the meeting date, with their
//! category and role that day; a member transferred between branches (组织关系转接)
//! counts and votes in the new branch only and takes their records along; a member
//! removed (毕业离校、出党、去世…) leaves the roster from that day, nothing deleted; a
//! filed quarter stays as it was. Re-importing a roster shows what would change and
//! never drops or silently overwrites (the university's own procedure, not the
//! notice's).

use crate::support::{date, m, members, received, Shine, M};
use serde_json::Value;
use shine_engine::facts::Deed;
use shine_engine::ops::quarter::Record;
use std::ffi::OsStr;

fn status(s: &Shine, branch: &str, quarter: Option<&str>) -> Value {
    let mut args = vec!["status", "--branch", branch];
    if let Some(q) = quarter {
        args.extend(["--quarter", q]);
    }
    s.args(args).json()
}

fn stars(s: &Shine, branch: &str, quarter: &str) -> Value {
    s.args(["stars", "--branch", branch, "--quarter", quarter]).json()
}

/// A second branch `b2` under the general branch `g` of [`Shine::branch`].
fn second_branch(s: &Shine, roster: &[M]) {
    s.args(["org", "add", "--id", "b2", "--name", "测试党支部b2", "--kind", "branch", "--parent", "g"]).ok();
    import(s, "b2", roster).ok();
}

fn import<'a>(s: &'a Shine, branch: &str, roster: &[M]) -> crate::support::Cmd<'a> {
    let file = s.write(&format!("roster-{branch}-{}.csv", roster.len()), &crate::support::roster_csv(roster));
    s.args([OsStr::new("roster"), OsStr::new("import"), OsStr::new("--branch"), OsStr::new(branch), file.as_os_str()])
}

fn import_apply<'a>(s: &'a Shine, branch: &str, roster: &[M]) -> crate::support::Cmd<'a> {
    let file = s.write(&format!("roster-{branch}-{}-apply.csv", roster.len()), &crate::support::roster_csv(roster));
    s.args([OsStr::new("roster"), OsStr::new("import"), OsStr::new("--branch"), OsStr::new(branch), file.as_os_str(), OsStr::new("--apply")])
}

/// Run `2026Q3` to `reported`: deeds and the meeting (2026-09-10) in the quarter,
/// everyone present, presenting, commented on, voting for `m01`.
fn q3_filed(s: &Shine, branch: &str, roster: &[M]) {
    s.args(["quarter", "open", "--branch", branch, "--quarter", "2026Q3"]).ok();
    let deed = |m: &M| Record::Deed {
        member: m.id.clone(),
        deed: Deed { kind: "带头服务群众".into(), text: format!("{}的事迹", m.name), date: date("2026-08-02"), form: None },
    };
    s.records(branch, roster.iter().map(deed).collect());
    s.advance(branch);
    s.args(["meeting", "report", "--branch", branch, "--date", "2026-09-10"]).at("2026-09-01T09:00:00+08:00").ok();
    s.advance(branch);
    s.records(branch, roster.iter().map(|m| Record::Attendance { member: m.id.clone(), status: "present".into() }).collect());
    s.advance(branch);
    s.records(branch, roster.iter().map(|m| Record::Presentation { member: m.id.clone() }).collect());
    s.advance(branch);
    s.records(branch, roster.iter().map(|m| Record::Comment { member: m.id.clone(), text: "立足岗位，表现突出".into() }).collect());
    assert_eq!(s.advance(branch)["to"]["id"], "voting");
    for _ in roster.iter().filter(|v| v.id != "m01") {
        s.vote(branch, &["m01"]);
    }
    s.vote(branch, &["m02"]);
    assert_eq!(s.advance(branch)["to"]["id"], "tallied");
    assert_eq!(s.advance(branch)["to"]["id"], "reported");
}

// ---- §3.4: membership as of the meeting date ------------------------------------------

#[test]
fn s3_4_quota_counts_members_on_the_roster_on_the_meeting_date() {
    let s = Shine::new();
    s.branch("b1", &members(14));
    s.open_with_meeting("b1");
    // 14 members: 15% is 2.1, two stars.
    assert_eq!(s.explain("m01")["quota"]["value"], 2);
    assert_eq!(status(&s, "b1", None)["members"], 14);

    // m14 graduated before the meeting (2026-12-01): 13 members, 15% is 1.95, one star.
    let done = s.args(["member", "remove", "--member", "m14", "--on", "2026-11-20", "--reason", "毕业离校"]).json();
    assert_eq!(done["reason"]["name"], "graduated", "{done}");
    assert_eq!(done["reason"]["label"], "毕业离校", "{done}");
    assert_eq!(s.explain("m01")["quota"]["value"], 1);
    assert_eq!(status(&s, "b1", None)["members"], 13);

    // m13 left after the meeting: on the roster on the meeting date, still counted.
    s.args(["member", "remove", "--member", "m13", "--on", "2026-12-05", "--reason", "去世"]).ok();
    assert_eq!(status(&s, "b1", None)["members"], 13);
    assert_eq!(s.explain("m01")["quota"]["value"], 1);

    // Nothing is deleted: both stay in the branch's records, shown as having left.
    let listed = s.args(["members", "--branch", "b1"]).json();
    let left: Vec<&str> = listed.as_array().expect("a list").iter().filter(|m| m["on_roster"] == false).filter_map(|m| m["id"].as_str()).collect();
    assert_eq!(left, ["m13", "m14"], "{listed}");
    let human = s.args(["members", "--branch", "b1"]).ok();
    assert!(human.contains("共 12 人") && human.contains("因「毕业离校」离开"), "{human}");
}

#[test]
fn s3_4_a_member_who_left_before_the_meeting_has_no_vote_and_no_record() {
    let roster = members(4);
    let s = Shine::new();
    s.branch("b1", &roster);
    s.open("b1");
    s.args(["member", "remove", "--member", "m04", "--on", "2026-11-25", "--reason", "transferred_out"]).ok();
    // Registered after leaving: refused, naming the day the quarter reads its roster.
    let deed = s.args(["deed", "add", "--member", "m04", "--kind", "带头服务群众", "--date", "2026-11-02", "--text", "事迹"]).fails();
    deed.stderr_contains("不在「测试党支部b1」的名单上");
    let present = &roster[..3];
    s.all_to_voting("b1", present);
    // Three full members on the roster on the meeting date, all present: the quorum holds.
    assert_eq!(status(&s, "b1", None)["members"], 3);
    // Codes go to the three on the roster that day: none to m04.
    let issued = s.args(["ballot", "codes", "--branch", "b1"]).json();
    assert_eq!(received(&issued), ["m01", "m02", "m03"], "{issued}");
    let code = issued["codes"][0].as_str().expect("a code");
    s.args(["ballot", "vote", "--branch", "b1", "--code", code, "m04"]).fails().stderr_contains("不在第 1 轮候选人名单中");
    s.args(["ballot", "vote", "--branch", "b1", "--code", code, "m01"]).ok();
    assert_eq!(status(&s, "b1", None)["round"]["ballots"], 1);
}

#[test]
fn s3_4_a_transferred_member_votes_in_the_new_branch_only() {
    let s = Shine::new();
    let b1 = members(4);
    s.branch("b1", &b1);
    let b2: Vec<M> = ["n01", "n02", "n03"].iter().map(|id| m(id)).collect();
    second_branch(&s, &b2);
    let moved = s.args(["member", "transfer", "--member", "党员m04", "--to", "b2", "--on", "2026-11-03", "--note", "介绍信 2026-17"]).json();
    assert_eq!(moved["move"], "transferred", "{moved}");
    assert_eq!(moved["branch"]["id"], "b1");
    assert_eq!(moved["to"]["id"], "b2");
    // Repeating the command changes nothing.
    assert_eq!(s.args(["member", "transfer", "--member", "m04", "--to", "b2", "--on", "2026-11-03"]).json()["repeated"], true);

    s.open("b1");
    s.all_to_voting("b1", &b1[..3]);
    assert_eq!(status(&s, "b1", None)["members"], 3);

    s.open("b2");
    let mut b2_now = b2.clone();
    b2_now.push(m("m04"));
    s.all_to_voting("b2", &b2_now);
    assert_eq!(status(&s, "b2", None)["members"], 4);
    // m04 receives a code in the new branch only.
    s.vote("b2", &["n01"]);
    assert!(received(&s.args(["ballot", "codes", "--branch", "b1"]).json()).iter().all(|m| m != "m04"));
    assert_eq!(status(&s, "b2", None)["round"]["ballots"], 1);
    assert_eq!(status(&s, "b1", None)["round"]["ballots"], 0);
    assert_eq!(s.explain("m04")["judgement"]["voter"]["value"], true);
}

#[test]
fn s3_4_a_member_made_full_before_the_meeting_votes_after_it_does_not() {
    let roster = vec![m("m01"), m("m02"), m("m03").probationary(), m("m04").probationary()];
    let s = Shine::new();
    s.branch("b1", &roster);
    // 转正 on 2026-11-20, before the meeting on 2026-12-01: a full member that day.
    let done = s.args(["member", "change", "--member", "m03", "--on", "2026-11-20", "--full", "--note", "支部大会决议"]).json();
    assert_eq!(done["change"]["full"], true, "{done}");
    assert_eq!(done["before"]["full"], false);
    // After the meeting: still probationary on the day that counts.
    s.args(["member", "change", "--member", "m04", "--on", "2026-12-05", "--full"]).ok();
    s.open("b1");
    s.all_to_voting("b1", &roster);
    assert_eq!(s.explain("m03")["judgement"]["voter"]["value"], true);
    assert_eq!(s.explain("m04")["judgement"]["voter"]["value"], false);
    assert_eq!(received(&s.args(["ballot", "codes", "--branch", "b1"]).json()), ["m01", "m02", "m03"], "no code for m04, without a vote");
    // The roster now shows both as full members.
    let listed = s.args(["members", "--branch", "b1"]).json();
    assert!(listed.as_array().expect("a list").iter().all(|m| m["full"] == true), "{listed}");
}

#[test]
fn s3_4_cap_reads_the_role_on_the_meeting_date() {
    let s = Shine::new();
    s.branch("b1", &members(3));
    // Made a committee member after the meeting: ordinary on the meeting date.
    let done = s.args(["member", "change", "--member", "m01", "--on", "2026-12-05", "--role", "支委"]).json();
    assert_eq!(done["change"]["role"], "committee", "{done}");
    // Made a leading cadre before it: not ordinary on the meeting date.
    s.args(["member", "change", "--member", "m02", "--on", "2026-11-01", "--role", "leading_cadre"]).ok();
    s.open_with_meeting("b1");
    let prefer = |id: &str| s.explain(id)["judgement"]["preferred"]["value"].clone();
    assert_eq!(prefer("m01"), true);
    assert_eq!(prefer("m02"), false);
    // The same change again records nothing; a change naming no field is refused.
    assert_eq!(s.args(["member", "change", "--member", "m01", "--on", "2026-12-05", "--role", "committee"]).json()["repeated"], true);
    s.args(["member", "change", "--member", "m01", "--on", "2026-12-05"]).fails().stderr_contains("没有给出要变动的内容");
}

// ---- §4.2: a filed quarter never changes ----------------------------------------------

#[test]
fn s4_2_b_a_filed_quarter_is_the_same_after_a_transfer_and_a_removal() {
    let roster = members(7);
    let s = Shine::new();
    s.branch("b1", &roster);
    second_branch(&s, &[m("n01")]);
    q3_filed(&s, "b1", &roster);
    let ledger = stars(&s, "b1", "2026Q3");
    let before = status(&s, "b1", Some("2026Q3"));
    let explained = s.args(["explain", "m01", "--quarter", "2026Q3"]).json();
    assert_eq!(ids(&ledger["stars"]), ["m01"]);

    s.args(["member", "transfer", "--member", "m02", "--to", "b2", "--on", "2026-10-08"]).ok();
    s.args(["member", "remove", "--member", "m03", "--on", "2026-10-15", "--reason", "毕业离校"]).ok();
    s.args(["member", "change", "--member", "m04", "--on", "2026-10-20", "--role", "支委"]).ok();

    assert_eq!(stars(&s, "b1", "2026Q3"), ledger);
    assert_eq!(status(&s, "b1", Some("2026Q3")), before);
    assert_eq!(s.args(["explain", "m01", "--quarter", "2026Q3"]).json(), explained);
    // The next quarter counts the four left.
    s.open("b1");
    assert_eq!(status(&s, "b1", None)["members"], 5);
}

// ---- transfers take the member's records along ------------------------------------------

#[test]
fn s4_2_c_a_transferred_member_keeps_their_history_and_findings() {
    let roster = members(4);
    let s = Shine::new();
    s.branch("b1", &roster);
    second_branch(&s, &[m("n01"), m("n02")]);
    // A disciplinary period that runs past the transfer (§3.4.x3).
    s.args(["finding", "add", "--member", "m04", "--clause", "x3", "--date", "2026-07-05", "--evidence", "党委会议纪要", "--open"]).ok();
    // Every member's status at each session (§3.4.x8 counts sessions).
    let mut life = vec![("m04", "2026-06-10", "unexcused"), ("m04", "2026-07-10", "present")];
    for id in ["m01", "m02", "m03"] {
        life.extend([(id, "2026-06-10", "present"), (id, "2026-07-10", "present")]);
    }
    s.life(&life);
    q3_filed(&s, "b1", &roster);
    s.args(["member", "transfer", "--member", "m04", "--to", "b2", "--on", "2026-10-08"]).ok();

    // The finding followed the member: excluded in the new branch too.
    s.open("b2");
    assert!(s.exclusions("m04").contains(&"x3".to_owned()));
    // `member history` shows the old branch's quarter, named, and the new one.
    let h = s.args(["member", "history", "m04"]).json();
    assert_eq!(h["branch"]["id"], "b2");
    let qs: Vec<(String, String)> = h["quarters"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|q| (q["branch"]["id"].as_str().expect("text").to_owned(), q["quarter"].as_str().expect("text").to_owned()))
        .collect();
    assert_eq!(qs, [("b1".to_owned(), "2026Q3".to_owned()), ("b2".to_owned(), "2026Q4".to_owned())], "{h}");
    let text = s.args(["member", "history", "m04"]).ok();
    assert!(text.contains("2026Q3（测试党支部b1）"), "{text}");
    // The store reads every new record back.
    s.args(["store", "check"]).ok();
}

#[test]
fn university_rule_a_transfer_to_the_same_branch_or_after_leaving_is_refused() {
    let s = Shine::new();
    s.branch("b1", &members(3));
    second_branch(&s, &[m("n01")]);
    s.args(["member", "transfer", "--member", "m01", "--to", "b1", "--on", "2026-11-03"]).fails().stderr_contains("无需转接");
    s.args(["member", "transfer", "--member", "m01", "--to", "c", "--on", "2026-11-03"]).fails();
    s.args(["member", "remove", "--member", "m02", "--on", "2026-11-03", "--reason", "出党"]).ok();
    s.args(["member", "transfer", "--member", "m02", "--to", "b2", "--on", "2026-11-04"]).fails().stderr_contains("已于 2026-11-03 因「出党」离开");
    // Transferred in on 11-03: a change dated before that is refused.
    s.args(["member", "transfer", "--member", "m03", "--to", "b2", "--on", "2026-11-03"]).ok();
    s.args(["member", "change", "--member", "m03", "--on", "2026-10-01", "--role", "支委"]).fails().stderr_contains("自 2026-11-03 起才在");
}

#[test]
fn university_rule_removal_reasons_are_those_the_rules_declare() {
    let s = Shine::new();
    s.branch("b1", &members(3));
    let refused = s.args(["member", "remove", "--member", "m01", "--on", "2026-11-03", "--reason", "调走"]).fails();
    refused.stderr_contains("毕业离校").stderr_contains("去世");
    assert_eq!(status_members(&s), 3);
    // A reason added in rules/facts.shine is accepted at once.
    s.edit_rules("facts.shine", |t| t.replace("deceased \"去世\",", "deceased \"去世\",\n    resigned \"退党\","));
    s.args(["member", "remove", "--member", "m01", "--on", "2026-11-03", "--reason", "退党"]).ok();
    // Repeating the removal is safe; another date or reason is refused.
    assert_eq!(s.args(["member", "remove", "--member", "m01", "--on", "2026-11-03", "--reason", "resigned"]).json()["repeated"], true);
    s.args(["member", "remove", "--member", "m01", "--on", "2026-11-04", "--reason", "退党"]).fails();
}

fn status_members(s: &Shine) -> usize {
    s.args(["members", "--branch", "b1"]).json().as_array().expect("a list").iter().filter(|m| m["on_roster"] == true).count()
}

// ---- re-importing a roster ----------------------------------------------------------------

#[test]
fn university_rule_reimport_shows_added_changed_missing_and_applies_only_with_apply() {
    let s = Shine::new();
    s.branch("b1", &members(4));
    // m03 probationary since October (a correction, dated).
    s.args(["member", "change", "--member", "m03", "--on", "2026-10-01", "--probationary"]).ok();
    // The file: m02 a committee member, m03 full, m04 not in it, m05 new.
    let file = vec![m("m01"), m("m02").role("committee"), m("m03"), m("m05")];

    let preview = import(&s, "b1", &file).json();
    assert_eq!(preview["applied"], false, "{preview}");
    assert_eq!(ids(&preview["added"]), ["m05"]);
    let changed: Vec<(String, Value)> =
        preview["changed"].as_array().expect("a list").iter().map(|c| (c["member"]["id"].as_str().expect("text").to_owned(), c["change"].clone())).collect();
    assert_eq!(changed.len(), 2, "{preview}");
    assert_eq!(changed[0], ("m02".to_owned(), serde_json::json!({ "role": "committee" })));
    assert_eq!(changed[1], ("m03".to_owned(), serde_json::json!({ "full": true })));
    assert_eq!(ids(&preview["missing"]), ["m04"]);
    let text = import(&s, "b1", &file).ok();
    assert!(text.contains("职务：普通党员 → 支委") && text.contains("类别：预备党员 → 正式党员") && text.contains("--apply"), "{text}");
    // Nothing was written.
    assert_eq!(status_members(&s), 4);

    let applied = import_apply(&s, "b1", &file).json();
    assert_eq!(applied["applied"], true);
    let listed = s.args(["members", "--branch", "b1"]).json();
    let row = |id: &str| listed.as_array().expect("a list").iter().find(|m| m["id"] == id).cloned().expect("listed");
    assert_eq!(row("m02")["role"], "committee");
    assert_eq!(row("m03")["full"], true);
    // The member missing from the file stays on the roster: only `member remove` takes them off.
    assert_eq!(row("m04")["on_roster"], true);
    assert_eq!(status_members(&s), 5);
    // The changes are dated on the import date (2026-12-10), after the meeting: the
    // meeting of 2026-12-01 still sees m03 probationary and m05 not yet on the roster.
    s.open_with_meeting("b1");
    assert_eq!(status(&s, "b1", None)["members"], 4);
    assert_eq!(s.explain("m03")["judgement"]["voter"]["value"], false);
    // Applying the same file again changes nothing.
    let again = import_apply(&s, "b1", &file).json();
    assert!(again["added"].as_array().expect("a list").is_empty() && again["changed"].as_array().expect("a list").is_empty(), "{again}");
}

#[test]
fn university_rule_reimport_dated_with_on_counts_from_that_day() {
    let s = Shine::new();
    s.branch("b1", &members(3));
    let file = vec![m("m01"), m("m02"), m("m03"), m("m04")];
    let file_path = s.write("dated.csv", &crate::support::roster_csv(&file));
    let args = [OsStr::new("roster"), OsStr::new("import"), OsStr::new("--branch"), OsStr::new("b1"), file_path.as_os_str()];
    let mut with = args.to_vec();
    with.extend([OsStr::new("--apply"), OsStr::new("--on"), OsStr::new("2026-11-15")]);
    assert_eq!(s.args(with).json()["on"], "2026-11-15");
    s.open_with_meeting("b1");
    // Added on 2026-11-15, before the meeting of 2026-12-01: counted.
    assert_eq!(status(&s, "b1", None)["members"], 4);
}

#[test]
fn university_rule_reimport_refuses_a_member_of_another_branch_with_the_transfer_hint() {
    let s = Shine::new();
    s.branch("b1", &members(3));
    second_branch(&s, &[m("n01")]);
    let run = import_apply(&s, "b2", &[m("n01"), m("m02")]).fails();
    run.stderr_contains("已在支部 `b1` 的名单上").stderr_contains("shine member transfer --member m02");
    // A member who left this branch cannot come back through an import either.
    s.args(["member", "remove", "--member", "m03", "--on", "2026-11-03", "--reason", "毕业离校"]).ok();
    import_apply(&s, "b1", &members(3)).fails().stderr_contains("已于 2026-11-03 因「毕业离校」离开");
    assert_eq!(status_members(&s), 2);
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().map(|a| a.iter().filter_map(|m| m["id"].as_str().map(str::to_owned)).collect()).unwrap_or_default()
}
