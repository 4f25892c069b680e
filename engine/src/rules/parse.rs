//! Text to syntax tree. pest's types stay in this file: what leaves it is an
//! [`ast::File`] or a [`RuleError`] whose problem lists what was expected as our own
//! [`Expected`] things.

use super::ast::*;
use super::depth::{too_deep, EXPRESSION_LIMIT, NESTING_LIMIT};
use super::diagnostic::{Expected, Reporter, RuleError, RuleProblem};
use super::RuleKind;
use chrono::NaiveDate;
use pest::iterators::Pair;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "rules/grammar.pest"]
struct Grammar;

/// Parse one file. After a syntax error the parser resumes at the next line that
/// starts with a declaration or rule keyword, so that every broken item of a file is
/// reported; literal errors (an impossible date, an overlong number) are collected too.
pub(crate) fn parse(rep: &Reporter) -> Result<File, Vec<RuleError>> {
    // pest recurses once per level of nesting: refuse a file nesting too deep before
    // it descends.
    if let Some(at) = too_deep(rep.text) {
        return Err(vec![rep.error(at, RuleProblem::NestedTooDeep { limit: NESTING_LIMIT })]);
    }
    let mut pairs = match Grammar::parse(Rule::file, rep.text) {
        Ok(p) => p,
        Err(e) => {
            let mut errors = vec![syntax_error(rep, e, 0)];
            let mut offset = 0;
            while let Some(next) = next_item(rep.text, offset + errors.last().map(|e| e.place.span.start - offset).unwrap_or(0)) {
                offset = next;
                match Grammar::parse(Rule::file, &rep.text[offset..]) {
                    Ok(_) => break,
                    Err(e) => errors.push(syntax_error(rep, e, offset)),
                }
            }
            return Err(errors);
        }
    };
    let mut b = Builder { rep, errors: Vec::new(), deep: false };
    let mut items = Vec::new();
    if let Some(file) = pairs.next() {
        for p in file.into_inner() {
            if p.as_rule() == Rule::EOI {
                continue;
            }
            items.push(b.item(p));
        }
    }
    if b.errors.is_empty() {
        Ok(File { items })
    } else {
        Err(b.errors)
    }
}

/// The start of the first line after `pos` that begins with an item keyword.
fn next_item(text: &str, pos: usize) -> Option<usize> {
    const DECLARATIONS: [&str; 5] = ["enum", "record", "facts", "emphasis", "annex"];
    let mut at = pos;
    loop {
        let nl = text.get(at..)?.find('\n')?;
        at += nl + 1;
        let line = text.get(at..)?;
        let word: String = line.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if DECLARATIONS.contains(&word.as_str()) || RuleKind::ALL.iter().any(|k| k.keyword() == word) {
            return Some(at);
        }
    }
}

fn syntax_error(rep: &Reporter, e: pest::error::Error<Rule>, offset: usize) -> RuleError {
    let pos = offset
        + match e.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
    let found = found_at(rep.text, pos);
    let expected = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => expected(positives),
        pest::error::ErrorVariant::CustomError { .. } => vec![Expected::Other],
    };
    let end = pos + found.len().max(1).min(rep.text.len().saturating_sub(pos));
    let found = if found.is_empty() { None } else { Some(found) };
    rep.error(Span::new(pos, end.max(pos)), RuleProblem::Syntax { expected, found })
}

fn found_at(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    let word: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(20)
        .collect();
    word
}

