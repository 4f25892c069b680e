//! `shine store check`: every event record of the store reads back (whatever version
//! of shine wrote it), and every branch's quarter and every level's chain state folds
//! from its log and answers as it should. `shine store backup` and `shine store
//! restore`: a copy of the store in one file, and a store made again from it only
//! once that same check passes on it.

use crate::args::StoreCommand;
use crate::context::{Context, Engine};
use crate::failure::{Failure, Result};
use crate::render::Output;
use serde::Serialize;
use shine_engine::store::backup::{self, Backup, BackupError, Restore};
use std::path::Path;

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
    match command {
        StoreCommand::Check => check(ctx, &ctx.engine()?),
        StoreCommand::Backup { out } => make_backup(ctx, &out),
        StoreCommand::Restore { from, replace } => restore(ctx, &from, replace),
    }
}

fn check(ctx: &Context, engine: &Engine) -> Result<Output> {
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
            if let Some(shine) = match engine {
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

fn make_backup(ctx: &Context, out: &Path) -> Result<Output> {
    let store = ctx.store()?;
    let mut summary = None;
    let mut failed = None;
    backup::write_atomically(out, |f| {
        match store.backup(f) {
            Ok(s) => summary = Some(s),
            Err(e) => failed = Some(e),
        }
        match &failed {
            Some(_) => Err(std::io::Error::other("backup")),
            None => Ok(()),
        }
    })
    .map_err(|e| match failed.take() {
        Some(store_error) => Failure::from(store_error),
        None => crate::fail!(
            "backup_unwritable",
            help = "检查目录是否存在、可写，磁盘空间是否足够；没有写出任何半个文件",
            "无法写出备份文件 `{}`：{e}",
            out.display()
        ),
    })?;
    let summary = summary.ok_or_else(|| crate::fail!("backup_unwritable", "备份文件 `{}` 未写出", out.display()))?;
    let h = format!(
        "已备份存储 `{}` 到 `{}`：{} 条记录（其中事件 {} 条），{} 字节\n恢复：shine store restore --from {} --store <目录>\n",
        ctx.global.store.display(),
        out.display(),
        summary.entries,
        summary.events,
        summary.bytes,
        out.display()
    );
    Ok(Output::new(h, serde_json::json!({ "store": ctx.global.store, "out": out, "summary": summary })))
}

fn restore(ctx: &Context, from: &Path, replace: bool) -> Result<Output> {
    let target = ctx.global.store.clone();
    let file = std::fs::File::open(from).map_err(|e| {
        crate::fail!("backup_unreadable", help = "检查备份文件的路径和读权限", "无法读取备份文件 `{}`：{e}", from.display())
    })?;
    let backup = Backup::read(&mut std::io::BufReader::new(file)).map_err(|e| refused_backup(from, &e))?;
    let summary = backup.summary.clone();
    let exists = backup::is_store(&target);
    let aside = if exists && replace {
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "store".into());
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
        Some(target.with_file_name(format!("{name}.replaced-{stamp}")))
    } else {
        None
    };
    if exists && !replace {
        return Err(crate::fail!(
            "restore_target_taken",
            help = format!(
                "恢复到一个新目录（`--store <新目录>`），或加 `--replace` 替换它：原存储会改名保留在旁边，不会删除"
            ),
            "目录 `{}` 已有存储，恢复不会覆盖它",
            target.display()
        ));
    }
    let mut checked = None;
    backup
        .restore(&target, aside.as_deref(), |store| {
            let engine = ctx.engine_on(store.clone());
            match check(ctx, &engine) {
                Ok(out) => {
                    checked = Some(out);
                    Ok(())
                }
                Err(e) => Err(e),
            }
        })
        .map_err(|e| match e {
            Restore::Occupied => crate::fail!(
                "restore_target_taken",
                help = "恢复到一个新目录或空目录（`--store <新目录>`）",
                "目录 `{}` 不是空目录，也不是 shine 存储，恢复不会写入它",
                target.display()
            ),
            Restore::Store(e) => Failure::from(e),
            Restore::Rejected(failure) => crate::fail!(
                "backup_damaged",
                help = "换一个较早的备份再试；目标目录没有任何改动",
                "备份 `{}` 的校验和无误，但其中的记录无法重建各季度，未恢复：\n{}",
                from.display(),
                crate::messages::text(&failure)
            ),
        })?;
    let mut h = format!(
        "已从 `{}` 恢复存储到 `{}`：{} 条记录（其中事件 {} 条），校验和一致，各季度均已重建\n",
        from.display(),
        target.display(),
        summary.entries,
        summary.events
    );
    if let Some(aside) = &aside {
        h.push_str(&format!("原存储已移到 `{}` 保留；确认无误后可自行删除\n", aside.display()));
    }
    Ok(Output::new(h, serde_json::json!({ "from": from, "store": target, "summary": summary, "replaced": aside, "check": checked.map(|c| c.json) })))
}

fn refused_backup(from: &Path, e: &BackupError) -> Failure {
    let shown = from.display();
    let (what, help) = match e {
        BackupError::NotABackup => (format!("`{shown}` 不是 shine 存储备份文件"), "确认文件是 `shine store backup --out` 写出的".to_owned()),
        BackupError::Version { found } => (
            format!("备份 `{shown}` 的格式版本为 {found}，本版 shine 只能读取第 {} 版", backup::VERSION),
            "用写出该备份的（或更新的）shine 版本恢复".to_owned(),
        ),
        BackupError::Truncated => (format!("备份 `{shown}` 不完整（文件被截断）"), "换一个完整的备份；没有任何存储被改动".to_owned()),
        BackupError::Checksum => (
            format!("备份 `{shown}` 的校验和不符：写出后被改动或已损坏"),
            "换一个完好的备份（例如另一份拷贝）；没有任何存储被改动".to_owned(),
        ),
        BackupError::Count { said, found } => (
            format!("备份 `{shown}` 声明 {said} 条记录，实际读出 {found} 条"),
            "换一个完好的备份；没有任何存储被改动".to_owned(),
        ),
        BackupError::Record { key, problem } => (
            format!("备份 `{shown}` 中的记录 {key} 无法读出（{problem:?}）"),
            "用写出该备份的 shine 版本恢复，或换一个较早的备份".to_owned(),
        ),
        BackupError::Io { reason } => (format!("读取备份 `{shown}` 失败：{reason}"), "检查文件和磁盘后重试".to_owned()),
    };
    Failure::Edge(crate::failure::EdgeError::new("backup_refused", what).help(help).details(serde_json::to_value(e).unwrap_or_default()))
}
