//! What the Party office files and prints (§3.2 登记证, §3.4 台帐, the Annex 登记表,
//! §4.2.b 备案, §4.2.c): `shine export … --out F` writes an Excel/WPS workbook for
//! `.xlsx` and a print-ready A4 page for `.html`. Each workbook is opened and its cells
//! read back (calamine); each printed page is printed to PDF by headless Chromium and
//! turned into PNG pages by pdftoppm, kept under `target/browser-artifacts/forms/`.
//! Names with rare characters (𠮷 䶮 𬭎), imported from a GBK (GB18030) CSV roster, come
//! out byte for byte.

use crate::support::{m, Shine, M};
use crate::webdriver::artifacts;
use calamine::{open_workbook_auto, Data, Reader};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The roster: three members named with characters outside the BMP or rare in GBK.
fn roster() -> Vec<M> {
    let mut list: Vec<M> = (1..=7).map(|i| m(&format!("m{i:02}"))).collect();
    list[0].name = "郭𠮷".into();
    list[1].name = "龚䶮".into();
    list[2].name = "李𬭎".into();
    // 机关 and 后勤 are not among the Annex form's three identities.
    list[0].identity = "机关".into();
    list[3].identity = "学生".into();
    list[4].identity = "后勤".into();
    list[5].role = "committee".into();
    list
}

/// The committee `c`, general branch `g`, branch `b1`, its roster imported from a CSV
/// saved as Chinese Excel and WPS save it (GB18030, which GBK readers share).
fn world() -> Shine {
    let s = Shine::new();
    s.args(["org", "add", "--id", "c", "--name", "测试大学党委", "--kind", "committee"]).ok();
    s.args(["org", "add", "--id", "g", "--name", "测试学院党总支", "--kind", "general", "--parent", "c"]).ok();
    s.args(["org", "add", "--id", "b1", "--name", "测试党支部b1", "--kind", "branch", "--parent", "g"]).ok();
    let csv = crate::support::roster_csv(&roster());
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&csv);
    assert!(!unmappable);
    let path = s.dir().join("名单-gbk.csv");
    std::fs::write(&path, &bytes).expect("write roster");
    s.args([OsStr::new("roster"), OsStr::new("import"), OsStr::new("--branch"), OsStr::new("b1"), path.as_os_str()]).ok();
    s
}

/// `world` with the quarter run to its end: m07 is under discipline (§3.4.x3), the
/// others vote; 郭𠮷 and 龚䶮 are starred and the result is filed with `g`.
fn quarter_done() -> Shine {
    let s = world();
    s.args(["finding", "add", "--member", "m07", "--clause", "x3", "--date", "2026-10-05", "--evidence", "党委会议纪要", "--until", "2027-03-31"]).ok();
    s.open("b1");
    s.all_to_voting("b1", &roster());
    for choice in [["m01"], ["m01"], ["m02"], ["m01"], ["m03"], ["m02"], ["m01"]] {
        s.vote("b1", &choice);
    }
    assert_eq!(s.advance("b1")["to"]["id"], "tallied");
    assert_eq!(s.advance("b1")["to"]["id"], "reported");
    s
}

/// Run `shine export …` writing `file` in the world's directory; returns its path.
fn export(s: &Shine, args: &[&str], file: &str) -> PathBuf {
    let path = s.dir().join(file);
    let mut all: Vec<&OsStr> = vec![OsStr::new("export")];
    all.extend(args.iter().map(OsStr::new));
    all.extend([OsStr::new("--out"), path.as_os_str()]);
    s.args(all).ok();
    assert!(path.is_file(), "{} not written", path.display());
    path
}

