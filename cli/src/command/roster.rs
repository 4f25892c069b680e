//! `shine roster import` (CSV, Chinese or English headers) and `shine members`.

use crate::args::RosterCommand;
use crate::command::parse_date;
use crate::context::Context;
use crate::failure::Result;
use crate::messages::words::yes_no;
use crate::render::{table, Output};
use shine_engine::entity::MemberRecord;
use shine_engine::ops::org::unit_id;
use shine_engine::ops::Shine;
use std::path::Path;

/// The columns, each with the header names accepted for it.
const COLUMNS: [(&str, &[&str]); 7] = [
    ("name", &["姓名", "name", "党员姓名"]),
    ("id", &["党员编号", "id", "member_id", "编号"]),
    ("identity", &["身份", "identity", "党员身份"]),
    ("role", &["职务", "role", "党内职务"]),
    ("status", &["类别", "status", "党员类别", "正式/预备"]),
    ("mobile", &["流动党员", "mobile"]),
    ("last_report", &["最近报到", "last_report", "最近报到日期"]),
];

pub fn import(ctx: &Context, command: RosterCommand) -> Result<Output> {
    let RosterCommand::Import { branch, file } = command;
    let members = read_roster(&file)?;
    let shine = ctx.shine()?;
    let n = shine.import_members(&ctx.actor(Some(shine.current()))?, &branch, members)?;
    let human = format!("已向 `{branch}` 导入 {n} 名党员。下一步：`shine quarter open --branch {branch} --quarter 2026Q4`");
    Ok(Output::new(human, serde_json::json!({ "branch": branch, "imported": n })))
}

pub fn read_roster(file: &Path) -> Result<Vec<MemberRecord>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(file)
        .map_err(|e| crate::fail!("file_unreadable", help = "检查文件路径", "无法读取名单文件 `{}`：{e}", file.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| crate::fail!("csv_header", help = "名单须为 UTF-8 编码的 CSV 文件", "名单文件 `{}` 的第一行无法读取：{e}", file.display()))?
        .clone();
    let mut index = [usize::MAX; 7];
    for (i, (_, names)) in COLUMNS.iter().enumerate() {
        // A UTF-8 BOM, as spreadsheet programs write it, is not part of the first header.
        if let Some(pos) = headers.iter().position(|h| names.contains(&h.trim_start_matches('\u{feff}'))) {
            index[i] = pos;
        }
    }
    let missing: Vec<_> = COLUMNS.iter().zip(index).filter(|(_, i)| *i == usize::MAX).map(|(c, _)| c.1[0]).collect();
    if missing.iter().any(|m| ["姓名", "党员编号", "身份", "职务", "类别"].contains(m)) {
        return Err(crate::fail!(
            "csv_columns",
            help = "第一行应为：姓名,党员编号,身份,职务,类别,流动党员,最近报到",
            "名单文件 `{}` 缺少列：{}",
            file.display(),
            missing.join("、")
        ));
    }
    let mut members = Vec::new();
    let mut problems = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = record.map_err(|e| crate::fail!("csv_row", help = "检查该行的引号和列数", "`{}` 第 {line} 行无法读取：{e}", file.display()))?;
        let get = |i: usize| index.get(i).and_then(|&p| record.get(p)).unwrap_or("").trim().to_owned();
        let full = match get(4).as_str() {
            "正式" | "正式党员" | "full" => true,
            "预备" | "预备党员" | "probationary" => false,
            other => {
                problems.push(format!("第 {line} 行：类别 `{other}` 应为 正式 或 预备"));
                true
            }
        };
        let mobile = match get(5).as_str() {
            "是" | "yes" | "true" | "1" => true,
            "" | "否" | "no" | "false" | "0" => false,
            other => {
                problems.push(format!("第 {line} 行：流动党员 `{other}` 应为 是 或 否"));
                false
            }
        };
        let last_report = match get(6).as_str() {
            "" => None,
            d => match parse_date(d, "最近报到日期") {
                Ok(d) => Some(d),
                Err(_) => {
                    problems.push(format!("第 {line} 行：最近报到日期 `{d}` 无效，应写作 2026-10-15"));
                    None
                }
            },
        };
        let id = match Shine::member_id(&get(1)) {
            Ok(id) => id,
            Err(_) => {
                problems.push(format!("第 {line} 行：党员编号 `{}` 无效：不能为空，不能含空格或 `/`", get(1)));
                continue;
            }
        };
        members.push(MemberRecord {
            name: get(0),
            id,
            identity: get(2),
            role: get(3),
            full,
            mobile,
            last_report,
        });
    }
    if !problems.is_empty() {
        return Err(crate::fail!("csv_rows", help = "改正后重新导入；未导入任何党员", "名单文件有 {} 处问题：\n  {}", problems.len(), problems.join("\n  ")));
    }
    if members.is_empty() {
        return Err(crate::fail!("csv_empty", help = "每行一名党员", "名单文件 `{}` 没有党员", file.display()));
    }
    Ok(members)
}

pub fn members(ctx: &Context, branch: &str) -> Result<Output> {
    let engine = ctx.engine()?;
    let roster = engine.archive().roster(&unit_id(branch)?)?;
    let role = |role: &str| match engine.current().and_then(|c| c.rules.field_enum("member", "role")) {
        Some(e) => e.variants.iter().find(|v| v.name == role).and_then(|v| v.label.clone()).unwrap_or_else(|| role.to_owned()),
        None => role.to_owned(),
    };
    let mut t = table(&["党员编号", "姓名", "身份", "职务", "类别", "流动党员", "最近报到"]);
    for m in &roster.members {
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
    let human = if roster.members.is_empty() {
        format!("`{branch}` 还没有党员。用 `shine roster import --branch {branch} 名单.csv` 导入")
    } else {
        format!("{t}\n共 {} 人", roster.members.len())
    };
    Ok(Output::new(human, &roster.members))
}
