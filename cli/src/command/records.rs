//! The records members and the secretary make during a quarter: deeds and excuses
//! (`shine deed`, deeds imported in bulk from a branch's paper certificates), the
//! meeting (`shine meeting`), presentations and comments.

use crate::args::{DeedCommand, ImportFile, MeetingCommand};
use crate::command::parse_date;
use crate::context::Context;
use crate::import_file::{self, Column, Lines, Row, Source, Table, Values};
use crate::messages::readback;
use crate::failure::Result;
use crate::render::{unit_name, Output};
use shine_engine::facts::Deed;
use chrono::NaiveDate;
use shine_engine::ops::quarter::{DeedChange, DeedEdit, DeedOutcome, DeedRow, Record};
use shine_engine::refusal::Kind;
use shine_engine::text::Text;

pub fn deed(ctx: &Context, command: DeedCommand) -> Result<Output> {
    let record = match command {
        DeedCommand::Add { member, kind, text, date, form } => {
            let date = match date {
                Some(d) => parse_date(&d, "日期")?,
                None => ctx.today(),
            };
            Record::Deed { member, deed: Deed { kind: kind.into(), text, date, form: form.map(|f| f.as_str().into()) } }
        }
        DeedCommand::Excuse { member, reason } => Record::DeedExcuse { member, reason },
        DeedCommand::Edit { member, number, kind, text, date, form } => {
            let date = date.map(|d| parse_date(&d, "日期")).transpose()?;
            let form = form.map(|f| Some(f).filter(|f| !f.trim().is_empty()));
            return change_deed(ctx, &member, number, DeedChange::Edit(DeedEdit { kind, text, date, form }));
        }
        DeedCommand::Withdraw { member, number } => return change_deed(ctx, &member, number, DeedChange::Withdraw),
        DeedCommand::Import { branch, file, apply } => return import_deeds(ctx, branch.as_deref(), &file, apply),
    };
    let engine = ctx.engine()?;
    let actor = ctx.actor(engine.current())?;
    let human = match &record {
        Record::Deed { member, deed } => {
            let form = deed.form.map(|f| format!("·{f}")).unwrap_or_default();
            format!("已为 {member} 登记闪光言行（{}{form}）：{}", deed.kind, deed.text)
        }
        Record::DeedExcuse { member, reason } => format!("已记录 {member} 本季度未登记的理由：{reason}"),
        _ => String::new(),
    };
    engine.archive().record(engine.current(), &actor, None, vec![record.clone()])?;
    let emphasis = engine.archive().member_emphasis(engine.current(), record.member())?;
    let human = human + &readback::emphasis_note(emphasis.as_ref());
    let mut json = serde_json::to_value(&record).unwrap_or_default();
    if let Some(object) = json.as_object_mut() {
        object.insert("emphasis".into(), serde_json::to_value(&emphasis).unwrap_or_default());
    }
    Ok(Output::new(human, json))
}

/// The columns of a deeds file: who, and the deed as `deed add` takes it.
pub const DEEDS: [Column; 6] = [
    import_file::MEMBER_ID,
    import_file::MEMBER_NAME,
    Column { names: &["类别", "五带头", "kind"], required: true, text: Text::Value, values: Values::Field("deed", "kind"), help: "五带头之一" },
    Column { names: &["形式", "form"], required: false, text: Text::Value, values: Values::Field("deed", "form"), help: "闪光言行的形式（§3.1）；可不写" },
    Column { names: &["日期", "date"], required: false, text: Text::Value, values: Values::Any, help: "事迹的日期，如 2026-10-20，须在本季度内、不晚于导入之日；不写为导入之日" },
    Column { names: &["内容", "事迹", "text"], required: true, text: Text::DeedText, values: Values::Any, help: "事迹：说过的话、做过的事" },
];

const DEEDS_HELP: &str = "每行一条闪光言行：党员编号,姓名,类别,形式,日期,内容";

