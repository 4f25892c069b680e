//! `shine store check`: every event record of the store reads back (whatever version
//! of shine wrote it), and every branch's quarter and every level's chain state folds
//! from its log and answers as it should.

use crate::args::StoreCommand;
use crate::context::Context;
use crate::failure::Result;
use crate::render::Output;
use serde::Serialize;

#[derive(Serialize)]
struct Checked {
    log: shine_engine::store::LogCheck,
    /// Quarters and levels whose state could not be rebuilt, with why.
    unfolded: Vec<(String, String)>,
    quarters: usize,
    levels: usize,
    ok: bool,
}

pub fn run(ctx: &Context, command: StoreCommand) -> Result<Output> {
    let StoreCommand::Check = command;
    let engine = ctx.engine()?;
    let archive = engine.archive();
    let log = archive.store().check_log()?;
    let mut unfolded = Vec::new();
    let mut quarters = 0;
    let mut levels = 0;
    // Every branch's quarters and every level's chain quarters, folded and read.
    if log.unreadable.is_empty() {
        let tree = archive.org()?;
        for unit in tree.in_order() {
            for q in archive.quarters(&unit.id)? {
                quarters += 1;
                if let Err(r) = archive.ledger(engine.current(), unit.id.as_str(), Some(q), ctx.today()) {
                    unfolded.push((format!("{} {q}", unit.name), crate::messages::refusal::word(&r).message));
                }
            }
            if let Some(shine) = match &engine {
                crate::context::Engine::Current(s) => Some(s),
                crate::context::Engine::Archive(_) => None,
            } {
                for q in archive.store().chain_quarters(&unit.id)? {
                    levels += 1;
                    if let Err(r) = shine.level_status(Some(unit.id.as_str()), q, ctx.today()) {
                        unfolded.push((format!("{} {q}（逐级报送）", unit.name), crate::messages::refusal::word(&r).message));
                    }
                }
            }
        }
    }
    let ok = log.unreadable.is_empty() && log.unknown_scopes.is_empty() && unfolded.is_empty();
    let versions: Vec<String> = log.versions.iter().map(|(v, n)| format!("第 {v} 版 {n} 条")).collect();
    let mut h = format!(
        "{}：{} 个日志共 {} 条事件记录（{}）；重建 {quarters} 个支部季度、{levels} 个逐级报送季度\n",
        if ok { "存储检查通过" } else { "存储检查发现问题" },
        log.scopes,
        log.events,
        versions.join("，")
    );
    for (key, problem) in &log.unreadable {
        h.push_str(&format!("  无法读取 {key}：{problem:?}\n"));
    }
    for scope in &log.unknown_scopes {
        h.push_str(&format!("  未知的日志 `{scope}`\n"));
    }
    for (what, why) in &unfolded {
        h.push_str(&format!("  {what}：{why}\n"));
    }
    if !ok {
        h.push_str("下一步：请从备份恢复存储，或将本输出交给管理员\n");
    }
    let checked = Checked { log, unfolded, quarters, levels, ok };
    if !ok {
        return Err(crate::failure::Failure::Edge(
            crate::failure::EdgeError::new("store_damaged", h.trim_end().to_owned()).details(serde_json::to_value(&checked).unwrap_or_default()),
        ));
    }
    Ok(Output::new(h, checked))
}
