//! Moving an open quarter to the rule set now in `rules/`: first a dry run that lists
//! every decision that would change (the quota, each member's exclusions, vote and
//! candidacy), then, when asked, the adoption itself — refused once the ballot is
//! fixed. The quarter keeps its workflow, so the new rules must define its guards.

use super::definitions::guard_exists;
use super::branch::QuarterCtx;
use super::{member_ref, Plan, Shine};
use crate::domain::{Actor, RulesHash};
use crate::event::Action;
use crate::refs::{MemberRef, RuleRef};
use crate::refusal::{Hint, Kind, Refusal, Result};
use crate::rules::MemberJudgement;
use crate::store::keys;
use serde::Serialize;

/// One decision that changes with the new rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Change {
    Quota { before: i64, after: i64 },
    Exclusions { member: MemberRef, before: Vec<RuleRef>, after: Vec<RuleRef> },
    Vote { member: MemberRef, before: bool, after: bool },
    Candidacy { member: MemberRef, before: bool, after: bool },
}

#[derive(Debug, Clone, Serialize)]
pub struct Adoption {
    pub from: RulesHash,
    pub to: RulesHash,
    pub changes: Vec<Change>,
    pub applied: bool,
}

fn fired(j: &MemberJudgement) -> Vec<RuleRef> {
    j.excluded.iter().map(|d| RuleRef { name: d.rule.name.clone(), clause: d.rule.clause.clone() }).collect()
}

impl Shine {
    /// Compare the decisions of the quarter's rule set with the current `rules/`, and
    /// adopt the new set for the open quarter when `apply` is true.
    pub fn adopt_rules(&self, actor: &Actor, branch: &str, apply: bool) -> Result<Adoption> {
        let _write = self.store().exclusive();
        let current = self.current();
        let ctx: QuarterCtx = self.quarter_ctx(Some(current), branch, None)?;
        let new = current.rules.clone();
        let old = ctx.rules.clone();
        // The quarter keeps its workflow: the new rules must define every guard it names.
        ctx.workflow.check_guards(&|name| guard_exists(&new, name))?;
        ctx.workflow.check_sessions(&|kind| super::definitions::session_kind_exists(&new, kind))?;
        let facts = ctx.facts(actor.today());
        let scope = facts.scope();
        let mut changes = Vec::new();
        let (qa, qb) = (old.quota(scope), new.quota(scope));
        if qa.value != qb.value {
            changes.push(Change::Quota { before: qa.value, after: qb.value });
        }
        for m in &facts.branch.members {
            let a = old.judge(scope, qa.value, m);
            let b = new.judge(scope, qb.value, m);
            let member = member_ref(&ctx.roster, &m.id);
            let (before, after) = (fired(&a), fired(&b));
            if before != after {
                changes.push(Change::Exclusions { member: member.clone(), before, after });
            }
            if a.voter.value != b.voter.value {
                changes.push(Change::Vote { member: member.clone(), before: a.voter.value, after: b.voter.value });
            }
            if a.candidate.value != b.candidate.value {
                changes.push(Change::Candidacy { member, before: a.candidate.value, after: b.candidate.value });
            }
        }
        let to = RulesHash::of_hex(new.hash().to_owned());
        let applied = apply && ctx.rules_hash != to;
        if applied {
            if !ctx.q.rounds.is_empty() {
                return Err(Refusal::new(Kind::BallotFixed { branch: ctx.unit_ref.clone(), quarter: ctx.quarter }).next(Hint::NextQuarter));
            }
            let plan = Plan::default()
                .and_value(keys::rules(&to), &current.files.rules)?
                .and_event(ctx.scope.clone(), Some(&to), vec![Action::RulesAdopted { from: ctx.rules_hash.clone(), to: to.clone() }]);
            self.commit(actor, plan)?;
        }
        Ok(Adoption { from: ctx.rules_hash.clone(), to, changes, applied })
    }
}
