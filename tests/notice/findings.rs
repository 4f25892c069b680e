//! Findings that count until the branch closes them (§3.4.x1–x7), findings that can
//! never count (which clauses take findings follows from the rule files), x9 and
//! members on approved leave (written presentation), the 党章's 留党察看 (no vote) and
//! approved absences in the quorum, and deed dates (§3.2).

use crate::support::{exclusion, members, witness, Shine, MEETING, REPORTED};

fn has(list: &[String], rule: &str) -> bool {
    list.iter().any(|r| r == rule)
}

fn finding(s: &Shine, member: &str, clause: &str, date: &str, extra: &[&str]) {
    let mut args = vec!["finding", "add", "--member", member, "--clause", clause, "--date", date, "--evidence", "党委会议纪要"];
    args.extend_from_slice(extra);
    s.args(args).ok();
}

fn close<'a>(s: &'a Shine, member: &'a str, clause: &'a str, date: &'a str, on: &'a str, how: &'a str) -> crate::support::Cmd<'a> {
    s.args(["finding", "close", "--member", member, "--clause", clause, "--date", date, "--on", on, "--reason", how, "--note", "支委会认定"])
}

/// Every event of the store, as `store check` counts them.
fn records(s: &Shine) -> u64 {
    let v = s.args(["store", "check"]).json();
    v["log"]["events"].as_u64().unwrap_or_else(|| panic!("no event count in {v}"))
}

// ---- a finding counts until the branch closes it ------------------------------------------

/// The case of the review: a cult finding (x4) dated 13 months before the meeting let
/// the member become a star. The notice sets no look-back window for x4.
#[test]
fn s3_4_x4_cult_finding_thirteen_months_old_still_excludes() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    finding(&s, "m01", "x4", "2025-11-01", &[]);
    s.open_with_meeting("b1");
    let e = s.explain("m01");
    assert_eq!(exclusion(&e, "x4")["rule"]["clause"], "§3.4.x4");
    assert!(!has(&s.exclusions("m02"), "x4"));
}

/// x1–x7: closed before the meeting (by id or by label), the finding no longer counts;
/// closed after the meeting, it still counts at the meeting.
#[test]
fn s3_4_x1_x7_finding_counts_until_closed() {
    for clause in ["x1", "x2", "x4", "x5", "x6", "x7"] {
        let s = Shine::new();
        s.branch("b1", &members(3));
        finding(&s, "m01", clause, "2024-03-01", &[]);
        finding(&s, "m02", clause, "2024-03-01", &[]);
        finding(&s, "m03", clause, "2024-03-01", &[]);
        close(&s, "m01", clause, "2024-03-01", "2026-11-30", "整改完成").ok();
        close(&s, "m02", clause, "2024-03-01", "2026-12-02", "revoked").ok();
        s.open_with_meeting("b1");
        assert!(!has(&s.exclusions("m01"), clause), "{clause}: closed before the meeting");
        let e = s.explain("m02");
        assert_eq!(witness(exclusion(&e, clause), "any(f in member.findings"), "true", "{clause}: closed after the meeting");
        assert!(has(&s.exclusions("m03"), clause), "{clause}: never closed, 33 months old");
    }
}

/// x3: a discipline closed (e.g. revoked) before the meeting no longer counts, even
/// though its period runs past the meeting.
#[test]
fn s3_4_x3_discipline_revoked_before_meeting_does_not_count() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    finding(&s, "m01", "x3", "2026-06-01", &["--until", "2027-06-01"]);
    finding(&s, "m02", "x3", "2026-06-01", &["--until", "2027-06-01"]);
    close(&s, "m01", "x3", "2026-06-01", "2026-10-15", "撤销").ok();
    s.open_with_meeting("b1");
    assert!(!has(&s.exclusions("m01"), "x3"));
    assert!(has(&s.exclusions("m02"), "x3"));
}

