//! The HTTP pull API's wire format, shared by `shine serve` and `shine pull --from`.
//! These are boundary types: the engine's own types travel inside them only as the
//! sealed records, whose hashes the receiver checks.

use serde::{Deserialize, Serialize};
use shine_engine::star::{page_seal, Sealed, UnitCard};

/// The pull route, relative to the server's base URL.
pub const PULL: &str = "/api/v1/pull";
/// Bodies above this are refused with 413 before they are read.
pub const BODY_LIMIT: usize = 16 * 1024;
pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;

/// `POST /api/v1/pull`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullRequest {
    pub quarter: String,
    /// The unit pulled from; the server's top unit when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The cursor of the page: `next` of the page before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

/// One page of what a unit sent upward.
#[derive(Debug, Serialize, Deserialize)]
pub struct PullPage {
    pub quarter: String,
    pub from: UnitCard,
    pub records: Vec<Sealed>,
    pub total: usize,
    pub next: Option<usize>,
    /// [`PullPage::expected_seal`] under the puller's credential.
    pub seal: String,
}

impl PullPage {
    pub fn hashes(&self) -> Vec<&str> {
        self.records.iter().map(|s| s.content_hash.as_str()).collect()
    }

    /// The seal over this page under `key` (a credential's digest): the quarter, the
    /// page's place (`total`, `next`: a page cut short on the way is detected too) and
    /// every record's content hash.
    pub fn expected_seal(&self, key: &str) -> String {
        let place = format!("{}|{}|{}", self.quarter, self.total, self.next.map(|n| n.to_string()).unwrap_or_default());
        page_seal(key, &place, &self.hashes())
    }
}

/// The return route: the level above sends a recommendation back for correction.
pub const RETURNS: &str = "/api/v1/returns";

/// `POST /api/v1/returns`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    pub quarter: String,
    /// The record's key (university/branch/member), as pulled.
    pub key: String,
    pub reason: String,
}

/// Every refusal's body: `{"error": {"code", "message"}}` — a reason, never data (no
/// member, unit or token), in the same shape as the CLI's `--json` errors.
#[derive(Debug, Serialize, Deserialize)]
pub struct ApiError {
    pub error: ApiErrorBody,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub code: String,
    pub message: String,
}

/// A roster row as `GET /api/v1/units/{unit}/members` shows it: no history, no votes.
#[derive(Debug, Serialize, Deserialize)]
pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub identity: String,
    pub role: String,
    pub full: bool,
    pub branch: String,
}
