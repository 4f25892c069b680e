//! What the secretary wrote, read back: a member's page of the registration
//! certificate for one quarter ([`Register`]: deeds with kind, form and date, the
//! excuse, attendance, the presentation, the comment and who confirmed it, the
//! emphasis the rules declare for the member's category), and the special meeting's record
//! ([`MeetingRecord`]: date, report, attendance by name, guests, comments, and the
//! advisories of the meeting step that do not hold). Reading only.

use super::branch::{role_ref, QuarterCtx};
use super::{member_ref, Archive, Current};
use crate::domain::Timestamp;
use crate::entity::MemberRecord;
use crate::refs::{MemberRef, RoleRef, UnitRef, VariantRef};
use crate::refusal::Result;
use crate::rules::{Decision, Emphasis, RuleSet};
use chrono::NaiveDate;
use serde::Serialize;

/// A deed as the certificate shows it: kind and form with their labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeedEntry {
    /// Its number on the certificate: the order it was registered in, kept when one
    /// before it is withdrawn (what `deed edit` and `deed withdraw` name).
    pub number: u32,
    pub kind: VariantRef,
    pub form: Option<VariantRef>,
    pub date: NaiveDate,
    pub text: String,
}

/// The secretary's comment (点评) and its confirmation: who recorded it, in which
/// role, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentEntry {
    pub text: String,
    pub by: String,
    pub role: RoleRef,
    pub at: Timestamp,
}

/// One member's page of the certificate for one quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Register {
    pub deeds: Vec<DeedEntry>,
    /// The reason recorded for registering no deed.
    pub no_deed_reason: Option<String>,
    /// Attendance at the special meeting, once recorded.
    pub attendance: Option<VariantRef>,
    pub presented: bool,
    pub comment: Option<CommentEntry>,
    /// What the quarter's rules say the member's deeds should show, for their category.
    pub emphasis: Option<Emphasis>,
}

/// The special meeting as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingRecord {
    /// The meeting's date, once reported.
    pub date: Option<NaiveDate>,
    /// When the report was recorded, and to whom.
    pub reported_at: Option<Timestamp>,
    pub reported_to: Option<UnitRef>,
    /// Attendance by member, in roster order; members not yet recorded are left out.
    pub attendance: Vec<(MemberRef, VariantRef)>,
    pub activists: Vec<String>,
    pub observers: Vec<String>,
    pub delegate: Option<String>,
    pub comments: usize,
    /// The advisories of the step that records the meeting which do not hold: a
    /// warning, never a refusal.
    pub warnings: Vec<Decision<bool>>,
}

/// A value of an enum-typed field with its label, as the rules declare it.
pub(crate) fn variant(rules: &RuleSet, entity: &str, field: &str, value: &str) -> VariantRef {
    let label = rules
        .field_enum(entity, field)
        .and_then(|e| e.variants.iter().find(|v| v.name == value))
        .and_then(|v| v.label.clone());
    VariantRef { name: value.to_owned(), label }
}

/// The emphasis the rules declare for a member's category.
pub(crate) fn emphasis_for(rules: &RuleSet, member: &MemberRecord) -> Option<Emphasis> {
    rules.emphasis("member", "identity", &member.identity).cloned()
}

