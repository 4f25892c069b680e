//! One branch's quarter, folded from its `quarter/<branch>/<quarter>` log: where it
//! stands in the workflow and every record made in it.

use super::Fold;
use crate::domain::{MemberId, Quarter, RulesHash, Timestamp, UnitId, WorkflowHash};
use crate::event::{Action, Event, Excluded};
use crate::facts::Deed;
use crate::tally::Selection;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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
    /// The members with a vote when the round opened (`None` in stores written before
    /// it was recorded).
    pub voters: Option<i64>,
    /// The round's ballots as the tally counted them.
    pub counted: Option<Figures>,
    /// Electronic voting by one-time codes, once the codes are issued.
    pub codes: Option<Codes>,
    /// Earlier votings of this round that were held again, oldest first.
    pub held_again: Vec<HeldAgain>,
}

/// A closed electronic voting that was held again: its figures and why. Its ballots
/// are kept apart and never counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldAgain {
    pub issued: i64,
    pub returned: i64,
    pub reason: String,
}

/// A round's voting codes: how many were issued and to whom (never which code to
/// whom), and the ballots returned. The log records no vote: until the voting closes,
/// `cast` is read from the store's code records (`Archive::quarter_ctx`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codes {
    pub issued: i64,
    /// The members who received a code, sorted by id.
    pub to: Vec<MemberId>,
    /// How many times the unused codes were voided and issued again.
    pub reissued: usize,
    /// Ballots cast with the codes so far (from the store, not the log).
    pub cast: i64,
    /// Set when the voting closed: the ballots returned then.
    pub closed: Option<i64>,
}

impl Codes {
    /// The ballots returned: as closed, else as cast so far.
    pub fn returned(&self) -> i64 {
        self.closed.unwrap_or(self.cast)
    }

    /// No more votes: closed, or every code has voted.
    pub fn settled(&self) -> bool {
        self.closed.is_some() || self.cast >= self.issued
    }
}

/// The tellers' count of a round held on paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    pub issued: i64,
    pub returned: i64,
    pub invalid: i64,
    pub votes: Vec<(MemberId, i64)>,
    /// The tellers: scrutineers (监票人) and counters (计票人), as the CLI names them.
    pub scrutineers: Vec<String>,
    pub counters: Vec<String>,
}

/// A round's ballots: issued, returned, and of those the invalid ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Figures {
    pub issued: i64,
    pub returned: i64,
    pub valid: i64,
    pub invalid: i64,
}

impl Figures {
    pub fn new(issued: i64, returned: i64, invalid: i64) -> Figures {
        Figures { issued, returned, valid: returned.saturating_sub(invalid).max(0), invalid }
    }
}

impl Round {
    /// Valid ballots in the round: as counted, else the paper count, else the
    /// electronic ballots cast (an over-filled one is found invalid only by the count).
    pub fn ballots(&self) -> i64 {
        self.figures().valid
    }

    /// The round's figures: as the tally counted them; before that, the paper count,
    /// or the codes issued and the ballots cast with them, or for a round of named
    /// ballots (before voting codes) the voters (ballots issued) and the ballots cast.
    pub fn figures(&self) -> Figures {
        if let Some(c) = self.counted {
            return c;
        }
        match (&self.totals, &self.codes) {
            (Some(t), _) => Figures::new(t.issued, t.returned, t.invalid),
            // An over-filled ballot is found invalid only by the count.
            (None, Some(c)) => {
                // Named ballots cast before voting codes, if any, count with the codes.
                let named = self.voted.len() as i64;
                Figures::new(c.issued + named, c.returned() + named, 0)
            }
            (None, None) => {
                let cast = self.voted.len() as i64;
                Figures::new(self.voters.unwrap_or(cast), cast, 0)
            }
        }
    }
}

/// Who besides members attended the special meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guests {
    pub activists: Vec<String>,
    pub observers: Vec<String>,
    pub delegate: Option<String>,
}

/// The reported special meeting: its date, the superior it was reported to, and the
/// day the report was made (the date of the reporting command).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub date: NaiveDate,
    pub superior: Option<UnitId>,
    pub reported_on: NaiveDate,
}

