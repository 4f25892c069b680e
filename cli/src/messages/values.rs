//! The values behind a decision, in Chinese: the engine records each witness typed
//! (`shine_engine::rules::Value`) and this module words it — a date as `2026-12-15`,
//! a decimal as `0.15`, an enum variant by the label the rules declare (`出席` for
//! `present`), the elements behind an aggregate as a list that says how many it
//! leaves out.

use shine_engine::rules::{ElementRole, ElementSummary, Elements, Value, Witness, DEC_SCALE};

/// One witness a line (see [`witness`]), each line indented by `indent`.
pub fn witnesses(ws: &[Witness], indent: &str) -> String {
    ws.iter().map(|w| format!("{indent}{}\n", witness(w))).collect()
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
        let w = Witness { expr: "all(m in branch.members\n    where m.meeting == present: m.commented)".into(), value: Value::Elements(e) };
        assert_eq!(witness(&w), "all(m in branch.members where m.meeting == present: m.commented) 中不满足条件的：张三（m01）");
    }
}
