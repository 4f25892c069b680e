//! Raw command-line arguments, as close to what the user typed as clap gives them.
//! `context` turns the global ones into a checked configuration; `help` puts clap's
//! own words (headings, the help flag, defaults) in Chinese around what is said here.
//!
//! Each command and option is described here, in Chinese, with a value name saying
//! what to write (`<支部>`, `<季度>`); the main commands carry examples in
//! `after_help`. Roles, attendance and kinds of deed stay free text: what they may be
//! comes from the rule and workflow files at run time, not from clap.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// shine —— 党员“闪光言行之星”季度评选与逐级报送的流程引擎
#[derive(Debug, Parser)]
#[command(
    name = "shine",
    version,
    long_about = None,
    after_help = "示例:
  shine quarter open --branch jx-jg --quarter 2026Q4    开启党支部的季度评选
  shine status --branch jx-jg                           本季度进行到哪一步，下一步还缺什么
  shine advance --branch jx-jg --from meeting           完成当前环节，推进到下一环节
  shine demo                                            建立示例学校，走完一个季度

每个命令的说明和示例：shine <命令> --help"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes; shown apart under 全局选项.
#[derive(Debug, Args)]
#[command(next_help_heading = crate::help::GLOBAL)]
pub struct Global {
    /// 数据存储目录
    #[arg(long, global = true, value_name = "目录", env = "SHINE_STORE", default_value = "shine-data")]
    pub store: PathBuf,
    /// `--store` or `SHINE_STORE` was given (not the default): `shine demo` builds there.
    #[arg(skip)]
    pub store_given: bool,
    /// 规则目录；不写时用当前目录下的 `rules/`，没有时用内置规则
    #[arg(long, global = true, value_name = "目录", env = "SHINE_RULES")]
    pub rules: Option<PathBuf>,
    /// 流程目录；不写时用当前目录下的 `workflows/`，没有时用内置流程
    #[arg(long, global = true, value_name = "目录", env = "SHINE_WORKFLOWS")]
    pub workflows: Option<PathBuf>,
    /// 只输出 JSON（供其他程序读取）
    #[arg(long, global = true)]
    pub json: bool,
    /// 以哪个流程角色办理，如 党支部书记、党员、党总支、党委组织部；不写时季度评选为党支部书记，逐级报送为办理单位的角色
    #[arg(long = "as", global = true, value_name = "角色", env = "SHINE_ROLE")]
    pub role: Option<String>,
    /// 办理人姓名，记入日志
    #[arg(long, global = true, value_name = "姓名", env = "SHINE_USER")]
    pub by: Option<String>,
    /// 办理时间，如 2026-12-10T10:00:00+08:00 或 2026-12-10；不写时为当前时间，用于补录
    #[arg(long, global = true, value_name = "时间", env = "SHINE_NOW")]
    pub now: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 组织架构：校党委、党总支、直属党支部、党支部
    #[command(subcommand)]
    Org(OrgCommand),
    /// 导入党员名单（Excel/WPS 工作簿或 CSV）
    #[command(subcommand)]
    Roster(RosterCommand),
    /// 列出支部党员
    Members {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
    },
    /// 生成导入用的表格模板：表头、可选值的下拉列表和填写说明
    #[command(after_help = "示例:
  shine template roster --out 名单.xlsx                 党员名单
  shine template life --out 组织生活.xlsx               组织生活出席记录
  shine template deeds --out 闪光言行.xlsx              闪光言行（纸质登记证汇总）
  shine template findings --out 违规情形.xlsx           不能评选情形的事实记录
  shine template org --out 组织.xlsx                    组织架构
  shine template roster --out 名单.csv                  只有表头的 CSV（UTF-8）

下拉列表的可选值读自当前的规则和流程文件（身份、职务、出席情况、五带头、形式、组织生活形式、组织类别）；
填好后用相应的导入命令导入，如 `shine roster import --branch jx-jg 名单.xlsx`。")]
    Template {
        /// 哪一种导入的模板
        #[arg(value_name = "导入")]
        import: TemplateKind,
        /// 写入的文件：.xlsx（带下拉列表和填写说明）或 .csv（只有表头）
        #[arg(long, value_name = "文件")]
        out: PathBuf,
        /// 文件已存在时覆盖
        #[arg(long)]
        force: bool,
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
    /// 上级党组织查看所属党支部报来的专题组织生活会：会议日期、报告日期、提前天数、列席人员（§4.2.a）
    #[command(after_help = "示例:
  shine meetings --unit jx --quarter 2026Q4 --as general_branch
  shine meetings --unit dw

列出直接隶属于该组织、开展季度评选的党支部（直属党支部）；已报告的按会议日期排列。")]
    Meetings {
        /// 上级党组织编号（党总支或校党委）
        #[arg(long, value_name = "组织")]
        unit: String,
        /// 季度，写作 2026Q4；不写时为今天所在的季度
        #[arg(long, value_name = "季度")]
        quarter: Option<String>,
    },
    /// 全校（或某党总支）本季度进度一览：各党支部开启、报告会议、召开、计票、报送备案到哪一步，各党总支、直属党支部、党委组织部报送到哪一步
    #[command(after_help = "示例:
  shine overview
  shine overview --unit jx --quarter 2026Q4
  shine overview --json

不写 --unit 时为全校（组织树的最上级）；党支部按“尚未开启 → 已开启 → 已报告会议 → 已召开 → 已计票 → 已报上级备案 → 上级已汇总 → 上级已报送”排出进度。")]
    Overview {
        /// 组织编号（党总支或校党委）；不写时为全校
        #[arg(long, value_name = "组织")]
        unit: Option<String>,
        /// 季度，写作 2026Q4；不写时为今天所在的季度
        #[arg(long, value_name = "季度")]
        quarter: Option<String>,
    },
    /// 登记党员的交流发言（请假的党员可按规则登记书面交流：--written）
    #[command(after_help = "示例:
  shine present m01 m02 m03 陈丽娟
  shine present 吴子涵 --written")]
    Present {
        /// 发言的党员：编号或姓名，可写多个
        #[arg(required = true, value_name = "党员")]
        members: Vec<String>,
        /// 书面交流（即 --form written），用于经批准请假的党员
        #[arg(long, conflicts_with = "form")]
        written: bool,
        /// 交流方式：规则声明的方式，写编号或名称（如 spoken 现场交流、written 书面交流）
        #[arg(long, value_name = "方式")]
        form: Option<String>,
    },
    /// 支部书记点评
    #[command(after_help = "示例:
  shine comment --member 陈丽娟 --text \"立足岗位，事迹具体实在\"")]
    Comment {
        /// 被点评的党员：编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 点评内容
        #[arg(long, value_name = "点评")]
        text: String,
    },
    /// 民主推荐投票
    #[command(subcommand)]
    Ballot(BallotCommand),
    /// 完成当前环节、推进到下一环节，或说明哪项条件未满足
    #[command(after_help = "示例:
  shine advance --branch jx-jg --from meeting
  shine advance --branch jx-jg --from 召开专题组织生活会

