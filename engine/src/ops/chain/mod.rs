//! The escalation chain at work (§4.2.b, §4.3.b–d): a level of the chain acting on
//! one quarter ([`LevelCtx`]), what the units below have sent up, each step's progress
//! and the pick rules checked.
//!
//! Which steps a level has, in which order, and which role takes them come from
//! `workflows/escalation.ron`; how many may be picked and how long the objection
//! window runs, from the rules. A step can be taken only when every step before it is
//! done; each operation is one event in the level's scope `chain/<unit>/<quarter>`.
//!
//! Files: this one (the level and its progress), `steps` (pull, file, publish,
//! objections, picks, forward), `returns` (returns and resubmissions, across
//! instances too), `views` (a level's status, the public display, a star's trail).

mod returns;
mod steps;
mod views;

pub use views::{Display, ForwardedView, LevelStatus, Pulled, StarView, TrailStep};

use super::branch::role_ref;
use super::{Archive, Current, Shine, Subject};
use crate::domain::{Actor, MemberId, Quarter, UnitId};
use crate::progress::{Missing, PickCheck, StepState, Waiting};
use crate::refs::{LevelRef, MemberRef, UnitRef};
use crate::refusal::{Hint, Kind, LevelAct, Refusal, Result};
use crate::star::{DeedCard, MemberCard, PickNote, Sealed, StarRecord};
use crate::state::level::{Held, LevelState, Return, Standing};
use crate::state::org::OrgTree;
use crate::store::Scope;
use crate::workflow::{Action as Step, Level};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a unit below has sent up, or why nothing yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbox {
    Ready(Vec<Sealed>),
    Waiting(Waiting),
}

/// The unit acting at a level, with what it needs to act.
pub(crate) struct LevelCtx {
    pub unit: UnitRef,
    pub level: Level,
    /// Where it sends: a unit of the tree, or the level above the tree's top.
    pub superior: Option<UnitRef>,
    pub quarter: Quarter,
    pub scope: Scope,
    pub state: Arc<LevelState>,
    pub tree: Arc<OrgTree>,
    pub current: Current,
    archive: Archive,
    /// Today, for the objection window.
    pub today: chrono::NaiveDate,
}

/// Which level: a unit (the tree's top by default), a quarter, and the day.
pub(crate) struct At {
    pub unit: Option<String>,
    pub quarter: Quarter,
    pub today: chrono::NaiveDate,
}

/// What a chain operation needs the level to allow.
pub(crate) enum LevelGate {
    /// The level has this step, has not forwarded, and every step before it is done;
    /// the actor acts in the level's role.
    Step(Step),
    /// Only the level's role.
    Role(LevelAct),
    /// The level receives, in its role, and has not forwarded. Receiving may repeat
    /// (a later report, a resubmitted star), so it does not wait on later steps.
    Receive,
}

impl Subject for LevelCtx {
    type Target = (Current, At);
    type Gate = LevelGate;

    fn load(archive: &Archive, _: Option<&Current>, (current, at): (Current, At)) -> Result<LevelCtx> {
        LevelCtx::load(archive, current, at)
    }

    fn admit(&self, actor: &Actor, gate: LevelGate) -> Result<()> {
        match gate {
            LevelGate::Step(step) => self.ready_for(actor, step).map(|_| ()),
            LevelGate::Role(act) => self.check_role(actor, act),
            LevelGate::Receive => {
                let Some(step) = self.level.step(Step::Receive) else {
                    let refusal = Refusal::new(Kind::NoReceive { level: self.level_ref(), unit: self.unit.clone() });
                    return Err(if self.forwards_by_quarter() { refusal.next(Hint::Advance { branch: self.unit_id() }) } else { refusal });
                };
                self.check_role(actor, LevelAct::Step { title: step.title.clone() })?;
                self.not_forwarded()
            }
        }
    }
}

pub(crate) fn card(tree: &OrgTree, id: &str) -> UnitRef {
    Archive::unit_ref(tree, id)
}

