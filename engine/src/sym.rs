//! Interned short texts: statuses, clause names, kinds, roles — the enum-valued
//! texts of the facts, each read for every member of every tally.
//!
//! A [`Sym`] is a 4-byte id into a process-wide table of leaked strings, so a life
//! record is 8 bytes instead of 32, and a rule comparing a field with a literal
//! compares two ids (the literal is interned once, when the rules are compiled).
//! Reading the text back is lock-free. Interning takes a lock and leaks each distinct
//! text once: only texts drawn from a small set (the variants declared by `enum`s in
//! `rules/`) belong in a `Sym`; free text stays a `String`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashMap;
use std::sync::{OnceLock, PoisonError, RwLock};

/// An interned text. Equality and hashing are by id; ordering is by text.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sym(u32);

/// The first chunk of the table holds `FIRST` ids, each next one twice as many: 23
/// chunks cover every `u32`, and a chunk, once made, never moves.
const FIRST: u64 = 1024;
const CHUNKS: usize = 23;

type Chunk = Box<[OnceLock<&'static str>]>;

static NAMES: [OnceLock<Chunk>; CHUNKS] = [const { OnceLock::new() }; CHUNKS];
static IDS: OnceLock<RwLock<HashMap<&'static str, u32>>> = OnceLock::new();

/// The chunk and the index in it of an id.
fn slot(id: u32) -> (usize, usize) {
    let n = u64::from(id) + FIRST;
    let k = (63 - n.leading_zeros()) as usize - FIRST.trailing_zeros() as usize;
    (k, (n - (FIRST << k)) as usize)
}

fn ids() -> &'static RwLock<HashMap<&'static str, u32>> {
    IDS.get_or_init(|| RwLock::new(HashMap::from([("", 0)])))
}

impl Sym {
    /// The empty text.
    pub const EMPTY: Sym = Sym(0);

    /// The id: distinct texts have distinct ids, small and dense in the order they
    /// were first interned (a table indexed by id stays small).
    #[inline(always)]
    pub fn id(self) -> u32 {
        self.0
    }

    /// The symbol for `s`, interning it if it is new.
    pub fn new(s: &str) -> Sym {
        if s.is_empty() {
            return Sym::EMPTY;
        }
        if let Some(&id) = ids().read().unwrap_or_else(PoisonError::into_inner).get(s) {
            return Sym(id);
        }
        let mut map = ids().write().unwrap_or_else(PoisonError::into_inner);
        if let Some(&id) = map.get(s) {
            return Sym(id);
        }
        let id = u32::try_from(map.len()).unwrap_or(u32::MAX);
        let text: &'static str = Box::leak(s.to_owned().into_boxed_str());
        let (k, i) = slot(id);
        let chunk = NAMES[k].get_or_init(|| (0..(FIRST << k)).map(|_| OnceLock::new()).collect());
        let _ = chunk[i].set(text);
        map.insert(text, id);
        Sym(id)
    }

    /// The text, without taking a lock.
    #[inline]
    pub fn as_str(self) -> &'static str {
        let (k, i) = slot(self.0);
        NAMES[k].get().and_then(|c| c[i].get()).copied().unwrap_or("")
    }
}

impl Default for Sym {
    fn default() -> Sym {
        Sym::EMPTY
    }
}

impl std::ops::Deref for Sym {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Sym {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Sym {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialOrd for Sym {
    fn partial_cmp(&self, other: &Sym) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Sym {
    fn cmp(&self, other: &Sym) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::fmt::Display for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<&str> for Sym {
    fn from(s: &str) -> Sym {
        Sym::new(s)
    }
}

impl From<&String> for Sym {
    fn from(s: &String) -> Sym {
        Sym::new(s)
    }
}

impl From<String> for Sym {
    fn from(s: String) -> Sym {
        Sym::new(&s)
    }
}

impl From<Sym> for String {
    fn from(s: Sym) -> String {
        s.as_str().to_owned()
    }
}

impl PartialEq<str> for Sym {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Sym {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Sym> for str {
    fn eq(&self, other: &Sym) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Sym> for String {
    fn eq(&self, other: &Sym) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Sym> for &str {
    fn eq(&self, other: &Sym) -> bool {
        *self == other.as_str()
    }
}

impl Serialize for Sym {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Sym {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Sym, D::Error> {
        String::deserialize(d).map(Sym::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_twice_gives_the_same_symbol_and_text() {
        let a = Sym::new("unexcused");
        assert_eq!(a, Sym::new(&String::from("unexcused")));
        assert_eq!(a.as_str(), "unexcused");
        assert_ne!(a, Sym::new("excused"));
        assert_eq!(Sym::new(""), Sym::EMPTY);
        assert_eq!(Sym::EMPTY.as_str(), "");
    }

    #[test]
    fn slots_cover_chunk_boundaries() {
        assert_eq!(slot(0), (0, 0));
        assert_eq!(slot(1023), (0, 1023));
        assert_eq!(slot(1024), (1, 0));
        assert_eq!(slot(3071), (1, 2047));
        assert_eq!(slot(3072), (2, 0));
        assert_eq!(slot(u32::MAX).0, CHUNKS - 1);
    }

    #[test]
    fn serializes_as_plain_text() {
        let s = Sym::new("x3");
        assert_eq!(serde_json::to_string(&s).unwrap_or_default(), "\"x3\"");
        let back: Sym = serde_json::from_str("\"x3\"").unwrap_or_default();
        assert_eq!(back, s);
        assert!(Sym::new("b") > Sym::new("a"));
    }
}