`--from` 写明要完成的当前环节（编号或名称，`shine status` 会给出）。该环节已经完成时，
重复执行只报告当时的结果，不会再推进一步。")]
    Advance {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        /// 要完成的当前环节（编号或名称）
        #[arg(long, value_name = "环节")]
        from: Option<String>,
    },
    /// 支部本季度进度：进行到哪一步，下一步还缺什么
    #[command(after_help = "示例:
  shine status --branch jx-jg
  shine status --branch jx-jg --quarter 2026Q3")]
    Status {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        /// 季度，写作 2026Q4；不写时为最近开启的季度
        #[arg(long, value_name = "季度")]
        quarter: Option<String>,
    },
    /// 说明某党员为何当选或未当选：规则、条款和数值
    #[command(after_help = "示例:
  shine explain 张志强
  shine explain m03 --quarter 2026Q3")]
    Explain {
        /// 党员编号或姓名
        #[arg(value_name = "党员")]
        member: String,
        /// 季度，写作 2026Q4；不写时为最近开启的季度
        #[arg(long, value_name = "季度")]
        quarter: Option<String>,
    },
    /// 党员个人的历次评选记录
    #[command(subcommand)]
    Member(MemberCommand),
    /// 评选结果和台帐
    #[command(after_help = "示例:
  shine stars --branch jx-jg
  shine stars --branch jx-jg --quarter 2026Q3")]
    Stars {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        /// 季度，写作 2026Q4；不写时为最近开启的季度
        #[arg(long, value_name = "季度")]
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
    #[command(after_help = "示例:
  shine pull --unit jx --quarter 2026Q4                 党总支汇总各党支部已报送的结果
  shine pull --quarter 2026Q4                           校党委汇总
  shine pull --from https://university:8443 --ca university.pem --token-file ~/.shine-token --quarter 2026Q4
凭据从环境变量 SHINE_TOKEN 或 --token-file 指定的文件读取，不写在命令行上（命令行本机其他用户都能看到）")]
    Pull {
        /// 汇总的单位（党总支、校党委）的编号；不写时为本存储的校党委，没有组织架构时为省委教育工委
        #[arg(long, value_name = "单位")]
        unit: Option<String>,
        /// 季度，写作 2026Q4
        #[arg(long, value_name = "季度")]
        quarter: String,
        /// 另一台机器上 `shine serve` 的地址，如 http://127.0.0.1:8080
        #[arg(long, value_name = "地址")]
        from: Option<String>,
        /// 存放对方为本单位发放的凭据的文件（`shine token create --out`），只应本用户可读；不写时读环境变量 SHINE_TOKEN
        #[arg(long, value_name = "文件")]
        token_file: Option<PathBuf>,
        /// 从 https:// 地址拉取时，信任这个证书（PEM，对方服务的证书或签发它的证书）；不写时只信任公共证书机构
        #[arg(long, value_name = "文件", env = "SHINE_CA")]
        ca: Option<std::path::PathBuf>,
        /// 每页条数（测试用）
        #[arg(long, hide = true, default_value_t = crate::api::DEFAULT_LIMIT, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=500))]
        page_size: usize,
    },
    /// 逐级报送：查看、备案、公示、异议、推荐、退回、更正、报送（§4.2.b、§4.3.b–d）
    #[command(subcommand)]
    Chain(ChainCommand),
    /// 提供拉取接口（供上级用 `shine pull --from` 拉取）和公开展示页面（§4.3.c）
    #[command(after_help = "示例:
  shine serve                                           只供本机访问
  shine serve --listen 0.0.0.0:8080 --tls-cert cert.pem --tls-key key.pem
                                                        供其他机器以 HTTPS 访问")]
    Serve {
        /// 监听地址：IP 地址和端口
        #[arg(long, value_name = "地址", default_value = "127.0.0.1:8080")]
        listen: String,
        /// 以 HTTPS 提供服务：证书文件（PEM，可含证书链），须与 --tls-key 一起给出
        #[arg(long, value_name = "文件", requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        /// 以 HTTPS 提供服务：与证书配对的私钥文件（PEM）
        #[arg(long, value_name = "文件", requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
    },
    /// 上级单位拉取用的凭据
    #[command(subcommand)]
    Token(TokenCommand),
    /// 网页工作台的账号：每个账号对应一个人、一个角色和一个组织
    #[command(subcommand)]
    User(UserCommand),
    /// 公开展示页面（§4.3.c）另存为静态 HTML 文件，供离线发布
    #[command(after_help = "示例:
  shine display --quarter 2026Q4 --out 展示.html")]
    Display {
        /// 季度，写作 2026Q4
        #[arg(long, value_name = "季度")]
        quarter: String,
        /// 输出文件；不写时为 `display-<季度>.html`
        #[arg(long, value_name = "文件")]
        out: Option<PathBuf>,
    },
    /// 导出表格和打印用的表单：--out 以 .xlsx 结尾写 Excel/WPS 表格，以 .html 结尾写 A4 打印页
    #[command(subcommand)]
    Export(ExportCommand),
    /// 演示：建立示例学校，所有支部走完一个季度并逐级报送到省
    #[command(after_help = "示例:
  shine demo
  shine demo --name 东湖大学 --dir 东湖大学演示
  shine --store 演示存储 demo")]
    Demo {
        /// 演示用的存储目录（每次运行前清空）；不写时用 `--store` 或 SHINE_STORE 指定的目录，都没有时为 shine-demo。已有的非演示存储不会被覆盖
        #[arg(long, value_name = "目录")]
        dir: Option<PathBuf>,
        /// 季度，写作 2026Q4
        #[arg(long, value_name = "季度", default_value = "2026Q4")]
        quarter: String,
        /// 示例学校的名称，如 东湖大学；不同名称生成不同的党员和得票
        #[arg(long, value_name = "校名")]
        name: Option<String>,
    },
    /// 生成命令行补全脚本（按 Tab 补全命令和选项）
    #[command(after_help = "示例:
  shine completions bash > ~/.local/share/bash-completion/completions/shine
  shine completions zsh > ~/.zfunc/_shine")]
    Completions {
        /// 所用的 shell
        #[arg(value_name = "shell")]
        shell: clap_complete::Shell,
    },
    /// 生成手册页（man）：shine 和每个子命令各一页
    #[command(after_help = "示例:
  shine man --out man/                                  写入 man/shine.1、man/shine-quarter-open.1 等
  shine man | man -l -                                  直接阅读 shine.1")]
    Man {
        /// 写入手册页的目录；不写时把 shine.1 输出到屏幕
        #[arg(long, value_name = "目录")]
        out: Option<PathBuf>,
    },
    /// 通知的每一条款：引用它的规则、流程环节，以及以它命名的测试
    #[command(after_help = "示例:
  shine clauses                                         逐条列出通知条款及其落实情况
  shine clauses --json                                  同上，输出 JSON")]
    Clauses,
}

