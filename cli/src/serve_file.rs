//! `<store>/serve.json`: which process serves a store, and where — written by
//! `shine serve`, read by any other command that finds the store held.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Serialize, Deserialize)]
pub struct ServeFile {
    pub pid: u32,
    pub url: String,
}

impl ServeFile {
    pub fn path(store: &Path) -> PathBuf {
        store.join("serve.json")
    }

    /// The server that wrote `serve.json` in `store`, if any.
    pub fn read(store: &Path) -> Option<ServeFile> {
        serde_json::from_slice(&std::fs::read(Self::path(store)).ok()?).ok()
    }
}
