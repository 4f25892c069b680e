//! §3.4.x8 over organizational-life sessions and mobile members' time away:
//! "无正当理由连续两次不参加党的组织生活、一年内累计三次不参加党的组织生活、流动党员外出
//! 连续三个月不主动向党组织报到". "连续两次" is two consecutive sessions of the member's
//! branch, a session with no status for a member is reported (never skipped), and the
//! third arm reads dated away, back and report records. The meeting is reported for
//! 2026-12-01 (support::MEETING), so "一年内" starts after 2025-12-01.

use crate::support::{date, excluded_rules, members, Shine, M};
use shine_engine::facts::Deed;
use shine_engine::ops::quarter::Record;
use std::ffi::OsStr;

fn x8(s: &Shine, member: &str) -> bool {
    excluded_rules(&s.explain(member)).iter().any(|r| r == "x8")
}

/// A `life import` file with a kind column, through the binary.
fn import(s: &Shine, rows: &[(&str, &str, &str, &str)], flags: &[&str]) -> String {
    let mut csv = String::from("党员编号,日期,形式,出席情况,备注\n");
    for (m, d, k, st) in rows {
        csv.push_str(&format!("{m},{d},{k},{st},\n"));
    }
    let file = s.write("sessions.csv", &csv);
    let mut args: Vec<&OsStr> = vec![OsStr::new("life"), OsStr::new("import")];
    args.extend(flags.iter().map(OsStr::new));
    args.push(file.as_os_str());
    s.args(args).ok()
}

// ---- 连续两次: consecutive sessions --------------------------------------------------

#[test]
fn s3_4_x8_consecutive_means_consecutive_sessions_of_the_branch_not_consecutive_records() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    // m01 is absent without reason in February and in November; the branch met every
    // month in between, and m01 was there each time.
    let mut rows = vec![("m01", "2026-02-10", "支部党员大会", "unexcused"), ("m02", "2026-02-10", "支部党员大会", "present")];
    let months = ["2026-03-10", "2026-04-10", "2026-05-10", "2026-06-10", "2026-07-10", "2026-08-10", "2026-09-10", "2026-10-10"];
    for d in months {
        rows.push(("m01", d, "党小组会", "present"));
        rows.push(("m02", d, "党小组会", "present"));
    }
    rows.push(("m01", "2026-11-10", "党课", "unexcused"));
    rows.push(("m02", "2026-11-10", "党课", "unexcused"));
    import(&s, &rows, &[]);
    s.open_with_meeting("b1");
    assert!(!x8(&s, "m01"), "two absences nine months apart, with eight sessions attended between, are not two in a row");
    // m02 was absent at the last session only.
    assert!(!x8(&s, "m02"));
}

#[test]
fn s3_4_x8_two_absences_at_consecutive_sessions_exclude_and_the_explanation_names_the_sessions() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    import(
        &s,
        &[
            ("m01", "2026-10-10", "支部党员大会", "unexcused"),
            ("m02", "2026-10-10", "支部党员大会", "present"),
            ("m01", "2026-11-10", "党课", "unexcused"),
            ("m02", "2026-11-10", "党课", "present"),
        ],
        &[],
    );
    s.open_with_meeting("b1");
    let e = s.explain("m01");
    let text = s.args(["explain", "m01"]).ok();
    assert!(excluded_rules(&e).contains(&"x8".to_owned()));
    assert!(text.contains("2026-10-10 支部党员大会 无故缺席") && text.contains("2026-11-10 党课 无故缺席"), "{text}");
}

// ---- a missing status is reported, never skipped ----------------------------------------

