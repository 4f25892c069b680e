//! [`Shine`]: the operations a branch and its superiors perform, each checked against
//! the workflow and the rules, each written to the store as one atomic set of events.
//!
//! Every quarter runs under the rule set and workflow it was opened with; they are
//! kept in the store by content hash, so editing `rules/` changes only quarters
//! opened afterwards, unless the administrator adopts the new set for an open quarter.

use crate::error::{invalid, not_now, Result, ShineError};
use crate::event::{Action, Actor};
use crate::facts::{BranchFacts, Deed, Finding, LifeRecord, MeetingFacts, MemberFacts, QuarterFacts};
use crate::org::{MemberRecord, OrgTree, Roster, Unit, UnitKind};
use crate::quarter::{quarter_dates, QuarterState, Round};
use crate::rules::{Decision, MemberJudgement, RuleKind, RuleSet, Scope, SourceFile, Standing};
use crate::store::{to_bytes, Store, Writes};
use crate::tally::{select, Contender, Selection};
use crate::workflow::{Effect, Escalation, Next, RecordKind, Step, Workflow};
use chrono::NaiveDate;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// The rule files, the quarter workflow file and the escalation file as they are
/// now on disk (or embedded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definitions {
    pub rules: Vec<SourceFile>,
    pub workflow: SourceFile,
    pub escalation: SourceFile,
}

/// The definitions, checked and compiled.
#[derive(Debug, Clone)]
pub struct Checked {
    pub rules: Arc<RuleSet>,
    pub workflow: Arc<Workflow>,
    pub escalation: Arc<Escalation>,
}

impl Definitions {
    /// Parse and check all three; the workflow's guards must name rules of this rule
    /// set, and the escalation's steps and the rule set's picks must name each other.
    pub fn check(&self) -> Result<Checked> {
        let rules = RuleSet::load(self.rules.clone())?;
        let workflow = Workflow::load(&self.workflow.name, &self.workflow.text)?;
        let escalation = Escalation::load(&self.escalation.name, &self.escalation.text)?;
        workflow.check_guards(&|name| guard_decision_exists(&rules, name))?;
        check_escalation(&rules, &escalation)?;
        Ok(Checked { rules: Arc::new(rules), workflow: Arc::new(workflow), escalation: Arc::new(escalation) })
    }
}

/// The escalation chain and the rule set against each other: every rule a step names
/// exists and is of the step's kind, and every `pick … by L` names a level `L` whose
/// `Pick` step lists it.
pub fn check_escalation(rules: &RuleSet, escalation: &Escalation) -> Result<()> {
    escalation.check_rules(&|name| rules.rule(name).map(|r| r.kind))?;
    let levels: Vec<&str> = escalation.levels.iter().map(|l| l.id.as_str()).collect();
    let listed = |level: &str, rule: &str| {
        escalation.level(level).and_then(|l| l.step(crate::workflow::Action::Pick)).is_some_and(|step| step.rules.iter().any(|r| r == rule))
    };
    rules.check_pick_levels(&escalation.file_name, &levels, &listed)?;
    Ok(())
}

/// A handle on one store, with the definitions currently in `rules/` and `workflows/`.
pub struct Shine {
    store: Store,
    current: Option<(Definitions, Checked)>,
    rule_cache: Mutex<HashMap<String, Arc<RuleSet>>>,
    workflow_cache: Mutex<HashMap<String, Arc<Workflow>>>,
    folds: FoldCache,
}

/// Rosters and quarters folded from their logs, kept while the log has not grown.
/// (The store's logs only ever grow, and only through this process.)
#[derive(Default)]
struct FoldCache {
    orgs: Mutex<HashMap<String, (usize, Arc<OrgTree>)>>,
    rosters: Mutex<HashMap<String, (usize, Arc<Roster>)>>,
    quarters: Mutex<HashMap<String, (usize, Arc<QuarterState>)>>,
    /// Facts per quarter scope, with the roster and quarter they were built from.
    #[allow(clippy::type_complexity)]
    facts: Mutex<HashMap<String, (Arc<Roster>, Arc<QuarterState>, NaiveDate, Arc<FactSet>)>>,
}

/// A state folded from a log, one event at a time.
trait Folded: Clone + Default {
    fn slot(cache: &FoldCache) -> &Mutex<HashMap<String, (usize, Arc<Self>)>>;
    fn apply_event(&mut self, event: &crate::event::Event);
}

impl Folded for OrgTree {
    fn slot(cache: &FoldCache) -> &Mutex<HashMap<String, (usize, Arc<Self>)>> {
        &cache.orgs
    }
    fn apply_event(&mut self, event: &crate::event::Event) {
        self.apply(event);
    }
}

impl Folded for Roster {
    fn slot(cache: &FoldCache) -> &Mutex<HashMap<String, (usize, Arc<Self>)>> {
        &cache.rosters
    }
    fn apply_event(&mut self, event: &crate::event::Event) {
        self.apply(event);
    }
}

impl Folded for QuarterState {
    fn slot(cache: &FoldCache) -> &Mutex<HashMap<String, (usize, Arc<Self>)>> {
        &cache.quarters
    }
    fn apply_event(&mut self, event: &crate::event::Event) {
        for action in &event.actions {
            self.apply(action);
        }
    }
}

impl FoldCache {
    /// The state folded from `events`: the cached one when the log has not grown,
    /// else the cached one with the new events applied (in place when nobody else
    /// holds it, as is the case between two commands).
    fn get<T: Folded>(&self, scope: &str, events: &[crate::event::Event]) -> Arc<T> {
        let mut map = T::slot(self).lock().unwrap_or_else(|e| e.into_inner());
        let (n, mut state) = map.remove(scope).unwrap_or_default();
        if n > events.len() {
            state = Arc::default();
        }
        let from = if n > events.len() { 0 } else { n };
        if from < events.len() {
            let s = Arc::make_mut(&mut state);
            for event in &events[from..] {
                s.apply_event(event);
            }
        }
        map.insert(scope.to_owned(), (events.len(), state.clone()));
        state
    }
}

/// A branch's quarter with what is needed to act on it.
struct Ctx {
    unit: Unit,
    roster: Arc<Roster>,
    q: Arc<QuarterState>,
    scope: String,
    rules: Arc<RuleSet>,
    workflow: Arc<Workflow>,
}

/// The facts of a branch's quarter, ready to hand to the rules.
pub struct FactSet {
    pub branch: BranchFacts,
    pub meeting: MeetingFacts,
    pub quarter: QuarterFacts,
    /// The quota and each member's standing (in roster order), computed once.
    standings: std::sync::OnceLock<(i64, Vec<Standing>)>,
}

impl FactSet {
    pub fn scope(&self) -> Scope<'_> {
        Scope { branch: &self.branch, meeting: &self.meeting, quarter: &self.quarter }
    }

    /// The quota and every member's standing under `rules`: exclusions by the fast
    /// path, the rest without witnesses.
    fn standings(&self, rules: &RuleSet) -> &(i64, Vec<Standing>) {
        self.standings.get_or_init(|| {
            let scope = self.scope();
            let quota = rules.quota(scope).value;
            let prepared = rules.prepare(scope);
            let list = self.branch.members.iter().map(|m| rules.standing(scope, quota, m, prepared.is_excluded(m))).collect();
            (quota, list)
        })
    }

    fn standing_of(&self, rules: &RuleSet, member: &str) -> Option<Standing> {
        let i = self.branch.members.iter().position(|m| m.id == member)?;
        self.standings(rules).1.get(i).copied()
    }
}

/// A member's record in the quarter, as `record` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Deed { member: String, deed: Deed },
    DeedExcuse { member: String, reason: String },
    Attendance { member: String, status: String },
    Presentation { member: String },
    Comment { member: String, text: String },
}

