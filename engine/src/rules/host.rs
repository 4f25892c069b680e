//! The host catalogue: every fact the engine can hand to rules, with a typed accessor.
//!
//! Built by hand from `crate::facts`. The checker compares a rule file's `facts` and
//! `record` declarations with this catalogue; the compiler turns a field read into the
//! accessor found here, so no name is looked up while rules run.

use crate::facts::{BranchFacts, Deed, Finding, LifeRecord, MeetingFacts, MemberFacts, QuarterFacts, Sym};
use chrono::NaiveDate;

/// The host types that can be listed or bound in an aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum HostRecord {
    Member,
    Life,
    Finding,
    Deed,
    Branch,
    Meeting,
    Quarter,
}

impl HostRecord {
    /// The name a `facts` block uses for a root.
    pub fn root(name: &str) -> Option<HostRecord> {
        Some(match name {
            "member" => HostRecord::Member,
            "branch" => HostRecord::Branch,
            "meeting" => HostRecord::Meeting,
            "quarter" => HostRecord::Quarter,
            _ => return None,
        })
    }
    pub fn roots() -> &'static [&'static str] {
        &["member", "branch", "meeting", "quarter"]
    }
    /// Field names, for messages.
    pub fn field_names(self) -> Vec<&'static str> {
        match self {
            HostRecord::Member => MemberFacts::names(),
            HostRecord::Life => LifeRecord::names(),
            HostRecord::Finding => Finding::names(),
            HostRecord::Deed => Deed::names(),
            HostRecord::Branch => BranchFacts::names(),
            HostRecord::Meeting => MeetingFacts::names(),
            HostRecord::Quarter => QuarterFacts::names(),
        }
    }
    pub fn field_ty(self, name: &str) -> Option<HostTy> {
        match self {
            HostRecord::Member => MemberFacts::field(name).map(|a| a.ty()),
            HostRecord::Life => LifeRecord::field(name).map(|a| a.ty()),
            HostRecord::Finding => Finding::field(name).map(|a| a.ty()),
            HostRecord::Deed => Deed::field(name).map(|a| a.ty()),
            HostRecord::Branch => BranchFacts::field(name).map(|a| a.ty()),
            HostRecord::Meeting => MeetingFacts::field(name).map(|a| a.ty()),
            HostRecord::Quarter => QuarterFacts::field(name).map(|a| a.ty()),
        }
    }
}

/// The shape of a host field, as the checker sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostTy {
    Bool,
    Int,
    Date,
    OptDate,
    Text,
    OptText,
    List(HostRecord),
}

/// A typed accessor for a field of `T`.
pub(crate) enum Acc<T> {
    Bool(fn(&T) -> bool),
    Int(fn(&T) -> i64),
    Date(fn(&T) -> NaiveDate),
    OptDate(fn(&T) -> Option<NaiveDate>),
    /// A text field; the flag says whether the host field is optional (plain text
    /// fields answer `Some`, so readers need no second accessor).
    Text(fn(&T) -> Option<&str>, bool),
    Members(fn(&T) -> &[MemberFacts]),
    Lives(fn(&T) -> &[LifeRecord]),
    Findings(fn(&T) -> &[Finding]),
    Deeds(fn(&T) -> &[Deed]),
}

impl<T> Acc<T> {
    pub fn ty(&self) -> HostTy {
        match self {
            Acc::Bool(_) => HostTy::Bool,
            Acc::Int(_) => HostTy::Int,
            Acc::Date(_) => HostTy::Date,
            Acc::OptDate(_) => HostTy::OptDate,
            Acc::Text(_, false) => HostTy::Text,
            Acc::Text(_, true) => HostTy::OptText,
            Acc::Members(_) => HostTy::List(HostRecord::Member),
            Acc::Lives(_) => HostTy::List(HostRecord::Life),
            Acc::Findings(_) => HostTy::List(HostRecord::Finding),
            Acc::Deeds(_) => HostTy::List(HostRecord::Deed),
        }
    }
}

/// A host type whose fields rules can read.
pub(crate) trait Host: Sized + Sync + 'static {
    fn field(name: &str) -> Option<Acc<Self>>;
    fn names() -> Vec<&'static str>;
    /// The fast path's element reads: a plain date or text field by a small index,
    /// dispatched statically so that an aggregate's loop makes no indirect calls.
    fn date_index(_name: &str) -> Option<u8> {
        None
    }
    fn date_at(&self, _i: u8) -> Option<NaiveDate> {
        None
    }
    fn text_index(_name: &str) -> Option<u8> {
        None
    }
    fn text_at(&self, _i: u8) -> Option<&str> {
        None
    }
    /// An interned text field (see [`Sym`]) by a small index: compared with a
    /// literal interned when the rules are compiled, it is an integer comparison.
    fn sym_index(_name: &str) -> Option<u8> {
        None
    }
    fn sym_at(&self, _i: u8) -> Option<Sym> {
        None
    }
}

/// The "no element" of expressions outside any aggregate.
impl Host for () {
    fn field(_: &str) -> Option<Acc<()>> {
        None
    }
    fn names() -> Vec<&'static str> {
        Vec::new()
    }
}

macro_rules! host {
    ($t:ty { $($name:literal => $acc:expr),* $(,)? } $($extra:item)*) => {
        impl Host for $t {
            fn field(name: &str) -> Option<Acc<$t>> {
                Some(match name { $($name => $acc,)* _ => return None })
            }
            fn names() -> Vec<&'static str> {
                vec![$($name),*]
            }
            $($extra)*
        }
    };
}

