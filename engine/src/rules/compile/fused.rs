//! Whole rules compiled as one: exclusions that are each one `any` over the same
//! member list decided together in one pass (keyed by an interned field when they
//! all test one, through a `SymTable`), and a rule whose terms compare its own
//! `count` and `streak` with literals (x8) fused into one closure and one pass.

use super::{BoolF, Compiler, Env, MaskF, agg_key, operands};
use super::atom::{Atom, LenOf};
use super::shape::{DateTest, Shape, SymTest, count_streak, count_streak_with, resolve};
use crate::facts::{MemberFacts, Sym};
use crate::rules::ops;
use crate::rules::ast::AggKind;
use crate::rules::check::{CmpKind, Lit, Src, TExpr, TKind};
use crate::rules::host::{Acc, Host, HostRecord, Visit};

/// Several rules that are each one `any` over the same member list (x1–x7 are seven
/// over the findings), decided in one pass over the list: `eval` answers the group's
/// bits of the exclusion mask. Each rule's date range is resolved once per scope, in
/// `prepare`, into `Env::ranges`, from `ranges` (the group's entries in order).
pub(crate) struct AnyGroup {
    pub eval: MaskF,
    /// The list: a member with none of it needs no call.
    pub list: LenOf,
}

impl Compiler {
    /// The member list a rule's condition is one `any` over, if it is (see [`AnyGroup`]).
    pub fn any_list(e: &TExpr) -> Option<&str> {
        match &e.kind {
            TKind::Agg { kind: AggKind::Any, list, .. } => match &list.kind {
                TKind::Field(Src::Root(_), HostRecord::Member, name) => match MemberFacts::field(name) {
                    Some(Acc::List(_)) => Some(name.as_str()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// One pass deciding `rules` (mask bit, condition), each an `any` over `list`.
    pub fn any_group(&mut self, list: &str, rules: &[(u32, &TExpr)]) -> Option<AnyGroup> {
        let Acc::List(l) = MemberFacts::field(list)? else { return None };
        let len = LenOf::by_name(list)?;
        Some(AnyGroup { eval: l.visit(GroupOver { compiler: self, rules }), list: len })
    }

    fn group_over<R: Host>(&mut self, get: fn(&MemberFacts) -> &[R], rules: &[(u32, &TExpr)]) -> MaskF {
        let mut shapes: Vec<(u64, Shape<R>)> = Vec::new();
        for (bit, e) in rules {
            let mut atoms = Vec::new();
            if let TKind::Agg { filter, pred, .. } = &e.kind {
                if let Some(f) = filter {
                    atoms.extend(self.atoms::<R>(f));
                }
                if let Some(p) = pred {
                    atoms.extend(self.atoms::<R>(p));
                }
            }
            shapes.push((1u64 << bit, Shape::new(atoms)));
        }
        let (base, n) = (self.ranges.len(), shapes.len());
        for (_, s) in &shapes {
            let bounds = s.date.as_ref().map(|(_, b)| b.clone()).unwrap_or_default();
            self.ranges.push(Box::new(move |env: &Env| resolve(&bounds, env)));
        }
        // Each rule tests the same interned field for equality with its own literal
        // (`f.clause == "x1"`): the element's value picks the rules to try.
        let keyed = match shapes.first().and_then(|(_, s)| s.sym) {
            Some((field, _, true)) if shapes.iter().all(|(_, s)| matches!(s.sym, Some((f, _, true)) if f == field)) => Some(field),
            _ => None,
        };
        if let Some(field) = keyed {
            if let Some(table) = SymTable::new(shapes.iter().map(|(_, s)| s.sym.map(|(_, s, _)| s))) {
                return Box::new(move |env| {
                    let Some(ranges) = env.ranges.get(base..base + n) else { return 0 };
                    let mut mask = 0u64;
                    for e in get(env.member) {
                        let Some(v) = e.sym_at(field) else { continue };
                        // The rules naming this value, as bits of their index.
                        let mut rules = table.get(v);
                        while rules != 0 {
                            let i = rules.trailing_zeros() as usize;
                            rules &= rules - 1;
                            if let (Some((bit, shape)), Some(Some(r))) = (shapes.get(i), ranges.get(i)) {
                                if mask & bit == 0 && shape.pass(*r, env, e) {
                                    mask |= bit;
                                }
                            }
                        }
                    }
                    mask
                });
            }
        }
        Box::new(move |env| {
            let Some(ranges) = env.ranges.get(base..base + n) else { return 0 };
            let mut mask = 0u64;
            for e in get(env.member) {
                for ((bit, shape), r) in shapes.iter().zip(ranges) {
                    if let Some(r) = r {
                        if mask & bit == 0 && shape.pass(*r, env, e) {
                            mask |= bit;
                        }
                    }
                }
            }
            mask
        })
    }

    /// A rule's whole condition as one atom, evaluated inline by the caller: one
    /// specialised closure when it has the shape of [`Compiler::fused_rule`].
    pub fn rule_atom(&mut self, e: &TExpr) -> Atom<()> {
        match self.fused_rule(e) {
            Some(f) => Atom::Dyn(f),
            None => self.atom::<()>(e),
        }
    }

    /// A condition that is an `or` (or an `and`) of terms, some of which compare a
    /// `count` or `streak` over one member list with a literal, all with the same list,
    /// filter and predicate as written (x8: `streak(…) >= 2 or count(…) >= 3 or …`):
    /// one closure that tries the other terms first, then makes a single pass over the
    /// list for the count and the longest run together and compares them in place.
    /// Not when the same aggregate appears in another rule: the memo shares it then.
    fn fused_rule(&mut self, e: &TExpr) -> Option<BoolF<()>> {
        let conj = matches!(e.kind, TKind::And(..));
        let mut parts = Vec::new();
        operands(e, conj, &mut parts);
        // (kind, op, k, the aggregate) for each term `agg <op> k` over a member list.
        let agg_cmp = |t: &'_ TExpr| -> Option<(bool, u8, i64)> {
            let TKind::Cmp(op, CmpKind::Num, a, b) = &t.kind else { return None };
            let (TKind::Agg { kind: kind @ (AggKind::Count | AggKind::Streak), list, .. }, TKind::Lit(Lit::Num(k))) = (&a.kind, &b.kind) else { return None };
            let TKind::Field(Src::Root(_), HostRecord::Member, _) = &list.kind else { return None };
            Some((*kind == AggKind::Streak, ops::op_mask(*op), *k))
        };
        let key_of = |t: &TExpr| match &t.kind {
            TKind::Cmp(_, _, a, _) => agg_key(self.file.0, &self.file.1, a),
            _ => None,
        };
        let first = parts.iter().position(|t| agg_cmp(t).is_some() && key_of(t).is_some())?;
        let key = key_of(parts[first])?;
        let (mut cmps, mut others) = (Vec::new(), Vec::new());
        for t in &parts {
            match agg_cmp(t) {
                Some(c) if key_of(t).as_ref() == Some(&key) => cmps.push(c),
                _ => others.push(*t),
            }
        }
        if self.agg_seen.iter().filter(|k| **k == key).count() > cmps.len() {
            return None;
        }
        let TKind::Cmp(_, _, agg, _) = &parts[first].kind else { return None };
        let TKind::Agg { list, filter, pred, .. } = &agg.kind else { return None };
        let TKind::Field(_, _, name) = &list.kind else { return None };
        let Acc::List(l) = MemberFacts::field(name)? else { return None };
        let others: Vec<Atom<()>> = others.into_iter().map(|t| self.atom::<()>(t)).collect();
        let fused = Fused { conj, cmps, others };
        Some(l.visit(FusedOver { compiler: self, fused, filter: filter.as_deref(), pred: pred.as_deref() }))
    }
}

/// [`Compiler::any_group`] for the list's element type.
pub(super) struct GroupOver<'c, 'r, 't> {
    compiler: &'c mut Compiler,
    rules: &'r [(u32, &'t TExpr)],
}

impl Visit<MemberFacts> for GroupOver<'_, '_, '_> {
    type Out = MaskF;
    fn visit<R: Host>(self, get: fn(&MemberFacts) -> &[R]) -> MaskF {
        self.compiler.group_over(get, self.rules)
    }
}

