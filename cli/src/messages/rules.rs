//! Rule-file diagnostics in Chinese. The engine returns each problem as a
//! [`RuleProblem`] at a [`Place`](shine_engine::place::Place); [`words`] is the one
//! `match` that words it — the message, the label under the underline and the help
//! line saying what to do — and [`render`] and [`plain`] lay the words out for a
//! terminal and as one line per error (the `lines` of the JSON error, beside the
//! typed `errors`).
//!
//! Messages name the offending text in backticks and end without a period; the
//! column of `file:line:col` counts characters, as the snippet's header does.

use super::listing;
use super::snippet::snippet;
use shine_engine::rules::{kind_word, Arguments, BaseType, BoundOf, Choices, Expected, HostType, RuleError, RuleErrors, RuleKind, RuleProblem, ValueType, Wanted};

/// One problem in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    /// What is wrong: `未知名称 \`menber\``.
    pub message: String,
    /// Beside the underline: `此处无此名称`.
    pub label: String,
    /// What to do next.
    pub help: String,
}

/// Every error in full — message, snippet, help — and, when there are several, what
/// they mean for the rule set and the one-line list of them all.
///
/// ```text
/// 错误：未知名称 `menber`
///  --> rules/bad.shine:1:23
///   |
/// 1 | exclude y §1 "t" when menber.full
///   |                       ^^^^^^ 此处无此名称
///   = 帮助：是否想写 `member`？可用的名称：`member`、`branch`、`meeting`、`quarter`
/// ```
pub fn render(errors: &RuleErrors) -> String {
    let mut out = errors.errors.iter().map(block).collect::<Vec<_>>().join("\n");
    if errors.errors.len() > 1 {
        out.push_str(&format!("\n{}：\n", summary(errors)));
        for line in plain(errors) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// `file:line:col: message`, one line per error.
pub fn plain(errors: &RuleErrors) -> Vec<String> {
    errors.errors.iter().map(|e| format!("{}: {}", e.place.position(), words(&e.problem).message)).collect()
}

/// What the errors mean for the rule set.
pub fn summary(errors: &RuleErrors) -> String {
    format!("规则文件有 {} 处错误，未载入任何规则", errors.errors.len())
}

fn block(e: &RuleError) -> String {
    let w = words(&e.problem);
    let pad = " ".repeat(e.place.line.to_string().len());
    format!("错误：{}\n{}{pad} = 帮助：{}\n", w.message, snippet(&e.place, &w.label), w.help)
}

fn worded(message: String, label: &str, help: String) -> Words {
    Words { message, label: label.to_owned(), help }
}

/// The one place a rule-file problem is worded.
pub fn words(problem: &RuleProblem) -> Words {
    use RuleProblem as P;
    match problem {
        P::Syntax { expected, found } => {
            let what = spaced(&either(expected.iter().map(|x| expected_word(*x))));
            let message = match found {
                Some(f) => format!("应有{what}，却是 `{f}`"),
                None => format!("应有{what}，文件却已结束"),
            };
            let label = format!("此处应写{}", spaced(&either(expected.iter().map(|x| expected_name(*x).to_owned()))));
            Words { message, label, help: syntax_help(expected) }
        }
        P::NumberTooLarge { written } => worded(format!("数 `{written}` 太大"), "太大", "规则中的数须小于 9 000 000 000 000".into()),
        P::TooManyDecimals { written } => worded(format!("数 `{written}` 的小数位太多"), "至多 4 位小数", "小数至多写 4 位，如 `0.15` 或 `12.5%`".into()),
        P::NotADate { written } => worded(format!("`{written}` 不是有效的日期"), "无此日", "日期写作 `YYYY-MM-DD`，如 `2026-09-30`".into()),
        P::NestedTooDeep { limit } => worded(
            format!("括号、`not` 或负号嵌套超过 {limit} 层"),
            "嵌套过深",
            format!("规则中的嵌套至多 {limit} 层：去掉多余的括号，或把条件拆成几条规则"),
        ),
        P::ExpressionTooDeep { limit } => worded(
            format!("一个表达式的运算超过 {limit} 层"),
            "运算过多",
            format!("一个表达式至多 {limit} 层运算：把长串的 `or`、`and`、`+` 改用 `in [..]` 或聚合，或拆成几条规则"),
        ),
        P::NotUtf8 { byte } => worded(
            format!("规则文件不是 UTF-8 编码：此处的字节 0x{byte:02X} 无法读取"),
            "从此处起无法读取",
            "请用编辑器将该文件另存为 UTF-8 编码（如记事本的“另存为”→“编码：UTF-8”），再运行本命令".into(),
        ),

        P::EnumDeclaredTwice { name } => worded(format!("枚举 `{name}` 声明了两次"), "再次声明", "每个枚举只声明一次：删去或合并其中一处".into()),
        P::VariantListedTwice { variant, enum_name } => {
            worded(format!("枚举 `{enum_name}` 中 `{variant}` 出现了两次"), "重复", "每个值只列一次".into())
        }
        P::EmphasisTwice { variant, enum_name } => worded(
            format!("`{enum_name}` 的 `{variant}` 有两条 `emphasis`"),
            "再次声明",
            "每个值只写一条重点要求：删去或合并其中一处".into(),
        ),
        P::AnnexVariantTwice { variant, enum_name } => worded(
            format!("`{enum_name}` 的 `{variant}` 在登记表上的填法写了两次"),
            "再次写明",
            "每个值在 `annex` 中只出现一次：或是登记表可填的值，或用 `as` 写明按哪个值填，删去其中一处".into(),
        ),
        P::AnnexNotOnForm { printed, enum_name, on_form } => worded(
            format!("`{printed}` 不是登记表上 `{enum_name}` 一栏可填的值"),
            "登记表上不可填",
            format!("`as` 后写登记表可填的值（{}），或先用不带 `as` 的 `annex {enum_name} …` 把 `{printed}` 列为可填的值", listing(on_form)),
        ),
        P::AnnexUnprinted { enum_name, variants, on_form } => worded(
            format!("`{enum_name}` 的 {} 既不是登记表可填的值，也没有写明在登记表上按哪个值填", listing(variants)),
            "登记表会原样填写",
            format!("为它们写 `annex {enum_name} {} as <可填的值> §… per local \"…\"`（可填的值：{}），或把它们列为可填的值", variants.join(", "), listing(on_form)),
        ),
        P::RecordDeclaredTwice { name } => worded(format!("`{name}` 声明了两次"), "再次声明", "每个 `record` 和 `facts` 块只声明一次".into()),
        P::FieldDeclaredTwice { field } => worded(format!("字段 `{field}` 声明了两次"), "再次声明", "删去重复的一处".into()),
        P::UnknownFacts { name, roots } => {
            worded(format!("引擎没有名为 `{name}` 的事实"), "引擎不提供", format!("`facts` 块描述的是 {} 之一", all(roots)))
        }
        P::FieldNotInEngine { record, field, choices } => {
            worded(format!("引擎的 `{record}` 没有字段 `{field}`"), "引擎不提供", choose(choices, &format!("引擎为 `{record}` 提供的字段")))
        }
        P::FieldTypeNotInEngine { field, declared, engine } => worded(
            format!("字段 `{field}` 声明为 {}，引擎提供的却是{}", value_type(declared), spaced(host_type(*engine))),
            "类型与引擎不符",
            format!("把 `{field}` 的类型改为与引擎一致：{}", host_type(*engine)),
        ),
        P::RecordForTwoLists { record } => worded(format!("记录 `{record}` 用于两种不同的列表"), "另一种列表", "每种列表各声明一个记录".into()),
        P::UnknownRecord { name, records } => worded(
            format!("没有名为 `{name}` 的记录"),
            "未知记录",
            format!("用 `record {name} {{ … }}` 声明它；已声明的记录：{}", all(records)),
        ),
        P::RecordUsedAsType { name } => worded(format!("`{name}` 是记录，不能用作字段类型"), "记录", format!("记录的列表写作 `[{name}]`")),
        P::UnknownType { name, choices } => worded(format!("未知类型 `{name}`"), "无此类型", choose(choices, "可用的类型")),

        P::DuplicateRule { rule, name } => {
            let kw = kind_word(*rule);
            worded(format!("有两条名为 `{name}` 的 `{kw}` 规则"), "重名", format!("给每条 `{kw}` 规则起不同的名称"))
        }
        P::MoreThanOneRule { rule } => {
            let kw = kind_word(*rule);
            let keep = if required(*rule) { "恰好保留一条" } else { "至多保留一条" };
            worded(format!("`{kw}` 规则不止一条"), "多余", format!("规则集中 `{kw}` 规则{keep}：删去其余的"))
        }
        P::NameOfAnotherRule { name, other, .. } => worded(
            format!("`{name}` 已是一条 `{}` 规则的名称", kind_word(*other)),
            "重名",
            "换一个名称：逐级报送流程按名称引用 `pick` 和 `publicity` 规则，所以它们的名称在所有规则中唯一".into(),
        ),
        P::TooManyExclusions { limit } => worded(format!("`exclude` 规则多于 {limit} 条"), "超出", "把相关的不能评选情形合并为一条规则".into()),
        P::MissingRule { rule } => {
            let kw = kind_word(*rule);
            worded(format!("规则集缺少 `{kw}` 规则"), "整个规则集都没有这条规则", format!("添加一条 `{kw}` 规则，如 `{}`", example(*rule)))
        }
        P::NegativeBound { written, of } => worded(format!("`{written}` 是负数：{}不能为负", bound_of(*of)), "负数", bound_help(*of)),
        P::BoundNotWhole { written, of } => worded(format!("`{written}` 不是整数：{}须为整数", bound_of(*of)), "不是整数", bound_help(*of)),

        P::WrongType { wanted, expr, found } => {
            let (want, help) = match wanted {
                Wanted::Condition => ("条件（`bool`）", "条件须为真或假：比较两个值，如 `member.full` 或 `x >= 2`"),
                Wanted::WholeNumber => ("整数（`int`）", "名额和上限是整数：用 `floor`、`ceil` 或 `round` 取整"),
            };
            let help = if found.optional { "该值可能缺失：先用 `is some` 检验" } else { help };
            worded(format!("此处应为{want}，`{expr}` 却是 {}", value_type(found)), "类型不符", help.into())
        }
        P::NotACondition { operator, expr, found } => worded(
            format!("`{operator}` 需要条件，`{expr}` 却是 {}", value_type(found)),
            "不是条件",
            "把这个值与别的值比较，如 `x >= 2` 或 `x == present`".into(),
        ),
        P::CannotNegate { expr, found } => worded(format!("`{expr}` 是 {}，不能取负", value_type(found)), "不是数", "只有数可以取负".into()),
        P::NeverMissing { expr, some } => worded(
            format!("`{expr}` 从不缺失，`is {}` 没有意义", if *some { "some" } else { "none" }),
            "总有值",
            "只有可缺失的字段（声明时带 `?`）才能用 `is none` 或 `is some` 检验：删去这一检验".into(),
        ),
        P::InNeedsText { expr, found } => worded(
            format!("`in` 需要文本或枚举值，`{expr}` 却是 {}", value_type(found)),
            "不是文本",
            "对文本或枚举值使用 `in`，如 `member.role in [secretary, committee]`".into(),
        ),
        P::NotAFixedValue { expr } => worded(format!("`{expr}` 不是固定的值"), "不是字面值", "`in` 后的列表只写枚举值或带引号的文本".into()),
        P::UnknownVariant { name, enum_name, choices } => {
            worded(format!("`{name}` 不是枚举 `{enum_name}` 的值"), "无此值", choose(choices, &format!("`{enum_name}` 的值")))
        }
        P::UnknownName { name, choices } => worded(format!("未知名称 `{name}`"), "此处无此名称", choose(choices, "可用的名称")),
        P::ExcludedOutsideCandidate => worded("此处不能读 `excluded`".into(), "此处不可用", "`excluded` 只能用于 `candidate` 规则".into()),
        P::QuotaOutsideCap => worded("此处不能读 `quota`".into(), "此处不可用", "`quota` 只能用于 `cap` 规则的 `to` 部分".into()),
        P::MemberInBranchRule => worded(
            "此规则不能读 `member`".into(),
            "此处不可用",
            "此规则针对整个支部：改读 `branch`、`meeting` 或 `quarter`，或用聚合逐个统计党员，如 `count(m in branch.members: …)`".into(),
        ),
        P::UndeclaredFacts { root } => worded(format!("`{root}` 未声明"), "未声明的事实", format!("用 `facts {root} {{ … }}` 声明规则可读的字段")),
        P::RootWithoutField { root, fields } => worded(
            format!("`{root}` 后缺少字段"),
            "缺少字段",
            format!("读它的一个字段，如 `{root}.{}`；已声明的字段：{}", fields.first().map_or("…", String::as_str), all(fields)),
        ),
        P::NoFields { expr } => worded(
            format!("`{expr}` 没有字段"),
            "没有字段",
            "字段从根（`member.full`）或聚合绑定的元素（`l.date`）读取".into(),
        ),
        P::UnknownField { of, record, field, choices } => {
            worded(format!("`{of}` 没有字段 `{field}`"), "无此字段", choose(choices, &format!("`{record}` 已声明的字段")))
        }
        P::CannotOrder { operator, left, right, found } => worded(
            format!("不能用 `{operator}` 比较 `{left}` 与 `{right}` 的大小：{} 的值只分相等与不等", value_type(found)),
            "不能比大小",
            "改用 `==` 或 `!=`".into(),
        ),
        P::CannotCompare { left, left_type, right, right_type } => worded(
            format!("不能比较 `{left}`（{}）与 `{right}`（{}）", value_type(left_type), value_type(right_type)),
            "类型不符",
            "比较同类的值：数与数、日期与日期、枚举与它的值".into(),
        ),
        P::CannotApply { operator, left, left_type, right, right_type } => {
            let help = if left_type.base == BaseType::Date && right_type.base == BaseType::Date {
                "两个日期之间的间隔用 `months(a, b)` 或 `days(a, b)` 计算"
            } else {
                "数只与数运算；日期只能加减时长，如 `meeting.date - 12 months`"
            };
            worded(
                format!("不能对 `{left}`（{}）与 `{right}`（{}）使用 `{operator}`", value_type(left_type), value_type(right_type)),
                "类型不符",
                help.into(),
            )
        }
        P::DivisionByZero => worded("除数为零".into(), "零", "除以一个不为 0 的数".into()),
        P::AggregateWithoutList { function } => {
            worded(format!("`{function}` 需要元素名和列表"), "缺少列表", format!("写作 `{function}(x in member.life where … : …)`"))
        }
        P::UnknownFunction { name, choices } => worded(format!("未知函数 `{name}`"), "无此函数", choose(choices, "可用的函数")),
        P::WrongArguments { function, wants } => {
            let (want, example) = match wants {
                Arguments::OneNumber => ("一个数", "`floor(branch.member_count * 15%)`"),
                Arguments::TwoOrMoreNumbers => ("两个或更多的数", "`max(1, floor(x))`"),
                Arguments::TwoDates => ("起止两个日期", "`months(member.last_report, meeting.date)`"),
            };
            worded(format!("`{function}` 需要{want}"), "参数不符", format!("如 {example}"))
        }
        P::NestedAggregate => worded(
            "聚合不能嵌套".into(),
            "在另一个聚合之内",
            "把条件拆成两条规则，或在一个聚合中用 `where` 筛选".into(),
        ),
        P::NotAList { expr, found } => worded(
            format!("`{expr}` 是 {}，不是列表", value_type(found)),
            "不是列表",
            "对列表字段聚合，如 `member.life` 或 `branch.members`".into(),
        ),
        P::ElementNameTaken { name } => worded(format!("`{name}` 已是规则中的名称"), "已被占用", "给元素起一个新的短名，如 `l`、`f` 或 `m`".into()),

        P::UnknownLevel { pick, level, chain, choices } => worded(
            format!("`pick {pick}` 指定了未知层级 `{level}`"),
            "无此层级",
            choose(choices, &format!("`{chain}` 中的层级")),
        ),
        P::LevelDoesNotPick { pick, level, chain } => worded(
            format!("层级 `{level}` 的 `Pick` 步骤没有列出 `pick {pick}`"),
            "此层级不遴选此项",
            format!("在 `{chain}` 中层级 `{level}` 的 `Pick` 步骤的 `rules` 里加上 `\"{pick}\"`，或删去这条规则"),
        ),
        P::SourceDeclaredTwice { name } => worded(format!("出处 `{name}` 声明了两次"), "再次声明", "每个出处只声明一次：删去其中一处".into()),
        P::ClauseDeclaredTwice { clause } => worded(format!("条款 {clause} 声明了两次"), "再次声明", "每个条款只声明一次：删去其中一处".into()),
        P::UnknownSource { name, choices } => worded(
            format!("未声明的出处 `{name}`"),
            "无此出处",
            format!("先用 `source {name} \"出处名称\"` 声明它；{}", choose(choices, "已声明的出处")),
        ),
        P::UnknownClause { clause, choices } => worded(
            format!("通知中没有条款 {clause}"),
            "无此条款",
            choose(choices, "通知的条款（见 `shine clauses`）"),
        ),
        P::NotVerbatim { clause, piece } => worded(
            format!("引文「{piece}」不是通知 {clause} 的原文"),
            "不是原文",
            format!("照通知 {clause} 的原文逐字引用（可用 `……` 连接原文中先后出现的几段），或在条款号后写 `per <出处>` 注明这是哪里的规定，如 `per local`"),
        ),
    }
}

/// `是否想写 \`x\`？{what}：\`a\`、\`b\``, or only the list.
fn choose(choices: &Choices, what: &str) -> String {
    match &choices.closest {
        Some(c) => format!("是否想写 `{c}`？{what}：{}", all(&choices.names)),
        None => format!("{what}：{}", all(&choices.names)),
    }
}

fn code(text: &str) -> String {
    format!("`{text}`")
}

/// `\`a\`、\`b\`、\`c\``, or `无` for none.
fn all(names: &[String]) -> String {
    if names.is_empty() {
        "无".into()
    } else {
        listing(names)
    }
}

/// `a`, `a或b`, `a、b或c`; with a space beside `或` where code meets it.
fn either(words: impl IntoIterator<Item = String>) -> String {
    let words: Vec<String> = words.into_iter().collect();
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => {
            let rest = rest.join("、");
            let before = if rest.ends_with('`') { " " } else { "" };
            let after = if last.starts_with('`') { " " } else { "" };
            format!("{rest}{before}或{after}{last}")
        }
    }
}

/// A checked type as the declarations write it: `\`int\``, `\`date?\``,
/// `\`attendance\`` (an enum), `\`[life]\`` (a list).
fn value_type(t: &ValueType) -> String {
    let base = match &t.base {
        BaseType::Bool => "bool".to_owned(),
        BaseType::Int => "int".to_owned(),
        BaseType::Dec => "dec".to_owned(),
        BaseType::Date => "date".to_owned(),
        BaseType::Months => "months".to_owned(),
        BaseType::Text => "text".to_owned(),
        BaseType::Enum(e) => e.clone(),
        BaseType::List(r) => format!("[{r}]"),
    };
    code(&format!("{base}{}", if t.optional { "?" } else { "" }))
}

/// A field as the engine has it.
fn host_type(t: HostType) -> &'static str {
    match t {
        HostType::Bool => "`bool`",
        HostType::Int => "`int`",
        HostType::Date => "`date`",
        HostType::OptionalDate => "`date?`",
        HostType::Text => "`text` 或枚举",
        HostType::OptionalText => "`text?` 或可缺失的枚举",
        HostType::MemberList => "党员的列表",
        HostType::LifeList => "组织生活记录的列表",
        HostType::FindingList => "违规情形记录的列表",
        HostType::DeedList => "闪光言行的列表",
        HostType::OtherList => "记录的列表",
    }
}

