//! Checked expressions to typed closures: the fast path.
//!
//! Every field read becomes a direct accessor from the host catalogue, chosen here,
//! once; nothing is looked up by name, allocated or boxed into a dynamic value while a
//! member is evaluated. Sub-expressions that are the same for every member of a scope
//! (`meeting.date - 12 months`) are *hoisted*: compiled separately, computed once by
//! `prepare`, and read from a slot. The semantics are the trace's (see `trace.rs`),
//! with the shared arithmetic in `ops.rs`.

use super::ast::{AggKind, BinOp};
use super::check::{CmpKind, Func, Lit, Src, TExpr, TKind};
use super::host::{Acc, Host, HostRecord, Visit};
use super::ops;
use super::Scope;
use crate::facts::{BranchFacts, MeetingFacts, MemberFacts, QuarterFacts, Sym};
use chrono::NaiveDate;

/// What the closures see: the scope, its hoisted values, and the member at hand.
pub(crate) struct Env<'a> {
    pub scope: Scope<'a>,
    pub member: &'a MemberFacts,
    pub consts: &'a [Val],
    /// Per-member memo of aggregates that several exclusions (or one, twice) share;
    /// empty when there is nothing to share. See [`Compiler::plan_memo`].
    pub memo: &'a [std::cell::Cell<u64>],
    /// The date ranges of fused `any` groups, resolved by `prepare` (see [`AnyGroup`]).
    pub ranges: &'a [Option<Range>],
    pub excluded: bool,
    pub quota: i64,
}

/// A hoisted value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Val {
    Bool(bool),
    Num(Option<i64>),
    Date(Option<NaiveDate>),
}

pub(crate) type BoolF<E> = Box<dyn Fn(&Env, &E) -> bool + Send + Sync>;
pub(crate) type NumF<E> = Box<dyn Fn(&Env, &E) -> Option<i64> + Send + Sync>;
pub(crate) type DateF<E> = Box<dyn Fn(&Env, &E) -> Option<NaiveDate> + Send + Sync>;
pub(crate) type ConstF = Box<dyn Fn(&Env) -> Val + Send + Sync>;
pub(crate) type RangeF = Box<dyn Fn(&Env) -> Option<Range> + Send + Sync>;
pub(crate) type MaskF = Box<dyn Fn(&Env) -> u64 + Send + Sync>;

/// Several rules that are each one `any` over the same member list (x1–x7 are seven
/// over the findings), decided in one pass over the list: `eval` answers the group's
/// bits of the exclusion mask. Each rule's date range is resolved once per scope, in
/// `prepare`, into `Env::ranges`, from `ranges` (the group's entries in order).
pub(crate) struct AnyGroup {
    pub eval: MaskF,
    /// The list: a member with none of it needs no call.
    pub list: LenOf,
}

/// Where a text comes from: texts are only ever read and compared, never built.
enum TextSrc<E> {
    Lit(String),
    Elem(fn(&E) -> Option<&str>),
    Member(fn(&MemberFacts) -> Option<&str>),
    Branch(fn(&BranchFacts) -> Option<&str>),
    Quarter(fn(&QuarterFacts) -> Option<&str>),
    None,
}

impl<E> TextSrc<E> {
    #[inline]
    fn get<'x>(&'x self, env: &'x Env, e: &'x E) -> Option<&'x str> {
        match self {
            TextSrc::Lit(s) => Some(s),
            TextSrc::Elem(f) => f(e),
            TextSrc::Member(f) => f(env.member),
            TextSrc::Branch(f) => f(env.scope.branch),
            TextSrc::Quarter(f) => f(env.scope.quarter),
            TextSrc::None => None,
        }
    }
}

/// Date operands the comparison fuses with, to spare a call per element.
enum DateOp<E> {
    Elem(fn(&E) -> NaiveDate),
    Slot(usize),
    Lit(NaiveDate),
    Dyn(DateF<E>),
}

/// How many shared aggregates are memoized per member.
pub(crate) const MEMO_SLOTS: usize = 8;

/// Compiles expressions for one rule set; collects the hoisted sub-expressions.
pub(crate) struct Compiler {
    pub hoisted: Vec<ConstF>,
    hoisting: bool,
    /// The file being compiled (index, text): aggregates are shared by source text.
    file: (usize, String),
    /// Keys of aggregates written more than once, in slot order.
    memo_keys: Vec<String>,
    /// The date ranges of shapes and fused `any` groups, resolved once per scope by
    /// `prepare` into `Env::ranges`, in slot order.
    pub ranges: Vec<RangeF>,
    /// The key of every `count` and `streak` of the exclusions, once per occurrence.
    agg_seen: Vec<String>,
}

impl Compiler {
    pub fn new() -> Compiler {
        Compiler { hoisted: Vec::new(), hoisting: true, file: (0, String::new()), memo_keys: Vec::new(), ranges: Vec::new(), agg_seen: Vec::new() }
    }

    pub fn set_file(&mut self, index: usize, text: &str) {
        if self.file.0 != index || self.file.1.is_empty() {
            self.file = (index, text.to_string());
        }
    }

    /// `count` and `streak` over the same list with the same filter and predicate,
    /// written the same way (x8 has both), are computed in one pass and remembered
    /// for the member at hand.
    pub fn plan_memo(&mut self, exprs: &[(usize, &str, &TExpr)]) {
        let mut seen: Vec<String> = Vec::new();
        for (fi, text, e) in exprs {
            collect_aggs(*fi, text, e, &mut seen);
        }
        for k in &seen {
            if seen.iter().filter(|x| *x == k).count() > 1 && !self.memo_keys.contains(k) && self.memo_keys.len() < MEMO_SLOTS {
                self.memo_keys.push(k.clone());
            }
        }
        self.agg_seen.extend(seen);
    }

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

    /// A shape whose date range, if it has one, is resolved once per scope.
    fn shape<R: Host>(&mut self, atoms: Vec<Atom<R>>) -> Shape<R> {
        let mut shape = Shape::new(atoms);
        if let Some((_, bounds)) = &shape.date {
            let bounds = bounds.clone();
            shape.slot = Some(self.ranges.len());
            self.ranges.push(Box::new(move |env: &Env| resolve(&bounds, env)));
        }
        shape
    }

    fn memo_slot(&self, e: &TExpr) -> Option<usize> {
        let key = agg_key(self.file.0, &self.file.1, e)?;
        self.memo_keys.iter().position(|k| *k == key)
    }

