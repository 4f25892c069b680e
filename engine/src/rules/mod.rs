//! The rule language: rule files in, a checked and compiled [`RuleSet`] out.
//!
//! Pipeline, one stage per file: `grammar.pest` → `parse` (pest stays in there) →
//! `ast` (our own nodes, each with a span) → `check` (names and types against the
//! declared facts and the host catalogue in `host`, derived from `crate::facts`) →
//! `program` (the checked program, typed: the rules every set has are fields) →
//! `compile` (typed closures for the fast path) and `trace` (a tree-walking evaluator
//! that records the values that decided a rule, typed, as `witness`es, for
//! explanations). `diagnostic` owns the error type: a place and a typed problem,
//! worded at the edge, as witnesses are.
//!
//! This module knows nothing of the notice: every number, clause, category and text
//! comes from the rule files.
//!
//! API CONTRACT (used by the rest of the engine; keep these signatures).

mod ast;
mod check;
mod compile;
mod depth;
mod diagnostic;
pub(crate) mod host;
mod ops;
mod parse;
mod program;
mod reach;
mod trace;
mod witness;
pub use witness::{Arm, ElementField, ElementRole, ElementSummary, Elements, Join, Value, Witness, DEC_SCALE};
mod standing;
pub use standing::Standing;
pub use reach::{FindingPart, FindingReach};
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_fast;
#[cfg(test)]
mod tests_pick;
#[cfg(test)]
mod tests_program;
#[cfg(test)]
mod tests_arms;

pub use diagnostic::{Arguments, BaseType, BoundOf, Choices, Expected, HostType, RuleError, RuleErrors, RuleProblem, ValueType, Wanted};
pub use check::kind_word;
pub use depth::{EXPRESSION_LIMIT, NESTING_LIMIT};

use crate::facts::{BranchFacts, MeetingFacts, MemberFacts, QuarterFacts};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// A rule file's name (as shown in messages, e.g. `rules/quota.shine`) and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// The branch-level facts a rule is evaluated against.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub branch: &'a BranchFacts,
    pub meeting: &'a MeetingFacts,
    pub quarter: &'a QuarterFacts,
}

/// What kind of rule a [`RuleInfo`] describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    Quota,
    Exclude,
    Voter,
    Candidate,
    Quorum,
    Prefer,
    Cap,
    /// `presenter … when c`: who may have a presentation at the meeting recorded.
    Presenter,
    Tie,
    Guard,
    /// `pick <name> by <level> …`: how many stars a level of the escalation chain picks.
    Pick,
    /// `publicity <name> … N working days`: how long results are made public.
    Publicity,
}

impl RuleKind {
    /// Every kind, in the order the reference lists them.
    pub const ALL: [RuleKind; 12] = [
        RuleKind::Quota,
        RuleKind::Exclude,
        RuleKind::Voter,
        RuleKind::Candidate,
        RuleKind::Quorum,
        RuleKind::Prefer,
        RuleKind::Cap,
        RuleKind::Presenter,
        RuleKind::Tie,
        RuleKind::Guard,
        RuleKind::Pick,
        RuleKind::Publicity,
    ];

    /// The keyword that starts a rule of this kind, which also names the singletons.
    pub fn keyword(self) -> &'static str {
        match self {
            RuleKind::Quota => "quota",
            RuleKind::Exclude => "exclude",
            RuleKind::Voter => "voter",
            RuleKind::Candidate => "candidate",
            RuleKind::Quorum => "quorum",
            RuleKind::Prefer => "prefer",
            RuleKind::Cap => "cap",
            RuleKind::Presenter => "presenter",
            RuleKind::Tie => "tie",
            RuleKind::Guard => "guard",
            RuleKind::Pick => "pick",
            RuleKind::Publicity => "publicity",
        }
    }
}

/// How many stars a pick rule admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PickBound {
    Exactly(i64),
    AtMost(i64),
    AtLeast(i64),
    /// `in principle N` (原则上): at most N; fewer than N only with a reason recorded
    /// by the level, which travels upward with what it forwards.
    InPrinciple(i64),
}

impl PickBound {
    /// Whether `n` picks satisfy the bound (for `in principle`, its upper bound).
    pub fn admits(self, n: i64) -> bool {
        match self {
            PickBound::Exactly(k) => n == k,
            PickBound::AtMost(k) | PickBound::InPrinciple(k) => n <= k,
            PickBound::AtLeast(k) => n >= k,
        }
    }

