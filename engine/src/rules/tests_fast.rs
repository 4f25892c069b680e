//! The fast path against the trace: property tests on random members, for the
//! shipped rules and for exclusions of every shape the compiler specialises, one by
//! one and in batches.

use super::tests::{d, member, shipped, shipped_files, world};
use super::*;
use crate::facts::{Deed, Finding, LifeEntry, LifeRecord, MemberFacts, Silence};
use chrono::NaiveDate;
use proptest::prelude::*;

fn arb_member() -> impl Strategy<Value = MemberFacts> {
    let status = prop_oneof!["present", "excused", "unexcused"];
    let lives = proptest::collection::vec((0i64..460, status), 0..14);
    let clause = prop_oneof!["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x9"];
    let findings = proptest::collection::vec((clause, 0i64..900, any::<bool>(), proptest::option::of(0i64..900)), 0..3);
    let meeting = proptest::option::of(prop_oneof!["present", "excused", "unexcused"]);
    // Stretches away without a report: days before the meeting it starts, whether it
    // starts at a report, and its length in days (none: still open).
    let silences = proptest::collection::vec((0i64..600, any::<bool>(), proptest::option::of(0i64..300)), 0..3);
    (lives, findings, 0usize..3, any::<bool>(), proptest::option::of(0i64..200), meeting, any::<bool>(), any::<bool>(), silences).prop_map(
        |(lives, findings, deeds, mobile, report, meeting, presented, reason, silences)| {
            let base = d("2026-09-30");
            let mut life: Vec<LifeEntry> = lives.into_iter().map(|(ago, s)| life_at(base, ago, &s)).collect();
            life.sort_by_key(|l| l.date);
            let silences = silences
                .into_iter()
                .map(|(ago, reported, len)| {
                    let from = base - chrono::Duration::days(ago - 30);
                    Silence { away: from, last_report: reported.then_some(from), from, to: len.map(|l| from + chrono::Duration::days(l)) }
                })
                .collect();
            MemberFacts {
                mobile,
                silences,
                last_report: report.map(|a| base - chrono::Duration::days(a)),
                life,
                findings: findings
                    .into_iter()
                    .map(|(c, ago, open, until)| Finding {
                        clause: c.into(),
                        date: base - chrono::Duration::days(ago - 60),
                        evidence: String::new(),
                        open,
                        until: until.map(|u| base + chrono::Duration::days(u - 450)),
                        closed: None,
                        closure: None,
                    })
                    .collect(),
                deeds: (0..deeds).map(|_| Deed { form: None, kind: "带头学习提高".into(), text: String::new(), date: base }).collect(),
                no_deed_reason: reason.then(|| "病假".to_string()),
                meeting: meeting.map(Into::into),
                presented,
                ..member()
            }
        },
    )
}

fn life_at(base: NaiveDate, ago: i64, s: &str) -> LifeEntry {
    LifeRecord { date: base - chrono::Duration::days(ago - 30), status: s.into() }.into()
}

/// The exclusion mask the tracer's decisions amount to (bit i = `exclusions()[i]`).
fn traced_mask(r: &RuleSet, j: &MemberJudgement) -> u64 {
    j.excluded
        .iter()
        .map(|d| r.exclusions().iter().position(|x| x.name == d.rule.name).unwrap_or(63))
        .fold(0u64, |mask, i| mask | 1 << i)
}

/// The member's exclusion mask by the fast path, checked against the trace, with the
/// trace's judgement.
fn compiled_meets_trace(r: &RuleSet, m: &MemberFacts) -> Result<(u64, MemberJudgement), TestCaseError> {
    let w = world(vec![m.clone()]);
    let p = r.prepare(w.scope());
    let mask = p.exclusion_mask(m);
    let j = r.judge(w.scope(), 1, m);
    prop_assert_eq!(mask, traced_mask(r, &j));
    prop_assert_eq!(p.is_excluded(m), mask != 0);
    Ok((mask, j))
}

proptest! {
    #[test]
    fn trace_and_compiled_agree_on_random_members(m in arb_member()) {
        let (mask, j) = compiled_meets_trace(&shipped(), &m)?;
        prop_assert_eq!(j.candidate.value, mask == 0);
    }
}

