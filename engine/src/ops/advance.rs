//! Moving a branch's quarter to its next state: the guards of the step leaving the
//! current state must hold (each decision comes back with its values), then the
//! step's effect runs — the tally that seats the stars or opens a runoff, or the
//! ledger written and reported upward — and entering a state that takes ballots
//! fixes the first round's candidates and the exclusions that kept others off.
//!
//! Repeating is safe when the caller names the state it expects to leave
//! ([`Archive::advance_from`]): a quarter that has already left it answers with that
//! earlier step and takes none.

use super::branch::{state_ref, step_ref, Gate, QuarterCtx};
use super::{Archive, Current, Decided, Operation};
use crate::domain::{Actor, MemberId, Timestamp, UnitId};
use crate::event::{Action, Excluded};
use crate::refs::{StateRef, StepRef};
use crate::refusal::{Hint, Kind, Refusal, Result};
use crate::rules::Decision;
use crate::state::quarter::{Figures, Round};
use crate::workflow::Workflow;
use crate::tally::{select, Contender, Selection};
use crate::workflow::{Effect, Next, RecordKind};
use serde::Serialize;

/// What `advance` did.
#[derive(Debug, Clone, Serialize)]
pub struct Advanced {
    pub step: StepRef,
    pub from: StateRef,
    pub to: StateRef,
    /// The guards that held, with their values.
    pub guards: Vec<Decision<bool>>,
    /// The tally, when the step counted a round.
    pub selection: Option<Selection>,
    /// The round that opened, when the tally called a runoff.
    pub runoff_round: Option<i64>,
    /// The stars seated so far.
    pub stars: Vec<MemberId>,
    /// The ledger was written and reported: to this unit, if the branch has a superior.
    pub reported: Option<Option<UnitId>>,
    /// Set when the step had been taken before and nothing was done now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeated: Option<Repeated>,
    /// The step's advisories that did not hold: taken all the same, with a warning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Decision<bool>>,
}

/// A step asked for again: when it was taken, and where the quarter stands now.
#[derive(Debug, Clone, Serialize)]
pub struct Repeated {
    pub at: Timestamp,
    pub now: StateRef,
}

struct Advance {
    /// The state the caller expects to leave; `None` takes whatever step is next.
    from: Option<String>,
}

impl Operation<QuarterCtx> for Advance {
    type Answer = Advanced;

    fn gate(&self) -> Gate {
        Gate::Step
    }

