//! The tree-walking evaluator: evaluates a checked expression and records the values
//! that decided it, as [`Witness`]es for explanations.
//!
//! It is the reference semantics; the compiled fast path must agree with it (a
//! proptest checks this). Inside an aggregate it records only what is the same for
//! every element (such as `meeting.date - 12 months`): the per-element values are
//! summed up by the aggregate's own witness, and the elements that decided it by a
//! second one ([`Elements`]). A sub-expression is recorded once, with its first value.
//! Like the fast path it never fails: a missing value is `none`, an operation on
//! `none` is `none`, and a comparison with `none` is false.
//!
//! Values are recorded typed, with the labels the rules give enum variants; the
//! tracer words nothing.

use super::ast::AggKind;
use super::check::{Arith, Base, CmpKind, Func, Lit, Src, TExpr, TKind, Ty};
use super::host::{Acc, Host, HostRecord, Visit};
use super::ops;
use super::program::Program;
use super::witness::{Arm, ElementField, ElementRole, ElementSummary, Elements, Join, Value, Witness};
use super::Scope;
use crate::facts::MemberFacts;
use chrono::NaiveDate;
use std::collections::HashMap;

/// A value while it is computed; typed as a [`Value`] when it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Datum {
    Bool(bool),
    Num(i64),
    Date(NaiveDate),
    Text(String),
    None,
}

impl Datum {
    fn truthy(&self) -> bool {
        matches!(self, Datum::Bool(true))
    }
}

/// At most this many elements are named under an aggregate.
const DECIDING_SHOWN: usize = 8;

/// The type of a field the rules do not declare (an element's name or id): its value
/// as the engine has it, a number as an int.
const UNDECLARED: Ty = Ty { base: Base::Int, opt: true };

/// A host record read by field name, whatever its type: the roots and the elements
/// of lists, as the tracer walks them.
trait Record {
    fn read(&self, name: &str) -> Datum;
    fn items(&self, name: &str) -> Vec<&dyn Record>;
    /// The fields that name the element in an explanation (`Host::shown`).
    fn shown(&self) -> Vec<(&'static str, Datum)>;
}

impl<T: Host> Record for T {
    fn read(&self, name: &str) -> Datum {
        read(self, name)
    }
    fn items(&self, name: &str) -> Vec<&dyn Record> {
        match T::field(name) {
            Some(Acc::List(l)) => l.visit(Items(self)),
            _ => Vec::new(),
        }
    }
    fn shown(&self) -> Vec<(&'static str, Datum)> {
        T::shown().iter().map(|n| (*n, read(self, n))).collect()
    }
}

/// The elements of a list field of `T`.
struct Items<'a, T>(&'a T);

impl<'a, T> Visit<T> for Items<'a, T> {
    type Out = Vec<&'a dyn Record>;
    fn visit<R: Host>(self, get: fn(&T) -> &[R]) -> Self::Out {
        get(self.0).iter().map(|r| r as &dyn Record).collect()
    }
}

pub(crate) struct Tracer<'a> {
    /// For the enums and records the rules declare: the labels of enum values.
    program: &'a Program,
    pub scope: Scope<'a>,
    pub member: Option<&'a MemberFacts>,
    pub excluded: bool,
    pub quota: i64,
    /// The source text of the rule's file, for witnesses' `expr`.
    pub src: &'a str,
    pub witnesses: Vec<Witness>,
    elem: Option<&'a dyn Record>,
    /// The elements that decided the aggregate just evaluated, recorded after its value.
    deciding: Option<(Witness, (usize, usize))>,
    /// Where each witness was written (a sub-expression may occur more than once),
    /// byte ranges parallel to `witnesses`.
    places: Vec<Vec<(usize, usize)>>,
    /// The truth of each condition evaluated outside an aggregate, by byte range.
    held: HashMap<(usize, usize), bool>,
}

fn read<T: Host>(t: &T, name: &str) -> Datum {
    match T::field(name) {
        Some(Acc::Bool(f)) => Datum::Bool(f(t)),
        Some(Acc::Int(f)) => Datum::Num(f(t)),
        Some(Acc::Date(f)) => Datum::Date(f(t)),
        Some(Acc::OptDate(f)) => f(t).map(Datum::Date).unwrap_or(Datum::None),
        Some(Acc::Text(f, _)) => f(t).map(|s| Datum::Text(s.to_string())).unwrap_or(Datum::None),
        _ => Datum::None,
    }
}

