//! A roster that lives: a member transferred to another branch (组织关系转接) with
//! their life records and findings, removed with a reason the rules declare (enum
//! `departure`), their particulars changed on a date (转正, a new role); and a roster
//! file compared with the roster kept (added, changed, missing) before anything is
//! applied. Nothing is deleted: a member who leaves stays in the roster's past, and
//! the facts of a quarter read the roster as of its meeting date (`ops::facts`).

use super::org::check_enum;
use super::Shine;
use crate::domain::{Actor, UnitId};
use crate::entity::{Departure, MemberChange, MemberRecord};
use crate::event::Action;
use crate::refs::{EnumRef, MemberRef, UnitRef, VariantRef};
use crate::refusal::{text, Kind, Result, RowIssue, RowProblem, Text};
use crate::state::org::{OrgTree, Roster};
use crate::store::{keys, Scope};
use crate::text::TextProblem;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;

/// What a transfer, removal or change did.
#[derive(Debug, Clone, Serialize)]
pub struct RosterMove {
    pub member: MemberRef,
    /// The branch whose roster the member was on.
    pub branch: UnitRef,
    pub on: NaiveDate,
    #[serde(flatten)]
    pub what: Move,
    /// Recorded already by an earlier run of the same command: nothing was written.
    pub repeated: bool,
}

/// The kind of move.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "move", rename_all = "snake_case")]
pub enum Move {
    Transferred { to: UnitRef },
    Removed { reason: VariantRef },
    /// The particulars before (as of the date) and the fields that changed.
    Changed { before: MemberRecord, change: MemberChange },
}

/// A member whose particulars in a roster file differ from those kept.
#[derive(Debug, Clone, Serialize)]
pub struct ChangedMember {
    pub member: MemberRef,
    pub before: MemberRecord,
    pub change: MemberChange,
}

/// A roster file against the roster kept.
#[derive(Debug, Clone, Serialize)]
pub struct RosterDiff {
    pub branch: UnitRef,
    /// The date the changes take effect (the date of the import).
    pub on: NaiveDate,
    pub added: Vec<MemberRecord>,
    pub changed: Vec<ChangedMember>,
    /// On the roster now and not in the file: kept, never removed by an import.
    pub missing: Vec<MemberRef>,
    pub unchanged: usize,
    /// The branch had no roster: the members are on it from the start, undated.
    pub first: bool,
    /// The changes were written. A first import is written at once: there is nothing
    /// on the roster to overwrite or drop.
    pub applied: bool,
}

impl RosterDiff {
    /// The file changes nothing.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty()
    }
}

fn mref(m: &MemberRecord) -> MemberRef {
    MemberRef { id: m.id.clone(), name: m.name.clone() }
}

/// The variant of the rules' `departure` enum `reason` names (by name or label); any
/// text when the rules declare no such enum.
fn departure_reason(shine: &Shine, reason: &str) -> Result<VariantRef> {
    let rules = shine.current_rules();
    let reason = reason.trim();
    let Some(e) = rules.enum_decl("departure") else {
        return Ok(VariantRef { name: text(Text::Value, reason)?, label: None });
    };
    match e.variants.iter().find(|v| v.name == reason || v.label.as_deref() == Some(reason)) {
        Some(v) => Ok(VariantRef { name: v.name.clone(), label: v.label.clone() }),
        None => Err(Kind::NotAVariant {
            value: reason.to_owned(),
            decl: EnumRef { name: e.name.clone(), label: e.label.clone() },
            allowed: e.variants.iter().map(|v| VariantRef { name: v.name.clone(), label: v.label.clone() }).collect(),
        }
        .into()),
    }
}

/// The label the rules give the reason of a removal.
pub fn reason_label(shine: &Shine, departure: &Departure) -> Option<String> {
    let Departure::Removed { reason } = departure else { return None };
    shine.current_rules().enum_decl("departure")?.variants.iter().find(|v| v.name == *reason)?.label.clone()
}