    fn decide(self, ctx: &QuarterCtx, actor: &Actor) -> Result<Decided<Advanced>> {
        let wf = &ctx.workflow;
        if let Some(given) = &self.from {
            // `advance_from` answered a repeat already; here the quarter must stand there.
            let expected = named_state(wf, given)?;
            if expected != ctx.q.state {
                return Err(not_in_state(ctx, &expected));
            }
        }
        // Admitted: the step exists and the role may take it.
        let step = wf.step_from(&ctx.q.state).ok_or_else(|| Refusal::new(Kind::QuarterFinished { branch: ctx.unit_ref.clone(), quarter: ctx.quarter }))?;
        // A tally waits until the round's electronic voting is over; when every code
        // has voted, the voting closes with it.
        let closing = match step.next {
            Next::Outcomes { .. } => ctx.voting_settled()?,
            Next::To(_) => None,
        };
        let facts = ctx.facts(actor.today());
        let scope = facts.scope();
        let mut guards: Vec<Decision<bool>> = Vec::new();
        for g in &step.guards {
            let decision = ctx.rules.guard_named(g, scope).ok_or_else(|| Refusal::new(Kind::GuardMissing { guard: g.clone() }).next(Hint::CheckDefinitions))?;
            guards.push(decision);
        }
        let failed: Vec<_> = guards.iter().filter(|d| !d.value).cloned().collect();
        if !failed.is_empty() {
            // A tally blocked by its round's ballots is settled by more ballots or the round held again.
            let hint = match step.next {
                Next::Outcomes { .. } => Hint::HoldRoundAgain { branch: ctx.unit.id.clone() },
                Next::To(_) => Hint::Status { branch: ctx.unit.id.clone() },
            };
            return Err(Refusal::new(Kind::Blocked { step: step_ref(step), failed }).next(hint));
        }
        let warnings: Vec<Decision<bool>> = step.advisories.iter().filter_map(|g| ctx.rules.guard_named(g, scope)).filter(|d| !d.value).collect();
        let mut actions: Vec<Action> = closing.into_iter().collect();
        let mut selection = None;
        let mut reported = None;
        let mut runoff_round = None;
        let mut stars = ctx.q.stars.clone();
        let to = match (&step.next, step.effect) {
            (Next::To(to), Some(Effect::Ledger)) => {
                actions.push(Action::LedgerWritten { stars: stars.clone(), superior: ctx.superior.clone() });
                reported = Some(ctx.superior.clone());
                to.clone()
            }
            (Next::To(to), _) => to.clone(),
            (Next::Outcomes { selected, runoff }, _) => {
                let round = ctx.q.open_round().ok_or_else(|| Refusal::new(Kind::NoOpenRound))?;
                let (s, figures) = tally_round(ctx, &facts, round)?;
                stars = round.seated_before.iter().chain(&s.seated).cloned().collect();
                let Figures { issued, returned, invalid, .. } = figures;
                actions.push(Action::RoundCounted { round: round.round, issued, returned, invalid });
                actions.push(Action::Tallied { round: round.round, selection: s.clone() });
                let next = if let Some(r) = &s.runoff {
                    runoff_round = Some(round.round + 1);
                    actions.push(Action::RoundOpened {
                        round: round.round + 1,
                        seats: r.seats,
                        candidates: r.tied.clone(),
                        seated: stars.clone(),
                        excluded: Vec::new(),
                    });
                    actions.push(Action::RoundVoters { round: round.round + 1, voters: voters(&facts, ctx) });
                    runoff.clone()
                } else {
                    selected.clone()
                };
                selection = Some(s);
                next
            }
        };
        // Entering a state that takes ballots opens the first round: its seats are the
        // quota and its candidates those the rules allow, fixed now for the ballot.
        if ctx.q.rounds.is_empty() && wf.accepts(&to, RecordKind::Ballot) {
            let (quota, standings) = facts.standings(&ctx.rules);
            let quota = *quota;
            let members = facts.branch.members.iter().zip(standings);
            let candidates = members.clone().filter(|(_, s)| !s.excluded && s.candidate).map(|(m, _)| MemberId::known(m.id.clone())).collect();
            let excluded = members
                .filter(|(_, s)| s.excluded)
                .map(|(m, _)| {
                    let why = ctx.rules.judge(scope, quota, m).excluded;
                    let why = why.into_iter().map(|d| Excluded { rule: d.rule.name, witnesses: d.witnesses }).collect();
                    (MemberId::known(m.id.clone()), why)
                })
                .collect();
            actions.push(Action::RoundOpened { round: 1, seats: quota, candidates, seated: Vec::new(), excluded });
            actions.push(Action::RoundVoters { round: 1, voters: voters(&facts, ctx) });
            actions.push(frozen(&ctx.roster));
        }
        actions.push(Action::Advanced { step: step.id.clone(), from: ctx.q.state.clone(), to: to.clone() });
        let answer = Advanced {
            step: step_ref(step),
            from: state_ref(wf, &ctx.q.state),
            to: state_ref(wf, &to),
            guards,
            selection,
            runoff_round,
            stars,
            reported,
            repeated: None,
            warnings,
        };
        Ok(Decided::new(ctx.plan(actions), answer))
    }
}

fn not_in_state(ctx: &QuarterCtx, expected: &str) -> Refusal {
    let wf = &ctx.workflow;
    Refusal::new(Kind::NotInState { branch: ctx.unit_ref.clone(), expected: state_ref(wf, expected), now: state_ref(wf, &ctx.q.state) })
        .next(Hint::Status { branch: ctx.unit.id.clone() })
}

/// The answer to a step asked for again: the step as it was taken, and what it
/// left on record (the round it tallied, the ledger it reported).
fn repeated(ctx: &QuarterCtx, index: usize) -> Advanced {
    let wf = &ctx.workflow;
    let earlier = &ctx.q.passed[index];
    let tallies = |id: &str| wf.steps.iter().any(|s| s.id == id && matches!(s.next, Next::Outcomes { .. }));
    let step = wf.steps.iter().find(|s| s.id == earlier.step);
    // Each tally counted one round, in order: this one counted the n-th.
    let round = if tallies(&earlier.step) {
        let nth = ctx.q.passed[..index].iter().filter(|p| tallies(&p.step)).count();
        ctx.q.rounds.iter().filter(|r| r.selection.is_some()).nth(nth)
    } else {
        None
    };
    let selection = round.and_then(|r| r.selection.clone());
    let runoff_round = selection.as_ref().and_then(|s| s.runoff.as_ref()).and(round).map(|r| r.round + 1);
    let ledger = step.is_some_and(|s| s.effect == Some(Effect::Ledger));
    Advanced {
        step: step.map(step_ref).unwrap_or_else(|| StepRef { id: earlier.step.clone(), title: earlier.step.clone(), clause: String::new() }),
        from: state_ref(wf, &earlier.from),
        to: state_ref(wf, &earlier.to),
        guards: Vec::new(),
        selection,
        runoff_round,
        stars: ctx.q.stars.clone(),
        reported: if ledger { ctx.q.reported.clone() } else { None },
        repeated: Some(Repeated { at: earlier.at, now: state_ref(wf, &ctx.q.state) }),
        warnings: Vec::new(),
    }
}

