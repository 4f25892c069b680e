//! The organization and its people: adding units to the tree (kinds and their
//! parents as `workflows/escalation.ron` declares them), one or a file's worth in one
//! batch, importing a branch's roster, recording organizational life and conduct
//! findings (one, or a file's worth). All act under the current definitions:
//! identities, roles and statuses must be variants the rules declare.

use super::{member_ref, named_as, Archive, Current, Decided, Imported, Numbered, Operation, Plan, RowMember, RowRefusals, Shine, Subject};
use crate::domain::{Actor, MemberId, UnitId};
use crate::entity::{MemberRecord, Unit};
use crate::event::Action;
use crate::facts::Finding;
use crate::refs::{EnumRef, KindRef, MemberRef, RuleRef, VariantRef};
use crate::refusal::{text, Hint, Kind, Refusal, Result, RowIssue, Text, Thing};
use crate::rules::{FindingReach, RuleSet};
use crate::state::org::OrgTree;
use crate::store::{keys, IndexedUnit, Scope};
use crate::workflow::Escalation;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The tree under the current definitions.
pub(crate) struct Org {
    tree: Arc<OrgTree>,
    store: crate::store::Store,
    current: Current,
}

impl Subject for Org {
    type Target = Current;
    type Gate = ();

    fn load(archive: &Archive, _: Option<&Current>, current: Current) -> Result<Org> {
        Ok(Org { tree: archive.org()?, store: archive.store().clone(), current })
    }

    fn admit(&self, _: &Actor, (): ()) -> Result<()> {
        Ok(())
    }
}

/// The unit indexes' entries for `unit`, the `at`-th added.
fn index_unit(plan: Plan, at: usize, unit: &Unit) -> Result<Plan> {
    let plan = plan.and_value(keys::unit_index(unit.id.as_str()), IndexedUnit::new(at, unit))?;
    match &unit.parent {
        Some(p) => plan.and_value(keys::child_index(p.as_str(), unit.id.as_str()), at),
        None => Ok(plan),
    }
}

impl Archive {
    /// The part of the tree that `ids` need: each unit with its ancestors up to the
    /// root and, with `below`, the units directly under it. Read from the unit
    /// indexes, so a command on one branch does not fold the whole tree; the whole
    /// tree while a store has no complete indexes.
    pub(crate) fn org_around(&self, ids: &[&str], below: bool) -> Result<Arc<OrgTree>> {
        let store = self.store();
        if !store.units_indexed()? {
            return self.org();
        }
        let mut todo: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
        if below {
            for id in ids {
                todo.extend(store.indexed_children(id)?.into_iter().map(|c| c.to_string()));
            }
        }
        let mut units: BTreeMap<String, (usize, Unit)> = BTreeMap::new();
        while let Some(id) = todo.pop() {
            if units.contains_key(&id) {
                continue;
            }
            let Some(entry) = store.indexed_unit(&id)? else { continue };
            if let Some(p) = &entry.parent {
                todo.push(p.to_string());
            }
            units.insert(id, (entry.at, entry.unit()));
        }
        Ok(Arc::new(OrgTree::part(units.into_values().collect())))
    }
}

/// The title of a declared kind, as a reference.
pub(crate) fn kind_ref(escalation: &Escalation, id: &str) -> KindRef {
    KindRef { id: id.to_owned(), title: escalation.kind(id).map(|k| k.title.clone()).unwrap_or_else(|| id.to_owned()) }
}

struct AddUnit {
    unit: Unit,
}

impl Operation<Org> for AddUnit {
    type Answer = Unit;

    fn gate(&self) {}

    fn decide(self, org: &Org, _: &Actor) -> Result<Decided<Unit>> {
        let unit = match placed(&org.tree, &org.current.escalation, self.unit)? {
            Placed::New(unit) => unit,
            Placed::There(unit) => return Ok(Decided::new(Plan::default(), unit)), // repeating a command is safe
        };
        let plan = org.indexed(Plan::event(Scope::Org, None, vec![Action::UnitAdded { unit: unit.clone() }]))?;
        let plan = index_unit(plan, org.tree.order.len(), &unit)?;
        Ok(Decided::new(plan, unit))
    }
}

impl Org {
    /// A store written before the unit indexes: every unit so far, indexed once, with
    /// the plan that adds the first unit since.
    fn indexed(&self, mut plan: Plan) -> Result<Plan> {
        if !self.store.units_index_complete()? {
            for (at, u) in self.tree.in_order().enumerate() {
                plan = index_unit(plan, at, u)?;
            }
            plan = plan.and_value(keys::units_indexed(), 1)?;
        }
        Ok(plan)
    }
}

/// A unit checked against the tree: new to it, or there already just so.
enum Placed {
    New(Unit),
    There(Unit),
}

