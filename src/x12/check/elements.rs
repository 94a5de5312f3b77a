//! One placed segment's elements against the guide's specs for it: presence, length, codes,
//! formats and characters through the writer's own [`check_value`], the segment's syntax rules,
//! and dates whose format a qualifier gives (DTP03 after DTP02 `D8`/`RD8`, DMG02 after DMG01).

use super::finding::CheckFinding;
use crate::rules::Rule;
use crate::rules::check::{
    BAD_CHARACTER, BAD_CODE, BAD_FORMAT, BAD_LENGTH, MISSING_ELEMENT, SYNTAX_RULE, UNUSED_ELEMENT,
};
use crate::x12::element::is_date;
use crate::x12::grammar::{ElementDef, Requirement, SegmentDef};
use crate::x12::{ElementProblem, Segment, check_value};

/// The guide's name of the element that says how the next one holds a date.
const FORMAT_QUALIFIER: &str = "Date Time Period Format Qualifier";

/// Checks every element of `seg`, placed in `loop_id` as `def`. Called once a segment from
/// `Checker::segment` only: `#[inline]` lets it be inlined there whichever codegen unit each
/// lands in (measured: out of line it costs `ecm check` a few percent in instruction-cache
/// misses).
#[inline]
pub(super) fn check_elements(
    seg: &Segment<'_>,
    def: &'static SegmentDef,
    loop_id: &'static str,
    emit: &mut dyn FnMut(CheckFinding),
) {
    let at = |rule: &'static Rule, designator: &str, message: String| {
        CheckFinding::at(rule, seg.position(), def.id, Some(loop_id), message).element(designator)
    };
    // The ISA's fields are fixed width (trailing spaces are padding), and ISA11/ISA16 are
    // separator characters by definition: the tokenizer has already checked both.
    let isa = def.id == "ISA";
    let mut present: u64 = 0;
    let count = seg.element_count().max(def.elements.len());
    for n in 1..=count {
        let value = seg.element(n);
        let Some(edef) = def.elements.get(n - 1) else {
            if !value.is_empty() {
                let designator = format!("{}{n:02}", def.id);
                emit(at(
                    &UNUSED_ELEMENT,
                    &designator,
                    format!(
                        "{designator} holds a value, but the guide defines only {} elements for {}",
                        def.elements.len(),
                        def.id
                    ),
                ));
            }
            continue;
        };
        if !value.is_empty() && n < 64 {
            present |= 1 << n;
        }
        if isa && (n == 11 || n == 16) {
            continue;
        }
        if edef.is_composite() {
            if value.is_empty() {
                if edef.usage == Requirement::Required {
                    emit(at(&MISSING_ELEMENT, edef.id, missing(edef)));
                }
                continue;
            }
            for (c, part) in seg.components(n).enumerate() {
                match edef.components.get(c) {
                    Some(cdef) => {
                        simple(cdef, part, seg, false, &mut |r, m| emit(at(r, cdef.id, m)))
                    }
                    None if part.is_empty() => {}
                    None => {
                        let designator = format!("{}-{}", edef.id, c + 1);
                        emit(at(
                            &UNUSED_ELEMENT,
                            &designator,
                            format!(
                                "{designator} holds a value, but the guide defines only {} components for {}",
                                edef.components.len(),
                                edef.id
                            ),
                        ));
                    }
                }
            }
            let given = seg.components(n).count();
            for cdef in edef.components.iter().skip(given) {
                if cdef.usage == Requirement::Required {
                    emit(at(&MISSING_ELEMENT, cdef.id, missing(cdef)));
                }
            }
        } else {
            simple(edef, value, seg, isa, &mut |r, m| emit(at(r, edef.id, m)));
            if edef.name == FORMAT_QUALIFIER
                && let Some(next) = def.elements.get(n)
                && let Some(problem) = qualified_date(value, seg.element(n + 1))
            {
                emit(at(
                    &BAD_FORMAT,
                    next.id,
                    format!("{} ({}) {problem}", next.id, next.name),
                ));
            }
        }
    }
    for rule in def.syntax {
        if !rule.holds(|p| p < 64 && present & (1 << p) != 0) {
            emit(CheckFinding::at(
                &SYNTAX_RULE,
                seg.position(),
                def.id,
                Some(loop_id),
                format!("{}: {rule}", def.id),
            ));
        }
    }
}

