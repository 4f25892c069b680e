//! Cross-site request forgery: every form carries its session's token in a hidden
//! field, compared in constant time on every POST, and the request must come from a
//! page of this server (its `Origin`, else its `Referer`, names this host). The
//! sign-in form and the vote page, which have no session, carry a token that is also
//! in a cookie of their own (double submit).

use axum::http::{header, HeaderMap};

/// The hidden field of every form.
pub const FIELD: &str = "csrf";

/// The cookie holding the sign-in form's token.
pub const LOGIN_COOKIE: &str = "shine_login";

/// The cookie holding the vote page's token.
pub const VOTE_COOKIE: &str = "shine_vote";

/// A page without a session, `response`, with a fresh token for its form: the token
/// is set in `cookie` too, and returned for the form's hidden field.
pub fn with_token(cookie: &str, tls: bool, page: impl FnOnce(&str) -> axum::response::Response) -> axum::response::Response {
    let token = super::session::random_id();
    let mut response = page(&token);
    if let Ok(v) = header::HeaderValue::from_str(&super::session::set_cookie(cookie, &token, tls)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Whether a form of a page without a session carries the token its `cookie` holds.
pub fn double_submitted(headers: &HeaderMap, given: &str, cookie: &str) -> bool {
    same(given, &super::session::cookie(headers, cookie).unwrap_or_default())
}

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
