//! The clauses a workflow file cites (the file's own, its states', steps', levels'
//! and those whose findings it restricts), checked against the clauses the rule files declare: a step citing a
//! clause the notice does not have is refused where it is written.
//!
//! This module does not know the clauses: the caller says which exist.

use super::error::{Source, WorkflowProblem};
use super::{Escalation, Workflow, WorkflowErrors};

impl Workflow {
    /// Every clause the file cites, in file order, repeats kept.
    pub fn cited_clauses(&self) -> Vec<&str> {
        let states = self.states.iter().map(|s| s.clause.as_str());
        let steps = self.steps.iter().map(|s| s.clause.as_str());
        let restricted = self.restricted.iter().flat_map(|r| r.clauses.iter().map(String::as_str));
        std::iter::once(self.clause.as_str()).chain(states).chain(steps).chain(restricted).collect()
    }

    /// Every cited clause is one of `known`.
    pub fn check_clauses(&self, known: &[&str]) -> Result<(), WorkflowErrors> {
        check(&self.file_name, &self.text, &self.cited_clauses(), known)
    }
}

impl Escalation {
    /// Every clause the file cites, in file order, repeats kept.
    pub fn cited_clauses(&self) -> Vec<&str> {
        let mut out = vec![self.clause.as_str()];
        for level in &self.levels {
            out.push(level.clause.as_str());
            out.extend(level.steps.iter().map(|s| s.clause.as_str()));
        }
        out
    }

    /// Every cited clause is one of `known`.
    pub fn check_clauses(&self, known: &[&str]) -> Result<(), WorkflowErrors> {
        check(&self.file_name, &self.text, &self.cited_clauses(), known)
    }
}

fn check(name: &str, text: &str, cited: &[&str], known: &[&str]) -> Result<(), WorkflowErrors> {
    let source = Source::new(name, text);
    let mut errors = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for clause in cited.iter().copied().filter(|c| !known.contains(c)) {
        if seen.contains(&clause) {
            continue;
        }
        seen.push(clause);
        let known: Vec<String> = known.iter().map(|k| (*k).to_owned()).collect();
        // Each place the clause is written, so that every one is found at once.
        let mut from = 0;
        let mut placed = false;
        while let Some(at) = source.quoted(clause, from) {
            errors.push(source.error(Some((at + 1, clause.len())), WorkflowProblem::UnknownClause { clause: clause.to_owned(), known: known.clone() }));
            from = at + clause.len() + 2;
            placed = true;
        }
        if !placed {
            errors.push(source.error(None, WorkflowProblem::UnknownClause { clause: clause.to_owned(), known }));
        }
    }
    source.finish(errors)
}
