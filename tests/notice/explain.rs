//! §3.4 explanations that are true, sufficient and never change after the fact: the
//! condition that decided a rule is shown first and marked, the facts a quarter was
//! decided on are frozen with its ballot, values read in the rules' Chinese labels,
//! the lean is named, and `shine demo` builds where `--store` says.

use crate::support::{exclusion, m, roster_csv, Shine};
use serde_json::Value;
use shine_engine::ops::quarter::Record;
use std::ffi::OsStr;

/// The witnesses of a decision as (expression, decisive), in the order given.
fn witnesses(d: &Value) -> Vec<(String, bool)> {
    d["witnesses"]
        .as_array()
        .map(|ws| ws.iter().map(|w| (w["expr"].as_str().unwrap_or_default().to_owned(), w["decisive"] == true)).collect())
        .unwrap_or_default()
}

/// The condition (not a connective) of a decision whose expression starts with `expr`.
fn arm<'a>(d: &'a Value, expr: &str) -> &'a Value {
    d["arms"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["join"].is_null() && x["expr"].as_str().is_some_and(|e| e.starts_with(expr))))
        .unwrap_or_else(|| panic!("no arm `{expr}` in {d}"))
}

/// A roster file applied, its changes dated before the meeting (2026-12-01): the
/// quarter counts the roster as of its meeting date.
fn import(s: &Shine, branch: &str, members: &[crate::support::M]) -> String {
    let file = s.write("reimport.csv", &roster_csv(members));
    let args = [OsStr::new("roster"), OsStr::new("import"), OsStr::new("--branch"), OsStr::new(branch), file.as_os_str()];
    s.args(args.into_iter().chain(["--apply", "--on", "2026-11-20"].map(OsStr::new))).ok()
}

/// A mobile member four months without a report (x8's third arm), with one
/// unexcused absence that makes no run (the first arm holds nothing).
fn mobile_member() -> Shine {
    let s = Shine::new();
    s.branch("b1", &[m("m01").mobile(Some("2026-08-01")), m("m02"), m("m03")]);
    s.life(&[("m01", "2026-11-10", "unexcused"), ("m02", "2026-11-10", "present"), ("m03", "2026-11-10", "present")]);
    s
}

#[test]
fn s3_4_x8_explanation_shows_the_arm_that_fired_first() {
    let s = mobile_member();
    s.open_with_meeting("b1");
    let e = s.explain("m01");
    let x8 = exclusion(&e, "x8");
    let ws = witnesses(x8);
    // The deciding values come first: the silence while away, not the run of absences.
    let silence = "any(s in member.silences";
    let first_other = ws.iter().position(|w| !w.1).unwrap_or(ws.len());
    assert!(ws[..first_other].iter().any(|w| w.0.starts_with(silence)), "{ws:?}");
    assert!(ws[first_other..].iter().all(|w| !w.1), "decisive values all first: {ws:?}");
    let streak = ws.iter().find(|w| w.0.starts_with("streak(")).expect("the streak is read");
    assert!(!streak.1, "the run of absences did not decide: {ws:?}");
    // The full trace marks each arm.
    let away = arm(x8, silence);
    assert_eq!((away["held"].clone(), away["decisive"].clone()), (Value::Bool(true), Value::Bool(true)), "{away}");
    let run = arm(x8, "streak(");
    assert_eq!((run["held"].clone(), run["decisive"].clone()), (Value::Bool(false), Value::Bool(false)), "{run}");
    // In words: the deciding value before the others, each arm marked.
    let text = s.args(["explain", "m01"]).ok();
    let decided = text.find(silence).expect(&text);
    let rest = text.find("其余数值").expect(&text);
    assert!(decided < rest, "{text}");
    assert!(text.contains("：成立（起决定作用）"), "{text}");
    assert!(text.contains("：不成立"), "{text}");
}

#[test]
fn s3_4_x9_or_stops_at_the_arm_that_held_and_marks_the_rest_not_evaluated() {
    let s = Shine::new();
    s.branch("b1", &[m("m01"), m("m02")]);
    s.open_with_meeting("b1");
    s.records("b1", vec![Record::Attendance { member: "m01".into(), status: "unexcused".into() }]);
    let e = s.explain("m01");
    let x9 = exclusion(&e, "x9");
    let meeting = arm(x9, "member.meeting == unexcused");
    assert_eq!((meeting["held"].clone(), meeting["decisive"].clone()), (Value::Bool(true), Value::Bool(true)), "{meeting}");
    let presented = arm(x9, "member.presented");
    assert_eq!(presented["held"], Value::Null, "never reached: {presented}");
    assert_eq!(presented["decisive"], false);
    assert_eq!(witnesses(x9)[0], ("member.meeting".to_owned(), true));
}

