//! The rule language: rule files in, a checked and compiled [`RuleSet`] out.
//!
//! Pipeline, one stage per file: `grammar.pest` → `parse` (pest stays in there) →
//! `ast` (our own nodes, each with a span) → `check` (names and types against the
//! declared facts and the host catalogue in `host`) → `compile` (typed closures for
//! the fast path) and `trace` (a tree-walking evaluator that records the values that
//! decided a rule, for explanations). `diagnostic` owns the error type.
//!
//! This module knows nothing of the notice: every number, clause, category and text
//! comes from the rule files.
//!
//! API CONTRACT (used by the rest of the engine; keep these signatures).

use crate::facts::{BranchFacts, MeetingFacts, MemberFacts, QuarterFacts};
use serde::{Deserialize, Serialize};

/// A rule file's name (as shown in messages, e.g. `rules/quota.shine`) and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// The branch-level facts a rule is evaluated against.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub branch: &'a BranchFacts,
    pub meeting: &'a MeetingFacts,
    pub quarter: &'a QuarterFacts,
}

/// What kind of rule a [`RuleInfo`] describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    Quota,
    Exclude,
    Voter,
    Candidate,
    Quorum,
    Prefer,
    Cap,
    Tie,
    Guard,
}

/// A rule as written: its name, the clause it cites and the clause's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// `x8` for `exclude x8 …`; the keyword itself (`quota`, `voter`, …) for singletons.
    pub name: String,
    pub kind: RuleKind,
    /// e.g. `§3.4.x8`.
    pub clause: String,
    /// The clause's text as written in the rule, usually Chinese.
    pub text: String,
    /// The condition or expression as written in the file.
    pub source: String,
    /// `rules/exclusions.shine:12`.
    pub location: String,
}

/// How a tie at the last seat that the lean does not settle is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TiePolicy {
    /// A runoff ballot among the tied candidates for the remaining seats.
    Runoff,
    /// Seat every tied candidate, exceeding the quota.
    Exceed,
    /// Seat none of the tied candidates, leaving the seats empty.
    Drop,
}

/// One value that took part in a decision: the sub-expression as written and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    pub expr: String,
    pub value: String,
}

/// A rule's verdict with the values that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision<T> {
    pub rule: RuleInfo,
    pub value: T,
    pub witnesses: Vec<Witness>,
}

/// A declared enum: its name and variants, each with an optional label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumDecl {
    pub name: String,
    pub label: Option<String>,
    pub variants: Vec<EnumVariant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumVariant {
    pub name: String,
    pub label: Option<String>,
}

/// Everything the member-level rules say about one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberJudgement {
    /// Exclusion rules that fired, in file order.
    pub excluded: Vec<Decision<bool>>,
    pub voter: Decision<bool>,
    pub candidate: Decision<bool>,
    pub preferred: Decision<bool>,
    /// The member counts against the cap.
    pub capped: Decision<bool>,
}
