//! A [`Document`] as an Excel/WPS workbook (rust_xlsxwriter): one worksheet per page,
//! laid out to print on A4 as the HTML page does — the title merged across the table,
//! the heading lines, bordered tables whose header row repeats on every printed sheet,
//! numbers kept as numbers and dates as dates, notes, signatures and room for the stamp.

use super::document::{sheet_name, Block, Cell, Document, Page, Table};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

/// The typeface Chinese offices print forms in; WPS and Excel substitute their own
/// Song face where it is missing.
const FONT: &str = "宋体";
/// A4 in Excel's list of paper sizes.
const A4: u8 = 9;

/// The workbook's bytes.
pub fn write(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    book.set_properties(&DocProperties::new().set_title(&doc.title));
    let styles = Styles::new();
    let mut taken = Vec::new();
    for page in &doc.pages {
        let name = sheet_name(&page.name, &taken);
        let sheet = book.add_worksheet();
        sheet.set_name(&name)?;
        taken.push(name);
        write_page(sheet, page, &styles)?;
    }
    book.save_to_buffer()
}

struct Styles {
    title: Format,
    heading: Format,
    label: Format,
    text: Format,
    header: Format,
    cell: Format,
    number: Format,
    share: Format,
    date: Format,
    total: Format,
    note: Format,
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new().set_font_name(FONT).set_font_size(11);
        let boxed = base.clone().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter).set_text_wrap();
        Styles {
            title: base.clone().set_font_size(16).set_bold().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter),
            heading: base.clone().set_bold(),
            label: base.clone(),
            text: base.clone().set_text_wrap().set_align(FormatAlign::Top),
            header: boxed.clone().set_bold().set_align(FormatAlign::Center),
            cell: boxed.clone(),
            number: boxed.clone().set_align(FormatAlign::Center),
            share: boxed.clone().set_align(FormatAlign::Center).set_num_format("0.0%"),
            date: boxed.clone().set_align(FormatAlign::Center).set_num_format("yyyy-mm-dd"),
            total: boxed.set_bold(),
            note: base.set_font_size(10).set_text_wrap(),
        }
    }
}

fn write_page(sheet: &mut Worksheet, page: &Page, s: &Styles) -> Result<(), XlsxError> {
    let width = page.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t.columns.len()) } else { None }).max().unwrap_or(1).max(2);
    let last_col = u16::try_from(width - 1).unwrap_or(u16::MAX);
    set_widths(sheet, page, width)?;
    sheet.set_paper_size(A4).set_print_center_horizontally(true).set_margins(0.6, 0.6, 0.7, 0.7, 0.3, 0.3);
    if page.landscape {
        sheet.set_landscape();
    }
    sheet.set_print_fit_to_pages(1, 0);
    let mut row: u32 = 0;
    sheet.set_row_height(row, 30)?;
    sheet.merge_range(row, 0, row, last_col, &page.title, &s.title)?;
    row += 2;
    for f in &page.heading {
        line(sheet, row, last_col, &format!("{}{}", f.label, f.value), &s.label)?;
        row += 1;
    }
    let mut first_header = None;
    for block in &page.blocks {
        match block {
            Block::Heading(h) => {
                row += 1;
                line(sheet, row, last_col, h, &s.heading)?;
                row += 1;
            }
            Block::Fields(fields) => {
                for f in fields {
                    line(sheet, row, last_col, &format!("{}：{}", f.label, f.value), &s.label)?;
                    row += 1;
                }
            }
            Block::Text(t) => {
                let lines = t.chars().count() / (width * 6).max(1) + t.lines().count();
                sheet.set_row_height(row, 15.0 * lines.max(1) as f64)?;
                line(sheet, row, last_col, t, &s.text)?;
                row += 1;
            }
            Block::Table(t) => {
                first_header.get_or_insert(row);
                row = table(sheet, row, t, s)?;
            }
        }
    }
    // A single table's header repeats on every printed sheet.
    if let (Some(h), 1) = (first_header, page.blocks.iter().filter(|b| matches!(b, Block::Table(_))).count()) {
        sheet.set_repeat_rows(h, h)?;
    }
    row += 1;
    for n in &page.notes {
        line(sheet, row, last_col, n, &s.note)?;
        row += 1;
    }
    for sig in &page.signatures {
        row += 1;
        line(sheet, row, last_col, sig, &s.label)?;
    }
    if page.stamp {
        // Room for the stamp: three empty rows, then where it goes.
        row += 4;
        sheet.merge_range(row, 0, row, last_col, "（盖章）", &s.label.clone().set_align(FormatAlign::Right))?;
        row += 1;
        sheet.merge_range(row, 0, row, last_col, "年    月    日", &s.label.clone().set_align(FormatAlign::Right))?;
    }
    Ok(())
}

