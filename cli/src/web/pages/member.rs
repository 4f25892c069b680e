//! A member's desk: my 登记证 (with the emphasis for my identity), registering a deed
//! on it and editing or withdrawing my deeds, my history across quarters, and the way to the vote page of my branch. The
//! member is always the account's own: the form never names one.

use super::{layout, not_yours};
use crate::web::{blocking, html, opt, posted_form, Desk, Form, Me, Ran, Web};
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::response::Response;
use shine_engine::domain::{MemberId, UnitId};
use shine_engine::workflow::RecordKind;
use std::sync::Arc;

pub const NAV: &[(&str, &str)] = &[("/work", "我的登记证"), ("/work/me/history", "我的评选记录"), ("/work/me/vote", "用投票码投票")];

fn mine(me: &Me) -> Option<(UnitId, MemberId)> {
    match &me.desk {
        Desk::Member { branch, member } => Some((branch.clone(), member.clone())),
        _ => None,
    }
}

/// The emphasis the rules give members of my identity (§3.1), if any.
fn emphasis(web: &Web, branch: &UnitId, member: &MemberId) -> Option<String> {
    let roster = web.shine.roster(branch).ok()?;
    let identity = roster.member(member.as_str())?.identity.clone();
    let rules = web.shine.current_rules();
    let e = rules.emphasis("member", "identity", &identity)?;
    Some(format!("{} {}", e.clause, e.text))
}

/// Whether my branch's quarter takes my deeds now: its current step accepts deed records
/// from my role, as `status` answers from the workflow files; else the title of the
/// state the quarter is in, for saying why the forms are not there.
fn registering(web: &Web, me: &Me, branch: &UnitId) -> Result<(), String> {
    let status = web.view(me, &["status", &opt("branch", branch.as_str())]);
    let step = &status.json["next_step"];
    let deed = serde_json::to_value(RecordKind::Deed).unwrap_or_default();
    let accepts = step["accepts"].as_array().is_some_and(|a| a.contains(&deed));
    let mine = step["roles"].as_array().is_some_and(|r| r.iter().any(|r| r["id"] == me.account.role.as_str()));
    match (accepts && mine, status.json["state"]["title"].as_str()) {
        (true, _) => Ok(()),
        (false, Some(state)) => Err(format!("本季度已进入「{state}」，登记环节已结束，不能再登记、修改或撤回闪光言行。")),
        (false, None) => Err("本支部尚未开启本季度的评选，开启后即可登记。".to_owned()),
    }
}

/// My 登记证 and the form to register a deed; `ran` is the result of a deed just posted.
/// The forms are there only while the quarter takes my deeds.
pub fn home(web: &Web, me: &Me, ran: Option<&Ran>) -> Response {
    let Some((branch, member)) = mine(me) else { return layout(web, me, "工作台", "") };
    let mut args = vec!["member".to_owned(), "certificate".to_owned(), opt("member", member.as_str())];
    if let Some(q) = web.latest_quarter(&branch) {
        args.push(opt("quarter", &q));
    }
    let certificate = web.run(me, &args);
    let emphasis = emphasis(web, &branch, &member)
        .map(|e| format!("<p id=\"emphasis\" class=\"hint\">本人登记的重点：{}</p>", html::esc(&e)))
        .unwrap_or_default();
    let fields = format!(
        "{emphasis}{}{}{}{}",
        html::select("kind", "类别（五带头）", &web.choices("deed", "kind"), None),
        html::select("form", "形式（可不选）", &web.choices("deed", "form"), Some("不注明")),
        html::date_input("date", "日期（不填为今天）"),
        html::textarea("text", "闪光言行内容"),
    );
    let forms = match registering(web, me, &branch) {
        Ok(()) => format!(
            "{}{}",
            my_deeds(web, me, &certificate.json),
            html::section("deed", "登记一条闪光言行", &html::form("deed-form", "/work/me/deed", &me.csrf, &fields, "登记"))
        ),
        Err(why) => html::section("deed", "登记闪光言行", &format!("<p id=\"deeds-closed\" class=\"hint\">{}</p>", html::esc(&why))),
    };
    let body = format!(
        "{}{}{forms}",
        ran.map(Ran::html).unwrap_or_default(),
        html::section("certificate", "我的《党员“闪光言行”登记证》", &html::printed(&certificate.text)),
    );
    layout(web, me, "我的登记证", &body)
}

