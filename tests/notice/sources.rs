//! Where each rule comes from, and every clause traced. The rule files declare the
//! notice's clauses with their exact text (`rules/notice.shine`, checked here against
//! the copy of the notice in `rules/notice.zh.txt`); a rule quotes its clause word for
//! word, or says whose words it quotes (`per local` — 本校实施细则, `per
//! party_constitution` — 党章); every place that shows a rule says which. `shine
//! clauses` traces each clause to the rules, workflow parts and tests that cite it.
//!
//! Tests not named after a clause check the project's own machinery for citations
//! (`sources_…`); those named after a clause check what the clause demands.

use crate::support::{exclusion, members, repo, Shine, MEETING};
use serde_json::Value;

/// The notice copy in the repository.
fn notice() -> String {
    std::fs::read_to_string(repo().join("rules/notice.zh.txt")).expect("rules/notice.zh.txt")
}

/// Whether `quote` is `clause`'s own words: its pieces between `……`, in order.
fn verbatim(quote: &str, clause: &str) -> bool {
    let mut rest = clause;
    for piece in quote.split("……").filter(|p| !p.is_empty()) {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    !quote.trim().is_empty()
}

fn clauses(s: &Shine) -> Value {
    s.args(["clauses"]).json()
}

fn clause<'a>(trace: &'a Value, id: &str) -> &'a Value {
    trace["clauses"].as_array().and_then(|l| l.iter().find(|c| c["id"] == id)).unwrap_or_else(|| panic!("no clause {id}"))
}

// ---- the notice copy and the clause index ------------------------------------------------

#[test]
fn sources_the_clause_index_is_the_notice_copy_word_for_word_in_order() {
    let notice = notice();
    assert!(notice.starts_with("关于健全落实党员\n“闪光言行之星”评选制度的通知"), "rules/notice.zh.txt is the notice");
    let s = Shine::new();
    let trace = clauses(&s);
    let list = trace["clauses"].as_array().expect("clauses");
    let ids: Vec<&str> = list.iter().map(|c| c["id"].as_str().expect("id")).collect();
    let expected = [
        "§1", "§2", "§2.1", "§2.2", "§2.3", "§3", "§3.1", "§3.2", "§3.3", "§3.4", "§3.4.x1", "§3.4.x2", "§3.4.x3", "§3.4.x4",
        "§3.4.x5", "§3.4.x6", "§3.4.x7", "§3.4.x8", "§3.4.x9", "§4", "§4.1", "§4.2", "§4.2.a", "§4.2.b", "§4.2.c", "§4.3",
        "§4.3.a", "§4.3.b", "§4.3.c", "§4.3.d", "§附件",
    ];
    assert_eq!(ids, expected, "every clause id of the notice, in its order");
    // Each clause's text is in the notice, word for word, after the one before it.
    let mut from = 0;
    for c in list {
        let text = c["text"].as_str().expect("text");
        let at = notice[from..].find(text).map(|at| from + at);
        let at = at.or_else(|| notice.find(text)).unwrap_or_else(|| panic!("{} is not the notice's text: {text}", c["id"]));
        if !matches!(c["id"].as_str(), Some("§2" | "§4")) {
            assert!(at >= from, "{} comes before the clause above it", c["id"]);
            from = at;
        }
    }
    // The nine exclusions are the numbered items of §3.4, nothing more or less.
    for k in 1..=9 {
        let text = clause(&trace, &format!("§3.4.x{k}"))["text"].as_str().expect("text").to_owned();
        assert!(notice.contains(&format!("（{k}）{text}")), "x{k} is item ({k})");
    }
}

