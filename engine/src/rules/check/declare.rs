//! Declarations: enums, records and `facts` blocks, checked against the host
//! catalogue.

use super::super::ast::{self, Item, Span, TypeExpr};
use super::super::diagnostic::{Choices, RuleProblem};
use super::super::host::{HostRecord, HostTy};
use super::super::{EnumDecl, EnumVariant};
use super::*;

impl Checker<'_, '_> {
    /// The declared enum an item names (`emphasis identity …`), or the problem reported.
    pub(super) fn declared_enum(&mut self, fi: usize, name: &ast::Ident) -> Option<usize> {
        if let Some(&en) = self.enum_ix.get(&name.name) {
            return Some(en);
        }
        let names: Vec<String> = self.enums.iter().map(|d| d.name.clone()).collect();
        let choices = Choices::among(&name.name, names.iter().map(String::as_str));
        self.err(fi, name.span, RuleProblem::UnknownType { name: name.name.clone(), choices });
        None
    }

    /// Whether `name` is a variant of the declared enum `en`.
    pub(super) fn is_variant(&self, en: usize, name: &str) -> bool {
        self.enums[en].variants.iter().any(|x| x.name == name)
    }

    // ---- declarations ---------------------------------------------------------------

    pub(super) fn declare(&mut self) {
        let files = self.files;
        let mut recs: Vec<RecordSrc> = Vec::new();
        for (fi, (_, file)) in files.iter().enumerate() {
            for item in &file.items {
                match item {
                    Item::Enum(e) => {
                        if self.enum_ix.contains_key(&e.name.name) {
                            self.err(fi, e.name.span, RuleProblem::EnumDeclaredTwice { name: e.name.name.clone() });
                            continue;
                        }
                        let mut variants: Vec<EnumVariant> = Vec::new();
                        for (v, l) in &e.variants {
                            if variants.iter().any(|x| x.name == v.name) {
                                self.err(fi, v.span, RuleProblem::VariantListedTwice { variant: v.name.clone(), enum_name: e.name.name.clone() });
                                continue;
                            }
                            variants.push(EnumVariant { name: v.name.clone(), label: l.clone() });
                        }
                        self.enum_ix.insert(e.name.name.clone(), self.enums.len());
                        self.enums.push(EnumDecl { name: e.name.name.clone(), label: e.label.clone(), variants });
                    }
                    Item::Record(r) => {
                        let key = r.name.name.clone();
                        let dup = if r.is_facts {
                            HostRecord::root(&key).is_some_and(|h| self.facts_ix.contains_key(&h))
                        } else {
                            self.rec_ix.contains_key(&key)
                        };
                        if dup {
                            self.err(fi, r.name.span, RuleProblem::RecordDeclaredTwice { name: key });
                            continue;
                        }
                        let host = if r.is_facts {
                            match HostRecord::root(&key) {
                                Some(h) => Some(h),
                                None => {
                                    self.err(fi, r.name.span, RuleProblem::UnknownFacts { name: key, roots: HostRecord::roots().iter().map(|r| (*r).to_owned()).collect() });
                                    continue;
                                }
                            }
                        } else {
                            None
                        };
                        let ix = self.records.len();
                        self.records.push(RecordDecl { name: key.clone(), is_facts: r.is_facts, host, fields: Vec::new() });
                        if let Some(h) = host {
                            self.facts_ix.insert(h, ix);
                            if h == HostRecord::Member && !self.rec_ix.contains_key(&key) {
                                self.rec_ix.insert(key, ix);
                            }
                        } else {
                            self.rec_ix.insert(key, ix);
                        }
                        recs.push(RecordSrc { file: fi, item: r });
                    }
                    Item::Rule(_) | Item::Source(_) | Item::Clause(_) | Item::Emphasis(_) | Item::Annex(_) => {}
                }
            }
        }
        // Field types, now that every enum and record name is known.
        for rs in &recs {
            let mut fields = Vec::new();
            for f in &rs.item.fields {
                if fields.iter().any(|(n, _): &(String, Ty)| *n == f.name.name) {
                    self.err(rs.file, f.name.span, RuleProblem::FieldDeclaredTwice { field: f.name.name.clone() });
                    continue;
                }
                if let Some(t) = self.decl_ty(rs.file, &f.ty) {
                    fields.push((f.name.name.clone(), t));
                }
            }
            let rec_index = self.record_index_of(rs.item);
            self.records[rec_index].fields = fields;
        }
        // Compare with the host: facts first (they decide the hosts of listed records).
        let mut pending: Vec<(usize, usize, Span)> = Vec::new();
        for rs in &recs {
            let ri = self.record_index_of(rs.item);
            if self.records[ri].is_facts {
                pending.push((ri, rs.file, rs.item.name.span));
            }
        }
        let mut done: Vec<usize> = Vec::new();
        while let Some((ri, file, _)) = pending.pop() {
            if done.contains(&ri) {
                continue;
            }
            done.push(ri);
            let Some(host) = self.records[ri].host else { continue };
            let rs = recs.iter().find(|r| self.record_index_of(r.item) == ri);
            let Some(rs) = rs else { continue };
            let _ = file;
            let file = rs.file;
            for f in &rs.item.fields {
                let Some((_, t)) = self.records[ri].fields.iter().find(|(n, _)| *n == f.name.name).cloned() else { continue };
                let Some(ht) = host.field_ty(&f.name.name) else {
                    let choices = Choices::among(&f.name.name, host.field_names());
                    self.err(file, f.name.span, RuleProblem::FieldNotInEngine { record: rs.item.name.name.clone(), field: f.name.name.clone(), choices });
                    continue;
                };
                let ok = match (t.base, t.opt, ht) {
                    (Base::Bool, false, HostTy::Bool) | (Base::Int, false, HostTy::Int) | (Base::Date, false, HostTy::Date) | (Base::Date, true, HostTy::OptDate) => true,
                    (Base::Text | Base::Enum(_), false, HostTy::Text) | (Base::Text | Base::Enum(_), true, HostTy::OptText) => true,
                    (Base::List(r), _, HostTy::List(h)) => {
                        match self.records[r].host {
                            Some(existing) if existing != h => {
                                self.err(file, f.span, RuleProblem::RecordForTwoLists { record: self.records[r].name.clone() });
                            }
                            Some(_) => {}
                            None => {
                                self.records[r].host = Some(h);
                                pending.push((r, file, f.span));
                            }
                        }
                        // Records of `member` lists are checked through `facts member`.
                        true
                    }
                    _ => false,
                };
                if !ok {
                    let problem = RuleProblem::FieldTypeNotInEngine { field: f.name.name.clone(), declared: self.ty_name(t), engine: ht.into() };
                    self.err(file, f.span, problem);
                }
            }
        }
    }