/// Every sheet of a workbook: its name and its cells as text, row by row.
fn sheets(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let mut book = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let names = book.sheet_names().to_vec();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("sheet");
            let rows = range
                .rows()
                .map(|r| {
                    r.iter()
                        .map(|c| match c {
                            Data::Empty => String::new(),
                            Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                            Data::DateTime(d) => d.as_datetime().map(|t| t.date().to_string()).unwrap_or_default(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .collect();
            (name, rows)
        })
        .collect()
}

/// The row whose first non-empty cells are `start`, with what follows.
fn row_starting<'a>(rows: &'a [Vec<String>], start: &[&str]) -> &'a [String] {
    rows.iter()
        .find(|r| r.len() >= start.len() && r.iter().zip(start).all(|(c, s)| c == s))
        .unwrap_or_else(|| panic!("no row starting {start:?} in {rows:#?}"))
}

/// Print `html` to PDF in headless Chromium, then to PNG pages with pdftoppm, kept as
/// `target/browser-artifacts/forms/<name>-N.png`; returns the pages (none when
/// `SHINE_SKIP_BROWSER=1`).
fn printed(html: &Path, name: &str) -> Vec<PathBuf> {
    let Some((chromium, pdftoppm)) = printers() else { return Vec::new() };
    let dir = artifacts().join("forms");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    let pdf = dir.join(format!("{name}.pdf"));
    let _ = std::fs::remove_file(&pdf);
    let profile = html.with_extension("chromium-profile");
    let mut child = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--no-first-run"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(90) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    // Chromium leaves helper processes in its group: end them all, whatever happened.
    let _ = Command::new("kill").arg("-KILL").arg("--").arg(format!("-{}", child.id())).stderr(Stdio::null()).status();
    let _ = child.wait();
    assert!(status.is_some_and(|s| s.success()), "chromium did not print {}", html.display());
    let pdf_bytes = std::fs::read(&pdf).expect("the PDF");
    assert!(pdf_bytes.starts_with(b"%PDF"), "{} is not a PDF", pdf.display());
    for old in std::fs::read_dir(&dir).expect("artifacts").flatten() {
        let file = old.file_name().to_string_lossy().into_owned();
        if file.starts_with(&format!("{name}-")) && file.ends_with(".png") {
            let _ = std::fs::remove_file(old.path());
        }
    }
    let prefix = dir.join(name);
    let out = Command::new(pdftoppm).args(["-png", "-r", "50"]).arg(&pdf).arg(&prefix).output().expect("run pdftoppm");
    assert!(out.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&out.stderr));
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("artifacts")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|f| f.to_string_lossy().starts_with(&format!("{name}-"))) && p.extension() == Some(OsStr::new("png")))
        .collect();
    pages.sort();
    assert!(!pages.is_empty(), "pdftoppm made no page of {}", pdf.display());
    for p in &pages {
        assert!(std::fs::metadata(p).expect("png").len() > 1000, "{} is empty", p.display());
    }
    pages
}

/// Chromium and pdftoppm, installed when missing; `None` when `SHINE_SKIP_BROWSER=1`.
fn printers() -> Option<(PathBuf, PathBuf)> {
    let [chromium, pdftoppm] = crate::webdriver::installed(["/usr/bin/chromium", "/usr/bin/pdftoppm"])?;
    Some((chromium, pdftoppm))
}

