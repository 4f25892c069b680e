//! `shine template`: the file an import expects, ready to fill in. An Excel workbook
//! whose first row is the import's header (bold, frozen), with a drop-down list on
//! each column whose cells take a closed set of values, and a second sheet 「填写说明」
//! saying what to write in each column; or a CSV file (UTF-8 with a BOM, so that Excel
//! opens it right) with the header alone.
//!
//! The header is the import's own [`Column`] list, so a template filled in imports
//! as it is; the drop-down values come from the rule and workflow files in force,
//! as the import accepts them (never from this file). Reading and checking the
//! filled-in file is the import's work, not this one's.

use crate::args::TemplateKind;
use crate::context::Context;
use crate::failure::Result;
use crate::import_file::{column_letter, Column, Values};
use crate::render::Output;
use rust_xlsxwriter::{DataValidation, Format, FormatAlign, Formula, Workbook, Worksheet, XlsxError};
use shine_engine::ops::Current;
use shine_engine::text::Text;
use std::io::Write;
use std::path::Path;

/// An import's template: its columns, the name of its data sheet, and the command
/// that imports it.
struct Template {
    columns: &'static [Column],
    sheet: &'static str,
    command: &'static str,
}

fn template(kind: TemplateKind) -> Template {
    match kind {
        TemplateKind::Roster => Template { columns: &super::roster::COLUMNS, sheet: "名单", command: "shine roster import --branch <支部>" },
        TemplateKind::Life => Template { columns: &super::history::LIFE, sheet: "组织生活", command: "shine life import" },
        TemplateKind::Deeds => Template { columns: &super::records::DEEDS, sheet: "闪光言行", command: "shine deed import --branch <支部>" },
        TemplateKind::Findings => Template { columns: &super::history::FINDINGS, sheet: "违规情形", command: "shine finding import" },
        TemplateKind::Org => Template { columns: &super::org::UNITS, sheet: "组织", command: "shine org import" },
    }
}

/// One value a column's drop-down offers: as shown, the other words the import
/// takes for it, and what it means where the rules say more than its name.
#[derive(Debug, serde::Serialize)]
struct Offered {
    shown: String,
    also: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meaning: Option<String>,
}

/// The values a column offers under the definitions in force; `None` for free text
/// (or a field the rules declare no enum for).
fn offered(values: &Values, current: &Current) -> Option<Vec<Offered>> {
    let plain = |shown: &str, also: Vec<String>| Offered { shown: shown.to_owned(), also, meaning: None };
    match values {
        Values::Any => None,
        Values::Field(entity, field) => {
            let e = current.rules.field_enum(entity, field)?;
            let shown = |v: &shine_engine::rules::EnumVariant| match &v.label {
                Some(label) => plain(label, vec![v.name.clone()]),
                None => plain(&v.name, Vec::new()),
            };
            Some(e.variants.iter().map(shown).collect())
        }
        Values::Either(two) => {
            let answer = |words: &[&str]| plain(words[0], words[1..].iter().map(|w| (*w).to_owned()).collect());
            Some(vec![answer(two.yes), answer(two.no)])
        }
        Values::UnitKind => Some(current.escalation.kinds().iter().map(|k| plain(&k.title, vec![k.id.clone()])).collect()),
        Values::FindingRule => Some(
            current
                .rules
                .finding_rules()
                .iter()
                .map(|r| Offered { shown: r.name.clone(), also: Vec::new(), meaning: Some(format!("{} {}", r.clause, r.text)) })
                .collect(),
        ),
    }
}

pub fn run(ctx: &Context, kind: TemplateKind, out: &Path, force: bool) -> Result<Output> {
    let extension = out.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let shown = out.display().to_string();
    if extension != "xlsx" && extension != "csv" {
        return Err(crate::fail!(
            "template_extension",
            help = "文件名以 .xlsx 结尾（Excel/WPS 工作簿，带下拉列表和填写说明），或以 .csv 结尾（只有表头）",
            "模板文件 `{shown}` 的扩展名应为 .xlsx 或 .csv"
        ));
    }
    let current = ctx.definitions()?.check()?;
    let template = template(kind);
    let lists: Vec<Option<Vec<Offered>>> = template.columns.iter().map(|c| offered(&c.values, &current)).collect();
    let bytes = if extension == "csv" {
        csv_header(template.columns)
    } else {
        workbook(&template, &lists).map_err(|e| crate::fail!("template_unwritable", "无法生成模板：{e}"))?
    };
    write_new(out, &bytes, force)?;
    let header: Vec<&str> = template.columns.iter().map(|c| c.names[0]).collect();
    let listed: Vec<&str> = template.columns.iter().zip(&lists).filter(|(_, l)| l.is_some()).map(|(c, _)| c.names[0]).collect();
    let mut human = format!("已写入模板 `{shown}`，表头：{}", header.join(","));
    if extension == "xlsx" && !listed.is_empty() {
        human.push_str(&format!("\n下拉列表：{}（可选值取自当前的规则和流程文件）；填写说明见工作表「填写说明」", listed.join("、")));
    }
    human.push_str(&format!("\n填好后导入：`{} {shown}`", template.command));
    let columns: Vec<_> = template
        .columns
        .iter()
        .zip(&lists)
        .map(|(c, l)| serde_json::json!({ "name": c.names[0], "required": c.required, "accepted": c.names, "values": l }))
        .collect();
    Ok(Output::new(human, serde_json::json!({ "file": shown, "columns": columns })))
}