impl<'a> Tracer<'a> {
    pub fn new(program: &'a Program, scope: Scope<'a>, member: Option<&'a MemberFacts>, src: &'a str) -> Tracer<'a> {
        Tracer {
            program,
            scope,
            member,
            excluded: false,
            quota: 0,
            src,
            witnesses: Vec::new(),
            elem: None,
            deciding: None,
            places: Vec::new(),
            held: HashMap::new(),
        }
    }

    fn witness(&mut self, e: &TExpr, v: &Datum) {
        // Inside an aggregate only what is the same for every element is recorded.
        if e.elem {
            return;
        }
        let place = (e.span.start, e.span.end);
        let expr = e.span.text(self.src).to_string();
        match self.witnesses.iter().position(|w| w.expr == expr && !matches!(w.value, Value::Elements(_))) {
            Some(i) => self.places[i].push(place),
            None => {
                let value = self.typed(v, e.ty);
                self.witnesses.push(Witness { expr, value, decisive: false });
                self.places.push(vec![place]);
            }
        }
        if let Some((w, place)) = self.deciding.take() {
            match self.witnesses.iter().position(|x| x.expr == w.expr && matches!(x.value, Value::Elements(_))) {
                Some(i) => self.places[i].push(place),
                None => {
                    self.witnesses.push(w);
                    self.places.push(vec![place]);
                }
            }
        }
    }

    /// After the rule's expression `root` was evaluated: the conditions it is made of,
    /// each marked held or not and whether it decided the value, and the witnesses
    /// marked and ordered, those of the deciding conditions first. A rule that is not
    /// made of conditions (a number, or one comparison) is decided by all it read.
    pub fn finish(&mut self, root: &TExpr) -> Vec<Arm> {
        let mut arms = Vec::new();
        if joined(root).is_some() {
            self.arm(root, 0, true, &mut arms);
        }
        let deciding: Vec<(usize, usize)> = arms.iter().filter(|a| a.arm.decisive && a.arm.join.is_none()).map(|a| a.place).collect();
        let whole = arms.is_empty();
        for (w, places) in self.witnesses.iter_mut().zip(&self.places) {
            w.decisive = whole || places.iter().any(|p| deciding.iter().any(|d| d.0 <= p.0 && p.1 <= d.1));
        }
        // Stable: each group keeps the order the rule reads.
        self.witnesses.sort_by_key(|w| !w.decisive);
        arms.into_iter().map(|a| a.arm).collect()
    }

    /// The enum variants `root` names (`unexcused` in `l.status == unexcused`), once
    /// each in the order written, with the labels the rules give them: the rule's text
    /// read in the words of the rules.
    pub fn named(&self, root: &TExpr) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        let mut stack = vec![root];
        let mut found: Vec<(usize, &TExpr)> = Vec::new();
        while let Some(e) = stack.pop() {
            if let (TKind::Lit(Lit::Text(_)), Base::Enum(_)) = (&e.kind, e.ty.base) {
                found.push((e.span.start, e));
            }
            stack.extend(e.kind.children());
        }
        found.sort_by_key(|(at, _)| *at);
        for (_, e) in found {
            let TKind::Lit(Lit::Text(name)) = &e.kind else { continue };
            let v = self.typed(&Datum::Text(name.clone()), e.ty);
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    /// One condition and, for `or`, `and` and `not`, the conditions under it (a chain
    /// of one connective as one list).
    fn arm(&self, e: &TExpr, depth: usize, decisive: bool, out: &mut Vec<Placed>) {
        let held = self.held.get(&(e.span.start, e.span.end)).copied();
        let join = joined(e);
        out.push(Placed {
            arm: Arm { expr: e.span.text(self.src).to_string(), depth, join, held, decisive },
            place: (e.span.start, e.span.end),
        });
        let Some(join) = join else { return };
        let parts = operands(e, join);
        let truth = |x: &TExpr| self.held.get(&(x.span.start, x.span.end)).copied();
        // `or` true and `and` false: the first operand that settled it; otherwise each.
        let settles = match (join, held) {
            (Join::Any, Some(true)) => parts.iter().position(|x| truth(x) == Some(true)),
            (Join::All, Some(false)) => parts.iter().position(|x| truth(x) == Some(false)),
            _ => None,
        };
        for (i, x) in parts.iter().enumerate() {
            let counts = settles.map_or(truth(x).is_some(), |s| s == i);
            self.arm(x, depth + 1, decisive && counts, out);
        }
    }

    /// A value as recorded: with its type, and an enum variant with its label.
    fn typed(&self, v: &Datum, ty: Ty) -> Value {
        match v {
            Datum::Bool(b) => Value::Bool(*b),
            Datum::Num(n) => match ty.base {
                Base::Dec => Value::Dec(*n),
                Base::Months => Value::Months(*n),
                _ => Value::Int(*n),
            },
            Datum::Date(d) => Value::Date(*d),
            Datum::Text(t) => match ty.base {
                Base::Enum(en) => {
                    let label = self.program.enums.get(en).and_then(|e| e.variants.iter().find(|x| x.name == *t)).and_then(|x| x.label.clone());
                    Value::Enum { name: t.clone(), label }
                }
                _ => Value::Text(t.clone()),
            },
            Datum::None => Value::None,
        }
    }

    /// An element of a list of `record`s as the fields that name it, typed as the
    /// rules declare them (a field they do not declare as what the engine has).
    fn summary(&self, record: HostRecord, elem: &dyn Record) -> ElementSummary {
        let declared = self.program.records.iter().find(|r| r.host == Some(record));
        let fields = elem
            .shown()
            .into_iter()
            .map(|(name, v)| {
                let ty = declared.and_then(|r| r.fields.iter().find(|(n, _)| n == name)).map_or(UNDECLARED, |(_, t)| *t);
                let value = self.typed(&v, ty);
                ElementField { name: name.to_string(), value }
            })
            .collect();
        ElementSummary { fields }
    }

    pub fn eval(&mut self, e: &TExpr) -> Datum {
        let v = self.eval_inner(e);
        if !e.elem && e.ty.base == Base::Bool {
            self.held.insert((e.span.start, e.span.end), v.truthy());
        }
        let worth = matches!(e.kind, TKind::Field(..) | TKind::Agg { .. } | TKind::Call(..) | TKind::Cmp(..) | TKind::Is(..) | TKind::In(..) | TKind::Excluded | TKind::Quota)
            || matches!(e.kind, TKind::Arith(..)) && e.scope_constant();
        if worth {
            self.witness(e, &v);
        }
        v
    }

    fn root(&self, host: HostRecord) -> Option<&'a dyn Record> {
        match host {
            HostRecord::Member => self.member.map(|m| m as &dyn Record),
            HostRecord::Branch => Some(self.scope.branch),
            HostRecord::Meeting => Some(self.scope.meeting),
            HostRecord::Quarter => Some(self.scope.quarter),
            _ => None,
        }
    }

    fn field(&self, src: Src, host: HostRecord, name: &str) -> Datum {
        let record = match src {
            Src::Var => self.elem,
            Src::Root(_) => self.root(host),
        };
        record.map_or(Datum::None, |r| r.read(name))
    }

    fn list(&self, e: &TExpr) -> Vec<&'a dyn Record> {
        let TKind::Field(Src::Root(_), host, name) = &e.kind else { return Vec::new() };
        self.root(*host).map(|r| r.items(name)).unwrap_or_default()
    }

    fn eval_inner(&mut self, e: &TExpr) -> Datum {
        match &e.kind {
            TKind::Lit(Lit::Bool(b)) => Datum::Bool(*b),
            TKind::Lit(Lit::Num(n)) => Datum::Num(*n),
            TKind::Lit(Lit::Date(d)) => Datum::Date(*d),
            TKind::Lit(Lit::Text(t)) => Datum::Text(t.clone()),
            TKind::Field(src, host, name) => self.field(*src, *host, name),
            TKind::Excluded => Datum::Bool(self.excluded),
            TKind::Quota => Datum::Num(self.quota),
            TKind::ToDec(a) => match self.eval(a) {
                Datum::Num(n) => Datum::Num(ops::to_dec(n)),
                _ => Datum::None,
            },
            TKind::Neg(a) => match self.eval(a) {
                Datum::Num(n) => Datum::Num(n.saturating_neg()),
                _ => Datum::None,
            },
            TKind::Not(a) => Datum::Bool(!self.eval(a).truthy()),
            TKind::And(a, b) => Datum::Bool(self.eval(a).truthy() && self.eval(b).truthy()),
            TKind::Or(a, b) => Datum::Bool(self.eval(a).truthy() || self.eval(b).truthy()),
            TKind::Arith(op, a, b) => {
                let (x, y) = (self.eval(a), self.eval(b));
                match (op, x, y) {
                    (Arith::DateAddMonths | Arith::DateSubMonths, Datum::Date(d), Datum::Num(n)) => Datum::Date(ops::shift(*op, d, n)),
                    (_, Datum::Num(x), Datum::Num(y)) => Datum::Num(ops::arith(*op, x, y)),
                    _ => Datum::None,
                }
            }
            TKind::Cmp(op, kind, a, b) => {
                let (x, y) = (self.eval(a), self.eval(b));
                Datum::Bool(match (kind, x, y) {
                    (CmpKind::Num, Datum::Num(x), Datum::Num(y)) => ops::ord(*op, x, y),
                    (CmpKind::Date, Datum::Date(x), Datum::Date(y)) => ops::ord(*op, x, y),
                    (CmpKind::Text, Datum::Text(x), Datum::Text(y)) => ops::ord(*op, x, y),
                    (CmpKind::Bool, Datum::Bool(x), Datum::Bool(y)) => ops::ord(*op, x, y),
                    _ => false,
                })
            }
            TKind::Is(a, some) => Datum::Bool((self.eval(a) != Datum::None) == *some),
            TKind::In(a, items) => Datum::Bool(match self.eval(a) {
                Datum::Text(t) => items.contains(&t),
                _ => false,
            }),
            TKind::Call(f, args) => {
                let vals: Vec<Datum> = args.iter().map(|a| self.eval(a)).collect();
                call(*f, &vals)
            }
            TKind::Agg { kind, list, elem, filter, pred } => {
                let items = self.list(list);
                let outer = self.elem;
                let mut count = 0i64;
                let (mut run, mut best) = (0i64, 0i64);
                let mut any = false;
                let mut all = true;
                // The elements that decided the aggregate, to name them in the explanation:
                // those that failed an `all`, those that satisfied the others.
                let mut deciding: Vec<&dyn Record> = Vec::new();
                let mut total = 0;
                for it in items {
                    self.elem = Some(it);
                    let f = filter.as_ref().map(|f| self.eval(f).truthy()).unwrap_or(true);
                    if !f {
                        continue;
                    }
                    let p = pred.as_ref().map(|p| self.eval(p).truthy()).unwrap_or(true);
                    if p {
                        count += 1;
                        run += 1;
                        best = best.max(run);
                        any = true;
                    } else {
                        run = 0;
                        all = false;
                    }
                    if p != (*kind == AggKind::All) {
                        total += 1;
                        if deciding.len() < DECIDING_SHOWN {
                            deciding.push(it);
                        }
                    }
                }
                self.elem = outer;
                if total > 0 && !e.elem {
                    let role = if *kind == AggKind::All { ElementRole::Failing } else { ElementRole::Matching };
                    let items = deciding.into_iter().map(|it| self.summary(*elem, it)).collect();
                    let value = Value::Elements(Elements { role, items, total });
                    let w = Witness { expr: e.span.text(self.src).to_string(), value, decisive: false };
                    self.deciding = Some((w, (e.span.start, e.span.end)));
                }
                match kind {
                    AggKind::Count => Datum::Num(count),
                    AggKind::Streak => Datum::Num(best),
                    AggKind::Any => Datum::Bool(any),
                    AggKind::All => Datum::Bool(all),
                }
            }
        }
    }
}