/// The rows of a deeds file (see [`import_file`]), all or none, each dated (today
/// when its date is empty), and where each came from; which rows name their member
/// by id.
pub fn parse_deeds(source: &Source, today: NaiveDate) -> Result<(Vec<DeedRow>, Vec<bool>, Lines)> {
    let table = import_file::read(source, &DEEDS)?;
    import_file::names_members(&table, &source.name, 0, 1)?;
    let Table { rows, mut problems, .. } = table;
    let (mut records, mut by_id, mut lines) = (Vec::new(), Vec::new(), Vec::new());
    for Row { line, cells } in rows {
        let [id, name, kind, form, date, text] = [0, 1, 2, 3, 4, 5].map(|i| cells.get(i).cloned().unwrap_or_default());
        let member = import_file::row_member(&mut problems, line, &id, &name);
        let missing = [(&kind, "类别"), (&text, "内容")].map(|(value, column)| problems.missing(line, column, value));
        let date = match date.as_str() {
            "" => Some(today),
            d => parse_date(d, "日期").map_err(|_| problems.at(line, "日期", format_args!("`{d}` 不是有效日期，应写作 2026-10-20"))).ok(),
        };
        let (Some(member), Some(date), [false, false]) = (member, date, missing) else { continue };
        let form = Some(form).filter(|f| !f.is_empty()).map(|f| f.as_str().into());
        by_id.push(!id.is_empty());
        lines.push(line);
        records.push(DeedRow { member, deed: Deed { kind: kind.as_str().into(), text, date, form } });
    }
    let problems = problems.finish(DEEDS_HELP)?;
    if records.is_empty() {
        return Err(crate::fail!("csv_empty", help = "表头之下每行一条闪光言行", "文件 `{}` 没有闪光言行", source.name));
    }
    Ok((records, by_id, Lines { problems, lines }))
}

/// `deed import`: every row checked as `deed add` checks its deed, registered
/// together with `--apply`.
fn import_deeds(ctx: &Context, branch: Option<&str>, file: &ImportFile, apply: bool) -> Result<Output> {
    let (rows, by_id, read) = parse_deeds(&Source::open(file)?, ctx.today())?;
    let engine = ctx.engine()?;
    let actor = ctx.actor(engine.current())?;
    let column = |i: usize, kind: &Kind| match kind {
        Kind::NameMismatch { .. } => Some("姓名"),
        Kind::NotFound { .. } | Kind::AmbiguousMember { .. } | Kind::NotInBranch { .. } | Kind::NotOnRosterOn { .. } => {
            Some(import_file::member_column(by_id.get(i) == Some(&true)))
        }
        Kind::NotAVariant { decl, .. } if decl.name == "deed_form" => Some("形式"),
        Kind::NotAVariant { .. } => Some("类别"),
        Kind::DeedDateOutOfRange { .. } => Some("日期"),
        Kind::BadText { field: Text::DeedText, .. } => Some("内容"),
        _ => None,
    };
    let mut done = match engine.archive().import_deeds(engine.current(), &actor, branch, rows, apply) {
        Ok(done) => done,
        Err(refusal) => return Err(read.refused_at(refusal.into(), column, DEEDS_HELP)),
    };
    done.deeds.renumber(|row| read.line(row));
    Ok(Output::new(crate::messages::imports::deeds(&done), &done))
}

/// `deed edit` and `deed withdraw`: the deed as it read and as it reads now.
fn change_deed(ctx: &Context, member: &str, number: u32, change: DeedChange) -> Result<Output> {
    let engine = ctx.engine()?;
    let actor = ctx.actor(engine.current())?;
    let changed = engine.archive().change_deed(engine.current(), &actor, member, number, change)?;
    let who = &changed.member.name;
    let human = match &changed.outcome {
        DeedOutcome::Edited { before, now } => format!("已修改 {who} 的第 {number} 条闪光言行\n  原为：{}\n  现为：{}", deed_line(before), deed_line(now)),
        DeedOutcome::Unchanged { now } => format!("{who} 的第 {number} 条闪光言行已是：{}，未再改动", deed_line(now)),
        DeedOutcome::Withdrawn { before } => format!("已撤回 {who} 的第 {number} 条闪光言行：{}\n其余各条序号不变", deed_line(before)),
        DeedOutcome::WithdrawnAlready => format!("{who} 的第 {number} 条闪光言行此前已撤回，未再改动"),
    };
    Ok(Output::new(human, serde_json::to_value(&changed).unwrap_or_default()))
}

/// `2026-10-20 带头服务群众·重要任务：…`, with the names as given.
fn deed_line(d: &Deed) -> String {
    let form = d.form.map(|f| format!("·{f}")).unwrap_or_default();
    format!("{} {}{form}：{}", d.date, d.kind, d.text)
}

