//! Issue 8 §5: definition files of any content — deep nesting, errors past column
//! 65 535 or line 65 535, bytes that are not UTF-8, NUL, CRLF, byte-order marks — make
//! `shine` exit 0, 1 or 2 with a message, never panic or overflow its stack. The
//! inputs are the regression cases of `fuzz/regressions/` (the first byte of each
//! says which file it replaces, as in `fuzz/targets.rs`).

use crate::support::{repo, Shine};

/// Runs `command` on a world whose rules or workflows hold `bytes`, and checks the
/// outcome: exit 0, 1 or 2, no panic, and a Chinese message on failure.
fn survives(world: &Shine, what: &str, command: &[&str]) {
    let run = world.args(command).output();
    let shown = format!("{what}: `{}` ({:?})\nstdout:\n{}\nstderr:\n{}", run.shown, run.code, cut(&run.stdout), cut(&run.stderr));
    assert!(matches!(run.code, Some(0..=2)), "{shown}");
    assert!(!run.stderr.contains("panicked") && !run.stderr.contains("overflow"), "{shown}");
    if run.code != Some(0) {
        assert!(run.stderr.contains("错误") && run.stderr.contains("帮助"), "{shown}");
    }
}

fn cut(text: &str) -> String {
    text.chars().take(600).collect()
}

fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = repo().join("fuzz/regressions").join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.expect("entry").path();
            (path.file_name().expect("name").to_string_lossy().into_owned(), std::fs::read(&path).expect("readable"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn s5_rule_files_of_any_content_are_refused_with_a_message() {
    for (name, input) in regressions("rules") {
        let world = Shine::new();
        std::fs::write(world.rules_dir().join("fuzzed.shine"), &input[1..]).expect("written");
        survives(&world, &name, &["rules", "check"]);
    }
}

#[test]
fn s5_workflow_files_of_any_content_are_refused_with_a_message() {
    for (name, input) in regressions("workflow") {
        let file = if input[0] % 2 == 0 { "quarter.ron" } else { "escalation.ron" };
        let world = Shine::new().workflow_edit(|text| format!("{text}\n"));
        std::fs::write(world.dir().join("workflows").join(file), &input[1..]).expect("written");
        survives(&world, &name, &["workflow", "check"]);
    }
}

#[test]
fn s5_a_rule_file_not_in_utf8_is_refused_at_its_first_invalid_byte() {
    let world = Shine::new();
    // `中文` as GBK, as Chinese Windows editors save it.
    std::fs::write(world.rules_dir().join("gbk.shine"), b"// ok\nguard g \xc2\xa71 \"\xd6\xd0\xce\xc4\" when true\n").expect("written");
    let run = world.args(["rules", "check"]).fails();
    run.stderr_contains("规则文件不是 UTF-8 编码：此处的字节 0xD6 无法读取")
        .stderr_contains("gbk.shine:2:13")
        .stderr_contains("另存为 UTF-8");
}

#[test]
fn s5_a_workflow_file_not_in_utf8_is_refused_at_its_first_invalid_byte() {
    let world = Shine::new().workflow_edit(|text| format!("{text}\n"));
    let path = world.dir().join("workflows/quarter.ron");
    let mut bytes = std::fs::read(&path).expect("read");
    let at = bytes.windows(7).position(|w| w == b"name: \"").expect("a name") + 7;
    let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = bytes[..at].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&bytes[line_start..at]).chars().count() + 1;
    bytes.insert(at, 0xfe);
    std::fs::write(&path, bytes).expect("written");
    let run = world.args(["workflow", "check"]).fails();
    run.stderr_contains("文件不是 UTF-8 编码，此处的字节 0xFE 无法读取")
        .stderr_contains(&format!("quarter.ron:{line}:{col}"))
        .stderr_contains("另存为 UTF-8");
}

#[test]
fn s5_nesting_past_the_limit_is_refused_where_it_passes_it() {
    let world = Shine::new();
    let nested = format!("guard g §1 \"t\" when {}true{}", "(".repeat(5000), ")".repeat(5000));
    std::fs::write(world.rules_dir().join("deep.shine"), nested).expect("written");
    // `guard g §1 "t" when ` is 20 characters; the 65th `(` is past the limit.
    world.args(["rules", "check"]).fails().stderr_contains("括号、`not` 或负号嵌套超过 64 层").stderr_contains("deep.shine:1:85");
    let chain = format!("guard g §1 \"t\" when {}true", "member.full or ".repeat(1000));
    std::fs::write(world.rules_dir().join("deep.shine"), chain).expect("written");
    world.args(["rules", "check"]).fails().stderr_contains("一个表达式的运算超过 256 层");
}
