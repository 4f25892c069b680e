//! A branch's quarter: opening it under the current definitions, and the records its
//! steps take (deeds and excuses — deeds also a file's worth in one batch —, the
//! meeting's report, attendance and guests, presentations, comments). Each record is
//! accepted only while the workflow's current state takes its kind, from a role its
//! step allows (see `branch`).

use super::branch::{check_role, role_ref, Gate, QuarterCtx};
use super::org::check_enum;
use super::views::Status;
use super::{member_ref, named_as, Archive, Current, Decided, Imported, Numbered, Operation, Plan, RowMember, RowRefusals, Shine};
use crate::domain::{Actor, MemberId, Quarter, RulesHash, UnitId};
use crate::event::Action;
use crate::facts::Deed;
use crate::refs::{MemberRef, RoleRef, UnitRef};
use crate::refusal::{Dated, Hint, Kind, Refusal, Result, Text};
use crate::store::{keys, Scope};
use crate::workflow::RecordKind;
use serde::Serialize;

// ---- opening ----------------------------------------------------------------------

impl Shine {
    /// Open a quarter for a branch under the current rules and workflow. Opening one
    /// already open changes nothing.
    pub fn open_quarter(&self, actor: &Actor, branch: &str, quarter: Quarter) -> Result<Status> {
        let _write = self.store().exclusive();
        let current = self.current();
        let tree = self.org()?;
        let unit = self.branch_unit(&tree, branch)?;
        let unit_ref = Archive::unit_ref(&tree, unit.id.as_str());
        let workflow = &current.workflow;
        check_role(workflow, None, &actor.role)?;
        let opens = &workflow.opened_by;
        if !opens.is_empty() && !opens.iter().any(|r| r == &actor.role) {
            let openers: Vec<RoleRef> = opens.iter().map(|r| role_ref(workflow, r)).collect();
            let next = openers.first().cloned();
            let refusal = Refusal::new(Kind::MayNotOpen { role: role_ref(workflow, &actor.role), openers });
            return Err(match next {
                Some(role) => refusal.next(Hint::ActAs { role }),
                None => refusal,
            });
        }
        if self.roster(&unit.id)?.members.is_empty() {
            return Err(Refusal::new(Kind::NoRoster { branch: unit_ref }).next(Hint::ImportRoster { branch: unit.id.clone() }));
        }
        let existing = self.quarters(&unit.id)?;
        if existing.contains(&quarter) {
            return self.status(Some(current), branch, Some(quarter), actor.today()); // repeating is safe
        }
        if let Some(later) = existing.iter().copied().filter(|q| *q > quarter).max() {
            return Err(Refusal::new(Kind::LaterQuarterOpened { branch: unit_ref, later, asked: quarter })
                .next(Hint::ChooseQuarter { opened: existing }));
        }
        for q in &existing {
            let ctx = self.quarter_ctx(Some(current), branch, Some(*q))?;
            if !ctx.workflow.state(&ctx.q.state).is_some_and(|s| s.terminal) {
                return Err(Refusal::new(Kind::QuarterUnfinished { branch: unit_ref, quarter: *q }).next(Hint::Status { branch: unit.id.clone() }));
            }
        }
        let rules = RulesHash::of_hex(current.rules.hash().to_owned());
        let workflow_hash = crate::domain::WorkflowHash::of_hex(workflow.hash());
        let plan = Plan::default()
            .and_value(keys::rules(&rules), &current.files.rules)?
            .and_value(keys::workflow(&workflow_hash), &current.files.workflow)?
            .and_value(keys::rules_in_force(), &rules)?
            .and_value(keys::quarter_index(&unit.id, quarter), quarter)?
            .and_event(Scope::Quarter(unit.id.clone(), quarter), Some(&rules), vec![Action::QuarterOpened {
                branch: unit.id.clone(),
                quarter,
                rules: rules.clone(),
                workflow: workflow_hash,
                state: workflow.start.clone(),
            }]);
        self.commit(actor, plan)?;
        self.status(Some(current), branch, Some(quarter), actor.today())
    }
}