/// pest's expected-rule list as our own [`Expected`] things, each once, in order.
fn expected(rules: &[Rule]) -> Vec<Expected> {
    let mut out: Vec<Expected> = Vec::new();
    let mut push = |x: Expected| {
        if !out.contains(&x) {
            out.push(x);
        }
    };
    for r in rules {
        let x = match r {
            // A file that cannot even start: pest names the whole file.
            Rule::file => {
                push(Expected::Declaration);
                Expected::Rule
            }
            Rule::EOI => Expected::EndOfFile,
            Rule::enum_decl | Rule::record_decl | Rule::facts_decl | Rule::kw_enum | Rule::kw_record | Rule::kw_facts => Expected::Declaration,
            Rule::emphasis_decl | Rule::kw_emphasis | Rule::annex_decl | Rule::kw_annex => Expected::Declaration,
            Rule::kw_as | Rule::printed_as | Rule::tested_as => Expected::As,
            Rule::quota_rule
            | Rule::exclude_rule
            | Rule::voter_rule
            | Rule::candidate_rule
            | Rule::quorum_rule
            | Rule::prefer_rule
            | Rule::presenter_rule
            | Rule::cap_rule
            | Rule::tie_rule
            | Rule::guard_rule
            | Rule::pick_rule
            | Rule::publicity_rule
            | Rule::kw_pick
            | Rule::kw_publicity
            | Rule::kw_quota
            | Rule::kw_exclude
            | Rule::kw_voter
            | Rule::kw_candidate
            | Rule::kw_quorum
            | Rule::kw_prefer
            | Rule::kw_presenter
            | Rule::kw_cap
            | Rule::kw_tie
            | Rule::kw_guard => Expected::Rule,
            Rule::ident => Expected::Name,
            Rule::string | Rule::str_inner => Expected::Text,
            Rule::clause | Rule::citation => Expected::Clause,
            Rule::kw_per => Expected::Per,
            Rule::source_decl | Rule::clause_decl | Rule::kw_source | Rule::kw_clause => Expected::Declaration,
            Rule::context_only => Expected::Text,
            Rule::kw_when => Expected::When,
            Rule::kw_to => Expected::To,
            Rule::tie_policy => Expected::TiePolicy,
            Rule::kw_by => Expected::By,
            Rule::pick_bound | Rule::each_unit | Rule::kw_each | Rule::kw_exactly | Rule::kw_at => Expected::PickBound,
            Rule::kw_unit => Expected::Unit,
            Rule::kw_most | Rule::kw_least => Expected::MostOrLeast,
            Rule::kw_principle => Expected::PickBound,
            Rule::bound_count | Rule::days_bound => Expected::Number,
            Rule::kw_working => Expected::WorkingDays,
            Rule::kw_days => Expected::Days,
            Rule::variant => Expected::Variant,
            Rule::field | Rule::fields => Expected::Field,
            Rule::type_expr | Rule::list_type | Rule::named_type => Expected::Type,
            Rule::optional => Expected::Optional,
            Rule::expr
            | Rule::or_expr
            | Rule::and_expr
            | Rule::not_expr
            | Rule::cmp_expr
            | Rule::add_expr
            | Rule::mul_expr
            | Rule::neg_expr
            | Rule::postfix
            | Rule::aggregate
            | Rule::call
            | Rule::date_lit
            | Rule::months_lit
            | Rule::percent_lit
            | Rule::dec_lit
            | Rule::int_lit
            | Rule::bool_lit
            | Rule::neg
            | Rule::kw_not
            | Rule::agg_kw => Expected::Expression,
            Rule::cmp_op => Expected::Comparison,
            Rule::add_op | Rule::mul_op => Expected::Operator,
            Rule::kw_and | Rule::kw_or => Expected::AndOr,
            Rule::kw_is => Expected::IsNoneOrSome,
            Rule::kw_in => Expected::In,
            Rule::kw_where => Expected::Where,
            Rule::kw_none | Rule::kw_some => Expected::NoneOrSome,
            Rule::list_lit => Expected::List,
            _ => Expected::Other,
        };
        push(x);
    }
    // At the top level the end of the file is implied by "a declaration or a rule".
    if out.len() > 1 {
        out.retain(|x| *x != Expected::EndOfFile);
    }
    if out.is_empty() {
        out.push(Expected::Other);
    }
    out
}

struct Builder<'r, 'f> {
    rep: &'r Reporter<'f>,
    errors: Vec<RuleError>,
    /// The rule being built has already been reported too deep.
    deep: bool,
}