/// Checks one simple element (or component) value, reporting through `report(rule, message)`.
fn simple(
    def: &ElementDef,
    value: &str,
    seg: &Segment<'_>,
    padded: bool,
    report: &mut dyn FnMut(&'static Rule, String),
) {
    if value.is_empty() {
        if def.usage == Requirement::Required {
            report(&MISSING_ELEMENT, missing(def));
        }
        return;
    }
    let Err(problem) = check_value(def, value, &seg.delimiters(), padded) else {
        return;
    };
    let name = format!("{} ({})", def.id, def.name);
    let (rule, message) = match problem {
        ElementProblem::TooLong { len, .. } | ElementProblem::TooShort { len, .. } => (
            &BAD_LENGTH,
            format!(
                "{name} is {len} characters long; the guide allows {} to {}",
                def.min_len, def.max_len
            ),
        ),
        ElementProblem::NotUsed => (
            &UNUSED_ELEMENT,
            format!("{name} holds a value, but the guide marks it not used here"),
        ),
        p @ ElementProblem::NotACode(_) => (&BAD_CODE, format!("{name} {p}")),
        p @ (ElementProblem::NotANumber
        | ElementProblem::NotADecimal
        | ElementProblem::PointLast
        | ElementProblem::BadDate
        | ElementProblem::BadShortDate
        | ElementProblem::BadTime) => (&BAD_FORMAT, format!("{name} {p}")),
        ElementProblem::Missing => (&MISSING_ELEMENT, missing(def)),
        p @ ElementProblem::Syntax(_) => (&SYNTAX_RULE, format!("{name} {p}")),
        ElementProblem::Delimiter(c) => (
            &BAD_CHARACTER,
            format!(
                "{name} contains {c:?}, one of this interchange's delimiters; a composite needs the ISA16 component separator {:?}",
                char::from(seg.delimiters().component())
            ),
        ),
        p @ (ElementProblem::NonPrintable(_)
        | ElementProblem::NonAscii(_)
        | ElementProblem::TrailingSpace) => (&BAD_CHARACTER, format!("{name} {p}")),
    };
    report(rule, message);
}

fn missing(def: &ElementDef) -> String {
    format!("{} ({}) is required but empty", def.id, def.name)
}

/// What is wrong with a date whose format the qualifier `format` gives, if anything.
fn qualified_date(format: &str, value: &str) -> Option<&'static str> {
    let day = |v: &str| v.len() == 8 && is_date(v);
    match format {
        _ if value.is_empty() => None,
        "D8" if !day(value) => Some("is not a real date in CCYYMMDD form (format D8)"),
        "RD8" => match value.split_once('-') {
            Some((from, to)) if day(from) && day(to) => {
                (from > to).then_some("ends before it starts (format RD8)")
            }
            _ => Some("is not a date range CCYYMMDD-CCYYMMDD of real dates (format RD8)"),
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_their_format_qualifier() {
        assert_eq!(qualified_date("D8", "20240229"), None);
        assert!(qualified_date("D8", "20230229").is_some());
        assert!(qualified_date("D8", "240229").is_some());
        assert_eq!(qualified_date("RD8", "20240101-20240131"), None);
        assert!(qualified_date("RD8", "20240131-20240101").is_some());
        assert!(qualified_date("RD8", "20240101").is_some());
        assert_eq!(qualified_date("DT", "anything"), None);
        assert_eq!(qualified_date("D8", ""), None);
    }
}
