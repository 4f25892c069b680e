//! The chain's answers for people: what a pull brought, a level's progress with its
//! stars, publication, picks and returns, the pick rules against the picks.

use super::words::{self, yes_no};
use crate::render::table;
use shine_engine::ops::chain::{LevelStatus, Pulled, StarView};
use shine_engine::progress::PickCheck;

/// What a pull brought, for people.
pub fn pulled_text(p: &Pulled) -> String {
    let mut h = format!("「{}」{} 季度汇总：新收到 {} 条，已有 {} 条未重复收取\n", p.unit.name, p.quarter, p.received.len(), p.unchanged);
    if !p.received.is_empty() {
        h.push_str(&stars_table(&p.received, &p.unit.id).to_string());
        h.push('\n');
    }
    for (u, why) in &p.waiting {
        h.push_str(&format!("尚未报送：「{}」——{}\n", u.name, words::waiting(why)));
    }
    h
}

fn standing(v: &StarView) -> String {
    let mut parts: Vec<String> = words::standing(&v.standing).into_iter().collect();
    if let Some(o) = &v.objection {
        match &o.decision {
            None => parts.push(format!("异议待处理：{}", o.reason)),
            Some(d) if d.upheld => parts.push(format!("异议成立：{}", d.reason)),
            Some(d) => parts.push(format!("异议不成立：{}", d.reason)),
        }
    }
    if v.published {
        parts.push("已公示".into());
    }
    if let Some(r) = &v.picked {
        parts.push(format!("推荐：{r}"));
    }
    if v.versions > 1 {
        parts.push(format!("第 {} 版", v.record.version));
    }
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join("；")
    }
}

/// Held stars, one row each; `unit` is the level's own unit: the "所在单位" column shows
/// the path below it (from the university down, for stars from other instances).
fn stars_table(stars: &[StarView], unit: &str) -> comfy_table::Table {
    let mut t = table(&["姓名", "身份", "所在单位", "得票", "得票率", "下级推荐", "状态"]);
    for v in stars {
        let r = &v.record;
        let below: Vec<&str> = match r.unit_path.iter().position(|u| u.id == unit) {
            Some(at) => r.unit_path[at + 1..].iter().map(|u| u.name.as_str()).collect(),
            None => std::iter::once(r.university.as_str()).chain(r.unit_path.iter().skip(1).map(|u| u.name.as_str())).collect(),
        };
        t.add_row(vec![
            r.member.name.clone(),
            r.member.identity.clone(),
            if below.is_empty() { r.branch().map(|b| b.name.clone()).unwrap_or_default() } else { below.join(" / ") },
            format!("{}/{}", r.votes, r.ballots),
            words::share(r.votes, r.ballots),
            yes_no(v.recommended).to_owned(),
            standing(v),
        ]);
    }
    t
}

/// The pick rules against the picks: one line a rule, one more per unit for `each unit` rules.
pub fn pick_lines(checks: &[PickCheck]) -> String {
    let mut h = String::new();
    let mut last = "";
    for c in checks {
        let ok = if c.holds { "✓" } else { "✗" };
        if c.rule.name != last {
            h.push_str(&format!("{} {}（规则 `{}`）\n", words::citation(&c.rule), c.rule.text, c.rule.name));
            last = &c.rule.name;
        }
        h.push_str(&format!("    {ok} {}\n", words::pick_check(c)));
    }
    h
}

pub fn status_text(s: &LevelStatus) -> String {
    let mut h = format!("「{}」（{}）{} 季度报送进度\n", s.unit.name, s.level.title, s.quarter);
    if let Some(sup) = &s.superior {
        h.push_str(&format!("上级：「{}」\n", sup.name));
    }
    for (i, step) in s.steps.iter().enumerate() {
        let mark = if step.done { "✓" } else { "·" };
        h.push_str(&format!("{mark} {}. {}（{}）\n", i + 1, step.title, step.clause));
        for m in &step.missing {
            h.push_str(&format!("      {}\n", words::missing(m)));
        }
    }
    if !s.stars.is_empty() {
        let gathers = s.steps.iter().any(|step| step.action == shine_engine::workflow::Action::Receive);
        let what = if gathers { "汇总的" } else { "报送的" };
        h.push_str(&format!("{what}“闪光言行之星” {} 名：\n{}\n", s.stars.len(), stars_table(&s.stars, &s.unit.id)));
    }
    h.push_str(&pick_lines(&s.picks));
    for n in &s.no_pick_reasons {
        h.push_str(&format!("「{}」未推荐典型（原则上推荐一名，§4.3.d），理由：{}\n", n.unit.name, n.reason));
    }
    if let Some(p) = &s.publication {
        h.push_str(&format!("公示：{} 起，公示期至 {}\n", p.on, p.until));
    }
    for r in &s.returned {
        h.push_str(&format!("被上级退回：{}——{}（用 `shine chain resubmit` 更正后重新报送）\n", r.key, r.reason));
    }
    if let Some(f) = &s.forwarded {
        let to = s.superior.as_ref().filter(|u| u.id == f.to).map(|u| u.name.as_str()).unwrap_or(&f.to);
        h.push_str(&format!("已于 {} 报送「{to}」{} 名\n", f.at.date(), f.count));
    }
    h
}
