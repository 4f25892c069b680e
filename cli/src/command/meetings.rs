//! `shine meetings`: what the branches under a superior reported of their special
//! meetings (§4.2.a) — the meeting date, the day of the report, how many days ahead,
//! and the delegate the superior sends.

use crate::context::Context;
use crate::failure::Result;
use crate::messages::meeting::{days_ahead, delegate_line};
use crate::render::{table, Output};
use shine_engine::domain::Quarter;

pub fn list(ctx: &Context, unit: &str, quarter: Option<&str>) -> Result<Output> {
    let shine = ctx.shine()?;
    let quarter = match quarter {
        Some(q) => ctx.quarter(q)?,
        None => Quarter::of(ctx.today()),
    };
    let m = shine.meetings(unit, quarter)?;
    let mut t = table(&["党支部", "会议日期", "报告日期", "提前", "上级派员"]);
    for row in &m.rows {
        let branch = format!("{}（{}）", row.branch.name, row.branch.id);
        let cells = match (&row.report, row.opened) {
            (_, false) => vec![branch, "本季度尚未开启".to_owned(), String::new(), String::new(), String::new()],
            (None, true) => vec![branch, "尚未报告".to_owned(), String::new(), String::new(), "尚未确定".to_owned()],
            (Some(r), true) => vec![
                branch,
                r.date.map(|d| d.to_string()).unwrap_or_else(|| "尚未报告".to_owned()),
                r.reported_on.map(|d| d.to_string()).unwrap_or_default(),
                r.days_ahead.map(days_ahead).unwrap_or_default(),
                delegate_line(r).trim_start_matches("上级派员：").to_owned(),
            ],
        };
        t.add_row(cells);
    }
    let human = if m.rows.is_empty() {
        format!("「{}」（{}）下没有开展季度评选的党支部", m.unit.name, m.unit.id)
    } else {
        format!(
            "「{}」（{}）所属党支部 {} 季度专题组织生活会（§4.2.a）：\n{t}\n确定列席人员：`shine meeting delegate --branch <支部> --name <姓名> --as <上级角色>`",
            m.unit.name, m.unit.id, m.quarter
        )
    };
    Ok(Output::new(human, m))
}
