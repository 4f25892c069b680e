//! The democratic recommendation's ballots (§3.4 in the default rules): electronic
//! voting by one-time codes, and the tellers' count of paper ballots. A round takes
//! one method only.
//!
//! Voting codes: the secretary issues one code to each member with a vote for the
//! round, all in one batch (`CodesIssued` names who received one, never which); a
//! code votes once, writing its record as used and the ballot under a fresh random
//! key with only the choices, and no event; the secretary closes the voting, which
//! voids the codes not used. The tally waits until the voting is closed or every
//! code has voted.

use super::branch::{Gate, QuarterCtx};
use super::{Archive, Current, Decided, Operation, Plan};
use crate::domain::{Actor, MemberId, Quarter, UnitId};
use crate::event::Action;
use crate::refs::{MemberRef, UnitRef};
use crate::refusal::{BallotMethod, Hint, Kind, Refusal, Result, Text, TotalsProblem};
use crate::state::quarter::{QuarterState, Round};
use crate::store::{keys, CodeState};
use crate::workflow::RecordKind;
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;

/// The characters of a voting code: digits and capitals without 0, O, 1, I and L,
/// which are easily misread (31 characters).
pub const CODE_ALPHABET: &str = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a code: 13 of 31 carry 64 bits of randomness (10 would carry 49).
pub const CODE_LENGTH: usize = 13;
/// How a code is shown: groups of these lengths joined by dashes (`K7QX-MP3A-9RTW5`).
const CODE_GROUPS: [usize; 3] = [4, 4, 5];

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

/// Voting codes issued: the codes in plain text, shown once and never stored.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedCodes {
    pub branch: UnitRef,
    pub quarter: Quarter,
    pub round: i64,
    /// The new codes, as shown (`K7QX-MP3A-9RTW5`), in random order.
    pub codes: Vec<String>,
    /// Codes issued for the round (one per member with a vote present).
    pub issued: i64,
    /// The members who received a code, by id (never which code).
    pub to: Vec<MemberRef>,
    /// Unused codes voided by issuing again (0 the first time).
    pub voided: i64,
    pub reissued: bool,
}

/// How far a round's electronic voting has come: nothing about who voted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VotingProgress {
    pub round: i64,
    pub issued: i64,
    /// Ballots cast so far (returned, once closed).
    pub cast: i64,
    pub closed: bool,
}

/// A code that can vote now: its round's number, seats and candidates (what a ballot
/// offers), and nothing about the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveCode {
    pub round: i64,
    pub seats: i64,
    pub candidates: Vec<MemberRef>,
}

/// The voting closed: its figures, and the unused codes voided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClosedVoting {
    pub progress: VotingProgress,
    pub voided: i64,
    /// Closed before: nothing was done now.
    pub repeated: bool,
}

/// A code as given, normalised: full-width characters folded, case ignored, dashes
/// and spaces dropped. Refused when it is not a code's shape.
pub fn normalise_code(given: &str) -> Result<String> {
    let code: String = given.nfkc().filter(|c| c.is_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    let length = code.chars().count();
    if length != CODE_LENGTH || !code.chars().all(|c| CODE_ALPHABET.contains(c)) {
        return Err(Refusal::new(Kind::CodeMalformed { length, expected: CODE_LENGTH }).next(Hint::CheckCode));
    }
    Ok(code)
}

/// A normalised code as shown: in groups joined by dashes.
pub fn shown_code(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + CODE_GROUPS.len());
    let mut rest = code;
    for n in CODE_GROUPS {
        let (group, tail) = rest.split_at(n.min(rest.len()));
        if !out.is_empty() && !group.is_empty() {
            out.push('-');
        }
        out.push_str(group);
        rest = tail;
    }
    out.push_str(rest);
    out
}

fn digest(code: &str) -> [u8; 32] {
    Sha256::digest(code.as_bytes()).into()
}

/// A fresh code from the operating system's randomness.
fn fresh_code() -> String {
    let alphabet = CODE_ALPHABET.as_bytes();
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LENGTH).map(|_| char::from(alphabet[rng.gen_range(0..alphabet.len())])).collect()
}

