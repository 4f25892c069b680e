//! `shine man`: the manual pages, written by clap_mangen from the same (Chinese)
//! command the parser uses — `shine.1` and one page a subcommand
//! (`shine-chain-pick.1`), with the section headings in Chinese too.

use crate::failure::Result;
use crate::render::Output;
use clap::Command;
use std::path::Path;

/// clap_mangen's section headings and ours; the other headings are the help's.
/// `EXTRA` is `after_help`, which holds a command's examples.
const SECTIONS: [(&str, &str); 6] =
    [("NAME", "名称"), ("SYNOPSIS", "用法"), ("DESCRIPTION", "说明"), ("EXTRA", "示例"), ("VERSION", "版本"), ("AUTHORS", "作者")];

pub fn run(out: Option<&Path>) -> Result<Output> {
    let cmd = crate::help::command_without_help_subcommand();
    let Some(dir) = out else {
        let page = page(&cmd);
        return Ok(Output::new(page.clone(), serde_json::json!({ "page": page })));
    };
    std::fs::create_dir_all(dir).map_err(|e| crate::fail!("dir_unwritable", help = "检查上级目录的写权限", "无法建立目录 `{}`：{e}", dir.display()))?;
    let mut written = Vec::new();
    write_pages(&cmd, dir, &mut written)?;
    let human = format!("已在 {} 写入 {} 个手册页（shine.1 及每个子命令一页），可用 `man -l {}` 阅读", dir.display(), written.len(), dir.join("shine.1").display());
    Ok(Output::new(human, serde_json::json!({ "dir": dir, "files": written })))
}

/// `cmd`'s page and those of all its subcommands, depth first.
fn write_pages(cmd: &Command, dir: &Path, written: &mut Vec<String>) -> Result<()> {
    let name = format!("{}.1", cmd.get_display_name().unwrap_or_else(|| cmd.get_name()));
    let path = dir.join(&name);
    std::fs::write(&path, page(cmd)).map_err(|e| crate::fail!("file_unwritable", help = "检查目录的写权限", "无法写入 `{}`：{e}", path.display()))?;
    written.push(name);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}

/// One page in roff, its section headings in Chinese.
fn page(cmd: &Command) -> String {
    let mut cmd = cmd.clone();
    // clap_mangen puts `after_help` under a heading (示例, below); its own first line would say it again.
    if let Some(examples) = cmd.get_after_help().and_then(|a| a.to_string().strip_prefix(crate::help::EXAMPLES).map(str::to_owned)) {
        cmd = cmd.after_help(examples.trim_start_matches('\n').to_owned());
    }
    let version = format!("shine {}", env!("CARGO_PKG_VERSION"));
    let mut roff = Vec::new();
    // Into memory: writing cannot fail.
    let _ = clap_mangen::Man::new(cmd).source(version).manual("shine 使用手册").render(&mut roff);
    String::from_utf8_lossy(&roff)
        .lines()
        .map(|line| match SECTIONS.iter().find(|(en, _)| line.strip_prefix(".SH ") == Some(en)) {
            Some((_, zh)) => format!(".SH {zh}\n"),
            None => format!("{line}\n"),
        })
        .collect()
}