/// The rules of a fused `any` group that each value of the keyed field names, by the
/// value's interned id: entry `id - lo` holds bit `i` when rule `i` tests for it.
pub(super) struct SymTable {
    lo: u32,
    rules: Vec<u64>,
}

impl SymTable {
    /// The ids the rules name span at most this many: the table stays in a cache line
    /// or few.
    const SPAN: u32 = 256;

    /// `None` when a rule names no value, there are more than 64 rules, or the ids are
    /// too far apart.
    pub(super) fn new(syms: impl Iterator<Item = Option<Sym>>) -> Option<SymTable> {
        let syms: Vec<Sym> = syms.collect::<Option<_>>()?;
        let lo = syms.iter().map(|s| s.id()).min()?;
        let hi = syms.iter().map(|s| s.id()).max()?;
        if syms.len() > 64 || hi - lo >= Self::SPAN {
            return None;
        }
        let mut rules = vec![0u64; (hi - lo + 1) as usize];
        for (i, s) in syms.iter().enumerate() {
            rules[(s.id() - lo) as usize] |= 1 << i;
        }
        Some(SymTable { lo, rules })
    }

    #[inline(always)]
    fn get(&self, v: Sym) -> u64 {
        self.rules.get(v.id().wrapping_sub(self.lo) as usize).copied().unwrap_or(0)
    }
}

