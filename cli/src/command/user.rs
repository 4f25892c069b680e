//! `shine user …`: the accounts of the web workspace (`shine serve` at `/work`). An
//! account is bound to a person, a role of the workflow files and a unit (a member
//! account to one member); the engine checks all three. A password is never taken on
//! the command line: it is generated and shown once, or read from `--password-file`.

use crate::args::UserCommand;
use crate::context::Context;
use crate::failure::Result;
use crate::render::{table, unit_name, Output};
use shine_engine::ops::users::{generate_password, NewAccount};
use shine_engine::ops::Current;
use shine_engine::state::users::Account;
use std::path::Path;

pub fn run(ctx: &Context, command: UserCommand) -> Result<Output> {
    match command {
        UserCommand::Add { login, name, role, unit, member, password_file } => {
            let shine = ctx.shine()?;
            let (password, generated) = password(password_file.as_deref())?;
            let new = NewAccount { login: &login, name: &name, role: &role, unit: &unit, member: member.as_deref() };
            let account = shine.add_account(&ctx.actor(Some(shine.current()))?, &new, &password)?;
            let head = format!("已为{}开设网页工作台账号 `{}`：{}，{}", account.name, account.login, role_title(Some(shine.current()), &account.role), unit_name(&shine, account.unit.as_str()));
            Ok(issued(head, &account, generated.then_some(password.as_str())))
        }
        UserCommand::List => {
            let engine = ctx.engine()?;
            let archive = engine.archive();
            let all = archive.accounts()?;
            let mut t = table(&["登录名", "姓名", "角色", "组织", "党员", "开设时间", "状态"]);
            for a in &all {
                let state = if a.disabled { "已停用" } else { "有效" };
                let member = a.member.as_ref().map(ToString::to_string).unwrap_or_default();
                t.add_row(vec![
                    a.login.clone(),
                    a.name.clone(),
                    role_title(engine.current(), &a.role),
                    unit_name(archive, a.unit.as_str()),
                    member,
                    a.added_at.to_string(),
                    state.to_owned(),
                ]);
            }
            let human = if all.is_empty() { "尚未开设网页工作台账号（shine user add --login … --name … --role … --unit …）".to_owned() } else { t.to_string() };
            Ok(Output::new(human, all))
        }
        UserCommand::Disable { login } => {
            let engine = ctx.engine()?;
            let a = engine.archive().disable_account(&ctx.actor(engine.current())?, &login)?;
            Ok(Output::new(format!("已停用账号 `{}`（{}）：其已登录的网页会话立即失效", a.login, a.name), &a))
        }
        UserCommand::Enable { login } => {
            let engine = ctx.engine()?;
            let a = engine.archive().enable_account(&ctx.actor(engine.current())?, &login)?;
            Ok(Output::new(format!("账号 `{}`（{}）可以登录", a.login, a.name), &a))
        }
        UserCommand::Reset { login, password_file } => {
            let engine = ctx.engine()?;
            let (password, generated) = password(password_file.as_deref())?;
            let a = engine.archive().reset_password(&ctx.actor(engine.current())?, &login, &password)?;
            let head = format!("已为账号 `{}`（{}）重设密码，其已登录的网页会话已失效", a.login, a.name);
            Ok(issued(head, &a, generated.then_some(password.as_str())))
        }
    }
}

/// A role's title from the workflow files in force, else its id.
pub fn role_title(current: Option<&Current>, role: &str) -> String {
    let title = current.and_then(|c| c.workflow.role(role).or_else(|| c.escalation.roles.iter().find(|r| r.id == role)));
    title.map(|r| r.title.clone()).unwrap_or_else(|| role.to_owned())
}

/// What add and reset print: the password once, when it was generated here.
fn issued(head: String, account: &Account, password: Option<&str>) -> Output {
    let human = match password {
        Some(p) => format!("{head}\n\n    初始密码：{p}\n\n密码只显示这一次，请当面或以安全方式交给本人；遗失时用 `shine user reset --login {}` 重设。\n登录：在浏览器打开 `shine serve` 的地址加 /work", account.login),
        None => format!("{head}\n密码取自所给文件。登录：在浏览器打开 `shine serve` 的地址加 /work"),
    };
    let mut json = serde_json::json!({ "account": account });
    if let Some(p) = password {
        json["password"] = serde_json::Value::from(p);
    }
    Output::new(human, json)
}

/// The password to set, and whether it was generated (and so is to be shown).
fn password(file: Option<&Path>) -> Result<(String, bool)> {
    let Some(path) = file else { return Ok((generate_password(), true)) };
    let text = std::fs::read_to_string(path)
        .map_err(|e| crate::fail!("file_unreadable", help = "检查文件是否存在及其权限；文件第一行写密码", "无法读取密码文件 `{}`：{e}", path.display()))?;
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r').to_owned();
    Ok((line, false))
}
