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

#[derive(Clone, Debug)]
pub enum Principal {
    Staff(Actor),
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
            Principal::System => None,
        }
    }

    /// The policy check every use case starts with. Fails closed.
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        match &self.principal {
            Principal::System => Ok(()),
            Principal::Staff(a) if allows(a.role, action) => Ok(()),
            Principal::Staff(_) => Err(AppError::Forbidden(action.describe())),
        }
    }

    /// Who is acting, as rows record it.
    pub fn actor_ref(&self) -> iop_domain::ActorRef {
        match self.actor() {
            Some(a) => iop_domain::ActorRef::User(a.user_id),
            None => iop_domain::ActorRef::System,
        }
    }

    pub fn actor_id_string(&self) -> Option<String> {
        self.actor().map(|a| a.user_id.to_string())
    }

    pub fn actor_role(&self) -> iop_domain::audit::ActorRole {
        match &self.principal {
            Principal::Staff(a) => iop_domain::audit::ActorRole::Staff(a.role),
            Principal::System => iop_domain::audit::ActorRole::System,
        }
    }

    pub fn actor_role_str(&self) -> &'static str {
        match &self.principal {
            Principal::Staff(a) => a.role.as_str(),
            Principal::System => "system",
        }
    }
}
