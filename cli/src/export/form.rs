//! `shine export form`: the notice's Annex, 《基层党组织党员“闪光言行之星”登记表》, laid
//! out as the notice lays it out — the title, 填报单位党组织（盖章） with room for the
//! stamp, and 序号, 党员姓名, 党员身份 — for one reporting unit and quarter, or, without
//! `--unit`, the university's roll-up for the Organization Department's filing (§4.2.b):
//! a list of every unit's stars, then each unit's own form. 党员身份 is printed as the
//! rules' `annex` items say (never a value the form does not take); the rule that
//! mapped a value, and the branches whose result is not in yet, are in the notes.

use super::document::{Block, Cell, Field, Page, Table};
use super::{Document, Export};
use crate::context::Context;
use crate::failure::Result;
use crate::messages::overview::stage;
use crate::messages::readback::label;
use crate::messages::words::cited;
use shine_engine::ops::forms::{FormRow, RegistrationForm};

const TITLE: &str = "基层党组织党员“闪光言行之星”登记表";

pub fn build(ctx: &Context, unit: Option<&str>, quarter: &str) -> Result<Export> {
    let shine = ctx.shine()?;
    let quarter = ctx.quarter(quarter)?;
    match unit {
        Some(unit) => {
            let form = shine.registration_form(unit, quarter, ctx.today())?;
            let summary = format!("「{}」{quarter} 季度的《{TITLE}》（{} 名）", form.unit.name, form.rows.len());
            Ok(Export { doc: Document { title: format!("{TITLE} {} {quarter}", form.unit.name), pages: vec![unit_page(&form)] }, summary })
        }
        None => {
            let all = shine.registration_roll_up(quarter, ctx.today())?;
            let mut list = Page::new("全校汇总", format!("{TITLE}（全校汇总）"));
            list.heading = vec![Field::new("汇总单位：", format!("{}（报党委组织部备案，§4.2.b）", all.top.name)), Field::new("评选季度：", quarter.to_string())];
            let mut t = Table::new(&[("序号", 6.0), ("填报单位", 30.0), ("党员姓名", 16.0), ("党员身份", 14.0)]);
            let mut serial: usize = 0;
            for form in &all.forms {
                for row in &form.rows {
                    serial += 1;
                    t.row(vec![Cell::from(serial), form.unit.name.as_str().into(), row.member.name.as_str().into(), printed(row).into()]);
                }
            }
            list.blocks.push(Block::Table(t));
            // Each unit's notes once: the forms share the column's note and the mappings.
            for note in all.forms.iter().flat_map(notes) {
                if !list.notes.contains(&note) {
                    list.notes.push(note);
                }
            }
            list.notes.extend(all.forms.iter().filter_map(pending));
            list.signatures = vec![SIGNED.into()];
            list.stamp = true;
            let mut pages = vec![list];
            pages.extend(all.forms.iter().map(unit_page));
            let summary = format!("「{}」{quarter} 季度的《{TITLE}》全校汇总（{} 个单位，{} 名）", all.top.name, all.forms.len(), all.stars());
            Ok(Export { doc: Document { title: format!("{TITLE} 全校汇总 {quarter}"), pages }, summary })
        }
    }
}

const SIGNED: &str = "填表人：　　　　　　　　联系电话：　　　　　　　　填报日期：　　　　年　　月　　日";

/// One unit's form.
fn unit_page(form: &RegistrationForm) -> Page {
    let mut page = Page::new(form.unit.name.clone(), TITLE);
    page.heading = vec![Field::new("填报单位党组织（盖章）：", form.unit.name.clone()), Field::new("评选季度：", form.quarter.to_string())];
    let mut t = Table::new(&[("序号", 10.0), ("党员姓名", 40.0), ("党员身份", 40.0)]);
    for row in &form.rows {
        t.row(vec![Cell::from(row.serial), row.member.name.as_str().into(), printed(row).into()]);
    }
    if form.rows.is_empty() {
        page.blocks.push(Block::Text("本季度尚无已报送的“闪光言行之星”。".into()));
    }
    page.blocks.push(Block::Table(t));
    page.notes = notes(form);
    page.notes.extend(pending(form));
    page.signatures = vec![SIGNED.into()];
    page.stamp = true;
    page
}

/// 党员身份 as the form prints it; a value the rules in force give no place on the form
/// (a variant since removed) is not printed raw: the note says why it is blank.
fn printed(row: &FormRow) -> String {
    row.on_form.as_ref().map(|v| v.printed.label.clone().unwrap_or_else(|| v.printed.name.clone())).unwrap_or_default()
}

/// The form's own note (the notice's words for the column), then each mapping used,
/// with whose rule it is, and any identity left blank.
fn notes(form: &RegistrationForm) -> Vec<String> {
    let mut notes: Vec<String> = form.column.iter().map(|c| format!("备注：{}。（{}）", c.text, cited(&c.clause, &c.attribution))).collect();
    let mut used: Vec<String> = Vec::new();
    for row in &form.rows {
        if let Some(rule) = row.on_form.as_ref().and_then(|v| v.mapped_by.as_ref()) {
            let line = format!("“党员身份”为{}的党员填“{}”：{}（{}）", rule.variants.join("、"), rule.printed_as.as_deref().unwrap_or_default(), rule.text, cited(&rule.clause, &rule.attribution));
            if !used.contains(&line) {
                used.push(line);
            }
        }
    }
    notes.extend(used);
    let blank: Vec<String> = form.rows.iter().filter(|r| r.on_form.is_none()).map(|r| format!("{}（{}）", r.member.name, label(&r.identity))).collect();
    if !blank.is_empty() {
        notes.push(format!("以下党员登记的身份在现行规则中没有对应的填法，“党员身份”一栏空着，请按规则（rules/ 中的 annex）补充后重新导出：{}", blank.join("、")));
    }
    notes
}

/// The branches whose result is not in: their stars are not on the form.
fn pending(form: &RegistrationForm) -> Option<String> {
    if form.complete() {
        return None;
    }
    let list: Vec<String> = form.pending.iter().map(|p| format!("{}（{}）", p.branch.name, stage(p.stage))).collect();
    Some(format!("注意：{}下列党支部的评选结果尚未报送，本表不含其“闪光言行之星”：{}", form.unit.name, list.join("、")))
}
