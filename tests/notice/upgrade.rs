//! A store written before the event log had versions opens with this code and reads
//! the same facts: every branch's ledger, every member's judgement and history, every
//! level's chain status — as data, compared with what that version printed
//! (`tests/fixtures/store-v0`, see its README).

use crate::support::{repo, Shine};
use serde_json::{json, Map, Value};
use shine_engine::domain::Quarter;
use shine_engine::ops::{Archive, Current};
use shine_engine::store::Store;

const NOW: &str = "2027-01-15";

fn today() -> chrono::NaiveDate {
    NOW.parse().expect("a date")
}

/// A copy of the fixture store (opening a store may write to it) and the engine on it.
fn fixture() -> (tempfile::TempDir, shine_engine::ops::Shine) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let from = repo().join("tests/fixtures/store-v0/store");
    copy_tree(&from, &tmp.path().join("store"));
    let store = Store::open(&tmp.path().join("store")).expect("the old store opens");
    let defs = Shine::new().definitions();
    match Archive::new(store).with_definitions(defs) {
        Ok(shine) => (tmp, shine),
        Err((_, r)) => panic!("definitions: {r:?}"),
    }
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

fn to_json<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).expect("json")
}

fn ledgers(archive: &Archive, current: Option<&Current>, branches: &[String], q: Quarter) -> Map<String, Value> {
    let mut out = Map::new();
    for b in branches {
        let l = archive.ledger(current, b, Some(q), today()).expect("ledger");
        let rounds: Vec<Value> = l
            .rounds
            .iter()
            .map(|r| {
                let sel = r.selection.as_ref();
                let ranking = sel.map(|s| s.ranking.clone()).unwrap_or_default();
                let mut candidates: Vec<String> = r.candidates.iter().map(|c| c.id.to_string()).collect();
                candidates.sort();
                json!({
                    "round": r.round, "seats": r.seats, "candidates": candidates,
                    "seated_before": r.seated_before.iter().map(|m| m.id.to_string()).collect::<Vec<_>>(),
                    "ballots": r.ballots,
                    "votes": ranking.iter().map(|x| (x.member.to_string(), json!(x.votes))).collect::<Map<_, _>>(),
                    "outcomes": ranking.iter().map(|x| (x.member.to_string(), to_json(x.outcome))).collect::<Map<_, _>>(),
                    "seated": sel.map(|s| s.seated.iter().map(ToString::to_string).collect::<Vec<_>>()).unwrap_or_default(),
                    "runoff": sel.and_then(|s| s.runoff.as_ref()).map(|r| r.tied.iter().map(ToString::to_string).collect::<Vec<_>>()),
                })
            })
            .collect();
        out.insert(
            b.clone(),
            json!({
                "state": l.state.id, "members": l.members, "quota": l.quota.value,
                "excluded": l.excluded.iter().map(|(m, es)| (m.id.to_string(), json!(es.iter().map(|e| e.rule.name.clone()).collect::<Vec<_>>()))).collect::<Map<_, _>>(),
                "rounds": rounds,
                "stars": l.stars.iter().map(|m| m.id.to_string()).collect::<Vec<_>>(),
                "reported_to": l.reported.clone().flatten().map(|u| u.id),
            }),
        );
    }
    out
}