    fn hoist(&mut self, e: &TExpr) -> Option<usize> {
        if !self.hoisting || !e.scope_constant() {
            return None;
        }
        self.hoisting = false;
        let f: ConstF = match e.ty.base {
            super::check::Base::Bool => {
                let b = self.bool_::<()>(e);
                Box::new(move |env| Val::Bool(b(env, &())))
            }
            super::check::Base::Date => {
                let d = self.date::<()>(e);
                Box::new(move |env| Val::Date(d(env, &())))
            }
            _ => {
                let n = self.num::<()>(e);
                Box::new(move |env| Val::Num(n(env, &())))
            }
        };
        self.hoisting = true;
        self.hoisted.push(f);
        Some(self.hoisted.len() - 1)
    }

    pub fn bool_<E: Host>(&mut self, e: &TExpr) -> BoolF<E> {
        if let Some(i) = self.hoist(e) {
            return Box::new(move |env, _| matches!(env.consts.get(i), Some(Val::Bool(true))));
        }
        match &e.kind {
            TKind::Lit(Lit::Bool(b)) => {
                let b = *b;
                Box::new(move |_, _| b)
            }
            TKind::Field(src, host, name) => match field_acc::<E>(*src, *host, name) {
                Some(FieldAcc::Bool(f)) => f,
                _ => Box::new(|_, _| false),
            },
            TKind::Excluded => Box::new(|env, _| env.excluded),
            TKind::Not(a) => match &a.kind {
                // `not member.presented`: one closure.
                TKind::Field(Src::Root(_), HostRecord::Member, name) if a.ty.base == super::check::Base::Bool => match MemberFacts::field(name) {
                    Some(Acc::Bool(f)) => Box::new(move |env, _| !f(env.member)),
                    _ => Box::new(|_, _| true),
                },
                _ => {
                    let a = self.bool_::<E>(a);
                    Box::new(move |env, e| !a(env, e))
                }
            },
            TKind::And(..) => {
                let atoms = self.atoms::<E>(e);
                conjunction(atoms)
            }
            TKind::Or(..) => {
                // `a or b or c` as one closure over its disjuncts, not a tower of pairs;
                // the simple member tests among them are evaluated inline.
                let mut parts = Vec::new();
                disjuncts(e, &mut parts);
                let atoms = parts.into_iter().map(|p| self.atom::<E>(p)).collect();
                disjunction(atoms)
            }
            TKind::Cmp(op, kind, a, b) => self.cmp::<E>(*op, *kind, a, b),
            TKind::Is(a, some) => {
                let some = *some;
                match a.ty.base {
                    super::check::Base::Date => {
                        let d = self.date::<E>(a);
                        Box::new(move |env, e| d(env, e).is_some() == some)
                    }
                    super::check::Base::Text | super::check::Base::Enum(_) => {
                        let t = self.text::<E>(a);
                        Box::new(move |env, e| t.get(env, e).is_some() == some)
                    }
                    _ => {
                        let n = self.num::<E>(a);
                        Box::new(move |env, e| n(env, e).is_some() == some)
                    }
                }
            }
            TKind::In(a, items) => {
                let t = self.text::<E>(a);
                let items = items.clone();
                Box::new(move |env, e| t.get(env, e).is_some_and(|s| items.iter().any(|i| i == s)))
            }
            TKind::Agg { kind, list, elem, filter, pred } => match self.agg::<E>(*kind, list, *elem, filter.as_deref(), pred.as_deref(), None) {
                AggF::Bool(f) => f,
                AggF::Num(_) => Box::new(|_, _| false),
            },
            _ => Box::new(|_, _| false),
        }
    }

    fn cmp<E: Host>(&mut self, op: BinOp, kind: CmpKind, a: &TExpr, b: &TExpr) -> BoolF<E> {
        match kind {
            CmpKind::Num => {
                // `count(…) >= k`, `streak(…) >= k` with a literal k: the common case.
                if let TKind::Lit(Lit::Num(k)) = b.kind {
                    let x = self.num::<E>(a);
                    let mask = ops::op_mask(op);
                    return Box::new(move |env, e| x(env, e).is_some_and(|x| ops::masked(mask, x, k)));
                }
                let (x, y) = (self.num::<E>(a), self.num::<E>(b));
                Box::new(move |env, e| match (x(env, e), y(env, e)) {
                    (Some(x), Some(y)) => ops::ord(op, x, y),
                    _ => false,
                })
            }
            CmpKind::Date => {
                let (x, y) = (self.date_op::<E>(a), self.date_op::<E>(b));
                match (x, y) {
                    (DateOp::Elem(f), DateOp::Slot(i)) => {
                        let mask = ops::op_mask(op);
                        Box::new(move |env, e| match env.consts.get(i) {
                            Some(Val::Date(Some(c))) => ops::masked(mask, f(e), *c),
                            _ => false,
                        })
                    }
                    (DateOp::Elem(f), DateOp::Lit(c)) => {
                        let mask = ops::op_mask(op);
                        Box::new(move |_, e| ops::masked(mask, f(e), c))
                    }
                    (x, y) => {
                        let (x, y) = (self.date_dyn(x), self.date_dyn(y));
                        Box::new(move |env, e| match (x(env, e), y(env, e)) {
                            (Some(x), Some(y)) => ops::ord(op, x, y),
                            _ => false,
                        })
                    }
                }
            }
            CmpKind::Text => {
                if let Some(f) = sym_cmp::<E>(op, a, b) {
                    return f;
                }
                let (x, y) = (self.text::<E>(a), self.text::<E>(b));
                match (x, y) {
                    (TextSrc::Elem(f), TextSrc::Lit(s)) | (TextSrc::Lit(s), TextSrc::Elem(f)) => {
                        let (eq, s) = (op == BinOp::Eq, ops::TextLit::new(s));
                        Box::new(move |_, e| f(e).is_some_and(|v| s.eq(v) == eq))
                    }
                    (TextSrc::Member(f), TextSrc::Lit(s)) | (TextSrc::Lit(s), TextSrc::Member(f)) => {
                        let (eq, s) = (op == BinOp::Eq, ops::TextLit::new(s));
                        Box::new(move |env, _| f(env.member).is_some_and(|v| s.eq(v) == eq))
                    }
                    (x, y) => Box::new(move |env, e| match (x.get(env, e), y.get(env, e)) {
                        (Some(x), Some(y)) => ops::ord(op, x, y),
                        _ => false,
                    }),
                }
            }
            CmpKind::Bool => {
                let (x, y) = (self.bool_::<E>(a), self.bool_::<E>(b));
                Box::new(move |env, e| ops::ord(op, x(env, e), y(env, e)))
            }
        }
    }