#[test]
fn sources_every_quote_in_the_shipped_rules_is_the_notice_s_words_or_names_its_source() {
    let s = Shine::new();
    let trace = clauses(&s);
    let rules = s.args(["rules", "list"]).json();
    let mut by_source: Vec<(String, String)> = Vec::new();
    for r in rules.as_array().expect("rules") {
        let (name, id, text) = (r["name"].as_str().expect("name"), r["clause"].as_str().expect("clause"), r["text"].as_str().expect("text"));
        let clause_text = clause(&trace, id)["text"].as_str().expect("text");
        match r["attribution"]["kind"].as_str() {
            Some("notice") => assert!(verbatim(text, clause_text), "rule `{name}` quotes {id} but not its words: {text}"),
            Some("source") => by_source.push((name.to_owned(), r["attribution"]["label"].as_str().expect("label").to_owned())),
            other => panic!("rule `{name}`: attribution {other:?}"),
        }
    }
    // What the notice does not say is labelled with where it comes from.
    let label = |rule: &str| by_source.iter().find(|(n, _)| n == rule).map(|(_, l)| l.as_str());
    for local in ["cap", "quorum", "tie", "candidate", "per_unit", "province", "window"] {
        assert_eq!(label(local), Some("本校实施细则"), "rule `{local}`");
    }
    assert_eq!(label("voter"), Some("党章"), "预备党员没有表决权 is the 党章's");
    for k in 1..=9 {
        assert_eq!(label(&format!("x{k}")), None, "x{k} quotes the notice");
    }
}

// ---- citations refused ---------------------------------------------------------------------

#[test]
fn sources_a_quote_not_in_its_clause_is_refused_saying_to_quote_exactly_or_write_per() {
    let s = Shine::new().rules_edit("recommendation.shine", |t| t.replace("cap §3.4 per local \"", "cap §3.4 \""));
    let run = s.args(["rules", "check"]).fails();
    run.stderr_contains("引文「领导干部和支委至多占三分之一名额」不是通知 §3.4 的原文")
        .stderr_contains("recommendation.shine:40:10")
        .stderr_contains("逐字引用")
        .stderr_contains("per <出处>");
    // Loading refuses it too: nothing runs on such rules.
    s.args(["quarter", "open", "--branch", "b1", "--quarter", "2026Q4"]).fails();
}

#[test]
fn sources_pieces_of_one_clause_joined_by_an_ellipsis_in_order_are_verbatim() {
    let joined = "党支部召开“闪光言行”专题组织生活会前……上级党组织一般应派员列席";
    let s = Shine::new().rules_edit("guards.shine", |t| t.replace("\"党支部召开“闪光言行”专题组织生活会前，要及时向上级党组织报告\"", &format!("\"{joined}\"")));
    s.args(["rules", "check"]).ok();
    let reversed = "上级党组织一般应派员列席……党支部召开“闪光言行”专题组织生活会前";
    s.edit_rules("guards.shine", |t| t.replace(joined, reversed));
    s.args(["rules", "check"]).fails().stderr_contains("引文「党支部召开“闪光言行”专题组织生活会前」不是通知 §4.2.a 的原文");
}

#[test]
fn sources_a_rule_citing_a_clause_the_notice_lacks_is_refused_where_it_is_written() {
    let s = Shine::new().rules_edit("recommendation.shine", |t| t.replace("tie §3.4 per local", "tie §3.9 per local"));
    let err = s.args(["rules", "check"]).fails_json();
    let text = err.to_string();
    assert!(text.contains("unknown_clause") && text.contains("§3.9"), "{err}");
    s.args(["rules", "check"]).fails().stderr_contains("通知中没有条款 §3.9").stderr_contains("recommendation.shine:44:5");
}

#[test]
fn sources_per_a_source_never_declared_is_refused() {
    let s = Shine::new().rules_edit("recommendation.shine", |t| t.replace("quorum §3.4 per local", "quorum §3.4 per 校规"));
    s.args(["rules", "check"]).fails().stderr_contains("未声明的出处 `校规`").stderr_contains("`local`");
}

#[test]
fn sources_a_workflow_state_or_level_citing_a_clause_the_notice_lacks_is_refused() {
    let s = Shine::new().workflow_edit(|t| t.replace("clause: \"§3.3\"", "clause: \"§3.5\""));
    s.args(["workflow", "check"]).fails().stderr_contains("通知中没有条款 §3.5").stderr_contains("quarter.ron");
    let s = Shine::new().escalation_edit(|t| t.replace("clause: \"§4.3.c\"", "clause: \"§4.4\""));
    s.args(["workflow", "check"]).fails().stderr_contains("通知中没有条款 §4.4").stderr_contains("escalation.ron");
}

// ---- citations shown -------------------------------------------------------------------------

