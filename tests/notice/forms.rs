//! The engine's views behind the printed forms: the notice's annex (基层党组织党员
//! “闪光言行之星”登记表) of a reporting unit and the roll-up the Organization Department
//! files (§4.2.b), the stars of a quarter or a year in numbers with the lean toward
//! ordinary members (§3.4), and the results over a range of quarters as the basis of
//! appraisal (§4.2.c), sensitive exclusions withheld from those the workflow does not
//! let see them. Quarters run through the binary; the views are read through the
//! engine (`Shine::engine`), as the exports read them.

use crate::chain::{chain, pulled_and_published, run_quarter, AFTER_WINDOW};
use crate::support::{date, m, Shine, M, QUARTER};
use shine_engine::domain::{Period, Quarter, UnitId};
use shine_engine::ops::appraisal::AppraisalSubject;
use shine_engine::ops::overview::Stage;
use shine_engine::refusal::{Hint, Kind, Refusal};
use shine_engine::rules::Attribution;
use shine_engine::workflow::Disclosed;
use std::ffi::OsStr;

fn q(text: &str) -> Quarter {
    text.parse().expect("a quarter")
}

fn today() -> chrono::NaiveDate {
    date("2026-12-10")
}

/// Seven members `<branch>m1`…`m7`, teachers and ordinary members but the first, who
/// has `identity` and `role`: the star (in [`run_quarter`] everyone votes for them).
fn seven(branch: &str, identity: &str, role: &str) -> Vec<M> {
    let first = m(&format!("{branch}m1")).identity(identity).role(role);
    std::iter::once(first).chain((2..=7).map(|i| m(&format!("{branch}m{i}")))).collect()
}

fn rosters() -> Vec<(&'static str, Vec<M>)> {
    vec![("b1", seven("b1", "机关", "ordinary")), ("b2", seven("b2", "后勤", "committee")), ("b3", seven("b3", "教师", "ordinary")), ("d1", seven("d1", "学生", "ordinary"))]
}

/// 示范大学党委 `c`: general branch `g1` (branches `b1`, `b2`), general branch `g2`
/// (branch `b3`), directly affiliated branch `d1`. The stars-to-be: `b1m1` works in an
/// office (机关), `b2m1` in logistics (后勤) and sits on the branch committee, `d1m1` is
/// a student. The branches in `run` run 2026Q4 to `reported`; the others are only
/// imported.
fn university(s: &Shine, run: &[&str]) {
    for (id, name, kind, parent) in [
        ("c", "示范大学党委", "committee", None),
        ("g1", "机关党总支", "general", Some("c")),
        ("g2", "外国语学院党总支", "general", Some("c")),
        ("b1", "党政办党支部", "branch", Some("g1")),
        ("b2", "后勤服务党支部", "branch", Some("g1")),
        ("b3", "英语系党支部", "branch", Some("g2")),
        ("d1", "研究生直属党支部", "direct", Some("c")),
    ] {
        let mut args = vec!["org", "add", "--id", id, "--name", name, "--kind", kind];
        if let Some(p) = parent {
            args.extend(["--parent", p]);
        }
        s.args(args).ok();
    }
    for (branch, roster) in rosters() {
        let file = s.write(&format!("{branch}.csv"), &crate::support::roster_csv(&roster));
        s.args([OsStr::new("roster"), OsStr::new("import"), OsStr::new("--branch"), OsStr::new(branch), file.as_os_str()]).ok();
    }
    for (branch, roster) in rosters() {
        if run.contains(&branch) {
            run_quarter(s, branch, &roster);
        }
    }
}

fn refused<T: std::fmt::Debug>(r: Result<T, Refusal>) -> Refusal {
    r.expect_err("refused")
}

// ---- the annex: the identity column --------------------------------------------------

