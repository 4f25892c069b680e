//! Atoms: the conjuncts and disjuncts a condition is made of, each a small enum
//! evaluated by one `match` rather than a closure, so that a chain of simple tests
//! (member flags, element fields against constants, a list's length, a memoized
//! count) makes no indirect call; chains of member tests alone become truth tables.

use super::{BoolF, Compiler, Env, NumF, Val, operands};
use super::aggregate::{MemoF, MemoOver, memo_read};
use super::expr::elem_date;
use crate::facts::{MemberFacts, Sym};
use crate::rules::ops;
use crate::rules::ast::{AggKind, BinOp};
use crate::rules::check::{CmpKind, Lit, Src, TExpr, TKind};
use crate::rules::host::{Acc, Host, HostRecord};
use chrono::NaiveDate;

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
pub(super) enum Tree {
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
pub(super) fn member_atom<E: Host>(e: &TExpr) -> Option<Atom<E>> {
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

impl Compiler {
    pub(super) fn atoms<E: Host>(&mut self, e: &TExpr) -> Vec<Atom<E>> {
        let mut parts = Vec::new();
        operands(e, true, &mut parts);
        parts.into_iter().map(|p| self.atom::<E>(p)).collect()
    }

    /// One conjunct (or disjunct): a simple comparison of the element with a constant,
    /// or a simple test of a member field, when it is one.
    pub(super) fn atom<E: Host>(&mut self, e: &TExpr) -> Atom<E> {
        if let Some(a) = member_atom(e) {
            return a;
        }
        // A nested `and` or `or` (`member.mobile and (…)`) as atoms too, so that a
        // chain of simple tests makes no call, unless it is hoisted whole.
        if matches!(e.kind, TKind::And(..) | TKind::Or(..)) && !(self.hoisting && e.scope_constant()) {
            let mut parts = Vec::new();
            if matches!(e.kind, TKind::And(..)) {
                operands(e, true, &mut parts);
                return Atom::All(parts.into_iter().map(|p| self.atom::<E>(p)).collect()).tabled();
            }
            operands(e, false, &mut parts);
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
}

/// A member list, by its index (see `Host::list_len`), whose length is read directly.
#[derive(Clone, Copy)]
pub(crate) struct LenOf(u8);

impl LenOf {
    pub(super) fn by_name(name: &str) -> Option<LenOf> {
        MemberFacts::list_index(name).map(LenOf)
    }

    #[inline(always)]
    pub(crate) fn len(self, m: &MemberFacts) -> usize {
        m.list_len(self.0)
    }
}
