//! Moving a branch's quarter to its next state: the guards of the step leaving the
//! current state must hold (each decision comes back with its values), then the
//! step's effect runs — the tally that seats the stars or opens a runoff, or the
//! ledger written and reported upward — and entering a state that takes ballots
//! fixes the first round's candidates and the exclusions that kept others off.

use super::branch::{state_ref, step_ref, Gate, QuarterCtx};
use super::{Archive, Current, Decided, Operation};
use crate::domain::{Actor, MemberId, UnitId};
use crate::event::{Action, Excluded};
use crate::refs::{StateRef, StepRef};
use crate::refusal::{Hint, Kind, Refusal, Result};
use crate::rules::Decision;
use crate::state::quarter::Round;
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
}

struct Advance;

impl Operation<QuarterCtx> for Advance {
    type Answer = Advanced;

    fn gate(&self) -> Gate {
        Gate::Step
    }

    fn decide(self, ctx: &QuarterCtx, actor: &Actor) -> Result<Decided<Advanced>> {
        let wf = &ctx.workflow;
        // Admitted: the step exists and the role may take it.
        let step = wf.step_from(&ctx.q.state).ok_or_else(|| Refusal::new(Kind::QuarterFinished { branch: ctx.unit_ref.clone(), quarter: ctx.quarter }))?;
        let facts = ctx.facts(actor.today());
        let scope = facts.scope();
        let mut guards: Vec<Decision<bool>> = Vec::new();
        for g in &step.guards {
            let decision = ctx.rules.guard_named(g, scope).ok_or_else(|| Refusal::new(Kind::GuardMissing { guard: g.clone() }).next(Hint::CheckDefinitions))?;
            guards.push(decision);
        }
        let failed: Vec<_> = guards.iter().filter(|d| !d.value).cloned().collect();
        if !failed.is_empty() {
            return Err(Refusal::new(Kind::Blocked { step: step_ref(step), failed }).next(Hint::Status { branch: ctx.unit.id.clone() }));
        }
        let mut actions = Vec::new();
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
                let s = tally_round(ctx, &facts, round)?;
                stars = round.seated_before.iter().chain(&s.seated).cloned().collect();
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
        };
        Ok(Decided::new(ctx.plan(actions), answer))
    }
}

/// Fill the round's seats from its votes under the lean, the cap and the tie policy.
fn tally_round(ctx: &QuarterCtx, facts: &super::FactSet, round: &Round) -> Result<Selection> {
    let scope = facts.scope();
    let votes = ctx.count_votes(round)?;
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
    Ok(select(contenders, round.seats, cap_room, ctx.rules.tie_policy()))
}

impl Archive {
    /// Move the branch to its next state, or say which guard blocks it and why.
    pub fn advance(&self, current: Option<&Current>, actor: &Actor, branch: &str) -> Result<Advanced> {
        self.on_quarter(current, actor, branch, Advance)
    }
}
