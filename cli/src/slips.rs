//! Printable voting slips: one A4 HTML page of slips, each with the branch, the round,
//! the code large and a QR code (of the code, or of the vote address with the code),
//! drawn as SVG by the `qrcode` crate; and, on screen, the same slips shown one at a
//! time, large, with 下一张 (anchors and CSS `:target`: no script, which the web
//! workspace's CSP forbids). The page holds the codes in plain text: it is made only
//! for the secretary, who prints it (or shows it) and hands one code to each voter —
//! as the file of `ballot codes --out`, or as the answer of the web desk's 发放投票码.

use crate::page::Esc;
use qrcode::render::svg;
use qrcode::QrCode;
use shine_engine::ops::ballot::IssuedCodes;
use std::fmt::Write;

/// The slips of one issue: what each slip says.
pub struct Slips<'a> {
    /// The branch's name, as printed.
    pub branch: &'a str,
    /// The branch's id, in the vote address.
    pub branch_id: &'a str,
    pub quarter: String,
    pub round: i64,
    pub codes: Vec<&'a str>,
}

impl<'a> From<&'a IssuedCodes> for Slips<'a> {
    fn from(issued: &'a IssuedCodes) -> Slips<'a> {
        Slips { branch: &issued.branch.name, branch_id: issued.branch.id.as_str(), quarter: issued.quarter.to_string(), round: issued.round, codes: issued.codes.iter().map(String::as_str).collect() }
    }
}

/// Where the page is shown: the vote address its QR codes point to, the stylesheet
/// (inline in a file; linked on the web, whose CSP refuses inline styles) and the
/// page to go back to.
#[derive(Default)]
pub struct Shown<'a> {
    /// The workspace's address: the QR codes open its `/vote?branch=…&code=…`.
    pub url: Option<&'a str>,
    /// A stylesheet to link instead of the inline style.
    pub stylesheet: Option<&'a str>,
    pub back: Option<&'a str>,
    /// HTML shown on screen above the slips, never printed (the web desk's answer).
    pub above: Option<&'a str>,
}

/// The vote page of `branch` under the workspace address `url`.
pub fn vote_address(url: &str, branch: &str) -> String {
    let branch: String = form_urlencoded::byte_serialize(branch.as_bytes()).collect();
    format!("{}/vote?branch={branch}", url.trim_end_matches('/'))
}

/// What a slip's QR code holds: the branch's vote address with the code, or the code
/// alone.
pub fn qr_text(code: &str, branch: &str, url: Option<&str>) -> String {
    match url {
        Some(u) => format!("{}&code={code}", vote_address(u, branch)),
        None => code.to_owned(),
    }
}

/// A QR code as an inline SVG element.
fn qr_svg(text: &str) -> String {
    match QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let drawn = code.render::<svg::Color>().min_dimensions(150, 150).quiet_zone(true).build();
            // Inline in HTML: the element without the XML declaration.
            drawn.find("<svg").map(|i| drawn[i..].to_owned()).unwrap_or(drawn)
        }
        // A code too long for any QR version: the slip still shows the code itself.
        Err(_) => String::new(),
    }
}

/// The slips' stylesheet: A4 in print; on screen the slip a link targets fills the
/// screen, large, with its 下一张.
pub const STYLE: &str = "\
@page { size: A4; margin: 12mm; }
body { font-family: sans-serif; margin: 0; }
.screen { padding: 4mm; }
.screen a { margin-right: 1em; }
.slips { display: grid; grid-template-columns: 1fr 1fr; gap: 0; }
.slip { border: 1px dashed #888; padding: 6mm; height: 62mm; box-sizing: border-box; break-inside: avoid; display: flex; gap: 4mm; align-items: center; }
.slip .text { flex: 1; }
.slip .branch { font-size: 11pt; }
.slip .round { font-size: 10pt; color: #333; }
.slip .code { font-family: monospace; font-size: 20pt; font-weight: bold; letter-spacing: 1px; margin: 3mm 0; }
.slip .note { font-size: 8pt; color: #333; }
.slip svg { width: 34mm; height: 34mm; }
.slip .next { display: none; }
.slip:target { position: fixed; inset: 0; height: auto; z-index: 1; background: #fff; border: 0; flex-direction: column; justify-content: center; text-align: center; }
.slip:target .text { flex: none; }
.slip:target .code { font-size: 8vw; white-space: nowrap; margin: 2vh 0; }
.slip:target .branch, .slip:target .round { font-size: 4vw; }
.slip:target .note { font-size: 2.5vw; }
.slip:target svg { width: 45vmin; height: 45vmin; flex-shrink: 0; }
.slip:target .next { display: block; font-size: 5vw; margin-top: 2vh; }
@media print { .screen, .slip .next { display: none !important; } }
";

/// The page of slips.
pub fn page(slips: &Slips, shown: &Shown) -> String {
    let title = format!("{} {} 季度 第 {} 轮无记名投票 投票码", slips.branch, slips.quarter, slips.round);
    let style = match shown.stylesheet {
        Some(href) => format!("<link rel=\"stylesheet\" href=\"{}\">", Esc(href)),
        None => format!("<style>\n{STYLE}</style>"),
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n{style}\n</head>\n<body>\n",
        Esc(&title)
    );
    let back = shown.back.map(|b| format!("<a href=\"{}\">返回投票页面</a>", Esc(b))).unwrap_or_default();
    let _ = writeln!(
        out,
        "<div class=\"screen\" id=\"slips-top\"><strong>{}</strong><p>打印：用浏览器菜单的「打印」（电脑按 Ctrl+P），每页 8 条，沿虚线裁开，每位领码党员随机取一条。\
投票码只显示这一次，不保存：离开或刷新本页后不能再看到。</p><p><a id=\"show-one\" href=\"#code-1\">逐个显示</a>{back}</p></div>",
        Esc(&title)
    );
    if let Some(above) = shown.above {
        let _ = writeln!(out, "<div class=\"screen\">{above}</div>");
    }
    out.push_str("<div class=\"slips\">\n");
    let how = match shown.url {
        Some(u) => format!("扫码或打开 {} 输入投票码投票", Esc(&vote_address(u, slips.branch_id))),
        None => "凭此码在党支部的投票页面或投票终端投票".to_owned(),
    };
    let n = slips.codes.len();
    for (i, code) in slips.codes.iter().enumerate() {
        let next = if i + 1 < n {
            format!("<a class=\"next\" href=\"#code-{}\">下一张（{} / {n}）</a>", i + 2, i + 1)
        } else {
            format!("<a class=\"next\" href=\"#slips-top\">最后一张（{n} / {n}），结束显示</a>")
        };
        let _ = writeln!(
            out,
            "<div class=\"slip\" id=\"code-{}\"><div class=\"text\"><div class=\"branch\">{}</div><div class=\"round\">{} 季度 第 {} 轮无记名投票</div>\
<div class=\"code\">{}</div><div class=\"note\">{how}。此码只能投一次，不记名；请勿示人。</div></div>{}{next}</div>",
            i + 1,
            Esc(slips.branch),
            slips.quarter,
            slips.round,
            Esc(code),
            qr_svg(&qr_text(code, slips.branch_id, shown.url)),
        );
    }
    out.push_str("</div>\n</body>\n</html>\n");
    out
}