/// The acting unit: `unit` from the tree, or by default the tree's top unit; with no
/// tree at all (an instance of the provincial committee), the top level of the chain.
fn placed(tree: &OrgTree, current: &Current, unit: Option<&str>) -> Result<(UnitRef, Level, Option<UnitRef>)> {
    let escalation = &current.escalation;
    let top = escalation.top_level().clone();
    let top_card = || UnitRef { id: top.id.clone(), name: top.title.clone() };
    match unit.or_else(|| tree.root().map(|r| r.id.as_str())) {
        Some(id) if id == top.id && tree.unit(id).is_none() => Ok((top_card(), top.clone(), None)),
        Some(id) => {
            let u = tree
                .unit(id)
                .ok_or_else(|| Refusal::new(Kind::NotFound { what: crate::refusal::Thing::Unit, given: id.to_owned() }).next(Hint::ListUnits))?;
            let level = escalation
                .level_for_kind(&u.kind)
                .cloned()
                .ok_or_else(|| Refusal::new(Kind::NotInChain { unit: card(tree, id) }).next(Hint::CheckDefinitions))?;
            let superior = match tree.parent_of(id) {
                Some(p) => Some(card(tree, p.id.as_str())),
                None => level.reports_to.as_deref().and_then(|l| escalation.level(l)).map(|l| UnitRef { id: l.id.clone(), name: l.title.clone() }),
            };
            Ok((card(tree, id), level, superior))
        }
        None => Ok((top_card(), top.clone(), None)),
    }
}

impl LevelCtx {
    fn load(archive: &Archive, current: Current, at: At) -> Result<LevelCtx> {
        // A named unit needs only its part of the tree: itself, above and just below.
        let tree = match at.unit.as_deref() {
            Some(unit) => archive.org_around(&[unit], true)?,
            None => archive.org()?,
        };
        let (unit, level, superior) = placed(&tree, &current, at.unit.as_deref())?;
        let unit_id = UnitId::known(unit.id.clone());
        Ok(LevelCtx {
            scope: Scope::Chain(unit_id.clone(), at.quarter),
            state: archive.level_state(&unit_id, at.quarter)?,
            unit,
            level,
            superior,
            quarter: at.quarter,
            tree,
            current,
            archive: archive.clone(),
            today: at.today,
        })
    }

    pub(crate) fn unit_id(&self) -> UnitId {
        UnitId::known(self.unit.id.clone())
    }

    pub(crate) fn level_ref(&self) -> LevelRef {
        LevelRef { id: self.level.id.clone(), title: self.level.title.clone() }
    }

    pub(crate) fn chain_status_hint(&self) -> Hint {
        Hint::ChainStatus { unit: self.unit_id(), quarter: self.quarter }
    }

    pub(crate) fn plan(&self, actions: Vec<crate::event::Action>) -> super::Plan {
        let rules = crate::domain::RulesHash::of_hex(self.current.rules.hash().to_owned());
        super::Plan::event(self.scope.clone(), Some(&rules), actions)
    }

    fn check_role(&self, actor: &Actor, act: LevelAct) -> Result<()> {
        if actor.role == self.level.role {
            return Ok(());
        }
        let needed = LevelRef { id: self.level.role.clone(), title: escalation_role_title(&self.current, &self.level.role) };
        Err(Refusal::new(Kind::LevelRole { unit: self.unit.clone(), act, needed: needed.clone(), acting: actor.role.clone() })
            .next(Hint::ActAs { role: needed }))
    }

    /// Refuse unless the level has `step`, it is not forwarded yet, and every step
    /// before it is done; the step's title.
    fn ready_for(&self, actor: &Actor, step: Step) -> Result<String> {
        let Some(at) = self.level.position(step) else {
            return Err(Kind::NoSuchStep {
                unit: self.unit.clone(),
                level: self.level_ref(),
                step,
                steps: self.level.steps.iter().map(|s| s.title.clone()).collect(),
            }
            .into());
        };
        let title = self.level.steps[at].title.clone();
        self.check_role(actor, LevelAct::Step { title: title.clone() })?;
        self.not_forwarded()?;
        let steps = self.step_states()?;
        if let Some(before) = steps[..at].iter().find(|s| !s.done) {
            return Err(Refusal::new(Kind::StepBefore { step: title, before: before.clone() }).next(self.chain_status_hint()));
        }
        Ok(title)
    }

