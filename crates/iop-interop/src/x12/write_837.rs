//! The 837P writer (005010X222A1): checks a `Batch` and lays it out in the guide's loops.
//! Claims are grouped under one 2000B per subscriber and payer; a patient who is not the
//! subscriber gets a 2000C under it.

use super::claim::*;
use super::error::{Problem, X12Error};
use super::validate::{self as v, text};
use super::write_claim::claim;

/// Where in the batch a check failed; turns a `Problem` into an `X12Error`.
pub(super) struct Ctx(pub(super) String);

impl Ctx {
    pub(super) fn at(&self, field: &str) -> impl Fn(Problem) -> X12Error + '_ {
        let at = format!("{}.{field}", self.0);
        move |problem| X12Error {
            at: at.clone(),
            problem,
        }
    }

    pub(super) fn fail<T>(&self, field: &str, problem: Problem) -> Result<T, X12Error> {
        Err(self.at(field)(problem))
    }

    pub(super) fn sub(&self, field: &str) -> Ctx {
        Ctx(format!("{}.{field}", self.0))
    }
}

#[derive(Default)]
pub(super) struct Out(pub(super) Vec<String>);

impl Out {
    /// One segment; trailing empty elements are dropped, as X12 requires.
    pub(super) fn seg(&mut self, elements: &[&str]) {
        let used = elements
            .iter()
            .rposition(|e| !e.is_empty())
            .map_or(0, |i| i + 1);
        self.0
            .push(elements[..used.max(1).min(elements.len())].join("*"));
    }
}

pub(super) fn composite(parts: &[&str]) -> String {
    let used = parts
        .iter()
        .rposition(|e| !e.is_empty())
        .map_or(0, |i| i + 1);
    parts[..used].join(":")
}

