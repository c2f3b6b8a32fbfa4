//! Splits an X12 interchange into segments and elements, with the separators the ISA
//! header declares. Knows nothing of loops or transaction sets; `envelope` checks the
//! ISA/GS/ST frames and the transaction readers give the segments meaning.
//!
//! A hand-written tokenizer rather than `x12-stream-parser` or `edi`: neither reports the
//! physical line of a segment, and the first wants the separators given in advance.

use super::error::ParseError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Separators {
    pub element: char,
    pub component: char,
    /// ISA11 from version 00501 on; older headers put the letter `U` there.
    pub repetition: Option<char>,
    pub segment: char,
}

/// One segment: its id and elements, where it was, and how to split its composites.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment<'a> {
    /// Index 0 is the segment id, so `elements[n]` is element n as the guides number it.
    elements: Vec<&'a str>,
    component: char,
    /// 1-based count from the ISA.
    pub number: usize,
    /// 1-based physical line where the segment starts.
    pub line: usize,
}

impl<'a> Segment<'a> {
    pub fn id(&self) -> &'a str {
        self.elements.first().copied().unwrap_or("")
    }

    /// Element `n` (1-based), or "" when the segment stops before it.
    pub fn element(&self, n: usize) -> &'a str {
        self.elements.get(n).copied().unwrap_or("")
    }

    /// How many elements follow the id, trailing empty ones included.
    pub fn len(&self) -> usize {
        self.elements.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The components of composite element `n`; a plain element is one component.
    pub fn components(&self, n: usize) -> Vec<&'a str> {
        self.element(n).split(self.component).collect()
    }

    /// An error located at this segment.
    pub fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            segment: self.number,
            line: self.line,
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Tokens<'a> {
    pub separators: Separators,
    pub segments: Vec<Segment<'a>>,
    /// Where a segment after the last one would start: the place to report truncation.
    pub end_line: usize,
}

impl Tokens<'_> {
    /// An error just past the last segment (a file that stops too early).
    pub fn error_at_end(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            segment: self.segments.len() + 1,
            line: self.end_line,
            message: message.into(),
        }
    }
}

fn err(segment: usize, line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        segment,
        line,
        message: message.into(),
    }
}

/// Any ASCII character but letters, digits and space; some senders use control
/// characters such as 0x1D. Line breaks may only end a segment.
fn usable_separator(c: char) -> bool {
    c.is_ascii() && !c.is_ascii_alphanumeric() && c != ' '
}

fn usable_inside(c: char) -> bool {
    usable_separator(c) && c != '\n' && c != '\r'
}

/// Reads the separators from the ISA header at the start of `text` (whitespace already
/// skipped); returns them and the byte length of the ISA including its terminator.
fn read_isa(text: &str, line: usize) -> Result<(Separators, usize), ParseError> {
    let bad = |m: &str| err(1, line, m);
    if !text.starts_with("ISA") {
        return Err(bad("expected the file to start with an ISA header"));
    }
    let mut chars = text.char_indices().skip(3);
    let Some((_, element)) = chars.next() else {
        return Err(bad("the ISA header stops after its id"));
    };
    if !usable_inside(element) {
        return Err(bad(&format!(
            "{element:?} cannot be an element separator (ISA byte 4)"
        )));
    }
    // ISA16 is the character after the 16th element separator and the segment terminator
    // follows it: counting separators tolerates headers whose padding is off by one.
    let mut seen = 1;
    let mut component = None;
    let mut segment = None;
    for (i, c) in chars {
        if seen < 16 {
            if c == '\n' || c == '\r' {
                return Err(bad("the ISA header is broken by a line break"));
            }
            if c == element {
                seen += 1;
            }
        } else if component.is_none() {
            component = Some(c);
        } else {
            segment = Some((c, i + c.len_utf8()));
            break;
        }
    }
    let (Some(component), Some((segment, isa_len))) = (component, segment) else {
        return Err(bad(
            "the ISA header is incomplete: it needs 16 elements and a terminator",
        ));
    };
    let isa11 = text[..isa_len].split(element).nth(11).unwrap_or("");
    let repetition = match isa11.chars().collect::<Vec<_>>().as_slice() {
        [c] if usable_inside(*c) => Some(*c),
        _ => None,
    };
    if !usable_inside(component) {
        return Err(bad(&format!(
            "{component:?} cannot be a component separator (ISA16)"
        )));
    }
    if !usable_separator(segment) {
        return Err(bad(&format!(
            "{segment:?} cannot be a segment terminator (the character after ISA16)"
        )));
    }
    let mut all = vec![element, component, segment];
    all.extend(repetition);
    let mut distinct = all.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() != all.len() {
        return Err(bad("the ISA header uses one character for two separators"));
    }
    let separators = Separators {
        element,
        component,
        repetition,
        segment,
    };
    Ok((separators, isa_len))
}

fn segment_at<'a>(
    raw: &'a str,
    sep: &Separators,
    number: usize,
    line: usize,
) -> Result<Segment<'a>, ParseError> {
    if raw.contains(['\r', '\n']) {
        return Err(err(
            number,
            line,
            "a line break inside a segment (a segment terminator missing?)",
        ));
    }
    let elements: Vec<&str> = raw.split(sep.element).collect();
    let id = elements.first().copied().unwrap_or("");
    let id_ok = (2..=3).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_uppercase())
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !id_ok {
        let shown: String = id.chars().take(10).collect();
        return Err(err(number, line, format!("{shown:?} is not a segment id")));
    }
    Ok(Segment {
        elements,
        component: sep.component,
        number,
        line,
    })
}

