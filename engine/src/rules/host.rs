//! The host catalogue: every fact the engine can hand to rules, with a typed accessor.
//!
//! The catalogue is not written here but in `crate::facts`, next to the structs: each
//! host record is one [`host_facts!`] invocation that declares the struct and gives
//! each field a *kind* (how rules see it). Everything else is derived from that one
//! table by the macro, as the [`Host`] impl of the record:
//!
//! - the checker's catalogue: the field names and their [`HostTy`] (`names`, `field`);
//! - the compiler's accessors: a typed function per field ([`Acc`]), and the small
//!   indices the fast path reads inline (`date_at`, `text_at`, `sym_at`, `flag_at`,
//!   `list_len`), each a match on a field's position in the struct;
//! - the tracer's reads (through [`Acc`]) and the fields that name an element in an
//!   explanation (`shown`).
//!
//! So adding a field is one line in `facts.rs`. What is written here by hand is the
//! set of host *records* ([`HostRecord`]) and which of them can be listed ([`List`]).

use crate::facts::{BranchFacts, Deed, Finding, LifeEntry, MeetingFacts, MemberFacts, QuarterFacts, SessionFacts, Silence, Standing, Sym};
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
    Standing,
    Session,
    Silence,
}

/// The field names and types of each record, from its [`Host`] impl.
macro_rules! catalogue {
    ($($record:ident: $t:ty),* $(,)?) => {
        impl HostRecord {
            /// Field names, for messages.
            pub fn field_names(self) -> Vec<&'static str> {
                match self {
                    $(HostRecord::$record => <$t as Host>::names().to_vec(),)*
                }
            }
            pub fn field_ty(self, name: &str) -> Option<HostTy> {
                match self {
                    $(HostRecord::$record => <$t as Host>::field(name).map(|a| a.ty()),)*
                }
            }
        }
    };
}

catalogue!(Member: MemberFacts, Life: LifeEntry, Finding: Finding, Deed: Deed, Branch: BranchFacts, Meeting: MeetingFacts, Quarter: QuarterFacts, Standing: Standing, Session: SessionFacts, Silence: Silence);

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
    /// A text field, interned or not; the flag says whether the host field is
    /// optional (plain text fields answer `Some`, so readers need no second accessor).
    Text(fn(&T) -> Option<&str>, bool),
    List(List<T>),
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
            Acc::List(l) => HostTy::List(l.record()),
        }
    }
}

/// Something done with a list field whatever its elements are: the compiler builds
/// a loop for the element type, the tracer walks the elements.
pub(crate) trait Visit<T> {
    type Out;
    fn visit<R: Host>(self, get: fn(&T) -> &[R]) -> Self::Out;
}

/// A host record that can be an element of a list field.
pub(crate) trait Element: Host {
    fn list<T>(get: fn(&T) -> &[Self]) -> List<T>;
}

/// The list fields of `T`, one variant per record that can be listed.
macro_rules! lists {
    ($($variant:ident($t:ty) = $record:ident),* $(,)?) => {
        pub(crate) enum List<T> {
            $($variant(fn(&T) -> &[$t]),)*
        }

        impl<T> List<T> {
            pub fn record(&self) -> HostRecord {
                match self {
                    $(List::$variant(_) => HostRecord::$record,)*
                }
            }
            /// `v` applied to the list, with its element type.
            pub fn visit<V: Visit<T>>(self, v: V) -> V::Out {
                match self {
                    $(List::$variant(get) => v.visit(get),)*
                }
            }
        }

        $(impl Element for $t {
            fn list<T>(get: fn(&T) -> &[Self]) -> List<T> {
                List::$variant(get)
            }
        })*
    };
}

lists!(Members(MemberFacts) = Member, Lives(LifeEntry) = Life, Findings(Finding) = Finding, Deeds(Deed) = Deed, Standings(Standing) = Standing, Sessions(SessionFacts) = Session, Silences(Silence) = Silence);

