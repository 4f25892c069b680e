//! The kinds of unit of the organization tree, as the escalation file declares them
//! (`kinds`): each kind's id, its title, and the kinds it may sit under.
//!
//! Checked at load, every problem placed: ids unique, parents declared, exactly one
//! root kind (the one with no parent), and no loop of kinds sitting under each other
//! (petgraph `tarjan_scc`). With one root and no loop, every kind leads up to the
//! root. [`check_together`] checks the quarter workflow's `units` against them.
//! Which kinds exist and what they are called is the file's business; no kind id
//! is known here.

use std::collections::HashMap;

use petgraph::algo::tarjan_scc;
use petgraph::graphmap::DiGraphMap;

use super::check::{definitions, find, ids, repeated, span};
use super::error::{Item, Source, WorkflowError, WorkflowProblem as P};
use super::file::KindFile;

/// A kind of unit of the organization tree, as declared in the escalation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitKindDecl {
    pub id: String,
    pub title: String,
    /// The kinds a unit of this kind may sit under; empty for the root kind.
    pub parents: Vec<String>,
}

impl From<KindFile> for UnitKindDecl {
    fn from(kind: KindFile) -> Self {
        UnitKindDecl { id: kind.id, title: kind.title, parents: kind.parents }
    }
}

/// The checks of `kinds`: unique ids, declared parents, one root, no loop.
pub(crate) fn check_kinds(source: &Source<'_>, kinds: &[KindFile], errors: &mut Vec<WorkflowError>) {
    let places = definitions(source, "kinds:", kinds.iter().map(|kind| kind.id.as_str()));
    let declared = || kinds.iter().zip(places.iter().copied());
    for (id, place, first_line) in repeated(source, declared().map(|(kind, place)| (kind.id.as_str(), place))) {
        errors.push(source.error(span(place, id), P::DuplicateId { item: Item::Kind, id: id.to_string(), first_line }));
    }

    let known = || ids(kinds.iter().map(|kind| kind.id.as_str()));
    let is_kind = |id: &str| kinds.iter().any(|kind| kind.id == id);
    let mut graph: DiGraphMap<&str, ()> = DiGraphMap::new();
    for (kind, place) in declared() {
        graph.add_node(kind.id.as_str());
        for parent in &kind.parents {
            if is_kind(parent) {
                graph.add_edge(kind.id.as_str(), parent.as_str(), ());
            } else {
                let problem = P::UnknownParentKind { kind: kind.id.clone(), parent: parent.clone(), known: known() };
                errors.push(source.error(find(source, parent, place), problem));
            }
        }
    }

    // A kind declared twice is reported as such, not as a second root.
    let first = |i: usize, kind: &KindFile| kinds.iter().position(|other| other.id == kind.id) == Some(i);
    let roots: Vec<(&KindFile, Option<usize>)> =
        declared().enumerate().filter(|(i, (kind, _))| first(*i, kind) && kind.parents.is_empty()).map(|(_, item)| item).collect();
    match roots.as_slice() {
        [] => errors.push(source.error(source.key("kinds", 0), P::NoRootKind)),
        [_] => {}
        [(first, _), rest @ ..] => {
            for (second, place) in rest {
                let problem = P::SecondRootKind { first: first.id.clone(), second: second.id.clone() };
                errors.push(source.error(span(*place, &second.id), problem));
            }
        }
    }

    let order: HashMap<&str, usize> = kinds.iter().enumerate().map(|(i, kind)| (kind.id.as_str(), i)).collect();
    let mut loops: Vec<Vec<&str>> = tarjan_scc(&graph)
        .into_iter()
        .filter(|scc| scc.len() > 1 || graph.contains_edge(scc[0], scc[0]))
        .collect();
    for members in &mut loops {
        members.sort_by_key(|id| order.get(id).copied());
    }
    loops.sort_by_key(|members| order.get(members[0]).copied());
    for members in loops {
        let head = members[0];
        let place = order.get(head).and_then(|i| places[*i]);
        errors.push(source.error(span(place, head), P::KindLoop { kinds: ids(members.into_iter()) }));
    }
}
