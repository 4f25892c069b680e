//! `shine life` (organizational-life sessions and attendance, imported too; mobile
//! members' time away and reports) and `shine finding` (conduct findings under an
//! exclusion clause, one by one or imported, and closing them).

use crate::args::{FindingCommand, ImportFile, LifeCommand};
use crate::command::parse_date;
use crate::context::Context;
use crate::import_file::{self, Column, Lines, Row, Source, Table, Values, YES_NO};
use crate::failure::Result;
use crate::render::Output;
use shine_engine::facts::{Finding, LifeRecord};
use shine_engine::ops::findings::Close;
use shine_engine::ops::life::LifeRow;
use shine_engine::ops::org::FindingRow;
use shine_engine::refusal::Kind;
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
            let (rows, read) = parse_life(&Source::open(&file)?, absences_only)?;
            let total = rows.len();
            let n = shine.record_life_rows(&actor, rows).map_err(|r| read.refused_at(r.into(), life_column, LIFE_HELP))?;
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
pub const LIFE: [Column; 5] = [
    Column {
        names: &["党员编号", "member", "member_id", "编号", "姓名"],
        required: true,
        text: Text::MemberName,
        values: Values::Any,
        help: "党员编号，或在全校唯一的姓名",
    },
    Column { names: &["日期", "date"], required: true, text: Text::Value, values: Values::Any, help: "组织生活的日期，如 2026-10-15" },
    Column { names: &["出席情况", "status"], required: true, text: Text::Value, values: Values::Field("life", "status"), help: "该党员这次组织生活的出席情况" },
    Column { names: &["备注", "note"], required: false, text: Text::LifeNote, values: Values::Any, help: "如请假事由；可不写" },
    Column {
        names: &["形式", "组织生活形式", "kind"],
        required: false,
        text: Text::Value,
        values: Values::Field("session", "kind"),
        help: "组织生活形式；写了就同时记下这次组织生活，同一天各行须一致；可不写",
    },
];

const LIFE_HELP: &str = "每行一条记录：党员编号,日期,出席情况,备注[,形式]";

/// The column of a life file the engine's refusal of a row is about.
fn life_column(_: usize, kind: &Kind) -> Option<&'static str> {
    match kind {
        Kind::NotAVariant { decl, .. } if decl.name == "session_kind" => Some("形式"),
        Kind::NotAVariant { .. } => Some("出席情况"),
        Kind::SessionKindTwice { .. } => Some("形式"),
        Kind::BadText { field: Text::LifeNote, .. } => Some("备注"),
        Kind::NotFound { .. } | Kind::AmbiguousMember { .. } => Some("党员编号"),
        _ => None,
    }
}

