//! Whether a finding recorded under an exclusion rule can ever count: which clauses
//! take findings follows from the rule files, not from a list in the engine. A
//! finding is taken when the rule it names reads the member's findings and, for a
//! member who holds just that finding, fires at some meeting date on or after the
//! finding's date where the same member without it would not.

use super::check::{TExpr, TKind};
use super::host::HostRecord;
use super::{At, RuleSet, Scope};
use crate::domain::Quarter;
use crate::facts::{BranchFacts, Finding, MeetingFacts, MemberFacts, QuarterFacts};
use chrono::{Days, Months, NaiveDate};
use serde::Serialize;
use std::collections::BTreeSet;

/// A part of a finding that would let it count, where the finding as given cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingPart {
    /// `open`: an investigation still under way.
    Open,
    /// `until`: a period that runs past the meeting.
    Until,
}

/// What an exclusion rule makes of a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reach", rename_all = "snake_case")]
pub enum FindingReach {
    /// It counts at some meeting date on or after its date.
    Counts,
    /// The rule does not read the member's findings; it reads these member fields.
    NotRead { reads: Vec<String> },
    /// The rule reads findings, but this one never makes it fire; with these parts
    /// set it would (empty: with none of them).
    Never { would_count_with: Vec<FindingPart> },
    /// The rule set has no exclusion rule of that name.
    NoSuchRule,
}

/// The member fields an expression reads, at the root or through an aggregate.
fn member_fields(e: &TExpr, out: &mut BTreeSet<String>) {
    if let TKind::Field(_, record, name) = &e.kind {
        if *record == HostRecord::Member {
            out.insert(name.clone());
        }
    }
    for c in e.kind.children() {
        member_fields(c, out);
    }
}

/// The meeting dates a finding is tried at: its own day and some days after it (the
/// day before its period or closure ends, a day, a month, a year later).
fn dates(f: &Finding) -> Vec<NaiveDate> {
    let mut out = vec![f.date];
    out.extend(f.date.checked_add_days(Days::new(1)));
    out.extend(f.date.checked_add_months(Months::new(1)));
    out.extend(f.date.checked_add_months(Months::new(12)));
    for end in [f.until, f.closed].into_iter().flatten() {
        if let Some(before) = end.checked_sub_days(Days::new(1)) {
            if before >= f.date {
                out.push(before);
            }
        }
    }
    out
}

impl RuleSet {
    /// The exclusion rules that read the member's findings, in file order.
    pub fn finding_rules(&self) -> Vec<&super::RuleInfo> {
        self.inner
            .program
            .exclusions
            .iter()
            .filter(|r| {
                let mut reads = BTreeSet::new();
                member_fields(&r.when, &mut reads);
                reads.contains("findings")
            })
            .map(|r| &r.info)
            .collect()
    }

    /// What the exclusion rule `rule` makes of `finding` (see the module comment).
    pub fn finding_reach(&self, rule: &str, finding: &Finding) -> FindingReach {
        let Some(r) = self.inner.program.exclusions.iter().find(|r| r.info.name == rule) else { return FindingReach::NoSuchRule };
        let mut reads = BTreeSet::new();
        member_fields(&r.when, &mut reads);
        if !reads.contains("findings") {
            return FindingReach::NotRead { reads: reads.into_iter().collect() };
        }
        let counts = |f: &Finding| {
            dates(f).into_iter().any(|date| {
                let fires = |findings: Vec<Finding>| {
                    let member = MemberFacts { id: "-".into(), findings, ..MemberFacts::default() };
                    let branch = BranchFacts { members: vec![member.clone()], ..BranchFacts::default() };
                    let meeting = MeetingFacts { date, ..MeetingFacts::default() };
                    let q = Quarter::of(date);
                    let quarter = QuarterFacts { id: q.to_string(), start: q.start(), end: q.end() };
                    let scope = Scope { branch: &branch, meeting: &meeting, quarter: &quarter };
                    self.trace_condition(r, At { scope, member: Some(&member), excluded: false, quota: 0 }).value
                };
                fires(vec![f.clone()]) && !fires(Vec::new())
            })
        };
        if counts(finding) {
            return FindingReach::Counts;
        }
        let mut with = Vec::new();
        if !finding.open && counts(&Finding { open: true, ..finding.clone() }) {
            with.push(FindingPart::Open);
        }
        let later = finding.date.checked_add_months(Months::new(12)).unwrap_or(finding.date);
        if counts(&Finding { until: Some(later), closed: None, ..finding.clone() }) {
            with.push(FindingPart::Until);
        }
        FindingReach::Never { would_count_with: with }
    }
}