    fn atoms<E: Host>(&mut self, e: &TExpr) -> Vec<Atom<E>> {
        let mut parts = Vec::new();
        conjuncts(e, &mut parts);
        parts.into_iter().map(|p| self.atom::<E>(p)).collect()
    }

    /// One conjunct (or disjunct): a simple comparison of the element with a constant,
    /// or a simple test of a member field, when it is one.
    fn atom<E: Host>(&mut self, e: &TExpr) -> Atom<E> {
        if let Some(a) = member_atom(e) {
            return a;
        }
        // A nested `and` or `or` (`member.mobile and (…)`) as atoms too, so that a
        // chain of simple tests makes no call, unless it is hoisted whole.
        if matches!(e.kind, TKind::And(..) | TKind::Or(..)) && !(self.hoisting && e.scope_constant()) {
            let mut parts = Vec::new();
            if matches!(e.kind, TKind::And(..)) {
                conjuncts(e, &mut parts);
                return Atom::All(parts.into_iter().map(|p| self.atom::<E>(p)).collect()).tabled();
            }
            disjuncts(e, &mut parts);
            return Atom::Any(parts.into_iter().map(|p| self.atom::<E>(p)).collect()).tabled();
        }
        // `count(…) >= 3` and the like, unless the whole comparison is hoisted.
        if let TKind::Cmp(op, CmpKind::Num, a, b) = &e.kind {
            if let TKind::Lit(Lit::Num(k)) = b.kind {
                if !(self.hoisting && e.scope_constant()) {
                    let mask = ops::op_mask(*op);
                    if let Some(a) = self.agg_atom::<E>(a, mask, k) {
                        return a;
                    }
                    let f = self.num::<E>(a);
                    return Atom::NumLit { f, mask: ops::op_mask(*op), k };
                }
            }
        }
        if let TKind::Cmp(op, kind, a, b) = &e.kind {
            let op = *op;
            match kind {
                CmpKind::Date => {
                    if let Some(field) = elem_date(&a.kind).and_then(E::date_index) {
                        let mask = ops::op_mask(op);
                        if let TKind::Lit(Lit::Date(d)) = b.kind {
                            return Atom::DateLit { field, mask, d };
                        }
                        if let Some(slot) = self.hoist(b) {
                            return Atom::DateSlot { field, mask, slot };
                        }
                    }
                }
                CmpKind::Text if matches!(op, BinOp::Eq | BinOp::Ne) => {
                    let eq = op == BinOp::Eq;
                    match (&a.kind, &b.kind) {
                        (TKind::Field(Src::Var, _, n), TKind::Lit(Lit::Text(s))) | (TKind::Lit(Lit::Text(s)), TKind::Field(Src::Var, _, n)) => {
                            if let Some(field) = E::sym_index(n) {
                                return Atom::Sym { field, sym: Sym::new(s), eq };
                            }
                            if let Some(field) = E::text_index(n) {
                                return Atom::Text { field, s: ops::TextLit::new(s.clone()), eq };
                            }
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        Atom::Dyn(self.bool_::<E>(e))
    }

    /// `count(…) <op> k` or `streak(…) <op> k` over a member list as an atom of its
    /// own: the list's length, or a shared aggregate read from the memo inline.
    fn agg_atom<E: Host>(&mut self, a: &TExpr, mask: u8, k: i64) -> Option<Atom<E>> {
        let TKind::Agg { kind: kind @ (AggKind::Count | AggKind::Streak), list, filter, pred, .. } = &a.kind else { return None };
        let TKind::Field(Src::Root(_), HostRecord::Member, name) = &list.kind else { return None };
        let Acc::List(l) = MemberFacts::field(name)? else { return None };
        if *kind == AggKind::Count && filter.is_none() && pred.is_none() {
            return Some(Atom::MemberLen { list: LenOf::by_name(name)?, mask, k });
        }
        let slot = self.memo_slot(a)?;
        let pass = l.visit(MemoOver { compiler: self, filter: filter.as_deref(), pred: pred.as_deref() });
        Some(Atom::Memo { slot, streak: *kind == AggKind::Streak, mask, k, pass })
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
        if conj {
            conjuncts(e, &mut parts);
        } else {
            disjuncts(e, &mut parts);
        }
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

    /// An aggregate's filter and predicate as the shapes of its loop.
    fn shapes<R: Host>(&mut self, filter: Option<&TExpr>, pred: Option<&TExpr>) -> (Shape<R>, Shape<R>) {
        let f: Vec<Atom<R>> = filter.map(|f| self.atoms::<R>(f)).unwrap_or_default();
        let p: Vec<Atom<R>> = pred.map(|p| self.atoms::<R>(p)).unwrap_or_default();
        (self.shape(f), self.shape(p))
    }

    fn date_op<E: Host>(&mut self, e: &TExpr) -> DateOp<E> {
        if let Some(i) = self.hoist(e) {
            return DateOp::Slot(i);
        }
        match &e.kind {
            TKind::Lit(Lit::Date(d)) => DateOp::Lit(*d),
            TKind::Field(Src::Var, _, name) => match E::field(name) {
                Some(Acc::Date(f)) => DateOp::Elem(f),
                _ => DateOp::Dyn(self.date::<E>(e)),
            },
            _ => DateOp::Dyn(self.date::<E>(e)),
        }
    }

    fn date_dyn<E: Host>(&mut self, op: DateOp<E>) -> DateF<E> {
        match op {
            DateOp::Elem(f) => Box::new(move |_, e| Some(f(e))),
            DateOp::Slot(i) => Box::new(move |env, _| match env.consts.get(i) {
                Some(Val::Date(d)) => *d,
                _ => None,
            }),
            DateOp::Lit(d) => Box::new(move |_, _| Some(d)),
            DateOp::Dyn(f) => f,
        }
    }

    pub fn date<E: Host>(&mut self, e: &TExpr) -> DateF<E> {
        if let Some(i) = self.hoist(e) {
            return self.date_dyn(DateOp::Slot(i));
        }
        match &e.kind {
            TKind::Lit(Lit::Date(d)) => {
                let d = *d;
                Box::new(move |_, _| Some(d))
            }
            TKind::Field(src, host, name) => match field_acc::<E>(*src, *host, name) {
                Some(FieldAcc::Date(f)) => f,
                _ => Box::new(|_, _| None),
            },
            TKind::Arith(op, a, b) => {
                let op = *op;
                let (d, n) = (self.date::<E>(a), self.num::<E>(b));
                Box::new(move |env, e| Some(ops::shift(op, d(env, e)?, n(env, e)?)))
            }
            _ => Box::new(|_, _| None),
        }
    }

    pub fn num<E: Host>(&mut self, e: &TExpr) -> NumF<E> {
        if let Some(i) = self.hoist(e) {
            return Box::new(move |env, _| match env.consts.get(i) {
                Some(Val::Num(n)) => *n,
                _ => None,
            });
        }
        match &e.kind {
            TKind::Lit(Lit::Num(n)) => {
                let n = *n;
                Box::new(move |_, _| Some(n))
            }
            TKind::Field(src, host, name) => match field_acc::<E>(*src, *host, name) {
                Some(FieldAcc::Num(f)) => f,
                _ => Box::new(|_, _| None),
            },
            TKind::Quota => Box::new(|env, _| Some(env.quota)),
            TKind::ToDec(a) => {
                let a = self.num::<E>(a);
                Box::new(move |env, e| a(env, e).map(ops::to_dec))
            }
            TKind::Neg(a) => {
                let a = self.num::<E>(a);
                Box::new(move |env, e| a(env, e).map(i64::saturating_neg))
            }
            TKind::Arith(op, a, b) => {
                let op = *op;
                let (a, b) = (self.num::<E>(a), self.num::<E>(b));
                Box::new(move |env, e| Some(ops::arith(op, a(env, e)?, b(env, e)?)))
            }
            TKind::Call(f, args) => {
                let f = *f;
                match f {
                    Func::Floor | Func::Ceil | Func::Round => {
                        let Some(a) = args.first() else { return Box::new(|_, _| None) };
                        let a = self.num::<E>(a);
                        Box::new(move |env, e| a(env, e).map(|d| ops::unary_func(f, d)))
                    }
                    Func::Max | Func::Min => {
                        let args: Vec<NumF<E>> = args.iter().map(|a| self.num::<E>(a)).collect();
                        Box::new(move |env, e| {
                            let mut acc: Option<i64> = None;
                            for a in &args {
                                let n = a(env, e)?;
                                acc = Some(match acc {
                                    None => n,
                                    Some(x) if f == Func::Max => x.max(n),
                                    Some(x) => x.min(n),
                                });
                            }
                            acc
                        })
                    }
                    Func::Months | Func::Days => {
                        let (Some(a), Some(b)) = (args.first(), args.get(1)) else { return Box::new(|_, _| None) };
                        let (a, b) = (self.date::<E>(a), self.date::<E>(b));
                        Box::new(move |env, e| {
                            let (x, y) = (a(env, e)?, b(env, e)?);
                            Some(if f == Func::Months { ops::months_between(x, y) } else { ops::days_between(x, y) })
                        })
                    }
                }
            }
            TKind::Agg { kind, list, elem, filter, pred } => {
                let slot = if matches!(kind, AggKind::Count | AggKind::Streak) { self.memo_slot(e) } else { None };
                match self.agg::<E>(*kind, list, *elem, filter.as_deref(), pred.as_deref(), slot) {
                    AggF::Num(f) => f,
                    AggF::Bool(_) => Box::new(|_, _| None),
                }
            }
            _ => Box::new(|_, _| None),
        }
    }

    fn text<E: Host>(&mut self, e: &TExpr) -> TextSrc<E> {
        match &e.kind {
            TKind::Lit(Lit::Text(s)) => TextSrc::Lit(s.clone()),
            TKind::Field(Src::Var, _, name) => match E::field(name) {
                Some(Acc::Text(f, _)) => TextSrc::Elem(f),
                _ => TextSrc::None,
            },
            TKind::Field(Src::Root(_), HostRecord::Member, name) => match MemberFacts::field(name) {
                Some(Acc::Text(f, _)) => TextSrc::Member(f),
                _ => TextSrc::None,
            },
            TKind::Field(Src::Root(_), HostRecord::Branch, name) => match BranchFacts::field(name) {
                Some(Acc::Text(f, _)) => TextSrc::Branch(f),
                _ => TextSrc::None,
            },
            TKind::Field(Src::Root(_), HostRecord::Quarter, name) => match QuarterFacts::field(name) {
                Some(Acc::Text(f, _)) => TextSrc::Quarter(f),
                _ => TextSrc::None,
            },
            _ => TextSrc::None,
        }
    }

    fn agg<E: Host>(&mut self, kind: AggKind, list: &TExpr, _elem: HostRecord, filter: Option<&TExpr>, pred: Option<&TExpr>, memo: Option<usize>) -> AggF<E> {
        let TKind::Field(Src::Root(_), host, name) = &list.kind else { return AggF::Num(Box::new(|_, _| None)) };
        let over = AggOver { compiler: self, kind, filter, pred, memo, elem: std::marker::PhantomData };
        match (host, MemberFacts::field(name), BranchFacts::field(name)) {
            (HostRecord::Member, Some(Acc::List(l)), _) => l.visit(over),
            (HostRecord::Branch, _, Some(Acc::List(l))) => l.visit(over),
            _ => AggF::Num(Box::new(|_, _| None)),
        }
    }
}

/// [`Compiler::any_group`] for the list's element type.
struct GroupOver<'c, 'r, 't> {
    compiler: &'c mut Compiler,
    rules: &'r [(u32, &'t TExpr)],
}

impl Visit<MemberFacts> for GroupOver<'_, '_, '_> {
    type Out = MaskF;
    fn visit<R: Host>(self, get: fn(&MemberFacts) -> &[R]) -> MaskF {
        self.compiler.group_over(get, self.rules)
    }
}

/// The one pass of a shared `count`/`streak` (see [`Compiler::plan_memo`]).
struct MemoOver<'c, 'x> {
    compiler: &'c mut Compiler,
    filter: Option<&'x TExpr>,
    pred: Option<&'x TExpr>,
}

impl Visit<MemberFacts> for MemoOver<'_, '_> {
    type Out = MemoF;
    fn visit<R: Host>(self, get: fn(&MemberFacts) -> &[R]) -> MemoF {
        let (f, p) = self.compiler.shapes::<R>(self.filter, self.pred);
        memo_pass(ListGet::Member(get), f, p)
    }
}

/// A fused rule's pass (see [`Compiler::fused_rule`]).
struct FusedOver<'c, 'x> {
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

/// An aggregate over a list of the member or of the branch.
struct AggOver<'c, 'x, E> {
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

fn elem_date(k: &TKind) -> Option<&str> {
    match k {
        TKind::Field(Src::Var, _, n) => Some(n.as_str()),
        _ => None,
    }
}

/// `x == "lit"` or `x != "lit"` where `x` is an interned field of the element or the
/// member: the literal is interned now, and the test compares ids.
fn sym_cmp<E: Host>(op: BinOp, a: &TExpr, b: &TExpr) -> Option<BoolF<E>> {
    if !matches!(op, BinOp::Eq | BinOp::Ne) {
        return None;
    }
    let eq = op == BinOp::Eq;
    let (field, s) = match (&a.kind, &b.kind) {
        (TKind::Field(src, host, n), TKind::Lit(Lit::Text(s))) | (TKind::Lit(Lit::Text(s)), TKind::Field(src, host, n)) => ((*src, *host, n.as_str()), s),
        _ => return None,
    };
    let sym = Sym::new(s);
    match field {
        (Src::Var, _, n) => {
            let i = E::sym_index(n)?;
            Some(Box::new(move |_, e| e.sym_at(i).is_some_and(|v| (v == sym) == eq)))
        }
        (Src::Root(_), HostRecord::Member, n) => {
            let i = MemberFacts::sym_index(n)?;
            Some(Box::new(move |env, _| env.member.sym_at(i).is_some_and(|v| (v == sym) == eq)))
        }
        _ => None,
    }
}

/// The disjuncts of `a or b or …`, left to right.
fn disjuncts<'t>(e: &'t TExpr, out: &mut Vec<&'t TExpr>) {
    match &e.kind {
        TKind::Or(a, b) => {
            disjuncts(a, out);
            disjuncts(b, out);
        }
        _ => out.push(e),
    }
}

/// The conjuncts of `a and b and …`, left to right.
fn conjuncts<'t>(e: &'t TExpr, out: &mut Vec<&'t TExpr>) {
    match &e.kind {
        TKind::And(a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        _ => out.push(e),
    }
}

/// A conjunct, evaluated inline rather than through its own closure: the usual
/// filters (`l.date <= meeting.date and l.status == unexcused`) cost one call.
/// Element fields are read by index through `Host::date_at`/`text_at`, which the
/// compiler inlines: the loop makes no indirect call for them.
pub(crate) enum Atom<E> {
    DateSlot { field: u8, mask: u8, slot: usize },
    DateLit { field: u8, mask: u8, d: NaiveDate },
    Text { field: u8, s: ops::TextLit, eq: bool },
    /// An interned text field against an interned literal: an integer comparison.
    Sym { field: u8, sym: Sym, eq: bool },
    /// A member's flag (`member.mobile`) or `is some` test, read by index (see
    /// `Host::flag_at`), or its negation.
    MemberFlag { i: u8, want: bool },
    /// An interned member field against an interned literal.
    MemberSym { field: u8, sym: Sym, eq: bool },
    /// A number compared with a literal: one call, to the number.
    NumLit { f: NumF<E>, mask: u8, k: i64 },
    /// `count(x in member.list) <op> k` with neither filter nor predicate: the length.
    MemberLen { list: LenOf, mask: u8, k: i64 },
    /// A shared `count` or `streak` (see [`Compiler::plan_memo`]) compared with a
    /// literal: the memo is read inline, the pass called only when it is not known.
    Memo { slot: usize, streak: bool, mask: u8, k: i64, pass: MemoF },
    /// A nested `and` / `or` of atoms.
    All(Vec<Atom<E>>),
    Any(Vec<Atom<E>>),
    /// An `and` / `or` chain of member tests alone (see [`Atom::tabled`]): bit `i` of the
    /// index is leaf `i`, and the chain's value for that index is bit `index` of `table`.
    Table { leaves: Vec<Atom<E>>, table: u64 },
    Dyn(BoolF<E>),
}

impl<E: Host> Atom<E> {
    /// An atom inside a nested `and` / `or`: a direct call, not inlined into itself.
    #[inline(never)]
    fn eval_nested(&self, env: &Env, e: &E) -> bool {
        self.eval(env, e)
    }

    /// An atom inside a nested `and` / `or`: the member tests inline, the rest by a
    /// direct call.
    #[inline(always)]
    fn eval_leaf(&self, env: &Env, e: &E) -> bool {
        match self {
            Atom::MemberFlag { i, want } => env.member.flag_at(*i) == *want,
            Atom::MemberSym { field, sym, eq } => env.member.sym_at(*field).is_some_and(|v| (v == *sym) == *eq),
            Atom::MemberLen { list, mask, k } => ops::masked(*mask, list.len(env.member) as i64, *k),
            Atom::Memo { slot, streak, mask, k, pass } => ops::masked(*mask, memo_read(env, *slot, *streak, pass), *k),
            _ => self.eval_nested(env, e),
        }
    }

    #[inline(always)]
    pub(crate) fn eval(&self, env: &Env, e: &E) -> bool {
        match self {
            Atom::DateSlot { field, mask, slot } => match (e.date_at(*field), env.consts.get(*slot)) {
                (Some(x), Some(Val::Date(Some(c)))) => ops::masked(*mask, x, *c),
                _ => false,
            },
            Atom::DateLit { field, mask, d } => e.date_at(*field).is_some_and(|x| ops::masked(*mask, x, *d)),
            Atom::Text { field, s, eq } => e.text_at(*field).is_some_and(|v| s.eq(v) == *eq),
            Atom::Sym { field, sym, eq } => e.sym_at(*field).is_some_and(|v| (v == *sym) == *eq),
            Atom::MemberFlag { i, want } => env.member.flag_at(*i) == *want,
            Atom::MemberSym { field, sym, eq } => env.member.sym_at(*field).is_some_and(|v| (v == *sym) == *eq),
            Atom::NumLit { f, mask, k } => f(env, e).is_some_and(|x| ops::masked(*mask, x, *k)),
            Atom::MemberLen { list, mask, k } => ops::masked(*mask, list.len(env.member) as i64, *k),
            Atom::Memo { slot, streak, mask, k, pass } => ops::masked(*mask, memo_read(env, *slot, *streak, pass), *k),
            Atom::All(v) => v.iter().all(|a| a.eval_leaf(env, e)),
            Atom::Any(v) => v.iter().any(|a| a.eval_leaf(env, e)),
            Atom::Table { leaves, table } => {
                let mut index = 0u32;
                for (i, a) in leaves.iter().enumerate() {
                    index |= u32::from(a.eval_leaf(env, e)) << i;
                }
                table >> index & 1 != 0
            }
            Atom::Dyn(f) => f(env, e),
        }
    }

    /// A member test that reads nothing but the member and costs no loop: safe to
    /// evaluate whether or not the chain around it would have reached it.
    fn member_leaf(&self) -> bool {
        matches!(self, Atom::MemberFlag { .. } | Atom::MemberSym { .. } | Atom::MemberLen { .. })
    }

    /// An `and` / `or` chain (nested or not) whose leaves are all member tests, at most
    /// six of them, as a truth table: every leaf is evaluated, without branching on the
    /// chain's shape, and the table gives the chain's value. Any other atom as it is.
    fn tabled(self) -> Atom<E> {
        fn flatten<E: Host>(a: Atom<E>, out: &mut Vec<Atom<E>>) -> Tree {
            match a {
                Atom::All(v) => Tree::All(v.into_iter().map(|a| flatten(a, out)).collect()),
                Atom::Any(v) => Tree::Any(v.into_iter().map(|a| flatten(a, out)).collect()),
                Atom::Table { leaves, table } => {
                    let (base, n) = (out.len() as u32, leaves.len() as u32);
                    out.extend(leaves);
                    Tree::Table { base, n, table }
                }
                a => {
                    out.push(a);
                    Tree::Leaf(out.len() as u32 - 1)
                }
            }
        }
        match self.leaf_count() {
            Some(n) if n <= 6 && matches!(self, Atom::All(_) | Atom::Any(_)) => {
                let mut leaves = Vec::new();
                let tree = flatten(self, &mut leaves);
                let table = (0..1u32 << n).fold(0u64, |t, index| t | u64::from(tree.value(index)) << index);
                Atom::Table { leaves, table }
            }
            _ => self,
        }
    }

    /// How many member tests the chain has; `None` when it has anything else.
    fn leaf_count(&self) -> Option<usize> {
        match self {
            Atom::All(v) | Atom::Any(v) => v.iter().map(Atom::leaf_count).sum(),
            Atom::Table { leaves, .. } => Some(leaves.len()),
            a => a.member_leaf().then_some(1),
        }
    }
}

/// The shape of a tabled chain (see [`Atom::tabled`]), over the bits of the index.
enum Tree {
    Leaf(u32),
    All(Vec<Tree>),
    Any(Vec<Tree>),
    Table { base: u32, n: u32, table: u64 },
}

impl Tree {
    fn value(&self, index: u32) -> bool {
        match self {
            Tree::Leaf(i) => index >> i & 1 != 0,
            Tree::All(v) => v.iter().all(|t| t.value(index)),
            Tree::Any(v) => v.iter().any(|t| t.value(index)),
            Tree::Table { base, n, table } => table >> (index >> base & ((1 << n) - 1)) & 1 != 0,
        }
    }
}

/// A member-level test the atoms evaluate inline: a flag, its negation, `is some` or
/// `is none` of an optional field, an interned field against a literal.
fn member_atom<E: Host>(e: &TExpr) -> Option<Atom<E>> {
    let member_field = |x: &TExpr| match &x.kind {
        TKind::Field(Src::Root(_), HostRecord::Member, name) => Some(name.clone()),
        _ => None,
    };
    // A field in the place of a condition is a flag; `is` only takes optional fields.
    let flag = |x: &TExpr, want: bool| Some(Atom::MemberFlag { i: MemberFacts::flag_index(&member_field(x)?)?, want });
    match &e.kind {
        TKind::Field(..) => flag(e, true),
        TKind::Not(a) => flag(a, false),
        TKind::Is(a, some) => flag(a, *some),
        TKind::Cmp(op @ (BinOp::Eq | BinOp::Ne), CmpKind::Text, a, b) => {
            let (n, s) = match (&a.kind, &b.kind) {
                (_, TKind::Lit(Lit::Text(s))) => (member_field(a)?, s),
                (TKind::Lit(Lit::Text(s)), _) => (member_field(b)?, s),
                _ => return None,
            };
            let field = MemberFacts::sym_index(&n)?;
            Some(Atom::MemberSym { field, sym: Sym::new(s), eq: *op == BinOp::Eq })
        }
        _ => None,
    }
}

fn disjunction<E: Host>(atoms: Vec<Atom<E>>) -> BoolF<E> {
    let atoms = match <[Atom<E>; 1]>::try_from(atoms) {
        Ok([Atom::Dyn(f)]) => return f,
        Ok([a]) => return Box::new(move |env, e| a.eval(env, e)),
        Err(atoms) => atoms,
    };
    match <[Atom<E>; 2]>::try_from(atoms) {
        Ok([a, b]) => Box::new(move |env, e| a.eval(env, e) || b.eval(env, e)),
        Err(atoms) => match <[Atom<E>; 3]>::try_from(atoms) {
            Ok([a, b, c]) => Box::new(move |env, e| a.eval(env, e) || b.eval(env, e) || c.eval(env, e)),
            Err(atoms) => Box::new(move |env, e| atoms.iter().any(|a| a.eval(env, e))),
        },
    }
}

fn conjunction<E: Host>(atoms: Vec<Atom<E>>) -> BoolF<E> {
    let atoms = match <[Atom<E>; 1]>::try_from(atoms) {
        Ok([Atom::Dyn(f)]) => return f,
        Ok([a]) => return Box::new(move |env, e| a.eval(env, e)),
        Err(atoms) => atoms,
    };
    match <[Atom<E>; 2]>::try_from(atoms) {
        Ok([a, b]) => Box::new(move |env, e| a.eval(env, e) && b.eval(env, e)),
        Err(atoms) => match <[Atom<E>; 3]>::try_from(atoms) {
            Ok([a, b, c]) => Box::new(move |env, e| a.eval(env, e) && b.eval(env, e) && c.eval(env, e)),
            Err(atoms) => Box::new(move |env, e| atoms.iter().all(|a| a.eval(env, e))),
        },
    }
}

enum FieldAcc<E> {
    Bool(BoolF<E>),
    Num(NumF<E>),
    Date(DateF<E>),
}

/// A field read as a closure, with the accessor fixed now.
fn field_acc<E: Host>(src: Src, host: HostRecord, name: &str) -> Option<FieldAcc<E>> {
    match (src, host) {
        (Src::Var, _) => wrap(E::field(name), |_, e: &E| e),
        (Src::Root(_), HostRecord::Member) => wrap(MemberFacts::field(name), |env, _| env.member),
        (Src::Root(_), HostRecord::Branch) => wrap(BranchFacts::field(name), |env, _| env.scope.branch),
        (Src::Root(_), HostRecord::Meeting) => wrap(MeetingFacts::field(name), |env, _| env.scope.meeting),
        (Src::Root(_), HostRecord::Quarter) => wrap(QuarterFacts::field(name), |env, _| env.scope.quarter),
        _ => None,
    }
}

/// `get` picks the record (the member, the bound element, a scope root); a closure
/// type rather than a `fn` pointer, so that it is inlined into the reader.
fn wrap<E: Host, T: Host, G>(acc: Option<Acc<T>>, get: G) -> Option<FieldAcc<E>>
where
    G: for<'x> Fn(&'x Env<'x>, &'x E) -> &'x T + Copy + Send + Sync + 'static,
{
    Some(match acc? {
        Acc::Bool(f) => FieldAcc::Bool(Box::new(move |env, e| f(get(env, e)))),
        Acc::Int(f) => FieldAcc::Num(Box::new(move |env, e| Some(f(get(env, e))))),
        Acc::Date(f) => FieldAcc::Date(Box::new(move |env, e| Some(f(get(env, e))))),
        Acc::OptDate(f) => FieldAcc::Date(Box::new(move |env, e| f(get(env, e)))),
        _ => return None,
    })
}

enum ListGet<R> {
    Member(fn(&MemberFacts) -> &[R]),
    Branch(fn(&BranchFacts) -> &[R]),
}

/// A root whose lists aggregates read: the member's, or the branch's.
trait ListRoot: Sized {
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

enum AggF<E> {
    Bool(BoolF<E>),
    Num(NumF<E>),
}

/// The key under which an aggregate is shared: its file and its parts as written.
fn agg_key(file: usize, text: &str, e: &TExpr) -> Option<String> {
    let TKind::Agg { kind: AggKind::Count | AggKind::Streak, list, filter, pred, .. } = &e.kind else { return None };
    if !e.varying {
        return None;
    }
    let part = |x: &Option<Box<TExpr>>| x.as_ref().map(|x| x.span.text(text).to_string()).unwrap_or_default();
    Some(format!("{file}\u{0}{}\u{0}{}\u{0}{}", list.span.text(text), part(filter), part(pred)))
}

fn collect_aggs(file: usize, text: &str, e: &TExpr, out: &mut Vec<String>) {
    if let Some(k) = agg_key(file, text, e) {
        out.push(k);
    }
    for c in e.kind.children() {
        collect_aggs(file, text, c, out);
    }
}

/// An aggregate's filter or predicate in the shape its loop tests inline: the
/// comparisons of one date field with scope constants fused into an inclusive range
/// (resolved once per call, not per element), one text field compared with a
/// literal, and whatever else as atoms. The semantics are the atoms' conjunction.
struct Shape<R> {
    date: Option<(u8, Vec<(DateBound, u8)>)>,
    text: Option<(u8, ops::TextLit, bool)>,
    sym: Option<(u8, Sym, bool)>,
    rest: Vec<Atom<R>>,
    /// Where `prepare` put the date range; without it (or outside a prepared scope)
    /// the range is resolved at each call.
    slot: Option<usize>,
}

#[derive(Clone, Copy)]
enum DateBound {
    Slot(usize),
    Lit(NaiveDate),
}

/// The rules of a fused `any` group that each value of the keyed field names, by the
/// value's interned id: entry `id - lo` holds bit `i` when rule `i` tests for it.
struct SymTable {
    lo: u32,
    rules: Vec<u64>,
}

impl SymTable {
    /// The ids the rules name span at most this many: the table stays in a cache line
    /// or few.
    const SPAN: u32 = 256;

    /// `None` when a rule names no value, there are more than 64 rules, or the ids are
    /// too far apart.
    fn new(syms: impl Iterator<Item = Option<Sym>>) -> Option<SymTable> {
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

/// A shape's date range for one call: `None` when no element can pass (a bound is
/// missing or the range is empty).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Range {
    lo: NaiveDate,
    hi: NaiveDate,
}

impl<R: Host> Shape<R> {
    fn new(atoms: Vec<Atom<R>>) -> Shape<R> {
        let mut shape = Shape { date: None, text: None, sym: None, rest: Vec::new(), slot: None };
        for a in atoms {
            match a {
                Atom::DateSlot { field, mask, slot } if range_mask(mask) => shape.add_bound(field, DateBound::Slot(slot), mask, a),
                Atom::DateLit { field, mask, d } if range_mask(mask) => shape.add_bound(field, DateBound::Lit(d), mask, a),
                Atom::Text { field, s, eq } if shape.text.is_none() => shape.text = Some((field, s, eq)),
                Atom::Sym { field, sym, eq } if shape.sym.is_none() => shape.sym = Some((field, sym, eq)),
                a => shape.rest.push(a),
            }
        }
        shape
    }

    fn add_bound(&mut self, field: u8, b: DateBound, mask: u8, atom: Atom<R>) {
        match &mut self.date {
            None => self.date = Some((field, vec![(b, mask)])),
            Some((f, bounds)) if *f == field => bounds.push((b, mask)),
            Some(_) => self.rest.push(atom),
        }
    }

    /// The date range for the scope at hand; `None` when nothing can pass.
    #[inline(always)]
    fn range(&self, env: &Env) -> Option<Range> {
        match &self.date {
            Some((_, bounds)) => match self.slot.and_then(|i| env.ranges.get(i)) {
                Some(r) => *r,
                None => resolve(bounds, env),
            },
            None => Some(Range { lo: NaiveDate::MIN, hi: NaiveDate::MAX }),
        }
    }

    /// Text first: it is what usually tells elements apart (`f.clause == "x1"`).
    #[inline(always)]
    fn pass(&self, r: Range, env: &Env, e: &R) -> bool {
        if let Some((field, sym, eq)) = &self.sym {
            if e.sym_at(*field).is_none_or(|v| (v == *sym) != *eq) {
                return false;
            }
        }
        if let Some((field, s, eq)) = &self.text {
            if e.text_at(*field).is_none_or(|v| s.eq(v) != *eq) {
                return false;
            }
        }
        if let Some((field, _)) = &self.date {
            match e.date_at(*field) {
                Some(d) if r.lo <= d && d <= r.hi => {}
                _ => return false,
            }
        }
        self.rest.is_empty() || self.rest.iter().all(|a| a.eval(env, e))
    }
}

/// Date bounds (with their comparison masks) as one inclusive range for the scope at
/// hand; `None` when no date can pass.
#[inline(always)]
fn resolve(bounds: &[(DateBound, u8)], env: &Env) -> Option<Range> {
    let mut r = Range { lo: NaiveDate::MIN, hi: NaiveDate::MAX };
    for (b, mask) in bounds {
        let c = match b {
            DateBound::Lit(d) => *d,
            DateBound::Slot(i) => match env.consts.get(*i) {
                Some(Val::Date(Some(c))) => *c,
                _ => return None,
            },
        };
        // Bit 0: below, bit 1: equal, bit 2: above (see `ops::op_mask`).
        if mask & 0b001 == 0 {
            let lo = if mask & 0b010 != 0 { c } else { c.succ_opt()? };
            r.lo = r.lo.max(lo);
        }
        if mask & 0b100 == 0 {
            let hi = if mask & 0b010 != 0 { c } else { c.pred_opt()? };
            r.hi = r.hi.min(hi);
        }
    }
    (r.lo <= r.hi).then_some(r)
}

/// `<`, `<=`, `==`, `>=`, `>`: the comparisons a range expresses.
fn range_mask(mask: u8) -> bool {
    matches!(mask, 0b001 | 0b011 | 0b010 | 0b110 | 0b100)
}

/// One pass over a list computing a shared `count` and `streak` together, packed
/// (bit 63: known; bits 32–62: count; bits 0–31: streak).
pub(crate) type MemoF = Box<dyn Fn(&Env) -> u64 + Send + Sync>;

fn memo_pass<R: Host>(get: ListGet<R>, f: Shape<R>, p: Shape<R>) -> MemoF {
    Box::new(move |env| {
        let (count, best) = count_streak(&f, &p, env, get.get(env));
        1 << 63 | (count.min(0x7fff_ffff) << 32) | best.min(0xffff_ffff)
    })
}

/// The shared `count` (or `streak`) in `env.memo[slot]`, computed by `pass` the first
/// time it is asked for the member at hand.
#[inline(always)]
fn memo_read(env: &Env, slot: usize, streak: bool, pass: &MemoF) -> i64 {
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

/// A member list, by its index (see `Host::list_len`), whose length is read directly.
#[derive(Clone, Copy)]
pub(crate) struct LenOf(u8);

impl LenOf {
    fn by_name(name: &str) -> Option<LenOf> {
        MemberFacts::list_index(name).map(LenOf)
    }

    #[inline(always)]
    pub(crate) fn len(self, m: &MemberFacts) -> usize {
        m.list_len(self.0)
    }
}

/// `count` or `streak`, computing both in one pass and remembering them in
/// `env.memo[slot]`.
fn memoized<E: Host, R: Host>(kind: AggKind, get: ListGet<R>, f: Shape<R>, p: Shape<R>, slot: usize) -> AggF<E> {
    let streak = kind == AggKind::Streak;
    let pass = memo_pass(get, f, p);
    AggF::Num(Box::new(move |env, _| Some(memo_read(env, slot, streak, &pass))))
}

/// An element test the loop that uses it is compiled for (see [`with_test!`]).
trait Test<R> {
    fn test(&self, e: &R) -> bool;
}

/// A date field within a range.
struct DateTest {
    field: u8,
    range: Range,
}

impl<R: Host> Test<R> for DateTest {
    #[inline(always)]
    fn test(&self, e: &R) -> bool {
        matches!(e.date_at(self.field), Some(d) if self.range.lo <= d && d <= self.range.hi)
    }
}

/// A text field equal (or not) to a literal.
struct TextTest<'s> {
    field: u8,
    s: &'s ops::TextLit,
    eq: bool,
}

impl<R: Host> Test<R> for TextTest<'_> {
    #[inline(always)]
    fn test(&self, e: &R) -> bool {
        e.text_at(self.field).is_some_and(|v| self.s.eq(v) == self.eq)
    }
}

/// An interned text field equal (or not) to an interned literal.
struct SymTest {
    field: u8,
    sym: Sym,
    eq: bool,
}

impl<R: Host> Test<R> for SymTest {
    #[inline(always)]
    fn test(&self, e: &R) -> bool {
        e.sym_at(self.field).is_some_and(|v| (v == self.sym) == self.eq)
    }
}

/// Any other shape.
struct ShapeTest<'s, 'e, R> {
    shape: &'s Shape<R>,
    range: Range,
    env: &'s Env<'e>,
}

impl<R: Host> Test<R> for ShapeTest<'_, '_, R> {
    #[inline(always)]
    fn test(&self, e: &R) -> bool {
        self.shape.pass(self.range, self.env, e)
    }
}

/// Binds `$t` to the shape's element test as a value of its own type, so that the
/// loop in `$body` is compiled for that shape: a date range alone and a text literal
/// alone (x8's filter and predicate) make loops without any per-element dispatch.
macro_rules! with_test {
    ($shape:expr, $range:expr, $env:expr, |$t:ident| $body:expr) => {{
        let (shape, range, env) = ($shape, $range, $env);
        match (&shape.date, &shape.text, &shape.sym, shape.rest.is_empty()) {
            (Some((field, _)), None, None, true) => {
                let $t = DateTest { field: *field, range };
                $body
            }
            (None, Some((field, s, eq)), None, true) => {
                let $t = TextTest { field: *field, s, eq: *eq };
                $body
            }
            (None, None, Some((field, sym, eq)), true) => {
                let $t = SymTest { field: *field, sym: *sym, eq: *eq };
                $body
            }
            _ => {
                let $t = ShapeTest { shape, range, env };
                $body
            }
        }
    }};
}

/// The elements passing `f`: how many also pass `p`, and the longest run of them.
#[inline(always)]
fn count_streak<R: Host>(f: &Shape<R>, p: &Shape<R>, env: &Env, list: &[R]) -> (u64, u64) {
    let (Some(rf), Some(rp)) = (f.range(env), p.range(env)) else {
        return (0, 0);
    };
    with_test!(f, rf, env, |ft| with_test!(p, rp, env, |pt| count_streak_with(list, &ft, &pt)))
}

#[inline(always)]
fn count_streak_with<R>(list: &[R], f: &impl Test<R>, p: &impl Test<R>) -> (u64, u64) {
    // Without branches on the element's values: which elements pass is data, and a
    // mispredicted branch per member costs more than the arithmetic.
    // An element passing `f` and `p` extends the run, one passing `f` alone breaks it,
    // any other leaves it as it is.
    let (mut count, mut run, mut best) = (0u64, 0u64, 0u64);
    for r in list {
        let (fp, pp) = (f.test(r), p.test(r));
        let hit = u64::from(fp & pp);
        count += hit;
        run = if fp & !pp { 0 } else { run + hit };
        best = best.max(run);
    }
    (count, best)
}

/// The parts of a fused rule (see [`Compiler::fused_rule`]): the comparisons of the
/// shared count (`false`) or streak (`true`) with a literal, and the other terms.
struct Fused {
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

/// For `count` and `any`, `f` holds the filter and the predicate together and `p` is
/// empty: both count the elements that pass the two.
fn aggregate<E: Host, R: Host>(kind: AggKind, get: ListGet<R>, f: Shape<R>, p: Shape<R>) -> AggF<E> {
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