fn open_round(ctx: &QuarterCtx) -> Result<&Round> {
    ctx.q.open_round().ok_or_else(|| Refusal::new(Kind::NoOpenRound).next(Hint::Status { branch: ctx.unit.id.clone() }))
}

fn branch_id(ctx: &QuarterCtx) -> UnitId {
    ctx.unit.id.clone()
}

/// The open round's codes, or why there are none.
fn round_codes(ctx: &QuarterCtx) -> Result<(&Round, &crate::state::quarter::Codes)> {
    let round = open_round(ctx)?;
    let codes = round.codes.as_ref().ok_or_else(|| Refusal::new(Kind::NoCodesIssued { round: round.round }).next(Hint::IssueCodes { branch: branch_id(ctx) }))?;
    Ok((round, codes))
}

/// A round's electronic voting progress, once its codes are issued.
pub(crate) fn progress(round: &Round) -> Option<VotingProgress> {
    let c = round.codes.as_ref()?;
    let figures = round.figures();
    Some(VotingProgress { round: round.round, issued: figures.issued, cast: figures.returned, closed: c.closed.is_some() })
}

/// `count` codes not yet issued in the round, with their records' keys.
fn new_codes(ctx: &QuarterCtx, round: i64, count: usize) -> Result<Vec<(String, Vec<u8>)>> {
    let mut codes: Vec<(String, Vec<u8>)> = Vec::with_capacity(count);
    while codes.len() < count {
        let code = fresh_code();
        let d = digest(&code);
        let taken = codes.iter().any(|(c, _)| *c == code) || ctx.store.code_state(&ctx.unit.id, ctx.quarter, round, &d)?.is_some();
        if !taken {
            codes.push((code, keys::code(&ctx.unit.id, ctx.quarter, round, &d)));
        }
    }
    Ok(codes)
}

struct IssueCodes {
    reissue: bool,
}

impl Operation<QuarterCtx> for IssueCodes {
    type Answer = IssuedCodes;

    fn gate(&self) -> Gate {
        Gate::Records(vec![RecordKind::Ballot])
    }

    fn decide(self, ctx: &QuarterCtx, actor: &Actor) -> Result<Decided<IssuedCodes>> {
        let round = open_round(ctx)?;
        if round.totals.is_some() {
            return Err(Kind::OtherMethod { round: round.round, used: BallotMethod::Paper }.into());
        }
        let (count, voided_keys, action) = match &round.codes {
            Some(c) if c.closed.is_some() => {
                return Err(Refusal::new(Kind::VotingClosed { round: round.round }).next(Hint::HoldVotingAgain { branch: branch_id(ctx) }))
            }
            Some(c) if !self.reissue => {
                return Err(Refusal::new(Kind::CodesAlreadyIssued { round: round.round, issued: c.issued, cast: c.cast })
                    .next(Hint::ReissueCodes { branch: branch_id(ctx) })
                    .next(Hint::VotingProgress { branch: branch_id(ctx) }))
            }
            Some(c) => {
                let unused: Vec<Vec<u8>> =
                    ctx.store.codes(&ctx.unit.id, ctx.quarter, round.round)?.into_iter().filter(|(_, s)| *s == CodeState::Unused).map(|(k, _)| k).collect();
                if unused.is_empty() {
                    return Err(Refusal::new(Kind::AllCodesUsed { round: round.round, issued: c.issued }).next(Hint::Advance { branch: branch_id(ctx) }));
                }
                let n = unused.len();
                (n, unused, Action::CodesReissued { round: round.round, voided: n as i64 })
            }
            None => {
                // One code to each member the voter rule lets vote (present, with a
                // vote), less any who cast a named ballot before voting codes.
                let facts = ctx.facts(actor.today());
                let (_, standings) = facts.standings(&ctx.rules);
                let to: BTreeSet<MemberId> = facts
                    .branch
                    .members
                    .iter()
                    .zip(standings)
                    .filter(|(m, s)| s.voter && !round.voted.iter().any(|v| v.as_str() == m.id))
                    .map(|(m, _)| MemberId::known(m.id.clone()))
                    .collect();
                if to.is_empty() {
                    return Err(Refusal::new(Kind::NoVotersPresent { round: round.round }).next(Hint::RecordAttendance { branch: branch_id(ctx) }));
                }
                (to.len(), Vec::new(), Action::CodesIssued { round: round.round, count: to.len() as i64, to: to.into_iter().collect() })
            }
        };
        // Who received a code: as first issued (a reissue changes no one).
        let to: Vec<MemberId> = match (&round.codes, &action) {
            (Some(c), _) => c.to.clone(),
            (None, Action::CodesIssued { to, .. }) => to.clone(),
            (None, _) => Vec::new(),
        };
        let codes = new_codes(ctx, round.round, count)?;
        // The records go into the batch in the order of their keys (the codes'
        // digests), which follows neither the members nor the order shown.
        let mut plan: Plan = ctx.plan(vec![action]);
        for key in voided_keys {
            plan = plan.and_value(key, CodeState::Void)?;
        }
        for (_, key) in &codes {
            plan = plan.and_value(key.clone(), CodeState::Unused)?;
        }
        let issued = round.codes.as_ref().map_or(count as i64, |c| c.issued);
        let answer = IssuedCodes {
            branch: ctx.unit_ref.clone(),
            quarter: ctx.quarter,
            round: round.round,
            codes: codes.iter().map(|(c, _)| shown_code(c)).collect(),
            issued,
            to: to.iter().map(|id| super::member_ref(&ctx.roster, id.as_str())).collect(),
            voided: if round.codes.is_some() { count as i64 } else { 0 },
            reissued: round.codes.is_some(),
        };
        Ok(Decided::new(plan, answer))
    }
}

