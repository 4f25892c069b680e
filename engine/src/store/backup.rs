//! Backups of a store: one point-in-time copy of every key, in a versioned file with a
//! checksum, made from an open [`Store`] (so a running server can make one too), and
//! a restore that checks everything before a new store is created, atomically, from it.
//!
//! The file: the line `shine-store-backup`, the line `version 1`, then each entry as
//! `1`, key length (u32, big-endian), key, value length (u32), value; then `0`, the
//! number of entries (u64), the store's next sequence number (u64), and the SHA-256 of
//! every byte before it (32 bytes).

use super::{durable, keys, log, Store, StoreError};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};
use std::path::Path;

const MAGIC: &[u8] = b"shine-store-backup\n";
/// The version this build writes (and the only one it reads so far).
pub const VERSION: u32 = 1;

/// What a backup holds, as counted while it was written or read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub entries: u64,
    pub events: u64,
    pub bytes: u64,
}

/// Why a backup file was not restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BackupError {
    /// The file does not start as a backup does.
    NotABackup,
    /// A backup of a format version this build does not read.
    Version { found: String },
    /// The file ends before its end mark: cut short.
    Truncated,
    /// The checksum does not match the content: changed or damaged since written.
    Checksum,
    /// The end mark counts another number of entries than the file holds.
    Count { said: u64, found: u64 },
    /// A record inside does not read back.
    Record { key: String, problem: log::Invalid },
    /// Reading the file failed.
    Io { reason: String },
}

impl From<io::Error> for BackupError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            BackupError::Truncated
        } else {
            BackupError::Io { reason: e.to_string() }
        }
    }
}

/// Writes through, hashing and counting what passes.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl Store {
    /// Write a backup of the whole store to `out`: every key as it stands at one
    /// moment (commits wait while it is read).
    pub fn backup(&self, out: &mut impl Write) -> Result<Summary, StoreError> {
        let io = |e: io::Error| StoreError::Io { reason: e.to_string() };
        let _still = self.gate.write().unwrap_or_else(|e| e.into_inner());
        let mut w = Hashing { inner: io::BufWriter::new(out), hash: Sha256::new(), bytes: 0 };
        w.write_all(MAGIC).map_err(io)?;
        w.write_all(format!("version {VERSION}\n").as_bytes()).map_err(io)?;
        let mut summary = Summary { entries: 0, events: 0, bytes: 0 };
        for item in self.db.iter() {
            let (k, v) = item?;
            w.write_all(&[1]).map_err(io)?;
            for part in [&k[..], &v[..]] {
                let len = u32::try_from(part.len()).map_err(|_| StoreError::Encode { reason: format!("entry of {} bytes", part.len()) })?;
                w.write_all(&len.to_be_bytes()).map_err(io)?;
                w.write_all(part).map_err(io)?;
            }
            summary.entries += 1;
            if keys::split_event(&k).is_some() {
                summary.events += 1;
            }
        }
        let next = self.db.generate_id()?;
        w.write_all(&[0]).map_err(io)?;
        w.write_all(&summary.entries.to_be_bytes()).map_err(io)?;
        w.write_all(&next.to_be_bytes()).map_err(io)?;
        let digest = w.hash.clone().finalize();
        w.inner.write_all(&digest).map_err(io)?;
        w.inner.flush().map_err(io)?;
        summary.bytes = w.bytes + digest.len() as u64;
        Ok(summary)
    }
}

/// A backup read whole and checked: the checksum matches, and every record decodes.
#[derive(Debug)]
pub struct Backup {
    entries: Vec<(Vec<u8>, Vec<u8>)>,
    next: u64,
    pub summary: Summary,
}

/// Why a restore did not create the store.
#[derive(Debug)]
pub enum Restore<E> {
    /// The path holds something that is not a store (or, without an aside, anything).
    Occupied,
    Store(StoreError),
    /// The caller's check of the restored store refused it.
    Rejected(E),
}

