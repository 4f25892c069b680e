//! Shapes: an aggregate's filter or predicate as its loop tests it — one date field
//! against scope constants fused into an inclusive range (resolved once per scope),
//! one text or interned field against a literal, and the rest as atoms — and the
//! element tests a loop is compiled for (`with_test!`), down to the count/streak pass.

use super::{Compiler, Env, Val};
use super::atom::Atom;
use crate::facts::Sym;
use crate::rules::ops;
use crate::rules::check::TExpr;
use crate::rules::host::Host;
use chrono::NaiveDate;

/// An aggregate's filter or predicate in the shape its loop tests inline: the
/// comparisons of one date field with scope constants fused into an inclusive range
/// (resolved once per call, not per element), one text field compared with a
/// literal, and whatever else as atoms. The semantics are the atoms' conjunction.
pub(super) struct Shape<R> {
    pub(super) date: Option<(u8, Vec<(DateBound, u8)>)>,
    pub(super) text: Option<(u8, ops::TextLit, bool)>,
    pub(super) sym: Option<(u8, Sym, bool)>,
    pub(super) rest: Vec<Atom<R>>,
    /// Where `prepare` put the date range; without it (or outside a prepared scope)
    /// the range is resolved at each call.
    slot: Option<usize>,
}

#[derive(Clone, Copy)]
pub(super) enum DateBound {
    Slot(usize),
    Lit(NaiveDate),
}

/// A shape's date range for one call: `None` when no element can pass (a bound is
/// missing or the range is empty).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Range {
    lo: NaiveDate,
    hi: NaiveDate,
}

impl<R: Host> Shape<R> {
    pub(super) fn new(atoms: Vec<Atom<R>>) -> Shape<R> {
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
    pub(super) fn range(&self, env: &Env) -> Option<Range> {
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
    pub(super) fn pass(&self, r: Range, env: &Env, e: &R) -> bool {
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
pub(super) fn resolve(bounds: &[(DateBound, u8)], env: &Env) -> Option<Range> {
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
pub(super) fn range_mask(mask: u8) -> bool {
    matches!(mask, 0b001 | 0b011 | 0b010 | 0b110 | 0b100)
}

impl Compiler {
    /// A shape whose date range, if it has one, is resolved once per scope.
    pub(super) fn shape<R: Host>(&mut self, atoms: Vec<Atom<R>>) -> Shape<R> {
        let mut shape = Shape::new(atoms);
        if let Some((_, bounds)) = &shape.date {
            let bounds = bounds.clone();
            shape.slot = Some(self.ranges.len());
            self.ranges.push(Box::new(move |env: &Env| resolve(&bounds, env)));
        }
        shape
    }

    /// An aggregate's filter and predicate as the shapes of its loop.
    pub(super) fn shapes<R: Host>(&mut self, filter: Option<&TExpr>, pred: Option<&TExpr>) -> (Shape<R>, Shape<R>) {
        let f: Vec<Atom<R>> = filter.map(|f| self.atoms::<R>(f)).unwrap_or_default();
        let p: Vec<Atom<R>> = pred.map(|p| self.atoms::<R>(p)).unwrap_or_default();
        (self.shape(f), self.shape(p))
    }
}

/// An element test the loop that uses it is compiled for (see [`with_test!`]).
pub(super) trait Test<R> {
    fn test(&self, e: &R) -> bool;
}

/// A date field within a range.
pub(super) struct DateTest {
    pub(super) field: u8,
    pub(super) range: Range,
}

impl<R: Host> Test<R> for DateTest {
    #[inline(always)]
    fn test(&self, e: &R) -> bool {
        matches!(e.date_at(self.field), Some(d) if self.range.lo <= d && d <= self.range.hi)
    }
}

/// A text field equal (or not) to a literal.
pub(super) struct TextTest<'s> {
    pub(super) field: u8,
    s: &'s ops::TextLit,
    pub(super) eq: bool,
}

impl<R: Host> Test<R> for TextTest<'_> {
    #[inline(always)]
    fn test(&self, e: &R) -> bool {
        e.text_at(self.field).is_some_and(|v| self.s.eq(v) == self.eq)
    }
}

/// An interned text field equal (or not) to an interned literal.
pub(super) struct SymTest {
    pub(super) field: u8,
    pub(super) sym: Sym,
    pub(super) eq: bool,
}

impl<R: Host> Test<R> for SymTest {
    #[inline(always)]
    fn test(&self, e: &R) -> bool {
        e.sym_at(self.field).is_some_and(|v| (v == self.sym) == self.eq)
    }
}

/// Any other shape.
pub(super) struct ShapeTest<'s, 'e, R> {
    pub(super) shape: &'s Shape<R>,
    pub(super) range: Range,
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
pub(super) fn count_streak<R: Host>(f: &Shape<R>, p: &Shape<R>, env: &Env, list: &[R]) -> (u64, u64) {
    let (Some(rf), Some(rp)) = (f.range(env), p.range(env)) else {
        return (0, 0);
    };
    with_test!(f, rf, env, |ft| with_test!(p, rp, env, |pt| count_streak_with(list, &ft, &pt)))
}

#[inline(always)]
pub(super) fn count_streak_with<R>(list: &[R], f: &impl Test<R>, p: &impl Test<R>) -> (u64, u64) {
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
