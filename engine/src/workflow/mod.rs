//! Workflow files: the quarter's procedure (notice §3, §4.2) and the chain that
//! results are reported up (§4.2.b, §4.3.d), read from RON and checked.
//!
//! `file` holds the serde structs of the formats, `model` the engine types made from
//! them, `check` the conversion and the checks of a workflow (graph checks with
//! petgraph), `escalation` the same for the reporting chain, `error` the error type.
//! A `Workflow` or `Escalation` exists only after every check has passed.
//!
//! This module does not know the rule language: guards are rule *names*, checked by
//! [`Workflow::check_guards`] against a predicate the caller supplies. Nor does it
//! know the notice: every title, clause and step comes from the files.

mod check;
mod error;
mod escalation;
mod file;
mod model;
mod shim;

pub use error::{WorkflowError, WorkflowErrors};
pub use escalation::{Action, Escalation, Level, LevelStep, Sending};
pub use model::{Effect, Next, RecordKind, Role, State, Step, Workflow};
pub use shim::UnitKindDecl;
