//! The operations of a level of the chain (§4.2.b, §4.3.b–d): pull from the units
//! below, file, publish with an objection window, record and decide objections, pick
//! with a written reason, return for correction and resubmit, forward upward.
//!
//! Which steps a level has, in which order, and which role takes them come from the
//! escalation workflow file; how many may be picked and how long the window runs come
//! from the rules. A step can be taken only when every step before it is done; each
//! operation is one event in the level's scope `chain/<unit>/<quarter>`.

use super::days::window_end;
use super::level::{Held, LevelState, Objection, Publication, Return, Standing};
use super::record::{Correction, DeedCard, MemberCard, PickNote, Sealed, StarRecord, UnitCard};
use crate::error::{invalid, not_now, Result, ShineError};
use crate::event::{Action, Actor};
use crate::org::{OrgTree, UnitKind};
use crate::quarter::quarter_dates;
use crate::rules::{PickBound, RuleInfo, RuleSet};
use crate::service::Shine;
use crate::store::Writes;
use crate::workflow::{Action as Step, Escalation, Level, Sending};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where a unit stands in the chain: its level, whom it reports to.
struct Placed {
    unit: UnitCard,
    level: Level,
    superior: Option<UnitCard>,
    tree: Arc<OrgTree>,
    escalation: Arc<Escalation>,
}

/// The unit acting at a level, with what it needs to act.
struct Acting {
    unit: UnitCard,
    level: Level,
    /// Where it sends: a unit of the tree, or the level above the tree's top.
    superior: Option<UnitCard>,
    quarter: String,
    scope: String,
    state: Arc<LevelState>,
    tree: Arc<OrgTree>,
    rules: Arc<RuleSet>,
    escalation: Arc<Escalation>,
}

/// What a unit below has sent up, or why nothing yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outbox", rename_all = "snake_case")]
pub enum Outbox {
    Ready { sealed: Vec<Sealed> },
    Waiting { reason: String },
}

/// One step of a level, done or not, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepState {
    pub action: Step,
    pub title: String,
    pub clause: String,
    pub done: bool,
    /// What is missing, in words, when not done.
    pub missing: Vec<String>,
}

/// A pick rule checked against the picks (per unit for `each unit` rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickCheck {
    pub rule: RuleInfo,
    pub unit: Option<UnitCard>,
    pub picked: i64,
    pub bound: PickBound,
    pub holds: bool,
}

/// A held star as a level sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Where a level's quarter stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelStatus {
    pub unit: UnitCard,
    pub level: String,
    pub level_title: String,
    pub role: String,
    pub quarter: String,
    pub superior: Option<UnitCard>,
    pub steps: Vec<StepState>,
    pub stars: Vec<StarView>,
    /// Units below that have not sent their stars yet, with the reason.
    pub waiting: Vec<(UnitCard, String)>,
    pub publication: Option<Publication>,
    pub picks: Vec<PickCheck>,
    /// Returns of this unit's own stars by the level above, not yet resubmitted.
    pub returned: Vec<Return>,
    pub forwarded: Option<(String, usize, String)>,
}

/// What a pull brought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pulled {
    pub unit: UnitCard,
    pub quarter: String,
    pub received: Vec<StarView>,
    /// Already held with the same content: not taken twice.
    pub unchanged: usize,
    pub waiting: Vec<(UnitCard, String)>,
}

/// What the public page shows for one instance and quarter (§4.3.c): published stars
/// whose objection window has closed, without a standing objection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Display {
    pub unit: UnitCard,
    pub level_title: String,
    pub quarter: String,
    pub published_on: Option<NaiveDate>,
    pub window_until: Option<NaiveDate>,
    pub stars: Vec<StarRecord>,
}

fn chain_scope(unit: &str, quarter: &str) -> String {
    format!("chain/{unit}/{quarter}")
}

fn checked_quarter(quarter: &str) -> Result<String> {
    quarter_dates(quarter)
        .map(|(id, ..)| id)
        .ok_or_else(|| invalid(format!("`{quarter}` 不是有效的季度"), "季度写作 `2026Q4`（2026 年第四季度）"))
}

fn card(id: &str, name: &str) -> UnitCard {
    UnitCard { id: id.to_owned(), name: name.to_owned() }
}

fn nonempty(text: &str, what: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid(format!("{what}不能为空"), format!("写明{what}，它会记入台帐并随推荐上报")));
    }
    Ok(text.to_owned())
}

impl Shine {
    fn escalation(&self) -> Result<Arc<Escalation>> {
        Ok(self.current_checked()?.escalation.clone())
    }

    /// The unit acting: `unit` from the tree, or by default the tree's top unit; with no
    /// tree at all (an instance of the provincial committee), the top level of the chain.
    fn placed(&self, unit: Option<&str>) -> Result<Placed> {
        let escalation = self.escalation()?;
        let tree = self.org()?;
        let top = escalation.top_level().clone();
        let (unit, level, superior) = match unit.or_else(|| tree.root().map(|r| r.id.as_str())) {
            Some(id) if id == top.id && tree.unit(id).is_none() => (card(&top.id, &top.title), top, None),
            Some(id) => {
                let u = tree.unit(id).ok_or_else(|| ShineError::NotFound {
                    kind: "组织",
                    id: id.to_owned(),
                    help: "用 `shine org list` 查看现有组织".into(),
                })?;
                let level = escalation.level_for_kind(u.kind.id()).cloned().ok_or_else(|| {
                    invalid(format!("「{}」不在上报链中", u.name), "检查 workflows/escalation.ron 中各层级的 units")
                })?;
                let superior = match tree.parent_of(id) {
                    Some(p) => Some(card(&p.id, &p.name)),
                    None => level.reports_to.as_deref().and_then(|l| escalation.level(l)).map(|l| card(&l.id, &l.title)),
                };
                (card(&u.id, &u.name), level, superior)
            }
            None => (card(&top.id, &top.title), top, None),
        };
        Ok(Placed { unit, level, superior, tree, escalation })
    }

