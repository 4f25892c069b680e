//! Why the engine said no, as data: a [`Refusal`] is a kind (with the values the
//! engine saw, the rule or clause involved and what is missing) and, where the engine
//! knows more than the kind says, typed hints of what to do next.
//!
//! Nothing here is a sentence: the edge (`cli/src/messages`) words every kind and
//! hint in Chinese, the same for the terminal, the HTTP API and the web pages. A kind
//! is serialised with its `code` (the variant's name) and its fields, which is the
//! `details` of the JSON error shape.

use crate::domain::{BadQuarter, MemberId, Quarter, UnitId};
use crate::entity::Departure;
use crate::progress::{PickCheck, StepState, Waiting};
use crate::refs::{EnumRef, KindRef, LevelRef, MemberRef, RoleRef, RuleRef, StateRef, StepRef, UnitRef, VariantRef};
use crate::rules::{Decision, RuleErrors, RuleInfo};
use crate::state::level::Standing;
use crate::store::StoreError;
use crate::workflow::{Action as ChainStep, RecordKind, WorkflowErrors};
use chrono::NaiveDate;
use serde::Serialize;

/// A refusal: what kind, and what to do next when the engine can say more than the kind.
#[derive(Debug, Serialize)]
pub struct Refusal {
    /// Boxed: a refusal travels through every `Result` of the engine, and most of its
    /// kinds are large.
    #[serde(flatten)]
    pub kind: Box<Kind>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub next: Vec<Hint>,
}

pub type Result<T, E = Refusal> = std::result::Result<T, E>;

impl Refusal {
    pub fn new(kind: Kind) -> Refusal {
        Refusal { kind: Box::new(kind), next: Vec::new() }
    }

    /// The refusal with one more hint.
    pub fn next(mut self, hint: Hint) -> Refusal {
        self.next.push(hint);
        self
    }
}

impl From<Kind> for Refusal {
    fn from(kind: Kind) -> Refusal {
        Refusal::new(kind)
    }
}

impl From<StoreError> for Refusal {
    fn from(problem: StoreError) -> Refusal {
        Refusal::new(Kind::Store { problem })
    }
}

impl From<RuleErrors> for Refusal {
    fn from(errors: RuleErrors) -> Refusal {
        Refusal::new(Kind::RuleFiles { errors }).next(Hint::CheckDefinitions)
    }
}

impl From<WorkflowErrors> for Refusal {
    fn from(errors: WorkflowErrors) -> Refusal {
        Refusal::new(Kind::WorkflowFile { errors }).next(Hint::CheckDefinitions)
    }
}

impl From<BadQuarter> for Refusal {
    fn from(e: BadQuarter) -> Refusal {
        Refusal::new(Kind::BadQuarter { given: e.given })
    }
}

/// Which piece of text a user gave: defined beside the one check of text.
pub use crate::text::Text;
use crate::text::TextProblem;
/// What the receiving level re-checks in a record from another instance, and found
/// untrue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum RecordCheck {
    /// Votes or ballots negative, or more votes than ballots.
    Counts { votes: i64, ballots: i64 },
    /// The share the record carries is not `votes / ballots`.
    Share { recorded: String, votes: i64, ballots: i64 },
    /// No unit path: the record names no branch.
    NoUnitPath,
    /// The university named is not the top of the record's unit path.
    University { university: String, top: UnitRef },
    /// The record's path passes through no unit directly below the receiving unit.
    NotBelow { receiver: UnitRef, path: Vec<UnitRef> },
    /// The record comes from another unit than the one the source serves (the page's
    /// sender, or the unit earlier pulls from the same address came from).
    OtherSource { top: UnitRef, expected: UnitRef },
    /// The sending level sends only its picks, and this record carries no pick of it.
    NotPicked { level: LevelRef },
    /// More stars from the source (or from one unit of it) than the sending level's
    /// pick rule allows.
    OverBound { rule: RuleInfo, unit: Option<UnitRef>, sent: i64, bound: crate::rules::PickBound },
}