/// Each of my deeds of the latest quarter (from the certificate's JSON) with a form to
/// edit it, prefilled, and one to withdraw it; the engine says when the window is shut.
fn my_deeds(web: &Web, me: &Me, certificate: &serde_json::Value) -> String {
    let quarters = certificate["quarters"].as_array().map(Vec::as_slice).unwrap_or_default();
    let Some(deeds) = quarters.last().and_then(|q| q["register"]["deeds"].as_array()).filter(|d| !d.is_empty()) else { return String::new() };
    let (kinds, forms) = (web.choices("deed", "kind"), web.choices("deed", "form"));
    let mut out = String::from("<p class=\"hint\">登记环节内，可以修改或撤回自己登记的闪光言行；撤回后其余各条序号不变。</p>");
    for d in deeds {
        let n = d["number"].as_u64().unwrap_or_default();
        let text = d["text"].as_str().unwrap_or_default();
        let number = format!("<input type=\"hidden\" name=\"number\" value=\"{n}\">");
        let date = html::esc(d["date"].as_str().unwrap_or_default());
        let fields = format!(
            "{number}{}{}<label for=\"date-{n}\">日期</label><input type=\"date\" id=\"date-{n}\" name=\"date\" value=\"{date}\">\
<label for=\"text-{n}\">闪光言行内容</label><textarea id=\"text-{n}\" name=\"text\">{}</textarea>",
            chosen(&format!("kind-{n}"), "kind", "类别（五带头）", &kinds, None, d["kind"]["name"].as_str()),
            chosen(&format!("form-{n}"), "form", "形式（可不选）", &forms, Some("不注明"), d["form"]["name"].as_str()),
            html::esc(text),
        );
        let edit = html::form(&format!("deed-edit-form-{n}"), "/work/me/deed/edit", &me.csrf, &fields, "修改");
        let withdraw = html::form(&format!("deed-withdraw-form-{n}"), "/work/me/deed/withdraw", &me.csrf, &number, "撤回");
        out.push_str(&format!(
            "<div class=\"deed\" id=\"deed-{n}\"><p><strong>第 {n} 条</strong> {}</p><details><summary>修改</summary>{edit}</details>{withdraw}</div>",
            html::esc(text)
        ));
    }
    html::section("my-deeds", "修改或撤回我的闪光言行", &out)
}

/// A drop-down as [`html::select`] with its own element id and the current value chosen.
fn chosen(id: &str, name: &str, label: &str, options: &[(String, String)], blank: Option<&str>, current: Option<&str>) -> String {
    let mut out = format!("<label for=\"{id}\">{}</label><select id=\"{id}\" name=\"{name}\">", html::esc(label));
    if let Some(b) = blank {
        out.push_str(&format!("<option value=\"\">{}</option>", html::esc(b)));
    }
    for (value, shown) in options {
        let selected = if current == Some(value.as_str()) { " selected" } else { "" };
        out.push_str(&format!("<option value=\"{}\"{selected}>{}</option>", html::esc(value), html::esc(shown)));
    }
    out.push_str("</select>");
    out
}

/// A deed form posted: the command line `line` makes of my member id and the form,
/// run as me; the answer is my 登记证 with its result on top.
async fn on_my_deeds(web: Arc<Web>, request: Request, line: fn(&MemberId, &Form) -> Vec<String>) -> Response {
    let (headers, _, form) = posted_form(request).await;
    blocking(web, move |web| {
        let me = web.posted(&headers, &form)?;
        let Some((_, member)) = mine(&me) else { return not_yours() };
        let ran = web.run(&me, &line(&member, &form));
        Ok(status(&ran, home(web, &me, Some(&ran))))
    })
    .await
}

/// The `--name=value` options of the fields the form fills in.
fn given(form: &Form, fields: &[&str]) -> Vec<String> {
    fields.iter().filter(|f| !form.get(f).is_empty()).map(|f| opt(f, form.get(f))).collect()
}

pub async fn deed(State(web): State<Arc<Web>>, request: Request) -> Response {
    on_my_deeds(web, request, |member, form| {
        let mut args = vec!["deed".to_owned(), "add".to_owned(), opt("member", member.as_str()), opt("kind", form.get("kind")), opt("text", form.get("text"))];
        args.extend(given(form, &["date", "form"]));
        args
    })
    .await
}

/// `deed edit`: an empty form field takes the form away; the other fields left empty
/// stay as registered.
pub async fn edit(State(web): State<Arc<Web>>, request: Request) -> Response {
    on_my_deeds(web, request, |member, form| {
        let mut args = vec!["deed".to_owned(), "edit".to_owned(), opt("member", member.as_str()), opt("number", form.get("number")), opt("form", form.get("form"))];
        args.extend(given(form, &["kind", "text", "date"]));
        args
    })
    .await
}

pub async fn withdraw(State(web): State<Arc<Web>>, request: Request) -> Response {
    on_my_deeds(web, request, |member, form| vec!["deed".to_owned(), "withdraw".to_owned(), opt("member", member.as_str()), opt("number", form.get("number"))]).await
}

/// A refused action's page says so in its status too (422).
pub fn status(ran: &Ran, mut page: Response) -> Response {
    if !ran.done {
        *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    page
}

pub async fn history(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    blocking(web, move |web| {
        let me = web.me(&headers)?;
        let Some((_, member)) = mine(&me) else { return not_yours() };
        let ran = web.view(&me, &["member", "history", "--", member.as_str()]);
        Ok(layout(web, &me, "我的评选记录", &html::section("history", "历次季度评选", &html::printed(&ran.text))))
    })
    .await
}

/// Voting is on the vote page, which reads no session: mine is my branch's.
pub async fn vote_page(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    blocking(web, move |web| {
        let me = web.me(&headers)?;
        let Some((branch, _)) = mine(&me) else { return not_yours() };
        Ok(super::vote::for_branch(branch.as_str()))
    })
    .await
}
