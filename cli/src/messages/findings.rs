//! The words of findings closed, members' standings and presentation forms: a
//! declared variant by its label, and the answers of `finding close` and
//! `member standing`.

use shine_engine::ops::views::Explanation;
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

/// The member's standings and the form of their presentation, as `explain` shows them
/// under the vote: empty when neither is recorded.
pub fn member_records(rules: Option<&RuleSet>, e: &Explanation) -> String {
    let label = |entity: &str, field: &str, value: &str| match rules {
        Some(r) => variant_label(r, entity, field, value),
        None => value.to_owned(),
    };
    let mut h = String::new();
    if !e.standings.is_empty() {
        h.push_str("党员状态：\n");
        for s in &e.standings {
            let until = s.standing.until.map(|u| format!("至 {u}")).unwrap_or_else(|| "起，尚无截止".to_owned());
            let kind = label("standing", "kind", s.standing.kind.as_str());
            h.push_str(&format!("  {kind} {} {until}（{}：{}）\n", s.standing.from, s.approved_by, s.reason));
        }
    }
    if let Some(form) = &e.presentation {
        h.push_str(&format!("交流发言：{}\n", label("member", "presentation", form)));
    }
    h
}
