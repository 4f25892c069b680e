//! The one place that words shine's answers in Chinese. The engine returns typed
//! values (refusals with their kind, clause, rule and the values it saw; diagnostics
//! of definition files with their place; results); the CLI, the HTTP API and the
//! public page render them through this module and nowhere else.
//!
//! A failure reads, for people:
//! ```text
//! 错误：<what is wrong>
//!   <details>
//! 下一步：<what to do>
//! ```
//! and for programs (`--json`), always the same shape:
//! `{"error": {"code": "...", "message": "...", "help": ["..."], ...details}}`, where
//! the details are the refusal's own fields (with its typed hints under `next`).

pub mod chain;
pub mod meeting;
pub mod overview;
pub mod diagnostics;
pub mod findings;
pub mod imports;
pub mod readback;
pub mod refusal;
pub mod roster;
pub mod rules;
pub mod snippet;
pub mod transport;
pub mod text;
pub mod usage;
pub mod values;
pub mod words;
pub mod workflow;

use crate::failure::Failure;
use serde_json::{json, Value};

/// A failure in words: the message, the lines under it, and what to do next.
pub fn worded(f: &Failure) -> refusal::Worded {
    match f {
        Failure::Refused(r) => refusal::word(r),
        Failure::After { done, refusal } => {
            let mut w = refusal::word(refusal);
            w.details.push(done.clone());
            w
        }
        Failure::Edge(e) => refusal::Worded { message: e.message.clone(), details: Vec::new(), next: e.help.iter().cloned().collect() },
    }
}

/// The failure for people. Problems of definition files are shown as their own
/// blocks (message, snippet, help), one after another, and nothing else (but, for
/// several rule-file errors, their one-line list).
pub fn text(f: &Failure) -> String {
    if let Failure::Refused(r) = f {
        match r.kind.as_ref() {
            shine_engine::refusal::Kind::RuleFiles { errors } => return rules::render(errors),
            shine_engine::refusal::Kind::WorkflowFile { errors } => return diagnostics::workflow_errors(errors).join("\n"),
            _ => {}
        }
    }
    let w = worded(f);
    let mut out = format!("错误：{}\n", w.message);
    for d in &w.details {
        for line in d.lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    for n in &w.next {
        out.push_str(&format!("下一步：{n}\n"));
    }
    out
}

/// The failure for programs: `{"error": {"code", "message", "help", …details}}`.
pub fn json(f: &Failure) -> Value {
    let w = worded(f);
    let mut error = match f {
        Failure::Refused(r) | Failure::After { refusal: r, .. } => serde_json::to_value(r.as_ref()).unwrap_or_else(|_| json!({})),
        Failure::Edge(e) => {
            let mut v = json!({ "code": e.code });
            if let (Some(obj), Value::Object(extra)) = (v.as_object_mut(), &e.details) {
                obj.extend(extra.clone());
            }
            v
        }
    };
    if let Some(obj) = error.as_object_mut() {
        obj.insert("message".into(), Value::String(w.message));
        if !w.details.is_empty() {
            obj.insert("lines".into(), json!(w.details));
        }
        obj.insert("help".into(), json!(w.next));
        if let Failure::After { done, .. } = f {
            obj.insert("done".into(), Value::String(done.clone()));
        }
    }
    json!({ "error": error })
}

/// The declared name closest to a misspelt `name`, for "是否想写 `…`？": at most one
/// edit in three characters away, and never a name wholly unlike it.
pub fn closest<'k>(name: &str, known: &'k [String]) -> Option<&'k str> {
    known
        .iter()
        .map(|option| (strsim::levenshtein(name, option), option.as_str()))
        .filter(|(distance, option)| *distance <= 1.max(option.chars().count() / 3) && *distance < name.chars().count())
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, option)| option)
}

/// `` `a`、`b`、`c` ``: user text in backticks, listed the Chinese way.
pub fn listing(names: &[String]) -> String {
    names.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join("、")
}
