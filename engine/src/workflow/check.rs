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

use super::error::{Item, RoleUser, Source, WorkflowError, WorkflowErrors, WorkflowProblem as P};
use super::file::{EffectFile, RecordFile, StepFile, WorkflowFile};
use super::model::{Effect, Next, RecordKind, Restricted, Role, State, Step, Workflow};

impl Workflow {
    /// Parses and checks a workflow file; returns every problem found.
    pub fn load(file_name: &str, text: &str) -> Result<Workflow, WorkflowErrors> {
        let source = Source::new(file_name, text);
        let file: WorkflowFile = super::file::read(&source, text)?;
        let mut check = Check::new(&source, &file);
        let steps = check.steps();
        check.ids();
        check.clauses();
        check.start();
        check.default_role();
        check.restricted();
        check.graph();
        source.finish(check.errors)?;
        Ok(Workflow {
            name: file.name,
            title: file.title,
            clause: file.clause,
            start: file.start,
            opened_by: file.opened_by,
            default_role: file.default_role,
            units: file.units,
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
            restricted: file
                .restricted
                .into_iter()
                .map(|r| Restricted { clauses: r.clauses, seen_by: r.seen_by, note: r.note })
                .collect(),
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
            for guard in step.guards.iter().chain(&step.advisories).filter(|guard| !rule_exists(guard)) {
                let problem = P::UnknownGuard { step: step.id.clone(), rule: guard.clone() };
                errors.push(source.error(find(&source, guard, place), problem));
            }
        }
        source.finish(errors)
    }

    /// Second stage: every step's `session` is a kind for which `is_kind` holds (a
    /// variant of the rules' enum for `session.kind`).
    pub fn check_sessions(&self, is_kind: &dyn Fn(&str) -> bool) -> Result<(), WorkflowErrors> {
        let source = Source::new(&self.file_name, &self.text);
        let places = definitions(&source, "steps:", self.steps.iter().map(|step| step.id.as_str()));
        let mut errors = Vec::new();
        for (step, place) in self.steps.iter().zip(places) {
            if let Some(kind) = step.session.as_ref().filter(|kind| !is_kind(kind)) {
                let problem = P::UnknownSessionKind { step: step.id.clone(), kind: kind.clone() };
                errors.push(source.error(find(&source, kind, place), problem));
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

/// The ids of declared items, each once, for the "use one of" of a problem.
pub(crate) fn ids<'i>(ids: impl Iterator<Item = &'i str>) -> Vec<String> {
    let mut distinct: Vec<String> = Vec::new();
    for id in ids {
        if !distinct.iter().any(|seen| seen == id) {
            distinct.push(id.to_string());
        }
    }
    distinct
}

/// Each id that was seen before, with where: `(id, place, line of the first)`.
pub(crate) fn repeated<'i>(
    source: &Source<'_>,
    items: impl Iterator<Item = (&'i str, Option<usize>)>,
) -> Vec<(&'i str, Option<usize>, Option<usize>)> {
    let mut seen: HashMap<&str, Option<usize>> = HashMap::new();
    let mut again = Vec::new();
    for (id, place) in items {
        match seen.get(id) {
            Some(first) => again.push((id, place, first.map(|at| source.line(at)))),
            None => {
                seen.insert(id, place);
            }
        }
    }
    again
}

/// Roles declared twice, by id or by title: either would make naming a role by its
/// id or its title ambiguous.
pub(crate) fn check_roles(source: &Source<'_>, roles: &[super::file::RoleFile], places: &[Option<usize>], errors: &mut Vec<WorkflowError>) {
    let declared = || roles.iter().zip(places.iter().copied());
    for (id, place, first_line) in repeated(source, declared().map(|(role, place)| (role.id.as_str(), place))) {
        let problem = P::DuplicateId { item: Item::Role, id: id.to_string(), first_line };
        errors.push(source.error(span(place, id), problem));
    }
    let mut titled: HashMap<&str, &str> = HashMap::new();
    for (role, place) in declared() {
        match titled.get(role.title.as_str()) {
            Some(first) if *first != role.id => {
                let second = role.id.clone();
                let problem = P::DuplicateTitle { item: Item::Role, title: role.title.clone(), first: first.to_string(), second };
                errors.push(source.error(find(source, &role.title, place), problem));
            }
            _ => {
                titled.entry(role.title.as_str()).or_insert(role.id.as_str());
            }
        }
    }
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

    fn error(&mut self, at: Option<(usize, usize)>, problem: P) {
        self.errors.push(self.source.error(at, problem));
    }

    fn state_ids(&self) -> Vec<String> {
        ids(self.file.states.iter().map(|state| state.id.as_str()))
    }

    fn role_ids(&self) -> Vec<String> {
        ids(self.file.roles.iter().map(|role| role.id.as_str()))
    }

    fn is_role(&self, id: &str) -> bool {
        self.file.roles.iter().any(|role| role.id == id)
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
            self.error(at, P::StepWithoutRoles { step: id.clone() });
        }
        let unknown: Vec<&String> = step.roles.iter().filter(|role| !self.is_role(role)).collect();
        for role in unknown {
            let problem = P::UnknownRole { by: RoleUser::Step(id.clone()), role: role.clone(), known: self.role_ids() };
            self.error(find(self.source, role, place), problem);
        }
        if !self.is_state(&step.from) {
            let problem = P::UnknownFromState { step: id.clone(), state: step.from.clone(), known: self.state_ids() };
            self.error(find(self.source, &step.from, place), problem);
        }
        let targets = step.to.iter().chain(step.outcomes.iter().flat_map(|o| [&o.selected, &o.runoff]));
        let unknown: Vec<&String> = targets.filter(|target| !self.is_state(target)).collect();
        for target in unknown {
            let problem = P::UnknownTargetState { step: id.clone(), state: target.clone(), known: self.state_ids() };
            self.error(find(self.source, target, place), problem);
        }
        let tally = matches!(step.effect, Some(EffectFile::Tally));
        let refused = match (&step.to, &step.outcomes) {
            (Some(_), Some(_)) => Some(P::BothToAndOutcomes { step: id.clone() }),
            (None, None) => Some(P::LeadsNowhere { step: id.clone() }),
            (None, Some(_)) if !tally => Some(P::OutcomesWithoutTally { step: id.clone() }),
            (Some(_), None) if tally => Some(P::TallyWithoutOutcomes { step: id.clone() }),
            _ => None,
        };
        let next = match (refused, &step.to, &step.outcomes) {
            (Some(problem), _, _) => {
                self.error(at, problem);
                None
            }
            (None, Some(to), _) => Some(Next::To(to.clone())),
            (None, None, Some(outcomes)) => Some(Next::Outcomes {
                selected: outcomes.selected.clone(),
                runoff: outcomes.runoff.clone(),
            }),
            (None, None, None) => None,
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
            advisories: step.advisories.clone(),
            effect: step.effect.map(|effect| match effect {
                EffectFile::Tally => Effect::Tally,
                EffectFile::Ledger => Effect::Ledger,
            }),
            session: step.session.clone(),
        })
    }

    fn ids(&mut self) {
        let (source, file) = (self.source, self.file);
        check_roles(source, &file.roles, &self.roles, &mut self.errors);
        let states = file.states.iter().map(|state| state.id.as_str()).zip(self.states.clone());
        let steps = file.steps.iter().map(|step| step.id.as_str()).zip(self.steps.clone());
        for (item, items) in [(Item::State, states.collect::<Vec<_>>()), (Item::Step, steps.collect())] {
            for (id, place, first_line) in repeated(source, items.into_iter()) {
                self.error(span(place, id), P::DuplicateId { item, id: id.to_string(), first_line });
            }
        }
    }

    /// Every state and step cites a clause of the notice, so that each decision
    /// can be traced to the sentence that demands it.
    fn clauses(&mut self) {
        let file = self.file;
        let states = file.states.iter().map(|s| (Item::State, &s.id, &s.clause)).zip(self.states.clone());
        let steps = file.steps.iter().map(|s| (Item::Step, &s.id, &s.clause)).zip(self.steps.clone());
        for ((item, id, clause), place) in states.chain(steps).collect::<Vec<_>>() {
            if !clause.starts_with('§') {
                let problem = P::NotAClause { item, id: id.clone(), clause: clause.clone() };
                self.error(find(self.source, clause, place).or(span(place, id)), problem);
            }
        }
    }

    fn start(&mut self) {
        let file = self.file;
        let unknown: Vec<&String> = file.opened_by.iter().filter(|role| !self.is_role(role)).collect();
        for role in unknown {
            let problem = P::UnknownRole { by: RoleUser::OpenedBy, role: role.clone(), known: self.role_ids() };
            self.error(find(self.source, role, self.source.word("opened_by:", 0)), problem);
        }
        let start = &file.start;
        if !self.is_state(start) {
            let at = find(self.source, start, self.source.word("start:", 0));
            self.error(at, P::UnknownStartState { state: start.clone(), known: self.state_ids() });
        }
    }

    fn default_role(&mut self) {
        if let Some(role) = self.file.default_role.as_ref().filter(|role| !self.is_role(role)) {
            let problem = P::UnknownRole { by: RoleUser::DefaultRole, role: role.clone(), known: self.role_ids() };
            self.error(find(self.source, role, self.source.word("default_role:", 0)), problem);
        }
    }

    /// The roles that may see restricted findings are roles of the file. (The clauses
    /// are checked against the rules' with the others the file cites.)
    fn restricted(&mut self) {
        let file = self.file;
        let at = self.source.word("restricted:", 0);
        let unknown: Vec<&String> = file.restricted.iter().flat_map(|r| &r.seen_by).filter(|role| !self.is_role(role)).collect();
        for role in unknown {
            let problem = P::UnknownRole { by: RoleUser::Restricted, role: role.clone(), known: self.role_ids() };
            self.error(find(self.source, role, at), problem);
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
                    let problem = P::SecondStepFromState { state: id.to_string(), first: first.to_string(), second: second.to_string() };
                    self.error(span(*second_place, second), problem);
                }
            }
            match (state.terminal, out.first()) {
                (true, Some((step, step_place))) => self.error(
                    find(self.source, id, *step_place),
                    P::TerminalStateLeft { state: id.to_string(), step: step.to_string() },
                ),
                (false, None) => self.error(span(place, id), P::DeadEnd { state: id.to_string() }),
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
                    let problem = P::Unreachable { state: state.id.clone(), start: file.start.clone() };
                    self.error(span(place, &state.id), problem);
                }
            }
        }

        let terminals: Vec<&str> = file.states.iter().filter(|s| s.terminal).map(|s| s.id.as_str()).collect();
        let Some((first, others)) = terminals.split_first() else {
            self.error(self.source.key("states", 0), P::NoTerminalState);
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
            self.error(span(place, head), P::LoopWithoutExit { states: ids(states.into_iter()) });
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
