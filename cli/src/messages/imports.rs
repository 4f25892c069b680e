//! What a bulk import records, or would record without `--apply`, in Chinese: the
//! deeds of a branch's paper certificates, conduct findings, units of the tree. Rows
//! are named by their line in the file.

use shine_engine::ops::org::{FindingsImported, UnitsImported};
use shine_engine::ops::quarter::DeedsImported;
use shine_engine::rules::RuleSet;

/// `第 2、5 行`.
fn rows(rows: &[usize]) -> String {
    format!("第 {} 行", rows.iter().map(usize::to_string).collect::<Vec<_>>().join("、"))
}

/// The lines of an import's answer: a head, the new records, the rows repeated, and
/// what to do next.
fn answer(head: String, new: Vec<String>, what: &str, repeated: &[usize], applied: bool, apply: &str, next: &str) -> String {
    let mut text = head;
    let verb = if applied { "新记入" } else { "将记入" };
    text.push_str(&format!("\n  {verb} {} {what}", new.len()));
    for line in &new {
        text.push_str(&format!("\n    + {line}"));
    }
    if !repeated.is_empty() {
        text.push_str(&format!("\n  已有、不再重复记入 {} {what}（{}）", repeated.len(), rows(repeated)));
    }
    text.push('\n');
    text.push_str(match (applied, new.is_empty()) {
        (true, _) => next,
        (false, true) => "文件中的各条都已记入，无需写入",
        (false, false) => apply,
    });
    text
}

pub fn deeds(d: &DeedsImported) -> String {
    let branch = &d.branch;
    let head = if d.applied {
        format!("已为「{}」（`{}`）{} 季度登记闪光言行：", branch.name, branch.id, d.quarter)
    } else {
        format!("「{}」（`{}`）{} 季度，文件中的闪光言行（尚未登记）：", branch.name, branch.id, d.quarter)
    };
    let new = d
        .new
        .iter()
        .map(|n| {
            let form = n.deed.form.map(|f| format!("·{f}")).unwrap_or_default();
            format!("第 {} 行 {}（{}）{} {}{form}：{}", n.row, n.member.name, n.member.id, n.deed.date, n.deed.kind, n.deed.text)
        })
        .collect();
    let next = format!("下一步：`shine status --branch {}` 查看登记进度", branch.id);
    answer(head, new, "条", &d.repeated, d.applied, "核对无误后加 `--apply` 登记", &next)
}

pub fn findings(rules: &RuleSet, f: &FindingsImported) -> String {
    let head = if f.applied { "已记录违规情形：".to_owned() } else { "文件中的违规情形记录（尚未记录）：".to_owned() };
    let new = f
        .new
        .iter()
        .map(|n| {
            let clause = rules.rule_info(n.finding.clause.as_str()).clause;
            let open = if n.finding.open { "，正在调查" } else { "" };
            let until = n.finding.until.map(|u| format!("，处分期至 {u}")).unwrap_or_default();
            let (name, id, date, evidence) = (&n.member.name, &n.member.id, n.finding.date, &n.finding.evidence);
            format!("第 {} 行 {name}（{id}，支部 `{}`）{} {clause} {date}{open}{until}：{evidence}", n.row, n.branch, n.finding.clause)
        })
        .collect();
    answer(head, new, "条", &f.repeated, f.applied, "核对无误后加 `--apply` 记录", "下一步：`shine explain <党员>` 查看对评选的影响")
}

pub fn units(u: &UnitsImported, title: impl Fn(&str) -> String) -> String {
    let head = if u.applied { "已建立组织（上级在前）：".to_owned() } else { "文件中的组织（尚未建立，上级在前）：".to_owned() };
    let new = u
        .new
        .iter()
        .map(|n| {
            let parent = n.unit.parent.as_ref().map(|p| format!("，隶属 `{p}`")).unwrap_or_default();
            format!("第 {} 行 {}「{}」（`{}`{parent}）", n.row, title(&n.unit.kind), n.unit.name, n.unit.id)
        })
        .collect();
    answer(head, new, "个", &u.repeated, u.applied, "核对无误后加 `--apply` 建立", "下一步：`shine org list` 查看组织")
}
