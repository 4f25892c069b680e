//! A branch secretary's desk: the quarter as `status` shows it and moving it on, the
//! roster, the special meeting (reporting it upward, attendance, guests), the
//! exchange (presentations, comments), the vote (issuing codes, closing, progress)
//! and the stars and ledger. The branch is always the account's; a member named in a
//! form must be on its roster.

use super::member::status;
use super::{layout, not_yours};
use crate::web::{blocking, html, opt, posted_form, Desk, Form, Me, Ran, Refused, Web};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use shine_engine::domain::UnitId;
use std::sync::Arc;

pub const NAV: &[(&str, &str)] = &[
    ("/work", "本季度进度"),
    ("/work/branch/roster", "党员名单"),
    ("/work/branch/meeting", "专题组织生活会"),
    ("/work/branch/exchange", "交流与点评"),
    ("/work/branch/vote", "民主推荐投票"),
    ("/work/branch/stars", "评选结果和台帐"),
];


fn branch_of(me: &Me) -> Option<UnitId> {
    match &me.desk {
        Desk::Branch { branch, .. } => Some(branch.clone()),
        _ => None,
    }
}

/// A page of the desk by name, with the result of an action just taken on top.
pub fn render(web: &Web, me: &Me, page: &str, ran: Option<&Ran>) -> Response {
    let Some(b) = branch_of(me) else { return layout(web, me, "工作台", "") };
    let branch = b.as_str();
    let result = ran.map(Ran::html).unwrap_or_default();
    let roster = web.roster(&b);
    let (title, body) = match page {
        "roster" => ("党员名单", html::section("roster", "本支部党员", &html::printed(&web.view(me, &["members", &opt("branch", branch)]).text))),
        "meeting" => {
            let report = html::form("report-form", "/work/branch/report", &me.csrf, &html::date_input("date", "专题组织生活会日期"), "报告上级党组织");
            let attendance = format!(
                "{}{}",
                html::select("status", "出席情况", &web.choices("member", "meeting"), None),
                html::checks("members", "党员", &roster)
            );
            let guests = format!(
                "{}{}{}",
                html::text_input("activists", "列席的入党积极分子", "", "姓名，多人用逗号分开"),
                html::text_input("observers", "列席的党外群众代表", "", "姓名，多人用逗号分开"),
                html::text_input("delegate", "上级党组织派员", "", "姓名"),
            );
            let body = format!(
                "{}{}{}",
                html::section("report", "会前报告上级党组织（§4.2.a）", &report),
                html::section("attendance", "登记出席情况", &html::form("attend-form", "/work/branch/attend", &me.csrf, &attendance, "登记出席")),
                html::section("guests", "登记列席人员", &html::form("guests-form", "/work/branch/guests", &me.csrf, &guests, "登记列席")),
            );
            ("专题组织生活会", body)
        }
        "exchange" => {
            let present = format!(
                "{}<div class=\"check\"><label><input type=\"checkbox\" id=\"written\" name=\"written\" value=\"1\"> 书面交流（经批准请假的党员）</label></div>",
                html::checks("members", "已交流发言的党员", &roster)
            );
            let comment = format!("{}{}", html::select("member", "党员", &roster, None), html::textarea("text", "点评"));
            let body = format!(
                "{}{}",
                html::section("present", "登记交流发言", &html::form("present-form", "/work/branch/present", &me.csrf, &present, "登记发言")),
                html::section("comment", "支部书记点评", &html::form("comment-form", "/work/branch/comment", &me.csrf, &comment, "登记点评")),
            );
            ("交流与点评", body)
        }
        "vote" => {
            let progress = web.view(me, &["ballot", "status", &opt("branch", branch)]);
            let watch = "<p><a id=\"progress-link\" href=\"/work/branch/progress\">投票进度大屏（每 5 秒自动刷新）</a></p>";
            let again = format!(
                "<p class=\"hint\">投票结束后，收回的选票不足等原因需要重新投票时：本次选票全部作废、封存不计，投票码收回，再发放新的投票码。</p>{}",
                html::text_input("reason", "重新投票的理由（记入台帐）", "", "如：收回选票未过到会有表决权党员半数")
            );
            let body = format!(
                "{}{}{}{}",
                html::section("progress", "投票进度", &format!("{}{watch}", html::printed(&progress.text))),
                html::section("codes", "发放投票码", &html::form("codes-form", "/work/branch/codes", &me.csrf, "", "发放投票码")),
                html::section("close", "结束本轮投票", &html::form("close-form", "/work/branch/close", &me.csrf, "", "结束投票")),
                html::section("again", "重新投票", &html::form("again-form", "/work/branch/again", &me.csrf, &again, "本次投票作废，重新投票")),
            );
            ("民主推荐投票", body)
        }
        "stars" => ("评选结果和台帐", html::section("stars", "评选结果和台帐", &html::printed(&web.view(me, &["stars", &opt("branch", branch)]).text))),
        _ => {
            let status = web.view(me, &["status", &opt("branch", branch)]);
            let advance = html::form("advance-form", "/work/branch/advance", &me.csrf, "", "完成当前环节，推进到下一环节");
            let open = html::form("open-form", "/work/branch/open", &me.csrf, &html::text_input("quarter", "季度", &super::level::server_quarter(web), "写作 2026Q4"), "开启本季度评选");
            let body = format!(
                "{}{}{}",
                html::section("status", "本季度进度", &html::printed(&status.text)),
                html::section("advance", "推进", &advance),
                html::section("open", "开启季度评选", &open)
            );
            ("本季度进度", body)
        }
    };
    layout(web, me, title, &format!("{result}{body}"))
}