    fn not_forwarded(&self) -> Result<()> {
        match &self.state.forwarded {
            Some(f) => {
                let to = self.superior.clone().unwrap_or_else(|| UnitRef { id: f.to.clone(), name: f.to.clone() });
                Err(Refusal::new(Kind::AlreadyForwarded { unit: self.unit.clone(), quarter: self.quarter, on: f.at.date(), to }).next(Hint::AwaitReturn))
            }
            None => Ok(()),
        }
    }

    /// Levels whose units run quarters and do nothing between filing and forwarding:
    /// the quarter workflow's report is their forwarding.
    pub(crate) fn forwards_by_quarter(&self) -> bool {
        forwards_by_quarter(&self.current, &self.level)
    }

    /// Each step of the level, done or not and what is missing.
    pub(crate) fn step_states(&self) -> Result<Vec<StepState>> {
        let waiting = self.waiting()?;
        let by_quarter = self.forwards_by_quarter();
        let reported = by_quarter && self.archive.own_stars(&self.tree, &self.current, &self.unit_id(), self.quarter)?.is_some();
        let picks = self.pick_checks();
        let mut out = Vec::new();
        for step in &self.level.steps {
            let mut missing = Vec::new();
            match step.action {
                Step::Receive => {
                    if self.state.pulls == 0 {
                        missing.push(Missing::NotPulled);
                    }
                    for (unit, why) in &waiting {
                        missing.push(Missing::Unit { unit: unit.clone(), why: why.clone() });
                    }
                    for h in self.state.stars() {
                        if let Standing::Returned { reason } = &h.standing {
                            missing.push(Missing::Returned { star: star_ref(h), to: card(&self.tree, &h.from), reason: reason.clone() });
                        }
                    }
                }
                Step::File | Step::Forward if by_quarter => {
                    if !reported {
                        missing.push(Missing::QuarterNotReported);
                    }
                }
                Step::File => {
                    if self.state.filed.is_none() {
                        missing.push(Missing::NotFiled);
                    }
                }
                Step::Publish => match &self.state.publication {
                    None => missing.push(Missing::NotPublished),
                    Some(p) => {
                        let unpublished: Vec<MemberRef> =
                            self.publishable().iter().filter(|k| !p.keys.contains(k)).map(|k| self.star_by_key(k)).collect();
                        if !unpublished.is_empty() {
                            missing.push(Missing::Unpublished { stars: unpublished });
                        }
                        if !p.closed(self.today) {
                            missing.push(Missing::WindowOpen { until: p.until });
                        }
                        for o in self.state.objections.iter().filter(|o| o.decision.is_none()) {
                            missing.push(Missing::Objection { star: self.star_by_key(&o.key), reason: o.reason.clone() });
                        }
                    }
                },
                Step::Pick => {
                    for c in picks.iter().filter(|c| !c.holds) {
                        missing.push(Missing::Pick { check: c.clone() });
                    }
                    // Fewer than a rule expects in principle: a reason, when there was a star to pick.
                    let could_pick = self.state.in_play().any(|h| h.recommended);
                    if could_pick && self.state.no_pick_reason.is_none() {
                        for c in picks.iter().filter(|c| c.holds && c.bound.wants_reason(c.picked)) {
                            missing.push(Missing::NoPickReason { check: c.clone() });
                        }
                    }
                }
                Step::Forward => {
                    if self.state.forwarded.is_none() {
                        missing.push(Missing::NotForwarded);
                    }
                }
            }
            out.push(StepState { action: step.action, title: step.title.clone(), clause: step.clause.clone(), done: missing.is_empty(), missing });
        }
        Ok(out)
    }

    /// Units below that have not sent what they have, or whose latest is not held yet.
    pub(crate) fn waiting(&self) -> Result<Vec<(UnitRef, Waiting)>> {
        let mut out = Vec::new();
        if !self.level.has(Step::Receive) {
            return Ok(out);
        }
        for child in self.tree.children(&self.unit.id) {
            match self.archive.outbox(&self.tree, &self.current, &child.id, self.quarter)? {
                Outbox::Waiting(why) => out.push((card(&self.tree, child.id.as_str()), why)),
                Outbox::Ready(sealed) => {
                    let count = sealed.iter().filter(|s| is_news(self.state.held.get(&s.record.key()), s)).count();
                    if count > 0 {
                        out.push((card(&self.tree, child.id.as_str()), Waiting::NotPulledYet { count }));
                    }
                }
            }
        }
        Ok(out)
    }

