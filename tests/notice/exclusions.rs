//! §3.4 不能评选情形 (1)–(9), end to end: records go in through the binary, and
//! `explain --json` must list the rule with its clause and witnesses — or not.
//! The meeting is reported for 2026-12-01 (support::MEETING) unless said otherwise.

use crate::support::{exclusion, m, members, witness, Shine};

fn has(list: &[String], rule: &str) -> bool {
    list.iter().any(|r| r == rule)
}

// ---- x8: organizational life ---------------------------------------------------------

#[test]
fn x8_two_consecutive_unexcused_absences_exclude() {
    let s = Shine::new();
    s.branch("b1", &members(2)).life(&[
        ("m01", "2026-09-10", "present"),
        ("m01", "2026-10-10", "unexcused"),
        ("m01", "2026-11-10", "unexcused"),
        ("m02", "2026-10-10", "unexcused"),
        ("m02", "2026-11-10", "present"),
    ]);
    s.open_with_meeting("b1");
    let e = s.explain("m01");
    let x8 = exclusion(&e, "x8");
    assert_eq!(x8["rule"]["clause"], "§3.4.x8");
    assert!(!has(&s.exclusions("m02"), "x8"), "a single unexcused absence is not a run");
}

#[test]
fn x8_excused_absence_between_does_not_make_a_run() {
    let s = Shine::new();
    s.branch("b1", &members(1)).life(&[
        ("m01", "2026-09-10", "unexcused"),
        ("m01", "2026-10-10", "excused"),
        ("m01", "2026-11-10", "unexcused"),
    ]);
    s.open_with_meeting("b1");
    assert!(!has(&s.exclusions("m01"), "x8"));
}

#[test]
fn x8_three_unexcused_within_twelve_months_exclude() {
    let s = Shine::new();
    // m01: three separated by attendance, the oldest the day after the window opens.
    // m02: the same, but the oldest exactly twelve months before the meeting — spent.
    // m03: three, but the last after the meeting — it does not count yet.
    s.branch("b1", &members(3)).life(&[
        ("m01", "2025-12-02", "unexcused"),
        ("m01", "2026-03-10", "present"),
        ("m01", "2026-06-10", "unexcused"),
        ("m01", "2026-07-10", "present"),
        ("m01", "2026-11-10", "unexcused"),
        ("m02", "2025-12-01", "unexcused"),
        ("m02", "2026-03-10", "present"),
        ("m02", "2026-06-10", "unexcused"),
        ("m02", "2026-07-10", "present"),
        ("m02", "2026-11-10", "unexcused"),
        ("m03", "2026-03-10", "unexcused"),
        ("m03", "2026-04-10", "present"),
        ("m03", "2026-06-10", "unexcused"),
        ("m03", "2026-07-10", "present"),
        ("m03", "2026-12-05", "unexcused"),
    ]);
    s.open_with_meeting("b1");
    let e = s.explain("m01");
    let x8 = exclusion(&e, "x8");
    assert!(x8["witnesses"].to_string().contains('3'), "the count of three is a witness: {x8}");
    assert!(!has(&s.exclusions("m02"), "x8"), "an absence twelve months before the meeting is outside the year");
    assert!(!has(&s.exclusions("m03"), "x8"), "an absence after the meeting does not count");
}

#[test]
fn x8_mobile_member_without_report_for_three_months() {
    let s = Shine::new();
    s.branch(
        "b1",
        &[
            m("m01").mobile(Some("2026-08-31")), // three whole months before 2026-12-01
            m("m02").mobile(Some("2026-09-02")), // not yet three months
            m("m03").mobile(None),               // never reported, mobile since the import (after the meeting)
            m("m04"),                            // not mobile, never reported: irrelevant
        ],
    );
    s.open_with_meeting("b1");
    assert!(has(&s.exclusions("m01"), "x8"));
    assert!(!has(&s.exclusions("m02"), "x8"));
    assert!(!has(&s.exclusions("m03"), "x8"), "not excluded at once: away only since the roster said so");
    assert!(!has(&s.exclusions("m04"), "x8"));
}

// ---- x3: investigation and disciplinary period ---------------------------------------

fn finding(s: &Shine, member: &str, clause: &str, date: &str, extra: &[&str]) {
    let mut args = vec!["finding", "add", "--member", member, "--clause", clause, "--date", date, "--evidence", "党委会议纪要"];
    args.extend_from_slice(extra);
    s.args(args).ok();
}

