//! Returns and resubmissions: a level sends a star back to the unit it came from with
//! a reason (within one store, or to another instance by telling it over HTTP first);
//! the unit corrects it and sends a new version, with the correction on record.

use super::{star_ref, LevelCtx, LevelGate, Outbox};
use crate::domain::{Actor, Quarter, UnitId};
use crate::event::Action;
use crate::ops::{nonempty, Decided, Operation, Plan, Shine, Subject};
use crate::refs::MemberRef;
use crate::refusal::{Hint, Kind, LevelAct, Refusal, Result, Text, Thing};
use crate::star::{Correction, Sealed};
use crate::state::level::{Return, Standing};
use crate::store::Scope;

/// A return checked against the level's state, not yet written.
struct ReturnStar {
    member: String,
    reason: String,
}

impl ReturnStar {
    fn check(self, ctx: &LevelCtx, actor: &Actor) -> Result<Return> {
        ctx.not_forwarded()?;
        let reason = nonempty(&self.reason, Text::ReturnReason)?;
        let h = ctx.held_star(&self.member)?;
        if h.standing != Standing::Held {
            return Err(Refusal::new(Kind::NotInPlay { star: star_ref(h), standing: h.standing.clone() }).next(ctx.chain_status_hint()));
        }
        if h.from == ctx.unit.id {
            return Err(Kind::OwnStar { star: star_ref(h) }.into());
        }
        Ok(Return { key: h.sealed.record.key(), to: h.from.clone(), reason, at: actor.at, hash: h.sealed.content_hash.clone() })
    }
}

impl Operation<LevelCtx> for ReturnStar {
    type Answer = Return;

    fn gate(&self) -> LevelGate {
        LevelGate::Role(LevelAct::Return)
    }

    fn decide(self, ctx: &LevelCtx, actor: &Actor) -> Result<Decided<Return>> {
        let r = self.check(ctx, actor)?;
        if ctx.tree.unit(&r.to).is_none() {
            return Err(Refusal::new(Kind::ReturnNeedsToken { star: ctx.star_by_key(&r.key), to: r.to.clone() }).next(Hint::ReturnWithToken));
        }
        Ok(Decided::new(ctx.plan(vec![returned(&r)]), r))
    }
}

/// The same star, in the same version, sent back to the same unit.
fn same_return(a: &Return, b: &Return) -> bool {
    a.key == b.key && a.hash == b.hash && a.to == b.to
}

fn returned(r: &Return) -> Action {
    Action::StarReturned { key: r.key.clone(), to: r.to.clone(), reason: r.reason.clone(), hash: r.hash.clone() }
}

struct Resubmit {
    member: String,
    reason: String,
    comment: Option<String>,
}

impl Operation<LevelCtx> for Resubmit {
    type Answer = Sealed;

    fn gate(&self) -> LevelGate {
        LevelGate::Role(LevelAct::Resubmit)
    }

    fn decide(self, ctx: &LevelCtx, _: &Actor) -> Result<Decided<Sealed>> {
        let reason = nonempty(&self.reason, Text::CorrectionReason)?;
        let sup = ctx.superior.clone().ok_or_else(|| Refusal::new(Kind::TopLevel { level: ctx.level_ref() }))?;
        let pending = ctx.pending_returns(&sup.id)?;
        let outbox = match ctx.archive.outbox(&ctx.tree, &ctx.current, &ctx.unit_id(), ctx.quarter)? {
            Outbox::Ready(sealed) => sealed,
            Outbox::Waiting(why) => return Err(Kind::NothingSent { unit: ctx.unit.clone(), why }.into()),
        };
        let m = &self.member;
        let current = outbox
            .into_iter()
            .find(|s| s.record.member.id == *m || s.record.member.name == *m || s.record.key() == *m)
            .ok_or_else(|| Refusal::new(Kind::NotFound { what: Thing::SentRecord, given: m.clone() }).next(ctx.chain_status_hint()))?;
        let key = current.record.key();
        let star = MemberRef { id: crate::domain::MemberId::known(current.record.member.id.clone()), name: current.record.member.name.clone() };
        let ret = pending.iter().find(|r| r.key == key).ok_or_else(|| Refusal::new(Kind::NotReturned { star }).next(Hint::AwaitReturn))?;
        let mut record = current.record.clone();
        record.version += 1;
        if let Some(c) = &self.comment {
            record.comment = nonempty(c, Text::Comment)?;
        }
        record.corrections.push(Correction { version: record.version, returned_by: sup, returned_for: ret.reason.clone(), reason: reason.clone() });
        let sealed = Sealed::seal(record);
        Ok(Decided::new(ctx.plan(vec![Action::StarResubmitted { sealed: sealed.clone(), reason }]), sealed))
    }
}

