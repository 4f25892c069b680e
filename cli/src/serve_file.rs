//! `<store>/serve.json`: which process serves a store, where, and how to reach its
//! local admin channel (`admin`) — written by `shine serve` readable by the store's
//! owner only (it holds the admin secret), read by any other command that finds the
//! store held.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Serialize, Deserialize)]
pub struct ServeFile {
    pub pid: u32,
    pub url: String,
    /// The loopback admin endpoint; absent in files of older servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<AdminEntry>,
}

/// Where the admin channel listens and the secret every request carries.
#[derive(Debug, Serialize, Deserialize)]
pub struct AdminEntry {
    pub url: String,
    pub secret: String,
}

impl ServeFile {
    pub fn path(store: &Path) -> PathBuf {
        store.join("serve.json")
    }

    /// The server that wrote `serve.json` in `store`, if any.
    pub fn read(store: &Path) -> Option<ServeFile> {
        serde_json::from_slice(&std::fs::read(Self::path(store)).ok()?).ok()
    }

    /// Write `serve.json` in `store`: a new file only the owner may read (made beside
    /// it, then renamed over any old one), so the secret is never readable by others.
    pub fn write(&self, store: &Path) -> std::io::Result<()> {
        let path = Self::path(store);
        let fresh = store.join("serve.json.new");
        let _ = std::fs::remove_file(&fresh);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&fresh)?;
        file.write_all(&serde_json::to_vec(self).unwrap_or_default())?;
        file.sync_all()?;
        std::fs::rename(&fresh, &path)
    }
}
