//! Tests of `domain.rs`.

use super::*;

#[test]
fn a_quarter_is_written_one_way() {
    let q: Quarter = "2026Q4".parse().expect("valid");
    assert_eq!(q.to_string(), "2026Q4");
    assert_eq!(q.start(), NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"));
    assert_eq!(q.end(), NaiveDate::from_ymd_opt(2026, 12, 31).expect("date"));
    assert_eq!("2026Q1".parse::<Quarter>().map(Quarter::end), Ok(NaiveDate::from_ymd_opt(2026, 3, 31).expect("date")));
    for bad in ["2026q4", "2026-Q4", " 2026Q4", "2026Q5", "2026Q0", "26Q4", "第四季度", "2026Q44", "1999Q1", ""] {
        assert_eq!(bad.parse::<Quarter>(), Err(BadQuarter { given: bad.to_owned() }), "{bad}");
    }
    assert_eq!(Quarter::of(NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")), q);
}

#[test]
fn ids_refuse_what_would_break_a_store_key() {
    assert!(MemberId::parse("jx-jg-08").is_ok());
    assert!(MemberId::parse("张三").is_ok());
    for bad in ["", "a b", "a/b", "a\0b", "a\tb"] {
        assert!(UnitId::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn a_timestamp_keeps_its_offset() {
    let t = Timestamp::parse("2026-12-10T10:00:00+08:00").expect("valid");
    assert_eq!(t.to_string(), "2026-12-10T10:00:00+08:00");
    assert_eq!(t.date(), NaiveDate::from_ymd_opt(2026, 12, 10).expect("date"));
    assert!(Timestamp::parse("2026-12-10").is_none());
}
