//! The words 42 CFR Part 2 (as amended by the 2024 final rule, 89 FR 12472) puts on
//! consents and on what is disclosed under them. The regulation gives them; they are
//! copied, not paraphrased. Sources are in docs/consent.md.

use crate::consent::{Consent, Recipient};

/// Which §2.32 statement goes with a disclosure; stored on each disclosure log row.
pub const NOTICE_VERSION: &str = "2.32(a)(1)-2024";

/// §2.32(a)(1), "Statement 1", word for word: every disclosure made with the patient's
/// written consent carries it, with a copy of the consent (§2.32(b)).
pub const NOTICE: &str = "This record which has been disclosed to you is protected by \
Federal confidentiality rules (42 CFR part 2). These rules prohibit you from using or \
disclosing this record, or testimony that describes the information contained in this \
record, in any civil, criminal, administrative, or legislative proceedings by any \
Federal, State, or local authority, against the patient, unless authorized by the \
consent of the patient, except as provided at 42 CFR 2.12(c)(5) or as authorized by a \
court in accordance with 42 CFR 2.64 or 2.65. In addition, the Federal rules prohibit \
you from making any other use or disclosure of this record unless at least one of the \
following applies:
(i) Further use or disclosure is expressly permitted by the written consent of the \
individual whose information is being disclosed in this record or as otherwise \
permitted by 42 CFR part 2.
(ii) You are a covered entity or business associate and have received the record for \
treatment, payment, or health care operations, or
(iii) You have received the record from a covered entity or business associate as \
permitted by 45 CFR part 164, subparts A and E.
A general authorization for the release of medical or other information is NOT \
sufficient to meet the required elements of written consent to further use or \
redisclose the record (see 42 CFR 2.31).";

/// §2.32(a)(2), "Statement 2": the short form the regulation allows in place of
/// Statement 1, where space is short.
pub const SHORT_NOTICE: &str =
    "42 CFR part 2 prohibits unauthorized use or disclosure of these records.";

/// §2.31(a)(4)(i): how a single consent for all future uses and disclosures for
/// treatment, payment and health care operations may describe its recipients.
pub const TPO_RECIPIENTS: &str =
    "my treating providers, health plans, third-party payers, and people helping to operate this program";

/// §2.31(a): a sufficient description of the purpose of a TPO consent.
pub const TPO_PURPOSE: &str = "for treatment, payment, and health care operations";

/// §2.31(a)(4)(iii): the statement a consent carries when a recipient is a covered
/// entity or business associate receiving for treatment, payment or operations.
pub const HIPAA_REDISCLOSURE: &str = "The patient's record (or information contained in \
the record) may be redisclosed in accordance with the permissions contained in the HIPAA \
regulations, except for uses and disclosures for civil, criminal, administrative, and \
legislative proceedings against the patient.";

/// Whether the consent must carry [`HIPAA_REDISCLOSURE`]: a TPO consent naming a payer
/// (a health plan is always a covered entity) or a class of recipients (treating
/// providers are covered entities; those helping the program operate are business
/// associates). Relatives are neither.
pub fn needs_redisclosure_statement(c: &Consent) -> bool {
    c.tpo
        && c.recipients
            .iter()
            .any(|r| matches!(r.recipient, Recipient::Payer(_) | Recipient::Class(_)))
}

/// Where a program's state sets no other age, a patient comes of age at 18.
pub const DEFAULT_AGE_OF_MAJORITY: i32 = 18;

/// A new program's notice of privacy practices is the one revised for the 2024 rule's
/// compliance date; the program sets its own version when it revises the notice.
pub const DEFAULT_PRIVACY_NOTICE_VERSION: &str = "2026-02-16";
