//! Filling the seats from the votes: rank, lean, cap, and what to do with a tie at
//! the last seat. Pure: the seats, the cap, the lean and the tie policy all come from
//! the rules; this module only applies them.
//!
//! Order: more votes first; at equal votes a member the `prefer` rule favours first.
//! Members with the same votes and the same preference form a group. Groups are seated
//! whole while seats (and, for members the `cap` rule counts, the cap) allow; a group
//! that does not fit is a tie, settled by the tie policy. A member with no vote at all
//! is never seated.

use crate::domain::MemberId;
use crate::rules::TiePolicy;
use serde::Serialize;

/// A candidate with their votes in the round and what the lean and cap rules say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contender {
    pub member: MemberId,
    pub votes: i64,
    pub preferred: bool,
    pub capped: bool,
}

/// Why a candidate did or did not get a seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Seated,
    /// Tied at the last seat; goes to a runoff.
    Tied,
    /// Tied at the last seat and seated under the `exceed` policy.
    SeatedOnTie,
    /// Tied at the last seat and left out under the `drop` policy.
    DroppedOnTie,
    /// Would have been seated, but the cap on capped members was reached.
    CapReached,
    /// Ranked below the last seat.
    BelowLine,
    /// As many votes as a member seated, ranked below by the lean (`prefer`).
    BehindOnLean,
    /// Received no vote.
    NoVotes,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub member: MemberId,
    pub votes: i64,
    /// 1-based; equal votes and preference share a place.
    pub place: usize,
    pub preferred: bool,
    pub capped: bool,
    pub outcome: Outcome,
}

impl Ranked {
    /// The lean (`prefer`) ranked this member behind another with as many votes,
    /// whether or not that one was seated: they are not favoured and someone in
    /// `ranking` with the same votes is.
    pub fn behind_on_lean<'a>(&self, ranking: impl IntoIterator<Item = &'a Ranked>) -> bool {
        !self.preferred && ranking.into_iter().any(|r| r.preferred && r.votes == self.votes && r.member != self.member)
    }
}

/// A runoff to hold: `seats` among `tied`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Runoff {
    pub seats: i64,
    pub tied: Vec<MemberId>,
}

/// The result of one round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Selection {
    pub seats: i64,
    /// How many capped members this round could still seat; `None` without a cap rule.
    pub cap_room: Option<i64>,
    pub ranking: Vec<Ranked>,
    /// Seated in this round.
    pub seated: Vec<MemberId>,
    pub runoff: Option<Runoff>,
}

/// Fill `seats` from `contenders`.
pub fn select(mut contenders: Vec<Contender>, seats: i64, cap_room: Option<i64>, tie: TiePolicy) -> Selection {
    // Stable sort: within a group the caller's order (roster order) is kept for display.
    contenders.sort_by(|a, b| b.votes.cmp(&a.votes).then(b.preferred.cmp(&a.preferred)));
    let mut ranking: Vec<Ranked> = Vec::with_capacity(contenders.len());
    let mut seated = Vec::new();
    let mut runoff = Runoff { seats: 0, tied: Vec::new() };
    let mut remaining = seats.max(0);
    let mut room = cap_room;

    let mut start = 0;
    while start < contenders.len() {
        let key = (contenders[start].votes, contenders[start].preferred);
        let end = start + contenders[start..].iter().take_while(|c| (c.votes, c.preferred) == key).count();
        let place = start + 1;
        let group = &contenders[start..end];
        let mut outcomes = vec![Outcome::BelowLine; group.len()];

        if key.0 <= 0 {
            outcomes.fill(Outcome::NoVotes);
        } else {
            // Members the cap does not count go first: they cost no room under the cap.
            for counted in [false, true] {
                let idx: Vec<usize> = (0..group.len()).filter(|&i| group[i].capped == counted).collect();
                if idx.is_empty() {
                    continue;
                }
                let limit = match (counted, room) {
                    (true, Some(r)) => remaining.min(r.max(0)),
                    _ => remaining,
                };
                let n = idx.len() as i64;
                if limit <= 0 {
                    let why = if counted && remaining > 0 { Outcome::CapReached } else { Outcome::BelowLine };
                    idx.iter().for_each(|&i| outcomes[i] = why);
                    continue;
                }
                let (outcome, used) = if n <= limit {
                    (Outcome::Seated, n)
                } else {
                    match tie {
                        TiePolicy::Runoff => {
                            runoff.seats += limit;
                            (Outcome::Tied, limit)
                        }
                        TiePolicy::Exceed => (Outcome::SeatedOnTie, limit),
                        TiePolicy::Drop => (Outcome::DroppedOnTie, limit),
                    }
                };
                for &i in &idx {
                    outcomes[i] = outcome;
                    match outcome {
                        Outcome::Seated | Outcome::SeatedOnTie => seated.push(group[i].member.clone()),
                        Outcome::Tied => runoff.tied.push(group[i].member.clone()),
                        _ => {}
                    }
                }
                remaining -= used;
                if counted {
                    room = room.map(|r| r - used);
                }
            }
        }
        for (c, outcome) in group.iter().zip(outcomes) {
            ranking.push(Ranked {
                member: c.member.clone(),
                votes: c.votes,
                place,
                preferred: c.preferred,
                capped: c.capped,
                outcome,
            });
        }
        start = end;
    }
    // Name the lean where it decided: same votes as someone seated, ranked below.
    let seated_votes: Vec<i64> = ranking.iter().filter(|r| matches!(r.outcome, Outcome::Seated | Outcome::SeatedOnTie)).map(|r| r.votes).collect();
    for r in ranking.iter_mut().filter(|r| r.outcome == Outcome::BelowLine && !r.preferred) {
        if seated_votes.contains(&r.votes) {
            r.outcome = Outcome::BehindOnLean;
        }
    }
    Selection {
        seats,
        cap_room,
        ranking,
        seated,
        runoff: (!runoff.tied.is_empty()).then_some(runoff),
    }
}

#[cfg(test)]
#[path = "tests/tally.rs"]
mod tests;