/// A space before text that opens with code, as after a Chinese word.
fn spaced(text: &str) -> String {
    if text.starts_with('`') {
        format!(" {text}")
    } else {
        text.to_owned()
    }
}

fn bound_of(of: BoundOf) -> &'static str {
    match of {
        BoundOf::Stars => "遴选名额",
        BoundOf::WorkingDays => "公示的工作日数",
    }
}

fn bound_help(of: BoundOf) -> String {
    match of {
        BoundOf::Stars => "遴选名额写作整数，如 `exactly 1` 或 `at most 5`",
        BoundOf::WorkingDays => "公示期写作整数个工作日，如 `5 working days`（`0` 为不公示）",
    }
    .into()
}

/// The rules a set must have exactly one of; the others it may have at most one of.
fn required(kind: RuleKind) -> bool {
    matches!(kind, RuleKind::Quota | RuleKind::Voter | RuleKind::Candidate | RuleKind::Quorum | RuleKind::Tie)
}

/// A rule of the kind as the shipped rules write it.
fn example(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::Quota => "quota §3.4 \"…\" = max(1, floor(branch.member_count * 15%))",
        RuleKind::Voter => "voter §3.4 \"…\" when member.full and member.meeting == present",
        RuleKind::Candidate => "candidate §3.4 \"…\" when not excluded",
        RuleKind::Quorum => "quorum §3.4 \"…\" when count(m in branch.members: m.full and m.meeting == present) * 2 > count(m in branch.members: m.full)",
        _ => "tie §3.4 \"…\" runoff",
    }
}