    /// The most picks the bound allows, if it has an upper bound.
    pub fn upper(self) -> Option<i64> {
        match self {
            PickBound::Exactly(k) | PickBound::AtMost(k) | PickBound::InPrinciple(k) => Some(k),
            PickBound::AtLeast(_) => None,
        }
    }

    /// Whether `n` picks need a recorded reason: fewer than an `in principle` count.
    pub fn wants_reason(self, n: i64) -> bool {
        matches!(self, PickBound::InPrinciple(k) if n < k)
    }

}

/// `pick typical by general_branch §4.3.d "…" exactly 1`: the stars a level of the
/// escalation chain picks, in all or from each unit under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickRule {
    pub rule: RuleInfo,
    /// The id of the escalation level that picks.
    pub level: String,
    /// The bound applies to the picks from each subordinate unit separately.
    pub each_unit: bool,
    pub bound: PickBound,
}

/// `publicity window §4.3.b "…" 5 working days`: how long results are made public
/// before they are reported; 0 is no window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicityRule {
    pub rule: RuleInfo,
    pub working_days: i64,
}

/// A rule as written: its name, the clause it cites and the clause's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    /// `x8` for `exclude x8 …`; the keyword itself (`quota`, `voter`, …) for singletons.
    pub name: String,
    pub kind: RuleKind,
    /// e.g. `§3.4.x8`.
    pub clause: String,
    /// The clause's text as written in the rule, usually Chinese.
    pub text: String,
    /// The condition or expression as written in the file.
    pub source: String,
    /// `rules/exclusions.shine:12`.
    pub location: String,
    /// Whose words `text` are: the notice's (of `clause`), or another source's.
    #[serde(default)]
    pub attribution: Attribution,
}

/// Whose words a rule's quoted text is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Attribution {
    /// A rule set that declares no clauses (one stored before citations were
    /// checked): nobody checked whose words the text is.
    #[default]
    Unchecked,
    /// The notice's own words, checked verbatim against `clause`.
    Notice,
    /// `per <source>`: the source's words; the rule still implements `clause`.
    Source(Box<CitedSource>),
}

/// `source local "本校实施细则"`: a source other than the notice that a rule's text is
/// quoted from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitedSource {
    /// `local`, as written after `per`.
    pub name: String,
    /// `本校实施细则`, as declared.
    pub label: String,
}

/// `clause §3.4.x8 "…"`: a clause of the notice as the rule files declare it, with its
/// exact text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeClause {
    /// `§3.4.x8`.
    pub id: String,
    pub text: String,
    /// Context only: nothing in it for a program to implement.
    pub context: bool,
    /// `rules/notice.shine:12`.
    pub location: String,
    /// `as annex`: the word tests named after a clause whose id is a word (`§附件`)
    /// start with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tested_as: Option<String>,
}

impl NoticeClause {
    /// What the names of tests named after the clause start with (followed by `_`):
    /// `s3_4_x8` for `§3.4.x8`, the declared word for a clause whose id is a word;
    /// `None` for a word without one.
    pub fn test_prefix(&self) -> Option<String> {
        if let Some(word) = &self.tested_as {
            return Some(word.clone());
        }
        let id = self.id.trim_start_matches('§');
        id.starts_with(|c: char| c.is_ascii_digit()).then(|| format!("s{}", id.replace('.', "_")))
    }
}

/// How a tie at the last seat that the lean does not settle is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TiePolicy {
    /// A runoff ballot among the tied candidates for the remaining seats.
    Runoff,
    /// Seat every tied candidate, exceeding the quota.
    Exceed,
    /// Seat none of the tied candidates, leaving the seats empty.
    Drop,
}

/// What a rule is evaluated at: the scope, the member (for member rules), whether the
/// member is excluded and the quota (for the rules that read them).
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub scope: Scope<'a>,
    pub member: Option<&'a MemberFacts>,
    pub excluded: bool,
    pub quota: i64,
}

impl<'a> At<'a> {
    /// A rule of the whole branch: no member.
    pub fn scope(scope: Scope<'a>) -> At<'a> {
        At { scope, member: None, excluded: false, quota: 0 }
    }
}

/// Which side of the lean a member stands on, as the `prefer` and `cap` rules decide
/// (in the shipped rules, §3.4's 向普通党员倾斜: ordinary members are preferred;
/// leading cadres, secretaries and committee members are capped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lean {
    /// The `cap` rule's condition holds: the member counts against the cap.
    Capped,
    /// The `prefer` rule holds (and the cap's condition does not).
    Preferred,
    /// Neither holds, or the set has neither rule.
    Neither,
}

