//! `shine life` (organizational-life attendance history) and `shine finding`
//! (conduct findings under an exclusion clause, and closing them).

use crate::args::{FindingCommand, LifeCommand};
use crate::command::parse_date;
use crate::context::Context;
use crate::csv_file::{self, Column, Problems, Row};
use crate::failure::Result;
use crate::render::Output;
use shine_engine::facts::{Finding, LifeRecord};
use shine_engine::ops::findings::Close;
use shine_engine::text::Text;

pub fn life(ctx: &Context, command: LifeCommand) -> Result<Output> {
    let shine = ctx.shine()?;
    let actor = ctx.actor(Some(shine.current()))?;
    match command {
        LifeCommand::Add { member, date, status, note } => {
            let record = LifeRecord { date: parse_date(&date, "日期")?, status: status.into() };
            shine.record_life(&actor, vec![(member.clone(), record.clone(), note)])?;
            Ok(Output::new(format!("已记录 {member} {} 组织生活：{}", record.date, record.status), record))
        }
        LifeCommand::Import { file } => {
            let (records, lines) = parse_life(&file.display().to_string(), &csv_file::bytes(&file)?)?;
            let total = records.len();
            let n = shine.record_life(&actor, records).map_err(|r| csv_file::at_lines(r.into(), &lines))?;
            let human = format!("文件中 {total} 条组织生活记录，新增 {n} 条（已有的记录不重复记入）");
            Ok(Output::new(human, serde_json::json!({ "rows": total, "imported": n })))
        }
    }
}

/// The columns of a life file.
const LIFE: [Column; 4] = [
    Column { names: &["党员编号", "member", "member_id", "编号", "姓名"], required: true, text: Text::MemberName },
    Column { names: &["日期", "date"], required: true, text: Text::Value },
    Column { names: &["出席情况", "status"], required: true, text: Text::Value },
    Column { names: &["备注", "note"], required: false, text: Text::LifeNote },
];

/// The records of a life file's bytes (see [`csv_file`]): (member, record, note),
/// all rows or none; and the file's line of each.
#[allow(clippy::type_complexity)]
pub fn parse_life(file: &str, bytes: &[u8]) -> Result<(Vec<(String, LifeRecord, String)>, Vec<u64>)> {
    let rows = csv_file::read(file, bytes, &LIFE)?;
    let mut records = Vec::new();
    let mut lines = Vec::new();
    let mut problems = Problems::new(file);
    for Row { line, cells } in rows {
        let [member, date, status, note] = [0, 1, 2, 3].map(|i| cells.get(i).cloned().unwrap_or_default());
        for (value, column) in [(&member, "党员编号"), (&date, "日期"), (&status, "出席情况")] {
            if value.is_empty() {
                problems.at(line, column, "为空");
            }
        }
        match parse_date(&date, "日期") {
            Ok(date) => {
                lines.push(line);
                records.push((member, LifeRecord { date, status: status.into() }, note));
            }
            Err(_) if date.is_empty() => {}
            Err(_) => problems.at(line, "日期", format_args!("`{date}` 不是有效日期，应写作 2026-10-15")),
        }
    }
    problems.finish("每行一条记录：党员编号,日期,出席情况,备注")?;
    if records.is_empty() {
        return Err(crate::fail!("csv_empty", help = "表头之下每行一条记录", "文件 `{file}` 没有记录"));
    }
    Ok((records, lines))
}

pub fn finding(ctx: &Context, command: FindingCommand) -> Result<Output> {
    let (member, clause, date, evidence, open, until) = match command {
        FindingCommand::Add { member, clause, date, evidence, open, until } => (member, clause, date, evidence, open, until),
        FindingCommand::Close { member, clause, date, on, reason, note } => return close(ctx, member, clause, &date, &on, reason, note),
    };
    let shine = ctx.shine()?;
    let finding = Finding {
        clause: clause.into(),
        date: parse_date(&date, "日期")?,
        evidence,
        open,
        until: until.as_deref().map(|u| parse_date(u, "处分期截止日期")).transpose()?,
        closed: None,
        closure: None,
    };
    shine.record_finding(&ctx.actor(Some(shine.current()))?, &member, finding.clone())?;
    let human = format!("已记录 {member} 的 `{}` 情形（{}）：{}", finding.clause, finding.date, finding.evidence);
    Ok(Output::new(human, finding))
}

fn close(ctx: &Context, member: String, clause: String, date: &str, on: &str, how: String, note: String) -> Result<Output> {
    let shine = ctx.shine()?;
    let close = Close { member, clause, date: parse_date(date, "记录日期")?, on: parse_date(on, "结束日期")?, how, note };
    let how = shine.close_finding(&ctx.actor(Some(shine.current()))?, close.clone())?;
    let label = crate::messages::findings::variant_label(&shine.current().rules, "finding", "closure", &how);
    let human = format!(
        "已结束 {} 的 `{}` 记录（{}）：{} 于 {}，自这一天起不再计入",
        close.member, close.clause, close.date, label, close.on
    );
    Ok(Output::new(human, serde_json::json!({ "member": close.member, "clause": close.clause, "date": close.date, "on": close.on, "how": how })))
}