/// What the parser expected, as a label names it.
fn expected_name(x: Expected) -> &'static str {
    match x {
        Expected::EndOfFile => "文件结尾",
        Expected::Declaration => "声明",
        Expected::Rule => "规则",
        Expected::Name => "名称",
        Expected::Text => "带引号的文本",
        Expected::Clause => "条款号",
        Expected::When => "`when` 及条件",
        Expected::To => "`to` 及上限",
        Expected::TiePolicy => "并列的处理方式",
        Expected::By => "`by` 及遴选的层级",
        Expected::PickBound => "名额限定",
        Expected::Unit => "`unit`",
        Expected::MostOrLeast => "`most` 或 `least`",
        Expected::Number => "整数",
        Expected::WorkingDays => "`working days`",
        Expected::Days => "`days`",
        Expected::Variant => "枚举值",
        Expected::Field => "字段",
        Expected::Type => "类型",
        Expected::Optional => "`?`",
        Expected::Expression => "表达式",
        Expected::Comparison => "比较符",
        Expected::Operator => "运算符",
        Expected::AndOr => "`and` 或 `or`",
        Expected::IsNoneOrSome => "`is none` 或 `is some`",
        Expected::In => "`in`",
        Expected::Where => "`where`",
        Expected::NoneOrSome => "`none` 或 `some`",
        Expected::List => "列表",
        Expected::Other => "别的内容",
        Expected::Per => "`per` 及出处",
        Expected::As => "`as` 及登记表上填写的值",
    }
}

