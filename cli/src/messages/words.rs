//! The Chinese words for the engine's small values: units, members, roles, steps,
//! kinds of record, outcomes, standings, what a step is missing, pick bounds, shares.
//! Every other renderer builds on these.

use shine_engine::progress::{Missing, PickCheck, Waiting};
use shine_engine::refs::{Labelled, MemberRef, StepRef, Titled, UnitRef};
use shine_engine::refusal::{Text, Thing};
use shine_engine::rules::{Attribution, Decision, PickBound, RuleInfo};
use shine_engine::state::level::Standing;
use shine_engine::state::quarter::FactsBasis;
use shine_engine::tally::{Outcome, Ranked};
use shine_engine::workflow::{Action as ChainStep, RecordKind};

/// `「机械学院党总支」`.
pub fn unit(u: &UnitRef) -> String {
    format!("「{}」", u.name)
}

/// `陈丽娟`.
pub fn member(m: &MemberRef) -> String {
    m.name.clone()
}

pub fn members(list: &[MemberRef]) -> String {
    list.iter().map(member).collect::<Vec<_>>().join("、")
}

/// A role, a state or a kind by its title.
pub fn titled(t: &Titled) -> String {
    t.title.clone()
}

pub fn titles(list: &[Titled]) -> String {
    list.iter().map(|t| format!("「{}」", t.title)).collect::<Vec<_>>().join("、")
}

/// `「召开专题组织生活会」（§3.2）`.
pub fn step(s: &StepRef) -> String {
    format!("「{}」（{}）", s.title, s.clause)
}

/// An enum variant as the rules label it: `出席（present）`, or its name.
pub fn variant(v: &Labelled) -> String {
    match &v.label {
        Some(l) if l != &v.name => format!("`{}`（{l}）", v.name),
        _ => format!("`{}`", v.name),
    }
}

pub fn record_kind(k: RecordKind) -> &'static str {
    match k {
        RecordKind::Deed => "闪光言行",
        RecordKind::DeedExcuse => "未登记的正当理由",
        RecordKind::MeetingReport => "会议报告",
        RecordKind::Attendance => "出席情况",
        RecordKind::Guests => "列席人员",
        RecordKind::Presentation => "交流发言",
        RecordKind::Comment => "点评",
        RecordKind::Ballot => "选票",
        RecordKind::BallotTotals => "纸质选票计票结果",
    }
}

pub fn chain_step(s: ChainStep) -> &'static str {
    match s {
        ChainStep::Receive => "汇总",
        ChainStep::File => "备案",
        ChainStep::Pick => "推荐",
        ChainStep::Forward => "报送",
        ChainStep::Publish => "公示",
    }
}

pub fn text(t: Text) -> &'static str {
    match t {
        Text::UnitName => "组织名称",
        Text::MemberName => "姓名",
        Text::Evidence => "违规情形的依据",
        Text::DeedText => "闪光言行内容",
        Text::ExcuseReason => "未登记的正当理由",
        Text::Comment => "点评",
        Text::ObjectionReason => "异议内容",
        Text::DecisionReason => "处理意见",
        Text::PickReason => "推荐理由",
        Text::ReturnReason => "退回理由",
        Text::CorrectionReason => "更正说明",
        Text::UnitId => "组织编号",
        Text::MemberId => "党员编号",
        Text::GuestName => "列席人员姓名",
        Text::TokenLabel => "凭据说明",
        Text::LifeNote => "备注",
        Text::Value => "取值",
        Text::ClosureNote => "结束说明",
        Text::StandingReason => "党员状态的依据",
        Text::ApprovedBy => "批准（决定）组织",
        Text::RosterNote => "说明",
        Text::RevoteReason => "重新投票的理由",
        Text::Login => "登录名",
        Text::AccountName => "姓名",
    }
}

