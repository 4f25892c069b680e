//! Unit tests, named after the clause they check. They load the shipped rules from
//! the repository's `rules/` directory.

use super::*;
use crate::facts::{BranchFacts, Deed, Finding, LifeRecord, MeetingFacts, MemberFacts, QuarterFacts};
use chrono::NaiveDate;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

pub(super) fn shipped_files() -> Vec<SourceFile> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("rules dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "shine"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| SourceFile {
            name: format!("rules/{}", p.file_name().and_then(|n| n.to_str()).unwrap_or("")),
            text: std::fs::read_to_string(&p).expect("rule file"),
        })
        .collect()
}

fn shipped() -> RuleSet {
    match RuleSet::load(shipped_files()) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

fn member() -> MemberFacts {
    MemberFacts {
        id: "m1".into(),
        name: "张三".into(),
        identity: "教师".into(),
        role: "ordinary".into(),
        full: true,
        mobile: false,
        last_report: None,
        life: Vec::new(),
        findings: Vec::new(),
        deeds: vec![Deed { kind: "带头服务群众".into(), text: "义务辅导".into(), date: d("2026-08-01") }],
        no_deed_reason: None,
        meeting: Some("present".into()),
        presented: true,
        commented: true,
    }
}

struct World {
    branch: BranchFacts,
    meeting: MeetingFacts,
    quarter: QuarterFacts,
}

fn world(members: Vec<MemberFacts>) -> World {
    World {
        branch: BranchFacts { id: "b".into(), name: "计算机支部".into(), members },
        meeting: MeetingFacts { date: d("2026-09-30"), reported: true, activists: 1, observers: 0, delegate: true, ballots: 10, round: 1 },
        quarter: QuarterFacts { id: "2026Q3".into(), start: d("2026-07-01"), end: d("2026-09-30") },
    }
}

impl World {
    fn scope(&self) -> Scope<'_> {
        Scope { branch: &self.branch, meeting: &self.meeting, quarter: &self.quarter }
    }
}

/// The names of the exclusions that fire, by both paths (which must agree).
fn fired(rules: &RuleSet, m: &MemberFacts) -> Vec<String> {
    let w = world(vec![m.clone()]);
    let p = rules.prepare(w.scope());
    let mask = p.exclusion_mask(m);
    let by_mask: Vec<String> = rules.exclusions().iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, r)| r.name.clone()).collect();
    let j = rules.judge(w.scope(), 1, m);
    let by_trace: Vec<String> = j.excluded.iter().map(|d| d.rule.name.clone()).collect();
    assert_eq!(by_mask, by_trace, "fast path and trace disagree");
    assert_eq!(p.is_excluded(m), mask != 0);
    by_mask
}

fn life(date: &str, status: &str) -> LifeRecord {
    LifeRecord { date: d(date), status: status.into() }
}

fn finding(clause: &str, date: &str) -> Finding {
    Finding { clause: clause.into(), date: d(date), evidence: "记录".into(), open: false, until: None }
}

#[test]
fn a_rule_set_is_shared_across_threads() {
    fn assert_traits<T: Clone + std::fmt::Debug + Send + Sync>() {}
    assert_traits::<RuleSet>();
}

#[test]
fn shipped_rules_load() {
    let r = shipped();
    assert_eq!(r.exclusions().len(), 9);
    assert_eq!(r.tie_policy(), TiePolicy::Runoff);
    assert!(r.has_guard("meeting_reported") && r.has_guard("attendance_recorded") && r.has_guard("all_commented") && r.has_guard("ballots_recorded"));
    assert_eq!(r.field_enum("member", "identity").map(|e| e.name.as_str()), Some("identity"));
    assert_eq!(r.field_enum("deed", "kind").map(|e| e.name.as_str()), Some("deed_kind"));
    assert_eq!(r.rule("x8").map(|x| x.clause.as_str()), Some("§3.4.x8"));
    assert_eq!(r.hash().len(), 64);
}

#[test]
fn a_member_in_good_standing_is_not_excluded() {
    assert!(fired(&shipped(), &member()).is_empty());
}