/// Closing: a finding that does not exist, one closed before its date, one closed a
/// second time in another way are refused in Chinese; the identical close again
/// writes nothing.
#[test]
fn s3_4_x1_x7_closing_a_finding_refusals_and_repeat() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    finding(&s, "m01", "x6", "2026-06-01", &[]);
    close(&s, "m01", "x6", "2026-06-02", "2026-10-01", "整改完成")
        .fails()
        .stderr_contains("没有 2026-06-02 记在 x6 名下的违规记录")
        .stderr_contains("x6 2026-06-01");
    close(&s, "m02", "x6", "2026-06-01", "2026-10-01", "整改完成").fails().stderr_contains("没有任何违规记录");
    close(&s, "m01", "x6", "2026-06-01", "2026-05-31", "整改完成").fails().stderr_contains("早于");
    close(&s, "m01", "x6", "2026-06-01", "2026-10-01", "忘了").fails().stderr_contains("撤销");
    close(&s, "m01", "x6", "2026-06-01", "2026-10-01", "整改完成").ok();
    let before = records(&s);
    close(&s, "m01", "x6", "2026-06-01", "2026-10-01", "rectified").ok();
    assert_eq!(records(&s), before, "the identical close again writes nothing");
    close(&s, "m01", "x6", "2026-06-01", "2026-10-02", "整改完成").fails().stderr_contains("已于 2026-10-01 结束");
    close(&s, "m01", "x6", "2026-06-01", "2026-10-01", "撤销").fails().stderr_contains("不能再结束一次");
}

/// The university may add a look-back window of its own: an explicit rule line,
/// labelled as its own, not the notice's (off in the shipped rules).
#[test]
fn university_rule_look_back_window_for_findings_is_written_in_the_rules() {
    let s = Shine::new().rules_edit("exclusions.shine", |text| {
        let old = "    when any(f in member.findings: f.clause == \"x1\"\n                                and f.date <= meeting.date\n";
        assert!(text.contains(old), "the shipped x1 rule changed");
        text.replace(old, &format!("{old}                                and f.date > meeting.date - 12 months\n"))
    });
    s.branch("b1", &members(2));
    finding(&s, "m01", "x1", "2025-11-30", &[]); // more than a year before the meeting
    finding(&s, "m02", "x1", "2025-12-02", &[]);
    s.open_with_meeting("b1");
    assert!(!has(&s.exclusions("m01"), "x1"), "spent under the local window");
    assert!(has(&s.exclusions("m02"), "x1"));
}

// ---- findings that can never count ---------------------------------------------------------

#[test]
fn s3_4_x8_findings_refused_x8_reads_life_records_not_findings() {
    let s = Shine::new();
    s.branch("b1", &members(1));
    let run = s.args(["finding", "add", "--member", "m01", "--clause", "x8", "--date", "2026-11-01", "--evidence", "缺席"]).fails();
    run.stderr_contains("x8").stderr_contains("不读违规记录").stderr_contains("member.life").stderr_contains("x7");
    let err = s.args(["finding", "add", "--member", "m01", "--clause", "x8", "--date", "2026-11-01", "--evidence", "缺席"]).fails_json();
    let taking: Vec<&str> = err["taking"].as_array().expect("taking").iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(taking, ["x1", "x2", "x3", "x4", "x5", "x6", "x7"], "the clauses that take findings, from the rules");
}

#[test]
fn s3_4_x9_findings_refused_x9_reads_the_special_meeting() {
    let s = Shine::new();
    s.branch("b1", &members(1));
    s.args(["finding", "add", "--member", "m01", "--clause", "x9", "--date", "2026-11-01", "--evidence", "未发言"])
        .fails()
        .stderr_contains("x9")
        .stderr_contains("不读违规记录")
        .stderr_contains("member.presented");
}

#[test]
fn s3_4_x3_finding_without_open_or_until_refused() {
    let s = Shine::new();
    s.branch("b1", &members(1));
    s.args(["finding", "add", "--member", "m01", "--clause", "x3", "--date", "2026-06-01", "--evidence", "受处分"])
        .fails()
        .stderr_contains("x3 的记录需注明 --open")
        .stderr_contains("--until");
    // A period that ended the day it began can never count either.
    s.args(["finding", "add", "--member", "m01", "--clause", "x3", "--date", "2026-06-01", "--until", "2026-06-01", "--evidence", "受处分"])
        .fails()
        .stderr_contains("--open");
    finding(&s, "m01", "x3", "2026-06-01", &["--until", "2027-06-01"]);
}

