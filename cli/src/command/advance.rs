//! `shine advance`: move a branch to its next state, or say which guard blocks it.

use crate::context::Context;
use crate::render::{decision, Output, unit_name};
use miette::Result;

pub fn run(ctx: &Context, branch: &str) -> Result<Output> {
    let shine = ctx.shine()?;
    let done = shine.advance(&ctx.actor(), branch)?;
    let mut human = format!("已完成「{}」，进入「{}」", done.step_title, done.to_title);
    if !done.guards.is_empty() {
        human.push_str("\n依据：\n");
        for g in &done.guards {
            human.push_str(&decision(g, "  "));
        }
    }
    if let Some(s) = &done.selection {
        let status = shine.status(branch, None, ctx.today())?;
        let names: std::collections::HashMap<_, _> = shine.roster(branch)?.members.iter().map(|m| (m.id.clone(), m.name.clone())).collect();
        let name = |id: &String| names.get(id).cloned().unwrap_or_else(|| id.clone());
        human.push_str(&format!("\n计票：名额 {}，", s.seats));
        match &s.runoff {
            Some(r) => human.push_str(&format!(
                "末位得票相同：{} 并列，须对其再次投票决定 {} 个名额（第 {} 轮）",
                r.tied.iter().map(&name).collect::<Vec<_>>().join("、"),
                r.seats,
                status.round.as_ref().map(|r| r.round).unwrap_or_default()
            )),
            None => human.push_str(&format!("当选：{}", done.stars.iter().map(&name).collect::<Vec<_>>().join("、"))),
        }
    }
    if let Some(to) = &done.reported_to {
        human.push_str(&format!("\n评选结果已写入台帐，并报上级党组织{}备案（§4.2.b）", unit_name(&shine, to)));
    }
    Ok(Output::new(human, done))
}
