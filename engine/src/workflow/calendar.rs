//! China's working days, from the calendar file (`workflows/calendar.ron`): for each
//! year it covers, the statutory days off (放假) and the weekend days worked in their
//! place (调休上班), as the State Council publishes them each November for the next
//! year. A working day is a Monday–Friday that is not a day off, or a make-up working
//! day. A day of a year the file does not cover is not known: asking about it is an
//! error ([`NotCovered`]), never a guess.

use super::error::{Source, WorkflowError, WorkflowErrors, WorkflowProblem};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Deserialize)]
#[serde(rename = "Calendar", deny_unknown_fields)]
struct CalendarFile {
    years: Vec<YearFile>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Year", deny_unknown_fields)]
struct YearFile {
    year: i32,
    /// Where the dates come from (the State Council's notice).
    #[allow(dead_code)]
    source: String,
    holidays: Vec<HolidayFile>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Holiday", deny_unknown_fields)]
struct HolidayFile {
    #[allow(dead_code)]
    name: String,
    /// The first and last day off, inclusive.
    off: (String, String),
    #[serde(default)]
    work: Vec<String>,
}

/// The days off and make-up working days of each year covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub file_name: String,
    years: BTreeMap<i32, Year>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Year {
    off: BTreeSet<NaiveDate>,
    work: BTreeSet<NaiveDate>,
}

/// A day of a year the calendar file does not cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotCovered {
    pub year: i32,
    /// The years the file covers.
    pub covered: Vec<i32>,
    pub file: String,
}

impl Calendar {
    /// Parses and checks a calendar file; returns every problem found.
    pub fn load(file_name: &str, text: &str) -> Result<Calendar, WorkflowErrors> {
        let source = Source::new(file_name, text);
        let file: CalendarFile = super::file::read(&source, text)?;
        let mut errors: Vec<WorkflowError> = Vec::new();
        let mut years: BTreeMap<i32, Year> = BTreeMap::new();
        let mut at = 0;
        for y in &file.years {
            let place = source.key("year", at);
            at = place.map(|(offset, len)| offset + len).unwrap_or(at);
            if years.contains_key(&y.year) {
                errors.push(source.error(place, WorkflowProblem::CalendarYearTwice { year: y.year }));
                continue;
            }
            let mut year = Year::default();
            let date = |written: &str, errors: &mut Vec<WorkflowError>| -> Option<NaiveDate> {
                let span = source.quoted(written, at).map(|offset| (offset, written.len() + 2));
                match NaiveDate::parse_from_str(written, "%Y-%m-%d") {
                    Ok(d) if d.year() == y.year => Some(d),
                    Ok(_) => {
                        errors.push(source.error(span, WorkflowProblem::CalendarDateOutsideYear { date: written.to_owned(), year: y.year }));
                        None
                    }
                    Err(_) => {
                        errors.push(source.error(span, WorkflowProblem::CalendarNotADate { written: written.to_owned() }));
                        None
                    }
                }
            };
            for h in &y.holidays {
                let (first, last) = (date(&h.off.0, &mut errors), date(&h.off.1, &mut errors));
                if let (Some(first), Some(last)) = (first, last) {
                    if last < first {
                        let span = source.quoted(&h.off.1, at).map(|offset| (offset, h.off.1.len() + 2));
                        errors.push(source.error(span, WorkflowProblem::CalendarRangeReversed { first: h.off.0.clone(), last: h.off.1.clone() }));
                    }
                    year.off.extend(first.iter_days().take_while(|d| *d <= last));
                }
                for w in &h.work {
                    year.work.extend(date(w, &mut errors));
                }
            }
            years.insert(y.year, year);
        }
        source.finish(errors)?;
        Ok(Calendar { file_name: file_name.to_owned(), years })
    }

    /// The years covered, in order.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// Whether `date` is a working day in China.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, NotCovered> {
        let year = self.years.get(&date.year()).ok_or_else(|| NotCovered {
            year: date.year(),
            covered: self.years(),
            file: self.file_name.clone(),
        })?;
        Ok(year.work.contains(&date) || (crate::days::is_weekday(date) && !year.off.contains(&date)))
    }

    /// The last day of a window of `days` working days opening on `from`; see
    /// [`crate::days::window_end`].
    pub fn window_end(&self, from: NaiveDate, days: i64) -> Result<NaiveDate, NotCovered> {
        crate::days::window_end(from, days, |d| self.is_working_day(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a date")
    }

    fn shipped() -> Calendar {
        let text = include_str!("../../../workflows/calendar.ron");
        Calendar::load("workflows/calendar.ron", text).expect("the shipped calendar loads")
    }

    #[test]
    fn s4_3_b_publicity_window_skips_national_day_2026() {
        // Published Monday 2026-09-28: 09-28, 09-29, 09-30, then 10-08 and 10-09.
        assert_eq!(shipped().window_end(d(2026, 9, 28), 5), Ok(d(2026, 10, 9)));
    }

    #[test]
    fn s4_3_b_make_up_working_days_count_and_days_off_do_not() {
        let c = shipped();
        // 2026-09-20 is a Sunday worked for National Day; 2026-10-10 a Saturday.
        assert_eq!(c.is_working_day(d(2026, 9, 20)), Ok(true));
        assert_eq!(c.is_working_day(d(2026, 10, 10)), Ok(true));
        assert_eq!(c.is_working_day(d(2026, 10, 1)), Ok(false));
        assert_eq!(c.is_working_day(d(2026, 1, 1)), Ok(false));
        assert_eq!(c.is_working_day(d(2026, 2, 14)), Ok(true));
        assert_eq!(c.is_working_day(d(2026, 11, 28)), Ok(false)); // a Saturday
        assert_eq!(c.is_working_day(d(2026, 11, 30)), Ok(true));
        // Published Friday 2026-11-27: Fri, Mon, Tue, Wed, Thu.
        assert_eq!(c.window_end(d(2026, 11, 27), 5), Ok(d(2026, 12, 3)));
    }

    #[test]
    fn s4_3_b_a_window_reaching_a_year_not_covered_is_an_error() {
        let c = shipped();
        let e = c.window_end(d(2026, 12, 28), 5).expect_err("2027 is not covered");
        assert_eq!(e.year, 2027);
        assert_eq!(e.covered, vec![2026]);
        // Within the year it ends before, it is known.
        assert_eq!(c.window_end(d(2026, 12, 28), 4), Ok(d(2026, 12, 31)));
    }

    #[test]
    fn a_calendar_with_a_bad_date_or_a_date_of_another_year_is_refused() {
        let text = r#"Calendar(years: [Year(year: 2027, source: "x", holidays: [
            Holiday(name: "元旦", off: ("2027-01-01", "2027-02-30"), work: ["2026-12-31"]),
        ])])"#;
        let errors = Calendar::load("calendar.ron", text).expect_err("refused").errors;
        let problems: Vec<_> = errors.into_iter().map(|e| e.problem).collect();
        assert!(problems.contains(&WorkflowProblem::CalendarNotADate { written: "2027-02-30".into() }), "{problems:?}");
        assert!(problems.contains(&WorkflowProblem::CalendarDateOutsideYear { date: "2026-12-31".into(), year: 2027 }), "{problems:?}");
    }
}
