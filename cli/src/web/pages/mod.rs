//! The pages of the workspace, one file per desk, and their routes. A new page is a
//! handler in one file here and a line in [`routes`].

mod branch;
mod downloads;
mod level;
mod login;
mod member;
mod vote;

use super::{blocking, html, Answer, Desk, Me, Web};
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Web>> {
    Router::new()
        .route(super::HOME, get(home))
        .route(super::STYLE, get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], html::STYLE) }))
        .route(branch::SLIPS_STYLE, get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], crate::slips::STYLE) }))
        .route(downloads::PRINT_STYLE, get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], crate::export::print::STYLE) }))
        .route(downloads::PAGE, get(downloads::page))
        .route(downloads::FILE, get(downloads::download))
        .route(super::LOGIN, get(login::form).post(login::sign_in))
        .route("/work/logout", post(login::sign_out))
        .route("/work/me/deed", post(member::deed))
        .route("/work/me/deed/edit", post(member::edit))
        .route("/work/me/deed/withdraw", post(member::withdraw))
        .route("/work/me/history", get(member::history))
        .route("/work/me/vote", get(member::vote_page))
        .route(vote::PAGE, get(vote::open).post(vote::post))
        .route("/work/branch/{page}", get(branch::page).post(branch::act))
        .route("/work/level/{page}", get(level::page).post(level::act))
}

/// The home page of the signed-in person's desk.
async fn home(State(web): State<Arc<Web>>, headers: axum::http::HeaderMap) -> Response {
    blocking(web, move |web| {
        let me = web.me(&headers)?;
        Ok(match me.desk.clone() {
            Desk::Member { .. } => member::home(web, &me, None),
            Desk::Branch { .. } => branch::render(web, &me, "home", None),
            Desk::Level { .. } => level::home(web, &me),
        })
    })
    .await
}

/// A page of the desk: the layout with the person's line, their links and a sign-out
/// button.
pub fn layout(web: &Web, me: &Me, title: &str, body: &str) -> Response {
    let mut nav: Vec<(&str, &str)> = match me.desk {
        Desk::Member { .. } => member::NAV.to_vec(),
        Desk::Branch { level: false, .. } => branch::NAV.to_vec(),
        Desk::Branch { level: true, .. } => [branch::NAV, level::NAV_OF_A_BRANCH].concat(),
        Desk::Level { .. } => level::NAV.to_vec(),
    };
    nav.push((downloads::PAGE, "导出与打印"));
    let logout = html::form("logout-form", "/work/logout", &me.csrf, "", "退出登录");
    let page = html::page(title, Some(&me.line(web)), &nav, &format!("{body}<section id=\"logout\">{logout}</section>"));
    Html(page).into_response()
}

/// A page of another desk than the person's.
pub fn not_yours() -> Answer {
    Err(super::refuse(axum::http::StatusCode::FORBIDDEN, "无权查看", "这个页面不属于您的账号所办理的工作。请从工作台首页进入。"))
}