/// What the parser expected, with an example where the name alone says little.
fn expected_word(x: Expected) -> String {
    let example = match x {
        Expected::Declaration => "`enum`、`record`、`facts`",
        Expected::Rule => "`exclude`、`quota`、`guard`",
        Expected::Text => "`\"…\"`",
        Expected::Clause => "`§3.4.x8`",
        Expected::TiePolicy => "`runoff`、`exceed` 或 `drop`",
        Expected::PickBound => "`exactly 1`、`at most 5`、`in principle 1` 或 `each unit at most 1`",
        Expected::Number => "`1`",
        Expected::Field => "`name: text`",
        Expected::Type => "`int`、`date?` 或 `[life]`",
        Expected::Comparison => "`==` 或 `>=`",
        Expected::Operator => "`+` 或 `*`",
        Expected::List => "`[a, b]`",
        Expected::Per => "`per local`",
        Expected::As => "`as 教师`",
        _ => return expected_name(x).to_owned(),
    };
    format!("{}（如 {example}）", expected_name(x))
}

/// What to do about a syntax error, from the most telling thing expected.
fn syntax_help(expected: &[Expected]) -> String {
    let has = |x: Expected| expected.contains(&x);
    if has(Expected::Clause) {
        "每条规则在关键字（或名称）之后写所依据的条款号，如 `exclude x8 §3.4.x8 \"…\" when …`".into()
    } else if has(Expected::When) {
        "条件以 `when` 引出，如 `voter §3.4 \"…\" when member.full`".into()
    } else if has(Expected::Declaration) || has(Expected::Rule) {
        let rules: Vec<String> = RuleKind::ALL.iter().map(|k| code(kind_word(*k))).collect();
        format!("文件由声明（`enum`、`record`、`facts`）和规则（{}）组成：检查关键字的拼写", rules.join("、"))
    } else if has(Expected::PickBound) {
        "遴选规则以名额限定结尾，如 `pick typical by general_branch §4.3.d \"…\" exactly 1` 或 `… each unit at most 1`".into()
    } else if has(Expected::WorkingDays) || has(Expected::Days) {
        "公示期写作工作日数，如 `publicity window §4.3.b \"…\" 5 working days`".into()
    } else if has(Expected::Number) {
        "名额和天数用阿拉伯数字写整数，如 `exactly 1`、`at most 5` 或 `5 working days`".into()
    } else if has(Expected::By) {
        "遴选规则写明由哪一级遴选，如 `pick typical by general_branch §4.3.d \"…\" exactly 1`".into()
    } else {
        "规则文件的写法见 docs/RULES.md".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shine_engine::place::Place;

    fn error(line: &str, at: &str, problem: RuleProblem) -> RuleError {
        let start = line.find(at).unwrap_or(0);
        RuleError { place: Place::locate("rules/a.shine", line, start..start + at.len()), problem }
    }

    #[test]
    fn alternatives_are_joined_with_a_space_only_beside_code() {
        assert_eq!(either(["声明".to_owned(), "规则".to_owned()]), "声明或规则");
        assert_eq!(either(["`and`".to_owned(), "`or`".to_owned()]), "`and` 或 `or`");
        assert_eq!(either(["表达式".to_owned(), "`where`".to_owned()]), "表达式或 `where`");
        assert_eq!(either(["`a`".to_owned(), "`b`".to_owned(), "名称".to_owned()]), "`a`、`b` 或名称");
    }

    #[test]
    fn types_are_named_as_declarations_write_them() {
        let t = |base, optional| value_type(&ValueType { base, optional });
        assert_eq!(t(BaseType::Date, true), "`date?`");
        assert_eq!(t(BaseType::Enum("attendance".into()), false), "`attendance`");
        assert_eq!(t(BaseType::List("life".into()), false), "`[life]`");
    }

    #[test]
    fn messages_end_without_a_period_and_every_problem_says_what_to_do() {
        let problems = [
            RuleProblem::Syntax { expected: vec![Expected::Declaration, Expected::Rule], found: Some("exclud".into()) },
            RuleProblem::Syntax { expected: vec![Expected::Expression], found: None },
            RuleProblem::MissingRule { rule: RuleKind::Quorum },
            RuleProblem::MoreThanOneRule { rule: RuleKind::Prefer },
            RuleProblem::DivisionByZero,
            RuleProblem::UnknownName { name: "x".into(), choices: Choices { closest: None, names: vec![] } },
        ];
        for p in problems {
            let w = words(&p);
            assert!(!w.message.ends_with('。') && !w.message.ends_with('.'), "{w:?}");
            assert!(!w.label.is_empty() && !w.help.is_empty(), "{w:?}");
        }
        assert_eq!(words(&RuleProblem::MoreThanOneRule { rule: RuleKind::Prefer }).help, "规则集中 `prefer` 规则至多保留一条：删去其余的");
        assert_eq!(words(&RuleProblem::MoreThanOneRule { rule: RuleKind::Voter }).help, "规则集中 `voter` 规则恰好保留一条：删去其余的");
        assert_eq!(words(&RuleProblem::UnknownName { name: "x".into(), choices: Choices { closest: None, names: vec![] } }).help, "可用的名称：无");
    }

    #[test]
    fn each_error_is_shown_at_its_place_and_listed_on_one_line() {
        let line = "exclude y §1 \"中文\" when member.lfe";
        let errors = RuleErrors {
            errors: vec![error(
                line,
                "lfe",
                RuleProblem::UnknownField {
                    of: "member".into(),
                    record: "member".into(),
                    field: "lfe".into(),
                    choices: Choices { closest: Some("life".into()), names: vec!["name".into(), "life".into()] },
                },
            )],
        };
        assert_eq!(plain(&errors), ["rules/a.shine:1:31: `member` 没有字段 `lfe`"]);
        assert_eq!(
            render(&errors),
            "错误：`member` 没有字段 `lfe`\n \
             --> rules/a.shine:1:31\n  \
             |\n\
             1 | exclude y §1 \"中文\" when member.lfe\n  \
             |                                 ^^^ 无此字段\n  \
             = 帮助：是否想写 `life`？`member` 已声明的字段：`name`、`life`\n"
        );
    }
}