    /// The role that acts for `unit` (resolved as every chain operation resolves it).
    pub fn level_role(&self, unit: Option<&str>) -> Result<String> {
        Ok(self.placed(unit)?.level.role)
    }

    fn acting(&self, unit: Option<&str>, quarter: &str) -> Result<Acting> {
        let quarter = checked_quarter(quarter)?;
        let rules = self.current_rules()?;
        let Placed { unit, level, superior, tree, escalation } = self.placed(unit)?;
        let scope = chain_scope(&unit.id, &quarter);
        let events = self.store().events(&scope)?;
        let state = Arc::new(LevelState::fold(&events));
        Ok(Acting { unit, level, superior, quarter, scope, state, tree, rules, escalation })
    }

    fn commit_chain(&self, a: &Acting, actor: &Actor, actions: Vec<Action>) -> Result<()> {
        let mut w = Writes::default();
        self.store().stage(&mut w, &a.scope, actor, Some(a.rules.hash()), actions)?;
        self.store().commit(w)?;
        Ok(())
    }

    fn check_level_role(&self, a: &Acting, actor: &Actor, step: &str) -> Result<()> {
        if actor.role == a.level.role {
            return Ok(());
        }
        let title = a.escalation.roles.iter().find(|r| r.id == a.level.role).map(|r| r.title.as_str()).unwrap_or("");
        Err(not_now(
            format!("「{}」的「{step}」由{title}办理，当前身份是 `{}`", a.unit.name, actor.role),
            format!("以 `--as {}` 运行", a.level.role),
        ))
    }

    /// Refuse unless the level has `step`, it is not forwarded yet, and every step before it is done.
    fn ready_for(&self, a: &Acting, actor: &Actor, step: Step, today: NaiveDate) -> Result<String> {
        let Some(at) = a.level.position(step) else {
            return Err(not_now(
                format!("{}（{}）没有这一步", a.level.title, a.unit.name),
                format!("{}的步骤：{}", a.level.title, a.level.steps.iter().map(|s| s.title.as_str()).collect::<Vec<_>>().join(" → ")),
            ));
        };
        let title = a.level.steps[at].title.clone();
        self.check_level_role(a, actor, &title)?;
        if let Some(f) = &a.state.forwarded {
            let to = a.superior.as_ref().map(|s| s.name.as_str()).unwrap_or(&f.to);
            return Err(not_now(
                format!("「{}」{} 季度已于 {} 报送「{to}」，不能再「{title}」", a.unit.name, a.quarter, day_of(&f.at)),
                "已报送的记录只能由上级退回后更正再报",
            ));
        }
        let steps = self.step_states(a, today)?;
        if let Some(before) = steps[..at].iter().find(|s| !s.done) {
            return Err(not_now(
                format!("「{title}」之前还要先完成「{}」（{}）：{}", before.title, before.clause, before.missing.join("；")),
                "用 `shine chain status` 查看各步骤",
            ));
        }
        Ok(title)
    }

    // ---- what the units below sent ---------------------------------------------------

    /// What `unit` has sent upward for `quarter`.
    pub fn outbox(&self, unit: &str, quarter: &str) -> Result<Outbox> {
        let quarter = checked_quarter(quarter)?;
        let escalation = self.escalation()?;
        let tree = self.org()?;
        let u = tree.unit(unit).ok_or_else(|| ShineError::NotFound {
            kind: "组织",
            id: unit.to_owned(),
            help: "用 `shine org list` 查看现有组织".into(),
        })?;
        let Some(level) = escalation.level_for_kind(u.kind.id()) else {
            return Ok(Outbox::Waiting { reason: format!("「{}」不在上报链中", u.name) });
        };
        let state = LevelState::fold(&self.store().events(&chain_scope(unit, &quarter))?);
        let mut sealed = if forwards_by_quarter(level) {
            if !self.quarters(unit)?.contains(&quarter) {
                return Ok(Outbox::Waiting { reason: format!("{quarter} 季度尚未开启") });
            }
            match self.own_stars(&tree, unit, &quarter)? {
                Some(stars) => stars,
                None => return Ok(Outbox::Waiting { reason: "季度评选结果尚未报送".into() }),
            }
        } else {
            match &state.forwarded {
                Some(f) => f.sealed.clone(),
                None => return Ok(Outbox::Waiting { reason: format!("{}尚未报送", level.title) }),
            }
        };
        for s in &mut sealed {
            if let Some(newer) = state.resubmitted.get(&s.record.key()) {
                *s = newer.clone();
            }
        }
        Ok(Outbox::Ready { sealed })
    }

    /// The stars of a branch's reported quarter as records; `None` while not reported.
    fn own_stars(&self, tree: &OrgTree, branch: &str, quarter: &str) -> Result<Option<Vec<Sealed>>> {
        let q = self.quarter_state(branch, quarter)?;
        if q.reported_to.is_none() {
            return Ok(None);
        }
        let roster = self.roster(branch)?;
        let rules = self.rules_by_hash(&q.rules)?;
        let role_label = |role: &str| {
            rules
                .field_enum("member", "role")
                .and_then(|e| e.variants.iter().find(|v| v.name == role))
                .and_then(|v| v.label.clone())
                .unwrap_or_else(|| role.to_owned())
        };
        let path: Vec<UnitCard> = tree.path(branch).iter().map(|u| card(&u.id, &u.name)).collect();
        let university = path.first().map(|u| u.name.clone()).unwrap_or_default();
        let clauses: Vec<String> = rules.exclusions().iter().map(|r| r.clause.clone()).collect();
        let mut out = Vec::new();
        for star in &q.stars {
            let Some(m) = roster.member(star) else { continue };
            let (votes, ballots) = q
                .rounds
                .iter()
                .find_map(|r| {
                    let sel = r.selection.as_ref()?;
                    if !sel.seated.contains(star) {
                        return None;
                    }
                    let votes = sel.ranking.iter().find(|x| &x.member == star).map(|x| x.votes).unwrap_or(0);
                    let ballots = r.totals.as_ref().map(|t| t.0).unwrap_or(r.voted.len() as i64);
                    Some((votes, ballots))
                })
                .unwrap_or((0, 0));
            let share = if ballots > 0 { format!("{:.1}%", votes as f64 * 100.0 / ballots as f64) } else { "—".into() };
            let deeds = q
                .deeds
                .get(star)
                .map(|ds| ds.iter().map(|d| DeedCard { kind: d.kind.as_str().to_owned(), date: d.date, text: d.text.clone() }).collect())
                .unwrap_or_default();
            out.push(Sealed::seal(StarRecord {
                quarter: quarter.to_owned(),
                university: university.clone(),
                unit_path: path.clone(),
                member: MemberCard { id: m.id.clone(), name: m.name.clone(), identity: m.identity.clone(), role: role_label(&m.role) },
                deeds,
                comment: q.comments.get(star).cloned().unwrap_or_default(),
                votes,
                ballots,
                share,
                clauses_checked: clauses.clone(),
                rules: q.rules.clone(),
                version: 1,
                corrections: Vec::new(),
                picks: Vec::new(),
            }));
        }
        Ok(Some(out))
    }

