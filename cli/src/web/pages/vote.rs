//! Voting with a one-time code (§3.4 无记名投票) at `/work/vote?branch=…`, open to
//! anyone: the code is the only credential. The page reads no session, not even to
//! say who is signed in, so nothing on the server links an account to a vote; its
//! form carries a token also set in a cookie of its own (double submit) and must come
//! from this host. A member opens it by scanning their slip (the code filled in), or
//! members type their codes one after another on a shared device the secretary opened.
//!
//! Step 1 is the code; only a code that can vote now (checked by the engine without
//! using it) shows the round's candidates; step 2 casts the ballot with the CLI's own
//! `ballot vote`, and the answer is the empty step 1 again with the count, nothing of
//! the choices. Refused codes are counted per address (`throttle`): after twenty
//! the address waits.

use crate::web::{blocking, csrf, html, posted_form, refuse, Form, Ran, Refused, Web};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use shine_engine::ops::ballot::LiveCode;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

/// The vote page.
pub const PAGE: &str = "/work/vote";

/// A value of the page address's query; empty when absent.
fn query(uri: &Uri, name: &str) -> String {
    form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
}

/// The page's address for a branch: where its forms post.
fn address(branch: &str) -> String {
    format!("{PAGE}?branch={}", form_urlencoded::byte_serialize(branch.as_bytes()).collect::<String>())
}

/// What the page shows below its heading.
enum Step<'a> {
    /// The code field, filled with `code`.
    Code { code: &'a str },
    /// The code checked and live: its ballot to fill in.
    Ballot { code: &'a str, live: &'a LiveCode },
}

/// The page of `branch` at `step`, with `said` (a result or refusal) above it, with a
/// fresh token in its form and cookie; never kept by the browser (a shared device's
/// back button must not show the previous voter's ballot).
fn page(web: &Web, status: StatusCode, branch: &str, said: Option<&Ran>, step: Step) -> Response {
    let title = format!("{} 无记名投票", web.unit_name(branch));
    csrf::with_token(csrf::VOTE_COOKIE, web.settings.tls, |token| {
        let (fields, button) = match step {
            Step::Code { code } => (
                format!("<input type=\"hidden\" name=\"step\" value=\"check\">{}", html::text_input("code", "投票码", code, "选票上或书记屏幕上显示的投票码")),
                "下一步",
            ),
            Step::Ballot { code, live } => {
                let candidates: Vec<(String, String)> = live.candidates.iter().map(|c| (c.id.to_string(), format!("{}（{}）", c.name, c.id))).collect();
                (
                    format!(
                        "<input type=\"hidden\" name=\"step\" value=\"cast\">{}<p class=\"hint\">第 {} 轮，推荐 {} 名，所选人数不能超过名额。</p>{}",
                        html::text_input("code", "投票码", code, ""),
                        live.round,
                        live.seats,
                        html::checks("choices", "推荐的候选人", &candidates)
                    ),
                    "投票",
                )
            }
        };
        let body = format!(
            "{}{}",
            said.map(Ran::html).unwrap_or_default(),
            html::section(
                "vote",
                "用投票码投票（无记名）",
                &format!(
                    "<p class=\"hint\">投票码只能使用一次；系统只记录谁领取过投票码，不记录谁用的是哪一个。本页不需要登录。</p>{}",
                    html::form("vote-form", &address(branch), token, &fields, button)
                )
            ),
        );
        let mut r = (status, Html(html::page(&title, None, &[], &body))).into_response();
        r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        r
    })
}

/// Voting is open in `branch` (a round with codes issued and not closed); else the
/// page saying to ask the secretary.
fn voting_open(web: &Web, branch: &str) -> Result<(), Refused> {
    match web.shine.voting_progress(Some(web.shine.current()), branch) {
        Ok(p) if !p.closed => Ok(()),
        _ => Err(refuse(
            StatusCode::NOT_FOUND,
            "没有进行中的投票",
            "这个网址所指的党支部目前没有进行中的无记名投票（或网址不完整）。请向党支部书记询问投票网址，或扫描选票上的二维码。",
        )),
    }
}

