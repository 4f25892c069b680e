//! Input hygiene (issue 8 §6): text users give — on a command line or in an imported
//! CSV file — is refused when it holds control, bidirectional or invisible characters,
//! normalised to NFC and limited in length; the refusal names the field, the row and
//! the character. Rare characters are kept byte for byte from UTF-8 and GB18030
//! files; nothing from the store reaches a terminal raw; a CSV without its header is
//! refused, saying what header it expected.

use crate::support::{m, members, Shine, M};
use std::ffi::OsStr;

/// The world with the committee, the general branch and branch `b1`, but no roster.
fn tree() -> Shine {
    let w = Shine::new();
    w.args(["org", "add", "--id", "c", "--name", "测试大学党委", "--kind", "committee"]).ok();
    w.args(["org", "add", "--id", "g", "--name", "测试学院党总支", "--kind", "general", "--parent", "c"]).ok();
    w.args(["org", "add", "--id", "b1", "--name", "测试党支部", "--kind", "branch", "--parent", "g"]).ok();
    w
}

fn import<'a>(w: &'a Shine, name: &str, bytes: &[u8]) -> crate::support::Cmd<'a> {
    let path = w.dir().join(name);
    std::fs::write(&path, bytes).expect("write csv");
    w.args([OsStr::new("roster"), OsStr::new("import"), OsStr::new("--branch"), OsStr::new("b1"), path.as_os_str()])
}

fn roster(rows: &[M]) -> String {
    crate::support::roster_csv(rows)
}

fn names(w: &Shine) -> Vec<String> {
    let v = w.args(["members", "--branch", "b1"]).json();
    v.as_array().expect("a list").iter().map(|m| m["name"].as_str().expect("name").to_owned()).collect()
}

/// Every class of refused character, with a character of it, as U+XXXX.
const REFUSED: [(char, &str); 12] = [
    ('\u{1b}', "U+001B"),
    ('\u{07}', "U+0007"),
    ('\u{00}', "U+0000"),
    ('\r', "U+000D"),
    ('\n', "U+000A"),
    ('\u{85}', "U+0085"),
    ('\u{202e}', "U+202E"),
    ('\u{2067}', "U+2067"),
    ('\u{200f}', "U+200F"),
    ('\u{200b}', "U+200B"),
    ('\u{feff}', "U+FEFF"),
    ('\u{2060}', "U+2060"),
];

#[test]
fn s6_import_refuses_every_refused_character_class_naming_file_line_column_and_character() {
    let w = tree();
    for (c, code) in REFUSED {
        // The bad name is quoted so that even a line break stays inside its cell.
        let csv = format!("{}\"张{c}三\",m02,教师,ordinary,正式,否,\n", roster(&[m("m01")]));
        let run = import(&w, "r.csv", csv.as_bytes()).fails();
        run.stderr_contains("r.csv").stderr_contains("第 3 行「姓名」列").stderr_contains(code).stderr_contains("未导入任何一行");
        assert!(!run.stderr.contains(c) || c == '\n', "{code}: the refusal printed the character raw:\n{}", run.stderr);
        // The same character in an id.
        let csv = format!("{}张三,m{c}02,教师,ordinary,正式,否,\n", roster(&[m("m01")]));
        if c != '\n' && c != '\r' {
            import(&w, "r.csv", csv.as_bytes()).fails().stderr_contains("第 3 行「党员编号」列").stderr_contains(code);
        }
    }
    assert!(names(&w).is_empty(), "nothing is imported from a file with a bad row");
}

#[test]
fn s6_two_members_differing_only_by_an_invisible_character_cannot_both_exist() {
    let w = tree();
    let rows = [m("m01").name("张三"), m("m02").name("张\u{200b}三")];
    import(&w, "r.csv", roster(&rows).as_bytes()).fails().stderr_contains("U+200B").stderr_contains("零宽空格");
    for invisible in ["\u{200b}", "\u{3164}", "\u{3000}"] {
        let rows = [m("m01").name(invisible)];
        import(&w, "r.csv", roster(&rows).as_bytes()).fails().stderr_contains("第 2 行「姓名」列");
    }
    assert!(names(&w).is_empty());
}

