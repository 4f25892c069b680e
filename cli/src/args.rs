//! Raw command-line arguments, as close to what the user typed as clap gives them.
//! `context` turns the global ones into a checked configuration.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// shine —— 党员“闪光言行之星”季度评选的流程引擎
#[derive(Debug, Parser)]
#[command(name = "shine", version, about = "shine —— 党员“闪光言行之星”季度评选与逐级报送的流程引擎", long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// 存储目录（sled）
    #[arg(long, global = true, env = "SHINE_STORE", default_value = "shine-data")]
    pub store: PathBuf,
    /// 规则目录；缺省为当前目录下的 `rules/`，没有时用内置规则
    #[arg(long, global = true, env = "SHINE_RULES")]
    pub rules: Option<PathBuf>,
    /// 流程目录；缺省为当前目录下的 `workflows/`，没有时用内置流程
    #[arg(long, global = true, env = "SHINE_WORKFLOWS")]
    pub workflows: Option<PathBuf>,
    /// 只输出 JSON
    #[arg(long, global = true)]
    pub json: bool,
    /// 以哪个流程角色办理（member、branch_secretary、general_branch、organization_department、provincial_education_committee）
    /// 缺省：季度流程为 branch_secretary，逐级报送为办理单位所在层级的角色
    #[arg(long = "as", global = true, env = "SHINE_ROLE")]
    pub role: Option<String>,
    /// 办理人姓名，记入日志
    #[arg(long, global = true, env = "SHINE_USER")]
    pub by: Option<String>,
    /// 办理时间（RFC 3339），缺省为当前时间；用于补录和可重复的测试
    #[arg(long, global = true, env = "SHINE_NOW")]
    pub now: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 组织架构：校党委、党总支、直属党支部、党支部
    #[command(subcommand)]
    Org(OrgCommand),
    /// 导入党员名单（CSV）
    #[command(subcommand)]
    Roster(RosterCommand),
    /// 列出支部党员
    Members {
        #[arg(long)]
        branch: String,
    },
    /// 组织生活出席记录
    #[command(subcommand)]
    Life(LifeCommand),
    /// 不能评选情形的事实记录（§3.4.x1–x7）
    #[command(subcommand)]
    Finding(FindingCommand),
    /// 开启季度
    #[command(subcommand)]
    Quarter(QuarterCommand),
    /// 登记闪光言行（登记证）
    #[command(subcommand)]
    Deed(DeedCommand),
    /// 专题组织生活会：报告、出席、列席
    #[command(subcommand)]
    Meeting(MeetingCommand),
    /// 登记党员的交流发言
    Present {
        /// 党员编号或姓名，可多个
        #[arg(required = true)]
        members: Vec<String>,
    },
    /// 支部书记点评
    Comment {
        #[arg(long)]
        member: String,
        #[arg(long)]
        text: String,
    },
    /// 民主推荐投票
    #[command(subcommand)]
    Ballot(BallotCommand),
    /// 推进到下一环节，或说明哪项条件未满足
    Advance {
        #[arg(long)]
        branch: String,
    },
    /// 支部本季度进度
    Status {
        #[arg(long)]
        branch: String,
        #[arg(long)]
        quarter: Option<String>,
    },
    /// 说明某党员为何当选或未当选：规则、条款和数值
    Explain {
        /// 党员编号或姓名
        member: String,
        #[arg(long)]
        quarter: Option<String>,
    },
    /// 党员个人的历次评选记录
    #[command(subcommand)]
    Member(MemberCommand),
    /// 评选结果和台帐
    Stars {
        #[arg(long)]
        branch: String,
        #[arg(long)]
        quarter: Option<String>,
    },
    /// 检查和采用规则
    #[command(subcommand)]
    Rules(RulesCommand),
    /// 存储：检查每条记录能否读出
    #[command(subcommand)]
    Store(StoreCommand),
    /// 检查流程文件
    #[command(subcommand)]
    Workflow(WorkflowCommand),
    /// 汇总下级报送的推荐：同一存储中的下级组织，或用 --from 从另一台机器上的 shine 拉取
    Pull {
        /// 汇总的单位（党总支、校党委）；缺省为本存储的校党委，没有组织架构时为省委教育工委
        #[arg(long)]
        unit: Option<String>,
        /// 如 2026Q4
        #[arg(long)]
        quarter: String,
        /// 另一实例 `shine serve` 的地址，如 http://127.0.0.1:8080
        #[arg(long)]
        from: Option<String>,
        /// 对方为本单位发放的凭据（`shine token create`），也可用环境变量 SHINE_TOKEN
        #[arg(long, env = "SHINE_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// 每页条数（测试用）
        #[arg(long, hide = true, default_value_t = crate::api::DEFAULT_LIMIT, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=500))]
        page_size: usize,
    },
    /// 逐级报送：查看、备案、公示、异议、推荐、退回、更正、报送（§4.2.b、§4.3.b–d）
    #[command(subcommand)]
    Chain(ChainCommand),
    /// 提供拉取接口（供上级用 `shine pull --from` 拉取）和公开展示页面（§4.3.c）
    Serve {
        /// 监听地址
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// 上级单位拉取用的凭据
    #[command(subcommand)]
    Token(TokenCommand),
    /// 公开展示页面（§4.3.c）另存为静态 HTML 文件，供离线发布
    Display {
        /// 如 2026Q4
        #[arg(long)]
        quarter: String,
        /// 输出文件，缺省为 `display-<季度>.html`
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 演示：建立示例学校，所有支部走完一个季度并逐级报送到省
    Demo {
        /// 演示用的存储目录（每次运行前清空）
        #[arg(long, default_value = "shine-demo")]
        dir: PathBuf,
        /// 季度
        #[arg(long, default_value = "2026Q4")]
        quarter: String,
        /// 示例学校的名称（如 东湖大学）；不同名称生成不同的党员和得票
        #[arg(long)]
        name: Option<String>,
    },
}

/// The unit acting in the chain, and the quarter.
#[derive(Debug, Args)]
pub struct LevelArgs {
    /// 办理单位（党总支、直属党支部、校党委）；缺省为本存储的校党委
    #[arg(long)]
    pub unit: Option<String>,
    /// 如 2026Q4
    #[arg(long)]
    pub quarter: String,
}

#[derive(Debug, Subcommand)]
pub enum ChainCommand {
    /// 本单位本季度的报送进度：各步骤、汇总的推荐对象、公示、异议、推荐
    Status {
        #[command(flatten)]
        level: LevelArgs,
    },
    /// 备案
    File {
        #[command(flatten)]
        level: LevelArgs,
    },
    /// 公示，公示期按规则（publicity）计算
    Publish {
        #[command(flatten)]
        level: LevelArgs,
    },
    /// 登记公示期内收到的异议；异议处理前该对象暂缓
    Object {
        #[command(flatten)]
        level: LevelArgs,
        /// 党员编号或姓名
        #[arg(long)]
        member: String,
        #[arg(long)]
        reason: String,
    },
    /// 处理异议：--uphold 异议成立（撤销），--dismiss 异议不成立
    Decide {
        #[command(flatten)]
        level: LevelArgs,
        #[arg(long)]
        member: String,
        #[arg(long, conflicts_with = "dismiss", required_unless_present = "dismiss")]
        uphold: bool,
        #[arg(long)]
        dismiss: bool,
        #[arg(long)]
        reason: String,
    },
    /// 推荐典型（须写明理由）；--undo 撤回推荐
    Pick {
        #[command(flatten)]
        level: LevelArgs,
        #[arg(long)]
        member: String,
        #[arg(long, required_unless_present = "undo")]
        reason: Option<String>,
        #[arg(long)]
        undo: bool,
    },
    /// 退回下级更正，写明理由
    Return {
        #[command(flatten)]
        level: LevelArgs,
        #[arg(long)]
        member: String,
        #[arg(long)]
        reason: String,
        /// 退回给另一实例（如省委教育工委退回高校）时：对方为本单位发放的凭据，也可用环境变量 SHINE_TOKEN
        #[arg(long, env = "SHINE_TOKEN", hide_env_values = true)]
        token: Option<String>,
    },
    /// 被退回的推荐更正后重新报送
    Resubmit {
        /// 被退回的单位（党支部、党总支、直属党支部）；缺省为本存储的校党委
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        quarter: String,
        #[arg(long)]
        member: String,
        /// 更正说明
        #[arg(long)]
        reason: String,
        /// 更正后的点评
        #[arg(long)]
        comment: Option<String>,
    },
    /// 报送上级
    Forward {
        #[command(flatten)]
        level: LevelArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// 为上级单位发放拉取凭据；凭据只显示这一次，存储中只保存其摘要
    Create {
        /// 使用凭据的单位：本存储中的组织编号，或校党委的上级（provincial_education_committee）
        #[arg(long)]
        unit: String,
        /// 备注，如对方的名称
        #[arg(long, default_value = "")]
        label: String,
    },
    /// 列出凭据（不含凭据本身）
    List,
    /// 吊销凭据
    Revoke { id: String },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// 新增组织
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// 组织类别：编号或名称，如 `党支部`、`branch`（见 workflows/escalation.ron）
        #[arg(long)]
        kind: String,
        #[arg(long)]
        parent: Option<String>,
    },
    /// 列出组织
    List,
}

#[derive(Debug, Subcommand)]
pub enum RosterCommand {
    /// 从 CSV 导入支部名单（列：姓名,党员编号,身份,职务,类别,流动党员,最近报到）
    Import {
        #[arg(long)]
        branch: String,
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// 党员历次季度评选记录：候选、不能评选情形、得票、当选、报送（§4.2.c）
    History {
        /// 党员编号或姓名
        member: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum LifeCommand {
    /// 记一次组织生活的出席情况
    Add {
        #[arg(long)]
        member: String,
        #[arg(long)]
        date: String,
        /// present / excused / unexcused（或 出席 / 请假 / 无故缺席）
        #[arg(long)]
        status: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 从 CSV 导入（列：党员编号,日期,出席情况,备注）
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum FindingCommand {
    /// 记录一条不能评选情形的事实；同一条款、同一日期再记一次即为更正（如调查结束：不加 --open 重记）
    Add {
        #[arg(long)]
        member: String,
        /// 规则名，如 x3
        #[arg(long)]
        clause: String,
        #[arg(long)]
        date: String,
        /// 事实和依据
        #[arg(long)]
        evidence: String,
        /// 正在接受调查
        #[arg(long)]
        open: bool,
        /// 处分期截止日期
        #[arg(long)]
        until: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum QuarterCommand {
    /// 用现行规则和流程开启支部的季度评选
    Open {
        #[arg(long)]
        branch: String,
        /// 如 2026Q4
        #[arg(long)]
        quarter: String,
    },
    /// 列出支部已开启的季度
    List {
        #[arg(long)]
        branch: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeedCommand {
    /// 在登记证上登记一条闪光言行
    Add {
        #[arg(long)]
        member: String,
        /// 五带头之一，如 带头服务群众
        #[arg(long)]
        kind: String,
        #[arg(long)]
        text: String,
        /// 日期，缺省为今天
        #[arg(long)]
        date: Option<String>,
    },
    /// 记录本季度未登记的正当理由
    Excuse {
        #[arg(long)]
        member: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum MeetingCommand {
    /// 会前向上级党组织报告（§4.2.a）
    Report {
        #[arg(long)]
        branch: String,
        #[arg(long)]
        date: String,
    },
    /// 登记党员出席情况
    Attend {
        /// present / excused / unexcused（或 出席 / 请假 / 无故缺席）
        #[arg(long)]
        status: String,
        /// 党员编号或姓名，可多个
        #[arg(required = true)]
        members: Vec<String>,
    },
    /// 登记列席人员：入党积极分子、党外群众代表、上级派员
    Guests {
        #[arg(long)]
        branch: String,
        #[arg(long = "activist")]
        activists: Vec<String>,
        #[arg(long = "observer")]
        observers: Vec<String>,
        #[arg(long)]
        delegate: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BallotCommand {
    /// 投一张电子选票（无记名）
    Cast {
        /// 投票人
        #[arg(long)]
        member: String,
        /// 所选候选人，编号或姓名
        choices: Vec<String>,
    },
    /// 录入纸质选票的计票结果
    Totals {
        #[arg(long)]
        branch: String,
        /// 收回的有效选票数
        #[arg(long)]
        ballots: i64,
        /// 候选人=票数，可多个，如 --votes 张三=12
        #[arg(long = "votes")]
        votes: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// 检查存储：每条事件记录都能读出（任何版本写入的），各支部、各层级的状态都能重建
    Check,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// 检查规则文件：有错误时给出文件、行、列
    Check,
    /// 对进行中的季度采用当前规则：先列出会改变的决定
    Adopt {
        #[arg(long)]
        branch: String,
        /// 确认采用（不加时只预演）
        #[arg(long)]
        yes: bool,
    },
    /// 列出规则
    List,
}

#[derive(Debug, Subcommand)]
pub enum WorkflowCommand {
    /// 检查流程文件：状态可达、无死路、规则和角色存在
    Check,
}
