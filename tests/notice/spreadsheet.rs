//! Imports from Excel/WPS workbooks (`.xlsx`) as well as CSV: the same roster from
//! either file, each cell as the text a person sees (a member id typed as a number,
//! a date cell); a bad cell named by sheet, row and column letter with nothing
//! imported; a file that is not a workbook refused with what to do; `--sheet` reading
//! the sheet named. The roster is the base of §3.4's count and vote.
//!
//! The bulk imports (issue 11): deeds of a branch's paper certificates (§3.2), conduct
//! findings (§3.4.x1–x7), units of the tree (§4.1), each from a workbook or a GBK CSV
//! file. Every row is checked as the one-record command checks it before anything is
//! written; a row the engine refuses is named by sheet, row and column and nothing is
//! written; a file without refusals is written in one commit, and only with `--apply`.

use crate::support::{m, Shine, M};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;
use shine_engine::event::Action;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// One cell of a test workbook.
pub enum Cell {
    Text(&'static str),
    Owned(String),
    Number(f64),
    Date(u16, u8, u8),
}

/// A workbook whose first sheet, named `sheet`, holds `rows` (the header first).
pub fn workbook(s: &Shine, name: &str, sheet: &str, rows: &[Vec<Cell>]) -> PathBuf {
    workbook_of(s, name, &[(sheet, rows)])
}

/// A workbook of several sheets, each named and holding its rows, in this order.
pub fn workbook_of(s: &Shine, name: &str, sheets: &[(&str, &[Vec<Cell>])]) -> PathBuf {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (sheet, rows) in sheets {
        let page = book.add_worksheet();
        page.set_name(*sheet).expect("sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Cell::Text(t) => page.write_string(r, c, *t).map(|_| ()),
                    Cell::Owned(t) => page.write_string(r, c, t).map(|_| ()),
                    Cell::Number(n) => page.write_number(r, c, *n).map(|_| ()),
                    Cell::Date(y, mo, d) => {
                        page.write_datetime_with_format(r, c, ExcelDateTime::from_ymd(*y, *mo, *d).expect("date"), &date).map(|_| ())
                    }
                }
                .expect("cell");
            }
        }
    }
    let path = s.dir().join(name);
    book.save(&path).expect("save workbook");
    path
}

/// A row of text cells.
pub fn texts(cells: &[&'static str]) -> Vec<Cell> {
    cells.iter().map(|t| Cell::Text(t)).collect()
}

/// `text` as GBK/GB18030 bytes, as Chinese Excel and WPS save a CSV file, in a file.
fn gbk_file(s: &Shine, name: &str, text: &str) -> PathBuf {
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable, "GB18030 encodes every character");
    let path = s.dir().join(name);
    std::fs::write(&path, &bytes).expect("write the GBK file");
    path
}

/// `shine <words…> <file> <more…>`.
fn run_on<'a>(s: &'a Shine, words: &[&str], file: &Path, more: &[&str]) -> crate::support::Cmd<'a> {
    let mut args: Vec<&OsStr> = words.iter().map(OsStr::new).collect();
    args.push(file.as_os_str());
    args.extend(more.iter().map(OsStr::new));
    s.args(args)
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
    texts(&HEADER)
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

