//! The results as the basis of democratic appraisal, awards and nominations (§4.2.c):
//! for one member, or every member of a branch, each quarter of a range — a star or
//! not, the exclusions with their clause, what the levels above did with the star
//! (published, picked with the reason, forwarded) and whether it is on the public
//! display of the tree's top (§4.3.c) — and the totals over the range.
//!
//! Each member's quarters are their history ([`super::history`]), not derived again.
//! What the quarter workflow restricts (`restricted`) is withheld from a viewer whose
//! role may not see it: the exclusion is there, without clause or evidence
//! ([`crate::workflow::Disclosed`]). Reading only.

use super::chain::TrailStep;
use super::history::{ExclusionRecord, MemberHistory};
use super::org::branch_unit;
use super::{Archive, Shine};
use crate::domain::Quarter;
use crate::entity::MemberRecord;
use crate::refs::UnitRef;
use crate::refusal::{Hint, Kind, Refusal, Result, Thing};
use crate::star::StarRecord;
use crate::workflow::Disclosed;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::btree_map::{BTreeMap, Entry};

/// Whose results: one member (an id, or a unique name), or every member of a branch.
#[derive(Debug, Clone, Copy)]
pub enum AppraisalSubject<'a> {
    Member(&'a str),
    Branch(&'a str),
}

/// The results of a range of quarters, member by member.
#[derive(Debug, Clone, Serialize)]
pub struct Appraisal {
    pub from: Quarter,
    pub to: Quarter,
    /// The branch asked for; `None` for one member.
    pub branch: Option<UnitRef>,
    /// The role the appraisal was made for (`None`: the local administrator).
    pub viewer: Option<String>,
    /// For a branch, every member on its roster at some time in the range, in roster
    /// order.
    pub members: Vec<MemberAppraisal>,
}

/// One member's quarters in the range.
#[derive(Debug, Clone, Serialize)]
pub struct MemberAppraisal {
    pub member: MemberRecord,
    /// The member's branch now.
    pub branch: UnitRef,
    /// The quarters in the range of the branches the member was on, oldest first.
    pub quarters: Vec<AppraisalQuarter>,
    /// The quarters in the range without a quarter of a branch the member was on.
    pub not_held: Vec<Quarter>,
    pub totals: AppraisalTotals,
}

/// One quarter, as the appraisal shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AppraisalQuarter {
    pub quarter: Quarter,
    /// The branch that ran it.
    pub branch: UnitRef,
    /// The quarter reached a terminal state of its workflow.
    pub finished: bool,
    pub on_ballot: bool,
    pub star: bool,
    /// The rules under which the member could not be selected, each shown with its
    /// clause or withheld from the viewer.
    pub exclusions: Vec<Disclosed<ExclusionRecord>>,
    /// The levels above the branch that received the star, lowest first: published,
    /// picked (with the reason), forwarded.
    pub upward: Vec<TrailStep>,
    /// The star is on the public display of the tree's top (published there, its
    /// objection window closed, no objection standing).
    pub displayed: bool,
}

/// Over the range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AppraisalTotals {
    /// Quarters held.
    pub quarters: usize,
    pub stars: usize,
    /// Quarters with an exclusion (withheld ones included).
    pub excluded: usize,
    /// Quarters in which a level above picked the star.
    pub picked: usize,
    pub displayed: usize,
}

impl Shine {
    /// The results of `subject` from `from` to `to` (both included), as of `today`, as
    /// the role `viewer` may see them (`None`: the local administrator).
    pub fn appraisal(&self, subject: AppraisalSubject, from: Quarter, to: Quarter, viewer: Option<&str>, today: NaiveDate) -> Result<Appraisal> {
        if from > to {
            return Err(Refusal::new(Kind::QuarterRange { from, to }).next(Hint::QuarterRange { from: to, to: from }));
        }
        let (branch, ids) = match subject {
            AppraisalSubject::Member(query) => {
                let (_, record) = self.find_member(query).map_err(|r| match *r.kind {
                    Kind::NotFound { what: Thing::Member, .. } => r.next(Hint::FindMember),
                    _ => r,
                })?;
                (None, vec![record.id.to_string()])
            }
            AppraisalSubject::Branch(id) => {
                let tree = self.org_around(&[id], false)?;
                let unit = branch_unit(&tree, id, &self.current().workflow, &self.current().escalation)?;
                let roster = self.roster(&unit.id)?;
                let on = |m: &&MemberRecord| roster.tenure(m.id.as_str()).is_some_and(|t| t.during(from.start(), to.end()));
                let ids = roster.members.iter().filter(on).map(|m| m.id.to_string()).collect();
                (Some(Archive::unit_ref(&tree, unit.id.as_str())), ids)
            }
        };
        let mut displays = BTreeMap::new();
        let mut members = Vec::new();
        for id in ids {
            let history = self.member_history(Some(self.current()), &id, today)?;
            members.push(self.member_appraisal(history, from, to, viewer, today, &mut displays)?);
        }
        Ok(Appraisal { from, to, branch, viewer: viewer.map(str::to_owned), members })
    }

    fn member_appraisal(
        &self,
        history: MemberHistory,
        from: Quarter,
        to: Quarter,
        viewer: Option<&str>,
        today: NaiveDate,
        displays: &mut BTreeMap<Quarter, Vec<StarRecord>>,
    ) -> Result<MemberAppraisal> {
        let workflow = &self.current().workflow;
        let mut quarters = Vec::new();
        let mut totals = AppraisalTotals::default();
        for r in history.quarters.into_iter().filter(|r| (from..=to).contains(&r.quarter)) {
            let displayed = r.star && {
                let shown = match displays.entry(r.quarter) {
                    Entry::Occupied(e) => e.into_mut(),
                    Entry::Vacant(e) => e.insert(self.display(r.quarter, today)?.stars),
                };
                shown.iter().any(|s| s.member.id == history.member.id.as_str() && s.unit_path.last().is_some_and(|u| u.id == r.branch.id))
            };
            let exclusions: Vec<Disclosed<ExclusionRecord>> = r
                .exclusions
                .into_iter()
                .map(|e| {
                    let clause = e.rule.clause.clone();
                    workflow.disclose(viewer, &clause, e)
                })
                .collect();
            totals.quarters += 1;
            totals.stars += usize::from(r.star);
            totals.excluded += usize::from(!exclusions.is_empty());
            totals.picked += usize::from(r.upward.iter().any(|s| s.picked.is_some()));
            totals.displayed += usize::from(displayed);
            quarters.push(AppraisalQuarter { quarter: r.quarter, branch: r.branch, finished: r.finished, on_ballot: r.on_ballot, star: r.star, exclusions, upward: r.upward, displayed });
        }
        let not_held = from.through(to).filter(|q| !quarters.iter().any(|r: &AppraisalQuarter| r.quarter == *q)).collect();
        Ok(MemberAppraisal { member: history.member, branch: history.branch, quarters, not_held, totals })
    }
}
