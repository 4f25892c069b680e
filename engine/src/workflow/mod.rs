//! Workflow files: the quarter's procedure (notice §3, §4.2) and the chain that
//! results are reported up (§4.2.b, §4.3.d), read from RON and checked.
//!
//! `file` holds the serde structs of the formats, `model` the engine types made from
//! them, `check` the conversion and the checks of a workflow (graph checks with
//! petgraph), `escalation` the same for the reporting chain, `kinds` the kinds of
//! unit of the organization tree declared with the chain, `clauses` the clauses both
//! cite against those the rule files declare, `error` the problems.
//! A `Workflow` or `Escalation` exists only after every check has passed;
//! [`check_together`] checks the two against each other.
//!
//! This module does not know the rule language: guards are rule *names*, checked by
//! [`Workflow::check_guards`] against a predicate the caller supplies. Nor does it
//! know the notice: every kind of unit, role, state, step, title and clause comes
//! from the files, and problems are typed values that the edge words.

mod calendar;
mod check;
mod clauses;
mod error;
mod escalation;
mod file;
mod kinds;
mod model;
mod together;

pub use error::{Item, RonProblem, RoleUser, WorkflowError, WorkflowErrors, WorkflowProblem};
pub use escalation::{Escalation, Level, LevelStep, Sending};
pub use kinds::UnitKindDecl;
pub use together::check_together;
pub use calendar::{Calendar, NotCovered};
pub use error::NESTING_LIMIT;
pub use model::{Action, Disclosed, Effect, Next, RecordKind, Restricted, Role, State, Step, Workflow};
