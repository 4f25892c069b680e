//! The organization tree (university Party committee → general branches and directly
//! affiliated branches → branches) and each branch's roster, life history and conduct
//! findings, folded from the `org` and `branch/<id>` logs.

use super::Fold;
use crate::domain::{MemberId, UnitId};
use crate::entity::{MemberRecord, Unit};
use crate::event::{Action, Event};
use crate::facts::{Finding, LifeRecord, Standing};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// The tree of units.
#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    pub units: BTreeMap<UnitId, Unit>,
    /// Units in the order they were added.
    pub order: Vec<UnitId>,
}

impl Fold for OrgTree {
    fn apply(&mut self, event: &Event) {
        for action in &event.actions {
            if let Action::UnitAdded { unit } = action {
                if self.units.insert(unit.id.clone(), unit.clone()).is_none() {
                    self.order.push(unit.id.clone());
                }
            }
        }
    }
}

impl OrgTree {
    /// Part of the tree: these units, each with its place in the order units were
    /// added, kept in that order. Answers what the whole tree answers about them.
    pub fn part(mut units: Vec<(usize, Unit)>) -> OrgTree {
        units.sort_by_key(|(at, _)| *at);
        let order = units.iter().map(|(_, u)| u.id.clone()).collect();
        OrgTree { units: units.into_iter().map(|(_, u)| (u.id.clone(), u)).collect(), order }
    }

    /// The unit without a parent: the university Party committee.
    pub fn root(&self) -> Option<&Unit> {
        self.order.iter().filter_map(|id| self.units.get(id)).find(|u| u.parent.is_none())
    }

    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.get(id)
    }

    pub fn parent_of(&self, id: &str) -> Option<&Unit> {
        self.units.get(id)?.parent.as_ref().and_then(|p| self.units.get(p))
    }

    /// The units directly under `id`, in the order they were added.
    pub fn children<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Unit> + 'a {
        self.in_order().filter(move |u| u.parent.as_ref().is_some_and(|p| p == id))
    }

    /// Every unit, in the order added.
    pub fn in_order(&self) -> impl Iterator<Item = &Unit> {
        self.order.iter().filter_map(|id| self.units.get(id))
    }

    /// The units from the root down to `id`.
    pub fn path(&self, id: &str) -> Vec<&Unit> {
        let mut path = Vec::new();
        let mut next = self.units.get(id);
        while let Some(unit) = next {
            path.push(unit);
            next = unit.parent.as_ref().and_then(|p| self.units.get(p));
            if path.len() > self.units.len() {
                break;
            }
        }
        path.reverse();
        path
    }
}

/// A branch's roster with each member's history.
///
/// `members` keeps the order of first import; an index by id makes each import and
/// each lookup one step, so folding a roster of any size is linear.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub members: Vec<MemberRecord>,
    pub life: BTreeMap<MemberId, Vec<LifeRecord>>,
    pub findings: BTreeMap<MemberId, Vec<Finding>>,
    /// How and why each closed finding was closed, by member, clause and date.
    pub closures: BTreeMap<(MemberId, String, NaiveDate), Closure>,
    /// Dated standings, in the order recorded, each with who approved it and why.
    pub standings: BTreeMap<MemberId, Vec<StandingEntry>>,
    /// Where each member sits in `members`.
    at: HashMap<MemberId, usize>,
    /// How many of the branch's events are folded in: a quarter freezes its facts as
    /// this count when its ballot is fixed.
    pub events: u64,
}

impl Fold for Roster {
    fn apply(&mut self, event: &Event) {
        self.events += 1;
        for action in &event.actions {
            match action {
                Action::MembersImported { members, .. } => {
                    for member in members {
                        match self.at.get(&member.id) {
                            Some(&i) => self.members[i] = member.clone(),
                            None => {
                                self.at.insert(member.id.clone(), self.members.len());
                                self.members.push(member.clone());
                            }
                        }
                    }
                }
                Action::LifeRecorded { member, record, .. } => {
                    let list = self.life.entry(member.clone()).or_default();
                    // One record per member and date: a later one corrects the earlier.
                    // The history stays sorted by date: rules count runs in date order.
                    match list.binary_search_by(|r| r.date.cmp(&record.date)) {
                        Ok(at) => list[at] = record.clone(),
                        Err(at) => list.insert(at, record.clone()),
                    }
                }
                Action::FindingRecorded { member, finding } => {
                    // A finding under the same clause and date replaces the earlier one:
                    // that is how an investigation is closed or a period corrected.
                    let list = self.findings.entry(member.clone()).or_default();
                    // A closure recorded before stays with the corrected finding.
                    match list.iter_mut().find(|f| f.clause == finding.clause && f.date == finding.date) {
                        Some(f) => *f = Finding { closed: f.closed, closure: f.closure, ..finding.clone() },
                        None => list.push(finding.clone()),
                    }
                }
                Action::FindingClosed { member, clause, date, on, how, note } => {
                    let list = self.findings.entry(member.clone()).or_default();
                    if let Some(f) = list.iter_mut().find(|f| f.clause.as_str() == clause && f.date == *date) {
                        f.closed = Some(*on);
                        f.closure = Some(how.as_str().into());
                        let closure = Closure { on: *on, how: how.clone(), note: note.clone() };
                        self.closures.insert((member.clone(), clause.clone(), *date), closure);
                    }
                }
                Action::StandingRecorded { member, standing, approved_by, reason } => {
                    let list = self.standings.entry(member.clone()).or_default();
                    // The same kind from the same day: a later record corrects the earlier.
                    let entry = StandingEntry { standing: standing.clone(), approved_by: approved_by.clone(), reason: reason.clone() };
                    match list.iter_mut().find(|e| e.standing.kind == standing.kind && e.standing.from == standing.from) {
                        Some(e) => *e = entry,
                        None => list.push(entry),
                    }
                }
                _ => {}
            }
        }
    }
}

/// How a finding was closed: the day, the way (a variant the rules declare), what happened.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Closure {
    pub on: NaiveDate,
    pub how: String,
    pub note: String,
}

/// A standing as recorded: the fact rules read, and who approved it and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StandingEntry {
    pub standing: Standing,
    pub approved_by: String,
    pub reason: String,
}

impl Roster {
    /// The member's standings, as rules read them.
    pub fn standing_facts(&self, id: &str) -> Vec<Standing> {
        self.standings.get(id).map(|l| l.iter().map(|e| e.standing.clone()).collect()).unwrap_or_default()
    }

    pub fn member(&self, id: &str) -> Option<&MemberRecord> {
        self.at.get(id).and_then(|&i| self.members.get(i))
    }

    /// Where the member sits in `members` (the order of first import).
    pub fn position(&self, id: &str) -> Option<usize> {
        self.at.get(id).copied()
    }

    /// The member's name, or the id when the roster lacks it.
    pub fn name(&self, id: &str) -> String {
        self.member(id).map(|m| m.name.clone()).unwrap_or_else(|| id.to_owned())
    }
}
