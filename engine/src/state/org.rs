//! The organization tree (university Party committee → general branches and directly
//! affiliated branches → branches) and each branch's roster, life history and conduct
//! findings, folded from the `org` and `branch/<id>` logs. A roster lives: members
//! join (imported, or transferred in from another branch), leave (transferred out,
//! removed with a reason) and change (转正, a new role) on a date; nothing is dropped,
//! and the roster answers who was on it, with which particulars, on any day. Beside
//! it: the branch's organizational-life sessions and its members' time away and reports.

use super::Fold;
use crate::domain::{MemberId, UnitId};
use crate::entity::{Departure, MemberChange, MemberRecord, Unit};
use crate::event::{Action, Event};
use crate::facts::{Finding, LifeRecord, Standing};
use chrono::NaiveDate;
use serde::Serialize;
use std::borrow::Cow;
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
/// `members` keeps the order of first import, each with their particulars as of now
/// (every dated change applied), including members who have left: their past
/// quarters keep them. An index by id makes each import and each lookup one step,
/// so folding a roster of any size is linear.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub members: Vec<MemberRecord>,
    pub life: BTreeMap<MemberId, Vec<LifeRecord>>,
    pub findings: BTreeMap<MemberId, Vec<Finding>>,
    /// How and why each closed finding was closed, by member, clause and date.
    pub closures: BTreeMap<(MemberId, String, NaiveDate), Closure>,
    /// Dated standings, in the order recorded, each with who approved it and why.
    pub standings: BTreeMap<MemberId, Vec<StandingEntry>>,
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
    /// How many of the branch's events are folded in: a quarter freezes its facts as
    /// this count when its ballot is fixed.
    pub events: u64,
    /// Each member's time on the roster and dated changes, beside `members`.
    tenure: Vec<Tenure>,
}

/// A member's time on one roster: when they were on it and how their particulars
/// changed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tenure {
    /// The particulars before the first dated change; none while there is none.
    #[serde(skip)]
    base: Option<MemberRecord>,
    /// Dated changes, by date (those of one date in the order recorded).
    pub changes: Vec<(NaiveDate, MemberChange)>,
    /// The member's stays on the roster, oldest first.
    pub spans: Vec<Span>,
}

/// One stay on a roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The first day on the roster; none for a member imported without a date, who
    /// is on the roster from the start.
    pub from: Option<NaiveDate>,
    /// The branch the member was transferred from.
    pub came_from: Option<UnitId>,
    /// The first day off the roster, and why.
    pub until: Option<(NaiveDate, Departure)>,
}

impl Span {
    fn covers(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.as_ref().is_none_or(|(u, _)| day < *u)
    }
}

impl Tenure {
    /// On the roster on `day`.
    pub fn on(&self, day: NaiveDate) -> bool {
        self.spans.iter().any(|s| s.covers(day))
    }

    /// On the roster now (the last stay is not closed).
    pub fn current(&self) -> bool {
        self.spans.last().is_some_and(|s| s.until.is_none())
    }

    /// How the member left, when they are off the roster now.
    pub fn departure(&self) -> Option<&(NaiveDate, Departure)> {
        self.spans.last().and_then(|s| s.until.as_ref())
    }

    /// On the roster on some day from `start` to `end` (inclusive).
    pub fn during(&self, start: NaiveDate, end: NaiveDate) -> bool {
        self.spans.iter().any(|s| s.from.is_none_or(|f| f <= end) && s.until.as_ref().is_none_or(|(u, _)| start < *u))
    }

    /// The first day of the current stay (none: from the start).
    pub fn since(&self) -> Option<NaiveDate> {
        self.spans.last().and_then(|s| s.from)
    }
}

/// Keep `list` one record per date, sorted by date; a later record corrects the
/// earlier (rules count runs in date order).
fn merge_life(list: &mut Vec<LifeRecord>, record: &LifeRecord) {
    match list.binary_search_by(|r| r.date.cmp(&record.date)) {
        Ok(at) => list[at] = record.clone(),
        Err(at) => list.insert(at, record.clone()),
    }
}

/// A finding under the same clause and date replaces the earlier one: that is how
/// an investigation is closed or a period corrected (a closure recorded stays).
fn merge_finding(list: &mut Vec<Finding>, finding: &Finding) {
    match list.iter_mut().find(|f| f.clause == finding.clause && f.date == finding.date) {
        // A closure recorded before stays with the corrected finding.
        Some(f) => *f = Finding { closed: f.closed, closure: f.closure, ..finding.clone() },
        None => list.push(finding.clone()),
    }
}

