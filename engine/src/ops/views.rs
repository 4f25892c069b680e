//! What a branch's quarter looks like from outside: where it stands and what the next
//! step needs ([`Status`]), why a member was or was not selected ([`Explanation`]),
//! and the ledger (台帐, [`Ledger`]). Reading only.

use super::branch::{role_ref, state_ref, step_ref, QuarterCtx};
use super::{member_ref, Archive, Current};
use crate::domain::{MemberId, Quarter, RulesHash, UnitId};
use crate::entity::MemberRecord;
use crate::event::Event;
use crate::refs::{MemberRef, RoleRef, StateRef, StepRef, UnitRef};
use crate::refusal::{Kind, Refusal, Result, Thing};
use crate::rules::{Decision, MemberJudgement, RuleInfo, Witness};
use super::meetings::{meeting_report, MeetingReport};
use crate::state::quarter::{FactsBasis, Figures, HeldAgain, Round};
use crate::tally::{Ranked, Selection};
use crate::workflow::RecordKind;
use super::readback::{CommentEntry, MeetingRecord};
use chrono::NaiveDate;
use serde::Serialize;

/// Where a branch's quarter stands.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub branch: UnitRef,
    pub quarter: Quarter,
    pub rules: RulesHash,
    pub state: StateRef,
    pub terminal: bool,
    pub next_step: Option<NextStep>,
    pub members: usize,
    pub deeds_registered: usize,
    pub deeds_excused: usize,
    pub attendance_recorded: usize,
    pub presented: usize,
    pub commented: usize,
    pub round: Option<RoundStatus>,
    pub stars: Vec<MemberRef>,
    /// The ledger was reported: to this unit, if the branch has a superior.
    pub reported: Option<Option<UnitRef>>,
    /// The special meeting as recorded.
    pub meeting: MeetingRecord,
    /// The meeting's report to the superior (§4.2.a) and the delegate it sends.
    pub meeting_report: Option<MeetingReport>,
    /// What the facts were read from: the roster frozen with the ballot, or today's.
    pub facts: FactsBasis,
}

#[derive(Debug, Clone, Serialize)]
pub struct NextStep {
    pub step: StepRef,
    /// The roles that may take the step.
    pub roles: Vec<RoleRef>,
    pub accepts: Vec<RecordKind>,
    pub guards: Vec<Decision<bool>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoundStatus {
    pub round: i64,
    pub seats: i64,
    pub candidates: Vec<MemberRef>,
    /// Valid ballots so far.
    pub ballots: i64,
    pub paper: bool,
    pub figures: Figures,
    pub scrutineers: Vec<String>,
    pub counters: Vec<String>,
    /// Electronic voting by codes: cast of issued, once the codes are issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voting: Option<super::ballot::VotingProgress>,
}

/// Why a member was or was not selected.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub member: MemberRecord,
    pub path: Vec<UnitRef>,
    pub quarter: Quarter,
    pub state: StateRef,
    pub rules: RulesHash,
    pub judgement: MemberJudgement,
    pub quota: Decision<i64>,
    pub cap: Option<Decision<i64>>,
    /// Per tallied round: the member's place and outcome, if they were on the ballot.
    pub rounds: Vec<RoundOutcome>,
    pub star: bool,
    /// The secretary's comment on the member's deeds, and who confirmed it.
    pub comment: Option<CommentEntry>,
    /// The form of the member's presentation, when recorded with one (e.g. written).
    pub presentation: Option<String>,
    /// The member's dated standings (e.g. a discipline that takes the vote), with who
    /// approved each and why.
    pub standings: Vec<crate::state::org::StandingEntry>,
    /// What the facts were read from: the roster frozen with the ballot, or today's.
    pub facts: FactsBasis,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoundOutcome {
    pub round: i64,
    pub seats: i64,
    pub ranked: Option<Ranked>,
    /// The lean ranked the member behind someone with as many votes (seated or not).
    pub behind_on_lean: bool,
}

/// An exclusion as the ledger keeps it: the rule and the values that made it fire.
#[derive(Debug, Clone, Serialize)]
pub struct ExclusionEntry {
    pub rule: RuleInfo,
    pub witnesses: Vec<Witness>,
}

/// One round as the ledger shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerRound {
    pub round: i64,
    pub seats: i64,
    pub candidates: Vec<MemberRef>,
    pub seated_before: Vec<MemberRef>,
    /// Valid ballots: the votes of the selection are out of these.
    pub ballots: i64,
    pub paper: bool,
    /// Ballots issued, returned, valid and invalid.
    pub figures: Figures,
    pub scrutineers: Vec<String>,
    pub counters: Vec<String>,
    pub selection: Option<Selection>,
    /// Electronic votings of this round held again (their ballots sealed, not counted).
    pub held_again: Vec<HeldAgain>,
}

