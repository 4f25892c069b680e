//! Every refusal of the engine in Chinese: one line saying what is wrong, the details
//! that back it (the values seen, the rule and clause, what is missing), and what to
//! do next.

use super::words::{self, decision, member, members, step, titled, titles, unit, variant};
use shine_engine::refusal::{BallotMethod, Dated, Hint, Kind, LevelAct, RecordCheck, Refusal, RowIssue, Stored, TotalsProblem};
use shine_engine::store::StoreError;

/// A refusal in words.
#[derive(Debug, Default)]
pub struct Worded {
    pub message: String,
    /// Lines under the message.
    pub details: Vec<String>,
    /// What to do next, one line each.
    pub next: Vec<String>,
}

impl Worded {
    fn new(message: impl Into<String>) -> Worded {
        Worded { message: message.into(), ..Worded::default() }
    }

    fn detail(mut self, line: impl Into<String>) -> Worded {
        self.details.push(line.into());
        self
    }

    fn then(mut self, line: impl Into<String>) -> Worded {
        self.next.push(line.into());
        self
    }
}

pub fn word(r: &Refusal) -> Worded {
    let mut w = kind(&r.kind);
    for h in &r.next {
        w.next.push(hint(h));
    }
    w
}

fn store(p: &StoreError) -> Worded {
    match p {
        StoreError::Locked { path } => Worded::new(format!("存储 `{path}` 正被另一个 shine 进程使用"))
            .then("等该进程结束后再运行；同一存储同一时间只能由一个进程打开"),
        StoreError::Open { path, reason } => Worded::new(format!("无法打开存储 `{path}`：{reason}"))
            .then("检查目录权限和磁盘空间，或用 `--store` 指定其他目录"),
        StoreError::Damaged { path, reason } => Worded::new(format!("存储 `{path}` 已损坏，无法打开"))
            .detail(format!("原因：{reason}"))
            .then(format!(
                "保留这个目录，不要删除或改动（留作分析）；用最近的备份恢复：`shine store restore --from <备份文件> --store {path} --replace`（原目录会被移到一旁保留，并告诉你位置），或恢复到新目录：`shine store restore --from <备份文件> --store <新目录>`"
            )),
        StoreError::NotAStore { path } => Worded::new(format!("目录 `{path}` 不是空目录，也不是 shine 存储，不会在其中建立存储"))
            .then("用 `--store` 指定一个新目录（或空目录）；若这是别的程序的目录，请勿在此建立存储"),
        StoreError::Io { reason } => Worded::new(format!("存储读写失败：{reason}")).then("检查磁盘空间和权限后重试"),
        StoreError::Corrupt { key, problem } => Worded::new(format!("存储中的记录无法读取（{key}）"))
            .detail(format!("原因：{}", invalid(problem)))
            .then("运行 `shine store check` 查看全部问题；存储可能已损坏，请从备份恢复"),
        StoreError::Encode { reason } => Worded::new(format!("记录无法写入存储：{reason}")),
    }
}

fn invalid(p: &shine_engine::store::log::Invalid) -> String {
    use shine_engine::store::log::Invalid;
    match p {
        Invalid::Shape(e) => format!("格式不符（{e}）"),
        Invalid::Version(v) => format!("记录版本 {v} 由更新版本的 shine 写入，请升级 shine"),
        Invalid::Id(id) => format!("编号 `{id}` 无效"),
        Invalid::Time(t) => format!("时间 `{t}` 无效"),
        Invalid::Quarter(q) => format!("季度 `{q}` 无效"),
        Invalid::Hash(h) => format!("校验值 `{h}` 无效"),
    }
}

pub fn row_issue(i: &RowIssue) -> String {
    match i {
        RowIssue::EmptyName => "姓名为空".into(),
        RowIssue::RepeatedId { id } => format!("党员编号 `{id}` 重复"),
        RowIssue::NotAVariant { value, decl, allowed } => format!(
            "`{value}` 不是有效的{}，应为 {}",
            decl.label.as_deref().unwrap_or(&decl.name),
            allowed.iter().map(variant).collect::<Vec<_>>().join("、")
        ),
        RowIssue::InAnotherBranch { id, branch } => {
            format!("党员编号 `{id}` 已在支部 `{branch}` 的名单上；党员转到本支部用 `shine member transfer --member {id} --to <本支部> --on <日期>`，不用导入")
        }
        RowIssue::LeftBranch { id, on, departure, label } => {
            format!("党员编号 `{id}` 已于 {on} {}，不再在本支部名单上；名单文件中删去这一行", super::roster::departure(departure, label.as_deref()))
        }
        RowIssue::BadText { field, given, problem } => format!("「{given}」：{}", super::text::problem(*field, problem)),
    }
}

fn totals(p: &TotalsProblem) -> String {
    match p {
        TotalsProblem::NegativeBallots { ballots } => format!("选票数 {ballots} 不能为负数"),
        TotalsProblem::MoreBallotsThanVoters { ballots, voters } => format!("选票数 {ballots} 超出有表决权的到会党员数 {voters}"),
        TotalsProblem::NamedTwice { given } => format!("「{given}」出现了两次"),
        TotalsProblem::VotesOutOfRange { given, votes, ballots } => format!("「{given}」得票 {votes} 超出有效票数 {ballots}"),
        TotalsProblem::NotACandidate { given } => format!("「{given}」不是本轮候选人"),
        TotalsProblem::NotInBranch { given } => format!("「{given}」不在本支部名单中"),
        TotalsProblem::SumTooLarge { sum, ballots, seats } => format!("总票数 {sum} 超过 有效票数 {ballots} × 名额 {seats}"),
        TotalsProblem::MoreReturnedThanIssued { returned, issued } => format!("收回选票 {returned} 张，多于发出的 {issued} 张"),
        TotalsProblem::InvalidOutOfRange { invalid, returned } => format!("无效票 {invalid} 张，不在 0 到收回选票数 {returned} 之间"),
        TotalsProblem::TellerTwice { given } => format!("监票人、计票人「{given}」写了两次"),
    }
}

