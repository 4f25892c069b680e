//! `shine pull` (from the units below in this store) and `shine chain …`: a level's
//! steps in the escalation chain, rendered for the secretary of that level.

use crate::args::{ChainCommand, LevelArgs};
use crate::context::Context;
use crate::failure::Result;
use crate::messages::words::{self, yes_no};
use crate::render::{table, Output};
use shine_engine::domain::{Actor, Quarter};
use shine_engine::ops::chain::{LevelStatus, Pulled, StarView};
use shine_engine::ops::Shine;
use shine_engine::progress::PickCheck;

pub fn pull_local(ctx: &Context, unit: Option<&str>, quarter: &str) -> Result<Output> {
    let shine = ctx.shine()?;
    let actor = ctx.actor_as(shine.current(), &shine.level_role(unit)?.id)?;
    let pulled = shine.pull(&actor, unit, ctx.quarter(quarter)?)?;
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
        h.push_str(&format!("尚未报送：「{}」——{}\n", u.name, words::waiting(why)));
    }
    h
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
        ChainCommand::Return { level, member, reason, token } => {
            let (actor, unit, quarter) = acting(ctx, &shine, &level)?;
            let r = shine.prepare_return(&actor, unit, quarter, &member, &reason)?;
            let local = shine.org()?.unit(&r.to).is_some();
            // Another instance hears of the return first; only then is it recorded here.
            if !local {
                crate::command::remote::send_return(&r, quarter, token.as_deref())?;
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
        ChainCommand::Forward { level } => {
            let (actor, unit, quarter) = acting(ctx, &shine, &level)?;
            let (to, sent) = shine.forward(&actor, unit, quarter)?;
            let names: Vec<&str> = sent.iter().map(|s| s.record.member.name.as_str()).collect();
            after(&shine, unit, quarter, today, format!("已报送「{}」{} 名：{}", to.name, sent.len(), names.join("、")))
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

fn standing(v: &StarView) -> String {
    let mut parts: Vec<String> = words::standing(&v.standing).into_iter().collect();
    if let Some(o) = &v.objection {
        match &o.decision {
            None => parts.push(format!("异议待处理：{}", o.reason)),
            Some(d) if d.upheld => parts.push(format!("异议成立：{}", d.reason)),
            Some(d) => parts.push(format!("异议不成立：{}", d.reason)),
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
            words::share(r.votes, r.ballots),
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
        h.push_str(&format!("    {ok} {}\n", words::pick_check(c)));
    }
    h
}

pub fn status_text(s: &LevelStatus) -> String {
    let mut h = format!("「{}」（{}）{} 季度报送进度\n", s.unit.name, s.level.title, s.quarter);
    if let Some(sup) = &s.superior {
        h.push_str(&format!("上级：「{}」\n", sup.name));
    }
    for (i, step) in s.steps.iter().enumerate() {
        let mark = if step.done { "✓" } else { "·" };
        h.push_str(&format!("{mark} {}. {}（{}）\n", i + 1, step.title, step.clause));
        for m in &step.missing {
            h.push_str(&format!("      {}\n", words::missing(m)));
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
    if let Some(f) = &s.forwarded {
        let to = s.superior.as_ref().filter(|u| u.id == f.to).map(|u| u.name.as_str()).unwrap_or(&f.to);
        h.push_str(&format!("已于 {} 报送「{to}」{} 名\n", f.at.date(), f.count));
    }
    h
}