/// The round a code given votes in and the code's digest, when the code can vote now:
/// known, unused, not voided, its round neither closed nor settled. Reads only.
fn live_round<'a>(ctx: &'a QuarterCtx, given: &str) -> Result<(&'a Round, [u8; 32])> {
    let code = normalise_code(given)?;
    let d = digest(&code);
    let mut found = None;
    for round in ctx.q.rounds.iter().rev() {
        if let Some(state) = ctx.store.code_state(&ctx.unit.id, ctx.quarter, round.round, &d)? {
            found = Some((round, state));
            break;
        }
    }
    let Some((round, state)) = found else {
        return Err(Refusal::new(Kind::CodeUnknown).next(Hint::CheckCode));
    };
    let settled = round.selection.is_some() || round.codes.as_ref().is_some_and(|c| c.closed.is_some());
    if settled || !ctx.workflow.accepts(&ctx.q.state, RecordKind::Ballot) {
        return Err(Kind::VotingClosed { round: round.round }.into());
    }
    match state {
        CodeState::Used => Err(Kind::CodeUsed { round: round.round }.into()),
        CodeState::Void => Err(Refusal::new(Kind::CodeVoided { round: round.round }).next(Hint::CheckCode)),
        CodeState::Unused => Ok((round, d)),
    }
}

struct VoteWithCode {
    code: String,
    choices: Vec<String>,
}

impl Operation<QuarterCtx> for VoteWithCode {
    type Answer = VotingProgress;

    /// Anyone holding a code votes: the code is the only credential.
    fn gate(&self) -> Gate {
        Gate::Anyone
    }

    fn decide(self, ctx: &QuarterCtx, _actor: &Actor) -> Result<Decided<VotingProgress>> {
        let (round, d) = live_round(ctx, &self.code)?;
        let name = |id: &MemberId| super::member_ref(&ctx.roster, id.as_str());
        let mut chosen: Vec<MemberId> = Vec::new();
        for c in &self.choices {
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
        // invalid, and it still counts as returned. Stored as a box of one ballot,
        // the choices sorted: nothing of the voter, the code or the time.
        chosen.sort();
        let ballot_box = vec![chosen];
        let plan = Plan::default()
            .and_value(keys::code(&ctx.unit.id, ctx.quarter, round.round, &d), CodeState::Used)?
            .and_value(keys::ballot(&ctx.unit.id, ctx.quarter, round.round), &ballot_box)?;
        let mut answer = progress(round).unwrap_or(VotingProgress { round: round.round, issued: 0, cast: 0, closed: false });
        answer.cast += 1;
        Ok(Decided::new(plan, answer))
    }
}

struct CloseVoting;

impl Operation<QuarterCtx> for CloseVoting {
    type Answer = ClosedVoting;

    fn gate(&self) -> Gate {
        Gate::Records(vec![RecordKind::Ballot])
    }