#[test]
fn s3_4_unknown_clause_listed_with_the_clauses_that_take_findings() {
    let s = Shine::new();
    s.branch("b1", &members(1));
    let run = s.args(["finding", "add", "--member", "m01", "--clause", "x10", "--date", "2026-11-01", "--evidence", "无"]).fails();
    run.stderr_contains("`x10`").stderr_contains("x4（§3.4.x4）");
    assert!(!run.stderr.contains("x8（"), "x8 takes no findings: {}", run.stderr);
}

// ---- x9 and members on approved leave -------------------------------------------------------

/// m01 present and presenting; m02 on leave (请假), not presenting; m03 on leave,
/// presenting in writing; m04 unexcused.
fn leave_quarter(s: &Shine) {
    s.branch("b1", &members(4));
    s.open("b1");
    for m in ["m01", "m02", "m03", "m04"] {
        s.args(["deed", "add", "--member", m, "--kind", "带头服务群众", "--text", "义务辅导", "--date", "2026-11-01"]).ok();
    }
    s.advance("b1");
    s.args(["meeting", "report", "--branch", "b1", "--date", MEETING]).at(REPORTED).ok();
    s.advance("b1");
    s.args(["meeting", "attend", "--status", "present", "m01"]).ok();
    s.args(["meeting", "attend", "--status", "请假", "m02", "m03"]).ok();
    s.args(["meeting", "attend", "--status", "unexcused", "m04"]).ok();
    s.advance("b1");
    s.args(["present", "m01"]).ok();
}

#[test]
fn s3_4_x9_excused_member_not_excluded_for_not_presenting() {
    let s = Shine::new();
    leave_quarter(&s);
    s.args(["present", "m03", "--written"]).ok().contains("书面交流").then_some(()).expect("the form is shown");
    assert!(!has(&s.exclusions("m02"), "x9"), "请假 is a valid reason: no presentation is needed");
    assert!(!has(&s.exclusions("m03"), "x9"));
    assert!(!has(&s.exclusions("m01"), "x9"));
    assert!(has(&s.exclusions("m04"), "x9"));
    // The written presentation is recorded, with its form.
    let e = s.explain("m03");
    assert_eq!(e["presentation"], "written", "{e}");
    s.args(["explain", "m03"]).ok().contains("交流发言：书面交流").then_some(()).expect("explain shows the form");
}

#[test]
fn s3_2_written_presentation_only_for_excused_members() {
    let s = Shine::new();
    leave_quarter(&s);
    s.args(["present", "m04", "--written"]).fails().stderr_contains("不能登记交流发言");
    // Excused members cannot be recorded as presenting at the meeting in person.
    s.args(["present", "m02"]).fails().stderr_contains("不能登记交流发言");
    s.args(["present", "m03", "--form", "书面交流"]).ok();
    let before = records(&s);
    s.args(["present", "m03", "--written"]).ok();
    assert_eq!(records(&s), before, "the same presentation again writes nothing");
}

/// A branch's strict reading, written in its rules: excused members must present in
/// writing.
#[test]
fn university_rule_strict_x9_excused_members_present_in_writing() {
    let s = Shine::new().rules_edit("exclusions.shine", |text| {
        let old = "      or (not member.presented and not (member.meeting == excused))";
        assert!(text.contains(old), "the shipped x9 rule changed");
        text.replace(old, "      // 本校实施细则: 请假的党员也须书面交流\n      or not member.presented")
    });
    leave_quarter(&s);
    s.args(["present", "m03", "--written"]).ok();
    assert!(has(&s.exclusions("m02"), "x9"), "strict: on leave and no written presentation");
    assert!(!has(&s.exclusions("m03"), "x9"), "strict: presented in writing");
}

// ---- the 党章: 留党察看 and approved absences ---------------------------------------------------

fn standing<'a>(s: &'a Shine, member: &'a str, kind: &'a str, from: &'a str, until: Option<&'a str>) -> crate::support::Cmd<'a> {
    let mut args = vec!["member", "standing", "--member", member, "--kind", kind, "--from", from, "--approved-by", "校纪委", "--reason", "校纪委〔2026〕9号"];
    if let Some(u) = until {
        args.extend(["--until", u]);
    }
    s.args(args)
}

