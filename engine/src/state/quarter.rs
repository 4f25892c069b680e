//! One branch's quarter, folded from its `quarter/<branch>/<quarter>` log: where it
//! stands in the workflow and every record made in it.

use super::org::Roster;
use super::Fold;
use crate::domain::{MemberId, Quarter, RulesHash, Timestamp, UnitId, WorkflowHash};
use crate::event::{Action, Event, Excluded};
use crate::facts::Deed;
use crate::tally::Selection;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// One ballot round: the recommendation (round 1) or a runoff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub round: i64,
    pub seats: i64,
    pub candidates: Vec<MemberId>,
    /// Stars seated before this round.
    pub seated_before: Vec<MemberId>,
    /// The exclusions as decided when the ballot was fixed (round 1 only).
    pub excluded: Vec<(MemberId, Vec<Excluded>)>,
    pub voted: BTreeSet<MemberId>,
    /// Paper ballots: how many ballots, and votes per candidate.
    pub totals: Option<Totals>,
    pub selection: Option<Selection>,
}

/// The tellers' count of a round held on paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    pub ballots: i64,
    pub votes: Vec<(MemberId, i64)>,
}

impl Round {
    /// Ballots in the round: the paper count, or the electronic ballots cast.
    pub fn ballots(&self) -> i64 {
        self.totals.as_ref().map(|t| t.ballots).unwrap_or(self.voted.len() as i64)
    }
}

/// Who besides members attended the special meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guests {
    pub activists: Vec<String>,
    pub observers: Vec<String>,
    pub delegate: Option<String>,
}

/// The reported special meeting: its date and the superior it was reported to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub date: NaiveDate,
    pub superior: Option<UnitId>,
}

/// Everything recorded in one branch's quarter. Only a log that begins with the
/// quarter's opening folds into one (see [`QuarterState::opened`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuarterState {
    pub opened: Option<Opened>,
    pub state: String,
    pub deeds: BTreeMap<MemberId, Vec<Deed>>,
    pub excuses: BTreeMap<MemberId, String>,
    pub meeting: Option<Meeting>,
    pub attendance: BTreeMap<MemberId, String>,
    pub guests: Guests,
    pub presented: BTreeSet<MemberId>,
    pub comments: BTreeMap<MemberId, String>,
    pub rounds: Vec<Round>,
    pub stars: Vec<MemberId>,
    /// Set when the ledger was written and reported: the superior, if the branch has one.
    pub reported: Option<Option<UnitId>>,
    /// Every step taken, in order.
    pub passed: Vec<Passage>,
    /// The roster's facts as they stood when the ballot was fixed.
    pub frozen: Option<Frozen>,
}

/// The roster's facts a quarter was decided on, frozen with its ballot.
#[derive(Debug, Clone)]
pub struct Frozen(pub Arc<Roster>);

impl PartialEq for Frozen {
    fn eq(&self, other: &Frozen) -> bool {
        let (a, b) = (&self.0, &other.0);
        Arc::ptr_eq(a, b) || (a.members == b.members && a.life == b.life && a.findings == b.findings)
    }
}
impl Eq for Frozen {}

/// What a quarter's facts are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactsBasis {
    /// The ballot is not fixed yet: today's roster.
    Today,
    /// The roster's facts frozen when the ballot was fixed.
    Frozen,
    /// The ballot was fixed by a version that did not freeze the facts: today's
    /// roster, which may have changed since.
    RecomputedToday,
}

/// A step taken: the state it left, the state it entered, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    pub step: String,
    pub from: String,
    pub to: String,
    pub at: Timestamp,
}

/// What the opening fixed: the branch, the quarter, and the definitions it runs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub branch: UnitId,
    pub quarter: Quarter,
    pub rules: RulesHash,
    pub workflow: WorkflowHash,
}

impl Fold for QuarterState {
    fn apply(&mut self, event: &Event) {
        for action in &event.actions {
            self.apply_action(action);
            if let Action::Advanced { step, from, to } = action {
                self.passed.push(Passage { step: step.clone(), from: from.clone(), to: to.clone(), at: event.at });
            }
        }
    }
}

