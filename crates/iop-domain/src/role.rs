//! Staff roles. Portal roles (patient, family) come with the portal.

crate::code_enum! {
        pub enum Role {
            Admin,
            ClinicalDirector,
            Counselor,
            Admissions,
            Billing,
        }
}

impl Role {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// How the role is named to a person.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::ClinicalDirector => "Clinical director",
            Role::Counselor => "Counselor",
            Role::Admissions => "Admissions",
            Role::Billing => "Billing",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn every_role_round_trips_through_its_stored_name() {
        for role in Role::iter() {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("superuser".parse::<Role>().is_err());
    }
}