/// `unit` checked against the tree and the kinds the escalation file declares: its
/// name, its kind, its parent (one of the kinds its kind may sit under; none for the
/// root, of which there is one).
fn placed(tree: &OrgTree, esc: &Escalation, mut unit: Unit) -> Result<Placed> {
    unit.name = text(Text::UnitName, &unit.name)?;
    let Some(kind) = esc.kind(&unit.kind) else {
        return Err(Kind::UnknownKind { given: unit.kind.clone(), known: esc.kinds().iter().map(|k| kind_ref(esc, &k.id)).collect() }.into());
    };
    if let Some(existing) = tree.unit(unit.id.as_str()) {
        if existing == &unit {
            return Ok(Placed::There(unit));
        }
        return Err(Kind::UnitIdTaken { id: unit.id.clone(), by: Archive::unit_ref(tree, unit.id.as_str()) }.into());
    }
    let allowed = || kind.parents.iter().map(|p| kind_ref(esc, p)).collect::<Vec<_>>();
    match &unit.parent {
        None if kind.parents.is_empty() => {
            if let Some(root) = tree.root() {
                return Err(Kind::SecondRoot { root: Archive::unit_ref(tree, root.id.as_str()) }.into());
            }
        }
        None => return Err(Kind::NeedsParent { kind: kind_ref(esc, &kind.id), allowed: allowed() }.into()),
        Some(parent) => {
            let p = tree.unit(parent.as_str()).ok_or_else(|| {
                Refusal::new(Kind::NotFound { what: Thing::ParentUnit, given: parent.to_string() }).next(Hint::AddParent { id: parent.to_string() })
            })?;
            if kind.parents.is_empty() {
                return Err(Kind::RootHasNoParent { kind: kind_ref(esc, &kind.id) }.into());
            }
            if !kind.parents.contains(&p.kind) {
                return Err(Kind::WrongParent {
                    kind: kind_ref(esc, &kind.id),
                    parent: Archive::unit_ref(tree, p.id.as_str()),
                    parent_kind: kind_ref(esc, &p.kind),
                    allowed: allowed(),
                }
                .into());
            }
        }
    }
    Ok(Placed::New(unit))
}

// ---- the tree in bulk ---------------------------------------------------------------

struct ImportUnits {
    units: Vec<Unit>,
    apply: bool,
}

impl Operation<Org> for ImportUnits {
    /// The units new to the tree in the order they are added, each after its parent.
    type Answer = Imported<Unit>;

    fn gate(&self) {}

    /// Each row as `org add` takes its unit, whatever the order of the rows: a unit
    /// whose parent is a later row waits for it. A parent no row and no unit of the
    /// tree is, or a parent row that cannot be added, refuses the row.
    fn decide(self, org: &Org, _: &Actor) -> Result<Decided<Imported<Unit>>> {
        let esc = &org.current.escalation;
        let mut tree = OrgTree::clone(&org.tree);
        let mut refusals = RowRefusals::default();
        let (mut new, mut repeated) = (Vec::new(), Vec::new());
        // The first row of each id; a later row of it is the same unit or a conflict.
        let mut first: HashMap<UnitId, (usize, &Unit)> = HashMap::new();
        let mut waiting = Vec::new();
        for (i, unit) in self.units.iter().enumerate() {
            match first.get(&unit.id) {
                Some((_, earlier)) if *earlier == unit => repeated.push(i + 1),
                Some((row, _)) => refusals.refuse(i + 1, Kind::ConflictsWithRow { row: *row }),
                None => {
                    first.insert(unit.id.clone(), (i + 1, unit));
                    waiting.push((i + 1, unit));
                }
            }
        }
        // Rounds over the rows still waiting, in file order: each round adds those
        // whose parent is in the tree by now (or in no row: the check refuses it).
        loop {
            let before = waiting.len();
            let mut later = Vec::new();
            for (row, unit) in waiting {
                let parent_row = unit.parent.as_ref().filter(|p| tree.unit(p.as_str()).is_none()).and_then(|p| first.get(p));
                if parent_row.is_some() {
                    later.push((row, unit));
                    continue;
                }
                match refusals.check(row, placed(&tree, esc, unit.clone()))? {
                    Some(Placed::New(unit)) => {
                        tree.units.insert(unit.id.clone(), unit.clone());
                        tree.order.push(unit.id.clone());
                        new.push(Numbered { row, record: unit });
                    }
                    Some(Placed::There(_)) => repeated.push(row),
                    None => {}
                }
            }
            waiting = later;
            if waiting.len() == before {
                break;
            }
        }
        for (row, unit) in waiting {
            if let Some((parent, (parent_row, _))) = unit.parent.as_ref().and_then(|p| Some((p, first.get(p)?))) {
                refusals.refuse(row, Kind::ParentRowNotAdded { parent: parent.clone(), row: *parent_row });
            }
        }
        refusals.finish()?;
        repeated.sort_unstable();
        let mut plan = Plan::default();
        if self.apply && !new.is_empty() {
            plan = org.indexed(Plan::event(Scope::Org, None, new.iter().map(|n| Action::UnitAdded { unit: n.record.clone() }).collect()))?;
            for (k, n) in new.iter().enumerate() {
                plan = index_unit(plan, org.tree.order.len() + k, &n.record)?;
            }
        }
        Ok(Decided::new(plan, Imported { new, repeated, applied: self.apply }))
    }
}