impl Shine {
    /// The member `query` names (id or unique name), their branch and roster, and the
    /// tree around the branches named.
    fn member_on_roster(&self, query: &str, also: &[&str]) -> Result<(UnitId, MemberRecord, std::sync::Arc<Roster>, std::sync::Arc<OrgTree>)> {
        let (branch, record) = self.find_member(query)?;
        let mut ids = vec![branch.as_str()];
        ids.extend_from_slice(also);
        let tree = self.org_around(&ids, false)?;
        let roster = self.roster(&branch)?;
        Ok((branch, record, roster, tree))
    }

    /// The member is on the roster now and `on` is not before their current stay began.
    fn still_on(&self, roster: &Roster, tree: &OrgTree, branch: &UnitId, record: &MemberRecord, on: NaiveDate) -> Result<()> {
        let Some(t) = roster.tenure(record.id.as_str()) else { return Ok(()) };
        let unit = super::Archive::unit_ref(tree, branch.as_str());
        if let Some((left, departure)) = t.departure() {
            let label = reason_label(self, departure);
            return Err(Kind::LeftRoster { member: mref(record), branch: unit, on: *left, departure: departure.clone(), label }.into());
        }
        if let Some(since) = t.since().filter(|s| on < *s) {
            return Err(Kind::BeforeJoining { member: mref(record), branch: unit, on, since }.into());
        }
        Ok(())
    }

    /// Move a member's organizational relationship to the branch `to` from `on`. The
    /// member leaves the old roster that day (its past quarters keep them) and joins
    /// the new one with their particulars, life records and findings; the member and
    /// name indexes point to the new branch, in the same batch.
    pub fn transfer_member(&self, actor: &Actor, member: &str, to: &str, on: NaiveDate, note: &str) -> Result<RosterMove> {
        let _write = self.store().exclusive();
        let note = text(Text::RosterNote, note)?;
        let (branch, record, roster, tree) = self.member_on_roster(member, &[to])?;
        let target = self.branch_unit(&tree, to)?;
        let to_ref = super::Archive::unit_ref(&tree, target.id.as_str());
        if target.id == branch {
            // The same transfer again: the member came to this branch on this day.
            let span = roster.tenure(record.id.as_str()).and_then(|t| t.spans.last());
            if let Some(from) = span.filter(|s| s.from == Some(on) && s.until.is_none()).and_then(|s| s.came_from.clone()) {
                let old = self.org_around(&[from.as_str()], false)?;
                let what = Move::Transferred { to: to_ref };
                return Ok(RosterMove { member: mref(&record), branch: super::Archive::unit_ref(&old, from.as_str()), on, what, repeated: true });
            }
            return Err(Kind::SameBranch { member: mref(&record), branch: to_ref }.into());
        }
        self.still_on(&roster, &tree, &branch, &record, on)?;
        let rules = self.current_rules();
        let hash = crate::domain::RulesHash::of_hex(rules.hash().to_owned());
        let joined = Action::MemberJoined {
            member: record.clone(),
            on,
            from: Some(branch.clone()),
            life: roster.life.get(&record.id).cloned().unwrap_or_default(),
            findings: roster.findings.get(&record.id).cloned().unwrap_or_default(),
            note: note.clone(),
        };
        let left = Action::MemberLeft { member: record.id.clone(), on, departure: Departure::Transferred { to: target.id.clone() }, note };
        let plan = super::Plan::default()
            .and_value(keys::member_index(&record.id), &target.id)?
            .and_value(keys::name_index(&record.name, &record.id), &target.id)?
            .and_event(Scope::Branch(branch.clone()), Some(&hash), vec![left])
            .and_event(Scope::Branch(target.id.clone()), Some(&hash), vec![joined]);
        self.commit(actor, plan)?;
        let what = Move::Transferred { to: to_ref };
        Ok(RosterMove { member: mref(&record), branch: super::Archive::unit_ref(&tree, branch.as_str()), on, what, repeated: false })
    }