/// An arm while the tracer places it: with its byte range in the file.
struct Placed {
    arm: Arm,
    place: (usize, usize),
}

/// The connective of `e`, if it is one.
fn joined(e: &TExpr) -> Option<Join> {
    match e.kind {
        TKind::Or(..) => Some(Join::Any),
        TKind::And(..) => Some(Join::All),
        TKind::Not(..) => Some(Join::Not),
        _ => None,
    }
}

/// The operands of a chain of one connective: `a or b or c` as `[a, b, c]`.
fn operands(e: &TExpr, join: Join) -> Vec<&TExpr> {
    match (&e.kind, join) {
        (TKind::Or(a, b), Join::Any) | (TKind::And(a, b), Join::All) => {
            let mut v = if joined(a) == Some(join) { operands(a, join) } else { vec![a.as_ref()] };
            v.extend(if joined(b) == Some(join) { operands(b, join) } else { vec![b.as_ref()] });
            v
        }
        (TKind::Not(a), Join::Not) => vec![a.as_ref()],
        _ => vec![e],
    }
}

pub(crate) fn call(f: Func, vals: &[Datum]) -> Datum {
    match f {
        Func::Floor | Func::Ceil | Func::Round => match vals.first() {
            Some(Datum::Num(d)) => Datum::Num(ops::unary_func(f, *d)),
            _ => Datum::None,
        },
        Func::Max | Func::Min if matches!(vals.first(), Some(Datum::Date(_))) => {
            let mut acc: Option<NaiveDate> = None;
            for v in vals {
                let Datum::Date(d) = v else { return Datum::None };
                acc = Some(match acc {
                    None => *d,
                    Some(a) if f == Func::Max => a.max(*d),
                    Some(a) => a.min(*d),
                });
            }
            acc.map(Datum::Date).unwrap_or(Datum::None)
        }
        Func::Max | Func::Min => {
            let mut acc: Option<i64> = None;
            for v in vals {
                let Datum::Num(n) = v else { return Datum::None };
                acc = Some(match acc {
                    None => *n,
                    Some(a) if f == Func::Max => a.max(*n),
                    Some(a) => a.min(*n),
                });
            }
            acc.map(Datum::Num).unwrap_or(Datum::None)
        }
        Func::Months | Func::Days => match vals {
            [Datum::Date(a), Datum::Date(b)] => Datum::Num(if f == Func::Months { ops::months_between(*a, *b) } else { ops::days_between(*a, *b) }),
            _ => Datum::None,
        },
    }
}