#[test]
fn annex_office_and_logistics_stars_are_printed_as_teachers_citing_the_university_s_rule() {
    let s = Shine::new();
    university(&s, &["b1", "b2"]);
    let form = s.engine().registration_form("g1", q(QUARTER), today()).expect("g1's form");
    assert_eq!(form.unit.id, "g1");
    let rows: Vec<(usize, &str, &str, &str, &str)> =
        form.rows.iter().map(|r| (r.serial, r.member.id.as_str(), r.branch.id.as_str(), r.identity.name.as_str(), r.on_form.as_ref().map_or("", |v| v.printed.name.as_str()))).collect();
    assert_eq!(rows, [(1, "b1m1", "b1", "机关", "教师"), (2, "b2m1", "b2", "后勤", "教师")], "never printed raw");
    for row in &form.rows {
        let rule = row.on_form.as_ref().and_then(|v| v.mapped_by.as_ref()).expect("mapped by a rule");
        assert_eq!(rule.clause, "§附件");
        assert!(matches!(&rule.attribution, Attribution::Source(s) if s.label == "本校实施细则"), "the university's own rule: {rule:?}");
    }
    // The column as the notice words it, and nothing pending: every branch filed.
    assert_eq!(form.column.iter().flat_map(|c| c.variants.clone()).collect::<Vec<_>>(), ["教师", "学生", "离退休同志"]);
    assert_eq!(form.column[0].attribution, Attribution::Notice);
    assert!(form.complete(), "{:?}", form.pending);
    // A value the form takes is printed as it is.
    let d1 = s.engine().registration_form("d1", q(QUARTER), today()).expect("d1's form");
    assert!(d1.rows.is_empty() && !d1.complete());
    assert_eq!((d1.pending[0].branch.id.as_str(), d1.pending[0].stage), ("d1", Stage::NotOpened));
}

#[test]
fn annex_a_rules_edit_printing_logistics_elsewhere_changes_the_next_form_without_a_rebuild() {
    let s = Shine::new();
    university(&s, &["b2"]);
    s.edit_rules("facts.shine", |t| {
        t.replace(
            "annex identity 机关, 后勤 as 教师",
            "annex identity 后勤 as 离退休同志 §附件 per local \"后勤服务中心返聘的退休职工，登记表填“离退休同志”\"\nannex identity 机关 as 教师",
        )
    });
    s.args(["rules", "check"]).ok();
    let form = s.engine().registration_form("g1", q(QUARTER), today()).expect("g1's form");
    let row = &form.rows[0];
    let value = row.on_form.as_ref().expect("on the form");
    assert_eq!((row.member.id.as_str(), value.printed.name.as_str()), ("b2m1", "离退休同志"));
    assert_eq!(value.mapped_by.as_ref().map(|r| r.text.as_str()), Some("后勤服务中心返聘的退休职工，登记表填“离退休同志”"));
    // b1 has not run its quarter: the form says so.
    assert_eq!(form.pending.iter().map(|p| (p.branch.id.as_str(), p.stage)).collect::<Vec<_>>(), [("b1", Stage::NotOpened)]);
}

#[test]
fn annex_a_rules_edit_leaving_a_variant_unprinted_is_refused_by_rules_check_where_the_column_is() {
    let s = Shine::new().rules_edit("facts.shine", |t| t.replace("annex identity 机关, 后勤 as 教师", "annex identity 机关 as 教师"));
    let text = std::fs::read_to_string(s.rules_dir().join("facts.shine")).expect("facts.shine");
    let line = text.lines().position(|l| l.starts_with("annex identity 教师")).expect("the column") + 1;
    s.args(["rules", "check"])
        .fails()
        .stderr_contains(&format!("facts.shine:{line}:7"))
        .stderr_contains("`identity` 的 `后勤` 既不是登记表可填的值，也没有写明在登记表上按哪个值填")
        .stderr_contains("annex identity 后勤 as <可填的值>");
    let e = s.args(["rules", "check"]).fails_json();
    assert_eq!(e["errors"][0]["problem"]["kind"], "annex_unprinted", "{e}");
}

