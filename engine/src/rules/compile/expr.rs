//! Expressions to closures: conditions, numbers, dates and texts, each field read
//! bound to its accessor now. What is simple enough to test inline (member flags,
//! element comparisons with constants) becomes an atom instead (`atom.rs`);
//! aggregates are `aggregate.rs`'s.

use super::{BoolF, Compiler, DateF, Env, NumF, Val, operands};
use super::aggregate::AggF;
use super::atom::Atom;
use crate::facts::{BranchFacts, MeetingFacts, MemberFacts, QuarterFacts, Sym};
use crate::rules::ops;
use crate::rules::ast::{AggKind, BinOp};
use crate::rules::check::{Base, CmpKind, Func, Lit, Src, TExpr, TKind};
use crate::rules::host::{Acc, Host, HostRecord};
use chrono::NaiveDate;

/// Where a text comes from: texts are only ever read and compared, never built.
pub(super) enum TextSrc<E> {
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
pub(super) enum DateOp<E> {
    Elem(fn(&E) -> NaiveDate),
    Slot(usize),
    Lit(NaiveDate),
    Dyn(DateF<E>),
}

impl Compiler {
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
                TKind::Field(Src::Root(_), HostRecord::Member, name) if a.ty.base == Base::Bool => match MemberFacts::field(name) {
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
                operands(e, false, &mut parts);
                let atoms = parts.into_iter().map(|p| self.atom::<E>(p)).collect();
                disjunction(atoms)
            }
            TKind::Cmp(op, kind, a, b) => self.cmp::<E>(*op, *kind, a, b),
            TKind::Is(a, some) => {
                let some = *some;
                match a.ty.base {
                    Base::Date => {
                        let d = self.date::<E>(a);
                        Box::new(move |env, e| d(env, e).is_some() == some)
                    }
                    Base::Text | Base::Enum(_) => {
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
            TKind::Agg { kind, list, filter, pred, .. } => match self.agg::<E>(*kind, list, filter.as_deref(), pred.as_deref(), None) {
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
            TKind::Call(f @ (Func::Max | Func::Min), args) => {
                let f = *f;
                let args: Vec<DateF<E>> = args.iter().map(|a| self.date::<E>(a)).collect();
                Box::new(move |env, e| {
                    let mut acc: Option<NaiveDate> = None;
                    for a in &args {
                        let d = a(env, e)?;
                        acc = Some(match acc {
                            None => d,
                            Some(x) if f == Func::Max => x.max(d),
                            Some(x) => x.min(d),
                        });
                    }
                    acc
                })
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
            TKind::Agg { kind, list, filter, pred, .. } => {
                let slot = if matches!(kind, AggKind::Count | AggKind::Streak) { self.memo_slot(e) } else { None };
                match self.agg::<E>(*kind, list, filter.as_deref(), pred.as_deref(), slot) {
                    AggF::Num(f) => f,
                    AggF::Bool(_) => Box::new(|_, _| None),
                }
            }
            _ => Box::new(|_, _| None),
        }
    }

    pub(super) fn text<E: Host>(&mut self, e: &TExpr) -> TextSrc<E> {
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
}

pub(super) fn elem_date(k: &TKind) -> Option<&str> {
    match k {
        TKind::Field(Src::Var, _, n) => Some(n.as_str()),
        _ => None,
    }
}

/// `x == "lit"` or `x != "lit"` where `x` is an interned field of the element or the
/// member: the literal is interned now, and the test compares ids.
pub(super) fn sym_cmp<E: Host>(op: BinOp, a: &TExpr, b: &TExpr) -> Option<BoolF<E>> {
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

pub(super) fn disjunction<E: Host>(atoms: Vec<Atom<E>>) -> BoolF<E> {
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

pub(super) fn conjunction<E: Host>(atoms: Vec<Atom<E>>) -> BoolF<E> {
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

pub(super) enum FieldAcc<E> {
    Bool(BoolF<E>),
    Num(NumF<E>),
    Date(DateF<E>),
}

/// A field read as a closure, with the accessor fixed now.
pub(super) fn field_acc<E: Host>(src: Src, host: HostRecord, name: &str) -> Option<FieldAcc<E>> {
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
pub(super) fn wrap<E: Host, T: Host, G>(acc: Option<Acc<T>>, get: G) -> Option<FieldAcc<E>>
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