#[test]
fn x3_discipline_period_ending_after_meeting_excludes() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    // Disciplined long ago (more than a year): the period, not the date, decides.
    finding(&s, "m01", "x3", "2024-05-01", &["--until", "2026-12-02"]);
    finding(&s, "m02", "x3", "2026-10-01", &["--open"]);
    s.open_with_meeting("b1");
    let e = s.explain("m01");
    assert_eq!(exclusion(&e, "x3")["rule"]["clause"], "§3.4.x3");
    assert!(has(&s.exclusions("m02"), "x3"), "an open investigation excludes");
}

#[test]
fn x3_discipline_ended_before_meeting_does_not() {
    let s = Shine::new();
    s.branch("b1", &members(3));
    finding(&s, "m01", "x3", "2025-06-01", &["--until", "2026-11-30"]);
    finding(&s, "m02", "x3", "2025-06-01", &["--until", "2026-12-01"]); // ends on the meeting day
    finding(&s, "m03", "x3", "2026-12-05", &["--open"]); // opened after the meeting
    s.open_with_meeting("b1");
    assert!(!has(&s.exclusions("m01"), "x3"));
    assert!(!has(&s.exclusions("m02"), "x3"), "a period ending on the meeting day has ended");
    assert!(!has(&s.exclusions("m03"), "x3"));
}

// ---- x1, x2, x4–x7: findings within the year before the meeting -----------------------

/// m01: a finding the day after the year opens (counts); m02: exactly a year before
/// (still counts: the notice sets no window, a finding counts until it is closed —
/// see `findings.rs`); m03: after the meeting (not yet); m04: under another clause.
fn finding_under_clause_excludes(clause: &str) {
    let s = Shine::new();
    s.branch("b1", &members(4));
    let other = if clause == "x1" { "x2" } else { "x1" };
    finding(&s, "m01", clause, "2025-12-02", &[]);
    finding(&s, "m02", clause, "2025-12-01", &[]);
    finding(&s, "m03", clause, "2026-12-02", &[]);
    finding(&s, "m04", other, "2026-11-01", &[]);
    s.open_with_meeting("b1");
    let e = s.explain("m01");
    let d = exclusion(&e, clause);
    assert_eq!(d["rule"]["clause"], format!("§3.4.{clause}"));
    assert!(has(&s.exclusions("m02"), clause), "{clause}: a finding a year old still counts until closed");
    assert!(!has(&s.exclusions("m03"), clause), "{clause}: a finding after the meeting does not count");
    assert!(!has(&s.exclusions("m04"), clause), "{clause}: a finding under {other} is not one under {clause}");
}

#[test]
fn x1_finding_under_clause_excludes() {
    finding_under_clause_excludes("x1");
}

#[test]
fn x2_finding_under_clause_excludes() {
    finding_under_clause_excludes("x2");
}

#[test]
fn x4_finding_under_clause_excludes() {
    finding_under_clause_excludes("x4");
}

#[test]
fn x5_finding_under_clause_excludes() {
    finding_under_clause_excludes("x5");
}

#[test]
fn x6_finding_under_clause_excludes() {
    finding_under_clause_excludes("x6");
}

#[test]
fn x7_finding_under_clause_excludes() {
    finding_under_clause_excludes("x7");
}

#[test]
fn finding_under_an_unknown_clause_refused() {
    let s = Shine::new();
    s.branch("b1", &members(1));
    s.args(["finding", "add", "--member", "m01", "--clause", "x10", "--date", "2026-11-01", "--evidence", "无"])
        .fails()
        .stderr_contains("`x10`");
}

// ---- x9: the special meeting ---------------------------------------------------------

#[test]
fn x9_unexcused_absence_from_special_meeting() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    s.open("b1");
    s.args(["deed", "add", "--member", "m01", "--kind", "带头服务群众", "--text", "义务辅导", "--date", "2026-11-01"]).ok();
    s.advance("b1");
    s.args(["meeting", "report", "--branch", "b1", "--date", super::support::MEETING]).at(crate::support::REPORTED).ok();
    s.advance("b1");
    s.args(["meeting", "attend", "--status", "unexcused", "m01"]).ok();
    s.args(["meeting", "attend", "--status", "present", "m02"]).ok();
    let e = s.explain("m01");
    let x9 = exclusion(&e, "x9");
    assert_eq!(witness(x9, "member.meeting"), "unexcused");
}