/// The state a caller names: by the id or title of the state, or of the step leaving
/// it; failing those, the one state or step whose title contains the text.
fn named_state(wf: &Workflow, given: &str) -> Result<String> {
    let given = given.trim();
    let leaving = |state: &str| wf.step_from(state);
    let exact = wf.states.iter().find(|s| {
        s.id == given || s.title == given || leaving(&s.id).is_some_and(|step| step.id == given || step.title == given)
    });
    if let Some(s) = exact {
        return Ok(s.id.clone());
    }
    let matches: Vec<_> = if given.is_empty() {
        Vec::new()
    } else {
        wf.states.iter().filter(|s| s.title.contains(given) || leaving(&s.id).is_some_and(|step| step.title.contains(given))).collect()
    };
    match matches.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(Refusal::new(Kind::NoSuchState { given: given.to_owned(), states: wf.states.iter().map(|s| state_ref(wf, &s.id)).collect() })),
        _ => Err(Refusal::new(Kind::AmbiguousState { given: given.to_owned(), matches: matches.iter().map(|s| state_ref(wf, &s.id)).collect() })),
    }
}

/// The members the voter rule lets vote: an electronic round's ballots issued.
fn voters(facts: &super::FactSet, ctx: &QuarterCtx) -> i64 {
    facts.standings(&ctx.rules).1.iter().filter(|s| s.voter).count() as i64
}

/// Fill the round's seats from its valid votes under the lean, the cap and the tie
/// policy; with the figures the round was counted on.
fn tally_round(ctx: &QuarterCtx, facts: &super::FactSet, round: &Round) -> Result<(Selection, Figures)> {
    let scope = facts.scope();
    let (votes, invalid) = ctx.count_votes(round)?;
    let provisional = round.figures();
    let figures = Figures::new(provisional.issued, provisional.returned, invalid);
    let (quota, standings) = facts.standings(&ctx.rules);
    let mut capped_seated = 0;
    let mut contenders = Vec::new();
    for (m, s) in facts.branch.members.iter().zip(standings) {
        let id = MemberId::known(m.id.clone());
        if round.seated_before.contains(&id) {
            capped_seated += i64::from(s.capped);
        } else if round.candidates.contains(&id) {
            contenders.push(Contender { votes: votes.get(&id).copied().unwrap_or(0), member: id, preferred: s.preferred, capped: s.capped });
        }
    }
    let cap_room = ctx.rules.cap(scope, *quota).map(|c| c.value - capped_seated);
    Ok((select(contenders, round.seats, cap_room, ctx.rules.tie_policy()), figures))
}

impl Archive {
    /// Move the branch to its next state, or say which guard blocks it and why.
    /// Repeating it takes another step: commands use [`Archive::advance_from`].
    pub fn advance(&self, current: Option<&Current>, actor: &Actor, branch: &str) -> Result<Advanced> {
        self.on_quarter(current, actor, branch, Advance { from: None })
    }

    /// Take the step leaving `from` (a state or step of the quarter's workflow, by id
    /// or title). Asked again once the quarter has left `from`, it answers with the
    /// step as taken then and takes none; so a repeated command is safe. Without
    /// `from` it refuses, naming where the quarter stands.
    pub fn advance_from(&self, current: Option<&Current>, actor: &Actor, branch: &str, from: Option<&str>) -> Result<Advanced> {
        let _write = self.store().exclusive();
        let ctx = self.quarter_ctx(current, branch, None)?;
        let Some(from) = from else {
            return Err(Refusal::new(Kind::AdvanceUnnamed { branch: ctx.unit_ref.clone(), now: state_ref(&ctx.workflow, &ctx.q.state) })
                .next(Hint::AdvanceFrom { branch: ctx.unit.id.clone(), from: ctx.q.state.clone() }));
        };
        let expected = named_state(&ctx.workflow, from)?;
        if expected != ctx.q.state {
            // Left before: answer with that step, taking none (no role or guard to check).
            return match ctx.q.passed.iter().rposition(|p| p.from == expected) {
                Some(earlier) => Ok(repeated(&ctx, earlier)),
                None => Err(not_in_state(&ctx, &expected)),
            };
        }
        self.on_quarter(current, actor, branch, Advance { from: Some(expected) })
    }
}

/// The roster's facts as they stand, to freeze with the ballot.
fn frozen(roster: &crate::state::org::Roster) -> Action {
    Action::FactsFrozen { roster_events: roster.events }
}
