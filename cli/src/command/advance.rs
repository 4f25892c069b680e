//! `shine advance`: move a branch on from the state it names, or say which guard
//! blocks it; asked again after that step, say when it was taken.

use crate::context::Context;
use crate::failure::Result;
use crate::messages::words::decision;
use crate::render::{unit_name, Output};
use shine_engine::ops::org::unit_id;

pub fn run(ctx: &Context, branch: &str, from: Option<&str>) -> Result<Output> {
    let engine = ctx.engine()?;
    let (archive, current) = (engine.archive(), engine.current());
    let done = archive.advance_from(current, &ctx.actor(current)?, branch, from)?;
    let mut human = match &done.repeated {
        Some(r) => format!(
            "「{}」已于 {} 完成（当时进入「{}」），本次没有再推进；当前环节：「{}」",
            done.step.title,
            r.at,
            done.to.title,
            r.now.title
        ),
        None => format!("已完成「{}」，进入「{}」", done.step.title, done.to.title),
    };
    if !done.guards.is_empty() {
        human.push_str("\n依据：\n");
        for g in &done.guards {
            human.push_str(&decision(g, "  "));
        }
    }
    if !done.warnings.is_empty() {
        human.push('\n');
        human.push_str(crate::messages::readback::warnings(&done.warnings).trim_end());
    }
    if let Some(s) = &done.selection {
        let roster = archive.roster(&unit_id(branch)?)?;
        let name = |id: &shine_engine::domain::MemberId| roster.name(id.as_str());
        human.push_str(&format!("\n计票：名额 {}，", s.seats));
        match &s.runoff {
            Some(r) => human.push_str(&format!(
                "末位得票相同：{} 并列，须对其再次投票决定 {} 个名额（第 {} 轮）",
                r.tied.iter().map(name).collect::<Vec<_>>().join("、"),
                r.seats,
                done.runoff_round.unwrap_or_default()
            )),
            None => human.push_str(&format!("当选：{}", done.stars.iter().map(name).collect::<Vec<_>>().join("、"))),
        }
    }
    if let Some(to) = &done.reported {
        let to = to.as_ref().map(|u| unit_name(archive, u.as_str())).unwrap_or_default();
        human.push_str(&format!("\n评选结果已写入台帐，并报上级党组织{to}备案（§4.2.b）"));
    }
    Ok(Output::new(human, done))
}
