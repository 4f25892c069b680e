//! `shine export certificate`: a member's 《党员“闪光言行”登记证》 — one page per quarter
//! of their branch: the deeds with date, kind (五带头) and form, the emphasis for their
//! category, attendance and presentation at the special meeting, the secretary's
//! comment and who confirmed it, and the quarter's result with the levels above.

use super::document::{Block, Cell, Field, Page, Table};
use super::{Document, Export};
use crate::command::certificate::{disclosed, result};
use crate::command::member::upward;
use crate::context::Context;
use crate::failure::Result;
use crate::messages::readback::{comment, emphasis, label};

pub fn build(ctx: &Context, member: &str, quarter: Option<&str>) -> Result<Export> {
    let engine = ctx.engine()?;
    let quarter = ctx.quarter_opt(quarter)?;
    let c = disclosed(ctx, engine.archive().certificate(engine.current(), member, quarter, ctx.today())?, engine.current())?;
    let h = &c.history;
    let title = "党员“闪光言行”登记证".to_owned();
    let heading = vec![
        Field::new("姓名：", format!("{}　　编号：{}", h.member.name, h.member.id)),
        Field::new("党员身份：", h.member.identity.clone()),
        Field::new("所在党支部：", h.branch.name.clone()),
    ];
    let mut pages = Vec::new();
    for q in &h.quarters {
        let mut page = Page::new(format!("{} {}", q.quarter, h.member.name), title.clone());
        page.heading = heading.clone();
        page.heading.push(Field::new("季度：", format!("{}（{}）", q.quarter, q.state.title)));
        let r = &q.register;
        if let Some(e) = &r.emphasis {
            page.blocks.push(Block::Fields(vec![Field::new("本类党员闪光言行的重点", emphasis(e))]));
        }
        page.blocks.push(Block::Heading("一、本季度践行“五带头”的闪光言行".into()));
        if r.deeds.is_empty() {
            let why = r.no_deed_reason.as_ref().map(|w| format!("未登记（理由：{w}）")).unwrap_or_else(|| "未登记".into());
            page.blocks.push(Block::Text(why));
        } else {
            let mut t = Table::new(&[("序号", 6.0), ("日期", 12.0), ("类别", 14.0), ("形式", 14.0), ("内容", 48.0)]);
            for d in &r.deeds {
                let form = d.form.as_ref().map(label).unwrap_or_default();
                t.row(vec![Cell::from(i64::from(d.number)), d.date.into(), label(&d.kind).into(), form.into(), d.text.as_str().into()]);
            }
            page.blocks.push(Block::Table(t));
        }
        page.blocks.push(Block::Heading("二、专题组织生活会".into()));
        let attended = r.attendance.as_ref().map(label).unwrap_or("未登记").to_owned();
        let presented = if r.presented { "已作介绍交流" } else { "未作介绍交流" };
        page.blocks.push(Block::Fields(vec![Field::new("出席情况", attended), Field::new("介绍交流", presented)]));
        page.blocks.push(Block::Heading("三、党支部点评确认".into()));
        page.blocks.push(Block::Text(r.comment.as_ref().map(comment).unwrap_or_else(|| "尚未点评".into())));
        page.blocks.push(Block::Heading("四、评选结果".into()));
        let mut result_fields = vec![Field::new("本季度", result(q))];
        if !q.upward.is_empty() {
            result_fields.push(Field::new("逐级推荐", upward(q).replace('\n', "；")));
        }
        page.blocks.push(Block::Fields(result_fields));
        page.signatures = vec!["党支部书记（签字）：".into()];
        pages.push(page);
    }
    if pages.is_empty() {
        let mut page = Page::new(h.member.name.clone(), title.clone());
        page.heading = heading;
        page.blocks.push(Block::Text("所在支部还没有开启过季度评选，登记证暂无记录。".into()));
        pages.push(page);
    }
    let summary = format!("{}（{}）的《{title}》（{} 个季度）", h.member.name, h.member.id, h.quarters.len());
    Ok(Export { doc: Document { title: format!("{title} {}", h.member.name), pages }, summary })
}
