//! The 835 reader (005010X221A1): one `Payment` per transaction set, each checked to
//! balance (line, claim and payment) before it is returned, since posting an unbalanced
//! remittance would leave cents unexplained on a patient's account.

use super::amount::parse_amount;
use super::envelope::{transactions, Transaction};
use super::error::ParseError;
use super::remit::*;
use super::tokenizer::{tokenize, Segment};
use iop_domain::Cents;
use jiff::civil::Date;

/// The implementation guide this reader follows (GS08).
pub const VERSION: &str = "005010X221A1";

/// Reads every 835 transaction set in `input`, or says where the first problem is.
pub fn parse_835(input: &str) -> Result<Remittance, ParseError> {
    let tokens = tokenize(input)?;
    let sets = transactions(&tokens)?;
    if sets.is_empty() {
        return Err(tokens.error_at_end("the file holds no 835 transaction set"));
    }
    let payments = sets.iter().map(payment).collect::<Result<_, _>>()?;
    Ok(Remittance { payments })
}

fn required<'a>(seg: &Segment<'a>, n: usize, what: &str) -> Result<&'a str, ParseError> {
    match seg.element(n).trim() {
        "" => Err(seg.error(format!("{}{n:02} ({what}) is missing", seg.id()))),
        v => Ok(v),
    }
}

fn amount(seg: &Segment<'_>, n: usize, what: &str) -> Result<Cents, ParseError> {
    parse_amount(required(seg, n, what)?)
        .map_err(|m| seg.error(format!("{}{n:02} ({what}): {m}", seg.id())))
}

fn optional_amount(seg: &Segment<'_>, n: usize, what: &str) -> Result<Option<Cents>, ParseError> {
    match seg.element(n) {
        "" => Ok(None),
        _ => amount(seg, n, what).map(Some),
    }
}

fn whole(seg: &Segment<'_>, n: usize, what: &str) -> Result<Option<u32>, ParseError> {
    match seg.element(n) {
        "" => Ok(None),
        raw => raw.parse().map(Some).map_err(|_| {
            seg.error(format!(
                "{}{n:02} ({what}) must be a whole number",
                seg.id()
            ))
        }),
    }
}

fn date(seg: &Segment<'_>, n: usize, what: &str) -> Result<Date, ParseError> {
    let raw = required(seg, n, what)?;
    let bad = || {
        seg.error(format!(
            "{}{n:02} ({what}): {raw:?} is not a CCYYMMDD date",
            seg.id()
        ))
    };
    if raw.len() != 8 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| raw.get(r).and_then(|s| s.parse::<i16>().ok());
    match (num(0..4), num(4..6), num(6..8)) {
        (Some(y), Some(m), Some(d)) => Date::new(
            y,
            i8::try_from(m).map_err(|_| bad())?,
            i8::try_from(d).map_err(|_| bad())?,
        )
        .map_err(|_| bad()),
        _ => Err(bad()),
    }
}

/// A CAS segment: its group and up to six (reason, amount, quantity) triplets.
fn adjustments(seg: &Segment<'_>) -> Result<Vec<Adjustment>, ParseError> {
    let code = required(seg, 1, "adjustment group")?;
    let group = AdjustmentGroup::from_code(code).ok_or_else(|| {
        seg.error(format!(
            "CAS01 {code:?} is not an adjustment group (CO, PR, OA, PI, CR)"
        ))
    })?;
    let mut out = Vec::new();
    for k in 0..6 {
        let at = 2 + 3 * k;
        let (reason, raw_amount) = (seg.element(at), seg.element(at + 1));
        if reason.is_empty() && raw_amount.is_empty() && seg.element(at + 2).is_empty() {
            continue;
        }
        let reason = required(seg, at, "adjustment reason")?;
        out.push(Adjustment {
            group,
            reason: reason.to_string(),
            amount: amount(seg, at + 1, "adjustment amount")?,
            quantity: whole(seg, at + 2, "adjustment quantity")?,
        });
    }
    if out.is_empty() {
        return Err(seg.error("CAS has a group but no reason and amount"));
    }
    Ok(out)
}

fn sum(mut amounts: impl Iterator<Item = Cents>, seg: &Segment<'_>) -> Result<Cents, ParseError> {
    amounts
        .try_fold(Cents(0), |acc, c| acc.checked_add(c))
        .ok_or_else(|| seg.error("amounts overflow when added"))
}

fn difference(a: Cents, b: Cents, seg: &Segment<'_>) -> Result<Cents, ParseError> {
    a.0.checked_sub(b.0)
        .map(Cents)
        .ok_or_else(|| seg.error("amounts overflow when subtracted"))
}

/// A claim being read, with the segments to blame if it does not balance.
struct Draft<'t, 'a> {
    clp: &'t Segment<'a>,
    claim: ClaimPayment,
    /// DTM*232: the claim's first day, for lines without a date of their own.
    statement_date: Option<Date>,
    svcs: Vec<&'t Segment<'a>>,
}

