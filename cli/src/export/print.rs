//! A [`Document`] as a print-ready A4 HTML page: each page of the document a printed
//! form (a new sheet of paper), the title centred, the heading lines, bordered tables
//! whose header repeats on every sheet, notes, the places to sign and a box left empty
//! for the stamp. Song typefaces first, as Party offices print. Opened in a browser it
//! prints as it is (Ctrl+P); headless Chromium prints it to PDF in the tests.

use super::document::{Block, Cell, Document, Page, Table};
use crate::page::Esc;
use std::fmt::Write;

/// The page's stylesheet: inline in a file; the web workspace, whose CSP refuses
/// inline styles, serves it at its own address and links it.
pub const STYLE: &str = r#"@page { size: A4; margin: 16mm 14mm; }
@page landscape { size: A4 landscape; }
body { font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", serif; font-size: 11pt; color: #000; margin: 0; }
.form { page-break-after: always; break-after: page; padding: 0; }
.form:last-child { page-break-after: auto; break-after: auto; }
.form.landscape { page: landscape; }
h1 { font-size: 17pt; text-align: center; margin: 0 0 6mm; font-weight: bold; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; page-break-after: avoid; break-after: avoid; }
.heading p, .fields p { margin: 1mm 0; }
.text { margin: 1mm 0; white-space: pre-wrap; }
table { border-collapse: collapse; margin: 2mm 0 3mm; page-break-inside: auto; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
th, td { border: 0.75pt solid #000; padding: 1.2mm 1.5mm; vertical-align: middle; overflow-wrap: anywhere; white-space: pre-line; }
th { font-weight: bold; text-align: center; }
td.n, td.d { text-align: center; white-space: nowrap; }
tfoot td { font-weight: bold; }
.notes { font-size: 10pt; margin-top: 3mm; }
.notes p { margin: 0.5mm 0; }
.sign { margin-top: 6mm; }
.sign p { margin: 3mm 0; }
.stamp { margin: 8mm 0 0 auto; width: 60mm; text-align: center; }
.stamp .room { height: 40mm; border: 0.75pt dashed #999; }
.stamp p { margin: 2mm 0; }
@media screen { body { background: #eee; } .form { background: #fff; width: 182mm; margin: 8mm auto; padding: 16mm 14mm; box-shadow: 0 0 3mm #aaa; } .form.landscape { width: 269mm; } .stamp .room { border-color: #bbb; } }
@media print { .stamp .room { border: none; } }
"#;

/// The page's HTML; `stylesheet`: link this address instead of the inline style.
pub fn write(doc: &Document, stylesheet: Option<&str>) -> String {
    let style = match stylesheet {
        Some(href) => format!("<link rel=\"stylesheet\" href=\"{}\">", Esc(href)),
        None => format!("<style>\n{STYLE}</style>"),
    };
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n{style}\n</head>\n<body>\n",
        Esc(&doc.title)
    );
    for page in &doc.pages {
        write_page(&mut h, page);
    }
    h.push_str("</body>\n</html>\n");
    h
}

fn write_page(h: &mut String, page: &Page) {
    let class = if page.landscape { "form landscape" } else { "form" };
    let _ = writeln!(h, "<section class=\"{class}\">\n<h1>{}</h1>", Esc(&page.title));
    if !page.heading.is_empty() {
        h.push_str("<div class=\"heading\">\n");
        for f in &page.heading {
            let _ = writeln!(h, "<p>{}{}</p>", Esc(&f.label), Esc(&f.value));
        }
        h.push_str("</div>\n");
    }
    for block in &page.blocks {
        match block {
            Block::Heading(t) => {
                let _ = writeln!(h, "<h2>{}</h2>", Esc(t));
            }
            Block::Fields(fields) => {
                h.push_str("<div class=\"fields\">\n");
                for f in fields {
                    let _ = writeln!(h, "<p>{}：{}</p>", Esc(&f.label), Esc(&f.value));
                }
                h.push_str("</div>\n");
            }
            Block::Text(t) => {
                let _ = writeln!(h, "<p class=\"text\">{}</p>", Esc(t));
            }
            Block::Table(t) => write_table(h, t, page.landscape),
        }
    }
    if !page.notes.is_empty() {
        h.push_str("<div class=\"notes\">\n");
        for n in &page.notes {
            let _ = writeln!(h, "<p>{}</p>", Esc(n));
        }
        h.push_str("</div>\n");
    }
    if !page.signatures.is_empty() {
        h.push_str("<div class=\"sign\">\n");
        for s in &page.signatures {
            let _ = writeln!(h, "<p>{}</p>", Esc(s));
        }
        h.push_str("</div>\n");
    }
    if page.stamp {
        h.push_str("<div class=\"stamp\"><div class=\"room\"></div><p>（盖章）</p><p>年　　月　　日</p></div>\n");
    }
    h.push_str("</section>\n");
}

fn write_table(h: &mut String, t: &Table, landscape: bool) {
    let total: f64 = t.columns.iter().map(|c| c.width).sum::<f64>().max(1.0);
    // A narrow table keeps its widths rather than stretching across the sheet; a line
    // of the page holds about 100 width units upright, 150 across.
    let line = if landscape { 150.0 } else { 100.0 };
    let _ = write!(h, "<table width=\"{:.0}%\">\n<colgroup>", (total * 100.0 / line).min(100.0));
    for c in &t.columns {
        // The `width` attribute, not a style: the web workspace's CSP refuses inline styles.
        let _ = write!(h, "<col width=\"{:.1}%\">", c.width * 100.0 / total);
    }
    h.push_str("</colgroup>\n<thead><tr>");
    for c in &t.columns {
        let _ = write!(h, "<th>{}</th>", Esc(&c.title));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        write_row(h, row);
    }
    h.push_str("</tbody>\n");
    if let Some(totals) = &t.totals {
        h.push_str("<tfoot>\n");
        write_row(h, totals);
        h.push_str("</tfoot>\n");
    }
    h.push_str("</table>\n");
}

fn write_row(h: &mut String, cells: &[Cell]) {
    h.push_str("<tr>");
    for c in cells {
        let class = match c {
            Cell::Number(_) | Cell::Share(_) => " class=\"n\"",
            Cell::Date(_) => " class=\"d\"",
            Cell::Text(_) | Cell::Empty => "",
        };
        let _ = write!(h, "<td{class}>{}</td>", Esc(&c.shown()));
    }
    h.push_str("</tr>\n");
}