impl Record {
    pub fn member(&self) -> &str {
        match self {
            Record::Deed { member, .. }
            | Record::DeedExcuse { member, .. }
            | Record::Attendance { member, .. }
            | Record::Presentation { member }
            | Record::Comment { member, .. } => member,
        }
    }

    fn kind(&self) -> RecordKind {
        match self {
            Record::Deed { .. } => RecordKind::Deed,
            Record::DeedExcuse { .. } => RecordKind::DeedExcuse,
            Record::Attendance { .. } => RecordKind::Attendance,
            Record::Presentation { .. } => RecordKind::Presentation,
            Record::Comment { .. } => RecordKind::Comment,
        }
    }
}

/// An electronic ballot: the voter (for the "has voted" record) and the choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    pub member: String,
    pub choices: Vec<String>,
}

/// What `advance` did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Advanced {
    pub step: String,
    pub step_title: String,
    pub from: String,
    pub to: String,
    pub to_title: String,
    pub guards: Vec<Decision<bool>>,
    pub selection: Option<Selection>,
    pub stars: Vec<String>,
    pub reported_to: Option<String>,
}

/// Where a branch's quarter stands.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {
    pub branch: Unit,
    pub quarter: String,
    pub rules: String,
    pub state: String,
    pub state_title: String,
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
    pub reported_to: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NextStep {
    pub id: String,
    pub title: String,
    pub clause: String,
    /// The titles of the roles that may take the step.
    pub roles: Vec<String>,
    pub accepts: Vec<RecordKind>,
    pub guards: Vec<Decision<bool>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoundStatus {
    pub round: i64,
    pub seats: i64,
    pub candidates: Vec<MemberRef>,
    pub ballots: i64,
    pub paper: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRef {
    pub id: String,
    pub name: String,
}

/// Why a member was or was not selected.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Explanation {
    pub member: MemberRecord,
    pub path: Vec<String>,
    pub quarter: String,
    pub state: String,
    pub rules: String,
    pub judgement: MemberJudgement,
    pub quota: Decision<i64>,
    pub cap: Option<Decision<i64>>,
    /// Per tallied round: the member's place and outcome, if they were on the ballot.
    pub rounds: Vec<RoundOutcome>,
    pub star: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoundOutcome {
    pub round: i64,
    pub seats: i64,
    pub ranked: Option<crate::tally::Ranked>,
}

/// The result of a quarter: the ledger entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ledger {
    pub branch: Unit,
    pub quarter: String,
    pub state: String,
    pub rules: String,
    pub members: usize,
    pub quota: Decision<i64>,
    pub excluded: Vec<(MemberRef, Vec<Decision<bool>>)>,
    pub rounds: Vec<Round>,
    pub stars: Vec<MemberRef>,
    pub reported_to: Option<String>,
    pub names: BTreeMap<String, String>,
}

/// A decision that would change if a new rule set were adopted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Change {
    pub subject: String,
    pub what: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Adoption {
    pub from: String,
    pub to: String,
    pub changes: Vec<Change>,
    pub applied: bool,
}

fn quarter_scope(branch: &str, quarter: &str) -> String {
    format!("quarter/{branch}/{quarter}")
}

fn branch_scope(branch: &str) -> String {
    format!("branch/{branch}")
}

impl Shine {
    pub fn new(store: Store) -> Shine {
        Shine {
            store,
            current: None,
            rule_cache: Mutex::new(HashMap::new()),
            workflow_cache: Mutex::new(HashMap::new()),
            folds: FoldCache::default(),
        }
    }

    /// Attach the definitions now in `rules/` and `workflows/`; they are checked first.
    pub fn with_definitions(mut self, defs: Definitions) -> Result<Shine> {
        let checked = defs.check()?;
        self.cache_rules(checked.rules.clone());
        self.current = Some((defs, checked));
        Ok(self)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    fn current(&self) -> Result<&(Definitions, Checked)> {
        self.current.as_ref().ok_or_else(|| {
            invalid("当前规则或流程文件未能载入", "运行 `shine rules check` 和 `shine workflow check` 查看错误位置并改正")
        })
    }

    /// Whether current definitions are attached (they are unless `rules/` is broken).
    pub fn has_definitions(&self) -> bool {
        self.current.is_some()
    }

    /// The definitions currently in `rules/` and `workflows/`, checked.
    pub(crate) fn current_checked(&self) -> Result<&Checked> {
        Ok(&self.current()?.1)
    }

    /// The rule set currently in `rules/`.
    pub fn current_rules(&self) -> Result<Arc<RuleSet>> {
        Ok(self.current()?.1.rules.clone())
    }

    fn cache_rules(&self, rules: Arc<RuleSet>) {
        if let Ok(mut cache) = self.rule_cache.lock() {
            cache.insert(rules.hash().to_owned(), rules);
        }
    }

    /// The rule set with this hash, from the store.
    pub fn rules_by_hash(&self, hash: &str) -> Result<Arc<RuleSet>> {
        if let Some(r) = self.rule_cache.lock().ok().and_then(|c| c.get(hash).cloned()) {
            return Ok(r);
        }
        let files: Vec<SourceFile> = self.store.get(&format!("r/{hash}"))?.ok_or_else(|| ShineError::NotFound {
            kind: "规则集",
            id: hash.to_owned(),
            help: "存储中缺少该季度的规则集，存储可能已损坏".into(),
        })?;
        let rules = Arc::new(RuleSet::load(files)?);
        self.cache_rules(rules.clone());
        Ok(rules)
    }

    fn workflow_by_hash(&self, hash: &str) -> Result<Arc<Workflow>> {
        if let Some(w) = self.workflow_cache.lock().ok().and_then(|c| c.get(hash).cloned()) {
            return Ok(w);
        }
        let file: SourceFile = self.store.get(&format!("w/{hash}"))?.ok_or_else(|| ShineError::NotFound {
            kind: "流程",
            id: hash.to_owned(),
            help: "存储中缺少该季度的流程文件，存储可能已损坏".into(),
        })?;
        let workflow = Arc::new(Workflow::load(&file.name, &file.text)?);
        if let Ok(mut cache) = self.workflow_cache.lock() {
            cache.insert(hash.to_owned(), workflow.clone());
        }
        Ok(workflow)
    }

    // ---- organization -------------------------------------------------------------

    pub fn org(&self) -> Result<Arc<OrgTree>> {
        let events = self.store.events("org")?;
        Ok(self.folds.get("org", &events))
    }

    pub fn add_unit(&self, actor: &Actor, unit: Unit) -> Result<Unit> {
        let tree = self.org()?;
        check_id(&unit.id, "组织编号")?;
        if unit.name.trim().is_empty() {
            return Err(invalid("组织名称不能为空", "用 `--name` 给出组织的全称"));
        }
        if let Some(existing) = tree.unit(&unit.id) {
            if existing == &unit {
                return Ok(unit); // repeating a command is safe
            }
            return Err(invalid(
                format!("组织编号 `{}` 已被「{}」使用", unit.id, existing.name),
                "换一个编号",
            ));
        }
        match (&unit.parent, unit.kind) {
            (None, UnitKind::Committee) => {
                if let Some(root) = tree.root() {
                    return Err(invalid(
                        format!("已有校党委「{}」（`{}`）", root.name, root.id),
                        "一个存储只对应一个学校党委",
                    ));
                }
            }
            (None, kind) => {
                return Err(invalid(
                    format!("`{}` 缺少上级组织", unit.id),
                    format!("用 `--parent` 指定上级；{} 的上级应为 {:?}", kind_label(kind), kind.allowed_parents()),
                ))
            }
            (Some(parent), kind) => {
                let p = tree.unit(parent).ok_or_else(|| ShineError::NotFound {
                    kind: "上级组织",
                    id: parent.clone(),
                    help: "先用 `shine org add` 建立上级组织，`shine org list` 查看现有组织".into(),
                })?;
                if !kind.allowed_parents().contains(&p.kind) {
                    return Err(invalid(
                        format!("{}不能隶属于{}「{}」", kind_label(kind), kind_label(p.kind), p.name),
                        "党总支和直属党支部隶属于校党委，党支部隶属于党总支",
                    ));
                }
            }
        }
        let mut w = Writes::default();
        self.store.stage(&mut w, "org", actor, None, vec![Action::UnitAdded { unit: unit.clone() }])?;
        self.store.commit(w)?;
        Ok(unit)
    }

    fn branch_unit(&self, tree: &OrgTree, id: &str) -> Result<Unit> {
        let unit = tree.unit(id).ok_or_else(|| ShineError::NotFound {
            kind: "党支部",
            id: id.to_owned(),
            help: "用 `shine org list` 查看现有组织".into(),
        })?;
        if !unit.kind.runs_quarters() {
            return Err(invalid(
                format!("「{}」是{}，不直接开展评选", unit.name, kind_label(unit.kind)),
                "请指定其下的党支部",
            ));
        }
        Ok(unit.clone())
    }

    pub fn roster(&self, branch: &str) -> Result<Arc<Roster>> {
        let scope = branch_scope(branch);
        let events = self.store.events(&scope)?;
        Ok(self.folds.get(&scope, &events))
    }

    /// Import members into a branch. Identities and roles must be variants of the
    /// enums the current rules declare for `member.identity` and `member.role`.
    pub fn import_members(&self, actor: &Actor, branch: &str, mut members: Vec<MemberRecord>) -> Result<usize> {
        let tree = self.org()?;
        let unit = self.branch_unit(&tree, branch)?;
        let rules = self.current_rules()?;
        let mut seen = std::collections::HashSet::new();
        let mut problems = Vec::new();
        for (i, m) in members.iter_mut().enumerate() {
            let row = i + 1;
            if let Err(e) = check_id(&m.id, "党员编号") {
                problems.push(format!("第 {row} 条：{e}"));
            }
            if m.name.trim().is_empty() {
                problems.push(format!("第 {row} 条：姓名为空"));
            }
            if !seen.insert(m.id.clone()) {
                problems.push(format!("第 {row} 条：党员编号 `{}` 重复", m.id));
            }
            match check_enum(&rules, "member", "identity", &m.identity) {
                Ok(v) => m.identity = v,
                Err(e) => problems.push(format!("第 {row} 条（{}）：{e}", m.name)),
            }
            match check_enum(&rules, "member", "role", &m.role) {
                Ok(v) => m.role = v,
                Err(e) => problems.push(format!("第 {row} 条（{}）：{e}", m.name)),
            }
            if let Some(other) = self.member_branch(&m.id)? {
                if other != unit.id {
                    problems.push(format!("第 {row} 条：党员编号 `{}` 已在支部 `{other}` 中", m.id));
                }
            }
        }
        if !problems.is_empty() {
            return Err(invalid(
                format!("名单有 {} 处问题，未导入任何党员：\n  {}", problems.len(), problems.join("\n  ")),
                "改正名单后重新导入；导入是整体进行的，重复导入同一名单是安全的",
            ));
        }
        let mut w = Writes::default();
        for m in &members {
            self.store.stage_raw(&mut w, format!("i/m/{}", m.id).into_bytes(), to_bytes(&unit.id));
        }
        let n = members.len();
        self.store.stage(&mut w, &branch_scope(&unit.id), actor, Some(rules.hash()), vec![Action::MembersImported {
            branch: unit.id.clone(),
            members,
        }])?;
        self.store.commit(w)?;
        Ok(n)
    }

    /// Which branch a member id belongs to.
    pub fn member_branch(&self, member: &str) -> Result<Option<String>> {
        self.store.get(&format!("i/m/{member}")).map_err(Into::into)
    }

    /// Find a member by id, or by name when the name is unique.
    pub fn find_member(&self, query: &str) -> Result<(String, MemberRecord)> {
        if let Some(branch) = self.member_branch(query)? {
            if let Some(m) = self.roster(&branch)?.member(query) {
                return Ok((branch, m.clone()));
            }
        }
        let tree = self.org()?;
        let mut found = Vec::new();
        for unit in tree.branches() {
            for m in &self.roster(&unit.id)?.members {
                if m.name == query {
                    found.push((unit.id.clone(), m.clone()));
                }
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(ShineError::NotFound {
                kind: "党员",
                id: query.to_owned(),
                help: "用党员编号或姓名查找；`shine members --branch <支部>` 列出支部党员".into(),
            }),
            _ => Err(invalid(
                format!("有 {} 名党员叫「{query}」", found.len()),
                format!(
                    "请改用党员编号：{}",
                    found.iter().map(|(b, m)| format!("`{}`（{b}）", m.id)).collect::<Vec<_>>().join("、")
                ),
            )),
        }
    }

    /// Record organizational-life attendance (member, record, note), all or none (one
    /// record or a whole import). A record the member already has is not recorded
    /// again, so importing the same file twice changes nothing; a record for a date
    /// already recorded corrects it. Returns how many records were new.
    pub fn record_life(&self, actor: &Actor, records: Vec<(String, LifeRecord, String)>) -> Result<usize> {
        let rules = self.current_rules()?;
        let mut by_branch: BTreeMap<String, Vec<Action>> = BTreeMap::new();
        let n = records.len();
        let mut ids: HashMap<String, (String, String)> = HashMap::new();
        for (i, (query, mut record, note)) in records.into_iter().enumerate() {
            let row = |e: ShineError| if n > 1 { invalid(format!("第 {} 条：{e}", i + 1), "改正后重新导入；未记录任何一条") } else { e };
            let (branch, member) = match ids.get(&query) {
                Some(found) => found.clone(),
                None => {
                    let (b, m) = self.find_member(&query).map_err(row)?;
                    ids.insert(query.clone(), (b.clone(), m.id.clone()));
                    (b, m.id)
                }
            };
            record.status = check_enum(&rules, "life", "status", &record.status).map_err(row)?.into();
            let known = self.roster(&branch)?.life.get(&member).is_some_and(|l| l.contains(&record));
            let actions = by_branch.entry(branch).or_default();
            let repeated = actions.iter().any(|a| matches!(a, Action::LifeRecorded { member: m, record: r, .. } if *m == member && *r == record));
            if !known && !repeated {
                actions.push(Action::LifeRecorded { member, record, note });
            }
        }
        let mut w = Writes::default();
        let mut new = 0;
        for (branch, actions) in by_branch.into_iter().filter(|(_, a)| !a.is_empty()) {
            new += actions.len();
            self.store.stage(&mut w, &branch_scope(&branch), actor, Some(rules.hash()), actions)?;
        }
        if new > 0 {
            self.store.commit(w)?;
        }
        Ok(new)
    }

    /// The members who may vote in a branch's quarter now, as the voter rule decides.
    pub fn voters(&self, branch: &str, today: NaiveDate) -> Result<Vec<String>> {
        let ctx = self.ctx(branch, None)?;
        let facts = self.facts(&ctx, today);
        let (_, standings) = facts.standings(&ctx.rules);
        Ok(facts.branch.members.iter().zip(standings).filter(|(_, s)| s.voter).map(|(m, _)| m.id.clone()).collect())
    }

    /// Record a conduct finding; its clause must name an exclusion rule in force.
    pub fn record_finding(&self, actor: &Actor, member: &str, finding: Finding) -> Result<()> {
        let (branch, record) = self.find_member(member)?;
        let rules = self.current_rules()?;
        if !rules.exclusions().iter().any(|r| r.name == finding.clause) {
            let names: Vec<_> = rules.exclusions().iter().map(|r| format!("{}（{}）", r.name, r.clause)).collect();
            return Err(invalid(
                format!("`{}` 不是现行规则中的不能评选情形", finding.clause),
                format!("可用的情形：{}", names.join("、")),
            ));
        }
        if finding.evidence.trim().is_empty() {
            return Err(invalid("违规情形必须附有依据", "用 `--evidence` 写明事实和材料来源"));
        }
        if self.roster(&branch)?.findings.get(&record.id).is_some_and(|f| f.contains(&finding)) {
            return Ok(()); // recorded already: repeating the command changes nothing
        }
        let mut w = Writes::default();
        self.store.stage(&mut w, &branch_scope(&branch), actor, Some(rules.hash()), vec![Action::FindingRecorded {
            member: record.id,
            finding,
        }])?;
        self.store.commit(w)?;
        Ok(())
    }

    // ---- quarters -----------------------------------------------------------------

    /// The quarters a branch has opened, oldest first.
    pub fn quarters(&self, branch: &str) -> Result<Vec<String>> {
        // `q/<branch>/<quarter>` is written with the event that opens the quarter.
        let mut quarters: Vec<String> = self.store.values(&format!("q/{branch}/"))?;
        quarters.sort();
        Ok(quarters)
    }

    /// Open a quarter for a branch under the current rules and workflow.
    pub fn open_quarter(&self, actor: &Actor, branch: &str, quarter: &str) -> Result<Status> {
        let (defs, checked) = self.current()?;
        let tree = self.org()?;
        let unit = self.branch_unit(&tree, branch)?;
        let (quarter, start, end) = quarter_dates(quarter).ok_or_else(|| {
            invalid(format!("`{quarter}` 不是有效的季度"), "季度写作 `2026Q4`（2026 年第四季度）")
        })?;
        let roster = self.roster(branch)?;
        if roster.members.is_empty() {
            return Err(not_now(
                format!("「{}」还没有党员名单", unit.name),
                format!("先用 `shine roster import --branch {branch} 名单.csv` 导入名单"),
            ));
        }
        let existing = self.quarters(branch)?;
        if existing.contains(&quarter) {
            return self.status(branch, Some(&quarter), today(actor)); // repeating is safe
        }
        if let Some(last) = existing.iter().max() {
            if last.as_str() > quarter.as_str() {
                return Err(invalid(
                    format!("「{}」已开启过更晚的 {last} 季度，不能再开启 {quarter} 季度", unit.name),
                    "季度按时间顺序开启；要查看以往季度，在 `status`、`stars` 中用 `--quarter` 指定",
                ));
            }
        }
        for q in &existing {
            let ctx = self.ctx(branch, Some(q))?;
            if !ctx.workflow.state(&ctx.q.state).map(|s| s.terminal).unwrap_or(false) {
                return Err(not_now(
                    format!("「{}」的 {q} 季度尚未完成", unit.name),
                    format!("先完成该季度（`shine status --branch {branch}`）"),
                ));
            }
        }
        let rules = &checked.rules;
        let workflow_hash = checked.workflow.hash();
        let mut w = Writes::default();
        self.store.stage_raw(&mut w, format!("r/{}", rules.hash()).into_bytes(), to_bytes(&defs.rules));
        self.store.stage_raw(&mut w, format!("w/{workflow_hash}").into_bytes(), to_bytes(&defs.workflow));
        self.store.stage_raw(&mut w, b"m/rules-in-force".to_vec(), to_bytes(&rules.hash()));
        self.store.stage_raw(&mut w, format!("q/{branch}/{quarter}").into_bytes(), to_bytes(&quarter));
        let scope = quarter_scope(branch, &quarter);
        self.check_role(&checked.workflow, None, &actor.role)?;
        let opens = &checked.workflow.opened_by;
        if !opens.is_empty() && !opens.iter().any(|r| r == &actor.role) {
            let who: Vec<_> = checked.workflow.opened_by.iter().map(|r| checked.workflow.role(r).map(|x| x.title.clone()).unwrap_or_else(|| r.clone())).collect();
            return Err(not_now(format!("角色 `{}` 不能开启季度评选", actor.role), format!("季度评选由 {} 开启；用 `--as` 指定角色", who.join("、"))));
        }
        let start_state = checked.workflow.start.clone();
        self.store.stage(&mut w, &scope, actor, Some(rules.hash()), vec![
            Action::QuarterOpened {
                branch: branch.to_owned(),
                quarter: quarter.clone(),
                start,
                end,
                rules: rules.hash().to_owned(),
                workflow: workflow_hash,
            },
            Action::Advanced { step: "open".into(), from: String::new(), to: start_state },
        ])?;
        self.store.commit(w)?;
        self.status(branch, Some(&quarter), today(actor))
    }

    fn ctx(&self, branch: &str, quarter: Option<&str>) -> Result<Ctx> {
        let tree = self.org()?;
        let unit = self.branch_unit(&tree, branch)?;
        let quarter = match quarter {
            Some(q) => quarter_dates(q).map(|(id, ..)| id).ok_or_else(|| {
                invalid(format!("`{q}` 不是有效的季度"), "季度写作 `2026Q4`（2026 年第四季度）")
            })?,
            None => self.quarters(branch)?.pop().ok_or_else(|| {
                not_now(
                    format!("「{}」还没有开启任何季度", unit.name),
                    format!("用 `shine quarter open --branch {branch} --quarter 2026Q4` 开启"),
                )
            })?,
        };
        let scope = quarter_scope(branch, &quarter);
        let events = self.store.events(&scope)?;
        if events.is_empty() {
            return Err(ShineError::NotFound {
                kind: "季度",
                id: format!("{branch} {quarter}"),
                help: format!("已开启的季度：{}", self.quarters(branch)?.join("、")),
            });
        }
        let q: Arc<QuarterState> = self.folds.get(&scope, &events);
        let rules = self.rules_by_hash(&q.rules)?;
        let workflow = self.workflow_by_hash(&q.workflow)?;
        Ok(Ctx { unit, roster: self.roster(branch)?, q, scope, rules, workflow })
    }

    /// A branch's quarter as folded from its log.
    pub(crate) fn quarter_state(&self, branch: &str, quarter: &str) -> Result<Arc<QuarterState>> {
        Ok(self.ctx(branch, Some(quarter))?.q)
    }

    /// The facts of a branch's quarter as of `today` (used as the meeting date until
    /// one is reported), reused while neither the roster nor the quarter has changed.
    fn facts(&self, ctx: &Ctx, today: NaiveDate) -> Arc<FactSet> {
        let mut cache = self.folds.facts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((roster, q, day, facts)) = cache.get(&ctx.scope) {
            if Arc::ptr_eq(roster, &ctx.roster) && Arc::ptr_eq(q, &ctx.q) && *day == today {
                return facts.clone();
            }
        }
        let facts = Arc::new(Self::build_facts(ctx, today));
        cache.insert(ctx.scope.clone(), (ctx.roster.clone(), ctx.q.clone(), today, facts.clone()));
        facts
    }

    fn build_facts(ctx: &Ctx, today: NaiveDate) -> FactSet {
        let q = &ctx.q;
        let members = ctx
            .roster
            .members
            .iter()
            .map(|m| MemberFacts {
                id: m.id.clone(),
                name: m.name.clone(),
                identity: m.identity.as_str().into(),
                role: m.role.as_str().into(),
                full: m.full,
                mobile: m.mobile,
                last_report: m.last_report,
                life: ctx.roster.life.get(&m.id).cloned().unwrap_or_default(),
                findings: ctx.roster.findings.get(&m.id).cloned().unwrap_or_default(),
                deeds: q.deeds.get(&m.id).cloned().unwrap_or_default(),
                no_deed_reason: q.excuses.get(&m.id).cloned(),
                meeting: q.attendance.get(&m.id).map(|s| s.as_str().into()),
                presented: q.presented.contains(&m.id),
                commented: q.comments.contains_key(&m.id),
            })
            .collect();
        let round = q.open_round();
        let ballots = round
            .map(|r| r.totals.as_ref().map(|t| t.0).unwrap_or(r.voted.len() as i64))
            .unwrap_or(0);
        FactSet {
            branch: BranchFacts { id: ctx.unit.id.clone(), name: ctx.unit.name.clone(), members },
            meeting: MeetingFacts {
                date: q.meeting.as_ref().map(|m| m.0).unwrap_or(today),
                reported: q.meeting.is_some(),
                activists: q.guests.activists.len() as i64,
                observers: q.guests.observers.len() as i64,
                delegate: q.guests.delegate.is_some(),
                ballots,
                round: round.map(|r| r.round).unwrap_or(0),
            },
            quarter: QuarterFacts {
                id: q.quarter.clone(),
                start: q.start.unwrap_or(today),
                end: q.end.unwrap_or(today),
            },
            standings: std::sync::OnceLock::new(),
        }
    }

    fn check_role(&self, workflow: &Workflow, step: Option<&Step>, role: &str) -> Result<()> {
        if workflow.role(role).is_none() {
            let roles: Vec<_> = workflow.roles.iter().map(|r| format!("`{}`（{}）", r.id, r.title)).collect();
            return Err(invalid(format!("`{role}` 不是流程中的角色"), format!("可用的角色：{}", roles.join("、"))));
        }
        if let Some(step) = step {
            if !step.roles.iter().any(|r| r == role) {
                return Err(not_now(
                    format!("角色 `{role}` 不能办理「{}」", step.title),
                    format!("该环节由 {} 办理；用 `--as` 指定角色", step.roles.join("、")),
                ));
            }
        }
        Ok(())
    }

    /// Check that the quarter is in a state that accepts `kind` and that the actor may record it.
    fn accepting(&self, ctx: &Ctx, kind: RecordKind, role: &str) -> Result<()> {
        let wf = &ctx.workflow;
        if wf.accepts(&ctx.q.state, kind) {
            let step = wf.step_from(&ctx.q.state);
            return self.check_role(wf, step, role);
        }
        let when: Vec<_> = wf
            .steps_accepting(kind)
            .iter()
            .map(|s| {
                let title = wf.state(&s.from).map(|st| st.title.clone()).unwrap_or_else(|| s.from.clone());
                format!("「{title}」")
            })
            .collect();
        let now = wf.state(&ctx.q.state).map(|s| s.title.clone()).unwrap_or_else(|| ctx.q.state.clone());
        Err(not_now(
            format!("「{}」当前处于「{now}」环节，此时不能登记{}", ctx.unit.name, record_label(kind)),
            if when.is_empty() {
                "现行流程中没有接受这类记录的环节".to_owned()
            } else {
                format!("这类记录在 {} 环节登记；用 `shine status --branch {}` 查看进度", when.join("、"), ctx.unit.id)
            },
        ))
    }

    fn commit_quarter(&self, ctx: &Ctx, actor: &Actor, actions: Vec<Action>) -> Result<()> {
        let mut w = Writes::default();
        self.store.stage(&mut w, &ctx.scope, actor, Some(ctx.rules.hash()), actions)?;
        self.store.commit(w)?;
        Ok(())
    }

    /// The branch the records are about: the one given, or the first record's member's.
    fn records_branch(&self, branch: Option<&str>, first_member: Option<&str>) -> Result<String> {
        match (branch, first_member) {
            (Some(b), _) => Ok(b.to_owned()),
            (None, Some(m)) => Ok(self.find_member(m)?.0),
            (None, None) => Err(invalid("没有要登记的记录", "至少给出一条记录")),
        }
    }

    /// Record members' quarter records (deeds, excuses, attendance, presentations,
    /// comments) for one branch, all or none. Returns how many were new.
    pub fn record(&self, actor: &Actor, branch: Option<&str>, records: Vec<Record>) -> Result<usize> {
        let branch = self.records_branch(branch, records.first().map(Record::member))?;
        let ctx = self.ctx(&branch, None)?;
        let present = present_variant(&ctx.rules).to_owned();
        let mut attendance = ctx.q.attendance.clone();
        let mut actions = Vec::new();
        let mut checked_kinds = Vec::new();
        for record in records {
            let kind = record.kind();
            if !checked_kinds.contains(&kind) {
                self.accepting(&ctx, kind, &actor.role)?;
                checked_kinds.push(kind);
            }
            let id = resolve_in(&ctx.roster, record.member()).map_err(|_| ShineError::NotFound {
                kind: "党员",
                id: record.member().to_owned(),
                help: format!("「{}」的名单中没有此人；`shine members --branch {}` 列出党员", ctx.unit.name, ctx.unit.id),
            })?;
            let name = ctx.roster.member(&id).map(|m| m.name.clone()).unwrap_or_default();
            let action = match record {
                Record::Deed { mut deed, .. } => {
                    deed.kind = check_enum(&ctx.rules, "deed", "kind", &deed.kind)?.into();
                    if deed.text.trim().is_empty() {
                        return Err(invalid(format!("{name} 的闪光言行内容为空"), "用 `--text` 如实写明具体事迹"));
                    }
                    if let (Some(start), Some(end)) = (ctx.q.start, ctx.q.end) {
                        if deed.date < start || deed.date > end {
                            return Err(invalid(
                                format!("{name} 的事迹日期 {} 不在 {} 季度内（{start} 至 {end}）", deed.date, ctx.q.quarter),
                                "登记本季度的闪光言行；事迹日期用 `--date` 指定",
                            ));
                        }
                    }
                    let in_batch = actions.iter().any(|a| matches!(a, Action::DeedRegistered { member, deed: d } if *member == id && *d == deed));
                    if in_batch || ctx.q.deeds.get(&id).is_some_and(|d| d.contains(&deed)) {
                        continue; // the same deed twice is one deed
                    }
                    Action::DeedRegistered { member: id, deed }
                }
                Record::DeedExcuse { reason, .. } => {
                    if reason.trim().is_empty() {
                        return Err(invalid(format!("{name} 未登记的正当理由为空"), "用 `--reason` 写明原因"));
                    }
                    Action::DeedExcused { member: id, reason }
                }
                Record::Attendance { status, .. } => {
                    let status = check_enum(&ctx.rules, "member", "meeting", &status)?;
                    attendance.insert(id.clone(), status.clone());
                    Action::AttendanceRecorded { member: id, status }
                }
                Record::Presentation { .. } => {
                    if attendance.get(&id) != Some(&present) {
                        return Err(not_now(
                            format!("{name} 未登记为出席专题组织生活会，不能登记其交流发言"),
                            "先登记出席情况（`shine meeting attend`）",
                        ));
                    }
                    let in_batch = actions.iter().any(|a| matches!(a, Action::Presented { member } if *member == id));
                    if in_batch || ctx.q.presented.contains(&id) {
                        continue;
                    }
                    Action::Presented { member: id }
                }
                Record::Comment { text, .. } => {
                    if text.trim().is_empty() {
                        return Err(invalid(format!("对 {name} 的点评为空"), "用 `--text` 写明点评"));
                    }
                    Action::Commented { member: id, text }
                }
            };
            actions.push(action);
        }
        let n = actions.len();
        if n > 0 {
            self.commit_quarter(&ctx, actor, actions)?;
        }
        Ok(n)
    }

    /// Report the special meeting to the superior organization (§4.2.a in the default workflow).
    pub fn report_meeting(&self, actor: &Actor, branch: &str, date: NaiveDate) -> Result<String> {
        let ctx = self.ctx(branch, None)?;
        self.accepting(&ctx, RecordKind::MeetingReport, &actor.role)?;
        let tree = self.org()?;
        let superior = tree.parent_of(branch).map(|u| u.id.clone()).unwrap_or_default();
        if let (Some(start), Some(end)) = (ctx.q.start, ctx.q.end) {
            if date < start || date > end {
                return Err(invalid(
                    format!("会议日期 {date} 不在 {} 季度内（{start} 至 {end}）", ctx.q.quarter),
                    "每个季度召开一次专题组织生活会，请填写本季度内的日期",
                ));
            }
        }
        self.commit_quarter(&ctx, actor, vec![Action::MeetingReported { date, superior: superior.clone() }])?;
        Ok(superior)
    }

    pub fn record_guests(
        &self,
        actor: &Actor,
        branch: &str,
        activists: Vec<String>,
        observers: Vec<String>,
        delegate: Option<String>,
    ) -> Result<()> {
        let ctx = self.ctx(branch, None)?;
        self.accepting(&ctx, RecordKind::Guests, &actor.role)?;
        self.commit_quarter(&ctx, actor, vec![Action::GuestsRecorded { activists, observers, delegate }])
    }

    /// Cast electronic ballots of one branch, all or none. What is chosen is stored
    /// apart from who voted: see `store`.
    pub fn cast_ballots(&self, actor: &Actor, branch: Option<&str>, ballots: Vec<Ballot>) -> Result<usize> {
        let branch = self.records_branch(branch, ballots.first().map(|b| b.member.as_str()))?;
        let ctx = self.ctx(&branch, None)?;
        self.accepting(&ctx, RecordKind::Ballot, &actor.role)?;
        let round = ctx.q.open_round().ok_or_else(|| not_now("当前没有进行中的投票", "先推进到民主推荐环节"))?;
        if round.totals.is_some() {
            return Err(not_now("本轮已录入纸质选票的计票结果，不能再投电子票", "同一轮只能采用一种投票方式"));
        }
        let facts = self.facts(&ctx, today(actor));
        let names = names_of(&ctx.roster);
        let name = |id: &String| names.get(id).cloned().unwrap_or_else(|| id.clone());
        let mut voted = round.voted.clone();
        let mut w = Writes::default();
        let prefix = format!("b/{}/{}/{}/", ctx.unit.id, ctx.q.quarter, round.round);
        let n = ballots.len();
        let mut has_voted = Vec::new();
        let mut box_: Vec<Vec<String>> = Vec::with_capacity(n);
        for ballot in ballots {
            let id = resolve_in(&ctx.roster, &ballot.member)?;
            if !facts.standing_of(&ctx.rules, &id).is_some_and(|s| s.voter) {
                let voter = ctx.rules.rules().iter().find(|r| r.kind == RuleKind::Voter).cloned().unwrap_or_else(|| ctx.rules.tie_rule().clone());
                return Err(not_now(
                    format!("{} 没有表决权，不能投票（{} {}）", name(&id), voter.clause, voter.text),
                    format!("`shine explain {id}` 可查看依据"),
                ));
            }
            if !voted.insert(id.clone()) {
                return Err(not_now(format!("{} 在第 {} 轮已经投过票", name(&id), round.round), "每人每轮只能投一票"));
            }
            let mut chosen: Vec<String> = Vec::new();
            for c in &ballot.choices {
                let cid = resolve_in(&ctx.roster, c)?;
                if !round.candidates.contains(&cid) {
                    return Err(invalid(
                        format!("「{}」不在第 {} 轮候选人名单中", name(&cid), round.round),
                        format!("候选人：{}", round.candidates.iter().map(&name).collect::<Vec<_>>().join("、")),
                    ));
                }
                if chosen.contains(&cid) {
                    return Err(invalid(format!("同一张选票上「{c}」出现了两次"), "每位候选人在一张选票上至多选一次"));
                }
                chosen.push(cid);
            }
            if chosen.len() as i64 > round.seats {
                return Err(invalid(
                    format!("选了 {} 人，超过本轮名额 {} 人", chosen.len(), round.seats),
                    "选票无效，未计入；所选人数不能超过名额",
                ));
            }
            chosen.sort();
            box_.push(chosen);
            has_voted.push(Action::Voted { member: id, round: round.round });
        }
        // The ballots of one command go into the box together, shuffled, under one
        // random key: their order says nothing about the order of the voters.
        box_.shuffle(&mut rand::thread_rng());
        self.store.stage_raw(&mut w, Store::ballot_key(&prefix), to_bytes(&box_));
        self.store.stage(&mut w, &ctx.scope, actor, Some(ctx.rules.hash()), has_voted)?;
        self.store.commit(w)?;
        Ok(n)
    }

    /// Enter the tellers' count of paper ballots for the open round.
    pub fn enter_totals(&self, actor: &Actor, branch: &str, ballots: i64, votes: &[(String, i64)]) -> Result<()> {
        let ctx = self.ctx(branch, None)?;
        self.accepting(&ctx, RecordKind::BallotTotals, &actor.role)?;
        let round = ctx.q.open_round().ok_or_else(|| not_now("当前没有进行中的投票", "先推进到民主推荐环节"))?;
        if !round.voted.is_empty() {
            return Err(not_now(format!("本轮已有 {} 张电子选票", round.voted.len()), "同一轮只能采用一种投票方式"));
        }
        let facts = self.facts(&ctx, today(actor));
        let voters = facts.standings(&ctx.rules).1.iter().filter(|s| s.voter).count() as i64;
        let mut problems = Vec::new();
        if ballots < 0 {
            problems.push(format!("选票数 {ballots} 不能为负数"));
        } else if ballots > voters {
            problems.push(format!("选票数 {ballots} 超出有表决权的到会党员数 {voters}"));
        }
        let mut resolved = Vec::new();
        let mut sum = 0;
        for (who, n) in votes {
            match resolve_in(&ctx.roster, who) {
                Ok(id) if round.candidates.contains(&id) => {
                    if resolved.iter().any(|(r, _)| r == &id) {
                        problems.push(format!("「{who}」出现了两次"));
                    }
                    if *n < 0 || *n > ballots {
                        problems.push(format!("「{who}」得票 {n} 超出选票数 {ballots}"));
                    }
                    sum += n;
                    resolved.push((id, *n));
                }
                Ok(_) => problems.push(format!("「{who}」不是本轮候选人")),
                Err(_) => problems.push(format!("「{who}」不在本支部名单中")),
            }
        }
        if sum > ballots * round.seats {
            problems.push(format!("总票数 {sum} 超过 选票数 {ballots} × 名额 {}", round.seats));
        }
        if !problems.is_empty() {
            return Err(invalid(format!("计票结果有误，未录入：{}", problems.join("；")), "请监票人核对后重新录入"));
        }
        self.commit_quarter(&ctx, actor, vec![Action::TotalsEntered { round: round.round, ballots, votes: resolved }])
    }

    /// Votes per candidate in a round: from the paper totals, or by counting the ballots.
    fn count_votes(&self, ctx: &Ctx, round: &Round) -> Result<HashMap<String, i64>> {
        if let Some((_, votes)) = &round.totals {
            return Ok(votes.iter().cloned().collect());
        }
        let prefix = format!("b/{}/{}/{}/", ctx.unit.id, ctx.q.quarter, round.round);
        let mut counts = HashMap::new();
        for ballot in self.store.values::<Vec<Vec<String>>>(&prefix)?.into_iter().flatten() {
            for c in ballot {
                *counts.entry(c).or_insert(0) += 1;
            }
        }
        Ok(counts)
    }

    /// Move the branch to its next state, or say which guard blocks it and why.
    pub fn advance(&self, actor: &Actor, branch: &str) -> Result<Advanced> {
        let ctx = self.ctx(branch, None)?;
        let wf = ctx.workflow.clone();
        let step = wf.step_from(&ctx.q.state).ok_or_else(|| {
            not_now(
                format!("「{}」的 {} 季度已经完成", ctx.unit.name, ctx.q.quarter),
                "用 `shine stars` 查看结果；下个季度用 `shine quarter open` 开启",
            )
        })?;
        self.check_role(&wf, Some(step), &actor.role)?;
        let facts = self.facts(&ctx, today(actor));
        let scope = facts.scope();
        let mut guards: Vec<Decision<bool>> = Vec::new();
        for g in &step.guards {
            guards.push(guard_decision(&ctx.rules, g, scope).ok_or_else(|| {
                invalid(
                    format!("流程要求的条件 `{g}` 在本季度的规则集中不存在"),
                    "在 rules/ 中补上该 guard 规则，再用 `shine rules adopt` 采用",
                )
            })?);
        }
        let failed: Vec<_> = guards.iter().filter(|d| !d.value).cloned().collect();
        if !failed.is_empty() {
            return Err(ShineError::Blocked { step: step.title.clone(), failed });
        }
        let mut actions = Vec::new();
        let mut selection = None;
        let mut reported_to = None;
        let mut stars = ctx.q.stars.clone();
        let to = match (&step.next, step.effect) {
            (Next::To(to), Some(Effect::Ledger)) => {
                let superior = self.org()?.parent_of(branch).map(|u| u.id.clone()).unwrap_or_default();
                actions.push(Action::LedgerWritten { stars: stars.clone(), superior: superior.clone() });
                reported_to = Some(superior);
                to.clone()
            }
            (Next::To(to), _) => to.clone(),
            (Next::Outcomes { selected, runoff }, _) => {
                let round = ctx.q.open_round().ok_or_else(|| not_now("没有待计票的投票轮次", "先投票"))?;
                let s = self.tally_round(&ctx, &facts, round)?;
                stars = round.seated_before.iter().chain(&s.seated).cloned().collect();
                actions.push(Action::Tallied { round: round.round, selection: s.clone() });
                let next = if let Some(r) = &s.runoff {
                    actions.push(Action::RoundOpened {
                        round: round.round + 1,
                        seats: r.seats,
                        candidates: r.tied.clone(),
                        seated: stars.clone(),
                        excluded: Vec::new(),
                    });
                    runoff.clone()
                } else {
                    selected.clone()
                };
                selection = Some(s);
                next
            }
        };
        // Entering a state that takes ballots opens the first round: its seats are the
        // quota and its candidates those the rules allow, fixed now for the ballot.
        if ctx.q.rounds.is_empty() && wf.accepts(&to, RecordKind::Ballot) {
            let (quota, standings) = facts.standings(&ctx.rules);
            let quota = *quota;
            let candidates = facts
                .branch
                .members
                .iter()
                .zip(standings)
                .filter(|(_, s)| !s.excluded && s.candidate)
                .map(|(m, _)| m.id.clone())
                .collect();
            let excluded = facts
                .branch
                .members
                .iter()
                .zip(standings)
                .filter(|(_, s)| s.excluded)
                .map(|(m, _)| (m.id.clone(), ctx.rules.judge(scope, quota, m).excluded))
                .collect();
            actions.push(Action::RoundOpened { round: 1, seats: quota, candidates, seated: Vec::new(), excluded });
        }
        actions.push(Action::Advanced { step: step.id.clone(), from: ctx.q.state.clone(), to: to.clone() });
        self.commit_quarter(&ctx, actor, actions)?;
        Ok(Advanced {
            step: step.id.clone(),
            step_title: step.title.clone(),
            from: ctx.q.state.clone(),
            to_title: wf.state(&to).map(|s| s.title.clone()).unwrap_or_default(),
            to,
            guards,
            selection,
            stars,
            reported_to,
        })
    }

    fn tally_round(&self, ctx: &Ctx, facts: &FactSet, round: &Round) -> Result<Selection> {
        let scope = facts.scope();
        let votes = self.count_votes(ctx, round)?;
        let (quota, standings) = facts.standings(&ctx.rules);
        let quota = *quota;
        let mut capped_seated = 0;
        let mut contenders = Vec::new();
        for (m, s) in facts.branch.members.iter().zip(standings) {
            let on_ballot = round.candidates.contains(&m.id);
            let seated_before = round.seated_before.contains(&m.id);
            if seated_before {
                capped_seated += i64::from(s.capped);
            } else if on_ballot {
                contenders.push(Contender {
                    member: m.id.clone(),
                    votes: votes.get(&m.id).copied().unwrap_or(0),
                    preferred: s.preferred,
                    capped: s.capped,
                });
            }
        }
        let cap_room = ctx.rules.cap(scope, quota).map(|c| c.value - capped_seated);
        Ok(select(contenders, round.seats, cap_room, ctx.rules.tie_policy()))
    }

    /// Where the quarter stands, as of `today` (the meeting date once it is reported).
    pub fn status(&self, branch: &str, quarter: Option<&str>, today: NaiveDate) -> Result<Status> {
        let ctx = self.ctx(branch, quarter)?;
        let wf = &ctx.workflow;
        let facts = self.facts(&ctx, today);
        let scope = facts.scope();
        let state = wf.state(&ctx.q.state);
        let names = names_of(&ctx.roster);
        let mref = |id: &String| MemberRef { id: id.clone(), name: names.get(id).cloned().unwrap_or_default() };
        let next_step = wf.step_from(&ctx.q.state).map(|s| NextStep {
            id: s.id.clone(),
            title: s.title.clone(),
            clause: s.clause.clone(),
            roles: s.roles.iter().map(|r| wf.role(r).map(|x| x.title.clone()).unwrap_or_else(|| r.clone())).collect(),
            accepts: s.accepts.clone(),
            guards: s.guards.iter().filter_map(|g| guard_decision(&ctx.rules, g, scope)).collect(),
        });
        Ok(Status {
            branch: ctx.unit.clone(),
            quarter: ctx.q.quarter.clone(),
            rules: ctx.q.rules.clone(),
            state: ctx.q.state.clone(),
            state_title: state.map(|s| s.title.clone()).unwrap_or_default(),
            terminal: state.map(|s| s.terminal).unwrap_or(false),
            next_step,
            members: ctx.roster.members.len(),
            deeds_registered: ctx.q.deeds.len(),
            deeds_excused: ctx.q.excuses.len(),
            attendance_recorded: ctx.q.attendance.len(),
            presented: ctx.q.presented.len(),
            commented: ctx.q.comments.len(),
            round: ctx.q.open_round().map(|r| RoundStatus {
                round: r.round,
                seats: r.seats,
                candidates: r.candidates.iter().map(mref).collect(),
                ballots: r.totals.as_ref().map(|t| t.0).unwrap_or(r.voted.len() as i64),
                paper: r.totals.is_some(),
            }),
            stars: ctx.q.stars.iter().map(mref).collect(),
            reported_to: ctx.q.reported_to.clone(),
        })
    }

    /// Why a member was or was not selected in their branch's latest (or given) quarter.
    pub fn explain(&self, member: &str, quarter: Option<&str>, today: NaiveDate) -> Result<Explanation> {
        let (branch, record) = self.find_member(member)?;
        let ctx = self.ctx(&branch, quarter)?;
        let facts = self.facts(&ctx, today);
        let scope = facts.scope();
        let quota = ctx.rules.quota(scope);
        let cap = ctx.rules.cap(scope, quota.value);
        let m = facts.branch.members.iter().find(|m| m.id == record.id).ok_or_else(|| invalid("党员不在名单中", ""))?;
        let judgement = ctx.rules.judge(scope, quota.value, m);
        let rounds = ctx
            .q
            .rounds
            .iter()
            .filter_map(|r| {
                let s = r.selection.as_ref()?;
                Some(RoundOutcome {
                    round: r.round,
                    seats: r.seats,
                    ranked: s.ranking.iter().find(|x| x.member == record.id).cloned(),
                })
            })
            .collect();
        let tree = self.org()?;
        Ok(Explanation {
            path: tree.path(&branch).iter().map(|u| u.name.clone()).collect(),
            member: record.clone(),
            quarter: ctx.q.quarter.clone(),
            state: ctx.q.state.clone(),
            rules: ctx.q.rules.clone(),
            judgement,
            quota,
            cap,
            rounds,
            star: ctx.q.stars.contains(&record.id),
        })
    }

    /// The ledger (台帐) of a branch's quarter.
    pub fn ledger(&self, branch: &str, quarter: Option<&str>, today: NaiveDate) -> Result<Ledger> {
        let ctx = self.ctx(branch, quarter)?;
        let facts = self.facts(&ctx, today);
        let scope = facts.scope();
        let quota = ctx.rules.quota(scope);
        let names = names_of(&ctx.roster);
        // Once the ballot is fixed the ledger shows the exclusions decided then.
        let excluded = match ctx.q.rounds.first() {
            Some(first) => first
                .excluded
                .iter()
                .map(|(id, ds)| (MemberRef { id: id.clone(), name: names.get(id).cloned().unwrap_or_default() }, ds.clone()))
                .collect(),
            None => facts
                .branch
                .members
                .iter()
                .filter_map(|m| {
                    let j = ctx.rules.judge(scope, quota.value, m);
                    (!j.excluded.is_empty()).then(|| (MemberRef { id: m.id.clone(), name: m.name.clone() }, j.excluded))
                })
                .collect(),
        };
        Ok(Ledger {
            branch: ctx.unit.clone(),
            quarter: ctx.q.quarter.clone(),
            state: ctx.q.state.clone(),
            rules: ctx.q.rules.clone(),
            members: ctx.roster.members.len(),
            quota,
            excluded,
            rounds: ctx.q.rounds.clone(),
            stars: ctx.q.stars.iter().map(|id| MemberRef { id: id.clone(), name: names.get(id).cloned().unwrap_or_default() }).collect(),
            reported_to: ctx.q.reported_to.clone(),
            names,
        })
    }

    /// Compare the decisions of the quarter's rule set with the current `rules/`, and
    /// adopt the new set for the open quarter when `apply` is true.
    pub fn adopt_rules(&self, actor: &Actor, branch: &str, apply: bool) -> Result<Adoption> {
        let (defs, checked) = self.current()?;
        let ctx = self.ctx(branch, None)?;
        let new = checked.rules.clone();
        let old = ctx.rules.clone();
        // The quarter keeps its workflow: the new rules must define every guard it names.
        ctx.workflow.check_guards(&|name| guard_decision_exists(&new, name))?;
        let facts = self.facts(&ctx, today(actor));
        let scope = facts.scope();
        let mut changes = Vec::new();
        let (qa, qb) = (old.quota(scope), new.quota(scope));
        if qa.value != qb.value {
            changes.push(Change { subject: ctx.unit.name.clone(), what: "名额".into(), before: qa.value.to_string(), after: qb.value.to_string() });
        }
        for m in &facts.branch.members {
            let a = old.judge(scope, qa.value, m);
            let b = new.judge(scope, qb.value, m);
            let list = |j: &MemberJudgement| j.excluded.iter().map(|d| d.rule.clause.clone()).collect::<Vec<_>>().join("、");
            let pairs = [
                ("不能评选情形", list(&a), list(&b)),
                ("表决权", a.voter.value.to_string(), b.voter.value.to_string()),
                ("候选资格", a.candidate.value.to_string(), b.candidate.value.to_string()),
            ];
            for (what, before, after) in pairs {
                if before != after {
                    changes.push(Change { subject: m.name.clone(), what: what.into(), before, after });
                }
            }
        }
        let applied = apply && old.hash() != new.hash();
        if applied {
            if !ctx.q.rounds.is_empty() {
                return Err(not_now(
                    "投票已经开始，候选人名单已确定，不能再更换本季度的规则",
                    "新规则将用于之后开启的季度",
                ));
            }
            let mut w = Writes::default();
            self.store.stage_raw(&mut w, format!("r/{}", new.hash()).into_bytes(), to_bytes(&defs.rules));
            self.store.stage(&mut w, &ctx.scope, actor, Some(new.hash()), vec![Action::RulesAdopted {
                from: old.hash().to_owned(),
                to: new.hash().to_owned(),
            }])?;
            self.store.commit(w)?;
        }
        Ok(Adoption { from: old.hash().to_owned(), to: new.hash().to_owned(), changes, applied })
    }

    /// The raw events of a branch's quarter, for audit.
    pub fn quarter_events(&self, branch: &str, quarter: Option<&str>) -> Result<Vec<crate::event::Event>> {
        let ctx = self.ctx(branch, quarter)?;
        Ok(self.store.events(&ctx.scope)?.to_vec())
    }
}

/// A workflow guard names a `guard` rule, or the `quorum` rule.
fn guard_decision_exists(rules: &RuleSet, name: &str) -> bool {
    rules.has_guard(name) || rules.rule(name).is_some_and(|r| r.kind == RuleKind::Quorum)
}

fn guard_decision(rules: &RuleSet, name: &str, scope: Scope) -> Option<Decision<bool>> {
    match rules.rule(name) {
        Some(r) if r.kind == RuleKind::Quorum => Some(rules.quorum(scope)),
        _ => rules.guard(name, scope),
    }
}

fn today(actor: &Actor) -> NaiveDate {
    actor.at.get(..10).and_then(|d| d.parse().ok()).unwrap_or_default()
}

fn names_of(roster: &Roster) -> BTreeMap<String, String> {
    roster.members.iter().map(|m| (m.id.clone(), m.name.clone())).collect()
}

/// A member of this roster by id or unique name.
fn resolve_in(roster: &Roster, query: &str) -> Result<String> {
    if roster.member(query).is_some() {
        return Ok(query.to_owned());
    }
    let hits: Vec<_> = roster.members.iter().filter(|m| m.name == query).collect();
    match hits.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(ShineError::NotFound { kind: "党员", id: query.to_owned(), help: "用本支部党员的编号或姓名".into() }),
        _ => Err(invalid(format!("本支部有多名党员叫「{query}」"), "请改用党员编号")),
    }
}

/// The attendance variant that means "present": the first variant of the enum the
/// rules declare for `member.meeting`.
fn present_variant(rules: &RuleSet) -> &str {
    rules
        .field_enum("member", "meeting")
        .and_then(|e| e.variants.first())
        .map(|v| v.name.as_str())
        .unwrap_or("present")
}

/// The variant `value` names (by name or by label) of the enum the rules declare for
/// `entity.field`; any text when the rules declare no enum for it.
fn check_enum(rules: &RuleSet, entity: &str, field: &str, value: &str) -> Result<String> {
    let value = value.trim();
    let Some(e) = rules.field_enum(entity, field) else { return Ok(value.to_owned()) };
    if let Some(v) = e.variants.iter().find(|v| v.name == value || v.label.as_deref() == Some(value)) {
        return Ok(v.name.clone());
    }
    let allowed: Vec<_> = e
        .variants
        .iter()
        .map(|v| match &v.label {
            Some(l) => format!("`{}`（{l}）", v.name),
            None => format!("`{}`", v.name),
        })
        .collect();
    Err(invalid(
        format!("`{value}` 不是有效的{}", e.label.as_deref().unwrap_or(&e.name)),
        format!("应为 {}（见 rules/ 中的 `enum {}`）", allowed.join("、"), e.name),
    ))
}

fn check_id(id: &str, what: &str) -> Result<()> {
    if id.is_empty() || id.chars().any(|c| c.is_whitespace() || c == '/' || c == '\0') {
        return Err(invalid(format!("{what} `{id}` 无效"), format!("{what}不能为空，不能含空格或 `/`")));
    }
    Ok(())
}

pub fn kind_label(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Committee => "校党委",
        UnitKind::GeneralBranch => "党总支",
        UnitKind::DirectBranch => "直属党支部",
        UnitKind::Branch => "党支部",
    }
}

fn record_label(kind: RecordKind) -> &'static str {
    match kind {
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
