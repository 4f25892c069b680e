//! What stands between a level of the chain and its next step, as data: each step done
//! or not with what is missing, why a unit below has not sent anything yet, and each
//! pick rule checked against the picks.

use crate::domain::Quarter;
use crate::refs::{LevelRef, MemberRef, UnitRef};
use crate::rules::{PickBound, RuleInfo};
use crate::workflow::Action as ChainStep;
use chrono::NaiveDate;
use serde::Serialize;

/// One step of a level, done or not, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepState {
    pub action: ChainStep,
    pub title: String,
    pub clause: String,
    pub done: bool,
    /// What is missing when not done.
    pub missing: Vec<Missing>,
}

/// One thing a step still lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Missing {
    /// Nothing has been pulled from the units below yet.
    NotPulled,
    /// A unit below has not sent, or sent something not pulled yet.
    Unit { unit: UnitRef, why: Waiting },
    /// A star returned to a unit below for correction, not resubmitted yet.
    Returned { star: MemberRef, to: UnitRef, reason: String },
    /// The branch's own quarter is not finished and reported yet.
    QuarterNotReported,
    NotFiled,
    NotPublished,
    /// Stars that must be on the published list and are not.
    Unpublished { stars: Vec<MemberRef> },
    /// The objection window is still open.
    WindowOpen { until: NaiveDate },
    /// An objection not decided yet.
    Objection { star: MemberRef, reason: String },
    /// A pick rule the picks do not satisfy.
    Pick { check: PickCheck },
    /// Fewer picks than an `in principle` pick rule expects, and no reason recorded.
    NoPickReason { check: PickCheck },
    NotForwarded,
}

/// Why a unit has sent nothing (yet) for a quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Waiting {
    /// Its kind has no level in the escalation chain.
    NotInChain,
    /// It runs quarters and has not opened this one.
    QuarterNotOpened { quarter: Quarter },
    /// It runs quarters and has not finished and reported this one.
    QuarterNotReported,
    /// Its level has not forwarded yet.
    NotForwarded { level: LevelRef },
    /// It sent records the level above has not pulled yet.
    NotPulledYet { count: usize },
}

/// A pick rule checked against the picks (per unit for `each unit` rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PickCheck {
    pub rule: RuleInfo,
    pub unit: Option<UnitRef>,
    pub picked: i64,
    pub bound: PickBound,
    pub holds: bool,
}