fn act(a: &LevelAct) -> String {
    match a {
        LevelAct::Step { title } => format!("「{title}」"),
        LevelAct::Object => "受理异议".into(),
        LevelAct::Decide => "处理异议".into(),
        LevelAct::Return => "退回更正".into(),
        LevelAct::Resubmit => "更正后重新报送".into(),
    }
}

fn kind(k: &Kind) -> Worded {
    match k {
        Kind::RuleFiles { errors } => {
            let mut w = Worded::new(super::rules::summary(errors));
            w.details = super::diagnostics::rule_errors(errors);
            w
        }
        Kind::WorkflowFile { errors } => {
            let mut w = Worded::new(format!("流程文件 `{}` 有 {} 处错误", errors.file, errors.errors.len()));
            w.details = super::diagnostics::workflow_errors(errors);
            w
        }
        Kind::Store { problem } => store(problem),
        Kind::StoredDefinitionMissing { what, hash } => {
            let what = match what {
                Stored::RuleSet => "规则集",
                Stored::Workflow => "流程",
            };
            Worded::new(format!("存储中缺少该季度的{what} {}，存储可能已损坏", &hash[..hash.len().min(12)]))
        }
        Kind::GuardMissing { guard } => Worded::new(format!("流程要求的条件 `{guard}` 在本季度的规则集中不存在")),
        Kind::NoPublicityRule => Worded::new("规则中没有公示期（publicity）规则").then("在 rules/ 中加入 `publicity … N working days`"),

        Kind::BadQuarter { given } => Worded::new(format!("`{given}` 不是有效的季度")).then("季度写作 `2026Q4`（2026 年第四季度）"),
        Kind::Empty { what } => Worded::new(format!("{}不能为空", words::text(*what))).then(format!("写明{}，它会记入台帐", words::text(*what))),
        Kind::NotAVariant { value, decl, allowed } => Worded::new(format!("`{value}` 不是有效的{}", decl.label.as_deref().unwrap_or(&decl.name)))
            .then(format!("应为 {}（见 rules/ 中的 `enum {}`）", allowed.iter().map(variant).collect::<Vec<_>>().join("、"), decl.name)),
        Kind::NothingToRecord => Worded::new("没有要登记的记录").then("至少给出一条记录"),

        Kind::NotFound { what, given } => Worded::new(format!("找不到{} `{given}`", words::thing(*what))),
        Kind::AmbiguousMember { name, matches } => Worded::new(format!("有 {} 名党员叫「{name}」", matches.len()))
            .detail(matches.iter().map(|(m, b)| format!("`{}`（{}）", m.id, b.name)).collect::<Vec<_>>().join("、")),
        Kind::NotInBranch { given, branch } => Worded::new(format!("{}的名单中没有「{given}」", unit(branch))),

        Kind::UnitIdTaken { id, by } => Worded::new(format!("组织编号 `{id}` 已被{}使用", unit(by))).then("换一个编号"),
        Kind::SecondRoot { root } => Worded::new(format!("已有校党委{}（`{}`）", unit(root), root.id)).then("一个存储只对应一个学校党委"),
        Kind::NeedsParent { kind, allowed } => Worded::new(format!("{}需要上级组织", titled(kind)))
            .then(format!("用 `--parent` 指定上级：{}", titles(allowed))),
        Kind::RootHasNoParent { kind } => Worded::new(format!("{}是最高一级组织，没有上级", titled(kind))).then("去掉 `--parent`"),
        Kind::WrongParent { kind, parent, parent_kind, allowed } => {
            Worded::new(format!("{}不能隶属于{}{}", titled(kind), titled(parent_kind), unit(parent))).then(format!("{}隶属于{}", titled(kind), titles(allowed)))
        }
        Kind::UnknownKind { given, known } => Worded::new(format!("`{given}` 不是组织类别"))
            .then(format!("可用的类别：{}（见 workflows/escalation.ron）", known.iter().map(|k| format!("{}（{}）", k.title, k.id)).collect::<Vec<_>>().join("、"))),
        Kind::NotABranch { unit: u, kind } => Worded::new(format!("{}是{}，不直接开展评选", unit(u), titled(kind))).then("请指定其下的党支部"),
        Kind::RosterRejected { problems } => {
            let mut w = Worded::new(format!("名单有 {} 处问题，未导入任何党员", problems.len()));
            for p in problems {
                let who = if p.name.trim().is_empty() { String::new() } else { format!("（{}）", p.name) };
                w.details.push(format!("第 {} 行{who}：{}", p.row, row_issue(&p.problem)));
            }
            w.then("改正名单后重新导入；导入是整体进行的，重复导入同一名单是安全的")
        }
        Kind::RowRejected { row, problem } => {
            let inner = kind(problem);
            let mut w = Worded::new(format!("第 {row} 行：{}", inner.message));
            w.details = inner.details;
            w.next = inner.next;
            w.then("改正后重新导入；未记录任何一条")
        }
        Kind::RowsRejected { rows } => {
            let mut w = Worded::new(format!("有 {} 行不能记录，未记录任何一条", rows.len()));
            for r in rows {
                let inner = word(&r.refusal);
                w.details.push(format!("第 {} 行：{}", r.row, inner.message));
            }
            w.then("改正这些行后重新导入；导入是整体进行的，重复导入同一文件是安全的")
        }
        Kind::ConflictsWithRow { row } => {
            Worded::new(format!("与第 {row} 行记的是同一项，内容却不同")).then("核对这两行，只保留正确的一行")
        }
        Kind::NameMismatch { member: m, given } => Worded::new(format!("党员编号 `{}` 是「{}」的，不是「{given}」的", m.id, m.name))
            .then("核对这一行的党员编号和姓名"),
        Kind::ParentRowNotAdded { parent, row } => Worded::new(format!("上级组织 `{parent}`（第 {row} 行）未能建立"))
            .then(format!("先改正第 {row} 行；上级关系不能绕回自身")),
        Kind::NotAnExclusion { given, known } => Worded::new(format!("`{given}` 不是现行规则中的不能评选情形"))
            .then(format!("可记录违规情形的条款：{}", known.iter().map(|r| format!("{}（{}）", r.name, r.clause)).collect::<Vec<_>>().join("、"))),
        Kind::FindingNotRead { rule, reads, taking } => {
            let reads = reads.iter().map(|f| format!("member.{f}")).collect::<Vec<_>>().join("、");
            Worded::new(format!("{}（{}）不读违规记录，记在它名下的记录永远不会计入；未记录", rule.name, rule.clause))
                .detail(format!("按规则文件，{} 读取的是 {reads}：应记录这些事实（如组织生活记录 `shine life add`），而不是违规记录", rule.name))
                .then(format!("可记录违规情形的条款：{}", taking.iter().map(|r| format!("{}（{}）", r.name, r.clause)).collect::<Vec<_>>().join("、")))
        }
        Kind::FindingNeverCounts { rule, would_count_with } => {
            let w = Worded::new(format!("按规则 {}（{}），这条记录在任何会议日期都不会计入；未记录", rule.name, rule.clause));
            if would_count_with.is_empty() {
                w.detail("记录的日期、截止日期或其他内容使规则永远不成立").then("核对日期后重新记录")
            } else {
                let parts = would_count_with.iter().map(|p| super::findings::part_option(*p)).collect::<Vec<_>>().join("或");
                w.detail(format!("{} 的记录需注明 {parts}", rule.name)).then(format!("加上 {parts} 后重新记录"))
            }
        }
        Kind::NoSuchFinding { member: m, clause, date, recorded } => {
            let w = Worded::new(format!("{} 没有 {date} 记在 {clause} 名下的违规记录", member(m)));
            if recorded.is_empty() {
                w.detail("该党员没有任何违规记录").then("核对党员、条款和日期")
            } else {
                let list = recorded.iter().map(|(c, d)| format!("{c} {d}")).collect::<Vec<_>>().join("、");
                w.detail(format!("该党员的记录：{list}")).then("用 `--clause` 和 `--date` 写记录时的条款和日期")
            }
        }
        Kind::FindingClosedAlready { member: m, clause, date, on, how } => {
            Worded::new(format!("{} 的 {clause} 记录（{date}）已于 {on} 结束（{how}），不能再结束一次", member(m)))
                .then("一条记录只能结束一次；重复完全相同的结束命令不会再记一次")
        }
        Kind::ClosedBeforeFound { member: m, clause, date, on } => {
            Worded::new(format!("结束日期 {on} 早于 {} 的 {clause} 记录日期 {date}", member(m))).then(format!("`--on` 应不早于 {date}"))
        }
        Kind::EndsBeforeStart { from, until } => {
            Worded::new(format!("截止日期 {until} 早于起始日期 {from}")).then(format!("截止日期应不早于 {from}"))
        }
        Kind::DeedDateOutOfRange { member: m, date, from, to, after_today: true } => {
            Worded::new(format!("{} 的事迹日期 {date} 晚于今天，不能登记尚未发生的事迹", member(m)))
                .detail(format!("可登记的日期：{from} 至 {to}"))
                .then("填写事迹实际发生的日期；事迹日期用 `--date` 指定")
        }
        Kind::NoSuchDeed { member: m, number, numbers, withdrawn } => {
            let what = if *withdrawn { format!("第 {number} 条闪光言行已撤回") } else { format!("没有第 {number} 条闪光言行") };
            let has = if numbers.is_empty() {
                "本季度尚未登记闪光言行（或已全部撤回）".to_owned()
            } else {
                let listed: Vec<String> = numbers.iter().map(|n| format!("第 {n} 条")).collect();
                format!("本季度现有 {} 条：{}", numbers.len(), listed.join("、"))
            };
            Worded::new(format!("{} 的登记证上{what}", member(m))).detail(has).then("按登记证上的序号修改或撤回；撤回的闪光言行可重新登记")
        }
        Kind::DeedDateOutOfRange { member: m, date, from, to, after_today: false } => {
            Worded::new(format!("{} 的事迹日期 {date} 不在可登记的日期内（{from} 至 {to}）", member(m)))
                .detail("事迹应是本季度以来、登记之日以前的")
                .then("填写本季度内的日期；事迹日期用 `--date` 指定")
        }

        Kind::UnknownRole { given, known } => Worded::new(format!("`{given}` 不是流程中的角色"))
            .then(format!("可用的角色：{}", known.iter().map(|r| format!("{}（{}）", r.title, r.id)).collect::<Vec<_>>().join("、"))),
        Kind::MayNotOpen { role, openers } => Worded::new(format!("{}不能开启季度评选", titled(role))).detail(format!("季度评选由{}开启", titles(openers))),
        Kind::MayNotAct { role, step: s, allowed } => {
            Worded::new(format!("{}不能办理{}", titled(role), step(s))).detail(format!("该环节由{}办理", titles(allowed)))
        }

        Kind::NoRoster { branch } => Worded::new(format!("{}还没有党员名单", unit(branch))),
        Kind::LaterQuarterOpened { branch, later, asked } => {
            Worded::new(format!("{}已开启过更晚的 {later} 季度，不能再开启 {asked} 季度", unit(branch))).detail("季度按时间顺序开启")
        }
        Kind::QuarterUnfinished { branch, quarter } => Worded::new(format!("{}的 {quarter} 季度尚未完成", unit(branch))),
        Kind::NoQuarter { branch } => Worded::new(format!("{}还没有开启任何季度", unit(branch))),
        Kind::QuarterNotOpened { branch, quarter, .. } => Worded::new(format!("{}没有开启 {quarter} 季度", unit(branch))),
        Kind::QuarterFinished { branch, quarter } => Worded::new(format!("{}的 {quarter} 季度已经完成", unit(branch))),
        Kind::AdvanceUnnamed { branch, now } => Worded::new(format!("请用 `--from` 写明要完成的当前环节：{}现在处于「{}」（{}）", unit(branch), now.title, now.id))
            .detail("写明环节后，重复执行同一命令（例如没有看到结果时再运行一次）不会再多推进一步"),
        Kind::NoSuchState { given, states } => Worded::new(format!("季度流程中没有名为 `{given}` 的环节")).detail(format!("可用的环节：{}", titles(states))),
        Kind::AmbiguousState { given, matches } => {
            Worded::new(format!("`{given}` 可以指多个环节：{}", titles(matches))).detail("请写环节的编号或完整名称")
        }
        Kind::NotInState { branch, expected, now } => Worded::new(format!(
            "{}现在处于「{}」（{}），不在「{}」（{}），也从未经过该环节；未做任何更改",
            unit(branch),
            now.title,
            now.id,
            expected.title,
            expected.id
        )),
        Kind::NotAcceptedNow { branch, state, record, accepted_in } => {
            let w = Worded::new(format!("{}当前处于「{}」环节，此时不能登记{}", unit(branch), state.title, words::record_kind(*record)));
            if accepted_in.is_empty() {
                w.detail("现行流程中没有接受这类记录的环节")
            } else {
                w.detail(format!("这类记录在{}环节登记", titles(accepted_in)))
            }
        }
        Kind::OutsideQuarter { what, date, quarter } => {
            let what = match what {
                Dated::Deed { member: m } => format!("{} 的事迹日期", member(m)),
                Dated::Meeting => "会议日期".into(),
            };
            Worded::new(format!("{what} {date} 不在 {quarter} 季度内（{} 至 {}）", quarter.start(), quarter.end()))
                .then("填写本季度内的日期；事迹日期用 `--date` 指定")
        }
        Kind::MayNotPresent { member: m, rule } => {
            Worded::new(format!("按规则，{} 此时不能登记交流发言", member(m))).detail(decision(rule.as_ref(), "  ").trim_end().to_owned())
        }
        Kind::Blocked { step: s, failed } => {
            let mut w = Worded::new(format!("不能完成{}：{} 项条件未满足", step(s), failed.len()));
            w.details.push("未满足的条件：".into());
            for d in failed {
                w.details.push(decision(d, "  ").trim_end().to_owned());
            }
            w
        }
        Kind::MeetingNotReported { branch } => {
            Worded::new(format!("{}还没有向上级报告专题组织生活会", unit(branch))).detail("党支部报告会议日期后，上级才能确定列席人员")
        }
        Kind::NotTheSuperior { branch, needed, acting } => Worded::new(format!("`{acting}` 不是{}的上级", unit(branch)))
            .detail(format!("列席人员由上级党组织（{}）确定", titled(needed))),
        Kind::BallotFixed { branch, quarter } => Worded::new(format!("{}的 {quarter} 季度已经开始投票，候选人名单已确定，不能再更换本季度的规则", unit(branch))),

        Kind::NoOpenRound => Worded::new("当前没有进行中的投票"),
        Kind::OtherMethod { round, used } => match used {
            BallotMethod::Paper => Worded::new(format!("第 {round} 轮已录入纸质选票的计票结果，不能再投电子票")),
            BallotMethod::Electronic { cast } => Worded::new(format!("第 {round} 轮已有 {cast} 张电子选票，不能再录入纸质计票结果")),
        }
        .detail("同一轮只能采用一种投票方式"),
        Kind::NotOnBallot { member: m, round, candidates } => {
            Worded::new(format!("「{}」不在第 {round} 轮候选人名单中", member(m))).detail(format!("候选人：{}", members(candidates)))
        }
        Kind::ChosenTwice { given } => Worded::new(format!("同一张选票上「{given}」出现了两次")).detail("每位候选人在一张选票上至多选一次"),
        Kind::CodeMalformed { length, expected } => Worded::new(format!("投票码格式不对：去掉短横线和空格后有 {length} 位，应为 {expected} 位"))
            .detail("投票码由数字 2–9 和大写字母组成（不含 0、O、1、I、L），大小写、短横线、空格均可"),
        Kind::CodeUnknown => Worded::new("没有这个投票码").detail("请对照纸条逐位核对；投票码只在发放它的党支部、本季度有效"),
        Kind::CodeUsed { round } => Worded::new(format!("这个投票码已经投过票（第 {round} 轮）")).detail("每个投票码只能投一次"),
        Kind::CodeVoided { round } => Worded::new(format!("这个投票码已作废（第 {round} 轮已补发新码或结束投票）")),
        Kind::VotingClosed { round } => Worded::new(format!("第 {round} 轮电子投票已结束，不能再投票或发码")),
        Kind::VotingStillOpen { round, issued, cast } => Worded::new(format!("第 {round} 轮电子投票尚未结束（已投 {cast} / 发出 {issued}），不能重新投票"))
            .detail("重新投票作废本次投票的全部选票，先结束投票，再重新投票"),
        Kind::CodesAlreadyIssued { round, issued, cast } => {
            Worded::new(format!("第 {round} 轮投票码已经发放（发出 {issued}，已投 {cast}）")).detail("投票码发出后再到会的党员不再领码：单独给一个人发码，会让这个码和这个人对应起来")
        }
        Kind::AllCodesUsed { round, issued } => Worded::new(format!("第 {round} 轮的 {issued} 个投票码都已投票，没有可作废补发的码")),
        Kind::NoCodesIssued { round } => Worded::new(format!("第 {round} 轮还没有发放投票码")),
        Kind::NoVotersPresent { round } => Worded::new(format!("第 {round} 轮没有到会、有表决权的党员，无法发放投票码")),
        Kind::VotingOpen { round, cast, issued } => {
            Worded::new(format!("第 {round} 轮电子投票尚未结束（已投 {cast} / 发出 {issued}），还不能计票")).detail("投票码全部投完，或书记结束投票后，才能计票")
        }
        Kind::TotalsRejected { problems } => {
            let mut w = Worded::new(format!("计票结果有 {} 处问题，未录入", problems.len()));
            w.details = problems.iter().map(totals).collect();
            w
        }

        Kind::NotInChain { unit: u } => Worded::new(format!("{}不在上报链中", unit(u))).detail("检查 workflows/escalation.ron 中各层级的 units"),
        Kind::NoSuchStep { unit: u, level, step: s, steps } => Worded::new(format!("{}（{}）没有「{}」这一步", level.title, u.name, words::chain_step(*s)))
            .detail(format!("{}的步骤：{}", level.title, steps.join(" → "))),
        Kind::LevelRole { unit: u, act: a, needed, acting } => {
            Worded::new(format!("{}的{}由{}办理，当前身份是 `{acting}`", unit(u), act(a), needed.title))
        }
        Kind::AlreadyForwarded { unit: u, quarter, on, to } => Worded::new(format!("{}{quarter} 季度已于 {on} 报送{}", unit(u), unit(to))),
        Kind::StepBefore { step: s, before } => {
            let mut w = Worded::new(format!("「{s}」之前还要先完成「{}」（{}）", before.title, before.clause));
            w.details = before.missing.iter().map(words::missing).collect();
            w
        }
        Kind::AlreadyFiled { unit: u, quarter } => Worded::new(format!("{}{quarter} 季度已备案", unit(u))),
        Kind::NothingToPublish { unit: u, quarter } => Worded::new(format!("{}{quarter} 季度没有可公示的对象", unit(u))),
        Kind::AlreadyPublished { on, until } => Worded::new(format!("已于 {on} 公示，公示期至 {until}")),
        Kind::NotPublished { star } => Worded::new(format!("{} 尚未公示", member(star))).detail("异议在公示期内提出，推荐在公示之后"),
        Kind::WindowClosed { until } => Worded::new(format!("公示期已于 {until} 结束")),
        Kind::ObjectionPending { star } => Worded::new(format!("对 {} 有待处理的异议", member(star))),
        Kind::NoObjection { star } => Worded::new(format!("对 {} 没有待处理的异议", member(star))),
        Kind::NotInPlay { star, standing } => {
            Worded::new(format!("{} 已退回或已撤销", member(star))).detail(words::standing(standing).unwrap_or_default())
        }
        Kind::NotRecommended { star, from } => Worded::new(format!("{} 不是{}推荐的典型", member(star), unit(from))).detail("只能从下级推荐的对象中遴选"),
        Kind::AlreadyPicked { star } => Worded::new(format!("{} 已在推荐名单中", member(star))),
        Kind::NotPicked { star } => Worded::new(format!("{} 不在推荐名单中", member(star))),
        Kind::NoPickReasonNotWanted { unit: u } => {
            Worded::new(format!("{}已按规则推荐，不需要说明未推荐的理由", unit(u))).detail("去掉 `--no-pick-reason` 后报送")
        }
        Kind::OverBound { star, check } => Worded::new(format!(
            "推荐 {} 后{}：超出{}（{} {}）",
            member(star),
            words::pick_check(check),
            words::bound(check.bound),
            words::citation(&check.rule),
            check.rule.text
        )),
        Kind::OwnStar { star } => Worded::new(format!("{} 是本单位自己的推荐，无需退回", member(star))),
        Kind::ReturnNeedsToken { star, to } => Worded::new(format!("{} 来自另一实例（{to}），退回须同时通知对方", member(star))),
        Kind::NotOurSuperior { given } => Worded::new(format!("`{given}` 不是本校党委的上级")).detail("只有本校党委报送的上级可以退回"),
        Kind::NothingSent { unit: u, why } => Worded::new(format!("{}{}", unit(u), words::waiting(why))),
        Kind::NotReturned { star } => Worded::new(format!("{} 没有被上级退回", member(star))).detail("只有被退回的记录才能更正后重新报送"),
        Kind::TopLevel { level } => Worded::new(format!("{}是最高层级，没有上级可报", level.title)),
        Kind::ReportsByQuarter { level } => Worded::new(format!("{}的结果由季度流程报送", level.title)),
        Kind::NoReceive { level, unit: u } => Worded::new(format!("{}（{}）不汇总下级报送", level.title, u.name)).detail("党支部的结果由季度流程报送"),
        Kind::StarNotHeld { given, unit: u, quarter, held } => {
            let held = if held.is_empty() { "暂无".to_owned() } else { members(held) };
            Worded::new(format!("{}{quarter} 季度汇总的推荐对象中没有「{given}」", unit(u))).detail(format!("汇总的推荐对象：{held}"))
        }
        Kind::AmbiguousStar { given, keys } => Worded::new(format!("「{given}」对应 {} 名推荐对象", keys.len())).then(format!("改用编号：{}", keys.join("、"))),
        Kind::Tampered { star, key, from } => {
            Worded::new(format!("{} 的推荐记录（{key}）内容与其校验值不符，可能在传输中被篡改；本次未保存任何记录", member(star))).detail(format!("来自 {from}"))
        }
        Kind::Implausible { star, key, unit: branch, from, check } => {
            let at = branch.as_ref().map(unit).unwrap_or_default();
            Worded::new(format!("{from} 送来的{at} {} 的推荐记录（{key}）未通过核对：{}；本次未保存任何记录", member(star), record_check(check)))
                .detail("记录的校验值虽然相符，但内容不可能属实：可能是持有凭据的他人伪造，或对方的数据有误")
        }
        Kind::WrongQuarter { got, expected } => Worded::new(format!("收到的记录属于 {got} 季度，而不是 {expected}")).detail("本次未保存任何记录"),

        Kind::NoSuchToken { id } => Worded::new(format!("没有有效的凭据 `{id}`")),
        Kind::TokenUnit { given, known } => Worded::new(format!("找不到单位 `{given}`")).detail(format!("可发放凭据的单位：{}", known.join("、"))),

        Kind::LoginTaken { login } => Worded::new(format!("登录名 `{login}` 已被使用")).then("换一个登录名；同一人的账号可用 `shine user reset` 重设密码"),
        Kind::NoSuchAccount { login } => Worded::new(format!("没有登录名为 `{login}` 的账号")),
        Kind::AccountUnit { role, unit: u, kind, kinds } if kinds.is_empty() => {
            Worded::new(format!("{}不在本校组织中办理，不能为{}（{}）开设该角色的账号", titled(role), unit(u), kind.title))
                .then("选择在本校组织中办理的角色，如 `--role branch_secretary`")
        }
        Kind::AccountUnit { role, unit: u, kind, kinds } => {
            Worded::new(format!("{}是{}，{}不为这类组织办理", unit(u), kind.title, titled(role)))
                .detail(format!("{}办理的组织：{}", titled(role), titles(kinds)))
                .then("`--unit` 写该类组织的编号（`shine org list` 列出组织），或换一个角色")
        }
        Kind::AccountNeedsMember { role, unit: u } => Worded::new(format!("{}的账号须对应{}的一名党员", titled(role), unit(u)))
            .then(format!("加上 `--member <党员编号>`（`shine members --branch {}` 列出党员）", u.id)),
        Kind::PasswordTooShort { chars, min } => Worded::new(format!("密码只有 {chars} 个字符，至少要 {min} 个"))
            .then("不写 `--password-file` 时由系统生成密码；或在密码文件中写一个更长的密码"),
        Kind::PasswordHash { reason } => Worded::new(format!("无法为密码生成摘要：{reason}")).then("请重试；仍不成功请联系管理员"),

        Kind::LeftRoster { member: m, branch, on, departure, label } => {
            Worded::new(format!("{}已于 {on} {}，不在{}的名单上", member(m), super::roster::departure(departure, label.as_deref()), unit(branch)))
                .then(format!("`shine member history {}` 查看其记录；离开名单的党员不再转接、变动", m.id))
        }
        Kind::BeforeJoining { member: m, branch, on, since } => {
            Worded::new(format!("{}自 {since} 起才在{}的名单上，不能登记 {on} 的变动", member(m), unit(branch)))
                .then(format!("日期写 {since} 或以后"))
        }
        Kind::SameBranch { member: m, branch } => Worded::new(format!("{}已在{}的名单上，无需转接", member(m), unit(branch)))
            .then("`--to` 写转入党支部的编号；`shine org list` 列出组织"),
        Kind::NotOnRosterOn { member: m, branch, day } => Worded::new(format!("{} {day} 不在{}的名单上（本季度按这一天的名单计）", member(m), unit(branch)))
            .detail("专题组织生活会召开之日（尚未报告时为今天）的名单决定名额、表决权和到会人数"),
        Kind::NoChangeGiven => Worded::new("没有给出要变动的内容").then("至少写一项：`--full`（转正）、`--probationary`、`--role <职务>`、`--identity <身份>`"),
        Kind::BadText { field, given, problem } => Worded::new(super::text::problem(*field, problem))
            .detail(format!("所给的内容：「{given}」"))
            .then(super::text::next(*field, problem)),

        Kind::CalendarNotCovered { missing } => {
            let covered: Vec<String> = missing.covered.iter().map(|y| format!("{y} 年")).collect();
            Worded::new(format!("工作日历 `{}` 没有 {} 年的节假日安排，无法按工作日计算期限", missing.file, missing.year))
                .detail(format!("日历已有：{}", if covered.is_empty() { "无".to_owned() } else { covered.join("、") }))
                .then(format!(
                    "按国务院办公厅公布的 {} 年节假日安排，在 `{}` 中加入该年的放假日期和调休上班日（见 README「工作日历」），再运行本命令",
                    missing.year, missing.file
                ))
        }
        Kind::SessionKindTwice { branch, date, first, second } => {
            Worded::new(format!("{}{date} 的组织生活在同一批记录中写了两种形式：{first}、{second}", unit(branch)))
                .detail("同一支部同一日期记一次组织生活")
                .then("改正后重新导入；要更正已记录的形式，用 `shine life session` 重记")
        }
        Kind::AwayEndsBeforeStart { member: m, from, to } => {
            Worded::new(format!("{}的外出回来日期 {to} 早于外出日期 {from}", member(m))).then("检查日期后重记")
        }
        Kind::NotAReportingUnit { unit: u, kind, reporting } => Worded::new(format!("{}是{}，不填报《基层党组织党员“闪光言行之星”登记表》", unit(u), titled(kind)))
            .detail(format!("登记表由{}填报，报党委组织部备案（§4.2.b）", titles(reporting))),
        Kind::QuarterRange { from, to } => Worded::new(format!("起始季度 {from} 晚于截止季度 {to}")),
        Kind::YearOutOfRange { year, first, last } => Worded::new(format!("年度 {year} 不在 {first} 至 {last} 之间")).then("年度写作 `2026`"),
        Kind::NotAway { member: m, on } => Worded::new(format!("{}在 {on} 没有记录中的外出", member(m)))
            .detail("外出回来要结束一次已记录的外出")
            .then(format!("先用 `shine life away --member {} --from 外出日期` 记外出", m.id)),
    }
}