impl Backup {
    /// Read and check a backup file.
    pub fn read(input: &mut impl Read) -> Result<Backup, BackupError> {
        let mut bytes = Vec::new();
        input.read_to_end(&mut bytes)?;
        let body = bytes.strip_prefix(MAGIC).ok_or(BackupError::NotABackup)?;
        let line_end = body.iter().position(|b| *b == b'\n').ok_or(BackupError::Truncated)?;
        let version = String::from_utf8_lossy(&body[..line_end]).into_owned();
        if version != format!("version {VERSION}") {
            return Err(BackupError::Version { found: version.trim_start_matches("version ").to_owned() });
        }
        if bytes.len() < MAGIC.len() + line_end + 1 + 1 + 16 + 32 {
            return Err(BackupError::Truncated);
        }
        let (content, digest) = bytes.split_at(bytes.len() - 32);
        let mut r = &content[MAGIC.len() + line_end + 1..];
        let mut entries = Vec::new();
        let mut summary = Summary { entries: 0, events: 0, bytes: bytes.len() as u64 };
        let take = |r: &mut &[u8], n: usize| -> Result<Vec<u8>, BackupError> {
            if r.len() < n {
                return Err(BackupError::Truncated);
            }
            let (head, tail) = r.split_at(n);
            *r = tail;
            Ok(head.to_vec())
        };
        let u32_of = |b: Vec<u8>| u32::from_be_bytes(b.try_into().unwrap_or_default()) as usize;
        let u64_of = |b: Vec<u8>| u64::from_be_bytes(b.try_into().unwrap_or_default());
        loop {
            match take(&mut r, 1)?[0] {
                1 => {
                    let klen = u32_of(take(&mut r, 4)?);
                    let k = take(&mut r, klen)?;
                    let vlen = u32_of(take(&mut r, 4)?);
                    let v = take(&mut r, vlen)?;
                    entries.push((k, v));
                }
                0 => break,
                _ => return Err(BackupError::Truncated),
            }
        }
        let said = u64_of(take(&mut r, 8)?);
        let next = u64_of(take(&mut r, 8)?);
        if !r.is_empty() || Sha256::digest(content)[..] != digest[..] {
            return Err(BackupError::Checksum);
        }
        if said != entries.len() as u64 {
            return Err(BackupError::Count { said, found: entries.len() as u64 });
        }
        for (k, v) in &entries {
            if keys::split_event(k).is_some() {
                log::decode(v).map_err(|problem| BackupError::Record { key: super::shown(k), problem })?;
                summary.events += 1;
            } else if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(v) {
                return Err(BackupError::Record { key: super::shown(k), problem: log::Invalid::Shape(e.to_string()) });
            }
        }
        summary.entries = entries.len() as u64;
        Ok(Backup { entries, next, summary })
    }

    /// Create the store at `path` from this backup: built beside it, checked by
    /// `check` (which sees the restored store before anyone else can), then renamed
    /// into place. A store already at `path` is moved to `aside` when one is given;
    /// without one, `path` must not exist or be empty.
    pub fn restore<E>(self, path: &Path, aside: Option<&Path>, check: impl FnOnce(&Store) -> Result<(), E>) -> Result<(), Restore<E>> {
        let mut rejected = None;
        let made = durable::create_replacing(path, aside, |store| {
            let mut batch = sled::Batch::default();
            for (k, v) in self.entries {
                batch.insert(k, v);
            }
            store.db.apply_batch(batch)?;
            while store.db.generate_id()? < self.next {}
            store.flush()?;
            match check(store) {
                Ok(()) => Ok(true),
                Err(e) => {
                    rejected = Some(e);
                    Ok(false)
                }
            }
        });
        match (made, rejected) {
            (_, Some(e)) => Err(Restore::Rejected(e)),
            (Ok(()), None) => Ok(()),
            (Err(durable::CreateError::NotAStore), None) => Err(Restore::Occupied),
            (Err(durable::CreateError::Store(e)), None) => Err(Restore::Store(e)),
            (Err(durable::CreateError::Io(e)), None) => Err(Restore::Store(StoreError::Io { reason: e.to_string() })),
            (Err(durable::CreateError::Abandoned), None) => Err(Restore::Occupied),
        }
    }
}

/// Whether `path` holds a store (its data file is there).
pub fn is_store(path: &Path) -> bool {
    durable::is_store(path)
}

pub use durable::write_atomically;
