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

/// Whether a field holds one line (a name, a reason, a goal) or several (a note's
/// narrative). Only several lines take newlines and tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Line,
    Lines,
}

/// Why a field's text is refused; shown after the field's name ("the reason must be on
/// one line").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadField {
    #[error("is required")]
    Empty,
    #[error("must have at most {max} characters (it has {len})")]
    TooLong { max: usize, len: usize },
    #[error("must be on one line: it contains a line break or a tab")]
    Break,
    #[error("{0}")]
    Text(#[from] BadText),
}

/// A field's text, trimmed: refused when empty, longer than `max` characters, holding a
/// character no field accepts, or (for a one-line field) a newline or tab.
pub fn field(raw: &str, shape: Shape, max: usize) -> Result<&str, BadField> {
    let v = raw.trim();
    check(v)?;
    if shape == Shape::Line && v.contains(['\n', '\r', '\t']) {
        return Err(BadField::Break);
    }
    if v.is_empty() {
        return Err(BadField::Empty);
    }
    let len = v.chars().count();
    if len > max {
        return Err(BadField::TooLong { max, len });
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_one_line_field_refuses_a_line_break_or_tab_and_says_so() {
        assert_eq!(field("Ana\nLópez", Shape::Line, 60), Err(BadField::Break));
        assert_eq!(field("a\tb", Shape::Line, 60), Err(BadField::Break));
        assert_eq!(
            field("first\n\nsecond", Shape::Lines, 60),
            Ok("first\n\nsecond")
        );
        assert_eq!(field("  Ana  ", Shape::Line, 60), Ok("Ana"), "trimmed");
        assert!(BadField::Break.to_string().contains("one line"));
    }

    #[test]
    fn a_field_names_its_length_limit_and_what_it_holds() {
        assert_eq!(field("   ", Shape::Line, 5), Err(BadField::Empty));
        assert_eq!(
            field("abcdef", Shape::Line, 5),
            Err(BadField::TooLong { max: 5, len: 6 })
        );
        assert_eq!(
            field("ñññññ", Shape::Line, 5),
            Ok("ñññññ"),
            "characters, not bytes"
        );
        assert_eq!(
            field("x\u{202E}", Shape::Lines, 50),
            Err(BadField::Text(BadText::Bidi(0x202E))),
            "a direction override is named before the length"
        );
    }

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

        #[test]
        fn an_accepted_one_line_field_is_trimmed_within_its_limit_and_unbroken(s in "\\PC{0,80}", max in 1usize..60) {
            if let Ok(v) = field(&s, Shape::Line, max) {
                prop_assert!(!v.is_empty() && v.chars().count() <= max);
                prop_assert!(!v.contains(['\n', '\r', '\t']));
                prop_assert_eq!(v, v.trim());
            }
        }
    }
}
