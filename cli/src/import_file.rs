//! Reading the files the CLI imports (the roster, organizational-life records, deeds,
//! findings, units of the tree): CSV or a spreadsheet workbook, chosen by the file's
//! extension (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) or by a workbook's own first
//! bytes; and naming, the same way, the rows the engine then refuses.
//!
//! A CSV file's encoding is UTF-8 (with or without BOM) or GBK/GB18030 as Chinese Excel
//! and WPS save it; a workbook's first sheet is read (calamine), or the sheet `--sheet`
//! names, each cell as the text a person sees (a number 2024001 as `2024001`, a date
//! cell as `2026-10-15`). Either way the header row is required (a file whose first row
//! is not the expected header is refused, saying what it expected), and the cells of
//! every row are checked by the engine's one check of text (`shine_engine::text`). A
//! file with any bad row is refused whole, each problem named in Chinese by file and
//! line and column, or for a workbook by sheet, row and column letter.
//!
//! Each import declares its columns once ([`Column`]): the header names accepted, and
//! for `shine template` what to write and which values a cell takes ([`Values`]).
//!
//! Everything here works on bytes already read, so the fuzz test below runs the same
//! functions the commands run.

use crate::failure::{EdgeError, Failure, Result};
use shine_engine::ops::RowMember;
use shine_engine::refusal::{Kind, RefusedRow, Refusal, RowIssue};
use shine_engine::text::{clean, Text};
use std::borrow::Cow;

/// The most rows one file may hold; larger imports are split.
pub const MAX_ROWS: usize = 100_000;

/// A column of an import: the header names accepted for it (the first is the one a
/// template writes and a message names), whether it must be present, the check of
/// text its cells get, the values a cell takes and what to write in it.
pub struct Column {
    pub names: &'static [&'static str],
    pub required: bool,
    pub text: Text,
    pub values: Values,
    /// What to write, for the template's 填写说明.
    pub help: &'static str,
}

/// The values a column's cells take.
pub enum Values {
    /// Any text of its kind: a name, an id, a date.
    Any,
    /// A variant of the enum the rules declare for `entity.field`, by its name or label.
    Field(&'static str, &'static str),
    /// One of two answers the import itself defines.
    Either(&'static TwoWay),
    /// A kind of unit declared in `workflows/escalation.ron`, by its id or title.
    UnitKind,
    /// An exclusion rule of the rules that takes findings, by its name.
    FindingRule,
}

/// Two answers a column defines (是/否, 正式/预备), each with the words accepted for
/// it; the first word of each is the one a template offers.
pub struct TwoWay {
    pub yes: &'static [&'static str],
    pub no: &'static [&'static str],
}

impl TwoWay {
    /// The answer a (non-empty) cell gives, if it is one of the words.
    pub fn read(&self, cell: &str) -> Option<bool> {
        let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(cell.trim()));
        if is(self.yes) {
            Some(true)
        } else if is(self.no) {
            Some(false)
        } else {
            None
        }
    }

    /// `` `x` 应为 是 或 否 ``.
    pub fn problem(&self, cell: &str) -> String {
        format!("`{cell}` 应为 {} 或 {}", self.yes[0], self.no[0])
    }
}

pub const YES_NO: TwoWay = TwoWay { yes: &["是", "yes", "true", "1"], no: &["否", "no", "false", "0"] };

/// The column of a member's id, in imports that name members by id or name (or both).
pub const MEMBER_ID: Column = Column {
    names: &["党员编号", "member_id", "id", "编号"],
    required: false,
    text: Text::MemberId,
    values: Values::Any,
    help: "党员编号；与姓名至少写一项",
};

/// The column of a member's name beside [`MEMBER_ID`].
pub const MEMBER_NAME: Column = Column {
    names: &["姓名", "党员姓名", "name"],
    required: false,
    text: Text::MemberName,
    values: Values::Any,
    help: "党员姓名；只写姓名时须唯一，与党员编号都写时须一致",
};

