//! Golden files for the rule language.
//!
//! Every `grammar/ok/*.shine` must load; every `grammar/err/*.shine` must fail with
//! exactly the problems in the matching `.expected` file: one line per error, its
//! place and its typed problem (`file:line:col: Problem { … }`, the `Display` of a
//! `RuleError`), so that these files hold what the engine found, not how the CLI
//! words it (that is tested in `tests/notice/definitions.rs`). Each case is loaded
//! together with the shipped rules in `rules/`, unless its first line is
//! `// standalone`. Run with `UPDATE_GOLDEN=1` to rewrite the `.expected` files.

use shine_engine::rules::{RuleSet, SourceFile};
use std::path::{Path, PathBuf};

fn shine_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("golden dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "shine"))
        .collect();
    v.sort();
    v
}

fn load_case(path: &Path, kind: &str) -> Result<RuleSet, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("case");
    let name = format!("{kind}/{}", path.file_name().and_then(|n| n.to_str()).unwrap_or_default());
    let mut files = Vec::new();
    if !text.starts_with("// standalone") {
        // Not the notice's clauses: the cases quote texts of their own, which the
        // citation check (tested in `rules/check/cite.rs`) would refuse.
        for p in shine_files(&root.join("../rules")).into_iter().filter(|p| !p.ends_with("notice.shine")) {
            files.push(SourceFile {
                name: format!("rules/{}", p.file_name().and_then(|n| n.to_str()).unwrap_or_default()),
                text: std::fs::read_to_string(&p).expect("rule file"),
            });
        }
    }
    files.push(SourceFile { name, text });
    RuleSet::load(files).map_err(|e| e.to_string())
}

#[test]
fn grammar_ok_cases_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/grammar/ok");
    let cases = shine_files(&dir);
    assert!(!cases.is_empty());
    for case in cases {
        if let Err(e) = load_case(&case, "ok") {
            panic!("{} should load, but:\n{e}", case.display());
        }
    }
}

#[test]
fn grammar_err_cases_match_their_expected_text() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/grammar/err");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let cases = shine_files(&dir);
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in cases {
        let got = match load_case(&case, "err") {
            Ok(_) => "(loaded without errors)\n".to_string(),
            Err(e) => e,
        };
        let expected_path = case.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &got).expect("write golden");
            continue;
        }
        let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if want != got {
            failures.push(format!("{}:\n--- expected\n{want}--- got\n{got}", case.display()));
        }
    }
    assert!(failures.is_empty(), "golden mismatches (rerun with UPDATE_GOLDEN=1 to accept):\n{}", failures.join("\n"));
}
