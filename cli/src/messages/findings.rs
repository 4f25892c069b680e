//! The words of findings closed, members' standings and presentation forms: a
//! declared variant by its label, and the answers of `finding close` and
//! `member standing`.

use shine_engine::rules::{FindingPart, RuleSet};

/// `value` of the enum the rules declare for `entity.field`, by its label when it
/// has one (`written` → 书面交流); the value itself otherwise.
pub fn variant_label(rules: &RuleSet, entity: &str, field: &str, value: &str) -> String {
    rules
        .field_enum(entity, field)
        .and_then(|e| e.variants.iter().find(|v| v.name == value))
        .and_then(|v| v.label.clone())
        .unwrap_or_else(|| value.to_owned())
}

/// The option of `finding add` that sets a part of a finding.
pub fn part_option(p: FindingPart) -> &'static str {
    match p {
        FindingPart::Open => "--open（正在接受调查）",
        FindingPart::Until => "--until <日期>（处分期至）",
    }
}