pub async fn page(State(web): State<Arc<Web>>, Path(page): Path<String>, headers: HeaderMap) -> Response {
    blocking(web, move |web| {
        let me = web.me(&headers)?;
        let Some(branch) = branch_of(&me) else { return not_yours() };
        if page == "progress" {
            return Ok(progress_view(web, &me, &branch));
        }
        if !["roster", "meeting", "exchange", "vote", "stars"].contains(&page.as_str()) {
            return Err(crate::web::refuse(StatusCode::NOT_FOUND, "没有这个页面", "请从工作台首页进入。"));
        }
        Ok(render(web, &me, &page, None))
    })
    .await
}

// ---- the vote desk ---------------------------------------------------------------------

/// The progress of the vote alone, large, for a screen in the meeting room: "已投 7 /
/// 发出 9", refreshing itself every 5 seconds (a `<meta>` refresh: the CSP allows no
/// script), with the button that closes the round.
fn progress_view(web: &Web, me: &Me, branch: &UnitId) -> Response {
    let progress = web.view(me, &["ballot", "status", &opt("branch", branch.as_str())]);
    let line = match (progress.json["cast"].as_i64(), progress.json["issued"].as_i64()) {
        (Some(cast), Some(issued)) => format!("<p id=\"tally\" class=\"tally\">已投 {cast} / 发出 {issued}</p>"),
        _ => String::new(),
    };
    let body = format!(
        "{}{}",
        html::section("progress", "投票进度（每 5 秒自动刷新）", &format!("{line}{}", html::printed(&progress.text))),
        html::section("close", "结束本轮投票", &html::form("close-form", "/work/branch/close", &me.csrf, "", "结束投票")),
    );
    let page = html::page("投票进度", Some(&me.line(web)), NAV, &body).replacen("<head>", "<head><meta http-equiv=\"refresh\" content=\"5\">", 1);
    Html(page).into_response()
}

/// The address of this server's workspace as the browser reached it, for the slips'
/// QR codes; none when the `Host` header is not a plain host name or address.
fn workspace_url(web: &Web, headers: &HeaderMap) -> Option<String> {
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    plain.then(|| format!("{}://{host}{}", web.scheme(), crate::web::HOME))
}

