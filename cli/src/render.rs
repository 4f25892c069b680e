//! Rendering: results as Chinese text or JSON, errors through miette (graphical with
//! spans for people, its JSON handler for `--json`).

use std::io::Write;
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde::Serialize;
use shine_engine::error::ShineError;
use shine_engine::rules::{Decision, RuleInfo, Witness};

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
    let text = if json { serde_json::to_string_pretty(&out.json).unwrap_or_default() } else { out.human.trim_end().to_owned() };
    if text.is_empty() {
        return;
    }
    // A reader that stops early (`shine … | head`) is not an error of ours.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
}

pub fn error(report: &miette::Report, json: bool) {
    // A workflow file's problems are typed; `messages` words them.
    if let Some(ShineError::Workflow(errors)) = report.downcast_ref::<ShineError>() {
        let text = crate::messages::workflow::render(errors);
        if json {
            println!("{}", serde_json::json!({ "error": { "message": text, "file": errors.file, "problems": errors.errors } }));
        } else {
            eprint!("{text}");
        }
        return;
    }
    // A blocked `advance` is answered with the guards that failed and their values.
    if let Some(ShineError::Blocked { step, failed }) = report.downcast_ref::<ShineError>() {
        if json {
            let v = serde_json::json!({ "error": { "message": report.to_string(), "blocked": step, "failed": failed } });
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        } else {
            let details: String = failed.iter().map(|d| decision(d, "  ")).collect();
            eprintln!("{report:?}\n未满足的条件：\n{details}");
        }
        return;
    }
    if json {
        let mut s = String::new();
        let handler = miette::JSONReportHandler::new();
        if handler.render_report(&mut s, report.as_ref()).is_err() {
            s = serde_json::json!({ "message": report.to_string() }).to_string();
        }
        println!("{{\"error\":{s}}}");
    } else {
        eprintln!("{report:?}");
    }
}

pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(header.iter().copied());
    t
}

/// `§3.4.x8 无正当理由…（x8，rules/exclusions.shine:20）`
pub fn rule_line(rule: &RuleInfo) -> String {
    format!("{} {}（规则 `{}`，{}）", rule.clause, rule.text, rule.name, rule.location)
}

/// One witness a line, the expression's line breaks and indentation folded.
pub fn witnesses(ws: &[Witness], indent: &str) -> String {
    ws.iter().map(|w| format!("{indent}{} = {}\n", squeeze(&w.expr), w.value)).collect()
}

/// Text on one line, runs of white space folded to one space.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A decision's value as a Chinese reader expects it.
pub trait Verdict {
    fn verdict(&self) -> String;
}

impl Verdict for bool {
    fn verdict(&self) -> String {
        if *self { "成立" } else { "不成立" }.to_owned()
    }
}

impl Verdict for i64 {
    fn verdict(&self) -> String {
        self.to_string()
    }
}

/// A decision with the values that made it.
pub fn decision<T: Verdict>(d: &Decision<T>, indent: &str) -> String {
    format!("{indent}{}\n{indent}  结果：{}\n{}", rule_line(&d.rule), d.value.verdict(), witnesses(&d.witnesses, &format!("{indent}    ")))
}

pub fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

pub fn short_hash(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

/// A unit by its name, with its id: `机械学院党总支（jx）`.
pub fn unit_name(shine: &shine_engine::service::Shine, id: &str) -> String {
    match shine.org().ok().and_then(|t| t.unit(id).map(|u| u.name.clone())) {
        Some(name) => format!("「{name}」（{id}）"),
        None => format!("`{id}`"),
    }
}
