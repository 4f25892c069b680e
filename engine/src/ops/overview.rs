//! The university-wide overview of one quarter (§4.2.a, §4.2.b): for each branch
//! under a unit, how far its quarter has come — not opened, opened (at which step),
//! meeting reported, met, tallied, filed at the unit it reports to, received there,
//! forwarded on — and for each reporting unit (a level of the chain whose units do
//! more than file and forward by their quarter) the step it stands at. Nothing is
//! re-derived: each row is read from what `status` (a branch's quarter) and
//! `chain status` (a level) already answer.

use super::chain::{ForwardedView, LevelStatus};
use super::meetings::MeetingReport;
use super::{Archive, Shine};
use crate::domain::{Quarter, UnitId};
use crate::progress::{StepState, Waiting};
use crate::refs::{LevelRef, MemberRef, StateRef, UnitRef};
use crate::refusal::{Hint, Kind, Refusal, Result, Thing};
use crate::state::org::OrgTree;
use crate::state::quarter::QuarterState;
use chrono::NaiveDate;
use serde::Serialize;

/// How far a branch's quarter has come, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The quarter is not opened for the branch.
    NotOpened,
    /// Opened; the special meeting is not reported to the superior yet.
    Opened,
    /// The meeting's date is reported to the superior (§4.2.a); no attendance yet.
    MeetingReported,
    /// The meeting is held: attendance is recorded; the vote is not tallied yet.
    Met,
    /// The vote is tallied and stars seated; the result is not reported upward yet.
    Tallied,
    /// The result is reported to the unit above for filing; not received there yet.
    Filed,
    /// The unit above has received the branch's result.
    Received,
    /// The unit above has sent it on.
    Forwarded,
}

/// One branch's quarter as the overview shows it.
#[derive(Debug, Clone, Serialize)]
pub struct BranchRow {
    pub branch: UnitRef,
    /// The unit it reports to (its parent in the tree), if any.
    pub reports_to: Option<UnitRef>,
    pub stage: Stage,
    /// The quarter's current step, once opened.
    pub step: Option<StateRef>,
    /// The meeting's report to the superior and the delegate, once recorded.
    pub meeting: Option<MeetingReport>,
    pub attendance_recorded: usize,
    /// The stars seated by the tally.
    pub stars: Vec<MemberRef>,
    /// Why the unit above has not received it yet, as that unit's status says.
    pub waiting: Option<Waiting>,
}

/// One reporting unit and the step of the chain it stands at.
#[derive(Debug, Clone, Serialize)]
pub struct LevelRow {
    pub unit: UnitRef,
    pub level: LevelRef,
    pub reports_to: Option<UnitRef>,
    /// The first step not done (with what it misses); `None` when all are done.
    pub at: Option<StepState>,
    pub steps_done: usize,
    pub steps: usize,
    /// Stars it holds (or sent, for a level that forwards by its quarter).
    pub stars: usize,
    pub forwarded: Option<ForwardedView>,
    /// Units below that have not sent yet, with the reason.
    pub waiting: Vec<(UnitRef, Waiting)>,
}

/// The quarter across the units under one unit.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub unit: UnitRef,
    pub quarter: Quarter,
    pub today: NaiveDate,
    /// Every branch under the unit (the unit itself if it runs quarters), in tree order.
    pub branches: Vec<BranchRow>,
    /// Every reporting unit under it (itself included), in tree order.
    pub levels: Vec<LevelRow>,
}

impl Stage {
    /// How far an opened quarter has come by its own records, up to `Filed` (whether
    /// the unit above received it is the chain's to say).
    pub(crate) fn of_quarter(q: &QuarterState) -> Stage {
        if q.reported.is_some() {
            Stage::Filed
        } else if !q.stars.is_empty() && q.open_round().is_none() {
            Stage::Tallied
        } else if !q.attendance.is_empty() {
            Stage::Met
        } else if q.meeting.is_some() {
            Stage::MeetingReported
        } else {
            Stage::Opened
        }
    }
}

impl Overview {
    /// How many branches stand at `stage` or beyond.
    pub fn at_least(&self, stage: Stage) -> usize {
        self.branches.iter().filter(|b| b.stage >= stage).count()
    }
}

/// The units of the subtree under `top`, `top` first, in the tree's order.
pub(crate) fn subtree<'a>(tree: &'a OrgTree, top: &str) -> Vec<&'a crate::entity::Unit> {
    tree.in_order().filter(|u| tree.path(u.id.as_str()).iter().any(|p| p.id.as_str() == top)).collect()
}