#[test]
fn s3_4_x8_university_rule_a_session_without_status_for_a_member_blocks_the_vote_and_is_named() {
    let s = Shine::new();
    let roster = members(3);
    s.branch("b1", &roster);
    // m03's status at the October session was not recorded.
    import(
        &s,
        &[
            ("m01", "2026-10-10", "支委会", "present"),
            ("m02", "2026-10-10", "支委会", "present"),
            ("m01", "2026-11-10", "党课", "present"),
            ("m02", "2026-11-10", "党课", "present"),
            ("m03", "2026-11-10", "党课", "present"),
        ],
        &[],
    );
    s.open("b1");
    s.to_commentary("b1", &roster, &["m01", "m02", "m03"]);
    let status = s.args(["status", "--branch", "b1"]).ok();
    assert!(status.contains("life_recorded") || status.contains("每次组织生活都要记录每名党员的出席情况"), "{status}");
    assert!(status.contains("2026-10-10 支委会 1 人未记出席情况（党员m03）"), "status names the session and the member:\n{status}");
    let run = s.advancing("b1").fails();
    run.stderr_contains("§3.4.x8").stderr_contains("2026-10-10 支委会").stderr_contains("党员m03");
    // Recorded: the vote may take place.
    s.args(["life", "add", "--member", "m03", "--date", "2026-10-10", "--status", "excused"]).ok();
    let v = s.advance("b1");
    assert_eq!(v["to"]["id"], "voting", "{v}");
}

#[test]
fn s3_4_x8_a_missing_status_older_than_the_year_does_not_block_the_vote() {
    let s = Shine::new();
    let roster = members(2);
    s.branch("b1", &roster);
    import(&s, &[("m01", "2025-11-10", "支委会", "present")], &[]);
    s.open("b1");
    s.to_voting("b1", &roster, &["m01", "m02"]);
}

#[test]
fn s3_4_x8_absences_only_branch_counts_a_member_without_a_record_as_present() {
    let s = Shine::new();
    let roster = members(3);
    s.branch("b1", &roster);
    // Three sessions; the branch records only who was absent.
    let out = import(
        &s,
        &[
            ("m01", "2026-09-10", "支部党员大会", "excused"),
            ("m01", "2026-10-10", "党小组会", "unexcused"),
            ("m01", "2026-11-10", "党课", "unexcused"),
            ("m02", "2026-09-10", "支部党员大会", "unexcused"),
            ("m02", "2026-11-10", "党课", "unexcused"),
        ],
        &["--absences-only"],
    );
    assert!(out.contains("只记缺席"), "{out}");
    s.open("b1");
    assert!(x8(&s, "m01"), "absent at the last two sessions");
    assert!(!x8(&s, "m02"), "present (no record) at the October session, between the absences");
    assert!(!x8(&s, "m03"));
    // No status is missing: everyone not recorded was present.
    s.to_voting("b1", &roster, &["m01", "m02", "m03"]);
}

#[test]
fn s3_4_x8_absences_only_import_needs_each_session_kind() {
    let s = Shine::new();
    s.branch("b1", &members(1));
    let file = s.write("absences.csv", "党员编号,日期,出席情况\nm01,2026-10-10,无故缺席\n");
    s.args([OsStr::new("life"), OsStr::new("import"), OsStr::new("--absences-only"), file.as_os_str()])
        .fails()
        .stderr_contains("形式");
}

#[test]
fn s3_4_x8_session_kinds_are_the_rules_enum() {
    let s = Shine::new();
    s.branch("b1", &members(1));
    s.args(["life", "session", "--branch", "b1", "--date", "2026-10-10", "--kind", "茶话会"]).fails().stderr_contains("支部党员大会");
    let first = s.args(["life", "session", "--branch", "b1", "--date", "2026-10-10", "--kind", "党课"]).ok();
    assert!(first.contains("已记录"), "{first}");
    let again = s.args(["life", "session", "--branch", "b1", "--date", "2026-10-10", "--kind", "党课"]).ok();
    assert!(again.contains("未作改动"), "a session recorded again changes nothing: {again}");
    // `life add` with a kind records the session with the member's status.
    let added = s.args(["life", "add", "--member", "m01", "--date", "2026-11-20", "--kind", "支委会", "--status", "出席"]).ok();
    assert!(added.contains("（支委会）"), "{added}");
    s.args(["life", "add", "--member", "m01", "--date", "2026-11-21", "--kind", "茶话会", "--status", "出席"]).fails().stderr_contains("党课");
    // Two kinds for one session in one import: refused whole.
    let file = s.write("two.csv", "党员编号,日期,形式,出席情况\nm01,2026-11-10,党课,出席\nm01,2026-11-10,支委会,出席\n");
    s.args([OsStr::new("life"), OsStr::new("import"), file.as_os_str()]).fails().stderr_contains("两种形式");
}

