//! Any bytes, read as (lossy) UTF-8, must come back from `parse_835` as a remittance or
//! a located error: never a panic, overflow or out-of-bounds slice.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = iop_interop::x12::parse_835(&text);
});