/// What an id or a name was meant to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Thing {
    Unit,
    Branch,
    ParentUnit,
    Member,
    Quarter,
    Token,
    /// A record this instance sent upward.
    SentRecord,
}

/// A stored definition a quarter needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stored {
    RuleSet,
    Workflow,
}

/// A dated thing that must fall in its quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Dated {
    Deed { member: MemberRef },
    Meeting,
}

/// The voting method a round already uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum BallotMethod {
    Paper,
    Electronic { cast: usize },
}

/// What a level does that needs its role: one of its steps, or handling objections
/// and returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum LevelAct {
    Step { title: String },
    Object,
    Decide,
    Return,
    Resubmit,
}

/// One row of an import the engine refused, 1-based in the order given.
#[derive(Debug, Serialize)]
pub struct RefusedRow {
    pub row: usize,
    pub refusal: Refusal,
}

/// One problem of one row of a roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// 1-based, in the order given.
    pub row: usize,
    pub name: String,
    pub problem: RowIssue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RowIssue {
    EmptyName,
    RepeatedId { id: String },
    NotAVariant { value: String, decl: EnumRef, allowed: Vec<VariantRef> },
    InAnotherBranch { id: MemberId, branch: UnitId },
    /// A member who left this branch's roster (transferred out or removed).
    LeftBranch { id: MemberId, on: NaiveDate, departure: Departure, label: Option<String> },
    /// A field of the row refused by [`crate::text`].
    BadText { field: Text, given: String, problem: TextProblem },
}

/// One problem of the tellers' count of paper ballots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TotalsProblem {
    NegativeBallots { ballots: i64 },
    MoreBallotsThanVoters { ballots: i64, voters: i64 },
    NamedTwice { given: String },
    VotesOutOfRange { given: String, votes: i64, ballots: i64 },
    NotACandidate { given: String },
    NotInBranch { given: String },
    SumTooLarge { sum: i64, ballots: i64, seats: i64 },
    /// More ballots returned than were issued.
    MoreReturnedThanIssued { returned: i64, issued: i64 },
    /// More invalid ballots than were returned, or a negative number of them.
    InvalidOutOfRange { invalid: i64, returned: i64 },
    /// A teller named twice, or as both scrutineer and counter.
    TellerTwice { given: String },
}