#[test]
fn s3_4_x8_import_reads_the_sheet_named_and_an_unknown_sheet_lists_the_workbooks_sheets() {
    let s = Shine::new();
    s.branch("b1", &[m("m01"), m("m02")]);
    let notes = vec![texts(&["本工作簿第二张表为十月的组织生活记录"])];
    let october = vec![texts(&["党员编号", "日期", "出席情况"]), texts(&["m01", "2026-10-15", "出席"]), texts(&["m02", "2026-10-15", "无故缺席"])];
    let file = workbook_of(&s, "组织生活.xlsx", &[("说明", &notes), ("十月", &october)]);

    // The first sheet is read when none is named: it is not the records.
    run_on(&s, &["life", "import"], &file, &[]).fails().stderr_contains("第一行不是表头");
    let unknown = run_on(&s, &["life", "import"], &file, &["--sheet", "十一月"]).fails();
    unknown.stderr_contains("没有名为「十一月」的工作表").stderr_contains("「说明」、「十月」");
    let done = run_on(&s, &["life", "import"], &file, &["--sheet", "十月"]).ok();
    assert!(done.contains("新增 2 条"), "{done}");

    // The roster import reads the sheet named as well.
    let roster = vec![header(), texts(&["党员m01", "m01", "教师", "ordinary", "正式"]), texts(&["新党员", "m03", "学生", "ordinary", "预备"])];
    let file = workbook_of(&s, "名单.xlsx", &[("说明", &notes), ("教工支部", &roster)]);
    let diff = run_on(&s, &["roster", "import", "--branch", "b1"], &file, &["--sheet", "教工支部"]).json();
    assert_eq!(diff["added"][0]["id"], "m03", "{diff}");

    // A CSV file has no sheets: `--sheet` is refused, saying what to do instead.
    let csv = s.write("组织生活.csv", "党员编号,日期,出席情况\nm01,2026-10-15,出席\n");
    run_on(&s, &["life", "import"], &csv, &["--sheet", "十月"]).fails().stderr_contains("CSV 文件，没有工作表").stderr_contains("去掉 `--sheet`");
}

// ---- deeds (§3.2): the paper certificates of a branch ---------------------------------------

/// Branch `b1` with 𠮷田 (m01), 王䶮 (m02) and 党员m03, its quarter open at
/// registration.
fn registering() -> Shine {
    let s = Shine::new();
    s.branch("b1", &[m("m01").name("𠮷田"), m("m02").name("王䶮"), m("m03")]);
    s.open("b1");
    s
}

const DEEDS: [&str; 6] = ["党员编号", "姓名", "类别", "形式", "日期", "内容"];

/// The quarter's events: how many, and the deeds of the last.
fn deed_events(s: &Shine) -> (usize, usize) {
    let engine = s.engine();
    let events = engine.quarter_events(Some(engine.current()), "b1", None).expect("events");
    let last = events.last().map_or(0, |e| e.actions.iter().filter(|a| matches!(a, Action::DeedRegistered { .. })).count());
    (events.len(), last)
}

fn certificate_texts(s: &Shine, member: &str) -> Vec<String> {
    let c = s.args(["member", "certificate", "--member", member]).json();
    let deeds = c["quarters"][0]["register"]["deeds"].as_array().cloned().unwrap_or_default();
    deeds.iter().map(|d| d["text"].as_str().unwrap_or_default().to_owned()).collect()
}

#[test]
fn s3_2_deeds_from_a_workbook_are_checked_whole_then_registered_in_one_commit_rare_characters_intact() {
    let s = registering();
    let rows = vec![
        texts(&DEEDS),
        vec![Cell::Text("m01"), Cell::Text(""), Cell::Text("带头服务群众"), Cell::Text(""), Cell::Date(2026, 10, 20), Cell::Text("为𬭎姓独居老人维修家电")],
        // By name alone, unique in the branch; the form by its label.
        texts(&["", "王䶮", "带头学习提高", "承担的重要任务", "2026-11-02", "完成党史学习"]),
        // Id and name both, agreeing.
        texts(&["m03", "党员m03", "带头争创佳绩", "说过的话", "2026/11/05", "牵头完成专业认证自评报告"]),
    ];
    let file = workbook(&s, "闪光言行.xlsx", "闪光言行", &rows);
    let before = deed_events(&s).0;

    // Without --apply: what would be registered, and nothing written.
    let preview = run_on(&s, &["deed", "import", "--branch", "b1"], &file, &[]).json();
    assert_eq!((preview["applied"].as_bool(), preview["new"].as_array().map(Vec::len)), (Some(false), Some(3)), "{preview}");
    assert_eq!(deed_events(&s).0, before, "a preview writes nothing");

    // With --apply (the branch found from the first row's member): one commit.
    let done = run_on(&s, &["deed", "import"], &file, &["--apply"]).json();
    assert_eq!(done["applied"], true, "{done}");
    assert_eq!(done["new"][0]["deed"]["text"].as_str(), Some("为𬭎姓独居老人维修家电"), "byte-identical: {done}");
    assert_eq!(done["new"][1]["member"]["name"].as_str(), Some("王䶮"));
    assert_eq!(done["new"][1]["deed"]["form"], "重要任务", "the form as the rules name it");
    assert_eq!(done["new"][2]["row"], 4, "rows are the file's lines");
    assert_eq!(deed_events(&s), (before + 1, 3), "the three deeds in one event of the quarter's log");
    assert_eq!(certificate_texts(&s, "m01"), ["为𬭎姓独居老人维修家电"]);

    // The same file again registers nothing: every row is a deed already registered.
    let again = run_on(&s, &["deed", "import"], &file, &["--apply"]).json();
    assert_eq!((again["new"].as_array().map(Vec::len), again["repeated"].clone()), (Some(0), serde_json::json!([2, 3, 4])), "{again}");
    assert_eq!(deed_events(&s).0, before + 1);
}

