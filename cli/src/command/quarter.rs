//! `shine quarter open` and `shine quarter list`.

use crate::args::QuarterCommand;
use crate::context::Context;
use crate::render::{short_hash, Output};
use miette::Result;

pub fn run(ctx: &Context, command: QuarterCommand) -> Result<Output> {
    let shine = ctx.shine_with_current()?;
    match command {
        QuarterCommand::Open { branch, quarter } => {
            let status = shine.open_quarter(&ctx.actor(), &branch, &quarter)?;
            let human = format!(
                "「{}」{} 季度评选已开启（规则集 {}），当前环节：{}\n下一步：党员登记闪光言行，`shine deed add --member <党员> --kind 带头服务群众 --text …`",
                status.branch.name,
                status.quarter,
                short_hash(&status.rules),
                status.state_title
            );
            Ok(Output::new(human, status))
        }
        QuarterCommand::List { branch } => {
            let quarters = shine.quarters(&branch)?;
            let human = if quarters.is_empty() { format!("`{branch}` 还没有开启季度") } else { quarters.join("\n") };
            Ok(Output::new(human, quarters))
        }
    }
}
