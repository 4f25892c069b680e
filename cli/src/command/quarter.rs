//! `shine quarter open` and `shine quarter list`.

use crate::args::QuarterCommand;
use crate::context::Context;
use crate::failure::Result;
use crate::render::Output;
use shine_engine::ops::org::unit_id;

pub fn run(ctx: &Context, command: QuarterCommand) -> Result<Output> {
    match command {
        QuarterCommand::Open { branch, quarter } => {
            let shine = ctx.shine()?;
            let quarter = ctx.quarter(&quarter)?;
            let status = shine.open_quarter(&ctx.actor(Some(shine.current()))?, &branch, quarter)?;
            let human = format!(
                "「{}」{} 季度评选已开启（规则集 {}），当前环节：{}\n下一步：党员登记闪光言行，`shine deed add --member <党员> --kind 带头服务群众 --text …`",
                status.branch.name,
                status.quarter,
                status.rules.short(),
                status.state.title
            );
            Ok(Output::new(human, status))
        }
        QuarterCommand::List { branch } => {
            let engine = ctx.engine()?;
            let quarters = engine.archive().quarters(&unit_id(&branch)?)?;
            let human = if quarters.is_empty() {
                format!("`{branch}` 还没有开启季度")
            } else {
                quarters.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
            };
            Ok(Output::new(human, quarters))
        }
    }
}