/// A rule's verdict with the values that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision<T> {
    pub rule: RuleInfo,
    pub value: T,
    /// The values read, those of the deciding conditions first (`Witness::decisive`).
    pub witnesses: Vec<Witness>,
    /// The conditions the rule is made of, each marked held or not and whether it
    /// decided; empty for a rule that is one condition or a number.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub arms: Vec<Arm>,
    /// The enum variants the rule's text names, each with its label
    /// (`Value::Enum`), for reading the conditions in the rules' own words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub named: Vec<Value>,
}

/// `emphasis identity 教师 §3.1 "…"`: what the deeds of members whose value of the enum
/// `enum_name` is one of `variants` should show, with the clause that says so. Shown
/// where deeds are registered and commented; rules never evaluate it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Emphasis {
    pub enum_name: String,
    pub variants: Vec<String>,
    pub clause: String,
    pub text: String,
}

/// `annex identity 教师, 学生 §附件 "…"` — values the notice's form (its annex) takes
/// in the column of an enum — or `annex identity 机关, 后勤 as 教师 §附件 per local
/// "…"` — variants printed there as one of those values —, checked: every variant of
/// an enum the form has a column for is one or the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnexRule {
    pub enum_name: String,
    pub variants: Vec<String>,
    /// The value on the form the variants are printed as; `None`: they are values the
    /// form takes.
    pub printed_as: Option<String>,
    pub clause: String,
    pub text: String,
    /// Whose words `text` are.
    pub attribution: Attribution,
    /// `rules/facts.shine:70`.
    pub location: String,
}

/// A recorded value as the notice's form prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormValue {
    /// The value printed: a variant the form takes, with its label.
    pub printed: EnumVariant,
    /// The rule that prints the recorded value as `printed`; `None` when the form
    /// takes the value as it is.
    pub mapped_by: Option<AnnexRule>,
}

/// A declared enum: its name and variants, each with an optional label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumDecl {
    pub name: String,
    pub label: Option<String>,
    pub variants: Vec<EnumVariant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumVariant {
    pub name: String,
    pub label: Option<String>,
}

/// Everything the member-level rules say about one member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberJudgement {
    /// Exclusion rules that fired, in file order.
    pub excluded: Vec<Decision<bool>>,
    pub voter: Decision<bool>,
    pub candidate: Decision<bool>,
    /// Wins a tie at equal votes; `None` when the set has no `prefer` rule.
    pub preferred: Option<Decision<bool>>,
    /// The member counts against the cap; `None` when the set has no `cap` rule.
    pub capped: Option<Decision<bool>>,
}

/// A loaded rule set: parsed, checked and compiled. Cheap to clone (shared).
#[derive(Clone)]
pub struct RuleSet {
    inner: Arc<Inner>,
}

struct Inner {
    sources: Vec<SourceFile>,
    hash: String,
    program: program::Program,
    /// The exclusions' rules in order: bit `i` of a mask is `exclusions[i]`.
    exclusions: Vec<RuleInfo>,
    /// The exclusions compiled for the fast path.
    fast: compile::Exclusions,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("hash", &self.inner.hash)
            .field("files", &self.inner.sources.iter().map(|s| &s.name).collect::<Vec<_>>())
            .field("rules", &self.inner.program.infos.iter().map(|r| &r.name).collect::<Vec<_>>())
            .finish()
    }
}

