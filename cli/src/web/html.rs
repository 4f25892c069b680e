//! The HTML of the workspace's pages: escaping, the one layout (viewport meta, the
//! served stylesheet, one column on a phone), forms with their CSRF field, and the
//! blocks that show what a command printed. No script: the pages work without it.

use std::fmt::Write as _;

/// Text made safe inside HTML (elements and quoted attributes).
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The stylesheet of every page (served at [`super::STYLE`]): one column, readable on
/// a phone, a wider page on a desk.
pub const STYLE: &str = "\
*{box-sizing:border-box}
body{margin:0;font:16px/1.6 system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#222;background:#f6f4f0}
header{background:#b71c1c;color:#fff;padding:.6em 1em}
header a{color:#fff}
header .who{font-size:.9em;opacity:.9}
main{max-width:860px;margin:0 auto;padding:1em}
nav{display:flex;flex-wrap:wrap;gap:.4em;margin:.5em 0 1em}
nav a{background:#fff;border:1px solid #ddd;border-radius:4px;padding:.3em .7em;text-decoration:none;color:#b71c1c}
section{background:#fff;border:1px solid #e3ded6;border-radius:6px;padding:1em;margin:0 0 1em}
h1{font-size:1.3em;margin:.2em 0 .6em}
h2{font-size:1.1em;margin:.2em 0 .6em}
label{display:block;margin:.6em 0 .2em;font-weight:600}
input[type=text],input[type=password],input[type=date],select,textarea{width:100%;padding:.5em;font:inherit;border:1px solid #bbb;border-radius:4px}
textarea{min-height:6em}
.check{display:flex;flex-wrap:wrap;gap:.3em 1em}
.check label{font-weight:normal;margin:0}
button{margin-top:.8em;padding:.55em 1.3em;font:inherit;background:#b71c1c;color:#fff;border:0;border-radius:4px}
button.plain{background:#fff;color:#b71c1c;border:1px solid #b71c1c}
pre.out{white-space:pre-wrap;overflow-wrap:anywhere;background:#fbfaf7;border:1px solid #eee;padding:.7em;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace}
pre.table{white-space:pre;overflow-x:auto}
.done{border-left:4px solid #2e7d32}
.refused{border-left:4px solid #b71c1c}
.hint{color:#555;font-size:.9em}
.tally{font-size:3em;font-weight:700;text-align:center;margin:.3em 0}
@media (max-width:600px){main{padding:.5em}section{padding:.7em}pre.out{font-size:13px}}
";

/// A whole page: `who` is the signed-in person's line in the header (none on the
/// sign-in page), `nav` the links of their role.
pub fn page(title: &str, who: Option<&str>, nav: &[(&str, &str)], body: &str) -> String {
    let mut links = String::new();
    for (href, text) in nav {
        let _ = write!(links, "<a href=\"{}\">{}</a>", esc(href), esc(text));
    }
    let nav = if links.is_empty() { String::new() } else { format!("<nav>{links}</nav>") };
    let who = who.map(|w| format!("<div class=\"who\">{}</div>", esc(w))).unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{t} · 闪光言行之星工作台</title><link rel=\"stylesheet\" href=\"{style}\"></head>\
<body><header><a href=\"{home}\">闪光言行之星工作台</a>{who}</header><main>{nav}<h1>{t}</h1>{body}</main></body></html>\n",
        t = esc(title),
        style = super::STYLE,
        home = super::HOME,
    )
}

/// A form posting to `action`, with the session's CSRF token in a hidden field; `id`
/// names it for browser tests.
pub fn form(id: &str, action: &str, csrf: &str, fields: &str, button: &str) -> String {
    format!(
        "<form id=\"{}\" method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"{}\" value=\"{}\">{fields}<button type=\"submit\">{}</button></form>",
        esc(id),
        esc(action),
        super::csrf::FIELD,
        esc(csrf),
        esc(button)
    )
}

pub fn text_input(name: &str, label: &str, value: &str, hint: &str) -> String {
    let hint = if hint.is_empty() { String::new() } else { format!(" placeholder=\"{}\"", esc(hint)) };
    format!("<label for=\"{n}\">{}</label><input type=\"text\" id=\"{n}\" name=\"{n}\" value=\"{}\"{hint}>", esc(label), esc(value), n = esc(name))
}

pub fn textarea(name: &str, label: &str) -> String {
    format!("<label for=\"{n}\">{}</label><textarea id=\"{n}\" name=\"{n}\"></textarea>", esc(label), n = esc(name))
}

pub fn date_input(name: &str, label: &str) -> String {
    format!("<label for=\"{n}\">{}</label><input type=\"date\" id=\"{n}\" name=\"{n}\">", esc(label), n = esc(name))
}

/// A drop-down of `(value, shown)` options; `blank` adds an empty first choice.
pub fn select(name: &str, label: &str, options: &[(String, String)], blank: Option<&str>) -> String {
    let mut out = format!("<label for=\"{n}\">{}</label><select id=\"{n}\" name=\"{n}\">", esc(label), n = esc(name));
    if let Some(b) = blank {
        let _ = write!(out, "<option value=\"\">{}</option>", esc(b));
    }
    for (value, shown) in options {
        let _ = write!(out, "<option value=\"{}\">{}</option>", esc(value), esc(shown));
    }
    out.push_str("</select>");
    out
}

/// Check boxes, one per `(value, shown)`, all under one `name`.
pub fn checks(name: &str, label: &str, options: &[(String, String)]) -> String {
    let mut out = format!("<label>{}</label><div class=\"check\">", esc(label));
    for (i, (value, shown)) in options.iter().enumerate() {
        let _ = write!(
            out,
            "<label><input type=\"checkbox\" id=\"{n}-{i}\" name=\"{n}\" value=\"{}\"> {}</label>",
            esc(value),
            esc(shown),
            n = esc(name)
        );
    }
    out.push_str("</div>");
    out
}

/// What a command printed for people, in a block that wraps on a phone (a table
/// scrolls sideways instead of breaking its lines).
pub fn printed(text: &str) -> String {
    let class = if text.contains('┌') || text.contains('│') { "out table" } else { "out" };
    format!("<pre class=\"{class}\">{}</pre>", esc(text.trim_end()))
}

/// A section with a heading.
pub fn section(id: &str, heading: &str, body: &str) -> String {
    format!("<section id=\"{}\"><h2>{}</h2>{body}</section>", esc(id), esc(heading))
}