    /// Returns by `superior` of this unit's stars whose returned version is still the one
    /// this unit sends (not yet corrected and resubmitted), the latest per star.
    pub(crate) fn pending_returns(&self, superior: &str) -> Result<Vec<Return>> {
        let Ok(sup) = UnitId::parse(superior) else { return Ok(Vec::new()) };
        let state = self.archive.level_state(&sup, self.quarter)?;
        let current: BTreeMap<String, String> = match self.archive.outbox(&self.tree, &self.current, &self.unit_id(), self.quarter)? {
            Outbox::Ready(sealed) => sealed.into_iter().map(|s| (s.record.key(), s.content_hash)).collect(),
            Outbox::Waiting(_) => BTreeMap::new(),
        };
        let mut latest: BTreeMap<&str, &Return> = BTreeMap::new();
        for r in state.returns.iter().filter(|r| r.to == self.unit.id) {
            latest.insert(&r.key, r);
        }
        Ok(latest.into_values().filter(|r| current.get(&r.key) == Some(&r.hash)).cloned().collect())
    }

    /// Each pick rule of the level against the picks (per unit below for `each unit`).
    pub(crate) fn pick_checks(&self) -> Vec<PickCheck> {
        pick_checks(self, &self.state)
    }

    /// A held star by member id, name or key.
    pub(crate) fn held_star(&self, query: &str) -> Result<&Held> {
        if let Some(h) = self.state.held.get(query) {
            return Ok(h);
        }
        let found: Vec<&Held> = self.state.stars().filter(|h| h.sealed.record.member.id == query || h.sealed.record.member.name == query).collect();
        match found.as_slice() {
            [one] => Ok(one),
            [] => Err(Refusal::new(Kind::StarNotHeld {
                given: query.to_owned(),
                unit: self.unit.clone(),
                quarter: self.quarter,
                held: self.state.stars().map(star_ref).collect(),
            })
            .next(Hint::Pull { unit: self.unit_id(), quarter: self.quarter })),
            many => Err(Refusal::new(Kind::AmbiguousStar { given: query.to_owned(), keys: many.iter().map(|h| h.sealed.record.key()).collect() })),
        }
    }

    /// The member a key names, as held (the key itself when not held).
    pub(crate) fn star_by_key(&self, key: &str) -> MemberRef {
        match self.state.held.get(key) {
            Some(h) => star_ref(h),
            None => MemberRef { id: MemberId::known(key), name: key.to_owned() },
        }
    }

    /// What the Publish step publishes: the picks when the level picks before
    /// publishing, else every star in play.
    pub(crate) fn publishable(&self) -> Vec<String> {
        let picks_first = matches!((self.level.position(Step::Pick), self.level.position(Step::Publish)), (Some(p), Some(q)) if p < q);
        if picks_first {
            self.state.picks.iter().map(|(k, _)| k.clone()).collect()
        } else {
            self.state.in_play().map(|h| h.sealed.record.key()).collect()
        }
    }

    /// The record with the acting level's pick and its reason appended, when it picked it.
    pub(crate) fn with_own_pick(&self, record: &StarRecord) -> Option<StarRecord> {
        let reason = self.state.picked(&record.key())?;
        let rules = self.current.rules.picks_for(&self.level.id).iter().map(|r| format!("{} {}", r.rule.clause, r.rule.name)).collect();
        let mut record = record.clone();
        record.picks.push(PickNote { level: self.level.id.clone(), unit: self.unit.clone(), reason: reason.to_owned(), rules });
        Some(record)
    }
}

/// The pick rules of the level checked against `state`'s picks.
fn pick_checks(ctx: &LevelCtx, state: &LevelState) -> Vec<PickCheck> {
    let mut out = Vec::new();
    let mut by_unit: BTreeMap<String, i64> = BTreeMap::new();
    for h in state.in_play().filter(|h| h.recommended) {
        by_unit.entry(h.from.clone()).or_insert(0);
    }
    for (key, _) in &state.picks {
        if let Some(h) = state.held.get(key) {
            *by_unit.entry(h.from.clone()).or_insert(0) += 1;
        }
    }
    for rule in ctx.current.rules.picks_for(&ctx.level.id) {
        if rule.each_unit {
            for (unit, n) in &by_unit {
                out.push(PickCheck { rule: rule.rule.clone(), unit: Some(card(&ctx.tree, unit)), picked: *n, bound: rule.bound, holds: rule.bound.admits(*n) });
            }
        } else {
            let n = state.picks.len() as i64;
            out.push(PickCheck { rule: rule.rule.clone(), unit: None, picked: n, bound: rule.bound, holds: rule.bound.admits(n) });
        }
    }
    out
}

