//! The sled store: one directory, one tree, keys by prefix.
//!
//! - `e/<scope>\0<seq>`: the event log of a scope (`org`, `branch/<id>`,
//!   `quarter/<branch>/<quarter>`); current state is a fold over it.
//! - `i/m/<member>`: which branch a member belongs to (an index, written with the
//!   event that creates the member).
//! - `r/<hash>` and `w/<hash>`: rule sets and workflows by content hash, so a quarter
//!   keeps running under the definitions it was opened with.
//! - `b/<branch>/<quarter>/<round>/<random>`: ballots' contents (the ballots cast by
//!   one command, shuffled) — no voter, no time, no sequence number; the key is random
//!   so the tree's order says nothing either.
//!   Who has voted is a `Voted` action in the quarter's log, which holds no ballot key
//!   and no choice.
//!
//! Every command writes one [`sled::Batch`], applied atomically, and is flushed before
//! it returns (unless the caller asked for bulk mode and flushes at the end). A crash
//! therefore leaves either the whole command or none of it.

use crate::event::{Action, Actor, Event};
use rand::RngCore;
use serde::{de::DeserializeOwned, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// What went wrong underneath: the disk, or a record we cannot read back.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum StoreError {
    #[error("存储 `{path}` 正被另一个 shine 进程使用")]
    #[diagnostic(help("等该进程结束后再运行；同一存储同一时间只能由一个进程打开"))]
    Locked { path: String },
    #[error("无法打开存储 `{path}`：{reason}")]
    #[diagnostic(help("检查目录权限和磁盘空间，或用 `--store` 指定其他目录"))]
    Open { path: String, reason: String },
    #[error("存储读写失败：{0}")]
    Io(#[from] sled::Error),
    #[error("存储中的记录无法读取（{key}）：{reason}")]
    #[diagnostic(help("存储可能已损坏；请从备份恢复"))]
    Corrupt { key: String, reason: String },
}

/// A key and its value as they lie in the store.
pub type RawEntry = (Vec<u8>, Vec<u8>);

/// An open store.
///
/// Event logs read once are kept in memory and extended on every commit. That is
/// sound because sled lets only one process open a store directory, and every write
/// of this process goes through [`Store::commit`].
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    durable: bool,
    logs: Arc<Mutex<HashMap<String, Arc<Vec<Event>>>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

/// The writes of one command, applied all at once by [`Store::commit`].
#[derive(Default)]
pub struct Writes {
    batch: sled::Batch,
    events: Vec<(String, Event)>,
}

impl Writes {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

impl Store {
    /// Open (or create) the store directory. A store held by another process is
    /// waited for briefly (a process that has just finished may still be letting go
    /// of it), then reported as [`StoreError::Locked`]: never a hang.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        std::fs::create_dir_all(path).map_err(|e| StoreError::Open {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let mut wait = std::time::Duration::from_millis(10);
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(1500);
        loop {
            match sled::Config::new().path(path).mode(sled::Mode::HighThroughput).open() {
                Ok(db) => return Ok(Store { db, durable: true, logs: Arc::default() }),
                Err(sled::Error::Io(e)) if is_lock_error(&e) => {
                    if std::time::Instant::now() >= deadline {
                        return Err(StoreError::Locked { path: shown });
                    }
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(std::time::Duration::from_millis(200));
                }
                Err(e) => {
                    return Err(StoreError::Open {
                        path: shown,
                        reason: e.to_string(),
                    })
                }
            }
        }
    }

    /// A store that lives in memory only (tests, benchmarks of the engine alone).
    pub fn temporary() -> Result<Store, StoreError> {
        let db = sled::Config::new().temporary(true).open()?;
        Ok(Store { db, durable: false, logs: Arc::default() })
    }

    /// In bulk mode commits are not flushed one by one; call [`Store::flush`] at the end.
    pub fn set_bulk(&mut self, bulk: bool) {
        self.durable = !bulk;
    }

    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// Stage an event in `writes`; its sequence number is allocated now. A command
    /// that changes many things (a roster import, a batch of attendance records)
    /// writes them as one event.
    pub fn stage(
        &self,
        writes: &mut Writes,
        scope: &str,
        actor: &Actor,
        rules: Option<&str>,
        actions: Vec<Action>,
    ) -> Result<(), StoreError> {
        let seq = self.db.generate_id()?;
        let event = Event {
            seq,
            who: actor.who.clone(),
            role: actor.role.clone(),
            at: actor.at.clone(),
            rules: rules.map(str::to_owned),
            actions,
        };
        writes.batch.insert(event_key(scope, seq), to_bytes(&event));
        writes.events.push((scope.to_owned(), event));
        Ok(())
    }

    /// Stage a plain key/value write alongside the events.
    pub fn stage_raw(&self, writes: &mut Writes, key: Vec<u8>, value: Vec<u8>) {
        writes.batch.insert(key, value);
    }

    /// Apply everything staged, atomically; durable on return unless in bulk mode.
    pub fn commit(&self, writes: Writes) -> Result<Vec<Event>, StoreError> {
        self.db.apply_batch(writes.batch)?;
        if self.durable {
            self.db.flush()?;
        }
        let mut logs = self.logs.lock().unwrap_or_else(|e| e.into_inner());
        for (scope, event) in &writes.events {
            if let Some(log) = logs.get_mut(scope) {
                Arc::make_mut(log).push(event.clone());
            }
        }
        Ok(writes.events.into_iter().map(|(_, e)| e).collect())
    }

    /// The events of one scope, oldest first.
    pub fn events(&self, scope: &str) -> Result<Arc<Vec<Event>>, StoreError> {
        if let Some(log) = self.logs.lock().unwrap_or_else(|e| e.into_inner()).get(scope) {
            return Ok(log.clone());
        }
        let mut prefix = format!("e/{scope}").into_bytes();
        prefix.push(0);
        let log: Vec<Event> = self
            .db
            .scan_prefix(prefix)
            .map(|item| {
                let (k, v) = item?;
                from_bytes(&k, &v)
            })
            .collect::<Result<_, _>>()?;
        let log = Arc::new(log);
        self.logs.lock().unwrap_or_else(|e| e.into_inner()).insert(scope.to_owned(), log.clone());
        Ok(log)
    }

    /// Scopes whose name starts with `prefix` (e.g. `quarter/b1/`), in key order.
    pub fn scopes(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let mut out: Vec<String> = Vec::new();
        for item in self.db.scan_prefix(format!("e/{prefix}").as_bytes()) {
            let (k, _) = item?;
            let Some(end) = k.iter().position(|b| *b == 0) else { continue };
            let scope = String::from_utf8_lossy(&k[2..end]).into_owned();
            if out.last() != Some(&scope) {
                out.push(scope);
            }
        }
        Ok(out)
    }

    pub fn get_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.db.get(key)?.map(|v| v.to_vec()))
    }

    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        match self.db.get(key.as_bytes())? {
            Some(v) => Ok(Some(from_bytes(key.as_bytes(), &v)?)),
            None => Ok(None),
        }
    }

    /// Values of every key under `prefix`.
    pub fn values<T: DeserializeOwned>(&self, prefix: &str) -> Result<Vec<T>, StoreError> {
        self.db
            .scan_prefix(prefix.as_bytes())
            .map(|item| {
                let (k, v) = item?;
                from_bytes(&k, &v)
            })
            .collect()
    }

    /// Every raw key and value, for audits and tests of what the disk holds.
    pub fn dump(&self) -> Result<Vec<RawEntry>, StoreError> {
        self.db
            .iter()
            .map(|item| {
                let (k, v) = item?;
                Ok((k.to_vec(), v.to_vec()))
            })
            .collect()
    }

    /// A key for a ballot: its prefix, then 16 random bytes.
    pub fn ballot_key(prefix: &str) -> Vec<u8> {
        let mut key = prefix.as_bytes().to_vec();
        let mut random = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut random);
        key.extend_from_slice(hex::encode(random).as_bytes());
        key
    }
}

fn event_key(scope: &str, seq: u64) -> Vec<u8> {
    let mut key = format!("e/{scope}").into_bytes();
    key.push(0);
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

fn is_lock_error(e: &std::io::Error) -> bool {
    let text = e.to_string();
    e.kind() == std::io::ErrorKind::WouldBlock || text.contains("lock") || e.raw_os_error() == Some(11)
}

pub fn to_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    // Serialising our own plain data types to JSON cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

fn from_bytes<T: DeserializeOwned>(key: &[u8], value: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(value).map_err(|e| StoreError::Corrupt {
        key: String::from_utf8_lossy(key).replace('\0', "#"),
        reason: e.to_string(),
    })
}
