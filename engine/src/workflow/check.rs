//! From a workflow file to a checked [`Workflow`]: conversion of the `file` structs
//! into `model` types, and every check that makes the result safe to interpret.
//!
//! Checks report *all* problems, each placed in the file. Graph checks (reachable
//! from the start, no dead ends, no loop without a way out) run on a petgraph
//! `DiGraphMap` of states. What this module deliberately does not check is whether
//! a guard names an existing rule: that needs the rule language, so it is a second
//! stage, [`Workflow::check_guards`], to which the caller passes a predicate.

use std::collections::{HashMap, HashSet};

use petgraph::algo::tarjan_scc;
use petgraph::graphmap::DiGraphMap;
use petgraph::visit::{Dfs, Reversed};

use super::error::{Source, WorkflowError, WorkflowErrors};
use super::file::{EffectFile, RecordFile, StepFile, WorkflowFile};
use super::model::{Effect, Next, RecordKind, Role, State, Step, Workflow};

impl Workflow {
    /// Parses and checks a workflow file; returns every problem found.
    pub fn load(file_name: &str, text: &str) -> Result<Workflow, WorkflowErrors> {
        let source = Source::new(file_name, text);
        let file: WorkflowFile = ron::from_str(text).map_err(|error| source.syntax(&error))?;
        let mut check = Check::new(&source, &file);
        let steps = check.steps();
        check.ids();
        check.clauses();
        check.start();
        check.graph();
        source.finish(check.errors)?;
        Ok(Workflow {
            name: file.name,
            title: file.title,
            clause: file.clause,
            start: file.start,
            opened_by: file.opened_by,
            roles: file.roles.into_iter().map(|role| Role { id: role.id, title: role.title }).collect(),
            states: file
                .states
                .into_iter()
                .map(|state| State {
                    id: state.id,
                    title: state.title,
                    clause: state.clause,
                    terminal: state.terminal,
                })
                .collect(),
            steps: steps.into_iter().flatten().collect(),
            file_name: file_name.to_string(),
            text: text.to_string(),
        })
    }

    /// Second stage: every guard names a rule for which `rule_exists` holds. The
    /// caller passes the predicate, so that this module does not depend on the rule
    /// language.
    pub fn check_guards(&self, rule_exists: &dyn Fn(&str) -> bool) -> Result<(), WorkflowErrors> {
        let source = Source::new(&self.file_name, &self.text);
        let places = definitions(&source, "steps:", self.steps.iter().map(|step| step.id.as_str()));
        let mut errors = Vec::new();
        for (step, place) in self.steps.iter().zip(places) {
            for guard in step.guards.iter().filter(|guard| !rule_exists(guard)) {
                errors.push(source.error(
                    find(&source, guard, place),
                    format!("step `{}` is guarded by unknown rule `{guard}`", step.id),
                    "no rule has this name",
                    &format!("define a rule named `{guard}` in the rule files, or remove it from the step's `guards`"),
                ));
            }
        }
        source.finish(errors)
    }
}

/// Offsets of the definitions `id: "x"` of one section's items, in file order.
pub(crate) fn definitions<'i>(
    source: &Source<'_>,
    section: &str,
    ids: impl Iterator<Item = &'i str>,
) -> Vec<Option<usize>> {
    let mut cursor = source.word(section, 0).unwrap_or(0);
    ids.map(|id| {
        let found = source.definition(id, cursor);
        if let Some(offset) = found {
            cursor = offset + 1;
        }
        found
    })
    .collect()
}

/// The span of the quoted `"value"` at or after `from`.
pub(crate) fn find(source: &Source<'_>, value: &str, from: Option<usize>) -> Option<(usize, usize)> {
    source.quoted(value, from.unwrap_or(0)).map(|offset| (offset, value.len() + 2))
}

/// The span of a definition found by [`definitions`].
pub(crate) fn span(place: Option<usize>, id: &str) -> Option<(usize, usize)> {
    place.map(|offset| (offset, id.len() + 2))
}

/// `a`, `b`, `c` — for "use one of" help lines.
pub(crate) fn listing<'i>(ids: impl Iterator<Item = &'i str>) -> String {
    ids.map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ")
}

struct Check<'a> {
    source: &'a Source<'a>,
    file: &'a WorkflowFile,
    roles: Vec<Option<usize>>,
    states: Vec<Option<usize>>,
    steps: Vec<Option<usize>>,
    errors: Vec<WorkflowError>,
}