    /// Take a member off their branch's roster from `on`, for a reason the rules
    /// declare (enum `departure`). Nothing of theirs is deleted.
    pub fn remove_member(&self, actor: &Actor, member: &str, on: NaiveDate, reason: &str, note: &str) -> Result<RosterMove> {
        let _write = self.store().exclusive();
        let note = text(Text::RosterNote, note)?;
        let reason = departure_reason(self, reason)?;
        let (branch, record, roster, tree) = self.member_on_roster(member, &[])?;
        let unit = super::Archive::unit_ref(&tree, branch.as_str());
        let departure = Departure::Removed { reason: reason.name.clone() };
        let done = roster.tenure(record.id.as_str()).and_then(|t| t.departure()).is_some_and(|(d, why)| *d == on && *why == departure);
        if done {
            return Ok(RosterMove { member: mref(&record), branch: unit, on, what: Move::Removed { reason }, repeated: true });
        }
        self.still_on(&roster, &tree, &branch, &record, on)?;
        let rules = self.current_rules();
        let hash = crate::domain::RulesHash::of_hex(rules.hash().to_owned());
        let plan = super::Plan::event(Scope::Branch(branch), Some(&hash), vec![Action::MemberLeft { member: record.id.clone(), on, departure, note }]);
        self.commit(actor, plan)?;
        Ok(RosterMove { member: mref(&record), branch: unit, on, what: Move::Removed { reason }, repeated: false })
    }

    /// Change a member's particulars from `on` (转正: `full`; a new role; a new
    /// identity). Fields the member has already on that day change nothing; a
    /// change of nothing is refused.
    pub fn change_member(&self, actor: &Actor, member: &str, on: NaiveDate, change: MemberChange, note: &str) -> Result<RosterMove> {
        let _write = self.store().exclusive();
        let note = text(Text::RosterNote, note)?;
        let rules = self.current_rules();
        let mut change = change;
        if let Some(role) = &mut change.role {
            *role = check_enum(&rules, "member", "role", role)?;
        }
        if let Some(identity) = &mut change.identity {
            *identity = check_enum(&rules, "member", "identity", identity)?;
        }
        if let Some(name) = &mut change.name {
            *name = text(Text::MemberName, name)?;
        }
        if change.is_empty() {
            return Err(Kind::NoChangeGiven.into());
        }
        let (branch, record, roster, tree) = self.member_on_roster(member, &[])?;
        self.still_on(&roster, &tree, &branch, &record, on)?;
        let unit = super::Archive::unit_ref(&tree, branch.as_str());
        let before = roster.as_of(record.id.as_str(), on).map(|r| r.into_owned()).unwrap_or_else(|| record.clone());
        let effective = change.against(&before);
        if effective.is_empty() {
            return Ok(RosterMove { member: mref(&record), branch: unit, on, what: Move::Changed { before, change }, repeated: true });
        }
        let hash = crate::domain::RulesHash::of_hex(rules.hash().to_owned());
        let mut plan = super::Plan::default();
        if let Some(name) = &effective.name {
            plan = plan.and_value(keys::name_index(name, &record.id), &branch)?;
        }
        let plan = plan.and_event(
            Scope::Branch(branch),
            Some(&hash),
            vec![Action::MemberChanged { member: record.id.clone(), on, change: effective.clone(), note }],
        );
        self.commit(actor, plan)?;
        Ok(RosterMove { member: mref(&record), branch: unit, on, what: Move::Changed { before, change: effective }, repeated: false })
    }

