//! The layers every request of `shine serve` passes before (and after) its handler:
//! the request log (one structured line: client, method, path, status, latency,
//! credential id — never the token; neither client nor credential for the pages where
//! ballots are cast), the security headers, the body limit read from
//! `Content-Length` before any byte of the body, who is calling ([`Caller`], a request
//! extension) and the rate limits (per credential, per address for the rest).

use crate::api::{ApiError, ApiErrorBody, BODY_LIMIT};
use crate::messages::transport;
use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Who sent a request: the id of the live credential its bearer token names, if any.
/// Set on the request (and copied onto its response) before the handler runs.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub credential: Option<String>,
}

/// The credential id a bearer token names, if it is live. Blocking (reads the store).
pub type Authenticate = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Requests a caller may send: `burst` at once, then `per_second`.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    pub burst: u32,
    pub per_second: u32,
}

/// Per credential: a pull of 500-record pages, or 100 returns at once, fits in the burst.
pub const PER_CREDENTIAL: Rate = Rate { burst: 240, per_second: 40 };
/// Per client address, for requests without a live credential (pages, health, bad tokens).
pub const PER_ADDRESS: Rate = Rate { burst: 120, per_second: 20 };

/// The security headers of every answer: no script, no framing, no sniffing, no referrer.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/// The web workspace (`/work`): its own stylesheet and forms posting to itself; still
/// no script. Its pages send the referrer to this server only, so that a form's post
/// carries its origin (checked against forgery, `web::csrf`).
const WORK_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn apply(router: Router, authenticate: Authenticate) -> Router {
    let limiter = Arc::new(Limiter::default());
    router
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            let (authenticate, limiter) = (authenticate.clone(), limiter.clone());
            async move { admit(request, next, authenticate, limiter).await }
        }))
        .layer(middleware::from_fn(body_limit))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(log))
}

fn error(status: StatusCode, code: &str, message: String) -> Response {
    (status, Json(ApiError { error: ApiErrorBody { code: code.to_owned(), message } })).into_response()
}

/// The answer to a request that outlived its deadline.
pub fn too_slow(limit: Duration) -> Response {
    error(StatusCode::SERVICE_UNAVAILABLE, "timeout", transport::too_slow(limit.as_secs()))
}

/// One line per request, after it is answered.
async fn log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let anonymous = crate::web::casts_ballots(&path);
    let client = match request.extensions().get::<ConnectInfo<SocketAddr>>() {
        Some(c) if !anonymous => c.0.to_string(),
        _ => "-".to_owned(),
    };
    let response = next.run(request).await;
    let credential = match response.extensions().get::<Caller>().and_then(|c| c.credential.clone()) {
        Some(id) if !anonymous => id,
        _ => "-".to_owned(),
    };
    tracing::info!(
        client = %client,
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0,
        credential = %credential,
        "request"
    );
    response
}

async fn security_headers(request: Request, next: Next) -> Response {
    let work = request.uri().path() == crate::web::HOME || request.uri().path().starts_with(&format!("{}/", crate::web::HOME));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let (csp, referrer) = if work { (WORK_CSP, "same-origin") } else { (CSP, "no-referrer") };
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// The largest refused body still read (and dropped) before the 413 is sent.
const DRAINED: usize = 1 << 20;

/// A body announced larger than the limit is refused: one of modest size is read and
/// dropped first, so that the client, still sending, can read the answer (closing on
/// unread data resets the connection under it); a larger one at once, unread. One
/// without a length is cut at the limit by the handlers' own body limit.
async fn body_limit(request: Request, next: Next) -> Response {
    let announced = request.headers().get(header::CONTENT_LENGTH).map(|v| v.to_str().ok().and_then(|v| v.trim().parse::<u64>().ok()));
    let too_large = || close(error(StatusCode::PAYLOAD_TOO_LARGE, "too_large", transport::too_large(BODY_LIMIT)));
    match announced {
        Some(Some(length)) if length <= BODY_LIMIT as u64 => next.run(request).await,
        None => next.run(request).await,
        Some(Some(length)) if length <= DRAINED as u64 => {
            let _ = axum::body::to_bytes(request.into_body(), DRAINED).await;
            too_large()
        }
        Some(Some(_)) => too_large(),
        Some(None) => close(error(StatusCode::BAD_REQUEST, "bad_request", "Content-Length 头无效".into())),
    }
}

/// The body was not read: the connection cannot carry another request.
fn close(mut response: Response) -> Response {
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Who is calling, then whether they may call now.
async fn admit(mut request: Request, next: Next, authenticate: Authenticate, limiter: Arc<Limiter>) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let credential = match token {
        Some(token) => tokio::task::spawn_blocking(move || authenticate(&token)).await.unwrap_or(None),
        None => None,
    };
    let caller = Caller { credential };
    let address = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let key = match (&caller.credential, address) {
        (Some(id), _) => Key::Credential(id.clone()),
        (None, Some(ip)) => Key::Address(ip),
        (None, None) => Key::Address(IpAddr::from([0, 0, 0, 0])),
    };
    let by_credential = matches!(key, Key::Credential(_));
    let mut response = match limiter.take(key, Instant::now()) {
        Ok(()) => {
            request.extensions_mut().insert(caller.clone());
            next.run(request).await
        }
        Err(wait) => {
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            let mut r = error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", transport::rate_limited(seconds, by_credential));
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            r
        }
    };
    response.extensions_mut().insert(caller);
    response
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Credential(String),
    Address(IpAddr),
}

/// Token buckets by caller. Buckets that have filled up again are forgotten when the
/// table grows, so its size follows the callers of the last minute.
#[derive(Default)]
struct Limiter {
    buckets: Mutex<HashMap<Key, (f64, Instant)>>,
}

const FORGET_ABOVE: usize = 10_000;

impl Limiter {
    /// One request's token, or how long until there is one.
    fn take(&self, key: Key, now: Instant) -> std::result::Result<(), Duration> {
        let rate = match key {
            Key::Credential(_) => PER_CREDENTIAL,
            Key::Address(_) => PER_ADDRESS,
        };
        let (burst, per_second) = (f64::from(rate.burst), f64::from(rate.per_second));
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > FORGET_ABOVE {
            buckets.retain(|k, (tokens, at)| {
                let r = if matches!(k, Key::Credential(_)) { PER_CREDENTIAL } else { PER_ADDRESS };
                *tokens + now.duration_since(*at).as_secs_f64() * f64::from(r.per_second) < f64::from(r.burst)
            });
        }
        let (tokens, at) = buckets.entry(key).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_second).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_beyond_the_limit_waits_and_the_bucket_refills() {
        let limiter = Limiter::default();
        let start = Instant::now();
        let key = || Key::Address(IpAddr::from([10, 0, 0, 1]));
        for _ in 0..PER_ADDRESS.burst {
            assert!(limiter.take(key(), start).is_ok());
        }
        let wait = limiter.take(key(), start).expect_err("over the burst");
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1), "{wait:?}");
        assert!(limiter.take(Key::Address(IpAddr::from([10, 0, 0, 2])), start).is_ok(), "another address has its own bucket");
        assert!(limiter.take(key(), start + Duration::from_secs(1)).is_ok(), "refilled after a second");
    }
}