/// A fused rule's pass (see [`Compiler::fused_rule`]).
pub(super) struct FusedOver<'c, 'x> {
    compiler: &'c mut Compiler,
    fused: Fused,
    filter: Option<&'x TExpr>,
    pred: Option<&'x TExpr>,
}

impl Visit<MemberFacts> for FusedOver<'_, '_> {
    type Out = BoolF<()>;
    fn visit<R: Host>(self, get: fn(&MemberFacts) -> &[R]) -> BoolF<()> {
        let (f, p) = self.compiler.shapes::<R>(self.filter, self.pred);
        self.fused.over(get, f, p)
    }
}

/// The parts of a fused rule (see [`Compiler::fused_rule`]): the comparisons of the
/// shared count (`false`) or streak (`true`) with a literal, and the other terms.
pub(super) struct Fused {
    conj: bool,
    cmps: Vec<(bool, u8, i64)>,
    others: Vec<Atom<()>>,
}

impl Fused {
    fn over<R: Host + 'static>(self, get: fn(&MemberFacts) -> &[R], f: Shape<R>, p: Shape<R>) -> BoolF<()> {
        // A date range for the filter and an interned field equal to a literal for the
        // predicate (x8's): the loop's tests are chosen now, not at each call.
        let date_only = f.text.is_none() && f.sym.is_none() && f.rest.is_empty();
        let sym_only = p.date.is_none() && p.text.is_none() && p.rest.is_empty();
        if let (Some((df, _)), true, true, Some((sf, sym, true))) = (&f.date, date_only, sym_only, p.sym) {
            let df = *df;
            return self.with(get, move |env: &Env, list: &[R]| {
                let Some(range) = f.range(env) else { return (0, 0) };
                count_streak_with(list, &DateTest { field: df, range }, &SymTest { field: sf, sym, eq: true })
            });
        }
        self.with(get, move |env: &Env, list: &[R]| count_streak(&f, &p, env, list))
    }

    /// The fused rule around `pass`, which answers the count and the longest run.
    fn with<R: Host + 'static, P>(self, get: fn(&MemberFacts) -> &[R], pass: P) -> BoolF<()>
    where
        P: Fn(&Env, &[R]) -> (u64, u64) + Send + Sync + 'static,
    {
        let Fused { conj, cmps, others } = self;
        Box::new(move |env, _| {
            // The other terms decide first when they can: they cost no pass.
            if others.iter().any(|a| a.eval(env, &()) != conj) {
                return !conj;
            }
            let (count, streak) = pass(env, get(env.member));
            let test = |&(s, mask, k): &(bool, u8, i64)| ops::masked(mask, if s { streak } else { count } as i64, k);
            if conj {
                cmps.iter().all(test)
            } else {
                cmps.iter().any(test)
            }
        })
    }
}
