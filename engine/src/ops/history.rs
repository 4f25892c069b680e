//! A member's record across quarters: for each quarter of their branch, whether they
//! were on the ballot, excluded (and under which rule), how they fared in each tallied
//! round, whether they were starred, where the branch's ledger was reported, and what
//! each level above did with the star (published, picked with a reason, forwarded).
//! The notice makes these results the basis of democratic appraisal, awards and
//! nominations (§4.2.c).
//!
//! This module only assembles that record from the quarter views and the chain's
//! trail; it writes nothing. It follows the member through their transfers: the
//! quarters of each branch they were on, while they were on it, oldest branch first.

use super::chain::TrailStep;
use super::readback::Register;
use super::{Archive, Current};
use crate::domain::Quarter;
use crate::entity::MemberRecord;
use crate::refs::{RuleRef, StateRef, UnitRef};
use crate::refusal::{Kind, Result};
use crate::tally::Outcome;
use chrono::NaiveDate;
use serde::Serialize;

/// Every quarter of a member's branch, oldest first, seen from that member.
#[derive(Debug, Clone, Serialize)]
pub struct MemberHistory {
    pub member: MemberRecord,
    pub branch: UnitRef,
    /// Oldest first; empty when the branch has not opened a quarter yet.
    pub quarters: Vec<QuarterRecord>,
    /// Whether the levels above were read (they need the current definitions).
    pub upward_known: bool,
}

/// One quarter of the member's branch, as it concerns the member.
#[derive(Debug, Clone, Serialize)]
pub struct QuarterRecord {
    pub quarter: crate::domain::Quarter,
    /// The branch that ran the quarter (an earlier one for a member transferred since).
    pub branch: UnitRef,
    pub state: StateRef,
    /// The quarter reached a terminal state of its workflow.
    pub finished: bool,
    pub rules: crate::domain::RulesHash,
    /// The candidates of the first round are fixed. Until then `exclusions` are those
    /// the rules decide as of the day asked, not yet those the ledger keeps.
    pub ballot_fixed: bool,
    /// The member was a candidate of the first round.
    pub on_ballot: bool,
    /// The rules under which the member could not be selected, as the ledger keeps them
    /// — those the viewer may see ([`MemberHistory::disclosed_to`]).
    pub exclusions: Vec<ExclusionRecord>,
    /// How many more there are that the workflow file's `restricted` keeps from the
    /// viewer: counted, neither clause nor rule given.
    #[serde(skip_serializing_if = "is_zero")]
    pub withheld: usize,
    /// The member's votes and place in each tallied round they stood in.
    pub rounds: Vec<RoundResult>,
    pub star: bool,
    /// The ledger was reported: to this unit, if the branch has a superior.
    pub reported: Option<Option<UnitRef>>,
    /// The levels above the branch that received the member's star, lowest first.
    pub upward: Vec<TrailStep>,
    /// The member's page of the registration certificate for the quarter: deeds,
    /// attendance, presentation, the secretary's comment and its confirmation.
    pub register: Register,
}

/// An exclusion rule that fired: the rule, the clause it cites and the clause's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExclusionRecord {
    pub rule: RuleRef,
    pub text: String,
}

/// The member's result in one tallied round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundResult {
    pub round: i64,
    pub seats: i64,
    pub votes: i64,
    /// 1-based; equal votes share a place.
    pub place: usize,
    pub outcome: Outcome,
}

impl Archive {
    /// The history of `member` (an id, or a unique name) in their branch, as of
    /// `today`. With the current definitions, what the levels above did is included.
    pub fn member_history(&self, current: Option<&Current>, member: &str, today: NaiveDate) -> Result<MemberHistory> {
        let (branch, record) = self.find_member(member)?;
        // The branches the member was transferred from, most recent first, then
        // reversed: each roster names the branch its member came from.
        let mut branches = vec![branch.clone()];
        let mut at = 0;
        while at < branches.len() {
            let roster = self.roster(&branches[at])?;
            let from: Vec<_> = roster.tenure(record.id.as_str()).map(|t| t.spans.iter().rev().filter_map(|s| s.came_from.clone()).collect()).unwrap_or_default();
            for b in from {
                if !branches.contains(&b) {
                    branches.push(b);
                }
            }
            at += 1;
        }
        branches.reverse();
        let ids: Vec<&str> = branches.iter().map(|b| b.as_str()).collect();
        let tree = self.org_around(&ids, false)?;
        let mut quarters = Vec::new();
        for branch in &branches {
            let roster = self.roster(branch)?;
            let tenure = roster.tenure(record.id.as_str());
            for quarter in self.quarters(branch)? {
                if !tenure.is_some_and(|t| t.during(quarter.start(), quarter.end())) {
                    continue;
                }
                quarters.push(self.quarter_record(current, branch, quarter, &record, today, &tree)?);
            }
        }
        Ok(MemberHistory { branch: Archive::unit_ref(&tree, branch.as_str()), member: record, quarters, upward_known: current.is_some() })
    }