/// The header row alone, UTF-8 with a BOM.
fn csv_header(columns: &[Column]) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(columns.iter().map(|c| c.names[0]).collect::<Vec<_>>().join(",").into_bytes());
    bytes.extend(b"\r\n");
    bytes
}

/// Write `bytes` to a new file at `out` (an existing one only with `force`).
fn write_new(out: &Path, bytes: &[u8], force: bool) -> Result<()> {
    let shown = out.display();
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(out).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            crate::fail!("file_exists", help = "换一个文件名，或加 `--force` 覆盖它", "文件 `{shown}` 已存在，未改动")
        }
        std::io::ErrorKind::NotFound => crate::fail!("file_unwritable", help = "先建立该目录，或换一个位置", "无法写入 `{shown}`：所在目录不存在"),
        _ => crate::fail!("file_unwritable", help = "检查目录权限和磁盘空间", "无法写入 `{shown}`（{e}）"),
    })?;
    file.write_all(bytes).map_err(|e| crate::fail!("file_unwritable", help = "检查磁盘空间", "无法写入 `{shown}`（{e}）"))
}

/// The last row of a sheet (0-based): drop-down lists reach every row below the header.
const LAST_ROW: u32 = 1_048_575;
/// Excel keeps a list given inline to at most this many characters, commas included.
const INLINE_LIST: usize = 255;

/// The template workbook: the data sheet, 「填写说明」, and, only when a list is too long
/// to give inline, a hidden sheet 「可选值」 the drop-down refers to.
fn workbook(template: &Template, lists: &[Option<Vec<Offered>>]) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let as_text = Format::new().set_num_format("@");
    let mut long_lists: Vec<(usize, Vec<String>)> = Vec::new();
    let data = book.add_worksheet();
    data.set_name(template.sheet)?;
    for (c, (column, list)) in template.columns.iter().zip(lists).enumerate() {
        let col = c as u16;
        data.write_string_with_format(0, col, column.names[0], &bold)?;
        let widest = list.iter().flatten().map(|o| width(&o.shown)).chain([width(column.names[0])]).max().unwrap_or(8);
        data.set_column_width(col, (widest + 4).max(10) as f64)?;
        // Ids typed as numbers would lose their leading zeros.
        if matches!(column.text, Text::MemberId | Text::UnitId) {
            data.set_column_format(col, &as_text)?;
        }
        let Some(list) = list else { continue };
        let shown: Vec<String> = list.iter().map(|o| o.shown.clone()).collect();
        let inline = shown.join(",").encode_utf16().count() <= INLINE_LIST && !shown.iter().any(|s| s.contains(['"', ',']));
        let validation = if inline {
            DataValidation::new().allow_list_strings(&shown)?
        } else {
            let at = long_lists.len();
            let column = column_letter(at as u32);
            let formula = format!("='可选值'!${column}$1:${column}${}", shown.len());
            long_lists.push((at, shown));
            DataValidation::new().allow_list_formula(Formula::new(formula))
        };
        let validation = validation.set_error_title("不在可选值中")?.set_error_message(format!("「{}」请从下拉列表中选择；可选值见工作表「填写说明」", column.names[0]))?;
        data.add_data_validation(1, col, LAST_ROW, col, &validation)?;
    }
    data.set_freeze_panes(1, 0)?;
    explain(book.add_worksheet(), template, lists, &bold)?;
    if !long_lists.is_empty() {
        let values = book.add_worksheet();
        values.set_name("可选值")?.set_hidden(true);
        for (at, shown) in &long_lists {
            for (r, value) in shown.iter().enumerate() {
                values.write_string(r as u32, *at as u16, value)?;
            }
        }
    }
    book.save_to_buffer()
}

/// The sheet 「填写说明」: per column, whether it must be written, what to write, the
/// values it takes and the other header names the import accepts.
fn explain(sheet: &mut Worksheet, template: &Template, lists: &[Option<Vec<Offered>>], bold: &Format) -> std::result::Result<(), XlsxError> {
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    sheet.set_name("填写说明")?;
    sheet.write_string(0, 0, format!("在工作表「{}」第一行表头之下，每行填写一条；填好后导入：{} 文件名.xlsx", template.sheet, template.command))?;
    for (c, head) in ["列", "必填", "填写说明", "可选值", "表头也可写作"].iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *head, bold)?;
    }
    for (r, (column, list)) in template.columns.iter().zip(lists).enumerate() {
        let row = r as u32 + 3;
        let values = list.iter().flatten().map(value_line).collect::<Vec<_>>().join("\n");
        sheet.write_string_with_format(row, 0, column.names[0], &wrap)?;
        sheet.write_string_with_format(row, 1, if column.required { "是" } else { "否" }, &wrap)?;
        sheet.write_string_with_format(row, 2, column.help, &wrap)?;
        sheet.write_string_with_format(row, 3, values, &wrap)?;
        sheet.write_string_with_format(row, 4, column.names[1..].join("、"), &wrap)?;
    }
    for (col, width) in [(0, 14), (1, 6), (2, 48), (3, 48), (4, 24)] {
        sheet.set_column_width(col, width)?;
    }
    Ok(())
}

/// `支部书记（也可写 secretary）`, `x3：§3.4.x3 因各种违法违纪违规行为…`.
fn value_line(o: &Offered) -> String {
    let also = if o.also.is_empty() { String::new() } else { format!("（也可写 {}）", o.also.join("、")) };
    let meaning = o.meaning.as_ref().map(|m| format!("：{m}")).unwrap_or_default();
    format!("{}{also}{meaning}", o.shown)
}

/// The width of text in a sheet's columns, a Chinese character counting two.
fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}
