//! `shine life` (organizational-life sessions and attendance, mobile members' time
//! away and reports) and `shine finding` (conduct findings under an exclusion clause,
//! and closing them).

use crate::args::{FindingCommand, LifeCommand};
use crate::command::parse_date;
use crate::context::Context;
use crate::import_file::{self, Column, Row, Table};
use crate::failure::Result;
use crate::render::Output;
use shine_engine::facts::{Finding, LifeRecord};
use shine_engine::ops::findings::Close;
use shine_engine::ops::life::LifeRow;
use shine_engine::text::Text;

pub fn life(ctx: &Context, command: LifeCommand) -> Result<Output> {
    let shine = ctx.shine()?;
    let actor = ctx.actor(Some(shine.current()))?;
    match command {
        LifeCommand::Session { branch, date, kind, absences_only } => {
            let date = parse_date(&date, "日期")?;
            let new = shine.record_session(&actor, &branch, date, &kind, absences_only)?;
            let only = if absences_only { "（只记缺席，没有记录的党员视为出席）" } else { "" };
            let human = if new { format!("已记录 {branch} {date} 的组织生活：{kind}{only}") } else { format!("{branch} {date} 的组织生活（{kind}）已记录过，未作改动") };
            Ok(Output::new(human, serde_json::json!({ "branch": branch, "date": date, "kind": kind, "absences_only": absences_only, "recorded": new })))
        }
        LifeCommand::Add { member, date, status, kind, absences_only, note } => {
            let record = LifeRecord { date: parse_date(&date, "日期")?, status: status.into() };
            let row = LifeRow { member: member.clone(), record: record.clone(), note, kind: kind.clone(), absences_only };
            shine.record_life_rows(&actor, vec![row])?;
            let kind = kind.map(|k| format!("（{k}）")).unwrap_or_default();
            Ok(Output::new(format!("已记录 {member} {} 组织生活{kind}：{}", record.date, record.status), record))
        }
        LifeCommand::Import { file, absences_only } => {
            let name = file.display().to_string();
            let (rows, lines) = parse_life(&name, &import_file::bytes(&file)?, absences_only)?;
            let total = rows.len();
            let n = shine.record_life_rows(&actor, rows).map_err(|r| import_file::at_lines(r.into(), &lines))?;
            let only = if absences_only { "；文件中的各次组织生活只记缺席，没有记录的党员视为出席" } else { "" };
            let human = format!("文件中 {total} 条组织生活记录，新增 {n} 条（已有的记录不重复记入）{only}");
            Ok(Output::new(human, serde_json::json!({ "rows": total, "imported": n, "absences_only": absences_only })))
        }
        LifeCommand::Away { member, from, to } => {
            let from = parse_date(&from, "外出日期")?;
            let to = to.as_deref().map(|t| parse_date(t, "回来日期")).transpose()?;
            let new = shine.record_away(&actor, &member, from, to)?;
            let period = match to {
                Some(to) => format!("{from} 至 {to}"),
                None => format!("{from} 起，尚未回来"),
            };
            let human = if new { format!("已记录 {member} 外出：{period}") } else { format!("{member} 外出（{period}）已记录过，未作改动") };
            Ok(Output::new(human, serde_json::json!({ "member": member, "from": from, "to": to, "recorded": new })))
        }
        LifeCommand::Back { member, on } => {
            let on = parse_date(&on, "回来日期")?;
            let new = shine.record_back(&actor, &member, on)?;
            let human = if new { format!("已记录 {member} {on} 外出回来") } else { format!("{member} {on} 外出回来已记录过，未作改动") };
            Ok(Output::new(human, serde_json::json!({ "member": member, "on": on, "recorded": new })))
        }
        LifeCommand::Report { member, on } => {
            let on = parse_date(&on, "报到日期")?;
            let new = shine.record_report(&actor, &member, on)?;
            let human = if new { format!("已记录 {member} {on} 向党组织报到") } else { format!("{member} {on} 的报到已记录过，未作改动") };
            Ok(Output::new(human, serde_json::json!({ "member": member, "on": on, "recorded": new })))
        }
    }
}

/// The columns of a life file.
const LIFE: [Column; 5] = [
    Column { names: &["党员编号", "member", "member_id", "编号", "姓名"], required: true, text: Text::MemberName },
    Column { names: &["日期", "date"], required: true, text: Text::Value },
    Column { names: &["出席情况", "status"], required: true, text: Text::Value },
    Column { names: &["备注", "note"], required: false, text: Text::LifeNote },
    Column { names: &["形式", "组织生活形式", "kind"], required: false, text: Text::Value },
];

/// The rows of a life file's bytes (see [`import_file`]), all or none, and the file's
/// line of each. A row with a kind (`形式`) records its session too; with
/// `absences_only`, every session of the file records absences only, and each row
/// must name its kind.
pub fn parse_life(file: &str, bytes: &[u8], absences_only: bool) -> Result<(Vec<LifeRow>, Vec<u64>)> {
    let Table { rows, mut problems } = import_file::read(file, bytes, &LIFE)?;
    let mut records = Vec::new();
    let mut lines = Vec::new();
    for Row { line, cells } in rows {
        let [member, date, status, note, kind] = [0, 1, 2, 3, 4].map(|i| cells.get(i).cloned().unwrap_or_default());
        for (value, column) in [(&member, "党员编号"), (&date, "日期"), (&status, "出席情况")] {
            if value.is_empty() {
                problems.at(line, column, "为空");
            }
        }
        if absences_only && kind.is_empty() {
            problems.at(line, "形式", "为空：只记缺席的文件要写明每次组织生活的形式");
        }
        match parse_date(&date, "日期") {
            Ok(date) => {
                lines.push(line);
                let kind = Some(kind).filter(|k| !k.is_empty());
                records.push(LifeRow { member, record: LifeRecord { date, status: status.into() }, note, kind, absences_only });
            }
            Err(_) if date.is_empty() => {}
            Err(_) => problems.at(line, "日期", format_args!("`{date}` 不是有效日期，应写作 2026-10-15")),
        }
    }
    problems.finish("每行一条记录：党员编号,日期,出席情况,备注[,形式]")?;
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