/// The variant `value` names (by name or by label) of the enum the rules declare for
/// `entity.field`; any text when the rules declare no enum for it.
pub(crate) fn check_enum(rules: &RuleSet, entity: &str, field: &str, value: &str) -> Result<String> {
    let value = value.trim();
    let Some(e) = rules.field_enum(entity, field) else { return text(Text::Value, value) };
    if let Some(v) = e.variants.iter().find(|v| v.name == value || v.label.as_deref() == Some(value)) {
        return Ok(v.name.clone());
    }
    Err(Kind::NotAVariant {
        value: value.to_owned(),
        decl: EnumRef { name: e.name.clone(), label: e.label.clone() },
        allowed: e.variants.iter().map(|v| VariantRef { name: v.name.clone(), label: v.label.clone() }).collect(),
    }
    .into())
}

impl Shine {
    /// Add a unit to the tree under the kinds the escalation file declares.
    pub fn add_unit(&self, actor: &Actor, unit: Unit) -> Result<Unit> {
        self.execute_current::<Org, _>(actor, self.current().clone(), AddUnit { unit })
    }

    /// Add many units to the tree, all or none, in one batch: each as `add_unit`
    /// checks it, parents before children whatever the order given. Without `apply`,
    /// nothing is written: the answer says what would be.
    pub fn import_units(&self, actor: &Actor, units: Vec<Unit>, apply: bool) -> Result<Imported<Unit>> {
        self.execute_current::<Org, _>(actor, self.current().clone(), ImportUnits { units, apply })
    }

    /// A unit that runs quarters, as the quarter workflow declares them.
    pub(crate) fn branch_unit(&self, tree: &OrgTree, id: &str) -> Result<Unit> {
        branch_unit(tree, id, &self.current().workflow, &self.current().escalation)
    }

    /// Import members into a branch and apply what changes, all or none (see
    /// [`Shine::import_roster`]: changes are dated on the actor's day; members not in
    /// the list are kept). Returns how many members the list holds.
    pub fn import_members(&self, actor: &Actor, branch: &str, members: Vec<MemberRecord>) -> Result<usize> {
        let n = members.len();
        self.import_roster(actor, branch, members, actor.at.date(), true)?;
        Ok(n)
    }

    /// A roster row's id, checked (the CLI reads rows as text).
    pub fn member_id(text: &str) -> std::result::Result<MemberId, RowIssue> {
        MemberId::parse(text).map_err(|e| RowIssue::BadText { field: Text::MemberId, given: e.given, problem: e.problem })
    }

    /// Record a conduct finding; its clause must name an exclusion rule in force that
    /// reads findings, and the finding must be one that rule can count at some meeting
    /// on or after its date (see [`RuleSet::finding_reach`]).
    pub fn record_finding(&self, actor: &Actor, member: &str, finding: Finding) -> Result<()> {
        let _write = self.store().exclusive();
        let (branch, record) = self.find_member(member)?;
        let rules = self.current_rules();
        let finding = checked_finding(&rules, finding)?;
        if self.roster(&branch)?.findings.get(&record.id).is_some_and(|f| f.iter().any(|f| same_finding(f, &finding))) {
            return Ok(()); // recorded already: repeating the command changes nothing
        }
        let hash = crate::domain::RulesHash::of_hex(rules.hash().to_owned());
        self.commit(actor, Plan::event(Scope::Branch(branch), Some(&hash), vec![Action::FindingRecorded { member: record.id, finding }]))
    }

