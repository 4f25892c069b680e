//! The desk of a level above the branches (a general branch, the Organization
//! Department; the level is the account's unit): where the level's quarter stands in
//! the chain (`chain status`) with its steps — receive (`pull`), file, publish, pick
//! with a reason, forward (with the reason when none is picked) —; objections,
//! decisions and returns; the special meetings its branches reported (§4.2.a) and the
//! delegate it sends; and the overview of every branch and reporting unit under it
//! (`overview`). Every form's command line names the account's unit; a branch or a
//! star named in a form must be one this level sees. What the page shows of steps,
//! stars and branches is read from the commands' `--json` answers; nothing is decided
//! here.

// A refusal is a page (`Response`), as everywhere in the workspace: it is not boxed.
#![allow(clippy::result_large_err)]

use super::member::status;
use super::{layout, not_yours};
use crate::web::{blocking, html, opt, posted_form, Desk, Form, Me, Ran, Web};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use shine_engine::domain::{Quarter, UnitId};
use std::sync::Arc;

pub const NAV: &[(&str, &str)] = &[
    ("/work", "本季度报送进度"),
    ("/work/level/review", "公示异议与退回"),
    ("/work/level/meetings", "所属党支部的专题组织生活会"),
    ("/work/level/overview", "评选进度一览"),
];

/// The level's pages on the desk of a branch that is also a level of the chain (a
/// directly affiliated branch files, publishes and forwards its own stars), after the
/// branch's own.
pub const NAV_OF_A_BRANCH: &[(&str, &str)] = &[("/work/level/status", "备案、公示与报送"), ("/work/level/review", "公示异议与退回")];

const PAGES: &[&str] = &["status", "review", "meetings", "overview"];

fn unit_of(me: &Me) -> Option<UnitId> {
    match &me.desk {
        Desk::Level { unit } | Desk::Branch { branch: unit, level: true } => Some(unit.clone()),
        _ => None,
    }
}

/// The quarter a page is about: the one asked for (checked by the command that reads
/// it), else the quarter of the server's today.
fn quarter(web: &Web, asked: Option<&str>) -> String {
    match asked.map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => q.to_owned(),
        None => server_quarter(web),
    }
}

/// The quarter of the server's today.
pub fn server_quarter(web: &Web) -> String {
    web.context(None).map(|c| Quarter::of(c.today()).to_string()).unwrap_or_default()
}

/// `(value, shown)` pairs from a JSON list.
fn pairs(list: &serde_json::Value, value: impl Fn(&serde_json::Value) -> Option<String>, shown: impl Fn(&serde_json::Value) -> String) -> Vec<(String, String)> {
    list.as_array().map(|l| l.iter().filter_map(|v| Some((value(v)?, shown(v)))).collect()).unwrap_or_default()
}

/// The stars the level holds, as `chain status` answers them: `(member id, "name（unit）")`.
fn stars(status: &Ran) -> Vec<(String, String)> {
    pairs(
        &status.json["stars"],
        |v| v["record"]["member"]["id"].as_str().map(str::to_owned),
        |v| {
            let r = &v["record"];
            let unit = r["unit_path"].as_array().and_then(|p| p.last()).and_then(|u| u["name"].as_str()).unwrap_or_default();
            format!("{}（{unit}）", r["member"]["name"].as_str().unwrap_or_default())
        },
    )
}

/// The level's steps, as `chain status` answers them: their actions.
fn has_step(status: &Ran, action: &str) -> bool {
    status.json["steps"].as_array().is_some_and(|s| s.iter().any(|st| st["action"] == action))
}

/// The branches under the level, as `meetings` answers them: `(id, "name（id）")`.
fn branches(meetings: &Ran) -> Vec<(String, String)> {
    pairs(
        &meetings.json["rows"],
        |v| v["branch"]["id"].as_str().map(str::to_owned),
        |v| format!("{}（{}）", v["branch"]["name"].as_str().unwrap_or_default(), v["branch"]["id"].as_str().unwrap_or_default()),
    )
}

fn quarter_field(q: &str) -> String {
    format!("<input type=\"hidden\" name=\"quarter\" value=\"{}\">", html::esc(q))
}

/// A small form to look at another quarter.
fn quarter_picker(action: &str, q: &str) -> String {
    format!(
        "<form id=\"quarter-form\" method=\"get\" action=\"{}\">{}<button type=\"submit\" class=\"plain\">查看</button></form>",
        html::esc(action),
        html::text_input("quarter", "季度", q, "写作 2026Q4")
    )
}

