//! Every key of the store, built here and nowhere else.
//!
//! - `e/<scope>\0<seq>`: the event log of a [`Scope`]; current state is a fold over it.
//! - `i/m/<member>`: which branch a member belongs to (an index, written with the
//!   event that imports the member).
//! - `i/n/<name in hex>/<member>`: the branch of a member by name (an index, written
//!   with the event that imports the member; a key left by an earlier name is told
//!   apart by reading the roster). `m/index/names`: set once the name index covers
//!   every roster (a store written before it had one is indexed by its next import).
//! - `i/u/<unit>`: a unit of the tree with its place in the order units were added;
//!   `i/c/<parent>/<unit>`: the units under a parent (indexes, written with the event
//!   that adds the unit). `m/index/units`: set once they cover every unit (a store
//!   written before them is indexed by its next `org add`).
//! - `r/<hash>`, `w/<hash>`: rule sets and workflows by content hash, so a quarter keeps
//!   running under the definitions it was opened with; `m/rules-in-force`: the hash of
//!   the rule set last used to open a quarter.
//! - `q/<branch>/<quarter>`: the quarters a branch has opened (written with the event
//!   that opens one).
//! - `b/<branch>/<quarter>/<round>/<random>`: ballots' contents (one ballot cast with a
//!   code; before voting codes, the named ballots of one command, shuffled) — no voter,
//!   no code, no time, no sequence number; the key is random so the tree's order says
//!   nothing either.
//! - `c/<branch>/<quarter>/<round>/<SHA-256 of the code, hex>`: a voting code's state
//!   (unused, used, void); the code itself is never stored.

use crate::domain::{MemberId, Quarter, RulesHash, UnitId, WorkflowHash};
use rand::RngCore;

/// The log an event belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// The organization tree.
    Org,
    /// A branch's roster, organizational life and findings.
    Branch(UnitId),
    /// One branch's quarter.
    Quarter(UnitId, Quarter),
    /// One level's quarter in the escalation chain.
    Chain(UnitId, Quarter),
    /// Credentials for pulling over HTTP.
    Access,
    /// Accounts of the web workspace.
    Users,
}

impl Scope {
    /// The scope's name inside keys: `org`, `branch/b1`, `quarter/b1/2026Q4`, ….
    pub fn name(&self) -> String {
        match self {
            Scope::Org => "org".into(),
            Scope::Branch(b) => format!("branch/{b}"),
            Scope::Quarter(b, q) => format!("quarter/{b}/{q}"),
            Scope::Chain(u, q) => format!("chain/{u}/{q}"),
            Scope::Access => "access".into(),
            Scope::Users => "users".into(),
        }
    }

    /// The scope a name stands for; `None` for a name no version of shine wrote.
    pub fn parse(name: &str) -> Option<Scope> {
        let parts: Vec<&str> = name.split('/').collect();
        match parts.as_slice() {
            ["org"] => Some(Scope::Org),
            ["access"] => Some(Scope::Access),
            ["users"] => Some(Scope::Users),
            ["branch", b] => Some(Scope::Branch(UnitId::read(b)?)),
            ["quarter", b, q] => Some(Scope::Quarter(UnitId::read(b)?, q.parse().ok()?)),
            ["chain", u, q] => Some(Scope::Chain(UnitId::read(u)?, q.parse().ok()?)),
            _ => None,
        }
    }
}

/// The scopes of one kind for one unit, for listing.
#[derive(Debug, Clone, Copy)]
pub enum ScopesOf<'a> {
    /// `chain/<unit>/…`: the quarters a level has chain records for.
    Chain(&'a UnitId),
}

impl ScopesOf<'_> {
    pub(crate) fn prefix(self) -> Vec<u8> {
        match self {
            ScopesOf::Chain(u) => format!("e/chain/{u}/").into_bytes(),
        }
    }
}

const EVENT: &[u8] = b"e/";

pub(crate) fn event(scope: &Scope, seq: u64) -> Vec<u8> {
    let mut key = event_prefix(scope);
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

/// The prefix of every event key of `scope` (the name, then a NUL).
pub(crate) fn event_prefix(scope: &Scope) -> Vec<u8> {
    let mut key = EVENT.to_vec();
    key.extend_from_slice(scope.name().as_bytes());
    key.push(0);
    key
}

/// Every event key starts so.
pub(crate) fn all_events() -> &'static [u8] {
    EVENT
}

