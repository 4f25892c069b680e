//! `shine roster import` (a workbook or CSV, Chinese or English headers: what the file
//! would change, written with `--apply`) and `shine members` (the roster now, and who
//! left it).

use crate::args::RosterCommand;
use crate::command::parse_date;
use crate::context::Context;
use crate::import_file::{self, Column, Lines, Row, Source, Table, TwoWay, Values, YES_NO};
use crate::failure::Result;
use crate::messages::words::yes_no;
use crate::render::{table, Output};
use shine_engine::entity::{Departure, MemberRecord};
use shine_engine::ops::org::unit_id;
use shine_engine::ops::Shine;
use shine_engine::state::quarter::FactsBasis;
use shine_engine::text::Text;

/// The columns, each with the header names accepted for it (the first is the one
/// shown when a header is missing, and the one a template writes).
pub const COLUMNS: [Column; 7] = [
    Column { names: &["姓名", "name", "党员姓名"], required: true, text: Text::MemberName, values: Values::Any, help: "党员姓名" },
    Column {
        names: &["党员编号", "id", "member_id", "编号"],
        required: true,
        text: Text::MemberId,
        values: Values::Any,
        help: "每名党员唯一的编号，如学号、工号；以后的命令用它指明党员",
    },
    Column { names: &["身份", "identity", "党员身份"], required: true, text: Text::Value, values: Values::Field("member", "identity"), help: "党员身份" },
    Column { names: &["职务", "role", "党内职务"], required: true, text: Text::Value, values: Values::Field("member", "role"), help: "党内职务" },
    Column { names: &["类别", "status", "党员类别", "正式/预备"], required: true, text: Text::Value, values: Values::Either(&FULL), help: "正式党员或预备党员" },
    Column { names: &["流动党员", "mobile"], required: false, text: Text::Value, values: Values::Either(&YES_NO), help: "是否流动党员；不写为否" },
    Column {
        names: &["最近报到", "last_report", "最近报到日期"],
        required: false,
        text: Text::Value,
        values: Values::Any,
        help: "流动党员最近一次向党组织报到的日期，如 2026-10-15；可不写",
    },
];

/// The 类别 column: a full member or a probationary one.
const FULL: TwoWay = TwoWay { yes: &["正式", "正式党员", "full"], no: &["预备", "预备党员", "probationary"] };

const HELP: &str = "每行一名党员：姓名,党员编号,身份,职务,类别,流动党员,最近报到";

pub fn import(ctx: &Context, command: RosterCommand) -> Result<Output> {
    let RosterCommand::Import { branch, file, apply, on } = command;
    let on = match on {
        Some(d) => parse_date(&d, "变动生效日期")?,
        None => ctx.today(),
    };
    let (members, read) = parse_roster(&Source::open(&file)?)?;
    let shine = ctx.shine()?;
    let actor = ctx.actor(Some(shine.current()))?;
    let diff = shine.import_roster(&actor, &branch, members, on, apply).map_err(|r| read.refused(r.into(), HELP))?;
    let rules = shine.current_rules();
    let mut human = crate::messages::roster::diff(Some(&rules), &diff);
    // Written into a roster a quarter may already read: what that means for today's
    // quarter (never the suggestion to open one already open or filed).
    if diff.applied && !diff.first && !diff.is_empty() {
        human.push('\n');
        human.push_str(&after_import(ctx, &shine, &branch)?);
    }
    Ok(Output::new(human, &diff))
}

/// The members of a roster file (CSV or a workbook's sheet, see [`import_file`]), all
/// rows or none, and where each came from.
pub fn parse_roster(source: &Source) -> Result<(Vec<MemberRecord>, Lines)> {
    let Table { rows, mut problems, .. } = import_file::read(source, &COLUMNS)?;
    let mut members = Vec::new();
    let mut lines = Vec::new();
    for Row { line, cells } in rows {
        let get = |i: usize| cells.get(i).map(String::as_str).unwrap_or("");
        let full = FULL.read(get(4)).unwrap_or_else(|| {
            problems.at(line, "类别", FULL.problem(get(4)));
            true
        });
        let mobile = match get(5) {
            "" => false,
            cell => YES_NO.read(cell).unwrap_or_else(|| {
                problems.at(line, "流动党员", YES_NO.problem(cell));
                false
            }),
        };
        let last_report = match get(6) {
            "" => None,
            d => match parse_date(d, "最近报到日期") {
                Ok(d) => Some(d),
                Err(_) => {
                    problems.at(line, "最近报到", format_args!("日期 `{d}` 无效，应写作 2026-10-15"));
                    None
                }
            },
        };
        if get(0).is_empty() {
            problems.at(line, "姓名", "姓名为空");
        }
        let id = match Shine::member_id(get(1)) {
            Ok(id) => id,
            Err(_) => {
                if get(1).is_empty() {
                    problems.at(line, "党员编号", "党员编号为空");
                }
                continue; // a refused id was named by the check of its cell
            }
        };
        lines.push(line);
        members.push(MemberRecord { name: get(0).to_owned(), id, identity: get(2).to_owned(), role: get(3).to_owned(), full, mobile, last_report });
    }
    let problems = problems.finish(HELP)?;
    if members.is_empty() {
        return Err(crate::fail!("csv_empty", help = "表头之下每行一名党员", "名单文件 `{}` 没有党员", source.name));
    }
    Ok((members, Lines { problems, lines }))
}

