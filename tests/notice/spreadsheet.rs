//! Imports from Excel/WPS workbooks (`.xlsx`) as well as CSV: the same roster from
//! either file, each cell as the text a person sees (a member id typed as a number,
//! a date cell); a bad cell named by sheet, row and column letter with nothing
//! imported; a file that is not a workbook refused with what to do. The roster is the
//! base of §3.4's count and vote.

use crate::support::{m, Shine, M};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// One cell of a test workbook.
enum Cell {
    Text(&'static str),
    Number(f64),
    Date(u16, u8, u8),
}

/// A workbook whose first sheet, named `sheet`, holds `rows` (the header first).
fn workbook(s: &Shine, name: &str, sheet: &str, rows: &[Vec<Cell>]) -> PathBuf {
    let mut book = Workbook::new();
    let page = book.add_worksheet();
    page.set_name(sheet).expect("sheet name");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                Cell::Text(t) => page.write_string(r, c, *t).map(|_| ()),
                Cell::Number(n) => page.write_number(r, c, *n).map(|_| ()),
                Cell::Date(y, mo, d) => {
                    page.write_datetime_with_format(r, c, ExcelDateTime::from_ymd(*y, *mo, *d).expect("date"), &date).map(|_| ())
                }
            }
            .expect("cell");
        }
    }
    let path = s.dir().join(name);
    book.save(&path).expect("save workbook");
    path
}

/// The committee, general branch and branch `b1`, with no roster yet.
fn units(s: &Shine) {
    s.args(["org", "add", "--id", "c", "--name", "测试大学党委", "--kind", "committee"]).ok();
    s.args(["org", "add", "--id", "g", "--name", "测试学院党总支", "--kind", "general", "--parent", "c"]).ok();
    s.args(["org", "add", "--id", "b1", "--name", "测试党支部b1", "--kind", "branch", "--parent", "g"]).ok();
}

fn import<'a>(s: &'a Shine, file: &Path) -> crate::support::Cmd<'a> {
    s.args([OsStr::new("roster"), OsStr::new("import"), OsStr::new("--branch"), OsStr::new("b1"), file.as_os_str()])
}

fn members(s: &Shine) -> Value {
    s.args(["members", "--branch", "b1"]).json()
}

const HEADER: [&str; 7] = ["姓名", "党员编号", "身份", "职务", "类别", "流动党员", "最近报到"];

fn header() -> Vec<Cell> {
    HEADER.iter().map(|h| Cell::Text(h)).collect()
}

#[test]
fn s3_4_a_roster_from_xlsx_is_the_same_roster_as_from_csv_rare_characters_numbers_and_dates_as_seen() {
    let mut mobile = m("m03").name("𬭎");
    mobile.mobile = true;
    mobile.last_report = Some("2026-10-15".into());
    let mut probationary = m("2024001").name("王䶮");
    probationary.full = false;
    let roster: Vec<M> = vec![m("m01").name("𠮷田"), probationary, mobile];
    let from_csv = Shine::new();
    from_csv.branch("b1", &roster);

    let from_xlsx = Shine::new();
    units(&from_xlsx);
    let rows = vec![
        header(),
        vec![Cell::Text("𠮷田"), Cell::Text("m01"), Cell::Text("教师"), Cell::Text("ordinary"), Cell::Text("正式"), Cell::Text("否")],
        // The member id typed as a number, as Excel keeps it.
        vec![Cell::Text("王䶮"), Cell::Number(2024001.0), Cell::Text("教师"), Cell::Text("ordinary"), Cell::Text("预备"), Cell::Text("否")],
        vec![],
        vec![Cell::Text("𬭎"), Cell::Text("m03"), Cell::Text("教师"), Cell::Text("ordinary"), Cell::Text("正式"), Cell::Text("是"), Cell::Date(2026, 10, 15)],
    ];
    let file = workbook(&from_xlsx, "名单.xlsx", "Sheet1", &rows);
    import(&from_xlsx, &file).ok();

    let (csv, xlsx) = (members(&from_csv), members(&from_xlsx));
    assert_eq!(csv, xlsx, "the same roster from CSV and from xlsx");
    let text = xlsx.to_string();
    for seen in ["\"2024001\"", "𠮷田", "王䶮", "𬭎", "2026-10-15"] {
        assert!(text.contains(seen), "{seen} in {text}");
    }
}

#[test]
fn a_bad_cell_of_a_workbook_is_named_by_sheet_row_and_column_letter_and_nothing_is_imported() {
    let s = Shine::new();
    units(&s);
    let rows = vec![
        header(),
        vec![Cell::Text("张三"), Cell::Text("m01"), Cell::Text("教师"), Cell::Text("ordinary"), Cell::Text("正式")],
        vec![Cell::Text("李四"), Cell::Text("m02"), Cell::Text("教师"), Cell::Text("ordinary"), Cell::Text("正常")],
        vec![Cell::Text("王\u{1b}五"), Cell::Text("m03"), Cell::Text("教师"), Cell::Text("ordinary"), Cell::Text("正式")],
    ];
    let file = workbook(&s, "名单.xlsx", "名单", &rows);
    let run = import(&s, &file).fails();
    run.stderr_contains("名单.xlsx").stderr_contains("工作表「名单」第 3 行 E 列「类别」").stderr_contains("正式 或 预备");
    run.stderr_contains("工作表「名单」第 4 行 A 列「姓名」").stderr_contains("未导入任何一行");
    let roster = s.args(["members", "--branch", "b1"]).output();
    assert!(!roster.stdout.contains("张三"), "nothing imported: {}", roster.stdout);
}

#[test]
fn a_file_that_is_not_a_workbook_is_refused_saying_to_save_it_as_xlsx_or_csv() {
    let s = Shine::new();
    units(&s);
    let file = s.write("名单.xlsx", "姓名,党员编号\n张三,m01\n");
    import(&s, &file).fails().stderr_contains("不是能读取的 Excel/WPS 工作簿").stderr_contains("另存为").stderr_contains("CSV");
}

#[test]
fn life_records_from_a_workbook_read_date_cells_as_dates() {
    let s = Shine::new();
    s.branch("b1", &[m("m01"), m("m02")]);
    let rows = vec![
        vec![Cell::Text("党员编号"), Cell::Text("日期"), Cell::Text("出席情况")],
        vec![Cell::Text("m01"), Cell::Date(2026, 10, 15), Cell::Text("出席")],
        vec![Cell::Text("m02"), Cell::Date(2026, 10, 15), Cell::Text("无故缺席")],
    ];
    let file = workbook(&s, "组织生活.xlsx", "Sheet1", &rows);
    // A date cell read as its serial number (46310) would be refused as no date.
    let done = s.args([OsStr::new("life"), OsStr::new("import"), file.as_os_str()]).ok();
    assert!(done.contains("新增 2 条"), "{done}");
}