/// The printed page's text, tags dropped (what a reader of the page sees).
fn page_text(path: &Path) -> String {
    let html = std::fs::read_to_string(path).expect("html");
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[test]
fn s3_2_certificate_exports_as_workbook_and_as_a4_page_with_deeds_comment_and_result() {
    let s = quarter_done();
    let book = export(&s, &["certificate", "--member", "m01"], "登记证.xlsx");
    let sheets = sheets(&book);
    assert_eq!(sheets.len(), 1, "one quarter, one sheet");
    let rows = &sheets[0].1;
    assert_eq!(rows[0][0], "党员“闪光言行”登记证");
    assert!(rows.iter().any(|r| r[0] == "姓名：郭𠮷　　编号：m01"), "{rows:#?}");
    let header = row_starting(rows, &["序号", "日期", "类别", "形式", "内容"]);
    assert_eq!(header.len(), 5);
    let deed = row_starting(rows, &["1", "2026-11-02", "带头服务群众"]);
    assert_eq!(deed[4], "郭𠮷的事迹");
    assert!(rows.iter().any(|r| r[0].starts_with("立足岗位，表现突出（点评确认：")), "{rows:#?}");
    assert!(rows.iter().any(|r| r[0] == "本季度：当选“闪光言行之星”"), "{rows:#?}");

    let page = export(&s, &["certificate", "--member", "m01"], "登记证.html");
    let text = page_text(&page);
    assert!(text.contains("郭𠮷") && text.contains("当选“闪光言行之星”") && text.contains("党支部书记（签字）"), "{text}");
    printed(&page, "certificate");
}

#[test]
fn s3_4_ledger_exports_meeting_record_rounds_exclusions_and_stars_byte_for_byte() {
    let s = quarter_done();
    let book = export(&s, &["ledger", "--branch", "b1", "--quarter", "2026Q4"], "台帐.xlsx");
    let sheets = sheets(&book);
    let rows = &sheets[0].1;
    assert_eq!(sheets[0].0, "2026Q4");
    // Attendance by name and status, three to a row; the rare names exactly as imported.
    let attendance = row_starting(rows, &["序号", "党员", "出席情况", "序号"]);
    assert_eq!(attendance.len(), 9);
    let first = row_starting(rows, &["1", "郭𠮷", "出席", "2", "龚䶮", "出席", "3", "李𬭎", "出席"]);
    assert_eq!(first.len(), 9);
    // The exclusion with its clause.
    let excluded = row_starting(rows, &["党员m07", "§3.4.x3"]);
    assert!(excluded[2].contains("正在接受调查或还在处分期内"), "{excluded:?}");
    // The round's figures and ranking, votes as numbers.
    assert!(rows.iter().any(|r| r[0].starts_with("第 1 轮：电子投票码，名额 1 名；发出 7 张，收回 7 张")), "{rows:#?}");
    let top = row_starting(rows, &["1", "郭𠮷", "4"]);
    assert_eq!(top[5], "当选");
    assert!(rows.iter().any(|r| r[0] == "当选“闪光言行之星”：郭𠮷"), "{rows:#?}");

    let page = export(&s, &["ledger", "--branch", "b1", "--year", "2026"], "台帐.html");
    let text = page_text(&page);
    for q in ["2026Q1", "2026Q2", "2026Q3"] {
        assert!(text.contains(&format!("季度：{q}")), "a year's ledger names {q}, not opened");
    }
    assert!(text.contains("本季度尚未开启评选") && text.contains("𬭎"), "{text}");
    printed(&page, "ledger");
}

#[test]
fn exports_refuse_an_unknown_format_and_keep_an_existing_file() {
    let s = quarter_done();
    let run = s.args(["export", "certificate", "--member", "m01", "--out", "登记证.pdf"]).fails();
    assert!(run.stderr.contains("以 .xlsx 结尾导出 Excel/WPS 表格"), "{}", run.stderr);
    let kept = s.write("登记证.xlsx", "我的修改");
    let run = s.args(["export", "certificate", "--member", "m01", "--out", "登记证.xlsx"]).fails();
    assert!(run.stderr.contains("已经存在") && run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&kept).expect("kept"), "我的修改");
    s.args(["export", "certificate", "--member", "m01", "--force", "--out", "登记证.xlsx"]).ok();
    assert!(std::fs::read(&kept).expect("written").starts_with(b"PK"), "an xlsx is a zip");
}