/// What to do next, as a command the user can run.
pub fn hint(h: &Hint) -> String {
    match h {
        Hint::CheckDefinitions => "运行 `shine rules check` 和 `shine workflow check` 查看错误位置并改正".into(),
        Hint::RestoreBackup => "存储可能已损坏，请从备份恢复".into(),
        Hint::ListUnits => "用 `shine org list` 查看现有组织".into(),
        Hint::AddParent { id } => format!("先用 `shine org add --id {id} …` 建立上级组织"),
        Hint::ListMembers { branch } => format!("`shine members --branch {branch}` 列出该支部党员"),
        Hint::UseMemberId => "请改用党员编号".into(),
        Hint::ImportRoster { branch } => format!("先用 `shine roster import --branch {branch} 名单.csv` 导入名单"),
        Hint::OpenQuarter { branch } => format!("用 `shine quarter open --branch {branch} --quarter 2026Q4` 开启"),
        Hint::Status { branch } => format!("用 `shine status --branch {branch}` 查看进度"),
        Hint::ChooseQuarter { opened } if opened.is_empty() => "尚未开启任何季度".into(),
        Hint::ChooseQuarter { opened } => {
            format!("已开启的季度：{}；在 `status`、`stars` 中用 `--quarter` 指定", opened.iter().map(ToString::to_string).collect::<Vec<_>>().join("、"))
        }
        Hint::Advance { branch } => format!("满足条件后推进其季度评选：`shine status --branch {branch}` 会给出要运行的 `shine advance` 命令"),
        Hint::AdvanceFrom { branch, from } => format!("运行 `shine advance --branch {branch} --from {from}`"),
        Hint::Ledger { branch } => format!("用 `shine stars --branch {branch}` 查看结果；下个季度用 `shine quarter open` 开启"),
        Hint::RecordAttendance { branch } => format!("先登记出席情况（`shine meeting attend`，`shine status --branch {branch}` 查看进度）"),
        Hint::Explain { member } => format!("`shine explain {member}` 可查看依据"),
        Hint::ActAs { role } => format!("以 `--as {}`（{}）办理", role.id, role.title),
        Hint::NextQuarter => "新规则将用于之后开启的季度".into(),
        Hint::ChainStatus { unit, quarter } => format!("用 `shine chain status --unit {unit} --quarter {quarter}` 查看各步骤"),
        Hint::Pull { unit, quarter } => format!("先汇总：`shine pull --unit {unit} --quarter {quarter}`"),
        Hint::Decide { unit, quarter } => format!("先处理异议：`shine chain decide --unit {unit} --quarter {quarter} --member … --uphold|--dismiss --reason …`"),
        Hint::WithdrawPick { unit, quarter } => format!("先撤回一名：`shine chain pick --unit {unit} --quarter {quarter} --member … --undo`"),
        Hint::ReturnWithToken => "把对方为本单位发放的凭据放入只有本用户可读的文件，用 `shine chain return … --token-file <文件>` 退回（或放在环境变量 SHINE_TOKEN 中）".into(),
        Hint::AwaitReturn => "已报送的记录只能由上级退回后更正再报".into(),
        Hint::WaitForWindow { until } => format!("公示期至 {until}，期满后继续下一步"),
        Hint::Petition => "公示期外的意见请按信访程序处理".into(),
        Hint::ListTokens => "用 `shine token list` 查看凭据编号".into(),
        Hint::ListAccounts => "用 `shine user list` 查看账号".into(),
        Hint::AskSender { from } => format!("请联系报送单位（{from}）核实后重新拉取"),
        Hint::ChangeRule { rule } => format!("或由管理员修改 rules/ 中的 `{rule}` 规则"),
        Hint::Recount => "请监票人核对后重新录入".into(),
        Hint::HoldRoundAgain { branch } => format!(
            "收回的选票不足或多于发出的选票，本轮无效：电子投票请尚未投票的党员用投票码投票（`shine ballot vote --branch {branch} --code …`，进度见 `shine ballot status --branch {branch}`），结束投票前不要关闭；纸质投票请重新组织本轮投票，用 `shine ballot totals --branch {branch} --issued … --returned … --invalid …` 录入新的计票结果"
        ),
        Hint::IssueCodes { branch } => format!("书记用 `shine ballot codes --branch {branch}` 发放投票码"),
        Hint::ReissueCodes { branch } => format!("纸条遗失或打印失败：`shine ballot codes --branch {branch} --reissue` 作废未使用的码并补发同样数量的新码"),
        Hint::CloseVoting { branch } => format!("到会党员都已投票后，书记用 `shine ballot close --branch {branch}` 结束投票"),
        Hint::HoldVotingAgain { branch } => format!(
            "收回的选票不足等原因需要重新投票时，书记用 `shine ballot again --branch {branch} --reason <理由>` 作废本次投票（原选票封存不计），再发放新的投票码"
        ),
        Hint::VotingProgress { branch } => format!("`shine ballot status --branch {branch}` 查看已投几张、发出几张"),
        Hint::CheckCode => "请对照投票码纸条重新输入；仍不行请向党支部书记询问".into(),
        Hint::TransferMember { member, to } => format!("`shine member transfer --member {member} --to {to} --on <日期>` 办理组织关系转接"),
        Hint::Certificate { member } => format!("用 `shine member certificate --member {member}` 查看登记证上每条闪光言行的序号"),
        Hint::RegistrationForm { unit, quarter } => format!("这些党支部的“闪光言行之星”填在上级的登记表上：`shine export form --unit {unit} --quarter {quarter} --out 登记表.xlsx`"),
        Hint::RegistrationRollUp { quarter } => format!("全校各单位的登记表汇总：`shine export form --quarter {quarter} --out 全校登记表.xlsx`"),
        Hint::QuarterRange { from, to } => format!("从早到晚写：`--from {from} --to {to}`"),
        Hint::FindMember => "用 `shine members --branch <支部编号>` 查看党员编号，按编号指定".into(),
    }
}

