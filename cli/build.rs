//! Embeds the repository's `rules/` and `workflows/` into the binary, so that `shine`
//! runs anywhere with the notice's default definitions; a `rules/` directory next to
//! the user (or `--rules`) takes precedence at run time.

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
}