/// The pair's span without the white space and comments pest lets trail after its
/// last token, so that a rule's source and a witness read exactly as written.
fn span(p: &Pair<Rule>) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.start() + without_trailing_trivia(s.as_str()).len())
}

fn without_trailing_trivia(mut text: &str) -> &str {
    loop {
        let trimmed = text.trim_end_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{FEFF}');
        let line_start = trimmed.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let cut = comment_start(&trimmed[line_start..]).map(|i| line_start + i);
        match cut {
            Some(at) => text = &trimmed[..at],
            None => return trimmed,
        }
    }
}

/// Where a `//` comment starts in a line, outside string literals.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut prev = '\0';
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '/' if !in_string && prev == '/' => return Some(i - 1),
            _ => {}
        }
        prev = c;
    }
    None
}

/// `annex identity 机关, 后勤 as 教师 §附件 per local "…"`.
fn annex(p: Pair<Rule>) -> AnnexItem {
    let sp = span(&p);
    let (mut names, mut printed_as, mut cited) = (Vec::new(), None, None);
    for q in p.into_inner() {
        match q.as_rule() {
            Rule::ident => names.push(ident(q)),
            Rule::printed_as => printed_as = q.into_inner().find(|w| w.as_rule() == Rule::ident).map(ident),
            Rule::citation => cited = Some(citation(q)),
            _ => {}
        }
    }
    let mut names = names.into_iter();
    let enum_name = names.next().unwrap_or_else(|| Ident { name: String::new(), span: sp });
    let cited = cited.unwrap_or(Citation { clause: String::new(), clause_span: sp, per: None, text: String::new(), text_span: sp });
    AnnexItem { enum_name, variants: names.collect(), printed_as, cited, span: sp }
}

/// `§3.4 per local "…"`: the clause, the source (if any) and the quoted text.
fn citation(p: Pair<Rule>) -> Citation {
    let sp = span(&p);
    let mut c = Citation { clause: String::new(), clause_span: sp, per: None, text: String::new(), text_span: sp };
    for q in p.into_inner() {
        match q.as_rule() {
            Rule::clause => {
                c.clause_span = span(&q);
                c.clause = q.as_str().to_string();
            }
            Rule::ident => c.per = Some(ident(q)),
            Rule::string => {
                c.text_span = span(&q);
                c.text = unquote(q);
            }
            _ => {}
        }
    }
    c
}

/// `each unit at most 1` or `5 working days`.
fn bound(p: Pair<Rule>) -> BoundItem {
    let sp = span(&p);
    let mut b = BoundItem { each_unit: false, op: None, number: Ident { name: String::new(), span: sp }, span: sp };
    for q in p.into_inner() {
        match q.as_rule() {
            Rule::each_unit => b.each_unit = true,
            Rule::kw_exactly => b.op = Some(BoundOp::Exactly),
            Rule::kw_most => b.op = Some(BoundOp::AtMost),
            Rule::kw_least => b.op = Some(BoundOp::AtLeast),
            Rule::kw_principle => b.op = Some(BoundOp::InPrinciple),
            Rule::bound_count => b.number = ident(q),
            _ => {}
        }
    }
    b
}

fn ident(p: Pair<Rule>) -> Ident {
    Ident { name: p.as_str().to_string(), span: span(&p) }
}

