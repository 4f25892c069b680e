//! The escalation chain (§4.2.b, §4.3.d): which level receives a branch's stars,
//! files them, picks among them, forwards them and publishes them, up to the top.
//!
//! Read from its own RON format (`file::EscalationFile`), converted into the
//! [`Escalation`] engine type and checked with petgraph: ids unique, roles and
//! levels known, no level reports to itself through a loop, exactly one top level
//! and every level reaches it, and a level forwards exactly when it reports upward.

use std::collections::HashSet;

use petgraph::algo::tarjan_scc;
use petgraph::graphmap::DiGraphMap;
use petgraph::visit::{Dfs, Reversed};

use super::check::{definitions, find, listing, span};
use super::error::{Source, WorkflowError, WorkflowErrors};
use super::file::{ActionFile, EscalationFile};
use super::model::Role;

/// What a level does with the stars that reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Receive,
    /// Keep on record (备案).
    File,
    /// Choose among those received, e.g. one typical star per general branch.
    Pick,
    /// Send up to the level it reports to.
    Forward,
    /// Make public.
    Publish,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelStep {
    pub action: Action,
    pub title: String,
    pub clause: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    pub id: String,
    pub title: String,
    pub clause: String,
    /// The role that acts for this level.
    pub role: String,
    /// The level it reports to; `None` only for the top.
    pub reports_to: Option<String>,
    pub steps: Vec<LevelStep>,
}

/// A checked escalation chain, made by [`Escalation::load`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub name: String,
    pub title: String,
    pub clause: String,
    pub roles: Vec<Role>,
    pub levels: Vec<Level>,
    /// The one level that reports to no one.
    pub top: String,
}

impl Escalation {
    /// Parses and checks an escalation file; returns every problem found.
    pub fn load(file_name: &str, text: &str) -> Result<Escalation, WorkflowErrors> {
        let source = Source::new(file_name, text);
        let file: EscalationFile = ron::from_str(text).map_err(|error| source.syntax(&error))?;
        let errors = check(&source, &file);
        source.finish(errors)?;
        let top = file
            .levels
            .iter()
            .find(|level| level.reports_to.is_none())
            .map(|level| level.id.clone())
            .unwrap_or_default();
        Ok(Escalation {
            name: file.name,
            title: file.title,
            clause: file.clause,
            roles: file.roles.into_iter().map(|role| Role { id: role.id, title: role.title }).collect(),
            levels: file
                .levels
                .into_iter()
                .map(|level| Level {
                    id: level.id,
                    title: level.title,
                    clause: level.clause,
                    role: level.role,
                    reports_to: level.reports_to,
                    steps: level
                        .steps
                        .into_iter()
                        .map(|step| LevelStep { action: action(step.action), title: step.title, clause: step.clause })
                        .collect(),
                })
                .collect(),
            top,
        })
    }

    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|level| level.id == id)
    }

    /// The levels from `from` up to the top, both included; empty for an unknown id.
    pub fn chain(&self, from: &str) -> Vec<&Level> {
        let mut chain = Vec::new();
        let mut next = self.level(from);
        // Loading refuses loops, so this ends; the bound is only a second guard.
        while let Some(level) = next.filter(|_| chain.len() < self.levels.len()) {
            chain.push(level);
            next = level.reports_to.as_deref().and_then(|up| self.level(up));
        }
        chain
    }
}

fn action(action: ActionFile) -> Action {
    match action {
        ActionFile::Receive => Action::Receive,
        ActionFile::File => Action::File,
        ActionFile::Pick => Action::Pick,
        ActionFile::Forward => Action::Forward,
        ActionFile::Publish => Action::Publish,
    }
}