/// The delegate the superior sends to the special meeting (一般应派员列席).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegate {
    pub name: String,
    /// The role the superior acted in.
    pub role: String,
    pub on: NaiveDate,
}

/// Everything recorded in one branch's quarter. Only a log that begins with the
/// quarter's opening folds into one (see [`QuarterState::opened`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuarterState {
    pub opened: Option<Opened>,
    pub state: String,
    pub deeds: BTreeMap<MemberId, Vec<Deed>>,
    /// The number each of a member's `deeds` has on their certificate: the order it was
    /// registered in (1 first), kept when a deed before it is withdrawn — so that a
    /// withdrawal repeated withdraws nothing more.
    pub deed_numbers: BTreeMap<MemberId, Vec<u32>>,
    /// How many of a member's deeds were withdrawn.
    pub deeds_withdrawn: BTreeMap<MemberId, u32>,
    pub excuses: BTreeMap<MemberId, String>,
    pub meeting: Option<Meeting>,
    pub attendance: BTreeMap<MemberId, String>,
    pub guests: Guests,
    /// The delegate the superior said it sends, if it has.
    pub delegate: Option<Delegate>,
    pub presented: BTreeSet<MemberId>,
    /// The form of each presentation recorded with one (the latest record decides).
    pub presentation_forms: BTreeMap<MemberId, String>,
    pub comments: BTreeMap<MemberId, String>,
    pub rounds: Vec<Round>,
    pub stars: Vec<MemberId>,
    /// Set when the ledger was written and reported: the superior, if the branch has one.
    pub reported: Option<Option<UnitId>>,
    /// Every step taken, in order.
    pub passed: Vec<Passage>,
    /// Who recorded each member's comment (点评确认), in which role, and when.
    pub comment_signed: BTreeMap<MemberId, Signed>,
    /// When the meeting's report was recorded.
    pub meeting_reported_at: Option<Timestamp>,
    /// The roster's facts as they stood when the ballot was fixed: the number of the
    /// branch's roster events folded then (the roster as of the ballot is those events).
    pub frozen: Option<u64>,
}

/// Who made a record, in which role, and when: the event's own.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Signed {
    pub who: String,
    pub role: String,
    pub at: Timestamp,
}

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
            match action {
                Action::MeetingReported { date, superior } => {
                    self.meeting = Some(Meeting { date: *date, superior: superior.clone(), reported_on: event.at.date() });
                    self.meeting_reported_at = Some(event.at);
                }
                Action::DelegateSent { name } => {
                    self.delegate = Some(Delegate { name: name.clone(), role: event.role.clone(), on: event.at.date() });
                }
                _ => self.apply_action(action),
            }
            match action {
                Action::Advanced { step, from, to } => {
                    self.passed.push(Passage { step: step.clone(), from: from.clone(), to: to.clone(), at: event.at });
                }
                Action::Commented { member, .. } => {
                    let signed = Signed { who: event.who.clone(), role: event.role.clone(), at: event.at };
                    self.comment_signed.insert(member.clone(), signed);
                }
                _ => {}
            }
        }
    }
}

impl QuarterState {
    /// How many deeds the member registered this quarter, withdrawn ones included:
    /// the number of the last.
    pub fn deeds_registered(&self, member: &MemberId) -> u32 {
        let live = self.deed_numbers.get(member).map_or(0, Vec::len);
        u32::try_from(live).unwrap_or(u32::MAX).saturating_add(self.deeds_withdrawn.get(member).copied().unwrap_or(0))
    }

    /// Where the member's deed numbered `number` on the certificate sits in `deeds`,
    /// if it is there (not withdrawn).
    pub fn deed_position(&self, member: &MemberId, number: u32) -> Option<usize> {
        self.deed_numbers.get(member)?.iter().position(|n| *n == number)
    }

