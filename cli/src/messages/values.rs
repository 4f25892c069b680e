//! The values behind a decision, in Chinese: the engine records each witness typed
//! (`shine_engine::rules::Value`) and this module words it — a date as `2026-12-15`,
//! a decimal as `0.15`, an enum variant by the label the rules declare (`出席` for
//! `present`), the elements behind an aggregate as a list that says how many it
//! leaves out — and the conditions of a rule, the one that decided it first.

use shine_engine::rules::{Arm, ElementRole, ElementSummary, Elements, Join, Value, Witness, DEC_SCALE};

/// One witness a line (see [`witness`]), each line indented by `indent`.
pub fn witnesses(ws: &[Witness], indent: &str) -> String {
    ws.iter().map(|w| format!("{indent}{}\n", witness(w))).collect()
}

/// A decision's full trace: the values of the conditions that decided it first, then
/// each condition marked 成立/不成立 (or 未计算, when its connective was decided before
/// it was reached), then the other values read. A rule decided by all it read is its
/// values, one a line. First, the values the rule's text names, in the rules' words
/// (`unexcused 即「无故缺席」`).
pub fn trace(ws: &[Witness], arms: &[Arm], named: &[Value], indent: &str) -> String {
    let legend = legend(named).map(|l| format!("{indent}{l}\n")).unwrap_or_default();
    let (first, rest): (Vec<&Witness>, Vec<&Witness>) = ws.iter().partition(|w| w.decisive);
    if arms.is_empty() && (rest.is_empty() || first.is_empty()) {
        return legend + &witnesses(ws, indent);
    }
    let deeper = format!("{indent}  ");
    let lines = |list: &[&Witness]| list.iter().map(|w| format!("{deeper}{}\n", witness(w))).collect::<String>();
    let mut out = format!("{legend}{indent}起决定作用的数值：\n{}", lines(&first));
    if !arms.is_empty() {
        out.push_str(&format!("{indent}各项条件：\n"));
        for a in arms {
            out.push_str(&format!("{deeper}{}{}\n", "  ".repeat(a.depth), arm(a)));
        }
    }
    if !rest.is_empty() {
        out.push_str(&format!("{indent}其余数值：\n{}", lines(&rest)));
    }
    out
}

/// The values a rule's text names, each with its label: `规则中的取值：unexcused 即「无故缺席」；…`;
/// none when no named value has a label.
pub fn legend(named: &[Value]) -> Option<String> {
    let said: Vec<String> = named
        .iter()
        .filter_map(|v| match v {
            Value::Enum { name, label: Some(label) } if label != name => Some(format!("{name} 即「{label}」")),
            _ => None,
        })
        .collect();
    (!said.is_empty()).then(|| format!("规则中的取值：{}", said.join("；")))
}

/// One condition: `✓ member.mobile：成立（起决定作用）`, a connective as what it asks.
pub fn arm(a: &Arm) -> String {
    let held = match a.held {
        Some(true) => "成立",
        Some(false) => "不成立",
        None => "未计算（此前已可判定）",
    };
    let decided = if a.decisive { "（起决定作用）" } else { "" };
    match a.join {
        Some(Join::Any) => format!("以下任一成立即成立（or）：{held}{decided}"),
        Some(Join::All) => format!("以下全部成立才成立（and）：{held}{decided}"),
        Some(Join::Not) => format!("以下不成立才成立（not）：{held}{decided}"),
        None => {
            let mark = match a.held {
                Some(true) => "✓",
                Some(false) => "✗",
                None => "·",
            };
            format!("{mark} {}：{held}{decided}", squeeze(&a.expr))
        }
    }
}

/// What decided a rule, in short, for a summary (a ledger line, the demo): the
/// records behind a deciding aggregate, else the deciding values that say something
/// (a value, not a comparison already implied by the rule's text). Records of older
/// stores, which did not mark what decided, are read whole.
pub fn deciding(ws: &[Witness]) -> Vec<String> {
    let marked = ws.iter().any(|w| w.decisive);
    let ws: Vec<&Witness> = ws.iter().filter(|w| w.decisive || !marked).collect();
    let mut records: Vec<String> = Vec::new();
    for w in &ws {
        if let Value::Elements(e @ Elements { role: ElementRole::Matching, .. }) = &w.value {
            let listed = listed(e);
            if !records.contains(&listed) {
                records.push(listed);
            }
        }
    }
    if !records.is_empty() {
        return records;
    }
    let telling: Vec<String> = ws.iter().filter(|w| telling(w)).map(|w| witness(w)).collect();
    if telling.is_empty() {
        return ws.iter().filter(|w| !matches!(w.value, Value::Elements(_))).map(|w| witness(w)).collect();
    }
    telling
}

/// A witness worth a line in a summary: a value, not a comparison already implied.
fn telling(w: &Witness) -> bool {
    let expr = w.expr.as_str();
    let aggregate = ["any(", "all(", "count(", "streak("].iter().any(|a| expr.starts_with(a)) && expr.ends_with(')');
    let comparison = ["==", ">=", "<=", " > ", " < ", "!=", " and ", " or ", " is "].iter().any(|c| expr.contains(c));
    w.value != Value::Bool(false) && !matches!(w.value, Value::Elements(_)) && (aggregate || !comparison)
}

/// One witness on one line: `member.meeting = 无故缺席`, or for the elements behind an
/// aggregate `count(…) 中满足条件的：2026-10-10 无故缺席；…`. The expression's line
/// breaks and indentation are folded.
pub fn witness(w: &Witness) -> String {
    let expr = squeeze(&w.expr);
    match &w.value {
        Value::Elements(e) => format!("{expr} 中{}", elements(e)),
        v => format!("{expr} = {}", value(v)),
    }
}

