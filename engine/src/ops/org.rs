//! The organization and its people: adding units to the tree (kinds and their
//! parents as `workflows/escalation.ron` declares them), importing a branch's roster,
//! recording organizational life and conduct findings. All act under the current
//! definitions: identities, roles and statuses must be variants the rules declare.

use super::{Archive, Current, Decided, Operation, Plan, Shine, Subject};
use crate::domain::{Actor, MemberId, UnitId};
use crate::entity::{MemberRecord, Unit};
use crate::event::Action;
use crate::facts::Finding;
use crate::refs::{EnumRef, KindRef, RuleRef, VariantRef};
use crate::refusal::{text, Hint, Kind, Refusal, Result, RowIssue, Text, Thing};
use crate::rules::{FindingReach, RuleSet};
use crate::state::org::OrgTree;
use crate::store::{keys, IndexedUnit, Scope};
use crate::workflow::Escalation;
use std::collections::BTreeMap;
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
        let mut unit = self.unit;
        let esc = &org.current.escalation;
        unit.name = text(Text::UnitName, &unit.name)?;
        let Some(kind) = esc.kind(&unit.kind) else {
            return Err(Kind::UnknownKind { given: unit.kind.clone(), known: esc.kinds().iter().map(|k| kind_ref(esc, &k.id)).collect() }.into());
        };
        if let Some(existing) = org.tree.unit(unit.id.as_str()) {
            if existing == &unit {
                return Ok(Decided::new(Plan::default(), unit)); // repeating a command is safe
            }
            return Err(Kind::UnitIdTaken { id: unit.id.clone(), by: Archive::unit_ref(&org.tree, unit.id.as_str()) }.into());
        }
        let allowed = || kind.parents.iter().map(|p| kind_ref(esc, p)).collect::<Vec<_>>();
        match &unit.parent {
            None if kind.parents.is_empty() => {
                if let Some(root) = org.tree.root() {
                    return Err(Kind::SecondRoot { root: Archive::unit_ref(&org.tree, root.id.as_str()) }.into());
                }
            }
            None => return Err(Kind::NeedsParent { kind: kind_ref(esc, &kind.id), allowed: allowed() }.into()),
            Some(parent) => {
                let p = org.tree.unit(parent.as_str()).ok_or_else(|| {
                    Refusal::new(Kind::NotFound { what: Thing::ParentUnit, given: parent.to_string() })
                        .next(Hint::AddParent { id: parent.to_string() })
                })?;
                if kind.parents.is_empty() {
                    return Err(Kind::RootHasNoParent { kind: kind_ref(esc, &kind.id) }.into());
                }
                if !kind.parents.contains(&p.kind) {
                    return Err(Kind::WrongParent {
                        kind: kind_ref(esc, &kind.id),
                        parent: Archive::unit_ref(&org.tree, p.id.as_str()),
                        parent_kind: kind_ref(esc, &p.kind),
                        allowed: allowed(),
                    }
                    .into());
                }
            }
        }
        let mut plan = Plan::event(Scope::Org, None, vec![Action::UnitAdded { unit: unit.clone() }]);
        if !org.store.units_index_complete()? {
            // A store written before the unit indexes: every unit so far, indexed once.
            for (at, u) in org.tree.in_order().enumerate() {
                plan = index_unit(plan, at, u)?;
            }
            plan = plan.and_value(keys::units_indexed(), 1)?;
        }
        let plan = index_unit(plan, org.tree.order.len(), &unit)?;
        Ok(Decided::new(plan, unit))
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
        let same = |f: &Finding| Finding { closed: None, closure: None, ..f.clone() } == finding;
        if self.roster(&branch)?.findings.get(&record.id).is_some_and(|f| f.iter().any(same)) {
            return Ok(()); // recorded already: repeating the command changes nothing
        }
        let hash = crate::domain::RulesHash::of_hex(rules.hash().to_owned());
        self.commit(actor, Plan::event(Scope::Branch(branch), Some(&hash), vec![Action::FindingRecorded { member: record.id, finding }]))
    }
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
