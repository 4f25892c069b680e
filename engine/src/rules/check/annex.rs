//! `annex` items, the column of an enum on the notice's form: the enum they name is
//! declared, each variant and each value printed (`as`) is one of its variants, no
//! variant is given its place twice, every value printed is one the form takes, and
//! every variant of the enum is on the form or printed as a value on it — so that the
//! form never prints a value it does not take. Their citations are checked with the
//! rules' (`cite`).

use super::super::ast::Item;
use super::super::diagnostic::RuleProblem;
use super::*;

/// The first `annex` item of an enum, where a variant left off the form is reported.
struct Column {
    en: usize,
    file: usize,
    span: Span,
}

impl Checker<'_, '_> {
    pub(super) fn annexes(&mut self) {
        let files = self.files;
        let mut columns: Vec<Column> = Vec::new();
        // (enum, variant) given a place, in file order.
        let mut placed: Vec<(usize, String)> = Vec::new();
        let mut printed: Vec<(usize, usize, &ast::Ident)> = Vec::new();
        for (fi, (rep, file)) in files.iter().enumerate() {
            for item in &file.items {
                let Item::Annex(a) = item else { continue };
                let Some(en) = self.declared_enum(fi, &a.enum_name) else { continue };
                if !columns.iter().any(|c| c.en == en) {
                    columns.push(Column { en, file: fi, span: a.enum_name.span });
                }
                let mut variants = Vec::new();
                for v in &a.variants {
                    if !self.is_variant(en, &v.name) {
                        self.unknown_variant(fi, v.span, &v.name, en);
                        continue;
                    }
                    if placed.iter().any(|(e, x)| *e == en && *x == v.name) {
                        let enum_name = self.enums[en].name.clone();
                        self.err(fi, v.span, RuleProblem::AnnexVariantTwice { variant: v.name.clone(), enum_name });
                        continue;
                    }
                    placed.push((en, v.name.clone()));
                    variants.push(v.name.clone());
                }
                if let Some(p) = &a.printed_as {
                    if self.is_variant(en, &p.name) {
                        printed.push((fi, en, p));
                    } else {
                        self.unknown_variant(fi, p.span, &p.name, en);
                    }
                }
                let (line, _) = super::super::diagnostic::line_col(rep.text, a.span.start);
                self.annexes.push(AnnexRule {
                    enum_name: self.enums[en].name.clone(),
                    variants,
                    printed_as: a.printed_as.as_ref().map(|p| p.name.clone()),
                    clause: a.cited.clause.clone(),
                    text: a.cited.text.clone(),
                    attribution: self.attribution(a.cited.per.as_ref()),
                    location: format!("{}:{line}", rep.file),
                });
            }
        }
        for (fi, en, p) in printed {
            let on_form = self.on_form(en);
            if !on_form.contains(&p.name) {
                let enum_name = self.enums[en].name.clone();
                self.err(fi, p.span, RuleProblem::AnnexNotOnForm { printed: p.name.clone(), enum_name, on_form });
            }
        }
        for c in columns {
            let unprinted: Vec<String> = self.enums[c.en].variants.iter().filter(|v| !placed.iter().any(|(e, x)| *e == c.en && *x == v.name)).map(|v| v.name.clone()).collect();
            if !unprinted.is_empty() {
                let (enum_name, on_form) = (self.enums[c.en].name.clone(), self.on_form(c.en));
                self.err(c.file, c.span, RuleProblem::AnnexUnprinted { enum_name, variants: unprinted, on_form });
            }
        }
    }

