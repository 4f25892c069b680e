//! shine's engine: the rule language, the workflow interpreter and the store that
//! together run a Party branch's quarterly "Shining Words and Deeds Star" selection
//! and carry its results up the chain.
//!
//! **Architecture invariant:** this crate never prints, never reads environment
//! variables or the clock, never exits, and writes no sentence for people: it returns
//! typed values (answers, [`refusal::Refusal`]s, diagnostics with a [`place::Place`])
//! that the edges render. Every number, clause, category, role and step of the notice
//! lives in `rules/` and `workflows/`, never here.
//!
//! Layers, lowest first (a module imports only from below it):
//! 1. `domain`, `place`, `encoding`, `sym`, `facts`, `par`, `days` — values.
//! 2. `rules`, `workflow`, `tally` — the definition languages and the seat filling.
//! 3. `entity`, `star`, `refs`, `progress`, `event` — what is recorded and answered.
//! 4. `store` (keys, versioned log), `state` (folds), `refusal`.
//! 5. `ops` — the operations and the handles they run on.

pub mod days;
pub mod domain;
pub mod encoding;
pub mod entity;
pub mod event;
pub mod facts;
pub mod ops;
pub mod par;
pub mod place;
pub mod progress;
pub mod refs;
pub mod refusal;
pub mod rules;
pub mod star;
pub mod state;
pub mod store;
pub mod sym;
pub mod tally;
pub mod text;
pub mod workflow;
