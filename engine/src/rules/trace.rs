//! The tree-walking evaluator: evaluates a checked expression and records the values
//! that decided it, as [`Witness`]es for explanations.
//!
//! It is the reference semantics; the compiled fast path must agree with it (a
//! proptest checks this). Inside an aggregate it records only what is the same for every element (such as
//! `meeting.date - 12 months`): the per-element values are summed up by the
//! aggregate's own witness. A sub-expression is recorded once, with its first value.
//! Like the fast path it never fails: a missing value is `none`, an operation on
//! `none` is `none`, and a comparison with `none` is false.

use super::ast::AggKind;
use super::check::{Arith, Base, CmpKind, Func, Lit, Src, TExpr, TKind, Ty};
use super::host::{Acc, Host, HostRecord, Visit};
use super::ops;
use super::{Scope, Witness};
use crate::facts::MemberFacts;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Bool(bool),
    Num(i64),
    Date(NaiveDate),
    Text(String),
    None,
}

impl Value {
    pub fn render(&self, ty: Ty) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Num(n) if ty.base == Base::Dec => ops::render_dec(*n),
            Value::Num(n) if ty.base == Base::Months => format!("{n} months"),
            Value::Num(n) => n.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::Text(t) => t.clone(),
            Value::None => "none".into(),
        }
    }
    fn truthy(&self) -> bool {
        matches!(self, Value::Bool(true))
    }
}

/// At most this many elements are named under an aggregate.
const DECIDING_SHOWN: usize = 8;

/// A host record read by field name, whatever its type: the roots and the elements
/// of lists, as the tracer walks them.
trait Record {
    fn read(&self, name: &str) -> Value;
    fn items(&self, name: &str) -> Vec<&dyn Record>;
    /// The values that name the element in an explanation (`Host::shown`).
    fn shown(&self) -> Vec<Value>;
}