    fn decide(self, ctx: &QuarterCtx, _actor: &Actor) -> Result<Decided<ClosedVoting>> {
        let (round, codes) = round_codes(ctx)?;
        let mut progress = progress(round).unwrap_or(VotingProgress { round: round.round, issued: codes.issued, cast: codes.cast, closed: false });
        if codes.closed.is_some() {
            return Ok(Decided::new(Plan::default(), ClosedVoting { progress, voided: 0, repeated: true }));
        }
        let mut plan = Plan::default();
        let mut voided = 0;
        for (key, state) in ctx.store.codes(&ctx.unit.id, ctx.quarter, round.round)? {
            if state == CodeState::Unused {
                plan = plan.and_value(key, CodeState::Void)?;
                voided += 1;
            }
        }
        progress.closed = true;
        let plan = plan.and_event(ctx.scope.clone(), Some(&ctx.rules_hash), vec![Action::VotingClosed { round: round.round, issued: codes.issued, returned: codes.cast }]);
        Ok(Decided::new(plan, ClosedVoting { progress, voided, repeated: false }))
    }
}

/// A closed electronic voting held again, as answered: its figures, and how many
/// ballot boxes were sealed apart.
#[derive(Debug, Clone, Serialize)]
pub struct HeldAgainAnswer {
    pub branch: UnitRef,
    pub round: i64,
    pub issued: i64,
    pub returned: i64,
    pub reason: String,
}

struct HoldAgain {
    reason: String,
}

impl Operation<QuarterCtx> for HoldAgain {
    type Answer = HeldAgainAnswer;

    fn gate(&self) -> Gate {
        Gate::Records(vec![RecordKind::Ballot])
    }

