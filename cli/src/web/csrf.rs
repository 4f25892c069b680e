//! Cross-site request forgery: every form carries its session's token in a hidden
//! field, compared in constant time on every POST, and the request must come from a
//! page of this server (its `Origin`, else its `Referer`, names this host). The
//! sign-in form, before any session, carries a token that is also in a cookie of its
//! own (double submit).

use axum::http::{header, HeaderMap};

/// The hidden field of every form.
pub const FIELD: &str = "csrf";

/// The cookie holding the sign-in form's token.
pub const LOGIN_COOKIE: &str = "shine_login";

/// Whether `given` is `expected`, in constant time.
pub fn same(given: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(subtle::ConstantTimeEq::ct_eq(given.as_bytes(), expected.as_bytes()))
}

/// Whether the request comes from a page of this host: `Origin` (else `Referer`) is
/// `scheme://<Host>`. A request naming neither is refused.
pub fn same_origin(headers: &HeaderMap, scheme: &str) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else { return false };
    let ours = format!("{scheme}://{host}");
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        return origin == ours;
    }
    match headers.get(header::REFERER).and_then(|v| v.to_str().ok()) {
        Some(referer) => referer == ours || referer.starts_with(&format!("{ours}/")),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_a_page_of_this_host_may_post() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(!same_origin(&h, "http"), "neither Origin nor Referer");
        h.insert(header::ORIGIN, HeaderValue::from_static("http://127.0.0.1:8080"));
        assert!(same_origin(&h, "http"));
        assert!(!same_origin(&h, "https"));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://evil.example"));
        assert!(!same_origin(&h, "http"));
        h.remove(header::ORIGIN);
        h.insert(header::REFERER, HeaderValue::from_static("http://127.0.0.1:8080.evil.example/work"));
        assert!(!same_origin(&h, "http"));
        h.insert(header::REFERER, HeaderValue::from_static("http://127.0.0.1:8080/work/login"));
        assert!(same_origin(&h, "http"));
        assert!(!same("", ""), "an empty token matches nothing");
    }
}