/// Splits `input` into segments. Line breaks (LF or CRLF) and a byte-order mark may sit
/// before the ISA and after any terminator; anywhere else they are an error.
pub fn tokenize(input: &str) -> Result<Tokens<'_>, ParseError> {
    let mut line = 1;
    let start = input.trim_start_matches(|c: char| {
        if c == '\n' {
            line += 1;
        }
        c.is_whitespace() || c == '\u{feff}'
    });
    if start.is_empty() {
        return Err(err(1, 1, "the file is empty; expected an ISA header"));
    }
    let (separators, isa_len) = read_isa(start, line)?;
    let isa_raw = &start[..isa_len - separators.segment.len_utf8()];
    let mut segments = vec![segment_at(isa_raw, &separators, 1, line)?];
    if separators.segment == '\n' {
        line += 1;
    }
    let rest = &start[isa_len..];
    let mut pieces = rest.split(separators.segment).peekable();
    while let Some(piece) = pieces.next() {
        let is_last = pieces.peek().is_none();
        let body = piece.trim_start_matches(|c: char| {
            if c == '\n' {
                line += 1;
            }
            c == '\n' || c == '\r'
        });
        let number = segments.len() + 1;
        if is_last {
            // Text after the last terminator: only whitespace may end a file.
            if !body.trim().is_empty() {
                return Err(err(
                    number,
                    line,
                    "the last segment has no terminator (the file is truncated?)",
                ));
            }
            line += body.matches('\n').count();
            break;
        }
        if body.is_empty() {
            return Err(err(
                number,
                line,
                "an empty segment (two terminators in a row)",
            ));
        }
        segments.push(segment_at(body, &separators, number, line)?);
        if separators.segment == '\n' {
            line += 1;
        }
    }
    Ok(Tokens {
        separators,
        segments,
        end_line: line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &str = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *250106*1200*^*00501*000000001*0*T*:~";

    #[test]
    fn separators_come_from_the_isa_header() {
        let text = format!("{ISA}GS*HC~");
        let t = tokenize(&text).unwrap();
        assert_eq!(
            t.separators,
            Separators {
                element: '*',
                component: ':',
                repetition: Some('^'),
                segment: '~'
            }
        );
        assert_eq!(t.segments[1].id(), "GS");
    }

    #[test]
    fn other_separators_are_honoured() {
        let isa = ISA.replace('*', "|").replace(':', ">").replace('~', "'");
        let text = format!("{isa}\r\nSV1|HC>H0015|250'\r\n");
        let t = tokenize(&text).unwrap();
        assert_eq!(t.segments[1].components(1), vec!["HC", "H0015"]);
        assert_eq!(t.segments[1].line, 2);
    }

    #[test]
    fn segments_know_their_number_and_line_with_or_without_newlines() {
        let text = format!("\n{ISA}\nA1*x~B2*y~\r\nC3~\n");
        let t = tokenize(&text).unwrap();
        let at: Vec<(&str, usize, usize)> = t
            .segments
            .iter()
            .map(|s| (s.id(), s.number, s.line))
            .collect();
        assert_eq!(
            at,
            vec![("ISA", 1, 2), ("A1", 2, 3), ("B2", 3, 3), ("C3", 4, 4)]
        );
    }

    #[test]
    fn missing_elements_read_as_empty() {
        let text = format!("{ISA}CLP*A**3~");
        let t = tokenize(&text).unwrap();
        let s = &t.segments[1];
        assert_eq!((s.element(1), s.element(2), s.element(9)), ("A", "", ""));
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn a_segment_without_terminator_is_reported_as_truncation() {
        let e = tokenize(&format!("{ISA}\nGS*HC~\nST*83")).unwrap_err();
        assert_eq!((e.segment, e.line), (3, 3));
        assert!(e.message.contains("truncated"), "{e}");
    }

    #[test]
    fn letters_and_repeated_characters_are_refused_as_separators() {
        let e = tokenize(&ISA.replace('*', "A")).unwrap_err();
        assert!(e.message.contains("element separator"), "{e}");
        let e = tokenize(&ISA.replace(":~", "*~")).unwrap_err();
        assert_eq!(e.segment, 1);
        let e = tokenize(&ISA.replace(":~", ":A")).unwrap_err();
        assert!(e.message.contains("terminator"), "{e}");
    }

    #[test]
    fn a_short_or_foreign_header_is_an_error_not_a_panic() {
        for input in ["", "   ", "ISA", "ISA*00*", "GS*HC~", "ISA*é*", "ISA**"] {
            assert!(tokenize(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn bad_segment_ids_and_empty_segments_are_located() {
        let e = tokenize(&format!("{ISA}\nGS*HC~\nst*1~")).unwrap_err();
        assert_eq!((e.segment, e.line), (3, 3));
        let e = tokenize(&format!("{ISA}\nGS*HC~~")).unwrap_err();
        assert_eq!((e.segment, e.line), (3, 2));
    }
}
