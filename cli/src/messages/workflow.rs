//! Problems of the workflow files (`workflows/quarter.ron`, `workflows/escalation.ron`)
//! in Chinese: what is wrong, the offending text underlined, and what to do next.
//!
//! The engine hands over typed problems ([`WorkflowProblem`]) with their place; this
//! module only words them. Ids, keys and names from the files stay as written, in
//! backticks; where a name is unknown, the closest declared one is suggested.

use super::snippet::snippet;
use super::{closest, listing};
use shine_engine::rules::RuleKind;
use shine_engine::workflow::{Item, RonProblem, RoleUser, WorkflowError, WorkflowProblem as P};

/// ```text
/// 错误：环节 `register` 指定了未声明的角色 `membr`
///   --> workflows/quarter.ron:31:20
///    |
/// 31 |     roles: ["membr"],
///    |             ^^^^^^^ 没有这个角色
///   = 帮助：是否想写 `member`？…
/// ```
pub fn problem(file: &str, error: &WorkflowError) -> String {
    let Words { message, label, help } = words(file, &error.problem);
    format!("错误：{message}\n{}  = 帮助：{help}\n", snippet(&error.place, &label))
}

/// What a problem says: the message, the label under the offending text, the help.
struct Words {
    message: String,
    label: String,
    help: String,
}

fn says(message: String, label: &str, help: String) -> Words {
    Words { message, label: label.to_owned(), help }
}