#[test]
fn s6_same_name_twice_in_a_branch_is_kept_and_asked_for_by_id() {
    let w = tree();
    import(&w, "r.csv", roster(&[m("m01").name("王芳"), m("m02").name("王芳")]).as_bytes()).ok();
    assert_eq!(names(&w), ["王芳", "王芳"]);
    w.open("b1");
    let e = w.args(["explain", "王芳"]).fails_json();
    assert_eq!(e["code"], "ambiguous_member", "{e}");
    assert!(w.args(["explain", "m02"]).json()["member"]["id"] == "m02");
}

#[test]
fn s6_command_line_text_refuses_every_refused_character_class() {
    let w = Shine::new();
    w.branch("b1", &members(3));
    w.open("b1");
    // NUL cannot travel in an argument at all.
    for (c, code) in REFUSED.into_iter().filter(|(c, _)| *c != '\0') {
        let e = w.args(["org", "add", "--id", "x1", "--name", &format!("学院{c}党委"), "--kind", "general", "--parent", "c"]).fails_json();
        assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("bad_text"), Some("unit_name")), "{code}: {e}");
        assert_eq!(e["problem"]["at"], 3, "{e}");
        let id = format!("x{c}1");
        let e = w.args(["org", "add", "--id", &id, "--name", "学院党委", "--kind", "general", "--parent", "c"]).fails_json();
        assert_eq!(e["field"], "unit_id", "{code}: {e}");
        let run = w.args(["deed", "add", "--member", "m01", "--kind", "带头服务群众", "--text", &format!("事迹{c}内容")]).output();
        if c == '\n' || c == '\u{200b}' || c == '\u{feff}' || c == '\u{2060}' {
            assert!(run.success, "{code}: long text keeps line breaks and joiners: {}", run.stderr);
        } else {
            assert!(!run.success, "{code}: deed text accepted");
            run.stderr_contains(code).stderr_contains("闪光言行内容");
        }
    }
}

#[test]
fn s6_a_deed_that_would_clear_the_screen_is_refused() {
    let w = Shine::new();
    w.branch("b1", &members(2));
    w.open("b1");
    let run = w.args(["deed", "add", "--member", "m01", "--kind", "带头服务群众", "--text", "好人\r坏人\x1b[2J"]).fails();
    run.stderr_contains("闪光言行内容的第 3 个字符 U+000D（CR 回车符）");
    assert!(!run.stderr.contains('\x1b') && !run.stderr.contains('\r'), "raw control characters printed:\n{:?}", run.stderr);
    let v = w.args(["status", "--branch", "b1"]).json();
    assert!(!v.to_string().contains("坏人"), "nothing recorded: {v}");
}

#[test]
fn s6_text_is_normalised_to_nfc() {
    let w = tree();
    let rows = [m("m01").name("Jose\u{301}"), m("m02").name("\u{1112}\u{1161}\u{11ab}\u{1100}\u{1173}\u{11af}")];
    import(&w, "r.csv", roster(&rows).as_bytes()).ok();
    assert_eq!(names(&w), ["Jos\u{e9}", "\u{d55c}\u{ae00}"]);
    w.open("b1");
    // The decomposed name still finds the member.
    assert_eq!(w.args(["explain", "Jose\u{301}"]).json()["member"]["id"], "m01");
}

#[test]
fn s6_rare_characters_round_trip_byte_for_byte_from_utf8_and_gb18030_files() {
    let rare = ["𠮷", "䶮", "王𬭎", "阿依古丽·买买提"];
    let rows: Vec<M> = rare.iter().enumerate().map(|(i, n)| m(&format!("m{:02}", i + 1)).name(n)).collect();
    let csv = roster(&rows);
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(&csv);
    assert!(!unmappable && gb.as_ref() != csv.as_bytes(), "the file really is GB18030");
    for bytes in [csv.as_bytes().to_vec(), [b"\xEF\xBB\xBF".as_slice(), csv.as_bytes()].concat(), gb.into_owned()] {
        let w = tree();
        import(&w, "r.csv", &bytes).ok();
        let got = names(&w);
        assert_eq!(got.iter().map(|n| n.as_bytes().to_vec()).collect::<Vec<_>>(), rare.map(|n| n.as_bytes().to_vec()));
    }
}

