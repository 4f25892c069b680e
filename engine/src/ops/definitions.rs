//! The definitions as files (`rules/*.shine`, `workflows/quarter.ron`,
//! `workflows/escalation.ron`) and as checked, compiled values ([`Current`]): each
//! file checked alone, then against the others.

use crate::refusal::Result;
use crate::rules::{RuleKind, RuleSet, SourceFile};
use crate::workflow::{Escalation, Workflow};
use std::sync::Arc;

/// The rule files, the quarter workflow file and the escalation file as they are
/// now on disk (or embedded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definitions {
    pub rules: Vec<SourceFile>,
    pub workflow: SourceFile,
    pub escalation: SourceFile,
    /// China's working days (`workflows/calendar.ron`).
    pub calendar: SourceFile,
}

/// The definitions, checked and compiled, with the files they came from.
#[derive(Debug, Clone)]
pub struct Current {
    pub files: Definitions,
    pub rules: Arc<RuleSet>,
    pub workflow: Arc<Workflow>,
    pub escalation: Arc<Escalation>,
    pub calendar: Arc<crate::workflow::Calendar>,
}

impl Definitions {
    /// Parse and check all three; the workflow's guards must name rules of this rule
    /// set, and the escalation's steps and the rule set's picks must name each other.
    pub fn check(&self) -> Result<Current> {
        let rules = RuleSet::load(self.rules.clone())?;
        let workflow = Workflow::load(&self.workflow.name, &self.workflow.text)?;
        let escalation = Escalation::load(&self.escalation.name, &self.escalation.text)?;
        workflow.check_guards(&|name| guard_exists(&rules, name))?;
        workflow.check_sessions(&|kind| session_kind_exists(&rules, kind))?;
        check_escalation(&rules, &escalation)?;
        crate::workflow::check_together(&workflow, &escalation)?;
        // The clauses the workflows cite are clauses of the notice, as the rule files
        // declare them (a rule set declaring none leaves them unchecked).
        let known: Vec<&str> = rules.clauses().iter().map(|c| c.id.as_str()).collect();
        if !known.is_empty() {
            workflow.check_clauses(&known)?;
            escalation.check_clauses(&known)?;
        }
        let calendar = crate::workflow::Calendar::load(&self.calendar.name, &self.calendar.text)?;
        Ok(Current {
            files: self.clone(),
            rules: Arc::new(rules),
            workflow: Arc::new(workflow),
            escalation: Arc::new(escalation),
            calendar: Arc::new(calendar),
        })
    }
}

/// Whether `kind` is a kind of session under `rules`: a variant of the enum of
/// `session.kind`, or any text when the rules declare none.
pub(crate) fn session_kind_exists(rules: &RuleSet, kind: &str) -> bool {
    super::org::check_enum(rules, "session", "kind", kind).is_ok_and(|k| k == kind)
}

/// The escalation chain and the rule set against each other: every rule a step names
/// exists and is of the step's kind, and every `pick … by L` names a level `L` whose
/// `Pick` step lists it.
pub fn check_escalation(rules: &RuleSet, escalation: &Escalation) -> Result<()> {
    escalation.check_rules(&|name| rules.rule(name).map(|r| r.kind))?;
    let levels: Vec<&str> = escalation.levels.iter().map(|l| l.id.as_str()).collect();
    let listed = |level: &str, rule: &str| {
        escalation
            .level(level)
            .and_then(|l| l.step(crate::workflow::Action::Pick))
            .is_some_and(|step| step.rules.iter().any(|r| r == rule))
    };
    rules.check_pick_levels(&escalation.file_name, &levels, &listed)?;
    Ok(())
}

/// A workflow guard names a `guard` rule, or the `quorum` rule.
pub(crate) fn guard_exists(rules: &RuleSet, name: &str) -> bool {
    rules.has_guard(name) || rules.rule(name).is_some_and(|r| r.kind == RuleKind::Quorum)
}
