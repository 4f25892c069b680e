//! A level's steps on what reached it: pull from the units below (or take what was
//! pulled from another instance), file, publish with an objection window, record and
//! decide objections, pick with a written reason within the pick rules' bounds, and
//! forward upward.

use super::views::{Pulled, StarView};
use super::{card, is_news, over_bound, star_ref, LevelCtx, LevelGate, Outbox};
use crate::domain::{Actor, Quarter};
use crate::event::Action;
use crate::ops::{nonempty, Decided, Operation, Shine, Subject};
use crate::refs::UnitRef;
use crate::refusal::{Hint, Kind, LevelAct, RecordCheck, Refusal, Result, Text};
use crate::star::NoPickNote;
use crate::star::{Sealed, UnitCard};
use crate::state::level::{LevelState, Objection, Publication, Standing};
use crate::workflow::{Action as Step, Sending};
use std::collections::BTreeMap;

/// Records from below, checked and deduplicated: what is new goes into one event.
struct Receive {
    from: Vec<String>,
    batch: Vec<(String, Sealed, bool)>,
    waiting: Vec<(UnitRef, crate::progress::Waiting)>,
}

impl Operation<LevelCtx> for Receive {
    type Answer = Pulled;

    fn gate(&self) -> LevelGate {
        LevelGate::Receive
    }

    fn decide(self, ctx: &LevelCtx, actor: &Actor) -> Result<Decided<Pulled>> {
        let mut actions = Vec::new();
        let mut unchanged = 0;
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut after: LevelState = (*ctx.state).clone();
        for (source, sealed, recommended) in self.batch {
            let key = sealed.record.key();
            if seen.insert(key.clone(), sealed.content_hash.clone()).is_some() {
                continue;
            }
            if is_news(ctx.state.held.get(&key), &sealed) {
                actions.push(Action::StarReceived { from: source, sealed, recommended });
            } else {
                unchanged += 1;
            }
        }
        let received = actions.len();
        // A pull that brings nothing new is recorded only as the first: repeating one
        // changes nothing.
        if received > 0 || ctx.state.pulls == 0 {
            actions.push(Action::StarsPulled { from: self.from, received });
        }
        let event = crate::event::Event {
            seq: 0,
            who: String::new(),
            role: String::new(),
            at: actor.at,
            rules: None,
            actions: actions.clone(),
        };
        crate::state::Fold::apply(&mut after, &event);
        let received: Vec<StarView> = after
            .stars()
            .filter(|h| ctx.state.held.get(&h.sealed.record.key()).is_none_or(|old| old.sealed.content_hash != h.sealed.content_hash))
            .map(|h| StarView::of(&after, h))
            .collect();
        let answer = Pulled { unit: ctx.unit.clone(), quarter: ctx.quarter, received, unchanged, waiting: self.waiting };
        Ok(Decided::new(ctx.plan(actions), answer))
    }
}

struct File;

impl Operation<LevelCtx> for File {
    type Answer = usize;

    fn gate(&self) -> LevelGate {
        LevelGate::Step(Step::File)
    }

    fn decide(self, ctx: &LevelCtx, _: &Actor) -> Result<Decided<usize>> {
        if ctx.state.filed.is_some() {
            return Err(Refusal::new(Kind::AlreadyFiled { unit: ctx.unit.clone(), quarter: ctx.quarter }).next(ctx.chain_status_hint()));
        }
        let mut actions = Vec::new();
        // A level that runs quarters itself files its own reported stars here.
        if !ctx.level.has(Step::Receive) {
            let own = ctx.archive.own_stars(&ctx.tree, &ctx.current, &ctx.unit_id(), ctx.quarter)?.ok_or_else(|| {
                Refusal::new(Kind::NothingSent { unit: ctx.unit.clone(), why: crate::progress::Waiting::QuarterNotReported })
                    .next(Hint::Advance { branch: ctx.unit_id() })
            })?;
            for sealed in own {
                actions.push(Action::StarReceived { from: ctx.unit.id.clone(), sealed, recommended: true });
            }
        }
        let count = ctx.state.in_play().count() + actions.len();
        actions.push(Action::StarsFiled { count });
        Ok(Decided::new(ctx.plan(actions), count))
    }
}