/// Accounts on `quarter_done`'s world: the member 郭𠮷 (m01), the secretary of b1, the
/// general branch g and the Organization Department (c); their passwords by login.
fn accounts(s: &Shine) -> std::collections::BTreeMap<&'static str, String> {
    let mut passwords = std::collections::BTreeMap::new();
    for (login, role, unit, member) in [
        ("mem", "member", "b1", Some("m01")),
        ("sec", "branch_secretary", "b1", None),
        ("gb", "general_branch", "g", None),
        ("od", "organization_department", "c", None),
    ] {
        let mut args = vec!["user", "add", "--login", login, "--name", login, "--role", role, "--unit", unit];
        if let Some(member) = member {
            args.extend(["--member", member]);
        }
        passwords.insert(login, s.args(args).json()["password"].as_str().expect("password").to_owned());
    }
    passwords
}

#[test]
fn s4_1_every_export_is_a_download_for_the_roles_that_may_see_it() {
    let s = quarter_done();
    let passwords = accounts(&s);
    let server = crate::support::Served::start(&s);
    let mut member = crate::web::Browser::new(&server);
    assert_eq!(member.sign_in("mem", &passwords["mem"]).status, 303);
    let page = member.get("/work/downloads");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"download-certificate\"") && page.body.contains("id=\"download-appraisal\""), "{}", page.body);
    assert!(!page.body.contains("id=\"download-ledger\""), "a member has no ledger to download");

    // My certificate as a workbook: the account's member, whatever the query names.
    let (status, kind, disposition, bytes) = member.download("/work/download?form=certificate&format=xlsx&member=m02");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert!(kind.starts_with("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), "{kind}");
    assert!(disposition.starts_with("attachment;") && disposition.contains("filename*=UTF-8''"), "{disposition}");
    let file = s.dir().join("下载的登记证.xlsx");
    std::fs::write(&file, &bytes).expect("save");
    let rows = &sheets(&file)[0].1;
    assert!(rows.iter().any(|r| r[0] == "姓名：郭𠮷　　编号：m01"), "{rows:#?}");
    // A branch's ledger is not a member's to download.
    assert_eq!(member.download("/work/download?form=ledger&format=html").0, 403);

    // The secretary: the branch's ledger as a printed page, opened in the browser.
    let mut secretary = crate::web::Browser::new(&server);
    secretary.sign_in("sec", &passwords["sec"]);
    let (status, kind, disposition, bytes) = secretary.download("/work/download?form=ledger&format=html&quarter=2026Q4");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert!(kind.starts_with("text/html") && disposition.starts_with("inline;"), "{kind} {disposition}");
    let html = String::from_utf8(bytes).expect("utf-8");
    assert!(html.contains("郭𠮷") && html.contains("href=\"/work/print.css\""), "the page links the print stylesheet");
    // A member of another branch, or a form of another unit, is refused.
    assert_eq!(secretary.download("/work/download?form=certificate&format=xlsx&member=nobody").0, 403);
    assert_eq!(secretary.download("/work/download?form=overview&format=xlsx&quarter=2026Q4").0, 403);
    // A bad quarter is the CLI's own refusal.
    let (status, _, _, bytes) = secretary.download("/work/download?form=ledger&format=xlsx&quarter=2026Q9");
    assert_eq!(status, 422);
    assert!(String::from_utf8_lossy(&bytes).contains("2026Q9"), "{}", String::from_utf8_lossy(&bytes));

    // The general branch: its branches' ledgers.
    let mut general = crate::web::Browser::new(&server);
    general.sign_in("gb", &passwords["gb"]);
    assert_eq!(general.download("/work/download?form=ledger&format=xlsx&branch=b1&quarter=2026Q4").0, 200);
    assert_eq!(general.download("/work/download?form=ledger&format=xlsx&branch=g&quarter=2026Q4").0, 403);
    // Its own Annex form, whatever unit the query names; not the university's overview.
    let (status, _, _, bytes) = general.download("/work/download?form=form&format=html&unit=c&quarter=2026Q4");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&bytes).contains("填报单位党组织（盖章）：测试学院党总支"));
    assert_eq!(general.download("/work/download?form=overview&format=xlsx&quarter=2026Q4").0, 403);

    // The Organization Department: the roll-up and the overview.
    let mut department = crate::web::Browser::new(&server);
    department.sign_in("od", &passwords["od"]);
    assert!(department.get("/work/downloads").body.contains("全校各单位汇总"));
    let (status, _, _, bytes) = department.download("/work/download?form=form&format=xlsx&quarter=2026Q4");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    let file = s.dir().join("下载的全校登记表.xlsx");
    std::fs::write(&file, &bytes).expect("save");
    assert_eq!(sheets(&file)[0].0, "全校汇总");
    assert_eq!(department.download("/work/download?form=overview&format=xlsx&year=2026").0, 200);
}

