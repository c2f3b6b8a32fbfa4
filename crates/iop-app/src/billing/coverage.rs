//! A patient's coverage (subscriber, member id, dates) and the payer's authorizations
//! for treatment, with the queue of those that run out or need review.

use super::setup::{text, AddressInput};
use crate::audit::{record, Event};
use crate::billing::charges::code_of;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::PatientId;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_store::billing::{self as store, AuthorizationRow, CoverageRow};
use iop_store::{admissions::episodes, DbConn};
use jiff::civil::Date;
use std::collections::BTreeMap;

pub const RELATIONSHIPS: [&str; 6] = [
    "self",
    "spouse",
    "child",
    "life_partner",
    "employee",
    "other",
];

pub struct NewCoverage {
    pub payer_id: PayerId,
    pub member_id: String,
    pub group_number: Option<String>,
    pub priority: iop_domain::billing::CoveragePriority,
    pub relationship: String,
    /// The subscriber when not the patient.
    pub subscriber_first: Option<String>,
    pub subscriber_last: Option<String>,
    pub subscriber_dob: Option<Date>,
    pub subscriber_sex: Option<String>,
    pub address: AddressInput,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
}

pub struct NewAuthorization {
    pub coverage_id: CoverageId,
    pub number: String,
    pub service_code: String,
    pub units: i32,
    pub start_date: Date,
    pub end_date: Date,
    pub next_review_on: Option<Date>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AuthorizationView {
    #[serde(flatten)]
    pub row: Authorization,
    pub units_used: i64,
    pub units_left: i64,
    /// Three units or fewer left, or five days or fewer to the end.
    pub needs_attention: bool,
    pub reason: Option<String>,
}

fn authorization_views(
    c: &mut DbConn,
    rows: Vec<AuthorizationRow>,
    today: Date,
) -> Result<Vec<AuthorizationView>> {
    let ids: Vec<_> = rows.iter().map(|a| a.id).collect();
    let used: BTreeMap<AuthorizationId, i64> = store::units_used(c, &ids)?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let used = used.get(&row.id).copied().unwrap_or(0);
            let left = i64::from(row.units) - used;
            let end: Date = row.end_date.0;
            let days_left = (end - today).get_days();
            let mut why = Vec::new();
            if left <= 3 {
                why.push(format!("{left} unit(s) left"));
            }
            if days_left <= 5 {
                why.push(if days_left < 0 {
                    format!("ended {}", row.end_date)
                } else {
                    format!("ends in {days_left} day(s)")
                });
            }
            if days_left >= 0 && row.next_review_on.is_some_and(|d| d.0 <= today) {
                why.push("concurrent review is due".into());
            }
            AuthorizationView {
                units_used: used,
                units_left: left,
                needs_attention: !why.is_empty(),
                reason: (!why.is_empty()).then(|| why.join(", ")),
                row: row.into(),
            }
        })
        .collect())
}

