//! Failed attempts — sign-ins, counted per login and per client address; voting codes
//! tried on the vote page, per address alone — after [`FREE`] failures (or as many as
//! the throttle allows) each further attempt must wait, twice as long each time (from [`FIRST`]
//! up to [`LONGEST`]); a success clears the login's and the address's counts. While
//! a wait runs, even the right password is refused (429, saying how long to wait).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed before waiting.
pub const FREE: u32 = 5;
pub const FIRST: Duration = Duration::from_secs(30);
pub const LONGEST: Duration = Duration::from_secs(3600);

/// Counters are forgotten this long after the last failure.
const FORGET: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Login(String),
    Address(IpAddr),
    /// A client whose address the listener did not give.
    Unknown,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    until: Instant,
    last: Instant,
}

pub struct Throttle {
    /// Failures allowed before waiting.
    free: u32,
    failures: Mutex<HashMap<Key, Failures>>,
}

impl Default for Throttle {
    fn default() -> Throttle {
        Throttle::allowing(FREE)
    }
}

impl Throttle {
    /// A throttle allowing `free` failures before waiting.
    pub fn allowing(free: u32) -> Throttle {
        Throttle { free: free.max(1), failures: Default::default() }
    }

    fn keys(login: &str, address: Option<IpAddr>) -> Vec<Key> {
        let mut keys = vec![Key::Login(login.trim().to_lowercase())];
        keys.extend(address.map(Key::Address));
        keys
    }

    fn address(address: Option<IpAddr>) -> [Key; 1] {
        [address.map_or(Key::Unknown, Key::Address)]
    }

    /// How long this login or address must still wait, if it must.
    pub fn wait(&self, login: &str, address: Option<IpAddr>, now: Instant) -> Option<Duration> {
        self.wait_for(&Self::keys(login, address), now)
    }

    /// How long this address must still wait, if it must.
    pub fn wait_address(&self, address: Option<IpAddr>, now: Instant) -> Option<Duration> {
        self.wait_for(&Self::address(address), now)
    }

    fn wait_for(&self, keys: &[Key], now: Instant) -> Option<Duration> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter().filter_map(|k| failures.get(k)).filter(|f| f.until > now).map(|f| f.until - now).max()
    }

    /// A failed attempt.
    pub fn failed(&self, login: &str, address: Option<IpAddr>, now: Instant) {
        self.failed_for(Self::keys(login, address), now);
    }

    /// A failed attempt from this address.
    pub fn failed_address(&self, address: Option<IpAddr>, now: Instant) {
        self.failed_for(Self::address(address), now);
    }

    fn failed_for(&self, keys: impl IntoIterator<Item = Key>, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.retain(|_, f| now.duration_since(f.last) < FORGET);
        for key in keys {
            let f = failures.entry(key).or_insert(Failures { count: 0, until: now, last: now });
            f.count += 1;
            f.last = now;
            if f.count >= self.free {
                let doublings = (f.count - self.free).min(16);
                f.until = now + (FIRST * 2u32.pow(doublings)).min(LONGEST);
            }
        }
    }

    pub fn succeeded(&self, login: &str, address: Option<IpAddr>) {
        self.succeeded_for(Self::keys(login, address));
    }

    /// A success from this address clears its count.
    pub fn succeeded_address(&self, address: Option<IpAddr>) {
        self.succeeded_for(Self::address(address));
    }

    fn succeeded_for(&self, keys: impl IntoIterator<Item = Key>) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            failures.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_failure_makes_the_next_attempt_wait_and_the_wait_grows() {
        let t = Throttle::default();
        let now = Instant::now();
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        for _ in 0..FREE - 1 {
            t.failed("zhang", ip, now);
        }
        assert_eq!(t.wait("zhang", ip, now), None);
        t.failed("zhang", ip, now);
        assert_eq!(t.wait("zhang", ip, now), Some(FIRST));
        assert_eq!(t.wait("zhang", None, now), Some(FIRST), "the login waits from any address");
        assert_eq!(t.wait("li", ip, now), Some(FIRST), "the address waits for any login");
        assert_eq!(t.wait("li", Some(IpAddr::from([10, 0, 0, 2])), now), None);
        t.failed("zhang", ip, now + FIRST);
        assert_eq!(t.wait("zhang", None, now + FIRST), Some(FIRST * 2));
        t.succeeded("zhang", ip);
        assert_eq!(t.wait("zhang", ip, now + FIRST), None);
    }

    #[test]
    fn an_address_allowed_twenty_failures_waits_after_the_twentieth_only_itself() {
        let t = Throttle::allowing(20);
        let now = Instant::now();
        let (ip, other) = (Some(IpAddr::from([10, 0, 0, 1])), Some(IpAddr::from([10, 0, 0, 2])));
        for _ in 0..19 {
            t.failed_address(ip, now);
        }
        assert_eq!(t.wait_address(ip, now), None);
        t.failed_address(ip, now);
        assert_eq!(t.wait_address(ip, now), Some(FIRST));
        assert_eq!(t.wait_address(other, now), None);
        t.succeeded_address(ip);
        assert_eq!(t.wait_address(ip, now), None);
    }
}
