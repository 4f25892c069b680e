//! The escalation chain (§4.2.b, §4.3.d): which level receives a branch's stars,
//! files them, picks among them, forwards them and publishes them, up to the top.
//!
//! Read from its own RON format (`file::EscalationFile`), converted into the
//! [`Escalation`] engine type and checked with petgraph: ids unique, roles and
//! levels known, no level reports to itself through a loop, exactly one top level
//! and every level reaches it, and a level forwards exactly when it reports upward.
//! Levels that act for a kind of unit of the organization tree (`units`) report as
//! the tree does: each kind is mapped by one level at most, and a level reports to
//! the level of its kind's parent kind (the committee's level, to the top).
//!
//! Steps name rules (`pick` rules on `Pick`, the `publicity` rule on `Publish`);
//! [`Escalation::check_rules`] checks them against a lookup the caller supplies, so
//! this module does not read the rule language.

use std::collections::HashSet;

use petgraph::algo::tarjan_scc;
use petgraph::graphmap::DiGraphMap;
use petgraph::visit::{Dfs, Reversed};

use super::check::{definitions, find, listing, span};
use super::error::{Source, WorkflowError, WorkflowErrors};
use super::file::{ActionFile, EscalationFile, LevelFile, SendingFile};
use super::model::Role;
use super::shim::UnitKind;
use crate::rules::RuleKind;

/// What a level does with the stars that reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
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

impl Action {
    /// The action as spelled in escalation files, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Action::Receive => "Receive",
            Action::File => "File",
            Action::Pick => "Pick",
            Action::Forward => "Forward",
            Action::Publish => "Publish",
        }
    }
}

/// What a `Forward` step sends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sending {
    /// Every star the level holds, for filing, its picks marked.
    All,
    /// Only the level's picks.
    Picked,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelStep {
    pub action: Action,
    pub title: String,
    pub clause: String,
    /// Names of rules: the `pick` rules of a `Pick` step, the `publicity` rule of a
    /// `Publish` step; empty on other steps.
    pub rules: Vec<String>,
    /// `Some` exactly on `Forward` steps (`All` when the file leaves it out).
    pub send: Option<Sending>,
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
    /// The kind of unit of the organization tree that acts at this level; `None`
    /// for a level outside the university's tree (the province).
    pub units: Option<String>,
    pub steps: Vec<LevelStep>,
}

