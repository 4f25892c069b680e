//! What a bulk import records, or would record without `--apply`, in Chinese: the
//! deeds of a branch's paper certificates, conduct findings, units of the tree. Rows
//! are named by their line in the file.

use shine_engine::entity::Unit;
use shine_engine::ops::org::ImportedFinding;
use shine_engine::ops::quarter::DeedsImported;
use shine_engine::ops::{Imported, Numbered};
use shine_engine::rules::RuleSet;

/// `第 2、5 行`.
fn rows(rows: &[usize]) -> String {
    format!("第 {} 行", rows.iter().map(usize::to_string).collect::<Vec<_>>().join("、"))
}

/// The lines of an import's answer: a head, the new records (each `第 N 行 …` as
/// `line` words it), the rows repeated, and what to do next.
fn answer<T>(head: String, i: &Imported<T>, what: &str, line: impl Fn(&T) -> String, apply: &str, next: &str) -> String {
    let mut text = head;
    let verb = if i.applied { "新记入" } else { "将记入" };
    text.push_str(&format!("\n  {verb} {} {what}", i.new.len()));
    for Numbered { row, record } in &i.new {
        text.push_str(&format!("\n    + 第 {row} 行 {}", line(record)));
    }
    if !i.repeated.is_empty() {
        text.push_str(&format!("\n  已有、不再重复记入 {} {what}（{}）", i.repeated.len(), rows(&i.repeated)));
    }
    text.push('\n');
    text.push_str(match (i.applied, i.new.is_empty()) {
        (true, _) => next,
        (false, true) => "文件中的各条都已记入，无需写入",
        (false, false) => apply,
    });
    text
}

pub fn deeds(d: &DeedsImported) -> String {
    let branch = &d.branch;
    let head = if d.deeds.applied {
        format!("已为「{}」（`{}`）{} 季度登记闪光言行：", branch.name, branch.id, d.quarter)
    } else {
        format!("「{}」（`{}`）{} 季度，文件中的闪光言行（尚未登记）：", branch.name, branch.id, d.quarter)
    };
    let line = |n: &shine_engine::ops::quarter::ImportedDeed| {
        let form = n.deed.form.map(|f| format!("·{f}")).unwrap_or_default();
        format!("{}（{}）{} {}{form}：{}", n.member.name, n.member.id, n.deed.date, n.deed.kind, n.deed.text)
    };
    let next = format!("下一步：`shine status --branch {}` 查看登记进度", branch.id);
    answer(head, &d.deeds, "条", line, "核对无误后加 `--apply` 登记", &next)
}

pub fn findings(rules: &RuleSet, f: &Imported<ImportedFinding>) -> String {
    let head = if f.applied { "已记录违规情形：" } else { "文件中的违规情形记录（尚未记录）：" };
    let line = |n: &ImportedFinding| {
        let clause = rules.rule_info(n.finding.clause.as_str()).clause;
        let open = if n.finding.open { "，正在调查" } else { "" };
        let until = n.finding.until.map(|u| format!("，处分期至 {u}")).unwrap_or_default();
        let (name, id, date, evidence) = (&n.member.name, &n.member.id, n.finding.date, &n.finding.evidence);
        format!("{name}（{id}，支部 `{}`）{} {clause} {date}{open}{until}：{evidence}", n.branch, n.finding.clause)
    };
    answer(head.to_owned(), f, "条", line, "核对无误后加 `--apply` 记录", "下一步：`shine explain <党员>` 查看对评选的影响")
}

pub fn units(u: &Imported<Unit>, title: impl Fn(&str) -> String) -> String {
    let head = if u.applied { "已建立组织（上级在前）：" } else { "文件中的组织（尚未建立，上级在前）：" };
    let line = |unit: &Unit| {
        let parent = unit.parent.as_ref().map(|p| format!("，隶属 `{p}`")).unwrap_or_default();
        format!("{}「{}」（`{}`{parent}）", title(&unit.kind), unit.name, unit.id)
    };
    answer(head.to_owned(), u, "个", line, "核对无误后加 `--apply` 建立", "下一步：`shine org list` 查看组织")
}