#[test]
fn s3_4_x8_a_recorded_session_without_any_attendance_is_missing_for_everyone() {
    let s = Shine::new();
    let roster = members(2);
    s.branch("b1", &roster);
    s.args(["life", "session", "--branch", "b1", "--date", "2026-11-10", "--kind", "支部党员大会"]).ok();
    s.open("b1");
    s.to_commentary("b1", &roster, &["m01", "m02"]);
    s.advancing("b1").fails().stderr_contains("2 人未记出席情况");
}

// ---- 流动党员外出连续三个月不主动向党组织报到 ----------------------------------------------

#[test]
fn s3_4_x8_mobile_member_away_less_than_three_months_without_report_is_not_excluded_at_once() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    s.args(["life", "away", "--member", "m01", "--from", "2026-10-15"]).ok();
    s.args(["life", "away", "--member", "m02", "--from", "2026-08-01"]).ok();
    s.open_with_meeting("b1");
    assert!(!x8(&s, "m01"), "away six weeks, never reported: not three months yet");
    assert!(x8(&s, "m02"), "away four months, never reported");
    let text = s.args(["explain", "m02"]).ok();
    assert!(text.contains("外出 2026-08-01 外出后未报到 至今"), "the away period is shown:\n{text}");
}

#[test]
fn s3_4_x8_mobile_five_month_silence_that_ended_before_the_meeting_excludes() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    for m in ["m01", "m02"] {
        s.args(["life", "away", "--member", m, "--from", "2026-01-05"]).ok();
        s.args(["life", "report", "--member", m, "--on", "2026-01-05"]).ok();
    }
    // m01: silent from January to June, then reported monthly and came back.
    for d in ["2026-06-20", "2026-07-20", "2026-08-20", "2026-09-20"] {
        s.args(["life", "report", "--member", "m01", "--on", d]).ok();
    }
    s.args(["life", "back", "--member", "m01", "--on", "2026-10-01"]).ok();
    // m02: reported every two months.
    for d in ["2026-03-01", "2026-05-01", "2026-07-01", "2026-09-01", "2026-11-01"] {
        s.args(["life", "report", "--member", "m02", "--on", d]).ok();
    }
    s.open_with_meeting("b1");
    assert!(x8(&s, "m01"), "five months without a report, within the year, though it ended before the meeting");
    let text = s.args(["explain", "m01"]).ok();
    assert!(text.contains("外出 2026-01-05 最近报到 2026-01-05 至 2026-06-20"), "the dates that made the arm fire:\n{text}");
    assert!(!x8(&s, "m02"));
}

#[test]
fn s3_4_x8_mobile_silence_counts_only_within_the_year_before_the_meeting() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    // m01: a long silence that ended a year and more before the meeting.
    s.args(["life", "away", "--member", "m01", "--from", "2025-01-01", "--to", "2025-09-01"]).ok();
    // m02: silent since July 2025, reported 2026-01-20 (seven weeks into the year),
    // then monthly until back.
    s.args(["life", "away", "--member", "m02", "--from", "2025-07-01", "--to", "2026-05-01"]).ok();
    for d in ["2026-01-20", "2026-02-20", "2026-03-20", "2026-04-20"] {
        s.args(["life", "report", "--member", "m02", "--on", d]).ok();
    }
    s.open_with_meeting("b1");
    assert!(!x8(&s, "m01"), "the silence is older than the year");
    assert!(!x8(&s, "m02"), "within the year the silence lasted under two months");
}

