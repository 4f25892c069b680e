//! `shine org add` and `shine org list`: the organization tree.

use crate::args::{OrgCommand, UnitKindArg};
use crate::context::Context;
use crate::render::{table, Output};
use miette::Result;
use shine_engine::org::{Unit, UnitKind};
use shine_engine::service::kind_label;

pub fn run(ctx: &Context, command: OrgCommand) -> Result<Output> {
    let shine = ctx.shine()?;
    match command {
        OrgCommand::Add { id, name, kind, parent } => {
            let kind = match kind {
                UnitKindArg::Committee => UnitKind::Committee,
                UnitKindArg::General => UnitKind::GeneralBranch,
                UnitKindArg::Direct => UnitKind::DirectBranch,
                UnitKindArg::Branch => UnitKind::Branch,
            };
            let unit = shine.add_unit(&ctx.actor(), Unit { id, name, kind, parent })?;
            let human = format!("已建立{}「{}」（`{}`）", kind_label(unit.kind), unit.name, unit.id);
            Ok(Output::new(human, unit))
        }
        OrgCommand::List => {
            let tree = shine.org()?;
            let mut t = table(&["编号", "名称", "类别", "上级"]);
            let units: Vec<&Unit> = tree.order.iter().filter_map(|id| tree.unit(id)).collect();
            for u in &units {
                let parent = u.parent.as_deref().and_then(|p| tree.unit(p)).map(|p| p.name.clone()).unwrap_or_default();
                t.add_row(vec![u.id.clone(), u.name.clone(), kind_label(u.kind).to_owned(), parent]);
            }
            let human = if units.is_empty() {
                "还没有建立组织。先运行 `shine org add --id 党委编号 --name 名称 --kind committee`".to_owned()
            } else {
                t.to_string()
            };
            Ok(Output::new(human, units))
        }
    }
}
