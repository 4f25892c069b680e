//! The special meeting as its superior sees it (§4.2.a in the default workflow): the
//! report a branch made (the meeting date, the day it was reported, how many days
//! ahead), the list of the meetings reported to a unit by the units under it, and the
//! delegate the superior sends (一般应派员列席), recorded in the branch's quarter in
//! the role of the level the branch reports to (workflows/escalation.ron).

use super::branch::{Gate, QuarterCtx};
use super::{Archive, Current, Decided, Operation};
use crate::domain::{Actor, Quarter, UnitId};
use crate::event::Action;
use crate::refs::{RoleRef, UnitRef};
use crate::refusal::{Hint, Kind, Refusal, Result, Text};
use crate::state::quarter::QuarterState;
use chrono::NaiveDate;
use serde::Serialize;

/// A branch's report of its special meeting, and the superior's delegate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingReport {
    /// The meeting date reported; `None` while the meeting is not reported.
    pub date: Option<NaiveDate>,
    /// The day the report was made.
    pub reported_on: Option<NaiveDate>,
    /// Days from the report to the meeting (negative: reported after it).
    pub days_ahead: Option<i64>,
    /// The unit reported to.
    pub superior: Option<UnitRef>,
    /// The delegate the superior said it sends.
    pub delegate: Option<DelegateSent>,
    /// The superior's attendee as the secretary recorded the meeting's guests; `None`
    /// when none is recorded.
    pub delegate_attended: Option<String>,
}

/// The delegate a superior sends: the name, the role it acted in, and the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DelegateSent {
    pub name: String,
    pub role: String,
    pub on: NaiveDate,
}

/// What the quarter records of its meeting's report and delegate; `None` when
/// neither was recorded.
pub(crate) fn meeting_report(q: &QuarterState, unit_ref: &dyn Fn(&UnitId) -> UnitRef) -> Option<MeetingReport> {
    if q.meeting.is_none() && q.delegate.is_none() {
        return None;
    }
    let m = q.meeting.as_ref();
    Some(MeetingReport {
        date: m.map(|m| m.date),
        reported_on: m.map(|m| m.reported_on),
        days_ahead: m.map(|m| (m.date - m.reported_on).num_days()),
        superior: m.and_then(|m| m.superior.as_ref()).map(unit_ref),
        delegate: q.delegate.as_ref().map(|d| DelegateSent { name: d.name.clone(), role: d.role.clone(), on: d.on }),
        delegate_attended: q.guests.delegate.clone(),
    })
}

/// One unit under the superior and its quarter's meeting.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingRow {
    pub branch: UnitRef,
    /// The quarter is opened for the unit.
    pub opened: bool,
    pub report: Option<MeetingReport>,
}

/// The meetings of the units under a superior, in one quarter.
#[derive(Debug, Clone, Serialize)]
pub struct Meetings {
    pub unit: UnitRef,
    pub quarter: Quarter,
    pub rows: Vec<MeetingRow>,
}

struct SendDelegate {
    name: String,
    role: String,
}

impl Operation<QuarterCtx> for SendDelegate {
    type Answer = DelegateSent;

    fn gate(&self) -> Gate {
        Gate::Role(self.role.clone())
    }

    fn decide(self, ctx: &QuarterCtx, actor: &Actor) -> Result<Decided<DelegateSent>> {
        if ctx.q.meeting.is_none() {
            return Err(Refusal::new(Kind::MeetingNotReported { branch: ctx.unit_ref.clone() }).next(Hint::Status { branch: ctx.unit.id.clone() }));
        }
        if ctx.workflow.state(&ctx.q.state).is_some_and(|s| s.terminal) {
            return Err(Refusal::new(Kind::QuarterFinished { branch: ctx.unit_ref.clone(), quarter: ctx.quarter }).next(Hint::Ledger { branch: ctx.unit.id.clone() }));
        }
        let name = crate::refusal::text(Text::GuestName, &self.name)?;
        if let Some(d) = ctx.q.delegate.as_ref().filter(|d| d.name == name) {
            return Ok(Decided::new(super::Plan::default(), DelegateSent { name, role: d.role.clone(), on: d.on })); // recorded already
        }
        let answer = DelegateSent { name: name.clone(), role: actor.role.clone(), on: actor.today() };
        Ok(Decided::new(ctx.plan(vec![Action::DelegateSent { name }]), answer))
    }
}

impl Current {
    /// The role that acts for the level a unit reports to, with its title; `None`
    /// when the unit's kind has no level or its level reports to no one.
    fn superior_role(&self, kind: &str) -> Option<RoleRef> {
        let esc = &self.escalation;
        let up = esc.level(esc.level_for_kind(kind)?.reports_to.as_deref()?)?;
        let title = esc.role_named(&up.role).map(|r| r.title.clone()).unwrap_or_else(|| up.role.clone());
        Some(RoleRef { id: up.role.clone(), title })
    }
}

impl super::Shine {
    /// The role that acts for the level `branch` reports to (its superior), if any.
    pub fn superior_role(&self, branch: &str) -> Result<Option<RoleRef>> {
        let tree = self.org_around(&[branch], false)?;
        let unit = self.branch_unit(&tree, branch)?;
        Ok(self.current().superior_role(&unit.kind))
    }

    /// Record the delegate the branch's superior sends to its special meeting, acting
    /// in the role of the level the branch reports to.
    pub fn send_delegate(&self, actor: &Actor, branch: &str, name: &str) -> Result<DelegateSent> {
        let tree = self.org_around(&[branch], false)?;
        let unit = self.branch_unit(&tree, branch)?;
        let current = self.current();
        let Some(needed) = current.superior_role(&unit.kind) else {
            return Err(Kind::NotInChain { unit: Archive::unit_ref(&tree, unit.id.as_str()) }.into());
        };
        if actor.role != needed.id {
            let unit = Archive::unit_ref(&tree, unit.id.as_str());
            return Err(Refusal::new(Kind::NotTheSuperior { branch: unit, needed: needed.clone(), acting: actor.role.clone() }).next(Hint::ActAs { role: needed }));
        }
        self.on_quarter(Some(current), actor, branch, SendDelegate { name: name.to_owned(), role: needed.id })
    }

    /// The special meetings of the units directly under `unit` in `quarter`: each
    /// unit that runs quarters, with its report and delegate if any.
    pub fn meetings(&self, unit: &str, quarter: Quarter) -> Result<Meetings> {
        let tree = self.org()?;
        let Some(superior) = tree.unit(unit) else {
            return Err(Refusal::new(Kind::NotFound { what: crate::refusal::Thing::Unit, given: unit.to_owned() }).next(Hint::ListUnits));
        };
        let current = self.current();
        let mut rows = Vec::new();
        for child in tree.children(superior.id.as_str()) {
            if super::org::branch_unit(&tree, child.id.as_str(), &current.workflow, &current.escalation).is_err() {
                continue; // does not run quarters
            }
            let opened = self.quarters(&child.id)?.contains(&quarter);
            let named = |id: &UnitId| Archive::unit_ref(&tree, id.as_str());
            let report = if opened { meeting_report(&self.quarter_ctx(Some(current), child.id.as_str(), Some(quarter))?.q, &named) } else { None };
            rows.push(MeetingRow { branch: Archive::unit_ref(&tree, child.id.as_str()), opened, report });
        }
        // The coming meetings first, by date; then those not yet reported.
        rows.sort_by_key(|r| (r.report.as_ref().and_then(|m| m.date).is_none(), r.report.as_ref().and_then(|m| m.date)));
        Ok(Meetings { unit: Archive::unit_ref(&tree, superior.id.as_str()), quarter, rows })
    }
}