#[test]
fn s3_4_x3_restricted_finding_is_withheld_from_a_member_and_shown_to_the_secretary() {
    let s = quarter_done();
    // The member's own certificate and history, as the member: the exclusion is there,
    // its clause and record are not (workflows/quarter.ron `restricted`).
    let book = s.dir().join("m07-登记证.xlsx");
    s.args([OsStr::new("export"), OsStr::new("certificate"), OsStr::new("--member"), OsStr::new("m07"), OsStr::new("--out"), book.as_os_str()]).role("member").ok();
    let rows = &sheets(&book)[0].1;
    let all: String = rows.iter().flatten().cloned().collect::<Vec<_>>().join("|");
    assert!(all.contains("另有 1 项不能评选的情形") && !all.contains("§3.4.x3") && !all.contains("党委会议纪要"), "{all}");
    let history = s.args(["member", "history", "m07"]).role("member").ok();
    assert!(history.contains("另有 1 项不能评选的情形") && !history.contains("§3.4.x3"), "{history}");
    let json = s.args(["member", "history", "m07"]).role("党员").json().to_string();
    assert!(!json.contains("x3") && json.contains("\"withheld\":1"), "{json}");
    // The secretary, and the administrator at the terminal, see the clause.
    let ledger = s.dir().join("台帐-书记.html");
    s.args([OsStr::new("export"), OsStr::new("ledger"), OsStr::new("--branch"), OsStr::new("b1"), OsStr::new("--quarter"), OsStr::new("2026Q4"), OsStr::new("--out"), ledger.as_os_str()])
        .role("branch_secretary")
        .ok();
    assert!(page_text(&ledger).contains("§3.4.x3"));
    assert!(s.args(["member", "history", "m07"]).ok().contains("§3.4.x3"));
    // A member reading the ledger (as the CLI allows) sees it withheld too.
    let withheld = s.dir().join("台帐-党员.html");
    s.args([OsStr::new("export"), OsStr::new("ledger"), OsStr::new("--branch"), OsStr::new("b1"), OsStr::new("--quarter"), OsStr::new("2026Q4"), OsStr::new("--out"), withheld.as_os_str()])
        .role("member")
        .ok();
    let text = page_text(&withheld);
    assert!(text.contains("另有 1 项不能评选的情形") && !text.contains("§3.4.x3") && !text.contains("党委会议纪要"), "{text}");
}