/// The result of a quarter: the ledger entry.
#[derive(Debug, Clone, Serialize)]
pub struct Ledger {
    pub branch: UnitRef,
    pub quarter: Quarter,
    pub state: StateRef,
    pub rules: RulesHash,
    pub members: usize,
    pub quota: Decision<i64>,
    /// Fixed when the ballot was (round 1); as the rules decide today before that.
    pub ballot_fixed: bool,
    pub excluded: Vec<(MemberRef, Vec<ExclusionEntry>)>,
    pub rounds: Vec<LedgerRound>,
    pub stars: Vec<MemberRef>,
    pub reported: Option<Option<UnitRef>>,
    /// The special meeting as recorded.
    pub meeting: MeetingRecord,
    /// The meeting's report to the superior (§4.2.a) and the delegate it sends.
    pub meeting_report: Option<MeetingReport>,
    /// What the facts were read from: the roster frozen with the ballot, or today's.
    pub facts: FactsBasis,
}

impl Archive {
    fn ctx_for(&self, current: Option<&Current>, branch: &str, quarter: Option<Quarter>) -> Result<QuarterCtx> {
        self.quarter_ctx(current, branch, quarter)
    }

    fn reported_ref(&self, reported: &Option<Option<UnitId>>) -> Result<Option<Option<UnitRef>>> {
        let Some(superior) = reported else { return Ok(None) };
        let Some(id) = superior else { return Ok(Some(None)) };
        let tree = self.org_around(&[id.as_str()], false)?;
        Ok(Some(Some(Archive::unit_ref(&tree, id.as_str()))))
    }

    /// Where the quarter stands, as of `today` (the meeting date once it is reported).
    pub fn status(&self, current: Option<&Current>, branch: &str, quarter: Option<Quarter>, today: NaiveDate) -> Result<Status> {
        let ctx = self.ctx_for(current, branch, quarter)?;
        let wf = &ctx.workflow;
        let facts = ctx.facts(today);
        let scope = facts.scope();
        let mref = |id: &MemberId| member_ref(&ctx.roster, id.as_str());
        let next_step = wf.step_from(&ctx.q.state).map(|s| NextStep {
            step: step_ref(s),
            roles: s.roles.iter().map(|r| role_ref(wf, r)).collect(),
            accepts: s.accepts.clone(),
            guards: s.guards.iter().filter_map(|g| ctx.rules.guard_named(g, scope)).collect(),
        });
        Ok(Status {
            branch: ctx.unit_ref.clone(),
            quarter: ctx.quarter,
            rules: ctx.rules_hash.clone(),
            state: state_ref(wf, &ctx.q.state),
            terminal: wf.state(&ctx.q.state).is_some_and(|s| s.terminal),
            next_step,
            members: facts.branch.members.len(),
            deeds_registered: ctx.q.deeds.len(),
            deeds_excused: ctx.q.excuses.len(),
            attendance_recorded: ctx.q.attendance.len(),
            presented: ctx.q.presented.len(),
            commented: ctx.q.comments.len(),
            round: ctx.q.open_round().map(|r| RoundStatus {
                round: r.round,
                seats: r.seats,
                candidates: r.candidates.iter().map(mref).collect(),
                ballots: r.ballots(),
                paper: r.totals.is_some(),
                figures: r.figures(),
                scrutineers: r.totals.as_ref().map(|t| t.scrutineers.clone()).unwrap_or_default(),
                counters: r.totals.as_ref().map(|t| t.counters.clone()).unwrap_or_default(),
                voting: super::ballot::progress(r),
            }),
            stars: ctx.q.stars.iter().map(mref).collect(),
            reported: self.reported_ref(&ctx.q.reported)?,
            meeting: self.meeting_record(&ctx, today)?,
            meeting_report: self.meeting_report_of(&ctx)?,
            facts: ctx.q.facts_basis(),
        })
    }

    /// Why a member was or was not selected in their branch's latest (or given) quarter.
    pub fn explain(&self, current: Option<&Current>, member: &str, quarter: Option<Quarter>, today: NaiveDate) -> Result<Explanation> {
        let (branch, record) = self.find_member(member)?;
        let ctx = self.ctx_for(current, branch.as_str(), quarter)?;
        let facts = ctx.facts(today);
        let scope = facts.scope();
        let quota = ctx.rules.quota(scope);
        let cap = ctx.rules.cap(scope, quota.value);
        let m = match facts.member(record.id.as_str()) {
            Some(m) => m,
            None => {
                ctx.member_on(record.id.as_str(), today)?;
                return Err(Refusal::new(Kind::NotFound { what: Thing::Member, given: member.to_owned() }));
            }
        };
        let judgement = ctx.rules.judge(scope, quota.value, m);
        let rounds = ctx
            .q
            .rounds
            .iter()
            .filter_map(|r| {
                let s = r.selection.as_ref()?;
                let ranked = s.ranking.iter().find(|x| x.member == record.id).cloned();
                let behind_on_lean = ranked.as_ref().is_some_and(|x| x.behind_on_lean(&s.ranking));
                Some(RoundOutcome { round: r.round, seats: r.seats, ranked, behind_on_lean })
            })
            .collect();
        let tree = self.org_around(&[branch.as_str()], false)?;
        let comment = super::readback::register(&ctx, &record).comment;
        let presentation = ctx.q.presentation_forms.get(&record.id).cloned();
        let standings = ctx.roster.standings.get(&record.id).cloned().unwrap_or_default();
        // The member as the quarter knew them (the frozen roster, once the ballot is fixed).
        let record = ctx.roster.member(record.id.as_str()).cloned().unwrap_or(record);
        Ok(Explanation {
            comment,
            path: tree.path(branch.as_str()).iter().map(|u| Archive::unit_ref(&tree, u.id.as_str())).collect(),
            star: ctx.q.stars.contains(&record.id),
            member: record,
            quarter: ctx.quarter,
            state: state_ref(&ctx.workflow, &ctx.q.state),
            rules: ctx.rules_hash.clone(),
            judgement,
            quota,
            cap,
            rounds,
            presentation,
            standings,
            facts: ctx.q.facts_basis(),
        })
    }