/// The member a row names in its [`MEMBER_ID`] and [`MEMBER_NAME`] cells (`None`,
/// with the problem noted, when it names none).
pub fn row_member(problems: &mut Problems, line: u64, id: &str, name: &str) -> Option<RowMember> {
    match (id, name) {
        ("", "") => {
            if !problems.list.iter().any(|p| p.line == line) {
                problems.line(line, "党员编号和姓名都为空：至少写一项");
            }
            None
        }
        ("", name) => Some(RowMember { given: name.to_owned(), named: None }),
        (id, "") => Some(RowMember { given: id.to_owned(), named: None }),
        (id, name) => Some(RowMember { given: id.to_owned(), named: Some(name.to_owned()) }),
    }
}

/// A table that names members must have a [`MEMBER_ID`] or a [`MEMBER_NAME`] column
/// (at `id` and `name` among its columns).
pub fn names_members(table: &Table, file: &str, id: usize, name: usize) -> Result<()> {
    if table.present.get(id) == Some(&true) || table.present.get(name) == Some(&true) {
        return Ok(());
    }
    Err(crate::fail!("csv_columns", help = "加上「党员编号」列或「姓名」列（都写时须一致）", "文件 `{file}` 缺少列：党员编号 或 姓名"))
}

/// The member column a row's refusal of its member is in: the id's when the row gives
/// one, else the name's.
pub fn member_column(id_given: bool) -> &'static str {
    if id_given {
        MEMBER_ID.names[0]
    } else {
        MEMBER_NAME.names[0]
    }
}

/// One data row: its line in the file (1-based, as a spreadsheet numbers it) and its
/// cells in the order of the columns asked for (empty where a column is absent).
#[derive(Debug)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

/// The rows of an import under its header, which of the columns asked for the header
/// has, and the problems found so far, to which the command adds its own before
/// `finish`.
pub struct Table {
    pub rows: Vec<Row>,
    pub present: Vec<bool>,
    pub problems: Problems,
}