struct Publish;

impl Operation<LevelCtx> for Publish {
    type Answer = Publication;

    fn gate(&self) -> LevelGate {
        LevelGate::Step(Step::Publish)
    }

    fn decide(self, ctx: &LevelCtx, _: &Actor) -> Result<Decided<Publication>> {
        let keys = ctx.publishable();
        if keys.is_empty() {
            return Err(Refusal::new(Kind::NothingToPublish { unit: ctx.unit.clone(), quarter: ctx.quarter })
                .next(Hint::Pull { unit: ctx.unit_id(), quarter: ctx.quarter }));
        }
        if let Some(p) = &ctx.state.publication {
            if keys.iter().all(|k| p.keys.contains(k)) {
                return Err(Refusal::new(Kind::AlreadyPublished { on: p.on, until: p.until }).next(Hint::WaitForWindow { until: p.until }));
            }
        }
        let rule = ctx.current.rules.publicity().ok_or_else(|| Refusal::new(Kind::NoPublicityRule).next(Hint::CheckDefinitions))?;
        let today = ctx.today;
        let until = ctx
            .current
            .calendar
            .window_end(today, rule.working_days)
            .map_err(|missing| Refusal::new(Kind::CalendarNotCovered { missing }))?;
        let publication = Publication { on: today, until, keys: keys.clone(), rule: rule.rule.name.clone() };
        Ok(Decided::new(ctx.plan(vec![Action::Published { on: today, until, keys, rule: rule.rule.name.clone() }]), publication))
    }
}

struct Object {
    member: String,
    reason: String,
}

impl Operation<LevelCtx> for Object {
    type Answer = Objection;

    fn gate(&self) -> LevelGate {
        LevelGate::Role(LevelAct::Object)
    }

    fn decide(self, ctx: &LevelCtx, actor: &Actor) -> Result<Decided<Objection>> {
        let reason = nonempty(&self.reason, Text::ObjectionReason)?;
        let h = ctx.held_star(&self.member)?;
        let key = h.sealed.record.key();
        let p = ctx.state.publication.as_ref().filter(|p| p.keys.contains(&key)).ok_or_else(|| Refusal::new(Kind::NotPublished { star: star_ref(h) }))?;
        if p.closed(ctx.today) {
            return Err(Refusal::new(Kind::WindowClosed { until: p.until }).next(Hint::Petition));
        }
        if ctx.state.objected(&key).is_some() {
            return Err(Refusal::new(Kind::ObjectionPending { star: star_ref(h) }).next(Hint::Decide { unit: ctx.unit_id(), quarter: ctx.quarter }));
        }
        let objection = Objection { key: key.clone(), on: ctx.today, reason: reason.clone(), by: actor.who.clone(), decision: None };
        Ok(Decided::new(ctx.plan(vec![Action::ObjectionRaised { key, on: ctx.today, reason }]), objection))
    }
}

struct Decide {
    member: String,
    upheld: bool,
    reason: String,
}

impl Operation<LevelCtx> for Decide {
    type Answer = ();

    fn gate(&self) -> LevelGate {
        LevelGate::Role(LevelAct::Decide)
    }

    fn decide(self, ctx: &LevelCtx, _: &Actor) -> Result<Decided<()>> {
        let reason = nonempty(&self.reason, Text::DecisionReason)?;
        let h = ctx.held_star(&self.member)?;
        let key = h.sealed.record.key();
        if ctx.state.objected(&key).is_none() {
            return Err(Refusal::new(Kind::NoObjection { star: star_ref(h) }).next(ctx.chain_status_hint()));
        }
        Ok(Decided::new(ctx.plan(vec![Action::ObjectionDecided { key, upheld: self.upheld, reason }]), ()))
    }
}

struct Pick {
    member: String,
    reason: String,
}

impl Operation<LevelCtx> for Pick {
    type Answer = Vec<crate::progress::PickCheck>;

