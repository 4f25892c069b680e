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
    assert!(!run.stderr.contains("Error {") && !run.stderr.contains("RuleError") && !run.stderr.contains("UnknownField"), "{}", run.stderr);
    run.stderr_contains("错误：`branch` 没有字段 `membr_count`").stderr_contains("= 帮助：是否想写 `member_count`？");
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
    let s = Shine::new().workflow_edit(|t| t.replace("guards: [\"meeting_reported\", ", "guards: [\"meeting_reportd\", "));
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
            if path.extension().is_none_or(|e| e != "shine") {
                continue; // the notice's copy, notice.zh.txt
            }
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
    let at = format!("{}:{line}:{col}", s.rules_dir().join("escalation.shine").display());
    let levels = "`branch`、`directly_affiliated_branch`、`general_branch`、`organization_department`、`provincial_education_committee`";
    let chain = crate::support::repo().join("workflows/escalation.ron");
    assert_eq!(
        s.args(["rules", "check"]).fails().stderr,
        shown_alone(
            "`pick typical` 指定了未知层级 `general_brnch`",
            &at,
            text.lines().nth(line - 1).expect("line"),
            &format!("{}^^^^^^^^^^^^^ 无此层级", " ".repeat(16)),
            &format!("是否想写 `general_branch`？`{}` 中的层级：{levels}", chain.display())
        )
    );
    let err = s.args(["rules", "check"]).fails_json();
    assert_eq!(err["code"], "rule_files");
    assert_eq!(err["lines"][0], format!("{at}: `pick typical` 指定了未知层级 `general_brnch`"));
    let e = &err["errors"][0];
    assert_eq!((e["problem"]["kind"].as_str(), e["problem"]["level"].as_str(), e["problem"]["closest"].as_str()), (Some("unknown_level"), Some("general_brnch"), Some("general_branch")));
    assert_eq!((e["line"].as_u64(), e["col"].as_u64()), (Some(line as u64), Some(col as u64)));
    s.args(["workflow", "check"]).fails().stderr_contains("general_brnch");
}