fn check(source: &Source<'_>, file: &EscalationFile) -> Vec<WorkflowError> {
    let mut errors = Vec::new();
    let mut error = |at, message: String, label: &str, help: &str| {
        errors.push(source.error(at, message, label, help));
    };
    let roles = definitions(source, "roles:", file.roles.iter().map(|role| role.id.as_str()));
    let levels = definitions(source, "levels:", file.levels.iter().map(|level| level.id.as_str()));

    for (what, items) in [
        ("role", file.roles.iter().map(|r| r.id.as_str()).zip(roles).collect::<Vec<_>>()),
        ("level", file.levels.iter().map(|l| l.id.as_str()).zip(levels.clone()).collect()),
    ] {
        let mut seen = HashSet::new();
        for (id, place) in items {
            if !seen.insert(id) {
                error(
                    span(place, id),
                    format!("duplicate {what} id `{id}`"),
                    "defined again here",
                    &format!("give each {what} its own id"),
                );
            }
        }
    }

    let level_ids = listing(file.levels.iter().map(|level| level.id.as_str()));
    let is_level = |id: &str| file.levels.iter().any(|level| level.id == id);
    let mut graph: DiGraphMap<&str, ()> = DiGraphMap::new();
    for level in &file.levels {
        graph.add_node(level.id.as_str());
    }
    for (level, place) in file.levels.iter().zip(levels.clone()) {
        let id = &level.id;
        if !file.roles.iter().any(|role| role.id == level.role) {
            let known = listing(file.roles.iter().map(|role| role.id.as_str()));
            error(
                find(source, &level.role, place),
                format!("level `{id}` names unknown role `{}`", level.role),
                "no role has this id",
                &format!("declare `Role(id: \"{}\", title: \"…\")` in `roles`, or use one of {known}", level.role),
            );
        }
        if !level.clause.starts_with('§') {
            error(
                find(source, &level.clause, place),
                format!("level `{id}` cites `{}`, which is not a clause id", level.clause),
                "not a clause id",
                "cite the clause of the notice it carries out, such as `§4.2.b`",
            );
        }
        let forwards = level.steps.iter().any(|step| matches!(step.action, ActionFile::Forward));
        match &level.reports_to {
            Some(up) if !is_level(up) => error(
                find(source, up, place),
                format!("level `{id}` reports to unknown level `{up}`"),
                "no level has this id",
                &format!("declare a level `{up}`, or report to one of {level_ids}"),
            ),
            Some(up) => {
                graph.add_edge(id.as_str(), up.as_str(), ());
                if !forwards {
                    error(
                        span(place, id),
                        format!("level `{id}` reports to `{up}` but never forwards anything"),
                        "no `Forward` step",
                        "add a `Forward` step, or remove `reports_to`",
                    );
                }
            }
            None if forwards => error(
                span(place, id),
                format!("level `{id}` forwards but reports to no level"),
                "a `Forward` step with nowhere to go",
                "add `reports_to: \"<level>\"`, or remove the `Forward` step",
            ),
            None => {}
        }
    }

    let place_of = |id: &str| file.levels.iter().position(|level| level.id == id).and_then(|i| levels[i]);
    let mut in_loop = HashSet::new();
    for scc in tarjan_scc(&graph) {
        if scc.len() > 1 || graph.contains_edge(scc[0], scc[0]) {
            in_loop.extend(scc.iter().copied());
            let mut members = scc.clone();
            members.sort_by_key(|id| file.levels.iter().position(|level| level.id == *id));
            error(
                span(place_of(members[0]), members[0]),
                format!("levels {} report to each other in a loop", listing(members.iter().copied())),
                "the loop starts here",
                "each level reports up towards the top; break the loop with a different `reports_to`",
            );
        }
    }

    let tops: Vec<&str> = file.levels.iter().filter(|l| l.reports_to.is_none()).map(|l| l.id.as_str()).collect();
    match tops.as_slice() {
        [] => error(
            source.word("levels:", 0).map(|offset| (offset, "levels".len())),
            "the chain has no top level: every level reports to another".to_string(),
            "no level without `reports_to`",
            "leave out `reports_to` on the level at the top of the chain",
        ),
        [top] => {
            let mut reaching = HashSet::new();
            let backwards = Reversed(&graph);
            let mut dfs = Dfs::new(backwards, *top);
            while let Some(level) = dfs.next(backwards) {
                reaching.insert(level);
            }
            for (level, place) in file.levels.iter().zip(levels.clone()) {
                let reported_elsewhere = level.reports_to.as_deref().is_some_and(|up| !is_level(up));
                if !reaching.contains(level.id.as_str()) && !reported_elsewhere && !in_loop.contains(level.id.as_str()) {
                    error(
                        span(place, &level.id),
                        format!("level `{}` never reaches the top level `{top}`", level.id),
                        "does not reach the top",
                        "make its `reports_to` chain end at the top level",
                    );
                }
            }
        }
        [first, rest @ ..] => {
            for other in rest {
                error(
                    span(place_of(other), other),
                    format!("levels `{first}` and `{other}` are both at the top: neither reports to a level"),
                    "a second top level",
                    &format!("give `{other}` a `reports_to`, so that every level reaches one top"),
                );
            }
        }
    }
    errors
}
