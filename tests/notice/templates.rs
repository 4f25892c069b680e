//! `shine template`: the file each import expects (§3.4 the roster, §3.4.x8
//! organizational life, §3.2 deeds, §3.4.x1–x7 findings, §4.1 units of the tree).
//! Row 1 is the import's header, bold and frozen; a column whose cells take a closed
//! set of values has a drop-down list of them, read from the rule and workflow files
//! in force (so an edited enum is offered at once); a sheet 「填写说明」 says what to
//! write. A template filled in imports as it is. The tests open the workbook as the
//! zip it is and read its XML.

use crate::spreadsheet::{workbook, Cell};
use crate::support::{m, Shine};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// `shine template <import> --out <name>` in the world's directory.
fn template(s: &Shine, import: &str, name: &str) -> PathBuf {
    let out = s.dir().join(name);
    s.args(["template", import, "--out", &out.display().to_string()]).ok();
    out
}

/// An entry of the workbook, as text.
fn entry(book: &Path, name: &str) -> String {
    let file = std::fs::File::open(book).expect("open the template");
    let mut zip = zip::ZipArchive::new(file).expect("a workbook is a zip");
    let mut text = String::new();
    zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}")).read_to_string(&mut text).expect("read the entry");
    text
}

/// The text between `open` (to the end of its tag) and `close`, for each place `open` starts.
fn elements<'a>(xml: &'a str, open: &str, close: &str) -> Vec<(&'a str, &'a str)> {
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find(open) {
        let tail = &rest[at..];
        let Some(tag_end) = tail.find('>') else { break };
        let Some(end) = tail.find(close) else { break };
        found.push((&tail[..tag_end], &tail[tag_end + 1..end]));
        rest = &tail[end + close.len()..];
    }
    found
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// Each drop-down list of the first sheet: its column letter and its values (inline,
/// or the formula of a range elsewhere).
fn drop_downs(book: &Path) -> BTreeMap<String, Vec<String>> {
    let sheet = entry(book, "xl/worksheets/sheet1.xml");
    elements(&sheet, "<dataValidation ", "</dataValidation>")
        .into_iter()
        .map(|(tag, body)| {
            assert_eq!(attribute(tag, "type"), Some("list"), "{tag}");
            let sqref = attribute(tag, "sqref").expect("sqref");
            let column: String = sqref.chars().take_while(char::is_ascii_uppercase).collect();
            assert_eq!(sqref, format!("{column}2:{column}1048576"), "every row under the header");
            let formula = &elements(body, "<formula1", "</formula1>")[0].1;
            let values = match formula.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
                Some(inline) => inline.split(',').map(str::to_owned).collect(),
                None => vec![formula.to_string()],
            };
            (column, values)
        })
        .collect()
}

/// Row 1 of the first sheet, each cell through the shared strings.
fn header(book: &Path) -> Vec<String> {
    let strings: Vec<String> =
        elements(&entry(book, "xl/sharedStrings.xml"), "<si>", "</si>").iter().map(|(_, si)| elements(si, "<t", "</t>")[0].1.to_owned()).collect();
    let sheet = entry(book, "xl/worksheets/sheet1.xml");
    let row = elements(&sheet, "<row r=\"1\"", "</row>")[0].1;
    elements(row, "<c ", "</c>").iter().map(|(_, c)| strings[elements(c, "<v", "</v>")[0].1.parse::<usize>().expect("an index")].clone()).collect()
}

/// A workbook under the template's own header, with `rows` below it.
fn filled(s: &Shine, book: &Path, rows: &[&[&'static str]]) -> PathBuf {
    let mut all = vec![header(book).into_iter().map(Cell::Owned).collect::<Vec<_>>()];
    all.extend(rows.iter().map(|r| r.iter().map(|t| Cell::Text(t)).collect()));
    workbook(s, "填好的.xlsx", "Sheet1", &all)
}

fn import<'a>(s: &'a Shine, words: &[&str], file: &Path) -> crate::support::Cmd<'a> {
    let mut args: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    args.push(file.display().to_string());
    s.args(args)
}

