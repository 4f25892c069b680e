//! The demo's accounts of the web workspace: a branch secretary and two members of
//! the first branch, the staffer of its general branch and the Organization
//! Department, each with a generated password printed at the end (如何登录网页工作台).
//! Roles come from the workflow files: the quarter's default role for the secretary,
//! the role acting for a member, and the role of the chain level of each unit's kind.

use crate::failure::Result;
use shine_engine::domain::Actor;
use shine_engine::entity::MemberRecord;
use shine_engine::ops::users::{generate_password, NewAccount};
use shine_engine::ops::Shine;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// An account the demo made, with its password.
#[derive(Debug, serde::Serialize)]
pub struct Made {
    pub login: String,
    pub password: String,
    pub name: String,
    pub role: String,
    pub unit: String,
}

/// Accounts for the first branch (by id) of `rosters`, its general branch and the top.
pub fn add(shine: &Shine, actor: &Actor, rosters: &BTreeMap<&str, Vec<MemberRecord>>, secretary_of: &dyn Fn(&[MemberRecord]) -> String) -> Result<Vec<Made>> {
    let c = shine.current();
    let tree = shine.org()?;
    let Some((branch, roster)) = rosters.iter().find(|(b, _)| tree.parent_of(b).is_some_and(|p| tree.parent_of(p.id.as_str()).is_some())) else {
        return Ok(Vec::new());
    };
    let member_role = c.workflow.roles.iter().map(|r| r.id.clone()).find(|r| shine.role_units(r).1);
    let secretary_role = c.workflow.default_role().map(|r| r.id.clone());
    let level_role = |unit: &str| tree.unit(unit).and_then(|u| c.escalation.level_for_kind(&u.kind)).map(|l| l.role.clone());
    let general = tree.parent_of(branch).map(|u| u.id.to_string());
    let top = tree.root().map(|u| u.id.to_string());
    // (login, name, role, unit, member)
    type Wanted = (String, String, Option<String>, String, Option<String>);
    let mut wanted: Vec<Wanted> = Vec::new();
    let secretary = secretary_of(roster);
    let officer = roster.iter().find(|m| m.name == secretary);
    wanted.push(("shuji".into(), secretary.clone(), secretary_role, (*branch).to_owned(), officer.map(|m| m.id.to_string())));
    for m in roster.iter().filter(|m| Some(&m.id) != officer.map(|o| &o.id)).take(2) {
        wanted.push((m.id.to_string(), m.name.clone(), member_role.clone(), (*branch).to_owned(), Some(m.id.to_string())));
    }
    if let Some(g) = general {
        wanted.push(("zongzhi".into(), "总支组织员".into(), level_role(&g), g, None));
    }
    if let Some(t) = top {
        wanted.push(("zuzhibu".into(), "组织部干事".into(), level_role(&t), t, None));
    }
    let mut made = Vec::new();
    for (login, name, role, unit, member) in wanted {
        let Some(role) = role else { continue };
        let password = generate_password();
        let new = NewAccount { login: &login, name: &name, role: &role, unit: &unit, member: member.as_deref() };
        shine.add_account(actor, &new, &password)?;
        made.push(Made { login, password, name, role, unit });
    }
    Ok(made)
}

/// 如何登录网页工作台: the command to serve the demo and each account.
pub fn render(shine: &Shine, made: &[Made], dir: &Path) -> String {
    if made.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n如何登录网页工作台\n  运行 `shine serve --store {}`，在浏览器打开 http://127.0.0.1:8080/work ，用下列账号登录（密码只在这里显示）：\n",
        dir.display()
    );
    for m in made {
        let role = crate::command::user::role_title(Some(shine.current()), &m.role);
        let _ = writeln!(out, "  {:<10} {}  {}（{}，{}）", m.login, m.password, m.name, role, crate::render::unit_name(shine, &m.unit));
    }
    out
}
