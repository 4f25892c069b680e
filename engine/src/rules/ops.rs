//! The arithmetic both evaluators share, so that the fast path and the trace cannot
//! disagree. Nothing here panics: integer overflow saturates, a division by zero
//! gives 0 (a literal zero divisor is refused by the checker), and date arithmetic
//! beyond chrono's range leaves the date unchanged.

use super::ast::BinOp;
use super::check::{Arith, Func};
use chrono::{Datelike, Months, NaiveDate};

/// `dec` is fixed point: 1.0 is `SCALE`.
pub(crate) const SCALE: i64 = 1_000_000;

fn clamp(v: i128) -> i64 {
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

pub(crate) fn to_dec(i: i64) -> i64 {
    i.saturating_mul(SCALE)
}

pub(crate) fn arith(op: Arith, a: i64, b: i64) -> i64 {
    match op {
        Arith::Add => a.saturating_add(b),
        Arith::Sub => a.saturating_sub(b),
        Arith::MulInt => a.saturating_mul(b),
        Arith::MulDec => clamp(i128::from(a) * i128::from(b) / i128::from(SCALE)),
        Arith::DivDec => {
            if b == 0 {
                0
            } else {
                clamp(i128::from(a) * i128::from(SCALE) / i128::from(b))
            }
        }
        // Dates are handled by `shift`.
        Arith::DateAddMonths | Arith::DateSubMonths => a,
    }
}

/// `date ± n months`, in calendar months, clamped to the end of a shorter month.
pub(crate) fn shift(op: Arith, d: NaiveDate, n: i64) -> NaiveDate {
    let n = if op == Arith::DateSubMonths { n.saturating_neg() } else { n };
    let m = Months::new(u32::try_from(n.unsigned_abs()).unwrap_or(u32::MAX));
    let r = if n >= 0 { d.checked_add_months(m) } else { d.checked_sub_months(m) };
    r.unwrap_or(d)
}

/// Whole calendar months from `a` to `b` (negative when `b` is earlier).
pub(crate) fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    let raw = (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month()) - i64::from(a.month());
    if raw > 0 && b.day() < a.day() {
        raw - 1
    } else if raw < 0 && b.day() > a.day() {
        raw + 1
    } else {
        raw
    }
}

pub(crate) fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// floor, ceil, round (half away from zero) of a dec, as an int.
pub(crate) fn unary_func(f: Func, d: i64) -> i64 {
    match f {
        Func::Floor => d.div_euclid(SCALE),
        Func::Ceil => d.saturating_neg().div_euclid(SCALE).saturating_neg(),
        Func::Round => {
            if d >= 0 {
                d.saturating_add(SCALE / 2).div_euclid(SCALE)
            } else {
                d.saturating_neg().saturating_add(SCALE / 2).div_euclid(SCALE).saturating_neg()
            }
        }
        _ => d,
    }
}

/// A comparison as the set of orderings it accepts (bit 0 less, 1 equal, 2
/// greater), so that the fast path compares without branching on the operator.
pub(crate) fn op_mask(op: BinOp) -> u8 {
    match op {
        BinOp::Eq => 0b010,
        BinOp::Ne => 0b101,
        BinOp::Lt => 0b001,
        BinOp::Le => 0b011,
        BinOp::Gt => 0b100,
        _ => 0b110,
    }
}

#[inline(always)]
pub(crate) fn masked<T: Ord>(mask: u8, a: T, b: T) -> bool {
    (mask >> (a.cmp(&b) as i8 + 1)) & 1 != 0
}

/// A text literal prepared for fast equality tests.
#[derive(Debug, Clone)]
pub(crate) struct TextLit {
    pub text: String,
    head: u64,
    tail: u64,
}

impl TextLit {
    pub fn new(text: String) -> TextLit {
        let b = text.as_bytes();
        let (head, tail) = if b.len() >= 8 { (word(&b[..8]), word(&b[b.len() - 8..])) } else { (padded(b), 0) };
        TextLit { text, head, tail }
    }
    /// `v == self.text`; texts up to 16 bytes (clause names, variants) compare as words.
    #[inline(always)]
    pub fn eq(&self, v: &str) -> bool {
        let (v, t) = (v.as_bytes(), self.text.as_bytes());
        if v.len() != t.len() {
            return false;
        }
        match v.len() {
            0..=7 => padded(v) == self.head,
            8..=16 => word(&v[..8]) == self.head && word(&v[v.len() - 8..]) == self.tail,
            _ => v == t,
        }
    }
}

#[inline(always)]
fn padded(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    for (d, s) in w.iter_mut().zip(b) {
        *d = *s;
    }
    u64::from_le_bytes(w)
}

#[inline(always)]
fn word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

pub(crate) fn ord<T: Ord>(op: BinOp, a: T, b: T) -> bool {
    match op {
        BinOp::Eq => a == b,
        BinOp::Ne => a != b,
        BinOp::Lt => a < b,
        BinOp::Le => a <= b,
        BinOp::Gt => a > b,
        _ => a >= b,
    }
}
