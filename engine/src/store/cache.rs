//! A map bounded by weight that evicts the least recently used entries first: the
//! store's event logs (weighed in encoded bytes) and the states folded from them
//! (counted) are kept in one, so a process's memory does not grow with the size of the
//! organisation it reads.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

/// Entries with a weight each; while the total is over the limit, the least recently
/// used are dropped (never the one just inserted or grown, so one entry heavier than
/// the limit is still kept until another is used).
#[derive(Debug)]
pub struct Lru<K, V> {
    map: HashMap<K, Entry<V>>,
    /// Keys by the tick of their last use, oldest first.
    order: BTreeMap<u64, K>,
    tick: u64,
    weight: usize,
    limit: usize,
}

#[derive(Debug)]
struct Entry<V> {
    value: V,
    weight: usize,
    tick: u64,
}

impl<K: Hash + Eq + Clone, V> Lru<K, V> {
    pub fn new(limit: usize) -> Self {
        Lru { map: HashMap::new(), order: BTreeMap::new(), tick: 0, weight: 0, limit }
    }

    /// The entry, marked as just used.
    pub fn get(&mut self, key: &K) -> Option<&mut V> {
        let entry = self.map.get_mut(key)?;
        self.order.remove(&entry.tick);
        self.tick += 1;
        entry.tick = self.tick;
        self.order.insert(self.tick, key.clone());
        Some(&mut entry.value)
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let entry = self.map.remove(key)?;
        self.order.remove(&entry.tick);
        self.weight -= entry.weight;
        Some(entry.value)
    }

    /// Insert (or replace) an entry as just used, then evict down to the limit.
    pub fn insert(&mut self, key: K, value: V, weight: usize) {
        self.remove(&key);
        self.tick += 1;
        self.order.insert(self.tick, key.clone());
        self.map.insert(key, Entry { value, weight, tick: self.tick });
        self.weight += weight;
        self.evict();
    }

    /// An entry grew by `extra` (events appended to a log): mark it used, then evict.
    pub fn grow(&mut self, key: &K, extra: usize) {
        if self.get(key).is_none() {
            return;
        }
        if let Some(entry) = self.map.get_mut(key) {
            entry.weight += extra;
            self.weight += extra;
        }
        self.evict();
    }

    fn evict(&mut self) {
        while self.weight > self.limit && self.map.len() > 1 {
            let Some((_, key)) = self.order.pop_first() else { break };
            if let Some(entry) = self.map.remove(&key) {
                self.weight -= entry.weight;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The total weight held.
    pub fn weight(&self) -> usize {
        self.weight
    }

    /// A new limit, evicting down to it.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
        self.evict();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_go_first() {
        let mut lru = Lru::new(3);
        lru.insert("a", 1, 1);
        lru.insert("b", 2, 1);
        lru.insert("c", 3, 1);
        assert_eq!(lru.get(&"a"), Some(&mut 1));
        lru.insert("d", 4, 1);
        assert!(lru.get(&"b").is_none(), "b was used least recently");
        assert_eq!(lru.len(), 3);
        assert_eq!(lru.weight(), 3);
        lru.grow(&"c", 1);
        assert!(lru.get(&"a").is_none(), "a is now the oldest");
        assert_eq!((lru.len(), lru.weight()), (2, 3));
    }

    #[test]
    fn one_entry_heavier_than_the_limit_is_kept_alone() {
        let mut lru = Lru::new(10);
        lru.insert(1, "small", 2);
        lru.insert(2, "huge", 50);
        assert!(lru.get(&1).is_none());
        assert_eq!(lru.get(&2), Some(&mut "huge"));
        assert_eq!((lru.len(), lru.weight()), (1, 50));
        lru.insert(3, "next", 1);
        assert!(lru.get(&2).is_none(), "the heavy one goes once another is used");
        assert_eq!(lru.weight(), 1);
    }

    #[test]
    fn replacing_an_entry_counts_its_weight_once() {
        let mut lru = Lru::new(100);
        lru.insert("a", 1, 40);
        lru.insert("a", 2, 30);
        assert_eq!((lru.len(), lru.weight()), (1, 30));
        assert_eq!(lru.remove(&"a"), Some(2));
        assert!(lru.is_empty());
        assert_eq!(lru.weight(), 0);
    }
}
