//! The organisation's directory (each site as Organization and Location; staff as
//! Practitioner and PractitionerRole), for every staff role, and the people close to a
//! patient (RelatedPerson), for the roles that keep consents, since each of them is named
//! on the consents that let them take part.

use super::audited;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::{PatientId, RelatedPersonId, SiteId, StaffId};
use iop_interop::fhir::{AddressData, LocationData, OrganizationData, RelatedPersonData};
use iop_store::consent::RelatedPersonRow;
use iop_store::DbConn;
use serde_json::Value;

impl App {
    /// `GET /fhir/r4/Organization/{id}`: a site as the provider that bills for it.
    pub fn fhir_organization(&self, ctx: &Ctx, id: SiteId) -> Result<Value> {
        ctx.require(Action::ViewOrganisation)?;
        let mut c = self.store.conn()?;
        organization(&mut c, id)?.ok_or_else(|| AppError::NotFound(format!("organization {id}")))
    }

    /// `GET /fhir/r4/Location/{id}`: a site as the place groups meet.
    pub fn fhir_location(&self, ctx: &Ctx, id: SiteId) -> Result<Value> {
        ctx.require(Action::ViewOrganisation)?;
        let mut c = self.store.conn()?;
        location(&mut c, id)?.ok_or_else(|| AppError::NotFound(format!("location {id}")))
    }

    /// `GET /fhir/r4/PractitionerRole/{id}`: what a member of staff does, and at which
    /// sites they lead groups (the staff member's id).
    pub fn fhir_practitioner_role(&self, ctx: &Ctx, id: StaffId) -> Result<Value> {
        ctx.require(Action::ViewOrganisation)?;
        let mut c = self.store.conn()?;
        practitioner_role(&mut c, id)?
            .ok_or_else(|| AppError::NotFound(format!("practitioner role {id}")))
    }

    /// `GET /fhir/r4/RelatedPerson/{id}`.
    pub fn fhir_related_person(&self, ctx: &Ctx, id: RelatedPersonId) -> Result<Value> {
        ctx.require(Action::ManageConsents)?;
        self.store.read_audited(|c| {
            let row = iop_store::fhir::related_person(c, id)?
                .ok_or_else(|| AppError::NotFound(format!("related person {id}")))?;
            crate::scope::require_patient(c, ctx, row.patient_id)?;
            let subject = format!("RelatedPerson/{id}");
            audited(c, ctx, "fhir.read", &subject, row.patient_id, None)?;
            Ok(related_person(&row))
        })
    }

    /// `GET /fhir/r4/RelatedPerson?patient=…`: the people on file for the patient.
    pub fn fhir_related_persons(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<Value>> {
        ctx.require(Action::ManageConsents)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let found: Vec<Value> = iop_store::consent::persons_of(c, &[patient])?
                .iter()
                .map(related_person)
                .collect();
            let subject = format!("RelatedPerson?patient={patient}");
            audited(c, ctx, "fhir.search", &subject, patient, Some(found.len()))?;
            Ok(found)
        })
    }
}

pub(super) fn organization(c: &mut DbConn, id: SiteId) -> Result<Option<Value>> {
    let Some(site) = iop_store::org::site_by_id(c, id)? else {
        return Ok(None);
    };
    let billing = iop_store::billing::site_billing_of(c, id)?;
    let id_text = id.to_string();
    let address = match &billing {
        Some(b) => AddressData::Structured {
            line: &b.address_line,
            city: &b.city,
            state: &b.state,
            postal_code: &b.zip,
        },
        None => AddressData::Text(&site.address),
    };
    Ok(Some(iop_interop::fhir::organization(&OrganizationData {
        id: &id_text,
        name: billing
            .as_ref()
            .map_or(&site.name, |b| &b.organisation_name),
        npi: billing.as_ref().map(|b| b.npi.as_str()),
        phone: &site.admissions_phone,
        address,
    })))
}

pub(super) fn location(c: &mut DbConn, id: SiteId) -> Result<Option<Value>> {
    let Some(site) = iop_store::org::site_by_id(c, id)? else {
        return Ok(None);
    };
    let id_text = id.to_string();
    Ok(Some(iop_interop::fhir::location(&LocationData {
        id: &id_text,
        name: &site.name,
        phone: &site.admissions_phone,
        address: &site.address,
    })))
}

pub(super) fn practitioner_role(c: &mut DbConn, id: StaffId) -> Result<Option<Value>> {
    let Some(s) = iop_store::calendar::staff_by_id(c, id)? else {
        return Ok(None);
    };
    let role = match s.user_id {
        Some(u) => iop_store::accounts::users::by_id(c, u)?.map(|u| u.role.label()),
        None => None,
    };
    let programs = iop_store::fhir::programs_of_staff(c, id)?;
    let mut sites: Vec<String> = iop_store::org::programs(c)?
        .iter()
        .filter(|p| programs.contains(&p.id))
        .map(|p| p.site_id.to_string())
        .collect();
    sites.sort();
    sites.dedup();
    let id_text = id.to_string();
    Ok(Some(iop_interop::fhir::practitioner_role(
        &iop_interop::fhir::PractitionerRoleData {
            id: &id_text,
            active: s.active,
            role,
            taxonomy: s.taxonomy.as_deref(),
            sites: &sites,
        },
    )))
}

pub(super) fn related_person(row: &RelatedPersonRow) -> Value {
    let (id, patient) = (row.id.to_string(), row.patient_id.to_string());
    iop_interop::fhir::related_person(&RelatedPersonData {
        id: &id,
        patient_id: &patient,
        name: &row.name,
        relationship: &row.relationship,
        phone: row.phone.as_deref(),
        email: row.email.as_deref(),
    })
}