pub fn thing(t: Thing) -> &'static str {
    match t {
        Thing::Unit => "组织",
        Thing::Branch => "党支部",
        Thing::ParentUnit => "上级组织",
        Thing::Member => "党员",
        Thing::Quarter => "季度",
        Thing::Token => "凭据",
        Thing::SentRecord => "报送记录",
    }
}

pub fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Seated => "当选",
        Outcome::Tied => "末位并列，进入再次投票",
        Outcome::SeatedOnTie => "末位并列，按规则全部当选",
        Outcome::DroppedOnTie => "末位并列，按规则均不当选",
        Outcome::CapReached => "计入上限的名额已满",
        Outcome::BelowLine => "得票排名在名额之外",
        Outcome::BehindOnLean => "与当选者得票相同，按倾斜规则排后",
        Outcome::NoVotes => "未得票",
    }
}

/// A held star's standing; `None` while simply held.
pub fn standing(s: &Standing) -> Option<String> {
    match s {
        Standing::Held => None,
        Standing::Returned { reason } => Some(format!("已退回：{reason}")),
        Standing::Withdrawn { reason } => Some(format!("已撤销：{reason}")),
    }
}

/// `恰好 1 名`, `至多 5 名`, `至少 2 名`.
pub fn bound(b: PickBound) -> String {
    match b {
        PickBound::Exactly(k) => format!("恰好 {k} 名"),
        PickBound::AtMost(k) => format!("至多 {k} 名"),
        PickBound::InPrinciple(k) => format!("原则上 {k} 名（至多 {k} 名，少于 {k} 名须说明理由）"),
        PickBound::AtLeast(k) => format!("至少 {k} 名"),
    }
}

/// The share of the votes: `77.3%`, or `—` without ballots.
pub fn share(votes: i64, ballots: i64) -> String {
    if ballots > 0 {
        format!("{:.1}%", votes as f64 * 100.0 / ballots as f64)
    } else {
        "—".into()
    }
}

/// Why a unit below has not sent anything yet.
pub fn waiting(w: &Waiting) -> String {
    match w {
        Waiting::NotInChain => "不在上报链中".into(),
        Waiting::QuarterNotOpened { quarter } => format!("{quarter} 季度尚未开启"),
        Waiting::QuarterNotReported => "季度评选结果尚未报送".into(),
        Waiting::NotForwarded { level } => format!("{}尚未报送", level.title),
        Waiting::NotPulledYet { count } => format!("有 {count} 条报送尚未汇总"),
    }
}

/// A pick rule against the picks: `「机关直属党支部」已推荐 1 名，应至多 1 名`.
pub fn pick_check(c: &PickCheck) -> String {
    let whose = c.unit.as_ref().map(unit).unwrap_or_else(|| "合计".into());
    format!("{whose}已推荐 {} 名，应{}", c.picked, bound(c.bound))
}

/// What a step of the chain still lacks.
pub fn missing(m: &Missing) -> String {
    match m {
        Missing::NotPulled => "还没有汇总下级报送（shine pull）".into(),
        Missing::Unit { unit: u, why } => format!("{}{}", unit(u), waiting(why)),
        Missing::Returned { star, to, reason } => format!("{} 已退回{}更正（{reason}），待重新报送", member(star), unit(to)),
        Missing::QuarterNotReported => "季度评选尚未完成并报送（shine advance）".into(),
        Missing::NotFiled => "尚未备案".into(),
        Missing::NotPublished => "尚未公示".into(),
        Missing::Unpublished { stars } => format!("{} 未在公示名单中，需重新公示", members(stars)),
        Missing::WindowOpen { until } => format!("公示期至 {until} 结束"),
        Missing::Objection { star, reason } => format!("对 {} 的异议尚待处理（{reason}）", member(star)),
        Missing::Pick { check } => format!("{} {}：{}", citation(&check.rule), check.rule.text, pick_check(check)),
        Missing::NoPickReason { check } => format!(
            "{} {}：{}；未推荐的，报送时用 `--no-pick-reason \"理由\"` 说明理由（随报送记录上报）",
            citation(&check.rule),
            check.rule.text,
            pick_check(check)
        ),
        Missing::NotForwarded => "尚未报送".into(),
    }
}