#[test]
fn annex_form_prints_the_stars_of_a_reporting_unit_with_identities_the_form_takes_and_room_for_the_stamp() {
    let s = quarter_done();
    let book = export(&s, &["form", "--unit", "g", "--quarter", "2026Q4"], "登记表.xlsx");
    let sheets = sheets(&book);
    assert_eq!(sheets.len(), 1);
    let rows = &sheets[0].1;
    assert_eq!(rows[0][0], "基层党组织党员“闪光言行之星”登记表");
    assert!(rows.iter().any(|r| r[0] == "填报单位党组织（盖章）：测试学院党总支"), "{rows:#?}");
    assert_eq!(row_starting(rows, &["序号", "党员姓名", "党员身份"]).len(), 3);
    // 郭𠮷 is recorded as 机关: the form prints 教师, as the university's rule says.
    let star = row_starting(rows, &["1", "郭𠮷"]);
    assert_eq!(star[2], "教师");
    let header = rows.iter().position(|r| r[0] == "序号").expect("header");
    for row in rows[header + 1..].iter().take_while(|r| r[0].parse::<usize>().is_ok()) {
        assert!(["教师", "学生", "离退休同志"].contains(&row[2].as_str()), "{row:?} prints an identity the form does not take");
    }
    let notes: String = rows.iter().map(|r| r[0].clone()).collect::<Vec<_>>().join("\n");
    assert!(notes.contains("备注：“党员身份”请填“教师”、“学生”或“离退休同志”。（通知原文 §附件）"), "{notes}");
    assert!(notes.contains("本校实施细则") && notes.contains("（盖章）"), "{notes}");

    let page = export(&s, &["form", "--unit", "g", "--quarter", "2026Q4"], "登记表.html");
    let text = page_text(&page);
    assert!(text.contains("填报单位党组织（盖章）：测试学院党总支"), "{text}");
    let html = std::fs::read_to_string(&page).expect("html");
    assert!(html.contains("<td>郭𠮷</td><td>教师</td>"), "{html}");
    printed(&page, "annex-form");
}

#[test]
fn s4_2_b_roll_up_lists_every_reporting_unit_and_names_the_branches_not_filed() {
    let s = quarter_done();
    s.args(["org", "add", "--id", "b2", "--name", "测试党支部b2", "--kind", "branch", "--parent", "g"]).ok();
    let book = export(&s, &["form", "--quarter", "2026Q4"], "全校登记表.xlsx");
    let sheets = sheets(&book);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["全校汇总", "测试学院党总支"]);
    let rows = &sheets[0].1;
    assert_eq!(row_starting(rows, &["序号", "填报单位", "党员姓名", "党员身份"]).len(), 4);
    assert_eq!(row_starting(rows, &["1", "测试学院党总支", "郭𠮷"])[3], "教师");
    assert!(rows.iter().any(|r| r[0].contains("尚未报送") && r[0].contains("测试党支部b2（尚未开启）")), "{rows:#?}");
    let page = export(&s, &["form", "--quarter", "2026Q4"], "全校登记表.html");
    printed(&page, "annex-roll-up");
    // A branch files on its general branch's form: it is refused, saying which.
    let run = s.args(["export", "form", "--unit", "b1", "--quarter", "2026Q4", "--out", "b1.xlsx"]).fails();
    assert!(run.stderr.contains("--unit g"), "{}", run.stderr);
}

#[test]
fn s3_4_overview_counts_stars_by_unit_identity_and_the_lean_toward_ordinary_members() {
    let s = quarter_done();
    let book = export(&s, &["overview", "--quarter", "2026Q4"], "统计.xlsx");
    let rows = &sheets(&book)[0].1;
    // A share is a number the cell shows as a percentage: 1 is 100.0%.
    row_starting(rows, &["测试学院党总支", "1", "1"]);
    row_starting(rows, &["机关", "1", "1"]);
    let preferred = row_starting(rows, &["倾斜对象", "1"]);
    assert_eq!(preferred[3], "普通党员");
    row_starting(rows, &["计入名额上限的", "0", "0"]);
    row_starting(rows, &["2026Q4", "1", "0", "0", "0"]);
    let year = export(&s, &["overview", "--year", "2026"], "年度统计.xlsx");
    let both = sheets(&year);
    let rows = &both[0].1;
    row_starting(rows, &["单位", "2026Q1", "2026Q2", "2026Q3", "2026Q4", "合计", "占比"]);
    row_starting(rows, &["测试学院党总支", "0", "0", "0", "1", "1", "1"]);
    row_starting(rows, &["2026Q1", "1", "1", "0", "0"]);
    // The branches behind, one a row on their own sheet (thousands fit no cell).
    assert_eq!(both[1].0, "未开展的党支部");
    row_starting(&both[1].1, &["2026Q1", "测试党支部b1", "尚未开启"]);
    let page = export(&s, &["overview", "--year", "2026"], "年度统计.html");
    printed(&page, "overview");
}