    /// One quarter of `branch`, seen from `record`.
    fn quarter_record(
        &self,
        current: Option<&Current>,
        branch: &crate::domain::UnitId,
        quarter: crate::domain::Quarter,
        record: &MemberRecord,
        today: NaiveDate,
        tree: &crate::state::org::OrgTree,
    ) -> Result<QuarterRecord> {
        let status = self.status(current, branch.as_str(), Some(quarter), today)?;
        let ledger = self.ledger(current, branch.as_str(), Some(quarter), today)?;
        let exclusions = ledger
            .excluded
            .iter()
            .filter(|(m, _)| m.id == record.id)
            .flat_map(|(_, entries)| entries)
            .map(|e| ExclusionRecord { rule: RuleRef { name: e.rule.name.clone(), clause: e.rule.clause.clone() }, text: e.rule.text.clone() })
            .collect();
        let rounds = ledger
            .rounds
            .iter()
            .filter_map(|r| {
                let ranked = r.selection.as_ref()?.ranking.iter().find(|x| x.member == record.id)?;
                Some(RoundResult { round: r.round, seats: r.seats, votes: ranked.votes, place: ranked.place, outcome: ranked.outcome })
            })
            .collect();
        let upward = match current {
            Some(c) => self.star_trail(c, branch, quarter, record.id.as_str())?,
            None => Vec::new(),
        };
        let register = super::readback::register(&self.quarter_ctx(current, branch.as_str(), Some(quarter))?, record);
        Ok(QuarterRecord {
            register,
            quarter,
            branch: Archive::unit_ref(tree, branch.as_str()),
            state: status.state,
            finished: status.terminal,
            rules: ledger.rules.clone(),
            ballot_fixed: ledger.ballot_fixed,
            on_ballot: ledger.rounds.first().is_some_and(|r| r.candidates.iter().any(|c| c.id == record.id)),
            exclusions,
            withheld: 0,
            rounds,
            star: ledger.stars.iter().any(|m| m.id == record.id),
            reported: ledger.reported.clone(),
            upward,
        })
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl MemberHistory {
    /// The record as `viewer` (a role of `workflow`; `None`: everything) may see it: each
    /// exclusion under a clause the workflow file restricts to other roles is taken out
    /// and only counted (`withheld`).
    pub fn disclosed_to(mut self, workflow: &crate::workflow::Workflow, viewer: Option<&str>) -> MemberHistory {
        for q in &mut self.quarters {
            let before = q.exclusions.len();
            q.exclusions.retain(|e| workflow.shows(viewer, &e.rule.clause));
            q.withheld += before - q.exclusions.len();
        }
        self
    }
}

/// The member's certificate: their pages, quarter by quarter, each with its result.
#[derive(Debug, Clone, Serialize)]
pub struct Certificate {
    /// The member's record across quarters; each quarter carries its page.
    #[serde(flatten)]
    pub history: MemberHistory,
}

impl Archive {
    /// A member's registration certificate (《党员“闪光言行”登记证》): every quarter
    /// of their branch, or one, with the page and the quarter's result.
    pub fn certificate(&self, current: Option<&Current>, member: &str, quarter: Option<Quarter>, today: NaiveDate) -> Result<Certificate> {
        let mut history = self.member_history(current, member, today)?;
        if let Some(q) = quarter {
            history.quarters.retain(|r| r.quarter == q);
            if history.quarters.is_empty() {
                let opened = self.quarters(&branch_of(&history))?;
                return Err(Kind::QuarterNotOpened { branch: history.branch.clone(), quarter: q, opened }.into());
            }
        }
        Ok(Certificate { history })
    }
}

fn branch_of(h: &MemberHistory) -> crate::domain::UnitId {
    crate::domain::UnitId::known(h.branch.id.clone())
}
