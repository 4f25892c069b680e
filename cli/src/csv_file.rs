//! Reading the CSV files the CLI imports (the roster, organizational-life records):
//! the encoding (UTF-8 with or without BOM, or GBK/GB18030 as Chinese Excel and WPS
//! save it), the header row (required: a file whose first row is not the expected
//! header is refused, saying what it expected), and the cells of every row checked
//! by the engine's one check of text (`shine_engine::text`). A file with any bad row
//! is refused whole, each problem named by file, line and column, in Chinese.
//!
//! Everything here works on bytes already read, so the fuzz test below runs the same
//! functions the commands run.

use crate::failure::{Failure, Result};
use shine_engine::text::{clean, Text};
use std::borrow::Cow;

/// The most rows one file may hold; larger imports are split.
pub const MAX_ROWS: usize = 100_000;

/// A column of an import: the header names accepted for it, whether it must be
/// present, and the check of text its cells get.
pub struct Column {
    pub names: &'static [&'static str],
    pub required: bool,
    pub text: Text,
}

/// One data row: its line in the file (1-based, as a spreadsheet numbers it) and its
/// cells in the order of the columns asked for (empty where a column is absent).
#[derive(Debug)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

/// The problems of rows, collected so that one refusal names them all.
pub struct Problems {
    file: String,
    list: Vec<String>,
}

impl Problems {
    pub fn new(file: &str) -> Problems {
        Problems { file: file.to_owned(), list: Vec::new() }
    }

    /// A problem at `line`, in the column named `column`.
    pub fn at(&mut self, line: u64, column: &str, problem: impl std::fmt::Display) {
        self.list.push(format!("第 {line} 行「{column}」列：{problem}"));
    }

    pub fn line(&mut self, line: u64, problem: impl std::fmt::Display) {
        self.list.push(format!("第 {line} 行：{problem}"));
    }

    /// The refusal of the whole file when any row had a problem.
    pub fn finish(self, help: &str) -> Result<()> {
        if self.list.is_empty() {
            return Ok(());
        }
        const SHOWN: usize = 50;
        let more = if self.list.len() > SHOWN { format!("\n  ……另有 {} 处", self.list.len() - SHOWN) } else { String::new() };
        Err(crate::fail!(
            "csv_rows",
            help = format!("{help}；改正后重新导入，本次未导入任何一行"),
            "文件 `{}` 有 {} 处问题：\n  {}{more}",
            self.file,
            self.list.len(),
            self.list.iter().take(SHOWN).cloned().collect::<Vec<_>>().join("\n  ")
        ))
    }
}

const SAVE_AS_UTF8: &str =
    "请用 Excel「文件 → 另存为」选择「CSV UTF-8（逗号分隔）(*.csv)」，或在 WPS 另存为「CSV」并选择 UTF-8 编码，然后重新导入";

/// The text of a CSV file: UTF-8 (a BOM dropped) or, failing that, GB18030 (which
/// contains GBK); anything else is refused in Chinese with how to save it as UTF-8.
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<Cow<'a, str>> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(crate::fail!("csv_encoding", help = SAVE_AS_UTF8, "文件 `{file}` 是 UTF-16（“Unicode 文本”）编码，不是 CSV 文件"));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(text),
        None => Err(crate::fail!("csv_encoding", help = SAVE_AS_UTF8, "文件 `{file}` 既不是 UTF-8 也不是 GBK（GB18030）编码的文本，无法读取")),
    }
}