/// The scope name and sequence number of an event key.
pub(crate) fn split_event(key: &[u8]) -> Option<(&str, u64)> {
    let rest = key.strip_prefix(EVENT)?;
    let nul = rest.iter().position(|b| *b == 0)?;
    let name = std::str::from_utf8(&rest[..nul]).ok()?;
    let seq: [u8; 8] = rest.get(nul + 1..)?.try_into().ok()?;
    Some((name, u64::from_be_bytes(seq)))
}

pub(crate) fn member_index(member: &MemberId) -> Vec<u8> {
    format!("i/m/{member}").into_bytes()
}

/// The prefix of the name index's keys for `name` (hex: no separator can occur in it).
pub(crate) fn named(name: &str) -> Vec<u8> {
    format!("i/n/{}/", hex::encode(name)).into_bytes()
}

pub(crate) fn name_index(name: &str, member: &MemberId) -> Vec<u8> {
    let mut key = named(name);
    key.extend_from_slice(member.as_str().as_bytes());
    key
}

/// Set when the name index covers every roster.
pub(crate) fn names_indexed() -> Vec<u8> {
    b"m/index/names".to_vec()
}

pub(crate) fn unit_index(unit: &str) -> Vec<u8> {
    format!("i/u/{unit}").into_bytes()
}

/// The prefix of the keys of the units under `parent` (no unit id holds a `/`).
pub(crate) fn children_of(parent: &str) -> Vec<u8> {
    format!("i/c/{parent}/").into_bytes()
}

pub(crate) fn child_index(parent: &str, unit: &str) -> Vec<u8> {
    let mut key = children_of(parent);
    key.extend_from_slice(unit.as_bytes());
    key
}

/// Set when the unit indexes cover every unit.
pub(crate) fn units_indexed() -> Vec<u8> {
    b"m/index/units".to_vec()
}

/// The prefix of every branch log's keys: the rosters, life and findings.
pub(crate) fn branch_logs() -> &'static [u8] {
    b"e/branch/"
}

pub(crate) fn rules(hash: &RulesHash) -> Vec<u8> {
    format!("r/{hash}").into_bytes()
}

pub(crate) fn workflow(hash: &WorkflowHash) -> Vec<u8> {
    format!("w/{hash}").into_bytes()
}

pub(crate) fn rules_in_force() -> Vec<u8> {
    b"m/rules-in-force".to_vec()
}

pub(crate) fn quarter_index(branch: &UnitId, quarter: Quarter) -> Vec<u8> {
    format!("q/{branch}/{quarter}").into_bytes()
}

pub(crate) fn quarters_of(branch: &UnitId) -> Vec<u8> {
    format!("q/{branch}/").into_bytes()
}

/// The ballots of one round, for counting.
pub(crate) fn ballots_of(branch: &UnitId, quarter: Quarter, round: i64) -> Vec<u8> {
    format!("b/{branch}/{quarter}/{round}/").into_bytes()
}

/// A fresh key for a box of ballots: the round's prefix, then 16 random bytes.
pub(crate) fn ballot(branch: &UnitId, quarter: Quarter, round: i64) -> Vec<u8> {
    let mut key = ballots_of(branch, quarter, round);
    let mut random = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut random);
    key.extend_from_slice(hex::encode(random).as_bytes());
    key
}

/// Where the ballots of a voting held again are sealed: the round's place under `bv/`,
/// the voting's number (1 for the first held again), then the ballot box's own random
/// part. Kept, never counted.
pub(crate) fn sealed_ballot(branch: &UnitId, quarter: Quarter, round: i64, voting: usize, ballot_key: &[u8]) -> Vec<u8> {
    let random = ballot_key.rsplit(|b| *b == b'/').next().unwrap_or_default();
    let mut key = format!("bv/{branch}/{quarter}/{round}/{voting}/").into_bytes();
    key.extend_from_slice(random);
    key
}

/// The voting codes of one round.
pub(crate) fn codes_of(branch: &UnitId, quarter: Quarter, round: i64) -> Vec<u8> {
    format!("c/{branch}/{quarter}/{round}/").into_bytes()
}

/// A voting code's record: the round's prefix, then the code's digest in hex.
pub(crate) fn code(branch: &UnitId, quarter: Quarter, round: i64, digest: &[u8; 32]) -> Vec<u8> {
    let mut key = codes_of(branch, quarter, round);
    key.extend_from_slice(hex::encode(digest).as_bytes());
    key
}

#[cfg(test)]
#[path = "../tests/keys.rs"]
mod tests;