host!(MemberFacts {
    "id" => Acc::Text(|m| Some(&m.id), false),
    "name" => Acc::Text(|m| Some(&m.name), false),
    "identity" => Acc::Text(|m| Some(m.identity.as_str()), false),
    "role" => Acc::Text(|m| Some(m.role.as_str()), false),
    "full" => Acc::Bool(|m| m.full),
    "mobile" => Acc::Bool(|m| m.mobile),
    "last_report" => Acc::OptDate(|m| m.last_report),
    "life" => Acc::Lives(|m| &m.life),
    "findings" => Acc::Findings(|m| &m.findings),
    "deeds" => Acc::Deeds(|m| &m.deeds),
    "no_deed_reason" => Acc::Text(|m| m.no_deed_reason.as_deref(), true),
    "meeting" => Acc::Text(|m| m.meeting.map(Sym::as_str), true),
    "presented" => Acc::Bool(|m| m.presented),
    "commented" => Acc::Bool(|m| m.commented),
}
    fn text_index(name: &str) -> Option<u8> {
        ["id", "name", "identity", "role", "no_deed_reason", "meeting"].iter().position(|n| *n == name).map(|i| i as u8)
    }
    #[inline(always)]
    fn text_at(&self, i: u8) -> Option<&str> {
        match i {
            0 => Some(&self.id),
            1 => Some(&self.name),
            2 => Some(self.identity.as_str()),
            3 => Some(self.role.as_str()),
            4 => self.no_deed_reason.as_deref(),
            _ => self.meeting.map(Sym::as_str),
        }
    }
    fn sym_index(name: &str) -> Option<u8> {
        ["identity", "role", "meeting"].iter().position(|n| *n == name).map(|i| i as u8)
    }
    #[inline(always)]
    fn sym_at(&self, i: u8) -> Option<Sym> {
        match i {
            0 => Some(self.identity),
            1 => Some(self.role),
            _ => self.meeting,
        }
    }
);

host!(LifeRecord {
    "date" => Acc::Date(|l| l.date),
    "status" => Acc::Text(|l| Some(l.status.as_str()), false),
}
    fn date_index(name: &str) -> Option<u8> {
        (name == "date").then_some(0)
    }
    #[inline(always)]
    fn date_at(&self, _: u8) -> Option<NaiveDate> {
        Some(self.date)
    }
    fn text_index(name: &str) -> Option<u8> {
        (name == "status").then_some(0)
    }
    #[inline(always)]
    fn text_at(&self, _: u8) -> Option<&str> {
        Some(self.status.as_str())
    }
    fn sym_index(name: &str) -> Option<u8> {
        (name == "status").then_some(0)
    }
    #[inline(always)]
    fn sym_at(&self, _: u8) -> Option<Sym> {
        Some(self.status)
    }
);

host!(Finding {
    "clause" => Acc::Text(|f| Some(f.clause.as_str()), false),
    "date" => Acc::Date(|f| f.date),
    "evidence" => Acc::Text(|f| Some(&f.evidence), false),
    "open" => Acc::Bool(|f| f.open),
    "until" => Acc::OptDate(|f| f.until),
}
    fn date_index(name: &str) -> Option<u8> {
        ["date", "until"].iter().position(|n| *n == name).map(|i| i as u8)
    }
    #[inline(always)]
    fn date_at(&self, i: u8) -> Option<NaiveDate> {
        if i == 0 { Some(self.date) } else { self.until }
    }
    fn text_index(name: &str) -> Option<u8> {
        ["clause", "evidence"].iter().position(|n| *n == name).map(|i| i as u8)
    }
    #[inline(always)]
    fn text_at(&self, i: u8) -> Option<&str> {
        Some(if i == 0 { self.clause.as_str() } else { &self.evidence })
    }
    fn sym_index(name: &str) -> Option<u8> {
        (name == "clause").then_some(0)
    }
    #[inline(always)]
    fn sym_at(&self, _: u8) -> Option<Sym> {
        Some(self.clause)
    }
);

host!(Deed {
    "kind" => Acc::Text(|d| Some(d.kind.as_str()), false),
    "text" => Acc::Text(|d| Some(&d.text), false),
    "date" => Acc::Date(|d| d.date),
}
    fn date_index(name: &str) -> Option<u8> {
        (name == "date").then_some(0)
    }
    #[inline(always)]
    fn date_at(&self, _: u8) -> Option<NaiveDate> {
        Some(self.date)
    }
    fn text_index(name: &str) -> Option<u8> {
        ["kind", "text"].iter().position(|n| *n == name).map(|i| i as u8)
    }
    #[inline(always)]
    fn text_at(&self, i: u8) -> Option<&str> {
        Some(if i == 0 { self.kind.as_str() } else { &self.text })
    }
    fn sym_index(name: &str) -> Option<u8> {
        (name == "kind").then_some(0)
    }
    #[inline(always)]
    fn sym_at(&self, _: u8) -> Option<Sym> {
        Some(self.kind)
    }
);

host!(BranchFacts {
    "id" => Acc::Text(|b| Some(&b.id), false),
    "name" => Acc::Text(|b| Some(&b.name), false),
    "members" => Acc::Members(|b| &b.members),
    "member_count" => Acc::Int(|b| b.member_count()),
});

host!(MeetingFacts {
    "date" => Acc::Date(|m| m.date),
    "reported" => Acc::Bool(|m| m.reported),
    "activists" => Acc::Int(|m| m.activists),
    "observers" => Acc::Int(|m| m.observers),
    "delegate" => Acc::Bool(|m| m.delegate),
    "ballots" => Acc::Int(|m| m.ballots),
    "round" => Acc::Int(|m| m.round),
});

host!(QuarterFacts {
    "id" => Acc::Text(|q| Some(&q.id), false),
    "start" => Acc::Date(|q| q.start),
    "end" => Acc::Date(|q| q.end),
});