/// The rows of a CSV file under its header. The first row must be the header: each
/// required column named by one of its accepted names.
pub fn read(file: &str, bytes: &[u8], columns: &[Column]) -> Result<Vec<Row>> {
    let text = decode(file, bytes)?;
    let expected = columns.iter().map(|c| c.names[0]).collect::<Vec<_>>().join(",");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut records = reader.records();
    let unreadable = |line: u64, e: csv::Error| -> Failure {
        crate::fail!("csv_row", help = "检查该行的引号是否成对", "文件 `{file}` 第 {line} 行无法读取：{}", csv_problem(&e))
    };
    let header = match records.next() {
        None => return Err(crate::fail!("csv_empty", help = format!("第一行应为表头：{expected}"), "文件 `{file}` 是空的")),
        Some(Err(e)) => return Err(unreadable(1, e)),
        Some(Ok(h)) => h,
    };
    let known = |h: &str, c: &Column| c.names.iter().any(|n| n.eq_ignore_ascii_case(h.trim()));
    let index: Vec<Option<usize>> = columns.iter().map(|c| header.iter().position(|h| known(h, c))).collect();
    if index.iter().all(Option::is_none) {
        let first: String = header.iter().collect::<Vec<_>>().join(",").chars().take(60).collect();
        return Err(crate::fail!(
            "csv_header",
            help = format!("在文件第一行加上表头：{expected}"),
            "文件 `{file}` 的第一行不是表头（读到的是「{first}」），应为：{expected}"
        ));
    }
    let missing: Vec<&str> = columns.iter().zip(&index).filter(|(c, i)| c.required && i.is_none()).map(|(c, _)| c.names[0]).collect();
    if !missing.is_empty() {
        return Err(crate::fail!("csv_columns", help = format!("第一行应为：{expected}"), "文件 `{file}` 缺少列：{}", missing.join("、")));
    }
    let width = header.len();
    let mut rows = Vec::new();
    let mut problems = Problems::new(file);
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(unreadable(line, e));
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            return Err(crate::fail!("csv_too_large", help = "把文件拆成几份分别导入", "文件 `{file}` 超过 {MAX_ROWS} 行"));
        }
        if record.len() > width {
            problems.line(line, format_args!("有 {} 列，比表头多 {} 列（内容中的逗号要用英文双引号括起来）", record.len(), record.len() - width));
            continue;
        }
        let mut cells = Vec::with_capacity(columns.len());
        for (c, i) in columns.iter().zip(&index) {
            let cell = i.and_then(|i| record.get(i)).unwrap_or("");
            if cell.is_empty() {
                cells.push(String::new());
                continue;
            }
            match clean(c.text, cell) {
                Ok(v) => cells.push(v),
                Err(p) => {
                    problems.at(line, c.names[0], crate::messages::text::problem(c.text, &p));
                    cells.push(String::new());
                }
            }
        }
        rows.push(Row { line, cells });
    }
    problems.finish(&format!("每行依次为：{expected}"))?;
    Ok(rows)
}

/// A CSV error in Chinese (the text is valid UTF-8 by now, so this is about quotes).
fn csv_problem(e: &csv::Error) -> &'static str {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { .. } => "列数与表头不同",
        _ => "引号不成对或格式不符",
    }
}

/// The engine numbers the rows of a refused import in the order given; the file's
/// line of each row (`lines`, in the same order) is what the user can find.
pub fn at_lines(failure: Failure, lines: &[u64]) -> Failure {
    use shine_engine::refusal::Kind;
    let Failure::Refused(mut r) = failure else { return failure };
    let line = |row: usize| row.checked_sub(1).and_then(|i| lines.get(i)).map_or(row, |&l| l as usize);
    match r.kind.as_mut() {
        Kind::RosterRejected { problems } => problems.iter_mut().for_each(|p| p.row = line(p.row)),
        Kind::RowRejected { row, .. } => *row = line(*row),
        _ => {}
    }
    Failure::Refused(r)
}

/// Read a whole file for an import, refusing in Chinese when it cannot be read.
pub fn bytes(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "文件不存在".to_owned(),
            std::io::ErrorKind::PermissionDenied => "没有读取权限".to_owned(),
            _ if path.is_dir() => "这是一个目录".to_owned(),
            _ => format!("读取失败（{e}）"),
        };
        crate::fail!("file_unreadable", help = "检查文件路径", "无法读取文件 `{}`：{why}", path.display())
    })
}

#[cfg(test)]
#[path = "tests/csv_fuzz.rs"]
mod tests;
