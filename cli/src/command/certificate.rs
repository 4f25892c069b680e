//! `shine member certificate --member M [--quarter Q]`: the member's registration
//! certificate (《党员“闪光言行”登记证》) — for each quarter of their branch, the deeds
//! with kind, form and date, attendance and presentation at the branch meeting, the
//! secretary's comment and its confirmation, and the quarter's result.

use crate::messages::readback::{exclusions, star};
use crate::context::Context;
use crate::failure::Result;
use crate::messages::readback;
use crate::render::Output;
use shine_engine::ops::history::{Certificate, QuarterRecord};
use shine_engine::ops::Current;

pub fn run(ctx: &Context, member: &str, quarter: Option<&str>) -> Result<Output> {
    let engine = ctx.engine()?;
    let quarter = ctx.quarter_opt(quarter)?;
    let c = disclosed(ctx, engine.archive().certificate(engine.current(), member, quarter, ctx.today())?, engine.current())?;
    let h = &c.history;
    let mut text = format!("《党员“闪光言行”登记证》\n{}（{}）  {}  {}\n", h.member.name, h.member.id, h.member.identity, h.branch.name);
    if h.quarters.is_empty() {
        text.push_str("所在支部还没有开启过季度评选，登记证暂无记录。\n");
    }
    for q in &h.quarters {
        text.push_str(&format!("\n{} 季度（{}）\n", q.quarter, q.state.title));
        text.push_str(&readback::register(&q.register, "  "));
        text.push_str(&format!("  评选结果：{}\n", result(q)));
    }
    Ok(Output::new(text, c))
}

/// The certificate as the `--as` role may see it (the workflow file's `restricted`).
pub(crate) fn disclosed(ctx: &Context, c: Certificate, current: Option<&Current>) -> Result<Certificate> {
    let Some(current) = current else { return Ok(c) };
    let viewer = ctx.viewer(Some(current))?;
    Ok(Certificate { history: c.history.disclosed_to(&current.workflow, viewer.as_deref()) })
}

/// Star, excluded (with the clauses), not elected, or not yet known.
pub(crate) fn result(q: &QuarterRecord) -> String {
    if q.star {
        return "当选“闪光言行之星”".into();
    }
    if !q.exclusions.is_empty() || q.withheld > 0 {
        let settled = if q.ballot_fixed { "" } else { "（按今天的记录判断，确定候选人时记入台帐）" };
        return format!("不能评选：{}{settled}", exclusions(q).replace('\n', "；"));
    }
    match star(q) {
        "未当选" => "未当选".into(),
        _ => "尚未确定".into(),
    }
}
