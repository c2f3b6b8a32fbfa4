//! Any bytes posted as a FHIR referral Bundle must read into a referral or into issues
//! without a panic; what it promises holds: a referral has a given name and a phone, and
//! every issue names its element (a FHIRPath from `Bundle`) and says what is wrong.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match iop_interop::fhir::parse_referral_bytes(data, jiff::civil::date(2026, 12, 4)) {
        Ok(r) => {
            assert!(!r.person.given.is_empty());
            assert!(!r.person.phone.is_empty());
        }
        Err(issues) => {
            assert!(!issues.is_empty());
            for i in issues {
                assert!(i.expression.is_some_and(|e| e.starts_with("Bundle")));
                assert!(!i.diagnostics.is_empty());
            }
        }
    }
});
