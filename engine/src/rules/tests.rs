//! Unit tests, named after the clause they check. They load the shipped rules from
//! the repository's `rules/` directory.

use super::*;
use crate::facts::{BranchFacts, Deed, Finding, LifeEntry, LifeRecord, MeetingFacts, MemberFacts, QuarterFacts, Silence};
use chrono::NaiveDate;

pub(super) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

/// The shipped rule files but the notice's clauses (`notice.shine`): the tests here
/// add rules quoting texts of their own, which the citation check would refuse; the
/// citation check has its tests in `check/cite.rs`.
pub(super) fn shipped_files() -> Vec<SourceFile> {
    cited_files().into_iter().filter(|f| !f.name.ends_with("/notice.shine")).collect()
}

/// Every shipped rule file, the notice's clauses included.
pub(super) fn cited_files() -> Vec<SourceFile> {
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

/// The shipped files, the notice's clauses included, with `edit` applied to `file`
/// (which it must change).
pub(super) fn cited_edited(file: &str, edit: impl Fn(&str) -> String) -> Vec<SourceFile> {
    let mut files = cited_files();
    let f = files.iter_mut().find(|f| f.name.ends_with(file)).expect("shipped file");
    let before = f.text.clone();
    f.text = edit(&f.text);
    assert_ne!(f.text, before, "the edit changed {file}");
    files
}

/// Every problem of files that do not load, each with its position (`file:line:col`).
pub(super) fn refused_problems(files: Vec<SourceFile>) -> Vec<(String, RuleProblem)> {
    let e = RuleSet::load(files).expect_err("refused");
    e.errors.into_iter().map(|x| (x.place.position(), x.problem)).collect()
}

pub(super) fn shipped() -> RuleSet {
    match RuleSet::load(shipped_files()) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

pub(super) fn member() -> MemberFacts {
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
        deeds: vec![Deed { form: None, kind: "带头服务群众".into(), text: "义务辅导".into(), date: d("2026-08-01") }],
        no_deed_reason: None,
        meeting: Some("present".into()),
        presented: true,
        presentation: None,
        standings: Vec::new(),
        standing: None,
        commented: true,
        silences: Vec::new(),
    }
}

pub(super) struct World {
    branch: BranchFacts,
    meeting: MeetingFacts,
    quarter: QuarterFacts,
}

pub(super) fn world(members: Vec<MemberFacts>) -> World {
    World {
        branch: BranchFacts { id: "b".into(), name: "计算机支部".into(), members, sessions: Vec::new() },
        meeting: MeetingFacts { date: d("2026-09-30"), reported: true, reported_on: Some(d("2026-09-20")), activists: 1, observers: 0, delegate: true, ballots: 10, round: 1, issued: 10, returned: 10, invalid: 0, voters: 10 },
        quarter: QuarterFacts { id: "2026Q3".into(), start: d("2026-07-01"), end: d("2026-09-30") },
    }
}

impl World {
    pub(super) fn scope(&self) -> Scope<'_> {
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

pub(super) fn life(date: &str, status: &str) -> LifeEntry {
    LifeRecord { date: d(date), status: status.into() }.into()
}

fn finding(clause: &str, date: &str) -> Finding {
    Finding { clause: clause.into(), date: d(date), evidence: "记录".into(), open: false, until: None, closed: None, closure: None }
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
            // The notice sets no look-back window: a finding counts until it is closed.
            let mut m = member();
            m.findings.push(finding($x, "2025-09-30"));
            assert_eq!(fired(&shipped(), &m), vec![$x.to_string()]);
            m.findings[0].closed = Some(d("2026-09-30"));
            assert!(fired(&shipped(), &m).is_empty(), "closed before the meeting");
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
    x1_finding_within_twelve_months_excludes, x1_finding_older_than_a_year_counts_until_closed, x1_finding_after_the_meeting_does_not_count: "x1";
    x2_finding_within_twelve_months_excludes, x2_finding_older_than_a_year_counts_until_closed, x2_finding_after_the_meeting_does_not_count: "x2";
    x4_finding_within_twelve_months_excludes, x4_finding_older_than_a_year_counts_until_closed, x4_finding_after_the_meeting_does_not_count: "x4";
    x5_finding_within_twelve_months_excludes, x5_finding_older_than_a_year_counts_until_closed, x5_finding_after_the_meeting_does_not_count: "x5";
    x6_finding_within_twelve_months_excludes, x6_finding_older_than_a_year_counts_until_closed, x6_finding_after_the_meeting_does_not_count: "x6";
    x7_finding_within_twelve_months_excludes, x7_finding_older_than_a_year_counts_until_closed, x7_finding_after_the_meeting_does_not_count: "x7";
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
        // The day before the meeting: x8 reads the sessions before it.
        life("2026-09-29", "unexcused"),
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
    // The meeting is on 2026-09-30; "一年内" starts after 2025-09-30.
    let silence = |from: &str, to: Option<&str>| Silence { away: d(from), last_report: None, from: d(from), to: to.map(d) };
    let mut m = member();
    m.silences = vec![silence("2026-06-30", None)];
    assert_eq!(fired(&shipped(), &m), vec!["x8".to_string()], "still silent, three whole months by the meeting");
    m.silences = vec![silence("2026-07-01", None)];
    assert!(fired(&shipped(), &m).is_empty());
    m.silences = vec![silence("2026-01-10", Some("2026-05-20"))];
    assert_eq!(fired(&shipped(), &m), vec!["x8".to_string()], "a silence that ended before the meeting");
    m.silences = vec![silence("2025-01-10", Some("2025-09-20"))];
    assert!(fired(&shipped(), &m).is_empty(), "older than the year");
    m.silences = vec![silence("2025-03-01", Some("2025-12-20"))];
    assert!(fired(&shipped(), &m).is_empty(), "within the year it lasted under three months");
    m.silences = vec![silence("2026-08-01", Some("2026-12-20"))];
    assert!(fired(&shipped(), &m).is_empty(), "up to the meeting it lasted under three months");
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
    assert_eq!(r.guard("meeting_reported_ahead", w.scope()).map(|g| g.value), Some(true));
    assert_eq!(r.guard("round_valid", w.scope()).map(|g| g.value), Some(true));
    ms[1].meeting = None;
    ms[2].commented = false;
    let w = world(ms);
    assert_eq!(r.guard("attendance_recorded", w.scope()).map(|g| g.value), Some(false));
    assert_eq!(r.guard("all_commented", w.scope()).map(|g| g.value), Some(false));
    assert!(r.guard("no_such_guard", w.scope()).is_none());
}

/// §4.2.a: reported before the meeting (the notice); at least one day ahead (本校实施细则).
#[test]
fn s4_2_a_the_report_comes_before_the_meeting() {
    let r = shipped();
    let guards = |reported_on: Option<&str>| {
        let mut w = world(vec![member(); 3]);
        w.meeting.reported_on = reported_on.map(d);
        let on = |g: &str| r.guard(g, w.scope()).map(|g| g.value);
        (on("meeting_reported"), on("meeting_reported_ahead"))
    };
    assert_eq!(guards(Some("2026-09-29")), (Some(true), Some(true)));
    assert_eq!(guards(Some("2026-09-30")), (Some(true), Some(false)), "the meeting day itself");
    assert_eq!(guards(Some("2026-10-05")), (Some(false), Some(false)), "after the meeting");
    assert_eq!(guards(None), (Some(false), Some(false)), "not reported");
}

/// §3.4 (本校实施细则): a round counts on more than half of the voters' ballots, never
/// more than were issued.
#[test]
fn s3_4_a_round_counts_on_enough_ballots_never_more_than_issued() {
    let r = shipped();
    let valid = |issued: i64, returned: i64, voters: i64| {
        let mut w = world(vec![member(); 3]);
        (w.meeting.issued, w.meeting.returned, w.meeting.voters) = (issued, returned, voters);
        r.guard("round_valid", w.scope()).map(|g| g.value)
    };
    assert_eq!(valid(8, 1, 8), Some(false), "one ballot of eight");
    assert_eq!(valid(8, 4, 8), Some(false), "half is not more than half");
    assert_eq!(valid(8, 5, 8), Some(true));
    assert_eq!(valid(8, 9, 8), Some(false), "more returned than issued");
}

#[test]
fn s3_4_x8_university_rule_life_recorded_names_the_sessions_without_status() {
    use crate::facts::SessionFacts;
    let r = shipped();
    let session = |date: &str, absences_only: bool, missing: i64| SessionFacts {
        date: d(date),
        kind: Some("党课".into()),
        absences_only,
        missing,
        missing_names: if missing > 0 { "张三".into() } else { String::new() },
    };
    let mut w = world(vec![member()]);
    w.branch.sessions = vec![session("2025-09-10", false, 1), session("2026-08-10", true, 1), session("2026-09-10", false, 0)];
    assert_eq!(r.guard("life_recorded", w.scope()).map(|g| g.value), Some(true), "older than the year, or absences only");
    w.branch.sessions.push(session("2026-09-20", false, 1));
    let g = r.guard("life_recorded", w.scope()).expect("guard");
    assert!(!g.value);
    let named = g.witnesses.iter().find_map(|w| match &w.value {
        Value::Elements(e) => Some(e),
        _ => None,
    });
    let named = named.unwrap_or_else(|| panic!("the failing sessions are witnesses: {:?}", g.witnesses));
    assert_eq!((named.role, named.total), (ElementRole::Failing, 1));
    let fields: Vec<&str> = named.items[0].fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(fields, ["date", "kind", "missing", "missing_names"]);
    assert_eq!(named.items[0].fields[0].value, Value::Date(d("2026-09-20")));
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
    let kind = ElementField { name: "kind".into(), value: Value::None };
    let first = ElementSummary { fields: vec![ElementField { name: "date".into(), value: Value::Date(d("2026-07-01")) }, kind, status] };
    assert_eq!(absences.items.first(), Some(&first));
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
    let member_fields = names(&["name", "identity", "role", "full", "mobile", "last_report", "life", "silences", "findings", "deeds", "no_deed_reason", "meeting", "presented", "presentation", "standings", "standing", "commented"]);
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
    assert!(p["names"].as_array().is_some_and(|n| n.len() == 17), "{p}");
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

