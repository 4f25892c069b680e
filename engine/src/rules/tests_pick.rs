//! Unit tests of the escalation rules (§4.3.b, §4.3.d): `pick` and `publicity`, as
//! parsed and checked, with the problems they are refused with.

use super::tests::{load_err, load_with, shipped_files};
use super::*;

/// The shipped rules but for `escalation.shine`, whose names the tests reuse.
fn without_escalation() -> Vec<SourceFile> {
    shipped_files().into_iter().filter(|f| !f.name.ends_with("escalation.shine")).collect()
}

fn load(extra: &str) -> RuleSet {
    load_with(without_escalation(), "rules/picks.shine", extra).unwrap_or_else(|e| panic!("{e}"))
}

/// The errors of `extra` loaded with the shipped rules but for `escalation.shine`.
fn errors(extra: &str) -> String {
    load_with(without_escalation(), "rules/bad.shine", extra).expect_err("expected an error")
}

#[test]
fn s4_3_d_shipped_picks_in_file_order() {
    let r = RuleSet::load(shipped_files()).unwrap_or_else(|e| panic!("{e}"));
    let picks: Vec<(&str, &str, bool, PickBound)> = r.picks().iter().map(|p| (p.rule.name.as_str(), p.level.as_str(), p.each_unit, p.bound)).collect();
    assert_eq!(
        picks,
        [
            ("typical", "general_branch", false, PickBound::InPrinciple(1)),
            ("per_unit", "organization_department", true, PickBound::AtMost(1)),
            ("province", "organization_department", false, PickBound::AtMost(5)),
        ]
    );
    let org: Vec<&str> = r.picks_for("organization_department").iter().map(|p| p.rule.name.as_str()).collect();
    assert_eq!(org, ["per_unit", "province"]);
    assert!(r.picks_for("branch").is_empty());
    let typical = &r.picks()[0].rule;
    assert_eq!(typical.kind, RuleKind::Pick);
    assert_eq!(typical.clause, "§4.3.d");
    assert_eq!(typical.text, "原则上每个党总支每个季度应向学校推荐一个“闪光言行之星”典型");
    assert_eq!(typical.source, "in principle 1");
    assert_eq!(typical.location, "rules/escalation.shine:7");
    assert_eq!(r.picks()[1].rule.source, "each unit at most 1");
    assert_eq!(r.rule("province").map(|i| i.kind), Some(RuleKind::Pick));
}

#[test]
fn s4_3_b_shipped_publicity_window_is_five_working_days() {
    let r = RuleSet::load(shipped_files()).unwrap_or_else(|e| panic!("{e}"));
    let p = r.publicity().expect("a publicity rule");
    assert_eq!(p.working_days, 5);
    assert_eq!(p.rule.name, "window");
    assert_eq!(p.rule.kind, RuleKind::Publicity);
    assert_eq!(p.rule.source, "5 working days");
}

