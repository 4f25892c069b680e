//! The sample university of `shine demo`: its organizations and ~150 members with
//! realistic Chinese names, mixed identities and a few members whose records should
//! exclude them. Deterministic, so every run shows the same quarter.

use chrono::NaiveDate;
use shine_engine::domain::MemberId;
use shine_engine::entity::MemberRecord;

pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高",
    "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "萧", "田", "董", "潘", "袁", "蔡", "蒋", "余",
    "欧阳", "司马",
];

pub const GIVEN: &[&str] = &[
    "建华", "志强", "秀英", "丽娟", "海燕", "伟", "芳", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娜", "涛", "明",
    "超", "霞", "平", "刚", "桂英", "晨曦", "子涵", "雨萱", "浩然", "思远", "一鸣", "嘉怡", "梓轩", "欣怡", "宇航", "诗琪",
    "博文", "佳琪", "俊杰", "婉清", "泽宇", "若曦", "龑", "昊天", "语桐", "𬭎", "皓",
];

/// A unit of the sample university.
pub struct DemoUnit {
    pub id: &'static str,
    pub name: &'static str,
    /// A kind of unit of the default `workflows/escalation.ron`.
    pub kind: &'static str,
    pub parent: Option<&'static str>,
    /// For branches: how many members, and which kind of branch.
    pub members: usize,
    pub profile: Profile,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    None,
    Staff,
    Students,
    Retired,
    Offices,
}

pub fn units() -> Vec<DemoUnit> {
    use Profile::{Offices, Retired, Staff, Students};
    let (committee, general, direct, branch) = ("committee", "general_branch", "direct_branch", "branch");
    let u = |id, name, kind, parent, members, profile| DemoUnit { id, name, kind, parent, members, profile };
    vec![
        u("dw", "示例大学党委", committee, None, 0, Profile::None),
        u("jx", "机械与能源工程学院党总支", general, Some("dw"), 0, Profile::None),
        u("xx", "信息与电子工程学院党总支", general, Some("dw"), 0, Profile::None),
        u("rw", "人文与外国语学院党总支", general, Some("dw"), 0, Profile::None),
        u("jg", "机关直属党支部", direct, Some("dw"), 19, Offices),
        u("jx-jg", "机械学院教工党支部", branch, Some("jx"), 22, Staff),
        u("jx-bk", "机械学院本科生党支部", branch, Some("jx"), 16, Students),
        u("jx-yj", "机械学院研究生党支部", branch, Some("jx"), 14, Students),
        u("xx-jg", "信息学院教工党支部", branch, Some("xx"), 20, Staff),
        u("xx-xs", "信息学院学生党支部", branch, Some("xx"), 18, Students),
        u("xx-lt", "信息学院离退休党支部", branch, Some("xx"), 11, Retired),
        u("rw-jg", "人文学院教工党支部", branch, Some("rw"), 15, Staff),
        u("rw-xs", "人文学院学生党支部", branch, Some("rw"), 17, Students),
    ]
}

/// A small deterministic generator (no external randomness: the demo is a fixture).
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407))
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The roster of one branch. Member ids are the branch id and a number.
pub fn roster(unit: &DemoUnit, rng: &mut Lcg, used_names: &mut std::collections::HashSet<String>) -> Vec<MemberRecord> {
    let mut out = Vec::new();
    for i in 0..unit.members {
        let name = loop {
            let n = format!("{}{}", SURNAMES[rng.below(SURNAMES.len())], GIVEN[rng.below(GIVEN.len())]);
            if used_names.insert(n.clone()) {
                break n;
            }
        };
        let identity = match unit.profile {
            Profile::Staff => ["教师", "教师", "教师", "机关"][rng.below(4)],
            Profile::Students => "学生",
            Profile::Retired => "离退休同志",
            Profile::Offices => ["机关", "机关", "后勤"][rng.below(3)],
            Profile::None => "教师",
        };
        let role = match (i, unit.profile) {
            (0, _) => "secretary",
            (1 | 2, _) => "committee",
            (3 | 4, Profile::Staff | Profile::Offices) => "leading_cadre",
            _ => "ordinary",
        };
        // Students join late: the last few of a student branch are probationary.
        let full = !(unit.profile == Profile::Students && i + 3 >= unit.members);
        out.push(MemberRecord {
            id: MemberId::parse(&format!("{}-{:02}", unit.id, i + 1)).expect("demo ids have no spaces or slashes"),
            name,
            identity: identity.into(),
            role: role.into(),
            full,
            mobile: false,
            last_report: None,
        });
    }
    out
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}
