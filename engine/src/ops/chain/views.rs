//! What the chain looks like from outside: a level's status (steps, stars held, who
//! below is still to send, publication, picks, returns), what a pull brought, the
//! public display of the top level (§4.3.c), and one star's trail upward.

use super::{card, Outbox};
use crate::domain::{Quarter, Timestamp, UnitId};
use crate::ops::Shine;
use crate::progress::{PickCheck, StepState, Waiting};
use crate::refs::UnitRef;
use crate::refusal::Result;
use crate::star::StarRecord;
use crate::state::level::{Held, LevelState, Objection, Publication, Return, Standing};
use chrono::NaiveDate;
use serde::Serialize;

/// A held star as a level sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StarView {
    pub key: String,
    pub record: StarRecord,
    pub content_hash: String,
    pub from: String,
    pub recommended: bool,
    pub standing: Standing,
    pub versions: usize,
    pub published: bool,
    pub objection: Option<Objection>,
    pub picked: Option<String>,
}

impl StarView {
    pub(crate) fn of(state: &LevelState, h: &Held) -> StarView {
        let key = h.sealed.record.key();
        StarView {
            published: state.publication.as_ref().is_some_and(|p| p.keys.contains(&key)),
            objection: state.objections.iter().rev().find(|o| o.key == key).cloned(),
            picked: state.picked(&key).map(str::to_owned),
            record: h.sealed.record.clone(),
            content_hash: h.sealed.content_hash.clone(),
            from: h.from.clone(),
            recommended: h.recommended,
            standing: h.standing.clone(),
            versions: h.versions.len(),
            key,
        }
    }
}

/// What this level sent upward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForwardedView {
    pub to: String,
    pub count: usize,
    pub at: Timestamp,
}

/// Where a level's quarter stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelStatus {
    pub unit: UnitRef,
    pub level: crate::refs::LevelRef,
    pub role: crate::refs::RoleRef,
    pub quarter: Quarter,
    pub superior: Option<UnitRef>,
    pub steps: Vec<StepState>,
    pub stars: Vec<StarView>,
    /// Units below that have not sent their stars yet, with the reason.
    pub waiting: Vec<(UnitRef, Waiting)>,
    pub publication: Option<Publication>,
    pub picks: Vec<PickCheck>,
    /// Returns of this unit's own stars by the level above, not yet resubmitted.
    pub returned: Vec<Return>,
    pub forwarded: Option<ForwardedView>,
    /// Why units below (or this level) picked fewer than their `in principle` pick
    /// rule expects, as the records carry it: one per unit.
    pub no_pick_reasons: Vec<crate::star::NoPickNote>,
}

/// What a pull brought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pulled {
    pub unit: UnitRef,
    pub quarter: Quarter,
    pub received: Vec<StarView>,
    /// Already held with the same content: not taken twice.
    pub unchanged: usize,
    pub waiting: Vec<(UnitRef, Waiting)>,
}

/// What the public page shows for one instance and quarter (§4.3.c): published stars
/// whose objection window has closed, without a standing objection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Display {
    pub unit: UnitRef,
    pub level_title: String,
    pub quarter: Quarter,
    pub published_on: Option<NaiveDate>,
    pub window_until: Option<NaiveDate>,
    pub stars: Vec<StarRecord>,
}

/// One level a star passed on its way up, as that level recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrailStep {
    pub unit: UnitRef,
    pub level_title: String,
    /// Versions received (more than one after a return and resubmission).
    pub versions: usize,
    pub standing: Standing,
    pub published: bool,
    pub objection: Option<Objection>,
    /// The written reason, when this level picked the star.
    pub picked: Option<String>,
    /// The star went further up from this level.
    pub forwarded: bool,
}

