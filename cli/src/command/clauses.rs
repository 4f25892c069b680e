//! `shine clauses`: each clause of the notice, as the rule files declare it, traced to
//! what implements it — the rules and `annex` items that cite it (with whose words
//! they quote), the states, steps and levels of the two workflow files that cite it —
//! and to the tests named after it (`fn s3_4_x8_…`, or `fn annex_…` for a clause
//! declared `as annex`, collected from the repository when `shine` was built).
//! Generated from the definitions in force and the test files, never by hand.

use crate::context::Context;
use crate::failure::{Failure, Result};
use crate::messages::words::{cited, citation};
use crate::render::Output;
use serde::Serialize;
use shine_engine::ops::Current;
use shine_engine::rules::NoticeClause;

mod built {
    include!(concat!(env!("OUT_DIR"), "/tests.rs"));
}

/// One clause and what cites it.
#[derive(Debug, Serialize)]
pub struct ClauseTrace {
    pub id: String,
    /// Context only: nothing in the clause to implement.
    pub context: bool,
    pub text: String,
    /// Where the clause is declared (`rules/notice.shine:12`).
    pub location: String,
    pub rules: Vec<RuleCite>,
    pub workflow: Vec<WorkflowCite>,
    pub tests: Vec<TestCite>,
}

#[derive(Debug, Serialize)]
pub struct RuleCite {
    pub name: String,
    pub kind: &'static str,
    /// `通知原文 §3.4` or `本校实施细则（落实 §3.4）`.
    pub citation: String,
    pub location: String,
}

/// A part of a workflow file citing a clause.
#[derive(Debug, Serialize)]
pub struct WorkflowCite {
    /// `workflows/quarter.ron`.
    pub file: String,
    /// `procedure`, `state`, `step`, `level` or `level_step`.
    pub item: &'static str,
    /// The id of the state, step or level (for a level's step, `level/Action`).
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TestCite {
    pub name: String,
    pub file: String,
}

/// Everything `shine clauses` answers.
#[derive(Debug, Serialize)]
pub struct Trace {
    pub clauses: Vec<ClauseTrace>,
    /// Clauses that are not context only and have no rule or workflow part citing them.
    pub unimplemented: Vec<String>,
    /// Clauses that are not context only and have no test named after them.
    pub untested: Vec<String>,
    /// Tests named like a clause (`s5_…`) whose name matches no clause of the notice.
    pub tests_of_no_clause: Vec<TestCite>,
}

pub fn run(ctx: &Context) -> Result<Output> {
    let current = ctx.definitions()?.check().map_err(Failure::from)?;
    if current.rules.clauses().is_empty() {
        return Err(crate::fail!(
            "no_clauses",
            help = "从仓库复制 rules/notice.shine（通知的条款及原文）到规则目录",
            "规则文件没有声明通知的条款（`clause §… \"…\"`），无从追溯"
        ));
    }
    let trace = trace(&current, built::TESTS);
    Ok(Output::new(human(&trace), &trace))
}

/// The clause a test is named after: the clause with the longest test prefix
/// (`s3_4_x8`, `annex`: [`NoticeClause::test_prefix`]) that begins the test's name,
/// followed by `_` and more.
pub fn clause_of_test<'c>(name: &str, clauses: &'c [NoticeClause]) -> Option<&'c NoticeClause> {
    clauses
        .iter()
        .filter_map(|c| c.test_prefix().map(|prefix| (c, prefix)))
        .filter(|(_, prefix)| name.strip_prefix(prefix.as_str()).is_some_and(|rest| rest.len() > 1 && rest.starts_with('_')))
        .max_by_key(|(_, prefix)| prefix.len())
        .map(|(c, _)| c)
}