#[test]
fn annex_a_unit_that_does_not_report_for_filing_has_no_form_and_is_pointed_to_the_one_that_does() {
    let s = Shine::new();
    university(&s, &[]);
    let shine = s.engine();
    let r = refused(shine.registration_form("b1", q(QUARTER), today()));
    match &*r.kind {
        Kind::NotAReportingUnit { unit, kind, reporting } => {
            assert_eq!((unit.id.as_str(), kind.id.as_str()), ("b1", "branch"));
            assert_eq!(reporting.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(), ["direct_branch", "general_branch"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.next, [Hint::RegistrationForm { unit: UnitId::parse("g1").expect("an id"), quarter: q(QUARTER) }]);
    let top = refused(shine.registration_form("c", q(QUARTER), today()));
    assert_eq!(top.next, [Hint::RegistrationRollUp { quarter: q(QUARTER) }]);
    let nowhere = refused(shine.registration_form("x9", q(QUARTER), today()));
    assert!(matches!(&*nowhere.kind, Kind::NotFound { given, .. } if given == "x9"), "{nowhere:?}");
    assert_eq!(nowhere.next, [Hint::ListUnits]);
}

// ---- §4.2.b: the roll-up the Organization Department files ---------------------------

#[test]
fn s4_2_b_the_roll_up_holds_every_reporting_unit_s_form_and_says_which_branches_are_missing() {
    let s = Shine::new();
    university(&s, &["b1", "b2", "d1"]);
    let roll = s.engine().registration_roll_up(q(QUARTER), today()).expect("the roll-up");
    assert_eq!(roll.top.id, "c");
    let forms: Vec<(&str, usize)> = roll.forms.iter().map(|f| (f.unit.id.as_str(), f.rows.len())).collect();
    assert_eq!(forms, [("g1", 2), ("g2", 0), ("d1", 1)], "every general and directly affiliated branch, in the tree's order");
    assert_eq!(roll.stars(), 3);
    assert!(!roll.complete(), "b3 has not filed");
    let g2 = &roll.forms[1];
    assert_eq!(g2.pending.iter().map(|p| (p.branch.id.as_str(), p.stage)).collect::<Vec<_>>(), [("b3", Stage::NotOpened)]);
    let d1 = &roll.forms[2].rows[0];
    assert_eq!((d1.member.id.as_str(), d1.identity.name.as_str()), ("d1m1", "学生"));
    assert!(d1.on_form.as_ref().is_some_and(|v| v.printed.name == "学生" && v.mapped_by.is_none()), "{d1:?}");
}

// ---- §3.4: stars by role, as the rules' lean defines it --------------------------------

#[test]
fn s3_4_the_stars_report_counts_ordinary_members_against_cadres_and_committee_members() {
    let s = Shine::new();
    university(&s, &["b1", "b2", "d1"]);
    let shine = s.engine();
    let report = shine.stars_report(Period::Quarter(q(QUARTER)), today()).expect("the report");
    let total = &report.total;
    assert_eq!(total.stars, 3);
    let lean = &total.lean;
    assert_eq!((lean.preferred.stars.count, lean.preferred.stars.of), (2, 3), "b1m1 and d1m1, ordinary members");
    assert_eq!((lean.capped.stars.count, lean.neither.stars.count), (1, 0), "b2m1 sits on the branch committee");
    assert_eq!(lean.capped.roles.iter().map(|r| r.label.as_deref()).collect::<Vec<_>>(), [Some("支委")]);
    assert_eq!(lean.preferred.roles.iter().map(|r| r.label.as_deref()).collect::<Vec<_>>(), [Some("普通党员")]);
    assert!(lean.preferred.stars.percent().is_some_and(|p| (p - 66.67).abs() < 0.01));
    assert_eq!(report.prefer.as_ref().map(|r| r.clause.as_str()), Some("§3.4"));
    let units: Vec<(&str, usize)> = total.by_unit.iter().map(|u| (u.unit.id.as_str(), u.stars.count)).collect();
    assert_eq!(units, [("g1", 2), ("g2", 0), ("d1", 1)]);
    let identities: Vec<(&str, usize)> = total.by_identity.iter().map(|i| (i.identity.name.as_str(), i.stars.count)).collect();
    assert_eq!(identities, [("学生", 1), ("机关", 1), ("后勤", 1)], "in the order of the rules' enum");
    let quarter = &report.quarters[0];
    assert_eq!(quarter.not_opened.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), ["b3"]);
    assert!(quarter.meeting_not_reported.is_empty() && quarter.not_met.is_empty());
    // A year: its four quarters; nothing was opened before the fourth.
    let year = shine.stars_report(Period::Year(2026), today()).expect("the year");
    assert_eq!(year.quarters.iter().map(|q| q.quarter.to_string()).collect::<Vec<_>>(), ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]);
    assert_eq!((year.quarters[0].stars.stars, year.quarters[0].not_opened.len(), year.total.stars), (0, 4, 3));
    let far = refused(shine.stars_report(Period::Year(1999), today()));
    assert!(matches!(&*far.kind, Kind::YearOutOfRange { year: 1999, .. }), "{far:?}");
}

#[test]
fn s3_4_which_roles_the_report_counts_as_ordinary_is_the_rules_lean() {
    // A university that prefers committee members as well, and caps only secretaries
    // and leading cadres: b2m1 (a committee member) is then on the preferred side.
    let s = Shine::new()
        .rules_edit("recommendation.shine", |t| t.replace("when member.role == ordinary", "when member.role in [ordinary, committee]"))
        .rules_edit("recommendation.shine", |t| t.replace("to ceil(quota / 3) when member.role != ordinary", "to ceil(quota / 3) when member.role in [secretary, leading_cadre]"));
    university(&s, &["b2"]);
    let report = s.engine().stars_report(Period::Quarter(q(QUARTER)), today()).expect("the report");
    let lean = &report.total.lean;
    assert_eq!((lean.preferred.stars.count, lean.capped.stars.count), (1, 0));
    assert_eq!(lean.preferred.roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["committee"]);
    assert_eq!(report.quarters[0].not_opened.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), ["b1", "b3", "d1"]);
}

