//! The special meeting's report and delegate, and a ballot round's figures, in
//! Chinese: how `status`, `stars`, `meetings` and the demo show them.

use shine_engine::ops::meetings::MeetingReport;
use shine_engine::state::quarter::Figures;

/// How far ahead of the meeting a report was made: `提前 3 天`, `会议当天`, `会后 2 天`.
pub fn days_ahead(n: i64) -> String {
    match n {
        0 => "会议当天".to_owned(),
        n if n > 0 => format!("提前 {n} 天"),
        n => format!("会后 {} 天", -n),
    }
}

/// The report and the delegate, one line each: what the branch's record shows.
pub fn report_lines(r: &MeetingReport) -> Vec<String> {
    let mut lines = Vec::new();
    match (r.date, r.reported_on, r.days_ahead) {
        (Some(date), Some(on), Some(n)) => {
            let to = r.superior.as_ref().map(|s| format!("向上级党组织「{}」", s.name)).unwrap_or_default();
            lines.push(format!("专题组织生活会：{date}；{to}{on} 报告（{}）", days_ahead(n)));
        }
        _ => lines.push("专题组织生活会：尚未向上级党组织报告".to_owned()),
    }
    lines.push(delegate_line(r));
    lines
}

/// The superior's delegate: sent (by whom, when) and whether the meeting's record has them.
pub fn delegate_line(r: &MeetingReport) -> String {
    match (&r.delegate, &r.delegate_attended) {
        (Some(d), Some(a)) if *a == d.name => format!("上级派员：{}（{} 确定），会议记录：已列席", d.name, d.on),
        (Some(d), Some(a)) => format!("上级派员：{}（{} 确定），会议记录的上级列席人员为 {a}", d.name, d.on),
        (Some(d), None) => format!("上级派员：{}（{} 确定），会议记录尚未登记上级列席人员", d.name, d.on),
        (None, Some(a)) => format!("上级派员：上级未在系统中确定；会议记录的上级列席人员为 {a}"),
        (None, None) => "上级派员：尚未确定".to_owned(),
    }
}

/// A round's ballots: `发出 8 张，收回 8 张，有效 7 张，无效 1 张`.
pub fn figures(f: &Figures) -> String {
    format!("发出 {} 张，收回 {} 张，有效 {} 张，无效 {} 张", f.issued, f.returned, f.valid, f.invalid)
}

/// The tellers of a paper round: `监票人 王建国；计票人 李红`.
pub fn tellers(scrutineers: &[String], counters: &[String]) -> String {
    let names = |list: &[String]| if list.is_empty() { "未记录".to_owned() } else { list.join("、") };
    format!("监票人 {}；计票人 {}", names(scrutineers), names(counters))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_ahead_reads_before_on_and_after() {
        assert_eq!(days_ahead(3), "提前 3 天");
        assert_eq!(days_ahead(0), "会议当天");
        assert_eq!(days_ahead(-5), "会后 5 天");
    }
}