pub fn trace(current: &Current, tests: &[(&str, &str)]) -> Trace {
    let clauses = current.rules.clauses();
    let mut out: Vec<ClauseTrace> = clauses
        .iter()
        .map(|c| ClauseTrace {
            id: c.id.clone(),
            context: c.context,
            text: c.text.clone(),
            location: c.location.clone(),
            rules: Vec::new(),
            workflow: Vec::new(),
            tests: Vec::new(),
        })
        .collect();
    let find = |out: &mut Vec<ClauseTrace>, id: &str| out.iter().position(|c| c.id == id);
    for r in current.rules.rules() {
        if let Some(i) = find(&mut out, &r.clause) {
            out[i].rules.push(RuleCite { name: r.name.clone(), kind: r.kind.keyword(), citation: citation(r), location: r.location.clone() });
        }
    }
    for a in current.rules.annexes() {
        if let Some(i) = find(&mut out, &a.clause) {
            let name = match &a.printed_as {
                Some(value) => format!("{} {} as {value}", a.enum_name, a.variants.join(", ")),
                None => format!("{} {}", a.enum_name, a.variants.join(", ")),
            };
            out[i].rules.push(RuleCite { name, kind: "annex", citation: cited(&a.clause, &a.attribution), location: a.location.clone() });
        }
    }
    let wf = &current.workflow;
    let mut parts: Vec<(&str, WorkflowCite)> = Vec::new();
    let file = |name: &str| name.to_owned();
    parts.push((&wf.clause, WorkflowCite { file: file(&wf.file_name), item: "procedure", id: String::new(), title: wf.title.clone() }));
    for s in &wf.states {
        parts.push((&s.clause, WorkflowCite { file: file(&wf.file_name), item: "state", id: s.id.clone(), title: s.title.clone() }));
    }
    for s in &wf.steps {
        parts.push((&s.clause, WorkflowCite { file: file(&wf.file_name), item: "step", id: s.id.clone(), title: s.title.clone() }));
    }
    let esc = &current.escalation;
    parts.push((&esc.clause, WorkflowCite { file: file(&esc.file_name), item: "procedure", id: String::new(), title: esc.title.clone() }));
    for l in &esc.levels {
        parts.push((&l.clause, WorkflowCite { file: file(&esc.file_name), item: "level", id: l.id.clone(), title: l.title.clone() }));
        for s in &l.steps {
            let id = format!("{}/{:?}", l.id, s.action);
            parts.push((&s.clause, WorkflowCite { file: file(&esc.file_name), item: "level_step", id, title: s.title.clone() }));
        }
    }
    for (clause, part) in parts {
        if let Some(i) = find(&mut out, clause) {
            out[i].workflow.push(part);
        }
    }
    let mut tests_of_no_clause = Vec::new();
    for (name, file) in tests {
        let cite = TestCite { name: (*name).to_owned(), file: (*file).to_owned() };
        match clause_of_test(name, clauses).and_then(|c| find(&mut out, &c.id)) {
            Some(i) => out[i].tests.push(cite),
            None => tests_of_no_clause.push(cite),
        }
    }
    let unimplemented = out.iter().filter(|c| !c.context && c.rules.is_empty() && c.workflow.is_empty()).map(|c| c.id.clone()).collect();
    let untested = out.iter().filter(|c| !c.context && c.tests.is_empty()).map(|c| c.id.clone()).collect();
    Trace { clauses: out, unimplemented, untested, tests_of_no_clause }
}

/// At most `n` characters of a clause's text, on one line.
fn head(text: &str, n: usize) -> String {
    let one: String = text.replace(['\n', '\t'], " ");
    if one.chars().count() <= n {
        return one;
    }
    format!("{}……", one.chars().take(n).collect::<String>())
}

fn item_word(item: &str) -> &'static str {
    match item {
        "procedure" => "流程",
        "state" => "状态",
        "step" => "环节",
        "level" => "层级",
        _ => "层级环节",
    }
}

fn human(t: &Trace) -> String {
    let mut h = String::new();
    for c in &t.clauses {
        let mark = if c.context { "（背景条款，无需落实）" } else { "" };
        h.push_str(&format!("{} {}{mark}\n", c.id, head(&c.text, 40)));
        if c.context && c.rules.is_empty() && c.workflow.is_empty() && c.tests.is_empty() {
            h.push('\n');
            continue;
        }
        let rules: Vec<String> = c.rules.iter().map(|r| format!("{}（{}，{}）", r.name, r.citation, r.location)).collect();
        h.push_str(&format!("  规则：{}\n", if rules.is_empty() { "无".into() } else { rules.join("；") }));
        let steps: Vec<String> = c
            .workflow
            .iter()
            .map(|w| match w.id.is_empty() {
                true => format!("{}「{}」（{}）", item_word(w.item), w.title, w.file),
                false => format!("{} {}「{}」（{}）", item_word(w.item), w.id, w.title, w.file),
            })
            .collect();
        h.push_str(&format!("  流程：{}\n", if steps.is_empty() { "无".into() } else { steps.join("；") }));
        let tests: Vec<String> = c.tests.iter().map(|x| format!("{}（{}）", x.name, x.file)).collect();
        h.push_str(&format!("  测试：{}\n\n", if tests.is_empty() { "无".into() } else { tests.join("；") }));
    }
    let context = t.clauses.iter().filter(|c| c.context).count();
    h.push_str(&format!("通知共 {} 条款，其中背景条款 {context} 条", t.clauses.len()));
    if t.unimplemented.is_empty() && t.untested.is_empty() {
        h.push_str("；其余每条都有规则或流程环节落实，并有以它命名的测试\n");
    } else {
        if !t.unimplemented.is_empty() {
            h.push_str(&format!("；没有规则或流程环节落实：{}", t.unimplemented.join("、")));
        }
        if !t.untested.is_empty() {
            h.push_str(&format!("；没有以它命名的测试：{}", t.untested.join("、")));
        }
        h.push('\n');
    }
    h
}