#[test]
fn s3_2_deeds_from_a_gbk_csv_keep_rare_characters_byte_identical() {
    let s = registering();
    let csv = "党员编号,姓名,类别,日期,内容\nm01,𠮷田,带头服务群众,2026-10-20,帮扶䶮姓学生\n,王䶮,带头弘扬正气,2026-11-03,制止𬭎姓同学的不文明行为\n";
    let file = gbk_file(&s, "闪光言行.csv", csv);
    let done = run_on(&s, &["deed", "import", "--branch", "b1"], &file, &["--apply"]).json();
    let texts: Vec<&str> = done["new"].as_array().expect("new").iter().filter_map(|d| d["deed"]["text"].as_str()).collect();
    assert_eq!(texts, ["帮扶䶮姓学生", "制止𬭎姓同学的不文明行为"], "{done}");
    assert_eq!(done["new"][0]["member"]["name"].as_str(), Some("𠮷田"));
    assert_eq!(certificate_texts(&s, "王䶮"), ["制止𬭎姓同学的不文明行为"]);
}

#[test]
fn s3_2_a_deed_row_the_engine_refuses_is_named_by_sheet_row_and_column_and_nothing_is_registered() {
    let s = registering();
    let rows = vec![
        texts(&DEEDS),
        texts(&["m01", "", "带头服务群众", "", "2026-10-20", "为独居老人维修家电"]),
        texts(&["m02", "", "带头学习提高", "", "2026-11-02", "完成党史学习"]),
        texts(&["m09", "", "带头学习提高", "", "2026-11-02", "不在本支部的党员"]),
        texts(&["m03", "", "带头跑步", "", "2026-11-02", "不是五带头之一"]),
        texts(&["m03", "", "带头学习提高", "", "2026-12-20", "晚于今天"]),
        texts(&["m03", "王䶮", "带头学习提高", "", "2026-11-02", "编号与姓名不符"]),
    ];
    let file = workbook(&s, "闪光言行.xlsx", "登记证", &rows);
    let before = deed_events(&s).0;
    let run = run_on(&s, &["deed", "import", "--branch", "b1"], &file, &["--apply"]).fails();
    run.stderr_contains("有 4 处问题").stderr_contains("未导入任何一行");
    run.stderr_contains("工作表「登记证」第 4 行 A 列「党员编号」").stderr_contains("m09");
    run.stderr_contains("工作表「登记证」第 5 行 C 列「类别」").stderr_contains("带头跑步");
    run.stderr_contains("工作表「登记证」第 6 行 E 列「日期」").stderr_contains("晚于今天");
    run.stderr_contains("工作表「登记证」第 7 行 B 列「姓名」").stderr_contains("不是「王䶮」");
    assert_eq!(deed_events(&s).0, before, "nothing written");
    assert!(certificate_texts(&s, "m01").is_empty(), "the good rows are not registered either");

    // A cell the reader refuses stops the file before the engine sees it.
    let rows = vec![texts(&DEEDS), texts(&["m01", "", "带头服务群众", "", "下周三", "日期写错"])];
    let file = workbook(&s, "闪光言行2.xlsx", "登记证", &rows);
    run_on(&s, &["deed", "import", "--branch", "b1"], &file, &["--apply"]).fails().stderr_contains("工作表「登记证」第 2 行 E 列「日期」");
}

