//! Integration tests of `shine`, one binary, named after the notice's clauses.
//! Each module runs the real binary (see `support`) on a temp store.

#[path = "notice/support.rs"]
mod support;

#[path = "notice/exclusions.rs"]
mod exclusions;

#[path = "notice/recommendation.rs"]
mod recommendation;

#[path = "notice/definitions.rs"]
mod definitions;

#[path = "notice/workflow.rs"]
mod workflow;

#[path = "notice/history.rs"]
mod history;

#[path = "notice/chain.rs"]
mod chain;

#[path = "notice/display.rs"]
mod display;

#[path = "notice/serve.rs"]
mod serve;

#[path = "notice/province_demo.rs"]
mod province_demo;

#[path = "notice/upgrade.rs"]
mod upgrade;

#[path = "notice/cli.rs"]
mod cli;

#[path = "notice/vocabulary.rs"]
mod vocabulary;

#[path = "notice/crash.rs"]
mod crash;

#[path = "notice/transport.rs"]
mod transport;

#[path = "notice/hygiene.rs"]
mod hygiene;

#[path = "notice/robustness.rs"]
mod robustness;

#[path = "notice/sources.rs"]
mod sources;

#[path = "notice/readback.rs"]
mod readback;

#[path = "notice/calendar.rs"]
mod calendar;

#[path = "notice/findings.rs"]
mod findings;

#[path = "notice/meeting.rs"]
mod meeting;

#[path = "notice/explain.rs"]
mod explain;
#[path = "notice/roster.rs"]
mod roster;

#[path = "notice/sessions.rs"]
mod sessions;

#[path = "notice/web.rs"]
mod web;

#[path = "notice/secrecy.rs"]
mod secrecy;

#[path = "notice/overview.rs"]
mod overview;

#[path = "notice/webdriver.rs"]
mod webdriver;

#[path = "notice/browser.rs"]
mod browser;

#[path = "notice/deeds.rs"]
mod deeds;
#[path = "notice/webvote.rs"]
mod webvote;

#[path = "notice/spreadsheet.rs"]
mod spreadsheet;

// What the Party office files and prints: `shine export` (xlsx and A4 pages).
#[path = "notice/exports.rs"]
mod exports;

#[path = "notice/templates.rs"]
mod templates;

#[path = "notice/forms.rs"]
mod forms;