pub fn meeting(ctx: &Context, command: MeetingCommand) -> Result<Output> {
    let engine = ctx.engine()?;
    let (archive, current) = (engine.archive(), engine.current());
    let actor = ctx.actor(current)?;
    match command {
        MeetingCommand::Report { branch, date } => {
            let date = parse_date(&date, "会议日期")?;
            let superior = archive.report_meeting(current, &actor, &branch, date)?;
            let to = superior.as_ref().map(|s| unit_name(archive, s.as_str())).unwrap_or_default();
            let status = archive.status(current, &branch, None, ctx.today())?;
            let report = status.meeting_report.as_ref();
            let on = report.and_then(|r| r.reported_on);
            let ahead = report.and_then(|r| r.days_ahead);
            let when = match (on, ahead) {
                (Some(on), Some(n)) => format!("（{on} 报告，{}）", crate::messages::meeting::days_ahead(n)),
                _ => String::new(),
            };
            let human = format!(
                "已向上级党组织{to}报告：{date} 召开专题组织生活会{when}（§4.2.a）。下一步：`shine advance --branch {branch} --from {}`",
                status.state.id
            );
            Ok(Output::new(human, serde_json::json!({ "branch": branch, "date": date, "superior": superior, "reported_on": on, "days_ahead": ahead })))
        }
        MeetingCommand::Attend { status, members } => {
            let records: Vec<_> = members.iter().map(|m| Record::Attendance { member: m.clone(), status: status.clone() }).collect();
            let n = archive.record(current, &actor, None, records)?;
            Ok(Output::new(format!("已登记 {n} 人出席情况：{status}"), serde_json::json!({ "recorded": n, "status": status })))
        }
        MeetingCommand::Guests { branch, activists, observers, delegate } => {
            let warnings = archive.record_guests(current, &actor, &branch, activists.clone(), observers.clone(), delegate.clone())?;
            let human = format!(
                "已登记列席人员：入党积极分子 {} 人，党外群众代表 {} 人，上级派员 {}\n{}",
                activists.len(),
                observers.len(),
                delegate.as_deref().unwrap_or("无"),
                readback::warnings(&warnings)
            );
            let json = serde_json::json!({ "activists": activists, "observers": observers, "delegate": delegate, "warnings": warnings });
            Ok(Output::new(human.trim_end().to_owned(), json))
        }
        MeetingCommand::Delegate { branch, name } => {
            drop(engine); // the store is opened again, with the current definitions required
            delegate(ctx, &branch, &name)
        }
    }
}

/// The superior's delegate, recorded under the current definitions (its role is the
/// escalation chain's).
fn delegate(ctx: &Context, branch: &str, name: &str) -> Result<Output> {
    let shine = ctx.shine()?;
    let actor = ctx.actor(Some(shine.current()))?;
    let sent = shine.send_delegate(&actor, branch, name)?;
    let human = format!("已确定列席 {} 专题组织生活会的上级派员：{}（{} 记录）", unit_name(&shine, branch), sent.name, sent.on);
    Ok(Output::new(human, serde_json::json!({ "branch": branch, "delegate": sent })))
}

pub fn present(ctx: &Context, members: Vec<String>, written: bool, form: Option<String>) -> Result<Output> {
    let engine = ctx.engine()?;
    let form = if written { Some("written".to_owned()) } else { form };
    let records = members
        .iter()
        .map(|m| match &form {
            Some(form) => Record::PresentationAs { member: m.clone(), form: form.clone() },
            None => Record::Presentation { member: m.clone() },
        })
        .collect();
    let n = engine.archive().record(engine.current(), &ctx.actor(engine.current())?, None, records)?;
    let how = match (&form, engine.current().map(|c| c.rules.clone())) {
        (Some(f), Some(rules)) => format!("（{}）", crate::messages::findings::variant_label(&rules, "member", "presentation", f)),
        (Some(f), None) => format!("（{f}）"),
        (None, _) => String::new(),
    };
    Ok(Output::new(format!("已登记 {n} 人交流发言{how}"), serde_json::json!({ "recorded": n, "form": form })))
}

pub fn comment(ctx: &Context, member: &str, text: &str) -> Result<Output> {
    let engine = ctx.engine()?;
    let record = Record::Comment { member: member.to_owned(), text: text.to_owned() };
    engine.archive().record(engine.current(), &ctx.actor(engine.current())?, None, vec![record])?;
    let emphasis = engine.archive().member_emphasis(engine.current(), member)?;
    let human = format!("已记录对 {member} 的点评：{text}{}", readback::emphasis_note(emphasis.as_ref()));
    Ok(Output::new(human, serde_json::json!({ "member": member, "text": text, "emphasis": emphasis })))
}