// ---- the records of the quarter's steps ----------------------------------------------

/// A member's record in the quarter, as `record` takes it (members by id or name).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Deed { member: String, deed: Deed },
    DeedExcuse { member: String, reason: String },
    Attendance { member: String, status: String },
    Presentation { member: String },
    Comment { member: String, text: String },
    /// A presentation in a form the rules declare for `member.presentation` (e.g.
    /// written, for a member on leave); the presenter rule reads the form.
    PresentationAs { member: String, form: String },
}

impl Record {
    pub fn member(&self) -> &str {
        match self {
            Record::Deed { member, .. }
            | Record::DeedExcuse { member, .. }
            | Record::Attendance { member, .. }
            | Record::Presentation { member }
            | Record::PresentationAs { member, .. }
            | Record::Comment { member, .. } => member,
        }
    }

    fn kind(&self) -> RecordKind {
        match self {
            Record::Deed { .. } => RecordKind::Deed,
            Record::DeedExcuse { .. } => RecordKind::DeedExcuse,
            Record::Attendance { .. } => RecordKind::Attendance,
            Record::Presentation { .. } | Record::PresentationAs { .. } => RecordKind::Presentation,
            Record::Comment { .. } => RecordKind::Comment,
        }
    }
}

struct Records {
    records: Vec<Record>,
}

impl Operation<QuarterCtx> for Records {
    type Answer = usize;

    fn gate(&self) -> Gate {
        let mut kinds: Vec<RecordKind> = self.records.iter().map(Record::kind).collect();
        kinds.dedup();
        Gate::Records(kinds)
    }

    fn decide(self, ctx: &QuarterCtx, actor: &Actor) -> Result<Decided<usize>> {
        let mut attendance = ctx.q.attendance.clone();
        let mut actions = Vec::new();
        for record in self.records {
            let id = ctx.member_on(record.member(), actor.today())?;
            let action = match record {
                Record::Deed { deed, .. } => {
                    let deed = checked_deed(ctx, &id, deed, actor)?;
                    let in_batch = actions.iter().any(|a| matches!(a, Action::DeedRegistered { member, deed: d } if *member == id && *d == deed));
                    if in_batch || ctx.q.deeds.get(&id).is_some_and(|d| d.contains(&deed)) {
                        continue; // the same deed twice is one deed
                    }
                    Action::DeedRegistered { member: id, deed }
                }
                Record::DeedExcuse { reason, .. } => {
                    let reason = crate::refusal::text(Text::ExcuseReason, &reason)?;
                    if ctx.q.excuses.get(&id) == Some(&reason) {
                        continue; // recorded already: repeating changes nothing
                    }
                    Action::DeedExcused { member: id, reason }
                }
                Record::Attendance { status, .. } => {
                    let status = check_enum(&ctx.rules, "member", "meeting", &status)?;
                    if attendance.insert(id.clone(), status.clone()).as_ref() == Some(&status) {
                        continue;
                    }
                    Action::AttendanceRecorded { member: id, status }
                }
                Record::Presentation { .. } => {
                    if let Some(refusal) = may_present(ctx, &attendance, &id, None, actor) {
                        return Err(refusal);
                    }
                    let in_batch = actions.iter().any(|a| matches!(a, Action::Presented { member } if *member == id));
                    let recorded = ctx.q.presented.contains(&id) && !ctx.q.presentation_forms.contains_key(&id);
                    if in_batch || recorded {
                        continue;
                    }
                    Action::Presented { member: id }
                }
                Record::PresentationAs { form, .. } => {
                    let form = check_enum(&ctx.rules, "member", "presentation", &form)?;
                    if let Some(refusal) = may_present(ctx, &attendance, &id, Some(&form), actor) {
                        return Err(refusal);
                    }
                    let in_batch = actions.iter().any(|a| matches!(a, Action::PresentedAs { member, form: f } if *member == id && *f == form));
                    if in_batch || ctx.q.presentation_forms.get(&id) == Some(&form) {
                        continue;
                    }
                    Action::PresentedAs { member: id, form }
                }
                Record::Comment { text, .. } => {
                    let text = crate::refusal::text(Text::Comment, &text)?;
                    if ctx.q.comments.get(&id) == Some(&text) {
                        continue;
                    }
                    Action::Commented { member: id, text }
                }
            };
            actions.push(action);
        }
        let n = actions.len();
        let life = meeting_as_session(ctx, &actions);
        Ok(Decided::new(ctx.plan(actions).and_event(Scope::Branch(ctx.unit.id.clone()), Some(&ctx.rules_hash), life), n))
    }
}

