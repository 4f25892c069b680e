//! Citations: the notice's clauses and the other sources the rule files declare, and
//! each rule's citation checked against them — the clause exists, and the quoted text
//! is the clause's own words unless the rule says whose words they are (`per`).
//!
//! A rule set that declares no clause at all (one stored before clauses were declared)
//! has its citations left unchecked: there is nothing to check them against.

use super::super::ast::Item;
use super::super::diagnostic::{Choices, RuleProblem};
use super::super::{CitedSource, NoticeClause};
use super::*;

/// What joins verbatim pieces of one clause in a quotation.
pub(crate) const ELLIPSIS: &str = "……";

/// Whether `quote` is `clause_text`'s own words: each piece between `……`, in order.
/// `Err` holds the first piece not found.
pub(crate) fn verbatim<'q>(quote: &'q str, clause_text: &str) -> Result<(), &'q str> {
    let mut rest = clause_text;
    if quote.trim().is_empty() {
        return Err(quote);
    }
    for piece in quote.split(ELLIPSIS) {
        if piece.is_empty() {
            continue;
        }
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return Err(piece),
        }
    }
    Ok(())
}

impl Checker<'_, '_> {
    /// The declared source named `name` (after `per`).
    pub(super) fn cited_source(&self, name: &str) -> Option<CitedSource> {
        self.sources.iter().find(|s| s.name == name).cloned()
    }

    /// Collect the clauses and sources, then check every rule's citation.
    pub(super) fn citations(&mut self) -> (Vec<NoticeClause>, Vec<CitedSource>) {
        let files = self.files;
        let mut clauses: Vec<NoticeClause> = Vec::new();
        for (fi, (rep, file)) in files.iter().enumerate() {
            for item in &file.items {
                match item {
                    Item::Source(s) => {
                        if self.sources.iter().any(|o| o.name == s.name.name) {
                            self.err(fi, s.name.span, RuleProblem::SourceDeclaredTwice { name: s.name.name.clone() });
                            continue;
                        }
                        self.sources.push(CitedSource { name: s.name.name.clone(), label: s.label.clone() });
                    }
                    Item::Clause(c) => {
                        if clauses.iter().any(|o| o.id == c.id.name) {
                            self.err(fi, c.id.span, RuleProblem::ClauseDeclaredTwice { clause: c.id.name.clone() });
                            continue;
                        }
                        let (line, _) = super::super::diagnostic::line_col(rep.text, c.span.start);
                        clauses.push(NoticeClause { id: c.id.name.clone(), text: c.text.clone(), context: c.context, location: format!("{}:{line}", rep.file) });
                    }
                    _ => {}
                }
            }
        }
        for (fi, (_, file)) in files.iter().enumerate() {
            for item in &file.items {
                let Item::Rule(r) = item else { continue };
                if let Some(per) = &r.per {
                    if self.cited_source(&per.name).is_none() {
                        let choices = Choices::among(&per.name, self.sources.iter().map(|s| s.name.as_str()));
                        self.err(fi, per.span, RuleProblem::UnknownSource { name: per.name.clone(), choices });
                    }
                }
                if clauses.is_empty() {
                    continue;
                }
                let Some(clause) = clauses.iter().find(|c| c.id == r.clause) else {
                    let choices = Choices::among(&r.clause, clauses.iter().map(|c| c.id.as_str()));
                    self.err(fi, r.clause_span, RuleProblem::UnknownClause { clause: r.clause.clone(), choices });
                    continue;
                };
                if r.per.is_none() {
                    if let Err(piece) = verbatim(&r.text, &clause.text) {
                        let problem = RuleProblem::NotVerbatim { clause: r.clause.clone(), piece: piece.to_owned() };
                        self.err(fi, r.text_span, problem);
                    }
                }
            }
        }
        self.notice_declared = !clauses.is_empty();
        (clauses, self.sources.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::verbatim;

    #[test]
    fn a_quote_is_verbatim_when_its_pieces_appear_in_order() {
        let clause = "党支部召开专题组织生活会前，要及时向上级党组织报告，上级党组织一般应派员列席。";
        assert_eq!(verbatim("要及时向上级党组织报告", clause), Ok(()));
        assert_eq!(verbatim("党支部召开……上级党组织一般应派员列席", clause), Ok(()));
        assert_eq!(verbatim("上级党组织一般应派员列席……党支部召开", clause), Err("党支部召开"));
        assert_eq!(verbatim("至多占三分之一名额", clause), Err("至多占三分之一名额"));
        assert_eq!(verbatim("", clause), Err(""));
    }
}
