//! Stand-ins until the typed rule program lands.

use super::{Decision, RuleInfo, RuleKind, RuleSet, Scope};
use crate::facts::MemberFacts;

impl RuleSet {
    /// The presenter rule's decision for a member; `None` when the set has none.
    pub fn presenter(&self, _scope: Scope, member: &MemberFacts) -> Option<Decision<bool>> {
        let present = self.field_enum("member", "meeting").and_then(|e| e.variants.first()).map(|v| v.name.clone())?;
        let value = member.meeting.map(|m| m.as_str() == present).unwrap_or(false);
        Some(Decision { rule: self.voter_rule().clone(), value, witnesses: Vec::new() })
    }

    /// The rule with this name, as written; a bare stand-in when the set has none.
    pub fn rule_info(&self, name: &str) -> RuleInfo {
        self.rule(name).cloned().unwrap_or_else(|| RuleInfo {
            name: name.to_owned(),
            kind: RuleKind::Exclude,
            clause: String::new(),
            text: String::new(),
            source: String::new(),
            location: String::new(),
        })
    }
}
