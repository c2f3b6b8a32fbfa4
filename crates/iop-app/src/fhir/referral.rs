//! A referral posted as a FHIR transaction Bundle becomes an inquiry ready for screening
//! (no Patient exists until admission). Everything is checked before anything is stored;
//! the inquiry, its first event, the referral's details and the audit row are written in
//! one transaction.

use crate::admissions::inquiries::{check_phone, first_event, new_row};
use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::policy::Action;
use crate::App;
use iop_domain::admissions::{InquiryChannel, InsuranceStatus};
use iop_domain::icd10::Diagnoses;
use iop_domain::ids::InquiryId;
use iop_domain::time::{Day, Instant};
use iop_interop::fhir::{Issue, IssueType, Referral};
use iop_store::admissions::referrals::{self, ReferralContactRow, ReferralRow};

/// Who sent a referral when the Bundle does not say (`meta.source`).
const UNNAMED_SENDER: &str = "FHIR referral";

impl App {
    /// `POST /fhir/r4` with a referral Bundle: the new inquiry, or the issues found in
    /// the Bundle (nothing stored).
    pub fn import_referral(&self, ctx: &Ctx, body: &[u8]) -> Result<Result<InquiryId, Vec<Issue>>> {
        ctx.require(Action::ManageInquiries)?;
        let actor = ctx.actor().map(|a| a.user_id).ok_or_else(|| {
            crate::error::AppError::Unauthenticated("sign in to send a referral".into())
        })?;
        let today = {
            let mut c = self.store.conn()?;
            crate::clock::date_in(&crate::clock::organisation_zone(&mut c)?, ctx.now())
        };
        let r: Referral = match iop_interop::fhir::parse_referral_bytes(body, today) {
            Ok(r) => r,
            Err(issues) => return Ok(Err(issues)),
        };
        let phone = match check_phone(&r.person.phone) {
            Ok(p) => p,
            Err(e) => {
                let at = "Bundle.entry.resource.where(resourceType='Patient').telecom";
                return Ok(Err(vec![Issue::error(IssueType::Value, at, e.to_string())]));
            }
        };
        let mut row = new_row(
            ctx.now(),
            InquiryChannel::Referral,
            r.person.given.clone(),
            phone,
        );
        row.last_name = r.person.family.clone();
        row.referral_source = Some(r.source.clone().unwrap_or_else(|| UNNAMED_SENDER.into()));
        let details = ReferralRow {
            inquiry_id: row.id,
            received_at: Instant(ctx.now()),
            received_by: actor,
            date_of_birth: r.person.birth_date.map(Day),
            diagnoses: Diagnoses(r.diagnoses.clone()),
        };
        let contacts: Vec<ReferralContactRow> = r
            .relatives
            .iter()
            .zip(0..)
            .map(|(rel, position)| ReferralContactRow {
                inquiry_id: row.id,
                position,
                name: rel.name.clone(),
                relationship: rel.relationship.clone(),
                phone: rel.phone.clone(),
            })
            .collect();
        self.store.write(|c| {
            if let Some(cov) = &r.coverage {
                // A payer the program bills (by X12 payer id, else by name) lets admission
                // start the coverage; any other is kept as sent, to verify at screening.
                let payers = iop_store::billing::all_payers(c)?;
                row.payer_id = payers
                    .iter()
                    .find(|p| cov.payer_id.as_deref() == Some(p.payer_id.as_str()))
                    .or_else(|| {
                        payers.iter().find(|p| {
                            cov.payer_name
                                .as_deref()
                                .is_some_and(|n| p.name.eq_ignore_ascii_case(n))
                        })
                    })
                    .map(|p| p.id);
                row.insurance_payer = cov.payer_name.clone().or_else(|| cov.payer_id.clone());
                row.insurance_member_id = Some(cov.member_id.clone());
                row.insurance_status = InsuranceStatus::Unverified;
            }
            iop_store::admissions::inquiries::insert(c, &row)?;
            first_event(c, &row, Some(actor))?;
            referrals::insert(c, &details, &contacts)?;
            let subject = format!("inquiry:{}", row.id);
            record(
                c,
                ctx,
                Event::ok("inquiry.create")
                    .subject(&subject)
                    .detail(serde_json::json!({
                        "channel": InquiryChannel::Referral,
                        "via": "fhir",
                        "diagnoses": details.diagnoses.0.len(),
                        "contacts": contacts.len(),
                        "coverage": r.coverage.is_some(),
                    })),
            )?;
            Ok(Ok(row.id))
        })
    }
}
