//! `shine status`: where a branch's quarter stands and what it needs next.

use crate::context::Context;
use crate::failure::Result;
use crate::messages::meeting;
use crate::messages::words::{decision, facts_basis};
use crate::render::Output;

pub fn run(ctx: &Context, branch: &str, quarter: Option<&str>) -> Result<Output> {
    let engine = ctx.engine()?;
    let s = engine.archive().status(engine.current(), branch, ctx.quarter_opt(quarter)?, ctx.today())?;
    let mut h = format!(
        "「{}」{} 季度（规则集 {}）\n当前环节：{}{}\n",
        s.branch.name,
        s.quarter,
        s.rules.short(),
        s.state.title,
        if s.terminal { "（已完成）" } else { "" }
    );
    h.push_str(facts_basis(s.facts).unwrap_or_default());
    h.push_str(&format!(
        "党员 {} 人：已登记闪光言行 {} 人，说明理由 {} 人；已登记出席情况 {} 人，交流发言 {} 人，已点评 {} 人\n",
        s.members, s.deeds_registered, s.deeds_excused, s.attendance_recorded, s.presented, s.commented
    ));
    h.push_str(&crate::messages::readback::meeting(&s.meeting));
    if let Some(report) = &s.meeting_report {
        for line in meeting::report_lines(report) {
            h.push_str(&line);
            h.push('\n');
        }
    }
    if let Some(r) = &s.round {
        let tellers = if r.paper { format!("；{}", meeting::tellers(&r.scrutineers, &r.counters)) } else { String::new() };
        h.push_str(&format!(
            "第 {} 轮投票：名额 {}，已收选票 {} 张{}（选票：{}{tellers}）\n候选人 {} 人：{}\n",
            r.round,
            r.seats,
            r.figures.returned,
            if r.paper { "（纸质）" } else { "" },
            meeting::figures(&r.figures),
            r.candidates.len(),
            r.candidates.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join("、")
        ));
        if let Some(p) = &r.voting {
            h.push_str(&super::ballot::progress_line(p));
            h.push('\n');
        }
    }
    if !s.stars.is_empty() {
        h.push_str(&format!("当选：{}\n", s.stars.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("、")));
    }
    match &s.next_step {
        Some(n) => {
            let roles: Vec<&str> = n.roles.iter().map(|r| r.title.as_str()).collect();
            h.push_str(&format!("下一环节：{}（{}，办理：{}）\n", n.step.title, n.step.clause, roles.join("、")));
            for g in &n.guards {
                h.push_str(&format!("  {} ", if g.value { "✓" } else { "✗" }));
                h.push_str(decision(g, "").trim_start());
            }
            h.push_str(&format!("条件满足后运行 `shine advance --branch {branch} --from {}`\n", s.state.id));
        }
        None => {
            if let Some(Some(to)) = &s.reported {
                h.push_str(&format!("已报上级党组织「{}」（{}）备案\n", to.name, to.id));
            }
        }
    }
    Ok(Output::new(h, s))
}
