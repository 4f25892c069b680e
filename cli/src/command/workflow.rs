//! `shine workflow check`: the quarter workflow against the rules in force.

use crate::args::WorkflowCommand;
use crate::context::Context;
use crate::render::{short_hash, table, Output};
use miette::Result;

pub fn run(ctx: &Context, command: WorkflowCommand) -> Result<Output> {
    let WorkflowCommand::Check = command;
    let (origin, _) = ctx.workflow_file()?;
    let checked = ctx.definitions()?.check()?;
    let wf = &checked.workflow;
    let mut t = table(&["环节", "从", "到", "办理", "条件", "条款"]);
    for s in &wf.steps {
        let to = match &s.next {
            shine_engine::workflow::Next::To(to) => to.clone(),
            shine_engine::workflow::Next::Outcomes { selected, runoff } => format!("{selected} / {runoff}"),
        };
        t.add_row(vec![s.title.clone(), s.from.clone(), to, s.roles.join("、"), s.guards.join("、"), s.clause.clone()]);
    }
    let h = format!(
        "流程检查通过：{origin}「{}」，{} 个状态，{} 个环节，流程 {}\n{t}",
        wf.title,
        wf.states.len(),
        wf.steps.len(),
        short_hash(&wf.hash())
    );
    Ok(Output::new(h, serde_json::json!({ "ok": true, "name": wf.name, "hash": wf.hash(), "states": wf.states.len(), "steps": wf.steps.len() })))
}