    // ---- steps ---------------------------------------------------------------------

    fn step_states(&self, a: &Acting, today: NaiveDate) -> Result<Vec<StepState>> {
        let waiting = self.waiting(a)?;
        // A branch files and forwards through its quarter: the ledger and the report.
        let by_quarter = forwards_by_quarter(&a.level);
        let reported = by_quarter
            && self.quarters(&a.unit.id)?.contains(&a.quarter)
            && self.own_stars(&a.tree, &a.unit.id, &a.quarter)?.is_some();
        let picks = self.pick_checks(a);
        let mut out = Vec::new();
        for step in &a.level.steps {
            let mut missing = Vec::new();
            match step.action {
                Step::Receive => {
                    if a.state.pulls == 0 {
                        missing.push("还没有汇总下级报送（shine pull）".into());
                    }
                    for (u, why) in &waiting {
                        missing.push(format!("「{}」{why}", u.name));
                    }
                    for h in a.state.stars() {
                        if let Standing::Returned { reason } = &h.standing {
                            let to = a.tree.unit(&h.from).map(|u| u.name.as_str()).unwrap_or(&h.from);
                            missing.push(format!("{} 已退回「{to}」更正（{reason}），待重新报送", h.sealed.record.member.name));
                        }
                    }
                }
                Step::File | Step::Forward if by_quarter => {
                    if !reported {
                        missing.push("季度评选尚未完成并报送（shine advance）".into());
                    }
                }
                Step::File => {
                    if a.state.filed.is_none() {
                        missing.push("尚未备案".into());
                    }
                }
                Step::Publish => match &a.state.publication {
                    None => missing.push("尚未公示".into()),
                    Some(p) => {
                        let set = publishable(a);
                        let unpublished: Vec<String> =
                            set.iter().filter(|k| !p.keys.contains(k)).map(|k| name_of(a, k)).collect();
                        if !unpublished.is_empty() {
                            missing.push(format!("{} 未在公示名单中，需重新公示", unpublished.join("、")));
                        }
                        if !p.closed(today) {
                            missing.push(format!("公示期至 {} 结束", p.until));
                        }
                        for o in a.state.objections.iter().filter(|o| o.decision.is_none()) {
                            missing.push(format!("对 {} 的异议尚待处理（{}）", name_of(a, &o.key), o.reason));
                        }
                    }
                },
                Step::Pick => {
                    for c in picks.iter().filter(|c| !c.holds) {
                        let whose = c.unit.as_ref().map(|u| format!("「{}」", u.name)).unwrap_or_default();
                        missing.push(format!(
                            "{}{whose}应推荐{}，现为 {} 名（{}）",
                            c.rule.clause,
                            c.bound.describe(),
                            c.picked,
                            c.rule.text
                        ));
                    }
                }
                Step::Forward => {
                    if a.state.forwarded.is_none() {
                        missing.push("尚未报送".into());
                    }
                }
            }
            out.push(StepState {
                action: step.action,
                title: step.title.clone(),
                clause: step.clause.clone(),
                done: missing.is_empty(),
                missing,
            });
        }
        Ok(out)
    }

    /// Units below that have not sent what they have, or whose latest is not held yet.
    fn waiting(&self, a: &Acting) -> Result<Vec<(UnitCard, String)>> {
        let mut out = Vec::new();
        if !a.level.has(Step::Receive) {
            return Ok(out);
        }
        for child in a.tree.order.iter().filter_map(|id| a.tree.unit(id)) {
            if child.parent.as_deref() != Some(a.unit.id.as_str()) {
                continue;
            }
            match self.outbox(&child.id, &a.quarter)? {
                Outbox::Waiting { reason } => out.push((card(&child.id, &child.name), reason)),
                Outbox::Ready { sealed } => {
                    let n = sealed.iter().filter(|s| is_news(a.state.held.get(&s.record.key()), s)).count();
                    if n > 0 {
                        out.push((card(&child.id, &child.name), format!("有 {n} 条报送尚未汇总")));
                    }
                }
            }
        }
        Ok(out)
    }

    fn pick_checks(&self, a: &Acting) -> Vec<PickCheck> {
        let mut out = Vec::new();
        let mut by_unit: BTreeMap<String, i64> = BTreeMap::new();
        for h in a.state.in_play().filter(|h| h.recommended) {
            by_unit.entry(h.from.clone()).or_insert(0);
        }
        for (key, _) in &a.state.picks {
            if let Some(h) = a.state.held.get(key) {
                *by_unit.entry(h.from.clone()).or_insert(0) += 1;
            }
        }
        for rule in a.rules.picks_for(&a.level.id) {
            if rule.each_unit {
                for (unit, n) in &by_unit {
                    let name = a.tree.unit(unit).map(|u| u.name.clone()).unwrap_or_else(|| unit.clone());
                    out.push(PickCheck {
                        rule: rule.rule.clone(),
                        unit: Some(card(unit, &name)),
                        picked: *n,
                        bound: rule.bound,
                        holds: rule.bound.admits(*n),
                    });
                }
            } else {
                let n = a.state.picks.len() as i64;
                out.push(PickCheck { rule: rule.rule.clone(), unit: None, picked: n, bound: rule.bound, holds: rule.bound.admits(n) });
            }
        }
        out
    }