macro_rules! finding_clause_tests {
    ($($fires:ident, $old:ident, $later:ident: $x:literal;)*) => {$(
        #[test]
        fn $fires() {
            let mut m = member();
            m.findings.push(finding($x, "2025-10-01"));
            assert_eq!(fired(&shipped(), &m), vec![$x.to_string()]);
        }
        #[test]
        fn $old() {
            let mut m = member();
            m.findings.push(finding($x, "2025-09-30"));
            assert!(fired(&shipped(), &m).is_empty());
        }
        #[test]
        fn $later() {
            let mut m = member();
            m.findings.push(finding($x, "2026-10-01"));
            assert!(fired(&shipped(), &m).is_empty());
        }
    )*};
}

finding_clause_tests! {
    x1_finding_within_twelve_months_excludes, x1_finding_twelve_months_old_is_spent, x1_finding_after_the_meeting_does_not_count: "x1";
    x2_finding_within_twelve_months_excludes, x2_finding_twelve_months_old_is_spent, x2_finding_after_the_meeting_does_not_count: "x2";
    x4_finding_within_twelve_months_excludes, x4_finding_twelve_months_old_is_spent, x4_finding_after_the_meeting_does_not_count: "x4";
    x5_finding_within_twelve_months_excludes, x5_finding_twelve_months_old_is_spent, x5_finding_after_the_meeting_does_not_count: "x5";
    x6_finding_within_twelve_months_excludes, x6_finding_twelve_months_old_is_spent, x6_finding_after_the_meeting_does_not_count: "x6";
    x7_finding_within_twelve_months_excludes, x7_finding_twelve_months_old_is_spent, x7_finding_after_the_meeting_does_not_count: "x7";
}

#[test]
fn x1_finding_for_another_clause_does_not_count() {
    let mut m = member();
    m.findings.push(finding("x2", "2026-01-01"));
    assert_eq!(fired(&shipped(), &m), vec!["x2".to_string()]);
}

#[test]
fn x3_discipline_ending_after_meeting_excludes() {
    let mut m = member();
    let mut f = finding("x3", "2024-01-01");
    f.until = Some(d("2026-10-01"));
    m.findings.push(f);
    assert_eq!(fired(&shipped(), &m), vec!["x3".to_string()]);
}

#[test]
fn x3_discipline_ended_before_meeting_does_not() {
    let mut m = member();
    let mut f = finding("x3", "2024-01-01");
    f.until = Some(d("2026-09-30"));
    m.findings.push(f);
    assert!(fired(&shipped(), &m).is_empty());
}

#[test]
fn x3_open_investigation_excludes() {
    let mut m = member();
    let mut f = finding("x3", "2023-01-01");
    f.open = true;
    m.findings.push(f);
    assert_eq!(fired(&shipped(), &m), vec!["x3".to_string()]);
}

#[test]
fn x3_closed_finding_without_discipline_does_not() {
    let mut m = member();
    m.findings.push(finding("x3", "2026-09-01"));
    assert!(fired(&shipped(), &m).is_empty());
}

#[test]
fn x8_two_consecutive_unexcused_absences_exclude() {
    let mut m = member();
    m.life = vec![life("2026-06-01", "present"), life("2026-07-01", "unexcused"), life("2026-08-01", "unexcused"), life("2026-09-01", "present")];
    assert_eq!(fired(&shipped(), &m), vec!["x8".to_string()]);
}

#[test]
fn x8_an_excused_absence_breaks_the_run() {
    let mut m = member();
    m.life = vec![life("2026-07-01", "unexcused"), life("2026-08-01", "excused"), life("2026-09-01", "unexcused")];
    assert!(fired(&shipped(), &m).is_empty());
}

#[test]
fn x8_three_unexcused_within_twelve_months_exclude() {
    let mut m = member();
    m.life = vec![
        life("2025-10-01", "unexcused"),
        life("2025-11-01", "present"),
        life("2026-03-01", "unexcused"),
        life("2026-04-01", "present"),
        life("2026-09-30", "unexcused"),
    ];
    assert_eq!(fired(&shipped(), &m), vec!["x8".to_string()]);
}

#[test]
fn x8_third_absence_thirteen_months_ago_does_not_count() {
    let mut m = member();
    m.life = vec![
        life("2025-08-30", "unexcused"),
        life("2025-11-01", "present"),
        life("2026-03-01", "unexcused"),
        life("2026-04-01", "present"),
        life("2026-09-01", "unexcused"),
    ];
    assert!(fired(&shipped(), &m).is_empty());
}