/// The codes just issued, as the printable slips (`ballot codes --out` makes the same
/// page), their QR codes opening this server's vote page with the code filled in, and
/// above them on screen what the command printed and the sign-out button.
/// Shown once: the answer is not to be kept by the browser.
fn slips(web: &Web, me: &Me, headers: &HeaderMap, ran: &Ran) -> Response {
    let issued = &ran.json;
    let codes: Vec<&str> = issued["codes"].as_array().map(|c| c.iter().filter_map(|c| c.as_str()).collect()).unwrap_or_default();
    let slips = crate::slips::Slips {
        branch: issued["branch"]["name"].as_str().unwrap_or_default(),
        branch_id: issued["branch"]["id"].as_str().unwrap_or_default(),
        quarter: issued["quarter"].as_str().unwrap_or_default().to_owned(),
        round: issued["round"].as_i64().unwrap_or_default(),
        codes,
    };
    let url = workspace_url(web, headers);
    let logout = html::form("logout-form", "/work/logout", &me.csrf, "", "退出登录");
    let above = format!("{}<section id=\"logout\">{logout}</section>", ran.html());
    let shown = crate::slips::Shown { url: url.as_deref(), stylesheet: Some(SLIPS_STYLE), back: Some("/work/branch/vote"), above: Some(&above) };
    let page = crate::slips::page(&slips, &shown);
    ([(axum::http::header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}

/// Where the slips' stylesheet is served.
pub const SLIPS_STYLE: &str = "/work/slips.css";

/// Names and ids split on commas, Chinese commas and 、.
fn names(text: &str) -> Vec<String> {
    text.split([',', '，', '、']).map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned).collect()
}

/// The members a form names, each on the branch's roster; else the refusal.
fn on_roster(web: &Web, branch: &UnitId, given: Vec<String>) -> Result<Vec<String>, Refused> {
    let roster = web.roster(branch);
    match given.iter().find(|g| !roster.iter().any(|(id, _)| id == *g)) {
        Some(other) => Err(crate::web::refuse(
            StatusCode::FORBIDDEN,
            "不能办理",
            &format!("`{other}` 不是本支部名单上的党员：只能为本支部的党员办理。请从页面的名单中选择。"),
        )),
        None => Ok(given),
    }
}

/// The command line of an action, and the page it is on.
fn command(web: &Web, me: &Me, branch: &UnitId, action: &str, form: &Form) -> Result<(Vec<String>, &'static str), Refused> {
    let b = branch.as_str();
    let line = |parts: &[&str]| parts.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>();
    Ok(match action {
        "report" => (line(&["meeting", "report", &opt("branch", b), &opt("date", form.get("date"))]), "meeting"),
        "attend" => {
            let mut args = line(&["meeting", "attend", &opt("status", form.get("status")), "--"]);
            args.extend(on_roster(web, branch, form.all("members"))?);
            (args, "meeting")
        }
        "guests" => {
            let mut args = line(&["meeting", "guests", &opt("branch", b)]);
            args.extend(names(form.get("activists")).iter().map(|n| opt("activist", n)));
            args.extend(names(form.get("observers")).iter().map(|n| opt("observer", n)));
            if !form.get("delegate").is_empty() {
                args.push(opt("delegate", form.get("delegate")));
            }
            (args, "meeting")
        }
        "present" => {
            let mut args = line(&["present"]);
            if !form.get("written").is_empty() {
                args.push("--written".to_owned());
            }
            args.push("--".to_owned());
            args.extend(on_roster(web, branch, form.all("members"))?);
            (args, "exchange")
        }
        "comment" => {
            let member = on_roster(web, branch, vec![form.get("member").to_owned()])?;
            (line(&["comment", &opt("member", &member[0]), &opt("text", form.get("text"))]), "exchange")
        }
        "open" => (line(&["quarter", "open", &opt("branch", b), &opt("quarter", form.get("quarter"))]), "home"),
        "codes" => (line(&["ballot", "codes", &opt("branch", b)]), "vote"),
        "close" => (line(&["ballot", "close", &opt("branch", b)]), "vote"),
        "again" => (line(&["ballot", "again", &opt("branch", b), &opt("reason", form.get("reason"))]), "vote"),
        "advance" => {
            // The step to finish is the one the quarter stands at now.
            let status = web.view(me, &["status", &opt("branch", b)]);
            let from = status.json["state"]["id"].as_str().unwrap_or_default().to_owned();
            let mut args = line(&["advance", &opt("branch", b)]);
            if !from.is_empty() {
                args.push(opt("from", &from));
            }
            (args, "home")
        }
        _ => return Err(crate::web::refuse(StatusCode::NOT_FOUND, "没有这项办理", "请从工作台页面提交。")),
    })
}

pub async fn act(State(web): State<Arc<Web>>, Path(action): Path<String>, request: Request) -> Response {
    let (headers, _, form) = posted_form(request).await;
    blocking(web, move |web| {
        let me = web.posted(&headers, &form)?;
        let Some(branch) = branch_of(&me) else { return not_yours() };
        let (args, page) = command(web, &me, &branch, &action, &form)?;
        let ran = web.run(&me, &args);
        if action == "codes" && ran.done {
            return Ok(slips(web, &me, &headers, &ran));
        }
        Ok(status(&ran, render(web, &me, page, Some(&ran))))
    })
    .await
}
