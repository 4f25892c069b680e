//! The operations of shine, grouped by concern, and the handles they run on.
//!
//! - [`Archive`]: a store and what it holds. Quarters run under the rule set and
//!   workflow they were opened with, kept in the store, so everything done inside an
//!   open quarter (records, ballots, advancing, the ledger, explanations, history)
//!   needs nothing else.
//! - [`Shine`]: an archive with the definitions now in `rules/` and `workflows/`,
//!   checked. Only it can do what acts under the current definitions: build the tree,
//!   import rosters and findings, open a quarter, adopt new rules, take the chain's
//!   steps, issue credentials. A broken definition file leaves an archive, never a
//!   handle that fails later.
//!
//! Every operation that writes is a decision over folded state returning a [`Plan`]
//! (the events to write and the values beside them), run by [`Archive::execute`]:
//! load, admit (role and step), decide, commit one batch.
//!
//! Concerns: `org` (tree, roster, life, findings), `quarter` (opening and the records
//! of the quarter's steps), `advance` (moving on, tallying, the ledger), `ballot`
//! (electronic ballots and paper totals), `views` (status, explanation, ledger),
//! `adopt` (moving an open quarter to new rules), `history` (a member across
//! quarters), `chain` (the levels above the branch), `access` (credentials), `forms`
//! (the notice's registration form), `report` (stars in numbers over a period),
//! `appraisal` (results over a range of quarters, §4.2.c).

pub mod access;
pub mod adopt;
pub mod advance;
pub mod appraisal;
pub mod ballot;
mod branch;
pub mod chain;
mod definitions;
mod facts;
pub mod findings;
pub mod forms;
pub mod life;
pub mod history;
pub mod meetings;
pub mod org;
pub mod overview;
pub mod quarter;
pub mod readback;
pub mod report;
pub mod roster;
pub mod users;
pub mod views;

pub use definitions::{check_escalation, Current, Definitions};
pub use facts::FactSet;

use crate::domain::{Actor, MemberId, Quarter, RulesHash, UnitId, WorkflowHash};
use crate::event::Action;
use crate::refs::{MemberRef, UnitRef};
use crate::refusal::{Hint, Kind, RefusedRow, Refusal, Result, Stored, Thing};
use crate::rules::RuleSet;
use crate::state::org::{OrgTree, Roster};
use crate::state::quarter::QuarterState;
use crate::state::Fold;
use crate::store::{Scope, Store, Writes};
use crate::workflow::Workflow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A store and what it holds, with the definitions each quarter was opened under.
/// Cheap to clone: clones share the store and every cache.
#[derive(Clone)]
pub struct Archive {
    store: Store,
    rule_sets: Arc<Mutex<HashMap<RulesHash, Arc<RuleSet>>>>,
    workflows: Arc<Mutex<HashMap<WorkflowHash, Arc<Workflow>>>>,
    folds: Arc<facts::Folds>,
}

/// An archive with the current definitions, checked. A clone shares the store and
/// the caches (a server hands one to each piece of work).
#[derive(Clone)]
pub struct Shine {
    archive: Archive,
    current: Current,
}

impl std::ops::Deref for Shine {
    type Target = Archive;
    fn deref(&self) -> &Archive {
        &self.archive
    }
}

/// What an operation writes: events into scopes and plain values beside them,
/// applied as one batch.
#[derive(Default)]
pub(crate) struct Plan {
    events: Vec<(Scope, Option<RulesHash>, Vec<Action>)>,
    /// Keys of `store::keys` and their values, already encoded.
    values: Vec<(Vec<u8>, Vec<u8>)>,
    /// Keys of `store::keys` whose values go.
    removed: Vec<Vec<u8>>,
}

impl Plan {
    pub(crate) fn event(scope: Scope, rules: Option<&RulesHash>, actions: Vec<Action>) -> Plan {
        Plan::default().and_event(scope, rules, actions)
    }