    pub(super) fn record_index_of(&self, item: &ast::RecordItem) -> usize {
        if item.is_facts {
            HostRecord::root(&item.name.name).and_then(|h| self.facts_ix.get(&h).copied()).unwrap_or(0)
        } else {
            self.rec_ix.get(&item.name.name).copied().unwrap_or(0)
        }
    }

    pub(super) fn decl_ty(&mut self, file: usize, t: &TypeExpr) -> Option<Ty> {
        match t {
            TypeExpr::List(id) => match self.rec_ix.get(&id.name) {
                Some(&r) => Some(Ty::of(Base::List(r))),
                None => {
                    // In declaration order, so that the problem is the same every time.
                    let mut records: Vec<(usize, String)> = self.rec_ix.iter().map(|(n, i)| (*i, n.clone())).collect();
                    records.sort();
                    let records = records.into_iter().map(|(_, n)| n).collect();
                    self.err(file, id.span, RuleProblem::UnknownRecord { name: id.name.clone(), records });
                    None
                }
            },
            TypeExpr::Named { name, optional } => {
                let base = match name.name.as_str() {
                    "bool" => Base::Bool,
                    "int" => Base::Int,
                    "dec" => Base::Dec,
                    "date" => Base::Date,
                    "months" => Base::Months,
                    "text" => Base::Text,
                    n => match self.enum_ix.get(n) {
                        Some(&e) => Base::Enum(e),
                        None => {
                            let problem = if self.rec_ix.contains_key(n) { RuleProblem::RecordUsedAsType { name: n.to_owned() } } else {
                                let all = ["bool", "int", "dec", "date", "months", "text"].into_iter().chain(self.enums.iter().map(|e| e.name.as_str()));
                                RuleProblem::UnknownType { name: n.to_owned(), choices: Choices::among(n, all) }
                            };
                            self.err(file, name.span, problem);
                            return None;
                        }
                    },
                };
                Some(Ty { base, opt: *optional })
            }
        }
    }

    // ---- rules ----------------------------------------------------------------------

}
