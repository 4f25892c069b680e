//! The rule and workflow files as the branch's administrators edit them: a broken
//! file is refused with its location, and an edit changes only quarters opened after
//! it — unless adopted for an open quarter.

use crate::support::{members, Shine};

fn quota_of(s: &Shine, member: &str) -> i64 {
    s.explain(member)["quota"]["value"].as_i64().expect("quota")
}

/// The 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect("needle in text") + 1
}

#[test]
fn bad_rule_file_refused_with_location_and_offending_text() {
    let s = Shine::new().rules_edit("quota.shine", |t| t.replace("branch.member_count", "branch.membr_count"));
    let text = std::fs::read_to_string(s.rules_dir().join("quota.shine")).expect("read");
    let line = line_of(&text, "membr_count");
    let run = s.args(["rules", "check"]).fails();
    run.stderr_contains(&format!("quota.shine:{line}:")).stderr_contains("membr_count");
    // In plain words, and no Rust type names.
    assert!(!run.stderr.contains("Error {") && !run.stderr.contains("RuleError"), "{}", run.stderr);
    let err = s.args(["rules", "check"]).fails_json();
    assert!(err.to_string().contains("membr_count"), "{err}");
}

#[test]
fn syntax_error_in_rule_file_refused_with_location() {
    let s = Shine::new().rules_edit("guards.shine", |t| t.replace("when meeting.reported", "when meeting.reported and and"));
    let text = std::fs::read_to_string(s.rules_dir().join("guards.shine")).expect("read");
    let line = line_of(&text, "and and");
    s.args(["rules", "check"]).fails().stderr_contains(&format!("guards.shine:{line}:")).stderr_contains("and and");
}

#[test]
fn bad_rule_file_refused_with_location_and_previous_set_stays() {
    let s = Shine::new();
    s.branch("b1", &members(7));
    s.branch("b2", &[crate::support::m("n01")]);
    s.open("b1");
    let hash = s.args(["status", "--branch", "b1"]).json()["rules"].clone();
    s.edit_rules("exclusions.shine", |t| t.replacen("f.clause == \"x1\"", "f.clause == x1", 1));
    s.args(["rules", "check"]).fails().stderr_contains("exclusions.shine:");
    s.args(["quarter", "open", "--branch", "b2", "--quarter", "2026Q4"]).fails().stderr_contains("exclusions.shine:");
    // The open quarter runs on under the rule set it was opened with.
    let st = s.args(["status", "--branch", "b1"]).json();
    assert_eq!(st["rules"], hash);
    assert_eq!(st["state"]["id"], "registering");
    let done = s.advance("b1");
    assert_eq!(done["to"]["id"], "reporting");
    assert_eq!(quota_of(&s, "m01"), 1);
}

#[test]
fn bad_workflow_file_refused_with_location() {
    let s = Shine::new().workflow_edit(|t| {
        t.replace(
            "        State(id: \"runoff\"",
            "        State(id: \"limbo\", title: \"无人可达\", clause: \"§3\"),\n        State(id: \"runoff\"",
        )
    });
    let text = std::fs::read_to_string(s.dir().join("workflows/quarter.ron")).expect("read");
    let line = line_of(&text, "limbo");
    let run = s.args(["workflow", "check"]).fails();
    run.stderr_contains(&format!("quarter.ron:{line}:")).stderr_contains("`limbo`").stderr_contains("到不了状态");
}

#[test]
fn workflow_guard_naming_no_rule_refused() {
    let s = Shine::new().workflow_edit(|t| t.replace("guards: [\"meeting_reported\"]", "guards: [\"meeting_reportd\"]"));
    s.args(["workflow", "check"]).fails().stderr_contains("meeting_reportd");
}

#[test]
fn edited_rules_change_the_next_quarter() {
    let s = Shine::new();
    s.branch("b1", &members(20));
    s.open("b1");
    assert_eq!(quota_of(&s, "m01"), 3);
    s.edit_rules("quota.shine", |t| t.replace("* 15%", "* 20%"));
    s.args(["rules", "check"]).ok();
    // Finish b1's quarter, then open the next one: it takes the edited rules.
    let roster = members(20);
    s.all_to_voting("b1", &roster);
    assert_eq!(quota_of(&s, "m01"), 3, "the open quarter keeps its rules");
    let votes: Vec<String> = ["m01=9", "m02=8", "m03=7"].iter().map(|v| (*v).to_owned()).collect();
    let mut args = vec!["ballot".to_owned(), "totals".into(), "--branch".into(), "b1".into(), "--ballots".into(), "20".into()];
    for v in votes {
        args.push("--votes".into());
        args.push(v);
    }
    s.args(args).ok();
    s.advance("b1");
    s.advance("b1");
    assert_eq!(s.state("b1"), "reported");
    s.args(["quarter", "open", "--branch", "b1", "--quarter", "2027Q1"]).json();
    assert_eq!(quota_of(&s, "m01"), 4);
}

