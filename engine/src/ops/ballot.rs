//! The democratic recommendation's ballots (§3.4 in the default rules): electronic
//! ballots, stored apart from who voted, and the tellers' count of paper ballots. A
//! round takes one method only.

use super::branch::{Gate, QuarterCtx};
use super::{member_ref, Archive, Current, Decided, Operation};
use crate::domain::{Actor, MemberId};
use crate::event::Action;
use crate::refs::MemberRef;
use crate::refusal::{BallotMethod, Hint, Kind, Refusal, Result, Text, TotalsProblem};
use crate::state::quarter::Round;
use crate::store::keys;
use crate::workflow::RecordKind;
use rand::seq::SliceRandom;
use std::collections::{BTreeSet, HashMap};

/// An electronic ballot: the voter (for the "has voted" record) and the choices,
/// members by id or name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    pub member: String,
    pub choices: Vec<String>,
}

/// A paper round's count as the tellers give it: ballots issued (`None`: one to each
/// member with a vote), returned, and of those invalid (an over-filled ballot is
/// invalid and still returned); votes by candidate (by id or name) on the valid
/// ballots; and the tellers (监票人, 计票人).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaperCount {
    pub issued: Option<i64>,
    pub returned: i64,
    pub invalid: i64,
    pub votes: Vec<(String, i64)>,
    pub scrutineers: Vec<String>,
    pub counters: Vec<String>,
}

fn open_round(ctx: &QuarterCtx) -> Result<&Round> {
    ctx.q.open_round().ok_or_else(|| Refusal::new(Kind::NoOpenRound).next(Hint::Status { branch: ctx.unit.id.clone() }))
}

struct Cast {
    ballots: Vec<Ballot>,
}

impl Operation<QuarterCtx> for Cast {
    type Answer = usize;

    fn gate(&self) -> Gate {
        Gate::Records(vec![RecordKind::Ballot])
    }

    fn decide(self, ctx: &QuarterCtx, actor: &Actor) -> Result<Decided<usize>> {
        let round = open_round(ctx)?;
        if round.totals.is_some() {
            return Err(Kind::OtherMethod { round: round.round, used: BallotMethod::Paper }.into());
        }
        let facts = ctx.facts(actor.today());
        let name = |id: &MemberId| member_ref(&ctx.roster, id.as_str());
        let mut voted: BTreeSet<MemberId> = round.voted.clone();
        let n = self.ballots.len();
        let mut has_voted = Vec::with_capacity(n);
        let mut ballot_box: Vec<Vec<MemberId>> = Vec::with_capacity(n);
        for ballot in self.ballots {
            let id = ctx.member_on(&ballot.member, facts.meeting.date)?;
            if !facts.standing_of(&ctx.rules, id.as_str()).is_some_and(|s| s.voter) {
                return Err(Refusal::new(Kind::NoVote { member: name(&id), rule: Box::new(ctx.rules.voter_rule().clone()) })
                    .next(Hint::Explain { member: id.clone() }));
            }
            if !voted.insert(id.clone()) {
                return Err(Kind::AlreadyVoted { member: name(&id), round: round.round }.into());
            }
            let mut chosen: Vec<MemberId> = Vec::new();
            for c in &ballot.choices {
                let cid = ctx.member(c)?;
                if !round.candidates.contains(&cid) {
                    let candidates: Vec<MemberRef> = round.candidates.iter().map(name).collect();
                    return Err(Kind::NotOnBallot { member: name(&cid), round: round.round, candidates }.into());
                }
                if chosen.contains(&cid) {
                    return Err(Kind::ChosenTwice { given: c.clone() }.into());
                }
                chosen.push(cid);
            }
            // A ballot choosing more than the seats is kept as cast: the count finds it
            // invalid, and it still counts as returned.
            chosen.sort();
            ballot_box.push(chosen);
            has_voted.push(Action::Voted { member: id, round: round.round });
        }
        // The ballots of one command go into the box together, shuffled, under one
        // random key: their order says nothing about the order of the voters.
        ballot_box.shuffle(&mut rand::thread_rng());
        let plan = ctx.plan(has_voted).and_value(keys::ballot(&ctx.unit.id, ctx.quarter, round.round), &ballot_box)?;
        Ok(Decided::new(plan, n))
    }
}

struct Totals {
    count: PaperCount,
}

impl Operation<QuarterCtx> for Totals {
    type Answer = ();

    fn gate(&self) -> Gate {
        Gate::Records(vec![RecordKind::BallotTotals])
    }

