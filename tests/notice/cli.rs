//! The command line itself, for Party-affairs staff who are not programmers: help,
//! usage errors, completions and man pages read in Chinese; every option says what it
//! is; a usage error under `--json` has the one documented shape.

use crate::support::Shine;
use serde_json::json;
use std::ffi::OsStr;

/// The lines of `help` under `heading` (`选项:`), up to the next heading.
fn section<'a>(help: &'a str, heading: &str) -> Vec<&'a str> {
    help.lines().skip_while(|l| *l != heading).skip(1).take_while(|l| l.is_empty() || l.starts_with(' ')).collect()
}

/// The subcommands listed under `命令:`, without clap's `help`.
fn subcommands(help: &str) -> Vec<String> {
    section(help, "命令:")
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// The options and arguments in `help` (`-h`) that have no description: an entry line
/// (`--branch <支部>`, `<党员>...`) followed neither by text on the same line nor by an
/// indented description on the next.
fn undescribed(help: &str) -> Vec<String> {
    let mut missing = Vec::new();
    for heading in ["参数:", "选项:", "全局选项:"] {
        let lines = section(help, heading);
        for (i, line) in lines.iter().enumerate() {
            let entry = line.trim();
            if !(entry.starts_with('-') || entry.starts_with('<') || entry.starts_with('[')) {
                continue;
            }
            let same_line = entry.contains("  ");
            let indent = line.len() - entry.len();
            let next_line = lines.get(i + 1).is_some_and(|n| {
                let t = n.trim();
                !t.is_empty() && !t.starts_with('-') && n.len() - t.len() > indent
            });
            if !same_line && !next_line {
                missing.push(format!("{heading} {entry}"));
            }
        }
    }
    missing
}

#[test]
fn the_root_help_is_chinese_with_the_global_options_apart_and_examples() {
    let s = Shine::new();
    let help = s.args(["--help"]).ok();
    for words in ["用法: shine [选项] <命令>", "命令:", "全局选项:", "示例:", "  quarter  ", "显示帮助", "显示版本", "显示本说明"] {
        assert!(help.contains(words), "the help lacks {words:?}:\n{help}");
    }
    for english in ["Usage", "Commands:", "Options:", "Arguments:", "Print", "[default", "[env", "[OPTIONS]", "<COMMAND>"] {
        assert!(!help.contains(english), "the help says {english:?}:\n{help}");
    }
    let global = section(&help, "全局选项:").join("\n");
    for option in ["--store <目录>", "--rules <目录>", "--workflows <目录>", "--json", "--as <角色>", "--by <姓名>", "--now <时间>"] {
        assert!(global.contains(option), "{option} is not under 全局选项:\n{help}");
    }
    assert!(global.contains("不写时为 shine-data；也可用环境变量 SHINE_STORE"), "{global}");
}

#[test]
fn a_command_help_lists_its_own_options_before_the_global_ones_and_an_example() {
    let s = Shine::new();
    let help = s.args(["quarter", "open", "--help"]).ok();
    assert!(help.contains("用法: shine quarter open [选项] --branch <支部> --quarter <季度>"), "{help}");
    let own = section(&help, "选项:").join("\n");
    assert!(own.contains("--branch <支部>") && own.contains("--quarter <季度>  季度，写作 2026Q4"), "{help}");
    assert!(!own.contains("--store"), "a global option among the command's own:\n{help}");
    assert!(help.find("\n选项:") < help.find("\n全局选项:"), "{help}");
    assert!(section(&help, "全局选项:").join("\n").contains("--store <目录>"), "{help}");
    assert!(help.contains("示例:\n  shine quarter open --branch jx-jg --quarter 2026Q4"), "{help}");

    // Positional arguments under 参数.
    let help = s.args(["present", "-h"]).ok();
    assert!(section(&help, "参数:").join("\n").contains("<党员>...  发言的党员：编号或姓名，可写多个"), "{help}");
}

#[test]
fn the_main_commands_show_an_example() {
    let s = Shine::new();
    let commands: &[&[&str]] = &[
        &["quarter", "open"],
        &["roster", "import"],
        &["deed", "add"],
        &["meeting", "report"],
        &["meeting", "attend"],
        &["present"],
        &["comment"],
        &["ballot", "codes"],
        &["ballot", "vote"],
        &["ballot", "close"],
        &["ballot", "totals"],
        &["advance"],
        &["status"],
        &["explain"],
        &["stars"],
        &["member", "history"],
        &["pull"],
        &["chain", "status"],
        &["chain", "file"],
        &["chain", "publish"],
        &["chain", "object"],
        &["chain", "decide"],
        &["chain", "pick"],
        &["chain", "return"],
        &["chain", "resubmit"],
        &["chain", "forward"],
        &["serve"],
        &["display"],
        &["demo"],
        &["rules", "check"],
        &["rules", "adopt"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let help = s.args(&args).ok();
        let example = format!("示例:\n  shine {}", command.join(" "));
        assert!(help.contains(&example), "`shine {}` shows no example:\n{help}", command.join(" "));
    }
}

#[test]
fn every_option_of_every_command_has_a_description() {
    let s = Shine::new();
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    let mut seen = 0;
    while let Some(path) = todo.pop() {
        let mut args = path.clone();
        args.push("-h".into());
        let help = s.args(&args).ok();
        let missing = undescribed(&help);
        assert!(missing.is_empty(), "`shine {}`: no description for {missing:?}\n{help}", path.join(" "));
        for line in section(&help, "命令:").iter().filter(|l| !l.is_empty()) {
            assert!(line.trim().contains("  "), "`shine {}`: a command without description: {line}", path.join(" "));
        }
        for sub in subcommands(&help) {
            let mut deeper = path.clone();
            deeper.push(sub);
            todo.push(deeper);
        }
        seen += 1;
    }
    assert!(seen > 50, "only {seen} commands walked");
}

#[test]
fn an_unknown_option_is_refused_in_chinese_with_a_suggestion() {
    let s = Shine::new();
    let run = s.args(["advance", "--brnch", "b1"]).fails();
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr.trim_end(),
        "错误：没有选项 `--brnch`\n  是否要用 `--branch`？\n  用法：shine advance [选项] --branch <支部>\n下一步：运行 `shine advance --help` 查看说明和示例"
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    let run = s.args(["qurter", "open"]).fails();
    assert_eq!(run.code, Some(2));
    run.stderr_contains("`shine` 没有子命令 `qurter`").stderr_contains("是否要用 `shine quarter`");

    let run = s.args(["ballot", "totals", "--branch", "b1", "--returned", "八"]).fails();
    run.stderr_contains("`--returned <张数>` 不能是 `八`：应当是整数");

    let run = s.args(["completions", "tcsh"]).fails();
    run.stderr_contains("`<shell>` 不能是 `tcsh`").stderr_contains("可选：bash、elvish、fish、powershell、zsh");
}

#[test]
fn a_usage_error_under_json_has_the_documented_shape() {
    let s = Shine::new();
    let run = s.args(["--json", "advance", "--brnch", "b1"]).output();
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    assert_eq!(
        v,
        json!({ "error": {
            "code": "usage",
            "message": "没有选项 `--brnch`；是否要用 `--branch`？",
            "usage": "shine advance [选项] --branch <支部>",
            "help": ["运行 `shine advance --help` 查看说明和示例"],
        }})
    );

    // A missing subcommand, which clap would answer with the help.
    let err = s.args(["chain"]).fails_json();
    assert_eq!(err["code"], "usage");
    assert!(err["message"].as_str().is_some_and(|m| m.contains("`shine chain` 后面要写一个子命令")), "{err}");
}

#[test]
fn unit_kinds_are_written_in_chinese_and_the_english_names_still_work() {
    let s = Shine::new();
    s.args(["org", "add", "--id", "c", "--name", "测试大学党委", "--kind", "校党委"]).ok();
    s.args(["org", "add", "--id", "g", "--name", "测试学院党总支", "--kind", "general", "--parent", "c"]).ok();
    let units = s.args(["org", "list"]).json();
    assert_eq!(units.as_array().map(Vec::len), Some(2), "{units}");
}

#[test]
fn completions_for_bash_name_the_subcommands() {
    let s = Shine::new();
    let script = s.args(["completions", "bash"]).ok();
    for name in ["quarter", "advance", "chain", "pick", "completions", "man", "--branch"] {
        assert!(script.contains(name), "the bash completions lack {name}");
    }
    assert!(!s.store_dir().exists(), "completions opened the store");
}

#[test]
fn man_writes_a_page_for_shine_and_each_subcommand_in_chinese() {
    let s = Shine::new();
    let dir = s.dir().join("man");
    let out = s.args([OsStr::new("man"), OsStr::new("--out"), dir.as_os_str()]).ok();
    assert!(out.contains("手册页"), "{out}");
    let page = std::fs::read_to_string(dir.join("shine.1")).expect("shine.1 written");
    assert!(page.contains(".SH 名称") && page.contains("党员“闪光言行之星”季度评选"), "{page}");
    let page = std::fs::read_to_string(dir.join("shine-quarter-open.1")).expect("a page per subcommand");
    assert!(page.contains("党支部编号") && page.contains(".SH 全局选项") && page.contains(".SH 示例"), "{page}");

    // Without --out, shine.1 on stdout.
    let page = s.args(["man"]).ok();
    assert!(page.starts_with(".ie") && page.contains(".TH shine 1"), "{page}");
}
