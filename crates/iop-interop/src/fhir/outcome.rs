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
    /// A body that is not JSON (or not a resource) at all.
    Structure,
    Required,
    Value,
    /// A code that is not in its code system.
    CodeInvalid,
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
            Self::Structure => "structure",
            Self::Required => "required",
            Self::Value => "value",
            Self::CodeInvalid => "code-invalid",
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

    pub const ALL: [IssueType; 15] = [
        Self::Invalid,
        Self::Structure,
        Self::Required,
        Self::Value,
        Self::CodeInvalid,
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
    outcome_of(&[Issue {
        severity,
        code,
        diagnostics: diagnostics.to_string(),
        expression: expression.map(str::to_string),
    }])
}

/// One issue of an OperationOutcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub severity: IssueSeverity,
    pub code: IssueType,
    pub diagnostics: String,
    /// The FHIRPath of the element at fault, when one is.
    pub expression: Option<String>,
}

impl Issue {
    /// An error in the element at `expression`.
    pub fn error(
        code: IssueType,
        expression: impl Into<String>,
        diagnostics: impl Into<String>,
    ) -> Issue {
        Issue {
            severity: IssueSeverity::Error,
            code,
            diagnostics: diagnostics.into(),
            expression: Some(expression.into()),
        }
    }
}

/// An OperationOutcome of every issue (at least one; FHIR requires one).
pub fn outcome_of(issues: &[Issue]) -> Value {
    let mut list: Vec<Value> = issues
        .iter()
        .map(|i| {
            let mut issue = json!({
                "severity": i.severity.code(),
                "code": i.code.code(),
                "diagnostics": i.diagnostics
            });
            if let (Some(e), Some(obj)) = (&i.expression, issue.as_object_mut()) {
                obj.insert("expression".into(), json!([e]));
            }
            issue
        })
        .collect();
    if list.is_empty() {
        list.push(json!({ "severity": "information", "code": "informational", "diagnostics": "no issues" }));
    }
    json!({ "resourceType": "OperationOutcome", "issue": list })
}