/// A host type whose fields rules can read: derived by [`host_facts!`]. Indices are
/// a field's position in the struct; each `*_at` answers for the fields of its kind.
pub(crate) trait Host: Sized + Sync + 'static {
    fn field(name: &str) -> Option<Acc<Self>>;
    fn names() -> &'static [&'static str];
    /// The fields that name an element in an explanation, in order.
    fn shown() -> &'static [&'static str] {
        &[]
    }
    /// A plain date field (`date`, `date?`).
    fn date_index(_name: &str) -> Option<u8> {
        None
    }
    fn date_at(&self, _i: u8) -> Option<NaiveDate> {
        None
    }
    /// A text field that is not interned (`text`, `text?`).
    fn text_index(_name: &str) -> Option<u8> {
        None
    }
    fn text_at(&self, _i: u8) -> Option<&str> {
        None
    }
    /// An interned text field (see [`Sym`]): compared with a literal interned when the
    /// rules are compiled, it is an integer comparison.
    fn sym_index(_name: &str) -> Option<u8> {
        None
    }
    fn sym_at(&self, _i: u8) -> Option<Sym> {
        None
    }
    /// A flag (`bool`), or whether an optional field is present.
    fn flag_index(_name: &str) -> Option<u8> {
        None
    }
    fn flag_at(&self, _i: u8) -> bool {
        false
    }
    /// A list field, for its length.
    fn list_index(_name: &str) -> Option<u8> {
        None
    }
    fn list_len(&self, _i: u8) -> usize {
        0
    }
}

/// The "no element" of expressions outside any aggregate.
impl Host for () {
    fn field(_: &str) -> Option<Acc<()>> {
        None
    }
    fn names() -> &'static [&'static str] {
        &[]
    }
}

