//! §4.3.b's window of working days counts China's working days (issue 9 §6): the
//! statutory holidays and make-up working days of `workflows/calendar.ron`, and a
//! clear error when a window reaches a year the file does not cover.

use crate::chain::{chain, university};
use crate::support::Shine;

#[test]
fn s4_3_b_publicity_window_skips_national_day_2026() {
    let s = Shine::new();
    university(&s, &["b1", "b2"]);
    s.args(["pull", "--unit", "g1", "--quarter", crate::support::QUARTER]).ok();
    // Published Monday 09-28: 09-28, 09-29, 09-30, then 10-08 and 10-09 (10-01…10-07
    // are National Day; 10-10, a Saturday, is worked but comes after the fifth day).
    let published = chain(&s, &["publish", "--unit", "g1"]).at("2026-09-28T10:00:00+08:00").json();
    assert_eq!(published["status"]["publication"]["until"], "2026-10-09", "{published}");
    assert!(published["done"].as_str().unwrap_or_default().contains("2026-09-28 至 2026-10-09"), "{published}");
}

#[test]
fn s4_3_b_a_window_reaching_a_year_the_calendar_does_not_cover_is_refused_saying_what_to_add() {
    let s = Shine::new();
    university(&s, &["b1", "b2"]);
    s.args(["pull", "--unit", "g1", "--quarter", crate::support::QUARTER]).ok();
    // Monday 12-28: 12-28…12-31 are four working days; the fifth is in 2027.
    let run = chain(&s, &["publish", "--unit", "g1"]).at("2026-12-28T10:00:00+08:00").fails();
    run.stderr_contains("2027 年").stderr_contains("calendar.ron").stderr_contains("节假日安排");
    let json = chain(&s, &["publish", "--unit", "g1"]).at("2026-12-28T10:00:00+08:00").fails_json();
    assert_eq!(json["code"], "calendar_not_covered", "{json}");
    assert_eq!(json["year"], 2027, "{json}");
    assert_eq!(json["covered"], serde_json::json!([2026]), "{json}");
}
