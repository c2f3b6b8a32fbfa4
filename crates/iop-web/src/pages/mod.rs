//! HTML pages for people. Each file is one area; handlers stay thin.

pub mod accounts;
pub mod admissions;
pub mod admit;
pub mod assets;
pub mod audit;
pub mod billing;
pub mod calendar;
pub mod census;
pub mod clinical;
pub mod consent;
pub mod dashboard;
pub mod episode;
pub mod exports;
pub mod health;
pub mod org;
pub mod portal;
pub mod portal_staff;
pub mod public;
pub mod shell;
pub mod sites;

/// Errors a page shows again with the reason, instead of an error page.
pub(crate) fn refusal(e: &iop_app::AppError) -> bool {
    use iop_app::AppError;
    matches!(
        e,
        AppError::Invalid(_) | AppError::Conflict(_) | AppError::NotFound(_)
    )
}
