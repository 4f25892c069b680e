//! The public display page (§4.3.c): one quarter's displayed stars as a self-contained
//! HTML page in Chinese, and the landing page that links to each quarter. `shine serve`
//! serves both; `shine display` writes the quarter page to a file.
//!
//! The page shows only what the engine's [`Display`] holds (published, window closed,
//! no standing objection), and of each star only what the public may see: name,
//! identity, branch, deeds by 五带头 kind and the reasons it was recommended. Member
//! ids, votes, ballots, shares, exclusions and clauses never reach the HTML.
//!
//! Two small pages do not justify a template crate: the HTML is written with `format!`,
//! and every piece of text goes through [`Esc`]. The page loads nothing from elsewhere
//! (inline CSS, system CJK fonts), so it also reads offline.

use chrono::{Datelike, NaiveDate};
use shine_engine::domain::Quarter;
use shine_engine::ops::chain::Display;
use shine_engine::star::{DeedCard, StarRecord, UnitCard};
use std::fmt::{self, Write as _};

/// The public page of one quarter.
pub fn quarter_page(display: &Display, quarters: &[Quarter]) -> String {
    let title = format!("{} 党员“闪光言行之星”展示", quarter_label(display.quarter));
    let mut body = String::new();
    header(&mut body, &title, display);
    body.push_str("<main>\n");
    if display.stars.is_empty() {
        nothing_yet(&mut body, display);
    } else {
        for university in group(&display.stars) {
            university_section(&mut body, &university);
        }
    }
    body.push_str("</main>\n");
    quarter_nav(&mut body, display.quarter, quarters);
    footer(&mut body);
    document(&title, &body)
}

/// The landing page: the instance's title and links to each quarter's page
/// (`/display/2026Q4`), the newest first.
pub fn index_page(title: &str, quarters: &[Quarter]) -> String {
    let mut body = String::new();
    let _ = write!(
        body,
        "<header class=\"band\"><div class=\"wrap\"><p class=\"kicker\">党员“闪光言行之星”</p><h1>{}</h1></div></header>\n<main>\n",
        Esc(title)
    );
    if quarters.is_empty() {
        body.push_str("<p class=\"empty\">尚无展示。各季度评选结果公示期满后，将在此集中展示。</p>\n");
    } else {
        body.push_str("<h2 class=\"university\">各季度展示</h2>\n<ul class=\"quarters\">\n");
        for q in quarters.iter().rev() {
            let _ = writeln!(body, "<li><a href=\"/display/{q}\">{} 党员“闪光言行之星”展示</a></li>", Esc(&quarter_label(*q)));
        }
        body.push_str("</ul>\n");
    }
    body.push_str("</main>\n");
    footer(&mut body);
    document(title, &body)
}

/// Text made safe for HTML content and attribute values.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// `2026Q4` as a Chinese reader writes it: `2026年第四季度`.
pub fn quarter_label(quarter: Quarter) -> String {
    let n = ["一", "二", "三", "四"].get(usize::from(quarter.number()) - 1).copied().unwrap_or_default();
    format!("{}年第{n}季度", quarter.year())
}

/// `2026年12月17日`.
fn date_label(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

// ---- grouping ------------------------------------------------------------------------

/// The stars of one university, by general branch.
#[derive(Debug, PartialEq)]
struct University<'a> {
    name: &'a str,
    groups: Vec<Group<'a>>,
}

/// A general branch with its stars, or a directly affiliated branch on its own.
#[derive(Debug, PartialEq)]
struct Group<'a> {
    unit: Option<&'a UnitCard>,
    direct: bool,
    stars: Vec<&'a StarRecord>,
}

/// Universities, then general branches, each in the order its first star comes.
fn group(stars: &[StarRecord]) -> Vec<University<'_>> {
    let mut out: Vec<University> = Vec::new();
    for star in stars {
        let i = match out.iter().position(|u| u.name == star.university) {
            Some(i) => i,
            None => {
                out.push(University { name: &star.university, groups: Vec::new() });
                out.len() - 1
            }
        };
        // [committee, general branch, branch] or [committee, directly affiliated branch]:
        // the unit under the committee names the group either way.
        let unit = star.unit_path.get(1);
        let direct = star.unit_path.len() == 2;
        let groups = &mut out[i].groups;
        match groups.iter_mut().find(|g| g.unit.map(|u| &u.id) == unit.map(|u| &u.id)) {
            Some(g) => g.stars.push(star),
            None => groups.push(Group { unit, direct, stars: vec![star] }),
        }
    }
    out
}

