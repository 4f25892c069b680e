//! `shine org add` and `shine org list`: the organization tree. Kinds of unit and
//! which may sit under which are declared in `workflows/escalation.ron`; `--kind`
//! takes a kind's id, its title (`党支部`) or an unambiguous start of its id.

use crate::args::OrgCommand;
use crate::context::Context;
use crate::failure::Result;
use crate::render::{table, Output};
use shine_engine::entity::Unit;
use shine_engine::ops::org::unit_id;
use shine_engine::ops::Current;

pub fn run(ctx: &Context, command: OrgCommand) -> Result<Output> {
    let shine = ctx.shine()?;
    let current = shine.current();
    match command {
        OrgCommand::Add { id, name, kind, parent } => {
            let kind = kind_id(current, &kind);
            let unit = Unit { id: unit_id(&id)?, name, kind, parent: parent.as_deref().map(unit_id).transpose()? };
            let unit = shine.add_unit(&ctx.actor(Some(current))?, unit)?;
            let human = format!("已建立{}「{}」（`{}`）", kind_title(current, &unit.kind), unit.name, unit.id);
            Ok(Output::new(human, unit))
        }
        OrgCommand::List => {
            let tree = shine.org()?;
            let mut t = table(&["编号", "名称", "类别", "上级"]);
            let units: Vec<&Unit> = tree.in_order().collect();
            for u in &units {
                let parent = u.parent.as_ref().and_then(|p| tree.unit(p.as_str())).map(|p| p.name.clone()).unwrap_or_default();
                t.add_row(vec![u.id.to_string(), u.name.clone(), kind_title(current, &u.kind), parent]);
            }
            let human = if units.is_empty() {
                let root = &current.escalation.root_kind().title;
                format!("还没有建立组织。先运行 `shine org add --id 党委编号 --name 名称 --kind {root}`")
            } else {
                t.to_string()
            };
            Ok(Output::new(human, units))
        }
    }
}

/// The kind a user names: by id, by title, or by the one id that starts so. Anything
/// else goes on as given, for the engine to refuse with the kinds it knows.
fn kind_id(current: &Current, given: &str) -> String {
    let given = given.trim();
    let kinds = current.escalation.kinds();
    if let Some(k) = kinds.iter().find(|k| k.id == given || k.title == given) {
        return k.id.clone();
    }
    let starting: Vec<_> = kinds.iter().filter(|k| k.id.starts_with(given)).collect();
    match starting.as_slice() {
        [one] => one.id.clone(),
        _ => given.to_owned(),
    }
}

pub fn kind_title(current: &Current, kind: &str) -> String {
    current.escalation.kind(kind).map(|k| k.title.clone()).unwrap_or_else(|| kind.to_owned())
}
