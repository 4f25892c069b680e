//! Printable voting slips: one A4 HTML page of slips, each with the branch, the round,
//! the code large and a QR code (of the code, or of the vote address with the code),
//! drawn as SVG by the `qrcode` crate. The file holds the codes in plain text: it is
//! written only for the secretary, who prints it and hands one slip to each voter.

use crate::page::Esc;
use qrcode::render::svg;
use qrcode::QrCode;
use shine_engine::ops::ballot::IssuedCodes;
use std::fmt::Write;

/// What a slip's QR code holds: the vote address with the code, or the code alone.
pub fn qr_text(code: &str, url: Option<&str>) -> String {
    match url {
        Some(u) => format!("{}/vote?code={code}", u.trim_end_matches('/')),
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

/// The page of slips.
pub fn page(issued: &IssuedCodes, url: Option<&str>) -> String {
    let title = format!("{} {} 季度 第 {} 轮无记名投票 投票码", issued.branch.name, issued.quarter, issued.round);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
@page {{ size: A4; margin: 12mm; }}\n\
body {{ font-family: sans-serif; margin: 0; }}\n\
.slips {{ display: grid; grid-template-columns: 1fr 1fr; gap: 0; }}\n\
.slip {{ border: 1px dashed #888; padding: 6mm; height: 62mm; box-sizing: border-box; break-inside: avoid; display: flex; gap: 4mm; align-items: center; }}\n\
.slip .text {{ flex: 1; }}\n\
.slip .branch {{ font-size: 11pt; }}\n\
.slip .round {{ font-size: 10pt; color: #333; }}\n\
.slip .code {{ font-family: monospace; font-size: 20pt; font-weight: bold; letter-spacing: 1px; margin: 3mm 0; }}\n\
.slip .note {{ font-size: 8pt; color: #333; }}\n\
.slip svg {{ width: 34mm; height: 34mm; }}\n\
</style>\n</head>\n<body>\n<div class=\"slips\">\n",
        Esc(&title)
    );
    let how = match url {
        Some(u) => format!("扫码或打开 {} 输入投票码投票", Esc(u)),
        None => "凭此码投票：shine ballot vote".to_owned(),
    };
    for code in &issued.codes {
        let _ = writeln!(
            out,
            "<div class=\"slip\"><div class=\"text\"><div class=\"branch\">{}</div><div class=\"round\">{} 季度 第 {} 轮无记名投票</div>\
<div class=\"code\">{}</div><div class=\"note\">{how}。此码只能投一次，不记名；请勿示人。</div></div>{}</div>",
            Esc(&issued.branch.name),
            issued.quarter,
            issued.round,
            Esc(code),
            qr_svg(&qr_text(code, url)),
        );
    }
    out.push_str("</div>\n</body>\n</html>\n");
    out
}