/// The member's page of the quarter.
pub(crate) fn register(ctx: &QuarterCtx, member: &MemberRecord) -> Register {
    let id = &member.id;
    let rules = &ctx.rules;
    let deeds = ctx
        .q
        .deeds
        .get(id)
        .map(|list| {
            let numbers = ctx.q.deed_numbers.get(id).map(Vec::as_slice).unwrap_or_default();
            list.iter()
                .zip(numbers)
                .map(|(d, number)| DeedEntry {
                    number: *number,
                    kind: variant(rules, "deed", "kind", d.kind.as_str()),
                    form: d.form.map(|f| variant(rules, "deed", "form", f.as_str())),
                    date: d.date,
                    text: d.text.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let comment = ctx.q.comments.get(id).map(|text| {
        let signed = ctx.q.comment_signed.get(id);
        CommentEntry {
            text: text.clone(),
            by: signed.map(|s| s.who.clone()).unwrap_or_default(),
            role: role_ref(&ctx.workflow, signed.map(|s| s.role.as_str()).unwrap_or_default()),
            at: signed.map(|s| s.at).unwrap_or_else(|| ctx.q.passed.first().map(|p| p.at).unwrap_or_else(epoch)),
        }
    });
    Register {
        deeds,
        no_deed_reason: ctx.q.excuses.get(id).cloned(),
        attendance: ctx.q.attendance.get(id).map(|s| variant(rules, "member", "meeting", s)),
        presented: ctx.q.presented.contains(id),
        comment,
        emphasis: emphasis_for(rules, member),
    }
}

/// A comment is always folded from an event, so its signature is always there; this
/// is the value of a state built by hand without one.
fn epoch() -> Timestamp {
    Timestamp::new(chrono::DateTime::UNIX_EPOCH.fixed_offset())
}

/// The advisories of the step that records the meeting's guests, as the rules decide
/// them over `facts` (the quarter's facts, with the guests about to be recorded).
pub(crate) fn advisories(ctx: &QuarterCtx, scope: crate::rules::Scope<'_>) -> Vec<Decision<bool>> {
    let wf = &ctx.workflow;
    let step = wf.steps.iter().find(|s| s.accepts.contains(&crate::workflow::RecordKind::Guests));
    step.map(|s| s.advisories.iter().filter_map(|g| ctx.rules.guard_named(g, scope)).filter(|d| !d.value).collect())
        .unwrap_or_default()
}

impl Archive {
    /// The meeting's record in a quarter.
    pub(crate) fn meeting_record(&self, ctx: &QuarterCtx, today: NaiveDate) -> Result<MeetingRecord> {
        let reported_to = match ctx.q.meeting.as_ref().and_then(|m| m.superior.as_ref()) {
            Some(id) => {
                let tree = self.org_around(&[id.as_str()], false)?;
                Some(Archive::unit_ref(&tree, id.as_str()))
            }
            None => None,
        };
        let attendance = ctx
            .roster
            .members
            .iter()
            .filter_map(|m| {
                let status = ctx.q.attendance.get(&m.id)?;
                Some((member_ref(&ctx.roster, m.id.as_str()), variant(&ctx.rules, "member", "meeting", status)))
            })
            .collect();
        let facts = ctx.facts(today);
        let guests = &ctx.q.guests;
        Ok(MeetingRecord {
            date: ctx.q.meeting.as_ref().map(|m| m.date),
            reported_at: ctx.q.meeting_reported_at,
            reported_to,
            attendance,
            activists: guests.activists.clone(),
            observers: guests.observers.clone(),
            delegate: guests.delegate.clone(),
            comments: ctx.q.comments.len(),
            warnings: advisories(ctx, facts.scope()),
        })
    }

    /// Every member's page of the certificate for a branch's quarter, in roster order:
    /// what the ledger prints for each member.
    pub fn registers(&self, current: Option<&Current>, branch: &str, quarter: Option<crate::domain::Quarter>) -> Result<Vec<(MemberRef, Register)>> {
        let ctx = self.quarter_ctx(current, branch, quarter)?;
        Ok(ctx.roster.members.iter().map(|m| (member_ref(&ctx.roster, m.id.as_str()), register(&ctx, m))).collect())
    }

    /// The emphasis for a member's category under the rules of their branch's latest
    /// quarter: what `deed add` and `comment` show beside the record they made.
    pub fn member_emphasis(&self, current: Option<&Current>, member: &str) -> Result<Option<Emphasis>> {
        let (branch, record) = self.find_member(member)?;
        let ctx = self.quarter_ctx(current, branch.as_str(), None)?;
        Ok(emphasis_for(&ctx.rules, &record))
    }
}