/// The check that would break an upper bound, were `state` the level's state.
pub(crate) fn over_bound(ctx: &LevelCtx, state: &LevelState) -> Option<PickCheck> {
    pick_checks(ctx, state).into_iter().find(|c| c.bound.upper().is_some_and(|n| c.picked > n))
}

pub(crate) fn star_ref(h: &Held) -> MemberRef {
    let m = &h.sealed.record.member;
    MemberRef { id: MemberId::known(m.id.clone()), name: m.name.clone() }
}

fn escalation_role_title(current: &Current, role: &str) -> String {
    current.escalation.roles.iter().find(|r| r.id == role).map(|r| r.title.clone()).unwrap_or_else(|| role.to_owned())
}

/// A record this level should take: one it does not hold, or a newer version of one
/// it holds (after a return). The same version again, even if it reads differently
/// (a name corrected in the roster since), is not taken twice.
pub(crate) fn is_news(held: Option<&Held>, sealed: &Sealed) -> bool {
    held.is_none_or(|h| h.sealed.content_hash != sealed.content_hash && sealed.record.version > h.sealed.record.version)
}

/// Levels whose units run quarters and do nothing between filing and forwarding.
pub(crate) fn forwards_by_quarter(current: &Current, level: &Level) -> bool {
    level.units.as_deref().is_some_and(|k| current.workflow.runs_in(k)) && !level.has(Step::Publish) && !level.has(Step::Pick)
}

impl Current {
    /// Whether the level's steps are taken by hand (`chain …`): not a level whose units
    /// run quarters and file and forward by finishing the quarter (a branch under a
    /// general branch), but one that publishes or picks between (a directly affiliated
    /// branch, the levels above).
    pub fn steps_by_hand(&self, level: &Level) -> bool {
        !forwards_by_quarter(self, level)
    }
}

impl Archive {
    /// What `unit` has sent upward for `quarter`.
    pub fn outbox(&self, tree: &OrgTree, current: &Current, unit: &UnitId, quarter: Quarter) -> Result<Outbox> {
        let Some(u) = tree.unit(unit.as_str()) else { return Ok(Outbox::Waiting(Waiting::NotInChain)) };
        let Some(level) = current.escalation.level_for_kind(&u.kind) else {
            return Ok(Outbox::Waiting(Waiting::NotInChain));
        };
        let state = self.level_state(unit, quarter)?;
        let mut sealed = if forwards_by_quarter(current, level) {
            if !self.quarters(unit)?.contains(&quarter) {
                return Ok(Outbox::Waiting(Waiting::QuarterNotOpened { quarter }));
            }
            match self.own_stars(tree, current, unit, quarter)? {
                Some(stars) => stars,
                None => return Ok(Outbox::Waiting(Waiting::QuarterNotReported)),
            }
        } else {
            match &state.forwarded {
                Some(f) => f.sealed.clone(),
                None => return Ok(Outbox::Waiting(Waiting::NotForwarded { level: LevelRef { id: level.id.clone(), title: level.title.clone() } })),
            }
        };
        for s in &mut sealed {
            if let Some(newer) = state.resubmitted.get(&s.record.key()) {
                *s = newer.clone();
            }
        }
        Ok(Outbox::Ready(sealed))
    }