/// A deed as the rules take it: its kind and form declared, its text checked, its date
/// in the quarter and not after the day it is registered (or edited).
fn checked_deed(ctx: &QuarterCtx, id: &MemberId, mut deed: Deed, actor: &Actor) -> Result<Deed> {
    deed.kind = check_enum(&ctx.rules, "deed", "kind", deed.kind.as_str())?.into();
    if let Some(form) = deed.form {
        deed.form = Some(check_enum(&ctx.rules, "deed", "form", form.as_str())?.as_str().into());
    }
    deed.text = crate::refusal::text(Text::DeedText, &deed.text)?;
    let last = ctx.quarter.end().min(actor.today());
    if !ctx.quarter.contains(deed.date) || deed.date > last {
        let member = member_ref(&ctx.roster, id.as_str());
        let (from, after_today) = (ctx.quarter.start(), deed.date > actor.today());
        return Err(Kind::DeedDateOutOfRange { member, date: deed.date, from, to: last, after_today }.into());
    }
    Ok(deed)
}

// ---- deeds in bulk: the paper certificates of a branch -------------------------------

/// One row of a deed import: the member and the deed, as `deed add` takes them.
#[derive(Debug, Clone)]
pub struct DeedRow {
    pub member: RowMember,
    pub deed: Deed,
}

/// What a deed import records, or would record, in which branch and quarter.
#[derive(Debug, Clone, Serialize)]
pub struct DeedsImported {
    pub branch: UnitRef,
    pub quarter: Quarter,
    /// The deeds new to the members' certificates; a deed a certificate has already
    /// (or an earlier row gives) is one deed.
    #[serde(flatten)]
    pub deeds: Imported<ImportedDeed>,
}

/// A deed of an import, and whose.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedDeed {
    pub member: MemberRef,
    pub deed: Deed,
}

struct ImportDeeds {
    rows: Vec<DeedRow>,
    apply: bool,
}

impl Operation<QuarterCtx> for ImportDeeds {
    type Answer = DeedsImported;

    /// A deed import is allowed when and to whom registering one deed is.
    fn gate(&self) -> Gate {
        Gate::Records(vec![RecordKind::Deed])
    }

    /// Every row is checked as `deed add` checks its deed; one refused row refuses
    /// the file, naming every row refused.
    fn decide(self, ctx: &QuarterCtx, actor: &Actor) -> Result<Decided<DeedsImported>> {
        let mut refusals = RowRefusals::default();
        let mut new: Vec<Numbered<ImportedDeed>> = Vec::new();
        let mut repeated = Vec::new();
        for (i, DeedRow { member, deed }) in self.rows.into_iter().enumerate() {
            let row = i + 1;
            let checked = ctx.member_on(&member.given, actor.today()).and_then(|id| {
                named_as(&ctx.roster, &id, member.named.as_deref())?;
                Ok((checked_deed(ctx, &id, deed, actor)?, id))
            });
            let Some((deed, id)) = refusals.check(row, checked)? else { continue };
            let in_file = new.iter().any(|d| d.record.member.id == id && d.record.deed == deed);
            if in_file || ctx.q.deeds.get(&id).is_some_and(|d| d.contains(&deed)) {
                repeated.push(row);
                continue;
            }
            new.push(Numbered { row, record: ImportedDeed { member: member_ref(&ctx.roster, id.as_str()), deed } });
        }
        refusals.finish()?;
        let plan = if self.apply {
            ctx.plan(new.iter().map(|d| Action::DeedRegistered { member: d.record.member.id.clone(), deed: d.record.deed.clone() }).collect())
        } else {
            Plan::default()
        };
        let deeds = Imported { new, repeated, applied: self.apply };
        let answer = DeedsImported { branch: ctx.unit_ref.clone(), quarter: ctx.quarter, deeds };
        Ok(Decided::new(plan, answer))
    }
}

