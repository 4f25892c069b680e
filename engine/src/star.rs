//! What travels up the chain: one star as a level sends it, sealed with a content
//! hash over every field so that a record changed on the way is detected and refused;
//! and the seal over a page of records sent over HTTP.
//!
//! Records carry plain text only (no interned symbols): a record received from
//! another machine is untrusted input until its hash is checked. The record's JSON is
//! what its content hash covers, so its shape is part of the wire and of the event
//! log alike: a field is only ever added as optional and left out when empty, so that
//! records sealed by older versions keep their hashes.

use crate::domain::Quarter;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A unit of the organization, by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitCard {
    pub id: String,
    pub name: String,
}

/// The member a record is about, as the public may see them (the id is for the
/// levels, never shown on the public page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCard {
    pub id: String,
    pub name: String,
    /// 教师 / 学生 / 离退休同志 / 机关 / 后勤.
    pub identity: String,
    /// The role as the rules label it, e.g. 普通党员.
    pub role: String,
}

/// A registered deed (闪光言行) with its 五带头 kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeedCard {
    pub kind: String,
    pub date: chrono::NaiveDate,
    pub text: String,
    /// The deed's form as the rules name it, when one was given; absent from the
    /// sealed content otherwise, so stars sealed before forms existed keep their hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
}

/// A level's pick of this star, with its written reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickNote {
    /// The escalation level that picked, e.g. `general_branch`.
    pub level: String,
    pub unit: UnitCard,
    pub reason: String,
    /// The rules the pick was checked against, with their clauses.
    pub rules: Vec<String>,
}

/// A correction made after the record was returned: what the lower level changed and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub version: u32,
    pub returned_by: UnitCard,
    pub returned_for: String,
    pub reason: String,
}

/// One star of a branch's quarter, as it goes upward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StarRecord {
    pub quarter: Quarter,
    /// The university Party committee's name.
    pub university: String,
    /// From the university committee down to the branch.
    pub unit_path: Vec<UnitCard>,
    pub member: MemberCard,
    pub deeds: Vec<DeedCard>,
    /// The branch leader's comment (§3.3).
    pub comment: String,
    /// Votes in the round that seated the member, and ballots cast in that round.
    pub votes: i64,
    pub ballots: i64,
    /// The share of the votes as text (`75.0%`), as records sealed before the event
    /// log was versioned carried it; new records leave it out (the share is
    /// `votes / ballots`, shown by whoever renders the record).
    #[serde(rename = "share", default, skip_serializing_if = "Option::is_none")]
    pub recorded_share: Option<String>,
    /// The clause of every exclusion the member was checked against, e.g. `§3.4.x8`.
    pub clauses_checked: Vec<String>,
    /// The rule set the branch's quarter ran under.
    pub rules: String,
    /// 1, then one more for each resubmission after a return.
    pub version: u32,
    pub corrections: Vec<Correction>,
    /// Picks made on the way up, lowest level first.
    pub picks: Vec<PickNote>,
    /// A level that forwarded the record without picking as its `in principle` pick
    /// rule expects, and why (records sealed before this existed leave it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_pick: Option<NoPickNote>,
}

/// Why a level picked fewer than its pick rule expects in principle (原则上推荐一名).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoPickNote {
    pub level: String,
    pub unit: UnitCard,
    pub reason: String,
}

impl StarRecord {
    /// Identifies the star across levels and instances: university, branch, member.
    pub fn key(&self) -> String {
        let branch = self.unit_path.last().map(|u| u.id.as_str()).unwrap_or("");
        key(&self.university, branch, &self.member.id)
    }

    /// The branch that selected the star.
    pub fn branch(&self) -> Option<&UnitCard> {
        self.unit_path.last()
    }

    /// SHA-256 over the record's canonical JSON (fields in declaration order).
    pub fn content_hash(&self) -> String {
        let mut hasher = Sha256::new();
        // Writing plain data into a hasher cannot fail: no map keys that are not
        // strings, no I/O.
        let _ = serde_json::to_writer(HashWriter(&mut hasher), self);
        hex::encode(hasher.finalize())
    }
}

struct HashWriter<'h>(&'h mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The key of a star: the university's name, the branch's id, the member's id.
pub fn key(university: &str, branch: &str, member: &str) -> String {
    format!("{university}/{branch}/{member}")
}

/// A record with the hash it was sent with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    pub record: StarRecord,
    pub content_hash: String,
}

impl Sealed {
    pub fn seal(record: StarRecord) -> Sealed {
        let content_hash = record.content_hash();
        Sealed { record, content_hash }
    }

    /// The hash matches the content.
    pub fn intact(&self) -> bool {
        self.record.content_hash() == self.content_hash
    }
}

/// A seal over a whole page of records, keyed by the puller's credential: a party on
/// the way who does not hold the credential cannot recompute it after changing a
/// record and its content hash together. `key` is the SHA-256 of the token (what the
/// server stores); the message is the quarter and every content hash, in order.
pub fn page_seal(key: &str, quarter: &str, hashes: &[&str]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(quarter.as_bytes());
    for hash in hashes {
        mac.update(&[0u8]);
        mac.update(hash.as_bytes());
    }
    hex::encode(mac.finalize().into_bytes())
}

/// SHA-256 of a credential, as stored and as used for [`page_seal`].
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
#[path = "tests/star.rs"]
mod tests;
