//! The bodies of the fuzz targets, shared by the libFuzzer targets
//! (`fuzz/fuzz_targets/*.rs`, nightly) and the bounded run of the stable test suite
//! (`engine/tests/fuzz.rs`). Each takes any bytes, builds the definitions the CLI
//! loads (the shipped `rules/` and `workflows/` with one part replaced by the input),
//! decodes and checks them as `shine rules check` and `shine workflow check` do, and
//! draws the snippet of every problem found. A target returns normally for every
//! input; a panic or a stack overflow is a finding.

// Each includer calls some of the targets.
#![allow(dead_code)]

use shine_engine::encoding;
use shine_engine::ops::{check_escalation, Definitions};
use shine_engine::place::Place;
use shine_engine::refusal::{Kind, Refusal};
use shine_engine::rules::{RuleKind, RuleSet, SourceFile};
use shine_engine::workflow::{check_together, Escalation, Workflow};
use std::sync::OnceLock;

#[path = "../cli/src/messages/snippet.rs"]
#[allow(dead_code)]
mod snippet;

/// The shipped rule files (the notice's clauses and the other sources last).
pub const RULES: [(&str, &str); 8] = [
    ("rules/escalation.shine", include_str!("../rules/escalation.shine")),
    ("rules/exclusions.shine", include_str!("../rules/exclusions.shine")),
    ("rules/facts.shine", include_str!("../rules/facts.shine")),
    ("rules/guards.shine", include_str!("../rules/guards.shine")),
    ("rules/quota.shine", include_str!("../rules/quota.shine")),
    ("rules/recommendation.shine", include_str!("../rules/recommendation.shine")),
    ("rules/notice.shine", include_str!("../rules/notice.shine")),
    ("rules/sources.shine", include_str!("../rules/sources.shine")),
];
pub const QUARTER: (&str, &str) = ("workflows/quarter.ron", include_str!("../workflows/quarter.ron"));
pub const ESCALATION: (&str, &str) = ("workflows/escalation.ron", include_str!("../workflows/escalation.ron"));
pub const CALENDAR: (&str, &str) = ("workflows/calendar.ron", include_str!("../workflows/calendar.ron"));

fn file((name, text): (&str, &str)) -> SourceFile {
    SourceFile { name: name.to_owned(), text: text.to_owned() }
}

/// The shipped definitions.
pub fn shipped() -> Definitions {
    Definitions { rules: RULES.iter().copied().map(file).collect(), workflow: file(QUARTER), escalation: file(ESCALATION), calendar: file(CALENDAR) }
}

/// A rule file from the input: the first byte picks the shipped file it replaces, or
/// (past the last) adds it as a file of its own.
pub fn rules(data: &[u8]) {
    let (pick, body) = data.split_first().unwrap_or((&0, &[]));
    let mut defs = shipped();
    let at = usize::from(*pick) % (RULES.len() + 1);
    let name = RULES.get(at).map_or("rules/fuzzed.shine", |(name, _)| name);
    let Some(text) = decoded(name, body) else { return };
    let replaced = SourceFile { name: name.to_owned(), text };
    match defs.rules.get_mut(at) {
        Some(slot) => *slot = replaced,
        None => defs.rules.push(replaced),
    }
    check(&defs);
}

/// A workflow file from the input: an even first byte makes it the quarter workflow,
/// an odd one the escalation file. Checked as [`Definitions::check`] does, against
/// the shipped rule set loaded once.
pub fn workflow(data: &[u8]) {
    static RULES_SHIPPED: OnceLock<RuleSet> = OnceLock::new();
    let rules = RULES_SHIPPED.get_or_init(|| RuleSet::load(shipped().rules).expect("the shipped rules load"));
    let (pick, body) = data.split_first().unwrap_or((&0, &[]));
    let quarter = pick % 2 == 0;
    let (name, _) = if quarter { QUARTER } else { ESCALATION };
    let Some(text) = decoded(name, body) else { return };
    let (workflow, escalation) = if quarter { (text.as_str(), ESCALATION.1) } else { (QUARTER.1, text.as_str()) };
    let checked = (|| -> Result<(), Refusal> {
        let workflow = Workflow::load(QUARTER.0, workflow)?;
        let escalation = Escalation::load(ESCALATION.0, escalation)?;
        workflow.check_guards(&|name| rules.has_guard(name) || rules.rule(name).is_some_and(|r| r.kind == RuleKind::Quorum))?;
        check_escalation(rules, &escalation)?;
        check_together(&workflow, &escalation)?;
        Ok(())
    })();
    if let Err(refusal) = checked {
        places(&refusal);
    }
}

/// A rule file and a workflow file from one input, cut where the first byte says:
/// the two languages checked together (picks against levels, guards against rules).
pub fn definitions(data: &[u8]) {
    let (pick, body) = data.split_first().unwrap_or((&0, &[]));
    let cut = body.len() * usize::from(*pick) / 255;
    let (rules, workflow) = body.split_at(cut.min(body.len()));
    let mut defs = shipped();
    let Some(rules) = decoded("rules/guards.shine", rules) else { return };
    defs.rules[3].text = rules;
    let slot = if pick % 2 == 0 { &mut defs.workflow } else { &mut defs.escalation };
    let Some(text) = decoded(&slot.name, workflow) else { return };
    slot.text = text;
    check(&defs);
}

/// The text, or `None` after checking the place of its first invalid byte.
fn decoded(name: &str, bytes: &[u8]) -> Option<String> {
    match encoding::decode(name, bytes.to_vec()) {
        Ok(text) => Some(text),
        Err(e) => {
            assert_eq!(e.place.span.start, std::str::from_utf8(bytes).err()?.valid_up_to());
            draw(&e.place);
            None
        }
    }
}

fn check(defs: &Definitions) {
    if let Err(refusal) = defs.check() {
        places(&refusal);
    }
}

/// Every place a refusal of the definitions names, drawn as the CLI draws it.
fn places(refusal: &Refusal) {
    match &*refusal.kind {
        Kind::RuleFiles { errors } => errors.errors.iter().for_each(|e| draw(&e.place)),
        Kind::WorkflowFile { errors } => errors.errors.iter().for_each(|e| draw(&e.place)),
        _ => {}
    }
}

fn draw(place: &Place) {
    assert!(place.line >= 1 && place.col >= 1, "{place:?}");
    let shown = snippet::snippet(place, "label");
    assert!(shown.contains(&place.position()));
}