#[test]
fn s3_4_not_names_the_condition_under_it() {
    // The candidate rule is `not excluded`: it fails because `excluded` holds (m01,
    // with no deed and no presentation yet, is excluded by x9).
    let s = Shine::new();
    s.branch("b1", &[m("m01"), m("m02")]);
    s.open_with_meeting("b1");
    let cand = &s.explain("m01")["judgement"]["candidate"];
    assert_eq!(cand["value"], false);
    let arms = cand["arms"].as_array().expect("a `not` has arms");
    assert_eq!((arms[0]["join"].clone(), arms[0]["decisive"].clone()), (Value::from("not"), Value::Bool(true)));
    assert_eq!(arms[1]["expr"], "excluded");
    assert_eq!((arms[1]["held"].clone(), arms[1]["decisive"].clone()), (Value::Bool(true), Value::Bool(true)));
}

#[test]
fn s3_4_explanation_of_a_filed_quarter_survives_a_roster_reimport() {
    let s = mobile_member();
    let roster = [m("m01").mobile(Some("2026-08-01")), m("m02"), m("m03")];
    s.open("b1");
    s.all_to_voting("b1", &roster);
    for _ in 0..3 {
        s.vote("b1", &["m02"]);
    }
    // Tallied, then the ledger filed with the superior.
    for _ in 0..5 {
        if s.args(["status", "--branch", "b1"]).json()["terminal"] == true {
            break;
        }
        s.advance("b1");
    }
    assert_eq!(s.args(["status", "--branch", "b1"]).json()["terminal"], true, "the quarter is finished");
    let before = s.explain("m01");
    assert_eq!(before["facts"], "frozen", "{before}");
    assert_eq!(before["star"], false);
    let ledger_before = s.args(["stars", "--branch", "b1"]).json();
    assert!(exclusion(&before, "x8").is_object());
    // The roster is imported again: m01 no longer mobile, with a new name.
    let mut changed = m("m01");
    changed.name = "改名后的党员".into();
    let said = import(&s, "b1", &[changed, m("m02"), m("m03")]);
    assert!(!said.contains("quarter open"), "the quarter is open: {said}");
    assert!(said.contains("冻结"), "{said}");
    s.life(&[("m01", "2026-11-20", "present")]);
    let after = s.explain("m01");
    assert_eq!(after["facts"], "frozen");
    assert!(exclusion(&after, "x8").is_object(), "x8 still explains the quarter: {after}");
    assert_eq!(after["member"]["name"], before["member"]["name"], "the member as the quarter knew them");
    let status = s.args(["status", "--branch", "b1"]).json();
    assert_eq!(status["members"], 3);
    assert_eq!(status["facts"], "frozen");
    let ledger = s.args(["stars", "--branch", "b1"]).json();
    assert_eq!(ledger["facts"], "frozen");
    assert_eq!(ledger["excluded"], ledger_before["excluded"], "the ledger and the explanation agree, before and after");
    let text = s.args(["explain", "m01"]).ok();
    assert!(text.contains("冻结的名册"), "{text}");
}

#[test]
fn s3_4_before_the_ballot_is_fixed_the_roster_of_today_counts() {
    let s = mobile_member();
    s.open_with_meeting("b1");
    assert_eq!(s.explain("m01")["facts"], "today");
    let said = import(&s, "b1", &[m("m01"), m("m02"), m("m03")]);
    assert!(!said.contains("quarter open"), "the quarter is open: {said}");
    assert!(!s.exclusions("m01").contains(&"x8".to_owned()), "no longer mobile, no x8");
}

#[test]
fn s3_4_roster_import_without_a_quarter_suggests_opening_this_quarter() {
    let s = Shine::new();
    s.branch("b1", &[m("m01")]);
    let said = import(&s, "b1", &[m("m01"), m("m02")]);
    assert!(said.contains("shine quarter open --branch b1 --quarter 2026Q4"), "{said}");
}

// ---- `shine demo` where the store is --------------------------------------------------

/// The binary with none of the harness' global flags: the demo's own defaults apply.
fn bare(s: &Shine) -> std::process::Command {
    let mut c = std::process::Command::new(crate::support::bin());
    c.env_clear().env("NO_COLOR", "1").current_dir(s.dir()).args(["--now", "2026-12-10"]);
    c
}

