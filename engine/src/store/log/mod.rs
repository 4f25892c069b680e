//! The event log's records on disk, versioned.
//!
//! An event is written as JSON of the current version's record type (`v1`), with
//! its version in the field `v`; a record without `v` is version 0, written before
//! the log had versions (`v0`). Reading turns a record of any known version into the
//! engine's [`Event`]; a record that fails to encode or decode is an error, never an
//! empty value.

mod v0;
mod v1;

use crate::event::Event;
use serde::Serialize;

/// Why a stored record could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum Invalid {
    /// Not JSON, or not the shape of any version's record.
    Shape(String),
    /// A version this build does not know (written by a newer shine).
    Version(u32),
    /// An id that could never have been recorded.
    Id(String),
    /// A timestamp that is not RFC 3339.
    Time(String),
    /// A quarter not written `2026Q4`.
    Quarter(String),
    /// A content hash that is not 64 hex digits.
    Hash(String),
}

/// The version this build writes.
pub const CURRENT: u32 = v1::VERSION;

pub(crate) fn encode(event: &Event) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(&v1::record(event))
}

/// The event a record holds, whatever version wrote it (also for audits that read
/// the raw store).
pub fn decode(bytes: &[u8]) -> Result<Event, Invalid> {
    let shape = |e: serde_json::Error| Invalid::Shape(e.to_string());
    match version_of(bytes).map_err(shape)? {
        0 => v0::event(serde_json::from_slice(bytes).map_err(shape)?),
        1 => v1::event(serde_json::from_slice(bytes).map_err(shape)?),
        v => Err(Invalid::Version(u32::try_from(v).unwrap_or(u32::MAX))),
    }
}

/// Only the version field of a record; everything else is skipped unread.
#[derive(serde::Deserialize)]
struct Probe {
    #[serde(default)]
    v: u64,
}

/// The version of a record without decoding the rest: 0 when it has none.
pub(crate) fn version_of(bytes: &[u8]) -> Result<u64, serde_json::Error> {
    serde_json::from_slice::<Probe>(bytes).map(|p| p.v)
}

#[cfg(test)]
#[path = "../../tests/log_frozen.rs"]
mod tests;