impl App {
    pub fn add_coverage(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        n: NewCoverage,
    ) -> Result<CoverageId> {
        let patient_id = patient;
        ctx.require(Action::ManageCoverage)?;
        let relationship: iop_domain::billing::SubscriberRelationship =
            n.relationship.parse().map_err(|_| {
                AppError::Invalid(format!(
                    "the relationship to the subscriber is one of {}",
                    RELATIONSHIPS.join(", ")
                ))
            })?;
        let (line, city, st, z) = n.address.check()?;
        let member_id = text(&n.member_id, 80, "the member id")?;
        let group = n
            .group_number
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(|g| text(g, 50, "the group number"))
            .transpose()?;
        if n.effective_to.is_some_and(|t| t < n.effective_from) {
            return Err(AppError::Invalid(
                "the coverage ends before it starts".into(),
            ));
        }
        self.store.write(|c| {
            let p = episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            store::payer(c, n.payer_id)?
                .ok_or_else(|| AppError::NotFound(format!("payer {}", n.payer_id)))?;
            let is_self = n.relationship == "self";
            let need = |v: &Option<String>, what: &str| -> Result<String> {
                if is_self {
                    return Ok(String::new());
                }
                text(v.as_deref().unwrap_or(""), 60, what)
            };
            let row = CoverageRow {
                id: CoverageId::new_v7(),
                patient_id,
                payer_id: n.payer_id,
                member_id: member_id.clone(),
                group_number: group.clone(),
                priority: n.priority,
                relationship,
                subscriber_first: if is_self {
                    p.legal_first_name.clone()
                } else {
                    need(&n.subscriber_first, "the subscriber's first name")?
                },
                subscriber_last: if is_self {
                    p.legal_last_name.clone()
                } else {
                    need(&n.subscriber_last, "the subscriber's last name")?
                },
                subscriber_dob: match (is_self, n.subscriber_dob) {
                    (true, _) => p.date_of_birth,
                    (false, Some(d)) => Day(d),
                    (false, None) => {
                        return Err(AppError::Invalid(
                            "give the subscriber's date of birth".into(),
                        ))
                    }
                },
                subscriber_sex: match n.subscriber_sex.as_deref() {
                    Some(s) if s.parse::<iop_domain::admissions::Sex>().is_ok() => {
                        s.parse().unwrap_or(iop_domain::admissions::Sex::Unknown)
                    }
                    None if is_self => p.sex,
                    _ => {
                        return Err(AppError::Invalid(
                            "the subscriber's sex is F, M or U".into(),
                        ))
                    }
                },
                subscriber_address_line: line.clone(),
                subscriber_city: city.clone(),
                subscriber_state: st.clone(),
                subscriber_zip: z.clone(),
                effective_from: Day(n.effective_from),
                effective_to: n.effective_to.map(Day),
                created_at: Instant(ctx.now()),
                voided_at: None,
                void_reason: None,
            };
            store::insert_coverage(c, &row)?;
            if is_self || p.address_line.is_none() {
                episodes::set_patient_address(c, patient_id, &line, &city, &st, &z)?;
            }
            let subject = format!("coverage:{}", row.id);
            let mut event = Event::ok("billing.coverage.add").subject(&subject);
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(row.id)
        })
    }