/// What `shine export` writes: the forms and records a Party office files and prints.
#[derive(Debug, Subcommand)]
#[command(after_help = "示例:
  shine export form --unit jx --quarter 2026Q4 --out 登记表.xlsx
  shine export form --quarter 2026Q4 --out 全校登记表.html
  shine export certificate --member jx-jg-01 --out 登记证.html
  shine export ledger --branch jx-jg --year 2026 --out 台帐.xlsx
  shine export overview --quarter 2026Q4 --out 评选情况统计.xlsx
  shine export appraisal --branch jx-jg --from 2026Q1 --to 2026Q4 --out 评议依据.xlsx

.xlsx 用 Excel 或 WPS 打开；.html 用浏览器打开后打印（A4），可另存为 PDF。")]
pub enum ExportCommand {
    /// 附件《基层党组织党员“闪光言行之星”登记表》：一个党总支（直属党支部）一个季度；不写 --unit 时为全校各单位汇总，供党委组织部备案（§4.2.b）
    Form {
        /// 填报单位：党总支或直属党支部的编号；不写时汇总全校
        #[arg(long, value_name = "单位")]
        unit: Option<String>,
        /// 季度，写作 2026Q4
        #[arg(long, value_name = "季度")]
        quarter: String,
        #[command(flatten)]
        out: ExportFile,
    },
    /// 党员的《党员“闪光言行”登记证》：各季度登记的闪光言行、交流、点评确认和评选结果
    Certificate {
        /// 党员编号
        #[arg(long, value_name = "党员")]
        member: String,
        /// 只导出这个季度，写作 2026Q4；不写时为全部季度
        #[arg(long, value_name = "季度")]
        quarter: Option<String>,
        #[command(flatten)]
        out: ExportFile,
    },
    /// 党支部的评选台帐和专题组织生活会记录：一个季度或一年的四个季度
    Ledger {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        #[command(flatten)]
        period: ExportPeriod,
        #[command(flatten)]
        out: ExportFile,
    },
    /// 全校评选情况统计：各单位、各类党员的“闪光言行之星”人数，普通党员与领导干部、支委的占比，尚未开启、报告或召开专题组织生活会的党支部
    Overview {
        #[command(flatten)]
        period: ExportPeriod,
        #[command(flatten)]
        out: ExportFile,
    },
    /// 评选结果作为民主评议、评优评先、推选党代表的依据（§4.2.c）：一名党员或一个党支部全体党员在一段时间内的当选、不能评选的情形和逐级推荐
    Appraisal {
        /// 党员编号
        #[arg(long, value_name = "党员", conflicts_with = "branch", required_unless_present = "branch")]
        member: Option<String>,
        /// 党支部编号（导出全体党员）
        #[arg(long, value_name = "支部")]
        branch: Option<String>,
        /// 起始季度，写作 2026Q1
        #[arg(long, value_name = "季度")]
        from: String,
        /// 截止季度，写作 2026Q4
        #[arg(long, value_name = "季度")]
        to: String,
        #[command(flatten)]
        out: ExportFile,
    },
}

/// The file an export writes; its extension says the format.
#[derive(Debug, Args)]
pub struct ExportFile {
    /// 写入的文件：以 .xlsx 结尾为 Excel/WPS 表格，以 .html 结尾为 A4 打印页
    #[arg(long, value_name = "文件")]
    pub out: PathBuf,
    /// 文件已存在时覆盖它
    #[arg(long)]
    pub force: bool,
}

/// One quarter or one year (its four quarters).
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct ExportPeriod {
    /// 季度，写作 2026Q4
    #[arg(long, value_name = "季度")]
    pub quarter: Option<String>,
    /// 年度，写作 2026（四个季度）
    #[arg(long, value_name = "年度")]
    pub year: Option<i32>,
}

/// The unit acting in the chain, and the quarter.
#[derive(Debug, Args)]
pub struct LevelArgs {
    /// 办理单位（党总支、直属党支部、校党委）的编号；不写时为本存储的校党委
    #[arg(long, value_name = "单位")]
    pub unit: Option<String>,
    /// 季度，写作 2026Q4
    #[arg(long, value_name = "季度")]
    pub quarter: String,
}