// ---- a member's own deeds, edited and withdrawn ----------------------------------------

/// New values for the fields of a deed that are given; the others stay as registered.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DeedEdit {
    pub kind: Option<String>,
    pub text: Option<String>,
    pub date: Option<chrono::NaiveDate>,
    /// `Some(None)` takes the form away; `None` keeps it.
    pub form: Option<Option<String>>,
}

/// What becomes of one of a member's deeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeedChange {
    Edit(DeedEdit),
    Withdraw,
}

/// A deed edited or withdrawn: the member, its number on the certificate, and what
/// came of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeedChanged {
    pub member: crate::refs::MemberRef,
    pub number: u32,
    #[serde(flatten)]
    pub outcome: DeedOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum DeedOutcome {
    Edited { before: Deed, now: Deed },
    /// The deed read so already: nothing written.
    Unchanged { now: Deed },
    Withdrawn { before: Deed },
    /// Withdrawn before: nothing written.
    WithdrawnAlready,
}

struct ChangeDeed {
    member: String,
    number: u32,
    change: DeedChange,
}

impl Operation<QuarterCtx> for ChangeDeed {
    type Answer = DeedChanged;

    /// Editing or withdrawing a deed is allowed when and to whom registering one is.
    fn gate(&self) -> Gate {
        Gate::Records(vec![RecordKind::Deed])
    }

    fn decide(self, ctx: &QuarterCtx, actor: &Actor) -> Result<Decided<DeedChanged>> {
        let id = ctx.member_on(&self.member, actor.today())?;
        let member = member_ref(&ctx.roster, id.as_str());
        let number = self.number;
        let answer = |outcome| DeedChanged { member: member.clone(), number, outcome };
        let at = ctx.q.deed_position(&id, number);
        let withdrawn = at.is_none() && number >= 1 && number <= ctx.q.deeds_registered(&id);
        let current = at.and_then(|i| ctx.q.deeds.get(&id)?.get(i).cloned());
        match (self.change, current) {
            (DeedChange::Withdraw, None) if withdrawn => Ok(Decided::new(Plan::default(), answer(DeedOutcome::WithdrawnAlready))),
            (DeedChange::Edit(edit), Some(before)) => {
                let edited = Deed {
                    kind: edit.kind.as_deref().map_or(before.kind, Into::into),
                    text: edit.text.unwrap_or_else(|| before.text.clone()),
                    date: edit.date.unwrap_or(before.date),
                    form: edit.form.map_or(before.form, |f| f.as_deref().map(Into::into)),
                };
                let now = checked_deed(ctx, &id, edited, actor)?;
                if now == before {
                    return Ok(Decided::new(Plan::default(), answer(DeedOutcome::Unchanged { now })));
                }
                let plan = ctx.plan(vec![Action::DeedEdited { member: id, number, deed: now.clone() }]);
                Ok(Decided::new(plan, answer(DeedOutcome::Edited { before, now })))
            }
            (DeedChange::Withdraw, Some(before)) => {
                let plan = ctx.plan(vec![Action::DeedWithdrawn { member: id, number }]);
                Ok(Decided::new(plan, answer(DeedOutcome::Withdrawn { before })))
            }
            (_, None) => {
                let numbers = ctx.q.deed_numbers.get(&id).cloned().unwrap_or_default();
                Err(Refusal::new(Kind::NoSuchDeed { member, number, numbers, withdrawn }).next(Hint::Certificate { member: id }))
            }
        }
    }
}

