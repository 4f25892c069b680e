//! `shine life` (organizational-life attendance history) and `shine finding`
//! (conduct findings under an exclusion clause).

use crate::args::{FindingCommand, LifeCommand};
use crate::command::parse_date;
use crate::context::Context;
use crate::failure::Result;
use crate::render::Output;
use shine_engine::facts::{Finding, LifeRecord};

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
            let mut reader = csv::ReaderBuilder::new()
                .trim(csv::Trim::All)
                .from_path(&file)
                .map_err(|e| crate::fail!("file_unreadable", help = "检查文件路径", "无法读取 `{}`：{e}", file.display()))?;
            let mut records = Vec::new();
            for (row, rec) in reader.records().enumerate() {
                let line = row + 2;
                let rec = rec.map_err(|e| crate::fail!("csv_row", help = "每行：党员编号,日期,出席情况,备注", "`{}` 第 {line} 行无法读取：{e}", file.display()))?;
                let (Some(member), Some(date), Some(status)) = (rec.get(0), rec.get(1), rec.get(2)) else {
                    return Err(crate::fail!("csv_row", help = "每行：党员编号,日期,出席情况,备注", "`{}` 第 {line} 行列数不足", file.display()));
                };
                let date = parse_date(date, &format!("第 {line} 行的日期"))?;
                records.push((member.to_owned(), LifeRecord { date, status: status.into() }, rec.get(3).unwrap_or("").to_owned()));
            }
            let total = records.len();
            let n = shine.record_life(&actor, records)?;
            let human = format!("文件中 {total} 条组织生活记录，新增 {n} 条（已有的记录不重复记入）");
            Ok(Output::new(human, serde_json::json!({ "rows": total, "imported": n })))
        }
    }
}

pub fn finding(ctx: &Context, command: FindingCommand) -> Result<Output> {
    let FindingCommand::Add { member, clause, date, evidence, open, until } = command;
    let shine = ctx.shine()?;
    let finding = Finding {
        clause: clause.into(),
        date: parse_date(&date, "日期")?,
        evidence,
        open,
        until: until.as_deref().map(|u| parse_date(u, "处分期截止日期")).transpose()?,
    };
    shine.record_finding(&ctx.actor(Some(shine.current()))?, &member, finding.clone())?;
    let human = format!("已记录 {member} 的 `{}` 情形（{}）：{}", finding.clause, finding.date, finding.evidence);
    Ok(Output::new(human, finding))
}
