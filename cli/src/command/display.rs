//! `shine display`: the public page of a quarter (§4.3.c) written to a static HTML
//! file for offline publication; the same page `shine serve` serves.

use crate::context::Context;
use crate::failure::Result;
use crate::page::quarter_page;
use crate::render::Output;
use std::path::PathBuf;

pub fn run(ctx: &Context, quarter: &str, out: Option<PathBuf>) -> Result<Output> {
    let shine = ctx.shine()?;
    let display = shine.display(ctx.quarter(quarter)?, ctx.today())?;
    // A file read offline has no other quarters' pages to link to.
    let html = quarter_page(&display, &[]);
    let path = out.unwrap_or_else(|| PathBuf::from(format!("display-{}.html", display.quarter)));
    std::fs::write(&path, html).map_err(|e| crate::fail!("file_unwritable", help = "检查目录是否存在及其写权限", "无法写入 `{}`：{e}", path.display()))?;
    let shown = match display.stars.len() {
        0 => "尚无可展示的人选".to_owned(),
        n => format!("展示 {n} 名“闪光言行之星”"),
    };
    Ok(Output::new(format!("已将{}公开展示页面写入 {}（{shown}）", crate::page::quarter_label(display.quarter), path.display()), display))
}
