//! The sled store: one directory, one tree, keys by prefix (all built in [`keys`]),
//! events as versioned records ([`log`]).
//!
//! Every command writes one [`sled::Batch`], applied atomically, and is flushed before
//! it returns (unless the caller asked for bulk mode and flushes at the end). A crash
//! therefore leaves either the whole command or none of it.
//!
//! Ballot contents are kept apart from who voted: a ballot is stored under a random
//! key with only the choices, written with its code's record marked used and no
//! event; the record that a member received a code is one `CodesIssued` action for
//! every voter of the round, written with the codes' records (keyed by their
//! SHA-256) in the one batch. (Stores written before voting codes hold named
//! ballots: a `Voted` action per voter, the ballots apart under random keys.)

pub mod backup;
mod durable;
pub mod cache;
pub mod keys;
pub mod log;

use crate::domain::{Actor, MemberId, Quarter, RulesHash, UnitId, WorkflowHash};
use crate::event::{Action, Event};
use crate::rules::SourceFile;
pub use keys::{Scope, ScopesOf};
use serde::{de::DeserializeOwned, Serialize};
use cache::Lru;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

/// A voting code's state, as its record holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeState {
    Unused,
    Used,
    /// Voided: issued again in its place, or the voting closed before it voted.
    Void,
}

/// What went wrong underneath: the disk, or a record we cannot read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StoreError {
    /// Another process holds the store.
    Locked { path: String },
    /// The directory cannot be opened as a store.
    Open { path: String, reason: String },
    /// The directory holds a store that sled cannot read any more (damaged on disk).
    Damaged { path: String, reason: String },
    /// The directory exists, is not empty and holds no store: nothing is created in it.
    NotAStore { path: String },
    /// Reading or writing failed.
    Io { reason: String },
    /// A stored record does not read back.
    Corrupt { key: String, problem: log::Invalid },
    /// A value could not be written as a record.
    Encode { reason: String },
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Io { reason: e.to_string() }
    }
}

/// A unit as the unit index keeps it: the unit, and its place in the order units
/// were added to the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct IndexedUnit {
    pub at: usize,
    pub id: UnitId,
    pub name: String,
    pub kind: String,
    pub parent: Option<UnitId>,
}

impl IndexedUnit {
    pub fn new(at: usize, unit: &crate::entity::Unit) -> IndexedUnit {
        IndexedUnit { at, id: unit.id.clone(), name: unit.name.clone(), kind: unit.kind.clone(), parent: unit.parent.clone() }
    }

    pub fn unit(&self) -> crate::entity::Unit {
        crate::entity::Unit { id: self.id.clone(), name: self.name.clone(), kind: self.kind.clone(), parent: self.parent.clone() }
    }
}

/// A key and its value as they lie in the store.
pub type RawEntry = (Vec<u8>, Vec<u8>);

/// An open store.
///
/// Event logs read are kept in memory and extended on every commit. That is sound
/// because sled lets only one process open a store directory, and every write of this
/// process goes through [`Store::commit`]. The logs kept are bounded by the size of
/// their records ([`LOG_CACHE_BYTES`]), the least recently used dropped first: a log
/// dropped is read again from sled when next asked for.
///
/// Within the process, a decision and the write it leads to happen under one lock
/// ([`Store::exclusive`]), so two requests served at once cannot both see "not yet
/// recorded" and both record it.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    durable: bool,
    logs: Arc<Mutex<Lru<Scope, Arc<Vec<Event>>>>>,
    writer: Arc<parking_lot::ReentrantMutex<()>>,
    /// Commits share it; a backup takes it alone, so it reads one moment's keys.
    gate: Arc<RwLock<()>>,
}

/// How many bytes of encoded records the event logs kept in memory may hold (about
/// three times that in memory), unless [`Store::set_log_cache`] says otherwise.
pub const LOG_CACHE_BYTES: usize = 16 << 20;

fn log_cache() -> Arc<Mutex<Lru<Scope, Arc<Vec<Event>>>>> {
    Arc::new(Mutex::new(Lru::new(LOG_CACHE_BYTES)))
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
    /// Each event with the size of its record.
    events: Vec<(Scope, Event, usize)>,
}