    pub(crate) fn and_event(mut self, scope: Scope, rules: Option<&RulesHash>, actions: Vec<Action>) -> Plan {
        if !actions.is_empty() {
            self.events.push((scope, rules.cloned(), actions));
        }
        self
    }

    /// A plain value under a key of `store::keys`.
    pub(crate) fn and_value(mut self, key: Vec<u8>, value: impl serde::Serialize) -> Result<Plan> {
        self.values.push((key, crate::store::encode(&value)?));
        Ok(self)
    }

    /// A value as the store keeps it, moved from another key.
    pub(crate) fn and_encoded(mut self, key: Vec<u8>, encoded: Vec<u8>) -> Plan {
        self.values.push((key, encoded));
        self
    }

    /// A plain value removed.
    pub(crate) fn and_removed(mut self, key: Vec<u8>) -> Plan {
        self.removed.push(key);
        self
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.events.is_empty() && self.values.is_empty() && self.removed.is_empty()
    }
}

/// A decided operation: what to write, and what to answer.
pub(crate) struct Decided<T> {
    pub plan: Plan,
    pub answer: T,
}

impl<T> Decided<T> {
    pub(crate) fn new(plan: Plan, answer: T) -> Decided<T> {
        Decided { plan, answer }
    }
}

/// The state an operation decides on, loaded for a target (a branch's quarter, a
/// level of the chain), and the check that the actor may act on it now.
pub(crate) trait Subject: Sized {
    type Target;
    /// What the operation needs the subject to allow: a kind of record, a step.
    type Gate;
    fn load(archive: &Archive, current: Option<&Current>, target: Self::Target) -> Result<Self>;
    fn admit(&self, actor: &Actor, gate: Self::Gate) -> Result<()>;
}

/// One operation on a subject: what it needs allowed, and its decision.
pub(crate) trait Operation<S: Subject> {
    type Answer;
    fn gate(&self) -> S::Gate;
    fn decide(self, subject: &S, actor: &Actor) -> Result<Decided<Self::Answer>>;
}