/// Writes the batch as one interchange, or says which field stops it.
pub fn write_837p(b: &Batch) -> Result<String, X12Error> {
    let top = Ctx("batch".into());
    let icn =
        v::control(b.interchange_control_number).map_err(top.at("interchange_control_number"))?;
    let gcn = v::control(b.group_control_number).map_err(top.at("group_control_number"))?;
    let tcn =
        v::control(b.transaction_control_number).map_err(top.at("transaction_control_number"))?;
    if b.claims.is_empty() {
        return top.fail("claims", Problem::NoClaims);
    }
    let sub = top.sub("submitter");
    let sender = isa_id(&b.submitter.id).map_err(sub.at("id"))?;
    let rcv = top.sub("receiver");
    let receiver = isa_id(&b.receiver.id).map_err(rcv.at("id"))?;
    let day = v::date(b.created.date()).map_err(top.at("created"))?;
    let time = format!("{:02}{:02}", b.created.hour(), b.created.minute());
    let short_day = day.get(2..).unwrap_or(&day).to_string();
    let st_ctl = format!("{tcn:04}");

    let mut out = Out::default();
    let blank = " ".repeat(10);
    let (isa_sender, isa_receiver) = (format!("{sender:<15}"), format!("{receiver:<15}"));
    out.seg(&[
        "ISA",
        "00",
        &blank,
        "00",
        &blank,
        "ZZ",
        &isa_sender,
        "ZZ",
        &isa_receiver,
        &short_day,
        &time,
        "^",
        "00501",
        &format!("{icn:09}"),
        "0",
        b.usage.as_str(),
        ":",
    ]);
    let gcn_s = gcn.to_string();
    out.seg(&[
        "GS",
        "HC",
        &sender,
        &receiver,
        &day,
        &time,
        &gcn_s,
        "X",
        "005010X222A1",
    ]);
    let st_at = out.0.len();
    out.seg(&["ST", "837", &st_ctl, "005010X222A1"]);
    out.seg(&["BHT", "0019", "00", &st_ctl, &day, &time, "CH"]);

    let name = text(&b.submitter.name, 60).map_err(sub.at("name"))?;
    out.seg(&["NM1", "41", "2", &name, "", "", "", "", "46", &sender]);
    let contact = text(&b.submitter.contact_name, 60).map_err(sub.at("contact_name"))?;
    let phone = v::digits(&b.submitter.phone, &[10], "a ten-digit phone number")
        .map_err(sub.at("phone"))?;
    out.seg(&["PER", "IC", &contact, "TE", &phone]);
    let name = text(&b.receiver.name, 60).map_err(rcv.at("name"))?;
    out.seg(&["NM1", "40", "2", &name, "", "", "", "", "46", &receiver]);

    out.seg(&["HL", "1", "", "20", "1"]);
    let bp = top.sub("billing_provider");
    let name = text(&b.billing_provider.name, 60).map_err(bp.at("name"))?;
    let npi = v::npi(&b.billing_provider.npi).map_err(bp.at("npi"))?;
    out.seg(&["NM1", "85", "2", &name, "", "", "", "", "XX", &npi]);
    // The guide wants the billing provider's ZIP+4; other addresses may have five digits.
    address(
        &mut out,
        &b.billing_provider.address,
        &bp.sub("address"),
        &[9],
    )?;
    let ein =
        v::digits(&b.billing_provider.tax_id, &[9], "a nine-digit EIN").map_err(bp.at("tax_id"))?;
    out.seg(&["REF", "EI", &ein]);

    let mut hl = 1;
    for g in groups(&b.claims) {
        hl += 1;
        let parent = hl;
        let (i, first) = g.first;
        let ctx = Ctx(format!("claims[{i}] ({})", first.claim_id.trim()));
        let has_children = !g.patients.is_empty();
        out.seg(&[
            "HL",
            &parent.to_string(),
            "1",
            "22",
            if has_children { "1" } else { "0" },
        ]);
        subscriber(
            &mut out,
            &first.subscriber,
            &first.payer,
            !has_children,
            &ctx,
        )?;
        for (i, c) in &g.own {
            claim(&mut out, *i, c)?;
        }
        for (patient, claims) in &g.patients {
            hl += 1;
            out.seg(&["HL", &hl.to_string(), &parent.to_string(), "23", "0"]);
            let (i, c) = claims.first().copied().unwrap_or(g.first);
            dependent(
                &mut out,
                patient,
                &Ctx(format!("claims[{i}] ({}).patient", c.claim_id.trim())),
            )?;
            for (i, c) in claims {
                claim(&mut out, *i, c)?;
            }
        }
    }

    let count = (out.0.len() - st_at + 1).to_string();
    out.seg(&["SE", &count, &st_ctl]);
    out.seg(&["GE", "1", &gcn_s]);
    out.seg(&["IEA", "1", &format!("{icn:09}")]);
    Ok(out.0.iter().map(|s| format!("{s}~\n")).collect())
}

/// ISA06/ISA08 are fixed at 15 characters of the basic set.
fn isa_id(raw: &str) -> Result<String, Problem> {
    let s = v::id(raw, 15)?;
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    {
        return Err(Problem::Shape {
            expected: "letters and digits (it is also the ISA sender or receiver id)",
        });
    }
    Ok(s)
}

fn address(out: &mut Out, a: &Address, ctx: &Ctx, zip_lengths: &[usize]) -> Result<(), X12Error> {
    let line = text(&a.line, 55).map_err(ctx.at("line"))?;
    let city = text(&a.city, 30).map_err(ctx.at("city"))?;
    let state = v::state(&a.state).map_err(ctx.at("state"))?;
    let zip =
        v::digits(&a.zip, zip_lengths, "a ZIP code of 5 or 9 digits").map_err(ctx.at("zip"))?;
    out.seg(&["N3", &line]);
    out.seg(&["N4", &city, &state, &zip]);
    Ok(())
}