impl Shine {
    /// Send a star back to the unit it came from, with the reason.
    pub fn return_star(&self, actor: &Actor, unit: Option<&str>, quarter: Quarter, member: &str, reason: &str) -> Result<Return> {
        self.on_level(actor, unit, quarter, ReturnStar { member: member.to_owned(), reason: reason.to_owned() })
    }

    /// Check that a held star can be sent back to where it came from, and say how:
    /// nothing is written. For a star from another instance the caller tells that
    /// instance first, then calls [`Shine::record_return`].
    pub fn prepare_return(&self, actor: &Actor, unit: Option<&str>, quarter: Quarter, member: &str, reason: &str) -> Result<Return> {
        let ctx = self.level(unit, quarter, actor.today())?;
        ctx.admit(actor, LevelGate::Role(LevelAct::Return))?;
        ReturnStar { member: member.to_owned(), reason: reason.to_owned() }.check(&ctx, actor)
    }

    /// Write a return prepared by [`Shine::prepare_return`].
    /// Recording the same return again (a repeated command) changes nothing.
    pub fn record_return(&self, actor: &Actor, unit: Option<&str>, quarter: Quarter, r: &Return) -> Result<()> {
        let _write = self.store().exclusive();
        let ctx = self.level(unit, quarter, actor.today())?;
        if ctx.state.returns.iter().any(|x| same_return(x, r)) {
            return Ok(());
        }
        self.commit(actor, ctx.plan(vec![returned(r)]))
    }

    /// A return sent by the level above this instance's top (over HTTP): recorded where
    /// that level's decisions are kept in this store, `chain/<superior>/<quarter>`, so
    /// that the top unit sees it and can resubmit. Repeating it changes nothing.
    pub fn accept_return(&self, actor: &Actor, superior: &str, quarter: Quarter, key: &str, reason: &str) -> Result<Return> {
        let _write = self.store().exclusive();
        let reason = nonempty(reason, Text::ReturnReason)?;
        let tree = self.org()?;
        let top = match tree.root() {
            Some(r) if self.may_pull(superior, r.id.as_str())? => r.clone(),
            _ => return Err(Kind::NotOurSuperior { given: superior.to_owned() }.into()),
        };
        let sealed = match self.outbox(&tree, self.current(), &top.id, quarter)? {
            Outbox::Ready(sealed) => sealed,
            Outbox::Waiting(why) => return Err(Kind::NothingSent { unit: super::card(&tree, top.id.as_str()), why }.into()),
        };
        let current = sealed
            .iter()
            .find(|s| s.record.key() == key)
            .ok_or_else(|| Refusal::new(Kind::NotFound { what: Thing::SentRecord, given: key.to_owned() }))?;
        let r = Return { key: key.to_owned(), to: top.id.to_string(), reason, at: actor.at, hash: current.content_hash.clone() };
        let sup = UnitId::parse(superior).map_err(|_| Refusal::new(Kind::NotOurSuperior { given: superior.to_owned() }))?;
        let already = self.level_state(&sup, quarter)?;
        if already.returns.iter().any(|x| same_return(x, &r)) {
            return Ok(r);
        }
        self.commit(actor, Plan::event(Scope::Chain(sup, quarter), None, vec![returned(&r)]))?;
        Ok(r)
    }

    /// Correct a returned star and send it again: a new version, with the correction on record.
    pub fn resubmit(&self, actor: &Actor, unit: Option<&str>, quarter: Quarter, member: &str, reason: &str, comment: Option<&str>) -> Result<Sealed> {
        let op = Resubmit { member: member.to_owned(), reason: reason.to_owned(), comment: comment.map(str::to_owned) };
        self.on_level(actor, unit, quarter, op)
    }
}