#[derive(Debug, Subcommand)]
pub enum ChainCommand {
    /// 本单位本季度的报送进度：各步骤、汇总的推荐对象、公示、异议、推荐
    #[command(after_help = "示例:
  shine chain status --unit jx --quarter 2026Q4")]
    Status {
        #[command(flatten)]
        level: LevelArgs,
    },
    /// 备案
    #[command(after_help = "示例:
  shine chain file --unit jg --quarter 2026Q4")]
    File {
        #[command(flatten)]
        level: LevelArgs,
    },
    /// 公示，公示期按规则（publicity）计算
    #[command(after_help = "示例:
  shine chain publish --unit jx --quarter 2026Q4")]
    Publish {
        #[command(flatten)]
        level: LevelArgs,
    },
    /// 登记公示期内收到的异议；异议处理前该对象暂缓
    #[command(after_help = "示例:
  shine chain object --unit jx --quarter 2026Q4 --member 陈丽娟 --reason \"群众反映……\"")]
    Object {
        #[command(flatten)]
        level: LevelArgs,
        /// 被提出异议的党员：编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 异议内容
        #[arg(long, value_name = "理由")]
        reason: String,
    },
    /// 处理异议：--uphold 异议成立（撤销），--dismiss 异议不成立
    #[command(after_help = "示例:
  shine chain decide --unit jx --quarter 2026Q4 --member 陈丽娟 --dismiss --reason \"经核实……\"")]
    Decide {
        #[command(flatten)]
        level: LevelArgs,
        /// 被提出异议的党员：编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 异议成立，撤销其推荐
        #[arg(long, conflicts_with = "dismiss", required_unless_present = "dismiss")]
        uphold: bool,
        /// 异议不成立，继续推荐
        #[arg(long)]
        dismiss: bool,
        /// 处理意见和依据
        #[arg(long, value_name = "理由")]
        reason: String,
    },
    /// 推荐典型（须写明理由）；--undo 撤回推荐
    #[command(after_help = "示例:
  shine chain pick --unit jx --quarter 2026Q4 --member 陈丽娟 --reason \"带头服务群众，事迹突出\"
  shine chain pick --unit jx --quarter 2026Q4 --member 陈丽娟 --undo")]
    Pick {
        #[command(flatten)]
        level: LevelArgs,
        /// 推荐的党员：编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 推荐理由（撤回时不用写）
        #[arg(long, value_name = "理由", required_unless_present = "undo")]
        reason: Option<String>,
        /// 撤回对该党员的推荐
        #[arg(long)]
        undo: bool,
    },
    /// 退回下级更正，写明理由
    #[command(after_help = "示例:
  shine chain return --unit jx --quarter 2026Q4 --member 刘海燕 --reason \"点评过于简略\"")]
    Return {
        #[command(flatten)]
        level: LevelArgs,
        /// 退回的党员：编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 退回理由，写明要更正什么
        #[arg(long, value_name = "理由")]
        reason: String,
        /// 退回给另一实例（如省委教育工委退回高校）时：存放对方为本单位发放的凭据的文件；不写时读环境变量 SHINE_TOKEN
        #[arg(long, value_name = "文件")]
        token_file: Option<PathBuf>,
    },
    /// 被退回的推荐更正后重新报送
    #[command(after_help = "示例:
  shine chain resubmit --unit jx-jg --quarter 2026Q4 --member 刘海燕 --reason \"已补充\" --comment \"……\"")]
    Resubmit {
        /// 被退回的单位（党支部、党总支、直属党支部）的编号；不写时为本存储的校党委
        #[arg(long, value_name = "单位")]
        unit: Option<String>,
        /// 季度，写作 2026Q4
        #[arg(long, value_name = "季度")]
        quarter: String,
        /// 被退回的党员：编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 更正说明
        #[arg(long, value_name = "理由")]
        reason: String,
        /// 更正后的点评
        #[arg(long, value_name = "点评")]
        comment: Option<String>,
    },
    /// 报送上级
    #[command(after_help = "示例:
  shine chain forward --unit jx --quarter 2026Q4
  shine chain forward --unit jx --quarter 2026Q4 --no-pick-reason \"本季度各支部推荐人选事迹尚待进一步核实，暂不推荐典型\"

