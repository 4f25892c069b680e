//! `shine org add`, `shine org import` and `shine org list`: the organization tree.
//! Kinds of unit and which may sit under which are declared in
//! `workflows/escalation.ron`; `--kind` (and an import's 类别 column) takes a kind's
//! id, its title (`党支部`) or an unambiguous start of its id.

use crate::args::{ImportFile, OrgCommand};
use crate::context::Context;
use crate::failure::Result;
use crate::import_file::{self, Column, Lines, Row, Source, Table, Values};
use crate::render::{table, Output};
use shine_engine::entity::Unit;
use shine_engine::ops::org::unit_id;
use shine_engine::ops::{Current, Shine};
use shine_engine::refusal::Kind;
use shine_engine::text::Text;

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
        OrgCommand::Import { file, apply } => import(ctx, &shine, &file, apply),
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

/// The columns of a file of units: each as `org add` takes it.
pub const UNITS: [Column; 4] = [
    Column { names: &["编号", "组织编号", "id"], required: true, text: Text::UnitId, values: Values::Any, help: "组织编号，如 jx-jg；以后的命令用它指明组织" },
    Column { names: &["名称", "组织名称", "name"], required: true, text: Text::UnitName, values: Values::Any, help: "组织名称，如 机械学院教工党支部" },
    Column { names: &["类别", "组织类别", "kind"], required: true, text: Text::Value, values: Values::UnitKind, help: "组织类别" },
    Column {
        names: &["上级", "上级编号", "上级组织编号", "parent"],
        required: false,
        text: Text::UnitId,
        values: Values::Any,
        help: "上级组织的编号：已建立的组织，或本文件中的另一行（可写在下级之后）；最高一级（校党委）不写",
    },
];

const HELP: &str = "每行一个组织：编号,名称,类别,上级";

/// The units of a file (see [`import_file`]), all or none, their kinds named as
/// `org add --kind` names them, and where each came from.
pub fn parse_units(current: &Current, source: &Source) -> Result<(Vec<Unit>, Lines)> {
    let Table { rows, mut problems, .. } = import_file::read(source, &UNITS)?;
    let (mut units, mut lines) = (Vec::new(), Vec::new());
    for Row { line, cells } in rows {
        let [id, name, kind, parent] = [0, 1, 2, 3].map(|i| cells.get(i).cloned().unwrap_or_default());
        let missing = [(&id, "编号"), (&name, "名称"), (&kind, "类别")].map(|(value, column)| problems.missing(line, column, value));
        let (Ok(id), [false, false, false]) = (unit_id(&id), missing) else { continue };
        let parent = match parent.as_str() {
            "" => None,
            p => match unit_id(p) {
                Ok(p) => Some(p),
                Err(_) => continue,
            },
        };
        lines.push(line);
        units.push(Unit { id, name, kind: kind_id(current, &kind), parent });
    }
    let problems = problems.finish(HELP)?;
    if units.is_empty() {
        return Err(crate::fail!("csv_empty", help = "表头之下每行一个组织", "文件 `{}` 没有组织", source.name));
    }
    Ok((units, Lines { problems, lines }))
}

/// `org import`: every row checked as `org add` checks its unit, parents before
/// children, added together with `--apply`.
fn import(ctx: &Context, shine: &Shine, file: &ImportFile, apply: bool) -> Result<Output> {
    let current = shine.current();
    let (units, read) = parse_units(current, &Source::open(file)?)?;
    let column = |_: usize, kind: &Kind| match kind {
        Kind::UnknownKind { .. } => Some("类别"),
        Kind::UnitIdTaken { .. } | Kind::ConflictsWithRow { .. } => Some("编号"),
        Kind::BadText { field: Text::UnitName, .. } => Some("名称"),
        Kind::SecondRoot { .. } | Kind::NeedsParent { .. } | Kind::RootHasNoParent { .. } | Kind::WrongParent { .. } | Kind::NotFound { .. } | Kind::ParentRowNotAdded { .. } => {
            Some("上级")
        }
        _ => None,
    };
    let mut done = match shine.import_units(&ctx.actor(Some(current))?, units, apply) {
        Ok(done) => done,
        Err(refusal) => return Err(read.refused_at(refusal.into(), column, HELP)),
    };
    done.renumber(|row| read.line(row));
    let human = crate::messages::imports::units(&done, |kind| kind_title(current, kind));
    Ok(Output::new(human, &done))
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
