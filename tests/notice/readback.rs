//! §5 of issue 9: what the secretary writes can be read back. The member's
//! registration certificate (§3.1 《党员“闪光言行”登记证》) with the deeds' form and the
//! secretary's comment (§3.3) and its confirmation; the comment in `member history`
//! and `explain`; the special meeting's record in `status` and `stars` (§3.2), with a
//! warning when no activist attended; the emphasis for the member's category (§2.3,
//! §3.1). And dates in Beijing time whatever the machine's zone (§6).

use crate::support::{bin, m, members, Shine, MEETING, NOW, REPORTED};
use serde_json::Value;

/// A branch `b1` of three teachers, `m02` in 后勤 and `m03` retired, with the quarter
/// open at `registration`.
fn world() -> Shine {
    let s = Shine::new();
    let roster = vec![m("m01"), m("m02").identity("后勤"), m("m03").identity("离退休同志")];
    s.branch("b1", &roster);
    s.open("b1");
    s
}

/// Each member registers one deed (m01's with a form) and the meeting is held with
/// everyone present; the quarter then stands at `commentary`.
fn to_commentary(s: &Shine) {
    s.args(["deed", "add", "--member", "m01", "--kind", "带头争创佳绩", "--form", "重要任务", "--text", "牵头完成专业认证自评报告", "--date", "2026-11-05"])
        .ok();
    for id in ["m02", "m03"] {
        s.args(["deed", "add", "--member", id, "--kind", "带头服务群众", "--text", "为师生办实事", "--date", "2026-11-06"]).ok();
    }
    s.advance("b1");
    s.args(["meeting", "report", "--branch", "b1", "--date", MEETING]).at(REPORTED).ok();
    s.advance("b1");
    s.args(["meeting", "attend", "--status", "出席", "m01", "m02"]).ok();
    s.args(["meeting", "attend", "--status", "请假", "m03"]).ok();
    s.args(["meeting", "guests", "--branch", "b1", "--activist", "孙明", "--observer", "党外教师代表", "--delegate", "党总支组织员"]).ok();
    s.advance("b1");
    s.args(["present", "m01", "m02"]).ok();
    s.advance("b1");
}

fn certificate(s: &Shine, member: &str) -> Value {
    s.args(["member", "certificate", "--member", member]).json()
}

#[test]
fn s3_3_the_comment_reads_back_with_its_confirmation_in_certificate_history_and_explain() {
    let s = world();
    to_commentary(&s);
    s.args(["--by", "王书记", "comment", "--member", "m01", "--text", "承担急难险重任务，作用突出"]).ok();

    let c = certificate(&s, "m01");
    let page = &c["quarters"][0]["register"];
    assert_eq!(page["comment"]["text"], "承担急难险重任务，作用突出", "{c}");
    assert_eq!(page["comment"]["by"], "王书记", "{c}");
    assert_eq!(page["comment"]["role"]["id"], "branch_secretary", "{c}");
    assert_eq!(page["comment"]["at"], NOW, "{c}");
    assert_eq!(page["presented"], true);
    assert_eq!(page["attendance"]["name"], "present");

    let human = s.args(["member", "certificate", "--member", "m01"]).ok();
    assert!(human.contains("《党员“闪光言行”登记证》"), "{human}");
    assert!(human.contains("承担急难险重任务，作用突出（点评确认：王书记，党支部书记，2026-12-10 10:00）"), "{human}");
    assert!(human.contains("支部会议：出席，已作介绍交流"), "{human}");

    let history = s.args(["member", "history", "m01"]).ok();
    assert!(history.contains("承担急难险重任务，作用突出"), "{history}");
    let explain = s.args(["explain", "m01"]).ok();
    assert!(explain.contains("支部点评：承担急难险重任务，作用突出"), "{explain}");
    assert_eq!(s.explain("m01")["comment"]["text"], "承担急难险重任务，作用突出");
    // Not yet commented on: said so, not left out.
    assert!(s.args(["explain", "m02"]).ok().contains("支部点评：尚未点评"));
}

