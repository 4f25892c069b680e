//! `shine explain <member>`: the rules, clause IDs and values that decided whether a
//! member was selected.

use crate::context::Context;
use crate::failure::Result;
use crate::messages::values::trace;
use crate::messages::words::{decision, facts_basis, ranked_outcome, rule_line};
use shine_engine::tally::Outcome;
use crate::render::Output;
use shine_engine::ops::views::Explanation;

pub fn run(ctx: &Context, member: &str, quarter: Option<&str>) -> Result<Output> {
    let engine = ctx.engine()?;
    let e = engine.archive().explain(engine.current(), member, ctx.quarter_opt(quarter)?, ctx.today())?;
    let j = &e.judgement;
    let path: Vec<&str> = e.path.iter().map(|u| u.name.as_str()).collect();
    let mut h = format!(
        "{}（{}，{}）— {} {} 季度，规则集 {}\n",
        e.member.name,
        e.member.id,
        path.join(" / "),
        path.last().copied().unwrap_or_default(),
        e.quarter,
        e.rules.short()
    );
    h.push_str(&format!("结论：{}\n", verdict(&e)));
    h.push_str(facts_basis(e.facts).unwrap_or_default());
    h.push('\n');
    if j.excluded.is_empty() {
        h.push_str("不能评选情形：无\n");
    } else {
        h.push_str("不能评选情形：\n");
        for d in &j.excluded {
            h.push_str(&format!("  ✗ {}\n{}", rule_line(&d.rule), trace(&d.witnesses, &d.arms, &d.named, "      ")));
        }
    }
    h.push_str(&format!("\n候选资格：\n{}", decision(&j.candidate, "  ")));
    h.push_str(&format!("表决权：\n{}", decision(&j.voter, "  ")));
    h.push_str(&crate::messages::findings::member_records(engine.current().map(|c| c.rules.as_ref()), &e));
    h.push_str(&format!("名额：\n{}", decision(&e.quota, "  ")));
    if let Some(c) = &e.cap {
        h.push_str(&format!("名额上限（cap）：\n{}", decision(c, "  ")));
    }
    if let Some(capped) = &j.capped {
        h.push_str(&format!("计入上限：\n{}", decision(capped, "  ")));
    }
    if let Some(preferred) = &j.preferred {
        h.push_str(&format!("倾斜（得票相同时优先）：\n{}", decision(preferred, "  ")));
    }
    match &e.comment {
        Some(c) => h.push_str(&format!("支部点评：{}\n", crate::messages::readback::comment(c))),
        None => h.push_str("支部点评：尚未点评\n"),
    }
    for r in &e.rounds {
        match &r.ranked {
            Some(x) => {
                let said = ranked_outcome(x, r.behind_on_lean);
                h.push_str(&format!("第 {} 轮：得票 {}，第 {} 名，名额 {}，{said}\n", r.round, x.votes, x.place, r.seats));
                if r.behind_on_lean || x.outcome == Outcome::BehindOnLean {
                    if let Some(p) = &j.preferred {
                        h.push_str(&format!("  倾斜规则：{}\n", rule_line(&p.rule)));
                    }
                }
            }
            None => h.push_str(&format!("第 {} 轮：不在本轮候选人中\n", r.round)),
        }
    }
    Ok(Output::new(h, e))
}

fn verdict(e: &Explanation) -> String {
    if e.star {
        return "当选“闪光言行之星”".into();
    }
    if !e.judgement.excluded.is_empty() {
        let clauses: Vec<_> = e.judgement.excluded.iter().map(|d| crate::messages::words::citation(&d.rule)).collect();
        return format!("不能评选（{}）", clauses.join("、"));
    }
    match e.rounds.last().and_then(|r| r.ranked.as_ref()) {
        Some(x) => format!("未当选：{}", ranked_outcome(x, e.rounds.last().is_some_and(|r| r.behind_on_lean))),
        None if e.rounds.is_empty() => "尚未计票".into(),
        None => "未当选".into(),
    }
}
