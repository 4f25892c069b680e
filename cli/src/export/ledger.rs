//! `shine export ledger`: a branch's 台帐 for a quarter or a year — per quarter one
//! form: the special meeting's record (report date and meeting date, the superior's
//! delegate, attendance by name and status, activists and observers), each member's
//! deeds and the secretary's comment, each ballot round's figures, tellers and ranking,
//! the exclusions with their clause and reason, and the stars with where they were filed.

use super::document::{Block, Cell, Field, Page, Table};
use super::{period_label, Document, Export};
use crate::command::stars::ranking_cells;
use crate::context::Context;
use crate::failure::Result;
use crate::messages::meeting::{figures, report_lines, tellers};
use crate::messages::readback::{comment, deed, label, withheld_line};
use crate::messages::{values, words};
use shine_engine::domain::{MemberId, Quarter};
use shine_engine::ops::org::unit_id;
use shine_engine::ops::readback::{MeetingRecord, Register};
use shine_engine::ops::views::Ledger;
use shine_engine::refs::MemberRef;

pub fn build(ctx: &Context, branch: &str, quarters: &[Quarter]) -> Result<Export> {
    let engine = ctx.engine()?;
    let archive = engine.archive();
    let id = unit_id(branch)?;
    let opened = archive.quarters(&id)?;
    let unit = archive.org()?.unit(branch).map(|u| u.name.clone()).unwrap_or_else(|| branch.to_owned());
    let title = format!("{unit}党员“闪光言行之星”评选台帐");
    let viewer = ctx.viewer(engine.current())?;
    let shows = |clause: &str| engine.current().is_none_or(|c| c.workflow.shows(viewer.as_deref(), clause));
    let mut pages = Vec::new();
    let mut held = 0;
    for &q in quarters {
        if !opened.contains(&q) {
            // A year's ledger names the quarters not opened, so the gap is on paper too.
            if quarters.len() > 1 {
                let mut page = Page::new(q.to_string(), title.clone());
                page.heading = vec![Field::new("季度：", q.to_string())];
                page.blocks.push(Block::Text("本季度尚未开启评选，没有台帐记录。".into()));
                pages.push(page);
            }
            continue;
        }
        let ledger = archive.ledger(engine.current(), branch, Some(q), ctx.today())?;
        let registers = archive.registers(engine.current(), branch, Some(q))?;
        pages.push(quarter_page(&title, &ledger, &registers, &shows));
        held += 1;
    }
    if held == 0 {
        // Checked by the engine: an unknown branch is refused there, with its hint.
        archive.ledger(engine.current(), branch, quarters.first().copied(), ctx.today())?;
    }
    let period = period_label(quarters);
    let summary = format!("「{unit}」{period}的评选台帐（{held} 个季度）");
    Ok(Export { doc: Document { title: format!("{title} {period}"), pages }, summary })
}

/// One quarter's ledger; `shows`: whether the reader may see an exclusion under a clause.
fn quarter_page(title: &str, l: &Ledger, registers: &[(MemberRef, Register)], shows: &dyn Fn(&str) -> bool) -> Page {
    let mut page = Page::new(l.quarter.to_string(), title);
    page.landscape = true;
    page.heading = vec![
        Field::new("党支部：", format!("{}（{}）", l.branch.name, l.branch.id)),
        Field::new("季度：", format!("{}（{}）", l.quarter, l.state.title)),
        Field::new("党员人数：", format!("{} 人；名额 {} 名（{}）", l.members, l.quota.value, words::citation(&l.quota.rule))),
    ];
    page.blocks.push(Block::Heading("一、专题组织生活会".into()));
    page.blocks.push(Block::Fields(meeting_fields(l)));
    page.blocks.push(Block::Table(attendance(&l.meeting)));
    page.blocks.push(Block::Heading("二、党员“闪光言行”交流与点评".into()));
    page.blocks.push(Block::Table(deeds(registers)));
    page.blocks.push(Block::Heading("三、不能评选的党员（§3.4）".into()));
    if l.excluded.is_empty() {
        page.blocks.push(Block::Text("无".into()));
    } else {
        let mut t = Table::new(&[("党员", 12.0), ("条款", 12.0), ("情形", 44.0), ("依据", 40.0)]);
        for (m, entries) in &l.excluded {
            let (seen, withheld): (Vec<_>, Vec<_>) = entries.iter().partition(|e| shows(&e.rule.clause));
            for e in seen {
                t.row(vec![m.name.as_str().into(), e.rule.clause.as_str().into(), e.rule.text.as_str().into(), values::deciding(&e.witnesses).join("；").into()]);
            }
            if !withheld.is_empty() {
                t.row(vec![m.name.as_str().into(), Cell::Empty, withheld_line(withheld.len()).into(), Cell::Empty]);
            }
        }
        page.blocks.push(Block::Table(t));
    }
    page.blocks.push(Block::Heading("四、无记名投票民主推荐".into()));
    if l.rounds.is_empty() {
        page.blocks.push(Block::Text("尚未投票".into()));
    }
    for r in &l.rounds {
        let how = if r.paper { "纸质选票" } else { "电子投票码" };
        let mut fields = vec![Field::new(format!("第 {} 轮", r.round), format!("{how}，名额 {} 名；{}", r.seats, figures(&r.figures)))];
        if r.paper {
            fields.push(Field::new("监票、计票", tellers(&r.scrutineers, &r.counters)));
        }
        for a in &r.held_again {
            fields.push(Field::new("重新投票", format!("原发出 {}、收回 {} 张选票作废封存，不计票（理由：{}）", a.issued, a.returned, a.reason)));
        }
        page.blocks.push(Block::Fields(fields));
        match &r.selection {
            Some(s) => {
                let name = |id: &MemberId| r.candidates.iter().find(|c| &c.id == id).map(|c| c.name.clone()).unwrap_or_else(|| id.to_string());
                let mut t = Table::new(&[("名次", 6.0), ("候选人", 14.0), ("得票", 8.0), ("倾斜优先", 10.0), ("计入上限", 10.0), ("结果", 24.0)]);
                for row in ranking_cells(s.ranking.iter(), name) {
                    let mut cells: Vec<Cell> = row.into_iter().map(Cell::from).collect();
                    for i in [0, 2] {
                        if let Some(Cell::Text(n)) = cells.get(i) {
                            if let Ok(n) = n.parse::<i64>() {
                                cells[i] = Cell::Number(n);
                            }
                        }
                    }
                    t.row(cells);
                }
                page.blocks.push(Block::Table(t));
            }
            None => page.blocks.push(Block::Text(format!("第 {} 轮投票中", r.round))),
        }
    }
    page.blocks.push(Block::Heading("五、评选结果".into()));
    let stars = if l.stars.is_empty() { "尚无当选人".to_owned() } else { l.stars.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("、") };
    let mut result = vec![Field::new("当选“闪光言行之星”", stars)];
    if let Some(Some(to)) = &l.reported {
        result.push(Field::new("报上级备案", format!("「{}」", to.name)));
    }
    page.blocks.push(Block::Fields(result));
    page.signatures = vec!["党支部书记（签字）：".into(), "记录人（签字）：".into()];
    page
}