impl Archive {
    pub fn new(store: Store) -> Archive {
        Archive { store, rule_sets: Arc::default(), workflows: Arc::default(), folds: Arc::default() }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Attach the current definitions, checked: a [`Shine`], or why not (with the
    /// archive back, so the caller can still read the store).
    // The archive comes back whole with the refusal (the caller goes on with it), once per process.
    #[allow(clippy::result_large_err)]
    pub fn with_definitions(self, files: Definitions) -> std::result::Result<Shine, (Archive, Refusal)> {
        match files.check() {
            Ok(current) => {
                self.cache_rules(current.rules.clone());
                Ok(Shine { archive: self, current })
            }
            Err(e) => Err((self, e)),
        }
    }

    /// The generic executor: load the subject, then [`Archive::run_on`] it.
    pub(crate) fn execute<S: Subject, O: Operation<S>>(&self, current: Option<&Current>, actor: &Actor, target: S::Target, op: O) -> Result<O::Answer> {
        let _write = self.store.exclusive();
        let subject = S::load(self, current, target)?;
        self.run_on(&subject, actor, op)
    }

    /// Admit the actor, decide, commit one batch.
    pub(crate) fn run_on<S: Subject, O: Operation<S>>(&self, subject: &S, actor: &Actor, op: O) -> Result<O::Answer> {
        subject.admit(actor, op.gate())?;
        let decided = op.decide(subject, actor)?;
        self.commit(actor, decided.plan)?;
        Ok(decided.answer)
    }

    /// Write a plan as one batch (nothing when it is empty).
    pub(crate) fn commit(&self, actor: &Actor, plan: Plan) -> Result<()> {
        if plan.is_empty() {
            return Ok(());
        }
        let mut w = Writes::default();
        for key in plan.removed {
            w.remove(key);
        }
        for (key, value) in plan.values {
            w.put(key, value);
        }
        for (scope, rules, actions) in plan.events {
            self.store.stage(&mut w, &scope, actor, rules.as_ref(), actions)?;
        }
        self.store.commit(w)?;
        Ok(())
    }

    fn cache_rules(&self, rules: Arc<RuleSet>) {
        let hash = RulesHash::of_hex(rules.hash().to_owned());
        self.rule_sets.lock().unwrap_or_else(|e| e.into_inner()).insert(hash, rules);
    }

    /// The rule set with this hash, from the store.
    pub fn rules_by_hash(&self, hash: &RulesHash) -> Result<Arc<RuleSet>> {
        if let Some(r) = self.rule_sets.lock().unwrap_or_else(|e| e.into_inner()).get(hash).cloned() {
            return Ok(r);
        }
        let files = self.store.rule_files(hash)?.ok_or_else(|| {
            Refusal::new(Kind::StoredDefinitionMissing { what: Stored::RuleSet, hash: hash.to_string() }).next(Hint::RestoreBackup)
        })?;
        let rules = Arc::new(RuleSet::load(files)?);
        self.cache_rules(rules.clone());
        Ok(rules)
    }

    pub(crate) fn workflow_by_hash(&self, hash: &WorkflowHash) -> Result<Arc<Workflow>> {
        if let Some(w) = self.workflows.lock().unwrap_or_else(|e| e.into_inner()).get(hash).cloned() {
            return Ok(w);
        }
        let file = self.store.workflow_file(hash)?.ok_or_else(|| {
            Refusal::new(Kind::StoredDefinitionMissing { what: Stored::Workflow, hash: hash.to_string() }).next(Hint::RestoreBackup)
        })?;
        let workflow = Arc::new(Workflow::load(&file.name, &file.text)?);
        self.workflows.lock().unwrap_or_else(|e| e.into_inner()).insert(hash.clone(), workflow.clone());
        Ok(workflow)
    }

    // ---- what the logs add up to ----------------------------------------------------

    pub fn org(&self) -> Result<Arc<OrgTree>> {
        self.folded(&Scope::Org, &self.folds.orgs)
    }

    pub fn roster(&self, branch: &UnitId) -> Result<Arc<Roster>> {
        self.folded(&Scope::Branch(branch.clone()), &self.folds.rosters)
    }

    /// The branch's roster as it stood after its first `events` roster events: what a
    /// quarter whose ballot is fixed was decided on (`Action::FactsFrozen`).
    pub(crate) fn roster_as_of(&self, branch: &UnitId, events: u64) -> Result<Arc<Roster>> {
        let current = self.roster(branch)?;
        if current.events == events {
            return Ok(current);
        }
        let log = self.store.events(&Scope::Branch(branch.clone()))?;
        let mut roster = Roster::default();
        for event in log.iter().take(events as usize) {
            roster.apply(event);
        }
        Ok(Arc::new(roster))
    }

    pub(crate) fn quarter_state(&self, branch: &UnitId, quarter: Quarter) -> Result<Arc<QuarterState>> {
        self.folded(&Scope::Quarter(branch.clone(), quarter), &self.folds.quarters)
    }

    pub(crate) fn level_state(&self, unit: &UnitId, quarter: Quarter) -> Result<Arc<crate::state::level::LevelState>> {
        self.folded(&Scope::Chain(unit.clone(), quarter), &self.folds.levels)
    }

    fn folded<T: Fold>(&self, scope: &Scope, slot: &facts::Slot<T>) -> Result<Arc<T>> {
        let events = self.store.events(scope)?;
        Ok(facts::Folds::get(slot, scope, &events))
    }

    /// The rule set last used to open a quarter, if any.
    pub fn rules_in_force(&self) -> Result<Option<RulesHash>> {
        Ok(self.store.rules_in_force()?)
    }

    /// The quarters a branch has opened, oldest first.
    pub fn quarters(&self, branch: &UnitId) -> Result<Vec<Quarter>> {
        Ok(self.store.quarters_of(branch)?)
    }

    /// A unit of the tree by id, as a reference.
    pub(crate) fn unit_ref(tree: &OrgTree, id: &str) -> UnitRef {
        UnitRef { id: id.to_owned(), name: tree.unit(id).map(|u| u.name.clone()).unwrap_or_else(|| id.to_owned()) }
    }

    /// Which branch a member id belongs to.
    pub fn member_branch(&self, member: &str) -> Result<Option<UnitId>> {
        match MemberId::parse(member) {
            Ok(id) => Ok(self.store.member_branch(&id)?),
            Err(_) => Ok(None),
        }
    }

    /// A member by id, or by name when the name is unique in the store. Both are
    /// looked up in the store's indexes, reading only the rosters of the branches
    /// found; a store whose name index is not complete yet is searched roster by
    /// roster. Several members of one name are listed in tree order, then roster order.
    pub fn find_member(&self, query: &str) -> Result<(UnitId, crate::entity::MemberRecord)> {
        // Names and ids are recorded in NFC; a query typed decomposed finds them too.
        let query = crate::text::nfc(query);
        let query = query.as_ref();
        if let Some(branch) = self.member_branch(query)? {
            if let Some(m) = self.roster(&branch)?.member(query) {
                return Ok((branch, m.clone()));
            }
        }
        let mut found = Vec::new();
        let tree = match self.store.members_named(query)? {
            Some(hits) => {
                let branches: Vec<&str> = hits.iter().map(|(_, b)| b.as_str()).collect();
                let tree = self.org_around(&branches, false)?;
                let mut placed = Vec::new();
                for (id, branch) in &hits {
                    let roster = self.roster(branch)?;
                    let (Some(m), Some(at)) = (roster.member(id.as_str()), roster.position(id.as_str())) else { continue };
                    // A key left by the member's earlier name.
                    if m.name != query {
                        continue;
                    }
                    let unit_at = tree.order.iter().position(|u| u == branch).unwrap_or(usize::MAX);
                    placed.push(((unit_at, at), (branch.clone(), m.clone())));
                }
                placed.sort_by_key(|(place, _)| *place);
                found.extend(placed.into_iter().map(|(_, hit)| hit));
                tree
            }
            None => {
                let tree = self.org()?;
                for unit in tree.in_order() {
                    let roster = self.roster(&unit.id)?;
                    for m in &roster.members {
                        // A member transferred out is found on the roster they went to.
                        let moved = roster.tenure(m.id.as_str()).and_then(|t| t.departure());
                        if m.name == query && !matches!(moved, Some((_, crate::entity::Departure::Transferred { .. }))) {
                            found.push((unit.id.clone(), m.clone()));
                        }
                    }
                }
                tree
            }
        };
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(Refusal::new(Kind::NotFound { what: Thing::Member, given: query.to_owned() })),
            _ => Err(Refusal::new(Kind::AmbiguousMember {
                name: query.to_owned(),
                matches: found
                    .iter()
                    .map(|(b, m)| (MemberRef { id: m.id.clone(), name: m.name.clone() }, Self::unit_ref(&tree, b.as_str())))
                    .collect(),
            })
            .next(Hint::UseMemberId)),
        }
    }
}

impl Shine {
    /// The definitions in force now.
    pub fn current(&self) -> &Current {
        &self.current
    }

