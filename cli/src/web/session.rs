//! Sessions of the workspace, kept in the server's memory: a random 256-bit id in the
//! cookie `shine_session` (HttpOnly, SameSite=Strict, Path=/work, Secure over TLS)
//! names the login it was opened for, the account's revision then, and the session's
//! CSRF token. A session idle for [`IDLE`] is over; so is one whose account is gone,
//! disabled or at another revision (password reset, disabled and enabled again):
//! the account is read from the store on every request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const COOKIE: &str = "shine_session";

/// How long a session lasts without a request.
pub const IDLE: Duration = Duration::from_secs(8 * 3600);

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    pub login: String,
    pub revision: u64,
    pub csrf: String,
    seen: Instant,
}

#[derive(Default)]
pub struct Sessions {
    live: Mutex<HashMap<String, Session>>,
}

/// 32 random bytes as hex.
pub fn random_id() -> String {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut bytes);
    hex::encode(bytes)
}

impl Sessions {
    /// Open a session for `login` at `revision`; its id (for the cookie) and the session.
    pub fn open(&self, login: &str, revision: u64, now: Instant) -> (String, Session) {
        let id = random_id();
        let session = Session { login: login.to_owned(), revision, csrf: random_id(), seen: now };
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        live.retain(|_, s| now.duration_since(s.seen) < IDLE);
        live.insert(id.clone(), session.clone());
        (id, session)
    }

    /// The session an id names, if it is live; touching it restarts its idle time.
    pub fn touch(&self, id: &str, now: Instant) -> Option<Session> {
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        let session = live.get_mut(id)?;
        if now.duration_since(session.seen) >= IDLE {
            live.remove(id);
            return None;
        }
        session.seen = now;
        Some(session.clone())
    }

    pub fn end(&self, id: &str) {
        self.live.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// The `Set-Cookie` value for cookie `name`; an empty `value` clears it.
pub fn set_cookie(name: &str, value: &str, secure: bool) -> String {
    let expiry = if value.is_empty() { "; Max-Age=0" } else { "" };
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path={}; HttpOnly; SameSite=Strict{secure}{expiry}", super::HOME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idle_session_is_over_and_a_touched_one_lives_on() {
        let sessions = Sessions::default();
        let start = Instant::now();
        let (id, _) = sessions.open("zhang", 0, start);
        assert!(sessions.touch(&id, start + IDLE / 2).is_some());
        assert!(sessions.touch(&id, start + IDLE).is_some(), "touched half-way, so still live");
        assert!(sessions.touch(&id, start + IDLE * 3).is_none(), "idle for longer than IDLE");
        assert!(sessions.touch(&id, start + IDLE).is_none(), "and gone for good");
    }
}
