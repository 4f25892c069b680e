//! The public display pages (§4.3.c) as plain HTML. A minimal placeholder: the
//! rendered pages come from the page work and replace this file.

use shine_engine::chain::Display;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn document(title: &str, body: &str) -> String {
    format!("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>{body}</body></html>", escape(title))
}

fn quarter_links(quarters: &[String]) -> String {
    let items: String = quarters.iter().map(|q| format!("<li><a href=\"/display/{0}\">{0}</a></li>", escape(q))).collect();
    format!("<ul>{items}</ul>")
}

/// The published stars of one quarter whose objection window has closed.
pub fn quarter_page(display: &Display, quarters: &[String]) -> String {
    let title = format!("{} {} 季度党员“闪光言行之星”", display.unit.name, display.quarter);
    let stars: String = display
        .stars
        .iter()
        .map(|s| {
            let branch = s.branch().map(|b| b.name.as_str()).unwrap_or("");
            format!("<li>{}（{}）</li>", escape(&s.member.name), escape(branch))
        })
        .collect();
    let body = if stars.is_empty() { "<p>暂无公布的名单</p>".to_owned() } else { format!("<ul>{stars}</ul>") };
    document(&title, &format!("<h1>{}</h1>{body}<h2>其他季度</h2>{}", escape(&title), quarter_links(quarters)))
}

/// The list of quarters with a display.
pub fn index_page(title: &str, quarters: &[String]) -> String {
    document(title, &format!("<h1>{}</h1>{}", escape(title), quarter_links(quarters)))
}