原则上推荐一名（§4.3.d）：未推荐典型的，须用 --no-pick-reason 说明理由，理由随报送记录上报；推荐人数不影响报送。")]
    Forward {
        #[command(flatten)]
        level: LevelArgs,
        /// 未按“原则上推荐一名”推荐典型的理由
        #[arg(long, value_name = "理由")]
        no_pick_reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// 为上级单位发放拉取凭据；凭据只显示这一次，存储中只保存其摘要
    #[command(after_help = "示例:
  shine token create --unit provincial_education_committee --label 省委教育工委 --out 凭据.txt")]
    Create {
        /// 使用凭据的单位：本存储中的组织编号，或校党委的上级（provincial_education_committee）
        #[arg(long, value_name = "单位")]
        unit: String,
        /// 备注，如对方的名称
        #[arg(long, value_name = "备注", default_value = "")]
        label: String,
        /// 把凭据写入这个新文件（仅本用户可读），不在屏幕上显示；文件已存在时拒绝
        #[arg(long, value_name = "文件")]
        out: Option<PathBuf>,
    },
    /// 列出凭据（不含凭据本身）
    List,
    /// 吊销凭据
    Revoke {
        /// 凭据编号（见 `shine token list`）
        #[arg(value_name = "编号")]
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 开设账号；初始密码由系统生成，只显示这一次（或用 --password-file 从文件读取）
    #[command(after_help = "示例:
  shine user add --login zhang --name 张伟 --role branch_secretary --unit jx-jg
  shine user add --login chen --name 陈丽娟 --role member --unit jx-jg --member m04
  shine user add --login jx --name 王红 --role general_branch --unit jx
  shine user add --login zzb --name 李明 --role organization_department --unit dw

角色写流程文件中的角色编号或名称（党员、党支部书记、党总支、党委组织部）；组织须是该角色办理的那类组织：
党员和党支部书记为党支部（直属党支部），党总支为党总支，党委组织部为校党委。党员账号须用 --member 写明是哪位党员。
密码不在命令行上给出（命令行本机其他用户都能看到）。")]
    Add {
        /// 登录名，如 zhang
        #[arg(long, value_name = "登录名")]
        login: String,
        /// 账号使用人的姓名
        #[arg(long, value_name = "姓名")]
        name: String,
        /// 角色：编号或名称，如 branch_secretary、党员
        #[arg(long, value_name = "角色")]
        role: String,
        /// 所在组织的编号
        #[arg(long, value_name = "组织")]
        unit: String,
        /// 对应的党员（编号或姓名）；党员账号必填
        #[arg(long, value_name = "党员")]
        member: Option<String>,
        /// 从这个文件读取初始密码（第一行，至少 12 个字符）；不写时由系统生成
        #[arg(long, value_name = "文件")]
        password_file: Option<PathBuf>,
    },
    /// 列出账号（不含密码）
    #[command(after_help = "示例:
  shine user list
  shine user list --json")]
    List,
    /// 停用账号：其已登录的网页会话立即失效
    #[command(after_help = "示例:
  shine user disable --login zhang")]
    Disable {
        /// 登录名
        #[arg(long, value_name = "登录名")]
        login: String,
    },
    /// 重新启用停用的账号
    #[command(after_help = "示例:
  shine user enable --login zhang")]
    Enable {
        /// 登录名
        #[arg(long, value_name = "登录名")]
        login: String,
    },
    /// 重设密码：新密码由系统生成，只显示这一次；已登录的网页会话立即失效
    #[command(after_help = "示例:
  shine user reset --login zhang
  shine user reset --login zhang --password-file 新密码.txt")]
    Reset {
        /// 登录名
        #[arg(long, value_name = "登录名")]
        login: String,
        /// 从这个文件读取新密码（第一行，至少 12 个字符）；不写时由系统生成
        #[arg(long, value_name = "文件")]
        password_file: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// 新增组织
    #[command(after_help = "示例:
  shine org add --id dw --name 示例大学党委 --kind 校党委
  shine org add --id jx --name 机械学院党总支 --kind 党总支 --parent dw
  shine org add --id jx-jg --name 机械学院教工党支部 --kind 党支部 --parent jx")]
    Add {
        /// 组织编号，如 jx-jg；以后的命令用它指明组织
        #[arg(long, value_name = "编号")]
        id: String,
        /// 组织名称，如 机械学院教工党支部
        #[arg(long, value_name = "名称")]
        name: String,
        /// 组织类别：名称或编号，如 校党委、党总支、直属党支部、党支部（见 workflows/escalation.ron）
        #[arg(long, value_name = "类别")]
        kind: String,
        /// 上级组织的编号；校党委不写
        #[arg(long, value_name = "上级")]
        parent: Option<String>,
    },
    /// 导入多个组织（列：编号,名称,类别,上级），上级可写在下级之后，全部无误才建立
    #[command(after_help = "示例:
  shine org import 组织.xlsx                            先核对：列出将建立的组织，什么也不写
  shine org import 组织.xlsx --apply                    建立

类别写名称或编号，如 校党委、党总支、直属党支部、党支部（可选值见 `shine template org`）；上级写上级组织的编号，校党委不写。")]
    Import {
        #[command(flatten)]
        file: ImportFile,
        /// 建立。不加时只列出将建立的组织，什么也不写
        #[arg(long)]
        apply: bool,
    },
    /// 列出组织
    List,
}

/// The imports `shine template` writes a template for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TemplateKind {
    /// 党员名单（shine roster import）
    Roster,
    /// 组织生活出席记录（shine life import）
    Life,
    /// 闪光言行（shine deed import）
    Deeds,
    /// 不能评选情形的事实记录（shine finding import）
    Findings,
    /// 组织架构（shine org import）
    Org,
}

/// The file of an import, and the sheet of a workbook to read.
#[derive(Debug, Args)]
pub struct ImportFile {
    /// 要导入的文件：Excel/WPS 工作簿（.xlsx、.xls、.ods）或 CSV（UTF-8 或 GBK）；第一行为表头
    #[arg(value_name = "文件")]
    pub file: PathBuf,
    /// 读取工作簿中这个名称的工作表；不写时读第一个工作表
    #[arg(long, value_name = "工作表")]
    pub sheet: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum RosterCommand {
    /// 导入支部名单（列：姓名,党员编号,身份,职务,类别,流动党员,最近报到）
    #[command(after_help = "示例:
  shine roster import --branch jx-jg 党员名单.xlsx
  shine roster import --branch jx-jg 党员名单.xlsx --apply
  shine roster import --branch jx-jg 全院名单.xlsx --sheet 教工支部 --apply

职务写 支部书记、支委、领导干部、普通党员，类别写 正式 或 预备（可选值见 `shine template roster`）。")]
    Import {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        #[command(flatten)]
        file: ImportFile,
        /// 写入变动。不加时只列出新增、变动、名单中没有的党员，什么也不写（首次导入直接写入）
        #[arg(long)]
        apply: bool,
        /// 变动生效日期，如 2026-10-15；不写为今天
        #[arg(long, value_name = "日期")]
        on: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// 党员历次季度评选记录：候选、不能评选情形、得票、当选、报送（§4.2.c）
    #[command(after_help = "示例:
  shine member history 张志强")]
    History {
        /// 党员编号或姓名
        #[arg(value_name = "党员")]
        member: String,
    },
    /// 《党员“闪光言行”登记证》：各季度登记的闪光言行、交流发言、支部点评和点评确认、评选结果
    #[command(after_help = "示例:
  shine member certificate --member 张志强
  shine member certificate --member m03 --quarter 2026Q4 --json")]
    Certificate {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 季度，写作 2026Q4；不写时列出所有季度
        #[arg(long, value_name = "季度")]
        quarter: Option<String>,
    },
    /// 记录党员的状态（种类见规则 standing_kind，如 留党察看、经批准不能参加），有起止日期
    #[command(after_help = "示例:
  shine member standing --member 张志强 --kind 留党察看 --from 2026-09-01 --until 2027-09-01 --approved-by 校纪委 --reason \"校纪委〔2026〕9号\"
  shine member standing --member 李明 --kind 经批准不能参加 --from 2026-10-01 --approved-by 机关党委 --reason 援疆一年")]
    Standing {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 状态种类：规则声明的编号或名称
        #[arg(long, value_name = "种类")]
        kind: String,
        /// 起始日期，如 2026-09-01
        #[arg(long, value_name = "日期")]
        from: String,
        /// 截止日期（含）；不写为尚无截止
        #[arg(long, value_name = "日期")]
        until: Option<String>,
        /// 批准或决定的组织
        #[arg(long, value_name = "组织")]
        approved_by: String,
        /// 依据（文号、事由）
        #[arg(long, value_name = "依据")]
        reason: String,
    },
    /// 组织关系转接：党员从所在支部转到本校另一党支部，历次记录随之转入
    #[command(after_help = "示例:
  shine member transfer --member m07 --to jx-xs --on 2026-11-03")]
    Transfer {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 转入党支部的编号
        #[arg(long, value_name = "支部")]
        to: String,
        /// 转接日期：这一天起在新支部名单上
        #[arg(long, value_name = "日期")]
        on: String,
        /// 说明，如 介绍信编号
        #[arg(long, value_name = "说明", default_value = "")]
        note: String,
    },
    /// 党员离开支部名单（毕业离校、出党、去世、转出本校…）；记录都保留
    #[command(after_help = "示例:
  shine member remove --member m07 --on 2026-07-01 --reason 毕业离校")]
    Remove {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 离开日期：这一天起不在名单上
        #[arg(long, value_name = "日期")]
        on: String,
        /// 原因，见 rules/facts.shine 中的 departure
        #[arg(long, value_name = "原因")]
        reason: String,
        /// 说明
        #[arg(long, value_name = "说明", default_value = "")]
        note: String,
    },
    /// 党员信息按日期变动：转正、职务、身份
    #[command(after_help = "示例:
  shine member change --member m07 --on 2026-11-20 --full
  shine member change --member m07 --on 2026-11-20 --role 支委")]
    Change {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 变动日期：这一天起生效
        #[arg(long, value_name = "日期")]
        on: String,
        /// 新的党内职务：名称或编号，如 支委、领导干部
        #[arg(long = "role", value_name = "职务")]
        party_role: Option<String>,
        /// 新身份，如 教师、学生
        #[arg(long, value_name = "身份")]
        identity: Option<String>,
        /// 转为正式党员（转正）
        #[arg(long, conflicts_with = "probationary")]
        full: bool,
        /// 改为预备党员（更正类别）
        #[arg(long)]
        probationary: bool,
        /// 说明，如 支部大会决议
        #[arg(long, value_name = "说明", default_value = "")]
        note: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum LifeCommand {
    /// 记一次支部组织生活（日期、形式）；同一支部同一日期再记一次即为更正
    #[command(after_help = "示例:
  shine life session --branch jx-jg --date 2026-10-15 --kind 支部党员大会
  shine life session --branch jx-jg --date 2026-11-12 --kind 党课 --absences-only")]
    Session {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        /// 组织生活的日期，如 2026-10-15
        #[arg(long, value_name = "日期")]
        date: String,
        /// 组织生活形式，如 支部党员大会、支委会、党小组会、党课（见规则中的 session_kind）
        #[arg(long, value_name = "形式")]
        kind: String,
        /// 这次组织生活只记缺席：没有记录的党员视为出席
        #[arg(long)]
        absences_only: bool,
    },
    /// 记一次组织生活的出席情况
    #[command(after_help = "示例:
  shine life add --member 吴子涵 --date 2026-10-15 --status 请假 --note 出差
  shine life add --member 吴子涵 --date 2026-10-15 --kind 支部党员大会 --status 出席")]
    Add {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 组织生活的日期，如 2026-10-15
        #[arg(long, value_name = "日期")]
        date: String,
        /// 出席、请假 或 无故缺席（也可写 present、excused、unexcused）
        #[arg(long, value_name = "出席情况")]
        status: String,
        /// 组织生活形式；写了就同时记下这次组织生活（同 `life session`）
        #[arg(long, value_name = "形式")]
        kind: Option<String>,
        /// 与 --kind 一起用：这次组织生活只记缺席
        #[arg(long, requires = "kind")]
        absences_only: bool,
        /// 备注
        #[arg(long, value_name = "备注", default_value = "")]
        note: String,
    },
    /// 导入出席记录（列：党员编号,日期,出席情况,备注；可加「形式」列写组织生活形式）
    #[command(after_help = "示例:
  shine life import 组织生活.xlsx
  shine life import 组织生活.xlsx --sheet 十月
  shine life import --absences-only 缺席记录.csv")]
    Import {
        #[command(flatten)]
        file: ImportFile,
        /// 文件只记缺席：文件中各次组织生活没有记录的党员视为出席（需要「形式」列）
        #[arg(long)]
        absences_only: bool,
    },
    /// 记流动党员外出（§3.4.x8）：从哪天起外出，已回来的写回来的日期
    #[command(after_help = "示例:
  shine life away --member 萧秀英 --from 2026-05-01
  shine life away --member 萧秀英 --from 2026-01-10 --to 2026-03-01")]
    Away {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 外出的第一天
        #[arg(long, value_name = "日期")]
        from: String,
        /// 回来的日期；还在外的不写
        #[arg(long, value_name = "日期")]
        to: Option<String>,
    },
    /// 记外出党员回来的日期（结束当时的外出）
    #[command(after_help = "示例:
  shine life back --member 萧秀英 --on 2026-11-20")]
    Back {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 回来的日期
        #[arg(long, value_name = "日期")]
        on: String,
    },
    /// 记外出党员一次主动向党组织报到
    #[command(after_help = "示例:
  shine life report --member 萧秀英 --on 2026-07-01")]
    Report {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 报到的日期
        #[arg(long, value_name = "日期")]
        on: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum FindingCommand {
    /// 记录一条不能评选情形的事实；同一条款、同一日期再记一次即为更正（如处分期改定）；结束记录用 `shine finding close`
    #[command(after_help = "示例:
  shine finding add --member 张志强 --clause x3 --date 2026-06-01 --evidence \"受党内警告处分，处分期一年\" --until 2027-06-01")]
    Add {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 规则名，如 x3：只有读取违规记录的不能评选情形可用（按规则文件判断；写错时列出可用的）
        #[arg(long, value_name = "条款")]
        clause: String,
        /// 事实发生的日期，如 2026-06-01
        #[arg(long, value_name = "日期")]
        date: String,
        /// 事实和依据
        #[arg(long, value_name = "事实")]
        evidence: String,
        /// 正在接受调查
        #[arg(long)]
        open: bool,
        /// 处分期截止日期
        #[arg(long, value_name = "日期")]
        until: Option<String>,
    },
    /// 导入多名党员的违规情形记录（列：党员编号,姓名,条款,日期,事实,正在调查,处分期截止），全部无误才记录
    #[command(after_help = "示例:
  shine finding import 违规情形.xlsx                    先核对：列出将记录的各条，什么也不写
  shine finding import 违规情形.xlsx --apply            记录

党员编号和姓名至少写一项，都写时须一致；条款写规则名，如 x3（可选值见 `shine template findings`）。")]
    Import {
        #[command(flatten)]
        file: ImportFile,
        /// 记录。不加时只列出将记录的各条，什么也不写
        #[arg(long)]
        apply: bool,
    },
    /// 结束一条违规记录（撤销、整改完成、处分期满…）：自结束之日起不再计入
    #[command(after_help = "示例:
  shine finding close --member 张志强 --clause x6 --date 2026-06-01 --on 2026-09-15 --reason 整改完成 --note \"支委会认定整改到位\"")]
    Close {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 记录的规则名，如 x6
        #[arg(long, value_name = "条款")]
        clause: String,
        /// 记录的日期（记录时的 --date）
        #[arg(long, value_name = "日期")]
        date: String,
        /// 结束日期：自这一天起不再计入
        #[arg(long, value_name = "日期")]
        on: String,
        /// 结束方式：规则声明的编号或名称（如 revoked 撤销、rectified 整改完成、expired 处分期满）
        #[arg(long, value_name = "方式")]
        reason: String,
        /// 经过和依据
        #[arg(long, value_name = "说明")]
        note: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum QuarterCommand {
    /// 用现行规则和流程开启支部的季度评选
    #[command(after_help = "示例:
  shine quarter open --branch jx-jg --quarter 2026Q4")]
    Open {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        /// 季度，写作 2026Q4
        #[arg(long, value_name = "季度")]
        quarter: String,
    },
    /// 列出支部已开启的季度
    List {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeedCommand {
    /// 在登记证上登记一条闪光言行
    #[command(after_help = "示例:
  shine deed add --member 陈丽娟 --kind 带头服务群众 --text \"为独居老人上门维修家电\"
  shine deed add --member m03 --kind 带头学习提高 --text \"完成党史学习\" --date 2026-10-20
  shine deed add --member 陈丽娟 --kind 带头争创佳绩 --form 重要任务 --text \"牵头完成专业认证自评报告\"")]
    Add {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 五带头之一，如 带头服务群众、带头学习提高
        #[arg(long, value_name = "类别")]
        kind: String,
        /// 事迹
        #[arg(long, value_name = "内容")]
        text: String,
        /// 日期，如 2026-10-20；不写时为今天
        #[arg(long, value_name = "日期")]
        date: Option<String>,
        /// 形式（§3.1）：说过的话、做过的事、创新举措 或 重要任务；可不写
        #[arg(long, value_name = "形式")]
        form: Option<String>,
    },
    /// 导入多名党员的闪光言行（如各支部收集的纸质登记证），全部无误才登记
    #[command(after_help = "示例:
  shine deed import --branch jx-jg 闪光言行.xlsx         先核对：列出将登记的各条，什么也不写
  shine deed import --branch jx-jg 闪光言行.xlsx --apply 登记

列：党员编号,姓名,类别,形式,日期,内容。党员编号和姓名至少写一项（姓名须在支部内唯一），都写时须一致；
类别写五带头之一，形式可不写，日期不写为今天（可选值见 `shine template deeds`）。")]
    Import {
        /// 党支部编号；不写时为第一行所写党员所在的支部
        #[arg(long, value_name = "支部")]
        branch: Option<String>,
        #[command(flatten)]
        file: ImportFile,
        /// 登记。不加时只列出将登记的各条，什么也不写
        #[arg(long)]
        apply: bool,
    },
    /// 修改登记证上的一条闪光言行（登记环节内；只写要改的项）
    #[command(after_help = "示例:
  shine deed edit --member 陈丽娟 --number 2 --text \"为独居老人上门维修家电三次\"
  shine deed edit --member m03 --number 1 --kind 带头学习提高 --date 2026-10-21 --form \"\"

序号是 `shine member certificate` 中每条闪光言行前的序号；--form \"\" 去掉形式。")]
    Edit {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 登记证上的序号（1、2、3…）
        #[arg(long, value_name = "序号")]
        number: u32,
        /// 新的类别（五带头之一）
        #[arg(long, value_name = "类别")]
        kind: Option<String>,
        /// 新的事迹内容
        #[arg(long, value_name = "内容")]
        text: Option<String>,
        /// 新的日期，如 2026-10-20
        #[arg(long, value_name = "日期")]
        date: Option<String>,
        /// 新的形式（§3.1）；写 \"\" 去掉形式
        #[arg(long, value_name = "形式")]
        form: Option<String>,
    },
    /// 撤回登记证上的一条闪光言行（登记环节内）；其余各条序号不变
    #[command(after_help = "示例:
  shine deed withdraw --member 陈丽娟 --number 2")]
    Withdraw {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 登记证上的序号
        #[arg(long, value_name = "序号")]
        number: u32,
    },
    /// 记录本季度未登记的正当理由
    #[command(after_help = "示例:
  shine deed excuse --member 吴子涵 --reason \"本季度住院治疗\"")]
    Excuse {
        /// 党员编号或姓名
        #[arg(long, value_name = "党员")]
        member: String,
        /// 未登记的理由
        #[arg(long, value_name = "理由")]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum MeetingCommand {
    /// 会前向上级党组织报告（§4.2.a）
    #[command(after_help = "示例:
  shine meeting report --branch jx-jg --date 2026-12-15")]
    Report {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        /// 专题组织生活会的日期，如 2026-12-15
        #[arg(long, value_name = "日期")]
        date: String,
    },
    /// 登记党员出席情况
    #[command(after_help = "示例:
  shine meeting attend --status 出席 m01 m02 m03 陈丽娟
  shine meeting attend --status 请假 m08")]
    Attend {
        /// 出席、请假 或 无故缺席（也可写 present、excused、unexcused）
        #[arg(long, value_name = "出席情况")]
        status: String,
        /// 党员编号或姓名，可写多个
        #[arg(required = true, value_name = "党员")]
        members: Vec<String>,
    },
    /// 登记列席人员：入党积极分子、党外群众代表、上级派员
    #[command(after_help = "示例:
  shine meeting guests --branch jx-jg --activist 孙明 --observer 党外教师代表 --delegate 党总支组织员")]
    Guests {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        /// 列席的入党积极分子，可写多次
        #[arg(long = "activist", value_name = "姓名")]
        activists: Vec<String>,
        /// 列席的党外群众代表，可写多次
        #[arg(long = "observer", value_name = "姓名")]
        observers: Vec<String>,
        /// 上级党组织派员
        #[arg(long, value_name = "姓名")]
        delegate: Option<String>,
    },
    /// 上级党组织确定列席专题组织生活会的人员（§4.2.a：上级党组织一般应派员列席），以上级角色办理
    #[command(after_help = "示例:
  shine meeting delegate --branch jx-jg --name 党总支组织员张伟 --as general_branch

须在党支部报告会议之后；记入该支部本季度记录，在 `status`、`stars` 中显示，并与会上登记的列席人员对照。")]
    Delegate {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        /// 列席人员姓名
        #[arg(long, value_name = "姓名")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum BallotCommand {
    /// 发放本轮投票码（书记操作）：每位到会、有表决权的党员一张，一次全部发出
    #[command(
        long_about = "发放本轮投票码（书记操作，在投票环节、本轮电子投票进行时）：给每位到会、有表决权的党员各一个一次性投票码，一次全部发出。系统只记录这些党员各领到了一个码，不记录谁领到哪一个；投票码只显示这一次，不保存。
投票码发出后再到会的党员不再领码：单独给一个人发码，会让这个码和这个人对应起来。
同一轮再次发码须加 --reissue：尚未使用的投票码全部作废，补发同样数量的新码（已投的码仍算已投）。",
        after_help = "示例:
  shine ballot codes --branch jx-jg
  shine ballot codes --branch jx-jg --out 投票码.html --url https://vote.example.edu.cn/work
  shine ballot codes --branch jx-jg --reissue"
    )]
    Codes {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        /// 作废尚未使用的投票码，补发同样数量的新码
        #[arg(long)]
        reissue: bool,
        /// 另存为可打印的 A4 投票码纸条（HTML，每码一条，附二维码）
        #[arg(long, value_name = "文件.html")]
        out: Option<PathBuf>,
        /// 工作台网址（如 https://vote.example.edu.cn/work）：二维码打开其投票页 <网址>/vote?branch=支部&code=投票码（不写：二维码只含投票码）
        #[arg(long, value_name = "https://…")]
        url: Option<String>,
    },
    /// 用投票码投一张电子选票（无记名；不需要身份）
    #[command(after_help = "示例:
  shine ballot vote --branch jx-jg --code K7QX-MP3A-9RTW5 陈丽娟 刘海燕")]
    Vote {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        /// 投票码（大小写、短横线、空格均可）
        #[arg(long, value_name = "投票码")]
        code: String,
        /// 所选候选人：编号或姓名，可写多个
        #[arg(value_name = "候选人")]
        choices: Vec<String>,
    },
    /// 结束本轮电子投票（书记操作）：未使用的投票码作废，此后不能再投
    #[command(after_help = "示例:
  shine ballot close --branch jx-jg")]
    Close {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
    },
    /// 本轮电子投票重新进行（书记操作，投票结束后）：本次选票全部作废、封存不计，投票码收回，再发放新码
    #[command(after_help = "示例:
  shine ballot again --branch jx-jg --reason \"收回选票未过到会有表决权党员半数\"
  shine ballot codes --branch jx-jg

收回的选票不足、投票中出现差错等需要重新投票时使用：原选票不删除，另行封存，不计票；
台帐记下原发出、收回张数和理由。")]
    Again {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        /// 重新投票的理由（记入台帐）
        #[arg(long, value_name = "理由")]
        reason: String,
    },
    /// 查看本轮电子投票进度：已投几张、发出几张
    #[command(after_help = "示例:
  shine ballot status --branch jx-jg")]
    Status {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
    },
    /// 录入纸质选票的计票结果
    #[command(after_help = "示例:
  shine ballot totals --branch jx-jg --issued 8 --returned 8 --invalid 1 --votes 陈丽娟=5 --votes 刘海燕=2 \\
      --scrutineer 王建国 --counter 李红")]
    Totals {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
        branch: String,
        /// 发出的选票数（不写：每位有表决权的到会党员一张）
        #[arg(long, value_name = "张数")]
        issued: Option<i64>,
        /// 收回的选票数（含无效票；旧写法 --ballots 同此）
        #[arg(long, visible_alias = "ballots", value_name = "张数")]
        returned: i64,
        /// 其中无效票数（如所选人数超过名额的选票：无效，但算作收回）
        #[arg(long, value_name = "张数", default_value_t = 0)]
        invalid: i64,
        /// 监票人姓名，可写多次
        #[arg(long = "scrutineer", value_name = "姓名")]
        scrutineers: Vec<String>,
        /// 计票人姓名，可写多次
        #[arg(long = "counter", value_name = "姓名")]
        counters: Vec<String>,
        /// 候选人=票数，每人写一次，如 --votes 陈丽娟=5
        #[arg(long = "votes", value_name = "候选人=票数")]
        votes: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// 检查存储：每条事件记录都能读出（任何版本写入的），各支部、各层级的状态都能重建
    Check,
    /// 备份存储：某一时刻全部记录的一致副本（带版本和校验和），先写临时文件再改名，不会留下半个备份
    #[command(after_help = "示例:
  shine store backup --out 备份/2026Q4.shine-backup")]
    Backup {
        /// 备份文件
        #[arg(long, value_name = "文件")]
        out: PathBuf,
    },
    /// 从备份恢复存储（到 --store 指定的目录）：先核对校验和、逐条读出记录、重建各季度，全部通过才建立存储
    #[command(after_help = "示例:
  shine store restore --from 备份/2026Q4.shine-backup --store 新存储
  shine store restore --from 备份/2026Q4.shine-backup --replace      替换现有存储，原存储移到一旁保留")]
    Restore {
        /// 备份文件（由 `shine store backup` 写出）
        #[arg(long, value_name = "文件")]
        from: PathBuf,
        /// 目标目录已有存储时仍然恢复：原存储改名保留在旁边，不会删除
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// 检查规则文件：有错误时给出文件、行、列
    #[command(after_help = "示例:
  shine rules check
  shine rules check --rules 新规则/")]
    Check,
    /// 对进行中的季度采用当前规则：先列出会改变的决定
    #[command(after_help = "示例:
  shine rules adopt --branch jx-jg                      先预演：列出会改变的决定
  shine rules adopt --branch jx-jg --yes                确认采用")]
    Adopt {
        /// 党支部编号
        #[arg(long, value_name = "支部")]
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
