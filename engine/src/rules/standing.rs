//! A member's standing for the ballot without the explanations of the exclusions:
//! what the workflow needs many times per command (who may vote, who is on the
//! ballot, the lean and the cap), evaluated without tracing the nine exclusions.

use super::program::Condition;
use super::{RuleSet, Scope};
use crate::facts::MemberFacts;

/// The member-level decisions other than the exclusions, as plain answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub excluded: bool,
    pub voter: bool,
    pub candidate: bool,
    pub preferred: bool,
    pub capped: bool,
}

impl RuleSet {
    /// The member's standing; `excluded` is taken from the fast path
    /// ([`super::Prepared::is_excluded`]) of the same scope.
    pub fn standing(&self, scope: Scope, quota: i64, member: &MemberFacts, excluded: bool) -> Standing {
        let p = &self.inner.program;
        let at = super::At { scope, member: Some(member), excluded, quota };
        let one = |r: &Condition| self.trace_condition(r, at).value;
        Standing {
            excluded,
            voter: one(&p.required.voter),
            candidate: one(&p.required.candidate),
            preferred: p.prefer.as_ref().is_some_and(one),
            capped: p.cap.as_ref().is_some_and(|c| self.trace_bool(&c.info, &c.when, c.file, at).value),
        }
    }
}