/// Deeds by kind, kinds in the order they first appear.
fn by_kind(deeds: &[DeedCard]) -> Vec<(&str, Vec<&DeedCard>)> {
    let mut out: Vec<(&str, Vec<&DeedCard>)> = Vec::new();
    for d in deeds {
        match out.iter_mut().find(|(k, _)| *k == d.kind) {
            Some((_, list)) => list.push(d),
            None => out.push((&d.kind, vec![d])),
        }
    }
    out
}

// ---- pieces of the page ----------------------------------------------------------------

fn header(out: &mut String, title: &str, d: &Display) {
    let by = if d.unit.name == d.level_title || d.unit.name.ends_with(&d.level_title) {
        d.unit.name.clone()
    } else {
        format!("{} {}", d.unit.name, d.level_title)
    };
    let _ = write!(out, "<header class=\"band\"><div class=\"wrap\"><p class=\"kicker\">{}</p><h1>{}</h1>", Esc(&by), Esc(title));
    let mut facts = Vec::new();
    if let Some(on) = d.published_on {
        facts.push(format!("公布日期 {}", date_label(on)));
    }
    if let Some(until) = d.window_until {
        facts.push(format!("公示期满 {}", date_label(until)));
    }
    if !d.stars.is_empty() {
        facts.push(format!("共 {} 名", d.stars.len()));
    }
    if !facts.is_empty() {
        let _ = write!(out, "<p class=\"facts\">{}</p>", facts.iter().map(|f| format!("<span>{}</span>", Esc(f))).collect::<String>());
    }
    out.push_str("</div></header>\n");
}

/// Why the quarter shows nobody: not published, or published and not yet through its
/// window (the engine shows a star only after the window, and without a standing
/// objection).
fn nothing_yet(out: &mut String, d: &Display) {
    let why = match (d.published_on, d.window_until) {
        (Some(on), Some(until)) => format!(
            "本季度评选结果已于{}公示，公示期至{}。公示期满、无异议的人选将在此展示，目前尚无可展示的人选。",
            date_label(on),
            date_label(until)
        ),
        _ => "本季度评选结果尚未公布，暂无展示。评选结果公布并经公示期满后，将在此展示。".to_owned(),
    };
    let _ = writeln!(out, "<p class=\"empty\">{}</p>", Esc(&why));
}

fn university_section(out: &mut String, u: &University) {
    let _ = writeln!(out, "<section class=\"university-block\">\n<h2 class=\"university\">{}</h2>", Esc(u.name));
    for g in &u.groups {
        let label = match (g.unit, g.direct) {
            (Some(unit), true) => format!("{}<span class=\"tag\">直属党支部</span>", Esc(&unit.name)),
            (Some(unit), false) => Esc(&unit.name).to_string(),
            (None, _) => "其他".to_owned(),
        };
        let _ = writeln!(out, "<section class=\"group\">\n<h3>{label}</h3>\n<div class=\"cards\">");
        for star in &g.stars {
            card(out, star);
        }
        out.push_str("</div>\n</section>\n");
    }
    out.push_str("</section>\n");
}

fn card(out: &mut String, star: &StarRecord) {
    let branch = star.branch().map(|b| b.name.as_str()).unwrap_or("");
    let _ = write!(
        out,
        "<article class=\"star\">\n<div class=\"profile\"><span class=\"mark\" aria-hidden=\"true\">★</span><h4>{}</h4>\
         <dl class=\"who\"><div><dt>身份</dt><dd>{}</dd></div><div><dt>所在党支部</dt><dd>{}</dd></div></dl></div>\n<div class=\"body\">\n",
        Esc(&star.member.name),
        Esc(&star.member.identity),
        Esc(branch)
    );
    if !star.deeds.is_empty() {
        out.push_str("<div class=\"deeds\">\n");
        for (kind, deeds) in by_kind(&star.deeds) {
            let _ = write!(out, "<section class=\"kind\"><h5>{}</h5><ul>", Esc(kind));
            for d in deeds {
                let _ = write!(out, "<li><time datetime=\"{}\">{}</time>{}</li>", d.date, date_label(d.date), Esc(&d.text));
            }
            out.push_str("</ul></section>\n");
        }
        out.push_str("</div>\n");
    }
    let reasons: Vec<_> = star.picks.iter().filter(|p| !p.reason.trim().is_empty()).collect();
    if !reasons.is_empty() {
        out.push_str("<div class=\"reasons\"><h5>推荐理由</h5><ul>");
        for p in reasons {
            let _ = write!(out, "<li><span class=\"by\">{}</span>{}</li>", Esc(&p.unit.name), Esc(&p.reason));
        }
        out.push_str("</ul></div>\n");
    }
    out.push_str("</div>\n</article>\n");
}