/// m01 registers nothing and gives no reason; m02 gives a valid reason; m03 registers a
/// deed. All three attend and present.
fn no_deed_quarter() -> Shine {
    let s = Shine::new();
    s.branch("b1", &members(3));
    s.open("b1");
    s.args(["deed", "excuse", "--member", "m02", "--reason", "本季度长期病假住院"]).ok();
    s.args(["deed", "add", "--member", "m03", "--kind", "带头学习提高", "--text", "完成党史学习", "--date", "2026-10-20"]).ok();
    s.advance("b1");
    s.args(["meeting", "report", "--branch", "b1", "--date", super::support::MEETING]).at(crate::support::REPORTED).ok();
    s.advance("b1");
    s.args(["meeting", "attend", "--status", "present", "m01", "m02", "m03"]).ok();
    s.advance("b1");
    s.args(["present", "m01", "m02", "m03"]).ok();
    s
}

#[test]
fn x9_no_deed_without_valid_reason() {
    let s = no_deed_quarter();
    let e = s.explain("m01");
    let x9 = exclusion(&e, "x9");
    assert_eq!(witness(x9, "count(d in member.deeds)"), "0");
    assert!(!s.exclusions("m03").contains(&"x9".to_owned()), "a member with a deed who presented is not excluded");
}

#[test]
fn x9_no_deed_with_valid_reason_is_not_excluded() {
    let s = no_deed_quarter();
    assert!(!s.exclusions("m02").contains(&"x9".to_owned()));
}

#[test]
fn x9_no_presentation_excludes() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    s.open("b1");
    for who in ["m01", "m02"] {
        s.args(["deed", "add", "--member", who, "--kind", "带头争创佳绩", "--text", "获教学奖", "--date", "2026-10-20"]).ok();
    }
    s.advance("b1");
    s.args(["meeting", "report", "--branch", "b1", "--date", super::support::MEETING]).at(crate::support::REPORTED).ok();
    s.advance("b1");
    s.args(["meeting", "attend", "--status", "present", "m01", "m02"]).ok();
    s.advance("b1");
    s.args(["present", "m02"]).ok();
    let e = s.explain("m01");
    let x9 = exclusion(&e, "x9");
    assert_eq!(witness(x9, "member.presented"), "false");
    assert!(!s.exclusions("m02").contains(&"x9".to_owned()));
}

#[test]
fn records_made_by_member_name_count_for_that_member() {
    let s = Shine::new();
    s.branch("b1", &[m("m01").name("张志强"), m("m02").name("赵𬭎")]);
    finding(&s, "张志强", "x3", "2026-06-01", &["--until", "2027-06-01"]);
    s.args(["life", "add", "--member", "赵𬭎", "--date", "2026-10-10", "--status", "unexcused"]).ok();
    s.args(["life", "add", "--member", "赵𬭎", "--date", "2026-11-10", "--status", "无故缺席"]).ok();
    s.open_with_meeting("b1");
    assert!(has(&s.exclusions("m01"), "x3"), "a finding recorded by name is the member's");
    assert!(has(&s.exclusions("m02"), "x8"), "life records made by name are the member's");
}

#[test]
fn x8_importing_the_same_life_records_twice_counts_them_once() {
    let s = Shine::new();
    s.branch("b1", &members(1));
    let rows = [("m01", "2026-09-10", "unexcused"), ("m01", "2026-10-10", "present")];
    s.life(&rows);
    s.life(&rows);
    s.open_with_meeting("b1");
    assert!(!has(&s.exclusions("m01"), "x8"), "one unexcused absence, imported twice, is still one");
}

#[test]
fn x8_a_later_record_for_the_same_date_corrects_the_earlier() {
    let s = Shine::new();
    s.branch("b1", &members(1));
    s.life(&[("m01", "2026-09-10", "unexcused"), ("m01", "2026-10-10", "unexcused")]);
    // The October absence was in fact excused (出差): record it again for that date.
    s.life(&[("m01", "2026-10-10", "excused")]);
    s.open_with_meeting("b1");
    assert!(!has(&s.exclusions("m01"), "x8"), "the corrected record breaks the run");
}

#[test]
fn x3_closing_an_investigation_by_recording_the_finding_again() {
    let s = Shine::new();
    s.branch("b1", &members(1));
    finding(&s, "m01", "x3", "2026-10-01", &["--open"]);
    // The investigation ended without a penalty. Recording the same finding without
    // --open would be a finding that can never count (refused, see findings.rs); the
    // branch closes it, dated.
    s.args(["finding", "add", "--member", "m01", "--clause", "x3", "--date", "2026-10-01", "--evidence", "党委会议纪要"]).fails();
    s.args(["finding", "close", "--member", "m01", "--clause", "x3", "--date", "2026-10-01", "--on", "2026-11-15", "--reason", "撤销", "--note", "调查结束，未予处分"])
        .ok();
    s.open_with_meeting("b1");
    assert!(!has(&s.exclusions("m01"), "x3"));
}