#[test]
fn s4_3_d_pick_rule_is_listed_by_its_levels_pick_step() {
    let s = Shine::new().rules_edit("escalation.shine", |t| t.replace("pick province by organization_department", "pick province by general_branch"));
    let text = std::fs::read_to_string(s.rules_dir().join("escalation.shine")).expect("read");
    let line = line_of(&text, "pick province");
    s.args(["rules", "check"])
        .fails()
        .stderr_contains(&format!("escalation.shine:{line}:"))
        .stderr_contains("错误：层级 `general_branch` 的 `Pick` 步骤没有列出 `pick province`")
        .stderr_contains("的 `Pick` 步骤的 `rules` 里加上 `\"province\"`，或删去这条规则");
    let err = s.args(["rules", "check"]).fails_json();
    let problem = &err["errors"][0]["problem"];
    assert_eq!(problem, &serde_json::json!({ "kind": "level_does_not_pick", "pick": "province", "level": "general_branch", "chain": problem["chain"] }));
    assert!(err["lines"][0].as_str().is_some_and(|l| l.ends_with(": 层级 `general_branch` 的 `Pick` 步骤没有列出 `pick province`")), "{err}");
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

// ---- rule-file diagnostics, in Chinese ------------------------------------------------

/// `shine rules check` with the shipped rules and `rules/extra.shine` holding `text`:
/// the world, the path shown for `extra.shine`, and what the command printed.
fn check_extra(text: &str) -> (Shine, String, crate::support::Run) {
    let s = Shine::new();
    s.write("rules/extra.shine", text);
    let path = s.rules_dir().join("extra.shine").display().to_string();
    let run = s.args(["rules", "check"]).fails();
    (s, path, run)
}

/// The 1-based character of `line_text` under the first caret of a rendered snippet:
/// the underline is placed by display width (a Chinese character takes two columns).
fn caret_char(rendered: &str, line_text: &str) -> usize {
    use unicode_width::UnicodeWidthChar;
    let under = rendered.lines().find(|l| l.contains('^')).expect("an underline");
    let bar = under.find('|').expect("the gutter");
    let offset = under[bar + 2..].find('^').expect("a caret");
    let mut width = 0;
    for (i, c) in line_text.chars().enumerate() {
        if width == offset {
            return i + 1;
        }
        width += c.width().unwrap_or(0);
    }
    line_text.chars().count() + 1
}

/// A rule-file error as `shine` shows it when it is the only one: the message, the
/// snippet (`at` is `file:line:col`; `underline` follows the gutter: spaces, carets
/// and the label) and the help. For lines 1–9.
fn shown_alone(message: &str, at: &str, line: &str, underline: &str, help: &str) -> String {
    let number = at.rsplit(':').nth(1).expect("a line number");
    format!("错误：{message}\n --> {at}\n  |\n{number} | {line}\n  | {underline}\n  = 帮助：{help}\n")
}

#[test]
fn rule_error_names_an_unknown_name_and_suggests_the_one_meant() {
    let line = "guard 报告 §4.2.a \"要及时向上级党组织报告，上级党组织一般应派员\" when meting.reported";
    let (_s, path, run) = check_extra(&format!("{line}\n"));
    assert_eq!(
        run.stderr,
        shown_alone(
            "未知名称 `meting`",
            &format!("{path}:1:47"),
            line,
            &format!("{}^^^^^^ 此处无此名称", " ".repeat(70)),
            "是否想写 `meeting`？可用的名称：`branch`、`meeting`、`quarter`"
        )
    );
}

#[test]
fn rule_error_column_is_counted_in_characters_in_the_header_and_under_the_caret() {
    // Before the error: 46 characters, 70 display columns, 95 bytes.
    let line = "guard 报告 §4.2.a \"要及时向上级党组织报告，上级党组织一般应派员\" when meting.reported";
    let (s, path, run) = check_extra(&format!("{line}\n"));
    let header = run.stderr.lines().find(|l| l.contains(" --> ")).expect("a header");
    let col: usize = header.rsplit(':').next().and_then(|c| c.parse().ok()).expect("a column");
    assert_eq!(header.trim(), format!("--> {path}:1:{col}"));
    assert!(line.chars().skip(col - 1).collect::<String>().starts_with("meting"), "column {col} is not at `meting`");
    assert_eq!(caret_char(&run.stderr, line), col);
    let err = s.args(["rules", "check"]).fails_json();
    assert_eq!(err["errors"][0]["col"].as_u64(), Some(col as u64));
    assert_eq!(err["errors"][0]["problem"]["kind"], "unknown_name");
}

#[test]
fn rule_error_for_values_of_different_types_names_both_types() {
    let line = "guard 票数 §3.4 \"组织民主推荐，采取无记名投票的方式\" when meeting.ballots == true";
    let (_s, path, run) = check_extra(&format!("{line}\n"));
    assert_eq!(
        run.stderr,
        shown_alone(
            "不能比较 `meeting.ballots`（`int`）与 `true`（`bool`）",
            &format!("{path}:1:40"),
            line,
            &format!("{}{} 类型不符", " ".repeat(58), "^".repeat(23)),
            "比较同类的值：数与数、日期与日期、枚举与它的值"
        )
    );
}

#[test]
fn syntax_error_in_rule_file_says_what_was_expected() {
    let line = "guard 票数 §3.4 \"组织民主推荐，采取无记名投票的方式\" meeting.ballots > 0";
    let (_s, path, run) = check_extra(&format!("{line}\n"));
    assert_eq!(
        run.stderr,
        shown_alone(
            "应有 `when` 及条件，却是 `meeting.ballots`",
            &format!("{path}:1:35"),
            line,
            &format!("{}{} 此处应写 `when` 及条件", " ".repeat(53), "^".repeat(15)),
            "条件以 `when` 引出，如 `voter §3.4 \"…\" when member.full`"
        )
    );
}

#[test]
fn s3_4_rule_set_without_a_tie_rule_refused() {
    let s = Shine::new().rules_edit("recommendation.shine", |t| t.lines().filter(|l| !l.starts_with("tie ")).map(|l| format!("{l}\n")).collect());
    // A rule missing from the whole set is placed at the start of the first file.
    let first = s.rules_dir().join("escalation.shine");
    let text = std::fs::read_to_string(&first).expect("read");
    assert_eq!(
        s.args(["rules", "check"]).fails().stderr,
        shown_alone(
            "规则集缺少 `tie` 规则",
            &format!("{}:1:1", first.display()),
            text.lines().next().unwrap_or_default(),
            "^ 整个规则集都没有这条规则",
            "添加一条 `tie` 规则，如 `tie §3.4 \"…\" runoff`"
        )
    );
}

#[test]
fn every_rule_file_error_is_shown_then_listed_one_a_line() {
    let text = "guard 报告 §4.2.a \"要及时向上级党组织报告，上级党组织一般应派员\" when meting.reported\n\
                guard 票数 §3.4 \"组织民主推荐，采取无记名投票的方式\" when meeting.ballots == true\n";
    let (s, path, run) = check_extra(text);
    assert_eq!(run.stderr.lines().filter(|l| l.starts_with("错误：")).count(), 2, "{}", run.stderr);
    assert!(
        run.stderr.ends_with(&format!(
            "\n规则文件有 2 处错误，未载入任何规则：\n\
             {path}:1:47: 未知名称 `meting`\n\
             {path}:2:40: 不能比较 `meeting.ballots`（`int`）与 `true`（`bool`）\n"
        )),
        "{}",
        run.stderr
    );
    let err = s.args(["rules", "check"]).fails_json();
    assert_eq!(err["message"], "规则文件有 2 处错误，未载入任何规则");
    assert_eq!(err["lines"][1], format!("{path}:2:40: 不能比较 `meeting.ballots`（`int`）与 `true`（`bool`）"));
    let kinds: Vec<&str> = err["errors"].as_array().expect("errors").iter().filter_map(|e| e["problem"]["kind"].as_str()).collect();
    assert_eq!(kinds, ["unknown_name", "cannot_compare"]);
}