#[test]
fn open_quarter_keeps_its_rules_until_adopted() {
    let s = Shine::new();
    s.branch("b1", &members(20));
    s.open("b1");
    let before = s.args(["status", "--branch", "b1"]).json()["rules"].clone();
    s.edit_rules("quota.shine", |t| t.replace("* 15%", "* 20%"));
    assert_eq!(quota_of(&s, "m01"), 3);

    // Without --yes: a dry run that lists the change and changes nothing.
    let dry = s.args(["rules", "adopt", "--branch", "b1"]).json();
    assert_eq!(dry["applied"], false);
    let changes = dry["changes"].as_array().expect("changes");
    assert!(changes.iter().any(|c| c["what"] == "quota" && c["before"] == 3 && c["after"] == 4), "quota change listed: {dry}");
    let human = s.args(["rules", "adopt", "--branch", "b1"]).ok();
    assert!(human.contains('3') && human.contains('4') && human.contains("--yes"), "{human}");
    assert_eq!(quota_of(&s, "m01"), 3);
    assert_eq!(s.args(["status", "--branch", "b1"]).json()["rules"], before);

    let done = s.args(["rules", "adopt", "--branch", "b1", "--yes"]).json();
    assert_eq!(done["applied"], true);
    assert_eq!(quota_of(&s, "m01"), 4);
    assert_ne!(s.args(["status", "--branch", "b1"]).json()["rules"], before);
}

#[test]
fn rules_cannot_be_adopted_once_voting_began() {
    let s = Shine::new();
    let roster = members(7);
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    s.edit_rules("quota.shine", |t| t.replace("* 15%", "* 30%"));
    s.args(["rules", "adopt", "--branch", "b1", "--yes"]).fails();
    assert_eq!(s.args(["status", "--branch", "b1"]).json()["round"]["seats"], 1);
}

#[test]
fn the_same_rule_files_hash_the_same_wherever_they_are_read_from() {
    use shine_engine::rules::{RuleSet, SourceFile};
    let dir = crate::support::repo().join("rules");
    let load = |prefix: &str| {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("rules/") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            files.push(SourceFile { name: format!("{prefix}{name}"), text: std::fs::read_to_string(&path).expect("read") });
        }
        RuleSet::load(files).map(|r| r.hash().to_owned()).unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(load("rules/"), load("/srv/party/rules/"));
}

#[test]
fn s4_3_d_pick_rule_names_a_known_level() {
    let s = Shine::new().rules_edit("escalation.shine", |t| t.replace("by general_branch", "by general_brnch"));
    let text = std::fs::read_to_string(s.rules_dir().join("escalation.shine")).expect("read");
    let line = line_of(&text, "general_brnch");
    let col = text.lines().nth(line - 1).and_then(|l| l.find("general_brnch")).map(|b| b + 1).expect("column");
    s.args(["rules", "check"]).fails().stderr_contains(&format!("escalation.shine:{line}:{col}:")).stderr_contains("`general_brnch`");
    let err = s.args(["rules", "check"]).fails_json().to_string();
    assert!(err.contains("`pick typical` names unknown level `general_brnch`"), "{err}");
    assert!(err.contains("did you mean `general_branch`?"), "{err}");
    s.args(["workflow", "check"]).fails().stderr_contains("general_brnch");
}

#[test]
fn s4_3_d_pick_rule_is_listed_by_its_levels_pick_step() {
    let s = Shine::new().rules_edit("escalation.shine", |t| t.replace("pick province by organization_department", "pick province by general_branch"));
    let text = std::fs::read_to_string(s.rules_dir().join("escalation.shine")).expect("read");
    let line = line_of(&text, "pick province");
    s.args(["rules", "check"]).fails().stderr_contains(&format!("escalation.shine:{line}:"));
    let err = s.args(["rules", "check"]).fails_json().to_string();
    assert!(err.contains("level `general_branch` has no `Pick` step naming `pick province`"), "{err}");
}

#[test]
fn s4_3_d_escalation_step_naming_an_unknown_rule_refused_with_location() {
    let s = Shine::new().escalation_edit(|t| t.replace("rules: [\"typical\"]", "rules: [\"typicl\"]"));
    let text = std::fs::read_to_string(s.dir().join("workflows/escalation.ron")).expect("read");
    let line = line_of(&text, "typicl");
    s.args(["workflow", "check"])
        .fails()
        .stderr_contains(&format!("escalation.ron:{line}:"))
        .stderr_contains("引用了不存在的规则 `typicl`");
}

#[test]
fn s4_2_b_workflow_check_prints_the_escalation_chain() {
    let s = Shine::new();
    let out = s.args(["workflow", "check"]).ok();
    for needle in ["逐级报送", "党委组织部（organization_department）", "报送（仅遴选结果）", "遴选（per_unit、province）"] {
        assert!(out.contains(needle), "`{needle}` missing from:\n{out}");
    }
}
