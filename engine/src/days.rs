//! Counting working days, for the objection window (公示期). Which days are working
//! days is not known here: China's statutory holidays and make-up working days come
//! from the calendar file (`workflow::Calendar`), which calls [`window_end`] with its
//! own test of a day.

use chrono::{Datelike, NaiveDate, Weekday};

/// Monday to Friday.
pub fn is_weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The last day of a window of `days` working days opening on `from` (counted when it
/// is itself a working day), as `is_working` tells working days. With `days <= 0` the
/// window has closed the day before. An error of `is_working` (a day it cannot tell)
/// ends the count.
pub fn window_end<E>(from: NaiveDate, days: i64, is_working: impl Fn(NaiveDate) -> Result<bool, E>) -> Result<NaiveDate, E> {
    let mut left = days;
    let mut day = from;
    if left <= 0 {
        return Ok(from.pred_opt().unwrap_or(from));
    }
    loop {
        if is_working(day)? {
            left -= 1;
            if left == 0 {
                return Ok(day);
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

    fn weekdays(from: NaiveDate, days: i64) -> NaiveDate {
        window_end(from, days, |d| Ok::<_, ()>(is_weekday(d))).expect("weekdays never fail")
    }

    #[test]
    fn a_window_counts_the_days_it_is_told_are_working_days() {
        // Published Friday 2026-11-27: Fri, Mon, Tue, Wed, Thu.
        assert_eq!(weekdays(d(2026, 11, 27), 5), d(2026, 12, 3));
        // Published Saturday: counting starts on Monday.
        assert_eq!(weekdays(d(2026, 11, 28), 5), d(2026, 12, 4));
        assert_eq!(weekdays(d(2026, 11, 28), 1), d(2026, 11, 30));
    }

    #[test]
    fn no_window_has_closed_before_it_opened() {
        assert_eq!(weekdays(d(2026, 11, 27), 0), d(2026, 11, 26));
    }
}
