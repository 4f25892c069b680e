//! A member's record across quarters: for each quarter of their branch, whether they
//! were on the ballot, excluded (and under which clause), how they fared in each tallied
//! round, whether they were starred, where the branch's ledger was reported, and what
//! each level above did with the star (published, picked with a reason, forwarded). The
//! notice makes these results the basis of democratic appraisal, awards and nominations
//! (§4.2.c).
//!
//! This module owns only the assembly of that record. It reads through the public
//! operations of [`Shine`] (`find_member`, `quarters`, `status`, `ledger`, `org`) and
//! writes nothing; what a quarter decided stays with `service` and the ledger.
//!
//! It deliberately does not follow a member across branches: the history is that of the
//! branch the member belongs to now, because the store indexes quarters by branch.

use crate::chain::TrailStep;
use crate::error::ShineError;
use crate::org::{MemberRecord, OrgTree};
use crate::service::Shine;
use crate::tally::Outcome;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Every quarter of a member's branch, oldest first, seen from that member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberHistory {
    pub member: MemberRecord,
    pub branch: UnitRef,
    /// Oldest first; empty when the branch has not opened a quarter yet.
    pub quarters: Vec<QuarterRecord>,
}

/// A unit of the organization, by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub id: String,
    pub name: String,
}

/// One quarter of the member's branch, as it concerns the member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarterRecord {
    /// e.g. `2026Q4`.
    pub quarter: String,
    /// The workflow state the quarter stands in, and its title.
    pub state: String,
    pub state_title: String,
    /// The quarter reached a terminal state of its workflow.
    pub finished: bool,
    /// Hash of the rule set the quarter ran under.
    pub rules: String,
    /// The candidates of the first round are fixed. Until then `exclusions` are those
    /// the rules decide as of the day asked, not yet those the ledger keeps.
    pub ballot_fixed: bool,
    /// The member was a candidate of the first round.
    pub on_ballot: bool,
    /// The clauses under which the member could not be selected, as the ledger records them.
    pub exclusions: Vec<ExclusionRecord>,
    /// The member's votes and place in each tallied round they stood in.
    pub rounds: Vec<RoundResult>,
    pub star: bool,
    /// The unit the branch's ledger, with its stars, was reported to for filing
    /// (§4.2.b); `None` while it has not been reported.
    pub reported_to: Option<UnitRef>,
    /// The levels above the branch that received the member's star, lowest first:
    /// published, objected to, picked with a reason (§4.3.d), returned, forwarded.
    pub upward: Vec<TrailStep>,
}

/// An exclusion rule that fired: its name, the clause it cites and the clause's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExclusionRecord {
    /// e.g. `x8`.
    pub rule: String,
    /// e.g. `§3.4.x8`.
    pub clause: String,
    pub text: String,
}

/// The member's result in one tallied round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundResult {
    pub round: i64,
    pub seats: i64,
    pub votes: i64,
    /// 1-based; equal votes share a place.
    pub place: usize,
    pub outcome: Outcome,
}

/// The history of `member` (an id, or a unique name) in their branch, as of `today`.
pub fn member_history(shine: &Shine, member: &str, today: NaiveDate) -> Result<MemberHistory, ShineError> {
    let (branch, record) = shine.find_member(member)?;
    let tree = shine.org()?;
    let mut quarters = Vec::new();
    for quarter in shine.quarters(&branch)? {
        let status = shine.status(&branch, Some(&quarter), today)?;
        let ledger = shine.ledger(&branch, Some(&quarter), today)?;
        let exclusions = ledger
            .excluded
            .iter()
            .filter(|(m, _)| m.id == record.id)
            .flat_map(|(_, decisions)| decisions)
            .map(|d| ExclusionRecord { rule: d.rule.name.clone(), clause: d.rule.clause.clone(), text: d.rule.text.clone() })
            .collect();
        let rounds = ledger
            .rounds
            .iter()
            .filter_map(|r| {
                let ranked = r.selection.as_ref()?.ranking.iter().find(|x| x.member == record.id)?;
                Some(RoundResult { round: r.round, seats: r.seats, votes: ranked.votes, place: ranked.place, outcome: ranked.outcome })
            })
            .collect();
        quarters.push(QuarterRecord {
            quarter: ledger.quarter.clone(),
            state: status.state,
            state_title: status.state_title,
            finished: status.terminal,
            rules: ledger.rules.clone(),
            ballot_fixed: !ledger.rounds.is_empty(),
            on_ballot: ledger.rounds.first().is_some_and(|r| r.candidates.contains(&record.id)),
            exclusions,
            rounds,
            star: ledger.stars.iter().any(|m| m.id == record.id),
            reported_to: ledger.reported_to.as_deref().map(|id| unit_ref(&tree, id)),
            upward: if shine.has_definitions() { shine.star_trail(&branch, &ledger.quarter, &record.id)? } else { Vec::new() },
        });
    }
    Ok(MemberHistory { branch: unit_ref(&tree, &branch), member: record, quarters })
}

/// A unit by id, named from the tree (the id stands in for a name the tree lacks).
fn unit_ref(tree: &OrgTree, id: &str) -> UnitRef {
    UnitRef { id: id.to_owned(), name: tree.unit(id).map(|u| u.name.clone()).unwrap_or_else(|| id.to_owned()) }
}
