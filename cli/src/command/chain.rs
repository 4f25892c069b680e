//! `shine pull` (from the units below in this store) and `shine chain …`: a level's
//! steps in the escalation chain, rendered for the secretary of that level.

use crate::args::{ChainCommand, LevelArgs};
use crate::context::Context;
use crate::render::{short_hash, table, yes_no, Output};
use miette::Result;
use shine_engine::chain::{LevelStatus, PickCheck, Pulled, Standing, StarView};
use shine_engine::service::Shine;

pub fn pull_local(ctx: &Context, unit: Option<&str>, quarter: &str) -> Result<Output> {
    let shine = ctx.shine_with_current()?;
    let actor = ctx.actor_as(&shine.level_role(unit)?);
    let pulled = shine.pull(&actor, unit, quarter)?;
    Ok(Output::new(pulled_text(&pulled), pulled))
}

/// What a pull brought, for people.
pub fn pulled_text(p: &Pulled) -> String {
    let mut h = format!("「{}」{} 季度汇总：新收到 {} 条，已有 {} 条未重复收取\n", p.unit.name, p.quarter, p.received.len(), p.unchanged);
    if !p.received.is_empty() {
        h.push_str(&stars_table(&p.received, &p.unit.id).to_string());
        h.push('\n');
    }
    for (u, why) in &p.waiting {
        h.push_str(&format!("尚未报送：「{}」——{why}\n", u.name));
    }
    h
}

pub fn run(ctx: &Context, command: ChainCommand) -> Result<Output> {
    let shine = ctx.shine_with_current()?;
    let today = ctx.today();
    match command {
        ChainCommand::Status { level } => {
            let s = shine.level_status(level.unit.as_deref(), &level.quarter, today)?;
            Ok(Output::new(status_text(&s), s))
        }
        ChainCommand::File { level } => {
            let (actor, unit) = acting(ctx, &shine, &level)?;
            let n = shine.file(&actor, unit, &level.quarter, today)?;
            after(&shine, &level, today, format!("已备案 {n} 名“闪光言行之星”"))
        }
        ChainCommand::Publish { level } => {
            let (actor, unit) = acting(ctx, &shine, &level)?;
            let p = shine.publish(&actor, unit, &level.quarter, today)?;
            after(&shine, &level, today, format!("已公示 {} 名，公示期 {} 至 {}，期内可登记异议", p.keys.len(), p.on, p.until))
        }
        ChainCommand::Object { level, member, reason } => {
            let (actor, unit) = acting(ctx, &shine, &level)?;
            let o = shine.object(&actor, unit, &level.quarter, &member, &reason, today)?;
            after(&shine, &level, today, format!("已登记对 {member} 的异议（{}），处理前暂缓推荐和报送", o.reason))
        }
        ChainCommand::Decide { level, member, uphold, dismiss: _, reason } => {
            let (actor, unit) = acting(ctx, &shine, &level)?;
            shine.decide(&actor, unit, &level.quarter, &member, uphold, &reason)?;
            let what = if uphold { "异议成立，已撤销其推荐" } else { "异议不成立，继续推荐" };
            after(&shine, &level, today, format!("{member}：{what}（{reason}）"))
        }
        ChainCommand::Pick { level, member, reason, undo } => {
            let (actor, unit) = acting(ctx, &shine, &level)?;
            if undo {
                shine.unpick(&actor, unit, &level.quarter, &member, today)?;
                return after(&shine, &level, today, format!("已撤回对 {member} 的推荐"));
            }
            let reason = reason.unwrap_or_default();
            shine.pick(&actor, unit, &level.quarter, &member, &reason, today)?;
            after(&shine, &level, today, format!("已推荐 {member}：{reason}"))
        }
        ChainCommand::Return { level, member, reason, token } => {
            let (actor, unit) = acting(ctx, &shine, &level)?;
            let r = shine.prepare_return(&actor, unit, &level.quarter, &member, &reason)?;
            let local = shine.org()?.unit(&r.to).is_some();
            // Another instance hears of the return first; only then is it recorded here.
            if !local {
                crate::command::remote::send_return(&r, &level.quarter, token.as_deref())?;
            }
            shine.record_return(&actor, unit, &level.quarter, &r)?;
            let to = shine.org()?.unit(&r.to).map(|u| u.name.clone()).unwrap_or_else(|| r.to.clone());
            after(&shine, &level, today, format!("已将 {member} 退回「{to}」更正：{}", r.reason))
        }
        ChainCommand::Resubmit { unit, quarter, member, reason, comment } => {
            let actor = ctx.actor_as(&shine.level_role(unit.as_deref())?);
            let sealed = shine.resubmit(&actor, unit.as_deref(), &quarter, &member, &reason, comment.as_deref())?;
            let human = format!(
                "已更正 {} 的推荐（第 {} 版，校验值 {}），待上级重新汇总（shine pull）",
                sealed.record.member.name,
                sealed.record.version,
                short_hash(&sealed.content_hash)
            );
            Ok(Output::new(human, sealed))
        }
        ChainCommand::Forward { level } => {
            let (actor, unit) = acting(ctx, &shine, &level)?;
            let (to, sent) = shine.forward(&actor, unit, &level.quarter, today)?;
            let names: Vec<&str> = sent.iter().map(|s| s.record.member.name.as_str()).collect();
            after(&shine, &level, today, format!("已报送「{}」{} 名：{}", to.name, sent.len(), names.join("、")))
        }
    }
}