    pub fn current_rules(&self) -> Arc<RuleSet> {
        self.current.rules.clone()
    }

    /// Give up the current definitions, keeping the archive.
    pub fn into_archive(self) -> Archive {
        self.archive
    }

    pub(crate) fn execute_current<S: Subject, O: Operation<S>>(&self, actor: &Actor, target: S::Target, op: O) -> Result<O::Answer> {
        self.archive.execute(Some(&self.current), actor, target, op)
    }
}

/// Text that must not be empty, trimmed, checked and normalised (`crate::text`).
pub(crate) fn nonempty(text: &str, what: crate::refusal::Text) -> Result<String> {
    crate::refusal::text(what, text.trim())
}

/// A member of this roster by id or unique name.
pub(crate) fn resolve_in(roster: &Roster, branch: &UnitRef, query: &str) -> Result<MemberId> {
    if let Some(m) = roster.member(query) {
        return Ok(m.id.clone());
    }
    let hits: Vec<_> = roster.members.iter().filter(|m| m.name == query).collect();
    match hits.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(Refusal::new(Kind::NotInBranch { given: query.to_owned(), branch: branch.clone() })
            .next(Hint::ListMembers { branch: UnitId::known(branch.id.clone()) })),
        _ => Err(Refusal::new(Kind::AmbiguousMember {
            name: query.to_owned(),
            matches: hits.iter().map(|m| (MemberRef { id: m.id.clone(), name: m.name.clone() }, branch.clone())).collect(),
        })
        .next(Hint::UseMemberId)),
    }
}