fn chain_status(web: &Web, me: &Me, unit: &str, q: &str) -> Ran {
    web.view(me, &["chain", "status", &opt("unit", unit), &opt("quarter", q)])
}

/// A step's form: the button only, with the quarter; `fields` when it takes any.
fn step_form(me: &Me, id: &str, action: &str, q: &str, fields: &str, button: &str) -> String {
    html::form(id, &format!("/work/level/{action}"), &me.csrf, &format!("{}{fields}", quarter_field(q)), button)
}

/// A page of the desk by name, with the result of an action just taken on top.
pub fn render(web: &Web, me: &Me, page: &str, q: &str, ran: Option<&Ran>) -> Response {
    let Some(u) = unit_of(me) else { return layout(web, me, "工作台", "") };
    let unit = u.as_str();
    let result = ran.map(Ran::html).unwrap_or_default();
    let picker = html::section("quarter", "季度", &quarter_picker(&format!("/work/level/{page}"), q));
    let (title, body) = match page {
        "review" => {
            let status = chain_status(web, me, unit, q);
            let held = stars(&status);
            let member = |label: &str| html::select("member", label, &held, None);
            let mut body = String::new();
            if has_step(&status, "publish") {
                let object = format!("{}{}", member("被提出异议的“闪光言行之星”"), html::textarea("reason", "异议内容"));
                let decision = "<label>处理结果</label><div class=\"check\"><label><input type=\"radio\" id=\"dismiss\" name=\"outcome\" value=\"dismiss\" checked> 异议不成立，继续推荐</label>\
<label><input type=\"radio\" id=\"uphold\" name=\"outcome\" value=\"uphold\"> 异议成立，撤销推荐</label></div>";
                let decide = format!("{}{decision}{}", member("异议涉及的“闪光言行之星”"), html::textarea("reason", "处理理由（核实情况）"));
                body.push_str(&html::section("object", "登记异议（公示期内，§4.3.b）", &step_form(me, "object-form", "object", q, &object, "登记异议")));
                body.push_str(&html::section("decide", "处理异议", &step_form(me, "decide-form", "decide", q, &decide, "办理")));
            }
            let back = format!("{}{}", member("退回更正的“闪光言行之星”"), html::textarea("reason", "退回理由（需要更正什么）"));
            body.push_str(&html::section("return", "退回下级更正", &step_form(me, "return-form", "return", q, &back, "退回")));
            body.push_str(&html::section("status", "本季度报送进度", &html::printed(&status.text)));
            ("公示异议与退回", body)
        }
        "meetings" => {
            let meetings = web.view(me, &["meetings", &opt("unit", unit), &opt("quarter", q)]);
            let fields = format!("{}{}", html::select("branch", "党支部", &branches(&meetings), None), html::text_input("name", "派员列席的同志", "", "姓名"));
            let body = format!(
                "{}{}",
                html::section("meetings", "已报告的专题组织生活会（§4.2.a）", &html::printed(&meetings.text)),
                html::section("delegate", "派员列席（一般应派员列席）", &step_form(me, "delegate-form", "delegate", q, &fields, "确定列席人员")),
            );
            ("所属党支部的专题组织生活会", body)
        }
        "overview" => {
            let overview = web.view(me, &["overview", &opt("unit", unit), &opt("quarter", q)]);
            ("评选进度一览", html::section("overview", "各党支部和各级报送进度", &html::printed(&overview.text)))
        }
        _ => {
            let status = chain_status(web, me, unit, q);
            let held = stars(&status);
            let mut steps = String::new();
            let mut add = |action: &str, id: &str, heading: &str, fields: String, button: &str| {
                if has_step(&status, action) {
                    steps.push_str(&html::section(id, heading, &step_form(me, &format!("{id}-form"), id, q, &fields, button)));
                }
            };
            add("receive", "receive", "汇总下级报送", String::new(), "汇总");
            add("file", "file", "备案", String::new(), "备案");
            add("publish", "publish", "公示评选结果（§4.3.b）", String::new(), "公示");
            let pick = format!("{}{}", html::select("member", "推荐的“闪光言行之星”", &held, None), html::textarea("reason", "推荐理由"));
            add("pick", "pick", "推荐典型（§4.3.d）", pick, "推荐");
            let forward = html::textarea("no_pick_reason", "未推荐典型的理由（推荐了典型的不填）");
            add("forward", "forward", "报送上级", forward, "报送");
            let body = format!("{}{steps}", html::section("status", "本季度报送进度", &html::printed(&status.text)));
            ("本季度报送进度", body)
        }
    };
    layout(web, me, title, &format!("{result}{body}{picker}"))
}