/// What a re-check of a received record found untrue.
fn record_check(check: &RecordCheck) -> String {
    match check {
        RecordCheck::Counts { votes, ballots } if *votes < 0 || *ballots < 0 => format!("得票 {votes}、选票 {ballots} 不能为负数"),
        RecordCheck::Counts { votes, ballots } => format!("得票 {votes} 超过选票数 {ballots}"),
        RecordCheck::Share { recorded, votes, ballots } => {
            format!("记录的得票率 {recorded} 与得票 {votes}/选票 {ballots}（{}）不符", words::share(*votes, *ballots))
        }
        RecordCheck::NoUnitPath => "记录没有写明所在组织".to_owned(),
        RecordCheck::University { university, top } => format!("记录的高校「{university}」与其所在组织的最上级{}不符", unit(top)),
        RecordCheck::NotBelow { receiver, path } => {
            let path: Vec<String> = path.iter().map(unit).collect();
            format!("所在组织（{}）不在{}之下", path.join(" › "), unit(receiver))
        }
        RecordCheck::OtherSource { top, expected } => format!("记录来自{}，而该地址报送的是{}", unit(top), unit(expected)),
        RecordCheck::NotPicked { level } => format!("{}只报送经其推荐的对象，而这条记录没有其推荐", level.title),
        RecordCheck::OverBound { rule, unit: from_unit, sent, bound } => {
            let whose = from_unit.as_ref().map(unit).unwrap_or_default();
            format!("{whose}报送 {sent} 名，超过{}所允许的{}", words::rule_line(rule), words::bound(*bound))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::word;
    use shine_engine::domain::{Quarter, UnitId};
    use shine_engine::refs::{KindRef, UnitRef};
    use shine_engine::refusal::{Hint, Kind, Refusal};

    fn quarter(text: &str) -> Quarter {
        text.parse().expect("a quarter")
    }

    #[test]
    fn annex_a_unit_without_a_form_is_told_who_files_it_and_where_its_stars_are() {
        let kind = |id: &str, title: &str| KindRef { id: id.into(), title: title.into() };
        let refusal = Refusal::new(Kind::NotAReportingUnit {
            unit: UnitRef { id: "b1".into(), name: "党政办党支部".into() },
            kind: kind("branch", "党支部"),
            reporting: vec![kind("direct_branch", "直属党支部"), kind("general_branch", "党总支")],
        })
        .next(Hint::RegistrationForm { unit: UnitId::parse("g1").expect("an id"), quarter: quarter("2026Q4") });
        let w = word(&refusal);
        assert_eq!(w.message, "「党政办党支部」是党支部，不填报《基层党组织党员“闪光言行之星”登记表》");
        assert_eq!(w.details, ["登记表由「直属党支部」、「党总支」填报，报党委组织部备案（§4.2.b）"]);
        assert!(w.next[0].contains("`shine export form --unit g1 --quarter 2026Q4"), "{:?}", w.next);
    }

    #[test]
    fn s4_2_c_a_range_that_ends_before_it_starts_is_told_the_range_to_ask_for() {
        let refusal = Refusal::new(Kind::QuarterRange { from: quarter("2026Q4"), to: quarter("2026Q1") })
            .next(Hint::QuarterRange { from: quarter("2026Q1"), to: quarter("2026Q4") });
        let w = word(&refusal);
        assert_eq!(w.message, "起始季度 2026Q4 晚于截止季度 2026Q1");
        assert_eq!(w.next, ["从早到晚写：`--from 2026Q1 --to 2026Q4`"]);
    }
}
