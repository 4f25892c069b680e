//! The quarter workflow and the escalation file against each other, for the pair in
//! force: the kinds of unit that run the quarter are kinds the escalation file
//! declares, and the workflow names its default role.

use super::check::{find, ids};
use super::error::{Source, WorkflowErrors, WorkflowProblem as P};
use super::escalation::Escalation;
use super::model::Workflow;

/// The quarter workflow as the one in force, against the escalation file: its
/// `units` name at least one kind, and only kinds that `escalation` declares, and it
/// declares its default role. Problems are placed in the workflow's file. Run where
/// the definitions in force are checked; a workflow stored with an older quarter,
/// which may lack both keys, is loaded without it.
pub fn check_together(workflow: &Workflow, escalation: &Escalation) -> Result<(), WorkflowErrors> {
    let source = Source::new(&workflow.file_name, &workflow.text);
    let known = || ids(escalation.kinds().iter().map(|kind| kind.id.as_str()));
    let units = source.key("units", 0);
    let head = || source.word("Workflow", 0).map(|offset| (offset, "Workflow".len()));
    let mut errors = Vec::new();
    if workflow.default_role.is_none() {
        let roles = ids(workflow.roles.iter().map(|role| role.id.as_str()));
        errors.push(source.error(source.key("roles", 0).or_else(head), P::NoDefaultRole { known: roles }));
    }
    if workflow.units.is_empty() {
        errors.push(source.error(units.or_else(head), P::NoQuarterUnits { known: known() }));
    }
    for kind in workflow.units.iter().filter(|kind| escalation.kind(kind).is_none()) {
        let problem = P::UnknownQuarterKind { kind: kind.clone(), known: known() };
        errors.push(source.error(find(&source, kind, units.map(|(offset, _)| offset)), problem));
    }
    source.finish(errors)
}