fn unquote(p: Pair<Rule>) -> String {
    let raw = p.as_str();
    let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl Builder<'_, '_> {
    fn err(&mut self, sp: Span, problem: RuleProblem) {
        let e = self.rep.error(sp, problem);
        self.errors.push(e);
    }

    fn item(&mut self, p: Pair<Rule>) -> Item {
        let sp = span(&p);
        match p.as_rule() {
            Rule::enum_decl => {
                let mut it = p.into_inner().skip(1).peekable();
                let name = it.next().map(ident).unwrap_or_else(|| Ident { name: String::new(), span: sp });
                let mut label = None;
                let mut variants = Vec::new();
                for q in it {
                    match q.as_rule() {
                        Rule::string => label = Some(unquote(q)),
                        Rule::variant => {
                            let mut v = q.into_inner();
                            let n = v.next().map(ident);
                            let l = v.next().map(unquote);
                            if let Some(n) = n {
                                variants.push((n, l));
                            }
                        }
                        _ => {}
                    }
                }
                Item::Enum(EnumItem { name, label, variants, span: sp })
            }
            Rule::record_decl | Rule::facts_decl => {
                let is_facts = p.as_rule() == Rule::facts_decl;
                let mut it = p.into_inner().skip(1);
                let name = it.next().map(ident).unwrap_or_else(|| Ident { name: String::new(), span: sp });
                let mut label = None;
                let mut fields = Vec::new();
                for q in it {
                    match q.as_rule() {
                        Rule::string => label = Some(unquote(q)),
                        Rule::fields => {
                            for f in q.into_inner() {
                                fields.push(self.field(f));
                            }
                        }
                        _ => {}
                    }
                }
                Item::Record(RecordItem { is_facts, name, label, fields, span: sp })
            }
            Rule::source_decl => {
                let mut it = p.into_inner().skip(1);
                let name = it.next().map(ident).unwrap_or_else(|| Ident { name: String::new(), span: sp });
                let label = it.next().map(unquote).unwrap_or_default();
                Item::Source(SourceItem { name, label, span: sp })
            }
            Rule::clause_decl => {
                let mut c = ClauseItem { id: Ident { name: String::new(), span: sp }, tested_as: None, context: false, text: String::new(), span: sp };
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::clause => c.id = ident(q),
                        Rule::tested_as => c.tested_as = q.into_inner().find(|w| w.as_rule() == Rule::ident).map(ident),
                        Rule::context_only => c.context = true,
                        Rule::string => c.text = unquote(q),
                        _ => {}
                    }
                }
                Item::Clause(c)
            }
            Rule::emphasis_decl => {
                let (mut names, mut clause, mut text) = (Vec::new(), String::new(), String::new());
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::ident => names.push(ident(q)),
                        Rule::clause => clause = q.as_str().to_string(),
                        Rule::string => text = unquote(q),
                        _ => {}
                    }
                }
                let mut names = names.into_iter();
                let enum_name = names.next().unwrap_or_else(|| Ident { name: String::new(), span: sp });
                Item::Emphasis(EmphasisItem { enum_name, variants: names.collect(), clause, text, span: sp })
            }
            Rule::annex_decl => Item::Annex(annex(p)),
            _ => Item::Rule(self.rule(p)),
        }
    }

    fn field(&mut self, p: Pair<Rule>) -> FieldDecl {
        let sp = span(&p);
        let mut it = p.into_inner();
        let name = it.next().map(ident).unwrap_or_else(|| Ident { name: String::new(), span: sp });
        let ty = it
            .next()
            .and_then(|t| t.into_inner().next())
            .map(|t| match t.as_rule() {
                Rule::list_type => {
                    TypeExpr::List(t.into_inner().next().map(ident).unwrap_or_else(|| name.clone()))
                }
                _ => {
                    let mut q = t.into_inner();
                    let n = q.next().map(ident).unwrap_or_else(|| name.clone());
                    TypeExpr::Named { name: n, optional: q.next().is_some() }
                }
            })
            .unwrap_or(TypeExpr::Named { name: name.clone(), optional: false });
        FieldDecl { name, ty, span: sp }
    }

    fn rule(&mut self, p: Pair<Rule>) -> RuleItem {
        let sp = span(&p);
        self.deep = false;
        let kind = match p.as_rule() {
            Rule::quota_rule => RuleKind::Quota,
            Rule::exclude_rule => RuleKind::Exclude,
            Rule::voter_rule => RuleKind::Voter,
            Rule::candidate_rule => RuleKind::Candidate,
            Rule::quorum_rule => RuleKind::Quorum,
            Rule::prefer_rule => RuleKind::Prefer,
            Rule::presenter_rule => RuleKind::Presenter,
            Rule::cap_rule => RuleKind::Cap,
            Rule::tie_rule => RuleKind::Tie,
            Rule::pick_rule => RuleKind::Pick,
            Rule::publicity_rule => RuleKind::Publicity,
            _ => RuleKind::Guard,
        };
        let mut r = RuleItem {
            kind,
            name: None,
            clause: String::new(),
            clause_span: sp,
            per: None,
            text: String::new(),
            text_span: sp,
            value: None,
            when: None,
            policy: None,
            level: None,
            bound: None,
            span: sp,
        };
        let mut after_when = false;
        for q in p.into_inner() {
            match q.as_rule() {
                // `pick <name> by <level>`: the second name is the level.
                Rule::ident if r.name.is_some() => r.level = Some(ident(q)),
                Rule::ident => r.name = Some(ident(q)),
                Rule::pick_bound | Rule::days_bound => r.bound = Some(bound(q)),
                Rule::citation => {
                    let c = citation(q);
                    (r.clause, r.clause_span, r.per, r.text, r.text_span) = (c.clause, c.clause_span, c.per, c.text, c.text_span);
                }
                Rule::kw_when => after_when = true,
                Rule::tie_policy => r.policy = Some(ident(q)),
                Rule::expr => {
                    let e = self.expr(q);
                    if after_when {
                        r.when = Some(e);
                    } else {
                        r.value = Some(e);
                    }
                }
                _ => {}
            }
        }
        r
    }

    fn expr(&mut self, p: Pair<Rule>) -> Expr {
        self.node(p).0
    }

    /// Whether a node of height `h` is past [`EXPRESSION_LIMIT`]; the first such node
    /// of a rule is reported at `at` (the operand past the limit).
    fn too_deep(&mut self, h: usize, at: Span) -> bool {
        if h <= EXPRESSION_LIMIT {
            return false;
        }
        if !self.deep {
            self.deep = true;
            self.err(at, RuleProblem::ExpressionTooDeep { limit: EXPRESSION_LIMIT });
        }
        true
    }

    /// An expression and the height of its tree. A tree never grows past
    /// [`EXPRESSION_LIMIT`]: the part built so far is returned instead, with an error,
    /// and height 0 so that the levels above do not report it again.
    fn node(&mut self, p: Pair<Rule>) -> (Expr, usize) {
        let sp = span(&p);
        let leaf = |sp| (Expr { kind: ExprKind::Bool(false), span: sp }, 1);
        match p.as_rule() {
            Rule::expr => match p.into_inner().next() {
                Some(q) => self.node(q),
                None => leaf(sp),
            },
            Rule::or_expr | Rule::and_expr | Rule::add_expr | Rule::mul_expr => {
                let mut it = p.into_inner();
                let (mut acc, mut h) = match it.next() {
                    Some(q) => self.node(q),
                    None => return leaf(sp),
                };
                while let (Some(op), Some(rhs)) = (it.next(), it.next()) {
                    let op = match op.as_str() {
                        "and" => BinOp::And,
                        "or" => BinOp::Or,
                        "+" => BinOp::Add,
                        "-" => BinOp::Sub,
                        "*" => BinOp::Mul,
                        _ => BinOp::Div,
                    };
                    let (rhs, rh) = self.node(rhs);
                    let height = h.max(rh) + 1;
                    if self.too_deep(height, rhs.span) {
                        return (acc, 0);
                    }
                    let s = Span::new(acc.span.start, rhs.span.end);
                    acc = Expr { kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)), span: s };
                    h = height;
                }
                (acc, h)
            }
            Rule::not_expr | Rule::neg_expr => {
                let mut it = p.into_inner();
                let first = it.next();
                match (first, it.next()) {
                    (Some(_), Some(operand)) => {
                        let (e, h) = self.node(operand);
                        if self.too_deep(h + 1, sp) {
                            return (e, 0);
                        }
                        let e = Box::new(e);
                        let kind = if sp_is_not(&sp, self.rep.text) { ExprKind::Not(e) } else { ExprKind::Neg(e) };
                        (Expr { kind, span: sp }, h + 1)
                    }
                    (Some(only), None) => self.node(only),
                    _ => leaf(sp),
                }
            }
            Rule::cmp_expr => {
                let mut it = p.into_inner();
                let (lhs, lh) = match it.next() {
                    Some(q) => self.node(q),
                    None => return leaf(sp),
                };
                let Some(op) = it.next() else { return (lhs, lh) };
                match op.as_rule() {
                    Rule::kw_is => {
                        let some = it.next().map(|q| q.as_rule() == Rule::kw_some).unwrap_or(false);
                        if self.too_deep(lh + 1, sp) {
                            return (lhs, 0);
                        }
                        (Expr { kind: ExprKind::Is(Box::new(lhs), some), span: sp }, lh + 1)
                    }
                    Rule::kw_in => {
                        let mut h = lh;
                        let mut items = Vec::new();
                        for q in it.next().into_iter().flat_map(|l| l.into_inner()) {
                            let (e, eh) = self.node(q);
                            h = h.max(eh);
                            items.push(e);
                        }
                        if self.too_deep(h + 1, sp) {
                            return (lhs, 0);
                        }
                        (Expr { kind: ExprKind::In(Box::new(lhs), items), span: sp }, h + 1)
                    }
                    _ => {
                        let bop = match op.as_str() {
                            "==" => BinOp::Eq,
                            "!=" => BinOp::Ne,
                            "<=" => BinOp::Le,
                            ">=" => BinOp::Ge,
                            "<" => BinOp::Lt,
                            _ => BinOp::Gt,
                        };
                        let (rhs, rh) = match it.next() {
                            Some(q) => self.node(q),
                            None => return (lhs, lh),
                        };
                        let h = lh.max(rh) + 1;
                        if self.too_deep(h, rhs.span) {
                            return (lhs, 0);
                        }
                        (Expr { kind: ExprKind::Binary(bop, Box::new(lhs), Box::new(rhs)), span: sp }, h)
                    }
                }
            }
            Rule::postfix => {
                let mut it = p.into_inner();
                let (mut acc, mut h) = match it.next() {
                    Some(q) => self.node(q),
                    None => return leaf(sp),
                };
                for f in it {
                    let f = ident(f);
                    if self.too_deep(h + 1, f.span) {
                        return (acc, 0);
                    }
                    let s = Span::new(acc.span.start, f.span.end);
                    acc = Expr { kind: ExprKind::Field(Box::new(acc), f), span: s };
                    h += 1;
                }
                (acc, h)
            }
            Rule::aggregate => {
                let mut it = p.into_inner();
                let kind = match it.next().map(|k| k.as_str().to_string()).as_deref() {
                    Some("count") => AggKind::Count,
                    Some("any") => AggKind::Any,
                    Some("all") => AggKind::All,
                    _ => AggKind::Streak,
                };
                let var = it.next().map(ident).unwrap_or_else(|| Ident { name: String::new(), span: sp });
                let mut list = None;
                let mut filter = None;
                let mut pred = None;
                let mut seen_where = false;
                let mut h = 0;
                for q in it {
                    match q.as_rule() {
                        Rule::kw_in => {}
                        Rule::kw_where => seen_where = true,
                        Rule::expr => {
                            let (e, eh) = self.node(q);
                            h = h.max(eh);
                            let e = Box::new(e);
                            if list.is_none() {
                                list = Some(e);
                            } else if seen_where && filter.is_none() {
                                filter = Some(e);
                            } else {
                                pred = Some(e);
                            }
                        }
                        _ => {}
                    }
                }
                if self.too_deep(h + 1, sp) {
                    return leaf(sp);
                }
                let list = list.unwrap_or_else(|| Box::new(Expr { kind: ExprKind::Bool(false), span: sp }));
                (Expr { kind: ExprKind::Agg { kind, var, list, filter, pred }, span: sp }, h + 1)
            }
            Rule::call => {
                let mut it = p.into_inner();
                let name = it.next().map(ident).unwrap_or_else(|| Ident { name: String::new(), span: sp });
                let mut h = 0;
                let mut args = Vec::new();
                for q in it {
                    let (e, eh) = self.node(q);
                    h = h.max(eh);
                    args.push(e);
                }
                if self.too_deep(h + 1, sp) {
                    return leaf(sp);
                }
                (Expr { kind: ExprKind::Call(name, args), span: sp }, h + 1)
            }
            _ => (self.leaf(p), 1),
        }
    }

    /// A name or a literal.
    fn leaf(&mut self, p: Pair<Rule>) -> Expr {
        let sp = span(&p);
        match p.as_rule() {
            Rule::ident => Expr { kind: ExprKind::Name(p.as_str().to_string()), span: sp },
            Rule::string => Expr { kind: ExprKind::Str(unquote(p)), span: sp },
            Rule::bool_lit => Expr { kind: ExprKind::Bool(p.as_str() == "true"), span: sp },
            Rule::int_lit => {
                let kind = match p.as_str().parse::<i64>() {
                    Ok(n) if n <= i64::MAX / 1_000_000 => ExprKind::Int(n),
                    _ => {
                        self.err(sp, RuleProblem::NumberTooLarge { written: p.as_str().to_owned() });
                        ExprKind::Int(0)
                    }
                };
                Expr { kind, span: sp }
            }
            Rule::dec_lit => {
                let kind = ExprKind::Dec(self.decimal(p.as_str(), sp) / 100);
                Expr { kind, span: sp }
            }
            Rule::percent_lit => {
                let digits = p.as_str().trim_end_matches('%');
                let d = self.decimal(digits, sp);
                Expr { kind: ExprKind::Dec(d / 10_000), span: sp }
            }
            Rule::months_lit => {
                let n = p
                    .into_inner()
                    .next()
                    .and_then(|q| q.as_str().parse::<i64>().ok())
                    .unwrap_or(0);
                Expr { kind: ExprKind::Months(n), span: sp }
            }
            Rule::date_lit => {
                let kind = match NaiveDate::parse_from_str(p.as_str(), "%Y-%m-%d") {
                    Ok(d) => ExprKind::Date(d),
                    Err(_) => {
                        self.err(sp, RuleProblem::NotADate { written: p.as_str().to_owned() });
                        ExprKind::Bool(false)
                    }
                };
                Expr { kind, span: sp }
            }
            _ => Expr { kind: ExprKind::Bool(false), span: sp },
        }
    }

    /// A decimal literal as fixed point scaled by 10^8.
    fn decimal(&mut self, s: &str, sp: Span) -> i64 {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if frac.len() > 4 {
            self.err(sp, RuleProblem::TooManyDecimals { written: s.to_owned() });
            return 0;
        }
        let Ok(i) = int.parse::<i64>() else {
            self.err(sp, RuleProblem::NumberTooLarge { written: s.to_owned() });
            return 0;
        };
        let mut f = 0i64;
        let mut scale = 100_000_000i64;
        for c in frac.chars() {
            scale /= 10;
            f += i64::from(c.to_digit(10).unwrap_or(0)) * scale;
        }
        // Scaled by 10^8 so that `12.5%` stays exact: callers divide by 100 (a decimal)
        // or 10 000 (a percentage) to reach the 10^6 scale of `dec`.
        match i.checked_mul(100_000_000).and_then(|v| v.checked_add(f)) {
            Some(v) => v,
            _ => {
                self.err(sp, RuleProblem::NumberTooLarge { written: s.to_owned() });
                0
            }
        }
    }
}

fn sp_is_not(sp: &Span, text: &str) -> bool {
    sp.text(text).starts_with("not")
}
