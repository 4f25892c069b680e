//! The store's indexes and bounded caches answer as the scans they replace: members
//! found by name (unique, ambiguous in tree order, renamed), a store written before
//! the name index (searched roster by roster, then indexed by its next import), and
//! every answer unchanged when the in-memory event logs are bounded to a few records.

use chrono::NaiveDate;
use shine_engine::domain::{Actor, MemberId, Quarter, Timestamp, UnitId};
use shine_engine::entity::{MemberRecord, Unit};
use shine_engine::facts::Deed;
use shine_engine::ops::quarter::Record;
use shine_engine::ops::{Archive, Shine};
use shine_engine::refusal::Kind;
use shine_engine::store::Store;
use std::path::Path;

mod common;
use common::{definitions, repo};



fn engine(store: Store) -> Shine {
    match Archive::new(store).with_definitions(definitions()) {
        Ok(shine) => shine,
        Err((_, r)) => panic!("definitions: {r:?}"),
    }
}

fn actor() -> Actor {
    Actor { who: "书记".into(), role: "branch_secretary".into(), at: Timestamp::parse("2026-12-10T10:00:00+08:00").expect("a time") }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 10).expect("a date")
}

fn unit(id: &str, kind: &str, parent: Option<&str>) -> Unit {
    Unit { id: UnitId::parse(id).expect("an id"), name: format!("单位{id}"), kind: kind.into(), parent: parent.map(|p| UnitId::parse(p).expect("an id")) }
}

fn member(id: &str, name: &str) -> MemberRecord {
    MemberRecord {
        id: MemberId::parse(id).expect("an id"),
        name: name.into(),
        identity: "教师".into(),
        role: "ordinary".into(),
        full: true,
        mobile: false,
        last_report: None,
    }
}

/// A committee, a general branch and branches `b2`, `b0`, `b1` added in that order.
fn tree(shine: &Shine) {
    let a = actor();
    shine.add_unit(&a, unit("dw", "committee", None)).expect("committee");
    shine.add_unit(&a, unit("g", "general_branch", Some("dw"))).expect("general branch");
    for b in ["b2", "b0", "b1"] {
        shine.add_unit(&a, unit(b, "branch", Some("g"))).expect("branch");
    }
}

fn found(shine: &Shine, query: &str) -> Result<(String, String), Box<Kind>> {
    shine.find_member(query).map(|(b, m)| (b.to_string(), m.id.to_string())).map_err(|r| r.kind)
}

/// What `find_member` answers, as comparable text.
fn answer(shine: &Shine, query: &str) -> String {
    match found(shine, query) {
        Ok((b, m)) => format!("{b}/{m}"),
        Err(kind) => serde_json::to_string(&kind).expect("json"),
    }
}

fn matches(kind: Kind) -> Vec<(String, String)> {
    match kind {
        Kind::AmbiguousMember { matches, .. } => matches.into_iter().map(|(m, u)| (u.id, m.id.to_string())).collect(),
        other => panic!("not ambiguous: {other:?}"),
    }
}

#[test]
fn members_are_found_by_name_through_the_index_in_tree_then_roster_order() {
    let shine = engine(Store::temporary().expect("store"));
    tree(&shine);
    let a = actor();
    shine.import_members(&a, "b0", vec![member("x1", "张三"), member("x2", "同名")]).expect("b0");
    shine.import_members(&a, "b1", vec![member("a9", "同名"), member("a1", "同名")]).expect("b1");
    shine.import_members(&a, "b2", vec![member("z1", "同名"), member("z2", "李四")]).expect("b2");
    assert_eq!(answer(&shine, "张三"), "b0/x1");
    assert_eq!(answer(&shine, "李四"), "b2/z2");
    assert_eq!(answer(&shine, "x2"), "b0/x2", "by id");
    // The tree's order is b2, b0, b1; within b1 the roster's order is a9, a1.
    let all = matches(*found(&shine, "同名").expect_err("ambiguous"));
    assert_eq!(all, [("b2", "z1"), ("b0", "x2"), ("b1", "a9"), ("b1", "a1")].map(|(b, m)| (b.to_owned(), m.to_owned())));
    assert!(found(&shine, "张").is_err_and(|k| matches!(*k, Kind::NotFound { .. })), "a name's prefix is no name");

    // Renamed: the old name no longer finds the member; the new one does.
    shine.import_members(&a, "b0", vec![member("x1", "张三丰")]).expect("rename");
    assert!(found(&shine, "张三").is_err_and(|k| matches!(*k, Kind::NotFound { .. })));
    assert_eq!(answer(&shine, "张三丰"), "b0/x1");
    let roster = shine.roster(&UnitId::parse("b0").expect("id")).expect("roster");
    let order: Vec<(&str, &str)> = roster.members.iter().map(|m| (m.id.as_str(), m.name.as_str())).collect();
    assert_eq!(order, [("x1", "张三丰"), ("x2", "同名")], "a re-import replaces in place");
}

