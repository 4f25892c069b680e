//! 导出与打印: the forms of `shine export` on the desk of the person signed in — a
//! member their own 登记证 and §4.2.c record; a branch secretary the branch's 台帐, its
//! members' 登记证 and records (and, for a directly affiliated branch, its Annex
//! 登记表); a general branch its 登记表 and its branches' 台帐 and records; the
//! Organization Department also the university's roll-up and overview. The command
//! line is built here from the desk — the member, branch or unit is the account's, or
//! one the account's unit may see (`Shine::may_see`), never taken on trust from the
//! query — and built by the CLI's own `export` code (`Web::export`) as the account, so
//! what a role may not see (the restricted findings) is withheld as the CLI withholds
//! it for that role. A download writes no file on the server.

// A refusal is a page (`Response`), as everywhere in the workspace: it is not boxed.
#![allow(clippy::result_large_err)]

use super::layout;
use super::level::server_quarter;
use crate::web::{blocking, html, opt, refuse, Desk, Me, Refused, Web};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use shine_engine::domain::UnitId;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

pub const PAGE: &str = "/work/downloads";
pub const FILE: &str = "/work/download";
/// The printed pages' stylesheet (`export::print::STYLE`).
pub const PRINT_STYLE: &str = "/work/print.css";

/// The downloads of the person's desk.
pub async fn page(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    blocking(web, move |web| {
        let me = web.me(&headers)?;
        let q = server_quarter(web);
        let year = q.get(..4).unwrap_or_default().to_owned();
        let mut body = String::from("<p class=\"hint\">选择“表格”得到 Excel/WPS 可以打开的 .xlsx 文件；选择“打印页”在浏览器中打开 A4 页面，用浏览器的打印（可另存为 PDF）。</p>");
        for (id, title, fields) in offered(web, &me, &q, &year) {
            body.push_str(&html::section(id, title, &get_form(id, &fields)));
        }
        Ok(layout(web, &me, "导出与打印", &body))
    })
    .await
}

/// The forms offered on a desk: `(form, heading, fields)`.
fn offered(web: &Web, me: &Me, q: &str, year: &str) -> Vec<(&'static str, &'static str, String)> {
    let quarter = |label: &str| html::text_input("quarter", label, q, "2026Q4");
    let period = format!("{}{}", html::text_input("quarter", "季度（与年度二选一）", q, "2026Q4"), html::text_input("year", "或年度", "", year));
    let range = format!("{}{}", html::text_input("from", "起始季度", &format!("{year}Q1"), ""), html::text_input("to", "截止季度", q, ""));
    let mut list = Vec::new();
    match &me.desk {
        Desk::Member { .. } => {
            list.push(("certificate", "我的《党员“闪光言行”登记证》", quarter("季度（不填为全部季度）")));
            list.push(("appraisal", "我的评选结果（民主评议、评优评先、推选党代表的依据，§4.2.c）", range));
        }
        Desk::Branch { branch, level } => {
            list.push(("ledger", "本支部评选台帐和专题组织生活会记录", period));
            let roster = web.roster(branch);
            list.push(("certificate", "党员的《党员“闪光言行”登记证》", format!("{}{}", html::select("member", "党员", &roster, None), quarter("季度（不填为全部季度）"))));
            list.push(("appraisal", "评选结果（§4.2.c 民主评议、评优评先、推选党代表的依据）", format!("{}{range}", html::select("member", "党员", &roster, Some("本支部全体党员")))));
            if *level {
                list.push(("form", "附件《基层党组织党员“闪光言行之星”登记表》", quarter("季度")));
            }
        }
        Desk::Level { unit } => {
            let branches = branches_seen(web, unit);
            list.push(("form", "附件《基层党组织党员“闪光言行之星”登记表》", format!("{}{}", units_field(web, unit), quarter("季度"))));
            if is_top(web, unit) {
                list.push(("overview", "全校评选情况统计", period.clone()));
            }
            if !branches.is_empty() {
                list.push(("ledger", "所属党支部的评选台帐", format!("{}{period}", html::select("branch", "党支部", &branches, None))));
                list.push(("appraisal", "所属党支部党员的评选结果（§4.2.c）", format!("{}{range}", html::select("branch", "党支部", &branches, None))));
            }
        }
    }
    list
}

/// The reporting unit field of the Annex form: the account's own unit, or, for the
/// Organization Department, any unit or all of them (the roll-up).
fn units_field(web: &Web, unit: &UnitId) -> String {
    if !is_top(web, unit) {
        return String::new();
    }
    let Ok(tree) = web.shine.org() else { return String::new() };
    let units: Vec<(String, String)> = tree.in_order().filter(|u| u.parent.is_some()).filter(|u| reports(web, u.id.as_str())).map(|u| (u.id.to_string(), u.name.clone())).collect();
    html::select("unit", "填报单位", &units, Some("全校各单位汇总（报党委组织部备案）"))
}

/// Whether a unit is a level of the chain (it files its branches' results).
fn reports(web: &Web, unit: &str) -> bool {
    let current = web.shine.current();
    web.shine.org().ok().and_then(|t| t.unit(unit).map(|u| u.kind.clone())).is_some_and(|k| current.escalation.level_for_kind(&k).is_some())
}

fn is_top(web: &Web, unit: &UnitId) -> bool {
    web.shine.org().ok().and_then(|t| t.root().map(|r| r.id == *unit)).unwrap_or(false)
}

/// The branches under `unit` whose members the unit may see.
fn branches_seen(web: &Web, unit: &UnitId) -> Vec<(String, String)> {
    let current = web.shine.current();
    let Ok(tree) = web.shine.org() else { return Vec::new() };
    tree.in_order()
        .filter(|u| current.workflow.runs_in(&u.kind) && u.id != *unit)
        .filter(|u| web.shine.may_see(unit.as_str(), u.id.as_str()).unwrap_or(false))
        .map(|u| (u.id.to_string(), u.name.clone()))
        .collect()
}