/// Links to the other quarters, when there are any.
fn quarter_nav(out: &mut String, current: Quarter, quarters: &[Quarter]) {
    if quarters.iter().all(|q| *q == current) {
        return;
    }
    out.push_str("<nav class=\"quarters-nav wrap\"><a href=\"/\">全部季度</a>");
    for q in quarters.iter().rev() {
        if *q == current {
            let _ = write!(out, "<span aria-current=\"page\">{}</span>", Esc(&quarter_label(*q)));
        } else {
            let _ = write!(out, "<a href=\"/display/{q}\">{}</a>", Esc(&quarter_label(*q)));
        }
    }
    out.push_str("</nav>\n");
}

fn footer(out: &mut String) {
    out.push_str(
        "<footer class=\"wrap\"><p>本页展示经公示期满、无异议的党员“闪光言行之星”及其践行“五带头”的“闪光言行”。</p></footer>\n",
    );
}

fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        Esc(title)
    )
}

const CSS: &str = r#"
:root{--red:#b71c1c;--red-deep:#8e1212;--gold:#c9a227;--gold-soft:#f7efd6;--ink:#2b2b2b;--muted:#7a7068;--paper:#faf7f2;--line:#e9e1d5}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--paper);color:var(--ink);line-height:1.75;
font-family:"Noto Sans CJK SC","Source Han Sans SC","Noto Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei","SimSun-ExtB","HanaMinA","HanaMinB",sans-serif}
.wrap{max-width:1120px;margin:0 auto;padding:0 24px}
.band{background:linear-gradient(180deg,var(--red) 0%,var(--red-deep) 100%);color:#fff;border-bottom:4px solid var(--gold);padding:44px 0 34px;text-align:center}
.band .kicker{margin:0 0 8px;color:var(--gold-soft);letter-spacing:.25em;font-size:15px}
.band h1{margin:0;font-size:34px;font-weight:700;letter-spacing:.08em}
.band .facts{margin:18px 0 0;font-size:14px;color:#f5e6e6}
.band .facts span{display:inline-block;margin:0 14px}
.band .facts span+span::before{content:"";display:inline-block;width:4px;height:4px;margin:0 28px 3px -14px;background:var(--gold);transform:rotate(45deg)}
main{max-width:1120px;margin:0 auto;padding:36px 24px 8px}
h2.university{margin:4px 0 28px;font-size:26px;color:var(--red-deep);text-align:center;letter-spacing:.12em}
h2.university::after{content:"";display:block;width:72px;height:3px;margin:10px auto 0;background:var(--gold)}
.group{margin:0 0 36px}
.group h3{margin:0 0 14px;padding-left:12px;border-left:4px solid var(--red);font-size:19px;line-height:1.4;color:var(--ink)}
.tag{display:inline-block;margin-left:10px;padding:0 8px;border:1px solid var(--gold);border-radius:3px;font-size:13px;font-weight:400;line-height:1.7;color:#8a6d12;vertical-align:2px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(500px,1fr));gap:20px}
.star{display:flex;background:#fff;border:1px solid var(--line);border-top:4px solid var(--red);border-radius:6px;box-shadow:0 1px 4px rgba(80,40,20,.07)}
.profile{flex:0 0 210px;padding:26px 18px;text-align:center;border-right:1px dashed var(--line);background:linear-gradient(180deg,#fffdf8,#fff)}
.profile .mark{display:block;color:var(--gold);font-size:26px;line-height:1}
.profile h4{margin:8px 0 12px;font-size:26px;line-height:1.4;letter-spacing:.1em}
.who{margin:0;font-size:14px}
.who div{margin:2px 0}
.who dt{display:inline;color:var(--muted)}
.who dt::after{content:"："}
.who dd{display:inline;margin:0}
.body{flex:1 1 auto;min-width:0;padding:20px 24px}
.kind{margin:0 0 14px}
.star h5{margin:0 0 4px;font-size:15px;color:var(--red)}
.kind h5::before{content:"";display:inline-block;width:6px;height:6px;margin:0 8px 2px 0;background:var(--gold);transform:rotate(45deg)}
.star ul{margin:0;padding:0;list-style:none}
.kind li{margin:0 0 4px;padding-left:14px;font-size:15px}
.kind time{margin-right:10px;color:var(--muted);font-size:13px;white-space:nowrap}
.reasons{margin-top:6px;background:var(--gold-soft);border-left:3px solid var(--gold);border-radius:0 4px 4px 0;padding:10px 14px}
.reasons h5{color:#7a5c0c}
.reasons li{font-size:14px}
.reasons .by{color:var(--muted)}
.reasons .by::after{content:"："}
.empty{max-width:720px;margin:24px auto;padding:28px;background:#fff;border:1px solid var(--line);border-radius:6px;text-align:center;color:var(--muted)}
ul.quarters{max-width:560px;margin:0 auto;padding:0;list-style:none}
ul.quarters li{margin:0 0 12px}
ul.quarters a{display:block;padding:16px 20px;background:#fff;border:1px solid var(--line);border-left:4px solid var(--red);border-radius:4px;color:var(--ink);text-decoration:none;font-size:17px}
ul.quarters a:hover{border-left-color:var(--gold)}
.quarters-nav{display:flex;flex-wrap:wrap;gap:8px 16px;justify-content:center;padding-top:8px;padding-bottom:8px;font-size:14px}
.quarters-nav a{color:var(--red)}
.quarters-nav span{color:var(--muted)}
footer{margin-top:16px;padding-top:16px;padding-bottom:32px;border-top:1px solid var(--line);text-align:center;font-size:13px;color:var(--muted)}
@media (max-width:640px){.band{padding:28px 0 22px}.band h1{font-size:24px}main{padding:24px 14px 8px}
.cards{grid-template-columns:1fr}.star{flex-direction:column}.profile{flex:none;padding:18px;border-right:0;border-bottom:1px dashed var(--line)}.body{padding:16px 18px}}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use shine_engine::star::{MemberCard, PickNote};

    fn unit(id: &str, name: &str) -> UnitCard {
        UnitCard { id: id.into(), name: name.into() }
    }

    fn deed(kind: &str, text: &str) -> DeedCard {
        DeedCard { form: None, kind: kind.into(), date: NaiveDate::from_ymd_opt(2026, 11, 2).expect("date"), text: text.into() }
    }

    fn star(university: &str, path: &[(&str, &str)], id: &str, name: &str) -> StarRecord {
        StarRecord {
            quarter: "2026Q4".parse().expect("quarter"),
            university: university.into(),
            unit_path: path.iter().map(|(i, n)| unit(i, n)).collect(),
            member: MemberCard { id: id.into(), name: name.into(), identity: "教师".into(), role: "普通党员".into() },
            deeds: vec![deed("带头服务群众", "义务辅导")],
            comment: "表现突出".into(),
            votes: 7,
            ballots: 7,
            recorded_share: None,
            clauses_checked: vec!["§3.4.x1".into()],
            rules: "abc".into(),
            version: 1,
            corrections: vec![],
            picks: vec![PickNote { level: "general_branch".into(), unit: unit("g1", "计算机学院党总支"), reason: "事迹突出".into(), rules: vec!["§4.3.d".into()] }],
            no_pick: None,
        }
    }

    fn display(stars: Vec<StarRecord>) -> Display {
        Display {
            unit: unit("c", "示范大学党委"),
            level_title: "党委组织部".into(),
            quarter: "2026Q4".parse().expect("quarter"),
            published_on: NaiveDate::from_ymd_opt(2026, 12, 17),
            window_until: NaiveDate::from_ymd_opt(2026, 12, 23),
            stars,
        }
    }

    const C: (&str, &str) = ("c", "示范大学党委");
    const G1: (&str, &str) = ("g1", "计算机学院党总支");
    const G2: (&str, &str) = ("g2", "外国语学院党总支");

    #[test]
    fn escapes_every_markup_character() {
        assert_eq!(Esc(r#"<b>"龘𠀀" & 'x'</b>"#).to_string(), "&lt;b&gt;&quot;龘𠀀&quot; &amp; &#39;x&#39;&lt;/b&gt;");
        assert_eq!(Esc("陈𬭎").to_string(), "陈𬭎");
    }

    #[test]
    fn a_name_with_markup_is_shown_as_text() {
        let page = quarter_page(&display(vec![star("示范大学", &[C, G1, ("b1", "软件<党支部>")], "b1m1", "<script>x</script>")]), &[]);
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(page.contains("软件&lt;党支部&gt;"));
    }

    #[test]
    fn stars_group_by_university_then_general_branch_in_order_of_first_appearance() {
        let stars = vec![
            star("示范大学", &[C, G2, ("b3", "英语系党支部")], "b3m1", "欧阳明"),
            star("示范大学", &[C, G1, ("b1", "软件党支部")], "b1m1", "龘𠀀"),
            star("示范大学", &[C, ("d1", "图书馆直属党支部")], "d1m1", "许诺"),
            star("另一大学", &[("c2", "另一大学党委"), ("g9", "数学学院党总支"), ("b9", "数学党支部")], "b9m1", "张三"),
            star("示范大学", &[C, G2, ("b4", "日语系党支部")], "b4m1", "何佳"),
        ];
        // (university, [(group, direct, [names])]).
        type Shown<'a> = (&'a str, Vec<(&'a str, bool, Vec<&'a str>)>);
        let got: Vec<Shown> = group(&stars)
            .iter()
            .map(|u| {
                let groups = u
                    .groups
                    .iter()
                    .map(|g| (g.unit.map_or("", |u| u.name.as_str()), g.direct, g.stars.iter().map(|s| s.member.name.as_str()).collect()))
                    .collect();
                (u.name, groups)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "示范大学",
                    vec![
                        ("外国语学院党总支", false, vec!["欧阳明", "何佳"]),
                        ("计算机学院党总支", false, vec!["龘𠀀"]),
                        ("图书馆直属党支部", true, vec!["许诺"]),
                    ]
                ),
                ("另一大学", vec![("数学学院党总支", false, vec!["张三"])]),
            ]
        );
    }

    #[test]
    fn deeds_group_by_kind_in_order_of_first_appearance() {
        let deeds = [deed("带头争创佳绩", "a"), deed("带头学习提高", "b"), deed("带头争创佳绩", "c")];
        let got: Vec<(&str, Vec<&str>)> = by_kind(&deeds).into_iter().map(|(k, ds)| (k, ds.iter().map(|d| d.text.as_str()).collect())).collect();
        assert_eq!(got, [("带头争创佳绩", vec!["a", "c"]), ("带头学习提高", vec!["b"])]);
    }

    #[test]
    fn the_page_shows_no_ids_votes_or_clauses() {
        let page = quarter_page(&display(vec![star("示范大学", &[C, G1, ("b1", "软件党支部")], "b1m1", "龘𠀀")]), &[]);
        for shown in ["2026年第四季度 党员“闪光言行之星”展示", "示范大学党委 党委组织部", "2026年12月23日", "龘𠀀", "带头服务群众", "推荐理由", "事迹突出"] {
            assert!(page.contains(shown), "{shown} missing");
        }
        for hidden in ["b1m1", "100.0%", "7/7", "票", "§", "表现突出", "普通党员"] {
            assert!(!page.contains(hidden), "{hidden} shown");
        }
    }

    #[test]
    fn an_empty_quarter_says_why() {
        let mut d = display(vec![]);
        assert!(quarter_page(&d, &[]).contains("公示期至2026年12月23日"));
        d.published_on = None;
        d.window_until = None;
        assert!(quarter_page(&d, &[]).contains("尚未公布"));
    }

    #[test]
    fn index_links_each_quarter_newest_first() {
        let q = |t: &str| t.parse::<Quarter>().expect("quarter");
        let page = index_page("示范大学党委", &[q("2026Q3"), q("2026Q4")]);
        let q4 = page.find("/display/2026Q4").expect("Q4 link");
        let q3 = page.find("/display/2026Q3").expect("Q3 link");
        assert!(q4 < q3);
        assert!(page.contains("2026年第三季度"));
    }

    #[test]
    fn quarters_read_in_chinese() {
        let q = |t: &str| t.parse::<Quarter>().expect("quarter");
        assert_eq!(quarter_label(q("2026Q4")), "2026年第四季度");
        assert_eq!(quarter_label(q("2027Q1")), "2027年第一季度");
    }
}