#[test]
fn s3_1_a_deed_carries_its_form_and_is_shown_with_it() {
    let s = world();
    // By its label too; anything else is refused with the forms the rules declare.
    s.args(["deed", "add", "--member", "m03", "--kind", "带头学习提高", "--form", "创新的工作举措", "--text", "改进值班流程", "--date", "2026-11-07"])
        .ok();
    let run = s.args(["deed", "add", "--member", "m03", "--kind", "带头学习提高", "--form", "口号", "--text", "x", "--date", "2026-11-07"]).fails();
    run.stderr_contains("口号").stderr_contains("说过的话");
    to_commentary(&s);
    let c = certificate(&s, "m01");
    let deed = &c["quarters"][0]["register"]["deeds"][0];
    assert_eq!(deed["kind"]["name"], "带头争创佳绩", "{c}");
    assert_eq!(deed["form"]["name"], "重要任务", "{c}");
    assert_eq!(deed["form"]["label"], "承担的重要任务", "{c}");
    assert_eq!(deed["date"], "2026-11-05");
    let human = s.args(["member", "certificate", "--member", "m01", "--quarter", "2026Q4"]).ok();
    assert!(human.contains("2026-11-05 带头争创佳绩·承担的重要任务：牵头完成专业认证自评报告"), "{human}");
    // The form is optional, and a deed without one shows none.
    assert!(certificate(&s, "m02")["quarters"][0]["register"]["deeds"][0]["form"].is_null());
    let m03 = &certificate(&s, "m03")["quarters"][0]["register"]["deeds"];
    assert!(m03.as_array().expect("deeds").iter().any(|d| d["form"]["name"] == "创新举措"), "{m03}");
}

#[test]
fn s3_1_the_emphasis_for_the_members_category_is_shown_where_deeds_are_registered_and_commented() {
    let s = world();
    let teacher = s.args(["deed", "add", "--member", "m01", "--kind", "带头学习提高", "--text", "完成党史学习", "--date", "2026-11-05"]).ok();
    assert!(teacher.contains("教师党员主要体现在教书育人、服务学校发展上"), "{teacher}");
    let logistics = s.args(["deed", "add", "--member", "m02", "--kind", "带头服务群众", "--text", "维修宿舍水电", "--date", "2026-11-05"]).json();
    assert_eq!(logistics["emphasis"]["text"], "机关、后勤单位党员要体现在改进工作作风、提升服务效能上", "{logistics}");
    assert_eq!(logistics["emphasis"]["clause"], "§3.1");
    // The notice gives 离退休同志 no emphasis: none is shown, none invented.
    let retired = s.args(["deed", "add", "--member", "m03", "--kind", "带头弘扬正气", "--text", "关心下一代", "--date", "2026-11-05"]).json();
    assert!(retired["emphasis"].is_null(), "{retired}");
    let c = certificate(&s, "m01");
    assert_eq!(c["quarters"][0]["register"]["emphasis"]["text"], "教师党员主要体现在教书育人、服务学校发展上");
    assert!(s.args(["member", "certificate", "--member", "m01"]).ok().contains("重点：§3.1 教师党员主要体现在教书育人、服务学校发展上"));

    s.advance("b1");
    s.args(["meeting", "report", "--branch", "b1", "--date", MEETING]).at(REPORTED).ok();
    s.advance("b1");
    s.args(["meeting", "attend", "--status", "出席", "m01", "m02", "m03"]).ok();
    s.args(["meeting", "guests", "--branch", "b1", "--activist", "孙明"]).ok();
    s.advance("b1");
    s.args(["present", "m01", "m02", "m03"]).ok();
    s.advance("b1");
    let comment = s.args(["comment", "--member", "m02", "--text", "服务热情周到"]).ok();
    assert!(comment.contains("服务热情周到") && comment.contains("改进工作作风、提升服务效能"), "{comment}");
    assert!(!s.args(["comment", "--member", "m03", "--text", "发挥余热"]).ok().contains("重点"));
}

#[test]
fn s3_1_an_emphasis_names_only_declared_categories_once_university_rule_language() {
    let s = Shine::new().rules_edit("facts.shine", |t| format!("{t}\nemphasis identity 研究生 §3.1 \"x\"\n"));
    let run = s.args(["rules", "check"]).fails();
    run.stderr_contains("研究生").stderr_contains("identity");
    let s = Shine::new().rules_edit("facts.shine", |t| format!("{t}\nemphasis identity 教师 §3.1 \"x\"\n"));
    s.args(["rules", "check"]).fails().stderr_contains("两条 `emphasis`");
}