fn meeting_fields(l: &Ledger) -> Vec<Field> {
    let m = &l.meeting;
    let names = |list: &[String]| if list.is_empty() { "无".to_owned() } else { list.join("、") };
    let mut fields = Vec::new();
    match &l.meeting_report {
        Some(report) => fields.extend(report_lines(report).into_iter().map(|line| match line.split_once('：') {
            Some((k, v)) => Field::new(k, v),
            None => Field::new("", line),
        })),
        None => fields.push(Field::new("会议日期", m.date.map(|d| d.to_string()).unwrap_or_else(|| "尚未报告".into()))),
    }
    let present = m.attendance.iter().filter(|(_, s)| s.name == "present").count();
    fields.push(Field::new("到会", format!("应到 {} 人，已登记 {} 人，其中出席 {present} 人", l.members, m.attendance.len())));
    fields.push(Field::new("列席的入党积极分子", names(&m.activists)));
    fields.push(Field::new("列席的党外群众代表", names(&m.observers)));
    fields.push(Field::new("上级党组织列席人员", m.delegate.clone().unwrap_or_else(|| "无".into())));
    fields
}

/// Attendance by name, three members to a row so that a branch fits on a sheet.
fn attendance(m: &MeetingRecord) -> Table {
    const ACROSS: usize = 3;
    let columns: Vec<(&str, f64)> = (0..ACROSS).flat_map(|_| [("序号", 6.0), ("党员", 14.0), ("出席情况", 12.0)]).collect();
    let mut t = Table::new(&columns);
    let numbered: Vec<(usize, &(MemberRef, shine_engine::refs::VariantRef))> = m.attendance.iter().enumerate().collect();
    for chunk in numbered.chunks(ACROSS) {
        let mut cells = Vec::new();
        for (i, (member, status)) in chunk {
            cells.extend([Cell::from(i + 1), member.name.as_str().into(), label(status).into()]);
        }
        cells.resize(ACROSS * 3, Cell::Empty);
        t.row(cells);
    }
    t
}

fn deeds(registers: &[(MemberRef, Register)]) -> Table {
    let mut t = Table::new(&[("序号", 6.0), ("党员", 12.0), ("闪光言行", 50.0), ("交流", 10.0), ("支部点评及确认", 40.0)]);
    for (i, (member, r)) in registers.iter().enumerate() {
        let deeds = match (r.deeds.is_empty(), &r.no_deed_reason) {
            (false, _) => r.deeds.iter().map(|d| format!("{}. {}", d.number, deed(d))).collect::<Vec<_>>().join("\n"),
            (true, Some(why)) => format!("未登记（理由：{why}）"),
            (true, None) => "未登记".into(),
        };
        let presented = if r.presented { "已交流" } else { "未交流" };
        let said = r.comment.as_ref().map(comment).unwrap_or_else(|| "尚未点评".into());
        t.row(vec![Cell::from(i + 1), member.name.as_str().into(), deeds.into(), presented.into(), said.into()]);
    }
    t
}
