//! The engine's own values for what users name: a quarter (`2026Q4`), a unit, a
//! member, a rule set or workflow by hash, a moment in time, and who acts.
//!
//! Each is parsed once, at the edge of the engine, by one strict parser; past that
//! point nothing is a bare string that might be malformed. Serialised, each is the
//! plain text it was parsed from, so JSON answers and stored records read naturally.

use crate::text::TextProblem;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A calendar quarter, written `2026Q4` and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i32,
    q: u8,
}

/// Text that is not a quarter; it says what was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadQuarter {
    pub given: String,
}

impl Quarter {
    /// The earliest and latest years a quarter may name.
    pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2200;

    pub fn new(year: i32, q: u8) -> Option<Quarter> {
        (Self::YEARS.contains(&year) && (1..=4).contains(&q)).then_some(Quarter { year, q })
    }

    /// The quarter a date falls in.
    pub fn of(date: NaiveDate) -> Quarter {
        Quarter { year: date.year(), q: ((date.month() - 1) / 3 + 1) as u8 }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1 to 4.
    pub fn number(self) -> u8 {
        self.q
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.q - 1) * 3 + 1, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn end(self) -> NaiveDate {
        let next = if self.q == 4 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, u32::from(self.q) * 3 + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        (self.start()..=self.end()).contains(&date)
    }

    /// The quarter after this one, if it is one a quarter may name.
    pub fn next(self) -> Option<Quarter> {
        if self.q == 4 {
            Quarter::new(self.year + 1, 1)
        } else {
            Quarter::new(self.year, self.q + 1)
        }
    }

    /// This quarter and those after it up to `last`, in order (none when `last` is
    /// earlier).
    pub fn through(self, last: Quarter) -> impl Iterator<Item = Quarter> {
        std::iter::successors(Some(self), |q| q.next()).take_while(move |q| *q <= last)
    }
}

/// A quarter, or a year (its four quarters): what a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Quarter(Quarter),
    Year(i32),
}

impl Period {
    /// The quarters of the period, in order; `None` for a year a quarter may not name
    /// ([`Quarter::YEARS`]).
    pub fn quarters(self) -> Option<Vec<Quarter>> {
        match self {
            Period::Quarter(q) => Some(vec![q]),
            Period::Year(y) => (1..=4).map(|q| Quarter::new(y, q)).collect(),
        }
    }
}

impl FromStr for Quarter {
    type Err = BadQuarter;

    /// Exactly four digits, `Q`, one digit from 1 to 4: `2026Q4`.
    fn from_str(text: &str) -> Result<Quarter, BadQuarter> {
        let bad = || BadQuarter { given: text.to_owned() };
        let b = text.as_bytes();
        if b.len() != 6 || b[4] != b'Q' || !b[..4].iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        let year: i32 = text[..4].parse().map_err(|_| bad())?;
        let q = b[5].wrapping_sub(b'0');
        Quarter::new(year, q).ok_or_else(bad)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

impl Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Quarter, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(|e: BadQuarter| serde::de::Error::custom(format!("not a quarter: {}", e.given)))
    }
}

/// An id as users type it for a unit or a member that [`crate::text`] refuses: empty,
/// too long, with white space, `/` (ids are parts of store keys), control, bidi or
/// invisible characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadId {
    /// The start of what was given.
    pub given: String,
    pub problem: TextProblem,
}

/// The rule ids were held to before [`crate::text`]: what a store may hold.
fn stored_id(text: &str) -> bool {
    !(text.is_empty() || text.chars().any(|c| c.is_whitespace() || c == '/' || c.is_control()))
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $field:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id a user gave, checked and normalised by [`crate::text::clean`].
            pub fn parse(text: &str) -> Result<$name, BadId> {
                crate::text::clean($field, text)
                    .map($name)
                    .map_err(|problem| BadId { given: crate::text::excerpt(text), problem })
            }

            /// An id read back from the store: held to the rule it was recorded under,
            /// so a store written before [`crate::text`] still reads.
            pub(crate) fn read(text: &str) -> Option<$name> {
                stored_id(text).then(|| $name(text.to_owned()))
            }

            /// An id read back from the store or a checked definition, trusted as is.
            pub(crate) fn known(text: impl Into<String>) -> $name {
                $name(text.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

id_type!(
    /// A unit of the organization tree (`jx-jg`), or the level above its top that
    /// runs elsewhere (the province).
    UnitId,
    crate::text::Text::UnitId
);
id_type!(
    /// A member (`jx-jg-08`): the 党员编号 of the roster.
    MemberId,
    crate::text::Text::MemberId
);

macro_rules! hash_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub(crate) fn of_hex(hex: String) -> $name {
                $name(hex)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The first twelve hex digits, enough to tell versions apart on screen.
            pub fn short(&self) -> &str {
                self.0.get(..12).unwrap_or(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

hash_type!(
    /// SHA-256 (hex) of a rule set's files: which rules a quarter ran under.
    RulesHash
);
hash_type!(
    /// SHA-256 (hex) of a workflow file.
    WorkflowHash
);

/// A moment, with the offset it was given in (the CLI reads the local clock or
/// `--now`; stored as RFC 3339).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(DateTime<FixedOffset>);

impl Timestamp {
    pub fn new(at: DateTime<FixedOffset>) -> Timestamp {
        Timestamp(at)
    }

    pub fn date(self) -> NaiveDate {
        self.0.date_naive()
    }

    pub fn at(self) -> DateTime<FixedOffset> {
        self.0
    }

    /// RFC 3339 text, as stored.
    pub fn parse(text: &str) -> Option<Timestamp> {
        DateTime::parse_from_rfc3339(text).ok().map(Timestamp)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339())
    }
}

/// Who acts, in which workflow role, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The person, as named to the log.
    pub who: String,
    /// A role id of the workflow files.
    pub role: String,
    pub at: Timestamp,
}

impl Actor {
    pub fn today(&self) -> NaiveDate {
        self.at.date()
    }
}

#[cfg(test)]
#[path = "tests/domain.rs"]
mod tests;