/// The desk's home page: the level's status and steps in the server's quarter.
pub fn home(web: &Web, me: &Me) -> Response {
    render(web, me, "status", &quarter(web, None), None)
}

pub async fn page(State(web): State<Arc<Web>>, Path(page): Path<String>, uri: Uri, headers: HeaderMap) -> Response {
    let asked = Form::parse(uri.query().unwrap_or_default().as_bytes()).get("quarter").to_owned();
    blocking(web, move |web| {
        let me = web.me(&headers)?;
        if unit_of(&me).is_none() {
            return not_yours();
        }
        if !PAGES.contains(&page.as_str()) {
            return Err(crate::web::refuse(StatusCode::NOT_FOUND, "没有这个页面", "请从工作台首页进入。"));
        }
        Ok(render(web, &me, &page, &quarter(web, Some(&asked)), None))
    })
    .await
}

/// A value a form chose from the page's list, or the refusal naming it.
fn listed(given: &str, listed: &[(String, String)], what: &str) -> Result<String, Response> {
    if listed.iter().any(|(id, _)| id == given) {
        return Ok(given.to_owned());
    }
    Err(crate::web::notice(StatusCode::FORBIDDEN, "不能办理", &format!("`{given}` 不是本单位{what}：只能为本单位的{what}办理。请从页面的列表中选择。")))
}

/// The command line of an action, and the page it is on.
fn command(web: &Web, me: &Me, unit: &str, q: &str, action: &str, form: &Form) -> Result<(Vec<String>, &'static str), Response> {
    let level = || vec![opt("unit", unit), opt("quarter", q)];
    let chain = |step: &str, page: &'static str, more: Vec<String>| {
        let mut args = vec!["chain".to_owned(), step.to_owned()];
        args.extend(level());
        args.extend(more);
        (args, page)
    };
    let star = || listed(form.get("member"), &stars(&chain_status(web, me, unit, q)), "汇总的“闪光言行之星”");
    Ok(match action {
        "receive" => {
            let mut args = vec!["pull".to_owned()];
            args.extend(level());
            (args, "status")
        }
        "file" | "publish" => chain(action, "status", Vec::new()),
        "pick" => chain("pick", "status", vec![opt("member", &star()?), opt("reason", form.get("reason"))]),
        "forward" => {
            let why = form.get("no_pick_reason");
            chain("forward", "status", if why.is_empty() { Vec::new() } else { vec![opt("no-pick-reason", why)] })
        }
        "object" | "return" => chain(action, "review", vec![opt("member", &star()?), opt("reason", form.get("reason"))]),
        "decide" => {
            let outcome = if form.get("outcome") == "uphold" { "--uphold" } else { "--dismiss" };
            chain("decide", "review", vec![opt("member", &star()?), outcome.to_owned(), opt("reason", form.get("reason"))])
        }
        "delegate" => {
            let under = branches(&web.view(me, &["meetings", &opt("unit", unit), &opt("quarter", q)]));
            let branch = listed(form.get("branch"), &under, "所属的党支部")?;
            (vec!["meeting".to_owned(), "delegate".to_owned(), opt("branch", &branch), opt("name", form.get("name"))], "meetings")
        }
        _ => return Err(crate::web::notice(StatusCode::NOT_FOUND, "没有这项办理", "请从工作台页面提交。")),
    })
}

pub async fn act(State(web): State<Arc<Web>>, Path(action): Path<String>, request: Request) -> Response {
    let (headers, _, form) = posted_form(request).await;
    blocking(web, move |web| {
        let me = web.posted(&headers, &form)?;
        let Some(unit) = unit_of(&me) else { return not_yours() };
        let q = quarter(web, Some(form.get("quarter")));
        let (args, page) = command(web, &me, unit.as_str(), &q, &action, &form)?;
        let ran = web.run(&me, &args);
        Ok(status(&ran, render(web, &me, page, &q, Some(&ran))))
    })
    .await
}