fn members(archive: &Archive, current: Option<&Current>, branches: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    for b in branches {
        let roster = archive.roster(&shine_engine::domain::UnitId::parse(b).expect("id")).expect("roster");
        for m in &roster.members {
            let e = archive.explain(current, m.id.as_str(), None, today()).expect("explain");
            let h = archive.member_history(current, m.id.as_str(), today()).expect("history");
            let j = &e.judgement;
            let history: Vec<Value> = h
                .quarters
                .iter()
                .map(|q| {
                    json!({
                        "quarter": q.quarter, "star": q.star, "on_ballot": q.on_ballot,
                        "exclusions": q.exclusions.iter().map(|x| x.rule.name.clone()).collect::<Vec<_>>(),
                        "rounds": q.rounds.iter().map(|r| json!({"round": r.round, "seats": r.seats, "votes": r.votes, "place": r.place, "outcome": to_json(r.outcome)})).collect::<Vec<_>>(),
                        "reported_to": q.reported.clone().flatten().map(|u| u.id),
                        "upward": q.upward.iter().map(|u| json!({
                            "unit": u.unit.id, "versions": u.versions, "standing": to_json(&u.standing)["state"], "published": u.published,
                            "picked": u.picked, "forwarded": u.forwarded,
                            "objection": u.objection.as_ref().map(|o| json!({"on": o.on, "reason": o.reason, "decision": o.decision.as_ref().map(|d| json!([d.upheld, d.reason]))})),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            out.insert(
                m.id.to_string(),
                json!({
                    "branch": b, "excluded": j.excluded.iter().map(|d| d.rule.name.clone()).collect::<Vec<_>>(),
                    "voter": j.voter.value, "candidate": j.candidate.value,
                    "preferred": preferred(j), "capped": capped(j),
                    "star": e.star, "history": history,
                }),
            );
        }
    }
    out
}

fn preferred(j: &shine_engine::rules::MemberJudgement) -> bool {
    to_json(&j.preferred)["value"].as_bool().unwrap_or(false)
}

fn capped(j: &shine_engine::rules::MemberJudgement) -> bool {
    to_json(&j.capped)["value"].as_bool().unwrap_or(false)
}

fn chain(shine: &shine_engine::ops::Shine, levels: &[String], q: Quarter) -> Map<String, Value> {
    let mut out = Map::new();
    for u in levels {
        let s = shine.level_status(Some(u), q, today()).expect("chain status");
        out.insert(
            u.clone(),
            json!({
                "level": s.level.id, "role": s.role.id,
                "superior": s.superior.as_ref().map(|x| x.id.clone()),
                "steps": s.steps.iter().map(|st| json!({"action": to_json(st.action), "done": st.done})).collect::<Vec<_>>(),
                "stars": s.stars.iter().map(|v| json!({
                    "key": v.key, "from": v.from, "recommended": v.recommended, "standing": to_json(&v.standing)["state"],
                    "versions": v.versions, "published": v.published, "picked": v.picked,
                    "votes": v.record.votes, "ballots": v.record.ballots, "version": v.record.version,
                })).collect::<Vec<_>>(),
                "publication": s.publication.as_ref().map(|p| json!({"on": p.on, "until": p.until, "keys": p.keys})),
                "picks": s.picks.iter().map(|p| json!({"rule": p.rule.name, "unit": p.unit.as_ref().map(|x| x.id.clone()), "picked": p.picked, "holds": p.holds})).collect::<Vec<_>>(),
                "forwarded": s.forwarded.as_ref().map(|f| json!({"to": f.to, "count": f.count})),
            }),
        );
    }
    out
}

/// Where two JSON values first differ, for a readable failure.
fn first_difference(path: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                if let Some(d) = first_difference(&format!("{path}.{k}"), x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null)) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (p, q))| first_difference(&format!("{path}[{i}]"), p, q))
        }
        _ if a == b => None,
        _ => Some(format!("{path}: now {a}, then {b}")),
    }
}

#[test]
fn a_store_written_before_versioned_events_reads_the_same_stars_exclusions_ledger_history_and_chain() {
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(repo().join("tests/fixtures/store-v0/expected.json")).expect("expected.json"))
        .expect("expected.json is JSON");
    let (_tmp, shine) = fixture();
    let current = Some(shine.current());
    let q: Quarter = "2026Q4".parse().expect("quarter");
    let tree = shine.org().expect("tree");
    let workflow = &shine.current().workflow;
    let branches: Vec<String> = tree.in_order().filter(|u| workflow.runs_in(&u.kind)).map(|u| u.id.to_string()).collect();
    let levels: Vec<String> = tree.in_order().filter(|u| u.kind != "branch").map(|u| u.id.to_string()).collect();
    let got = json!({
        "quarter": "2026Q4",
        "ledgers": ledgers(&shine, current, &branches, q),
        "members": members(&shine, current, &branches),
        "chain": chain(&shine, &levels, q),
    });
    assert_eq!(got["members"].as_object().map(Map::len), Some(152));
    if let Some(d) = first_difference("", &got, &expected) {
        panic!("the old store reads differently: {d}");
    }
}

#[test]
fn store_check_reads_every_record_of_a_store_written_before_versioned_events() {
    let s = Shine::new();
    copy_tree(&repo().join("tests/fixtures/store-v0/store"), &s.store_dir());
    let out = s.args(["store", "check"]).json();
    assert_eq!(out["ok"], true, "{out}");
    assert_eq!(out["log"]["unreadable"], json!([]), "{out}");
    assert!(out["log"]["versions"]["0"].as_u64().is_some_and(|n| n > 100), "{out}");
    assert_eq!(out["quarters"], 9, "{out}");
}