fn words(file: &str, problem: &P) -> Words {
    match problem {
        P::Syntax { problem, ron } => syntax(file, problem, ron),
        P::NotUtf8 { byte } => says(
            format!("无法读取 `{file}`：文件不是 UTF-8 编码，此处的字节 0x{byte:02X} 无法读取"),
            "从此处起无法读取",
            "请用编辑器将该文件另存为 UTF-8 编码（如记事本的“另存为”→“编码：UTF-8”），再运行本命令".into(),
        ),
        P::DuplicateId { item, id, first_line } => {
            let first = first_line.map(|line| format!("；`{id}` 已在第 {line} 行定义")).unwrap_or_default();
            let what = item_word(*item);
            says(format!("{what} id `{id}` 重复"), "再次定义", format!("每个{what}用不同的 id{first}"))
        }
        P::DuplicateTitle { item, title, first, second } => {
            let what = item_word(*item);
            says(
                format!("{what} `{first}` 和 `{second}` 的名称都是 `{title}`"),
                "名称重复",
                format!("给每个{what}不同的名称，以便用名称指明{what}"),
            )
        }
        P::NotAClause { item, id, clause } => says(
            format!("{} `{id}` 引用的 `{clause}` 不是条款编号", item_word(*item)),
            "不是条款编号",
            "写出它所执行的通知条款，如 `§3.2` 或 `§4.2.a`".into(),
        ),
        P::UnknownRole { by, role, known } => {
            let message = match by {
                RoleUser::Step(step) => format!("环节 `{step}` 指定了未声明的角色 `{role}`"),
                RoleUser::OpenedBy => format!("`opened_by` 指定了未声明的角色 `{role}`"),
                RoleUser::DefaultRole => format!("默认角色 `{role}` 不是已声明的角色"),
                RoleUser::Restricted => format!("`restricted` 的 `seen_by` 指定了未声明的角色 `{role}`"),
                RoleUser::Level(level) => format!("层级 `{level}` 指定了未声明的角色 `{role}`"),
            };
            let help = format!(
                "{}在 `roles` 中声明 `Role(id: \"{role}\", title: \"…\")`，或改用 {}",
                guess(role, known),
                listing(known)
            );
            says(message, "没有这个角色", help)
        }
        P::StepWithoutRoles { step } => {
            says(format!("环节 `{step}` 没有指定办理角色"), "此环节", "在它的 `roles` 中至少列出一个角色".into())
        }
        P::UnknownFromState { step, state, known } => unknown_state(format!("环节 `{step}` 的起点 `{state}` 不是已声明的状态"), state, known),
        P::UnknownTargetState { step, state, known } => unknown_state(format!("环节 `{step}` 通向未声明的状态 `{state}`"), state, known),
        P::UnknownStartState { state, known } => unknown_state(format!("开始状态 `{state}` 不是已声明的状态"), state, known),
        P::BothToAndOutcomes { step } => says(
            format!("环节 `{step}` 同时写了 `to` 和 `outcomes`"),
            "此环节",
            "一个环节要么通向一个状态（`to`），要么计票后按 `outcomes` 分流；只保留其一".into(),
        ),
        P::LeadsNowhere { step } => says(
            format!("环节 `{step}` 没有去向"),
            "此环节",
            "加上 `to: \"<状态>\"`，或加上 `outcomes` 并写 `effect: Tally`".into(),
        ),
        P::OutcomesWithoutTally { step } => says(
            format!("环节 `{step}` 写了 `outcomes`，却没有 `effect: Tally` 来选择去向"),
            "此环节",
            "加上 `effect: Tally`，或把 `outcomes` 换成 `to`".into(),
        ),
        P::TallyWithoutOutcomes { step } => says(
            format!("环节 `{step}` 计票，却没有 `outcomes`"),
            "此环节",
            "把 `to` 换成 `outcomes: (selected: \"…\", runoff: \"…\")`，由计票结果选择下一个状态".into(),
        ),
        P::SecondStepFromState { state, first, second } => says(
            format!("状态 `{state}` 有两个环节离开：`{first}` 和 `{second}`"),
            "同一状态的第二个环节",
            "每个状态只由一个环节离开；合并这两个环节，或在其间加一个状态".into(),
        ),
        P::TerminalStateLeft { state, step } => says(
            format!("终止状态 `{state}` 有环节 `{step}` 离开"),
            "离开终止状态",
            format!("去掉 `{state}` 的 `terminal: true`，或删去环节 `{step}`"),
        ),
        P::DeadEnd { state } => says(
            format!("状态 `{state}` 是死路：不是终止状态，也没有环节离开它"),
            "没有环节离开此状态",
            format!("加一个从 `{state}` 出发的环节，或把它标为 `terminal: true`"),
        ),
        P::Unreachable { state, start } => says(
            format!("从开始状态 `{start}` 到不了状态 `{state}`"),
            "无法到达",
            format!("加一个通向 `{state}` 的环节，或删去这个状态"),
        ),
        P::NoTerminalState => says(
            "流程没有终止状态".into(),
            "这些状态都不是终止状态",
            "把流程结束时所处的状态标为 `terminal: true`".into(),
        ),
        P::LoopWithoutExit { states } => {
            let message = match states.as_slice() {
                [state] => format!("状态 `{state}` 循环回到自身，到不了终止状态"),
                _ => format!("状态 {} 构成循环，到不了终止状态", listing(states)),
            };
            says(message, "循环从这里开始", "让其中一个状态有环节（或计票结果）通向终止状态".into())
        }
        P::UnknownGuard { step, rule } => says(
            format!("环节 `{step}` 的条件 `{rule}` 不是已有的规则"),
            "没有这条规则",
            format!("在规则文件中定义名为 `{rule}` 的规则，或从该环节的 `guards` 中删去"),
        ),
        P::UnknownClause { clause, known } => says(
            format!("通知中没有条款 {clause}"),
            "无此条款",
            format!("写出它所执行的通知条款（见 `shine clauses`）：{}", known.join("、")),
        ),
        P::UnknownSessionKind { step, kind } => says(
            format!("环节 `{step}` 的组织生活形式 `{kind}` 不是规则中的组织生活形式"),
            "规则中没有这种组织生活形式",
            format!("在规则文件 `enum session_kind` 中加上 `{kind}`，或改正该环节的 `session`"),
        ),
        P::NoQuarterUnits { known } => says(
            "没有指明由哪类组织开展此流程".into(),
            "未列出组织类别",
            format!("在 `units` 中列出开展此流程的组织类别，可选逐级报送文件 `kinds` 中的 {}", listing(known)),
        ),
        P::UnknownQuarterKind { kind, known } => says(
            format!("`units` 中的 `{kind}` 不是逐级报送文件中声明的组织类别"),
            "没有这个组织类别",
            format!("{}改用 {}，或在逐级报送文件的 `kinds` 中声明 `{kind}`", guess(kind, known), listing(known)),
        ),
        P::NoDefaultRole { known } => says(
            "没有指明默认角色：未说明以何种角色办理时无从确定".into(),
            "未写 `default_role`",
            format!("加上 `default_role: \"…\"`，可选 {}", listing(known)),
        ),
        P::UnknownParentKind { kind, parent, known } => says(
            format!("组织类别 `{kind}` 的上级类别 `{parent}` 未声明"),
            "没有这个组织类别",
            format!(
                "{}在 `kinds` 中声明 `Kind(id: \"{parent}\", title: \"…\")`，或改用 {}",
                guess(parent, known),
                listing(known)
            ),
        ),
        P::NoRootKind => says(
            "组织类别没有根：每一类都写了上级".into(),
            "此处",
            "最高一级的组织类别不写 `parents`".into(),
        ),
        P::SecondRootKind { first, second } => says(
            format!("组织类别 `{first}` 和 `{second}` 都没有上级，而组织树只能有一个根"),
            "第二个根",
            format!("给 `{second}` 写上 `parents`，指明它隶属于哪一类组织"),
        ),
        P::KindLoop { kinds } => says(
            format!("组织类别 {} 互为上级，构成循环", listing(kinds)),
            "循环从这里开始",
            "每一类组织都应逐级隶属于根类别；修改其中一个的 `parents` 以打破循环".into(),
        ),
        P::UnknownReportsTo { level, target, known } => says(
            format!("层级 `{level}` 报送至未声明的层级 `{target}`"),
            "没有这个层级",
            format!("{}声明层级 `{target}`，或报送至 {}", guess(target, known), listing(known)),
        ),
        P::ReportsButNeverForwards { level, reports_to } => says(
            format!("层级 `{level}` 报送至 `{reports_to}`，却没有 `Forward` 环节"),
            "没有 `Forward` 环节",
            "加一个 `Forward` 环节，或删去 `reports_to`".into(),
        ),
        P::ForwardsButReportsToNone { level } => says(
            format!("层级 `{level}` 有 `Forward` 环节，却没有报送对象"),
            "`Forward` 无处可送",
            "加上 `reports_to: \"<层级>\"`，或删去 `Forward` 环节".into(),
        ),
        P::LevelLoop { levels } => says(
            format!("层级 {} 相互报送，构成循环", listing(levels)),
            "循环从这里开始",
            "各层级应逐级报送至最高层级；修改其中一个的 `reports_to` 以打破循环".into(),
        ),
        P::NoTopLevel => says(
            "报送链没有最高层级：每个层级都报送至另一层级".into(),
            "没有不写 `reports_to` 的层级",
            "最高层级不写 `reports_to`".into(),
        ),
        P::SecondTopLevel { first, second } => says(
            format!("层级 `{first}` 和 `{second}` 都不报送至其他层级，报送链却只能有一个最高层级"),
            "第二个最高层级",
            format!("给 `{second}` 写上 `reports_to`，使各层级都通向同一个最高层级"),
        ),
        P::NeverReachesTop { level, top } => says(
            format!("层级 `{level}` 报送不到最高层级 `{top}`"),
            "到不了最高层级",
            "让它的 `reports_to` 逐级通向最高层级".into(),
        ),
        P::UnknownLevelKind { level, kind, known } => says(
            format!("层级 `{level}` 的 `units` 写的 `{kind}` 不是已声明的组织类别"),
            "没有这个组织类别",
            format!(
                "{}改用 `kinds` 中的 {}，或在 `kinds` 中声明 `{kind}`；组织树以外的层级不写 `units`",
                guess(kind, known),
                listing(known)
            ),
        ),
        P::KindActedForTwice { kind, first, second } => says(
            format!("层级 `{first}` 和 `{second}` 都代表 `{kind}` 类组织"),
            "再次对应",
            "每一类组织只对应一个层级：删去其中一个的 `units`".into(),
        ),
        P::ParentKindWithoutLevel { level, kind, parents } => says(
            format!("层级 `{level}` 代表 `{kind}` 类组织，却没有层级代表其上级类别 {}", listing(parents)),
            "上级类别没有层级",
            format!(
                "给 `{kind}` 类组织所报送的层级加上 `units: Some(\"{}\")`",
                parents.first().map(String::as_str).unwrap_or_default()
            ),
        ),
        P::ReportsNotAsTheTree { level, kind, reports_to, expected, root } => {
            let to = reports_to.as_ref().map_or("不报送至任何层级".to_owned(), |up| format!("报送至 `{up}`"));
            let why = if *root {
                format!("`{kind}` 是组织树的根，它的层级应报送至最高层级 `{expected}`")
            } else {
                format!("`{kind}` 类组织隶属于层级 `{expected}` 所代表的组织")
            };
            says(
                format!("层级 `{level}` {to}，但 {why}"),
                "与组织树不符",
                format!("改为报送至 `{expected}`，与组织树一致，或修改 `units`"),
            )
        }
        P::SendOffForward { level, action } => says(
            format!("层级 `{level}` 的 `{}` 环节写了 `send`，但只有 `Forward` 环节报送", action.name()),
            "不报送的环节写了 `send`",
            "删去 `send`，或把它移到该层级的 `Forward` 环节".into(),
        ),
        P::RulesOffPickOrPublish { level, action } => says(
            format!("层级 `{level}` 的 `{}` 环节写了 `rules`，但只有 `Pick` 和 `Publish` 环节依规则办理", action.name()),
            "既不遴选也不公布的环节写了 `rules`",
            "删去 `rules`，或把它移到该层级的 `Pick` 或 `Publish` 环节".into(),
        ),
        P::UnknownStepRule { level, action, rule, wanted } => says(
            format!("层级 `{level}` 的 `{}` 环节引用了不存在的规则 `{rule}`", action.name()),
            "没有这条规则",
            format!("在规则文件中定义名为 `{rule}` 的 `{}` 规则，或从该环节的 `rules` 中删去", keyword(*wanted)),
        ),
        P::WrongKindOfRule { level, action, rule, wanted, found } => says(
            format!("层级 `{level}` 的 `{}` 环节引用的 `{rule}` 不是 `{}` 规则", action.name(), keyword(*wanted)),
            &format!("这是 `{}` 规则", keyword(*found)),
            format!("`{}` 环节只能引用 `{}` 规则", action.name(), keyword(*wanted)),
        ),
        P::CalendarYearTwice { year } => says(format!("工作日历中 {year} 年列了两次"), "再次列出", "每年只写一个 `Year(...)`：合并两处".into()),
        P::CalendarNotADate { written } => {
            says(format!("`{written}` 不是有效的日期"), "无此日期", "日期写作 2027-01-01（年-月-日），且须是当月实有的一天".into())
        }
        P::CalendarDateOutsideYear { date, year } => {
            says(format!("`{date}` 不在 {year} 年"), "不是本年的日期", format!("放在它所属年份的 `Year(...)` 下，或改为 {year} 年的日期"))
        }
        P::CalendarRangeReversed { first, last } => says(
            format!("放假的最后一天 `{last}` 早于第一天 `{first}`"),
            "首尾颠倒",
            "`off` 写作（第一天, 最后一天），含两端".into(),
        ),
    }
}