    /// The stars of a branch's reported quarter as records; `None` while not reported.
    pub(crate) fn own_stars(&self, tree: &OrgTree, current: &Current, branch: &UnitId, quarter: Quarter) -> Result<Option<Vec<Sealed>>> {
        if !self.quarters(branch)?.contains(&quarter) {
            return Ok(None);
        }
        let ctx = self.quarter_ctx(Some(current), branch.as_str(), Some(quarter))?;
        let q = &ctx.q;
        if q.reported.is_none() {
            return Ok(None);
        }
        let rules = &ctx.rules;
        let role_label = |role: &str| {
            rules
                .field_enum("member", "role")
                .and_then(|e| e.variants.iter().find(|v| v.name == role))
                .and_then(|v| v.label.clone())
                .unwrap_or_else(|| role.to_owned())
        };
        let path: Vec<UnitRef> = tree.path(branch.as_str()).iter().map(|u| card(tree, u.id.as_str())).collect();
        let university = path.first().map(|u| u.name.clone()).unwrap_or_default();
        let clauses: Vec<String> = rules.exclusions().iter().map(|r| r.clause.clone()).collect();
        let mut out = Vec::new();
        for star in &q.stars {
            let Some(m) = ctx.roster.member(star.as_str()) else { continue };
            let (votes, ballots) = q
                .seating_round(star.as_str())
                .map(|r| {
                    let votes = r.selection.as_ref().and_then(|s| s.ranking.iter().find(|x| &x.member == star)).map(|x| x.votes).unwrap_or(0);
                    (votes, r.ballots())
                })
                .unwrap_or((0, 0));
            let deeds = q
                .deeds
                .get(star)
                .map(|ds| ds.iter().map(|d| DeedCard { kind: d.kind.as_str().to_owned(), date: d.date, text: d.text.clone(), form: d.form.map(|f| f.as_str().to_owned()) }).collect())
                .unwrap_or_default();
            out.push(Sealed::seal(StarRecord {
                quarter,
                university: university.clone(),
                unit_path: path.clone(),
                member: MemberCard { id: m.id.to_string(), name: m.name.clone(), identity: m.identity.clone(), role: role_label(&m.role) },
                deeds,
                comment: q.comments.get(star).cloned().unwrap_or_default(),
                votes,
                ballots,
                recorded_share: None,
                clauses_checked: clauses.clone(),
                rules: ctx.rules_hash.to_string(),
                version: 1,
                corrections: Vec::new(),
                picks: Vec::new(),
                no_pick: None,
            }));
        }
        Ok(Some(out))
    }
}

impl Shine {
    /// The role that acts for `unit` (resolved as every chain operation resolves it).
    pub fn level_role(&self, unit: Option<&str>) -> Result<crate::refs::RoleRef> {
        let tree = self.org()?;
        let (_, level, _) = placed(&tree, self.current(), unit)?;
        Ok(role_ref_of(self.current(), &level.role))
    }

    pub(crate) fn level(&self, unit: Option<&str>, quarter: Quarter, today: chrono::NaiveDate) -> Result<LevelCtx> {
        LevelCtx::load(self, self.current().clone(), At { unit: unit.map(str::to_owned), quarter, today })
    }

    pub(crate) fn on_level<O: super::Operation<LevelCtx>>(&self, actor: &Actor, unit: Option<&str>, quarter: Quarter, op: O) -> Result<O::Answer> {
        let at = At { unit: unit.map(str::to_owned), quarter, today: actor.today() };
        self.execute_current::<LevelCtx, O>(actor, (self.current().clone(), at), op)
    }

    /// Whether `puller` may pull what `from` sent: it must be the unit `from` reports to.
    pub fn may_pull(&self, puller: &str, from: &str) -> Result<bool> {
        let tree = self.org()?;
        let Some(unit) = tree.unit(from) else { return Ok(false) };
        Ok(match &unit.parent {
            Some(parent) => parent == puller,
            None => self.current().escalation.level_for_kind(&unit.kind).and_then(|l| l.reports_to.as_deref()) == Some(puller),
        })
    }

    /// Quarters in which this instance's top unit has chain records, oldest first.
    pub fn chain_quarters(&self) -> Result<Vec<Quarter>> {
        let tree = self.org()?;
        let unit = tree.root().map(|r| r.id.clone()).unwrap_or_else(|| UnitId::known(self.current().escalation.top_level().id.clone()));
        Ok(self.store().chain_quarters(&unit)?)
    }
}

/// A role of the escalation file (or the quarter workflow) by id, with its title.
pub(crate) fn role_ref_of(current: &Current, role: &str) -> crate::refs::RoleRef {
    match current.escalation.roles.iter().find(|r| r.id == role) {
        Some(r) => crate::refs::RoleRef { id: r.id.clone(), title: r.title.clone() },
        None => role_ref(&current.workflow, role),
    }
}