impl<T: Host> Record for T {
    fn read(&self, name: &str) -> Value {
        read(self, name)
    }
    fn items(&self, name: &str) -> Vec<&dyn Record> {
        match T::field(name) {
            Some(Acc::List(l)) => l.visit(Items(self)),
            _ => Vec::new(),
        }
    }
    fn shown(&self) -> Vec<Value> {
        T::shown().iter().map(|n| read(self, n)).collect()
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
    pub scope: Scope<'a>,
    pub member: Option<&'a MemberFacts>,
    pub excluded: bool,
    pub quota: i64,
    /// The source text of the rule's file, for witnesses' `expr`.
    pub src: &'a str,
    pub witnesses: Vec<Witness>,
    elem: Option<&'a dyn Record>,
}

fn read<T: Host>(t: &T, name: &str) -> Value {
    match T::field(name) {
        Some(Acc::Bool(f)) => Value::Bool(f(t)),
        Some(Acc::Int(f)) => Value::Num(f(t)),
        Some(Acc::Date(f)) => Value::Date(f(t)),
        Some(Acc::OptDate(f)) => f(t).map(Value::Date).unwrap_or(Value::None),
        Some(Acc::Text(f, _)) => f(t).map(|s| Value::Text(s.to_string())).unwrap_or(Value::None),
        _ => Value::None,
    }
}

impl<'a> Tracer<'a> {
    pub fn new(scope: Scope<'a>, member: Option<&'a MemberFacts>, src: &'a str) -> Tracer<'a> {
        Tracer { scope, member, excluded: false, quota: 0, src, witnesses: Vec::new(), elem: None }
    }

    fn witness(&mut self, e: &TExpr, v: &Value) {
        // Inside an aggregate only what is the same for every element is recorded.
        if e.elem {
            return;
        }
        let expr = e.span.text(self.src).to_string();
        if self.witnesses.iter().any(|w| w.expr == expr) {
            return;
        }
        self.witnesses.push(Witness { expr, value: v.render(e.ty) });
    }

    pub fn eval(&mut self, e: &TExpr) -> Value {
        let v = self.eval_inner(e);
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

    fn field(&self, src: Src, host: HostRecord, name: &str) -> Value {
        let record = match src {
            Src::Var => self.elem,
            Src::Root(_) => self.root(host),
        };
        record.map_or(Value::None, |r| r.read(name))
    }

    fn list(&self, e: &TExpr) -> Vec<&'a dyn Record> {
        let TKind::Field(Src::Root(_), host, name) = &e.kind else { return Vec::new() };
        self.root(*host).map(|r| r.items(name)).unwrap_or_default()
    }

    fn eval_inner(&mut self, e: &TExpr) -> Value {
        match &e.kind {
            TKind::Lit(Lit::Bool(b)) => Value::Bool(*b),
            TKind::Lit(Lit::Num(n)) => Value::Num(*n),
            TKind::Lit(Lit::Date(d)) => Value::Date(*d),
            TKind::Lit(Lit::Text(t)) => Value::Text(t.clone()),
            TKind::Field(src, host, name) => self.field(*src, *host, name),
            TKind::Excluded => Value::Bool(self.excluded),
            TKind::Quota => Value::Num(self.quota),
            TKind::ToDec(a) => match self.eval(a) {
                Value::Num(n) => Value::Num(ops::to_dec(n)),
                _ => Value::None,
            },
            TKind::Neg(a) => match self.eval(a) {
                Value::Num(n) => Value::Num(n.saturating_neg()),
                _ => Value::None,
            },
            TKind::Not(a) => Value::Bool(!self.eval(a).truthy()),
            TKind::And(a, b) => Value::Bool(self.eval(a).truthy() && self.eval(b).truthy()),
            TKind::Or(a, b) => Value::Bool(self.eval(a).truthy() || self.eval(b).truthy()),
            TKind::Arith(op, a, b) => {
                let (x, y) = (self.eval(a), self.eval(b));
                match (op, x, y) {
                    (Arith::DateAddMonths | Arith::DateSubMonths, Value::Date(d), Value::Num(n)) => Value::Date(ops::shift(*op, d, n)),
                    (_, Value::Num(x), Value::Num(y)) => Value::Num(ops::arith(*op, x, y)),
                    _ => Value::None,
                }
            }
            TKind::Cmp(op, kind, a, b) => {
                let (x, y) = (self.eval(a), self.eval(b));
                Value::Bool(match (kind, x, y) {
                    (CmpKind::Num, Value::Num(x), Value::Num(y)) => ops::ord(*op, x, y),
                    (CmpKind::Date, Value::Date(x), Value::Date(y)) => ops::ord(*op, x, y),
                    (CmpKind::Text, Value::Text(x), Value::Text(y)) => ops::ord(*op, x, y),
                    (CmpKind::Bool, Value::Bool(x), Value::Bool(y)) => ops::ord(*op, x, y),
                    _ => false,
                })
            }
            TKind::Is(a, some) => Value::Bool((self.eval(a) != Value::None) == *some),
            TKind::In(a, items) => Value::Bool(match self.eval(a) {
                Value::Text(t) => items.contains(&t),
                _ => false,
            }),
            TKind::Call(f, args) => {
                let vals: Vec<Value> = args.iter().map(|a| self.eval(a)).collect();
                call(*f, &vals)
            }
            TKind::Agg { kind, list, filter, pred, .. } => {
                let items = self.list(list);
                let outer = self.elem;
                let mut count = 0i64;
                let (mut run, mut best) = (0i64, 0i64);
                let mut any = false;
                let mut all = true;
                // The elements that decided the aggregate, to name them in the explanation:
                // those that failed an `all`, those that satisfied the others.
                let mut deciding: Vec<String> = Vec::new();
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
                    if p != (*kind == AggKind::All) && deciding.len() < DECIDING_SHOWN {
                        deciding.push(it.shown().iter().filter(|v| **v != Value::Text(String::new())).map(|v| v.render(Ty { base: Base::Text, opt: false })).collect::<Vec<_>>().join(" "));
                    }
                }
                self.elem = outer;
                if !deciding.is_empty() && !e.elem {
                    let which = if *kind == AggKind::All { "中不满足条件的" } else { "中满足条件的" };
                    let expr = format!("{} {which}", e.span.text(self.src));
                    if !self.witnesses.iter().any(|w| w.expr == expr) {
                        self.witnesses.push(Witness { expr, value: deciding.join("；") });
                    }
                }
                match kind {
                    AggKind::Count => Value::Num(count),
                    AggKind::Streak => Value::Num(best),
                    AggKind::Any => Value::Bool(any),
                    AggKind::All => Value::Bool(all),
                }
            }
        }
    }
}

pub(crate) fn call(f: Func, vals: &[Value]) -> Value {
    match f {
        Func::Floor | Func::Ceil | Func::Round => match vals.first() {
            Some(Value::Num(d)) => Value::Num(ops::unary_func(f, *d)),
            _ => Value::None,
        },
        Func::Max | Func::Min => {
            let mut acc: Option<i64> = None;
            for v in vals {
                let Value::Num(n) = v else { return Value::None };
                acc = Some(match acc {
                    None => *n,
                    Some(a) if f == Func::Max => a.max(*n),
                    Some(a) => a.min(*n),
                });
            }
            acc.map(Value::Num).unwrap_or(Value::None)
        }
        Func::Months | Func::Days => match vals {
            [Value::Date(a), Value::Date(b)] => Value::Num(if f == Func::Months { ops::months_between(*a, *b) } else { ops::days_between(*a, *b) }),
            _ => Value::None,
        },
    }
}