pub(crate) fn member_ref(roster: &Roster, id: &str) -> MemberRef {
    MemberRef { id: MemberId::known(id), name: roster.name(id) }
}

/// What an import records, or would record: each record new to the store with its
/// row (1-based, in the order given), the rows whose record the store has already or
/// an earlier row gives (recorded once), and whether it was written — without
/// `apply`, an import only says what it would write.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Imported<T> {
    pub new: Vec<Numbered<T>>,
    pub repeated: Vec<usize>,
    pub applied: bool,
}

/// A record of an import, and its row.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Numbered<T> {
    pub row: usize,
    #[serde(flatten)]
    pub record: T,
}

impl<T> Imported<T> {
    /// Its rows numbered as `line` numbers them (the lines of the file they came from).
    pub fn renumber(&mut self, line: impl Fn(usize) -> usize) {
        self.new.iter_mut().for_each(|n| n.row = line(n.row));
        self.repeated.iter_mut().for_each(|r| *r = line(*r));
    }
}

/// A member as a row of an import names them: by id or by name (`given`), and, when
/// the row gives both, the name (`named`) the member with that id must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowMember {
    pub given: String,
    pub named: Option<String>,
}

/// The row's name, when it gives one beside the id, is the member's own.
pub(crate) fn named_as(roster: &Roster, id: &MemberId, named: Option<&str>) -> Result<()> {
    let Some(given) = named else { return Ok(()) };
    let member = member_ref(roster, id.as_str());
    if crate::text::nfc(given.trim()) == member.name.as_str() {
        return Ok(());
    }
    Err(Kind::NameMismatch { member, given: given.to_owned() }.into())
}

/// The refusals of an import's rows, gathered so that one refusal names every row the
/// engine would refuse (rows 1-based, in the order given). A refusal of the store is
/// no row's own: it ends the import at once.
#[derive(Default)]
pub(crate) struct RowRefusals {
    rows: Vec<RefusedRow>,
}

impl RowRefusals {
    /// The checked value of row `row`, or `None` with its refusal kept.
    pub(crate) fn check<T>(&mut self, row: usize, checked: Result<T>) -> Result<Option<T>> {
        match checked {
            Ok(value) => Ok(Some(value)),
            Err(refusal) if matches!(*refusal.kind, Kind::Store { .. }) => Err(refusal),
            Err(refusal) => {
                self.rows.push(RefusedRow { row, refusal });
                Ok(None)
            }
        }
    }

    pub(crate) fn refuse(&mut self, row: usize, kind: Kind) {
        self.rows.push(RefusedRow { row, refusal: Refusal::new(kind) });
    }

    /// Nothing refused, or the refusal of the whole import.
    pub(crate) fn finish(mut self) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        self.rows.sort_by_key(|r| r.row);
        Err(Kind::RowsRejected { rows: self.rows }.into())
    }
}