impl RuleSet {
    /// Parse, check and compile all files. On any error, every error found is returned:
    /// the syntax errors of every file (then nothing is checked, since a broken file
    /// would make the checker report names it did not get to read), or else every
    /// check error of every file.
    pub fn load(files: Vec<SourceFile>) -> Result<RuleSet, RuleErrors> {
        let reps: Vec<diagnostic::Reporter> = files.iter().map(|f| diagnostic::Reporter::new(&f.name, &f.text)).collect();
        let mut errors = Vec::new();
        let mut parsed = Vec::new();
        for rep in &reps {
            match parse::parse(rep) {
                Ok(file) => parsed.push((rep.clone(), file)),
                Err(mut e) => errors.append(&mut e),
            }
        }
        if !errors.is_empty() {
            return Err(RuleErrors { errors });
        }
        let checked = check::check(&parsed).map_err(|mut errors| {
            // In reading order: by file, then by position.
            let order = |e: &RuleError| (files.iter().position(|f| f.name == e.place.file).unwrap_or(0), e.place.span.start);
            errors.sort_by_key(order);
            RuleErrors { errors }
        })?;
        drop(parsed);
        // The checker reports a missing rule where it would be: this answers a load
        // without any file.
        let program = program::Program::assemble(checked).map_err(|kind| {
            let rep = diagnostic::Reporter::new(files.first().map_or("", |f| &f.name), files.first().map_or("", |f| &f.text));
            RuleErrors { errors: vec![rep.error(ast::Span::default(), RuleProblem::MissingRule { rule: kind })] }
        })?;
        let fast = compile::Exclusions::compile(&program.exclusions, &files);
        // The same files hash the same wherever they were read from: only the file
        // name takes part, not the directory.
        let base = |f: &SourceFile| f.name.rsplit(['/', '\\']).next().unwrap_or(&f.name).to_owned();
        let mut sorted: Vec<&SourceFile> = files.iter().collect();
        sorted.sort_by_key(|f| base(f));
        let mut h = Sha256::new();
        for f in sorted {
            h.update(base(f).as_bytes());
            h.update([0]);
            h.update(f.text.as_bytes());
            h.update([0]);
        }
        let inner = Inner {
            hash: hex::encode(h.finalize()),
            exclusions: program.exclusions.iter().map(|r| r.info.clone()).collect(),
            fast,
            program,
            sources: files,
        };
        Ok(RuleSet { inner: Arc::new(inner) })
    }