    fn apply_action(&mut self, action: &Action) {
        match action {
            Action::QuarterOpened { branch, quarter, rules, workflow, state } => {
                self.opened = Some(Opened { branch: branch.clone(), quarter: *quarter, rules: rules.clone(), workflow: workflow.clone() });
                self.state.clone_from(state);
            }
            Action::DeedRegistered { member, deed } => {
                let number = self.deeds_registered(member) + 1;
                self.deeds.entry(member.clone()).or_default().push(deed.clone());
                self.deed_numbers.entry(member.clone()).or_default().push(number);
            }
            Action::DeedEdited { member, number, deed } => {
                if let Some(at) = self.deed_position(member, *number) {
                    if let Some(d) = self.deeds.get_mut(member).and_then(|list| list.get_mut(at)) {
                        d.clone_from(deed);
                    }
                }
            }
            Action::DeedWithdrawn { member, number } => {
                if let Some(at) = self.deed_position(member, *number) {
                    if let (Some(deeds), Some(numbers)) = (self.deeds.get_mut(member), self.deed_numbers.get_mut(member)) {
                        deeds.remove(at);
                        numbers.remove(at);
                    }
                    // A member whose every deed is withdrawn has registered none.
                    if self.deeds.get(member).is_some_and(Vec::is_empty) {
                        self.deeds.remove(member);
                    }
                    *self.deeds_withdrawn.entry(member.clone()).or_default() += 1;
                }
            }
            Action::DeedExcused { member, reason } => {
                self.excuses.insert(member.clone(), reason.clone());
            }
            Action::AttendanceRecorded { member, status } => {
                self.attendance.insert(member.clone(), status.clone());
            }
            Action::GuestsRecorded { activists, observers, delegate } => {
                self.guests = Guests { activists: activists.clone(), observers: observers.clone(), delegate: delegate.clone() };
            }
            Action::Presented { member } => {
                self.presented.insert(member.clone());
                self.presentation_forms.remove(member);
            }
            Action::PresentedAs { member, form } => {
                self.presented.insert(member.clone());
                self.presentation_forms.insert(member.clone(), form.clone());
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
                voters: None,
                counted: None,
                codes: None,
                held_again: Vec::new(),
            }),
            Action::Voted { member, round } => {
                if let Some(r) = self.round_mut(*round) {
                    r.voted.insert(member.clone());
                }
            }
            Action::CodesIssued { round, count, to } => {
                if let Some(r) = self.round_mut(*round) {
                    r.codes = Some(Codes { issued: *count, to: to.clone(), reissued: 0, cast: 0, closed: None });
                }
            }
            Action::CodesReissued { round, .. } => {
                if let Some(c) = self.round_mut(*round).and_then(|r| r.codes.as_mut()) {
                    c.reissued += 1;
                }
            }
            Action::VotingClosed { round, returned, .. } => {
                if let Some(c) = self.round_mut(*round).and_then(|r| r.codes.as_mut()) {
                    c.closed = Some(*returned);
                    c.cast = *returned;
                }
            }
            Action::VotingHeldAgain { round, issued, returned, reason } => {
                if let Some(r) = self.round_mut(*round) {
                    r.codes = None;
                    r.held_again.push(HeldAgain { issued: *issued, returned: *returned, reason: reason.clone() });
                }
            }
            Action::TotalsEntered { round, ballots, votes } => {
                if let Some(r) = self.round_mut(*round) {
                    let (issued, returned) = (*ballots, *ballots);
                    r.totals = Some(Totals { issued, returned, invalid: 0, votes: votes.clone(), scrutineers: Vec::new(), counters: Vec::new() });
                }
            }
            Action::PaperCounted { round, issued, returned, invalid, votes, scrutineers, counters } => {
                if let Some(r) = self.round_mut(*round) {
                    r.totals = Some(Totals {
                        issued: *issued,
                        returned: *returned,
                        invalid: *invalid,
                        votes: votes.clone(),
                        scrutineers: scrutineers.clone(),
                        counters: counters.clone(),
                    });
                }
            }
            Action::RoundVoters { round, voters } => {
                if let Some(r) = self.round_mut(*round) {
                    r.voters = Some(*voters);
                }
            }
            Action::RoundCounted { round, issued, returned, invalid } => {
                if let Some(r) = self.round_mut(*round) {
                    r.counted = Some(Figures::new(*issued, *returned, *invalid));
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
            Action::FactsFrozen { roster_events } => self.frozen = Some(*roster_events),
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