#[test]
fn s4_2_c_appraisal_over_a_year_lists_stars_exclusions_and_picks_withheld_where_restricted() {
    let s = quarter_done();
    let book = export(&s, &["appraisal", "--branch", "b1", "--from", "2026Q1", "--to", "2026Q4"], "评选结果.xlsx");
    let both = sheets(&book);
    assert_eq!(both.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["汇总", "逐季度"]);
    let summary = &both[0].1;
    assert_eq!(row_starting(summary, &["1", "郭𠮷", "机关", "1", "1", "0"]).len(), 8);
    assert_eq!(row_starting(summary, &["7", "党员m07", "教师", "1", "0", "1"]).len(), 8);
    let detail = &both[1].1;
    assert!(row_starting(detail, &["党员m07", "2026Q4"])[5].starts_with("§3.4.x3"), "the administrator sees the clause");
    assert!(detail.iter().any(|r| r[0] == "2026Q1、2026Q2、2026Q3 所在党支部未开展评选。"), "{detail:#?}");
    // As a member (the web's member desk), the restricted exclusion is counted, not named.
    let mine = s.dir().join("m07-评选结果.xlsx");
    s.args([OsStr::new("export"), OsStr::new("appraisal"), OsStr::new("--member"), OsStr::new("m07"), OsStr::new("--from"), OsStr::new("2026Q1"), OsStr::new("--to"), OsStr::new("2026Q4"), OsStr::new("--out"), mine.as_os_str()])
        .role("member")
        .ok();
    let detail = &sheets(&mine)[1].1;
    let row = row_starting(detail, &["党员m07", "2026Q4"]);
    assert!(row[5].starts_with("另有 1 项不能评选的情形") && !row[5].contains("§3.4.x3"), "{row:?}");
    let page = export(&s, &["appraisal", "--branch", "b1", "--from", "2026Q1", "--to", "2026Q4"], "评选结果.html");
    printed(&page, "appraisal");
}

#[test]
fn s3_4_names_with_rare_characters_from_a_workbook_roster_come_out_byte_for_byte() {
    let s = Shine::new();
    s.args(["org", "add", "--id", "c", "--name", "测试大学党委", "--kind", "committee"]).ok();
    s.args(["org", "add", "--id", "g", "--name", "测试学院党总支", "--kind", "general", "--parent", "c"]).ok();
    s.args(["org", "add", "--id", "b1", "--name", "测试党支部b1", "--kind", "branch", "--parent", "g"]).ok();
    let csv = crate::support::roster_csv(&roster());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in csv.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            sheet.write_string(r as u32, c as u16, cell).expect("cell");
        }
    }
    let path = s.dir().join("名单.xlsx");
    book.save(&path).expect("save");
    s.args([OsStr::new("roster"), OsStr::new("import"), OsStr::new("--branch"), OsStr::new("b1"), path.as_os_str()]).ok();
    s.open("b1");
    let ledger = export(&s, &["ledger", "--branch", "b1", "--quarter", "2026Q4"], "台帐.xlsx");
    let rows = &sheets(&ledger)[0].1;
    for (n, name) in [(1, "郭𠮷"), (2, "龚䶮"), (3, "李𬭎")] {
        let row = row_starting(rows, &[&n.to_string(), name]);
        assert_eq!(row[1].as_bytes(), name.as_bytes());
    }
    let page = export(&s, &["certificate", "--member", "m03"], "登记证.html");
    assert!(std::fs::read_to_string(&page).expect("html").contains("姓名：李𬭎"));
}