#[test]
fn x8_mobile_member_three_months_without_report() {
    let mut m = member();
    m.mobile = true;
    m.last_report = Some(d("2026-06-30"));
    assert_eq!(fired(&shipped(), &m), vec!["x8".to_string()]);
    m.last_report = Some(d("2026-07-01"));
    assert!(fired(&shipped(), &m).is_empty());
    m.last_report = None;
    assert_eq!(fired(&shipped(), &m), vec!["x8".to_string()]);
    m.mobile = false;
    assert!(fired(&shipped(), &m).is_empty());
}

#[test]
fn x9_unexcused_absence_from_the_special_meeting_excludes() {
    let mut m = member();
    m.meeting = Some("unexcused".into());
    assert_eq!(fired(&shipped(), &m), vec!["x9".to_string()]);
    m.meeting = Some("excused".into());
    assert!(fired(&shipped(), &m).is_empty());
}

#[test]
fn x9_no_deed_without_valid_reason_excludes() {
    let mut m = member();
    m.deeds.clear();
    assert_eq!(fired(&shipped(), &m), vec!["x9".to_string()]);
    m.no_deed_reason = Some("长期病假".into());
    assert!(fired(&shipped(), &m).is_empty());
}

#[test]
fn x9_no_presentation_excludes() {
    let mut m = member();
    m.presented = false;
    assert_eq!(fired(&shipped(), &m), vec!["x9".to_string()]);
}

#[test]
fn quota_is_fifteen_percent_floored_with_minimum_one() {
    let r = shipped();
    for n in 1..=40usize {
        let w = world(vec![member(); n]);
        let q = r.quota(w.scope());
        let want = std::cmp::max(1, (n as i64 * 15) / 100);
        assert_eq!(q.value, want, "{n} members");
    }
    let w = world(vec![member(); 20]);
    let q = r.quota(w.scope());
    assert_eq!(q.value, 3);
    assert!(q.witnesses.iter().any(|w| w.expr == "branch.member_count" && w.value == Value::Int(20)), "{:?}", q.witnesses);
    assert!(q.witnesses.iter().any(|w| w.expr == "floor(branch.member_count * 15%)" && w.value == Value::Int(3)), "{:?}", q.witnesses);
}

#[test]
fn quota_follows_an_edited_rule_file() {
    let files: Vec<SourceFile> = shipped_files()
        .into_iter()
        .map(|mut f| {
            f.text = f.text.replace("* 15%", "* 20%");
            f
        })
        .collect();
    let r = RuleSet::load(files).expect("edited rules load");
    let w = world(vec![member(); 20]);
    assert_eq!(r.quota(w.scope()).value, 4);
    assert_ne!(r.hash(), shipped().hash());
}

#[test]
fn quorum_needs_more_than_half_of_the_full_members() {
    let r = shipped();
    let mut ms = vec![member(); 4];
    ms[0].meeting = Some("excused".into());
    ms[1].meeting = Some("unexcused".into());
    // Two of four present: exactly half is not enough.
    assert!(!r.quorum(world(ms.clone()).scope()).value);
    ms[1].meeting = Some("present".into());
    assert!(r.quorum(world(ms.clone()).scope()).value);
    // Probationary members neither count nor help.
    ms.push(MemberFacts { full: false, ..member() });
    ms.push(MemberFacts { full: false, ..member() });
    assert!(r.quorum(world(ms).scope()).value);
}

#[test]
fn cap_is_a_third_of_the_quota_rounded_up() {
    let r = shipped();
    let w = world(vec![member(); 20]);
    let cap = r.cap(w.scope(), 3).expect("cap rule");
    assert_eq!(cap.value, 1);
    assert_eq!(r.cap(w.scope(), 4).map(|c| c.value), Some(2));
}