impl Level {
    pub fn has(&self, action: Action) -> bool {
        self.position(action).is_some()
    }
    /// The first step with this action.
    pub fn step(&self, action: Action) -> Option<&LevelStep> {
        self.steps.iter().find(|step| step.action == action)
    }
    /// The index of the first step with this action.
    pub fn position(&self, action: Action) -> Option<usize> {
        self.steps.iter().position(|step| step.action == action)
    }
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
    /// The file name as given to `load`, for errors of the later checks.
    pub file_name: String,
    /// The file text, searched to place errors of the later checks.
    pub(crate) text: String,
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
                    units: level.units.clone(),
                    steps: level
                        .steps
                        .into_iter()
                        .map(|step| {
                            let action = action(step.action);
                            let send = match (action, step.send) {
                                (Action::Forward, Some(SendingFile::Picked)) => Some(Sending::Picked),
                                (Action::Forward, _) => Some(Sending::All),
                                _ => None,
                            };
                            LevelStep { action, title: step.title, clause: step.clause, rules: step.rules, send }
                        })
                        .collect(),
                })
                .collect(),
            top,
            file_name: file_name.to_string(),
            text: text.to_string(),
        })
    }

    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|level| level.id == id)
    }

    /// The level at which units of `kind` act.
    pub fn level_for_kind(&self, kind: &str) -> Option<&Level> {
        self.levels.iter().find(|level| level.units.as_deref() == Some(kind))
    }

    /// The one level that reports to no one.
    pub fn top_level(&self) -> &Level {
        // Loading refuses a chain without exactly one top, so the fallback is unused.
        self.level(&self.top).unwrap_or(&self.levels[0])
    }

    /// Second stage: every rule a step names exists and is of the step's kind
    /// (`pick` rules on `Pick`, `publicity` rules on `Publish`). `kind_of` says
    /// what kind of rule a name is, `None` when there is no such rule.
    pub fn check_rules(&self, kind_of: &dyn Fn(&str) -> Option<RuleKind>) -> Result<(), WorkflowErrors> {
        let source = Source::new(&self.file_name, &self.text);
        let places = definitions(&source, "levels:", self.levels.iter().map(|level| level.id.as_str()));
        let mut errors = Vec::new();
        for (level, place) in self.levels.iter().zip(places) {
            let steps = step_places(&source, place, level.steps.len());
            for (step, at) in level.steps.iter().zip(steps) {
                let (want, word) = match step.action {
                    Action::Pick => (RuleKind::Pick, "pick"),
                    _ => (RuleKind::Publicity, "publicity"),
                };
                for rule in &step.rules {
                    let (message, label, help) = match kind_of(rule) {
                        Some(kind) if kind == want => continue,
                        None => (
                            format!("the `{}` step of level `{}` names unknown rule `{rule}`", step.action.name(), level.id),
                            "no rule has this name".to_string(),
                            format!("define a `{word}` rule named `{rule}` in the rule files, or remove it from the step's `rules`"),
                        ),
                        Some(kind) => (
                            format!("the `{}` step of level `{}` names `{rule}`, which is not a `{word}` rule", step.action.name(), level.id),
                            format!("a `{}` rule", crate::rules::kind_word(kind)),
                            format!("a `{}` step names `{word}` rules only", step.action.name()),
                        ),
                    };
                    errors.push(source.error(find(&source, rule, at), message, &label, &help));
                }
            }
        }
        source.finish(errors)
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

/// Every kind of unit, for "use one of" help lines.
const KINDS: [UnitKind; 4] = [UnitKind::Committee, UnitKind::GeneralBranch, UnitKind::DirectBranch, UnitKind::Branch];

/// A kind of unit as spelled in files: its serde name, `general_branch`.
fn unit_kind(name: &str) -> Option<UnitKind> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

fn kind_name(kind: UnitKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Offsets of the `Do(` of a level's steps, in order, searched from the level's
/// definition.
fn step_places(source: &Source<'_>, level: Option<usize>, count: usize) -> Vec<Option<usize>> {
    let mut cursor = level;
    (0..count)
        .map(|_| {
            let found = cursor.and_then(|from| source.word("Do(", from));
            cursor = found.map(|offset| offset + 1);
            found
        })
        .collect()
}

/// The checks of `units`, `rules` and `send`: each kind of unit at one level, a
/// mapped level reports to the level of its kind's parent, keys on the right steps.
fn check_units_and_steps(source: &Source<'_>, file: &EscalationFile, places: &[Option<usize>], errors: &mut Vec<WorkflowError>) {
    let kinds: Vec<Option<UnitKind>> = file.levels.iter().map(|level| level.units.as_deref().and_then(unit_kind)).collect();
    let top = file.levels.iter().find(|level| level.reports_to.is_none()).map(|level| level.id.as_str());
    let levels_of = |kind: UnitKind| file.levels.iter().zip(&kinds).filter(|(_, k)| **k == Some(kind)).map(|(level, _)| level).collect();
    for (i, (level, place)) in file.levels.iter().zip(places).enumerate() {
        let id = &level.id;
        let at_units = |name: &str| source.word("units:", place.unwrap_or(0)).and_then(|from| find(source, name, Some(from)));
        if let Some(name) = &level.units {
            match kinds[i] {
                None => errors.push(source.error(
                    at_units(name),
                    format!("level `{id}` names unknown kind of unit `{name}`"),
                    "not a kind of unit",
                    &format!("use one of {}, or leave `units` out for a level outside the organization tree", listing(KINDS.iter().map(|k| kind_name(*k)).collect::<Vec<_>>().iter().map(String::as_str))),
                )),
                Some(kind) => {
                    if let Some(first) = file.levels[..i].iter().zip(&kinds).find(|(_, k)| **k == Some(kind)).map(|(l, _)| l) {
                        errors.push(source.error(
                            at_units(name),
                            format!("levels `{}` and `{id}` both act for `{name}` units", first.id),
                            "mapped again here",
                            "map each kind of unit to one level: remove `units` from one of them",
                        ));
                    } else {
                        check_reports_as_the_tree(source, level, kind, top, &levels_of, *place, errors);
                    }
                }
            }
        }
        for (step, at) in level.steps.iter().zip(step_places(source, *place, level.steps.len())) {
            let act = action(step.action);
            if step.send.is_some() && act != Action::Forward {
                errors.push(source.error(
                    at.and_then(|from| source.word("send", from)).map(|offset| (offset, "send".len())),
                    format!("the `{}` step of level `{id}` says what to `send`, but only a `Forward` step sends", act.name()),
                    "`send` on a step that does not forward",
                    "remove `send`, or move it to the level's `Forward` step",
                ));
            }
            if !step.rules.is_empty() && !matches!(act, Action::Pick | Action::Publish) {
                errors.push(source.error(
                    at.and_then(|from| source.word("rules", from)).map(|offset| (offset, "rules".len())),
                    format!("the `{}` step of level `{id}` names rules, but only `Pick` and `Publish` steps follow rules", act.name()),
                    "`rules` on a step that neither picks nor publishes",
                    "remove `rules`, or move them to the level's `Pick` or `Publish` step",
                ));
            }
        }
    }
}

/// A level acting for `kind` reports to the level acting for its parent kind, or,
/// for the committee, to the top (or is the top itself).
fn check_reports_as_the_tree<'f>(
    source: &Source<'_>,
    level: &LevelFile,
    kind: UnitKind,
    top: Option<&str>,
    levels_of: &dyn Fn(UnitKind) -> Vec<&'f LevelFile>,
    place: Option<usize>,
    errors: &mut Vec<WorkflowError>,
) {
    let id = &level.id;
    let name = kind_name(kind);
    let parents = kind.allowed_parents();
    let expected: Option<&str> = if parents.is_empty() {
        if level.reports_to.is_none() {
            return;
        }
        top
    } else {
        let ups: Vec<&LevelFile> = parents.iter().flat_map(|p| levels_of(*p)).collect();
        match ups.as_slice() {
            [up] => Some(up.id.as_str()),
            // A parent kind at two levels is reported as such; which one is meant is unclear.
            [_, _, ..] => return,
            [] => {
                let parent_names: Vec<String> = parents.iter().map(|p| kind_name(*p)).collect();
                errors.push(source.error(
                    span(place, id),
                    format!("level `{id}` acts for `{name}` units, but no level acts for their parent {}", listing(parent_names.iter().map(String::as_str))),
                    "its parent has no level",
                    &format!("add `units: Some(\"{}\")` to the level that `{name}` units report to", parent_names.first().map(String::as_str).unwrap_or_default()),
                ));
                return;
            }
        }
    };
    if level.reports_to.as_deref() == expected {
        return;
    }
    let Some(expected) = expected else { return };
    let why = if parents.is_empty() { format!("`{name}` is the root of the organization tree, so its level reports to the top level `{expected}`") } else { format!("`{name}` units sit under units acting at level `{expected}`") };
    let at = match &level.reports_to {
        Some(up) => source.word("reports_to:", place.unwrap_or(0)).and_then(|from| find(source, up, Some(from))),
        None => span(place, id),
    };
    errors.push(source.error(
        at,
        format!("level `{id}` reports to {}, but {why}", level.reports_to.as_deref().map_or("no level".to_string(), |up| format!("`{up}`"))),
        "not as the organization tree",
        &format!("report to `{expected}`, as the organization tree does, or change `units`"),
    ));
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
    check_units_and_steps(source, file, &levels, &mut errors);
    errors
}