    /// Record the findings of many members (of any branch), all or none, in one
    /// batch: each row as `record_finding` takes it. A row for a member, clause and
    /// date already recorded otherwise corrects that finding, as recording it again
    /// does; two rows for one of them that differ are refused. Without `apply`, nothing
    /// is written: the answer says what would be.
    pub fn import_findings(&self, actor: &Actor, rows: Vec<FindingRow>, apply: bool) -> Result<Imported<ImportedFinding>> {
        let _write = self.store().exclusive();
        let rules = self.current_rules();
        let mut refusals = RowRefusals::default();
        let (mut new, mut repeated): (Vec<Numbered<ImportedFinding>>, Vec<usize>) = (Vec::new(), Vec::new());
        for (i, FindingRow { member, finding }) in rows.into_iter().enumerate() {
            let row = i + 1;
            let checked = self.find_member(&member.given).and_then(|(branch, record)| {
                let roster = self.roster(&branch)?;
                named_as(&roster, &record.id, member.named.as_deref())?;
                Ok((branch, member_ref(&roster, record.id.as_str()), roster, checked_finding(&rules, finding)?))
            });
            let Some((branch, who, roster, finding)) = refusals.check(row, checked)? else { continue };
            let earlier = new.iter().find(|n| n.record.member.id == who.id && n.record.finding.clause == finding.clause && n.record.finding.date == finding.date);
            match earlier {
                Some(n) if n.record.finding == finding => repeated.push(row),
                Some(n) => refusals.refuse(row, Kind::ConflictsWithRow { row: n.row }),
                None if roster.findings.get(&who.id).is_some_and(|f| f.iter().any(|f| same_finding(f, &finding))) => repeated.push(row),
                None => new.push(Numbered { row, record: ImportedFinding { member: who, branch, finding } }),
            }
        }
        refusals.finish()?;
        if apply {
            let hash = crate::domain::RulesHash::of_hex(rules.hash().to_owned());
            let mut by_branch: BTreeMap<&UnitId, Vec<Action>> = BTreeMap::new();
            for ImportedFinding { member, branch, finding } in new.iter().map(|n| &n.record) {
                by_branch.entry(branch).or_default().push(Action::FindingRecorded { member: member.id.clone(), finding: finding.clone() });
            }
            let mut plan = Plan::default();
            for (branch, actions) in by_branch {
                plan = plan.and_event(Scope::Branch(branch.clone()), Some(&hash), actions);
            }
            self.commit(actor, plan)?;
        }
        Ok(Imported { new, repeated, applied: apply })
    }
}

/// A finding as the rules take it: its clause an exclusion rule in force that reads
/// findings and can count it (see [`RuleSet::finding_reach`]), its period in order,
/// its evidence checked; not closed.
fn checked_finding(rules: &RuleSet, finding: Finding) -> Result<Finding> {
    let mut finding = Finding { closed: None, closure: None, ..finding };
    if let Some(until) = finding.until {
        if until < finding.date {
            return Err(Kind::EndsBeforeStart { from: finding.date, until }.into());
        }
    }
    let rule_ref = |name: &str| {
        let info = rules.rule_info(name);
        RuleRef { name: info.name, clause: info.clause }
    };
    match rules.finding_reach(finding.clause.as_str(), &finding) {
        FindingReach::Counts => {}
        FindingReach::NoSuchRule => {
            return Err(Kind::NotAnExclusion {
                given: finding.clause.as_str().to_owned(),
                known: rules.finding_rules().iter().map(|r| RuleRef { name: r.name.clone(), clause: r.clause.clone() }).collect(),
            }
            .into())
        }
        FindingReach::NotRead { reads } => {
            let taking = rules.finding_rules().iter().map(|r| RuleRef { name: r.name.clone(), clause: r.clause.clone() }).collect();
            return Err(Kind::FindingNotRead { rule: rule_ref(finding.clause.as_str()), reads, taking }.into());
        }
        FindingReach::Never { would_count_with } => {
            return Err(Kind::FindingNeverCounts { rule: rule_ref(finding.clause.as_str()), would_count_with }.into());
        }
    }
    finding.evidence = text(Text::Evidence, &finding.evidence)?;
    Ok(finding)
}

/// The finding recorded is this one (whether closed since or not).
fn same_finding(recorded: &Finding, finding: &Finding) -> bool {
    Finding { closed: None, closure: None, ..recorded.clone() } == *finding
}

/// One row of a findings import: the member and the finding, as `finding add` takes them.
#[derive(Debug, Clone)]
pub struct FindingRow {
    pub member: RowMember,
    pub finding: Finding,
}

/// A finding of an import, whose, and in which branch.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedFinding {
    pub member: MemberRef,
    pub branch: UnitId,
    pub finding: Finding,
}

/// A unit of `tree` whose kind runs the quarter workflow.
pub(crate) fn branch_unit(tree: &OrgTree, id: &str, workflow: &crate::workflow::Workflow, escalation: &Escalation) -> Result<Unit> {
    let unit = tree
        .unit(id)
        .ok_or_else(|| Refusal::new(Kind::NotFound { what: Thing::Branch, given: id.to_owned() }).next(Hint::ListUnits))?;
    if !workflow.runs_in(&unit.kind) {
        return Err(Kind::NotABranch { unit: Archive::unit_ref(tree, id), kind: kind_ref(escalation, &unit.kind) }.into());
    }
    Ok(unit.clone())
}

/// An id given for a unit, checked.
pub fn unit_id(text: &str) -> Result<UnitId> {
    UnitId::parse(text).map_err(|e| Kind::BadText { field: Text::UnitId, given: e.given, problem: e.problem }.into())
}