impl<'a> Check<'a> {
    fn new(source: &'a Source<'a>, file: &'a WorkflowFile) -> Self {
        Check {
            source,
            file,
            roles: definitions(source, "roles:", file.roles.iter().map(|role| role.id.as_str())),
            states: definitions(source, "states:", file.states.iter().map(|state| state.id.as_str())),
            steps: definitions(source, "steps:", file.steps.iter().map(|step| step.id.as_str())),
            errors: Vec::new(),
        }
    }

    fn error(&mut self, at: Option<(usize, usize)>, message: String, label: &str, help: &str) {
        self.errors.push(self.source.error(at, message, label, help));
    }

    fn state_ids(&self) -> String {
        listing(self.file.states.iter().map(|state| state.id.as_str()))
    }

    fn is_state(&self, id: &str) -> bool {
        self.file.states.iter().any(|state| state.id == id)
    }

    /// Converts each step, refusing the ones whose shape is wrong; `None` for those.
    fn steps(&mut self) -> Vec<Option<Step>> {
        let file = self.file;
        file.steps
            .iter()
            .zip(self.steps.clone())
            .map(|(step, place)| self.step(step, place))
            .collect()
    }

    fn step(&mut self, step: &StepFile, place: Option<usize>) -> Option<Step> {
        let id = &step.id;
        let at = span(place, id);
        if step.roles.is_empty() {
            self.error(
                at,
                format!("step `{id}` names no role that may take it"),
                "this step",
                "list at least one role in its `roles`, e.g. `roles: [\"branch_secretary\"]`",
            );
        }
        for role in &step.roles {
            if !self.file.roles.iter().any(|declared| &declared.id == role) {
                let known = listing(self.file.roles.iter().map(|role| role.id.as_str()));
                self.error(
                    find(self.source, role, place),
                    format!("step `{id}` names unknown role `{role}`"),
                    "no role has this id",
                    &format!("declare `Role(id: \"{role}\", title: \"…\")` in `roles`, or use one of {known}"),
                );
            }
        }
        if !self.is_state(&step.from) {
            let known = self.state_ids();
            self.error(
                find(self.source, &step.from, place),
                format!("step `{id}` leaves from unknown state `{}`", step.from),
                "no state has this id",
                &format!("declare a state `{}`, or use one of {known}", step.from),
            );
        }
        let targets = step.to.iter().chain(step.outcomes.iter().flat_map(|o| [&o.selected, &o.runoff]));
        let unknown: Vec<&String> = targets.filter(|target| !self.is_state(target)).collect();
        for target in unknown {
            let known = self.state_ids();
            self.error(
                find(self.source, target, place),
                format!("step `{id}` leads to unknown state `{target}`"),
                "no state has this id",
                &format!("declare a state `{target}`, or use one of {known}"),
            );
        }
        let tally = matches!(step.effect, Some(EffectFile::Tally));
        let next = match (&step.to, &step.outcomes) {
            (Some(_), Some(_)) => {
                self.error(
                    at,
                    format!("step `{id}` has both `to` and `outcomes`"),
                    "this step",
                    "a step leads to one state (`to`) or, after a tally, to `outcomes`; keep one of them",
                );
                None
            }
            (None, None) => {
                self.error(
                    at,
                    format!("step `{id}` leads nowhere"),
                    "this step",
                    "add `to: \"<state>\"`, or `outcomes` together with `effect: Tally`",
                );
                None
            }
            (None, Some(_)) if !tally => {
                self.error(
                    at,
                    format!("step `{id}` has `outcomes` but no `effect: Tally` to choose between them"),
                    "this step",
                    "add `effect: Tally`, or replace `outcomes` with `to`",
                );
                None
            }
            (Some(_), None) if tally => {
                self.error(
                    at,
                    format!("step `{id}` tallies ballots but has no `outcomes`"),
                    "this step",
                    "replace `to` with `outcomes: (selected: \"…\", runoff: \"…\")` so that the tally can choose the next state",
                );
                None
            }
            (Some(to), None) => Some(Next::To(to.clone())),
            (None, Some(outcomes)) => Some(Next::Outcomes {
                selected: outcomes.selected.clone(),
                runoff: outcomes.runoff.clone(),
            }),
        };
        Some(Step {
            id: id.clone(),
            title: step.title.clone(),
            clause: step.clause.clone(),
            from: step.from.clone(),
            next: next?,
            roles: step.roles.clone(),
            accepts: step.accepts.iter().map(|kind| record_kind(*kind)).collect(),
            guards: step.guards.clone(),
            effect: step.effect.map(|effect| match effect {
                EffectFile::Tally => Effect::Tally,
                EffectFile::Ledger => Effect::Ledger,
            }),
        })
    }

