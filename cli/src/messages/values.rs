//! The values behind a decision (witnesses), as a reader checks them.

use shine_engine::rules::Witness;

/// One witness a line, the expression's line breaks and indentation folded.
pub fn witnesses(ws: &[Witness], indent: &str) -> String {
    ws.iter().map(|w| format!("{indent}{} = {}\n", squeeze(&w.expr), w.value)).collect()
}

/// Text on one line, runs of white space folded to one space.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