    pub fn coverages(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<Coverage>> {
        let patient_id = patient;
        ctx.require(Action::ManageCoverage)?;
        let rows: Vec<CoverageRow> = self.store.read_audited::<_, AppError>(|c| {
            let rows = store::coverages_of(c, &[patient_id])?;
            let mut event = Event::ok("billing.coverage.view");
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(rows)
        })?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub fn add_authorization(&self, ctx: &Ctx, a: NewAuthorization) -> Result<AuthorizationId> {
        ctx.require(Action::ManageBilling)?;
        let service_code = code_of(&a.service_code).ok_or_else(|| {
            AppError::Invalid(format!("unknown service code {:?}", a.service_code))
        })?;
        if !(1..=1000).contains(&a.units) {
            return Err(AppError::Invalid(
                "an authorization grants 1 to 1,000 units".into(),
            ));
        }
        if a.end_date < a.start_date {
            return Err(AppError::Invalid(
                "the authorization ends before it starts".into(),
            ));
        }
        let number = text(&a.number, 50, "the authorization number")?;
        self.store.write(|c| {
            let cov = store::coverage(c, a.coverage_id)?
                .ok_or_else(|| AppError::NotFound(format!("coverage {}", a.coverage_id)))?;
            let row = AuthorizationRow {
                id: AuthorizationId::new_v7(),
                coverage_id: cov.id,
                patient_id: cov.patient_id,
                number,
                service_code,
                units: a.units,
                start_date: Day(a.start_date),
                end_date: Day(a.end_date),
                next_review_on: a.next_review_on.map(Day),
                created_at: Instant(ctx.now()),
                voided_at: None,
                void_reason: None,
            };
            store::insert_authorization(c, &row)?;
            let subject = format!("authorization:{}", row.id);
            let mut event = Event::ok("billing.authorization.add").subject(&subject);
            event.patient_id = Some(cov.patient_id);
            record(c, ctx, event)?;
            Ok(row.id)
        })
    }

    /// The payer's answer to a review: the units granted in all, the last day, and the
    /// next review (none when the payer asks for none). The earlier terms stay in the
    /// audit entry; an authorization is never shortened below the units already used.
    pub fn change_authorization(
        &self,
        ctx: &Ctx,
        id: AuthorizationId,
        units: i32,
        end_date: Date,
        next_review_on: Option<Date>,
    ) -> Result<()> {
        ctx.require(Action::ManageBilling)?;
        if !(1..=1000).contains(&units) {
            return Err(AppError::Invalid(
                "an authorization grants 1 to 1,000 units".into(),
            ));
        }
        self.store.write(|c| {
            let old = store::authorization_terms::authorization_by_id(c, id)?
                .ok_or_else(|| AppError::NotFound(format!("authorization {id}")))?;
            if end_date < old.start_date.0 {
                return Err(AppError::Invalid(
                    "the authorization would end before it starts".into(),
                ));
            }
            if next_review_on.is_some_and(|r| r < old.start_date.0 || r > end_date) {
                return Err(AppError::Invalid(
                    "the next review falls between the first and the last day".into(),
                ));
            }
            let used = store::units_used(c, &[id])?
                .into_iter()
                .map(|(_, n)| n)
                .sum::<i64>();
            if i64::from(units) < used {
                return Err(AppError::Conflict(format!(
                    "{used} units are already charged against it; grant at least that many"
                )));
            }
            store::authorization_terms::set_terms(c, id, units, Day(end_date), next_review_on.map(Day))?;
            let subject = format!("authorization:{id}");
            let mut event = Event::ok("billing.authorization.change")
                .subject(&subject)
                .detail(serde_json::json!({
                    "from": { "units": old.units, "end_date": old.end_date, "next_review_on": old.next_review_on },
                    "to": { "units": units, "end_date": end_date.to_string(), "next_review_on": next_review_on.map(|d| d.to_string()) },
                }));
            event.patient_id = Some(old.patient_id);
            record(c, ctx, event)
        })
    }

    /// Every authorization with units used and left; those that need a call first.
    pub fn authorization_queue(&self, ctx: &Ctx) -> Result<Vec<AuthorizationView>> {
        ctx.require(Action::ViewBilling)?;
        self.store.read(|c| {
            let today = crate::clock::date_in(&crate::clock::organisation_zone(c)?, ctx.now());
            let rows = store::authorizations_of(c, None)?;
            let mut v = authorization_views(c, rows, today)?;
            v.sort_by_key(|a| (!a.needs_attention, a.row.end_date));
            Ok(v)
        })
    }
}

crate::view::view!(
/// A patient's coverage with a payer: member, subscriber and dates.
Coverage from CoverageRow {
    id: CoverageId,
    patient_id: PatientId,
    payer_id: PayerId,
    member_id: String,
    group_number: Option<String>,
    priority: iop_domain::billing::CoveragePriority,
    relationship: iop_domain::billing::SubscriberRelationship,
    subscriber_first: String,
    subscriber_last: String,
    subscriber_dob: Day,
    subscriber_sex: iop_domain::admissions::Sex,
    subscriber_address_line: String,
    subscriber_city: String,
    subscriber_state: String,
    subscriber_zip: String,
    effective_from: Day,
    effective_to: Option<Day>,
    created_at: Instant,
    voided_at: Option<Instant>,
    void_reason: Option<String>,
});

crate::view::view!(
/// A payer authorization: units for a service between two dates.
Authorization from AuthorizationRow {
    id: AuthorizationId,
    coverage_id: CoverageId,
    patient_id: PatientId,
    number: String,
    service_code: iop_domain::billing::Code,
    units: i32,
    start_date: Day,
    end_date: Day,
    next_review_on: Option<Day>,
    created_at: Instant,
    voided_at: Option<Instant>,
    void_reason: Option<String>,
});