/// A RON error: what kind of error it is, in Chinese, with RON's own words kept
/// where they say more than the kind.
fn syntax(file: &str, problem: &RonProblem, ron: &str) -> Words {
    let cannot = format!("无法读取 `{file}`");
    let within = |within: &Option<String>| within.as_ref().map(|item| format!("`{item}` 中")).unwrap_or_default();
    match problem {
        RonProblem::Malformed => says(
            format!("{cannot}：RON 语法错误"),
            "此处有误",
            format!("检查此处附近的逗号、括号、冒号和引号（RON 的说明：{ron}）；格式见 docs/WORKFLOWS.md"),
        ),
        RonProblem::UnexpectedEnd => says(
            format!("{cannot}：文件没写完就结束了"),
            "文件在此结束",
            "补上缺少的 `)` 或 `]`".into(),
        ),
        RonProblem::UnknownKey { key, expected, within: item } => says(
            format!("{cannot}：{}没有 `{key}` 这一项", within(item)),
            "未知的项",
            format!("{}可写的项有 {}", guess(key, expected), listing(expected)),
        ),
        RonProblem::MissingKey { key, within: item } => says(
            format!("{cannot}：{}缺少 `{key}`", within(item)),
            "缺少一项",
            format!("补上 `{key}: …`"),
        ),
        RonProblem::DuplicateKey { key, within: item } => says(
            format!("{cannot}：{}`{key}` 写了两次", within(item)),
            "重复的项",
            format!("只保留一个 `{key}`"),
        ),
        RonProblem::UnknownName { name, expected } => says(
            format!("{cannot}：`{name}` 不是此处可用的名称"),
            "未知的名称",
            format!("{}可用的名称有 {}", guess(name, expected), listing(expected)),
        ),
        RonProblem::WrongDefinition { expected, found } => says(
            format!("{cannot}：文件写的是 `{found}(…)`，此处应为 `{expected}(…)`"),
            "不是此处要读的定义",
            format!("把 `{found}` 改为 `{expected}`，或检查是否放错了文件"),
        ),
        RonProblem::WrongValue { .. } => says(
            format!("{cannot}：值的类型不对"),
            "此处的值",
            format!("按 docs/WORKFLOWS.md 所示格式改正此处（RON 的说明：{ron}）"),
        ),
        RonProblem::TooDeep { limit } => says(
            format!("{cannot}：括号嵌套超过 {limit} 层"),
            "嵌套过深",
            format!("流程文件的括号至多嵌套 {limit} 层：检查此处是否多写了 `(` 或 `[`；格式见 docs/WORKFLOWS.md"),
        ),
        RonProblem::Other => says(
            format!("{cannot}：RON 无法读取此处"),
            "此处",
            format!("按 docs/WORKFLOWS.md 所示格式改正此处（RON 的说明：{ron}）"),
        ),
    }
}

fn unknown_state(message: String, state: &str, known: &[String]) -> Words {
    let help = format!("{}声明状态 `{state}`，或改用 {}", guess(state, known), listing(known));
    says(message, "没有这个状态", help)
}

/// `是否想写 `member`？`, or nothing when no declared name is close.
fn guess(name: &str, known: &[String]) -> String {
    closest(name, known).map(|near| format!("是否想写 `{near}`？")).unwrap_or_default()
}

fn item_word(item: Item) -> &'static str {
    match item {
        Item::Role => "角色",
        Item::State => "状态",
        Item::Step => "环节",
        Item::Level => "层级",
        Item::Kind => "组织类别",
    }
}

/// A kind of rule as the rule language spells it: `pick`, `publicity`.
fn keyword(kind: RuleKind) -> String {
    serde_json::to_value(kind).ok().and_then(|value| value.as_str().map(str::to_owned)).unwrap_or_default()
}
