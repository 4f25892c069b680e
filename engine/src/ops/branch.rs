//! A branch's quarter as the operations see it ([`QuarterCtx`]): loaded with its
//! roster, its folded state and the rule set and workflow it runs under; what an
//! operation needs it to allow ([`Gate`]: a kind of record in the current state, or
//! the step leaving it, each in a role the workflow allows); and the references
//! answers use for roles, states and steps.

use super::facts::{FactSet, Folds};
use super::org::branch_unit;
use super::{resolve_in, Archive, Current, Operation, Plan, Subject};
use crate::domain::{Actor, MemberId, Quarter, RulesHash, UnitId};
use crate::entity::Unit;
use crate::event::Action;
use crate::refs::{RoleRef, StateRef, StepRef, UnitRef};
use crate::refusal::{Hint, Kind, Refusal, Result, Thing};
use crate::rules::RuleSet;
use crate::state::org::Roster;
use crate::state::quarter::QuarterState;
use crate::store::Scope;
use crate::workflow::{RecordKind, Step, Workflow};
use std::sync::Arc;

/// A branch's quarter with what is needed to act on it.
pub(crate) struct QuarterCtx {
    pub unit: Unit,
    pub unit_ref: UnitRef,
    pub roster: Arc<Roster>,
    pub q: Arc<QuarterState>,
    pub quarter: Quarter,
    pub scope: Scope,
    pub rules_hash: RulesHash,
    pub rules: Arc<RuleSet>,
    pub workflow: Arc<Workflow>,
    /// The unit the branch reports to in the tree.
    pub superior: Option<UnitId>,
    pub(crate) store: crate::store::Store,
    folds: Arc<Folds>,
}

/// Which quarter: a branch, and a quarter or its latest.
pub(crate) struct Which {
    pub branch: String,
    pub quarter: Option<Quarter>,
}

/// What an operation on a quarter needs the quarter to allow.
pub(crate) enum Gate {
    /// The current state takes these kinds of record, from the actor's role.
    Records(Vec<RecordKind>),
    /// The step leaving the current state may be taken in the actor's role.
    Step,
    /// The actor acts in this role (checked by the operation's caller: a role of the
    /// escalation chain, such as the branch's superior), in any state.
    Role(String),
    /// Anyone, in any role: the operation checks what it needs itself (a vote with a
    /// voting code, where the code is the credential).
    Anyone,
}

impl Subject for QuarterCtx {
    type Target = Which;
    type Gate = Gate;

    fn load(archive: &Archive, current: Option<&Current>, which: Which) -> Result<QuarterCtx> {
        archive.quarter_ctx(current, &which.branch, which.quarter)
    }

    fn admit(&self, actor: &Actor, gate: Gate) -> Result<()> {
        match gate {
            Gate::Records(kinds) => kinds.into_iter().try_for_each(|k| self.accepting(k, &actor.role)),
            Gate::Step => {
                let step = self.workflow.step_from(&self.q.state).ok_or_else(|| {
                    Refusal::new(Kind::QuarterFinished { branch: self.unit_ref.clone(), quarter: self.quarter })
                        .next(Hint::Ledger { branch: self.unit.id.clone() })
                })?;
                check_role(&self.workflow, Some(step), &actor.role)
            }
            Gate::Role(role) => check_role(&self.workflow, None, &role),
            Gate::Anyone => Ok(()),
        }
    }
}

pub(crate) fn role_ref(workflow: &Workflow, id: &str) -> RoleRef {
    RoleRef { id: id.to_owned(), title: workflow.role(id).map(|r| r.title.clone()).unwrap_or_else(|| id.to_owned()) }
}

pub(crate) fn state_ref(workflow: &Workflow, id: &str) -> StateRef {
    StateRef { id: id.to_owned(), title: workflow.state(id).map(|s| s.title.clone()).unwrap_or_else(|| id.to_owned()) }
}

pub(crate) fn step_ref(step: &Step) -> StepRef {
    StepRef { id: step.id.clone(), title: step.title.clone(), clause: step.clause.clone() }
}

/// The role is one of the workflow's and, for a step, one the step allows.
pub(crate) fn check_role(workflow: &Workflow, step: Option<&Step>, role: &str) -> Result<()> {
    let Some(r) = workflow.role(role) else {
        return Err(Kind::UnknownRole { given: role.to_owned(), known: workflow.roles.iter().map(|r| role_ref(workflow, &r.id)).collect() }.into());
    };
    if let Some(step) = step {
        if !step.roles.iter().any(|x| x == role) {
            let allowed: Vec<RoleRef> = step.roles.iter().map(|x| role_ref(workflow, x)).collect();
            let next = allowed.first().cloned();
            let refusal = Refusal::new(Kind::MayNotAct { role: role_ref(workflow, &r.id), step: step_ref(step), allowed });
            return Err(match next {
                Some(role) => refusal.next(Hint::ActAs { role }),
                None => refusal,
            });
        }
    }
    Ok(())
}

