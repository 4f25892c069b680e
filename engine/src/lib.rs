//! shine's engine: the rule language, the workflow interpreter and the store that
//! together run a Party branch's quarterly "Shining Words and Deeds Star" selection.
//!
//! **Architecture invariant:** this crate never prints, never reads environment
//! variables or the clock, and never exits. It returns typed errors and plain data;
//! the `shine` binary renders them. Every number, clause, category and step of the
//! notice lives in `rules/` and `workflows/`, never here.

pub mod chain;
pub mod facts;
pub mod history;
pub mod rules;
pub mod workflow;
pub mod error;
pub mod event;
pub mod org;
pub mod par;
pub mod place;
pub mod quarter;
pub mod service;
pub mod store;
pub mod sym;
pub mod tally;