/// Every kind of refusal.
#[derive(Debug, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Kind {
    // ---- definitions and the store ------------------------------------------------
    /// The rule files do not load; nothing of them is used. Each error is its place
    /// and its typed problem.
    RuleFiles { errors: RuleErrors },
    /// A workflow file does not load.
    WorkflowFile {
        #[serde(flatten)]
        errors: WorkflowErrors,
    },
    /// The store cannot be read or written.
    Store { problem: StoreError },
    /// The store lacks the rule set or workflow a quarter was opened with.
    StoredDefinitionMissing { what: Stored, hash: String },
    /// The quarter's workflow names a guard its rule set does not define.
    GuardMissing { guard: String },
    /// The rules have no `publicity` rule, which a `Publish` step needs.
    NoPublicityRule,

    // ---- input that is malformed --------------------------------------------------
    BadQuarter { given: String },
    Empty { what: Text },
    /// A value outside the enum the rules declare for it.
    NotAVariant { value: String, decl: EnumRef, allowed: Vec<VariantRef> },
    NothingToRecord,

    // ---- things that are not there --------------------------------------------------
    NotFound { what: Thing, given: String },
    /// A name that several members share.
    AmbiguousMember { name: String, matches: Vec<(MemberRef, UnitRef)> },
    /// A member the branch's roster does not have.
    NotInBranch { given: String, branch: UnitRef },

    // ---- the organization -------------------------------------------------------------
    UnitIdTaken { id: UnitId, by: UnitRef },
    /// The tree has its root already.
    SecondRoot { root: UnitRef },
    NeedsParent { kind: KindRef, allowed: Vec<KindRef> },
    /// The root kind cannot sit under a unit.
    RootHasNoParent { kind: KindRef },
    WrongParent { kind: KindRef, parent: UnitRef, parent_kind: KindRef, allowed: Vec<KindRef> },
    UnknownKind { given: String, known: Vec<KindRef> },
    /// The unit is of a kind that does not run quarters.
    NotABranch { unit: UnitRef, kind: KindRef },
    RosterRejected { problems: Vec<RowProblem> },
    /// A list of records was refused whole because of one row.
    RowRejected { row: usize, problem: Box<Kind> },
    /// An import was refused whole: each row the engine would refuse, with why.
    RowsRejected { rows: Vec<RefusedRow> },
    /// A row of an import names the same record as an earlier row (`row`), with
    /// other content: which one is meant is not for the engine to guess.
    ConflictsWithRow { row: usize },
    /// A row gives a member's id and a name that is not the member's.
    NameMismatch { member: MemberRef, given: String },
    /// A unit of an import whose parent is another row of it (`row`) that could not be
    /// added: refused itself, or its parents lead back to it.
    ParentRowNotAdded { parent: UnitId, row: usize },
    /// Findings are recorded only under the name of an exclusion rule.
    NotAnExclusion { given: String, known: Vec<RuleRef> },

    // ---- roles --------------------------------------------------------------------------
    UnknownRole { given: String, known: Vec<RoleRef> },
    MayNotOpen { role: RoleRef, openers: Vec<RoleRef> },
    MayNotAct { role: RoleRef, step: StepRef, allowed: Vec<RoleRef> },

    // ---- a branch's quarter -----------------------------------------------------------
    NoRoster { branch: UnitRef },
    LaterQuarterOpened { branch: UnitRef, later: Quarter, asked: Quarter },
    QuarterUnfinished { branch: UnitRef, quarter: Quarter },
    NoQuarter { branch: UnitRef },
    QuarterNotOpened { branch: UnitRef, quarter: Quarter, opened: Vec<Quarter> },
    QuarterFinished { branch: UnitRef, quarter: Quarter },
    /// `advance` was not told which state it is to leave, so a repeat could take one
    /// step more: `now` is where the quarter stands.
    AdvanceUnnamed { branch: UnitRef, now: StateRef },
    /// No state or step of the quarter's workflow goes by this name.
    NoSuchState { given: String, states: Vec<StateRef> },
    /// More than one state goes by this name.
    AmbiguousState { given: String, matches: Vec<StateRef> },
    /// The quarter is not in the state the command expects to leave, and never left it.
    NotInState { branch: UnitRef, expected: StateRef, now: StateRef },
    /// The quarter's state does not take this kind of record.
    NotAcceptedNow { branch: UnitRef, state: StateRef, record: RecordKind, accepted_in: Vec<StateRef> },
    OutsideQuarter { what: Dated, date: NaiveDate, quarter: Quarter },
    /// The presenter rule does not let the member present.
    MayNotPresent { member: MemberRef, rule: Box<Decision<bool>> },
    /// Guards of the step do not hold; each with the values that decided it.
    Blocked { step: StepRef, failed: Vec<Decision<bool>> },
    /// The ballot is fixed: the quarter's rule set can no longer change.
    BallotFixed { branch: UnitRef, quarter: Quarter },
    /// The branch has not reported its special meeting yet.
    MeetingNotReported { branch: UnitRef },
    /// Only the role of the level the branch reports to may do this.
    NotTheSuperior { branch: UnitRef, needed: RoleRef, acting: String },

    // ---- ballots ------------------------------------------------------------------------
    NoOpenRound,
    /// A round takes one method only.
    OtherMethod { round: i64, used: BallotMethod },
    NotOnBallot { member: MemberRef, round: i64, candidates: Vec<MemberRef> },
    ChosenTwice { given: String },
    TotalsRejected { problems: Vec<TotalsProblem> },
    /// A voting code that is not a code's shape: its length or characters.
    CodeMalformed { length: usize, expected: usize },
    /// No code of the branch's quarter is this one.
    CodeUnknown,
    /// The code has voted already.
    CodeUsed { round: i64 },
    /// The code was voided (codes issued again in its place).
    CodeVoided { round: i64 },
    /// The round's electronic voting is closed (or the round is counted).
    VotingClosed { round: i64 },
    /// Voting is held again only once it is closed.
    VotingStillOpen { round: i64, issued: i64, cast: i64 },
    /// The round's codes were issued already: issue again only with reissue.
    CodesAlreadyIssued { round: i64, issued: i64, cast: i64 },
    /// Every code of the round has voted: nothing to issue again.
    AllCodesUsed { round: i64, issued: i64 },
    /// No voting codes were issued for the round.
    NoCodesIssued { round: i64 },
    /// No member with a vote is present: no codes to issue.
    NoVotersPresent { round: i64 },
    /// The round's electronic voting is still open: the tally waits until it is closed
    /// or every code has voted.
    VotingOpen { round: i64, cast: i64, issued: i64 },

    // ---- the chain --------------------------------------------------------------------
    /// The unit's kind has no level in the chain.
    NotInChain { unit: UnitRef },
    NoSuchStep { unit: UnitRef, level: LevelRef, step: ChainStep, steps: Vec<String> },
    LevelRole { unit: UnitRef, act: LevelAct, needed: RoleRef, acting: String },
    AlreadyForwarded { unit: UnitRef, quarter: Quarter, on: NaiveDate, to: UnitRef },
    /// A step before this one is not done.
    StepBefore { step: String, before: StepState },
    AlreadyFiled { unit: UnitRef, quarter: Quarter },
    NothingToPublish { unit: UnitRef, quarter: Quarter },
    AlreadyPublished { on: NaiveDate, until: NaiveDate },
    NotPublished { star: MemberRef },
    WindowClosed { until: NaiveDate },
    ObjectionPending { star: MemberRef },
    NoObjection { star: MemberRef },
    NotInPlay { star: MemberRef, standing: Standing },
    NotRecommended { star: MemberRef, from: UnitRef },
    AlreadyPicked { star: MemberRef },
    NotPicked { star: MemberRef },
    /// A reason for picking fewer was given, but the picks meet what the rules expect.
    NoPickReasonNotWanted { unit: UnitRef },
    /// The pick would break an upper bound of a pick rule.
    OverBound { star: MemberRef, check: Box<PickCheck> },
    /// A level's own star needs no return.
    OwnStar { star: MemberRef },
    /// A star from another instance is returned by telling that instance.
    ReturnNeedsToken { star: MemberRef, to: String },
    NotOurSuperior { given: String },
    NothingSent { unit: UnitRef, why: Waiting },
    NotReturned { star: MemberRef },
    /// The top level has no one to report to.
    TopLevel { level: LevelRef },
    /// The level's results go up through its quarter's workflow, not a chain step.
    ReportsByQuarter { level: LevelRef },
    NoReceive { level: LevelRef, unit: UnitRef },
    StarNotHeld { given: String, unit: UnitRef, quarter: Quarter, held: Vec<MemberRef> },
    AmbiguousStar { given: String, keys: Vec<String> },
    /// A record whose content no longer matches its hash: changed on the way.
    Tampered { star: MemberRef, key: String, from: String },
    WrongQuarter { got: Quarter, expected: Quarter },
    /// A record from another instance whose hash holds but whose content cannot be
    /// true (a forged record sealed with a sniffed credential): refused with the
    /// whole page.
    Implausible { star: MemberRef, key: String, unit: Option<UnitRef>, from: String, check: RecordCheck },

    // ---- credentials ----------------------------------------------------------------
    NoSuchToken { id: String },
    TokenUnit { given: String, known: Vec<String> },

    // ---- web accounts -------------------------------------------------------------------
    LoginTaken { login: String },
    NoSuchAccount { login: String },
    /// The unit is of a kind (`kind`) the role does not act for; `kinds` are those it
    /// does (from the workflow files), empty for a role acting outside the tree.
    AccountUnit { role: RoleRef, unit: UnitRef, kind: KindRef, kinds: Vec<KindRef> },
    /// The role acts for one member of the unit, and none was named.
    AccountNeedsMember { role: RoleRef, unit: UnitRef },
    PasswordTooShort { chars: usize, min: usize },
    /// The password could not be hashed.
    PasswordHash { reason: String },

    // ---- text users give (`crate::text`) ----------------------------------------------
    /// Text refused by the one check of text: the field, the start of what was given
    /// (it may hold the refused character) and what is wrong.
    BadText { field: Text, given: String, problem: TextProblem },

    // ---- the working-day calendar ---------------------------------------------------
    /// A window of working days reaches a year the calendar file does not cover.
    CalendarNotCovered {
        #[serde(flatten)]
        missing: crate::workflow::NotCovered,
    },

    // ---- findings, standings, deed dates --------------------------------------------------
    /// The exclusion rule named does not read findings (it reads `reads`, member
    /// fields); `taking` are the rules that do.
    FindingNotRead { rule: RuleRef, reads: Vec<String>, taking: Vec<RuleRef> },
    /// The rule reads findings, but this one would never make it fire; with the parts
    /// listed set it would.
    FindingNeverCounts { rule: RuleRef, would_count_with: Vec<crate::rules::FindingPart> },
    /// No finding of the member under that clause and date; `recorded` are theirs.
    NoSuchFinding { member: MemberRef, clause: String, date: NaiveDate, recorded: Vec<(String, NaiveDate)> },
    /// The finding was closed already, on `on` (as `how`); a different close is refused.
    FindingClosedAlready { member: MemberRef, clause: String, date: NaiveDate, on: NaiveDate, how: String },
    /// A finding cannot be closed before the day it was made.
    ClosedBeforeFound { member: MemberRef, clause: String, date: NaiveDate, on: NaiveDate },
    /// A dated record that ends before it starts.
    EndsBeforeStart { from: NaiveDate, until: NaiveDate },
    /// A deed dated outside the days it may fall on: the quarter, up to the day it is
    /// registered (`from` to `to`).
    DeedDateOutOfRange { member: MemberRef, date: NaiveDate, from: NaiveDate, to: NaiveDate, after_today: bool },
    /// The member has no deed of that number on the certificate: `numbers` are those
    /// they have; `withdrawn` when that one was withdrawn.
    NoSuchDeed { member: MemberRef, number: u32, numbers: Vec<u32>, withdrawn: bool },
    // ---- a roster over time -------------------------------------------------------------
    /// The member is off the branch's roster now: transferred out or removed on `on`.
    /// `label` is the label the rules give the reason of a removal.
    LeftRoster { member: MemberRef, branch: UnitRef, on: NaiveDate, departure: Departure, label: Option<String> },
    /// A change dated before the member's current stay on the roster began.
    BeforeJoining { member: MemberRef, branch: UnitRef, on: NaiveDate, since: NaiveDate },
    /// A transfer to the branch the member is on already.
    SameBranch { member: MemberRef, branch: UnitRef },
    /// A dated change that names no field to change.
    NoChangeGiven,
    // ---- the notice's form, reports over quarters ----------------------------------
    /// The unit does not report its branches' results for filing, so it has no
    /// registration form (the notice's annex); `reporting` are the kinds of unit that
    /// do (`Escalation::reports_for_filing`).
    NotAReportingUnit { unit: UnitRef, kind: KindRef, reporting: Vec<KindRef> },
    /// A range of quarters that ends before it starts.
    QuarterRange { from: Quarter, to: Quarter },
    /// A year outside those a quarter may name (`Quarter::YEARS`).
    YearOutOfRange { year: i32, first: i32, last: i32 },
    /// The member was not on the branch's roster on the day a quarter reads it (the
    /// meeting date, or today until one is reported): joined later, or left before.
    NotOnRosterOn { member: MemberRef, branch: UnitRef, day: NaiveDate },
    // ---- organizational life and mobile members ----------------------------------------
    /// One import gives two kinds for the same session (a branch's session on a date).
    SessionKindTwice { branch: UnitRef, date: NaiveDate, first: String, second: String },
    /// An away period that ends before it starts.
    AwayEndsBeforeStart { member: MemberRef, from: NaiveDate, to: NaiveDate },
    /// A return recorded on a day the member is not recorded as away.
    NotAway { member: MemberRef, on: NaiveDate },
}

