//! Witnesses: the values behind a decision, as typed data.
//!
//! The tracer records each field read, aggregate, function call and comparison that
//! took part in a decision as a [`Witness`]: the source text of the sub-expression and
//! its [`Value`]. Values keep their type (a decimal is fixed point, a date a date, an
//! enum variant its name and the label the rules declare), and the elements that
//! decided an aggregate are data too ([`Elements`]). Nothing here is worded: the
//! caller renders values for its readers (the CLI's `messages::values`).
//!
//! These types are part of the engine's answers (`--json` prints them); the event log
//! keeps them in its own record types (`store::log`).

use chrono::NaiveDate;
use serde::Serialize;

/// The fixed-point scale of [`Value::Dec`]: a decimal `d` is `d / DEC_SCALE`.
pub const DEC_SCALE: i64 = super::ops::SCALE;

/// One value that took part in a decision: the sub-expression as written and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Witness {
    pub expr: String,
    pub value: Value,
    /// The value belongs to a condition that decided the rule (the arm of an `or`
    /// that held, the arm of an `and` that failed), or to a rule decided by all it
    /// read. False in the records of older stores, which did not say.
    pub decisive: bool,
}

/// One condition of a rule as it was evaluated: a connective (`or`, `and`, `not`)
/// or a condition under one, in the order written, `depth` levels down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Arm {
    pub expr: String,
    pub depth: usize,
    /// The connective, for `or`, `and` and `not`; none for a plain condition.
    pub join: Option<Join>,
    /// Whether it held; none when it was not evaluated (the connective above it was
    /// decided before it was reached).
    pub held: Option<bool>,
    /// It decided the rule's value: every connective above it did, and it is the
    /// operand that settled its connective (the first that held under an `or` that
    /// held, the first that failed under an `and` that failed), or one of those
    /// that all counted.
    pub decisive: bool,
}

/// A connective of conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Join {
    /// `or`
    Any,
    /// `and`
    All,
    /// `not`
    Not,
}

/// A value as rules compute it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    Bool(bool),
    Int(i64),
    /// An exact decimal in fixed point: `150000` is 0.15 (see [`DEC_SCALE`]).
    Dec(i64),
    Date(NaiveDate),
    /// A number of calendar months.
    Months(i64),
    Text(String),
    /// A variant of an enum the rules declare, with its label if they give one.
    Enum { name: String, label: Option<String> },
    /// A missing value (`none`).
    None,
    /// The elements that decided an aggregate.
    Elements(Elements),
    /// A value recorded as rendered text by a version before values were typed (in
    /// the events of older stores).
    Recorded(String),
}

/// The elements that decided an aggregate: those that satisfied its condition, or,
/// for `all`, those that did not. At most a few are listed (`items`); `total` says how
/// many there were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Elements {
    pub role: ElementRole,
    pub items: Vec<ElementSummary>,
    pub total: usize,
}

impl Elements {
    /// How many deciding elements are not listed.
    pub fn left_out(&self) -> usize {
        self.total.saturating_sub(self.items.len())
    }
}

/// What the listed elements did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ElementRole {
    /// They satisfied the condition (`count`, `any`, `streak`).
    Matching,
    /// They failed it (`all`).
    Failing,
}

/// An element as an administrator recognises it: the fields that name it (a life
/// record's date and status, a member's name and id), in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementSummary {
    pub fields: Vec<ElementField>,
}

/// One field of an [`ElementSummary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementField {
    pub name: String,
    pub value: Value,
}