#[test]
fn s3_2_deeds_are_imported_only_while_and_by_whom_the_quarter_takes_deeds() {
    let s = registering();
    let csv = s.write("闪光言行.csv", "党员编号,类别,日期,内容\nm01,带头服务群众,2026-10-20,为独居老人维修家电\n");
    // A role the registering step does not allow.
    run_on(&s, &["deed", "import", "--branch", "b1"], &csv, &["--apply"]).role("general_branch").fails().stderr_contains("党总支");
    // Past registration, deeds are no longer taken: the whole file is refused.
    s.advance("b1");
    run_on(&s, &["deed", "import", "--branch", "b1"], &csv, &["--apply"]).fails().stderr_contains("此时不能登记");
    assert!(certificate_texts(&s, "m01").is_empty());
}

// ---- findings (§3.4.x1–x7) --------------------------------------------------------------------

const FINDINGS: [&str; 7] = ["党员编号", "姓名", "条款", "日期", "事实", "正在调查", "处分期截止"];

#[test]
fn s3_4_x3_findings_from_a_workbook_and_a_gbk_csv_are_recorded_as_finding_add_records_them() {
    let s = registering();
    let rows = vec![
        texts(&FINDINGS),
        vec![Cell::Text("m01"), Cell::Text(""), Cell::Text("x3"), Cell::Date(2026, 6, 1), Cell::Text("受党内警告处分，𠮷字第3号"), Cell::Text("否"), Cell::Date(2027, 6, 1)],
    ];
    let file = workbook(&s, "违规情形.xlsx", "违规情形", &rows);
    let preview = run_on(&s, &["finding", "import"], &file, &[]).json();
    assert_eq!(preview["applied"], false);
    assert!(!s.exclusions("m01").contains(&"x3".to_owned()), "a preview records nothing");
    let done = run_on(&s, &["finding", "import"], &file, &["--apply"]).json();
    assert_eq!(done["new"][0]["finding"]["evidence"].as_str(), Some("受党内警告处分，𠮷字第3号"), "{done}");
    assert!(s.exclusions("m01").contains(&"x3".to_owned()), "{:?}", s.exclusions("m01"));

    let csv = "姓名,条款,日期,事实\n王䶮,x6,2026-11-01,值班期间擅离岗位造成𬭎类设备损坏\n";
    let done = run_on(&s, &["finding", "import"], &gbk_file(&s, "违规情形.csv", csv), &["--apply"]).json();
    assert_eq!(done["new"][0]["finding"]["evidence"].as_str(), Some("值班期间擅离岗位造成𬭎类设备损坏"), "{done}");
    assert_eq!(done["new"][0]["member"]["id"], "m02");
    assert!(s.exclusions("m02").contains(&"x6".to_owned()), "{:?}", s.exclusions("m02"));
}