/// One line of text across the page's columns.
fn line(sheet: &mut Worksheet, row: u32, last_col: u16, text: &str, format: &Format) -> Result<(), XlsxError> {
    let text = within_a_cell(text);
    let text = text.as_ref();
    if last_col == 0 {
        sheet.write_string_with_format(row, 0, text, format)?;
    } else {
        sheet.merge_range(row, 0, row, last_col, text, format)?;
    }
    Ok(())
}

/// Column widths: the widest wanted by any table in each column.
fn set_widths(sheet: &mut Worksheet, page: &Page, width: usize) -> Result<(), XlsxError> {
    for c in 0..width {
        let w = page
            .blocks
            .iter()
            .filter_map(|b| if let Block::Table(t) = b { t.columns.get(c).map(|col| col.width) } else { None })
            .fold(8.0_f64, f64::max);
        sheet.set_column_width(u16::try_from(c).unwrap_or(u16::MAX), w)?;
    }
    Ok(())
}

fn table(sheet: &mut Worksheet, mut row: u32, t: &Table, s: &Styles) -> Result<u32, XlsxError> {
    for (c, col) in t.columns.iter().enumerate() {
        sheet.write_string_with_format(row, col_num(c), &col.title, &s.header)?;
    }
    row += 1;
    for cells in &t.rows {
        for (c, cell) in cells.iter().enumerate() {
            write_cell(sheet, row, col_num(c), cell, s, false)?;
        }
        row += 1;
    }
    if let Some(cells) = &t.totals {
        for (c, cell) in cells.iter().enumerate() {
            write_cell(sheet, row, col_num(c), cell, s, true)?;
        }
        row += 1;
    }
    Ok(row + 1)
}

fn write_cell(sheet: &mut Worksheet, row: u32, col: u16, cell: &Cell, s: &Styles, total: bool) -> Result<(), XlsxError> {
    let text_format = if total { &s.total } else { &s.cell };
    match cell {
        Cell::Text(t) => sheet.write_string_with_format(row, col, within_a_cell(t).as_ref(), text_format)?,
        Cell::Number(n) => sheet.write_number_with_format(row, col, *n as f64, if total { &s.total } else { &s.number })?,
        Cell::Share(x) => sheet.write_number_with_format(row, col, *x, &s.share)?,
        Cell::Date(d) => {
            use chrono::Datelike;
            let (y, m, dd) = (u16::try_from(d.year()).unwrap_or(1900), d.month() as u8, d.day() as u8);
            sheet.write_datetime_with_format(row, col, ExcelDateTime::from_ymd(y, m, dd)?, &s.date)?
        }
        Cell::Empty => sheet.write_blank(row, col, text_format)?,
    };
    Ok(())
}

/// Excel and WPS keep at most 32,767 characters in a cell: a longer text is cut there
/// and says so (the printed page keeps it whole).
fn within_a_cell(text: &str) -> std::borrow::Cow<'_, str> {
    const MOST: usize = 32_767;
    const CUT: &str = "……（超出表格单元格的长度上限，全文见 .html 打印页）";
    if text.chars().count() <= MOST {
        return std::borrow::Cow::Borrowed(text);
    }
    let kept: String = text.chars().take(MOST - CUT.chars().count()).collect();
    std::borrow::Cow::Owned(kept + CUT)
}

fn col_num(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::within_a_cell;

    #[test]
    fn a_text_longer_than_a_cell_holds_is_cut_at_the_limit_and_says_so() {
        let long = "党".repeat(40_000);
        let cut = within_a_cell(&long);
        assert_eq!(cut.chars().count(), 32_767);
        assert!(cut.ends_with("全文见 .html 打印页）"));
        assert_eq!(within_a_cell("郭𠮷"), "郭𠮷");
    }
}