#[test]
fn sources_explain_and_rules_list_say_whose_words_each_rule_is() {
    let s = Shine::new();
    s.branch("b1", &members(2)).life(&[("m01", "2026-10-10", "unexcused"), ("m01", "2026-11-10", "unexcused")]);
    s.open_with_meeting("b1");
    let out = s.args(["explain", "m01"]).ok();
    assert!(out.contains("通知原文 §3.4.x8"), "{out}");
    let e = s.explain("m01");
    assert_eq!(exclusion(&e, "x8")["rule"]["attribution"]["kind"], "notice");
    let list = s.args(["rules", "list"]).ok();
    let line = |name: &str| list.lines().find(|l| l.contains(&format!(" {name} "))).unwrap_or_else(|| panic!("{name}: {list}")).to_owned();
    assert!(line("cap").contains("本校实施细则"), "{list}");
    assert!(line("voter").contains("党章"), "{list}");
    assert!(line("x8").contains("通知原文"), "{list}");
}

#[test]
fn sources_a_voter_refused_sees_the_rule_labelled_with_the_party_constitution() {
    let s = Shine::new();
    let roster = [crate::support::m("m01"), crate::support::m("m02"), crate::support::m("m03").probationary()];
    s.branch("b1", &roster);
    s.open("b1");
    s.all_to_voting("b1", &roster);
    // No code for the probationary member; why, as `explain` says it, cites the constitution.
    assert_eq!(crate::support::received(&s.args(["ballot", "codes", "--branch", "b1"]).json()), ["m01", "m02"]);
    assert!(s.args(["explain", "m03"]).ok().contains("党章（落实 §3.4）"));
}

// ---- §7: every clause traced -------------------------------------------------------------------

#[test]
fn sources_every_clause_with_something_to_implement_has_a_rule_or_step_and_a_test() {
    let s = Shine::new();
    let trace = clauses(&s);
    assert_eq!(trace["unimplemented"], serde_json::json!([]), "clauses no rule or workflow step implements");
    assert_eq!(trace["untested"], serde_json::json!([]), "clauses no test is named after");
    for c in trace["clauses"].as_array().expect("clauses") {
        if c["context"] == false {
            assert!(!c["tests"].as_array().expect("tests").is_empty(), "{}", c["id"]);
        }
    }
    // The trace names this very test's neighbours under their clause.
    let x8 = clause(&trace, "§3.4.x8");
    assert!(x8["rules"].to_string().contains("\"x8\""), "{x8}");
    assert!(x8["tests"].to_string().contains("s3_4_x8_two_consecutive_unexcused_absences_exclude"), "{x8}");
    let a = clause(&trace, "§4.2.a");
    assert!(a["workflow"].to_string().contains("report_meeting") || a["workflow"].to_string().contains("reporting"), "{a}");
    let human = s.args(["clauses"]).ok();
    assert!(human.contains("§3.4.x8") && human.contains("规则：x8（通知原文 §3.4.x8"), "{human}");
    assert!(human.contains("背景条款"), "{human}");
}

// ---- tests named after the clauses they check -------------------------------------------------

fn finding(s: &Shine, member: &str, clause: &str, extra: &[&str]) {
    let mut args = vec!["finding", "add", "--member", member, "--clause", clause, "--date", "2026-11-01", "--evidence", "党委会议纪要"];
    args.extend_from_slice(extra);
    s.args(args).ok();
}

/// A member with a recorded finding under `rule` a month before the meeting cannot be
/// selected, citing the clause; the member without one can.
fn finding_excludes(rule: &str, extra: &[&str]) {
    let s = Shine::new();
    s.branch("b1", &members(2));
    finding(&s, "m01", rule, extra);
    s.open_with_meeting("b1");
    let e = s.explain("m01");
    let d = exclusion(&e, rule);
    assert_eq!(d["rule"]["clause"], format!("§3.4.{rule}"));
    assert_eq!(d["rule"]["attribution"]["kind"], "notice");
    assert!(!s.exclusions("m02").contains(&rule.to_owned()), "{rule}: m02 has no finding");
}

#[test]
fn s3_4_x1_a_recorded_refusal_to_carry_out_decisions_excludes() {
    finding_excludes("x1", &[]);
}