    /// The values the form takes in the enum's column, as the items without `as` list
    /// them, in file order.
    fn on_form(&self, en: usize) -> Vec<String> {
        let name = &self.enums[en].name;
        self.annexes.iter().filter(|a| &a.enum_name == name && a.printed_as.is_none()).flat_map(|a| a.variants.iter().cloned()).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::{cited_edited, cited_files, refused_problems as problems};
    use crate::rules::{Attribution, RuleProblem, RuleSet, SourceFile};

    /// The shipped files with `edit` applied to rules/facts.shine.
    fn facts_edited(edit: impl Fn(&str) -> String) -> Vec<SourceFile> {
        cited_edited("/facts.shine", edit)
    }

    /// Where `needle` starts in the edited facts.shine, as a problem's position.
    fn at(files: &[SourceFile], needle: &str) -> String {
        let text = &files.iter().find(|f| f.name.ends_with("/facts.shine")).expect("facts.shine").text;
        let offset = text.find(needle).unwrap_or_else(|| panic!("{needle}"));
        crate::place::Place::locate("rules/facts.shine", text, offset..offset).position()
    }

    const MAPPING: &str = "annex identity 机关, 后勤 as 教师";

    #[test]
    fn annex_shipped_rules_print_office_and_logistics_members_as_teachers_under_a_local_rule() {
        let r = RuleSet::load(cited_files()).unwrap_or_else(|e| panic!("{e}"));
        let form = r.on_form("member", "identity", "后勤").expect("on the form");
        assert_eq!(form.printed.name, "教师");
        let rule = form.mapped_by.expect("mapped");
        assert_eq!((rule.clause.as_str(), rule.variants.clone()), ("§附件", vec!["机关".to_owned(), "后勤".to_owned()]));
        assert!(matches!(&rule.attribution, Attribution::Source(s) if s.name == "local"), "{rule:?}");
        assert!(rule.location.starts_with("rules/facts.shine:"), "{rule:?}");
        let student = r.on_form("member", "identity", "学生").expect("on the form");
        assert_eq!((student.printed.name.as_str(), student.mapped_by), ("学生", None));
        assert_eq!(r.on_form("member", "identity", "研究生"), None, "no variant, no value on the form");
        assert_eq!(r.on_form("member", "role", "ordinary"), None, "the form has no column for the role");
        let column: Vec<&str> = r.form_column("member", "identity").iter().flat_map(|a| a.variants.iter().map(String::as_str)).collect();
        assert_eq!(column, ["教师", "学生", "离退休同志"]);
        assert_eq!(r.form_column("member", "identity")[0].attribution, Attribution::Notice);
        // The annex is a clause of the notice whose tests are named `annex_…`.
        let annex = r.clause("§附件").expect("§附件");
        assert!(annex.text.contains("\t党员身份\n 备注："), "{annex:?}");
        assert_eq!(annex.test_prefix().as_deref(), Some("annex"));
        assert_eq!(r.clause("§3.4.x8").and_then(|c| c.test_prefix()).as_deref(), Some("s3_4_x8"));
    }

    #[test]
    fn annex_a_variant_neither_on_the_form_nor_mapped_is_refused_at_the_form_s_column() {
        let files = facts_edited(|t| t.replace(MAPPING, "annex identity 机关 as 教师"));
        let found = problems(files.clone());
        let column = at(&files, "identity 教师, 学生");
        assert_eq!(found, [(column, RuleProblem::AnnexUnprinted { enum_name: "identity".into(), variants: vec!["后勤".into()], on_form: vec!["教师".into(), "学生".into(), "离退休同志".into()] })]);
        // A variant the enum gains is refused the same way.
        let files = facts_edited(|t| t.replace("机关, 后勤 }", "机关, 后勤, 研究生 }"));
        assert!(matches!(&problems(files)[..], [(_, RuleProblem::AnnexUnprinted { variants, .. })] if variants == &["研究生"]));
    }

    #[test]
    fn annex_a_variant_mapped_twice_or_both_on_the_form_and_mapped_is_refused_where_written_again() {
        let files = facts_edited(|t| format!("{t}annex identity 后勤 as 学生 §附件 per local \"后勤填学生\"\nannex identity 学生 as 教师 §附件 per local \"学生填教师\"\n"));
        let found = problems(files.clone());
        let twice = |variant: &str| RuleProblem::AnnexVariantTwice { variant: variant.into(), enum_name: "identity".into() };
        assert_eq!(found, [(at(&files, "后勤 as 学生"), twice("后勤")), (at(&files, "学生 as 教师"), twice("学生"))]);
    }

    #[test]
    fn annex_a_mapping_onto_a_value_the_form_does_not_take_is_refused_at_that_value() {
        let files = facts_edited(|t| t.replace(MAPPING, "annex identity 机关, 后勤 as 机关"));
        let found = problems(files.clone());
        let not_on_form = RuleProblem::AnnexNotOnForm { printed: "机关".into(), enum_name: "identity".into(), on_form: vec!["教师".into(), "学生".into(), "离退休同志".into()] };
        // 机关 is then both mapped and printed raw: the value is refused, and it is unprinted.
        assert!(found.contains(&(at(&files, "机关 §附件"), not_on_form)), "{found:?}");
    }

    #[test]
    fn annex_an_unknown_enum_or_variant_and_a_quote_not_the_notice_s_are_refused_all_at_once() {
        let files = facts_edited(|t| {
            let t = t.replace(MAPPING, "annex identity 机关, 后勤, 研究生 as 老师");
            format!("{t}annex identiti 教师 §附件 per local \"x\"\nannex role secretary §附件 \"秘书\"\n")
        });
        let found = problems(files.clone());
        let kinds: Vec<(&str, String)> = found
            .iter()
            .map(|(place, p)| {
                let kind = match p {
                    RuleProblem::UnknownVariant { name, .. } => name.as_str(),
                    RuleProblem::UnknownType { name, .. } => name.as_str(),
                    RuleProblem::NotVerbatim { .. } => "not_verbatim",
                    RuleProblem::AnnexUnprinted { .. } => "unprinted",
                    other => panic!("{other:?}"),
                };
                (kind, place.clone())
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("研究生", at(&files, "研究生 as")),
                ("老师", at(&files, "老师")),
                ("identiti", at(&files, "identiti")),
                // A column for the role with one variant on it leaves the others unprinted.
                ("unprinted", at(&files, "role secretary")),
                ("not_verbatim", at(&files, "\"秘书\"")),
            ],
            "{found:?}"
        );
    }
}
