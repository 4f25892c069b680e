//! `shine rules check | list | adopt`.

use crate::args::RulesCommand;
use crate::context::Context;
use crate::failure::{Failure, Result};
use crate::render::{table, Output};
use shine_engine::ops::adopt::Change;
use shine_engine::ops::check_escalation;
use shine_engine::refs::RuleRef;
use shine_engine::refusal::Refusal;
use shine_engine::rules::{Attribution, RuleSet};
use shine_engine::workflow::Escalation;

pub fn run(ctx: &Context, command: RulesCommand) -> Result<Output> {
    match command {
        RulesCommand::Check => check(ctx),
        RulesCommand::List => list(ctx),
        RulesCommand::Adopt { branch, yes } => adopt(ctx, &branch, yes),
    }
}

fn load(files: Vec<shine_engine::rules::SourceFile>) -> Result<RuleSet> {
    RuleSet::load(files).map_err(|e| Failure::from(Refusal::from(e)))
}

fn check(ctx: &Context) -> Result<Output> {
    let (origin, files) = ctx.rule_files()?;
    let n_files = files.len();
    let rules = load(files)?;
    // The picks name levels of the escalation chain, whose steps name them back.
    let (_, chain) = ctx.escalation_file()?;
    let escalation = Escalation::load(&chain.name, &chain.text).map_err(|e| Failure::from(Refusal::from(e)))?;
    check_escalation(&rules, &escalation)?;
    let in_force = shine_engine::ops::Archive::new(ctx.store()?).rules_in_force()?;
    let mut h = format!(
        "规则检查通过：{origin}，{n_files} 个文件，{} 条规则（其中不能评选情形 {} 条），规则集 {}\n",
        rules.rules().len(),
        rules.exclusions().len(),
        &rules.hash()[..12]
    );
    match &in_force {
        Some(h0) if h0.as_str() == rules.hash() => h.push_str("与最近开启季度所用的规则集相同\n"),
        Some(h0) => h.push_str(&format!(
            "与最近开启季度所用的规则集 {} 不同：此后开启的季度将使用新规则；进行中的季度不变，如需采用请运行 `shine rules adopt --branch <支部>`\n",
            h0.short()
        )),
        None => {}
    }
    Ok(Output::new(h, serde_json::json!({ "ok": true, "origin": origin.to_string(), "hash": rules.hash(), "rules": rules.rules(), "in_force": in_force })))
}

fn list(ctx: &Context) -> Result<Output> {
    let (_, files) = ctx.rule_files()?;
    let rules = load(files)?;
    let mut t = table(&["规则", "条款", "出处", "内容", "位置"]);
    for r in rules.rules() {
        let source = match &r.attribution {
            Attribution::Notice => "通知原文".to_owned(),
            Attribution::Source(s) => s.label.clone(),
            Attribution::Unchecked => "—".to_owned(),
        };
        t.add_row(vec![r.name.clone(), r.clause.clone(), source, r.text.clone(), r.location.clone()]);
    }
    Ok(Output::new(t.to_string(), rules.rules()))
}

fn clauses(list: &[RuleRef]) -> String {
    if list.is_empty() {
        return "无".into();
    }
    list.iter().map(|r| r.clause.as_str()).collect::<Vec<_>>().join("、")
}

/// One changed decision as a table row: whom, what, before, after.
fn row(c: &Change, branch: &str) -> [String; 4] {
    let yes = |b: bool| crate::messages::words::yes_no(b).to_owned();
    match c {
        Change::Quota { before, after } => [branch.to_owned(), "名额".into(), before.to_string(), after.to_string()],
        Change::Exclusions { member, before, after } => [member.name.clone(), "不能评选情形".into(), clauses(before), clauses(after)],
        Change::Vote { member, before, after } => [member.name.clone(), "表决权".into(), yes(*before), yes(*after)],
        Change::Candidacy { member, before, after } => [member.name.clone(), "候选资格".into(), yes(*before), yes(*after)],
    }
}

fn adopt(ctx: &Context, branch: &str, yes: bool) -> Result<Output> {
    let shine = ctx.shine()?;
    let a = shine.adopt_rules(&ctx.actor(Some(shine.current()))?, branch, yes)?;
    let mut h = if a.from == a.to {
        "进行中的季度已在使用当前规则，无需采用\n".to_owned()
    } else {
        format!("本季度规则集 {} → 当前规则集 {}\n", a.from.short(), a.to.short())
    };
    if a.from != a.to {
        if a.changes.is_empty() {
            h.push_str("按当前记录，采用新规则不会改变任何决定\n");
        } else {
            let mut t = table(&["对象", "事项", "原规则", "新规则"]);
            let unit = crate::render::unit_name(&shine, branch);
            for c in &a.changes {
                t.add_row(row(c, &unit).to_vec());
            }
            h.push_str(&format!("采用后将改变的决定：\n{t}\n"));
        }
        h.push_str(if a.applied { "已采用。\n" } else { "以上为预演，未作任何改变；确认采用请加 `--yes`\n" });
    }
    Ok(Output::new(h, a))
}
