//! The tracer's account of a condition made of conditions: which arms held, which
//! decided (`or`: the first that held; `and`: the first that failed; `not`: the one
//! under it), and the witnesses of the deciding arms first.

use super::tests::{load_with, member, shipped_files, world};
use super::*;

/// A guard over `member`-free facts with the given `when`, traced.
fn guard(when: &str) -> Decision<bool> {
    let r = load_with(shipped_files(), "rules/probe.shine", &format!("guard probe §4.2.a \"probe\" when {when}\n")).unwrap_or_else(|e| panic!("{e}"));
    let w = world(vec![member()]);
    r.guard("probe", w.scope()).expect("the probe guard")
}

fn arm<'a>(d: &'a Decision<bool>, expr: &str) -> &'a Arm {
    d.arms.iter().find(|a| a.join.is_none() && a.expr == expr).unwrap_or_else(|| panic!("no arm `{expr}`: {:?}", d.arms))
}

#[test]
fn an_or_that_held_is_decided_by_its_first_arm_that_held() {
    let d = guard("meeting.activists > 5 or meeting.reported or meeting.observers > 0");
    assert!(d.value);
    let (a, b, c) = (arm(&d, "meeting.activists > 5"), arm(&d, "meeting.reported"), arm(&d, "meeting.observers > 0"));
    assert_eq!((a.held, a.decisive), (Some(false), false));
    assert_eq!((b.held, b.decisive), (Some(true), true));
    assert_eq!((c.held, c.decisive), (None, false), "never reached");
    assert_eq!(d.arms[0].join, Some(Join::Any));
    assert!(d.witnesses[0].decisive && d.witnesses[0].expr == "meeting.reported", "{:?}", d.witnesses);
    assert!(d.witnesses.iter().any(|w| w.expr == "meeting.activists" && !w.decisive));
}

#[test]
fn an_and_that_failed_is_decided_by_the_arm_that_failed() {
    // The probe's meeting has one activist and no observer.
    let d = guard("meeting.reported and meeting.observers > 0 and meeting.activists >= 0");
    assert!(!d.value);
    assert!(!arm(&d, "meeting.reported").decisive, "it held: it did not make the `and` fail");
    let failed = arm(&d, "meeting.observers > 0");
    assert_eq!((failed.held, failed.decisive), (Some(false), true));
    assert_eq!(arm(&d, "meeting.activists >= 0").held, None);
    let first: Vec<&str> = d.witnesses.iter().take_while(|w| w.decisive).map(|w| w.expr.as_str()).collect();
    assert_eq!(first, ["meeting.observers", "meeting.observers > 0"]);
}

#[test]
fn an_or_that_failed_and_an_and_that_held_are_decided_by_every_arm() {
    let d = guard("meeting.observers > 0 or meeting.activists > 5");
    assert!(!d.value);
    assert!(d.arms.iter().all(|a| a.decisive), "{:?}", d.arms);
    let d = guard("meeting.reported and meeting.observers >= 0");
    assert!(d.value);
    assert!(d.arms.iter().all(|a| a.decisive), "{:?}", d.arms);
}

#[test]
fn a_not_is_decided_by_the_condition_under_it_at_any_depth() {
    let d = guard("not (meeting.reported and meeting.observers > 0)");
    assert!(d.value);
    assert_eq!(d.arms[0].join, Some(Join::Not));
    assert_eq!(d.arms[1].join, Some(Join::All));
    assert_eq!(d.arms[1].depth, 1);
    let failed = arm(&d, "meeting.observers > 0");
    assert_eq!((failed.depth, failed.held, failed.decisive), (2, Some(false), true));
}

#[test]
fn a_rule_of_one_condition_is_decided_by_all_it_read() {
    let d = guard("meeting.activists >= 0");
    assert!(d.arms.is_empty());
    assert!(d.witnesses.iter().all(|w| w.decisive), "{:?}", d.witnesses);
}