/// What a refusal of the engine says, as the CLI says it.
fn said(refusal: shine_engine::refusal::Refusal) -> Ran {
    Ran { done: false, text: crate::messages::text(&refusal.into()), json: serde_json::Value::Null }
}

/// Check `code` for `branch`, counting a refused one against `client`: its ballot, or
/// the page to show instead (the refusal, or how long to wait).
fn checked(web: &Web, branch: &str, code: &str, client: Option<IpAddr>) -> Result<LiveCode, Refused> {
    let now = Instant::now();
    if let Some(wait) = web.code_failures.wait_address(client, now) {
        let text = format!("投票码输错次数过多，请 {}后再试。请仔细核对选票上的投票码；如有疑问请找党支部书记。", super::login::how_long(wait));
        let ran = Ran { done: false, text, json: serde_json::Value::Null };
        let mut r = page(web, StatusCode::TOO_MANY_REQUESTS, branch, Some(&ran), Step::Code { code });
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
        return Err(r.into());
    }
    web.shine.code_is_live(Some(web.shine.current()), branch, code).map_err(|refusal| {
        web.code_failures.failed_address(client, now);
        page(web, StatusCode::UNPROCESSABLE_ENTITY, branch, Some(&said(refusal)), Step::Code { code }).into()
    })
}

/// `GET /work/vote?branch=…[&code=…]`: step 1, or step 2 straight away when the
/// slip's address brings a live code.
pub async fn open(State(web): State<Arc<Web>>, request: Request) -> Response {
    let client = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let (branch, code) = (query(request.uri(), "branch"), query(request.uri(), "code"));
    blocking(web, move |web| {
        voting_open(web, &branch)?;
        if code.is_empty() {
            return Ok(page(web, StatusCode::OK, &branch, None, Step::Code { code: "" }));
        }
        let live = checked(web, &branch, &code, client)?;
        Ok(page(web, StatusCode::OK, &branch, None, Step::Ballot { code: &code, live: &live }))
    })
    .await
}

/// `POST /work/vote?branch=…`: check the code (step 1) or cast the ballot (step 2).
pub async fn post(State(web): State<Arc<Web>>, request: Request) -> Response {
    let branch = query(request.uri(), "branch");
    let (headers, client, form) = posted_form(request).await;
    blocking(web, move |web| {
        posted(web, &headers, &form)?;
        voting_open(web, &branch)?;
        let code = form.get("code");
        let live = checked(web, &branch, code, client)?;
        if form.get("step") != "cast" {
            return Ok(page(web, StatusCode::OK, &branch, None, Step::Ballot { code, live: &live }));
        }
        let mut args = vec!["ballot".to_owned(), "vote".to_owned(), crate::web::opt("branch", &branch), crate::web::opt("code", code), "--".to_owned()];
        args.extend(form.all("choices"));
        let ran = web.run_as_no_one(&args);
        if !ran.done {
            // The code kept, to correct the choices and try again.
            return Ok(page(web, StatusCode::UNPROCESSABLE_ENTITY, &branch, Some(&ran), Step::Ballot { code, live: &live }));
        }
        web.code_failures.succeeded_address(client);
        // The next voter's empty form: the count, nothing of this ballot.
        Ok(page(web, StatusCode::OK, &branch, Some(&ran), Step::Code { code: "" }))
    })
    .await
}

/// A form of this page: from this host, with the token of the page's cookie.
fn posted(web: &Web, headers: &HeaderMap, form: &Form) -> Result<(), Refused> {
    if !csrf::same_origin(headers, web.scheme()) {
        return Err(refuse(StatusCode::FORBIDDEN, "请求被拒绝", "这个请求不是从本工作台的投票页面提交的，已拒绝办理。请重新打开投票页面（扫描选票上的二维码）再投。"));
    }
    if !csrf::double_submitted(headers, form.get(csrf::FIELD), csrf::VOTE_COOKIE) {
        return Err(refuse(StatusCode::FORBIDDEN, "请求被拒绝", "投票表单已过期或校验码不符，本次未投票。请刷新投票页面后重新输入投票码。"));
    }
    Ok(())
}

/// `/work/me/vote` of a member signed in: this page for their branch.
pub fn for_branch(branch: &str) -> Response {
    crate::web::see_other(&address(branch))
}
