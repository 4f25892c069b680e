//! Closing a finding (the day, the way — one the rules declare for `finding.closure`
//! — and what happened), and recording a member's dated standing (a kind the rules
//! declare for `standing.kind`, who approved it, why). Both are written to the
//! branch's log; rules read them through `finding.closed` and `member.standings`.

use super::org::check_enum;
use super::{member_ref, Plan, Shine};
use crate::domain::Actor;
use crate::event::Action;
use crate::facts::Standing;
use crate::refusal::{text, Kind, Result, Text};
use crate::store::Scope;
use chrono::NaiveDate;

/// A finding to close: whose, which (clause and date), when, how and why.
#[derive(Debug, Clone)]
pub struct Close {
    pub member: String,
    pub clause: String,
    pub date: NaiveDate,
    pub on: NaiveDate,
    pub how: String,
    pub note: String,
}

/// A standing to record for a member.
#[derive(Debug, Clone)]
pub struct NewStanding {
    pub member: String,
    pub kind: String,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub approved_by: String,
    pub reason: String,
}

impl Shine {
    /// Close a finding the member has. Repeating the same close writes nothing; a
    /// different close of a closed finding, a close before the finding's date, or a
    /// finding the member does not have, is refused. Returns the way, as declared.
    pub fn close_finding(&self, actor: &Actor, close: Close) -> Result<String> {
        let _write = self.store().exclusive();
        let (branch, record) = self.find_member(&close.member)?;
        let rules = self.current_rules();
        let roster = self.roster(&branch)?;
        let who = member_ref(&roster, record.id.as_str());
        let how = check_enum(&rules, "finding", "closure", &close.how)?;
        let note = text(Text::ClosureNote, &close.note)?;
        let clause = close.clause.trim().to_owned();
        let list = roster.findings.get(&record.id).cloned().unwrap_or_default();
        let Some(found) = list.iter().find(|f| f.clause.as_str() == clause && f.date == close.date) else {
            let recorded = list.iter().map(|f| (f.clause.as_str().to_owned(), f.date)).collect();
            return Err(Kind::NoSuchFinding { member: who, clause, date: close.date, recorded }.into());
        };
        if let Some(on) = found.closed {
            let was = roster.closures.get(&(record.id.clone(), clause.clone(), close.date));
            if on == close.on && was.is_some_and(|c| c.how == how && c.note == note) {
                return Ok(how); // closed already, just so: repeating changes nothing
            }
            let how = was.map(|c| c.how.clone()).unwrap_or_default();
            return Err(Kind::FindingClosedAlready { member: who, clause, date: close.date, on, how }.into());
        }
        if close.on < close.date {
            return Err(Kind::ClosedBeforeFound { member: who, clause, date: close.date, on: close.on }.into());
        }
        let hash = crate::domain::RulesHash::of_hex(rules.hash().to_owned());
        let action = Action::FindingClosed { member: record.id, clause, date: close.date, on: close.on, how: how.clone(), note };
        self.commit(actor, Plan::event(Scope::Branch(branch), Some(&hash), vec![action]))?;
        Ok(how)
    }

    /// Record a member's standing. The same standing again writes nothing; the same
    /// kind from the same day with another end or reason corrects it.
    pub fn record_standing(&self, actor: &Actor, new: NewStanding) -> Result<Standing> {
        let _write = self.store().exclusive();
        let (branch, record) = self.find_member(&new.member)?;
        let rules = self.current_rules();
        let kind = check_enum(&rules, "standing", "kind", &new.kind)?;
        if let Some(until) = new.until {
            if until < new.from {
                return Err(Kind::EndsBeforeStart { from: new.from, until }.into());
            }
        }
        let reason = text(Text::StandingReason, &new.reason)?;
        let approved_by = text(Text::ApprovedBy, &new.approved_by)?;
        let standing = Standing { kind: kind.as_str().into(), from: new.from, until: new.until };
        let roster = self.roster(&branch)?;
        let known = roster
            .standings
            .get(&record.id)
            .is_some_and(|l| l.iter().any(|e| e.standing == standing && e.reason == reason && e.approved_by == approved_by));
        if known {
            return Ok(standing); // recorded already
        }
        let hash = crate::domain::RulesHash::of_hex(rules.hash().to_owned());
        let action = Action::StandingRecorded { member: record.id, standing: standing.clone(), approved_by, reason };
        self.commit(actor, Plan::event(Scope::Branch(branch), Some(&hash), vec![action]))?;
        Ok(standing)
    }
}
