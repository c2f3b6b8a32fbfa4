//! Characters no field of ours accepts: bidirectional controls (U+202A–U+202E,
//! U+2066–U+2069), which make text display in another order than it is stored (the
//! "Trojan Source" trick: a name or note that reads differently than it searches), and
//! control characters other than newline, carriage return and tab.

/// What is wrong with a text, in words a person understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadText {
    #[error("contains an invisible character that reverses the direction of text (U+{0:04X}); type the text again without it")]
    Bidi(u32),
    #[error("contains a control character (U+{0:04X}); only newlines and tabs are allowed")]
    Control(u32),
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The first character no field accepts, if any.
pub fn check(text: &str) -> Result<(), BadText> {
    for c in text.chars() {
        if is_bidi_control(c) {
            return Err(BadText::Bidi(u32::from(c)));
        }
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
            return Err(BadText::Control(u32::from(c)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn direction_overrides_and_control_characters_are_refused_with_their_code() {
        assert_eq!(check("Ana \u{202E}gnirts"), Err(BadText::Bidi(0x202E)));
        assert_eq!(check("x\u{2066}y"), Err(BadText::Bidi(0x2066)));
        assert_eq!(check("bell\u{7}"), Err(BadText::Control(7)));
        assert_eq!(check("nul\0"), Err(BadText::Control(0)));
        assert!(check("two lines\nand\ta tab\r\n").is_ok());
        assert!(
            check("José Ñúñez, 日本語, עברית").is_ok(),
            "right-to-left letters are fine"
        );
        assert!(BadText::Bidi(0x202E).to_string().contains("U+202E"));
    }

    proptest! {
        #[test]
        fn accepted_text_holds_no_refused_character(s in "\\PC*") {
            if check(&s).is_ok() {
                prop_assert!(!s.chars().any(|c| is_bidi_control(c) || (c.is_control() && !"\n\r\t".contains(c))));
            }
        }
    }
}
