//! Tests of `store/keys.rs`.

use super::*;

#[test]
fn scope_names_read_back() {
    let b = UnitId::known("jx-jg");
    let q: Quarter = "2026Q4".parse().expect("quarter");
    for s in [Scope::Org, Scope::Access, Scope::Users, Scope::Branch(b.clone()), Scope::Quarter(b.clone(), q), Scope::Chain(b, q)] {
        assert_eq!(Scope::parse(&s.name()), Some(s.clone()));
        let key = event(&s, 42);
        assert_eq!(split_event(&key), Some((s.name().as_str(), 42)));
    }
    assert_eq!(Scope::parse("quarter/b1/2026q4"), None);
    let branch = Scope::Branch(UnitId::known("b1"));
    assert!(event_prefix(&branch).starts_with(branch_logs()));
}

#[test]
fn a_name_is_no_prefix_of_another_in_the_name_index() {
    let m = MemberId::known("m1");
    assert!(!name_index("张三丰", &m).starts_with(&named("张三")));
    assert!(!name_index("a/b", &m).starts_with(&named("a")));
    assert!(name_index("张三", &m).starts_with(&named("张三")));
}