impl QuarterState {
    fn apply_action(&mut self, action: &Action) {
        match action {
            Action::QuarterOpened { branch, quarter, rules, workflow, state } => {
                self.opened = Some(Opened { branch: branch.clone(), quarter: *quarter, rules: rules.clone(), workflow: workflow.clone() });
                self.state.clone_from(state);
            }
            Action::DeedRegistered { member, deed } => self.deeds.entry(member.clone()).or_default().push(deed.clone()),
            Action::DeedExcused { member, reason } => {
                self.excuses.insert(member.clone(), reason.clone());
            }
            Action::MeetingReported { date, superior } => self.meeting = Some(Meeting { date: *date, superior: superior.clone() }),
            Action::AttendanceRecorded { member, status } => {
                self.attendance.insert(member.clone(), status.clone());
            }
            Action::GuestsRecorded { activists, observers, delegate } => {
                self.guests = Guests { activists: activists.clone(), observers: observers.clone(), delegate: delegate.clone() };
            }
            Action::Presented { member } => {
                self.presented.insert(member.clone());
            }
            Action::Commented { member, text } => {
                self.comments.insert(member.clone(), text.clone());
            }
            Action::RoundOpened { round, seats, candidates, seated, excluded } => self.rounds.push(Round {
                round: *round,
                seats: *seats,
                candidates: candidates.clone(),
                seated_before: seated.clone(),
                excluded: excluded.clone(),
                voted: BTreeSet::new(),
                totals: None,
                selection: None,
            }),
            Action::Voted { member, round } => {
                if let Some(r) = self.round_mut(*round) {
                    r.voted.insert(member.clone());
                }
            }
            Action::TotalsEntered { round, ballots, votes } => {
                if let Some(r) = self.round_mut(*round) {
                    r.totals = Some(Totals { ballots: *ballots, votes: votes.clone() });
                }
            }
            Action::Tallied { round, selection } => {
                if let Some(r) = self.rounds.iter_mut().find(|r| r.round == *round) {
                    self.stars = r.seated_before.iter().chain(&selection.seated).cloned().collect();
                    r.selection = Some(selection.clone());
                }
            }
            Action::Advanced { to, .. } => self.state.clone_from(to),
            Action::LedgerWritten { stars, superior } => {
                self.stars.clone_from(stars);
                self.reported = Some(superior.clone());
            }
            Action::FactsFrozen { members, life, findings } => {
                let roster = Roster::from_parts(members.clone(), life.iter().cloned().collect(), findings.iter().cloned().collect());
                self.frozen = Some(Frozen(Arc::new(roster)));
            }
            Action::RulesAdopted { to, .. } => {
                if let Some(o) = &mut self.opened {
                    o.rules = to.clone();
                }
            }
            // Other scopes' actions: the organization, rosters, the chain, credentials.
            _ => {}
        }
    }

    fn round_mut(&mut self, round: i64) -> Option<&mut Round> {
        self.rounds.iter_mut().find(|r| r.round == round)
    }

    /// What the quarter's facts are read from: today's roster until the ballot is
    /// fixed, then the facts frozen with it (or, in a store written before facts were
    /// frozen, today's roster again).
    pub fn facts_basis(&self) -> FactsBasis {
        match (&self.frozen, self.rounds.is_empty()) {
            (Some(_), _) => FactsBasis::Frozen,
            (None, true) => FactsBasis::Today,
            (None, false) => FactsBasis::RecomputedToday,
        }
    }

    /// The round being voted on: the last one, if it has not been tallied.
    pub fn open_round(&self) -> Option<&Round> {
        self.rounds.last().filter(|r| r.selection.is_none())
    }

    /// The round whose selection seated `member`, if any.
    pub fn seating_round(&self, member: &str) -> Option<&Round> {
        self.rounds.iter().find(|r| r.selection.as_ref().is_some_and(|s| s.seated.iter().any(|m| m == member)))
    }
}
