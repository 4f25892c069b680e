//! Printing: a command's result as Chinese text or JSON, a failure as Chinese text on
//! standard error or the one JSON error shape on standard output; tables. Everything
//! shown to people passes [`terminal_safe`] here: text from the store (old stores may
//! hold control characters) never reaches a terminal raw. JSON stays exact.

use crate::failure::Failure;
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde::Serialize;
use shine_engine::ops::Archive;
use std::borrow::Cow;
use std::io::Write;

/// What a command produced: the same result for people and for programs.
pub struct Output {
    pub human: String,
    pub json: serde_json::Value,
}

impl Output {
    pub fn new(human: impl Into<String>, json: impl Serialize) -> Output {
        Output { human: human.into(), json: serde_json::to_value(json).unwrap_or(serde_json::Value::Null) }
    }
}

pub fn output(out: &Output, json: bool) {
    let text = if json { serde_json::to_string_pretty(&out.json).unwrap_or_default() } else { terminal_safe(out.human.trim_end()).into_owned() };
    if text.is_empty() {
        return;
    }
    // A reader that stops early (`shine … | head`) is not an error of ours.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
}

pub fn error(failure: &Failure, json: bool) {
    if json {
        let v = crate::messages::json(failure);
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        eprint!("{}", terminal_safe(&crate::messages::text(failure)));
    }
}

/// `text` with every character that could drive a terminal (control characters but
/// the line break, bidirectional controls; see `shine_engine::text::unsafe_on_terminal`)
/// shown as `[U+001B]`.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(shine_engine::text::unsafe_on_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if shine_engine::text::unsafe_on_terminal(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A failure already worded (by the server that ran a forwarded command), printed
/// where [`error`] prints it.
pub fn printed_error(text: &str, json_form: &serde_json::Value, json: bool) {
    if json {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{}", serde_json::to_string_pretty(json_form).unwrap_or_default());
    } else {
        eprint!("{}", terminal_safe(text));
    }
}

pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(header.iter().copied());
    t
}

/// A unit by its name, with its id: `「机械学院党总支」（jx）`.
pub fn unit_name(archive: &Archive, id: &str) -> String {
    match archive.org().ok().and_then(|t| t.unit(id).map(|u| u.name.clone())) {
        Some(name) => format!("「{name}」（{id}）"),
        None => format!("`{id}`"),
    }
}
