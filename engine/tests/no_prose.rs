//! The engine speaks in values: outside its tests, no string in `engine/src` holds
//! Chinese prose or names a CLI command or flag. The only Chinese the engine passes
//! on is text read from `rules/` and `workflows/`; the edges (the CLI's `messages`
//! module) word everything else.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("engine/src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file before its test module (by convention the last item).
fn code_outside_tests(text: &str) -> &str {
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() == "#[cfg(test)]" && lines.get(i + 1).is_some_and(|next| next.trim_start().starts_with("mod ")) {
            let end: usize = lines[..i].iter().map(|l| l.len() + 1).sum();
            return &text[..end.min(text.len())];
        }
    }
    text
}

/// Every string literal of `code` (plain `"…"`; raw strings are not used for prose).
fn literals(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut chars = line.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            // A comment outside any string ends the line's code.
            if c == '/' && chars.peek().is_some_and(|(_, next)| *next == '/') {
                break;
            }
            if c == '\'' {
                // A char literal such as '"' must not open a string.
                let rest: String = chars.clone().take(3).map(|(_, c)| c).collect();
                if rest.starts_with("\"'") || rest.starts_with("\\\"'") {
                    chars.next();
                }
                continue;
            }
            if c != '"' {
                continue;
            }
            let mut lit = String::new();
            let mut escaped = false;
            for (_, c) in chars.by_ref() {
                match (escaped, c) {
                    (true, _) => {
                        lit.push(c);
                        escaped = false;
                    }
                    (false, '\\') => escaped = true,
                    (false, '"') => break,
                    (false, _) => lit.push(c),
                }
            }
            out.push((n + 1, lit));
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{20000}'..='\u{2ffff}' | '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}')
}

/// A CLI command (`shine advance`) or flag (`--branch`) named in a string.
fn names_the_cli(lit: &str) -> bool {
    let flag = lit.match_indices("--").any(|(at, _)| lit[at + 2..].chars().next().is_some_and(|c| c.is_ascii_lowercase()));
    flag || lit.contains("shine ")
}

#[test]
fn engine_strings_hold_no_chinese_prose_and_no_cli_commands_or_flags() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    files.sort();
    assert!(files.len() > 30, "found only {} files", files.len());
    let mut found = Vec::new();
    for file in &files {
        // Test modules: files named `tests*.rs` and every file under a `tests/` folder.
        let relative = file.strip_prefix(&root).unwrap_or(file);
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.starts_with("tests") || relative.components().any(|c| c.as_os_str() == "tests") {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("readable");
        for (line, lit) in literals(code_outside_tests(&text)) {
            if lit.chars().any(is_cjk) || names_the_cli(&lit) {
                found.push(format!("{}:{line}: \"{lit}\"", file.strip_prefix(&root).unwrap_or(file).display()));
            }
        }
    }
    assert!(found.is_empty(), "the engine writes prose or names the CLI; return a typed value instead:\n{}", found.join("\n"));
}

#[test]
fn the_scan_finds_what_it_looks_for() {
    let code = "fn a() { x(\"不能为空\"); y(\"run `shine advance`\"); z(\"use --as\"); ok(\"quota\"); c('\"'); d(\"a // b\") }\n#[cfg(test)]\nmod tests { \"测试\" }\n";
    let lits: Vec<String> = literals(code_outside_tests(code)).into_iter().map(|(_, l)| l).collect();
    assert_eq!(lits, ["不能为空", "run `shine advance`", "use --as", "quota", "a // b"]);
    assert!(lits[0].chars().any(is_cjk));
    assert!(names_the_cli(&lits[1]) && names_the_cli(&lits[2]) && !names_the_cli(&lits[3]));
}
