//! The organization tree (university Party committee → general branches and directly
//! affiliated branches → branches) and each branch's roster, life history and conduct
//! findings, its organizational-life sessions and its members' time away and reports,
//! folded from the `org` and `branch/<id>` logs.

use super::Fold;
use crate::domain::{MemberId, UnitId};
use crate::entity::{MemberRecord, Unit};
use crate::event::{Action, Event};
use crate::facts::{Finding, LifeRecord};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
    /// The branch's organizational-life sessions by date (see [`Session`]).
    pub sessions: BTreeMap<NaiveDate, Session>,
    /// Each member's time away (外出), by first day.
    pub away: BTreeMap<MemberId, BTreeMap<NaiveDate, Option<NaiveDate>>>,
    /// Each member's reports (报到), in date order.
    pub reports: BTreeMap<MemberId, BTreeSet<NaiveDate>>,
    /// The day a roster import first said a member was mobile (the `mobile` column),
    /// for members with no away record of their own: see `ops::facts`.
    pub mobile_since: BTreeMap<MemberId, NaiveDate>,
    /// Where each member sits in `members`.
    at: HashMap<MemberId, usize>,
}

impl Fold for Roster {
    fn apply(&mut self, event: &Event) {
        for action in &event.actions {
            match action {
                Action::MembersImported { members, .. } => {
                    for member in members {
                        if member.mobile {
                            self.mobile_since.entry(member.id.clone()).or_insert(event.at.date());
                        } else {
                            self.mobile_since.remove(&member.id);
                        }
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
                Action::SessionRecorded { date, kind, absences_only, .. } => {
                    self.sessions.insert(*date, Session { kind: Some(kind.as_str().into()), absences_only: *absences_only });
                }
                Action::AwayRecorded { member, from, to } => {
                    self.away.entry(member.clone()).or_default().insert(*from, *to);
                }
                Action::BackRecorded { member, on } => {
                    // Closes the period the member was away in on that day.
                    let periods = self.away.entry(member.clone()).or_default();
                    if let Some((_, to)) = periods.range_mut(..=*on).next_back() {
                        if to.is_none_or(|t| t >= *on) {
                            *to = Some(*on);
                        }
                    }
                }
                Action::ReportRecorded { member, on } => {
                    self.reports.entry(member.clone()).or_default().insert(*on);
                }
                Action::FindingRecorded { member, finding } => {
                    // A finding under the same clause and date replaces the earlier one:
                    // that is how an investigation is closed or a period corrected.
                    let list = self.findings.entry(member.clone()).or_default();
                    match list.iter_mut().find(|f| f.clause == finding.clause && f.date == finding.date) {
                        Some(f) => *f = finding.clone(),
                        None => list.push(finding.clone()),
                    }
                }
                _ => {}
            }
        }
    }
}

/// A session of a branch's organizational life, as recorded (`life session`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The kind, a variant of the rules' enum; `None` for a date known only from
    /// attendance recorded before sessions were records (older stores).
    pub kind: Option<crate::facts::Sym>,
    /// Only absences are recorded: a member without a record was present.
    pub absences_only: bool,
}

impl Roster {
    /// Every session of the branch, oldest first: the recorded ones, and each date of
    /// recorded attendance that has no session record (a session of no known kind,
    /// as older stores recorded attendance alone).
    pub fn sessions(&self) -> BTreeMap<NaiveDate, Session> {
        let mut all = self.sessions.clone();
        for list in self.life.values() {
            for r in list {
                all.entry(r.date).or_insert(Session { kind: None, absences_only: false });
            }
        }
        all
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