#[test]
fn voter_candidate_prefer_and_cap_for_one_member() {
    let r = shipped();
    let mut m = member();
    let w = world(vec![m.clone()]);
    let j = r.judge(w.scope(), 3, &m);
    let (preferred, capped) = (j.preferred.as_ref().map(|d| d.value), j.capped.as_ref().map(|d| d.value));
    assert!(j.voter.value && j.candidate.value && preferred == Some(true) && capped == Some(false));
    m.full = false;
    m.role = "secretary".into();
    m.presented = false;
    let j = r.judge(w.scope(), 3, &m);
    let (preferred, capped) = (j.preferred.as_ref().map(|d| d.value), j.capped.as_ref().map(|d| d.value));
    assert!(!j.voter.value && !j.candidate.value && preferred == Some(false) && capped == Some(true));
    assert!(j.candidate.witnesses.iter().any(|w| w.expr == "excluded" && w.value == Value::Bool(true)));
}

#[test]
fn guards_of_the_shipped_rules() {
    let r = shipped();
    let mut ms = vec![member(); 3];
    let w = world(ms.clone());
    assert_eq!(r.guard("meeting_reported", w.scope()).map(|g| g.value), Some(true));
    assert_eq!(r.guard("attendance_recorded", w.scope()).map(|g| g.value), Some(true));
    assert_eq!(r.guard("all_commented", w.scope()).map(|g| g.value), Some(true));
    assert_eq!(r.guard("ballots_recorded", w.scope()).map(|g| g.value), Some(true));
    ms[1].meeting = None;
    ms[2].commented = false;
    let w = world(ms);
    assert_eq!(r.guard("attendance_recorded", w.scope()).map(|g| g.value), Some(false));
    assert_eq!(r.guard("all_commented", w.scope()).map(|g| g.value), Some(false));
    assert!(r.guard("no_such_guard", w.scope()).is_none());
}