/// The rows of a life file (see [`import_file`]), all or none, and where each came
/// from. A row with a kind (`形式`) records its session too; with `absences_only`,
/// every session of the file records absences only, and each row must name its kind.
pub fn parse_life(source: &Source, absences_only: bool) -> Result<(Vec<LifeRow>, Lines)> {
    let Table { rows, mut problems, .. } = import_file::read(source, &LIFE)?;
    let mut records = Vec::new();
    let mut lines = Vec::new();
    for Row { line, cells } in rows {
        let [member, date, status, note, kind] = [0, 1, 2, 3, 4].map(|i| cells.get(i).cloned().unwrap_or_default());
        for (value, column) in [(&member, "党员编号"), (&date, "日期"), (&status, "出席情况")] {
            problems.missing(line, column, value);
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
    let problems = problems.finish(LIFE_HELP)?;
    if records.is_empty() {
        return Err(crate::fail!("csv_empty", help = "表头之下每行一条记录", "文件 `{}` 没有记录", source.name));
    }
    Ok((records, Lines { problems, lines }))
}

pub fn finding(ctx: &Context, command: FindingCommand) -> Result<Output> {
    let (member, clause, date, evidence, open, until) = match command {
        FindingCommand::Add { member, clause, date, evidence, open, until } => (member, clause, date, evidence, open, until),
        FindingCommand::Close { member, clause, date, on, reason, note } => return close(ctx, member, clause, &date, &on, reason, note),
        FindingCommand::Import { file, apply } => return import_findings(ctx, &file, apply),
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

/// The columns of a findings file: who, and the finding as `finding add` takes it.
pub const FINDINGS: [Column; 7] = [
    import_file::MEMBER_ID,
    import_file::MEMBER_NAME,
    Column {
        names: &["条款", "规则", "clause"],
        required: true,
        text: Text::Value,
        values: Values::FindingRule,
        help: "不能评选情形的规则名，如 x3（各规则见下）",
    },
    Column { names: &["日期", "date"], required: true, text: Text::Value, values: Values::Any, help: "事实发生的日期，如 2026-06-01" },
    Column { names: &["事实", "事实和依据", "evidence"], required: true, text: Text::Evidence, values: Values::Any, help: "事实和依据，如处分决定的文号" },
    Column { names: &["正在调查", "open"], required: false, text: Text::Value, values: Values::Either(&YES_NO), help: "是否正在接受调查；不写为否" },
    Column {
        names: &["处分期截止", "处分期截止日期", "until"],
        required: false,
        text: Text::Value,
        values: Values::Any,
        help: "处分期的截止日期，如 2027-06-01；没有处分期的不写",
    },
];

const FINDINGS_HELP: &str = "每行一条记录：党员编号,姓名,条款,日期,事实,正在调查,处分期截止";

/// The rows of a findings file (see [`import_file`]), all or none, and where each
/// came from; which rows name their member by id.
pub fn parse_findings(source: &Source) -> Result<(Vec<FindingRow>, Vec<bool>, Lines)> {
    let table = import_file::read(source, &FINDINGS)?;
    import_file::names_members(&table, &source.name, 0, 1)?;
    let Table { rows, mut problems, .. } = table;
    let (mut records, mut by_id, mut lines) = (Vec::new(), Vec::new(), Vec::new());
    for Row { line, cells } in rows {
        let [id, name, clause, date, evidence, open, until] = [0, 1, 2, 3, 4, 5, 6].map(|i| cells.get(i).cloned().unwrap_or_default());
        let member = import_file::row_member(&mut problems, line, &id, &name);
        let missing = [(&clause, "条款"), (&date, "日期"), (&evidence, "事实")].map(|(value, column)| problems.missing(line, column, value));
        let mut date_in = |text: &str, column: &'static str| match parse_date(text, column) {
            Ok(d) => Some(d),
            Err(_) => {
                if !text.is_empty() {
                    problems.at(line, column, format_args!("`{text}` 不是有效日期，应写作 2026-06-01"));
                }
                None
            }
        };
        let (date, until_date) = (date_in(&date, "日期"), date_in(&until, "处分期截止"));
        let open = match open.as_str() {
            "" => false,
            cell => YES_NO.read(cell).unwrap_or_else(|| {
                problems.at(line, "正在调查", YES_NO.problem(cell));
                false
            }),
        };
        let (Some(member), Some(date), [false, false, false]) = (member, date, missing) else { continue };
        if !until.is_empty() && until_date.is_none() {
            continue;
        }
        let finding = Finding { clause: clause.as_str().into(), date, evidence, open, until: until_date, closed: None, closure: None };
        by_id.push(!id.is_empty());
        lines.push(line);
        records.push(FindingRow { member, finding });
    }
    let problems = problems.finish(FINDINGS_HELP)?;
    if records.is_empty() {
        return Err(crate::fail!("csv_empty", help = "表头之下每行一条记录", "文件 `{}` 没有记录", source.name));
    }
    Ok((records, by_id, Lines { problems, lines }))
}

/// `finding import`: every row checked as `finding add` checks it, recorded together
/// with `--apply`.
fn import_findings(ctx: &Context, file: &ImportFile, apply: bool) -> Result<Output> {
    let (rows, by_id, read) = parse_findings(&Source::open(file)?)?;
    let shine = ctx.shine()?;
    let actor = ctx.actor(Some(shine.current()))?;
    let column = |i: usize, kind: &Kind| match kind {
        Kind::NameMismatch { .. } => Some("姓名"),
        Kind::NotFound { .. } | Kind::AmbiguousMember { .. } => Some(import_file::member_column(by_id.get(i) == Some(&true))),
        Kind::NotAnExclusion { .. } | Kind::FindingNotRead { .. } | Kind::FindingNeverCounts { .. } => Some("条款"),
        Kind::EndsBeforeStart { .. } => Some("处分期截止"),
        Kind::BadText { field: Text::Evidence, .. } => Some("事实"),
        _ => None,
    };
    let mut done = match shine.import_findings(&actor, rows, apply) {
        Ok(done) => done,
        Err(refusal) => return Err(read.refused_at(refusal.into(), column, FINDINGS_HELP)),
    };
    done.renumber(|row| read.line(row));
    let human = crate::messages::imports::findings(&shine.current_rules(), &done);
    Ok(Output::new(human, &done))
}