/// Declares a host record: the struct, and its [`Host`] impl, from one table.
///
/// ```text
/// host_facts! {
///     /// One entry of a member's organizational-life history.
///     #[derive(Debug, Clone)]
///     pub struct LifeRecord shown by (date, status) {
///         pub date: NaiveDate => date,
///         pub status: Sym => sym,
///     }
/// }
/// ```
///
/// Each field is `pub name: Type => kind,` where the kind says how rules see it:
/// `bool`, `int`, `date`, `opt_date` (an `Option<NaiveDate>`), `text` (a `String`),
/// `opt_text`, `sym` (an interned [`Sym`]), `opt_sym`, or `list` (a `Vec` of a
/// record that implements [`Element`]). `shown by (…)` names the fields that name an
/// element in an explanation. A trailing `computed { name: kind = path, }` adds
/// fields computed by a method (`int` only).
macro_rules! host_facts {
    (
        $(#[$meta:meta])*
        pub struct $T:ident shown by ($($shown:ident),* $(,)?) {
            $( $(#[$fmeta:meta])* pub $f:ident : $ty:ty => $kind:ident, )*
        }
        $( computed { $( $c:ident : int = $get:path, )* } )?
    ) => {
        $(#[$meta])*
        pub struct $T {
            $( $(#[$fmeta])* pub $f: $ty, )*
        }

        const _: () = {
            use $crate::rules::host::{host_facts, Acc, Host};

            /// The fields' positions: the indices of the fast path.
            #[allow(non_camel_case_types, dead_code)]
            enum Position {
                $($f,)*
            }

            impl Host for $T {
                fn field(name: &str) -> Option<Acc<$T>> {
                    $( if name == stringify!($f) {
                        return Some(host_facts!(@acc $kind $T $f $ty));
                    } )*
                    $($( if name == stringify!($c) {
                        return Some(Acc::Int($get));
                    } )*)?
                    None
                }
                fn names() -> &'static [&'static str] {
                    &[$(stringify!($f),)* $($(stringify!($c),)*)?]
                }
                fn shown() -> &'static [&'static str] {
                    &[$(stringify!($shown)),*]
                }
                fn date_index(name: &str) -> Option<u8> {
                    host_facts!(@index date name ($($f $kind)*))
                }
                #[inline(always)]
                fn date_at(&self, i: u8) -> Option<chrono::NaiveDate> {
                    host_facts!(@at date self i ($($f $kind)*))
                }
                fn text_index(name: &str) -> Option<u8> {
                    host_facts!(@index text name ($($f $kind)*))
                }
                #[inline(always)]
                fn text_at(&self, i: u8) -> Option<&str> {
                    host_facts!(@at text self i ($($f $kind)*))
                }
                fn sym_index(name: &str) -> Option<u8> {
                    host_facts!(@index sym name ($($f $kind)*))
                }
                #[inline(always)]
                fn sym_at(&self, i: u8) -> Option<$crate::sym::Sym> {
                    host_facts!(@at sym self i ($($f $kind)*))
                }
                fn flag_index(name: &str) -> Option<u8> {
                    host_facts!(@index flag name ($($f $kind)*))
                }
                #[inline(always)]
                fn flag_at(&self, i: u8) -> bool {
                    host_facts!(@at flag self i ($($f $kind)*))
                }
                fn list_index(name: &str) -> Option<u8> {
                    host_facts!(@index list name ($($f $kind)*))
                }
                #[inline(always)]
                fn list_len(&self, i: u8) -> usize {
                    host_facts!(@at list self i ($($f $kind)*))
                }
            }
        };
    };

    // The accessor of a field, by kind.
    (@acc bool $T:ident $f:ident $ty:ty) => { Acc::Bool(|t: &$T| t.$f) };
    (@acc int $T:ident $f:ident $ty:ty) => { Acc::Int(|t: &$T| t.$f) };
    (@acc date $T:ident $f:ident $ty:ty) => { Acc::Date(|t: &$T| t.$f) };
    (@acc opt_date $T:ident $f:ident $ty:ty) => { Acc::OptDate(|t: &$T| t.$f) };
    (@acc text $T:ident $f:ident $ty:ty) => { Acc::Text(|t: &$T| Some(t.$f.as_str()), false) };
    (@acc sym $T:ident $f:ident $ty:ty) => { Acc::Text(|t: &$T| Some(t.$f.as_str()), false) };
    (@acc opt_text $T:ident $f:ident $ty:ty) => { Acc::Text(|t: &$T| t.$f.as_deref(), true) };
    (@acc opt_sym $T:ident $f:ident $ty:ty) => { Acc::Text(|t: &$T| t.$f.map($crate::sym::Sym::as_str), true) };
    (@acc list $T:ident $f:ident $ty:ty) => {
        Acc::List(<<$ty as IntoIterator>::Item as $crate::rules::host::Element>::list(|t: &$T| t.$f.as_slice()))
    };

    // The position of field `name` if it is of `family`.
    (@index $family:ident $name:ident ($($f:ident $kind:ident)*)) => {{
        $( if host_facts!(@is $family $kind) && $name == stringify!($f) {
            return Some(Position::$f as u8);
        } )*
        None
    }};

    // Which kinds each family of fast-path reads answers for.
    (@is date date) => { true };
    (@is date opt_date) => { true };
    (@is text text) => { true };
    (@is text opt_text) => { true };
    (@is sym sym) => { true };
    (@is sym opt_sym) => { true };
    (@is flag bool) => { true };
    (@is flag opt_date) => { true };
    (@is flag opt_text) => { true };
    (@is flag opt_sym) => { true };
    (@is list list) => { true };
    (@is $family:ident $kind:ident) => { false };

    // A field's value as its family reads it; the answer for no field last.
    (@get date date $s:ident $f:ident) => { Some($s.$f) };
    (@get date opt_date $s:ident $f:ident) => { $s.$f };
    (@get date) => { None };
    (@get text text $s:ident $f:ident) => { Some($s.$f.as_str()) };
    (@get text opt_text $s:ident $f:ident) => { $s.$f.as_deref() };
    (@get text) => { None };
    (@get sym sym $s:ident $f:ident) => { Some($s.$f) };
    (@get sym opt_sym $s:ident $f:ident) => { $s.$f };
    (@get sym) => { None };
    (@get flag bool $s:ident $f:ident) => { $s.$f };
    (@get flag $kind:ident $s:ident $f:ident) => { $s.$f.is_some() };
    (@get flag) => { false };
    (@get list list $s:ident $f:ident) => { $s.$f.len() };
    (@get list) => { 0 };

    // The read of field `i` of `family`: the fields of other kinds are left out as
    // the match is built, and a record with one field of the family reads it without
    // a test, as a hand-written accessor would.
    (@at $family:ident $s:ident $i:ident ($($fields:tt)*)) => {
        host_facts!(@keep $family $s $i [] $($fields)*)
    };
    (@keep $family:ident $s:ident $i:ident [$($kept:tt)*]) => {
        host_facts!(@match $family $s $i $($kept)*)
    };
    (@keep date $s:ident $i:ident [$($kept:tt)*] $f:ident date $($rest:tt)*) => { host_facts!(@keep date $s $i [$($kept)* ($f date)] $($rest)*) };
    (@keep date $s:ident $i:ident [$($kept:tt)*] $f:ident opt_date $($rest:tt)*) => { host_facts!(@keep date $s $i [$($kept)* ($f opt_date)] $($rest)*) };
    (@keep text $s:ident $i:ident [$($kept:tt)*] $f:ident text $($rest:tt)*) => { host_facts!(@keep text $s $i [$($kept)* ($f text)] $($rest)*) };
    (@keep text $s:ident $i:ident [$($kept:tt)*] $f:ident opt_text $($rest:tt)*) => { host_facts!(@keep text $s $i [$($kept)* ($f opt_text)] $($rest)*) };
    (@keep sym $s:ident $i:ident [$($kept:tt)*] $f:ident sym $($rest:tt)*) => { host_facts!(@keep sym $s $i [$($kept)* ($f sym)] $($rest)*) };
    (@keep sym $s:ident $i:ident [$($kept:tt)*] $f:ident opt_sym $($rest:tt)*) => { host_facts!(@keep sym $s $i [$($kept)* ($f opt_sym)] $($rest)*) };
    (@keep flag $s:ident $i:ident [$($kept:tt)*] $f:ident bool $($rest:tt)*) => { host_facts!(@keep flag $s $i [$($kept)* ($f bool)] $($rest)*) };
    (@keep flag $s:ident $i:ident [$($kept:tt)*] $f:ident opt_date $($rest:tt)*) => { host_facts!(@keep flag $s $i [$($kept)* ($f opt_date)] $($rest)*) };
    (@keep flag $s:ident $i:ident [$($kept:tt)*] $f:ident opt_text $($rest:tt)*) => { host_facts!(@keep flag $s $i [$($kept)* ($f opt_text)] $($rest)*) };
    (@keep flag $s:ident $i:ident [$($kept:tt)*] $f:ident opt_sym $($rest:tt)*) => { host_facts!(@keep flag $s $i [$($kept)* ($f opt_sym)] $($rest)*) };
    (@keep list $s:ident $i:ident [$($kept:tt)*] $f:ident list $($rest:tt)*) => { host_facts!(@keep list $s $i [$($kept)* ($f list)] $($rest)*) };
    (@keep $family:ident $s:ident $i:ident [$($kept:tt)*] $f:ident $kind:ident $($rest:tt)*) => { host_facts!(@keep $family $s $i [$($kept)*] $($rest)*) };
    (@match $family:ident $s:ident $i:ident) => {{ let _ = $i; host_facts!(@get $family) }};
    // The first field answers for any index the others do not take.
    (@match $family:ident $s:ident $i:ident ($first:ident $fkind:ident) $(($f:ident $kind:ident))*) => {
        match $i {
            $(i if i == Position::$f as u8 => host_facts!(@get $family $kind $s $f),)*
            _ => host_facts!(@get $family $fkind $s $first),
        }
    };
}
pub(crate) use host_facts;