/// The problems of rows, collected so that one refusal names them all; once the file
/// is read without any, the same names the rows the engine refuses.
pub struct Problems {
    file: String,
    /// The sheet of a workbook and the letter of each column found (by its first name).
    sheet: Option<(String, Vec<(&'static str, String)>)>,
    list: Vec<Problem>,
}

/// One problem: where (line, column and its letter) and what, and for a row the
/// engine refused, its refusal as data.
#[derive(serde::Serialize)]
struct Problem {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    letter: Option<String>,
    problem: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    refusal: Option<serde_json::Value>,
}

impl Problems {
    pub fn new(file: &str) -> Problems {
        Problems { file: file.to_owned(), sheet: None, list: Vec::new() }
    }

    /// A problem at `line`, in the column named `column`.
    pub fn at(&mut self, line: u64, column: &'static str, problem: impl std::fmt::Display) {
        self.push(line, Some(column), problem.to_string(), None);
    }

    /// Whether a cell of a column that must be written is empty, noted as a problem
    /// unless its text was refused already (a refused cell reads empty).
    pub fn missing(&mut self, line: u64, column: &'static str, value: &str) -> bool {
        if !value.is_empty() {
            return false;
        }
        if !self.list.iter().any(|p| p.line == line && p.column == Some(column)) {
            self.at(line, column, "为空");
        }
        true
    }

    pub fn line(&mut self, line: u64, problem: impl std::fmt::Display) {
        self.push(line, None, problem.to_string(), None);
    }

    fn push(&mut self, line: u64, column: Option<&'static str>, problem: String, refusal: Option<serde_json::Value>) {
        let letter = self.sheet.as_ref().and_then(|(_, letters)| letters.iter().find(|(n, _)| Some(*n) == column)).map(|(_, l)| l.clone());
        self.list.push(Problem { line, column, letter, problem, refusal });
    }

    fn sheet_name(&self) -> String {
        self.sheet.as_ref().map(|(name, _)| format!("工作表「{name}」")).unwrap_or_default()
    }

    /// `工作表「名单」第 3 行 E 列「类别」：…`, or for a CSV file `第 3 行「类别」列：…`.
    fn placed(&self, p: &Problem) -> String {
        let (sheet, line, problem) = (self.sheet_name(), p.line, &p.problem);
        match (p.column, &p.letter) {
            (Some(column), Some(letter)) => format!("{sheet}第 {line} 行 {letter} 列「{column}」：{problem}"),
            (Some(column), None) => format!("{sheet}第 {line} 行「{column}」列：{problem}"),
            (None, _) => format!("{sheet}第 {line} 行：{problem}"),
        }
    }

    /// The refusal of the whole file when any row had a problem; else the same, to
    /// name the rows the engine refuses.
    pub fn finish(self, help: &str) -> Result<Problems> {
        if self.list.is_empty() {
            return Ok(self);
        }
        const SHOWN: usize = 50;
        let more = if self.list.len() > SHOWN { format!("\n  ……另有 {} 处", self.list.len() - SHOWN) } else { String::new() };
        let shown = self.list.iter().take(SHOWN).map(|p| self.placed(p)).collect::<Vec<_>>().join("\n  ");
        let details = serde_json::json!({ "file": self.file, "sheet": self.sheet.as_ref().map(|(name, _)| name), "problems": self.list });
        let message = format!("文件 `{}` 有 {} 处问题：\n  {shown}{more}", self.file, self.list.len());
        let help = format!("{help}；改正后重新导入，本次未导入任何一行");
        Err(Failure::Edge(EdgeError::new("csv_rows", message).help(help).details(details)))
    }

    /// The engine's refusal of an import, its rows (numbered in the order the records
    /// were given) named as the reader names its own problems: by the file's line of
    /// each (`lines`), and the column `column` says is at fault (given the record's
    /// index and the refusal). Any other failure goes on as it is.
    fn refused(mut self, failure: Failure, lines: &[u64], column: impl Fn(usize, &Kind) -> Option<&'static str>, help: &str) -> Failure {
        let Failure::Refused(refusal) = failure else { return failure };
        let line = |row: usize| row.checked_sub(1).and_then(|i| lines.get(i)).map_or(row as u64, |l| *l);
        let Refusal { kind, next } = *refusal;
        let rows = match *kind {
            Kind::RowsRejected { rows } => rows,
            Kind::RowRejected { row, problem } => vec![RefusedRow { row, refusal: Refusal { kind: problem, next } }],
            Kind::RosterRejected { problems } => {
                for p in &problems {
                    self.push(line(p.row), roster_column(&p.problem), crate::messages::refusal::row_issue(&p.problem), serde_json::to_value(p).ok());
                }
                return self.finish(help).err().unwrap_or_else(|| Refusal::new(Kind::RosterRejected { problems }).into());
            }
            kind => return Refusal { kind: Box::new(kind), next }.into(),
        };
        for RefusedRow { row, mut refusal } in rows {
            // A row the refusal names in its turn is a row of the file too.
            if let Kind::ConflictsWithRow { row: other } | Kind::ParentRowNotAdded { row: other, .. } = refusal.kind.as_mut() {
                *other = line(*other) as usize;
            }
            let value = serde_json::to_value(&refusal).ok();
            self.push(line(row), column(row.saturating_sub(1), &refusal.kind), row_problem(&refusal), value);
        }
        self.finish(help).err().unwrap_or_else(|| Refusal::new(Kind::RowsRejected { rows: Vec::new() }).into())
    }
}

/// The column of a roster file a problem the engine found in a row is in.
fn roster_column(issue: &RowIssue) -> Option<&'static str> {
    match issue {
        RowIssue::EmptyName | RowIssue::BadText { field: Text::MemberName, .. } => Some("姓名"),
        RowIssue::RepeatedId { .. } | RowIssue::InAnotherBranch { .. } | RowIssue::LeftBranch { .. } | RowIssue::BadText { .. } => Some("党员编号"),
        RowIssue::NotAVariant { decl, .. } if decl.name == "role" => Some("职务"),
        RowIssue::NotAVariant { .. } => Some("身份"),
    }
}

/// A refusal of one row in words, on one line. The hints of the one-record command
/// name its options (`--date`); a row has columns instead, so those are left out.
fn row_problem(refusal: &Refusal) -> String {
    let w = crate::messages::refusal::word(refusal);
    let next = w.next.iter().filter(|n| !n.contains("`--"));
    std::iter::once(&w.message).chain(&w.details).chain(next).map(|s| s.replace('\n', " ")).collect::<Vec<_>>().join("；")
}

/// Where the records a command hands the engine came from: the file's line of each,
/// in order, and how the file names its places.
pub struct Lines {
    pub problems: Problems,
    pub lines: Vec<u64>,
}

impl Lines {
    /// The file's line of the engine's `row` (1-based, in the order the records were
    /// given to it).
    pub fn line(&self, row: usize) -> usize {
        row.checked_sub(1).and_then(|i| self.lines.get(i)).map_or(row, |l| *l as usize)
    }

