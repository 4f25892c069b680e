//! Aggregates: `count`, `any`, `all` and `streak` over a member's or the branch's
//! list as native loops over the element type, and the per-member memo that lets
//! several rules share one pass over a list (see `Compiler::plan_memo`).

use super::{BoolF, Compiler, Env, NumF};
use super::atom::Atom;
use super::shape::{Shape, count_streak};
use crate::facts::{BranchFacts, MemberFacts};
use crate::rules::ast::AggKind;
use crate::rules::check::{Src, TExpr, TKind};
use crate::rules::host::{Acc, Host, HostRecord, Visit};

impl Compiler {
    /// An aggregate over a list field of the member or the branch; `memo`: the slot of
    /// a shared `count`/`streak` (see `Compiler::plan_memo`).
    pub(super) fn agg<E: Host>(&mut self, kind: AggKind, list: &TExpr, filter: Option<&TExpr>, pred: Option<&TExpr>, memo: Option<usize>) -> AggF<E> {
        let TKind::Field(Src::Root(_), host, name) = &list.kind else { return AggF::Num(Box::new(|_, _| None)) };
        let over = AggOver { compiler: self, kind, filter, pred, memo, elem: std::marker::PhantomData };
        match (host, MemberFacts::field(name), BranchFacts::field(name)) {
            (HostRecord::Member, Some(Acc::List(l)), _) => l.visit(over),
            (HostRecord::Branch, _, Some(Acc::List(l))) => l.visit(over),
            _ => AggF::Num(Box::new(|_, _| None)),
        }
    }
}

/// An aggregate over a list of the member or of the branch.
pub(super) struct AggOver<'c, 'x, E> {
    compiler: &'c mut Compiler,
    kind: AggKind,
    filter: Option<&'x TExpr>,
    pred: Option<&'x TExpr>,
    memo: Option<usize>,
    elem: std::marker::PhantomData<E>,
}

impl<T: ListRoot, E: Host> Visit<T> for AggOver<'_, '_, E> {
    type Out = AggF<E>;
    fn visit<R: Host>(self, get: fn(&T) -> &[R]) -> AggF<E> {
        let AggOver { compiler, kind, filter, pred, memo, .. } = self;
        let get = T::list_get(get);
        match (memo, kind) {
            (Some(slot), _) => {
                let (f, p) = compiler.shapes::<R>(filter, pred);
                memoized::<E, R>(kind, get, f, p, slot)
            }
            (None, AggKind::Count | AggKind::Any) => {
                // Both count the elements that pass the filter and the predicate.
                let mut f: Vec<Atom<R>> = filter.map(|f| compiler.atoms::<R>(f)).unwrap_or_default();
                f.extend(pred.map(|p| compiler.atoms::<R>(p)).unwrap_or_default());
                aggregate::<E, R>(kind, get, compiler.shape(f), compiler.shape(Vec::new()))
            }
            (None, _) => {
                let (f, p) = compiler.shapes::<R>(filter, pred);
                aggregate::<E, R>(kind, get, f, p)
            }
        }
    }
}

pub(super) enum ListGet<R> {
    Member(fn(&MemberFacts) -> &[R]),
    Branch(fn(&BranchFacts) -> &[R]),
}

/// A root whose lists aggregates read: the member's, or the branch's.
pub(super) trait ListRoot: Sized {
    fn list_get<R>(get: fn(&Self) -> &[R]) -> ListGet<R>;
}

impl ListRoot for MemberFacts {
    fn list_get<R>(get: fn(&Self) -> &[R]) -> ListGet<R> {
        ListGet::Member(get)
    }
}

impl ListRoot for BranchFacts {
    fn list_get<R>(get: fn(&Self) -> &[R]) -> ListGet<R> {
        ListGet::Branch(get)
    }
}

impl<R> ListGet<R> {
    #[inline]
    fn get<'a>(&self, env: &Env<'a>) -> &'a [R] {
        match self {
            ListGet::Member(f) => f(env.member),
            ListGet::Branch(f) => f(env.scope.branch),
        }
    }
}

pub(super) enum AggF<E> {
    Bool(BoolF<E>),
    Num(NumF<E>),
}