    fn decide(self, ctx: &QuarterCtx, actor: &Actor) -> Result<Decided<()>> {
        let round = open_round(ctx)?;
        if !round.voted.is_empty() {
            return Err(Kind::OtherMethod { round: round.round, used: BallotMethod::Electronic { cast: round.voted.len() } }.into());
        }
        let facts = ctx.facts(actor.today());
        let voters = facts.standings(&ctx.rules).1.iter().filter(|s| s.voter).count() as i64;
        let PaperCount { issued, returned, invalid, votes, scrutineers, counters } = self.count;
        let issued = issued.unwrap_or(voters);
        let mut problems = Vec::new();
        if issued < 0 || returned < 0 {
            problems.push(TotalsProblem::NegativeBallots { ballots: issued.min(returned) });
        } else if issued > voters {
            problems.push(TotalsProblem::MoreBallotsThanVoters { ballots: issued, voters });
        }
        if returned > issued {
            problems.push(TotalsProblem::MoreReturnedThanIssued { returned, issued });
        }
        if invalid < 0 || invalid > returned.max(0) {
            problems.push(TotalsProblem::InvalidOutOfRange { invalid, returned });
        }
        let valid = (returned - invalid).max(0);
        let mut resolved: Vec<(MemberId, i64)> = Vec::new();
        let mut sum = 0;
        for (who, n) in votes {
            match ctx.member(&who) {
                Ok(id) if round.candidates.contains(&id) => {
                    if resolved.iter().any(|(r, _)| *r == id) {
                        problems.push(TotalsProblem::NamedTwice { given: who.clone() });
                    }
                    if n < 0 || n > valid {
                        problems.push(TotalsProblem::VotesOutOfRange { given: who.clone(), votes: n, ballots: valid });
                    }
                    sum += n;
                    resolved.push((id, n));
                }
                Ok(_) => problems.push(TotalsProblem::NotACandidate { given: who }),
                Err(_) => problems.push(TotalsProblem::NotInBranch { given: who }),
            }
        }
        if sum > valid.saturating_mul(round.seats) {
            problems.push(TotalsProblem::SumTooLarge { sum, ballots: valid, seats: round.seats });
        }
        let clean = |list: Vec<String>| -> Result<Vec<String>> {
            list.iter().filter(|s| !s.trim().is_empty()).map(|s| crate::refusal::text(Text::GuestName, s)).collect()
        };
        let (scrutineers, counters) = (clean(scrutineers)?, clean(counters)?);
        let mut seen = BTreeSet::new();
        for name in scrutineers.iter().chain(&counters) {
            if !seen.insert(name) {
                problems.push(TotalsProblem::TellerTwice { given: name.clone() });
            }
        }
        if !problems.is_empty() {
            return Err(Refusal::new(Kind::TotalsRejected { problems }).next(Hint::Recount));
        }
        // The same count entered again (a repeated command) changes nothing.
        let same = round.totals.as_ref().is_some_and(|t| {
            (t.issued, t.returned, t.invalid) == (issued, returned, invalid) && t.votes == resolved && t.scrutineers == scrutineers && t.counters == counters
        });
        let actions = if same {
            Vec::new()
        } else {
            vec![Action::PaperCounted { round: round.round, issued, returned, invalid, votes: resolved, scrutineers, counters }]
        };
        Ok(Decided::new(ctx.plan(actions), ()))
    }
}

impl QuarterCtx {
    /// Votes per candidate in a round, and the invalid ballots: from the paper totals,
    /// or by counting the ballots, where one choosing more than the seats is invalid.
    pub(crate) fn count_votes(&self, round: &Round) -> Result<(HashMap<MemberId, i64>, i64)> {
        if let Some(t) = &round.totals {
            return Ok((t.votes.iter().cloned().collect(), t.invalid));
        }
        let mut counts = HashMap::new();
        let mut invalid = 0;
        for ballot in self.store.ballots(&self.unit.id, self.quarter, round.round)? {
            if ballot.len() as i64 > round.seats {
                invalid += 1;
                continue;
            }
            for c in ballot {
                *counts.entry(c).or_insert(0) += 1;
            }
        }
        Ok((counts, invalid))
    }
}

impl Archive {
    /// Cast electronic ballots of one branch, all or none: the branch given, or the
    /// first voter's. What is chosen is stored apart from who voted.
    pub fn cast_ballots(&self, current: Option<&Current>, actor: &Actor, branch: Option<&str>, ballots: Vec<Ballot>) -> Result<usize> {
        let branch = match (branch, ballots.first()) {
            (Some(b), _) => b.to_owned(),
            (None, Some(b)) => self.find_member(&b.member)?.0.to_string(),
            (None, None) => return Err(Kind::NothingToRecord.into()),
        };
        self.on_quarter(current, actor, &branch, Cast { ballots })
    }

    /// Enter the tellers' count of paper ballots for the open round.
    pub fn enter_totals(&self, current: Option<&Current>, actor: &Actor, branch: &str, count: PaperCount) -> Result<()> {
        self.on_quarter(current, actor, branch, Totals { count })
    }

}