fn claim<'t, 'a>(seg: &'t Segment<'a>) -> Result<Draft<'t, 'a>, ParseError> {
    let code = required(seg, 2, "claim status")?;
    let status = ClaimStatus::from_code(code)
        .ok_or_else(|| seg.error(format!("CLP02 {code:?} is not a claim status code")))?;
    Ok(Draft {
        clp: seg,
        claim: ClaimPayment {
            claim_id: required(seg, 1, "claim id")?.to_string(),
            status,
            charge: amount(seg, 3, "claim charge")?,
            paid: amount(seg, 4, "claim payment")?,
            patient_responsibility: optional_amount(seg, 5, "patient responsibility")?,
            payer_claim_number: required(seg, 7, "payer claim number")?.to_string(),
            adjustments: Vec::new(),
            services: Vec::new(),
        },
        statement_date: None,
        svcs: Vec::new(),
    })
}

fn service(seg: &Segment<'_>) -> Result<ServicePayment, ParseError> {
    required(seg, 1, "procedure")?;
    let parts = seg.components(1);
    let code = parts.get(1).map(|s| s.trim()).unwrap_or("");
    if code.is_empty() {
        return Err(seg.error("SVC01 has no procedure code after its qualifier"));
    }
    let modifiers = parts
        .iter()
        .skip(2)
        .take(4)
        .filter(|m| !m.is_empty())
        .map(|m| m.to_string())
        .collect();
    Ok(ServicePayment {
        procedure_code: code.to_string(),
        modifiers,
        charge: amount(seg, 2, "line charge")?,
        paid: amount(seg, 3, "line payment")?,
        units: whole(seg, 5, "units")?.unwrap_or(1),
        service_date: None,
        adjustments: Vec::new(),
        line_control: None,
    })
}

fn provider_adjustments(seg: &Segment<'_>) -> Result<Vec<ProviderAdjustment>, ParseError> {
    let provider_id = required(seg, 1, "provider id")?;
    let fiscal_period_end = date(seg, 2, "fiscal period date")?;
    let mut out = Vec::new();
    for k in 0..6 {
        let at = 3 + 2 * k;
        if seg.element(at).is_empty() && seg.element(at + 1).is_empty() {
            continue;
        }
        let parts = seg.components(at);
        let reason = parts.first().map(|s| s.trim()).unwrap_or("");
        if reason.is_empty() {
            return Err(seg.error(format!("PLB{at:02} has no adjustment reason")));
        }
        out.push(ProviderAdjustment {
            provider_id: provider_id.to_string(),
            fiscal_period_end,
            reason: reason.to_string(),
            reference: parts
                .get(1)
                .filter(|r| !r.is_empty())
                .map(|r| r.to_string()),
            amount: amount(seg, at + 1, "provider adjustment amount")?,
        });
    }
    Ok(out)
}

/// The header values of a set, filled in as their segments appear.
#[derive(Default)]
struct Header {
    bpr: Option<(Cents, PaymentMethod, Date)>,
    trn: Option<(String, String)>,
    payer_name: Option<String>,
    payee: Option<(String, Option<String>)>,
}

