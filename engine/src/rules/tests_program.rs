//! The typed program at work: rule sets without the optional rules, the presenter
//! rule (§3.2), a load with nothing to load, and typed witnesses (enum labels, the
//! elements behind an aggregate and how many a cut list leaves out).

use super::tests::{life, load_err, load_with, member, shipped, shipped_files, world};
use super::*;

#[test]
fn a_rule_set_without_prefer_or_cap_judges_neither() {
    let files = shipped_files()
        .into_iter()
        .map(|mut f| {
            if f.name.ends_with("recommendation.shine") {
                let keep: Vec<&str> = f.text.split("\n\n").filter(|p| !p.contains("\nprefer ") && !p.contains("\ncap ")).collect();
                f.text = keep.join("\n\n");
            }
            f
        })
        .collect();
    let r = RuleSet::load(files).unwrap_or_else(|e| panic!("{e}"));
    let m = member();
    let w = world(vec![m.clone()]);
    let j = r.judge(w.scope(), 3, &m);
    assert!(j.preferred.is_none() && j.capped.is_none(), "{j:?}");
    assert!(r.cap(w.scope(), 3).is_none());
    let s = r.standing(w.scope(), 3, &m, false);
    assert!(s.voter && s.candidate && !s.preferred && !s.capped);
}

#[test]
fn a_load_without_files_names_the_missing_quota() {
    let e = RuleSet::load(Vec::new()).expect_err("nothing to load");
    assert_eq!(e.errors.iter().map(|x| x.problem.clone()).collect::<Vec<_>>(), vec![RuleProblem::MissingRule { rule: RuleKind::Quota }]);
}

#[test]
fn s3_2_only_a_member_recorded_present_may_present() {
    let r = shipped();
    let mut m = member();
    let w = world(vec![m.clone()]);
    let d = r.presenter(w.scope(), &m).expect("the shipped rules have a presenter rule");
    assert!(d.value && d.rule.clause == "§3.2", "{d:?}");
    for absent in [Some("excused"), Some("unexcused"), None] {
        m.meeting = absent.map(Into::into);
        assert_eq!(r.presenter(w.scope(), &m).map(|d| d.value), Some(false), "{absent:?}");
    }
}

#[test]
fn s3_2_without_a_presenter_rule_anyone_may_present() {
    let files = shipped_files()
        .into_iter()
        .map(|mut f| {
            f.text = f.text.lines().filter(|l| !l.starts_with("presenter ")).collect::<Vec<_>>().join("\n");
            f
        })
        .collect();
    let r = RuleSet::load(files).unwrap_or_else(|e| panic!("{e}"));
    let m = member();
    assert!(r.presenter(world(vec![m.clone()]).scope(), &m).is_none());
}

#[test]
fn s3_2_a_second_presenter_rule_is_refused() {
    let e = load_err("presenter §3.2 \"t\" when member.full\n");
    assert!(e.contains("MoreThanOneRule { rule: Presenter }"), "{e}");
    let e = load_with(shipped_files().into_iter().map(|mut f| {
        f.text = f.text.lines().filter(|l| !l.starts_with("presenter ")).collect::<Vec<_>>().join("\n");
        f
    }).collect(), "rules/bad.shine", "presenter §3.2 \"t\" when not excluded\n").expect_err("`excluded` is the candidate rule's");
    assert!(e.contains("ExcludedOutsideCandidate"), "{e}");
}

#[test]
fn x9_witnesses_carry_the_enum_label_and_a_cut_list_says_how_many_are_left_out() {
    let r = shipped();
    let mut m = member();
    m.meeting = Some("unexcused".into());
    m.life = (1..=12).map(|i| life(&format!("2026-{:02}-01", (i % 9) + 1), "unexcused")).collect();
    m.life.sort_by_key(|l| l.date);
    let w = world(vec![m.clone()]);
    let j = r.judge(w.scope(), 1, &m);
    let x9 = j.excluded.iter().find(|d| d.rule.name == "x9").expect("x9 fired");
    let meeting = x9.witnesses.iter().find(|w| w.expr == "member.meeting").map(|w| &w.value);
    assert_eq!(meeting, Some(&Value::Enum { name: "unexcused".into(), label: Some("无故缺席".into()) }));
    let x8 = j.excluded.iter().find(|d| d.rule.name == "x8").expect("x8 fired");
    let cut = x8.witnesses.iter().find_map(|w| match &w.value {
        Value::Elements(e) => Some(e),
        _ => None,
    });
    let cut = cut.expect("the absences behind x8");
    assert!(cut.items.len() < cut.total && cut.left_out() == cut.total - cut.items.len(), "{cut:?}");
}