    fn ids(&mut self) {
        let file = self.file;
        let roles = file.roles.iter().map(|role| role.id.as_str()).zip(self.roles.clone());
        self.unique("role", roles.collect());
        let states = file.states.iter().map(|state| state.id.as_str()).zip(self.states.clone());
        self.unique("state", states.collect());
        let steps = file.steps.iter().map(|step| step.id.as_str()).zip(self.steps.clone());
        self.unique("step", steps.collect());
    }

    fn unique(&mut self, what: &str, items: Vec<(&str, Option<usize>)>) {
        let mut seen: HashMap<&str, Option<usize>> = HashMap::new();
        for (id, place) in items {
            match seen.get(id) {
                Some(first) => {
                    let line = first.map_or(String::new(), |at| format!(" (line {})", self.source.line_col(at).0));
                    self.error(
                        span(place, id),
                        format!("duplicate {what} id `{id}`"),
                        "defined again here",
                        &format!("give each {what} its own id; `{id}` is first defined earlier{line}"),
                    );
                }
                None => {
                    seen.insert(id, place);
                }
            }
        }
    }

    /// Every state and step cites a clause of the notice, so that each decision
    /// can be traced to the sentence that demands it.
    fn clauses(&mut self) {
        let file = self.file;
        let states = file.states.iter().map(|s| ("state", &s.id, &s.clause)).zip(self.states.clone());
        let steps = file.steps.iter().map(|s| ("step", &s.id, &s.clause)).zip(self.steps.clone());
        for ((what, id, clause), place) in states.chain(steps).collect::<Vec<_>>() {
            if !clause.starts_with('§') {
                self.error(
                    find(self.source, clause, place).or(span(place, id)),
                    format!("{what} `{id}` cites `{clause}`, which is not a clause id"),
                    "not a clause id",
                    "cite the clause of the notice it carries out, such as `§3.2` or `§4.2.a`",
                );
            }
        }
    }

    fn start(&mut self) {
        for role in &self.file.opened_by {
            if !self.file.roles.iter().any(|declared| &declared.id == role) {
                let known = listing(self.file.roles.iter().map(|role| role.id.as_str()));
                self.error(
                    find(self.source, role, self.source.word("opened_by:", 0)),
                    format!("`opened_by` names unknown role `{role}`"),
                    "no role has this id",
                    &format!("declare `Role(id: \"{role}\", title: \"…\")` in `roles`, or use one of {known}"),
                );
            }
        }
        let start = &self.file.start;
        if !self.is_state(start) {
            let at = find(self.source, start, self.source.word("start:", 0));
            let known = self.state_ids();
            self.error(
                at,
                format!("the start state `{start}` is not a declared state"),
                "no state has this id",
                &format!("declare a state `{start}`, or start at one of {known}"),
            );
        }
    }