    fn view(&self, a: &Acting, h: &Held) -> StarView {
        let key = h.sealed.record.key();
        StarView {
            published: a.state.publication.as_ref().is_some_and(|p| p.keys.contains(&key)),
            objection: a.state.objections.iter().rev().find(|o| o.key == key).cloned(),
            picked: a.state.picked(&key).map(str::to_owned),
            record: h.sealed.record.clone(),
            content_hash: h.sealed.content_hash.clone(),
            from: h.from.clone(),
            recommended: h.recommended,
            standing: h.standing.clone(),
            versions: h.versions.len(),
            key,
        }
    }

    /// A held star by member id, name or key.
    fn held_star<'a>(&self, a: &'a Acting, query: &str) -> Result<&'a Held> {
        if let Some(h) = a.state.held.get(query) {
            return Ok(h);
        }
        let found: Vec<&Held> =
            a.state.stars().filter(|h| h.sealed.record.member.id == query || h.sealed.record.member.name == query).collect();
        match found.as_slice() {
            [one] => Ok(one),
            [] => Err(ShineError::NotFound {
                kind: "推荐对象",
                id: query.to_owned(),
                help: format!("「{}」{} 季度汇总的推荐对象：{}", a.unit.name, a.quarter, names(a)),
            }),
            many => Err(invalid(
                format!("「{query}」对应 {} 名推荐对象", many.len()),
                format!("改用编号：{}", many.iter().map(|h| h.sealed.record.key()).collect::<Vec<_>>().join("、")),
            )),
        }
    }

    // ---- operations ------------------------------------------------------------------

    /// Where a level's quarter stands.
    pub fn level_status(&self, unit: Option<&str>, quarter: &str, today: NaiveDate) -> Result<LevelStatus> {
        let a = self.acting(unit, quarter)?;
        let returned = match &a.superior {
            Some(sup) => self.pending_returns(&a, &sup.id)?,
            None => Vec::new(),
        };
        // A branch holds nothing from below: it shows what it sent up.
        let stars = if forwards_by_quarter(&a.level) {
            match self.outbox(&a.unit.id, &a.quarter)? {
                Outbox::Ready { sealed } => sealed
                    .into_iter()
                    .map(|sealed| StarView {
                        key: sealed.record.key(),
                        content_hash: sealed.content_hash.clone(),
                        from: a.unit.id.clone(),
                        recommended: true,
                        standing: Standing::Held,
                        versions: sealed.record.version as usize,
                        published: false,
                        objection: None,
                        picked: None,
                        record: sealed.record,
                    })
                    .collect(),
                Outbox::Waiting { .. } => Vec::new(),
            }
        } else {
            a.state.stars().map(|h| self.view(&a, h)).collect()
        };
        Ok(LevelStatus {
            steps: self.step_states(&a, today)?,
            stars,
            waiting: self.waiting(&a)?,
            publication: a.state.publication.clone(),
            picks: self.pick_checks(&a),
            forwarded: a.state.forwarded.as_ref().map(|f| (f.to.clone(), f.sealed.len(), f.at.clone())),
            level: a.level.id.clone(),
            level_title: a.level.title.clone(),
            role: a.level.role.clone(),
            unit: a.unit.clone(),
            quarter: a.quarter.clone(),
            superior: a.superior.clone(),
            returned,
        })
    }

    /// Returns by `superior` of this unit's stars whose returned version is still the one
    /// this unit sends (not yet corrected and resubmitted), the latest per star.
    fn pending_returns(&self, a: &Acting, superior: &str) -> Result<Vec<Return>> {
        let sup = LevelState::fold(&self.store().events(&chain_scope(superior, &a.quarter))?);
        let current: BTreeMap<String, String> = match self.outbox(&a.unit.id, &a.quarter)? {
            Outbox::Ready { sealed } => sealed.into_iter().map(|s| (s.record.key(), s.content_hash)).collect(),
            Outbox::Waiting { .. } => BTreeMap::new(),
        };
        let mut latest: BTreeMap<&str, &Return> = BTreeMap::new();
        for r in sup.returns.iter().filter(|r| r.to == a.unit.id) {
            latest.insert(&r.key, r);
        }
        Ok(latest.into_values().filter(|r| current.get(&r.key) == Some(&r.hash)).cloned().collect())
    }

    /// Pull what the units below have sent (§4.2.b). Records already held with the same
    /// content are not taken twice; a new version replaces one that was returned.
    pub fn pull(&self, actor: &Actor, unit: Option<&str>, quarter: &str) -> Result<Pulled> {
        let a = self.acting(unit, quarter)?;
        self.ready_to_receive(&a, actor)?;
        let mut batch: Vec<(String, Sealed, bool)> = Vec::new();
        let mut waiting = Vec::new();
        let mut from = Vec::new();
        for child in a.tree.order.iter().filter_map(|id| a.tree.unit(id)) {
            if child.parent.as_deref() != Some(a.unit.id.as_str()) {
                continue;
            }
            let child_level = a.escalation.level_for_kind(child.kind.id()).cloned();
            match self.outbox(&child.id, &a.quarter)? {
                Outbox::Waiting { reason } => waiting.push((card(&child.id, &child.name), reason)),
                Outbox::Ready { sealed } => {
                    from.push(child.id.clone());
                    for s in sealed {
                        let recommended = child_level.as_ref().is_none_or(|l| {
                            !l.has(Step::Pick) || s.record.picks.last().is_some_and(|p| p.level == l.id)
                        });
                        batch.push((child.id.clone(), s, recommended));
                    }
                }
            }
        }
        self.receive(&a, actor, from, batch, waiting)
    }

    /// Take records pulled from another instance at `from` (its address). Every
    /// record's content hash is checked first; one that does not match refuses the lot.
    pub fn receive_remote(&self, actor: &Actor, unit: Option<&str>, quarter: &str, from: &str, sealed: Vec<Sealed>) -> Result<Pulled> {
        let a = self.acting(unit, quarter)?;
        self.ready_to_receive(&a, actor)?;
        if let Some(bad) = sealed.iter().find(|s| !s.intact()) {
            return Err(ShineError::Tampered {
                what: format!("{} 的推荐记录（{}）", bad.record.member.name, bad.record.key()),
                from: from.to_owned(),
            });
        }
        if let Some(other) = sealed.iter().find(|s| s.record.quarter != a.quarter) {
            return Err(invalid(
                format!("收到的记录属于 {} 季度，而不是 {}", other.record.quarter, a.quarter),
                "对方返回了错误季度的数据，本次未保存任何记录",
            ));
        }
        let batch = sealed.into_iter().map(|s| (from.to_owned(), s, true)).collect();
        self.receive(&a, actor, vec![from.to_owned()], batch, Vec::new())
    }

    /// Receiving is open until the level forwards; it may repeat (a later report, a
    /// resubmitted star) and so does not wait on the steps after it.
    fn ready_to_receive(&self, a: &Acting, actor: &Actor) -> Result<()> {
        let Some(step) = a.level.step(Step::Receive) else {
            return Err(not_now(format!("{}（{}）不汇总下级报送", a.level.title, a.unit.name), "党支部的结果由季度流程报送（shine advance）"));
        };
        self.check_level_role(a, actor, &step.title)?;
        if a.state.forwarded.is_some() {
            return Err(not_now(format!("「{}」{} 季度已报送，不再汇总", a.unit.name, a.quarter), "已报送的记录只能由上级退回后更正再报"));
        }
        Ok(())
    }

    fn receive(
        &self,
        a: &Acting,
        actor: &Actor,
        from: Vec<String>,
        batch: Vec<(String, Sealed, bool)>,
        waiting: Vec<(UnitCard, String)>,
    ) -> Result<Pulled> {
        let mut actions = Vec::new();
        let mut unchanged = 0;
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (source, sealed, recommended) in batch {
            if !sealed.intact() {
                return Err(ShineError::Tampered { what: format!("{} 的推荐记录", sealed.record.member.name), from: source });
            }
            let key = sealed.record.key();
            if seen.insert(key.clone(), sealed.content_hash.clone()).is_some() {
                continue;
            }
            if is_news(a.state.held.get(&key), &sealed) {
                actions.push(Action::StarReceived { from: source, sealed, recommended });
            } else {
                unchanged += 1;
            }
        }
        let received = actions.len();
        actions.push(Action::StarsPulled { from, received });
        self.commit_chain(a, actor, actions)?;
        let after = self.acting(Some(&a.unit.id), &a.quarter).or_else(|_| self.acting(None, &a.quarter))?;
        let received = after
            .state
            .stars()
            .filter(|h| a.state.held.get(&h.sealed.record.key()).is_none_or(|old| old.sealed.content_hash != h.sealed.content_hash))
            .map(|h| self.view(&after, h))
            .collect();
        Ok(Pulled { unit: a.unit.clone(), quarter: a.quarter.clone(), received, unchanged, waiting })
    }

    /// File what the level holds (备案). A level that runs quarters itself files its
    /// own reported stars here.
    pub fn file(&self, actor: &Actor, unit: Option<&str>, quarter: &str, today: NaiveDate) -> Result<usize> {
        let a = self.acting(unit, quarter)?;
        self.ready_for(&a, actor, Step::File, today)?;
        if a.state.filed.is_some() {
            return Err(not_now(format!("「{}」{} 季度已备案", a.unit.name, a.quarter), "继续下一步：shine chain status"));
        }
        let mut actions = Vec::new();
        if !a.level.has(Step::Receive) {
            let own = self.own_stars(&a.tree, &a.unit.id, &a.quarter)?.ok_or_else(|| {
                not_now(format!("「{}」{} 季度评选尚未完成", a.unit.name, a.quarter), "先用 `shine advance` 完成季度评选并报送")
            })?;
            for sealed in own {
                actions.push(Action::StarReceived { from: a.unit.id.clone(), sealed, recommended: true });
            }
        }
        let count = a.state.in_play().count() + actions.len();
        actions.push(Action::StarsFiled { count });
        self.commit_chain(&a, actor, actions)?;
        Ok(count)
    }

    /// Publish with the objection window of the publicity rule (§4.3.b).
    pub fn publish(&self, actor: &Actor, unit: Option<&str>, quarter: &str, today: NaiveDate) -> Result<Publication> {
        let a = self.acting(unit, quarter)?;
        self.ready_for(&a, actor, Step::Publish, today)?;
        let keys = publishable(&a);
        if keys.is_empty() {
            return Err(not_now(format!("「{}」{} 季度没有可公示的对象", a.unit.name, a.quarter), "先汇总（shine pull）或推荐（shine chain pick）"));
        }
        if let Some(p) = &a.state.publication {
            if keys.iter().all(|k| p.keys.contains(k)) {
                return Err(not_now(format!("已于 {} 公示，公示期至 {}", p.on, p.until), "公示期结束后继续下一步"));
            }
        }
        let rule = a.rules.publicity().ok_or_else(|| {
            invalid("规则中没有公示期（publicity）规则", "在 rules/ 中加入 `publicity … N working days`")
        })?;
        let until = window_end(today, rule.working_days);
        let publication = Publication { on: today, until, keys: keys.clone(), rule: rule.rule.name.clone() };
        self.commit_chain(&a, actor, vec![Action::Published { on: today, until, keys, rule: rule.rule.name.clone() }])?;
        Ok(publication)
    }

    /// Record an objection raised in the window; it holds the star until decided.
    pub fn object(&self, actor: &Actor, unit: Option<&str>, quarter: &str, member: &str, reason: &str, today: NaiveDate) -> Result<Objection> {
        let a = self.acting(unit, quarter)?;
        self.check_level_role(&a, actor, "受理异议")?;
        let reason = nonempty(reason, "异议内容")?;
        let h = self.held_star(&a, member)?;
        let key = h.sealed.record.key();
        let p = a.state.publication.as_ref().filter(|p| p.keys.contains(&key)).ok_or_else(|| {
            not_now(format!("{} 尚未公示", h.sealed.record.member.name), "异议在公示期内提出")
        })?;
        if p.closed(today) {
            return Err(not_now(format!("公示期已于 {} 结束", p.until), "公示期外的意见请按信访程序处理"));
        }
        if a.state.objected(&key).is_some() {
            return Err(not_now(format!("对 {} 已有待处理的异议", h.sealed.record.member.name), "先用 `shine chain decide` 处理"));
        }
        self.commit_chain(&a, actor, vec![Action::ObjectionRaised { key: key.clone(), on: today, reason: reason.clone() }])?;
        Ok(Objection { key, on: today, reason, by: actor.who.clone(), decision: None })
    }

    /// Decide an objection: upheld withdraws the star, dismissed releases it.
    pub fn decide(&self, actor: &Actor, unit: Option<&str>, quarter: &str, member: &str, upheld: bool, reason: &str) -> Result<()> {
        let a = self.acting(unit, quarter)?;
        self.check_level_role(&a, actor, "处理异议")?;
        let reason = nonempty(reason, "处理意见")?;
        let h = self.held_star(&a, member)?;
        let key = h.sealed.record.key();
        if a.state.objected(&key).is_none() {
            return Err(not_now(format!("对 {} 没有待处理的异议", h.sealed.record.member.name), "用 `shine chain status` 查看"));
        }
        self.commit_chain(&a, actor, vec![Action::ObjectionDecided { key, upheld, reason }])
    }

    /// Pick a star with a written reason (§4.3.d), within the pick rules' bounds.
    pub fn pick(&self, actor: &Actor, unit: Option<&str>, quarter: &str, member: &str, reason: &str, today: NaiveDate) -> Result<Vec<PickCheck>> {
        let a = self.acting(unit, quarter)?;
        self.ready_for(&a, actor, Step::Pick, today)?;
        let reason = nonempty(reason, "推荐理由")?;
        let h = self.held_star(&a, member)?;
        let key = h.sealed.record.key();
        let name = h.sealed.record.member.name.clone();
        if h.standing != Standing::Held {
            return Err(not_now(format!("{name} 已退回或已撤销，不能推荐"), "用 `shine chain status` 查看"));
        }
        if !h.recommended {
            return Err(not_now(
                format!("{name} 不是「{}」推荐的典型，只能从下级推荐的对象中遴选", h.from),
                "只能推荐下级推荐上来的对象",
            ));
        }
        if a.state.objected(&key).is_some() {
            return Err(not_now(format!("{name} 有待处理的异议"), "异议处理后再推荐"));
        }
        if a.level.position(Step::Publish) < a.level.position(Step::Pick)
            && !a.state.publication.as_ref().is_some_and(|p| p.keys.contains(&key))
        {
            return Err(not_now(format!("{name} 未经公示"), "公示期结束后再推荐"));
        }
        if a.state.picked(&key).is_some() {
            return Err(not_now(format!("{name} 已在推荐名单中"), "要更改理由，先撤回（shine chain pick --undo）再推荐"));
        }
        // Refuse a pick that would break an upper bound now; lower bounds wait for forwarding.
        let mut trial = (*a.state).clone();
        trial.picks.push((key.clone(), reason.clone()));
        let after = Acting { state: Arc::new(trial), ..a };
        let checks = self.pick_checks(&after);
        let over = checks.iter().find(|c| match c.bound {
            PickBound::AtMost(n) | PickBound::Exactly(n) => c.picked > n,
            PickBound::AtLeast(_) => false,
        });
        if let Some(c) = over {
            let whose = c.unit.as_ref().map(|u| format!("「{}」", u.name)).unwrap_or_default();
            return Err(not_now(
                format!("推荐 {name} 后{whose}将有 {} 名，超出{}：{}（{}）", c.picked, c.bound.describe(), c.rule.text, c.rule.clause),
                "先撤回一名（shine chain pick --undo），或由管理员修改 rules/ 中的 pick 规则",
            ));
        }
        self.commit_chain(&after, actor, vec![Action::StarPicked { key, reason }])?;
        Ok(checks)
    }

    /// Withdraw a pick.
    pub fn unpick(&self, actor: &Actor, unit: Option<&str>, quarter: &str, member: &str, today: NaiveDate) -> Result<()> {
        let a = self.acting(unit, quarter)?;
        self.ready_for(&a, actor, Step::Pick, today)?;
        let h = self.held_star(&a, member)?;
        let key = h.sealed.record.key();
        if a.state.picked(&key).is_none() {
            return Err(not_now(format!("{} 不在推荐名单中", h.sealed.record.member.name), "用 `shine chain status` 查看"));
        }
        self.commit_chain(&a, actor, vec![Action::PickWithdrawn { key }])
    }

    /// Send a star back to the unit it came from, with the reason.
    pub fn return_star(&self, actor: &Actor, unit: Option<&str>, quarter: &str, member: &str, reason: &str) -> Result<Return> {
        let r = self.prepare_return(actor, unit, quarter, member, reason)?;
        let a = self.acting(unit, quarter)?;
        if a.tree.unit(&r.to).is_none() {
            return Err(not_now(
                format!("{} 来自另一实例（{}），退回须同时通知对方", name_of(&a, &r.key), r.to),
                "用 `shine chain return … --token <对方为本单位发放的凭据>` 退回",
            ));
        }
        self.record_return(actor, unit, quarter, &r)?;
        Ok(r)
    }

    /// Check that a held star can be sent back to where it came from, and say how:
    /// nothing is written. For a star from another instance the caller tells that
    /// instance first, then calls [`Shine::record_return`].
    pub fn prepare_return(&self, actor: &Actor, unit: Option<&str>, quarter: &str, member: &str, reason: &str) -> Result<Return> {
        let a = self.acting(unit, quarter)?;
        self.check_level_role(&a, actor, "退回更正")?;
        if a.state.forwarded.is_some() {
            return Err(not_now(format!("「{}」{} 季度已报送", a.unit.name, a.quarter), "已报送后不能再退回"));
        }
        let reason = nonempty(reason, "退回理由")?;
        let h = self.held_star(&a, member)?;
        if h.standing != Standing::Held {
            return Err(not_now(format!("{} 已退回或已撤销", h.sealed.record.member.name), "用 `shine chain status` 查看"));
        }
        if h.from == a.unit.id {
            return Err(not_now(format!("{} 是本单位自己的推荐", h.sealed.record.member.name), "本单位的记录无需退回"));
        }
        Ok(Return { key: h.sealed.record.key(), to: h.from.clone(), reason, at: actor.at.clone(), hash: h.sealed.content_hash.clone() })
    }

    /// Write a return prepared by [`Shine::prepare_return`].
    pub fn record_return(&self, actor: &Actor, unit: Option<&str>, quarter: &str, r: &Return) -> Result<()> {
        let a = self.acting(unit, quarter)?;
        self.commit_chain(&a, actor, vec![Action::StarReturned {
            key: r.key.clone(),
            to: r.to.clone(),
            reason: r.reason.clone(),
            hash: r.hash.clone(),
        }])
    }

    /// A return sent by the level above this instance's top (over HTTP): recorded where
    /// that level's decisions are kept in this store, `chain/<superior>/<quarter>`, so
    /// that the top unit sees it and can resubmit. Repeating it changes nothing.
    pub fn accept_return(&self, actor: &Actor, superior: &str, quarter: &str, key: &str, reason: &str) -> Result<Return> {
        let quarter = checked_quarter(quarter)?;
        let reason = nonempty(reason, "退回理由")?;
        let tree = self.org()?;
        let Some(top) = tree.root().filter(|r| self.may_pull(superior, &r.id).unwrap_or(false)) else {
            return Err(invalid(format!("`{superior}` 不是本校党委的上级"), "只有本校党委报送的上级可以退回"));
        };
        let sealed = match self.outbox(&top.id, &quarter)? {
            Outbox::Ready { sealed } => sealed,
            Outbox::Waiting { reason } => return Err(not_now(reason, "尚未报送的推荐无需退回")),
        };
        let current = sealed.iter().find(|s| s.record.key() == key).ok_or_else(|| ShineError::NotFound {
            kind: "报送记录",
            id: key.to_owned(),
            help: "只能退回本校报送的推荐".into(),
        })?;
        let r = Return { key: key.to_owned(), to: top.id.clone(), reason, at: actor.at.clone(), hash: current.content_hash.clone() };
        let scope = chain_scope(superior, &quarter);
        let already = LevelState::fold(&self.store().events(&scope)?);
        if already.returns.iter().any(|x| x.key == r.key && x.hash == r.hash && x.to == r.to) {
            return Ok(r);
        }
        let mut w = Writes::default();
        self.store().stage(&mut w, &scope, actor, None, vec![Action::StarReturned {
            key: r.key.clone(),
            to: r.to.clone(),
            reason: r.reason.clone(),
            hash: r.hash.clone(),
        }])?;
        self.store().commit(w)?;
        Ok(r)
    }

    /// Correct a returned star and send it again: a new version, with the correction on record.
    pub fn resubmit(&self, actor: &Actor, unit: Option<&str>, quarter: &str, member: &str, reason: &str, comment: Option<&str>) -> Result<Sealed> {
        let a = self.acting(unit, quarter)?;
        self.check_level_role(&a, actor, "更正后重新报送")?;
        let reason = nonempty(reason, "更正说明")?;
        let sup = a.superior.clone().ok_or_else(|| not_now("最高层级没有上级可报", "—"))?;
        let pending = self.pending_returns(&a, &sup.id)?;
        let outbox = match self.outbox(&a.unit.id, &a.quarter)? {
            Outbox::Ready { sealed } => sealed,
            Outbox::Waiting { reason } => return Err(not_now(reason, "尚未报送，无需更正")),
        };
        let current = outbox
            .into_iter()
            .find(|s| s.record.member.id == member || s.record.member.name == member || s.record.key() == member)
            .ok_or_else(|| ShineError::NotFound { kind: "报送记录", id: member.to_owned(), help: "用 `shine chain status` 查看本单位报送的记录".into() })?;
        let key = current.record.key();
        let ret = pending.iter().find(|r| r.key == key).ok_or_else(|| {
            not_now(format!("{} 没有被上级退回", current.record.member.name), "只有被退回的记录才能更正后重新报送")
        })?;
        let mut record = current.record.clone();
        record.version += 1;
        if let Some(c) = comment {
            record.comment = nonempty(c, "点评")?;
        }
        record.corrections.push(Correction { version: record.version, returned_by: sup, returned_for: ret.reason.clone(), reason: reason.clone() });
        let sealed = Sealed::seal(record);
        self.commit_chain(&a, actor, vec![Action::StarResubmitted { sealed: sealed.clone(), reason }])?;
        Ok(sealed)
    }

    /// Forward upward: everything held with the picks marked, or only the picks.
    pub fn forward(&self, actor: &Actor, unit: Option<&str>, quarter: &str, today: NaiveDate) -> Result<(UnitCard, Vec<Sealed>)> {
        let a = self.acting(unit, quarter)?;
        if forwards_by_quarter(&a.level) {
            return Err(not_now(format!("{}的结果由季度流程报送", a.level.title), "用 `shine advance` 完成季度评选并报送"));
        }
        self.ready_for(&a, actor, Step::Forward, today)?;
        let to = a.superior.clone().ok_or_else(|| not_now(format!("{}是最高层级，没有上级可报", a.level.title), "—"))?;
        let sending = a.level.step(Step::Forward).and_then(|s| s.send).unwrap_or(Sending::All);
        let mut sealed = Vec::new();
        for h in a.state.in_play() {
            match with_own_pick(&a, &h.sealed.record) {
                Some(record) => sealed.push(Sealed::seal(record)),
                None if sending == Sending::Picked => continue,
                None => sealed.push(h.sealed.clone()),
            }
        }
        self.commit_chain(&a, actor, vec![Action::StarsForwarded { to: to.id.clone(), sealed: sealed.clone() }])?;
        Ok((to, sealed))
    }

    /// Whether `puller` may pull what `from` sent: it must be the unit `from` reports to.
    pub fn may_pull(&self, puller: &str, from: &str) -> Result<bool> {
        let tree = self.org()?;
        let escalation = self.escalation()?;
        let Some(unit) = tree.unit(from) else { return Ok(false) };
        Ok(match &unit.parent {
            Some(parent) => parent == puller,
            None => escalation.level_for_kind(unit.kind.id()).and_then(|l| l.reports_to.as_deref()) == Some(puller),
        })
    }

    /// The public display of this instance's top unit for a quarter (§4.3.c).
    pub fn display(&self, quarter: &str, today: NaiveDate) -> Result<Display> {
        let a = self.acting(None, quarter)?;
        let p = a.state.publication.clone();
        let stars = match &p {
            Some(p) if p.closed(today) => p
                .keys
                .iter()
                .filter_map(|k| a.state.held.get(k))
                .filter(|h| h.standing == Standing::Held && a.state.objected(&h.sealed.record.key()).is_none())
                // The public reads why this level chose the star, as its superior would.
                .map(|h| with_own_pick(&a, &h.sealed.record).unwrap_or_else(|| h.sealed.record.clone()))
                .collect(),
            _ => Vec::new(),
        };
        Ok(Display {
            unit: a.unit.clone(),
            level_title: a.level.title.clone(),
            quarter: a.quarter.clone(),
            published_on: p.as_ref().map(|p| p.on),
            window_until: p.as_ref().map(|p| p.until),
            stars,
        })
    }

    /// Quarters in which this instance's top unit has chain records, oldest first.
    pub fn chain_quarters(&self) -> Result<Vec<String>> {
        let escalation = self.escalation()?;
        let tree = self.org()?;
        let unit = tree.root().map(|r| r.id.clone()).unwrap_or_else(|| escalation.top_level().id.clone());
        let prefix = format!("chain/{unit}/");
        Ok(self.store().scopes(&prefix)?.into_iter().map(|s| s[prefix.len()..].to_owned()).collect())
    }
}