/// `通知原文 §3.4.x8 无正当理由…（规则 `x8`，rules/exclusions.shine:51）`, or for a
/// rule quoting another source `本校实施细则（落实 §3.4）领导干部和支委…`.
pub fn rule_line(rule: &RuleInfo) -> String {
    if rule.location.is_empty() {
        return format!("规则 `{}`", rule.name);
    }
    format!("{} {}（规则 `{}`，{}）", citation(rule), rule.text, rule.name, rule.location)
}

/// Whose words a rule's text is: `通知原文 §3.4` (checked verbatim against the
/// notice), `本校实施细则（落实 §3.4）` (`per local`), or the bare clause for a rule set
/// stored before citations were checked.
pub fn citation(rule: &RuleInfo) -> String {
    cited(&rule.clause, &rule.attribution)
}

/// [`citation`] of any cited text: a rule's, an `annex` item's.
pub fn cited(clause: &str, attribution: &Attribution) -> String {
    match attribution {
        Attribution::Notice => format!("通知原文 {clause}"),
        Attribution::Source(s) => format!("{}（落实 {clause}）", s.label),
        Attribution::Unchecked => clause.to_owned(),
    }
}

/// What a quarter's facts were read from, as a line (none before the ballot is fixed,
/// when today's roster is what the rules read).
pub fn facts_basis(basis: FactsBasis) -> Option<&'static str> {
    match basis {
        FactsBasis::Today => None,
        FactsBasis::Frozen => Some("依据：选票确定时（第 1 轮投票开始时）冻结的名册、组织生活记录和违规情形记录；此后名册的变化不影响本季度\n"),
        FactsBasis::RecomputedToday => Some(
            "注意：本季度的选票由旧版本确定，当时没有冻结名册等事实；以下按今天的名册重新计算，若名册已变，可能与台帐记载的不同（台帐以选票确定时的记录为准）\n",
        ),
    }
}

/// A candidate's outcome, and when the lean ranked them behind someone with as many
/// votes, that too (whether or not the one ahead was seated).
pub fn ranked_outcome(r: &Ranked, behind_on_lean: bool) -> String {
    let said = outcome(r.outcome);
    match r.outcome {
        Outcome::Seated | Outcome::SeatedOnTie | Outcome::BehindOnLean => said.to_owned(),
        _ if behind_on_lean => format!("{said}；同票者中因倾斜规则排在后面"),
        _ => said.to_owned(),
    }
}

pub fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

/// `成立` / `不成立`, or a number.
pub trait Verdict {
    fn verdict(&self) -> String;
}

impl Verdict for bool {
    fn verdict(&self) -> String {
        if *self { "成立" } else { "不成立" }.to_owned()
    }
}

impl Verdict for i64 {
    fn verdict(&self) -> String {
        self.to_string()
    }
}

/// A decision with the values that made it, indented.
pub fn decision<T: Verdict>(d: &Decision<T>, indent: &str) -> String {
    format!(
        "{indent}{}\n{indent}  结果：{}\n{}",
        rule_line(&d.rule),
        d.value.verdict(),
        super::values::trace(&d.witnesses, &d.arms, &d.named, &format!("{indent}    "))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s4_3_d_pick_bounds_read_in_chinese() {
        assert_eq!(bound(PickBound::Exactly(1)), "恰好 1 名");
        assert_eq!(bound(PickBound::AtMost(5)), "至多 5 名");
        assert_eq!(bound(PickBound::AtLeast(2)), "至少 2 名");
    }

    #[test]
    fn a_share_is_votes_over_ballots_to_a_tenth_of_a_percent() {
        assert_eq!(share(17, 22), "77.3%");
        assert_eq!(share(7, 7), "100.0%");
        assert_eq!(share(0, 0), "—");
    }
}
