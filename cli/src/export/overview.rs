//! `shine export overview`: the Organization Department's figures for a quarter or a
//! year — the stars per reporting unit and per identity, quarter by quarter and in all;
//! the stars on each side of §3.4's lean toward ordinary members (as the rules' `prefer`
//! and `cap` decide it, with the roles the stars held), to show the lean works; and the
//! branches that have not opened the quarter, reported or held the special meeting.

use super::document::{Block, Cell, Field, Page, Table};
use super::{Document, Export};
use crate::context::Context;
use crate::failure::Result;
use crate::messages::readback::label;
use crate::messages::words::citation;
use shine_engine::domain::Period;
use shine_engine::ops::report::{LeanSide, QuarterStars, Share, StarsReport};

pub fn build(ctx: &Context, period: Period) -> Result<Export> {
    let shine = ctx.shine()?;
    let r = shine.stars_report(period, ctx.today())?;
    let named = match period {
        Period::Quarter(q) => format!("{q} 季度"),
        Period::Year(y) => format!("{y} 年度"),
    };
    let title = "党员“闪光言行之星”评选情况统计".to_owned();
    let mut page = Page::new("统计", title.clone());
    page.landscape = r.quarters.len() > 1;
    page.heading = vec![Field::new("党委：", r.top.name.clone()), Field::new("期间：", named.clone()), Field::new("“闪光言行之星”：", format!("{} 名", r.total.stars))];
    let quarters: Vec<String> = r.quarters.iter().map(|q| q.quarter.to_string()).collect();
    let several = r.quarters.len() > 1;

    page.blocks.push(Block::Heading("一、各党总支（直属党支部）的“闪光言行之星”".into()));
    page.blocks.push(Block::Table(by(&r, &quarters, several, "单位", |q| q.stars.by_unit.iter().map(|u| (u.unit.name.clone(), u.stars)).collect())));
    page.blocks.push(Block::Heading("二、各类党员的“闪光言行之星”".into()));
    page.blocks.push(Block::Table(by(&r, &quarters, several, "党员身份", |q| q.stars.by_identity.iter().map(|i| (label(&i.identity).to_owned(), i.stars)).collect())));

    page.blocks.push(Block::Heading("三、向普通党员倾斜（§3.4）".into()));
    let mut t = Table::new(&[("类别", 36.0), ("人数", 8.0), ("占比", 10.0), ("当选者的职务", 30.0)]);
    let lean = &r.total.lean;
    let sides: [(&str, &LeanSide); 3] = [("倾斜对象", &lean.preferred), ("计入名额上限的", &lean.capped), ("其他", &lean.neither)];
    for (name, side) in sides {
        let roles: Vec<&str> = side.roles.iter().map(label).collect();
        t.row(vec![name.into(), side.stars.count.into(), share(side.stars), roles.join("、").into()]);
    }
    page.blocks.push(Block::Table(t));
    let mut rules = Vec::new();
    if let Some(p) = &r.prefer {
        rules.push(format!("倾斜对象：{}（{}）", p.text, citation(p)));
    }
    if let Some(c) = &r.cap {
        rules.push(format!("计入名额上限的：{}（{}）", c.text, citation(c)));
    }
    page.blocks.extend(rules.into_iter().map(Block::Text));

    page.blocks.push(Block::Heading("四、尚未开启、报告或召开专题组织生活会的党支部".into()));
    let mut t = Table::new(&[("季度", 9.0), ("开展评选的党支部", 10.0), ("尚未开启", 12.0), ("未向上级报告专题组织生活会（§4.2.a）", 18.0), ("已报告、尚未召开", 12.0)]);
    // Counts here; the branches one a row on the next page (a university has thousands,
    // more than a cell holds).
    let mut behind = Page::new("未开展的党支部", "尚未开启、报告或召开专题组织生活会的党支部");
    behind.heading = vec![Field::new("党委：", r.top.name.clone()), Field::new("期间：", named.clone())];
    let mut list = Table::new(&[("季度", 10.0), ("党支部", 40.0), ("情况", 36.0)]);
    for q in &r.quarters {
        t.row(vec![q.quarter.to_string().into(), q.branches.into(), q.not_opened.len().into(), q.meeting_not_reported.len().into(), q.not_met.len().into()]);
        for (branches, stage) in [(&q.not_opened, "尚未开启"), (&q.meeting_not_reported, "未向上级报告专题组织生活会"), (&q.not_met, "已报告，尚未召开")] {
            for b in branches {
                list.row(vec![q.quarter.to_string().into(), b.name.as_str().into(), stage.into()]);
            }
        }
    }
    page.blocks.push(Block::Table(t));
    page.signatures = vec!["党委组织部（盖章）　　　　　　　　填报日期：　　　　年　　月　　日".into()];
    let mut pages = vec![page];
    if !list.rows.is_empty() {
        behind.blocks.push(Block::Table(list));
        pages.push(behind);
    }
    let summary = format!("{named}的评选情况统计（“闪光言行之星” {} 名）", r.total.stars);
    Ok(Export { doc: Document { title: format!("{title} {named}"), pages }, summary })
}

/// A table of stars by something (unit, identity): a column per quarter when there are
/// several, then the total with its share.
fn by(r: &StarsReport, quarters: &[String], several: bool, what: &str, rows: impl Fn(&QuarterStars) -> Vec<(String, Share)>) -> Table {
    let mut columns: Vec<(&str, f64)> = vec![(what, 30.0)];
    if several {
        columns.extend(quarters.iter().map(|q| (q.as_str(), 9.0)));
    }
    columns.extend([("合计", 8.0), ("占比", 10.0)]);
    let mut t = Table::new(&columns);
    let totals = rows_of_total(r, &rows);
    for (name, total) in &totals {
        let mut cells: Vec<Cell> = vec![name.as_str().into()];
        if several {
            for q in &r.quarters {
                let n = rows(q).into_iter().find(|(n, _)| n == name).map(|(_, s)| s.count).unwrap_or(0);
                cells.push(n.into());
            }
        }
        cells.push(total.count.into());
        cells.push(share(*total));
        t.row(cells);
    }
    let mut sum: Vec<Cell> = vec!["合计".into()];
    if several {
        sum.extend(r.quarters.iter().map(|q| Cell::from(q.stars.stars)));
    }
    sum.push(r.total.stars.into());
    sum.push(Cell::Empty);
    t.totals = Some(sum);
    t
}

/// The rows of the period's total, in the report's order.
fn rows_of_total(r: &StarsReport, rows: &impl Fn(&QuarterStars) -> Vec<(String, Share)>) -> Vec<(String, Share)> {
    let whole = QuarterStars { quarter: r.quarters.first().map(|q| q.quarter).unwrap_or_else(|| shine_engine::domain::Quarter::of(chrono::NaiveDate::MIN)), stars: r.total.clone(), branches: 0, not_opened: Vec::new(), meeting_not_reported: Vec::new(), not_met: Vec::new() };
    rows(&whole)
}

fn share(s: Share) -> Cell {
    match s.percent() {
        Some(p) => Cell::Share(p / 100.0),
        None => Cell::Empty,
    }
}
