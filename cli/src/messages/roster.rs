//! A roster that lives, in Chinese: why a member left, the fields of a dated change
//! (`职务：普通党员 → 支委`), what a roster file would change (added, changed,
//! missing) and what a transfer, removal or change did.

use shine_engine::entity::{Departure, MemberChange, MemberRecord};
use shine_engine::ops::roster::{Move, RosterDiff, RosterMove};
use shine_engine::rules::RuleSet;

/// `转到支部 `jx-xs``, `因「毕业离校」离开`.
pub fn departure(d: &Departure, label: Option<&str>) -> String {
    match d {
        Departure::Transferred { to } => format!("转到支部 `{to}`"),
        Departure::Removed { reason } => format!("因「{}」离开", label.unwrap_or(reason)),
    }
}

/// The label the rules give a variant of `member.<field>`, or the variant itself.
fn label(rules: Option<&RuleSet>, field: &str, value: &str) -> String {
    rules
        .and_then(|r| r.field_enum("member", field))
        .and_then(|e| e.variants.iter().find(|v| v.name == value))
        .and_then(|v| v.label.clone())
        .unwrap_or_else(|| value.to_owned())
}

/// The label of a removal's reason, as the rules declare it.
pub fn reason(rules: Option<&RuleSet>, value: &str) -> String {
    rules
        .and_then(|r| r.enum_decl("departure"))
        .and_then(|e| e.variants.iter().find(|v| v.name == value))
        .and_then(|v| v.label.clone())
        .unwrap_or_else(|| value.to_owned())
}

fn category(full: bool) -> &'static str {
    if full {
        "正式党员"
    } else {
        "预备党员"
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "（无）".into())
}

/// Each field `change` sets, as `职务：普通党员 → 支委`.
pub fn fields(rules: Option<&RuleSet>, before: &MemberRecord, change: &MemberChange) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = &change.name {
        out.push(format!("姓名：{} → {v}", before.name));
    }
    if let Some(v) = &change.identity {
        out.push(format!("身份：{} → {}", label(rules, "identity", &before.identity), label(rules, "identity", v)));
    }
    if let Some(v) = &change.role {
        out.push(format!("职务：{} → {}", label(rules, "role", &before.role), label(rules, "role", v)));
    }
    if let Some(v) = change.full {
        out.push(format!("类别：{} → {}", category(before.full), category(v)));
    }
    if let Some(v) = change.mobile {
        out.push(format!("流动党员：{} → {}", yes_no(before.mobile), yes_no(v)));
    }
    if let Some(v) = change.last_report {
        out.push(format!("最近报到：{} → {}", date(before.last_report), date(v)));
    }
    out
}

/// What a roster file would change, or changed.
pub fn diff(rules: Option<&RuleSet>, d: &RosterDiff) -> String {
    let branch = &d.branch;
    if d.first && d.applied {
        return format!("已向「{}」（`{}`）导入 {} 名党员。下一步：`shine quarter open --branch {} --quarter <季度>`", branch.name, branch.id, d.added.len(), branch.id);
    }
    let mut text = String::new();
    let head = if d.applied {
        format!("已更新「{}」（`{}`）的名单，变动自 {} 起生效：", branch.name, branch.id, d.on)
    } else {
        format!("「{}」（`{}`）的名单文件与现有名单相比（尚未写入）：", branch.name, branch.id)
    };
    text.push_str(&head);
    text.push('\n');
    text.push_str(&format!("  新增 {} 人", d.added.len()));
    for m in &d.added {
        text.push_str(&format!("\n    + {}（{}）", m.name, m.id));
    }
    text.push_str(&format!("\n  变动 {} 人", d.changed.len()));
    for c in &d.changed {
        text.push_str(&format!("\n    ~ {}（{}）：{}", c.member.name, c.member.id, fields(rules, &c.before, &c.change).join("；")));
    }
    text.push_str(&format!("\n  文件中没有的 {} 人（仍在名单上，不会删除）", d.missing.len()));
    for m in &d.missing {
        text.push_str(&format!("\n    ? {}（{}）", m.name, m.id));
    }
    text.push_str(&format!("\n  未变 {} 人\n", d.unchanged));
    if !d.missing.is_empty() {
        text.push_str("离开本支部的党员用 `shine member remove --member <编号> --on <日期> --reason <原因>`，转到本校其他支部的用 `shine member transfer --member <编号> --to <支部> --on <日期>`\n");
    }
    if d.applied {
        text.push_str(&format!("下一步：`shine members --branch {}` 查看名单", branch.id));
    } else if d.is_empty() {
        text.push_str("名单没有变化，无需写入");
    } else {
        text.push_str(&format!("核对无误后加 `--apply` 写入（变动日期为 {}，可用 `--on` 指定）", d.on));
    }
    text
}

/// What a transfer, removal or change did.
pub fn moved(rules: Option<&RuleSet>, m: &RosterMove) -> String {
    let who = format!("{}（{}）", m.member.name, m.member.id);
    let from = format!("「{}」", m.branch.name);
    let line = match &m.what {
        Move::Transferred { to } => format!("{who}的组织关系自 {} 起由{from}转入「{}」（`{}`）；历次记录随之转入，原支部已结束的季度不变", m.on, to.name, to.id),
        Move::Removed { reason: r } => {
            let r = r.label.clone().unwrap_or_else(|| reason(rules, &r.name));
            format!("{who}自 {} 起因「{r}」离开{from}的名单；记录都保留，已结束的季度不变", m.on)
        }
        Move::Changed { before, change } => {
            let list = fields(rules, before, change);
            if m.repeated || list.is_empty() {
                format!("{who}在 {} 已是这样，无需变动", m.on)
            } else {
                format!("{who}自 {} 起：{}", m.on, list.join("；"))
            }
        }
    };
    if m.repeated && !matches!(m.what, Move::Changed { .. }) {
        format!("{line}（此前已登记，未重复写入）")
    } else {
        line
    }
}