/// Claims sharing a subscriber and payer, split by whether the patient is the subscriber:
/// SBR02 = 18 says so for the whole 2000B, so dependants get a 2000B of their own.
struct Group<'a> {
    first: (usize, &'a Claim),
    own: Vec<(usize, &'a Claim)>,
    patients: Vec<(&'a Patient, Vec<(usize, &'a Claim)>)>,
}

fn groups(claims: &[Claim]) -> Vec<Group<'_>> {
    use std::collections::HashMap;
    // Lookups by key keep a batch of thousands of claims linear (a scan per claim made
    // 10,000 claims take seconds).
    let mut out: Vec<Group<'_>> = Vec::new();
    let mut group_of: HashMap<(&Subscriber, &Payer, bool), usize> = HashMap::new();
    let mut patient_of: HashMap<(usize, &Patient), usize> = HashMap::new();
    for (i, c) in claims.iter().enumerate() {
        let key = (&c.subscriber, &c.payer, c.patient.is_none());
        let gi = *group_of.entry(key).or_insert_with(|| {
            out.push(Group {
                first: (i, c),
                own: Vec::new(),
                patients: Vec::new(),
            });
            out.len() - 1
        });
        let Some(g) = out.get_mut(gi) else { continue };
        match &c.patient {
            None => g.own.push((i, c)),
            Some(p) => {
                let pi = *patient_of.entry((gi, p)).or_insert_with(|| {
                    g.patients.push((p, Vec::new()));
                    g.patients.len() - 1
                });
                if let Some((_, list)) = g.patients.get_mut(pi) {
                    list.push((i, c));
                }
            }
        }
    }
    out
}

fn subscriber(
    out: &mut Out,
    s: &Subscriber,
    payer: &Payer,
    is_patient: bool,
    ctx: &Ctx,
) -> Result<(), X12Error> {
    let sc = ctx.sub("subscriber");
    let group = match &s.group_number {
        Some(g) if !g.trim().is_empty() => v::id(g, 50).map_err(sc.at("group_number"))?,
        _ => String::new(),
    };
    // SBR01 P: primary coverage, the only kind this writer bills; SBR09 is the payer's.
    let pc = ctx.sub("payer");
    let filing = v::filing_indicator(&payer.filing_indicator).map_err(pc.at("filing_indicator"))?;
    out.seg(&[
        "SBR",
        "P",
        if is_patient { "18" } else { "" },
        &group,
        "",
        "",
        "",
        "",
        "",
        &filing,
    ]);
    let last = text(&s.last, 60).map_err(sc.at("last"))?;
    let first = v::optional_text(&s.first, 35).map_err(sc.at("first"))?;
    let member = v::id(&s.member_id, 80).map_err(sc.at("member_id"))?;
    out.seg(&["NM1", "IL", "1", &last, &first, "", "", "", "MI", &member]);
    address(out, &s.address, &sc.sub("address"), &[5, 9])?;
    let dob = v::date(s.dob).map_err(sc.at("dob"))?;
    out.seg(&["DMG", "D8", &dob, s.sex.as_str()]);
    let name = text(&payer.name, 60).map_err(pc.at("name"))?;
    let id = v::id(&payer.payer_id, 80).map_err(pc.at("payer_id"))?;
    out.seg(&["NM1", "PR", "2", &name, "", "", "", "", "PI", &id]);
    Ok(())
}

fn dependent(out: &mut Out, p: &Patient, ctx: &Ctx) -> Result<(), X12Error> {
    out.seg(&["PAT", p.relationship.as_str()]);
    let last = text(&p.last, 60).map_err(ctx.at("last"))?;
    let first = v::optional_text(&p.first, 35).map_err(ctx.at("first"))?;
    out.seg(&["NM1", "QC", "1", &last, &first]);
    address(out, &p.address, &ctx.sub("address"), &[5, 9])?;
    let dob = v::date(p.dob).map_err(ctx.at("dob"))?;
    out.seg(&["DMG", "D8", &dob, p.sex.as_str()]);
    Ok(())
}