fn copy_tree(from: &Path, to: &Path) {
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

#[test]
fn a_store_without_the_name_index_is_searched_then_indexed_by_its_next_import() {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_tree(&repo().join("tests/fixtures/store-v0/store"), &tmp.path().join("store"));
    let shine = engine(Store::open(&tmp.path().join("store")).expect("the old store opens"));
    let tree = shine.org().expect("tree");
    let mut names = Vec::new();
    for u in tree.in_order() {
        for m in &shine.roster(&u.id).expect("roster").members {
            names.push(m.name.clone());
        }
    }
    assert!(names.len() > 10, "the fixture has rosters");
    assert!(shine.store().members_named(&names[0]).expect("index").is_none(), "the old store has no name index");
    let before: Vec<_> = names.iter().map(|n| answer(&shine, n)).collect();
    assert!(names.iter().filter(|n| found(&shine, n).is_ok()).count() > 10, "found by the scan");

    let branch = tree.in_order().find(|u| u.kind == "branch").expect("a branch").id.to_string();
    let first = shine.roster(&UnitId::parse(&branch).expect("id")).expect("roster").members[0].clone();
    shine.import_members(&actor(), &branch, vec![first]).expect("the same member again");
    assert!(shine.store().members_named(&names[0]).expect("index").is_some(), "indexed by the import");
    let after: Vec<_> = names.iter().map(|n| answer(&shine, n)).collect();
    assert_eq!(before, after);
}

/// Everything a reader asks of the fixture store, as comparable text: every member's
/// explanation and history, every branch's status and ledger, every level's chain
/// status but the root's.
fn fixture_answers(shine: &Shine) -> Vec<String> {
    let current = Some(shine.current());
    let today = NaiveDate::from_ymd_opt(2027, 1, 15).expect("a date");
    let quarter: Quarter = "2026Q4".parse().expect("a quarter");
    let json = |v: &dyn erased::Show| v.show();
    let tree = shine.org().expect("tree");
    let mut out = Vec::new();
    for u in tree.in_order() {
        let id = u.id.as_str();
        if u.parent.is_some() {
            out.push(json(&shine.level_status(Some(id), quarter, today)));
        }
        out.push(json(&shine.status(current, id, None, today)));
        out.push(json(&shine.ledger(current, id, None, today)));
        for m in &shine.roster(&u.id).expect("roster").members {
            out.push(json(&shine.explain(current, &m.name, None, today)));
            out.push(json(&shine.member_history(current, m.id.as_str(), today)));
        }
    }
    out
}

/// Answers and refusals alike as JSON.
mod erased {
    pub trait Show {
        fn show(&self) -> String;
    }

    impl<T: serde::Serialize> Show for shine_engine::refusal::Result<T> {
        fn show(&self) -> String {
            match self {
                Ok(v) => serde_json::to_string(v).expect("json"),
                Err(r) => format!("refused {}", serde_json::to_string(&r.kind).expect("json")),
            }
        }
    }
}

#[test]
fn the_part_of_the_tree_read_from_the_unit_index_answers_as_the_whole_tree() {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_tree(&repo().join("tests/fixtures/store-v0/store"), &tmp.path().join("store"));
    let shine = engine(Store::open(&tmp.path().join("store")).expect("the old store opens"));
    assert!(!shine.store().units_indexed().expect("index"), "the old store has no unit index");
    let before = fixture_answers(&shine);
    let root = shine.org().expect("tree").root().expect("a root").id.to_string();
    shine.add_unit(&actor(), unit("zz", "general_branch", Some(&root))).expect("a new general branch");
    assert!(shine.store().units_indexed().expect("index"), "indexed by adding a unit");
    let after = fixture_answers(&shine);
    let after: Vec<String> = after.into_iter().filter(|a| !a.contains("\"zz\"")).collect();
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a);
    }
}

/// Three branches with rosters, quarters opened and deeds registered.
fn busy(shine: &Shine) {
    tree(shine);
    let a = actor();
    let quarter: Quarter = "2026Q4".parse().expect("a quarter");
    for b in ["b2", "b0", "b1"] {
        let roster = (0..8).map(|i| MemberRecord { role: if i == 0 { "secretary".into() } else { "ordinary".into() }, ..member(&format!("{b}-{i}"), &format!("党员{b}之{i}")) }).collect();
        shine.import_members(&a, b, roster).expect("roster");
        shine.open_quarter(&a, b, quarter).expect("open");
        let deeds = (0..5)
            .map(|i| Record::Deed { member: format!("{b}-{i}"), deed: Deed { form: None, kind: "带头服务群众".into(), text: "为师生办实事".into(), date: NaiveDate::from_ymd_opt(2026, 10, 20).expect("a date") } })
            .collect();
        shine.record(Some(shine.current()), &a, Some(b), deeds).expect("deeds");
    }
}

fn answers(shine: &Shine) -> Vec<String> {
    let current = Some(shine.current());
    let mut out = Vec::new();
    for b in ["b2", "b0", "b1"] {
        out.push(format!("{:?}", shine.status(current, b, None, today()).map(|s| serde_json::to_string(&s).expect("json"))));
        for i in 0..8 {
            let explained = shine.explain(current, &format!("党员{b}之{i}"), None, today());
            out.push(format!("{:?}", explained.map(|e| serde_json::to_string(&e).expect("json"))));
        }
    }
    out
}

#[test]
fn answers_are_the_same_when_the_event_logs_kept_are_bounded_to_a_few_records() {
    let roomy = engine(Store::temporary().expect("store"));
    busy(&roomy);
    let tight_store = Store::temporary().expect("store");
    tight_store.set_log_cache(600);
    let tight = engine(tight_store);
    busy(&tight);
    assert_eq!(answers(&roomy), answers(&tight));
    let (logs, bytes) = tight.store().log_cache_held();
    assert!(logs == 1 || bytes <= 600, "{logs} logs of {bytes} bytes kept");
    assert!(roomy.store().log_cache_held().0 > logs, "the roomy store keeps more");
}