/// Attendance recorded in a step whose workflow names a kind of session (the special
/// meeting) is also the branch's organizational life: the session on the meeting date
/// and each member's status at it, for the quarters after this one (see `ops::life`).
fn meeting_as_session(ctx: &QuarterCtx, actions: &[Action]) -> Vec<Action> {
    let step = ctx.workflow.step_from(&ctx.q.state);
    let (Some(kind), Some(meeting)) = (step.and_then(|s| s.session.as_ref()), ctx.q.meeting.as_ref()) else { return Vec::new() };
    let date = meeting.date;
    let mut life = Vec::new();
    let session = crate::state::org::Session { kind: Some(kind.as_str().into()), absences_only: false };
    for a in actions {
        if let Action::AttendanceRecorded { member, status } = a {
            if life.is_empty() && ctx.roster.sessions.get(&date) != Some(&session) {
                life.push(Action::SessionRecorded { branch: ctx.unit.id.clone(), date, kind: kind.clone(), absences_only: false });
            }
            let record = crate::facts::LifeRecord { date, status: status.as_str().into() };
            life.push(Action::LifeRecorded { member: member.clone(), record, note: String::new() });
        }
    }
    life
}

/// Whether the rules' `presenter` rule lets the member present (in `form`, if one is
/// given), with attendance as recorded so far in this command; `None` when it does
/// (or the rules have none).
fn may_present(
    ctx: &QuarterCtx,
    attendance: &std::collections::BTreeMap<MemberId, String>,
    id: &MemberId,
    form: Option<&str>,
    actor: &Actor,
) -> Option<Refusal> {
    let facts = ctx.facts(actor.today());
    let mut member = facts.member(id.as_str())?.clone();
    member.meeting = attendance.get(id).map(|s| s.as_str().into());
    member.presentation = form.map(Into::into);
    let decision = ctx.rules.presenter(facts.scope(), &member)?;
    if decision.value {
        return None;
    }
    Some(Refusal::new(Kind::MayNotPresent { member: member_ref(&ctx.roster, id.as_str()), rule: Box::new(decision) })
        .next(Hint::RecordAttendance { branch: ctx.unit.id.clone() }))
}

struct ReportMeeting {
    date: chrono::NaiveDate,
    superior: Option<UnitId>,
}

impl Operation<QuarterCtx> for ReportMeeting {
    type Answer = Option<UnitId>;

    fn gate(&self) -> Gate {
        Gate::Records(vec![RecordKind::MeetingReport])
    }

    fn decide(self, ctx: &QuarterCtx, _: &Actor) -> Result<Decided<Option<UnitId>>> {
        if !ctx.quarter.contains(self.date) {
            return Err(Kind::OutsideQuarter { what: Dated::Meeting, date: self.date, quarter: ctx.quarter }.into());
        }
        let same = ctx.q.meeting.as_ref().is_some_and(|m| m.date == self.date && m.superior == self.superior);
        let actions = if same { Vec::new() } else { vec![Action::MeetingReported { date: self.date, superior: self.superior.clone() }] };
        let plan = ctx.plan(actions);
        Ok(Decided::new(plan, self.superior))
    }
}

struct RecordGuests {
    activists: Vec<String>,
    observers: Vec<String>,
    delegate: Option<String>,
}

impl Operation<QuarterCtx> for RecordGuests {
    /// The advisories of the meeting step that do not hold with these guests.
    type Answer = Vec<crate::rules::Decision<bool>>;

    fn gate(&self) -> Gate {
        Gate::Records(vec![RecordKind::Guests])
    }