#[test]
fn dangzhang_member_under_probation_has_no_vote() {
    let roster = members(4);
    let s = Shine::new();
    s.branch("b1", &roster);
    standing(&s, "m01", "留党察看", "2026-09-01", Some("2027-08-31")).ok().contains("留党察看").then_some(()).expect("shown");
    standing(&s, "m02", "probation", "2025-09-01", Some("2026-08-31")).ok(); // over before the meeting
    let before = records(&s);
    standing(&s, "m01", "留党察看", "2026-09-01", Some("2027-08-31")).ok();
    assert_eq!(records(&s), before, "the same standing again writes nothing");
    standing(&s, "m03", "留党察看", "2026-09-01", Some("2026-08-01")).fails().stderr_contains("早于");
    standing(&s, "m03", "开除", "2026-09-01", None).fails().stderr_contains("留党察看");
    s.open("b1");
    s.all_to_voting("b1", &roster);
    let e = s.explain("m01");
    assert_eq!(e["judgement"]["voter"]["value"], false);
    assert_eq!(e["judgement"]["voter"]["rule"]["name"], "voter");
    assert_eq!(s.explain("m02")["judgement"]["voter"]["value"], true);
    assert!(!crate::support::received(&s.args(["ballot", "codes", "--branch", "b1"]).json()).contains(&"m01".to_owned()), "no voting code without a vote");
    s.args(["explain", "m01"]).ok().contains("留党察看").then_some(()).expect("explain shows the standing");
}

/// Off by default: an approved absence still counts in the quorum's denominator.
#[test]
fn dangzhang_approved_absence_counts_in_quorum_by_default() {
    let roster = members(4);
    let s = Shine::new();
    s.branch("b1", &roster);
    standing(&s, "m04", "经批准不能参加", "2026-10-01", None).ok();
    s.open("b1");
    s.to_commentary("b1", &roster, &["m01", "m02"]);
    let err = s.advancing("b1").fails_json();
    assert_eq!(err["failed"][0]["rule"]["name"], "quorum", "{err}");
}

/// Switched on by the branch's rules (the commented alternative in
/// rules/recommendation.shine): members approved as unable to attend are left out.
#[test]
fn dangzhang_approved_absence_left_out_of_quorum_when_the_rule_is_on() {
    let s = Shine::new().rules_edit("recommendation.shine", |text| {
        let start = text.find("quorum §3.4").expect("the quorum rule");
        let end = start + text[start..].find("\n\n").expect("the end of the quorum rule");
        let alt_start = text.find("// quorum §3.4 per party_constitution").expect("the commented alternative");
        let block: Vec<&str> = text[alt_start..].lines().take_while(|l| l.starts_with("//")).collect();
        let alt_end = alt_start + block.iter().map(|l| l.len() + 1).sum::<usize>();
        let alternative = block.iter().map(|l| l.strip_prefix("// ").unwrap_or("")).collect::<Vec<_>>().join("\n");
        format!("{}{}\n{}{}", &text[..start], alternative, &text[end..alt_start], &text[alt_end.min(text.len())..])
    });
    let roster = members(4);
    s.branch("b1", &roster);
    standing(&s, "m04", "经批准不能参加", "2026-10-01", None).ok();
    s.open("b1");
    s.to_commentary("b1", &roster, &["m01", "m02"]);
    let done = s.advance("b1");
    assert_eq!(done["to"]["id"], "voting", "2 of the 3 expected are present: {done}");
}

// ---- deed dates ---------------------------------------------------------------------------

#[test]
fn s3_2_deed_dated_after_today_refused_with_the_allowed_range() {
    let s = Shine::new();
    s.branch("b1", &members(1));
    s.open("b1");
    s.args(["deed", "add", "--member", "m01", "--kind", "带头服务群众", "--text", "义务辅导", "--date", "2026-11-20"])
        .at("2026-11-10T10:00:00+08:00")
        .fails()
        .stderr_contains("晚于今天")
        .stderr_contains("2026-10-01 至 2026-11-10");
    s.args(["deed", "add", "--member", "m01", "--kind", "带头服务群众", "--text", "义务辅导", "--date", "2026-09-30"])
        .at("2026-11-10T10:00:00+08:00")
        .fails()
        .stderr_contains("2026-10-01 至 2026-11-10");
    s.args(["deed", "add", "--member", "m01", "--kind", "带头服务群众", "--text", "义务辅导", "--date", "2026-11-10"])
        .at("2026-11-10T10:00:00+08:00")
        .ok();
}
