//! Any bytes, read as (lossy) UTF-8, must tokenize or be refused without a panic, and so
//! must the envelope check (ISA/GS/ST frames) of whatever tokenized. Also checks what a
//! successful tokenization promises: segments numbered 1.. in order, on lines that
//! never go backwards, the first one the ISA.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(tokens) = iop_interop::x12::tokenize(&text) else {
        return;
    };
    assert_eq!(tokens.segments.first().map(|s| s.id()), Some("ISA"));
    let mut last_line = 0;
    for (i, seg) in tokens.segments.iter().enumerate() {
        assert_eq!(seg.number, i + 1);
        assert!(seg.line >= last_line, "segment lines go backwards");
        last_line = seg.line;
        // Element and component access past the end must be "" / empty, not a panic.
        let _ = seg.element(seg.len() + 1);
        let _ = seg.components(1);
    }
    assert!(tokens.end_line >= last_line);
    if let Ok(sets) = iop_interop::x12::transactions(&tokens) {
        for set in sets {
            assert_eq!(set.segments.first().map(|s| s.id()), Some("ST"));
            assert_eq!(set.segments.last().map(|s| s.id()), Some("SE"));
        }
    }
});
