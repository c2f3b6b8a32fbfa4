//! OperationOutcome: how the FHIR interface says no, and where.

use serde_json::{json, Value};

/// OperationOutcome.issue.severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueSeverity {
    Fatal,
    Error,
    Warning,
    Information,
}

impl IssueSeverity {
    pub fn code(self) -> &'static str {
        match self {
            Self::Fatal => "fatal",
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Information => "information",
        }
    }
}

/// OperationOutcome.issue.code: the kinds of failure this server reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueType {
    Invalid,
    Required,
    Value,
    Security,
    Login,
    Forbidden,
    NotFound,
    NotSupported,
    BusinessRule,
    Conflict,
    Exception,
    Throttled,
    Informational,
}

impl IssueType {
    pub fn code(self) -> &'static str {
        match self {
            Self::Invalid => "invalid",
            Self::Required => "required",
            Self::Value => "value",
            Self::Security => "security",
            Self::Login => "login",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not-found",
            Self::NotSupported => "not-supported",
            Self::BusinessRule => "business-rule",
            Self::Conflict => "conflict",
            Self::Exception => "exception",
            Self::Throttled => "throttled",
            Self::Informational => "informational",
        }
    }

    pub const ALL: [IssueType; 13] = [
        Self::Invalid,
        Self::Required,
        Self::Value,
        Self::Security,
        Self::Login,
        Self::Forbidden,
        Self::NotFound,
        Self::NotSupported,
        Self::BusinessRule,
        Self::Conflict,
        Self::Exception,
        Self::Throttled,
        Self::Informational,
    ];
}

/// One issue, with the text a person reads and, when the fault is in a sent resource,
/// the FHIRPath of the element (`Bundle.entry[2].resource.birthDate`).
pub fn operation_outcome(
    severity: IssueSeverity,
    code: IssueType,
    diagnostics: &str,
    expression: Option<&str>,
) -> Value {
    let mut issue = json!({
        "severity": severity.code(),
        "code": code.code(),
        "diagnostics": diagnostics
    });
    if let (Some(e), Some(obj)) = (expression, issue.as_object_mut()) {
        obj.insert("expression".into(), json!([e]));
    }
    json!({ "resourceType": "OperationOutcome", "issue": [issue] })
}
