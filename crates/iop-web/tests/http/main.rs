#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! HTTP integration tests: the real router, in-process, on a fresh database per test
//! (SQLite, or PostgreSQL when IOP_TEST_DATABASE_URL is set).

mod admissions;
mod auth;
mod bad_input;
mod billing;
mod billing_claims;
mod billing_corrections;
mod billing_integrity;
mod billing_remittance;
mod billing_self_pay;
mod calendar;
mod calendar_changes;
mod care;
mod claims;
mod clinical;
mod common;
mod consent_versions;
mod credentials;
mod episodes;
mod family;
mod fhir;
mod fhir_export;
mod fhir_plans;
mod fhir_records;
mod fhir_referral;
mod history_pages;
mod measures;
mod openapi;
mod organisation;
mod part2;
mod portal;
mod portal_account;
mod portal_common;
mod portal_mail;
mod privacy;
mod program_flows;
mod program_rules;
mod program_settings;
mod routes;
mod search;
mod session_form;
mod site_time;
mod staff_forms;
mod supervision;
mod trail;