/// A value as a reader of the notice expects it.
pub fn value(v: &Value) -> String {
    match v {
        Value::Bool(true) => "是".into(),
        Value::Bool(false) => "否".into(),
        Value::Int(n) => n.to_string(),
        Value::Dec(d) => decimal(*d),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Months(n) => format!("{n} 个月"),
        Value::Text(t) | Value::Recorded(t) => t.clone(),
        Value::Enum { name, label } => label.clone().unwrap_or_else(|| name.clone()),
        Value::None => "无".into(),
        Value::Elements(e) => elements(e),
    }
}

/// `满足条件的：2026-10-10 无故缺席；2026-11-10 无故缺席（另有 3 条未列出）`.
pub fn elements(e: &Elements) -> String {
    let which = match e.role {
        ElementRole::Matching => "满足条件的",
        ElementRole::Failing => "不满足条件的",
    };
    format!("{which}：{}", listed(e))
}

/// The elements alone: `2026-10-10 无故缺席；2026-11-10 无故缺席（另有 3 条未列出）`.
pub fn listed(e: &Elements) -> String {
    let items: Vec<String> = e.items.iter().map(element).collect();
    let rest = match e.left_out() {
        0 => String::new(),
        n => format!("（另有 {n} 条未列出）"),
    };
    format!("{}{rest}", items.join("；"))
}

/// An element by the fields that name it, in order: `2026-10-10 无故缺席`; a member's
/// id in parentheses after the name, `张三（m01）`. Empty texts are left out.
pub fn element(s: &ElementSummary) -> String {
    let mut out = String::new();
    for f in &s.fields {
        let v = match (f.name.as_str(), &f.value) {
            // A session of no known kind (recorded before sessions were records).
            ("kind", Value::None) => continue,
            _ => session_or_silence(&f.name, &f.value).unwrap_or_else(|| value(&f.value)),
        };
        if v.is_empty() {
            continue;
        }
        if f.name == "id" && !out.is_empty() {
            out.push_str(&format!("（{v}）"));
        } else {
            if !out.is_empty() && !v.starts_with('（') {
                out.push(' ');
            }
            out.push_str(&v);
        }
    }
    out
}

/// The fields of a session (`branch.sessions`) and of a stretch away without a report
/// (`member.silences`), said with what they are: `外出 2026-06-15 最近报到 2026-08-15
/// 至今`, `2026-10-10 党课 2 人未记出席情况（张三 李四）`.
fn session_or_silence(name: &str, v: &Value) -> Option<String> {
    Some(match (name, v) {
        ("away", v) => format!("外出 {}", value(v)),
        ("last_report", Value::None) => "外出后未报到".to_owned(),
        ("last_report", v) => format!("最近报到 {}", value(v)),
        ("to", Value::None) => "至今".to_owned(),
        ("to", v) => format!("至 {}", value(v)),
        ("missing", Value::Int(n)) => format!("{n} 人未记出席情况"),
        ("missing_names", Value::Text(t)) if !t.is_empty() => format!("（{t}）"),
        _ => return None,
    })
}

/// An exact decimal plainly: `3`, `0.15`, `3.6`, `-0.5`.
fn decimal(d: i64) -> String {
    let sign = if d < 0 { "-" } else { "" };
    let (scale, a) = (DEC_SCALE.unsigned_abs(), d.unsigned_abs());
    let (whole, frac) = (a / scale, a % scale);
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let digits = scale.ilog10() as usize;
    let frac = format!("{frac:0digits$}");
    format!("{sign}{whole}.{}", frac.trim_end_matches('0'))
}

/// Text on one line, runs of white space folded to one space.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use shine_engine::rules::ElementField;

    fn field(name: &str, value: Value) -> ElementField {
        ElementField { name: name.into(), value }
    }

    #[test]
    fn values_read_as_the_notice_writes_them() {
        assert_eq!(value(&Value::Dec(150_000)), "0.15");
        assert_eq!(value(&Value::Dec(3_600_000)), "3.6");
        assert_eq!(value(&Value::Dec(-500_000)), "-0.5");
        assert_eq!(value(&Value::Dec(3_000_000)), "3");
        assert_eq!(value(&Value::Date(NaiveDate::from_ymd_opt(2026, 12, 15).expect("date"))), "2026-12-15");
        assert_eq!(value(&Value::Enum { name: "present".into(), label: Some("出席".into()) }), "出席");
        assert_eq!(value(&Value::Enum { name: "教师".into(), label: None }), "教师");
        assert_eq!(value(&Value::Recorded("2026-09-30".into())), "2026-09-30");
    }

    #[test]
    fn a_cut_list_says_how_many_it_leaves_out() {
        let absent = Value::Enum { name: "unexcused".into(), label: Some("无故缺席".into()) };
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, d, 10).expect("date");
        let items = [10, 11].iter().map(|m| ElementSummary { fields: vec![field("date", Value::Date(day(*m))), field("status", absent.clone())] }).collect();
        let e = Elements { role: ElementRole::Matching, items, total: 5 };
        assert_eq!(elements(&e), "满足条件的：2026-10-10 无故缺席；2026-11-10 无故缺席（另有 3 条未列出）");
        let member = ElementSummary { fields: vec![field("name", Value::Text("张三".into())), field("id", Value::Text("m01".into()))] };
        let e = Elements { role: ElementRole::Failing, items: vec![member], total: 1 };
        let w = Witness { expr: "all(m in branch.members\n    where m.meeting == present: m.commented)".into(), value: Value::Elements(e), decisive: true };
        assert_eq!(witness(&w), "all(m in branch.members where m.meeting == present: m.commented) 中不满足条件的：张三（m01）");
    }
}
