//! `emphasis` items: the enum they name is declared, each variant is one of its
//! variants, and no variant has two emphases.

use super::super::ast::Item;
use super::super::diagnostic::RuleProblem;
use super::*;

impl Checker<'_, '_> {
    pub(super) fn emphases(&mut self) {
        let files = self.files;
        for (fi, (_, file)) in files.iter().enumerate() {
            for item in &file.items {
                let Item::Emphasis(e) = item else { continue };
                let Some(en) = self.declared_enum(fi, &e.enum_name) else { continue };
                let mut variants = Vec::new();
                for v in &e.variants {
                    if !self.is_variant(en, &v.name) {
                        self.unknown_variant(fi, v.span, &v.name, en);
                        continue;
                    }
                    let enum_name = self.enums[en].name.clone();
                    let taken = variants.contains(&v.name)
                        || self.emphases.iter().any(|x| x.enum_name == enum_name && x.variants.contains(&v.name));
                    if taken {
                        self.err(fi, v.span, RuleProblem::EmphasisTwice { variant: v.name.clone(), enum_name });
                        continue;
                    }
                    variants.push(v.name.clone());
                }
                let enum_name = self.enums[en].name.clone();
                self.emphases.push(Emphasis { enum_name, variants, clause: e.clause.clone(), text: e.text.clone() });
            }
        }
    }
}
