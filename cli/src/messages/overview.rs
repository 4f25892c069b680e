//! The overview of a quarter across the university, in Chinese: the stage of each
//! branch, the step of each reporting unit, and the counts at the top.

use super::meeting::days_ahead;
use super::words;
use crate::render::table;
use shine_engine::ops::overview::{BranchRow, LevelRow, Overview, Stage};

/// The stage of a branch's quarter, as a few words.
pub fn stage(s: Stage) -> &'static str {
    match s {
        Stage::NotOpened => "尚未开启",
        Stage::Opened => "已开启",
        Stage::MeetingReported => "已报告专题组织生活会",
        Stage::Met => "已召开专题组织生活会",
        Stage::Tallied => "已计票",
        Stage::Filed => "已报上级备案",
        Stage::Received => "上级已汇总",
        Stage::Forwarded => "上级已报送",
    }
}

fn meeting_cell(b: &BranchRow) -> String {
    match b.meeting.as_ref().and_then(|m| Some((m.date?, m.days_ahead?))) {
        Some((date, ahead)) => format!("{date}（{}）", days_ahead(ahead)),
        None if b.stage == Stage::NotOpened => String::new(),
        None => "尚未报告".to_owned(),
    }
}

fn branch_row(b: &BranchRow) -> Vec<String> {
    let mut now = stage(b.stage).to_owned();
    if let Some(w) = &b.waiting {
        now.push_str(&format!("（{}）", words::waiting(w)));
    }
    vec![
        format!("{}（{}）", b.branch.name, b.branch.id),
        b.reports_to.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
        now,
        b.step.as_ref().map(|s| s.title.clone()).unwrap_or_default(),
        meeting_cell(b),
        b.stars.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("、"),
    ]
}

fn level_row(l: &LevelRow) -> Vec<String> {
    let at = match (&l.at, &l.forwarded) {
        (None, Some(f)) => format!("已于 {} 报送 {} 名", f.at.date(), f.count),
        (None, None) => "各环节已完成".to_owned(),
        (Some(step), _) => {
            let missing: Vec<String> = step.missing.iter().map(words::missing).collect();
            let lacks = if missing.is_empty() { String::new() } else { format!("：{}", missing.join("；")) };
            format!("{}（{}）{lacks}", step.title, step.clause)
        }
    };
    vec![
        format!("{}（{}）", l.unit.name, l.unit.id),
        l.level.title.clone(),
        format!("{}/{}", l.steps_done, l.steps),
        at,
        l.stars.to_string(),
    ]
}

/// The whole overview for people.
pub fn text(o: &Overview) -> String {
    let n = o.branches.len();
    let mut h = format!("「{}」（{}）{} 季度进度一览（截至 {}）\n", o.unit.name, o.unit.id, o.quarter, o.today);
    if n == 0 {
        h.push_str("其下没有开展季度评选的党支部\n");
    } else {
        h.push_str(&format!(
            "党支部 {n} 个：已开启 {}，已报告专题组织生活会 {}，已召开 {}，已计票 {}，已报上级备案 {}\n",
            o.at_least(Stage::Opened),
            o.at_least(Stage::MeetingReported),
            o.at_least(Stage::Met),
            o.at_least(Stage::Tallied),
            o.at_least(Stage::Filed),
        ));
        let mut t = table(&["党支部", "上级", "进度", "当前环节", "专题组织生活会", "当选"]);
        for b in &o.branches {
            t.add_row(branch_row(b));
        }
        h.push_str(&format!("{t}\n"));
    }
    if !o.levels.is_empty() {
        let mut t = table(&["组织", "层级", "已完成环节", "当前环节", "汇总的“闪光言行之星”"]);
        for l in &o.levels {
            t.add_row(level_row(l));
        }
        h.push_str(&format!("逐级报送（§4.2.b）：\n{t}\n"));
    }
    h
}