#[test]
fn s3_4_x1_a_findings_row_the_engine_refuses_is_named_and_nothing_is_recorded() {
    let s = registering();
    let rows = vec![
        texts(&FINDINGS),
        texts(&["m01", "", "x1", "2026-09-01", "拒不执行支部决议"]),
        // x3 counts only while open or within its period: this one never would.
        texts(&["m02", "", "x3", "2026-06-01", "受处分"]),
        // x8 reads organizational life, not findings.
        texts(&["m03", "", "x8", "2026-06-01", "缺席"]),
        // The same member, clause and date as row 2, told otherwise.
        texts(&["m01", "", "x1", "2026-09-01", "另一种说法"]),
    ];
    let file = workbook(&s, "违规情形.xlsx", "违规情形", &rows);
    let run = run_on(&s, &["finding", "import"], &file, &["--apply"]).fails();
    run.stderr_contains("工作表「违规情形」第 3 行 C 列「条款」").stderr_contains("第 4 行 C 列「条款」");
    run.stderr_contains("工作表「违规情形」第 5 行").stderr_contains("与第 2 行记的是同一项");
    assert!(!s.exclusions("m01").contains(&"x1".to_owned()), "row 2 is not recorded either");
}

// ---- units of the tree (§4.1) ---------------------------------------------------------------

fn unit_ids(s: &Shine) -> Vec<String> {
    let list = s.args(["org", "list"]).json();
    list.as_array().expect("units").iter().map(|u| u["id"].as_str().unwrap_or_default().to_owned()).collect()
}

#[test]
fn s4_1_units_from_a_workbook_are_added_parents_first_whatever_the_row_order() {
    let s = Shine::new();
    let rows = vec![
        texts(&["编号", "名称", "类别", "上级"]),
        texts(&["jx-jg", "机械学院教工党支部", "党支部", "jx"]),
        texts(&["jx", "机械学院党总支", "党总支", "dw"]),
        texts(&["dw", "示例大学党委", "校党委", ""]),
        texts(&["zs", "直属党支部", "direct_branch", "dw"]),
    ];
    let file = workbook(&s, "组织.xlsx", "组织", &rows);
    run_on(&s, &["org", "import"], &file, &[]).ok();
    assert!(unit_ids(&s).is_empty(), "a preview adds nothing");
    let done = run_on(&s, &["org", "import"], &file, &["--apply"]).json();
    let added: Vec<&str> = done["new"].as_array().expect("new").iter().filter_map(|n| n["id"].as_str()).collect();
    assert_eq!(added, ["dw", "zs", "jx", "jx-jg"], "each after its parent: {done}");
    assert_eq!(unit_ids(&s), ["dw", "zs", "jx", "jx-jg"]);
    assert_eq!(done["new"][3]["kind"], "branch", "the kind by its title");
    // The branch imported so takes a roster as one added by `org add` does.
    run_on(&s, &["roster", "import", "--branch", "jx-jg"], &s.write("r.csv", &crate::support::roster_csv(&[m("m01")])), &[]).ok();

    let csv = "编号,名称,类别,上级\njx-xs,𠮷䶮𬭎学生党支部,党支部,jx\n";
    let done = run_on(&s, &["org", "import"], &gbk_file(&s, "组织.csv", csv), &["--apply"]).json();
    assert_eq!(done["new"][0]["name"].as_str(), Some("𠮷䶮𬭎学生党支部"), "byte-identical: {done}");
}

#[test]
fn s4_1_a_unit_row_naming_an_unknown_parent_is_named_and_no_unit_is_added() {
    let s = Shine::new();
    let rows = vec![
        texts(&["编号", "名称", "类别", "上级"]),
        texts(&["dw", "示例大学党委", "校党委", ""]),
        texts(&["jx", "机械学院党总支", "党总支", "dw"]),
        texts(&["jx-jg", "机械学院教工党支部", "党支部", "jxx"]),
        texts(&["jx-xs", "机械学院学生党支部", "党支所", "jx"]),
    ];
    let file = workbook(&s, "组织.xlsx", "组织", &rows);
    let run = run_on(&s, &["org", "import"], &file, &["--apply"]).fails();
    run.stderr_contains("工作表「组织」第 4 行 D 列「上级」").stderr_contains("jxx");
    run.stderr_contains("工作表「组织」第 5 行 C 列「类别」").stderr_contains("党支所");
    assert!(unit_ids(&s).is_empty(), "nothing added");
}