#[test]
fn s3_4_x2_a_recorded_skip_level_petition_excludes() {
    finding_excludes("x2", &[]);
}

#[test]
fn s3_4_x3_a_member_under_investigation_cannot_be_selected() {
    finding_excludes("x3", &["--open"]);
}

#[test]
fn s3_4_x4_a_recorded_cult_activity_excludes() {
    finding_excludes("x4", &[]);
}

#[test]
fn s3_4_x5_a_recorded_desertion_in_an_emergency_excludes() {
    finding_excludes("x5", &[]);
}

#[test]
fn s3_4_x6_a_recorded_negligence_excludes() {
    finding_excludes("x6", &[]);
}

#[test]
fn s3_4_x7_recorded_poor_morality_excludes() {
    finding_excludes("x7", &[]);
}

#[test]
fn s3_4_x8_two_consecutive_unexcused_absences_exclude() {
    let s = Shine::new();
    s.branch("b1", &members(2)).life(&[
        ("m01", "2026-09-10", "present"),
        ("m01", "2026-10-10", "unexcused"),
        ("m01", "2026-11-10", "unexcused"),
        ("m02", "2026-09-10", "present"),
        ("m02", "2026-10-10", "unexcused"),
        ("m02", "2026-11-10", "present"),
    ]);
    s.open_with_meeting("b1");
    assert_eq!(exclusion(&s.explain("m01"), "x8")["rule"]["clause"], "§3.4.x8");
    assert!(!s.exclusions("m02").contains(&"x8".to_owned()), "one absence is not two in a row");
}

#[test]
fn s3_4_x9_an_unexcused_absence_from_the_special_meeting_excludes() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    s.open("b1");
    for who in ["m01", "m02"] {
        s.args(["deed", "add", "--member", who, "--kind", "带头服务群众", "--text", "义务辅导", "--date", "2026-11-01"]).ok();
    }
    s.advance("b1");
    s.args(["meeting", "report", "--branch", "b1", "--date", MEETING]).at(crate::support::REPORTED).ok();
    s.advance("b1");
    s.args(["meeting", "attend", "--status", "unexcused", "m01"]).ok();
    s.args(["meeting", "attend", "--status", "present", "m02"]).ok();
    assert_eq!(exclusion(&s.explain("m01"), "x9")["rule"]["clause"], "§3.4.x9");
}

#[test]
fn s3_3_the_secretary_comments_on_each_member_present_before_the_recommendation() {
    let s = Shine::new();
    let roster = members(3);
    s.branch("b1", &roster);
    s.open("b1");
    s.to_commentary("b1", &roster, &["m01", "m02"]);
    // Everyone present commented on: the vote may begin.
    assert_eq!(s.advance("b1")["to"]["id"], "voting");

    let s = Shine::new();
    s.branch("b1", &roster);
    s.open("b1");
    s.args(["deed", "add", "--member", "m01", "--kind", "带头服务群众", "--text", "义务辅导", "--date", "2026-11-01"]).ok();
    s.advance("b1");
    s.args(["meeting", "report", "--branch", "b1", "--date", MEETING]).at(crate::support::REPORTED).ok();
    s.advance("b1");
    s.args(["meeting", "attend", "--status", "present", "m01", "m02", "m03"]).ok();
    s.advance("b1");
    s.args(["present", "m01", "m02", "m03"]).ok();
    s.advance("b1");
    s.args(["comment", "--member", "m01", "--text", "立足岗位，表现突出"]).ok();
    s.args(["comment", "--member", "m02", "--text", "服务师生，积极主动"]).ok();
    let err = s.advancing("b1").fails_json();
    let failed = err["failed"].as_array().expect("failed");
    let commented = failed.iter().find(|d| d["rule"]["name"] == "all_commented").unwrap_or_else(|| panic!("{err}"));
    assert_eq!(commented["rule"]["clause"], "§3.3");
    assert!(commented.to_string().contains("m03"), "the one not commented on is named: {commented}");
    assert_eq!(s.state("b1"), "commentary");
    s.args(["comment", "--member", "m03", "--text", "带头学习，认真踏实"]).ok();
    assert_eq!(s.advance("b1")["to"]["id"], "voting");
}
