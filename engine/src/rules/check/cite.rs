//! Citations: the notice's clauses and the other sources the rule files declare, and
//! each rule's and `annex` item's citation checked against them — the clause exists,
//! and the quoted text is the clause's own words unless the citation says whose words
//! they are (`per`).
//!
//! A rule set that declares no clause at all (one stored before clauses were declared)
//! has its citations left unchecked: there is nothing to check them against.

use super::super::ast::Item;
use super::super::diagnostic::{Choices, RuleProblem};
use super::super::{Attribution, CitedSource, NoticeClause};
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
                        let tested_as = c.tested_as.as_ref().map(|w| w.name.clone());
                        clauses.push(NoticeClause { id: c.id.name.clone(), text: c.text.clone(), context: c.context, location: format!("{}:{line}", rep.file), tested_as });
                    }
                    _ => {}
                }
            }
        }
        for (fi, (_, file)) in files.iter().enumerate() {
            for item in &file.items {
                match item {
                    Item::Rule(r) => self.citation(fi, &clauses, &r.clause, r.clause_span, r.per.as_ref(), &r.text, r.text_span),
                    Item::Annex(a) => {
                        let c = &a.cited;
                        self.citation(fi, &clauses, &c.clause, c.clause_span, c.per.as_ref(), &c.text, c.text_span);
                    }
                    _ => {}
                }
            }
        }
        // An emphasis quotes its clause as a rule does, and has no `per`: the notice's
        // words, or refused.
        for (fi, (_, file)) in files.iter().enumerate() {
            for item in &file.items {
                let Item::Emphasis(e) = item else { continue };
                if clauses.is_empty() {
                    continue;
                }
                let Some(clause) = clauses.iter().find(|c| c.id == e.clause) else {
                    let choices = Choices::among(&e.clause, clauses.iter().map(|c| c.id.as_str()));
                    self.err(fi, e.span, RuleProblem::UnknownClause { clause: e.clause.clone(), choices });
                    continue;
                };
                if let Err(piece) = verbatim(&e.text, &clause.text) {
                    let problem = RuleProblem::NotVerbatim { clause: e.clause.clone(), piece: piece.to_owned() };
                    self.err(fi, e.span, problem);
                }
            }
        }
        self.notice_declared = !clauses.is_empty();
        (clauses, self.sources.clone())
    }

    /// One citation of a rule or an `annex` item: the source after `per` is declared,
    /// the clause is one of `clauses` (when any is declared), and without `per` the
    /// text is the clause's own words.
    #[allow(clippy::too_many_arguments)] // a citation's parts, each with its place
    fn citation(&mut self, fi: usize, clauses: &[NoticeClause], clause: &str, clause_span: Span, per: Option<&ast::Ident>, text: &str, text_span: Span) {
        if let Some(per) = per {
            if self.cited_source(&per.name).is_none() {
                let choices = Choices::among(&per.name, self.sources.iter().map(|s| s.name.as_str()));
                self.err(fi, per.span, RuleProblem::UnknownSource { name: per.name.clone(), choices });
            }
        }
        if clauses.is_empty() {
            return;
        }
        let Some(declared) = clauses.iter().find(|c| c.id == clause) else {
            let choices = Choices::among(clause, clauses.iter().map(|c| c.id.as_str()));
            self.err(fi, clause_span, RuleProblem::UnknownClause { clause: clause.to_owned(), choices });
            return;
        };
        if per.is_none() {
            if let Err(piece) = verbatim(text, &declared.text) {
                self.err(fi, text_span, RuleProblem::NotVerbatim { clause: clause.to_owned(), piece: piece.to_owned() });
            }
        }
    }

    /// Whose words a citation quotes, once the citations are collected: the source
    /// after `per`, else the notice's (unchecked when no clause is declared).
    pub(super) fn attribution(&self, per: Option<&ast::Ident>) -> Attribution {
        match per.and_then(|p| self.cited_source(&p.name)) {
            Some(s) => Attribution::Source(Box::new(s)),
            None if self.notice_declared => Attribution::Notice,
            None => Attribution::Unchecked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::verbatim;
    use crate::rules::tests::{cited_edited as edited, cited_files, refused_problems as problems, shipped_files};
    use crate::rules::{Attribution, RuleProblem, RuleSet, SourceFile};

    #[test]
    fn shipped_rules_cite_clauses_that_exist_and_say_whose_words_they_quote() {
        let r = RuleSet::load(cited_files()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.clauses().len(), 31);
        assert!(r.clause("§3.4.x8").is_some_and(|c| !c.context));
        assert!(r.clause("§1").is_some_and(|c| c.context));
        let of = |name: &str| r.rule(name).map(|i| i.attribution.clone()).expect("rule");
        assert_eq!(of("x8"), Attribution::Notice);
        assert!(matches!(of("cap"), Attribution::Source(s) if s.name == "local" && s.label == "本校实施细则"));
        assert!(matches!(of("voter"), Attribution::Source(s) if s.label == "党章"));
    }

    #[test]
    fn a_rule_set_declaring_no_clause_leaves_its_citations_unchecked() {
        let r = RuleSet::load(shipped_files()).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.clauses().is_empty());
        assert_eq!(r.rule("x8").map(|i| i.attribution.clone()), Some(Attribution::Unchecked));
        assert!(matches!(r.rule("cap").map(|i| i.attribution.clone()), Some(Attribution::Source(_))));
    }

    #[test]
    fn a_quote_that_is_not_the_clauses_words_is_refused_at_the_quote() {
        let files = edited("recommendation.shine", |t| t.replace("cap §3.4 per local", "cap §3.4"));
        let found = problems(files);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0.ends_with("recommendation.shine:40:10"), "{found:?}");
        assert_eq!(found[0].1, RuleProblem::NotVerbatim { clause: "§3.4".into(), piece: "领导干部和支委至多占三分之一名额".into() });
    }

    #[test]
    fn a_clause_the_notice_lacks_and_an_undeclared_source_are_refused_where_written() {
        let files = edited("recommendation.shine", |t| t.replace("tie §3.4 per local", "tie §3.9 per locl"));
        let found = problems(files);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(matches!(&found[0].1, RuleProblem::UnknownClause { clause, .. } if clause == "§3.9"), "{found:?}");
        assert!(found[0].0.ends_with(":44:5"), "{found:?}");
        assert!(matches!(&found[1].1, RuleProblem::UnknownSource { name, choices } if name == "locl" && choices.closest.as_deref() == Some("local")), "{found:?}");
    }

    #[test]
    fn a_clause_or_source_declared_twice_is_refused() {
        let mut files = cited_files();
        files.push(SourceFile { name: "rules/more.shine".into(), text: "source local \"校规\"\nclause §1 context \"x\"\n".into() });
        let found: Vec<RuleProblem> = problems(files).into_iter().map(|(_, p)| p).collect();
        assert!(found.contains(&RuleProblem::SourceDeclaredTwice { name: "local".into() }), "{found:?}");
        assert!(found.contains(&RuleProblem::ClauseDeclaredTwice { clause: "§1".into() }), "{found:?}");
    }

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
