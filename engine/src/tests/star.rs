//! Tests of `star.rs`.

use super::*;

fn sample() -> StarRecord {
    StarRecord {
        quarter: "2026Q4".parse().expect("a quarter"),
        university: "示范大学党委".into(),
        unit_path: vec![UnitCard { id: "u".into(), name: "示范大学党委".into() }, UnitCard { id: "b1".into(), name: "软件党支部".into() }],
        member: MemberCard { id: "m1".into(), name: "龘𠀀".into(), identity: "教师".into(), role: "普通党员".into() },
        deeds: vec![DeedCard { form: None, kind: "带头服务群众".into(), date: chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("a date"), text: "义务辅导".into() }],
        comment: "表现突出".into(),
        votes: 6,
        ballots: 8,
        recorded_share: None,
        clauses_checked: vec!["§3.4.x1".into()],
        rules: "abc".into(),
        version: 1,
        corrections: vec![],
        picks: vec![],
        no_pick: None,
    }
}

#[test]
fn s4_2_b_a_changed_record_no_longer_matches_its_seal() {
    let sealed = Sealed::seal(sample());
    assert!(sealed.intact());
    let mut changed = sealed.clone();
    changed.record.votes = 7;
    assert!(!changed.intact());
    let mut renamed = sealed;
    renamed.record.member.name = "龘𠀁".into();
    assert!(!renamed.intact());
}

#[test]
fn page_seal_depends_on_key_quarter_and_every_hash() {
    let a = page_seal("k", "2026Q4", &["h1", "h2"]);
    assert_eq!(a, page_seal("k", "2026Q4", &["h1", "h2"]));
    assert_ne!(a, page_seal("k2", "2026Q4", &["h1", "h2"]));
    assert_ne!(a, page_seal("k", "2026Q3", &["h1", "h2"]));
    assert_ne!(a, page_seal("k", "2026Q4", &["h1", "h3"]));
    assert_ne!(a, page_seal("k", "2026Q4", &["h1h2"]));
}