pub fn members(ctx: &Context, branch: &str) -> Result<Output> {
    let engine = ctx.engine()?;
    let roster = engine.archive().roster(&unit_id(branch)?)?;
    let role = |role: &str| match engine.current().and_then(|c| c.rules.field_enum("member", "role")) {
        Some(e) => e.variants.iter().find(|v| v.name == role).and_then(|v| v.label.clone()).unwrap_or_else(|| role.to_owned()),
        None => role.to_owned(),
    };
    let mut t = table(&["党员编号", "姓名", "身份", "职务", "类别", "流动党员", "最近报到"]);
    for m in roster.current() {
        t.add_row(vec![
            m.id.to_string(),
            m.name.clone(),
            m.identity.clone(),
            role(&m.role),
            if m.full { "正式" } else { "预备" }.to_owned(),
            yes_no(m.mobile).to_owned(),
            m.last_report.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    let rules = engine.current().map(|c| c.rules.clone());
    let mut left = Vec::new();
    for m in &roster.members {
        if let Some((on, departure)) = roster.tenure(m.id.as_str()).and_then(|t| t.departure()) {
            let label = match departure {
                Departure::Removed { reason } => Some(crate::messages::roster::reason(rules.as_deref(), reason)),
                Departure::Transferred { .. } => None,
            };
            left.push(format!("  {}（{}）{on} {}", m.name, m.id, crate::messages::roster::departure(departure, label.as_deref())));
        }
    }
    let current = roster.current().count();
    let mut human = if roster.members.is_empty() {
        format!("`{branch}` 还没有党员。用 `shine roster import --branch {branch} 名单.csv` 导入")
    } else {
        format!("{t}\n共 {current} 人")
    };
    if !left.is_empty() {
        human.push_str(&format!("\n已离开本支部名单的 {} 人（记录保留）：\n{}", left.len(), left.join("\n")));
    }
    let json: Vec<_> = roster
        .members
        .iter()
        .map(|m| {
            let mut v = serde_json::to_value(m).unwrap_or_default();
            if let (Some(t), Some(o)) = (roster.tenure(m.id.as_str()), v.as_object_mut()) {
                o.insert("on_roster".into(), t.current().into());
                if let Some((on, departure)) = t.departure() {
                    o.insert("left".into(), serde_json::json!({ "on": on, "departure": departure }));
                }
            }
            v
        })
        .collect();
    Ok(Output::new(human, json))
}

/// What a roster import means for the branch's quarter of today, and what to do next:
/// open it when it is not open; while its ballot is not fixed the new roster counts;
/// once it is, the quarter keeps the roster frozen with its ballot.
fn after_import(ctx: &Context, shine: &Shine, branch: &str) -> Result<String> {
    let quarter = shine_engine::domain::Quarter::of(ctx.today());
    if !shine.quarters(&unit_id(branch)?)?.contains(&quarter) {
        return Ok(format!("下一步：`shine quarter open --branch {branch} --quarter {quarter}`"));
    }
    let s = shine.status(Some(shine.current()), branch, Some(quarter), ctx.today())?;
    Ok(match s.facts {
        FactsBasis::Today => format!("「{}」{quarter} 季度评选正在进行，选票确定前名册的变化计入本季度。查看进度：`shine status --branch {branch}`", s.branch.name),
        FactsBasis::Frozen => format!(
            "「{}」{quarter} 季度的选票已确定，本季度按当时冻结的名册办理，这次导入不改变它；新名册用于以后的季度。",
            s.branch.name
        ),
        FactsBasis::RecomputedToday => format!(
            "「{}」{quarter} 季度的选票由旧版本确定，当时没有冻结名册：台帐不变，但 `shine explain` 将按新名册重新计算。",
            s.branch.name
        ),
    })
}
