//! Signing in and out. The sign-in form carries a token also set in a cookie of its
//! own; failures are counted per login and per address (`throttle`), and while a wait
//! runs the answer is 429 saying how long.

use crate::web::{blocking, csrf, html, posted_form, refuse, see_other, session, Answer, Web, HOME, LOGIN};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn login_page(web: &Web, status: StatusCode, problem: Option<&str>, login: &str) -> Response {
    csrf::with_token(csrf::LOGIN_COOKIE, web.settings.tls, |token| login_form(status, problem, login, token))
}

fn login_form(status: StatusCode, problem: Option<&str>, login: &str, token: &str) -> Response {
    let fields = format!(
        "{}<label for=\"password\">密码</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\">",
        html::text_input("login", "登录名", login, "")
    );
    let problem = problem.map(|p| format!("<section id=\"problem\" class=\"refused\"><p>{}</p></section>", html::esc(p))).unwrap_or_default();
    let body = format!(
        "{problem}<section>{}<p class=\"hint\">账号由管理员用 <code>shine user add</code> 开设；忘记密码请找管理员用 <code>shine user reset</code> 重设。</p></section>",
        html::form("login-form", LOGIN, token, &fields, "登录")
    );
    (status, Html(html::page("登录", None, &[], &body))).into_response()
}

pub async fn form(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    blocking(web, move |web| match web.me(&headers) {
        Ok(_) => Ok(see_other(HOME)),
        Err(_) => Ok(login_page(web, StatusCode::OK, None, "")),
    })
    .await
}

/// A wait in Chinese: `2 分 30 秒`.
pub fn how_long(wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} 秒"),
        (m, 0) => format!("{m} 分钟"),
        (m, s) => format!("{m} 分 {s} 秒"),
    }
}

pub async fn sign_in(State(web): State<Arc<Web>>, request: Request) -> Response {
    let (headers, client, form) = posted_form(request).await;
    blocking(web, move |web| -> Answer {
        if !csrf::same_origin(&headers, web.scheme()) {
            return Err(refuse(StatusCode::FORBIDDEN, "请求被拒绝", "这个请求不是从本工作台的登录页提交的。请打开登录页重新登录。"));
        }
        if !csrf::double_submitted(&headers, form.get(csrf::FIELD), csrf::LOGIN_COOKIE) {
            return Err(refuse(StatusCode::FORBIDDEN, "请求被拒绝", "登录表单已过期或校验码不符。请刷新登录页后重新登录。"));
        }
        let login = form.get("login");
        let password = form.0.iter().find(|(k, _)| k == "password").map(|(_, v)| v.as_str()).unwrap_or("");
        let now = Instant::now();
        if let Some(wait) = web.throttle.wait(login, client, now) {
            let text = format!("登录失败次数过多，请 {}后再试。如忘记密码，请找管理员用 `shine user reset` 重设。", how_long(wait));
            let mut r = login_page(web, StatusCode::TOO_MANY_REQUESTS, Some(&text), login);
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
            return Err(r.into());
        }
        let account = web.shine.sign_in(login, password).map_err(|r| {
            crate::web::refuse(StatusCode::INTERNAL_SERVER_ERROR, "无法登录", &crate::messages::refusal::word(&r).message)
        })?;
        let Some(account) = account else {
            web.throttle.failed(login, client, now);
            return Err(login_page(web, StatusCode::UNAUTHORIZED, Some("登录名或密码不正确，或账号已停用。请重新输入；多次失败后须等待一段时间才能再试。"), login).into());
        };
        web.throttle.succeeded(login, client);
        let (id, _) = web.sessions.open(&account.login, account.revision, now);
        let mut r = see_other(HOME);
        for cookie in [session::set_cookie(session::COOKIE, &id, web.settings.tls), session::set_cookie(csrf::LOGIN_COOKIE, "", web.settings.tls)] {
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        tracing::info!(login = %account.login, "web: signed in");
        Ok(r)
    })
    .await
}

pub async fn sign_out(State(web): State<Arc<Web>>, request: Request) -> Response {
    let (headers, _, form) = posted_form(request).await;
    blocking(web, move |web| {
        let me = web.posted(&headers, &form)?;
        web.sessions.end(&me.session);
        let mut r = see_other(LOGIN);
        if let Ok(v) = HeaderValue::from_str(&session::set_cookie(session::COOKIE, "", web.settings.tls)) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
        Ok(r)
    })
    .await
}