fn acting<'a>(ctx: &Context, shine: &Shine, level: &'a LevelArgs) -> Result<(shine_engine::event::Actor, Option<&'a str>)> {
    let unit = level.unit.as_deref();
    Ok((ctx.actor_as(&shine.level_role(unit)?), unit))
}

/// A step's result line followed by where the level now stands.
fn after(shine: &Shine, level: &LevelArgs, today: chrono::NaiveDate, done: String) -> Result<Output> {
    let s = shine.level_status(level.unit.as_deref(), &level.quarter, today)?;
    let human = format!("{done}\n\n{}", status_text(&s));
    Ok(Output::new(human, serde_json::json!({ "done": done, "status": s })))
}

fn standing(v: &StarView) -> String {
    let mut parts = Vec::new();
    match &v.standing {
        Standing::Held => {}
        Standing::Returned { reason } => parts.push(format!("已退回：{reason}")),
        Standing::Withdrawn { reason } => parts.push(format!("已撤销：{reason}")),
    }
    if let Some(o) = &v.objection {
        match &o.decision {
            None => parts.push(format!("异议待处理：{}", o.reason)),
            Some((true, r)) => parts.push(format!("异议成立：{r}")),
            Some((false, r)) => parts.push(format!("异议不成立：{r}")),
        }
    }
    if v.published {
        parts.push("已公示".into());
    }
    if let Some(r) = &v.picked {
        parts.push(format!("推荐：{r}"));
    }
    if v.versions > 1 {
        parts.push(format!("第 {} 版", v.record.version));
    }
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join("；")
    }
}

/// Held stars, one row each; `unit` is the level's own unit: the "所在单位" column shows
/// the path below it (from the university down, for stars from other instances).
fn stars_table(stars: &[StarView], unit: &str) -> comfy_table::Table {
    let mut t = table(&["姓名", "身份", "所在单位", "得票", "得票率", "下级推荐", "状态"]);
    for v in stars {
        let r = &v.record;
        let below: Vec<&str> = match r.unit_path.iter().position(|u| u.id == unit) {
            Some(at) => r.unit_path[at + 1..].iter().map(|u| u.name.as_str()).collect(),
            None => std::iter::once(r.university.as_str()).chain(r.unit_path.iter().skip(1).map(|u| u.name.as_str())).collect(),
        };
        t.add_row(vec![
            r.member.name.clone(),
            r.member.identity.clone(),
            if below.is_empty() { r.branch().map(|b| b.name.clone()).unwrap_or_default() } else { below.join(" / ") },
            format!("{}/{}", r.votes, r.ballots),
            r.share.clone(),
            yes_no(v.recommended).to_owned(),
            standing(v),
        ]);
    }
    t
}

/// The pick rules against the picks: one line a rule, one more per unit for `each unit` rules.
pub fn pick_lines(checks: &[PickCheck]) -> String {
    let mut h = String::new();
    let mut last = "";
    for c in checks {
        let ok = if c.holds { "✓" } else { "✗" };
        if c.rule.name != last {
            h.push_str(&format!("{} {}（规则 `{}`）\n", c.rule.clause, c.rule.text, c.rule.name));
            last = &c.rule.name;
        }
        let whose = c.unit.as_ref().map(|u| format!("「{}」", u.name)).unwrap_or_else(|| "合计".into());
        h.push_str(&format!("    {ok} {whose}已推荐 {} 名，应{}\n", c.picked, c.bound.describe()));
    }
    h
}

pub fn status_text(s: &LevelStatus) -> String {
    let mut h = format!("「{}」（{}）{} 季度报送进度\n", s.unit.name, s.level_title, s.quarter);
    if let Some(sup) = &s.superior {
        h.push_str(&format!("上级：「{}」\n", sup.name));
    }
    for (i, step) in s.steps.iter().enumerate() {
        let mark = if step.done { "✓" } else { "·" };
        h.push_str(&format!("{mark} {}. {}（{}）\n", i + 1, step.title, step.clause));
        for m in &step.missing {
            h.push_str(&format!("      {m}\n"));
        }
    }
    if !s.stars.is_empty() {
        let gathers = s.steps.iter().any(|step| step.action == shine_engine::workflow::Action::Receive);
        let what = if gathers { "汇总的" } else { "报送的" };
        h.push_str(&format!("{what}“闪光言行之星” {} 名：\n{}\n", s.stars.len(), stars_table(&s.stars, &s.unit.id)));
    }
    h.push_str(&pick_lines(&s.picks));
    if let Some(p) = &s.publication {
        h.push_str(&format!("公示：{} 起，公示期至 {}\n", p.on, p.until));
    }
    for r in &s.returned {
        h.push_str(&format!("被上级退回：{}——{}（用 `shine chain resubmit` 更正后重新报送）\n", r.key, r.reason));
    }
    if let Some((to, n, at)) = &s.forwarded {
        let to = s.superior.as_ref().filter(|u| &u.id == to).map(|u| u.name.as_str()).unwrap_or(to);
        h.push_str(&format!("已于 {} 报送「{to}」{n} 名\n", at.get(..10).unwrap_or(at)));
    }
    h
}