impl QuarterCtx {
    /// The quarter's state takes `kind`, and the actor's role may record it.
    fn accepting(&self, kind: RecordKind, role: &str) -> Result<()> {
        let wf = &self.workflow;
        if wf.accepts(&self.q.state, kind) {
            return check_role(wf, wf.step_from(&self.q.state), role);
        }
        Err(Refusal::new(Kind::NotAcceptedNow {
            branch: self.unit_ref.clone(),
            state: state_ref(wf, &self.q.state),
            record: kind,
            accepted_in: wf.steps_accepting(kind).iter().map(|s| state_ref(wf, &s.from)).collect(),
        })
        .next(Hint::Status { branch: self.unit.id.clone() }))
    }

    pub(crate) fn member(&self, query: &str) -> Result<MemberId> {
        resolve_in(&self.roster, &self.unit_ref, query)
    }

    /// The day the quarter reads its roster: the meeting date once reported, else today.
    pub(crate) fn roster_day(&self, today: chrono::NaiveDate) -> chrono::NaiveDate {
        self.q.meeting.as_ref().map(|m| m.date).unwrap_or(today)
    }

    /// A member of the roster as the quarter reads it on `roster_day(today)`.
    pub(crate) fn member_on(&self, query: &str, today: chrono::NaiveDate) -> Result<MemberId> {
        let id = self.member(query)?;
        let day = self.roster_day(today);
        if self.roster.as_of(id.as_str(), day).is_none() {
            let member = super::member_ref(&self.roster, id.as_str());
            return Err(Refusal::new(Kind::NotOnRosterOn { member, branch: self.unit_ref.clone(), day })
                .next(Hint::ListMembers { branch: self.unit.id.clone() }));
        }
        Ok(id)
    }

    pub(crate) fn plan(&self, actions: Vec<Action>) -> Plan {
        Plan::event(self.scope.clone(), Some(&self.rules_hash), actions)
    }

    /// The quarter's facts as of `today` (the meeting date once reported).
    pub(crate) fn facts(&self, today: chrono::NaiveDate) -> Arc<FactSet> {
        self.folds.facts(&self.scope, &self.unit, &self.roster, &self.q, self.quarter, today)
    }
}

impl Archive {
    /// Run an operation on a branch's latest quarter.
    pub(crate) fn on_quarter<O: Operation<QuarterCtx>>(&self, current: Option<&Current>, actor: &Actor, branch: &str, op: O) -> Result<O::Answer> {
        self.execute::<QuarterCtx, O>(current, actor, Which { branch: branch.to_owned(), quarter: None }, op)
    }

    /// A branch's quarter (the latest when none is named), folded, with its rule set
    /// and workflow. With the current definitions at hand, a unit that does not run
    /// quarters is named as such.
    pub(crate) fn quarter_ctx(&self, current: Option<&Current>, branch: &str, quarter: Option<Quarter>) -> Result<QuarterCtx> {
        let tree = self.org_around(&[branch], false)?;
        let unit = match current {
            Some(c) => branch_unit(&tree, branch, &c.workflow, &c.escalation)?,
            None => tree
                .unit(branch)
                .cloned()
                .ok_or_else(|| Refusal::new(Kind::NotFound { what: Thing::Branch, given: branch.to_owned() }).next(Hint::ListUnits))?,
        };
        let unit_ref = Archive::unit_ref(&tree, unit.id.as_str());
        let opened = self.quarters(&unit.id)?;
        let quarter = match quarter {
            Some(q) if opened.contains(&q) => q,
            Some(q) => {
                return Err(Refusal::new(Kind::QuarterNotOpened { branch: unit_ref, quarter: q, opened: opened.clone() })
                    .next(Hint::ChooseQuarter { opened }))
            }
            None => *opened.last().ok_or_else(|| {
                Refusal::new(Kind::NoQuarter { branch: unit_ref.clone() }).next(Hint::OpenQuarter { branch: unit.id.clone() })
            })?,
        };
        let q = self.with_votes_cast(&unit.id, quarter, self.quarter_state(&unit.id, quarter)?)?;
        let opening = q.opened.clone().ok_or_else(|| {
            Refusal::new(Kind::QuarterNotOpened { branch: unit_ref.clone(), quarter, opened: opened.clone() })
        })?;
        Ok(QuarterCtx {
            rules: self.rules_by_hash(&opening.rules)?,
            workflow: self.workflow_by_hash(&opening.workflow)?,
            rules_hash: opening.rules,
            // Once the ballot is fixed the quarter reads the roster as it stood then.
            roster: match q.frozen {
                Some(events) => self.roster_as_of(&unit.id, events)?,
                None => self.roster(&unit.id)?,
            },
            scope: Scope::Quarter(unit.id.clone(), quarter),
            q,
            quarter,
            unit_ref,
            superior: tree.parent_of(unit.id.as_str()).map(|u| u.id.clone()),
            unit,
            store: self.store().clone(),
            folds: self.folds.clone(),
        })
    }
}