#[test]
fn demo_builds_where_store_or_shine_store_says() {
    let s = Shine::new();
    let flag = s.dir().join("演示-flag");
    let env = s.dir().join("演示-env");
    let by_flag = bare(&s).args([OsStr::new("demo"), OsStr::new("--store"), flag.as_os_str()]).output().expect("demo");
    assert!(by_flag.status.success(), "{}", String::from_utf8_lossy(&by_flag.stderr));
    let by_env = bare(&s).env("SHINE_STORE", &env).arg("demo").output().expect("demo");
    assert!(by_env.status.success(), "{}", String::from_utf8_lossy(&by_env.stderr));
    for store in [&flag, &env] {
        assert!(store.join(".shine-demo").exists(), "the demo is built in {}", store.display());
        let stars = bare(&s).args([OsStr::new("--store"), store.as_os_str(), OsStr::new("stars"), OsStr::new("--branch"), OsStr::new("jx-yj")]).output().expect("stars");
        assert!(String::from_utf8_lossy(&stars.stdout).contains("萧秀英"), "{stars:?}");
    }
    assert!(!s.dir().join("shine-demo").exists(), "not in the default demo directory");
    // Without either, the demo keeps to its own directory, never the default store.
    let plain = bare(&s).arg("demo").output().expect("demo");
    assert!(plain.status.success());
    assert!(s.dir().join("shine-demo").join(".shine-demo").exists());
    assert!(!s.dir().join("shine-data").exists());
    // A store that is not a demo is never overwritten.
    let real = s.dir().join("真实存储");
    std::fs::create_dir_all(&real).expect("dir");
    std::fs::write(real.join("数据"), "x").expect("file");
    let refused = bare(&s).args([OsStr::new("--store"), real.as_os_str(), OsStr::new("demo")]).output().expect("demo");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("不是演示存储"));
    assert!(real.join("数据").exists());
}

// ---- §3.4 向普通党员倾斜: the lean named even below the line -------------------------------

#[test]
fn s3_4_lean_labels_a_member_behind_on_equal_votes_even_when_the_one_ahead_was_not_seated() {
    let s = Shine::new();
    let roster: Vec<crate::support::M> =
        [m("m01"), m("m02"), m("m03").role("leading_cadre"), m("m04"), m("m05"), m("m06"), m("m07")].into_iter().collect();
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    // One seat: m01 three votes; the ordinary m02 and the cadre m03 two each, neither seated.
    for choice in ["m01", "m01", "m01", "m02", "m02", "m03", "m03"] {
        s.vote("b1", &[choice]);
    }
    let done = s.advance("b1");
    assert_eq!(done["stars"], serde_json::json!(["m01"]), "{done}");
    let e = s.explain("m03");
    let round = &e["rounds"][0];
    assert_eq!(round["ranked"]["outcome"], "below_line", "{round}");
    assert_eq!(round["behind_on_lean"], true, "{round}");
    assert_eq!(s.explain("m02")["rounds"][0]["behind_on_lean"], false);
    let text = s.args(["explain", "m03"]).ok();
    assert!(text.contains("同票者中因倾斜规则排在后面"), "{text}");
    assert!(text.contains("倾斜规则：通知原文 §3.4"), "{text}");
    let ledger = s.args(["stars", "--branch", "b1"]).ok();
    assert_eq!(ledger.matches("同票者中因倾斜规则排在后面").count(), 1, "only m03 is labelled: {ledger}");
}

// ---- values in the words of the rules -------------------------------------------------

#[test]
fn s3_4_values_read_in_the_labels_the_rules_declare() {
    // The labels are the rule files' own: renamed there, renamed in every explanation.
    let s = Shine::new().rules_edit("facts.shine", |t| t.replace("unexcused \"无故缺席\"", "unexcused \"无正当理由缺席\""));
    s.branch("b1", &[m("m01"), m("m02").role("leading_cadre"), m("m03")]);
    s.life(&[("m01", "2026-10-10", "unexcused"), ("m01", "2026-11-10", "unexcused")]);
    s.open_with_meeting("b1");
    let text = s.args(["explain", "m01"]).ok();
    assert!(text.contains("规则中的取值：unexcused 即「无正当理由缺席」"), "{text}");
    assert!(text.contains("2026-10-10 无正当理由缺席；2026-11-10 无正当理由缺席"), "{text}");
    assert!(!text.contains("无故缺席"), "{text}");
    let cadre = s.args(["explain", "m02"]).ok();
    assert!(cadre.contains("member.role = 领导干部"), "{cadre}");
    assert!(cadre.contains("ordinary 即「普通党员」"), "{cadre}");
    let summary = s.args(["stars", "--branch", "b1"]).ok();
    assert!(summary.contains("2026-10-10 无正当理由缺席"), "{summary}");
}

#[test]
fn s3_4_a_store_that_froze_no_facts_is_explained_from_today_and_says_so() {
    // The store of the version before versioned logs fixed its ballots without
    // freezing the roster: explain falls back to today's and says so.
    let s = Shine::new();
    let store = s.dir().join("old-store");
    copy(&crate::support::repo().join("tests/fixtures/store-v0/store"), &store);
    let run = |json: bool| {
        let mut c = bare(&s);
        c.args([OsStr::new("--store"), store.as_os_str(), OsStr::new("explain"), OsStr::new("jg-02")]);
        if json {
            c.arg("--json");
        }
        let out = c.output().expect("explain");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let e: Value = serde_json::from_str(&run(true)).expect("json");
    assert_eq!(e["facts"], "recomputed_today", "{e}");
    assert!(run(false).contains("以下按今天的名册重新计算"));
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("read") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}