    /// The engine's refusal of the records, each row it refuses named by sheet and row
    /// (see [`Problems::refused`]).
    pub fn refused(self, failure: Failure, help: &str) -> Failure {
        self.problems.refused(failure, &self.lines, |_, _| None, help)
    }

    /// The same, each row's problem placed in the column `column` names.
    pub fn refused_at(self, failure: Failure, column: impl Fn(usize, &Kind) -> Option<&'static str>, help: &str) -> Failure {
        self.problems.refused(failure, &self.lines, column, help)
    }
}

/// A file given to an import: its name as shown, its bytes, and the sheet of a
/// workbook asked for (`--sheet`; the first when none).
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
    pub sheet: Option<String>,
}

impl Source {
    /// The file an import names, read whole.
    pub fn open(file: &crate::args::ImportFile) -> Result<Source> {
        Ok(Source { name: file.file.display().to_string(), bytes: bytes(&file.file)?, sheet: file.sheet.clone() })
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

/// The rows of an import file under its header: a workbook's sheet when the file is
/// one (by extension or content), CSV otherwise, where `--sheet` is refused.
pub fn read(source: &Source, columns: &[Column]) -> Result<Table> {
    let Source { name: file, bytes, sheet } = source;
    if is_workbook(file, bytes) {
        return read_workbook(file, bytes, sheet.as_deref(), columns);
    }
    if let Some(sheet) = sheet {
        return Err(crate::fail!(
            "csv_no_sheets",
            help = "去掉 `--sheet`：CSV 文件整个就是一张表；要从工作簿的某个工作表导入，就导入工作簿（.xlsx）本身",
            "文件 `{file}` 是 CSV 文件，没有工作表，不能用 `--sheet {sheet}` 指定"
        ));
    }
    read_csv(file, bytes, columns)
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

/// The rows of a workbook's sheet (the one named, else the first) under its header
/// row (the sheet's first row in use), each cell as the text a person sees.
fn read_workbook(file: &str, bytes: &[u8], asked: Option<&str>, columns: &[Column]) -> Result<Table> {
    use calamine::Reader;
    let not_a_workbook =
        || crate::fail!("xlsx_unreadable", help = SAVE_AS_WORKBOOK, "文件 `{file}` 不是能读取的 Excel/WPS 工作簿（可能已损坏、加了密码，或并非表格文件）");
    let mut workbook = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|_| not_a_workbook())?;
    let names = workbook.sheet_names();
    let at = match asked {
        None if names.is_empty() => return Err(not_a_workbook()),
        None => 0,
        Some(asked) => names.iter().position(|n| n == asked.trim()).ok_or_else(|| {
            let listed = names.iter().map(|n| format!("「{n}」")).collect::<Vec<_>>().join("、");
            crate::fail!(
                "xlsx_no_sheet",
                help = format!("`--sheet` 写其中一个工作表的名称，或不写 `--sheet` 读第一个工作表「{}」", names.first().map_or("", String::as_str)),
                "工作簿 `{file}` 中没有名为「{}」的工作表；它有 {} 个工作表：{listed}",
                asked.trim(),
                names.len()
            )
        })?,
    };
    let sheet = names[at].clone();
    let range = match workbook.worksheet_range_at(at) {
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
pub fn column_letter(index: u32) -> String {
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
        Table { present: self.index.iter().map(Option::is_some).collect(), rows: self.rows, problems: self.problems }
    }
}

/// A CSV error in Chinese (the text is valid UTF-8 by now, so this is about quotes).
fn csv_problem(e: &csv::Error) -> &'static str {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { .. } => "列数与表头不同",
        _ => "引号不成对或格式不符",
    }
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