impl Shine {
    /// Where a level's quarter stands, as of `today`.
    pub fn level_status(&self, unit: Option<&str>, quarter: Quarter, today: NaiveDate) -> Result<LevelStatus> {
        let ctx = self.level(unit, quarter, today)?;
        let returned = match &ctx.superior {
            Some(sup) => ctx.pending_returns(&sup.id)?,
            None => Vec::new(),
        };
        // A branch holds nothing from below: it shows what it sent up.
        let stars = if ctx.forwards_by_quarter() {
            match self.outbox(&ctx.tree, self.current(), &ctx.unit_id(), quarter)? {
                Outbox::Ready(sealed) => sealed
                    .into_iter()
                    .map(|sealed| StarView {
                        key: sealed.record.key(),
                        content_hash: sealed.content_hash.clone(),
                        from: ctx.unit.id.clone(),
                        recommended: true,
                        standing: Standing::Held,
                        versions: sealed.record.version as usize,
                        published: false,
                        objection: None,
                        picked: None,
                        record: sealed.record,
                    })
                    .collect(),
                Outbox::Waiting(_) => Vec::new(),
            }
        } else {
            ctx.state.stars().map(|h| StarView::of(&ctx.state, h)).collect()
        };
        Ok(LevelStatus {
            steps: ctx.step_states()?,
            stars,
            waiting: ctx.waiting()?,
            publication: ctx.state.publication.clone(),
            picks: ctx.pick_checks(),
            forwarded: ctx.state.forwarded.as_ref().map(|f| ForwardedView { to: f.to.clone(), count: f.sealed.len(), at: f.at }),
            no_pick_reasons: no_pick_reasons(&ctx),
            level: ctx.level_ref(),
            role: super::role_ref_of(self.current(), &ctx.level.role),
            unit: ctx.unit.clone(),
            quarter,
            superior: ctx.superior.clone(),
            returned,
        })
    }

    /// The public display of this instance's top unit for a quarter (§4.3.c).
    pub fn display(&self, quarter: Quarter, today: NaiveDate) -> Result<Display> {
        let ctx = self.level(None, quarter, today)?;
        let p = ctx.state.publication.clone();
        let stars = match &p {
            Some(p) if p.closed(today) => p
                .keys
                .iter()
                .filter_map(|k| ctx.state.held.get(k))
                .filter(|h| h.standing == Standing::Held && ctx.state.objected(&h.sealed.record.key()).is_none())
                // The public reads why this level chose the star, as its superior would.
                .map(|h| ctx.with_own_pick(&h.sealed.record).unwrap_or_else(|| h.sealed.record.clone()))
                .collect(),
            _ => Vec::new(),
        };
        Ok(Display {
            unit: ctx.unit.clone(),
            level_title: ctx.level.title.clone(),
            quarter,
            published_on: p.as_ref().map(|p| p.on),
            window_until: p.as_ref().map(|p| p.until),
            stars,
        })
    }
}

impl crate::ops::Archive {
    /// Where a branch's star went above the branch in `quarter`, lowest level first;
    /// empty while no level above has received it.
    pub(crate) fn star_trail(&self, current: &crate::ops::Current, branch: &UnitId, quarter: Quarter, member: &str) -> Result<Vec<TrailStep>> {
        let tree = self.org_around(&[branch.as_str()], false)?;
        let path = tree.path(branch.as_str());
        let university = path.first().map(|u| u.name.clone()).unwrap_or_default();
        let key = crate::star::key(&university, branch.as_str(), member);
        let mut out = Vec::new();
        for unit in path.iter().rev() {
            let state = self.level_state(&unit.id, quarter)?;
            let Some(held) = state.held.get(&key) else { continue };
            let title = current.escalation.level_for_kind(&unit.kind).map(|l| l.title.clone()).unwrap_or_default();
            out.push(TrailStep {
                unit: card(&tree, unit.id.as_str()),
                level_title: title,
                versions: held.versions.len(),
                standing: held.standing.clone(),
                published: state.publication.as_ref().is_some_and(|p| p.keys.contains(&key)),
                objection: state.objections.iter().rev().find(|o| o.key == key).cloned(),
                picked: state.picked(&key).map(str::to_owned),
                forwarded: state.forwarded.as_ref().is_some_and(|f| f.sealed.iter().any(|s| s.record.key() == key)),
            });
        }
        Ok(out)
    }
}

/// The reasons for picking fewer that the held records carry, one per unit, and the
/// level's own when it recorded one.
fn no_pick_reasons(ctx: &super::LevelCtx) -> Vec<crate::star::NoPickNote> {
    let mut out: Vec<crate::star::NoPickNote> = Vec::new();
    for h in ctx.state.stars() {
        if let Some(n) = &h.sealed.record.no_pick {
            if !out.iter().any(|o| o.unit.id == n.unit.id && o.level == n.level) {
                out.push(n.clone());
            }
        }
    }
    if let Some(reason) = &ctx.state.no_pick_reason {
        out.push(crate::star::NoPickNote { level: ctx.level.id.clone(), unit: ctx.unit.clone(), reason: reason.clone() });
    }
    out
}
