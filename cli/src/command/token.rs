//! `shine token …`: credentials for the units that pull from this store over HTTP.
//! The token is shown once, at creation, or written to a new owner-only file
//! (`--out`); the store keeps only its digest.

use crate::args::TokenCommand;
use crate::context::Context;
use crate::failure::Result;
use crate::render::{table, unit_name, Output};
use std::io::Write;
use std::path::Path;

pub fn run(ctx: &Context, command: TokenCommand) -> Result<Output> {
    match command {
        TokenCommand::Create { unit, label, out } => {
            let shine = ctx.shine()?;
            // The file is made first (new, owner only), so that a token is never issued
            // with nowhere to keep it; it is removed again if the token is not issued.
            let mut file = out.as_deref().map(|p| new_private_file(p, "凭据文件", "")).transpose()?;
            let issued = match shine.issue_token(&ctx.actor(Some(shine.current()))?, &unit, &label) {
                Ok(issued) => issued,
                Err(refusal) => {
                    if let Some(path) = &out {
                        drop(file.take());
                        let _ = std::fs::remove_file(path);
                    }
                    return Err(refusal.into());
                }
            };
            let who = unit_name(&shine, &unit);
            let id = &issued.credential.id;
            let pull = "shine pull --from <本机 shine serve 的地址> --token-file <凭据文件> --quarter 2026Q4";
            match (file, out) {
                (Some(mut file), Some(path)) => {
                    let shown = path.display();
                    file.write_all(format!("{}\n", issued.token).as_bytes()).and_then(|()| file.sync_all()).map_err(|e| {
                        crate::fail!(
                            "file_unwritable",
                            help = format!("凭据 {id} 已发放但未能保存：运行 `shine token revoke {id}` 吊销后重新发放"),
                            "无法写入凭据文件 `{shown}`：{e}"
                        )
                    })?;
                    let human = format!(
                        "已为 {who} 发放凭据 {id}，凭据已写入 `{shown}`（仅本用户可读）。\n请把该文件安全地交给对方：凭据不再显示，存储中只保存其摘要。\n对方拉取：{pull}"
                    );
                    let json = serde_json::json!({ "credential": issued.credential, "token_file": path });
                    Ok(Output::new(human, json))
                }
                _ => {
                    let human = format!(
                        "已为 {who} 发放凭据 {id}：\n\n    {}\n\n请立即交给对方妥善保存：凭据只显示这一次，存储中只保存其摘要。\n对方把凭据存入只有自己可读的文件（或环境变量 SHINE_TOKEN），再拉取：{pull}",
                        issued.token
                    );
                    Ok(Output::new(human, issued))
                }
            }
        }
        TokenCommand::List => {
            let engine = ctx.engine()?;
            let archive = engine.archive();
            let all = archive.credentials()?;
            let mut t = table(&["编号", "单位", "备注", "发放时间", "状态"]);
            for c in &all {
                let state = if c.revoked { "已吊销" } else { "有效" };
                t.add_row(vec![c.id.clone(), unit_name(archive, &c.unit), c.label.clone(), c.issued_at.to_string(), state.to_owned()]);
            }
            let human = if all.is_empty() { "尚未发放凭据（shine token create --unit …）".to_owned() } else { t.to_string() };
            // The list never carries the digests either.
            let json: Vec<_> = all
                .iter()
                .map(|c| serde_json::json!({ "id": c.id, "unit": c.unit, "label": c.label, "issued_at": c.issued_at, "revoked": c.revoked }))
                .collect();
            Ok(Output::new(human, json))
        }
        TokenCommand::Revoke { id } => {
            let engine = ctx.engine()?;
            let archive = engine.archive();
            let c = archive.revoke_token(&ctx.actor(engine.current())?, &id)?;
            Ok(Output::new(format!("已吊销凭据 {}（{}）", c.id, unit_name(archive, &c.unit)), serde_json::json!({ "revoked": c.id })))
        }
    }
}

/// A new file only its owner may read and write; an existing file is never overwritten.
/// `what` names the file in the refusal; `note` is added to its next step.
pub(crate) fn new_private_file(path: &Path, what: &str, note: &str) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| {
        let shown = path.display();
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            crate::fail!("file_exists", help = format!("换一个文件名，或先确认旧文件已不再需要并删除它{note}"), "`{shown}` 已存在：{what}不会覆盖已有文件")
        } else {
            crate::fail!("file_unwritable", help = format!("检查目录是否存在及其写权限{note}"), "无法创建{what} `{shown}`：{e}")
        }
    })
}