    /// The ledger (台帐) of a branch's quarter.
    pub fn ledger(&self, current: Option<&Current>, branch: &str, quarter: Option<Quarter>, today: NaiveDate) -> Result<Ledger> {
        let ctx = self.ctx_for(current, branch, quarter)?;
        let facts = ctx.facts(today);
        let scope = facts.scope();
        let quota = ctx.rules.quota(scope);
        let mref = |id: &MemberId| member_ref(&ctx.roster, id.as_str());
        // Once the ballot is fixed the ledger shows the exclusions decided then.
        let excluded = match ctx.q.rounds.first() {
            Some(first) => first
                .excluded
                .iter()
                .map(|(id, list)| {
                    let entries = list
                        .iter()
                        .map(|x| ExclusionEntry { rule: ctx.rules.rule_info(&x.rule), witnesses: x.witnesses.clone() })
                        .collect();
                    (mref(id), entries)
                })
                .collect(),
            None => facts
                .branch
                .members
                .iter()
                .filter_map(|m| {
                    let j = ctx.rules.judge(scope, quota.value, m);
                    let entries: Vec<ExclusionEntry> = j.excluded.into_iter().map(|d| ExclusionEntry { rule: d.rule, witnesses: d.witnesses }).collect();
                    (!entries.is_empty()).then(|| (member_ref(&ctx.roster, &m.id), entries))
                })
                .collect(),
        };
        Ok(Ledger {
            branch: ctx.unit_ref.clone(),
            quarter: ctx.quarter,
            state: state_ref(&ctx.workflow, &ctx.q.state),
            rules: ctx.rules_hash.clone(),
            members: facts.branch.members.len(),
            quota,
            ballot_fixed: !ctx.q.rounds.is_empty(),
            excluded,
            rounds: ctx.q.rounds.iter().map(|r| ledger_round(r, &mref)).collect(),
            stars: ctx.q.stars.iter().map(mref).collect(),
            reported: self.reported_ref(&ctx.q.reported)?,
            meeting: self.meeting_record(&ctx, today)?,
            meeting_report: self.meeting_report_of(&ctx)?,
            facts: ctx.q.facts_basis(),
        })
    }

    /// The quarter's meeting report, its superior named from the tree.
    fn meeting_report_of(&self, ctx: &QuarterCtx) -> Result<Option<MeetingReport>> {
        let superior = ctx.q.meeting.as_ref().and_then(|m| m.superior.clone());
        let ids: Vec<&str> = superior.iter().map(|s| s.as_str()).collect();
        let tree = self.org_around(&ids, false)?;
        Ok(meeting_report(&ctx.q, &|id| Archive::unit_ref(&tree, id.as_str())))
    }

    /// The members who may vote in a branch's latest quarter now, as the voter rule decides.
    pub fn voters(&self, current: Option<&Current>, branch: &str, today: NaiveDate) -> Result<Vec<MemberId>> {
        let ctx = self.ctx_for(current, branch, None)?;
        let facts = ctx.facts(today);
        let (_, standings) = facts.standings(&ctx.rules);
        Ok(facts.branch.members.iter().zip(standings).filter(|(_, s)| s.voter).map(|(m, _)| MemberId::known(m.id.clone())).collect())
    }

    /// The raw events of a branch's quarter, for audit.
    pub fn quarter_events(&self, current: Option<&Current>, branch: &str, quarter: Option<Quarter>) -> Result<Vec<Event>> {
        let ctx = self.ctx_for(current, branch, quarter)?;
        Ok(self.store().events(&ctx.scope)?.to_vec())
    }
}

fn ledger_round(r: &Round, mref: &dyn Fn(&MemberId) -> MemberRef) -> LedgerRound {
    LedgerRound {
        round: r.round,
        seats: r.seats,
        candidates: r.candidates.iter().map(mref).collect(),
        seated_before: r.seated_before.iter().map(mref).collect(),
        ballots: r.ballots(),
        paper: r.totals.is_some(),
        figures: r.figures(),
        scrutineers: r.totals.as_ref().map(|t| t.scrutineers.clone()).unwrap_or_default(),
        counters: r.totals.as_ref().map(|t| t.counters.clone()).unwrap_or_default(),
        selection: r.selection.clone(),
        held_again: r.held_again.clone(),
    }
}
