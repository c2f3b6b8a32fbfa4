//! Loops 2300 and 2400 of the 837P: one claim and its service lines, checked field by
//! field against the limits of the guide (50 lines, 12 diagnoses, 4 pointers, 4 modifiers).

use super::amount::format_amount;
use super::claim::{Claim, Frequency, Line};
use super::error::{Problem, X12Error};
use super::validate::{self as v, text};
use super::write_837::{composite, Ctx, Out};
use iop_domain::Cents;

pub(super) fn claim(out: &mut Out, i: usize, c: &Claim) -> Result<(), X12Error> {
    let ctx = Ctx(format!("claims[{i}] ({})", c.claim_id.trim()));
    let id = v::id(&c.claim_id, 20).map_err(ctx.at("claim_id"))?;
    if c.lines.is_empty() {
        return ctx.fail("lines", Problem::NoLines);
    }
    if c.lines.len() > 50 {
        return ctx.fail("lines", Problem::TooManyLines(c.lines.len()));
    }
    if c.diagnoses.is_empty() {
        return ctx.fail("diagnoses", Problem::NoDiagnoses);
    }
    if c.diagnoses.len() > 12 {
        return ctx.fail("diagnoses", Problem::TooManyDiagnoses(c.diagnoses.len()));
    }
    let pos = v::place_of_service(&c.place_of_service).map_err(ctx.at("place_of_service"))?;
    let mut total = Cents(0);
    for (n, l) in c.lines.iter().enumerate() {
        total = total
            .checked_add(l.charge)
            .ok_or_else(|| ctx.at(&format!("lines[{n}].charge"))(Problem::TotalOverflow))?;
    }
    let freq = composite(&[&pos, "B", c.frequency.as_str()]);
    out.seg(&[
        "CLM",
        &id,
        &format_amount(total),
        "",
        "",
        &freq,
        "Y",
        "A",
        "Y",
        "Y",
    ]);
    if let Some(auth) = &c.prior_authorization {
        let auth = v::id(auth, 50).map_err(ctx.at("prior_authorization"))?;
        out.seg(&["REF", "G1", &auth]);
    }
    if let Frequency::Replacement { payer_claim_number } | Frequency::Void { payer_claim_number } =
        &c.frequency
    {
        let n = v::id(payer_claim_number, 50).map_err(ctx.at("frequency.payer_claim_number"))?;
        out.seg(&["REF", "F8", &n]);
    }
    let mut hi = vec!["HI".to_string()];
    for (n, d) in c.diagnoses.iter().enumerate() {
        let code = v::diagnosis(d).map_err(ctx.at(&format!("diagnoses[{n}]")))?;
        hi.push(composite(&[if n == 0 { "ABK" } else { "ABF" }, &code]));
    }
    out.seg(&hi.iter().map(String::as_str).collect::<Vec<_>>());
    if let Some(r) = &c.rendering_provider {
        let rc = ctx.sub("rendering_provider");
        let last = text(&r.last, 60).map_err(rc.at("last"))?;
        let first = v::optional_text(&r.first, 35).map_err(rc.at("first"))?;
        let npi = v::npi(&r.npi).map_err(rc.at("npi"))?;
        out.seg(&["NM1", "82", "1", &last, &first, "", "", "", "XX", &npi]);
        if let Some(t) = &r.taxonomy {
            let t = v::taxonomy(t).map_err(rc.at("taxonomy"))?;
            out.seg(&["PRV", "PE", "PXC", &t]);
        }
    }
    for (n, l) in c.lines.iter().enumerate() {
        line(
            out,
            n,
            l,
            &pos,
            c.diagnoses.len(),
            &ctx.sub(&format!("lines[{n}]")),
        )?;
    }
    Ok(())
}

fn line(
    out: &mut Out,
    n: usize,
    l: &Line,
    claim_pos: &str,
    diagnoses: usize,
    ctx: &Ctx,
) -> Result<(), X12Error> {
    let code = v::procedure(&l.procedure_code).map_err(ctx.at("procedure_code"))?;
    if l.modifiers.len() > 4 {
        return ctx.fail("modifiers", Problem::TooManyModifiers(l.modifiers.len()));
    }
    let mut service = vec!["HC".to_string(), code];
    for (m, raw) in l.modifiers.iter().enumerate() {
        service.push(v::modifier(raw).map_err(ctx.at(&format!("modifiers[{m}]")))?);
    }
    if l.charge < Cents(0) {
        return ctx.fail("charge", Problem::NegativeCharge);
    }
    if l.units == 0 {
        return ctx.fail("units", Problem::ZeroUnits);
    }
    if !(1..=4).contains(&l.diagnosis_pointers.len()) {
        return ctx.fail(
            "diagnosis_pointers",
            Problem::PointerCount(l.diagnosis_pointers.len()),
        );
    }
    let mut pointers = Vec::new();
    for (k, &p) in l.diagnosis_pointers.iter().enumerate() {
        if p == 0 || usize::from(p) > diagnoses {
            return ctx.fail(
                "diagnosis_pointers",
                Problem::PointerOutOfRange {
                    pointer: p,
                    diagnoses,
                },
            );
        }
        if l.diagnosis_pointers[..k].contains(&p) {
            return ctx.fail(
                "diagnosis_pointers",
                Problem::Shape {
                    expected: "distinct diagnosis pointers",
                },
            );
        }
        pointers.push(p.to_string());
    }
    let pos = match &l.place_of_service {
        Some(p) => v::place_of_service(p).map_err(ctx.at("place_of_service"))?,
        None => String::new(),
    };
    // SV105 only when it differs from CLM05-1: the guide forbids repeating it.
    let pos = if pos == claim_pos { String::new() } else { pos };
    let date = v::date(l.date).map_err(ctx.at("date"))?;
    out.seg(&["LX", &(n + 1).to_string()]);
    let service: Vec<&str> = service.iter().map(String::as_str).collect();
    let pointers: Vec<&str> = pointers.iter().map(String::as_str).collect();
    out.seg(&[
        "SV1",
        &composite(&service),
        &format_amount(l.charge),
        "UN",
        &l.units.to_string(),
        &pos,
        "",
        &composite(&pointers),
    ]);
    out.seg(&["DTP", "472", "D8", &date]);
    if let Some(auth) = &l.prior_authorization {
        let auth = v::id(auth, 50).map_err(ctx.at("prior_authorization"))?;
        out.seg(&["REF", "G1", &auth]);
    }
    if let Some(n) = &l.line_control {
        let n = v::id(n, 50).map_err(ctx.at("line_control"))?;
        out.seg(&["REF", "6R", &n]);
    }
    Ok(())
}