// ---- §4.2.c: the results as the basis of appraisal -------------------------------------

#[test]
fn s4_2_c_an_appraisal_over_a_year_withholds_an_investigation_from_a_member_and_shows_it_to_the_secretary() {
    let s = Shine::new();
    university(&s, &["b2"]);
    // b1m2 is under investigation (§3.4.x3), a finding the workflow restricts.
    s.args(["finding", "add", "--member", "b1m2", "--clause", "x3", "--date", "2026-11-01", "--evidence", "纪委立案审查通知", "--open"]).ok();
    s.open("b1");
    crate::chain::run_opened_quarter(&s, "b1", &rosters()[0].1);
    // The general branch picks b1m1 as its typical star (§4.3.d) and sends it on.
    pulled_and_published(&s, "g1");
    chain(&s, &["pick", "--unit", "g1", "--member", "b1m1", "--reason", "服务师生，事迹突出"]).at(AFTER_WINDOW).ok();
    chain(&s, &["forward", "--unit", "g1"]).at(AFTER_WINDOW).ok();

    let shine = s.engine();
    let (from, to) = (q("2026Q1"), q("2026Q4"));
    let as_member = shine.appraisal(AppraisalSubject::Member("b1m2"), from, to, Some("member"), today()).expect("appraisal");
    let b1m2 = &as_member.members[0];
    assert_eq!(b1m2.not_held, [q("2026Q1"), q("2026Q2"), q("2026Q3")]);
    let q4 = &b1m2.quarters[0];
    assert_eq!((q4.quarter, q4.star, q4.on_ballot), (q(QUARTER), false, false));
    assert_eq!(q4.exclusions, [Disclosed::Withheld], "that an exclusion exists, not which or why");
    assert!(!serde_json::to_string(&as_member).expect("json").contains("x3"), "no clause anywhere");
    assert_eq!((b1m2.totals.quarters, b1m2.totals.excluded, b1m2.totals.stars), (1, 1, 0));

    let as_secretary = shine.appraisal(AppraisalSubject::Member("b1m2"), from, to, Some("branch_secretary"), today()).expect("appraisal");
    let shown = as_secretary.members[0].quarters[0].exclusions[0].shown().expect("shown to the secretary");
    assert_eq!((shown.rule.clause.as_str(), shown.rule.name.as_str()), ("§3.4.x3", "x3"));

    // The whole branch: the star picked upward, with the general branch's reason.
    let branch = shine.appraisal(AppraisalSubject::Branch("b1"), from, to, None, today()).expect("appraisal");
    assert_eq!(branch.branch.as_ref().map(|b| b.id.as_str()), Some("b1"));
    assert_eq!(branch.members.len(), 7);
    let star = &branch.members[0];
    assert_eq!((star.member.id.as_str(), star.totals.stars, star.totals.picked), ("b1m1", 1, 1));
    let g1 = &star.quarters[0].upward[0];
    assert_eq!((g1.unit.id.as_str(), g1.picked.as_deref(), g1.forwarded), ("g1", Some("服务师生，事迹突出"), true));
    assert!(branch.members[1].quarters[0].exclusions[0].shown().is_some(), "the local administrator sees everything");
}

#[test]
fn s4_2_c_an_appraisal_refuses_a_range_that_ends_before_it_starts_and_whom_it_cannot_find() {
    let s = Shine::new();
    university(&s, &[]);
    let shine = s.engine();
    let backwards = refused(shine.appraisal(AppraisalSubject::Member("b1m1"), q("2026Q4"), q("2026Q1"), None, today()));
    assert!(matches!(&*backwards.kind, Kind::QuarterRange { .. }), "{backwards:?}");
    assert_eq!(backwards.next, [Hint::QuarterRange { from: q("2026Q1"), to: q("2026Q4") }]);
    let nobody = refused(shine.appraisal(AppraisalSubject::Member("zz9"), q("2026Q1"), q("2026Q4"), None, today()));
    assert_eq!(nobody.next, [Hint::FindMember]);
    let no_branch = refused(shine.appraisal(AppraisalSubject::Branch("g1"), q("2026Q1"), q("2026Q4"), None, today()));
    assert!(matches!(&*no_branch.kind, Kind::NotABranch { .. }), "{no_branch:?}");
}
