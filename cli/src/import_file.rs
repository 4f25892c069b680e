//! Reading the files the CLI imports (the roster, organizational-life records): CSV
//! or a spreadsheet workbook, chosen by the file's extension (`.xlsx`, `.xlsm`, `.xlsb`,
//! `.xls`, `.ods`) or by a workbook's own first bytes.
//!
//! A CSV file's encoding is UTF-8 (with or without BOM) or GBK/GB18030 as Chinese Excel
//! and WPS save it; a workbook's first sheet is read (calamine), each cell as the text a
//! person sees (a number 2024001 as `2024001`, a date cell as `2026-10-15`). Either way
//! the header row is required (a file whose first row is not the expected header is
//! refused, saying what it expected), and the cells of every row are checked by the
//! engine's one check of text (`shine_engine::text`). A file with any bad row is
//! refused whole, each problem named in Chinese by file and line and column, or for a
//! workbook by sheet, row and column letter.
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

/// The rows of an import under its header, and the problems found so far, to which the
/// command adds its own before `finish`.
pub struct Table {
    pub rows: Vec<Row>,
    pub problems: Problems,
}

/// The problems of rows, collected so that one refusal names them all.
pub struct Problems {
    file: String,
    /// The sheet of a workbook and the letter of each column found (by its first name).
    sheet: Option<(String, Vec<(&'static str, String)>)>,
    list: Vec<String>,
}

impl Problems {
    pub fn new(file: &str) -> Problems {
        Problems { file: file.to_owned(), sheet: None, list: Vec::new() }
    }

    /// A problem at `line`, in the column named `column`.
    pub fn at(&mut self, line: u64, column: &str, problem: impl std::fmt::Display) {
        let letter = self.sheet.as_ref().and_then(|(_, letters)| letters.iter().find(|(n, _)| *n == column)).map(|(_, l)| l);
        let place = match letter {
            Some(letter) => format!("{}第 {line} 行 {letter} 列「{column}」", self.sheet_name()),
            None => format!("{}第 {line} 行「{column}」列", self.sheet_name()),
        };
        self.list.push(format!("{place}：{problem}"));
    }

    pub fn line(&mut self, line: u64, problem: impl std::fmt::Display) {
        self.list.push(format!("{}第 {line} 行：{problem}", self.sheet_name()));
    }

    fn sheet_name(&self) -> String {
        self.sheet.as_ref().map(|(name, _)| format!("工作表「{name}」")).unwrap_or_default()
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

/// The rows of an import file under its header: a workbook's first sheet when the
/// file is one (by extension or content), CSV otherwise.
pub fn read(file: &str, bytes: &[u8], columns: &[Column]) -> Result<Table> {
    if is_workbook(file, bytes) {
        read_workbook(file, bytes, columns)
    } else {
        read_csv(file, bytes, columns)
    }
}

/// A workbook by its extension, or by its first bytes (a zip: .xlsx/.ods; an OLE
/// compound file: .xls) whatever its name says.
fn is_workbook(file: &str, bytes: &[u8]) -> bool {
    let extension = std::path::Path::new(file).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    ["xlsx", "xlsm", "xlsb", "xls", "ods"].contains(&extension.as_str())
        || bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The rows of a CSV file under its header. The first row must be the header: each
/// required column named by one of its accepted names.
fn read_csv(file: &str, bytes: &[u8], columns: &[Column]) -> Result<Table> {
    let text = decode(file, bytes)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut records = reader.records();
    let unreadable = |line: u64, e: csv::Error| -> Failure {
        crate::fail!("csv_row", help = "检查该行的引号是否成对", "文件 `{file}` 第 {line} 行无法读取：{}", csv_problem(&e))
    };
    let header = match records.next() {
        None => return Err(empty(file, columns)),
        Some(Err(e)) => return Err(unreadable(1, e)),
        Some(Ok(h)) => h.iter().map(str::to_owned).collect::<Vec<_>>(),
    };
    let mut under = UnderHeader::new(Problems::new(file), &header, columns)?;
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
        if record.len() > header.len() {
            let extra = record.len() - header.len();
            under.problems.line(line, format_args!("有 {} 列，比表头多 {extra} 列（内容中的逗号要用英文双引号括起来）", record.len()));
            continue;
        }
        under.push(line, |i| record.get(i))?;
    }
    Ok(under.table())
}

const SAVE_AS_WORKBOOK: &str =
    "用 Excel 或 WPS 打开这个文件，「另存为」Excel 工作簿（*.xlsx）或「CSV UTF-8（逗号分隔）」，然后重新导入";

/// The rows of a workbook's first sheet under its header row (the sheet's first row
/// in use), each cell as the text a person sees.
fn read_workbook(file: &str, bytes: &[u8], columns: &[Column]) -> Result<Table> {
    use calamine::Reader;
    let not_a_workbook =
        || crate::fail!("xlsx_unreadable", help = SAVE_AS_WORKBOOK, "文件 `{file}` 不是能读取的 Excel/WPS 工作簿（可能已损坏、加了密码，或并非表格文件）");
    let mut workbook = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|_| not_a_workbook())?;
    let sheet = workbook.sheet_names().first().cloned().ok_or_else(not_a_workbook)?;
    let range = match workbook.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        _ => return Err(not_a_workbook()),
    };
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows();
    let Some(header) = rows.next() else { return Err(empty(&format!("{file}（工作表「{sheet}」）"), columns)) };
    let header: Vec<String> = header.iter().map(|cell| cell_text(cell).unwrap_or_default()).collect();
    let mut under = UnderHeader::new(Problems::new(file), &header, columns)?;
    let letters = columns.iter().zip(&under.index).filter_map(|(c, i)| Some((c.names[0], column_letter(first_column + (*i)? as u32)))).collect();
    under.problems.sheet = Some((sheet, letters));
    for (k, row) in rows.enumerate() {
        let line = u64::from(first_row) + k as u64 + 2;
        if row.iter().all(|cell| matches!(cell, calamine::Data::Empty)) {
            continue;
        }
        let mut cells = Vec::with_capacity(row.len());
        for (j, cell) in row.iter().enumerate() {
            match cell_text(cell) {
                Ok(text) => cells.push(text),
                Err(error) => {
                    if let Some(c) = under.index.iter().position(|i| *i == Some(j)) {
                        under.problems.at(line, columns[c].names[0], format_args!("单元格是错误值 {error}，应填写内容（公式请改为数值）"));
                    }
                    cells.push(String::new());
                }
            }
        }
        under.push(line, |i| cells.get(i).map(String::as_str))?;
    }
    Ok(under.table())
}

/// The text a person sees in a cell: numbers without a needless `.0`, dates as
/// 2026-10-15 (with the time when it has one), TRUE/FALSE as 是/否; an error value
/// (#N/A, #DIV/0!…) is returned as the error.
fn cell_text(cell: &calamine::Data) -> std::result::Result<String, String> {
    use calamine::Data;
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Data::DateTime(d) => match (d.as_datetime(), d.is_duration()) {
            (Some(t), false) if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
            (Some(t), false) => t.format("%Y-%m-%d %H:%M").to_string(),
            _ => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).replacen('T', " ", 1),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// A spreadsheet's column letter from its 0-based index: 0 → A, 25 → Z, 26 → AA.
fn column_letter(index: u32) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn expected_header(columns: &[Column]) -> String {
    columns.iter().map(|c| c.names[0]).collect::<Vec<_>>().join(",")
}

fn empty(file: &str, columns: &[Column]) -> Failure {
    crate::fail!("csv_empty", help = format!("第一行应为表头：{}", expected_header(columns)), "文件 `{file}` 是空的")
}

/// The rows read under a header, whatever the file: which cell of a row each column
/// takes, the check of every cell, and the problems found.
struct UnderHeader<'c> {
    columns: &'c [Column],
    /// For each column asked for, its position in the file's rows (None: absent).
    index: Vec<Option<usize>>,
    rows: Vec<Row>,
    problems: Problems,
}

impl<'c> UnderHeader<'c> {
    /// The header must name each required column by one of its accepted names.
    fn new(problems: Problems, header: &[String], columns: &'c [Column]) -> Result<UnderHeader<'c>> {
        let file = &problems.file;
        let expected = expected_header(columns);
        let known = |h: &str, c: &Column| c.names.iter().any(|n| n.eq_ignore_ascii_case(h.trim()));
        let index: Vec<Option<usize>> = columns.iter().map(|c| header.iter().position(|h| known(h, c))).collect();
        if index.iter().all(Option::is_none) {
            let first: String = header.join(",").chars().take(60).collect();
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
        Ok(UnderHeader { columns, index, rows: Vec::new(), problems })
    }

    /// The row at `line` (not blank) whose `i`th cell is `cell(i)`.
    fn push<'r>(&mut self, line: u64, cell: impl Fn(usize) -> Option<&'r str>) -> Result<()> {
        if self.rows.len() >= MAX_ROWS {
            return Err(crate::fail!("csv_too_large", help = "把文件拆成几份分别导入", "文件 `{}` 超过 {MAX_ROWS} 行", self.problems.file));
        }
        let mut cells = Vec::with_capacity(self.columns.len());
        for (c, i) in self.columns.iter().zip(&self.index) {
            let value = i.and_then(&cell).unwrap_or("");
            if value.is_empty() {
                cells.push(String::new());
                continue;
            }
            match clean(c.text, value) {
                Ok(v) => cells.push(v),
                Err(p) => {
                    self.problems.at(line, c.names[0], crate::messages::text::problem(c.text, &p));
                    cells.push(String::new());
                }
            }
        }
        self.rows.push(Row { line, cells });
        Ok(())
    }

    fn table(self) -> Table {
        Table { rows: self.rows, problems: self.problems }
    }
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
