//! What keeps a store directory openable whatever moment a process dies at: a new
//! store is built in a hidden sibling and renamed into place whole (then the parent
//! directory is synced); a half-written snapshot left by a killed process is removed
//! before sled can take it for the newest one (sled 0.34 bug #1527); the siblings a
//! killed creation leaves behind are swept by the next command.
//!
//! sled lists as snapshots every file of the directory whose name starts with `snap.`
//! (except `*.in___motion`), sorts the names and reads the last one; it writes a
//! snapshot at every open as `snap.<lsn>.generating`, syncs it and renames it to
//! `snap.<lsn>`. A `.generating` file is therefore never needed: when one is complete
//! its older snapshot is still there, and sled rebuilds from the log either way. We
//! remove them only while holding the lock sled itself takes (an exclusive `flock` on
//! the data file `db`), so never under a running process.

use super::{Store, StoreError};
use fs2::FileExt;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// sled's data file: a directory is a store when it holds one.
const DATA_FILE: &str = "db";
/// Held (locked) by the process building a new store in a hidden sibling.
const CREATING: &str = "shine.creating";
/// What sled (and shine beside it) put in a store directory before its data file
/// exists: a directory holding only these is a store whose creation never finished.
const UNFINISHED: &[&str] = &["conf", "blobs", CREATING, "serve.json"];

/// Why a new store could not be made.
pub(crate) enum CreateError {
    /// The path is a non-empty directory that holds no store.
    NotAStore,
    Io(io::Error),
    /// Opening sled in the new directory, or filling it, failed.
    Store(StoreError),
    /// The filler declined what it made: nothing was put in place.
    Abandoned,
}

impl From<io::Error> for CreateError {
    fn from(e: io::Error) -> Self {
        CreateError::Io(e)
    }
}

pub(crate) fn is_store(path: &Path) -> bool {
    path.join(DATA_FILE).is_file()
}

/// An empty directory, or one holding only what an unfinished creation leaves.
fn is_unfinished(path: &Path) -> io::Result<bool> {
    for entry in fs::read_dir(path)? {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if !(UNFINISHED.contains(&name.as_ref()) || name.starts_with("snap.")) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The hidden sibling `.<name>.<what>-<pid>` of `path`.
fn sibling(path: &Path, what: &str) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "store".into());
    parent(path).join(format!(".{name}.{what}-{}", std::process::id()))
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Make a new store at `path`: built in a hidden sibling, filled by `fill` there,
/// flushed, closed and synced, then renamed into place and the parent directory
/// synced. A directory already at `path` is moved to `aside` when one is given (its
/// caller keeps it), else replaced only when empty or unfinished. `fill` answers
/// whether to go on (`false`: the new store is dropped, nothing changes).
pub(crate) fn create(path: &Path) -> Result<(), CreateError> {
    create_replacing(path, None, |_| Ok(true))
}

pub(crate) fn create_replacing(
    path: &Path,
    aside: Option<&Path>,
    fill: impl FnOnce(&Store) -> Result<bool, StoreError>,
) -> Result<(), CreateError> {
    if path.exists() && aside.is_none() && !is_unfinished(path)? {
        return Err(CreateError::NotAStore);
    }
    let dir = parent(path);
    fs::create_dir_all(&dir)?;
    let new = sibling(path, "new");
    if new.exists() {
        fs::remove_dir_all(&new)?;
    }
    fs::create_dir(&new)?;
    let made = (|| {
        let creating = File::create(new.join(CREATING))?;
        creating.lock_exclusive()?;
        {
            let store = Store::open_sled(&new).map_err(CreateError::Store)?;
            if !fill(&store).map_err(CreateError::Store)? {
                return Err(CreateError::Abandoned);
            }
            store.flush().map_err(CreateError::Store)?;
        }
        sync_tree(&new)?;
        sync_dir(&dir)?;
        let old = if path.exists() {
            let old = aside.map(Path::to_path_buf).unwrap_or_else(|| sibling(path, "old"));
            fs::rename(path, &old)?;
            Some(old)
        } else {
            None
        };
        fs::rename(&new, path)?;
        sync_dir(&dir)?;
        if let (Some(old), None) = (old, aside) {
            fs::remove_dir_all(old)?;
        }
        fs::remove_file(path.join(CREATING))?;
        sync_dir(path)?;
        drop(creating);
        Ok(())
    })();
    if made.is_err() && new.exists() {
        let _ = fs::remove_dir_all(&new);
    }
    made
}

/// Remove what killed processes left beside `path`: hidden `.<name>.new-*` siblings
/// whose creator is gone (its lock is free) and `.<name>.old-*` ones being deleted.
/// Best effort: what cannot be removed now is tried again by the next command.
pub(crate) fn sweep(path: &Path) {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else { return };
    let Ok(entries) = fs::read_dir(parent(path)) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else { continue };
        let gone = if rest.starts_with("new-") {
            match File::open(entry.path().join(CREATING)) {
                Ok(f) => f.try_lock_exclusive().is_ok(),
                Err(e) => e.kind() == io::ErrorKind::NotFound,
            }
        } else {
            rest.starts_with("old-")
        };
        if gone {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Under sled's lock, remove every `snap.*.generating` file. `Ok(false)` when
/// another process holds the store.
pub(crate) fn clear_stale_snapshots(path: &Path) -> io::Result<bool> {
    let data = OpenOptions::new().read(true).write(true).open(path.join(DATA_FILE))?;
    if data.try_lock_exclusive().is_err() {
        return Ok(false);
    }
    let mut removed = false;
    for entry in fs::read_dir(path)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            fs::remove_file(entry.path())?;
            removed = true;
        }
    }
    if removed {
        sync_dir(path)?;
    }
    // Closing the file lets the lock go, for sled to take it.
    drop(data);
    Ok(true)
}

/// fsync every file and directory under `dir`, then `dir` itself.
pub(crate) fn sync_tree(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_tree(&entry.path())?;
        } else {
            File::open(entry.path())?.sync_all()?;
        }
    }
    sync_dir(dir)
}

pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Write a file whole or not at all: a hidden temporary beside it, synced, renamed
/// over it, the directory synced.
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let tmp = sibling(path, "tmp");
    let done = (|| {
        let mut f = File::create(&tmp)?;
        write(&mut f)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        sync_dir(&parent(path))
    })();
    if done.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    done
}