/// A form that asks for a download by GET (reading only; no CSRF token needed), with
/// the choice of workbook or printed page.
fn get_form(what: &str, fields: &str) -> String {
    let formats = [("xlsx".to_owned(), "表格（.xlsx）".to_owned()), ("html".to_owned(), "打印页（A4）".to_owned())];
    let fields = format!("{fields}{}", html::select("format", "格式", &formats, None));
    // Several forms on the page have a field of the same name: each field's id (and its
    // label's `for`) takes the form's name first, so that ids stay unique.
    let fields = fields.replace(" id=\"", &format!(" id=\"{what}-")).replace(" for=\"", &format!(" for=\"{what}-"));
    let mut f = format!("<form id=\"download-{what}\" method=\"get\" action=\"{FILE}\"><input type=\"hidden\" name=\"form\" value=\"{what}\">{fields}");
    let _ = write!(f, "<button type=\"submit\">导出</button></form>");
    f
}

/// One download: the form as a workbook (saved) or a printed page (opened to print).
pub async fn download(State(web): State<Arc<Web>>, uri: Uri, headers: HeaderMap) -> Response {
    blocking(web, move |web| {
        let query: HashMap<String, String> = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned().collect();
        let me = web.me(&headers)?;
        let args = command_line(web, &me, &query)?;
        let (bytes, name, format) = web.export(&me, &args, PRINT_STYLE).map_err(|text| refuse(StatusCode::UNPROCESSABLE_ENTITY, "无法导出", &text))?;
        let disposition = match format {
            crate::export::Format::Workbook => "attachment",
            crate::export::Format::Print => "inline",
        };
        let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20");
        let mut response = bytes.into_response();
        let h = response.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.media_type()));
        if let Ok(v) = HeaderValue::from_str(&format!("{disposition}; filename=\"export.{}\"; filename*=UTF-8''{encoded}", format.extension())) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Ok(response)
    })
    .await
}

/// The `export` command line a download asks for, from the desk: refused when it names
/// a member, branch or unit the account does not act for or see.
fn command_line(web: &Web, me: &Me, q: &HashMap<String, String>) -> Result<Vec<String>, Refused> {
    let get = |name: &str| q.get(name).map(|v| v.trim()).unwrap_or_default();
    let what = get("form");
    let format = match get("format") {
        f @ ("xlsx" | "html") => f,
        _ => return Err(refuse(StatusCode::BAD_REQUEST, "无法导出", "请选择导出的格式：表格（.xlsx）或打印页。")),
    };
    let not_yours = || refuse(StatusCode::FORBIDDEN, "无权导出", "这份表单不属于您的账号所办理的工作。请从“导出与打印”页面选择。");
    let mut args = vec!["export".to_owned(), what.to_owned()];
    let mut name = vec![title(what).to_owned()];
    let in_roster = |branch: &UnitId, member: &str| web.roster(branch).iter().any(|(id, _)| id == member);
    let sees = |unit: &UnitId, branch: &str| web.shine.may_see(unit.as_str(), branch).unwrap_or(false) && branch != unit.as_str();
    match (what, &me.desk) {
        ("certificate", Desk::Member { member, .. }) => args.push(opt("member", member.as_str())),
        ("certificate", Desk::Branch { branch, .. }) if in_roster(branch, get("member")) => args.push(opt("member", get("member"))),
        ("appraisal", Desk::Member { member, .. }) => args.push(opt("member", member.as_str())),
        ("appraisal", Desk::Branch { branch, .. }) if get("member").is_empty() => args.push(opt("branch", branch.as_str())),
        ("appraisal", Desk::Branch { branch, .. }) if in_roster(branch, get("member")) => args.push(opt("member", get("member"))),
        ("appraisal" | "ledger", Desk::Level { unit }) if sees(unit, get("branch")) => args.push(opt("branch", get("branch"))),
        ("ledger", Desk::Branch { branch, .. }) => args.push(opt("branch", branch.as_str())),
        ("form", Desk::Branch { branch, level: true }) => args.push(opt("unit", branch.as_str())),
        ("form", Desk::Level { unit }) if is_top(web, unit) => {
            if !get("unit").is_empty() {
                args.push(opt("unit", get("unit")));
            }
        }
        ("form", Desk::Level { unit }) => args.push(opt("unit", unit.as_str())),
        ("overview", Desk::Level { unit }) if is_top(web, unit) => {}
        _ => return Err(not_yours()),
    }
    for field in ["member", "branch", "unit"] {
        if let Some(a) = args.iter().find_map(|a| a.strip_prefix(&format!("--{field}="))) {
            name.push(a.to_owned());
        }
    }
    for field in ["quarter", "year", "from", "to"] {
        let value = get(field);
        let wanted = match (what, field) {
            ("certificate", "quarter") | ("form", "quarter") => true,
            ("ledger" | "overview", "quarter") => true,
            ("ledger" | "overview", "year") => get("quarter").is_empty(),
            ("appraisal", "from" | "to") => true,
            _ => false,
        };
        if wanted && !value.is_empty() {
            args.push(opt(field, value));
            name.push(value.to_owned());
        }
    }
    args.push(opt("out", &format!("{}.{format}", name.join("-"))));
    Ok(args)
}

/// The download's name, first word.
fn title(what: &str) -> &'static str {
    match what {
        "certificate" => "登记证",
        "appraisal" => "评选结果",
        "ledger" => "台帐",
        "form" => "登记表",
        "overview" => "评选情况统计",
        _ => "导出",
    }
}