    fn decide(self, ctx: &QuarterCtx, actor: &Actor) -> Result<Decided<Self::Answer>> {
        let clean = |list: Vec<String>| -> Result<Vec<String>> {
            list.iter().filter(|s| !s.trim().is_empty()).map(|s| crate::refusal::text(Text::GuestName, s)).collect()
        };
        let guests = crate::state::quarter::Guests {
            activists: clean(self.activists)?,
            observers: clean(self.observers)?,
            delegate: clean(self.delegate.into_iter().collect())?.pop(),
        };
        // The advisories read the meeting as it will be with these guests.
        let facts = ctx.facts(actor.today());
        let mut meeting = facts.meeting.clone();
        meeting.activists = guests.activists.len() as i64;
        meeting.observers = guests.observers.len() as i64;
        meeting.delegate = guests.delegate.is_some();
        let scope = crate::rules::Scope { branch: &facts.branch, meeting: &meeting, quarter: &facts.quarter };
        let warnings = super::readback::advisories(ctx, scope);
        if guests == ctx.q.guests {
            return Ok(Decided::new(super::Plan::default(), warnings)); // recorded already
        }
        let crate::state::quarter::Guests { activists, observers, delegate } = guests;
        Ok(Decided::new(ctx.plan(vec![Action::GuestsRecorded { activists, observers, delegate }]), warnings))
    }
}

impl Archive {
    /// Record members' quarter records (deeds, excuses, attendance, presentations,
    /// comments) for one branch, all or none: the branch given, or the first record's
    /// member's. Returns how many were new.
    pub fn record(&self, current: Option<&Current>, actor: &Actor, branch: Option<&str>, records: Vec<Record>) -> Result<usize> {
        let branch = match (branch, records.first()) {
            (Some(b), _) => b.to_owned(),
            (None, Some(r)) => self.find_member(r.member())?.0.to_string(),
            (None, None) => return Err(Kind::NothingToRecord.into()),
        };
        self.on_quarter(current, actor, &branch, Records { records })
    }

    /// Register the deeds of many members of one branch (the branch given, or that of
    /// the first row whose member is found), all or none, in one batch: each row as
    /// `record` takes a deed, while the quarter takes deeds and from a role it allows
    /// them. Without `apply`, nothing is written: the answer says what would be.
    pub fn import_deeds(&self, current: Option<&Current>, actor: &Actor, branch: Option<&str>, rows: Vec<DeedRow>, apply: bool) -> Result<DeedsImported> {
        let branch = match branch {
            Some(b) => b.to_owned(),
            None => {
                let mut refusals = RowRefusals::default();
                let mut found = None;
                for (i, row) in rows.iter().enumerate() {
                    if let Some((b, _)) = refusals.check(i + 1, self.find_member(&row.member.given))? {
                        found = Some(b);
                        break;
                    }
                }
                match found {
                    Some(b) => b.to_string(),
                    None if rows.is_empty() => return Err(Kind::NothingToRecord.into()),
                    None => return Err(refusals.finish().err().unwrap_or_else(|| Kind::NothingToRecord.into())),
                }
            }
        };
        self.on_quarter(current, actor, &branch, ImportDeeds { rows, apply })
    }

    /// Edit or withdraw one of a member's deeds, by its number on the certificate, in
    /// the member's branch: when and by whom a deed may be registered.
    pub fn change_deed(&self, current: Option<&Current>, actor: &Actor, member: &str, number: u32, change: DeedChange) -> Result<DeedChanged> {
        let branch = self.find_member(member)?.0.to_string();
        self.on_quarter(current, actor, &branch, ChangeDeed { member: member.to_owned(), number, change })
    }

    /// Report the special meeting to the superior organization (§4.2.a in the default
    /// workflow). Returns the superior reported to.
    pub fn report_meeting(&self, current: Option<&Current>, actor: &Actor, branch: &str, date: chrono::NaiveDate) -> Result<Option<UnitId>> {
        let superior = self.org()?.parent_of(branch).map(|u| u.id.clone());
        self.on_quarter(current, actor, branch, ReportMeeting { date, superior })
    }

    /// Record the meeting's guests. Returns the advisories of the meeting step that do
    /// not hold with them (e.g. no activist attended): warnings, not refusals.
    pub fn record_guests(
        &self,
        current: Option<&Current>,
        actor: &Actor,
        branch: &str,
        activists: Vec<String>,
        observers: Vec<String>,
        delegate: Option<String>,
    ) -> Result<Vec<crate::rules::Decision<bool>>> {
        self.on_quarter(current, actor, branch, RecordGuests { activists, observers, delegate })
    }
}
