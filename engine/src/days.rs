//! Working days for the objection window (公示期): Monday to Friday. Public holidays
//! and the weekend days worked in their place are not known to the engine; a level
//! that publishes across a holiday sets a longer window in the rules.

use chrono::{Datelike, NaiveDate, Weekday};

pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The last day of a window of `days` working days opening on `from` (counted when it
/// is itself a working day). With `days <= 0` the window has closed the day before.
pub fn window_end(from: NaiveDate, days: i64) -> NaiveDate {
    let mut left = days;
    let mut day = from;
    if left <= 0 {
        return from.pred_opt().unwrap_or(from);
    }
    loop {
        if is_working_day(day) {
            left -= 1;
            if left == 0 {
                return day;
            }
        }
        day = day.succ_opt().unwrap_or(day);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a date")
    }

    #[test]
    fn s4_3_b_five_working_days_skip_the_weekend() {
        // Published Friday 2026-11-27: Fri, Mon, Tue, Wed, Thu.
        assert_eq!(window_end(d(2026, 11, 27), 5), d(2026, 12, 3));
        // Published Monday: the same week's Friday.
        assert_eq!(window_end(d(2026, 11, 30), 5), d(2026, 12, 4));
        // Published Saturday: counting starts on Monday.
        assert_eq!(window_end(d(2026, 11, 28), 5), d(2026, 12, 4));
        assert_eq!(window_end(d(2026, 11, 28), 1), d(2026, 11, 30));
    }

    #[test]
    fn no_window_has_closed_before_it_opened() {
        assert_eq!(window_end(d(2026, 11, 27), 0), d(2026, 11, 26));
    }
}