    fn gate(&self) -> LevelGate {
        LevelGate::Step(Step::Pick)
    }

    fn decide(self, ctx: &LevelCtx, _: &Actor) -> Result<Decided<Self::Answer>> {
        let reason = nonempty(&self.reason, Text::PickReason)?;
        let h = ctx.held_star(&self.member)?;
        let key = h.sealed.record.key();
        let star = star_ref(h);
        if h.standing != Standing::Held {
            return Err(Refusal::new(Kind::NotInPlay { star, standing: h.standing.clone() }).next(ctx.chain_status_hint()));
        }
        if !h.recommended {
            return Err(Kind::NotRecommended { star, from: card(&ctx.tree, &h.from) }.into());
        }
        if ctx.state.objected(&key).is_some() {
            return Err(Refusal::new(Kind::ObjectionPending { star }).next(Hint::Decide { unit: ctx.unit_id(), quarter: ctx.quarter }));
        }
        if ctx.level.position(Step::Publish) < ctx.level.position(Step::Pick) && !ctx.state.publication.as_ref().is_some_and(|p| p.keys.contains(&key)) {
            return Err(Kind::NotPublished { star }.into());
        }
        if ctx.state.picked(&key).is_some() {
            return Err(Refusal::new(Kind::AlreadyPicked { star }).next(Hint::WithdrawPick { unit: ctx.unit_id(), quarter: ctx.quarter }));
        }
        // Refuse a pick that would break an upper bound now; lower bounds wait for forwarding.
        let mut trial = (*ctx.state).clone();
        trial.picks.push((key.clone(), reason.clone()));
        if let Some(check) = over_bound(ctx, &trial) {
            return Err(Refusal::new(Kind::OverBound { star, check: Box::new(check.clone()) })
                .next(Hint::WithdrawPick { unit: ctx.unit_id(), quarter: ctx.quarter })
                .next(Hint::ChangeRule { rule: check.rule.name.clone() }));
        }
        let checks = super::pick_checks(ctx, &trial);
        Ok(Decided::new(ctx.plan(vec![Action::StarPicked { key, reason }]), checks))
    }
}

struct Unpick {
    member: String,
}

impl Operation<LevelCtx> for Unpick {
    type Answer = ();

    fn gate(&self) -> LevelGate {
        LevelGate::Step(Step::Pick)
    }

    fn decide(self, ctx: &LevelCtx, _: &Actor) -> Result<Decided<()>> {
        let h = ctx.held_star(&self.member)?;
        let key = h.sealed.record.key();
        if ctx.state.picked(&key).is_none() {
            return Err(Refusal::new(Kind::NotPicked { star: star_ref(h) }).next(ctx.chain_status_hint()));
        }
        Ok(Decided::new(ctx.plan(vec![Action::PickWithdrawn { key }]), ()))
    }
}

struct Forward {
    /// Why the level picked fewer than its `in principle` pick rule expects.
    no_pick_reason: Option<String>,
}

impl Operation<LevelCtx> for Forward {
    type Answer = (UnitRef, Vec<Sealed>);

    fn gate(&self) -> LevelGate {
        LevelGate::Step(Step::Forward)
    }

    fn decide(self, ctx: &LevelCtx, _: &Actor) -> Result<Decided<Self::Answer>> {
        let to = ctx.superior.clone().ok_or_else(|| Refusal::new(Kind::TopLevel { level: ctx.level_ref() }))?;
        let sending = ctx.level.step(Step::Forward).and_then(|s| s.send).unwrap_or(Sending::All);
        // The reason travels upward on every record the level sends.
        let note = ctx.state.no_pick_reason.as_ref().map(|reason| NoPickNote { level: ctx.level.id.clone(), unit: ctx.unit.clone(), reason: reason.clone() });
        let mut sealed = Vec::new();
        for h in ctx.state.in_play() {
            let record = match ctx.with_own_pick(&h.sealed.record) {
                Some(record) => record,
                None if sending == Sending::Picked => continue,
                None if note.is_none() => {
                    sealed.push(h.sealed.clone());
                    continue;
                }
                None => h.sealed.record.clone(),
            };
            let mut record = record;
            if note.is_some() {
                record.no_pick.clone_from(&note);
            }
            sealed.push(Sealed::seal(record));
        }
        let mut actions = Vec::new();
        if let Some(reason) = self.no_pick_reason.filter(|_| ctx.state.forwarded.is_none()) {
            actions.push(Action::NoPickReasoned { reason });
        }
        actions.push(Action::StarsForwarded { to: to.id.clone(), sealed: sealed.clone() });
        Ok(Decided::new(ctx.plan(actions), (to, sealed)))
    }
}

