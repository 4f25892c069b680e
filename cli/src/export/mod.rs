//! `shine export …`: what a Party office files and prints — the notice's Annex form
//! (登记表) per reporting unit and the university's roll-up, a member's registration
//! certificate (登记证), a branch's ledger (台帐) with the meeting record, the
//! Organization Department's overview and the §4.2.c appraisal record.
//!
//! Each form is built once, as a [`Document`], from the engine's typed answer (one
//! module per form); the `--out` file's extension then says how it is written: `.xlsx`
//! an Excel/WPS workbook (`xlsx`), `.html` a print-ready A4 page (`print`). The web
//! workspace's downloads build the same documents (`build`, `bytes`). The file is written
//! whole or not at all (a temporary file renamed into place), and an existing file is
//! kept unless `--force`.

mod appraisal;
mod certificate;
mod document;
mod form;
mod ledger;
mod overview;
pub mod print;
mod xlsx;

use crate::args::{ExportCommand, ExportFile, ExportPeriod};
use crate::context::Context;
use crate::failure::Result;
use crate::render::Output;
pub use document::Document;
use shine_engine::domain::{Period, Quarter};
use std::path::Path;

/// How a document is written, from the file name asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An Excel/WPS workbook (`.xlsx`).
    Workbook,
    /// A print-ready A4 HTML page (`.html`, `.htm`).
    Print,
}

impl Format {
    pub fn of(path: &Path) -> Result<Format> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("xlsx") => Ok(Format::Workbook),
            Some("html" | "htm") => Ok(Format::Print),
            _ => Err(crate::fail!(
                "export_format",
                help = "文件名以 .xlsx 结尾导出 Excel/WPS 表格，以 .html 结尾导出 A4 打印页（用浏览器打开后打印或另存为 PDF）",
                "不知道 `{}` 要写成哪种格式",
                path.display()
            )),
        }
    }

    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Workbook => "xlsx",
            Format::Print => "html",
        }
    }

    /// The media type a download is served as.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Workbook => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Print => "text/html; charset=utf-8",
        }
    }
}

/// A form built: the document and what it holds in a few words. (`--json` says what
/// was written, not the engine's answer: that could hold what the `--as` role may not
/// see; the commands that read those answers show them.)
pub struct Export {
    pub doc: Document,
    pub summary: String,
}

pub fn run(ctx: &Context, command: ExportCommand) -> Result<Output> {
    let file = out_file(&command);
    let format = Format::of(&file.out)?;
    if file.out.exists() && !file.force {
        return Err(crate::fail!(
            "export_exists",
            help = "换一个文件名，或加 --force 覆盖它",
            "文件 `{}` 已经存在，没有覆盖",
            file.out.display()
        ));
    }
    let export = build(ctx, &command)?;
    let bytes = bytes(&export, format, None)?;
    write_whole(&file.out, &bytes)?;
    let text = format!("已将{}写入 {}", export.summary, file.out.display());
    let json = serde_json::json!({
        "out": file.out,
        "format": format.extension(),
        "title": export.doc.title,
        "pages": export.doc.pages.iter().map(|p| &p.name).collect::<Vec<_>>(),
        "bytes": bytes.len(),
    });
    Ok(Output::new(text, json))
}

/// The document an export command asks for (the `--out` file is not read here).
pub fn build(ctx: &Context, command: &ExportCommand) -> Result<Export> {
    match command {
        ExportCommand::Certificate { member, quarter, .. } => certificate::build(ctx, member, quarter.as_deref()),
        ExportCommand::Ledger { branch, period, .. } => ledger::build(ctx, branch, &quarters(ctx, period)?),
        ExportCommand::Form { unit, quarter, .. } => form::build(ctx, unit.as_deref(), quarter),
        ExportCommand::Overview { period, .. } => overview::build(ctx, period_of(ctx, period)?),
        ExportCommand::Appraisal { member, branch, from, to, .. } => appraisal::build(ctx, member.as_deref(), branch.as_deref(), from, to),
    }
}

/// The document's bytes in `format`; `stylesheet`: the address the printed page links
/// instead of its inline style (the web workspace).
pub fn bytes(export: &Export, format: Format, stylesheet: Option<&str>) -> Result<Vec<u8>> {
    match format {
        Format::Print => Ok(print::write(&export.doc, stylesheet).into_bytes()),
        Format::Workbook => xlsx::write(&export.doc)
            .map_err(|e| crate::fail!("export_workbook", help = "请把这条信息报告给系统管理员", "无法生成表格：{e}")),
    }
}

/// The file an export command names.
pub fn out_file(command: &ExportCommand) -> &ExportFile {
    match command {
        ExportCommand::Form { out, .. }
        | ExportCommand::Certificate { out, .. }
        | ExportCommand::Ledger { out, .. }
        | ExportCommand::Overview { out, .. }
        | ExportCommand::Appraisal { out, .. } => out,
    }
}

/// `--quarter Q` or `--year Y`.
fn period_of(ctx: &Context, period: &ExportPeriod) -> Result<Period> {
    match &period.quarter {
        Some(q) => Ok(Period::Quarter(ctx.quarter(q)?)),
        None => Ok(Period::Year(period.year.unwrap_or_default())),
    }
}

/// The quarters of `--quarter Q` or `--year Y`.
fn quarters(ctx: &Context, period: &ExportPeriod) -> Result<Vec<Quarter>> {
    let period = period_of(ctx, period)?;
    // The engine's refusal of a year out of range, worded where every refusal is.
    period.quarters().ok_or_else(|| {
        let year = if let Period::Year(y) = period { y } else { 0 };
        shine_engine::refusal::Refusal::from(shine_engine::refusal::Kind::YearOutOfRange { year, first: *Quarter::YEARS.start(), last: *Quarter::YEARS.end() }).into()
    })
}

/// The period's name as printed: `2026Q4 季度` or `2026 年度`.
fn period_label(quarters: &[Quarter]) -> String {
    match quarters {
        [q] => format!("{q} 季度"),
        [first, ..] => format!("{} 年度", first.year()),
        [] => String::new(),
    }
}

/// Write `bytes` to `path` whole: into a temporary file beside it, then renamed over it.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let unwritable = |e: std::io::Error| crate::fail!("file_unwritable", help = "检查目录是否存在及其写权限", "无法写入 `{}`：{e}", path.display());
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes).map_err(unwritable)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        unwritable(e)
    })
}