/// Exclusions of other shapes than the shipped ones, so that every specialised path
/// of the fast path (fused `any` groups, date ranges with literal and hoisted bounds,
/// strict and inclusive, `!=` left as an atom, optional dates, text literals
/// compared either way, count and streak loops of every shape, member flags, `is`
/// tests and interned texts inline in `and`/`or` chains, a bare list's count as its
/// length, shared count/streak read from the memo inside nested chains, a rule's own count
/// and streak fused into one pass under a top-level `and` or `or`, with its loop chosen
/// when compiled for a date range and an interned text equal to a literal) meets the
/// trace.
const SHAPES: &str = r#"
exclude y1 §9.1 "t" when any(l in member.life: l.status == excused and l.date >= 2026-01-01 and l.date < meeting.date)
exclude y2 §9.2 "t" when any(l in member.life: l.status != present and l.date == meeting.date - 3 months)
exclude y3 §9.3 "t" when any(f in member.findings: f.until > meeting.date and f.date > quarter.start - 6 months)
exclude y4 §9.4 "t" when any(f in member.findings: "x1" != f.clause and f.date != meeting.date - 12 months and f.date < 2026-09-30)
exclude y5 §9.5 "t" when any(f in member.findings: f.date <= 2026-03-01 and f.until is none)
exclude y6 §9.6 "t" when streak(l in member.life where l.status != present: l.date > meeting.date - 6 months) >= 3
exclude y7 §9.7 "t" when count(l in member.life where l.date < quarter.start: l.status == unexcused or l.status == excused) >= 2
exclude y8 §9.8 "t" when all(l in member.life where l.date >= quarter.start - 2 months: l.status == present) and count(l in member.life) > 5
exclude y9 §9.9 "t" when any(d in member.deeds: d.date > meeting.date) or any(l in member.life: l.date > meeting.date and l.date < meeting.date)
exclude y10 §9.10 "t" when streak(l in member.life where l.date <= meeting.date and l.date >= 2025-12-01: l.status == unexcused) >= 2
exclude y11 §9.11 "t" when count(l in member.life where l.date <= meeting.date and l.date >= 2025-12-01: l.status == unexcused) >= 2
exclude y12 §9.12 "t" when member.meeting != present or member.no_deed_reason is some
exclude y13 §9.13 "t" when not member.mobile and member.last_report is some and member.meeting is none
exclude y14 §9.14 "t" when any(l in member.life: l.status == unexcused and member.mobile) or not member.presented
exclude y15 §9.15 "t" when unexcused == member.meeting or (member.last_report is none and member.presented)
exclude y16 §9.16 "t" when count(d in member.deeds) != 1 and (streak(l in member.life where l.date > quarter.start - 9 months: l.status == unexcused) >= 2 or count(l in member.life where l.date > quarter.start - 9 months: l.status == unexcused) < 2)
exclude y17 §9.17 "t" when count(f in member.findings) >= 2 or (member.mobile and count(l in member.life) < 12)
exclude y18 §9.18 "t" when count(l in member.life where l.date > quarter.start - 4 months: l.status != present) >= 1 and member.presented and streak(l in member.life where l.date > quarter.start - 4 months: l.status != present) < 3
exclude y19 §9.19 "t" when not member.mobile or count(f in member.findings where f.date <= meeting.date: f.clause == "x1" or f.open) >= 1
exclude y20 §9.20 "t" when streak(l in member.life where l.date >= 2026-01-01 and l.date < meeting.date: l.status == excused) >= 2 and count(l in member.life where l.date >= 2026-01-01 and l.date < meeting.date: l.status == excused) < 4
exclude y21 §9.21 "t" when any(s in member.silences where s.from <= meeting.date: months(max(s.from, meeting.date - 6 months), min(s.to, meeting.date, 2026-08-15)) >= 2 or (s.to is none and s.last_report is none))
exclude y22 §9.22 "t" when count(s in member.silences: days(min(s.from, quarter.start), max(s.from, s.to, quarter.start - 1 month)) > 90) >= 1 and member.presented
"#;

/// A fused `any` group keyed by clause where a clause is named by two rules and by
/// none, with the other list's rules in between (each element tries the rules its
/// value names, looked up by the value's id).
const KEYED: &str = r#"
exclude z1 §9.1 "t" when any(f in member.findings: f.clause == "x2" and f.open)
exclude z2 §9.2 "t" when any(l in member.life: l.status == unexcused)
exclude z3 §9.3 "t" when any(f in member.findings: f.clause == "x5" and f.date > meeting.date - 6 months)
exclude z4 §9.4 "t" when any(f in member.findings: f.clause == "x2" and f.until is some and f.date <= 2026-06-30)
exclude z5 §9.5 "t" when any(l in member.life: l.status == excused and l.date > quarter.start)
exclude z6 §9.6 "t" when any(f in member.findings: f.clause == "x9")
exclude z7 §9.7 "t" when any(f in member.findings: f.clause == "x1" and not f.open and f.date > meeting.date - 12 months)
"#;

fn shapes() -> RuleSet {
    with_exclusions(SHAPES)
}

fn with_exclusions(text: &str) -> RuleSet {
    let files = shipped_files()
        .into_iter()
        .map(|mut f| {
            if f.name.ends_with("exclusions.shine") {
                f.text = text.to_string();
            }
            f
        })
        .collect();
    match RuleSet::load(files) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

proptest! {
    #[test]
    fn trace_and_compiled_agree_on_every_shape(m in arb_member()) {
        for r in [shapes(), with_exclusions(KEYED)] {
            compiled_meets_trace(&r, &m)?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The batch (on several threads once it is large enough) decides every member as
    /// the member-by-member path does, in order, for the shipped rules and every shape.
    #[test]
    fn batch_agrees_with_each_member(ms in prop::collection::vec(arb_member(), 1..40), extra in 0usize..3000) {
        let n = 2 * crate::par::SEQUENTIAL_BELOW + extra;
        let batch: Vec<MemberFacts> = ms.iter().cycle().take(n).cloned().collect();
        for r in [shipped(), shapes(), with_exclusions(KEYED)] {
            let w = world(Vec::new());
            let p = r.prepare(w.scope());
            let one: Vec<u64> = batch.iter().map(|m| p.exclusion_mask(m)).collect();
            prop_assert_eq!(&p.exclusion_masks(&batch), &one);
            prop_assert_eq!(&r.exclusion_masks(w.scope(), &batch[..ms.len()]), &one[..ms.len()]);
            prop_assert_eq!(p.count_excluded(&batch), one.iter().filter(|m| **m != 0).count());
        }
    }
}