impl Shine {
    /// Pull what the units below have sent (§4.2.b). Records already held with the same
    /// content are not taken twice; a new version replaces one that was returned.
    pub fn pull(&self, actor: &Actor, unit: Option<&str>, quarter: Quarter) -> Result<Pulled> {
        let _write = self.store().exclusive();
        let ctx = self.level(unit, quarter, actor.today())?;
        ctx.admit(actor, LevelGate::Receive)?;
        let mut batch = Vec::new();
        let mut waiting = Vec::new();
        let mut from = Vec::new();
        for child in ctx.tree.children(&ctx.unit.id) {
            let child_level = self.current().escalation.level_for_kind(&child.kind).cloned();
            match self.outbox(&ctx.tree, self.current(), &child.id, quarter)? {
                Outbox::Waiting(why) => waiting.push((card(&ctx.tree, child.id.as_str()), why)),
                Outbox::Ready(sealed) => {
                    from.push(child.id.to_string());
                    for s in sealed {
                        let recommended =
                            child_level.as_ref().is_none_or(|l| !l.has(Step::Pick) || s.record.picks.last().is_some_and(|p| p.level == l.id));
                        batch.push((child.id.to_string(), s, recommended));
                    }
                }
            }
        }
        self.run_on(&ctx, actor, Receive { from, batch, waiting })
    }

    /// Take records pulled from another instance at `from` (its address). Every
    /// record's content hash is checked first; one that does not match refuses the lot.
    pub fn receive_remote(
        &self,
        actor: &Actor,
        unit: Option<&str>,
        quarter: Quarter,
        from: &str,
        source: &UnitCard,
        sealed: Vec<Sealed>,
    ) -> Result<Pulled> {
        let _write = self.store().exclusive();
        let ctx = self.level(unit, quarter, actor.today())?;
        ctx.admit(actor, LevelGate::Receive)?;
        if let Some(bad) = sealed.iter().find(|s| !s.intact()) {
            let m = &bad.record.member;
            return Err(Refusal::new(Kind::Tampered {
                star: crate::refs::MemberRef { id: crate::domain::MemberId::known(m.id.clone()), name: m.name.clone() },
                key: bad.record.key(),
                from: from.to_owned(),
            })
            .next(Hint::AskSender { from: from.to_owned() }));
        }
        if let Some(other) = sealed.iter().find(|s| s.record.quarter != quarter) {
            return Err(Refusal::new(Kind::WrongQuarter { got: other.record.quarter, expected: quarter }).next(Hint::AskSender { from: from.to_owned() }));
        }
        recheck(&ctx, from, source, &sealed)?;
        let batch = sealed.into_iter().map(|s| (from.to_owned(), s, true)).collect();
        self.run_on(&ctx, actor, Receive { from: vec![from.to_owned()], batch, waiting: Vec::new() })
    }

    /// File what the level holds (备案).
    pub fn file(&self, actor: &Actor, unit: Option<&str>, quarter: Quarter) -> Result<usize> {
        self.on_level(actor, unit, quarter, File)
    }

    /// Publish with the objection window of the publicity rule (§4.3.b).
    pub fn publish(&self, actor: &Actor, unit: Option<&str>, quarter: Quarter) -> Result<Publication> {
        self.on_level(actor, unit, quarter, Publish)
    }