    /// sha256 (hex) over the files sorted by file name (without the directory):
    /// name, NUL, text, NUL, ….
    pub fn hash(&self) -> &str {
        &self.inner.hash
    }
    pub fn sources(&self) -> &[SourceFile] {
        &self.inner.sources
    }
    /// All rules, in file order.
    pub fn rules(&self) -> &[RuleInfo] {
        &self.inner.program.infos
    }
    pub fn rule(&self, name: &str) -> Option<&RuleInfo> {
        self.inner.program.infos.iter().find(|r| r.name == name)
    }
    /// The rule with this name, as written; for a name this set does not have (an
    /// exclusion recorded under an earlier rule set), the name alone.
    pub fn rule_info(&self, name: &str) -> RuleInfo {
        self.rule(name).cloned().unwrap_or_else(|| RuleInfo {
            name: name.to_owned(),
            kind: RuleKind::Exclude,
            clause: String::new(),
            text: String::new(),
            source: String::new(),
            location: String::new(),
            attribution: Attribution::Unchecked,
        })
    }
    /// The clauses of the notice the rule files declare, in file order (none in a rule
    /// set written before clauses were declared).
    pub fn clauses(&self) -> &[NoticeClause] {
        &self.inner.program.clauses
    }
    /// The clause with this id, if declared.
    pub fn clause(&self, id: &str) -> Option<&NoticeClause> {
        self.inner.program.clauses.iter().find(|c| c.id == id)
    }
    /// The sources other than the notice the rule files declare.
    pub fn cited_sources(&self) -> &[CitedSource] {
        &self.inner.program.cited_sources
    }
    /// The exclusion rules in order: bit `i` of an exclusion mask is `exclusions()[i]`.
    pub fn exclusions(&self) -> &[RuleInfo] {
        &self.inner.exclusions
    }
    /// The pick rules, in file order.
    pub fn picks(&self) -> &[PickRule] {
        &self.inner.program.picks
    }
    /// The pick rules of one escalation level, in file order.
    pub fn picks_for(&self, level: &str) -> Vec<&PickRule> {
        self.inner.program.picks.iter().filter(|p| p.level == level).collect()
    }
    /// The publicity window, if the rule set has one.
    pub fn publicity(&self) -> Option<&PublicityRule> {
        self.inner.program.publicity.as_ref()
    }
    /// Every pick names a level of the escalation chain, one of `levels`, whose
    /// `Pick` step lists it: `listed(level, rule)`. The caller knows the chain; the
    /// errors point at the level as written in the rule file.
    pub fn check_pick_levels(&self, chain: &str, levels: &[&str], listed: &dyn Fn(&str, &str) -> bool) -> Result<(), RuleErrors> {
        let mut errors = Vec::new();
        for (pick, (file, span)) in self.inner.program.picks.iter().zip(&self.inner.program.pick_levels) {
            let Some(source) = self.inner.sources.get(*file) else { continue };
            let rep = diagnostic::Reporter::new(&source.name, &source.text);
            let (pick, level, chain) = (pick.rule.name.clone(), pick.level.clone(), chain.to_owned());
            if !levels.contains(&level.as_str()) {
                let choices = Choices::among(&level, levels.iter().copied());
                errors.push(rep.error(*span, RuleProblem::UnknownLevel { pick, level, chain, choices }));
            } else if !listed(&level, &pick) {
                errors.push(rep.error(*span, RuleProblem::LevelDoesNotPick { pick, level, chain }));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(RuleErrors { errors })
        }
    }
    pub fn has_guard(&self, name: &str) -> bool {
        self.inner.program.guards.iter().any(|r| r.info.name == name)
    }
    pub fn enum_decl(&self, name: &str) -> Option<&EnumDecl> {
        self.inner.program.enums.iter().find(|e| e.name == name)
    }
    /// The enum a declared field has, e.g. `("member", "identity")` → `identity`.
    pub fn field_enum(&self, entity: &str, field: &str) -> Option<&EnumDecl> {
        let p = &self.inner.program;
        let rec = p.records.iter().find(|r| r.name == entity)?;
        let (_, ty) = rec.fields.iter().find(|(n, _)| n == field)?;
        match ty.base {
            check::Base::Enum(i) => p.enums.get(i),
            _ => None,
        }
    }
    /// The emphasis for an entity whose `field` (an enum) has `value`, e.g.
    /// `("member", "identity", "教师")`; `None` when the rules declare none for it.
    pub fn emphasis(&self, entity: &str, field: &str, value: &str) -> Option<&Emphasis> {
        let decl = self.field_enum(entity, field)?;
        self.inner.program.emphases.iter().find(|e| e.enum_name == decl.name && e.variants.iter().any(|v| v == value))
    }
    /// Every emphasis, in file order.
    pub fn emphases(&self) -> &[Emphasis] {
        &self.inner.program.emphases
    }
    /// Every `annex` item, in file order.
    pub fn annexes(&self) -> &[AnnexRule] {
        &self.inner.program.annexes
    }
    /// The `annex` items that list the values the notice's form takes in the column
    /// of an entity's `field` (an enum), e.g. `("member", "identity")`; empty when the
    /// form has no column for it.
    pub fn form_column(&self, entity: &str, field: &str) -> Vec<&AnnexRule> {
        let Some(decl) = self.field_enum(entity, field) else { return Vec::new() };
        self.annexes().iter().filter(|a| a.enum_name == decl.name && a.printed_as.is_none()).collect()
    }
    /// How the notice's form prints an entity whose `field` has `value`, e.g.
    /// `("member", "identity", "机关")`: the value itself when the form takes it, else
    /// the value an `annex … as` rule prints it as, with that rule. `None` when the
    /// form has no column for the field, or `value` is no variant of its enum (the
    /// checker proved that every variant is printed).
    pub fn on_form(&self, entity: &str, field: &str, value: &str) -> Option<FormValue> {
        let decl = self.field_enum(entity, field)?;
        let rule = self.annexes().iter().find(|a| a.enum_name == decl.name && a.variants.iter().any(|v| v == value))?;
        let printed = rule.printed_as.as_deref().unwrap_or(value);
        let printed = decl.variants.iter().find(|v| v.name == printed)?.clone();
        Some(FormValue { printed, mapped_by: rule.printed_as.is_some().then(|| rule.clone()) })
    }
    pub fn tie_policy(&self) -> TiePolicy {
        self.inner.program.required.tie.policy
    }
    pub fn tie_rule(&self) -> &RuleInfo {
        &self.inner.program.required.tie.info
    }
    /// The rule that says who votes.
    pub fn voter_rule(&self) -> &RuleInfo {
        &self.inner.program.required.voter.info
    }
    /// The rule of the lean (`prefer`), if the set has one.
    pub fn prefer_rule(&self) -> Option<&RuleInfo> {
        self.inner.program.prefer.as_ref().map(|r| &r.info)
    }
    /// The rule that caps the seats of some members (`cap`), if the set has one.
    pub fn cap_rule(&self) -> Option<&RuleInfo> {
        self.inner.program.cap.as_ref().map(|c| &c.info)
    }
    /// Which side of the lean a member stands on: [`Lean::Capped`] when the `cap`
    /// rule's condition holds for them, else [`Lean::Preferred`] when the `prefer`
    /// rule does, else [`Lean::Neither`].
    pub fn lean(&self, scope: Scope, member: &MemberFacts) -> Lean {
        let p = &self.inner.program;
        let at = At { scope, member: Some(member), excluded: false, quota: 0 };
        if p.cap.as_ref().is_some_and(|c| self.trace_bool(&c.info, &c.when, c.file, at).value) {
            Lean::Capped
        } else if p.prefer.as_ref().is_some_and(|r| self.trace_condition(r, at).value) {
            Lean::Preferred
        } else {
            Lean::Neither
        }
    }

    fn tracer<'a>(&'a self, file: usize, scope: Scope<'a>, member: Option<&'a MemberFacts>) -> trace::Tracer<'a> {
        let src = self.inner.sources.get(file).map(|s| s.text.as_str()).unwrap_or("");
        trace::Tracer::new(&self.inner.program, scope, member, src)
    }

    /// `when` of a rule, traced.
    fn trace_bool(&self, info: &RuleInfo, when: &check::TExpr, file: usize, at: At) -> Decision<bool> {
        let mut t = self.tracer(file, at.scope, at.member);
        t.excluded = at.excluded;
        t.quota = at.quota;
        let value = t.eval(when) == trace::Datum::Bool(true);
        let arms = t.finish(when);
        let named = t.named(when);
        Decision { rule: info.clone(), value, witnesses: t.witnesses, arms, named }
    }

    fn trace_condition(&self, r: &program::Condition, at: At) -> Decision<bool> {
        self.trace_bool(&r.info, &r.when, r.file, at)
    }

    fn trace_int(&self, info: &RuleInfo, value: &check::TExpr, file: usize, scope: Scope, quota: i64) -> Decision<i64> {
        let mut t = self.tracer(file, scope, None);
        t.quota = quota;
        let value_of = match t.eval(value) {
            trace::Datum::Num(n) => n,
            _ => 0,
        };
        let arms = t.finish(value);
        let named = t.named(value);
        Decision { rule: info.clone(), value: value_of, witnesses: t.witnesses, arms, named }
    }

    /// The number of stars to select.
    pub fn quota(&self, scope: Scope) -> Decision<i64> {
        let q = &self.inner.program.required.quota;
        self.trace_int(&q.info, &q.value, q.file, scope, 0)
    }

    /// The most seats the members the cap applies to may take; `None` without a cap rule.
    pub fn cap(&self, scope: Scope, quota: i64) -> Option<Decision<i64>> {
        self.inner.program.cap.as_ref().map(|c| self.trace_int(&c.info, &c.to, c.file, scope, quota))
    }

    pub fn quorum(&self, scope: Scope) -> Decision<bool> {
        self.trace_condition(&self.inner.program.required.quorum, At::scope(scope))
    }

    pub fn guard(&self, name: &str, scope: Scope) -> Option<Decision<bool>> {
        let r = self.inner.program.guards.iter().find(|r| r.info.name == name)?;
        Some(self.trace_condition(r, At::scope(scope)))
    }

    /// A workflow guard by name: a `guard` rule, or the `quorum` rule, which a workflow
    /// names by its keyword.
    pub fn guard_named(&self, name: &str, scope: Scope) -> Option<Decision<bool>> {
        match &self.inner.program.required.quorum {
            q if q.info.name == name => Some(self.trace_condition(q, At::scope(scope))),
            _ => self.guard(name, scope),
        }
    }

    /// Whether a presentation (交流发言) may be recorded for the member; `None` when
    /// the set has no `presenter` rule, and then anyone may present.
    pub fn presenter(&self, scope: Scope, member: &MemberFacts) -> Option<Decision<bool>> {
        let r = self.inner.program.presenter.as_ref()?;
        Some(self.trace_condition(r, At { scope, member: Some(member), excluded: false, quota: 0 }))
    }

    /// Everything the member-level rules say about one member, with witnesses.
    pub fn judge(&self, scope: Scope, quota: i64, member: &MemberFacts) -> MemberJudgement {
        let p = &self.inner.program;
        let excluded: Vec<Decision<bool>> = p.exclusions.iter().map(|r| self.trace_condition(r, At { scope, member: Some(member), excluded: false, quota })).filter(|d| d.value).collect();
        let is_excluded = !excluded.is_empty();
        let at = At { scope, member: Some(member), excluded: is_excluded, quota };
        let one = |r: &program::Condition| self.trace_condition(r, at);
        MemberJudgement {
            voter: one(&p.required.voter),
            candidate: one(&p.required.candidate),
            preferred: p.prefer.as_ref().map(one),
            capped: p.cap.as_ref().map(|c| self.trace_bool(&c.info, &c.when, c.file, at)),
            excluded,
        }
    }

    /// The fast path: hoisted values computed once for the scope.
    pub fn prepare<'a>(&'a self, scope: Scope<'a>) -> Prepared<'a> {
        // Hoisted expressions never read the member: this one has no facts.
        let nobody = MemberFacts::default();
        let mut consts: Vec<compile::Val> = Vec::with_capacity(self.inner.fast.hoisted.len());
        for h in &self.inner.fast.hoisted {
            // Nor do they read other slots.
            let env = compile::Env { scope, member: &nobody, consts: &consts, memo: &[], ranges: &[], excluded: false, quota: 0 };
            let v = h(&env);
            consts.push(v);
        }
        let env = compile::Env { scope, member: &nobody, consts: &consts, memo: &[], ranges: &[], excluded: false, quota: 0 };
        let ranges = self.inner.fast.ranges.iter().map(|r| r(&env)).collect();
        Prepared { set: self, scope, consts, ranges }
    }

    /// The exclusion mask of every member, in order: [`Prepared::exclusion_masks`]
    /// for the scope.
    pub fn exclusion_masks(&self, scope: Scope, members: &[MemberFacts]) -> Vec<u64> {
        self.prepare(scope).exclusion_masks(members)
    }
}