#[test]
fn s3_2_no_activist_at_the_meeting_warns_and_does_not_refuse() {
    let s = Shine::new();
    let roster = members(2);
    s.branch("b1", &roster);
    s.open_with_meeting("b1");
    s.args(["meeting", "attend", "--status", "出席", "m01", "m02"]).ok();
    let guests = s.args(["meeting", "guests", "--branch", "b1", "--observer", "党外教师代表"]).json();
    let warnings = guests["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{guests}");
    assert_eq!(warnings[0]["rule"]["clause"], "§3.2");
    assert_eq!(warnings[0]["rule"]["text"], "党支部会议应吸收入党积极分子参加");
    let human = s.args(["meeting", "guests", "--branch", "b1", "--observer", "党外教师代表"]).ok();
    assert!(human.contains("提醒") && human.contains("党支部会议应吸收入党积极分子参加"), "{human}");
    assert!(s.args(["status", "--branch", "b1"]).ok().contains("党支部会议应吸收入党积极分子参加"));

    // The step is taken all the same, with the warning in its answer.
    let moved = s.advance("b1");
    assert_eq!(moved["to"]["id"], "exchange", "{moved}");
    assert_eq!(moved["warnings"][0]["rule"]["name"], "activists_attended", "{moved}");

    // With an activist recorded, no warning.
    let s = Shine::new();
    s.branch("b1", &roster);
    s.open_with_meeting("b1");
    s.args(["meeting", "attend", "--status", "出席", "m01", "m02"]).ok();
    let guests = s.args(["meeting", "guests", "--branch", "b1", "--activist", "孙明"]).json();
    assert_eq!(guests["warnings"], serde_json::json!([]), "{guests}");
    assert!(s.advance("b1").get("warnings").is_none());
}

#[test]
fn s3_2_the_meeting_record_is_shown_in_status_and_stars() {
    let s = world();
    to_commentary(&s);
    s.args(["comment", "--member", "m01", "--text", "作用突出"]).ok();
    let status = s.args(["status", "--branch", "b1"]).json();
    let meeting = &status["meeting"];
    assert_eq!(meeting["date"], MEETING, "{status}");
    assert_eq!(meeting["reported_to"]["id"], "g");
    assert_eq!(meeting["activists"], serde_json::json!(["孙明"]));
    assert_eq!(meeting["observers"], serde_json::json!(["党外教师代表"]));
    assert_eq!(meeting["delegate"], "党总支组织员");
    assert_eq!(meeting["comments"], 1);
    let attendance = meeting["attendance"].as_array().expect("attendance");
    assert_eq!(attendance.len(), 3);
    assert_eq!(attendance[2][0]["name"], "党员m03");
    assert_eq!(attendance[2][1]["label"], "请假");

    for text in [s.args(["status", "--branch", "b1"]).ok(), s.args(["stars", "--branch", "b1"]).ok()] {
        assert!(text.contains(&format!("专题组织生活会：{MEETING} 召开")), "{text}");
        assert!(text.contains("出席 2 人（党员m01、党员m02）；请假 1 人（党员m03）"), "{text}");
        assert!(text.contains("入党积极分子：孙明；党外群众代表：党外教师代表；上级党组织派员：党总支组织员"), "{text}");
        assert!(text.contains("支部点评：1 人"), "{text}");
    }
    assert_eq!(s.args(["stars", "--branch", "b1"]).json()["meeting"]["delegate"], "党总支组织员");
}

#[test]
fn s6_dates_are_beijing_time_whatever_the_machines_zone() {
    let s = world();
    // 18:00 on 11-15 in Los Angeles is 10:00 on 11-16 in Beijing: the deed is dated
    // the 16th and the record's time is written in Beijing time.
    let deed = s
        .args(["deed", "add", "--member", "m01", "--kind", "带头学习提高", "--text", "完成党史学习"])
        .at("2026-11-15T18:00:00-08:00")
        .json();
    assert_eq!(deed["deed"]["date"], "2026-11-16", "{deed}");

    // The machine's clock, read under another zone, gives Beijing's date: a deed
    // added without a date is dated Beijing's today (from 16:00 to 24:00 UTC, Los
    // Angeles is a day behind).
    let beijing_today = || (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let before = beijing_today();
    let s = Shine::new();
    s.branch("b2", &[m("x1")]);
    let quarter = shine_engine::domain::Quarter::of(before).to_string();
    s.args(["quarter", "open", "--branch", "b2", "--quarter", &quarter]).ok();
    let out = std::process::Command::new(bin())
        .env_clear()
        .env("TZ", "America/Los_Angeles")
        .env("NO_COLOR", "1")
        .current_dir(s.dir())
        .args(["--json", "--store"])
        .arg(s.store_dir())
        .arg("--rules")
        .arg(s.rules_dir())
        .args(["deed", "add", "--member", "x1", "--kind", "带头学习提高", "--text", "完成党史学习"])
        .output()
        .expect("run shine");
    let after = beijing_today();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let deed: Value = serde_json::from_slice(&out.stdout).expect("json");
    let dated = deed["deed"]["date"].as_str().unwrap_or_default().to_owned();
    assert!(dated == before.to_string() || dated == after.to_string(), "{deed} (Beijing: {before})");
}