/// For `count` and `any`, `f` holds the filter and the predicate together and `p` is
/// empty: both count the elements that pass the two.
pub(super) fn aggregate<E: Host, R: Host>(kind: AggKind, get: ListGet<R>, f: Shape<R>, p: Shape<R>) -> AggF<E> {
    match kind {
        AggKind::Count | AggKind::Any => {
            let c = f;
            let trivial = c.date.is_none() && c.text.is_none() && c.sym.is_none() && c.rest.is_empty();
            if kind == AggKind::Count && trivial {
                // `count(d in member.deeds)`: the list's length.
                AggF::Num(Box::new(move |env, _| Some(get.get(env).len() as i64)))
            } else if kind == AggKind::Count {
                AggF::Num(Box::new(move |env, _| {
                    let Some(r) = c.range(env) else { return Some(0) };
                    Some(get.get(env).iter().filter(|e| c.pass(r, env, e)).count() as i64)
                }))
            } else {
                AggF::Bool(Box::new(move |env, _| {
                    let Some(r) = c.range(env) else { return false };
                    get.get(env).iter().any(|e| c.pass(r, env, e))
                }))
            }
        }
        AggKind::Streak => {
            AggF::Num(Box::new(move |env, _| Some(count_streak(&f, &p, env, get.get(env)).1 as i64)))
        }
        AggKind::All => {
            AggF::Bool(Box::new(move |env, _| {
                let Some(rf) = f.range(env) else { return true };
                // With no element able to pass `p`, every filtered element fails it.
                let rp = p.range(env);
                get.get(env).iter().all(|e| !f.pass(rf, env, e) || rp.is_some_and(|rp| p.pass(rp, env, e)))
            }))
        }
    }
}

/// `count` or `streak`, computing both in one pass and remembering them in
/// `env.memo[slot]`.
pub(super) fn memoized<E: Host, R: Host>(kind: AggKind, get: ListGet<R>, f: Shape<R>, p: Shape<R>, slot: usize) -> AggF<E> {
    let streak = kind == AggKind::Streak;
    let pass = memo_pass(get, f, p);
    AggF::Num(Box::new(move |env, _| Some(memo_read(env, slot, streak, &pass))))
}

/// One pass over a list computing a shared `count` and `streak` together, packed
/// (bit 63: known; bits 32–62: count; bits 0–31: streak).
pub(crate) type MemoF = Box<dyn Fn(&Env) -> u64 + Send + Sync>;

pub(super) fn memo_pass<R: Host>(get: ListGet<R>, f: Shape<R>, p: Shape<R>) -> MemoF {
    Box::new(move |env| {
        let (count, best) = count_streak(&f, &p, env, get.get(env));
        1 << 63 | (count.min(0x7fff_ffff) << 32) | best.min(0xffff_ffff)
    })
}

/// The shared `count` (or `streak`) in `env.memo[slot]`, computed by `pass` the first
/// time it is asked for the member at hand.
#[inline(always)]
pub(super) fn memo_read(env: &Env, slot: usize, streak: bool, pass: &MemoF) -> i64 {
    let cell = env.memo.get(slot);
    let packed = match cell.map(|c| c.get()) {
        Some(v) if v >> 63 == 1 => v,
        _ => {
            let v = pass(env);
            if let Some(c) = cell {
                c.set(v);
            }
            v
        }
    };
    if streak {
        (packed & 0xffff_ffff) as i64
    } else {
        ((packed >> 32) & 0x7fff_ffff) as i64
    }
}

/// The one pass of a shared `count`/`streak` (see [`Compiler::plan_memo`]).
pub(super) struct MemoOver<'c, 'x> {
    pub(super) compiler: &'c mut Compiler,
    pub(super) filter: Option<&'x TExpr>,
    pub(super) pred: Option<&'x TExpr>,
}

impl Visit<MemberFacts> for MemoOver<'_, '_> {
    type Out = MemoF;
    fn visit<R: Host>(self, get: fn(&MemberFacts) -> &[R]) -> MemoF {
        let (f, p) = self.compiler.shapes::<R>(self.filter, self.pred);
        memo_pass(ListGet::Member(get), f, p)
    }
}
