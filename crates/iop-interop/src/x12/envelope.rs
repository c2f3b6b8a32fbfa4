//! The ISA/GS/ST frames of an interchange: each opened frame is closed by its trailer
//! with the right count and control number, and nothing sits outside them.

use super::error::ParseError;
use super::tokenizer::{Segment, Tokens};

/// One transaction set, ST through SE.
#[derive(Clone, Debug)]
pub struct Transaction<'t, 'a> {
    /// ST01, such as "837" or "835".
    pub set_id: &'a str,
    /// GS01 of the enclosing group, such as "HC" or "HP".
    pub functional_id: &'a str,
    /// GS08 of the enclosing group: the implementation guide, such as 005010X221A1.
    pub version: &'a str,
    /// ST through SE inclusive.
    pub segments: &'t [Segment<'a>],
}

fn count(seg: &Segment<'_>, n: usize, what: &str) -> Result<usize, ParseError> {
    let raw = seg.element(n);
    if raw.is_empty() || raw.len() > 10 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(seg.error(format!("{}{n:02} ({what}) must be a number", seg.id())));
    }
    raw.parse()
        .map_err(|_| seg.error(format!("{}{n:02} ({what}) must be a number", seg.id())))
}

/// Control numbers compare as numbers: "0001" in ST02 may come back as "1" in SE02 from
/// some senders, and both name the same set.
fn same_control(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Checks the frames and returns the transaction sets in order.
pub fn transactions<'t, 'a>(
    tokens: &'t Tokens<'a>,
) -> Result<Vec<Transaction<'t, 'a>>, ParseError> {
    let segs = tokens.segments.as_slice();
    let Some(isa) = segs.first() else {
        return Err(tokens.error_at_end("expected an ISA header"));
    };
    let mut out = Vec::new();
    let mut groups = 0;
    let mut i = 1;
    loop {
        let Some(seg) = segs.get(i) else {
            return Err(tokens.error_at_end("the file ends before its IEA trailer (truncated?)"));
        };
        match seg.id() {
            "IEA" => {
                if count(seg, 1, "number of groups")? != groups {
                    return Err(seg.error(format!(
                        "IEA01 says {} groups; the interchange has {groups}",
                        seg.element(1)
                    )));
                }
                if !same_control(seg.element(2), isa.element(13)) {
                    return Err(seg.error("IEA02 does not match the ISA13 control number"));
                }
                if let Some(extra) = segs.get(i + 1) {
                    return Err(extra.error("a segment after the IEA trailer"));
                }
                return Ok(out);
            }
            "GS" => {
                groups += 1;
                i = group(tokens, i, &mut out)?;
            }
            other => return Err(seg.error(format!("{other} outside a functional group (GS)"))),
        }
    }
}

/// Reads the group opened at `segs[start]`; returns the index after its GE.
fn group<'t, 'a>(
    tokens: &'t Tokens<'a>,
    start: usize,
    out: &mut Vec<Transaction<'t, 'a>>,
) -> Result<usize, ParseError> {
    let segs = tokens.segments.as_slice();
    let Some(gs) = segs.get(start) else {
        return Err(tokens.error_at_end("expected a GS header"));
    };
    let mut sets = 0;
    let mut i = start + 1;
    loop {
        let Some(seg) = segs.get(i) else {
            return Err(
                tokens.error_at_end("the file ends before the group's GE trailer (truncated?)")
            );
        };
        match seg.id() {
            "GE" => {
                if count(seg, 1, "number of transaction sets")? != sets {
                    return Err(seg.error(format!(
                        "GE01 says {} transaction sets; the group has {sets}",
                        seg.element(1)
                    )));
                }
                if !same_control(seg.element(2), gs.element(6)) {
                    return Err(seg.error("GE02 does not match the GS06 control number"));
                }
                return Ok(i + 1);
            }
            "ST" => {
                sets += 1;
                let end = transaction_end(tokens, i)?;
                out.push(Transaction {
                    set_id: seg.element(1),
                    functional_id: gs.element(1),
                    version: gs.element(8),
                    segments: &segs[i..=end],
                });
                i = end + 1;
            }
            other => return Err(seg.error(format!("{other} outside a transaction set (ST)"))),
        }
    }
}

/// Index of the SE closing the set opened at `segs[st]`, its count and control checked.
fn transaction_end(tokens: &Tokens<'_>, st: usize) -> Result<usize, ParseError> {
    let segs = tokens.segments.as_slice();
    let st_control = segs.get(st).map_or("", |s| s.element(2));
    for (i, seg) in segs.iter().enumerate().skip(st + 1) {
        match seg.id() {
            "SE" => {
                let actual = i - st + 1;
                if count(seg, 1, "number of segments")? != actual {
                    return Err(seg.error(format!(
                        "SE01 says {} segments; ST through SE holds {actual}",
                        seg.element(1)
                    )));
                }
                if !same_control(seg.element(2), st_control) {
                    return Err(seg.error("SE02 does not match the ST02 control number"));
                }
                return Ok(i);
            }
            "ST" | "GS" | "GE" | "ISA" | "IEA" => {
                return Err(seg.error(format!(
                    "{} before the SE closing the transaction set",
                    seg.id()
                )));
            }
            _ => {}
        }
    }
    Err(tokens.error_at_end("the file ends before the SE trailer (truncated?)"))
}

#[cfg(test)]
mod tests {
    use super::super::tokenizer::tokenize;
    use super::*;

    const ISA: &str = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *250106*1200*^*00501*000000007*0*T*:~\n";

    fn check(body: &str) -> Result<usize, ParseError> {
        let text = format!("{ISA}{body}");
        let t = tokenize(&text)?;
        transactions(&t).map(|v| v.len())
    }

    #[test]
    fn two_sets_in_one_group_are_returned_in_order() {
        let body = "GS*HP*A*B*20250106*1200*3*X*005010X221A1~\nST*835*0001~\nBPR*I~\nSE*3*0001~\nST*835*0002~\nSE*2*0002~\nGE*2*3~\nIEA*1*000000007~\n";
        assert_eq!(check(body), Ok(2));
    }

    #[test]
    fn a_wrong_se_count_is_located_at_the_se() {
        let body = "GS*HP*A*B*1*1*3*X*1~\nST*835*0001~\nSE*3*0001~\nGE*1*3~\nIEA*1*7~\n";
        let e = check(body).unwrap_err();
        assert_eq!((e.segment, e.line), (4, 4));
        assert!(e.message.contains("SE01 says 3"), "{e}");
    }

    #[test]
    fn wrong_group_and_interchange_counts_and_controls_are_errors() {
        let bad_ge = "GS*HP*A*B*1*1*3*X*1~ST*835*1~SE*2*1~GE*2*3~IEA*1*7~";
        assert!(check(bad_ge).unwrap_err().message.contains("GE01"));
        let bad_iea = "GS*HP*A*B*1*1*3*X*1~ST*835*1~SE*2*1~GE*1*3~IEA*1*8~";
        assert!(check(bad_iea).unwrap_err().message.contains("IEA02"));
    }

    #[test]
    fn a_file_cut_before_its_trailers_reports_the_place_after_the_last_segment() {
        let e = check("GS*HP*A*B*1*1*3*X*1~\nST*835*1~\nBPR*I~\n").unwrap_err();
        assert_eq!((e.segment, e.line), (5, 5));
        assert!(e.message.contains("SE"), "{e}");
    }

    #[test]
    fn segments_outside_frames_or_after_iea_are_refused() {
        assert!(check("BPR*I~").is_err());
        assert!(check("GS*HP*A*B*1*1*3*X*1~BPR*I~GE*0*3~IEA*1*7~").is_err());
        assert!(check("IEA*0*7~GS*HP~").is_err());
        assert_eq!(check("IEA*0*7~"), Ok(0));
    }
}
