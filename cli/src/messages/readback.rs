//! What the secretary wrote, read back in Chinese: a deed with its kind and form, the
//! comment and its confirmation (点评确认), the emphasis for a member's category, the
//! special meeting's record, and the advisories that did not hold (warnings).

use super::words::{decision, rule_line};
use shine_engine::ops::history::QuarterRecord;
use shine_engine::ops::readback::{CommentEntry, DeedEntry, MeetingRecord, Register};
use shine_engine::tally::Outcome;
use shine_engine::refs::Labelled;
use shine_engine::rules::{Decision, Emphasis};

/// A variant by its label when it has one: `无故缺席`, `创新的工作举措`.
pub fn label(v: &Labelled) -> &str {
    v.label.as_deref().unwrap_or(&v.name)
}

/// `2026-10-20 带头服务群众（做过的事）：为独居老人上门维修家电`.
pub fn deed(d: &DeedEntry) -> String {
    let form = d.form.as_ref().map(|f| format!("·{}", label(f))).unwrap_or_default();
    format!("{} {}{form}：{}", d.date, label(&d.kind), d.text)
}

/// `点评：… （点评确认：王书记，党支部书记，2026-12-15 10:00）`.
pub fn comment(c: &CommentEntry) -> String {
    let at = c.at.at().format("%Y-%m-%d %H:%M");
    let by = if c.by.is_empty() { c.role.title.clone() } else { format!("{}，{}", c.by, c.role.title) };
    format!("{}（点评确认：{by}，{at}）", c.text)
}

/// `§3.1 教师党员主要体现在教书育人、服务学校发展上`.
pub fn emphasis(e: &Emphasis) -> String {
    format!("{} {}", e.clause, e.text)
}

/// The line after a deed or comment is recorded: the emphasis, when the rules have one.
pub fn emphasis_note(e: Option<&Emphasis>) -> String {
    match e {
        Some(e) => format!("\n本类党员闪光言行的重点：{}", emphasis(e)),
        None => String::new(),
    }
}

/// One member's page of the certificate for a quarter, indented.
pub fn register(r: &Register, indent: &str) -> String {
    let mut h = String::new();
    if let Some(e) = &r.emphasis {
        h.push_str(&format!("{indent}重点：{}\n", emphasis(e)));
    }
    if r.deeds.is_empty() {
        match &r.no_deed_reason {
            Some(why) => h.push_str(&format!("{indent}闪光言行：未登记（理由：{why}）\n")),
            None => h.push_str(&format!("{indent}闪光言行：未登记\n")),
        }
    } else {
        h.push_str(&format!("{indent}闪光言行：\n"));
        for d in &r.deeds {
            h.push_str(&format!("{indent}  {}. {}\n", d.number, deed(d)));
        }
    }
    let attended = r.attendance.as_ref().map(label).unwrap_or("未登记");
    let presented = if r.presented { "已作介绍交流" } else { "未作介绍交流" };
    h.push_str(&format!("{indent}支部会议：{attended}，{presented}\n"));
    match &r.comment {
        Some(c) => h.push_str(&format!("{indent}支部点评：{}\n", comment(c))),
        None => h.push_str(&format!("{indent}支部点评：尚未点评\n")),
    }
    h
}

/// The special meeting's record: date and report, attendance by name and status,
/// guests, comments, and the warnings.
pub fn meeting(m: &MeetingRecord) -> String {
    let mut h = String::from("专题组织生活会：");
    match m.date {
        Some(date) => {
            h.push_str(&format!("{date} 召开"));
            let to = m.reported_to.as_ref().map(|u| format!("向「{}」", u.name)).unwrap_or_default();
            match m.reported_at {
                Some(at) => h.push_str(&format!("，{} {to}报告\n", at.at().format("%Y-%m-%d"))),
                None => h.push_str(&format!("，已{to}报告\n")),
            }
        }
        None => h.push_str("尚未报告会议日期\n"),
    }
    if m.attendance.is_empty() {
        h.push_str("  到会情况：尚未登记\n");
    } else {
        // Grouped by status, in the order the statuses first appear.
        let mut groups: Vec<(&Labelled, Vec<&str>)> = Vec::new();
        for (member, status) in &m.attendance {
            match groups.iter_mut().find(|(s, _)| s.name == status.name) {
                Some((_, names)) => names.push(&member.name),
                None => groups.push((status, vec![&member.name])),
            }
        }
        let parts: Vec<String> = groups.iter().map(|(s, names)| format!("{} {} 人（{}）", label(s), names.len(), names.join("、"))).collect();
        h.push_str(&format!("  到会情况：{}\n", parts.join("；")));
    }
    let names = |list: &[String]| if list.is_empty() { "无".to_owned() } else { list.join("、") };
    h.push_str(&format!(
        "  入党积极分子：{}；党外群众代表：{}；上级党组织派员：{}\n",
        names(&m.activists),
        names(&m.observers),
        m.delegate.as_deref().unwrap_or("无")
    ));
    h.push_str(&format!("  支部点评：{} 人\n", m.comments));
    h.push_str(&warnings(&m.warnings));
    h
}

/// Advisories that did not hold: `提醒：§3.2 …`, each with its values.
pub fn warnings(list: &[Decision<bool>]) -> String {
    list.iter()
        .map(|d| format!("⚠ 提醒（不影响办理）：{}\n", rule_line(&d.rule)) + decision(d, "    ").split_once('\n').map(|x| x.1).unwrap_or(""))
        .collect()
}

/// The exclusions of a member's quarter, each with its clause and rule, and those the
/// viewer may not see (`withheld`, see `MemberHistory::disclosed_to`) only counted.
pub fn exclusions(q: &QuarterRecord) -> String {
    if q.exclusions.is_empty() && q.withheld == 0 {
        return "无".into();
    }
    let mut lines: Vec<String> = q.exclusions.iter().map(|e| format!("{} {}（规则 `{}`）", e.rule.clause, e.text, e.rule.name)).collect();
    if q.withheld > 0 {
        lines.push(withheld_line(q.withheld));
    }
    lines.join("\n")
}

/// What a viewer sees of `n` exclusions the workflow file restricts to other roles.
pub fn withheld_line(n: usize) -> String {
    format!("另有 {n} 项不能评选的情形（按本校规定，条款和记录只向有权查看的组织显示）")
}

/// Whether the member was starred in a quarter, or it is not settled yet.
pub fn star(q: &QuarterRecord) -> &'static str {
    // Out once the quarter is finished, once excluded from a fixed ballot, or once
    // tallied without a tie that a runoff is still to settle.
    let settled = q.finished
        || (q.ballot_fixed && !q.on_ballot)
        || q.rounds.last().is_some_and(|r| r.outcome != Outcome::Tied);
    match (q.star, settled) {
        (true, _) => "当选",
        (false, true) => "未当选",
        (false, false) => "尚未确定",
    }
}
