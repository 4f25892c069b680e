//! What the engine's tests and benchmarks share: the definitions shipped in the
//! repository's `rules/` and `workflows/`, read as the engine takes them.

#![allow(dead_code)]

use shine_engine::ops::Definitions;
use shine_engine::rules::SourceFile;
use std::path::{Path, PathBuf};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shipped rule files (sorted by name) and the two workflow files.
pub fn definitions() -> Definitions {
    let root = repo();
    let mut rules: Vec<SourceFile> = std::fs::read_dir(root.join("rules"))
        .expect("rules/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "shine"))
        .map(|p| SourceFile { name: p.display().to_string(), text: std::fs::read_to_string(&p).expect("readable") })
        .collect();
    rules.sort_by(|a, b| a.name.cmp(&b.name));
    let file = |name: &str| {
        let path = root.join("workflows").join(name);
        SourceFile { name: path.display().to_string(), text: std::fs::read_to_string(&path).expect("readable") }
    };
    Definitions { rules, workflow: file("quarter.ron"), escalation: file("escalation.ron"), calendar: file("calendar.ron") }
}
