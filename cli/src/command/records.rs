//! The records members and the secretary make during a quarter: deeds and excuses
//! (`shine deed`), the meeting (`shine meeting`), presentations and comments.

use crate::args::{DeedCommand, MeetingCommand};
use crate::command::parse_date;
use crate::context::Context;
use crate::messages::readback;
use crate::failure::Result;
use crate::render::{unit_name, Output};
use shine_engine::facts::Deed;
use shine_engine::ops::quarter::{DeedChange, DeedEdit, DeedOutcome, Record};

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
