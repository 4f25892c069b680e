//! `shine overview`: where a quarter stands across the university (or under one
//! unit) — each branch's stage and each reporting unit's step of the chain.

use crate::context::Context;
use crate::failure::Result;
use crate::messages::overview::text;
use crate::render::Output;
use shine_engine::domain::Quarter;

pub fn run(ctx: &Context, unit: Option<&str>, quarter: Option<&str>) -> Result<Output> {
    let shine = ctx.shine()?;
    let quarter = match quarter {
        Some(q) => ctx.quarter(q)?,
        None => Quarter::of(ctx.today()),
    };
    let o = shine.overview(unit, quarter, ctx.today())?;
    Ok(Output::new(text(&o), o))
}