/// One level a star passed on its way up, as that level recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailStep {
    pub unit: UnitCard,
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
    /// Where a branch's star went above the branch in `quarter`, lowest level first;
    /// empty while no level above has received it.
    pub fn star_trail(&self, branch: &str, quarter: &str, member: &str) -> Result<Vec<TrailStep>> {
        let tree = self.org()?;
        let escalation = self.escalation()?;
        let path = tree.path(branch);
        let university = path.first().map(|u| u.name.clone()).unwrap_or_default();
        let key = format!("{university}/{branch}/{member}");
        let mut out = Vec::new();
        for unit in path.iter().rev() {
            let state = LevelState::fold(&self.store().events(&chain_scope(&unit.id, quarter))?);
            let Some(held) = state.held.get(&key) else { continue };
            let title = escalation.level_for_kind(unit.kind.id()).map(|l| l.title.clone()).unwrap_or_default();
            out.push(TrailStep {
                unit: card(&unit.id, &unit.name),
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

/// A record this level should take: one it does not hold, or a newer version of one it
/// holds (after a return). The same version again, even if it reads differently (a
/// name corrected in the roster since), is not taken twice.
fn is_news(held: Option<&Held>, sealed: &Sealed) -> bool {
    held.is_none_or(|h| h.sealed.content_hash != sealed.content_hash && sealed.record.version > h.sealed.record.version)
}

/// Levels whose units run quarters and do nothing between filing and forwarding: the
/// quarter workflow's report is their forwarding.
fn forwards_by_quarter(level: &Level) -> bool {
    level.units.as_deref().and_then(UnitKind::from_id).is_some_and(UnitKind::runs_quarters) && !level.has(Step::Publish) && !level.has(Step::Pick)
}

/// The record with the acting level's pick and its reason appended, when it picked it.
fn with_own_pick(a: &Acting, record: &StarRecord) -> Option<StarRecord> {
    let reason = a.state.picked(&record.key())?;
    let rules = a.rules.picks_for(&a.level.id).iter().map(|r| format!("{} {}", r.rule.clause, r.rule.name)).collect();
    let mut record = record.clone();
    record.picks.push(PickNote { level: a.level.id.clone(), unit: a.unit.clone(), reason: reason.to_owned(), rules });
    Some(record)
}

/// What the Publish step publishes: the picks when the level picks before publishing,
/// else every star in play.
fn publishable(a: &Acting) -> Vec<String> {
    let picks_first = matches!((a.level.position(Step::Pick), a.level.position(Step::Publish)), (Some(p), Some(q)) if p < q);
    if picks_first {
        a.state.picks.iter().map(|(k, _)| k.clone()).collect()
    } else {
        a.state.in_play().map(|h| h.sealed.record.key()).collect()
    }
}

/// The date of an RFC 3339 time, as shown in messages.
fn day_of(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}

fn name_of(a: &Acting, key: &str) -> String {
    a.state.held.get(key).map(|h| h.sealed.record.member.name.clone()).unwrap_or_else(|| key.to_owned())
}

fn names(a: &Acting) -> String {
    let all: Vec<String> = a.state.stars().map(|h| h.sealed.record.member.name.clone()).collect();
    if all.is_empty() {
        "（暂无，先运行 `shine pull`）".into()
    } else {
        all.join("、")
    }
}