#[test]
fn x8_witnesses_show_the_values_that_decided() {
    let r = shipped();
    let mut m = member();
    m.life = vec![life("2026-07-01", "unexcused"), life("2026-08-01", "unexcused")];
    let w = world(vec![m.clone()]);
    let j = r.judge(w.scope(), 1, &m);
    let x8 = j.excluded.iter().find(|d| d.rule.name == "x8").expect("x8 fired");
    let get = |e: &str| x8.witnesses.iter().find(|w| w.expr == e).map(|w| w.value.clone());
    assert_eq!(get("meeting.date"), Some(Value::Date(d("2026-09-30"))));
    assert_eq!(get("meeting.date - 12 months"), Some(Value::Date(d("2025-09-30"))));
    assert_eq!(get("member.mobile"), None, "or short-circuits once x8 is decided");
    assert!(x8.witnesses.iter().any(|w| w.expr.starts_with("streak(") && w.value == Value::Int(2)));
    // The absences that made the streak, as data: each record's date and status, the
    // status with the label the rules declare.
    let lists: Vec<&Elements> = x8.witnesses.iter().filter(|w| w.expr.starts_with("streak(")).filter_map(|w| match &w.value {
        Value::Elements(e) => Some(e),
        _ => None,
    }).collect();
    let [absences] = lists.as_slice() else { panic!("one list of elements behind the streak: {:?}", x8.witnesses) };
    assert_eq!((absences.role, absences.total, absences.left_out()), (ElementRole::Matching, 2, 0));
    let status = ElementField { name: "status".into(), value: Value::Enum { name: "unexcused".into(), label: Some("无故缺席".into()) } };
    let first = ElementSummary { fields: vec![ElementField { name: "date".into(), value: Value::Date(d("2026-07-01")) }, status] };
    assert_eq!(absences.items.first(), Some(&first));
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

#[test]
fn chinese_identifiers_and_rare_characters_round_trip() {
    let mut files = shipped_files();
    files.push(SourceFile {
        name: "rules/extra.shine".into(),
        text: "enum 类别 \"𠀀类\" { 教师, 学生 }\nguard 已报告 §4.2.a \"𠀀 罕见字 “引号”\" when meeting.reported\n".into(),
    });
    let r = RuleSet::load(files).expect("loads");
    assert!(r.has_guard("已报告"));
    assert_eq!(r.rule("已报告").map(|g| g.text.as_str()), Some("𠀀 罕见字 “引号”"));
    assert_eq!(r.enum_decl("类别").and_then(|e| e.label.as_deref()), Some("𠀀类"));
    assert_eq!(r.enum_decl("类别").map(|e| e.variants[0].name.as_str()), Some("教师"));
}

/// `files` and one more file `name` holding `extra`, loaded; errors in their stable
/// text form, one a line (`file:line:col: Problem { … }`).
pub(super) fn load_with(mut files: Vec<SourceFile>, name: &str, extra: &str) -> Result<RuleSet, String> {
    files.push(SourceFile { name: name.into(), text: extra.into() });
    RuleSet::load(files).map_err(|e| e.to_string())
}

pub(super) fn load_err(extra: &str) -> String {
    load_with(shipped_files(), "rules/bad.shine", extra).expect_err("expected an error")
}

/// The problem found at `position` in `files`, which must fail to load.
fn problem_at(files: Vec<SourceFile>, position: &str) -> RuleProblem {
    let e = RuleSet::load(files).expect_err("expected an error");
    match e.errors.iter().find(|x| x.place.position() == position) {
        Some(x) => x.problem.clone(),
        None => panic!("no error at {position}:\n{e}"),
    }
}

/// The problem at `position` of the shipped rules with `extra` as `rules/bad.shine`.
fn bad_at(extra: &str, position: &str) -> RuleProblem {
    let mut files = shipped_files();
    files.push(SourceFile { name: "rules/bad.shine".into(), text: extra.into() });
    problem_at(files, position)
}

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

fn ty(base: BaseType) -> ValueType {
    ValueType { base, optional: false }
}

#[test]
fn errors_point_at_the_offending_text() {
    assert_eq!(bad_at("guard g §1 \"t\" when member.full\n", "rules/bad.shine:1:21"), RuleProblem::MemberInBranchRule);
    let member_fields = names(&["name", "identity", "role", "full", "mobile", "last_report", "life", "findings", "deeds", "no_deed_reason", "meeting", "presented", "commented"]);
    assert_eq!(
        bad_at("exclude y §1 \"中文\" when member.lfe", "rules/bad.shine:1:31"),
        RuleProblem::UnknownField {
            of: "member".into(),
            record: "member".into(),
            field: "lfe".into(),
            choices: Choices { closest: Some("life".into()), names: member_fields },
        }
    );
    assert_eq!(
        bad_at("exclude y §1 \"t\" when member.full >= 2", "rules/bad.shine:1:23"),
        RuleProblem::CannotCompare { left: "member.full".into(), left_type: ty(BaseType::Bool), right: "2".into(), right_type: ty(BaseType::Int) }
    );
    assert_eq!(
        bad_at("exclude y §1 \"t\" when member.meeting == presnt", "rules/bad.shine:1:41"),
        RuleProblem::UnknownVariant {
            name: "presnt".into(),
            enum_name: "attendance".into(),
            choices: Choices { closest: Some("present".into()), names: names(&["present", "excused", "unexcused"]) },
        }
    );
    assert_eq!(bad_at("exclude x8 §1 \"t\" when true", "rules/bad.shine:1:9"), RuleProblem::DuplicateRule { rule: RuleKind::Exclude, name: "x8".into() });
}

#[test]
fn an_unknown_name_lists_the_names_the_rule_can_read() {
    assert_eq!(
        bad_at("exclude y §1 \"t\" when menber.full", "rules/bad.shine:1:23"),
        RuleProblem::UnknownName { name: "menber".into(), choices: Choices { closest: Some("member".into()), names: names(&["member", "branch", "meeting", "quarter"]) } }
    );
    // A branch-level rule cannot read `member`, so it is not offered.
    assert_eq!(
        bad_at("guard g §1 \"t\" when any(m in branch.members: mm.full)", "rules/bad.shine:1:46"),
        RuleProblem::UnknownName { name: "mm".into(), choices: Choices { closest: Some("m".into()), names: names(&["branch", "meeting", "quarter", "m"]) } }
    );
}

#[test]
fn a_rule_error_serializes_as_its_place_and_a_tagged_problem() {
    let mut files = shipped_files();
    files.push(SourceFile { name: "rules/bad.shine".into(), text: "exclude y §1 \"中文\" when member.lfe".into() });
    let e = RuleSet::load(files).expect_err("unknown field");
    let v = serde_json::to_value(&e.errors[0]).expect("json");
    assert_eq!((v["file"].as_str(), v["line"].as_u64(), v["col"].as_u64()), (Some("rules/bad.shine"), Some(1), Some(31)));
    assert_eq!((v["span"]["start"].as_u64(), v["span"]["end"].as_u64()), (Some(35), Some(38)));
    assert_eq!(v["line_text"], "exclude y §1 \"中文\" when member.lfe");
    let p = &v["problem"];
    assert_eq!((p["kind"].as_str(), p["of"].as_str(), p["field"].as_str(), p["closest"].as_str()), (Some("unknown_field"), Some("member"), Some("lfe"), Some("life")));
    assert!(p["names"].as_array().is_some_and(|n| n.len() == 13), "{p}");
    let syntax = RuleSet::load(vec![SourceFile { name: "a.shine".into(), text: "exclud x".into() }]).expect_err("syntax");
    let v = serde_json::to_value(&syntax).expect("json");
    assert_eq!(v[0]["problem"], serde_json::json!({ "kind": "syntax", "expected": ["declaration", "rule"], "found": "exclud" }));
}

#[test]
fn a_quota_must_be_a_whole_number() {
    let files: Vec<SourceFile> = shipped_files()
        .into_iter()
        .map(|mut f| {
            f.text = f.text.replace("max(1, floor(branch.member_count * 15%))", "branch.member_count * 15%");
            f
        })
        .collect();
    let e = RuleSet::load(files).expect_err("dec quota");
    let problems: Vec<&RuleProblem> = e.errors.iter().map(|x| &x.problem).collect();
    assert_eq!(problems, [&RuleProblem::WrongType { wanted: Wanted::WholeNumber, expr: "branch.member_count * 15%".into(), found: ty(BaseType::Dec) }]);
}

#[test]
fn errors_of_every_file_are_reported() {
    let files = vec![
        SourceFile { name: "a.shine".into(), text: "quota §1 \"t\" = \n".into() },
        SourceFile { name: "b.shine".into(), text: "exclude §1 \"t\" when true\n".into() },
    ];
    let e = RuleSet::load(files).expect_err("two bad files");
    assert_eq!(e.errors.len(), 2, "{e}");
}

#[test]
fn a_field_the_engine_lacks_is_refused_at_its_declaration() {
    let files = || -> Vec<SourceFile> {
        shipped_files()
            .into_iter()
            .map(|mut f| {
                f.text = f.text.replace("commented: bool,", "commented: bool, 籍贯: text, full2: int,").replace("presented: bool,", "presented: int,");
                f
            })
            .collect()
    };
    let text = files().into_iter().find(|f| f.name == "rules/facts.shine").map(|f| f.text).expect("facts.shine");
    let at = |needle: &str| {
        let offset = text.find(needle).expect("needle");
        crate::place::Place::locate("rules/facts.shine", &text, offset..offset).position()
    };
    match problem_at(files(), &at("籍贯")) {
        RuleProblem::FieldNotInEngine { record, field, choices } => {
            assert_eq!((record.as_str(), field.as_str(), choices.closest), ("member", "籍贯", None));
            assert!(choices.names.contains(&"commented".to_owned()), "{:?}", choices.names);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        problem_at(files(), &at("presented: int")),
        RuleProblem::FieldTypeNotInEngine { field: "presented".into(), declared: ty(BaseType::Int), engine: HostType::Bool }
    );
}

fn arb_member() -> impl Strategy<Value = MemberFacts> {
    let status = prop_oneof!["present", "excused", "unexcused"];
    let lives = proptest::collection::vec((0i64..460, status), 0..14);
    let clause = prop_oneof!["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x9"];
    let findings = proptest::collection::vec((clause, 0i64..900, any::<bool>(), proptest::option::of(0i64..900)), 0..3);
    let meeting = proptest::option::of(prop_oneof!["present", "excused", "unexcused"]);
    (lives, findings, 0usize..3, any::<bool>(), proptest::option::of(0i64..200), meeting, any::<bool>(), any::<bool>()).prop_map(
        |(lives, findings, deeds, mobile, report, meeting, presented, reason)| {
            let base = d("2026-09-30");
            let mut life: Vec<LifeRecord> = lives.into_iter().map(|(ago, s)| life_at(base, ago, &s)).collect();
            life.sort_by_key(|l| l.date);
            MemberFacts {
                mobile,
                last_report: report.map(|a| base - chrono::Duration::days(a)),
                life,
                findings: findings
                    .into_iter()
                    .map(|(c, ago, open, until)| Finding {
                        clause: c.into(),
                        date: base - chrono::Duration::days(ago - 60),
                        evidence: String::new(),
                        open,
                        until: until.map(|u| base + chrono::Duration::days(u - 450)),
                    })
                    .collect(),
                deeds: (0..deeds).map(|_| Deed { kind: "带头学习提高".into(), text: String::new(), date: base }).collect(),
                no_deed_reason: reason.then(|| "病假".to_string()),
                meeting: meeting.map(Into::into),
                presented,
                ..member()
            }
        },
    )
}

fn life_at(base: NaiveDate, ago: i64, s: &str) -> LifeRecord {
    LifeRecord { date: base - chrono::Duration::days(ago - 30), status: s.into() }
}

/// The exclusion mask the tracer's decisions amount to (bit i = `exclusions()[i]`).
fn traced_mask(r: &RuleSet, j: &MemberJudgement) -> u64 {
    j.excluded
        .iter()
        .map(|d| r.exclusions().iter().position(|x| x.name == d.rule.name).unwrap_or(63))
        .fold(0u64, |mask, i| mask | 1 << i)
}

/// The member's exclusion mask by the fast path, checked against the trace, with the
/// trace's judgement.
fn compiled_meets_trace(r: &RuleSet, m: &MemberFacts) -> Result<(u64, MemberJudgement), TestCaseError> {
    let w = world(vec![m.clone()]);
    let p = r.prepare(w.scope());
    let mask = p.exclusion_mask(m);
    let j = r.judge(w.scope(), 1, m);
    prop_assert_eq!(mask, traced_mask(r, &j));
    prop_assert_eq!(p.is_excluded(m), mask != 0);
    Ok((mask, j))
}

proptest! {
    #[test]
    fn trace_and_compiled_agree_on_random_members(m in arb_member()) {
        let (mask, j) = compiled_meets_trace(&shipped(), &m)?;
        prop_assert_eq!(j.candidate.value, mask == 0);
    }
}

/// Exclusions of other shapes than the shipped ones, so that every specialised path
/// of the fast path (fused `any` groups, date ranges with literal and hoisted bounds,
/// strict and inclusive, `!=` left as an atom, optional dates, text literals
/// compared either way, count and streak loops of every shape, member flags, `is`
/// tests and interned texts inline in `and`/`or` chains, a bare list's count as its
/// length, shared count/streak read from the memo inside nested chains, a rule's own count
/// and streak fused into one pass under a top-level `and` or `or`, with its loop chosen
/// when compiled for a date range and an interned text equal to a literal) meets the
/// trace.
const SHAPES: &str = r#"
exclude y1 §9.1 "t" when any(l in member.life: l.status == excused and l.date >= 2026-01-01 and l.date < meeting.date)
exclude y2 §9.2 "t" when any(l in member.life: l.status != present and l.date == meeting.date - 3 months)
exclude y3 §9.3 "t" when any(f in member.findings: f.until > meeting.date and f.date > quarter.start - 6 months)
exclude y4 §9.4 "t" when any(f in member.findings: "x1" != f.clause and f.date != meeting.date - 12 months and f.date < 2026-09-30)
exclude y5 §9.5 "t" when any(f in member.findings: f.date <= 2026-03-01 and f.until is none)
exclude y6 §9.6 "t" when streak(l in member.life where l.status != present: l.date > meeting.date - 6 months) >= 3
exclude y7 §9.7 "t" when count(l in member.life where l.date < quarter.start: l.status == unexcused or l.status == excused) >= 2
exclude y8 §9.8 "t" when all(l in member.life where l.date >= quarter.start - 2 months: l.status == present) and count(l in member.life) > 5
exclude y9 §9.9 "t" when any(d in member.deeds: d.date > meeting.date) or any(l in member.life: l.date > meeting.date and l.date < meeting.date)
exclude y10 §9.10 "t" when streak(l in member.life where l.date <= meeting.date and l.date >= 2025-12-01: l.status == unexcused) >= 2
exclude y11 §9.11 "t" when count(l in member.life where l.date <= meeting.date and l.date >= 2025-12-01: l.status == unexcused) >= 2
exclude y12 §9.12 "t" when member.meeting != present or member.no_deed_reason is some
exclude y13 §9.13 "t" when not member.mobile and member.last_report is some and member.meeting is none
exclude y14 §9.14 "t" when any(l in member.life: l.status == unexcused and member.mobile) or not member.presented
exclude y15 §9.15 "t" when unexcused == member.meeting or (member.last_report is none and member.presented)
exclude y16 §9.16 "t" when count(d in member.deeds) != 1 and (streak(l in member.life where l.date > quarter.start - 9 months: l.status == unexcused) >= 2 or count(l in member.life where l.date > quarter.start - 9 months: l.status == unexcused) < 2)
exclude y17 §9.17 "t" when count(f in member.findings) >= 2 or (member.mobile and count(l in member.life) < 12)
exclude y18 §9.18 "t" when count(l in member.life where l.date > quarter.start - 4 months: l.status != present) >= 1 and member.presented and streak(l in member.life where l.date > quarter.start - 4 months: l.status != present) < 3
exclude y19 §9.19 "t" when not member.mobile or count(f in member.findings where f.date <= meeting.date: f.clause == "x1" or f.open) >= 1
exclude y20 §9.20 "t" when streak(l in member.life where l.date >= 2026-01-01 and l.date < meeting.date: l.status == excused) >= 2 and count(l in member.life where l.date >= 2026-01-01 and l.date < meeting.date: l.status == excused) < 4
"#;

/// A fused `any` group keyed by clause where a clause is named by two rules and by
/// none, with the other list's rules in between (each element tries the rules its
/// value names, looked up by the value's id).
const KEYED: &str = r#"
exclude z1 §9.1 "t" when any(f in member.findings: f.clause == "x2" and f.open)
exclude z2 §9.2 "t" when any(l in member.life: l.status == unexcused)
exclude z3 §9.3 "t" when any(f in member.findings: f.clause == "x5" and f.date > meeting.date - 6 months)
exclude z4 §9.4 "t" when any(f in member.findings: f.clause == "x2" and f.until is some and f.date <= 2026-06-30)
exclude z5 §9.5 "t" when any(l in member.life: l.status == excused and l.date > quarter.start)
exclude z6 §9.6 "t" when any(f in member.findings: f.clause == "x9")
exclude z7 §9.7 "t" when any(f in member.findings: f.clause == "x1" and not f.open and f.date > meeting.date - 12 months)
"#;

fn shapes() -> RuleSet {
    with_exclusions(SHAPES)
}

fn with_exclusions(text: &str) -> RuleSet {
    let files = shipped_files()
        .into_iter()
        .map(|mut f| {
            if f.name.ends_with("exclusions.shine") {
                f.text = text.to_string();
            }
            f
        })
        .collect();
    match RuleSet::load(files) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

proptest! {
    #[test]
    fn trace_and_compiled_agree_on_every_shape(m in arb_member()) {
        for r in [shapes(), with_exclusions(KEYED)] {
            compiled_meets_trace(&r, &m)?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The batch (on several threads once it is large enough) decides every member as
    /// the member-by-member path does, in order, for the shipped rules and every shape.
    #[test]
    fn batch_agrees_with_each_member(ms in prop::collection::vec(arb_member(), 1..40), extra in 0usize..3000) {
        let n = 2 * crate::par::SEQUENTIAL_BELOW + extra;
        let batch: Vec<MemberFacts> = ms.iter().cycle().take(n).cloned().collect();
        for r in [shipped(), shapes(), with_exclusions(KEYED)] {
            let w = world(Vec::new());
            let p = r.prepare(w.scope());
            let one: Vec<u64> = batch.iter().map(|m| p.exclusion_mask(m)).collect();
            prop_assert_eq!(&p.exclusion_masks(&batch), &one);
            prop_assert_eq!(&r.exclusion_masks(w.scope(), &batch[..ms.len()]), &one[..ms.len()]);
            prop_assert_eq!(p.count_excluded(&batch), one.iter().filter(|m| **m != 0).count());
        }
    }
}

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
