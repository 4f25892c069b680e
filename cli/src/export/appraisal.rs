//! `shine export appraisal`: the results of one member, or of every member of a
//! branch, over a range of quarters (an appraisal year, a congress term), as §4.2.c
//! makes them the basis of 民主评议, 评优评先 and 推选党代表 — per member the quarters held,
//! the stars, the exclusions with their clause (withheld, as the workflow file says, from
//! a role that may not see them), the picks upward and the public display; then quarter
//! by quarter.

use super::document::{Block, Cell, Field, Page, Table};
use super::{Document, Export};
use crate::command::member::trail;
use crate::context::Context;
use crate::failure::Result;
use crate::messages::readback::withheld_line;
use shine_engine::ops::appraisal::{AppraisalQuarter, AppraisalSubject};
use shine_engine::workflow::Disclosed;

pub fn build(ctx: &Context, member: Option<&str>, branch: Option<&str>, from: &str, to: &str) -> Result<Export> {
    let shine = ctx.shine()?;
    let (from, to) = (ctx.quarter(from)?, ctx.quarter(to)?);
    let subject = match (member, branch) {
        (Some(m), _) => AppraisalSubject::Member(m),
        (None, Some(b)) => AppraisalSubject::Branch(b),
        (None, None) => return Err(crate::fail!("appraisal_subject", help = "加 --member <党员> 或 --branch <支部>", "没有说明导出谁的评选结果")),
    };
    let viewer = ctx.viewer(Some(shine.current()))?;
    let a = shine.appraisal(subject, from, to, viewer.as_deref(), ctx.today())?;
    let title = "党员“闪光言行之星”评选结果".to_owned();
    let whose = match (&a.branch, a.members.first()) {
        (Some(b), _) => b.name.clone(),
        (None, Some(m)) => format!("{}（{}）", m.member.name, m.branch.name),
        (None, None) => String::new(),
    };
    let heading = vec![
        Field::new(if a.branch.is_some() { "党支部：" } else { "党员：" }, whose.clone()),
        Field::new("期间：", format!("{from} 至 {to}")),
        Field::new("用途：", "党员民主评议、评优评先、推选各级党代表、选配党组织班子成员的重要依据（§4.2.c）"),
    ];

    let mut summary = Page::new("汇总", title.clone());
    summary.heading = heading.clone();
    let mut t = Table::new(&[("序号", 6.0), ("党员", 14.0), ("党员身份", 10.0), ("评选季度", 10.0), ("当选", 8.0), ("不能评选", 10.0), ("被推荐为典型", 12.0), ("公开展示", 10.0)]);
    for (i, m) in a.members.iter().enumerate() {
        let x = &m.totals;
        t.row(vec![Cell::from(i + 1), m.member.name.as_str().into(), m.member.identity.as_str().into(), x.quarters.into(), x.stars.into(), x.excluded.into(), x.picked.into(), x.displayed.into()]);
    }
    summary.blocks.push(Block::Table(t));
    summary.notes = vec!["“评选季度”为所在党支部在期间内开展评选的季度数；“不能评选”为有通知第三部分第 4 条所列情形的季度数；“被推荐为典型”为党总支、党委组织部推荐的次数。".into()];
    summary.signatures = vec!["审核人（签字）：".into()];

    let mut detail = Page::new("逐季度", title.clone());
    detail.heading = heading;
    detail.landscape = true;
    let mut t = Table::new(&[("党员", 12.0), ("季度", 10.0), ("党支部", 18.0), ("候选人", 9.0), ("当选", 10.0), ("不能评选的情形", 36.0), ("逐级推荐", 40.0), ("公开展示", 10.0)]);
    // Quarters no branch of any member held: one note, not a row per member.
    let shared = a.members.first().map(|m| m.not_held.clone()).filter(|first| a.members.iter().all(|m| &m.not_held == first)).unwrap_or_default();
    for m in &a.members {
        for q in &m.quarters {
            t.row(vec![
                m.member.name.as_str().into(),
                q.quarter.to_string().into(),
                q.branch.name.as_str().into(),
                yes(q.on_ballot).into(),
                star(q).into(),
                exclusions(q).into(),
                trail(&q.upward).into(),
                yes(q.displayed).into(),
            ]);
        }
        if !m.not_held.is_empty() && m.not_held != shared {
            let list: Vec<String> = m.not_held.iter().map(ToString::to_string).collect();
            t.row(vec![m.member.name.as_str().into(), list.join("、").into(), Cell::Empty, Cell::Empty, Cell::Empty, "所在党支部未开展评选".into(), Cell::Empty, Cell::Empty]);
        }
    }
    detail.blocks.push(Block::Table(t));
    if !shared.is_empty() {
        let list: Vec<String> = shared.iter().map(ToString::to_string).collect();
        detail.notes.push(format!("{} 所在党支部未开展评选。", list.join("、")));
    }
    let text = format!("{whose} {from} 至 {to} 的评选结果（{} 名党员）", a.members.len());
    Ok(Export { doc: Document { title: format!("{title} {whose} {from}-{to}"), pages: vec![summary, detail] }, summary: text })
}

fn yes(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

fn star(q: &AppraisalQuarter) -> &'static str {
    match (q.star, q.finished) {
        (true, _) => "当选",
        (false, true) => "未当选",
        (false, false) => "尚未确定",
    }
}

/// The exclusions shown with their clause; those withheld from the viewer counted.
fn exclusions(q: &AppraisalQuarter) -> String {
    let mut lines: Vec<String> = q.exclusions.iter().filter_map(Disclosed::shown).map(|e| format!("{} {}", e.rule.clause, e.text)).collect();
    let withheld = q.exclusions.iter().filter(|e| e.shown().is_none()).count();
    if withheld > 0 {
        lines.push(withheld_line(withheld));
    }
    if lines.is_empty() { "无".into() } else { lines.join("\n") }
}
