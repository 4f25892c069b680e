//! Embeds the repository's `rules/` and `workflows/` into the binary, so that `shine`
//! runs anywhere with the notice's default definitions; a `rules/` directory next to
//! the user (or `--rules`) takes precedence at run time. Also collects the names of
//! the tests named after a clause of the notice (`fn s3_4_x8_…`, or `fn annex_…` for
//! a clause the rule files declare `as annex`), with their files, for `shine clauses`.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = String::new();
    for (dir, ext, name) in [("rules", "shine", "RULES"), ("workflows", "ron", "WORKFLOWS")] {
        let path = root.join(dir);
        println!("cargo:rerun-if-changed={}", path.display());
        let mut files: Vec<_> = std::fs::read_dir(&path)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == ext));
        files.sort();
        let _ = writeln!(out, "pub const {name}: &[(&str, &str)] = &[");
        for file in files {
            println!("cargo:rerun-if-changed={}", file.display());
            let shown = format!("{dir}/{}", file.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
            let _ = writeln!(out, "    ({shown:?}, include_str!({:?})),", file.canonicalize().unwrap_or(file.clone()));
        }
        let _ = writeln!(out, "];");
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("embedded.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
    let words = clause_words(&root.join("rules"));
    let mut tests = Vec::new();
    for dir in ["tests", "engine/src", "engine/tests", "cli/src"] {
        named_tests(&root, &root.join(dir), &words, &mut tests);
    }
    tests.sort();
    let mut out = String::from("/// Tests named after a clause (`s3_4_x8_…`): (name, file).\npub const TESTS: &[(&str, &str)] = &[\n");
    for (name, file) in tests {
        let _ = writeln!(out, "    ({name:?}, {file:?}),");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("tests.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

/// The words tests of a clause whose id is a word start with, as the rule files
/// declare them (`clause §附件 as annex "…"`).
fn clause_words(rules: &Path) -> Vec<String> {
    let mut words = Vec::new();
    for entry in std::fs::read_dir(rules).into_iter().flatten().filter_map(|e| e.ok()) {
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        for line in text.lines() {
            let Some(rest) = line.trim_start().strip_prefix("clause §") else { continue };
            let mut parts = rest.split_whitespace().skip(1);
            if let (Some("as"), Some(word)) = (parts.next(), parts.next()) {
                words.push(word.to_owned());
            }
        }
    }
    words
}

/// Every `fn s<digit>…_…` and `fn <word>_…` (a word of [`clause_words`]) in the Rust
/// files under `dir`: (name, path from the root).
fn named_tests(root: &Path, dir: &Path, words: &[String], out: &mut Vec<(String, String)>) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            named_tests(root, &path, words, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let shown = path.strip_prefix(root).unwrap_or(&path).display().to_string();
        for line in text.lines() {
            let Some(at) = line.find("fn ") else { continue };
            if at > 0 && !line[..at].ends_with(' ') {
                continue;
            }
            let name: String = line[at + 3..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            let numbered = name.starts_with('s') && name.chars().nth(1).is_some_and(|c| c.is_ascii_digit()) && name.contains('_');
            if numbered || words.iter().any(|w| name.strip_prefix(w.as_str()).is_some_and(|rest| rest.len() > 1 && rest.starts_with('_'))) {
                out.push((name, shown.clone()));
            }
        }
    }
}
