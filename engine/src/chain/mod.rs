//! The escalation chain at work (§4.2.b, §4.3.b–d): the records that travel upward,
//! each level's quarter folded from its events, and the operations of a level —
//! pull, file, publish, object, pick, return, resubmit, forward — plus what the public
//! page may show. The chain's shape comes from `workflows/escalation.ron`; its numbers
//! (how many to pick, how long the objection window) from the rules.

pub mod access;
pub mod days;
pub mod level;
mod ops;
pub mod record;

pub use access::{Credential, Issued};
pub use level::{Held, LevelState, Objection, Publication, Return, Standing};
pub use ops::{Display, LevelStatus, Outbox, PickCheck, Pulled, StarView, StepState, TrailStep};
pub use record::{page_seal, token_digest, Correction, DeedCard, MemberCard, PickNote, Sealed, StarRecord, UnitCard};
