//! The escalation chain (§4.2.b, §4.3.d): which level receives a branch's stars,
//! files them, picks among them, forwards them and publishes them, up to the top.
//!
//! Read from its own RON format (`file::EscalationFile`), converted into the
//! [`Escalation`] engine type and checked with petgraph: ids unique, roles and
//! levels known, no level reports to itself through a loop, exactly one top level
//! and every level reaches it, and a level forwards exactly when it reports upward.
//! The kinds of unit of the organization tree are declared in the same file
//! (`kinds`, checked in `kinds`). Levels that act for a kind (`units`) report as the
//! tree does: each declared kind is mapped by one level at most, and a level reports
//! to the level of its kind's parent kind (the root kind's level, to the top).
//!
//! Steps name rules (`pick` rules on `Pick`, the `publicity` rule on `Publish`);
//! [`Escalation::check_rules`] checks them against a lookup the caller supplies, so
//! this module does not read the rule language.

use std::collections::HashSet;


use petgraph::algo::tarjan_scc;
use petgraph::graphmap::DiGraphMap;
use petgraph::visit::{Dfs, Reversed};

use super::check::{check_roles, definitions, find, ids, repeated, span};
use super::error::{Item, RoleUser, Source, WorkflowError, WorkflowErrors, WorkflowProblem as P};
use super::file::{ActionFile, EscalationFile, LevelFile, SendingFile};
use super::kinds::{check_kinds, UnitKindDecl};
use super::model::{Action, Role};
use crate::rules::RuleKind;

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
    /// The id of the kind of unit of the organization tree that acts at this level
    /// (one of [`Escalation::kinds`]); `None` for a level outside the university's
    /// tree (the province).
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
    /// The kinds of unit of the organization tree; read through [`Escalation::kinds`].
    kinds: Vec<UnitKindDecl>,
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
        let file: EscalationFile = super::file::read(&source, text)?;
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
            kinds: file.kinds.into_iter().map(UnitKindDecl::from).collect(),
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
                    units: level.units,
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

    /// The level at which units of kind `kind` (a declared kind's id) act; `None`
    /// when no level acts for the kind.
    pub fn level_for_kind(&self, kind: &str) -> Option<&Level> {
        self.levels.iter().find(|level| level.units.as_deref() == Some(kind))
    }

    /// The kinds of unit of the organization tree, in file order.
    pub fn kinds(&self) -> &[UnitKindDecl] {
        &self.kinds
    }

    /// The declared kind of unit with this id.
    pub fn kind(&self, id: &str) -> Option<&UnitKindDecl> {
        self.kinds.iter().find(|kind| kind.id == id)
    }

    /// The one kind that sits under no other: the kind of the tree's root.
    pub fn root_kind(&self) -> &UnitKindDecl {
        // Loading refuses kinds without exactly one root, so the fallback is unused.
        self.kinds.iter().find(|kind| kind.parents.is_empty()).unwrap_or(&self.kinds[0])
    }

    /// Whether a unit of kind `kind` may sit directly under a unit of kind
    /// `parent`; `false` when either is not a declared kind.
    pub fn may_sit_under(&self, kind: &str, parent: &str) -> bool {
        self.kind(kind).is_some_and(|kind| kind.parents.iter().any(|p| p == parent))
    }

    /// The role whose id, or else whose title, is `name`, as someone may name the
    /// role they act in.
    pub fn role_named(&self, name: &str) -> Option<&Role> {
        Role::named(&self.roles, name)
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
                let want = match step.action {
                    Action::Pick => RuleKind::Pick,
                    _ => RuleKind::Publicity,
                };
                for name in &step.rules {
                    let (level, action, rule) = (level.id.clone(), step.action, name.clone());
                    let problem = match kind_of(name) {
                        Some(found) if found == want => continue,
                        None => P::UnknownStepRule { level, action, rule, wanted: want },
                        Some(found) => P::WrongKindOfRule { level, action, rule, wanted: want, found },
                    };
                    errors.push(source.error(find(&source, name, at), problem));
                }
            }
        }
        source.finish(errors)
    }

    /// Whether units at `level` report their results for filing: the level acts for
    /// units of the tree and reports to a level with a `File` step (in the shipped
    /// chain: general branches and directly affiliated branches, which report to the
    /// Organization Department's 备案).
    pub fn reports_for_filing(&self, level: &Level) -> bool {
        level.units.is_some() && level.reports_to.as_deref().and_then(|up| self.level(up)).is_some_and(|up| up.has(Action::File))
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

/// The checks of `units`, `rules` and `send`: each declared kind at one level, a
/// mapped level reports to the level of its kind's parent, keys on the right steps.
fn check_units_and_steps(source: &Source<'_>, file: &EscalationFile, places: &[Option<usize>], errors: &mut Vec<WorkflowError>) {
    let top = file.levels.iter().find(|level| level.reports_to.is_none()).map(|level| level.id.as_str());
    let levels_of = |kind: &str| file.levels.iter().filter(|level| level.units.as_deref() == Some(kind)).collect();
    for (i, (level, place)) in file.levels.iter().zip(places).enumerate() {
        let id = &level.id;
        if let Some(kind) = &level.units {
            let at = source.key("units", place.unwrap_or(0)).and_then(|(from, _)| find(source, kind, Some(from)));
            let first = file.levels[..i].iter().find(|earlier| earlier.units.as_deref() == Some(kind));
            match (file.kinds.iter().find(|declared| &declared.id == kind), first) {
                (None, _) => {
                    let known = ids(file.kinds.iter().map(|kind| kind.id.as_str()));
                    errors.push(source.error(at, P::UnknownLevelKind { level: id.clone(), kind: kind.clone(), known }));
                }
                (Some(_), Some(first)) => {
                    let problem = P::KindActedForTwice { kind: kind.clone(), first: first.id.clone(), second: id.clone() };
                    errors.push(source.error(at, problem));
                }
                (Some(declared), None) => {
                    let tree = Tree { file, top, levels_of: &levels_of };
                    if let Some(problem) = tree.reports_as_it(level, &declared.id, &declared.parents) {
                        errors.push(reports_not_as_the_tree(source, level, *place, problem));
                    }
                }
            }
        }
        for (step, at) in level.steps.iter().zip(step_places(source, *place, level.steps.len())) {
            let action = action(step.action);
            if step.send.is_some() && action != Action::Forward {
                let at = at.and_then(|from| source.key("send", from));
                errors.push(source.error(at, P::SendOffForward { level: id.clone(), action }));
            }
            if !step.rules.is_empty() && !matches!(action, Action::Pick | Action::Publish) {
                let at = at.and_then(|from| source.key("rules", from));
                errors.push(source.error(at, P::RulesOffPickOrPublish { level: id.clone(), action }));
            }
        }
    }
}

/// The organization tree as the levels map it, for checking one level against it.
struct Tree<'f, 'l> {
    file: &'f EscalationFile,
    /// The top level, when there is exactly one candidate.
    top: Option<&'f str>,
    levels_of: &'l dyn Fn(&str) -> Vec<&'f LevelFile>,
}

impl Tree<'_, '_> {
    /// A level acting for `kind` reports to the level acting for its parent kind,
    /// or, for the root kind, to the top (or is the top itself). `None` when it
    /// does, or when what it should report to is unclear (a parent kind undeclared
    /// or at two levels: reported as such).
    fn reports_as_it(&self, level: &LevelFile, kind: &str, parents: &[String]) -> Option<P> {
        let (id, root) = (&level.id, parents.is_empty());
        if parents.iter().any(|parent| !self.file.kinds.iter().any(|declared| &declared.id == parent)) {
            return None;
        }
        let expected = if root {
            level.reports_to.as_ref()?;
            self.top?
        } else {
            let ups: Vec<&LevelFile> = parents.iter().flat_map(|parent| (self.levels_of)(parent)).collect();
            match ups.as_slice() {
                [up] => up.id.as_str(),
                [] => {
                    let parents = parents.to_vec();
                    return Some(P::ParentKindWithoutLevel { level: id.clone(), kind: kind.to_string(), parents });
                }
                [_, _, ..] => return None,
            }
        };
        (level.reports_to.as_deref() != Some(expected)).then(|| P::ReportsNotAsTheTree {
            level: id.clone(),
            kind: kind.to_string(),
            reports_to: level.reports_to.clone(),
            expected: expected.to_string(),
            root,
        })
    }
}

/// Places a problem of [`Tree::reports_as_it`]: on the `reports_to` it names, or
/// on the level when it names none or its parent has no level.
fn reports_not_as_the_tree(source: &Source<'_>, level: &LevelFile, place: Option<usize>, problem: P) -> WorkflowError {
    let at = match (&problem, &level.reports_to) {
        (P::ReportsNotAsTheTree { .. }, Some(up)) => {
            source.key("reports_to", place.unwrap_or(0)).and_then(|(from, _)| find(source, up, Some(from)))
        }
        _ => span(place, &level.id),
    };
    source.error(at, problem)
}

fn check(source: &Source<'_>, file: &EscalationFile) -> Vec<WorkflowError> {
    let mut errors = Vec::new();
    check_kinds(source, &file.kinds, &mut errors);
    let roles = definitions(source, "roles:", file.roles.iter().map(|role| role.id.as_str()));
    let levels = definitions(source, "levels:", file.levels.iter().map(|level| level.id.as_str()));
    check_roles(source, &file.roles, &roles, &mut errors);
    let level_items = file.levels.iter().map(|level| level.id.as_str()).zip(levels.iter().copied());
    for (id, place, first_line) in repeated(source, level_items) {
        errors.push(source.error(span(place, id), P::DuplicateId { item: Item::Level, id: id.to_string(), first_line }));
    }
    let mut error = |at, problem| errors.push(source.error(at, problem));

    let is_level = |id: &str| file.levels.iter().any(|level| level.id == id);
    let mut graph: DiGraphMap<&str, ()> = DiGraphMap::new();
    for level in &file.levels {
        graph.add_node(level.id.as_str());
    }
    for (level, place) in file.levels.iter().zip(levels.iter().copied()) {
        let id = &level.id;
        if !file.roles.iter().any(|role| role.id == level.role) {
            let known = ids(file.roles.iter().map(|role| role.id.as_str()));
            let problem = P::UnknownRole { by: RoleUser::Level(id.clone()), role: level.role.clone(), known };
            error(find(source, &level.role, place), problem);
        }
        if !level.clause.starts_with('§') {
            let problem = P::NotAClause { item: Item::Level, id: id.clone(), clause: level.clause.clone() };
            error(find(source, &level.clause, place), problem);
        }
        let forwards = level.steps.iter().any(|step| matches!(step.action, ActionFile::Forward));
        match &level.reports_to {
            Some(up) if !is_level(up) => {
                let known = ids(file.levels.iter().map(|level| level.id.as_str()));
                error(find(source, up, place), P::UnknownReportsTo { level: id.clone(), target: up.clone(), known });
            }
            Some(up) => {
                graph.add_edge(id.as_str(), up.as_str(), ());
                if !forwards {
                    error(span(place, id), P::ReportsButNeverForwards { level: id.clone(), reports_to: up.clone() });
                }
            }
            None if forwards => error(span(place, id), P::ForwardsButReportsToNone { level: id.clone() }),
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
            error(span(place_of(members[0]), members[0]), P::LevelLoop { levels: ids(members.into_iter()) });
        }
    }

    let tops: Vec<&str> = file.levels.iter().filter(|l| l.reports_to.is_none()).map(|l| l.id.as_str()).collect();
    match tops.as_slice() {
        [] => error(source.key("levels", 0), P::NoTopLevel),
        [top] => {
            let mut reaching = HashSet::new();
            let backwards = Reversed(&graph);
            let mut dfs = Dfs::new(backwards, *top);
            while let Some(level) = dfs.next(backwards) {
                reaching.insert(level);
            }
            for (level, place) in file.levels.iter().zip(levels.iter().copied()) {
                let reported_elsewhere = level.reports_to.as_deref().is_some_and(|up| !is_level(up));
                if !reaching.contains(level.id.as_str()) && !reported_elsewhere && !in_loop.contains(level.id.as_str()) {
                    error(span(place, &level.id), P::NeverReachesTop { level: level.id.clone(), top: top.to_string() });
                }
            }
        }
        [first, rest @ ..] => {
            for other in rest {
                error(span(place_of(other), other), P::SecondTopLevel { first: first.to_string(), second: other.to_string() });
            }
        }
    }
    check_units_and_steps(source, file, &levels, &mut errors);
    errors
}
