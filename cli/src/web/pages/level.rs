//! The desk of a level above the branches (a general branch, the Organization
//! Department): the special meetings its branches reported (§4.2.a). The chain's
//! steps get their pages here.

use super::layout;
use crate::web::{html, opt, Me, Web};
use axum::response::Response;
use shine_engine::domain::UnitId;

pub const NAV: &[(&str, &str)] = &[("/work", "所属党支部的专题组织生活会")];

pub fn home(web: &Web, me: &Me, unit: &UnitId) -> Response {
    let meetings = web.view(me, &["meetings", &opt("unit", unit.as_str())]);
    layout(web, me, "所属党支部的专题组织生活会", &html::section("meetings", "已报告的专题组织生活会（§4.2.a）", &html::printed(&meetings.text)))
}