impl Fold for Roster {
    fn apply(&mut self, event: &Event) {
        self.events += 1;
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
                            Some(&i) => match &mut self.tenure[i].base {
                                Some(base) => {
                                    *base = member.clone();
                                    self.recompute(i);
                                }
                                None => self.members[i] = member.clone(),
                            },
                            None => {
                                self.push(member.clone(), Span { from: None, came_from: None, until: None });
                            }
                        }
                    }
                }
                Action::LifeRecorded { member, record, .. } => merge_life(self.life.entry(member.clone()).or_default(), record),
                Action::FindingRecorded { member, finding } => merge_finding(self.findings.entry(member.clone()).or_default(), finding),
                Action::MemberJoined { member, on, from, life, findings, .. } => {
                    let span = Span { from: Some(*on), came_from: from.clone(), until: None };
                    match self.at.get(&member.id) {
                        Some(&i) => {
                            // Back on a roster they left: what differs is a change from that day.
                            let change = MemberChange::between(&self.members[i], member);
                            if !change.is_empty() {
                                self.change(i, *on, change);
                            }
                            self.tenure[i].spans.push(span);
                        }
                        None => self.push(member.clone(), span),
                    }
                    let list = self.life.entry(member.id.clone()).or_default();
                    for record in life {
                        merge_life(list, record);
                    }
                    let list = self.findings.entry(member.id.clone()).or_default();
                    for finding in findings {
                        merge_finding(list, finding);
                    }
                }
                Action::MemberLeft { member, on, departure, .. } => {
                    if let Some(&i) = self.at.get(member) {
                        if let Some(span) = self.tenure[i].spans.last_mut().filter(|s| s.until.is_none()) {
                            span.until = Some((*on, departure.clone()));
                        }
                    }
                }
                Action::MemberChanged { member, on, change, .. } => {
                    if let Some(&i) = self.at.get(member) {
                        self.change(i, *on, change.clone());
                    }
                    // The roster's `mobile` column changed on a date: as an import says it.
                    match change.mobile {
                        Some(true) => {
                            self.mobile_since.entry(member.clone()).or_insert(*on);
                        }
                        Some(false) => {
                            self.mobile_since.remove(member);
                        }
                        None => {}
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

/// A session of a branch's organizational life, as recorded (`life session`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The kind, a variant of the rules' enum; `None` for a date known only from
    /// attendance recorded before sessions were records (older stores).
    pub kind: Option<crate::facts::Sym>,
    /// Only absences are recorded: a member without a record was present.
    pub absences_only: bool,
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

    fn push(&mut self, member: MemberRecord, span: Span) {
        self.at.insert(member.id.clone(), self.members.len());
        self.members.push(member);
        self.tenure.push(Tenure { base: None, changes: Vec::new(), spans: vec![span] });
    }

    /// Record a dated change of the `i`-th member and bring their particulars up to date.
    fn change(&mut self, i: usize, on: NaiveDate, change: MemberChange) {
        let t = &mut self.tenure[i];
        if t.base.is_none() {
            t.base = Some(self.members[i].clone());
        }
        let at = t.changes.partition_point(|(d, _)| *d <= on);
        t.changes.insert(at, (on, change));
        self.recompute(i);
    }

    fn recompute(&mut self, i: usize) {
        let t = &self.tenure[i];
        if let Some(base) = &t.base {
            let mut record = base.clone();
            for (_, c) in &t.changes {
                c.apply_to(&mut record);
            }
            self.members[i] = record;
        }
    }

    /// Every session of the branch, oldest first: the recorded ones, and each date of
    /// recorded attendance that has no session record (a session of no known kind,
    /// as older stores recorded attendance alone).
    ///
    /// A member's records from before they were on this roster (brought along by a
    /// transfer) are theirs, not sessions of this branch.
    pub fn sessions(&self) -> BTreeMap<NaiveDate, Session> {
        let mut all = self.sessions.clone();
        for (member, list) in &self.life {
            let tenure = self.tenure(member.as_str());
            for r in list.iter().filter(|r| tenure.is_none_or(|t| t.on(r.date))) {
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

    /// The member's time on this roster.
    pub fn tenure(&self, id: &str) -> Option<&Tenure> {
        self.at.get(id).and_then(|&i| self.tenure.get(i))
    }

    /// The member is on the roster now.
    pub fn is_current(&self, id: &str) -> bool {
        self.tenure(id).is_some_and(Tenure::current)
    }

    /// The members on the roster now, in roster order.
    pub fn current(&self) -> impl Iterator<Item = &MemberRecord> {
        self.members.iter().zip(&self.tenure).filter(|(_, t)| t.current()).map(|(m, _)| m)
    }

    /// The `i`-th member's particulars on `day`, if they were on the roster that day.
    fn at_day(&self, i: usize, day: NaiveDate) -> Option<Cow<'_, MemberRecord>> {
        let t = &self.tenure[i];
        if !t.on(day) {
            return None;
        }
        let Some(base) = &t.base else { return Some(Cow::Borrowed(&self.members[i])) };
        let mut record = base.clone();
        for (_, c) in t.changes.iter().take_while(|(d, _)| *d <= day) {
            c.apply_to(&mut record);
        }
        Some(Cow::Owned(record))
    }

    /// The member's particulars on `day`, if they were on the roster that day.
    pub fn as_of(&self, id: &str, day: NaiveDate) -> Option<Cow<'_, MemberRecord>> {
        self.at.get(id).and_then(|&i| self.at_day(i, day))
    }

    /// The members on the roster on `day`, with their particulars that day, in
    /// roster order: whom the quota, the voters and the quorum count.
    pub fn on(&self, day: NaiveDate) -> impl Iterator<Item = Cow<'_, MemberRecord>> {
        (0..self.members.len()).filter_map(move |i| self.at_day(i, day))
    }
}

#[cfg(test)]
#[path = "../tests/roster.rs"]
mod tests;