/// `given` as it is recorded for `field`, or the refusal naming the field, the start
/// of what was given and what is wrong (see [`crate::text::clean`]).
pub fn text(field: Text, given: &str) -> Result<String> {
    crate::text::clean(field, given).map_err(|problem| match problem {
        TextProblem::Blank => Kind::Empty { what: field }.into(),
        problem => Kind::BadText { field, given: crate::text::excerpt(given), problem }.into(),
    })
}

/// What to do next, as the engine knows it; the edge shows a command, a link or a
/// button for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "hint", rename_all = "snake_case")]
pub enum Hint {
    /// Check and correct the rule and workflow files.
    CheckDefinitions,
    /// Restore the store from a backup.
    RestoreBackup,
    /// See the units of the tree.
    ListUnits,
    /// Add the missing parent unit first.
    AddParent { id: String },
    ListMembers { branch: UnitId },
    /// Name the member by id instead of by name.
    UseMemberId,
    ImportRoster { branch: UnitId },
    OpenQuarter { branch: UnitId },
    /// See where a branch's quarter stands.
    Status { branch: UnitId },
    /// Ask for quarters by `--quarter`-style selection.
    ChooseQuarter { opened: Vec<Quarter> },
    Advance { branch: UnitId },
    /// Take the step leaving `from`, naming it.
    AdvanceFrom { branch: UnitId, from: String },
    /// See the ledger of a finished quarter.
    Ledger { branch: UnitId },
    RecordAttendance { branch: UnitId },
    Explain { member: MemberId },
    /// Act in this role.
    ActAs { role: RoleRef },
    /// New rules apply to quarters opened from now on.
    NextQuarter,
    /// See the chain status of a level.
    ChainStatus { unit: UnitId, quarter: Quarter },
    Pull { unit: UnitId, quarter: Quarter },
    Decide { unit: UnitId, quarter: Quarter },
    WithdrawPick { unit: UnitId, quarter: Quarter },
    /// Return a star from another instance with that instance's credential.
    ReturnWithToken,
    /// The level above returns it first, then it is corrected and sent again.
    AwaitReturn,
    /// Wait until the objection window closes.
    WaitForWindow { until: NaiveDate },
    /// A complaint outside the window goes through the petition procedure.
    Petition,
    ListTokens,
    /// See the accounts of the web workspace.
    ListAccounts,
    /// Ask the sending instance to check and send again.
    AskSender { from: String },
    /// An administrator changes a rule in `rules/`.
    ChangeRule { rule: String },
    /// Count the paper ballots again.
    Recount,
    /// The round's ballots are too few to count: record the missing ballots, or hold
    /// the round again (paper) and enter its count.
    HoldRoundAgain { branch: UnitId },
    /// Issue the round's voting codes.
    IssueCodes { branch: UnitId },
    /// Void the unused codes and issue new ones in their place.
    ReissueCodes { branch: UnitId },
    /// Close the round's electronic voting.
    CloseVoting { branch: UnitId },
    /// Hold the round's closed voting again, with new codes.
    HoldVotingAgain { branch: UnitId },
    /// See how many codes have voted.
    VotingProgress { branch: UnitId },
    /// Ask the secretary for the code as printed.
    CheckCode,
    /// Move the member to this branch with a dated transfer (组织关系转接).
    TransferMember { member: MemberId, to: UnitId },
    /// See the member's certificate, with the number of each deed.
    Certificate { member: MemberId },
    /// The registration form of `unit`, the reporting unit above the one asked for.
    RegistrationForm { unit: UnitId, quarter: Quarter },
    /// Every reporting unit's registration form, for the Organization Department.
    RegistrationRollUp { quarter: Quarter },
    /// Ask for the quarters from `from` to `to`.
    QuarterRange { from: Quarter, to: Quarter },
    /// Find the member's id on their branch's roster.
    FindMember,
}
