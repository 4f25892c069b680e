//! Expressions: names, fields, literals, operators, functions and aggregates, each
//! given its type or reported.

use super::super::ast::{self, AggKind, BinOp, ExprKind, Ident, Span};
use super::super::diagnostic::{Arguments, Choices, RuleProblem, Wanted};
use super::super::host::HostRecord;
use super::*;

impl Checker<'_, '_> {
    pub(super) fn expect(&mut self, e: &ast::Expr, cx: Ctx, base: Base, wanted: Wanted) -> Option<TExpr> {
        let t = self.expr(e, cx, None)?;
        let t = if t.ty.base == base && !t.ty.opt { t } else {
            let problem = RuleProblem::WrongType { wanted, expr: self.src(e.span, cx.file), found: self.ty_name(t.ty) };
            self.err(cx.file, e.span, problem);
            return None;
        };
        Some(t)
    }

    pub(super) fn src(&self, sp: Span, file: usize) -> String {
        sp.text(self.files[file].0.text).to_string()
    }

    pub(super) fn expr(&mut self, e: &ast::Expr, cx: Ctx, hint: Option<usize>) -> Option<TExpr> {
        let sp = e.span;
        let lit = |kind: Lit, base: Base| Some(TExpr::new(TKind::Lit(kind), Ty::of(base), sp));
        match &e.kind {
            ExprKind::Bool(b) => lit(Lit::Bool(*b), Base::Bool),
            ExprKind::Int(n) => lit(Lit::Num(*n), Base::Int),
            ExprKind::Dec(n) => lit(Lit::Num(*n), Base::Dec),
            ExprKind::Months(n) => lit(Lit::Num(*n), Base::Months),
            ExprKind::Date(d) => lit(Lit::Date(*d), Base::Date),
            ExprKind::Str(s) => {
                if let Some(en) = hint {
                    if !self.enums[en].variants.iter().any(|v| v.name == *s) {
                        self.unknown_variant(cx.file, sp, s, en);
                        return None;
                    }
                    return lit(Lit::Text(s.clone()), Base::Enum(en));
                }
                lit(Lit::Text(s.clone()), Base::Text)
            }
            ExprKind::Name(n) => self.name(n, sp, cx, hint),
            ExprKind::Field(base, f) => self.field(base, f, cx),
            ExprKind::Neg(x) => {
                let t = self.expr(x, cx, None)?;
                if !matches!(t.ty.base, Base::Int | Base::Dec | Base::Months) {
                    self.err(cx.file, sp, RuleProblem::CannotNegate { expr: self.src(x.span, cx.file), found: self.ty_name(t.ty) });
                    return None;
                }
                Some(TExpr::new(TKind::Neg(Box::new(t.clone())), t.ty, sp))
            }
            ExprKind::Not(x) => {
                let t = self.bool_operand(x, cx, "not")?;
                Some(TExpr::new(TKind::Not(Box::new(t)), Ty::of(Base::Bool), sp))
            }
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                let ta = self.bool_operand(a, cx, op.symbol());
                let tb = self.bool_operand(b, cx, op.symbol());
                let (ta, tb) = (ta?, tb?);
                let kind = if *op == BinOp::And { TKind::And(Box::new(ta), Box::new(tb)) } else { TKind::Or(Box::new(ta), Box::new(tb)) };
                Some(TExpr::new(kind, Ty::of(Base::Bool), sp))
            }
            ExprKind::Binary(op, a, b) if op.is_comparison() => self.compare(*op, a, b, sp, cx),
            ExprKind::Binary(op, a, b) => self.arith(*op, a, b, sp, cx),
            ExprKind::Is(x, some) => {
                let t = self.expr(x, cx, None)?;
                if !t.ty.opt {
                    self.err(cx.file, sp, RuleProblem::NeverMissing { expr: self.src(x.span, cx.file), some: *some });
                    return None;
                }
                Some(TExpr::new(TKind::Is(Box::new(t), *some), Ty::of(Base::Bool), sp))
            }
            ExprKind::In(x, items) => {
                let t = self.expr(x, cx, None)?;
                let en = match t.ty.base {
                    Base::Enum(en) => Some(en),
                    Base::Text => None,
                    _ => {
                        self.err(cx.file, x.span, RuleProblem::InNeedsText { expr: self.src(x.span, cx.file), found: self.ty_name(t.ty) });
                        return None;
                    }
                };
                let mut vals = Vec::new();
                for it in items {
                    match &it.kind {
                        ExprKind::Str(s) if en.is_none() => vals.push(s.clone()),
                        ExprKind::Str(s) | ExprKind::Name(s) if en.is_some() => {
                            let en = en.unwrap_or(0);
                            if self.enums[en].variants.iter().any(|v| v.name == *s) {
                                vals.push(s.clone());
                            } else {
                                self.unknown_variant(cx.file, it.span, s, en);
                            }
                        }
                        _ => self.err(cx.file, it.span, RuleProblem::NotAFixedValue { expr: self.src(it.span, cx.file) }),
                    }
                }
                Some(TExpr::new(TKind::In(Box::new(t), vals), Ty::of(Base::Bool), sp))
            }
            ExprKind::Call(f, args) => self.call(f, args, sp, cx),
            ExprKind::Agg { kind, var, list, filter, pred } => self.agg(*kind, var, list, filter.as_deref(), pred.as_deref(), sp, cx),
        }
    }

    pub(super) fn unknown_variant(&mut self, file: usize, sp: Span, name: &str, en: usize) {
        let d = &self.enums[en];
        let choices = Choices::among(name, d.variants.iter().map(|v| v.name.as_str()));
        let problem = RuleProblem::UnknownVariant { name: name.to_owned(), enum_name: d.name.clone(), choices };
        self.err(file, sp, problem);
    }

    pub(super) fn bool_operand(&mut self, x: &ast::Expr, cx: Ctx, op: &str) -> Option<TExpr> {
        let t = self.expr(x, cx, None)?;
        if t.ty != Ty::of(Base::Bool) {
            self.err(cx.file, x.span, RuleProblem::NotACondition { operator: op.to_owned(), expr: self.src(x.span, cx.file), found: self.ty_name(t.ty) });
            return None;
        }
        Some(t)
    }

    pub(super) fn name(&mut self, n: &str, sp: Span, cx: Ctx, hint: Option<usize>) -> Option<TExpr> {
        match n {
            "excluded" if cx.excluded => return Some(TExpr::new(TKind::Excluded, Ty::of(Base::Bool), sp)),
            "quota" if cx.quota => return Some(TExpr::new(TKind::Quota, Ty::of(Base::Int), sp)),
            _ => {}
        }
        if let Some(en) = hint {
            if self.enums[en].variants.iter().any(|v| v.name == n) {
                return Some(TExpr::new(TKind::Lit(Lit::Text(n.to_string())), Ty::of(Base::Enum(en)), sp));
            }
            self.unknown_variant(cx.file, sp, n, en);
            return None;
        }
        let problem = match (n, HostRecord::root(n)) {
            ("excluded", _) => RuleProblem::ExcludedOutsideCandidate,
            ("quota", _) => RuleProblem::QuotaOutsideCap,
            ("member", _) if !cx.member => RuleProblem::MemberInBranchRule,
            (_, Some(h)) => match self.facts_ix.get(&h) {
                Some(&r) => RuleProblem::RootWithoutField { root: n.to_owned(), fields: self.records[r].fields.iter().map(|(f, _)| f.clone()).collect() },
                None => RuleProblem::UndeclaredFacts { root: n.to_owned() },
            },
            _ => {
                // The names this rule can read: declared roots, the bound element,
                // `excluded` and `quota` where they are allowed.
                let roots = HostRecord::roots().iter().copied().filter(|r| HostRecord::root(r).is_some_and(|h| self.facts_ix.contains_key(&h) && (h != HostRecord::Member || cx.member)));
                let var = self.current_var.as_deref().filter(|_| cx.var.is_some());
                let names = roots.chain(var).chain(cx.excluded.then_some("excluded")).chain(cx.quota.then_some("quota"));
                RuleProblem::UnknownName { name: n.to_owned(), choices: Choices::among(n, names) }
            }
        };
        self.err(cx.file, sp, problem);
        None
    }

    pub(super) fn field(&mut self, base: &ast::Expr, f: &Ident, cx: Ctx) -> Option<TExpr> {
        let ExprKind::Name(root) = &base.kind else {
            self.err(cx.file, base.span, RuleProblem::NoFields { expr: self.src(base.span, cx.file) });
            return None;
        };
        let (src, rec) = if let (Some(r), true) = (cx.var, self.current_var.as_deref() == Some(root.as_str())) {
            (Src::Var, r)
        } else if let Some(h) = HostRecord::root(root) {
            if h == HostRecord::Member && !cx.member {
                self.name("member", base.span, cx, None);
                return None;
            }
            match self.facts_ix.get(&h) {
                Some(&r) => (Src::Root(h), r),
                None => {
                    self.err(cx.file, base.span, RuleProblem::UndeclaredFacts { root: root.clone() });
                    return None;
                }
            }
        } else {
            self.name(root, base.span, cx, None);
            return None;
        };
        let rd = &self.records[rec];
        let Some((_, ty)) = rd.fields.iter().find(|(n, _)| *n == f.name) else {
            let choices = Choices::among(&f.name, rd.fields.iter().map(|(n, _)| n.as_str()));
            let problem = RuleProblem::UnknownField { of: self.src(base.span, cx.file), record: rd.name.clone(), field: f.name.clone(), choices };
            self.err(cx.file, f.span, problem);
            return None;
        };
        let host = rd.host.unwrap_or(HostRecord::Member);
        let ty = *ty;
        Some(TExpr::new(TKind::Field(src, host, f.name.clone()), ty, Span::new(base.span.start, f.span.end)))
    }

    pub(super) fn to_dec(t: TExpr) -> TExpr {
        if t.ty.base == Base::Int {
            let ty = Ty { base: Base::Dec, opt: t.ty.opt };
            let sp = t.span;
            TExpr::new(TKind::ToDec(Box::new(t)), ty, sp)
        } else {
            t
        }
    }

    pub(super) fn is_literal_word(e: &ast::Expr) -> bool {
        matches!(e.kind, ExprKind::Name(_) | ExprKind::Str(_))
    }

    pub(super) fn enum_of(t: &TExpr) -> Option<usize> {
        match t.ty.base {
            Base::Enum(e) => Some(e),
            _ => None,
        }
    }

    pub(super) fn compare(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, sp: Span, cx: Ctx) -> Option<TExpr> {
        let (ta, tb) = if Self::is_literal_word(a) && !Self::is_literal_word(b) {
            let tb = self.expr(b, cx, None)?;
            let ta = self.expr(a, cx, Self::enum_of(&tb))?;
            (ta, tb)
        } else {
            let ta = self.expr(a, cx, None)?;
            let tb = self.expr(b, cx, Self::enum_of(&ta))?;
            (ta, tb)
        };
        let ordered = !matches!(op, BinOp::Eq | BinOp::Ne);
        let bool_ty = Ty::of(Base::Bool);
        let (kind, ta, tb) = match (ta.ty.base, tb.ty.base) {
            (Base::Int, Base::Int) | (Base::Months, Base::Months) => (CmpKind::Num, ta, tb),
            (x, y) if ta.ty.is_num() && tb.ty.is_num() && (x == Base::Dec || y == Base::Dec) => (CmpKind::Num, Self::to_dec(ta), Self::to_dec(tb)),
            (Base::Date, Base::Date) => (CmpKind::Date, ta, tb),
            (Base::Text, Base::Text) if !ordered => (CmpKind::Text, ta, tb),
            (Base::Enum(x), Base::Enum(y)) if x == y && !ordered => (CmpKind::Text, ta, tb),
            (Base::Bool, Base::Bool) if !ordered => (CmpKind::Bool, ta, tb),
            _ => {
                let (na, nb) = (self.ty_name(ta.ty), self.ty_name(tb.ty));
                let (sa, sb) = (self.src(a.span, cx.file), self.src(b.span, cx.file));
                let same = ta.ty.base == tb.ty.base || matches!((ta.ty.base, tb.ty.base), (Base::Enum(_), Base::Enum(_)));
                let problem = if same && ordered {
                    RuleProblem::CannotOrder { operator: op.symbol().to_owned(), left: sa, right: sb, found: na }
                } else {
                    RuleProblem::CannotCompare { left: sa, left_type: na, right: sb, right_type: nb }
                };
                self.err(cx.file, sp, problem);
                return None;
            }
        };
        Some(TExpr::new(TKind::Cmp(op, kind, Box::new(ta), Box::new(tb)), bool_ty, sp))
    }

    pub(super) fn arith(&mut self, op: BinOp, a: &ast::Expr, b: &ast::Expr, sp: Span, cx: Ctx) -> Option<TExpr> {
        let ta = self.expr(a, cx, None);
        let tb = self.expr(b, cx, None);
        let (ta, tb) = (ta?, tb?);
        let opt = ta.ty.opt || tb.ty.opt;
        let ty = |base| Ty { base, opt };
        let (ar, t, ta, tb) = match (op, ta.ty.base, tb.ty.base) {
            (BinOp::Add | BinOp::Sub, Base::Int, Base::Int) => (if op == BinOp::Add { Arith::Add } else { Arith::Sub }, ty(Base::Int), ta, tb),
            (BinOp::Add | BinOp::Sub, Base::Months, Base::Months) => (if op == BinOp::Add { Arith::Add } else { Arith::Sub }, ty(Base::Months), ta, tb),
            (BinOp::Add | BinOp::Sub, _, _) if ta.ty.is_num() && tb.ty.is_num() => (if op == BinOp::Add { Arith::Add } else { Arith::Sub }, ty(Base::Dec), Self::to_dec(ta), Self::to_dec(tb)),
            (BinOp::Add, Base::Date, Base::Months) => (Arith::DateAddMonths, ty(Base::Date), ta, tb),
            (BinOp::Sub, Base::Date, Base::Months) => (Arith::DateSubMonths, ty(Base::Date), ta, tb),
            (BinOp::Mul, Base::Int, Base::Int) => (Arith::MulInt, ty(Base::Int), ta, tb),
            (BinOp::Mul, _, _) if ta.ty.is_num() && tb.ty.is_num() => (Arith::MulDec, ty(Base::Dec), Self::to_dec(ta), Self::to_dec(tb)),
            (BinOp::Div, _, _) if ta.ty.is_num() && tb.ty.is_num() => {
                if let TKind::Lit(Lit::Num(0)) = tb.kind {
                    self.err(cx.file, b.span, RuleProblem::DivisionByZero);
                    return None;
                }
                (Arith::DivDec, ty(Base::Dec), Self::to_dec(ta), Self::to_dec(tb))
            }
            _ => {
                let (na, nb) = (self.ty_name(ta.ty), self.ty_name(tb.ty));
                let (sa, sb) = (self.src(a.span, cx.file), self.src(b.span, cx.file));
                let problem = RuleProblem::CannotApply { operator: op.symbol().to_owned(), left: sa, left_type: na, right: sb, right_type: nb };
                self.err(cx.file, sp, problem);
                return None;
            }
        };
        Some(TExpr::new(TKind::Arith(ar, Box::new(ta), Box::new(tb)), t, sp))
    }

    pub(super) fn call(&mut self, f: &Ident, args: &[ast::Expr], sp: Span, cx: Ctx) -> Option<TExpr> {
        let func = match f.name.as_str() {
            "floor" => Func::Floor,
            "ceil" => Func::Ceil,
            "round" => Func::Round,
            "max" => Func::Max,
            "min" => Func::Min,
            "months" => Func::Months,
            "days" => Func::Days,
            n @ ("count" | "any" | "all" | "streak") => {
                self.err(cx.file, sp, RuleProblem::AggregateWithoutList { function: n.to_owned() });
                return None;
            }
            n => {
                let all = ["floor", "ceil", "round", "max", "min", "months", "days", "count", "any", "all", "streak"];
                self.err(cx.file, f.span, RuleProblem::UnknownFunction { name: n.to_owned(), choices: Choices::among(n, all) });
                return None;
            }
        };
        let mut targs = Vec::new();
        for a in args {
            targs.push(self.expr(a, cx, None));
        }
        let mut targs: Vec<TExpr> = targs.into_iter().collect::<Option<_>>()?;
        let opt = targs.iter().any(|t| t.ty.opt);
        let name = &f.name;
        let bad = |me: &mut Self, wants: Arguments| {
            me.err(cx.file, sp, RuleProblem::WrongArguments { function: name.clone(), wants });
        };
        match func {
            Func::Floor | Func::Ceil | Func::Round => {
                if targs.len() != 1 || !targs[0].ty.is_num() {
                    bad(self, Arguments::OneNumber);
                    return None;
                }
                let a = Self::to_dec(targs.remove(0));
                Some(TExpr::new(TKind::Call(func, vec![a]), Ty { base: Base::Int, opt }, sp))
            }
            Func::Max | Func::Min if targs.len() >= 2 && targs.iter().all(|t| t.ty.base == Base::Date) => {
                // The later or earlier of dates (a window's clipped start or end).
                Some(TExpr::new(TKind::Call(func, targs), Ty { base: Base::Date, opt }, sp))
            }
            Func::Max | Func::Min => {
                if targs.len() < 2 || !targs.iter().all(|t| t.ty.is_num()) {
                    bad(self, Arguments::TwoOrMoreNumbers);
                    return None;
                }
                let dec = targs.iter().any(|t| t.ty.base == Base::Dec);
                let targs: Vec<TExpr> = if dec { targs.into_iter().map(Self::to_dec).collect() } else { targs };
                Some(TExpr::new(TKind::Call(func, targs), Ty { base: if dec { Base::Dec } else { Base::Int }, opt }, sp))
            }
            Func::Months | Func::Days => {
                if targs.len() != 2 || !targs.iter().all(|t| t.ty.base == Base::Date) {
                    bad(self, Arguments::TwoDates);
                    return None;
                }
                Some(TExpr::new(TKind::Call(func, targs), Ty { base: Base::Int, opt }, sp))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn agg(&mut self, kind: AggKind, var: &Ident, list: &ast::Expr, filter: Option<&ast::Expr>, pred: Option<&ast::Expr>, sp: Span, cx: Ctx) -> Option<TExpr> {
        if self.current_var.is_some() {
            self.err(cx.file, sp, RuleProblem::NestedAggregate);
            return None;
        }
        let tl = self.expr(list, cx, None)?;
        let Base::List(r) = tl.ty.base else {
            self.err(cx.file, list.span, RuleProblem::NotAList { expr: self.src(list.span, cx.file), found: self.ty_name(tl.ty) });
            return None;
        };
        let elem = self.records[r].host.unwrap_or(HostRecord::Member);
        if HostRecord::root(&var.name).is_some() || matches!(var.name.as_str(), "excluded" | "quota") {
            self.err(cx.file, var.span, RuleProblem::ElementNameTaken { name: var.name.clone() });
            return None;
        }
        self.current_var = Some(var.name.clone());
        let icx = Ctx { var: Some(r), ..cx };
        let tf = filter.map(|f| self.bool_operand(f, icx, "where"));
        let tp = pred.map(|p| self.bool_operand(p, icx, ":"));
        self.current_var = None;
        let tf = match tf {
            Some(None) => return None,
            Some(Some(t)) => Some(Box::new(t)),
            None => None,
        };
        let tp = match tp {
            Some(None) => return None,
            Some(Some(t)) => Some(Box::new(t)),
            None => None,
        };
        let ty = Ty::of(match kind {
            AggKind::Count | AggKind::Streak => Base::Int,
            AggKind::Any | AggKind::All => Base::Bool,
        });
        Some(TExpr::new(TKind::Agg { kind, list: Box::new(tl), elem, filter: tf, pred: tp }, ty, sp))
    }
}