    fn graph(&mut self) {
        let file = self.file;
        let mut graph: DiGraphMap<&str, ()> = DiGraphMap::new();
        for state in &file.states {
            graph.add_node(state.id.as_str());
        }
        let mut leaving: HashMap<&str, Vec<(&str, Option<usize>)>> = HashMap::new();
        for (step, place) in file.steps.iter().zip(self.steps.clone()) {
            leaving.entry(step.from.as_str()).or_default().push((step.id.as_str(), place));
        }
        // Edges come from the file, not from the converted steps, so that a step
        // refused for its shape (say, a tally without outcomes) still counts as a
        // way from one state to another and causes no second, misleading error.
        for step in &file.steps {
            let targets = step.to.iter().chain(step.outcomes.iter().flat_map(|o| [&o.selected, &o.runoff]));
            for target in targets {
                if graph.contains_node(step.from.as_str()) && graph.contains_node(target.as_str()) {
                    graph.add_edge(step.from.as_str(), target.as_str(), ());
                }
            }
        }

        for (state, place) in file.states.iter().zip(self.states.clone()) {
            let id = state.id.as_str();
            let out = leaving.get(id).map_or(&[][..], Vec::as_slice);
            if let [(first, _), rest @ ..] = out {
                for (second, second_place) in rest {
                    self.error(
                        span(*second_place, second),
                        format!("state `{id}` is left by more than one step: `{first}` and `{second}`"),
                        "a second step from the same state",
                        "each state is left by exactly one step; merge the steps, or put a state between them",
                    );
                }
            }
            match (state.terminal, out.first()) {
                (true, Some((step, step_place))) => self.error(
                    find(self.source, id, *step_place),
                    format!("terminal state `{id}` is left by step `{step}`"),
                    "leaves a terminal state",
                    &format!("remove `terminal: true` from `{id}`, or remove the step `{step}`"),
                ),
                (false, None) => self.error(
                    span(place, id),
                    format!("state `{id}` is a dead end: it is not terminal and no step leaves it"),
                    "no step leaves this state",
                    &format!("add a step from `{id}`, or mark it `terminal: true`"),
                ),
                _ => {}
            }
        }

        if graph.contains_node(&file.start) {
            let mut reached = HashSet::new();
            let mut dfs = Dfs::new(&graph, file.start.as_str());
            while let Some(state) = dfs.next(&graph) {
                reached.insert(state);
            }
            for (state, place) in file.states.iter().zip(self.states.clone()) {
                if !reached.contains(state.id.as_str()) {
                    self.error(
                        span(place, &state.id),
                        format!("state `{}` cannot be reached from the start state `{}`", state.id, file.start),
                        "unreachable",
                        &format!("add a step that leads to `{}`, or remove the state", state.id),
                    );
                }
            }
        }

        let terminals: Vec<&str> = file.states.iter().filter(|s| s.terminal).map(|s| s.id.as_str()).collect();
        let Some((first, others)) = terminals.split_first() else {
            let at = self.source.word("states:", 0).map(|offset| (offset, "states".len()));
            self.error(
                at,
                "the workflow has no terminal state".to_string(),
                "none of these states is terminal",
                "mark the state that ends the quarter `terminal: true`",
            );
            return;
        };
        // States from which a terminal state can be reached: a search backwards
        // from every terminal state.
        let mut finishing = HashSet::new();
        let backwards = Reversed(&graph);
        let mut dfs = Dfs::new(backwards, *first);
        for terminal in std::iter::once(first).chain(others) {
            dfs.move_to(terminal);
            while let Some(state) = dfs.next(backwards) {
                finishing.insert(state);
            }
        }
        // A state that cannot finish either is a dead end (reported above), leads
        // into one, or is caught in a loop; only the loops are new problems.
        let mut stuck: DiGraphMap<&str, ()> = DiGraphMap::new();
        for (from, to, ()) in graph.all_edges() {
            if !finishing.contains(from) && !finishing.contains(to) {
                stuck.add_edge(from, to, ());
            }
        }
        let order: HashMap<&str, usize> = file.states.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        let mut loops: Vec<Vec<&str>> = tarjan_scc(&stuck)
            .into_iter()
            .filter(|scc| scc.len() > 1 || stuck.contains_edge(scc[0], scc[0]))
            .collect();
        for states in &mut loops {
            states.sort_by_key(|state| order.get(state).copied().unwrap_or(usize::MAX));
        }
        loops.sort_by_key(|states| order.get(states[0]).copied().unwrap_or(usize::MAX));
        for states in loops {
            let head = states[0];
            let place = file.states.iter().position(|s| s.id == head).and_then(|i| self.states[i]);
            let names = listing(states.iter().copied());
            let message = if states.len() == 1 {
                format!("state `{head}` loops on itself with no way out to a terminal state")
            } else {
                format!("states {names} form a loop with no way out to a terminal state")
            };
            self.error(
                span(place, head),
                message,
                "the loop starts here",
                "give one of these states a step (or a tally outcome) that leads on towards a terminal state",
            );
        }
    }
}

fn record_kind(kind: RecordFile) -> RecordKind {
    match kind {
        RecordFile::Deed => RecordKind::Deed,
        RecordFile::DeedExcuse => RecordKind::DeedExcuse,
        RecordFile::MeetingReport => RecordKind::MeetingReport,
        RecordFile::Attendance => RecordKind::Attendance,
        RecordFile::Guests => RecordKind::Guests,
        RecordFile::Presentation => RecordKind::Presentation,
        RecordFile::Comment => RecordKind::Comment,
        RecordFile::Ballot => RecordKind::Ballot,
        RecordFile::BallotTotals => RecordKind::BallotTotals,
    }
}
