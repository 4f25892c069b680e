//! Checked expressions to typed closures: the fast path.
//!
//! Every field read becomes a direct accessor from the host catalogue, chosen here,
//! once; nothing is looked up by name, allocated or boxed into a dynamic value while a
//! member is evaluated. Sub-expressions that are the same for every member of a scope
//! (`meeting.date - 12 months`) are *hoisted*: compiled separately, computed once by
//! `prepare`, and read from a slot. The semantics are the trace's (see `trace.rs`),
//! with the shared arithmetic in `ops.rs`.

mod aggregate;
mod atom;
mod expr;
mod fused;
mod shape;

pub(crate) use atom::Atom;
pub(crate) use fused::AnyGroup;
pub(crate) use shape::Range;

use super::ast::AggKind;
use super::check::{Base, TExpr, TKind};
use super::program::Condition;
use super::{Scope, SourceFile};
use crate::facts::MemberFacts;
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

/// The exclusions of a rule set compiled for the fast path: what `prepare` computes
/// once per scope, and what decides each member.
pub(crate) struct Exclusions {
    /// The exclusions decided one by one: (mask bit, condition).
    pub one_by_one: Vec<(u32, Atom<()>)>,
    /// The exclusions decided together, a pass over one list per group.
    pub groups: Vec<AnyGroup>,
    /// The hoisted values, in slot order.
    pub hoisted: Vec<ConstF>,
    /// The date ranges of aggregates and `groups`, resolved by `prepare` after
    /// `hoisted`, in slot order.
    pub ranges: Vec<RangeF>,
}

impl Exclusions {
    /// The exclusions in order (bit `i` of a mask is `exclusions[i]`), with the rule
    /// files their conditions were written in.
    pub fn compile(exclusions: &[Condition], files: &[SourceFile]) -> Exclusions {
        let text = |file: usize| files.get(file).map_or("", |f| f.text.as_str());
        let mut compiler = Compiler::new();
        let shared: Vec<(usize, &str, &TExpr)> = exclusions.iter().map(|r| (r.file, text(r.file), &r.when)).collect();
        compiler.plan_memo(&shared);
        // Exclusions that are each one `any` over the same member list, two or more
        // of them, are decided in one pass over the list.
        let mut lists: Vec<(&str, Vec<(u32, &TExpr)>)> = Vec::new();
        for (bit, r) in exclusions.iter().enumerate().take(64) {
            let Some(list) = Compiler::any_list(&r.when) else { continue };
            match lists.iter_mut().find(|(l, _)| *l == list) {
                Some((_, v)) => v.push((bit as u32, &r.when)),
                None => lists.push((list, vec![(bit as u32, &r.when)])),
            }
        }
        let mut groups = Vec::new();
        let mut grouped: Vec<u32> = Vec::new();
        for (list, rules) in lists.iter().filter(|(_, v)| v.len() > 1) {
            if let Some(g) = compiler.any_group(list, rules) {
                groups.push(g);
                grouped.extend(rules.iter().map(|(b, _)| *b));
            }
        }
        let mut one_by_one = Vec::new();
        for (bit, r) in (0u32..).zip(exclusions) {
            if !grouped.contains(&bit) {
                compiler.set_file(r.file, text(r.file));
                one_by_one.push((bit, compiler.rule_atom(&r.when)));
            }
        }
        Exclusions { one_by_one, groups, hoisted: compiler.hoisted, ranges: compiler.ranges }
    }
}

/// How many shared aggregates are memoized per member.
pub(crate) const MEMO_SLOTS: usize = 8;

/// Compiles expressions for one rule set; collects the hoisted sub-expressions.
pub(crate) struct Compiler {
    hoisted: Vec<ConstF>,
    hoisting: bool,
    /// The file being compiled (index, text): aggregates are shared by source text.
    file: (usize, String),
    /// Keys of aggregates written more than once, in slot order.
    memo_keys: Vec<String>,
    /// The date ranges of shapes and fused `any` groups, resolved once per scope by
    /// `prepare` into `Env::ranges`, in slot order.
    ranges: Vec<RangeF>,
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
            Base::Bool => {
                let b = self.bool_::<()>(e);
                Box::new(move |env| Val::Bool(b(env, &())))
            }
            Base::Date => {
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
}

/// The operands of a chain of `and` (`conj`) or of `or`, left to right:
/// `a and (b and c)` is `[a, b, c]`.
fn operands<'t>(e: &'t TExpr, conj: bool, out: &mut Vec<&'t TExpr>) {
    match &e.kind {
        TKind::And(a, b) if conj => {
            operands(a, conj, out);
            operands(b, conj, out);
        }
        TKind::Or(a, b) if !conj => {
            operands(a, conj, out);
            operands(b, conj, out);
        }
        _ => out.push(e),
    }
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