#[test]
fn s6_a_file_neither_utf8_nor_gbk_is_refused_in_chinese_saying_how_to_save_it() {
    let w = tree();
    let run = import(&w, "r.csv", b"\xff\xff\xff,\x80\n").fails();
    run.stderr_contains("既不是 UTF-8 也不是 GBK").stderr_contains("CSV UTF-8");
    assert!(!run.stderr.to_lowercase().contains("invalid"), "{}", run.stderr);
}

#[test]
fn s6_a_headerless_life_csv_is_refused_naming_the_header_expected() {
    let w = Shine::new();
    w.branch("b1", &members(2));
    let path = w.write("life.csv", "m01,2026-10-10,出席,\nm02,2026-10-10,请假,\n");
    let run = w.args([OsStr::new("life"), OsStr::new("import"), path.as_os_str()]).fails();
    run.stderr_contains("第一行不是表头").stderr_contains("党员编号,日期,出席情况,备注");
    let history = w.args(["member", "history", "m01"]).output();
    assert!(!history.stdout.contains("2026-10-10"), "nothing recorded:\n{}", history.stdout);
}

#[test]
fn s6_a_bad_life_row_is_named_by_line_and_nothing_is_recorded() {
    let w = Shine::new();
    w.branch("b1", &members(2));
    let path = w.write("life.csv", "党员编号,日期,出席情况,备注\nm01,2026-10-10,出席,\nm02,2026-10-10,请假,\u{1b}]0;x\u{7}\n");
    w.args([OsStr::new("life"), OsStr::new("import"), path.as_os_str()]).fails().stderr_contains("第 3 行「备注」列").stderr_contains("U+001B");
    let path = w.write("life.csv", "党员编号,日期,出席情况,备注\nm01,2026-10-10,出席,\nm09,2026-10-10,请假,\n");
    w.args([OsStr::new("life"), OsStr::new("import"), path.as_os_str()]).fails().stderr_contains("第 3 行").stderr_contains("m09");
}

#[test]
fn s6_a_100_kb_id_is_refused() {
    let w = tree();
    let id = "x".repeat(100 * 1024);
    let started = std::time::Instant::now();
    let e = w.args(["org", "add", "--id", &id, "--name", "学院党委", "--kind", "general", "--parent", "c"]).fails_json();
    assert_eq!((e["field"].as_str(), e["problem"]["chars"].as_u64(), e["problem"]["limit"].as_u64()), (Some("unit_id"), Some(102_400), Some(64)), "{e}");
    assert!(e.to_string().len() < 4096, "the refusal does not echo the whole id");
    let csv = format!("{}张三,{id},教师,ordinary,正式,否,\n", roster(&[]));
    import(&w, "r.csv", csv.as_bytes()).fails().stderr_contains("第 2 行「党员编号」列").stderr_contains("超过上限 64");
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn s6_an_old_store_value_with_esc_is_shown_escaped_and_json_stays_exact() {
    let w = tree();
    import(&w, "r.csv", roster(&[m("m01").name("旧名XQX")]).as_bytes()).ok();
    // Write what an older shine accepted: the name with ESC, straight into the store.
    {
        let db = sled::open(w.store_dir()).expect("open store");
        let mut patched = 0;
        for entry in db.iter() {
            let (k, v) = entry.expect("entry");
            if let Some(at) = v.windows(3).position(|b| b == b"XQX") {
                let mut new = v[..at].to_vec();
                new.extend_from_slice(b"\\u001b[2J");
                new.extend_from_slice(&v[at + 3..]);
                db.insert(k, new).expect("patch");
                patched += 1;
            }
        }
        assert_eq!(patched, 1);
        db.flush().expect("flush");
    }
    w.open("b1");
    for args in [&["members", "--branch", "b1"][..], &["explain", "m01"][..]] {
        let out = w.args(args).ok();
        assert!(out.contains("旧名[U+001B][2J"), "{args:?}:\n{out}");
        assert!(!out.contains('\x1b'), "{args:?} printed ESC raw");
    }
    assert_eq!(names(&w), ["旧名\u{1b}[2J"]);
}
