//! `shine token …`: credentials for the units that pull from this store over HTTP.
//! The token is shown once, at creation; the store keeps only its digest.

use crate::args::TokenCommand;
use crate::context::Context;
use crate::failure::Result;
use crate::render::{table, unit_name, Output};

pub fn run(ctx: &Context, command: TokenCommand) -> Result<Output> {
    match command {
        TokenCommand::Create { unit, label } => {
            let shine = ctx.shine()?;
            let issued = shine.issue_token(&ctx.actor(Some(shine.current()))?, &unit, &label)?;
            let human = format!(
                "已为 {} 发放凭据 {}：\n\n    {}\n\n请立即交给对方妥善保存：凭据只显示这一次，存储中只保存其摘要。\n对方拉取：shine pull --from <本机 shine serve 的地址> --token <凭据> --quarter 2026Q4",
                unit_name(&shine, &unit),
                issued.credential.id,
                issued.token
            );
            Ok(Output::new(human, issued))
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
