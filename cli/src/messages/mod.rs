//! The one place that words shine's answers in Chinese. The engine returns typed
//! values (refusals with their kind, clause, rule and the values it saw; diagnostics
//! of definition files with their place; results); the CLI, the HTTP API and the
//! public page render them through this module and nowhere else.

pub mod snippet;
pub mod workflow;

/// The declared name closest to a misspelt `name`, for "是不是 `…`？": at most one
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