    /// Record an objection raised in the window; it holds the star until decided.
    pub fn object(&self, actor: &Actor, unit: Option<&str>, quarter: Quarter, member: &str, reason: &str) -> Result<Objection> {
        self.on_level(actor, unit, quarter, Object { member: member.to_owned(), reason: reason.to_owned() })
    }

    /// Decide an objection: upheld withdraws the star, dismissed releases it.
    pub fn decide(&self, actor: &Actor, unit: Option<&str>, quarter: Quarter, member: &str, upheld: bool, reason: &str) -> Result<()> {
        self.on_level(actor, unit, quarter, Decide { member: member.to_owned(), upheld, reason: reason.to_owned() })
    }

    /// Pick a star with a written reason (§4.3.d), within the pick rules' bounds.
    pub fn pick(&self, actor: &Actor, unit: Option<&str>, quarter: Quarter, member: &str, reason: &str) -> Result<Vec<crate::progress::PickCheck>> {
        self.on_level(actor, unit, quarter, Pick { member: member.to_owned(), reason: reason.to_owned() })
    }

    /// Withdraw a pick.
    pub fn unpick(&self, actor: &Actor, unit: Option<&str>, quarter: Quarter, member: &str) -> Result<()> {
        self.on_level(actor, unit, quarter, Unpick { member: member.to_owned() })
    }

    /// Forward upward: everything held with the picks marked, or only the picks. A
    /// level that picked fewer than its `in principle` pick rule expects gives the
    /// reason (`no_pick_reason`), recorded with the forward and carried on every
    /// record it sends; the number of picks never blocks it otherwise.
    pub fn forward(&self, actor: &Actor, unit: Option<&str>, quarter: Quarter, no_pick_reason: Option<&str>) -> Result<(UnitRef, Vec<Sealed>)> {
        let _write = self.store().exclusive();
        let mut ctx = self.level(unit, quarter, actor.today())?;
        if ctx.forwards_by_quarter() {
            return Err(Refusal::new(Kind::ReportsByQuarter { level: ctx.level_ref() }).next(Hint::Advance { branch: ctx.unit_id() }));
        }
        let reason = match no_pick_reason {
            Some(r) if ctx.state.forwarded.is_none() => {
                let reason = nonempty(r, Text::PickReason)?;
                let wanting: Vec<_> = ctx.pick_checks().into_iter().filter(|c| c.bound.wants_reason(c.picked)).collect();
                if wanting.is_empty() {
                    return Err(Refusal::new(Kind::NoPickReasonNotWanted { unit: ctx.unit.clone() }).next(ctx.chain_status_hint()));
                }
                // Checked with the reason in place, written in the same batch as the forward.
                std::sync::Arc::make_mut(&mut ctx.state).no_pick_reason = Some(reason.clone());
                Some(reason)
            }
            _ => None,
        };
        self.run_on(&ctx, actor, Forward { no_pick_reason: reason })
    }
}