fn payment(t: &Transaction<'_, '_>) -> Result<Payment, ParseError> {
    let Some(st) = t.segments.first() else {
        // `transactions` never returns a set without its ST; this keeps the reader total.
        return Err(ParseError {
            segment: 0,
            line: 0,
            message: "an empty transaction set".into(),
        });
    };
    if t.set_id != "835" {
        return Err(st.error(format!(
            "ST01 is {:?}; this reader takes 835 remittances",
            t.set_id
        )));
    }
    // Another guide's 835 (a 4010 file, say) means other segments and rules: reading it as
    // 5010 would post wrong money, so it is refused by name.
    if t.version != VERSION {
        return Err(st.error(format!(
            "this 835 is version {:?}; only {VERSION} (the HIPAA 5010 remittance) is read",
            t.version
        )));
    }
    if t.functional_id != "HP" {
        return Err(st.error(format!(
            "the group's GS01 is {:?}; an 835 travels in an HP group",
            t.functional_id
        )));
    }
    let mut h = Header::default();
    let mut bpr_seg = st;
    let mut drafts: Vec<Draft<'_, '_>> = Vec::new();
    let mut in_service = false;
    let mut plb = Vec::new();
    let body = t
        .segments
        .get(1..t.segments.len().saturating_sub(1))
        .unwrap_or(&[]);
    for seg in body {
        match seg.id() {
            "BPR" if h.bpr.is_none() => {
                let code = required(seg, 4, "payment method")?;
                let method = PaymentMethod::from_code(code)
                    .ok_or_else(|| seg.error(format!("BPR04 {code:?} is not a payment method")))?;
                h.bpr = Some((
                    amount(seg, 2, "total payment")?,
                    method,
                    date(seg, 16, "payment date")?,
                ));
                bpr_seg = seg;
            }
            "TRN" if h.trn.is_none() => {
                h.trn = Some((
                    required(seg, 2, "trace number")?.to_string(),
                    required(seg, 3, "payer id")?.to_string(),
                ));
            }
            "N1" if drafts.is_empty() => match seg.element(1) {
                "PR" => h.payer_name = Some(required(seg, 2, "payer name")?.to_string()),
                "PE" => {
                    let npi = (seg.element(3) == "XX")
                        .then(|| seg.element(4).to_string())
                        .filter(|n| !n.is_empty());
                    h.payee = Some((required(seg, 2, "payee name")?.to_string(), npi));
                }
                _ => {}
            },
            "LX" => in_service = false,
            "CLP" => {
                drafts.push(claim(seg)?);
                in_service = false;
            }
            "SVC" => {
                let d = drafts
                    .last_mut()
                    .ok_or_else(|| seg.error("SVC outside a claim (no CLP before it)"))?;
                d.claim.services.push(service(seg)?);
                d.svcs.push(seg);
                in_service = true;
            }
            "CAS" => {
                let d = drafts
                    .last_mut()
                    .ok_or_else(|| seg.error("CAS outside a claim (no CLP before it)"))?;
                let adj = adjustments(seg)?;
                match d.claim.services.last_mut() {
                    Some(s) if in_service => s.adjustments.extend(adj),
                    _ => d.claim.adjustments.extend(adj),
                }
            }
            "REF" if in_service && seg.element(1) == "6R" => {
                if let Some(s) = drafts.last_mut().and_then(|d| d.claim.services.last_mut()) {
                    s.line_control =
                        Some(required(seg, 2, "line item control number")?.to_string());
                }
            }
            "DTM" => {
                let Some(d) = drafts.last_mut() else { continue };
                match (seg.element(1), d.claim.services.last_mut()) {
                    ("472" | "150", Some(s)) if in_service => {
                        s.service_date = Some(date(seg, 2, "service date")?)
                    }
                    ("232", _) if !in_service => {
                        d.statement_date = Some(date(seg, 2, "claim statement date")?)
                    }
                    _ => {}
                }
            }
            "PLB" => {
                plb.extend(provider_adjustments(seg)?);
                in_service = false;
            }
            _ => {}
        }
    }
    let missing = |what: &str| st.error(format!("this 835 has no {what}"));
    let (total_paid, method, pay_date) = h.bpr.ok_or_else(|| missing("BPR (payment) segment"))?;
    let (trace_number, payer_id) = h.trn.ok_or_else(|| missing("TRN (trace number) segment"))?;
    let payer_name = h
        .payer_name
        .ok_or_else(|| missing("N1*PR (payer) segment"))?;
    let (payee_name, payee_npi) = h.payee.ok_or_else(|| missing("N1*PE (payee) segment"))?;
    let mut claims = Vec::with_capacity(drafts.len());
    for d in drafts {
        claims.push(balanced_claim(d)?);
    }
    let claimed = sum(claims.iter().map(|c| c.paid), bpr_seg)?;
    let taken = sum(plb.iter().map(|p: &ProviderAdjustment| p.amount), bpr_seg)?;
    let expected = difference(claimed, taken, bpr_seg)?;
    if expected != total_paid {
        return Err(bpr_seg.error(format!(
            "BPR02 pays {total_paid}, but the claims pay {claimed} less {taken} of provider adjustments = {expected}"
        )));
    }
    Ok(Payment {
        total_paid,
        method,
        date: pay_date,
        trace_number,
        payer_id,
        payer_name,
        payee_name,
        payee_npi,
        claims,
        provider_adjustments: plb,
    })
}

/// Lines take the claim's date when they have none; then charge − paid must equal the
/// adjustments, on every line and on the claim (its own CAS plus its lines').
fn balanced_claim(mut d: Draft<'_, '_>) -> Result<ClaimPayment, ParseError> {
    let mut line_adjustments = Cents(0);
    for (s, seg) in d.claim.services.iter_mut().zip(&d.svcs) {
        s.service_date = s.service_date.or(d.statement_date);
        let adjusted = sum(s.adjustments.iter().map(|a| a.amount), seg)?;
        let gap = difference(s.charge, s.paid, seg)?;
        if gap != adjusted {
            return Err(seg.error(format!(
                "the line does not balance: charge {} − paid {} = {gap}, but its adjustments add to {adjusted}",
                s.charge, s.paid
            )));
        }
        line_adjustments = sum([line_adjustments, adjusted].into_iter(), seg)?;
    }
    let c = &d.claim;
    let own = sum(c.adjustments.iter().map(|a| a.amount), d.clp)?;
    let adjusted = sum([own, line_adjustments].into_iter(), d.clp)?;
    let gap = difference(c.charge, c.paid, d.clp)?;
    if gap != adjusted {
        return Err(d.clp.error(format!(
            "claim {} does not balance: charge {} − paid {} = {gap}, but its adjustments add to {adjusted}",
            c.claim_id, c.charge, c.paid
        )));
    }
    Ok(d.claim)
}
