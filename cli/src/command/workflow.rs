//! `shine workflow check`: the quarter workflow and the escalation chain against the
//! rules in force.

use crate::args::WorkflowCommand;
use crate::context::Context;
use crate::failure::{Failure, Result};
use crate::render::{table, Output};
use shine_engine::refusal::Refusal;
use shine_engine::workflow::{check_together, Action, Escalation, LevelStep, Sending};

pub fn run(ctx: &Context, command: WorkflowCommand) -> Result<Output> {
    let WorkflowCommand::Check = command;
    let (origin, _) = ctx.workflow_file()?;
    let checked = ctx.definitions()?.check().map_err(Failure::from)?;
    check_together(&checked.workflow, &checked.escalation).map_err(|e| Failure::from(Refusal::from(e)))?;
    let wf = &checked.workflow;
    let mut t = table(&["环节", "从", "到", "办理", "条件", "条款"]);
    for s in &wf.steps {
        let to = match &s.next {
            shine_engine::workflow::Next::To(to) => to.clone(),
            shine_engine::workflow::Next::Outcomes { selected, runoff } => format!("{selected} / {runoff}"),
        };
        t.add_row(vec![s.title.clone(), s.from.clone(), to, s.roles.join("、"), s.guards.join("、"), s.clause.clone()]);
    }
    let chain = &checked.escalation;
    let h = format!(
        "流程检查通过：{origin}「{}」，{} 个状态，{} 个环节，流程 {}\n{t}\n逐级报送「{}」，{} 个层级，最高层级：{}\n{}",
        wf.title,
        wf.states.len(),
        wf.steps.len(),
        &wf.hash()[..12],
        chain.title,
        chain.levels.len(),
        chain.top_level().title,
        levels(chain)
    );
    let json_levels: Vec<serde_json::Value> = chain
        .levels
        .iter()
        .map(|l| serde_json::json!({ "id": l.id, "title": l.title, "units": l.units, "reports_to": l.reports_to, "steps": l.steps.iter().map(|s| action_label(s.action)).collect::<Vec<_>>() }))
        .collect();
    Ok(Output::new(
        h,
        serde_json::json!({ "ok": true, "name": wf.name, "hash": wf.hash(), "states": wf.states.len(), "steps": wf.steps.len(), "escalation": { "name": chain.name, "top": chain.top, "levels": json_levels } }),
    ))
}

/// One row per level: who acts, where it reports, its steps in order.
fn levels(chain: &Escalation) -> comfy_table::Table {
    let mut t = table(&["层级", "组织单位", "报送至", "办理环节", "条款"]);
    for l in &chain.levels {
        let up = l.reports_to.as_deref().and_then(|id| chain.level(id)).map(|up| up.title.clone()).unwrap_or_else(|| "—（最高层级）".into());
        let units = l.units.as_deref().and_then(|kind| chain.kind(kind)).map_or("—（校外）", |kind| kind.title.as_str());
        let steps: Vec<String> = l.steps.iter().map(step_label).collect();
        t.add_row(vec![format!("{}（{}）", l.title, l.id), units.to_string(), up, steps.join(" → "), l.clause.clone()]);
    }
    t
}

fn action_label(action: Action) -> &'static str {
    match action {
        Action::Receive => "接收",
        Action::File => "备案",
        Action::Pick => "遴选",
        Action::Forward => "报送",
        Action::Publish => "公布",
    }
}

/// `遴选（per_unit、province）`, `报送（仅遴选结果）`.
fn step_label(step: &LevelStep) -> String {
    let mut label = action_label(step.action).to_string();
    if !step.rules.is_empty() {
        label.push_str(&format!("（{}）", step.rules.join("、")));
    }
    if step.send == Some(Sending::Picked) {
        label.push_str("（仅遴选结果）");
    }
    label
}