    /// Compare a roster file with the branch's roster, all rows checked or none:
    /// members added, members whose particulars differ (applied as changes dated
    /// `on`), members on the roster and not in the file (kept: a member leaves only by
    /// `remove_member` or `transfer_member`). Writes only with `apply`, or when the
    /// branch has no roster yet. A member on another branch's roster, or who left this
    /// one, is refused: their row would overwrite or undo a record.
    pub fn import_roster(&self, actor: &Actor, branch: &str, members: Vec<MemberRecord>, on: NaiveDate, apply: bool) -> Result<RosterDiff> {
        let _write = self.store().exclusive();
        let tree = self.org_around(&[branch], false)?;
        let unit = self.branch_unit(&tree, branch)?;
        let rules = self.current_rules();
        let roster = self.roster(&unit.id)?;
        let mut seen = HashSet::new();
        let mut problems = Vec::new();
        let mut checked = Vec::with_capacity(members.len());
        for (i, mut m) in members.into_iter().enumerate() {
            let row = i + 1;
            match crate::text::clean(Text::MemberName, &m.name) {
                Ok(name) => m.name = name,
                Err(TextProblem::Blank) => problems.push(RowProblem { row, name: String::new(), problem: RowIssue::EmptyName }),
                Err(problem) => {
                    let given = crate::text::excerpt(&m.name);
                    problems.push(RowProblem { row, name: String::new(), problem: RowIssue::BadText { field: Text::MemberName, given, problem } });
                }
            }
            let mut problem = |issue| problems.push(RowProblem { row, name: m.name.clone(), problem: issue });
            if !seen.insert(m.id.clone()) {
                problem(RowIssue::RepeatedId { id: m.id.to_string() });
            }
            for (field, value) in [("identity", &mut m.identity), ("role", &mut m.role)] {
                match check_enum(&rules, "member", field, value) {
                    Ok(v) => *value = v,
                    Err(r) => {
                        if let Kind::NotAVariant { value, decl, allowed } = *r.kind {
                            problems.push(RowProblem { row, name: m.name.clone(), problem: RowIssue::NotAVariant { value, decl, allowed } })
                        }
                    }
                }
            }
            let elsewhere = self.store().member_branch(&m.id)?.filter(|other| *other != unit.id);
            if let Some(other) = elsewhere {
                problems.push(RowProblem { row, name: m.name.clone(), problem: RowIssue::InAnotherBranch { id: m.id.clone(), branch: other } });
            } else if let Some((left, departure)) = roster.tenure(m.id.as_str()).and_then(|t| t.departure()) {
                problems.push(RowProblem { row, name: m.name.clone(), problem: RowIssue::LeftBranch { id: m.id.clone(), on: *left, departure: departure.clone(), label: reason_label(self, departure) } });
            }
            checked.push(m);
        }
        if !problems.is_empty() {
            return Err(Kind::RosterRejected { problems }.into());
        }
        let first = roster.members.is_empty();
        let mut diff = RosterDiff {
            branch: super::Archive::unit_ref(&tree, unit.id.as_str()),
            on,
            added: Vec::new(),
            changed: Vec::new(),
            missing: roster.current().filter(|m| !seen.contains(&m.id)).map(mref).collect(),
            unchanged: 0,
            first,
            applied: false,
        };
        for m in &checked {
            match roster.member(m.id.as_str()) {
                None => diff.added.push(m.clone()),
                Some(old) if old == m => diff.unchanged += 1,
                Some(old) => diff.changed.push(ChangedMember { member: mref(old), before: old.clone(), change: MemberChange::between(old, m) }),
            }
        }
        let indexed = self.store().names_index_complete()?;
        if (diff.is_empty() || !(apply || first)) && indexed {
            return Ok(diff);
        }
        let mut plan = super::Plan::default();
        if !indexed {
            // A store written before the name index: every roster so far, indexed once.
            for u in self.org()?.in_order() {
                for m in &self.roster(&u.id)?.members {
                    plan = plan.and_value(keys::name_index(&m.name, &m.id), &u.id)?;
                }
            }
            plan = plan.and_value(keys::names_indexed(), 1)?;
        }
        if diff.is_empty() || !(apply || first) {
            self.commit(actor, plan)?;
            return Ok(diff);
        }
        for m in &checked {
            plan = plan.and_value(keys::member_index(&m.id), &unit.id)?;
            plan = plan.and_value(keys::name_index(&m.name, &m.id), &unit.id)?;
        }
        let mut actions = Vec::new();
        if !diff.added.is_empty() {
            if first {
                actions.push(Action::MembersImported { branch: unit.id.clone(), members: diff.added.clone() });
            } else {
                for m in &diff.added {
                    let (life, findings) = (Vec::new(), Vec::new());
                    actions.push(Action::MemberJoined { member: m.clone(), on, from: None, life, findings, note: String::new() });
                }
            }
        }
        for c in &diff.changed {
            actions.push(Action::MemberChanged { member: c.member.id.clone(), on, change: c.change.clone(), note: String::new() });
        }
        let hash = crate::domain::RulesHash::of_hex(rules.hash().to_owned());
        let plan = plan.and_event(Scope::Branch(unit.id.clone()), Some(&hash), actions);
        self.commit(actor, plan)?;
        diff.applied = true;
        Ok(diff)
    }
}