/// The branch's stage: its quarter's own (`own`), and once filed, what the unit above
/// says of it.
fn stage_of(own: Stage, branch: &UnitRef, above: Option<&LevelStatus>) -> (Stage, Option<Waiting>) {
    if own < Stage::Filed {
        return (own, None);
    }
    let waiting = above.and_then(|a| a.waiting.iter().find(|(u, _)| u.id == branch.id)).map(|(_, w)| w.clone());
    match (above, waiting) {
        (Some(a), None) if a.forwarded.is_some() => (Stage::Forwarded, None),
        (Some(_), None) => (Stage::Received, None),
        (_, waiting) => (Stage::Filed, waiting),
    }
}

impl Archive {
    /// How far a branch's quarter has come by its own records; `opened`: the quarters
    /// the branch has opened.
    pub(crate) fn own_stage(&self, branch: &UnitId, quarter: Quarter, opened: &[Quarter]) -> Result<Stage> {
        if !opened.contains(&quarter) {
            return Ok(Stage::NotOpened);
        }
        Ok(Stage::of_quarter(&*self.quarter_state(branch, quarter)?))
    }
}

impl Shine {
    /// Where `quarter` stands under `unit` (the tree's top by default), as of `today`.
    pub fn overview(&self, unit: Option<&str>, quarter: Quarter, today: NaiveDate) -> Result<Overview> {
        let tree = self.org()?;
        let top = match unit {
            Some(id) => tree.unit(id).ok_or_else(|| Refusal::new(Kind::NotFound { what: Thing::Unit, given: id.to_owned() }).next(Hint::ListUnits))?,
            None => tree.root().ok_or_else(|| Refusal::new(Kind::NotFound { what: Thing::Unit, given: String::new() }).next(Hint::ListUnits))?,
        };
        let current = self.current();
        let units = subtree(&tree, top.id.as_str());
        // Each level's status once: the reporting units' rows, and what the unit
        // above each branch says of it.
        let mut statuses: Vec<(String, LevelStatus)> = Vec::new();
        let mut level_status = |id: &str| -> Result<Option<LevelStatus>> {
            if let Some((_, s)) = statuses.iter().find(|(u, _)| u == id) {
                return Ok(Some(s.clone()));
            }
            let Some(u) = tree.unit(id) else { return Ok(None) };
            if current.escalation.level_for_kind(&u.kind).is_none() {
                return Ok(None);
            }
            let s = self.level_status(Some(id), quarter, today)?;
            statuses.push((id.to_owned(), s.clone()));
            Ok(Some(s))
        };
        let mut branches = Vec::new();
        let mut levels = Vec::new();
        for u in &units {
            let id = u.id.as_str();
            let parent = tree.parent_of(id).map(|p| Archive::unit_ref(&tree, p.id.as_str()));
            let reporting = current.escalation.level_for_kind(&u.kind).is_some_and(|l| !super::chain::forwards_by_quarter(current, l));
            if let Some(s) = if reporting { level_status(id)? } else { None } {
                levels.push(LevelRow {
                    at: s.steps.iter().find(|st| !st.done).cloned(),
                    steps_done: s.steps.iter().filter(|st| st.done).count(),
                    steps: s.steps.len(),
                    stars: s.stars.len(),
                    forwarded: s.forwarded.clone(),
                    waiting: s.waiting.clone(),
                    reports_to: s.superior.clone(),
                    level: s.level,
                    unit: s.unit,
                });
            }
            if super::org::branch_unit(&tree, id, &current.workflow, &current.escalation).is_err() {
                continue; // does not run quarters
            }
            let branch = Archive::unit_ref(&tree, id);
            if !self.quarters(&u.id)?.contains(&quarter) {
                branches.push(BranchRow {
                    branch,
                    reports_to: parent,
                    stage: Stage::NotOpened,
                    step: None,
                    meeting: None,
                    attendance_recorded: 0,
                    stars: Vec::new(),
                    waiting: None,
                });
                continue;
            }
            let status = self.status(Some(current), id, Some(quarter), today)?;
            let above = match &parent {
                Some(p) => level_status(&p.id)?,
                None => None,
            };
            let own = Stage::of_quarter(&*self.quarter_state(&u.id, quarter)?);
            let (stage, waiting) = stage_of(own, &branch, above.as_ref());
            branches.push(BranchRow {
                branch,
                reports_to: parent,
                stage,
                step: Some(status.state.clone()),
                meeting: status.meeting_report.clone(),
                attendance_recorded: status.attendance_recorded,
                stars: status.stars.clone(),
                waiting,
            });
        }
        Ok(Overview { unit: Archive::unit_ref(&tree, top.id.as_str()), quarter, today, branches, levels })
    }
}