/// What the receiving level can check in records from another instance beyond their
/// hashes (which a holder of the credential can recompute): counts that can be true,
/// the share they imply, units it expects from that source, and no more stars than the
/// sending level's pick rules allow. The first record that fails refuses the page.
fn recheck(ctx: &LevelCtx, from: &str, source: &UnitCard, sealed: &[Sealed]) -> Result<()> {
    let refuse = |s: &Sealed, check: RecordCheck| {
        let r = &s.record;
        Refusal::new(Kind::Implausible {
            star: crate::refs::MemberRef { id: crate::domain::MemberId::known(r.member.id.clone()), name: r.member.name.clone() },
            key: r.key(),
            unit: r.branch().cloned(),
            from: from.to_owned(),
            check,
        })
        .next(Hint::AskSender { from: from.to_owned() })
    };
    // The unit this source was first pulled for: a source does not change its unit.
    let registered = ctx.state.stars().find(|h| h.from == from).and_then(|h| h.sealed.record.unit_path.first().cloned());
    let expected = registered.as_ref().unwrap_or(source);
    let below: Vec<&str> = ctx.tree.children(&ctx.unit.id).map(|u| u.id.as_str()).collect();
    let in_tree = ctx.tree.unit(&ctx.unit.id).is_some();
    for s in sealed {
        let r = &s.record;
        if r.votes < 0 || r.ballots < 0 || r.votes > r.ballots {
            return Err(refuse(s, RecordCheck::Counts { votes: r.votes, ballots: r.ballots }));
        }
        if let Some(recorded) = &r.recorded_share {
            if !share_holds(recorded, r.votes, r.ballots) {
                return Err(refuse(s, RecordCheck::Share { recorded: recorded.clone(), votes: r.votes, ballots: r.ballots }));
            }
        }
        let Some(top) = r.unit_path.first() else { return Err(refuse(s, RecordCheck::NoUnitPath)) };
        if r.university != top.name {
            return Err(refuse(s, RecordCheck::University { university: r.university.clone(), top: top.clone() }));
        }
        if in_tree {
            if !r.unit_path.iter().any(|u| below.contains(&u.id.as_str())) {
                return Err(refuse(s, RecordCheck::NotBelow { receiver: ctx.unit.clone(), path: r.unit_path.clone() }));
            }
        } else if top.id != expected.id || top.name != expected.name {
            return Err(refuse(s, RecordCheck::OtherSource { top: top.clone(), expected: expected.clone() }));
        }
    }
    // The levels that send to this one; their pick rules bound what they send.
    let senders: Vec<&crate::workflow::Level> =
        ctx.current.escalation.levels.iter().filter(|l| l.reports_to.as_deref() == Some(ctx.level.id.as_str())).collect();
    let [sender] = senders.as_slice() else { return Ok(()) };
    if in_tree {
        return Ok(());
    }
    let sends_picked = sender.step(Step::Forward).and_then(|f| f.send) == Some(Sending::Picked);
    if sends_picked {
        if let Some(s) = sealed.iter().find(|s| !s.record.picks.iter().any(|p| p.level == sender.id)) {
            return Err(refuse(s, RecordCheck::NotPicked { level: crate::refs::LevelRef { id: sender.id.clone(), title: sender.title.clone() } }));
        }
    }
    // Every star from this source after this page, by key: held ones and the page's.
    let mut stars: BTreeMap<String, &Sealed> = BTreeMap::new();
    for h in ctx.state.stars().filter(|h| h.from == from) {
        stars.insert(h.sealed.record.key(), &h.sealed);
    }
    for s in sealed {
        stars.insert(s.record.key(), s);
    }
    let newest = |key: &str| sealed.iter().find(|s| s.record.key() == key);
    for rule in ctx.current.rules.picks_for(&sender.id) {
        let Some(bound) = rule.bound.upper() else { continue };
        let mut counts: BTreeMap<Option<String>, (i64, &Sealed)> = BTreeMap::new();
        for (key, s) in &stars {
            // With `each unit`, by the unit directly below the sender (the path's second).
            let group = if rule.each_unit { s.record.unit_path.get(1).map(|u| u.id.clone()) } else { None };
            let entry = counts.entry(group).or_insert((0, newest(key).unwrap_or(s)));
            entry.0 += 1;
            if let Some(n) = newest(key) {
                entry.1 = n;
            }
        }
        for (group, (sent, s)) in counts {
            if sent > bound {
                let unit = group.and_then(|g| s.record.unit_path.iter().find(|u| u.id == g).cloned());
                return Err(refuse(s, RecordCheck::OverBound { rule: rule.rule.clone(), unit, sent, bound: rule.bound }));
            }
        }
    }
    Ok(())
}

/// A share as records carried it (`75.0%`) agrees with `votes / ballots` to its one
/// decimal; without ballots it may only say that there is none.
fn share_holds(recorded: &str, votes: i64, ballots: i64) -> bool {
    let number = recorded.trim().strip_suffix('%').and_then(|n| n.trim().parse::<f64>().ok());
    match number {
        Some(x) if ballots > 0 => (x - votes as f64 * 100.0 / ballots as f64).abs() <= 0.051,
        Some(_) => false,
        None => ballots == 0,
    }
}