#[test]
fn s3_4_x8_mobile_a_silence_still_open_runs_to_the_meeting_and_one_after_it_does_not_count() {
    let s = Shine::new();
    s.branch("b1", &members(2));
    // m01 went away on 2026-08-31 and reported that day: three whole months by 2026-12-01.
    s.args(["life", "away", "--member", "m01", "--from", "2026-08-31"]).ok();
    s.args(["life", "report", "--member", "m01", "--on", "2026-08-31"]).ok();
    // m02 left after the meeting.
    s.args(["life", "away", "--member", "m02", "--from", "2026-12-05"]).ok();
    s.open_with_meeting("b1");
    assert!(x8(&s, "m01"));
    assert!(!x8(&s, "m02"));
}

#[test]
fn s3_4_x8_mobile_records_refused_when_the_dates_cannot_be() {
    let s = Shine::new();
    s.branch("b1", &members(1));
    s.args(["life", "back", "--member", "m01", "--on", "2026-10-01"]).fails().stderr_contains("没有记录中的外出").stderr_contains("life away");
    s.args(["life", "away", "--member", "m01", "--from", "2026-10-01", "--to", "2026-09-01"]).fails().stderr_contains("早于");
    s.args(["life", "away", "--member", "m01", "--from", "2026-10-01"]).ok();
    let again = s.args(["life", "away", "--member", "m01", "--from", "2026-10-01"]).ok();
    assert!(again.contains("未作改动"), "{again}");
    s.args(["life", "back", "--member", "m01", "--on", "2026-09-01"]).fails().stderr_contains("没有记录中的外出");
    s.args(["life", "back", "--member", "m01", "--on", "2026-11-01"]).ok();
}

// ---- the special meeting is a session of organizational life ----------------------------

#[test]
fn s3_4_x8_the_special_meeting_is_a_session_for_the_quarters_after_it() {
    let s = Shine::new();
    let roster = members(4);
    s.branch("b1", &roster);
    // 2026Q3, the special meeting on 2026-09-10: m01 absent without reason.
    s.args(["quarter", "open", "--branch", "b1", "--quarter", "2026Q3"]).ok();
    let deed = |m: &M| Record::Deed {
        member: m.id.clone(),
        deed: Deed { kind: "带头服务群众".into(), text: format!("{}的事迹", m.name), date: date("2026-08-02"), form: None },
    };
    s.records("b1", roster.iter().map(deed).collect());
    s.advance("b1");
    s.args(["meeting", "report", "--branch", "b1", "--date", "2026-09-10"]).at("2026-09-01T09:00:00+08:00").ok();
    s.advance("b1");
    let status = |m: &M| if m.id == "m01" { "unexcused" } else { "present" };
    s.records("b1", roster.iter().map(|m| Record::Attendance { member: m.id.clone(), status: status(m).into() }).collect());
    s.advance("b1");
    let present = &roster[1..];
    s.records("b1", present.iter().map(|m| Record::Presentation { member: m.id.clone() }).collect());
    s.advance("b1");
    s.records("b1", present.iter().map(|m| Record::Comment { member: m.id.clone(), text: "立足岗位，表现突出".into() }).collect());
    assert_eq!(s.advance("b1")["to"]["id"], "voting");
    assert!(!x8(&s, "m01"), "in its own quarter the special meeting is x9's, not x8's");
    for _ in 0..3 {
        s.vote("b1", &["m02"]);
    }
    assert_eq!(s.advance("b1")["to"]["id"], "tallied");
    assert_eq!(s.advance("b1")["to"]["id"], "reported");
    // 2026Q4: m01 absent again at the first session after the special meeting.
    let rows: Vec<(&str, &str, &str, &str)> =
        roster.iter().map(|m| (m.id.as_str(), "2026-10-10", "支部党员大会", if m.id == "m01" { "unexcused" } else { "present" })).collect();
    import(&s, &rows, &[]);
    s.open("b1");
    assert!(x8(&s, "m01"), "the special meeting and the next session are two in a row");
    let text = s.args(["explain", "m01"]).ok();
    assert!(text.contains("2026-09-10 专题组织生活会 无故缺席；2026-10-10 支部党员大会 无故缺席"), "{text}");
    assert!(!x8(&s, "m02"));
}
