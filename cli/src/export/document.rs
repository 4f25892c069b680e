//! A form as the Party office files it, before it is written out: pages (one worksheet
//! of a workbook, one printed sheet or more of A4), each with a title, the lines above
//! the table (填报单位、季度), tables with their headers, notes and the places to sign and
//! stamp. Every export builds one [`Document`] from the engine's typed answers; `xlsx`
//! and `print` write the same document, so the workbook and the printed page state the
//! same facts. Nothing here reads the store or knows any form.

use chrono::NaiveDate;
use unicode_width::UnicodeWidthStr;

/// Everything one export writes.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file's title (the HTML page's `<title>`; the workbook's title property).
    pub title: String,
    pub pages: Vec<Page>,
}

/// One worksheet, or one printed form (which may run over several A4 sheets).
#[derive(Debug, Clone)]
pub struct Page {
    /// The worksheet's name (at most 31 characters, none of `[]:*?/\`: see `sheet_name`).
    pub name: String,
    pub title: String,
    /// Lines under the title, before the first block: `填报单位党组织（盖章）：…`.
    pub heading: Vec<Field>,
    pub blocks: Vec<Block>,
    /// 备注 lines at the foot of the form.
    pub notes: Vec<String>,
    /// Places to sign, each a label followed by a blank line (`填表人：`).
    pub signatures: Vec<String>,
    /// Leave room for the unit's stamp (盖章) at the foot.
    pub stamp: bool,
    /// Print across the sheet (wide tables).
    pub landscape: bool,
}

/// A label and its value on one line: `季度：2026Q4`.
#[derive(Debug, Clone)]
pub struct Field {
    pub label: String,
    pub value: String,
}

/// What a page holds, in order.
#[derive(Debug, Clone)]
pub enum Block {
    /// A heading inside the page (`一、专题组织生活会`).
    Heading(String),
    /// Label-value lines.
    Fields(Vec<Field>),
    /// A sentence or paragraph.
    Text(String),
    Table(Table),
}

/// A table: its columns and rows of cells, and a last row of totals if any.
#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Shown (bold) under the rows.
    pub totals: Option<Vec<Cell>>,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    /// The width in (Latin) characters, a CJK character counting two.
    pub width: f64,
}

/// One cell, typed so a workbook keeps numbers as numbers and dates as dates.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(i64),
    /// A share, 0.0 to 1.0, shown as a percentage.
    Share(f64),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    /// The cell as a person reads it on paper.
    pub fn shown(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Share(s) => format!("{:.1}%", s * 100.0),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Empty => String::new(),
        }
    }
}

impl From<&str> for Cell {
    fn from(t: &str) -> Cell {
        if t.is_empty() { Cell::Empty } else { Cell::Text(t.to_owned()) }
    }
}

impl From<String> for Cell {
    fn from(t: String) -> Cell {
        if t.is_empty() { Cell::Empty } else { Cell::Text(t) }
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Number(n)
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
    }
}

impl Field {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Field {
        Field { label: label.into(), value: value.into() }
    }
}

impl Table {
    /// A table with these column titles and widths (widened where the title would not
    /// fit on one line).
    pub fn new(columns: &[(&str, f64)]) -> Table {
        let column = |(title, width): &(&str, f64)| Column { title: (*title).to_owned(), width: width.max(UnicodeWidthStr::width(*title) as f64 + 3.0) };
        Table { columns: columns.iter().map(column).collect(), rows: Vec::new(), totals: None }
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }
}

impl Page {
    pub fn new(name: impl Into<String>, title: impl Into<String>) -> Page {
        Page { name: name.into(), title: title.into(), heading: Vec::new(), blocks: Vec::new(), notes: Vec::new(), signatures: Vec::new(), stamp: false, landscape: false }
    }
}

/// A worksheet name Excel and WPS accept: at most 31 characters, none of `[]:*?/\`,
/// and unique in the workbook (a number added to repeats).
pub fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).collect();
    let clean = clean.trim_matches('\'');
    let base: String = clean.chars().take(31).collect();
    let base = if base.trim().is_empty() { "Sheet".to_owned() } else { base };
    if !taken.iter().any(|t| t == &base) {
        return base;
    }
    (2..)
        .map(|n| {
            let suffix = format!("（{n}）");
            let keep = 31 - suffix.chars().count();
            format!("{}{suffix}", base.chars().take(keep).collect::<String>())
        })
        .find(|name| !taken.iter().any(|t| t == name))
        .unwrap_or(base)
}
