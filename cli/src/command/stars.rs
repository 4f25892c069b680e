//! `shine stars`: the quarter's result as recorded in the branch ledger (台帐).

use crate::context::Context;
use crate::failure::Result;
use crate::messages::meeting;
use crate::messages::values;
use crate::messages::words::{facts_basis, ranked_outcome, rule_line, yes_no};
use crate::render::{table, Output};
use shine_engine::domain::MemberId;
use shine_engine::ops::org::unit_id;
use shine_engine::tally::Ranked;

pub fn run(ctx: &Context, branch: &str, quarter: Option<&str>) -> Result<Output> {
    let engine = ctx.engine()?;
    let archive = engine.archive();
    let l = archive.ledger(engine.current(), branch, ctx.quarter_opt(quarter)?, ctx.today())?;
    let roster = archive.roster(&unit_id(l.branch.id.as_str())?)?;
    let name = |id: &MemberId| roster.name(id.as_str());
    let mut h = format!(
        "「{}」{} 季度 党员“闪光言行之星”评选台帐（规则集 {}）\n党员 {} 人，名额 {}（{}）\n",
        l.branch.name,
        l.quarter,
        l.rules.short(),
        l.members,
        l.quota.value,
        crate::messages::words::citation(&l.quota.rule)
    );
    h.push_str(&crate::messages::readback::meeting(&l.meeting));
    h.push_str(facts_basis(l.facts).unwrap_or_default());
    if !l.excluded.is_empty() {
        h.push_str("不能评选：\n");
        for (m, entries) in &l.excluded {
            let why: Vec<_> = entries.iter().map(|e| format!("{}\n      {}", rule_line(&e.rule), values::deciding(&e.witnesses).join("；"))).collect();
            h.push_str(&format!("  {}：{}\n", m.name, why.join("\n    ")));
        }
    }
    for r in &l.rounds {
        for a in &r.held_again {
            h.push_str(&format!("第 {} 轮曾重新投票：原发出 {}、收回 {} 张选票作废封存，不计票（理由：{}）\n", r.round, a.issued, a.returned, a.reason));
        }
        let Some(s) = &r.selection else {
            h.push_str(&format!("第 {} 轮：投票中（名额 {}）\n", r.round, r.seats));
            continue;
        };
        let t = ranking_table(s.ranking.iter(), name);
        let how = if r.paper { "纸质选票" } else { "电子选票" };
        let tellers = if r.paper { format!("；{}", meeting::tellers(&r.scrutineers, &r.counters)) } else { String::new() };
        h.push_str(&format!(
            "第 {} 轮（{how}，名额 {}；{}{tellers}；得票按有效票 {} 张计）：\n{t}\n",
            r.round,
            r.seats,
            meeting::figures(&r.figures),
            r.figures.valid
        ));
    }
    if l.stars.is_empty() {
        h.push_str("尚无当选人\n");
    } else {
        h.push_str(&format!("当选“闪光言行之星”：{}\n", l.stars.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("、")));
    }
    if let Some(report) = &l.meeting_report {
        for line in meeting::report_lines(report) {
            h.push_str(&line);
            h.push('\n');
        }
    }
    if let Some(Some(to)) = &l.reported {
        h.push_str(&format!("已报上级党组织「{}」（{}）备案\n", to.name, to.id));
    }
    Ok(Output::new(h, l))
}

/// A round's ranking: place, candidate, votes, what the lean and the cap say, outcome.
pub fn ranking_table<'a>(ranked: impl Iterator<Item = &'a Ranked>, name: impl Fn(&MemberId) -> String) -> comfy_table::Table {
    let mut t = table(&["名次", "候选人", "得票", "倾斜优先", "计入上限", "结果"]);
    for row in ranking_cells(ranked, name) {
        t.add_row(row);
    }
    t
}

/// The ranking's rows as text, in the columns of [`ranking_table`]; the ledger's export
/// prints the same rows.
pub fn ranking_cells<'a>(ranked: impl Iterator<Item = &'a Ranked>, name: impl Fn(&MemberId) -> String) -> Vec<Vec<String>> {
    let ranked: Vec<&Ranked> = ranked.collect();
    ranked
        .iter()
        .map(|x| {
            vec![
                x.place.to_string(),
                name(&x.member),
                x.votes.to_string(),
                yes_no(x.preferred).to_owned(),
                yes_no(x.capped).to_owned(),
                ranked_outcome(x, x.behind_on_lean(ranked.iter().copied())),
            ]
        })
        .collect()
}