    fn decide(self, ctx: &QuarterCtx, _actor: &Actor) -> Result<Decided<HeldAgainAnswer>> {
        let (round, codes) = round_codes(ctx)?;
        if codes.closed.is_none() {
            return Err(Refusal::new(Kind::VotingStillOpen { round: round.round, issued: codes.issued, cast: codes.cast })
                .next(Hint::CloseVoting { branch: branch_id(ctx) }));
        }
        let reason = crate::refusal::text(Text::RevoteReason, &self.reason)?;
        let returned = codes.returned();
        let voting = round.held_again.len() + 1;
        let mut plan = Plan::default();
        // The ballots are sealed apart, never counted; the codes go (new ones are issued).
        for (key, encoded) in ctx.store.ballot_boxes(&ctx.unit.id, ctx.quarter, round.round)? {
            plan = plan.and_encoded(keys::sealed_ballot(&ctx.unit.id, ctx.quarter, round.round, voting, &key), encoded).and_removed(key);
        }
        for (key, _) in ctx.store.codes(&ctx.unit.id, ctx.quarter, round.round)? {
            plan = plan.and_removed(key);
        }
        let action = Action::VotingHeldAgain { round: round.round, issued: codes.issued, returned, reason: reason.clone() };
        let plan = plan.and_event(ctx.scope.clone(), Some(&ctx.rules_hash), vec![action]);
        let answer = HeldAgainAnswer { branch: ctx.unit_ref.clone(), round: round.round, issued: codes.issued, returned, reason };
        Ok(Decided::new(plan, answer))
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
        if !round.voted.is_empty() || round.codes.is_some() {
            let cast = round.voted.len() + round.codes.as_ref().map_or(0, |c| c.cast.max(0) as usize);
            return Err(Kind::OtherMethod { round: round.round, used: BallotMethod::Electronic { cast } }.into());
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

impl QuarterCtx {
    /// Before a tally: the open round's electronic voting is over (closed, or every
    /// code has voted). When every code has voted and the voting was not closed, the
    /// closing to record with the tally.
    pub(crate) fn voting_settled(&self) -> Result<Option<Action>> {
        let Some(round) = self.q.open_round() else { return Ok(None) };
        let Some(c) = &round.codes else { return Ok(None) };
        if c.closed.is_some() {
            return Ok(None);
        }
        if !c.settled() {
            return Err(Refusal::new(Kind::VotingOpen { round: round.round, cast: c.cast, issued: c.issued })
                .next(Hint::VotingProgress { branch: self.unit.id.clone() })
                .next(Hint::CloseVoting { branch: self.unit.id.clone() }));
        }
        Ok(Some(Action::VotingClosed { round: round.round, issued: c.issued, returned: c.cast }))
    }
}

impl Archive {
    /// Issue the open round's voting codes: one to each member with a vote present,
    /// all in one batch. With `reissue`, once they are issued: void the unused codes
    /// and issue as many new ones (used codes stay used). A member who arrives after
    /// the codes are issued gets none: a code issued to one member alone would be
    /// theirs for anyone reading the store.
    pub fn issue_codes(&self, current: Option<&Current>, actor: &Actor, branch: &str, reissue: bool) -> Result<IssuedCodes> {
        self.on_quarter(current, actor, branch, IssueCodes { reissue })
    }

    /// Vote with a code (anyone holding one): the code is marked used and the ballot
    /// stored apart, in one batch, with no event. Answers the round's progress.
    pub fn vote_with_code(&self, current: Option<&Current>, actor: &Actor, branch: &str, code: &str, choices: Vec<String>) -> Result<VotingProgress> {
        self.on_quarter(current, actor, branch, VoteWithCode { code: code.to_owned(), choices })
    }

    /// Whether `code` can vote now in the branch's open round, without using it: the
    /// ballot it would fill in, or the refusal voting with it would meet (unknown,
    /// used, voided, closed) before any choice is read.
    pub fn code_is_live(&self, current: Option<&Current>, branch: &str, code: &str) -> Result<LiveCode> {
        let ctx = self.quarter_ctx(current, branch, None)?;
        let (round, _) = live_round(&ctx, code)?;
        let candidates = round.candidates.iter().map(|id| super::member_ref(&ctx.roster, id.as_str())).collect();
        Ok(LiveCode { round: round.round, seats: round.seats, candidates })
    }

    /// Close the open round's electronic voting: the unused codes are voided and the
    /// figures recorded. Closing again answers the figures and does nothing.
    pub fn close_voting(&self, current: Option<&Current>, actor: &Actor, branch: &str) -> Result<ClosedVoting> {
        self.on_quarter(current, actor, branch, CloseVoting)
    }

    /// Hold the open round's closed electronic voting again (for the reason given): its
    /// ballots are sealed apart and never counted, its codes withdrawn; the secretary
    /// then issues new codes to the voters present.
    pub fn hold_voting_again(&self, current: Option<&Current>, actor: &Actor, branch: &str, reason: &str) -> Result<HeldAgainAnswer> {
        self.on_quarter(current, actor, branch, HoldAgain { reason: reason.to_owned() })
    }

    /// How far the open round's electronic voting has come: cast of issued.
    pub fn voting_progress(&self, current: Option<&Current>, branch: &str) -> Result<VotingProgress> {
        let ctx = self.quarter_ctx(current, branch, None)?;
        let (round, _) = round_codes(&ctx)?;
        progress(round).ok_or_else(|| Kind::NoCodesIssued { round: round.round }.into())
    }

    /// The quarter with its open round's ballots cast so far, which the log does not
    /// record (a vote writes no event): read from the round's code records.
    pub(crate) fn with_votes_cast(&self, branch: &UnitId, quarter: Quarter, q: Arc<QuarterState>) -> Result<Arc<QuarterState>> {
        let Some(codes) = q.open_round().and_then(|r| r.codes.as_ref()) else { return Ok(q) };
        if codes.closed.is_some() {
            return Ok(q);
        }
        let round = q.rounds.len() - 1;
        let cast = self.store().codes(branch, quarter, q.rounds[round].round)?.iter().filter(|(_, s)| *s == CodeState::Used).count() as i64;
        if cast == codes.cast {
            return Ok(q);
        }
        let mut state = (*q).clone();
        if let Some(c) = state.rounds[round].codes.as_mut() {
            c.cast = cast;
        }
        Ok(Arc::new(state))
    }

    /// Enter the tellers' count of paper ballots for the open round.
    pub fn enter_totals(&self, current: Option<&Current>, actor: &Actor, branch: &str, count: PaperCount) -> Result<()> {
        self.on_quarter(current, actor, branch, Totals { count })
    }
}

#[cfg(test)]
#[path = "../tests/codes.rs"]
mod tests;