impl Writes {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// A plain value, already [`encode`]d, under a key of [`keys`], beside the events.
    pub(crate) fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.batch.insert(key, value);
    }

    /// A plain value removed, in the same batch.
    pub(crate) fn remove(&mut self, key: Vec<u8>) {
        self.batch.remove(key);
    }
}

/// A key and its value, encoded, as the store holds them.
pub(crate) type Stored = (Vec<u8>, Vec<u8>);

/// A plain value (not an event) as the store keeps it.
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Encode { reason: e.to_string() })
}

/// What `check` found: every record decoded or not, and how many of each version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogCheck {
    pub events: usize,
    pub scopes: usize,
    /// Events by the version of the record that holds them.
    pub versions: BTreeMap<u64, usize>,
    /// Records that do not decode, by key (the scope name and sequence number).
    pub unreadable: Vec<(String, log::Invalid)>,
    /// Event keys whose scope name no version of shine writes.
    pub unknown_scopes: Vec<String>,
}

impl Store {
    /// Open the store directory, creating it first if there is none.
    ///
    /// Crash-proof on both paths (see [`durable`]): a new store is built beside the
    /// given path and renamed into place whole, so no command ever meets a half-made
    /// store; an existing one is cleared, under sled's own lock, of the snapshot file a
    /// killed process may have left half-written (sled 0.34 would take it as the newest
    /// snapshot and never open again). A store held by another process is waited for
    /// briefly (a process that has just finished may still be letting go of it), then
    /// reported as [`StoreError::Locked`]: never a hang. A directory sled still cannot
    /// open is [`StoreError::Damaged`].
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        let open_err = |e: std::io::Error| StoreError::Open { path: shown.clone(), reason: e.to_string() };
        durable::sweep(path);
        if !durable::is_store(path) {
            durable::create(path).map_err(|e| match e {
                durable::CreateError::NotAStore | durable::CreateError::Abandoned => StoreError::NotAStore { path: shown.clone() },
                durable::CreateError::Io(e) => open_err(e),
                durable::CreateError::Store(e) => e,
            })?;
        }
        let mut wait = std::time::Duration::from_millis(10);
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(1500);
        loop {
            let attempt = match durable::clear_stale_snapshots(path) {
                Ok(true) => Store::open_sled(path),
                Ok(false) => Err(StoreError::Locked { path: shown.clone() }),
                Err(e) => return Err(open_err(e)),
            };
            match attempt {
                Err(StoreError::Locked { .. }) => {
                    if std::time::Instant::now() >= deadline {
                        return Err(StoreError::Locked { path: shown });
                    }
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(std::time::Duration::from_millis(200));
                }
                other => return other,
            }
        }
    }

    /// sled's own open of a directory known to hold a store, its errors sorted.
    fn open_sled(path: &Path) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        match sled::Config::new().path(path).mode(sled::Mode::HighThroughput).open() {
            Ok(db) => Ok(Store { db, durable: true, logs: log_cache(), writer: Arc::default(), gate: Arc::default() }),
            Err(sled::Error::Io(e)) if is_lock_error(&e) => Err(StoreError::Locked { path: shown }),
            Err(sled::Error::Io(e)) => Err(StoreError::Open { path: shown, reason: e.to_string() }),
            Err(e) => Err(StoreError::Damaged { path: shown, reason: e.to_string() }),
        }
    }

    /// A store that lives in memory only (tests, benchmarks of the engine alone).
    pub fn temporary() -> Result<Store, StoreError> {
        let db = sled::Config::new().temporary(true).open()?;
        Ok(Store { db, durable: false, logs: log_cache(), writer: Arc::default(), gate: Arc::default() })
    }

    /// The store's writer lock, held until the guard drops: what is read while it is
    /// held decides what is written, with no other write of this process in between.
    /// Reentrant, so an operation may call another under the same lock.
    pub fn exclusive(&self) -> parking_lot::ReentrantMutexGuard<'_, ()> {
        self.writer.lock()
    }

    /// In bulk mode commits are not flushed one by one; call [`Store::flush`] at the end.
    pub fn set_bulk(&mut self, bulk: bool) {
        self.durable = !bulk;
    }

    /// Bound the event logs kept in memory to `bytes` of encoded records.
    pub fn set_log_cache(&self, bytes: usize) {
        self.logs.lock().unwrap_or_else(|e| e.into_inner()).set_limit(bytes);
    }

    /// The event logs kept in memory now: how many, and the bytes of their records.
    pub fn log_cache_held(&self) -> (usize, usize) {
        let logs = self.logs.lock().unwrap_or_else(|e| e.into_inner());
        (logs.len(), logs.weight())
    }

    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// Stage an event in `writes`; its sequence number is allocated now. A command
    /// that changes many things (a roster import, a batch of attendance records)
    /// writes them as one event.
    pub(crate) fn stage(
        &self,
        writes: &mut Writes,
        scope: &Scope,
        actor: &Actor,
        rules: Option<&RulesHash>,
        actions: Vec<Action>,
    ) -> Result<(), StoreError> {
        let seq = self.db.generate_id()?;
        let event = Event { seq, who: actor.who.clone(), role: actor.role.clone(), at: actor.at, rules: rules.cloned(), actions };
        let bytes = log::encode(&event).map_err(|e| StoreError::Encode { reason: e.to_string() })?;
        let size = bytes.len();
        writes.batch.insert(keys::event(scope, seq), bytes);
        writes.events.push((scope.clone(), event, size));
        Ok(())
    }

    /// Apply everything staged, atomically; durable on return unless in bulk mode.
    pub(crate) fn commit(&self, writes: Writes) -> Result<(), StoreError> {
        let still = self.gate.read().unwrap_or_else(|e| e.into_inner());
        self.db.apply_batch(writes.batch)?;
        drop(still);
        if self.durable {
            self.db.flush()?;
        }
        let mut logs = self.logs.lock().unwrap_or_else(|e| e.into_inner());
        for (scope, event, size) in writes.events {
            if let Some(log) = logs.get(&scope) {
                // A log read from sled after the batch was applied holds the event already.
                if !log.iter().rev().take_while(|e| e.seq >= event.seq).any(|e| e.seq == event.seq) {
                    Arc::make_mut(log).push(event);
                    logs.grow(&scope, size);
                }
            }
        }
        Ok(())
    }

    /// The events of one scope, oldest first. A log not in memory is read while the
    /// cache is held, so no commit of another thread can slip between the read and
    /// the caching.
    pub fn events(&self, scope: &Scope) -> Result<Arc<Vec<Event>>, StoreError> {
        let mut logs = self.logs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(log) = logs.get(scope) {
            return Ok(log.clone());
        }
        let mut size = 0;
        let log: Vec<Event> = self
            .db
            .scan_prefix(keys::event_prefix(scope))
            .map(|item| {
                let (k, v) = item?;
                size += v.len();
                log::decode(&v).map_err(|problem| corrupt(&k, problem))
            })
            .collect::<Result<_, _>>()?;
        let log = Arc::new(log);
        logs.insert(scope.clone(), log.clone(), size);
        Ok(log)
    }

    /// The quarters a level has chain records for, oldest first.
    pub fn chain_quarters(&self, unit: &UnitId) -> Result<Vec<Quarter>, StoreError> {
        let mut out: Vec<Quarter> = Vec::new();
        for item in self.db.scan_prefix(ScopesOf::Chain(unit).prefix()) {
            let (k, _) = item?;
            let Some((name, _)) = keys::split_event(&k) else { continue };
            if let Some(Scope::Chain(_, q)) = Scope::parse(name) {
                if out.last() != Some(&q) {
                    out.push(q);
                }
            }
        }
        Ok(out)
    }

    /// The quarters a branch has opened, oldest first.
    pub fn quarters_of(&self, branch: &UnitId) -> Result<Vec<Quarter>, StoreError> {
        let mut out: Vec<Quarter> = self.values(&keys::quarters_of(branch))?;
        out.sort();
        Ok(out)
    }

    /// The branch a member belongs to.
    pub fn member_branch(&self, member: &MemberId) -> Result<Option<UnitId>, StoreError> {
        self.get(&keys::member_index(member))
    }

    /// The members the name index holds under `name`, with their branch, in no
    /// particular order; a member renamed since may be among them. `None` when the
    /// index does not cover every roster yet (see [`keys`]).
    pub fn members_named(&self, name: &str) -> Result<Option<Vec<(MemberId, UnitId)>>, StoreError> {
        if !self.names_indexed()? {
            return Ok(None);
        }
        let prefix = keys::named(name);
        self.db
            .scan_prefix(&prefix)
            .map(|item| {
                let (k, v) = item?;
                let text = String::from_utf8_lossy(&k[prefix.len()..]).into_owned();
                let id = MemberId::parse(&text).map_err(|_| corrupt(&k, log::Invalid::Id(text)))?;
                Ok((id, value(&k, &v)?))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// The name index covers every roster: it was completed, or no roster exists.
    pub(crate) fn names_indexed(&self) -> Result<bool, StoreError> {
        Ok(self.names_index_complete()? || self.db.scan_prefix(keys::branch_logs()).next().transpose()?.is_none())
    }

    /// The name index was completed (by a roster import).
    pub(crate) fn names_index_complete(&self) -> Result<bool, StoreError> {
        Ok(self.db.contains_key(keys::names_indexed())?)
    }

    /// A unit from the unit index (see [`keys`]); only meaningful once
    /// [`Store::units_indexed`] holds.
    pub fn indexed_unit(&self, id: &str) -> Result<Option<IndexedUnit>, StoreError> {
        self.get(&keys::unit_index(id))
    }

    /// The units directly under `parent`, from the unit index, in no particular order.
    pub fn indexed_children(&self, parent: &str) -> Result<Vec<UnitId>, StoreError> {
        let prefix = keys::children_of(parent);
        self.db
            .scan_prefix(&prefix)
            .map(|item| {
                let (k, _) = item?;
                let text = String::from_utf8_lossy(&k[prefix.len()..]).into_owned();
                UnitId::parse(&text).map_err(|_| corrupt(&k, log::Invalid::Id(text)))
            })
            .collect()
    }

    /// The unit indexes cover every unit: they were completed, or the tree is empty.
    pub fn units_indexed(&self) -> Result<bool, StoreError> {
        Ok(self.units_index_complete()? || self.db.scan_prefix(keys::event_prefix(&Scope::Org)).next().transpose()?.is_none())
    }

    /// The unit indexes were completed (by adding a unit).
    pub(crate) fn units_index_complete(&self) -> Result<bool, StoreError> {
        Ok(self.db.contains_key(keys::units_indexed())?)
    }

    /// The files of a rule set stored by `quarter open` or `rules adopt`.
    pub fn rule_files(&self, hash: &RulesHash) -> Result<Option<Vec<SourceFile>>, StoreError> {
        self.get(&keys::rules(hash))
    }

    /// The rule set last used to open a quarter.
    pub fn rules_in_force(&self) -> Result<Option<RulesHash>, StoreError> {
        self.get(&keys::rules_in_force())
    }

    /// A workflow file stored by `quarter open`.
    pub fn workflow_file(&self, hash: &WorkflowHash) -> Result<Option<SourceFile>, StoreError> {
        self.get(&keys::workflow(hash))
    }

    /// Every ballot of one round: each the choices of one voter, in no order that
    /// says anything about the voters.
    pub fn ballots(&self, branch: &UnitId, quarter: Quarter, round: i64) -> Result<Vec<Vec<MemberId>>, StoreError> {
        let boxes: Vec<Vec<Vec<MemberId>>> = self.values(&keys::ballots_of(branch, quarter, round))?;
        Ok(boxes.into_iter().flatten().collect())
    }

    /// Every ballot box of one round as stored: its key and its encoded value.
    pub(crate) fn ballot_boxes(&self, branch: &UnitId, quarter: Quarter, round: i64) -> Result<Vec<Stored>, StoreError> {
        self.db.scan_prefix(keys::ballots_of(branch, quarter, round)).map(|item| Ok(item.map(|(k, v)| (k.to_vec(), v.to_vec()))?)).collect()
    }

    /// The state of one voting code of a round, if the round issued it.
    pub(crate) fn code_state(&self, branch: &UnitId, quarter: Quarter, round: i64, digest: &[u8; 32]) -> Result<Option<CodeState>, StoreError> {
        self.get(&keys::code(branch, quarter, round, digest))
    }

    /// Every voting code of a round: its key and state.
    pub(crate) fn codes(&self, branch: &UnitId, quarter: Quarter, round: i64) -> Result<Vec<(Vec<u8>, CodeState)>, StoreError> {
        self.db
            .scan_prefix(keys::codes_of(branch, quarter, round))
            .map(|item| {
                let (k, v) = item?;
                Ok((k.to_vec(), value(&k, &v)?))
            })
            .collect()
    }

    fn get<T: DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.db.get(key)? {
            Some(v) => Ok(Some(value(key, &v)?)),
            None => Ok(None),
        }
    }

    /// Values of every key under `prefix`.
    fn values<T: DeserializeOwned>(&self, prefix: &[u8]) -> Result<Vec<T>, StoreError> {
        self.db
            .scan_prefix(prefix)
            .map(|item| {
                let (k, v) = item?;
                value(&k, &v)
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

    /// What the store holds, one line per key, independent of how it came to be:
    /// event keys numbered by position in their log instead of sequence number (and
    /// the record without it), ballot and code keys without their random part; sorted. Two
    /// stores that read the same have the same content.
    pub fn content(&self) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        let mut scope = (String::new(), 0usize);
        for (k, v) in self.dump()? {
            let mut value: serde_json::Value = serde_json::from_slice(&v).map_err(|e| corrupt(&k, log::Invalid::Shape(e.to_string())))?;
            let key = if let Some((name, _)) = keys::split_event(&k) {
                if scope.0 != name {
                    scope = (name.to_owned(), 0);
                }
                scope.1 += 1;
                if let Some(record) = value.as_object_mut() {
                    record.remove("seq");
                }
                format!("e/{name}#{}", scope.1)
            } else if k.starts_with(b"b/") || k.starts_with(b"bv/") || k.starts_with(b"c/") {
                let text = shown(&k);
                text.rsplit_once('/').map(|(round, _)| format!("{round}/*")).unwrap_or(text)
            } else {
                shown(&k)
            };
            out.push(format!("{key} = {value}"));
        }
        out.sort();
        Ok(out)
    }

    /// Read every event record back: which decode, which do not, of which version.
    pub fn check_log(&self) -> Result<LogCheck, StoreError> {
        let mut check = LogCheck {
            events: 0,
            scopes: 0,
            versions: BTreeMap::new(),
            unreadable: Vec::new(),
            unknown_scopes: Vec::new(),
        };
        let mut last_scope = String::new();
        for item in self.db.scan_prefix(keys::all_events()) {
            let (k, v) = item?;
            let Some((name, seq)) = keys::split_event(&k) else {
                check.unknown_scopes.push(shown(&k));
                continue;
            };
            if name != last_scope {
                check.scopes += 1;
                last_scope = name.to_owned();
                if Scope::parse(name).is_none() {
                    check.unknown_scopes.push(name.to_owned());
                }
            }
            check.events += 1;
            if let Ok(version) = log::version_of(&v) {
                *check.versions.entry(version).or_default() += 1;
            }
            if let Err(problem) = log::decode(&v) {
                check.unreadable.push((format!("{name}#{seq}"), problem));
            }
        }
        Ok(check)
    }
}

fn value<T: DeserializeOwned>(key: &[u8], bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| corrupt(key, log::Invalid::Shape(e.to_string())))
}

fn corrupt(key: &[u8], problem: log::Invalid) -> StoreError {
    StoreError::Corrupt { key: shown(key), problem }
}

/// A key as text, its NUL separator shown as `#`.
fn shown(key: &[u8]) -> String {
    String::from_utf8_lossy(key).replace('\0', "#")
}

fn is_lock_error(e: &std::io::Error) -> bool {
    let text = e.to_string();
    e.kind() == std::io::ErrorKind::WouldBlock || text.contains("lock") || e.raw_os_error() == Some(11)
}