#[test]
fn s4_3_d_pick_bounds_admit() {
    assert!(PickBound::Exactly(1).admits(1) && !PickBound::Exactly(1).admits(0) && !PickBound::Exactly(1).admits(2));
    assert!(PickBound::AtMost(5).admits(0) && PickBound::AtMost(5).admits(5) && !PickBound::AtMost(5).admits(6));
    assert!(PickBound::AtLeast(2).admits(2) && !PickBound::AtLeast(2).admits(1));
    assert_eq!(serde_json::to_string(&PickBound::AtMost(5)).ok().as_deref(), Some(r#"{"at_most":5}"#));
    // 原则上推荐一名: at most one; none only with a reason.
    assert!(PickBound::InPrinciple(1).admits(0) && PickBound::InPrinciple(1).admits(1) && !PickBound::InPrinciple(1).admits(2));
    assert!(PickBound::InPrinciple(1).wants_reason(0) && !PickBound::InPrinciple(1).wants_reason(1));
    assert!(!PickBound::AtMost(1).wants_reason(0) && !PickBound::Exactly(1).wants_reason(0));
    assert_eq!(PickBound::InPrinciple(2).upper(), Some(2));
    assert_eq!(PickBound::AtLeast(2).upper(), None);
}

#[test]
fn s4_3_d_in_principle_is_written_in_the_rule_file() {
    let r = load("pick typical by general_branch §4.3.d \"t\" in principle 1\npick per by l §4.3.d \"t\" each unit in principle 2\n");
    assert_eq!(r.picks()[0].bound, PickBound::InPrinciple(1));
    assert!(r.picks()[1].each_unit);
    assert_eq!(r.picks()[1].bound, PickBound::InPrinciple(2));
}

#[test]
fn s4_3_d_exactly_one_can_become_at_most_two_and_zero_days_is_no_window() {
    let r = load("pick typical by general_branch §4.3.d \"t\" at most 2\npublicity window §4.3.b \"t\" 0 working days\n");
    assert_eq!(r.picks()[0].bound, PickBound::AtMost(2));
    assert_eq!(r.publicity().map(|p| p.working_days), Some(0));
    let r = load("pick a by l §4.3.d \"t\" each unit at least 2\n");
    assert!(r.picks()[0].each_unit);
    assert_eq!(r.picks()[0].bound, PickBound::AtLeast(2));
    assert!(r.publicity().is_none());
}

#[test]
fn bound_words_stay_names_elsewhere() {
    // `unit`, `days`, `most`, `by` are keywords only inside a pick or publicity rule.
    let r = load("guard unit §1 \"t\" when days(quarter.start, quarter.end) > 0\nguard most §1 \"t\" when branch.member_count > 0\nguard by §1 \"t\" when true\n");
    assert!(r.has_guard("unit") && r.has_guard("most") && r.has_guard("by"));
}

#[test]
fn s4_3_d_a_pick_without_a_bound_is_refused_where_it_ends() {
    assert_eq!(
        errors("pick typical by general_branch §4.3.d \"t\"\nguard g §1 \"t\" when true\n"),
        "rules/bad.shine:2:1: Syntax { expected: [PickBound], found: Some(\"guard\") }\n"
    );
}

#[test]
fn s4_3_d_a_pick_without_its_level_is_refused() {
    assert_eq!(errors("pick typical §4.3.d \"t\" exactly 1\n"), "rules/bad.shine:1:14: Syntax { expected: [By], found: Some(\"§4.3.d\") }\n");
}

#[test]
fn s4_3_d_a_negative_or_fractional_bound_is_refused() {
    assert_eq!(
        errors("pick a by l §4.3.d \"t\" at most -1\npick b by l §4.3.d \"t\" exactly 1.5\n"),
        "rules/bad.shine:1:32: NegativeBound { written: \"-1\", of: Stars }\n\
         rules/bad.shine:2:32: BoundNotWhole { written: \"1.5\", of: Stars }\n"
    );
    assert_eq!(
        errors("publicity w §4.3.b \"t\" 50% working days\n"),
        "rules/bad.shine:1:24: BoundNotWhole { written: \"50%\", of: WorkingDays }\n"
    );
}

#[test]
fn s4_3_b_a_publicity_window_without_working_days_is_refused() {
    assert_eq!(errors("publicity w §4.3.b \"t\" 5 days\n"), "rules/bad.shine:1:26: Syntax { expected: [WorkingDays], found: Some(\"days\") }\n");
}

#[test]
fn s4_3_b_a_second_publicity_window_is_refused() {
    assert_eq!(
        errors("publicity a §4.3.b \"t\" 5 working days\npublicity b §4.3.b \"t\" 3 working days\n"),
        "rules/bad.shine:2:1: MoreThanOneRule { rule: Publicity }\n"
    );
}

#[test]
fn s4_3_d_pick_names_are_unique_among_all_rules() {
    assert_eq!(
        errors("pick a by l §4.3.d \"t\" exactly 1\npick a by m §4.3.d \"t\" exactly 1\n"),
        "rules/bad.shine:2:6: DuplicateRule { rule: Pick, name: \"a\" }\n"
    );
    assert_eq!(
        errors("pick x8 by l §4.3.d \"t\" exactly 1\npublicity meeting_reported §4.3.b \"t\" 5 working days\n"),
        "rules/bad.shine:1:6: NameOfAnotherRule { name: \"x8\", rule: Pick, other: Exclude }\n\
         rules/bad.shine:2:11: NameOfAnotherRule { name: \"meeting_reported\", rule: Publicity, other: Guard }\n"
    );
    // The other way round: a guard may not take a pick's name either.
    let e = load_err("guard typical §1 \"t\" when true\n");
    assert!(e.contains("rules/bad.shine:1:7: NameOfAnotherRule { name: \"typical\", rule: Guard, other: Pick }\n"), "{e}");
}

#[test]
fn pick_and_publicity_are_reserved_so_an_unfinished_rule_ends_before_them() {
    let e = errors("guard g §1 \"t\" when\npick a by l §4.3.d \"t\" exactly 1\n");
    assert!(e.starts_with("rules/bad.shine:2:1: Syntax { expected: [Expression], found: Some(\"pick\") }\n"), "{e}");
}
