//! `shine pull` (from the units below in this store) and `shine chain …`: a level's
//! steps in the escalation chain, rendered for the secretary of that level.

use crate::args::{ChainCommand, LevelArgs};
use crate::context::Context;
use crate::failure::Result;
use crate::messages::chain::{pulled_text, status_text};
use crate::render::Output;
use shine_engine::domain::{Actor, Quarter};
use shine_engine::ops::Shine;

pub fn pull_local(ctx: &Context, unit: Option<&str>, quarter: &str) -> Result<Output> {
    let shine = ctx.shine()?;
    let actor = ctx.actor_as(shine.current(), &shine.level_role(unit)?.id)?;
    let pulled = shine.pull(&actor, unit, ctx.quarter(quarter)?)?;
    Ok(Output::new(pulled_text(&pulled), pulled))
}

pub fn run(ctx: &Context, command: ChainCommand) -> Result<Output> {
    let shine = ctx.shine()?;
    let today = ctx.today();
    match command {
        ChainCommand::Status { level } => {
            let s = shine.level_status(level.unit.as_deref(), ctx.quarter(&level.quarter)?, today)?;
            Ok(Output::new(status_text(&s), s))
        }
        ChainCommand::File { level } => {
            let (actor, unit, quarter) = acting(ctx, &shine, &level)?;
            let n = shine.file(&actor, unit, quarter)?;
            after(&shine, unit, quarter, today, format!("已备案 {n} 名“闪光言行之星”"))
        }
        ChainCommand::Publish { level } => {
            let (actor, unit, quarter) = acting(ctx, &shine, &level)?;
            let p = shine.publish(&actor, unit, quarter)?;
            after(&shine, unit, quarter, today, format!("已公示 {} 名，公示期 {} 至 {}，期内可登记异议", p.keys.len(), p.on, p.until))
        }
        ChainCommand::Object { level, member, reason } => {
            let (actor, unit, quarter) = acting(ctx, &shine, &level)?;
            let o = shine.object(&actor, unit, quarter, &member, &reason)?;
            after(&shine, unit, quarter, today, format!("已登记对 {member} 的异议（{}），处理前暂缓推荐和报送", o.reason))
        }
        ChainCommand::Decide { level, member, uphold, dismiss: _, reason } => {
            let (actor, unit, quarter) = acting(ctx, &shine, &level)?;
            shine.decide(&actor, unit, quarter, &member, uphold, &reason)?;
            let what = if uphold { "异议成立，已撤销其推荐" } else { "异议不成立，继续推荐" };
            after(&shine, unit, quarter, today, format!("{member}：{what}（{reason}）"))
        }
        ChainCommand::Pick { level, member, reason, undo } => {
            let (actor, unit, quarter) = acting(ctx, &shine, &level)?;
            if undo {
                shine.unpick(&actor, unit, quarter, &member)?;
                return after(&shine, unit, quarter, today, format!("已撤回对 {member} 的推荐"));
            }
            let reason = reason.unwrap_or_default();
            shine.pick(&actor, unit, quarter, &member, &reason)?;
            after(&shine, unit, quarter, today, format!("已推荐 {member}：{reason}"))
        }
        ChainCommand::Return { level, member, reason, token_file } => {
            let (actor, unit, quarter) = acting(ctx, &shine, &level)?;
            let r = shine.prepare_return(&actor, unit, quarter, &member, &reason)?;
            let local = shine.org()?.unit(&r.to).is_some();
            // Another instance hears of the return first; only then is it recorded here.
            if !local {
                crate::command::remote::send_return(ctx, &r, quarter, token_file.as_deref())?;
            }
            shine.record_return(&actor, unit, quarter, &r)?;
            let to = shine.org()?.unit(&r.to).map(|u| u.name.clone()).unwrap_or_else(|| r.to.clone());
            after(&shine, unit, quarter, today, format!("已将 {member} 退回「{to}」更正：{}", r.reason))
        }
        ChainCommand::Resubmit { unit, quarter, member, reason, comment } => {
            let actor = ctx.actor_as(shine.current(), &shine.level_role(unit.as_deref())?.id)?;
            let sealed = shine.resubmit(&actor, unit.as_deref(), ctx.quarter(&quarter)?, &member, &reason, comment.as_deref())?;
            let human = format!(
                "已更正 {} 的推荐（第 {} 版，校验值 {}），待上级重新汇总（shine pull）",
                sealed.record.member.name,
                sealed.record.version,
                &sealed.content_hash[..12]
            );
            Ok(Output::new(human, sealed))
        }
        ChainCommand::Forward { level, no_pick_reason } => {
            let (actor, unit, quarter) = acting(ctx, &shine, &level)?;
            let (to, sent) = shine.forward(&actor, unit, quarter, no_pick_reason.as_deref())?;
            let names: Vec<&str> = sent.iter().map(|s| s.record.member.name.as_str()).collect();
            let why = sent.iter().find_map(|s| s.record.no_pick.as_ref()).map(|n| format!("\n未推荐典型的理由（随记录上报）：{}", n.reason)).unwrap_or_default();
            after(&shine, unit, quarter, today, format!("已报送「{}」{} 名：{}{why}", to.name, sent.len(), names.join("、")))
        }
    }
}

fn acting<'a>(ctx: &Context, shine: &Shine, level: &'a LevelArgs) -> Result<(Actor, Option<&'a str>, Quarter)> {
    let unit = level.unit.as_deref();
    let quarter = ctx.quarter(&level.quarter)?;
    Ok((ctx.actor_as(shine.current(), &shine.level_role(unit)?.id)?, unit, quarter))
}

/// A step's result line followed by where the level now stands.
fn after(shine: &Shine, unit: Option<&str>, quarter: Quarter, today: chrono::NaiveDate, done: String) -> Result<Output> {
    let s = shine.level_status(unit, quarter, today)?;
    let human = format!("{done}\n\n{}", status_text(&s));
    Ok(Output::new(human, serde_json::json!({ "done": done, "status": s })))
}

