//! The one place that words shine's answers in Chinese. The engine returns typed
//! values (refusals with their kind, clause, rule and the values it saw; diagnostics
//! of definition files with their place; results); the CLI, the HTTP API and the
//! public page render them through this module and nowhere else.

pub mod snippet;
