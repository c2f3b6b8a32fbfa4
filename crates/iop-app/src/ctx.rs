//! Who is asking, and when: every use case gets this instead of reading globals or the clock.

use crate::error::AppError;
use crate::policy::{allows, Action};
use iop_domain::{Role, UserId};
use jiff::Timestamp;

#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: UserId,
    pub role: Role,
    pub email: String,
    pub display_name: String,
}

/// A patient or relative signed in to the portal. Their patient comes from the account,
/// never from a request.
#[derive(Clone, Debug)]
pub struct PortalActor {
    pub account_id: UserId,
    pub role: iop_domain::portal::PortalRole,
    pub patient_id: iop_domain::PatientId,
    pub related_person_id: Option<iop_domain::ids::RelatedPersonId>,
}

#[derive(Clone, Debug)]
pub enum Principal {
    Staff(Actor),
    Portal(PortalActor),
    /// The operator at the command line, who holds the database itself.
    System,
}

/// Facts about the request that the audit trail and throttling need.
#[derive(Clone, Debug)]
pub struct RequestMeta {
    pub request_id: String,
    pub now: Timestamp,
    pub ip: Option<String>,
}

impl RequestMeta {
    pub fn cli(now: Timestamp) -> Self {
        Self {
            request_id: format!("cli-{}", uuid::Uuid::now_v7()),
            now,
            ip: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Ctx {
    pub principal: Principal,
    pub meta: RequestMeta,
}

impl Ctx {
    pub fn staff(actor: Actor, meta: RequestMeta) -> Self {
        Self {
            principal: Principal::Staff(actor),
            meta,
        }
    }

    pub fn portal(actor: PortalActor, meta: RequestMeta) -> Self {
        Self {
            principal: Principal::Portal(actor),
            meta,
        }
    }

    pub fn system(meta: RequestMeta) -> Self {
        Self {
            principal: Principal::System,
            meta,
        }
    }

    pub fn now(&self) -> Timestamp {
        self.meta.now
    }

    pub fn actor(&self) -> Option<&Actor> {
        match &self.principal {
            Principal::Staff(a) => Some(a),
            Principal::Portal(_) | Principal::System => None,
        }
    }

    /// The portal account acting, if the caller is a patient or relative.
    pub fn portal_actor(&self) -> Option<&PortalActor> {
        match &self.principal {
            Principal::Portal(p) => Some(p),
            _ => None,
        }
    }

    /// The account acting (staff or portal), as the audit trail records it.
    pub fn account_id(&self) -> Option<UserId> {
        match &self.principal {
            Principal::Staff(a) => Some(a.user_id),
            Principal::Portal(p) => Some(p.account_id),
            Principal::System => None,
        }
    }

    /// The policy check every use case starts with. Fails closed; portal accounts have
    /// no staff action at all.
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        match &self.principal {
            Principal::System => Ok(()),
            Principal::Staff(a) if allows(a.role, action) => Ok(()),
            Principal::Staff(_) | Principal::Portal(_) => {
                Err(AppError::Forbidden(action.describe()))
            }
        }
    }

    /// The portal's policy check: the signed-in patient or relative, when their role
    /// may take `action`.
    pub fn require_portal(
        &self,
        action: crate::policy::PortalAction,
    ) -> Result<&PortalActor, AppError> {
        match &self.principal {
            Principal::Portal(p) if crate::policy::portal_allows(p.role, action) => Ok(p),
            _ => Err(AppError::Forbidden(action.describe())),
        }
    }

    /// Who is acting, as rows record it.
    pub fn actor_ref(&self) -> iop_domain::ActorRef {
        match self.account_id() {
            Some(id) => iop_domain::ActorRef::User(id),
            None => iop_domain::ActorRef::System,
        }
    }

    pub fn actor_id_string(&self) -> Option<String> {
        self.account_id().map(|id| id.to_string())
    }

    pub fn actor_role(&self) -> iop_domain::audit::ActorRole {
        match &self.principal {
            Principal::Staff(a) => iop_domain::audit::ActorRole::Staff(a.role),
            Principal::Portal(p) => iop_domain::audit::ActorRole::Portal(p.role),
            Principal::System => iop_domain::audit::ActorRole::System,
        }
    }

    pub fn actor_role_str(&self) -> &'static str {
        match &self.principal {
            Principal::Staff(a) => a.role.as_str(),
            Principal::Portal(p) => p.role.into(),
            Principal::System => "system",
        }
    }
}