/// A rule set bound to one scope, for evaluating many members fast.
pub struct Prepared<'a> {
    set: &'a RuleSet,
    scope: Scope<'a>,
    consts: Vec<compile::Val>,
    ranges: Vec<Option<compile::Range>>,
}

impl std::fmt::Debug for Prepared<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared").field("consts", &self.consts).finish()
    }
}

impl Prepared<'_> {
    /// Bit `i` is set when `exclusions()[i]` fires for the member.
    #[inline]
    pub fn exclusion_mask(&self, member: &MemberFacts) -> u64 {
        let memo: [std::cell::Cell<u64>; compile::MEMO_SLOTS] = Default::default();
        let env = compile::Env { scope: self.scope, member, consts: &self.consts, memo: &memo, ranges: &self.ranges, excluded: false, quota: 0 };
        let mut mask = 0u64;
        for g in &self.set.inner.fast.groups {
            if g.list.len(member) != 0 {
                mask |= (g.eval)(&env);
            }
        }
        for (bit, f) in &self.set.inner.fast.one_by_one {
            if f.eval(&env, &()) {
                mask |= 1 << bit;
            }
        }
        mask
    }

    /// [`Prepared::exclusion_mask`] of every member, in order, spread over the
    /// machine's cores for a large batch (see [`crate::par`]).
    pub fn exclusion_masks(&self, members: &[MemberFacts]) -> Vec<u64> {
        crate::par::map(members, |m| self.exclusion_mask(m))
    }

    /// How many members an exclusion fires for, spread over the machine's cores for a
    /// large batch (see [`crate::par`]).
    pub fn count_excluded(&self, members: &[MemberFacts]) -> usize {
        crate::par::count(members, |m| self.is_excluded(m))
    }

    /// Whether any exclusion fires; stops at the first that does.
    #[inline]
    pub fn is_excluded(&self, member: &MemberFacts) -> bool {
        let memo: [std::cell::Cell<u64>; compile::MEMO_SLOTS] = Default::default();
        let env = compile::Env { scope: self.scope, member, consts: &self.consts, memo: &memo, ranges: &self.ranges, excluded: false, quota: 0 };
        self.set.inner.fast.groups.iter().any(|g| g.list.len(member) != 0 && (g.eval)(&env) != 0) || self.set.inner.fast.one_by_one.iter().any(|(_, f)| f.eval(&env, &()))
    }
}