fn list(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

#[test]
fn s3_4_roster_template_has_the_header_bold_and_frozen_and_the_rules_values_as_drop_downs() {
    // An identity the university adds to the rules is offered at once.
    // A new identity also says how the Annex form prints it (the rules' `annex` items).
    let s = Shine::new().rules_edit("facts.shine", |t| {
        t.replace("enum identity \"党员身份\" { 教师,", "enum identity \"党员身份\" { 博士后, 教师,").replace("annex identity 机关, 后勤 as 教师", "annex identity 博士后, 机关, 后勤 as 教师")
    });
    let book = template(&s, "roster", "名单.xlsx");
    assert_eq!(header(&book), ["姓名", "党员编号", "身份", "职务", "类别", "流动党员", "最近报到"]);
    let lists = drop_downs(&book);
    assert_eq!(lists["C"], list(&["博士后", "教师", "学生", "离退休同志", "机关", "后勤"]), "identities from rules/facts.shine");
    assert_eq!(lists["D"], list(&["支部书记", "支委", "领导干部", "普通党员"]), "roles by their labels");
    assert_eq!(lists["E"], list(&["正式", "预备"]));
    assert_eq!(lists["F"], list(&["是", "否"]));
    assert_eq!(lists.len(), 4, "no list on free text: {lists:?}");
    let sheet = entry(&book, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("ySplit=\"1\"") && sheet.contains("state=\"frozen\""), "row 1 frozen");
    assert!(entry(&book, "xl/styles.xml").contains("<b/>"), "the header bold");
    let names = entry(&book, "xl/workbook.xml");
    assert!(names.contains("name=\"名单\"") && names.contains("name=\"填写说明\""), "{names}");

    // Filled in with values from the lists, it imports.
    s.args(["org", "add", "--id", "c", "--name", "测试大学党委", "--kind", "committee"]).ok();
    s.args(["org", "add", "--id", "g", "--name", "测试学院党总支", "--kind", "general_branch", "--parent", "c"]).ok();
    s.args(["org", "add", "--id", "b1", "--name", "测试党支部", "--kind", "branch", "--parent", "g"]).ok();
    let file = filled(&s, &book, &[&["张三", "m01", "博士后", "支部书记", "正式", "否", ""], &["李四", "m02", "学生", "普通党员", "预备", "是", "2026-10-15"]]);
    let diff = import(&s, &["roster", "import", "--branch", "b1"], &file).json();
    assert_eq!(diff["added"][0]["identity"], "博士后", "{diff}");
}

#[test]
fn s3_4_x8_life_template_offers_the_attendance_and_the_kinds_of_session_and_imports_filled_in() {
    let s = Shine::new();
    s.branch("b1", &[m("m01"), m("m02")]);
    let book = template(&s, "life", "组织生活.xlsx");
    assert_eq!(header(&book), ["党员编号", "日期", "出席情况", "备注", "形式"]);
    let lists = drop_downs(&book);
    assert_eq!(lists["C"], list(&["出席", "请假", "无故缺席"]));
    assert_eq!(lists["E"], list(&["支部党员大会", "支委会", "党小组会", "党课", "主题党日", "专题组织生活会"]));
    let file = filled(&s, &book, &[&["m01", "2026-10-15", "出席", "", "党课"], &["m02", "2026-10-15", "请假", "出差", "党课"]]);
    let done = import(&s, &["life", "import"], &file).ok();
    assert!(done.contains("新增 2 条"), "{done}");
}

#[test]
fn s3_2_deeds_template_offers_the_five_kinds_and_the_forms_and_imports_filled_in() {
    let s = Shine::new();
    s.branch("b1", &[m("m01"), m("m02")]);
    s.open("b1");
    let book = template(&s, "deeds", "闪光言行.xlsx");
    assert_eq!(header(&book), ["党员编号", "姓名", "类别", "形式", "日期", "内容"]);
    let lists = drop_downs(&book);
    assert_eq!(lists["C"], list(&["带头学习提高", "带头争创佳绩", "带头服务群众", "带头遵纪守法", "带头弘扬正气"]));
    assert_eq!(lists["D"], list(&["说过的话", "做过的事", "创新的工作举措", "承担的重要任务"]));
    assert_eq!(lists.len(), 2);
    let file = filled(&s, &book, &[&["m01", "", "带头服务群众", "创新的工作举措", "2026-10-20", "牵头建立帮扶台帐"], &["", "党员m02", "带头学习提高", "", "2026-11-02", "完成党史学习"]]);
    let done = import(&s, &["deed", "import", "--branch", "b1", "--apply"], &file).json();
    assert_eq!(done["new"].as_array().map(Vec::len), Some(2), "{done}");
}

#[test]
fn s3_4_x1_findings_template_offers_the_rules_that_take_findings_and_imports_filled_in() {
    let s = Shine::new();
    s.branch("b1", &[m("m01")]);
    let book = template(&s, "findings", "违规情形.xlsx");
    assert_eq!(header(&book), ["党员编号", "姓名", "条款", "日期", "事实", "正在调查", "处分期截止"]);
    let lists = drop_downs(&book);
    assert_eq!(lists["C"], list(&["x1", "x2", "x3", "x4", "x5", "x6", "x7"]), "x8 and x9 read other facts");
    assert_eq!(lists["F"], list(&["是", "否"]));
    let file = filled(&s, &book, &[&["m01", "", "x3", "2026-06-01", "正在接受纪律审查", "是", ""]]);
    let done = import(&s, &["finding", "import", "--apply"], &file).json();
    assert_eq!(done["new"][0]["finding"]["open"], true, "{done}");
}

#[test]
fn s4_1_org_template_offers_the_kinds_of_unit_of_escalation_ron_and_imports_filled_in() {
    let s = Shine::new().escalation_edit(|t| t.replace("title: \"党总支\", parents", "title: \"院系党总支\", parents"));
    let book = template(&s, "org", "组织.xlsx");
    assert_eq!(header(&book), ["编号", "名称", "类别", "上级"]);
    assert_eq!(drop_downs(&book)["C"], list(&["校党委", "院系党总支", "直属党支部", "党支部"]));
    let file = filled(&s, &book, &[&["jx", "机械学院党总支", "院系党总支", "dw"], &["dw", "示例大学党委", "校党委", ""]]);
    let done = import(&s, &["org", "import", "--apply"], &file).json();
    assert_eq!(done["new"][1]["kind"], "general_branch", "{done}");
}

#[test]
fn s3_4_a_csv_template_is_the_header_alone_and_other_files_are_refused() {
    let s = Shine::new();
    let csv = template(&s, "roster", "名单.csv");
    assert_eq!(std::fs::read(&csv).expect("read"), "\u{feff}姓名,党员编号,身份,职务,类别,流动党员,最近报到\r\n".as_bytes(), "UTF-8 with a BOM");

    let other = s.dir().join("名单.txt");
    s.args(["template", "roster", "--out", &other.display().to_string()]).fails().stderr_contains("应为 .xlsx 或 .csv");
    assert!(!other.exists());

    // An existing file is kept unless --force.
    let out = csv.display().to_string();
    std::fs::write(&csv, "已有的内容").expect("write");
    s.args(["template", "roster", "--out", &out]).fails().stderr_contains("已存在").stderr_contains("--force");
    assert_eq!(std::fs::read_to_string(&csv).expect("read"), "已有的内容");
    s.args(["template", "deeds", "--out", &out, "--force"]).ok();
    assert!(std::fs::read_to_string(&csv).expect("read").contains("党员编号,姓名,类别"));
}

#[test]
fn s3_4_a_list_too_long_for_excel_to_keep_inline_is_offered_from_a_hidden_sheet() {
    // Excel keeps a list of at most 255 characters inline: 30 long identities are more.
    let extra: Vec<String> = (1..=30).map(|i| format!("援派挂职交流人员第{i:02}批")).collect();
    let s = Shine::new().rules_edit("facts.shine", |t| {
        t.replace("{ 教师, 学生, 离退休同志, 机关, 后勤 }", &format!("{{ 教师, 学生, 离退休同志, 机关, 后勤, {} }}", extra.join(", ")))
            .replace("annex identity 机关, 后勤 as 教师", &format!("annex identity 机关, 后勤, {} as 教师", extra.join(", ")))
    });
    let book = template(&s, "roster", "名单.xlsx");
    assert_eq!(drop_downs(&book)["C"], list(&["'可选值'!$A$1:$A$35"]));
    let names = entry(&book, "xl/workbook.xml");
    assert!(names.contains("name=\"可选值\"") && names.contains("state=\"hidden\""), "{names}");
    let strings = entry(&book, "xl/sharedStrings.xml");
    assert!(extra.iter().all(|e| strings.contains(e.as_str())), "the hidden sheet holds every identity");
    assert_eq!(drop_downs(&book)["D"].len(), 4, "short lists stay inline");
}
