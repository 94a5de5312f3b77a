//! The shape of an X12 implementation guide as data: loops holding segments (in guide order) and
//! child loops, segments holding element specs. The 837P grammar itself is generated into
//! `p837_grammar.rs`; the writer validates against it and a reader walks it (see `LoopCursor`).

use std::fmt;

/// A loop or segment that may repeat without a stated limit (the guide's `>1`).
pub const UNBOUNDED: u32 = u32::MAX;

/// Whether the implementation guide requires an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// `R`: always present.
    Required,
    /// `S`: present when the guide's situation applies.
    Situational,
    /// `N`: never sent under this guide.
    NotUsed,
}

impl Requirement {
    /// The guide's one-letter code.
    pub fn code(self) -> &'static str {
        match self {
            Requirement::Required => "R",
            Requirement::Situational => "S",
            Requirement::NotUsed => "N",
        }
    }
}

/// An X12 data element type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataType {
    /// `AN`: printable text.
    Alphanumeric,
    /// `ID`: a code from a list.
    Identifier,
    /// `Nn`: an integer with `n` implied decimal places (lengths count digits only).
    Numeric(u8),
    /// `R`: a decimal number with an optional point (lengths count digits only).
    Decimal,
    /// `DT`: a date, `CCYYMMDD` (or `YYMMDD` in the ISA).
    Date,
    /// `TM`: a time, `HHMM`, `HHMMSS` or `HHMMSSd..`.
    Time,
    /// A composite of component elements.
    Composite,
}

impl DataType {
    /// The standard's code (`AN`, `ID`, `N0`, `R`, `DT`, `TM`; `C` for a composite).
    pub fn code(self) -> &'static str {
        match self {
            DataType::Alphanumeric => "AN",
            DataType::Identifier => "ID",
            DataType::Numeric(0) => "N0",
            DataType::Numeric(1) => "N1",
            DataType::Numeric(_) => "N2",
            DataType::Decimal => "R",
            DataType::Date => "DT",
            DataType::Time => "TM",
            DataType::Composite => "C",
        }
    }

    /// Whether lengths count digits only (sign and decimal point excluded).
    pub fn is_numeric(self) -> bool {
        matches!(self, DataType::Numeric(_) | DataType::Decimal)
    }
}

/// One element (or one component of a composite) as the guide specifies it in one segment of one loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElementDef {
    /// Reference designator: `NM103`, or `SV101-2` for a component.
    pub id: &'static str,
    /// The guide's name for it here (`Subscriber Last Name`).
    pub name: &'static str,
    pub usage: Requirement,
    pub data_type: DataType,
    pub min_len: u16,
    pub max_len: u16,
    /// The codes the guide allows; empty when any value of the type is allowed (or the list is external).
    pub codes: &'static [&'static str],
    /// A composite's components, in order; empty for a simple element.
    pub components: &'static [ElementDef],
}

impl ElementDef {
    /// Whether this is a composite.
    pub fn is_composite(&self) -> bool {
        !self.components.is_empty()
    }
}

/// The kinds of X12 syntax rule between elements of one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyntaxKind {
    /// `P`: all of them or none.
    Paired,
    /// `R`: at least one of them.
    RequiredOne,
    /// `C`: if the first is present, all the others are too.
    Conditional,
    /// `E`: at most one of them.
    Exclusion,
    /// `L`: if the first is present, at least one of the others is too.
    ListConditional,
}

/// A syntax rule such as `P0809` (NM108 and NM109 together or not at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxRule {
    pub kind: SyntaxKind,
    /// 1-based element positions; for `C` and `L` the first one is the condition.
    pub elements: &'static [u8],
}

impl SyntaxRule {
    /// Whether elements present as `is_present(position)` satisfy the rule.
    pub fn holds(&self, is_present: impl Fn(u8) -> bool) -> bool {
        let present = self.elements.iter().filter(|&&p| is_present(p)).count();
        let first = self.elements.first().is_some_and(|&p| is_present(p));
        match self.kind {
            SyntaxKind::Paired => present == 0 || present == self.elements.len(),
            SyntaxKind::RequiredOne => present > 0,
            SyntaxKind::Conditional => !first || present == self.elements.len(),
            SyntaxKind::Exclusion => present <= 1,
            SyntaxKind::ListConditional => !first || present > 1,
        }
    }
}

impl fmt::Display for SyntaxRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self.elements.iter().map(|p| format!("{p:02}")).collect();
        let list = names.join(", ");
        match self.kind {
            SyntaxKind::Paired => write!(f, "elements {list} go together: all or none"),
            SyntaxKind::RequiredOne => write!(f, "at least one of elements {list} is required"),
            SyntaxKind::Conditional => {
                write!(f, "when element {} is present, {list} all are", names[0])
            }
            SyntaxKind::Exclusion => write!(f, "at most one of elements {list} may be present"),
            SyntaxKind::ListConditional => {
                write!(
                    f,
                    "when element {} is present, another of {list} is too",
                    names[0]
                )
            }
        }
    }
}

/// Where the code that tells same-named segments (and loops) apart sits: `NM101`, `HL03`, `HI01-1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Qualifier {
    /// 1-based element position.
    pub element: u8,
    /// 1-based component position, 0 for a simple element.
    pub component: u8,
}

/// One segment as the guide places it in one loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentDef {
    /// `NM1`, `CLM`, ...
    pub id: &'static str,
    /// The guide's name for it here (`Subscriber Name`).
    pub name: &'static str,
    pub usage: Requirement,
    /// How many times it may repeat in one loop instance ([`UNBOUNDED`] for `>1`).
    pub max_use: u32,
    /// The element whose code identifies it, when the guide lists codes there.
    pub qualifier: Option<Qualifier>,
    pub syntax: &'static [SyntaxRule],
    pub elements: &'static [ElementDef],
}

/// A segment as a reader sees it: its id and its raw elements (`elements[0]` is element 01).
#[derive(Debug, Clone, Copy)]
pub struct SegmentRef<'a> {
    pub id: &'a str,
    pub elements: &'a [&'a str],
    pub component_separator: char,
}

impl SegmentRef<'_> {
    /// The value at a 1-based element position and (for `component > 0`) component position.
    pub fn value(&self, element: u8, component: u8) -> Option<&str> {
        let raw = *self.elements.get(usize::from(element).checked_sub(1)?)?;
        if component == 0 {
            return Some(raw);
        }
        raw.split(self.component_separator)
            .nth(usize::from(component) - 1)
    }
}

impl SegmentDef {
    /// The codes that identify this segment (empty when it has no qualifier).
    pub fn qualifier_codes(&self) -> &'static [&'static str] {
        let Some(q) = self.qualifier else { return &[] };
        let Some(el) = self.elements.get(usize::from(q.element) - 1) else {
            return &[];
        };
        if q.component == 0 {
            el.codes
        } else {
            el.components
                .get(usize::from(q.component) - 1)
                .map_or(&[], |c| c.codes)
        }
    }

    /// Whether a segment read from a file is this one (same id, and an identifying code when there is one).
    pub fn matches(&self, seg: &SegmentRef<'_>) -> bool {
        if seg.id != self.id {
            return false;
        }
        match self.qualifier {
            None => true,
            Some(q) => seg
                .value(q.element, q.component)
                .is_some_and(|v| self.qualifier_codes().contains(&v)),
        }
    }

    /// Whether this is the segment with `id` identified by `code` (or with no qualifier, when `None`).
    pub fn is(&self, id: &str, code: Option<&str>) -> bool {
        self.id == id
            && match code {
                None => true,
                Some(c) => self.qualifier_codes().contains(&c),
            }
    }
}

/// One loop: its segments in guide order, then its child loops, then (for the envelope and the
/// transaction) its trailer segments (SE, GE, IEA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopDef {
    /// `2010BA`; the envelope levels are `ISA_LOOP`, `GS_LOOP`, `ST_LOOP`, as pyx12 names them.
    pub id: &'static str,
    /// `Subscriber Name`.
    pub name: &'static str,
    pub usage: Requirement,
    /// How many times the loop may repeat under one parent ([`UNBOUNDED`] for `>1`).
    pub max_repeat: u32,
    /// The first one opens the loop.
    pub segments: &'static [SegmentDef],
    pub children: &'static [LoopDef],
    pub trailer: &'static [SegmentDef],
}

impl LoopDef {
    /// The segment that opens the loop.
    pub fn first_segment(&self) -> &'static SegmentDef {
        // Every generated loop has at least one segment (tested below).
        &self.segments[0]
    }

    /// Whether `seg` opens (a new repeat of) this loop.
    pub fn starts_with(&self, seg: &SegmentRef<'_>) -> bool {
        self.segments.first().is_some_and(|d| d.matches(seg))
    }

    /// The child loop that `seg` opens, if any.
    pub fn child_for(&self, seg: &SegmentRef<'_>) -> Option<&'static LoopDef> {
        self.children.iter().find(|c| c.starts_with(seg))
    }

    /// The definition of `seg` among this loop's own segments after the first, or its trailer.
    pub fn segment_for(&self, seg: &SegmentRef<'_>) -> Option<&'static SegmentDef> {
        self.segments
            .iter()
            .skip(1)
            .chain(self.trailer)
            .find(|d| d.matches(seg))
    }

    /// This loop's segment (first, later or trailer) with `id` identified by `code`.
    pub fn segment(&self, id: &str, code: Option<&str>) -> Option<&'static SegmentDef> {
        self.segments
            .iter()
            .chain(self.trailer)
            .find(|d| d.is(id, code))
    }

    /// The first loop with this id, depth first, starting with this one.
    pub fn find(&'static self, id: &str) -> Option<&'static LoopDef> {
        if self.id == id {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(id))
    }

    /// Calls `f(depth, loop)` for this loop and every loop below it, in guide order.
    pub fn walk(&'static self, f: &mut impl FnMut(usize, &'static LoopDef)) {
        fn go(l: &'static LoopDef, depth: usize, f: &mut impl FnMut(usize, &'static LoopDef)) {
            f(depth, l);
            for c in l.children {
                go(c, depth + 1, f);
            }
        }
        go(self, 0, f);
    }
}

/// The loop a segment read inside `current` belongs to: `current` itself (a later segment of it),
/// one of its child loops (the segment opens it), or `None` when it closes `current` (the caller
/// then asks the parent; [`super::LoopCursor`] does that bookkeeping).
pub fn loop_for_segment(
    current: &'static LoopDef,
    seg: &SegmentRef<'_>,
) -> Option<&'static LoopDef> {
    if current.segment_for(seg).is_some() {
        Some(current)
    } else {
        current.child_for(seg)
    }
}

// Compact constructors for the generated grammar.

pub(crate) const fn e(
    id: &'static str,
    name: &'static str,
    usage: Requirement,
    data_type: DataType,
    min_len: u16,
    max_len: u16,
    codes: &'static [&'static str],
) -> ElementDef {
    ElementDef {
        id,
        name,
        usage,
        data_type,
        min_len,
        max_len,
        codes,
        components: &[],
    }
}

pub(crate) const fn c(
    id: &'static str,
    name: &'static str,
    usage: Requirement,
    components: &'static [ElementDef],
) -> ElementDef {
    ElementDef {
        id,
        name,
        usage,
        data_type: DataType::Composite,
        min_len: 0,
        max_len: 0,
        codes: &[],
        components,
    }
}

pub(crate) const fn q(element: u8, component: u8) -> Qualifier {
    Qualifier { element, component }
}

pub(crate) const fn syn(kind: SyntaxKind, elements: &'static [u8]) -> SyntaxRule {
    SyntaxRule { kind, elements }
}

pub(crate) const fn s(
    id: &'static str,
    name: &'static str,
    usage: Requirement,
    max_use: u32,
    qualifier: Option<Qualifier>,
    syntax: &'static [SyntaxRule],
    elements: &'static [ElementDef],
) -> SegmentDef {
    SegmentDef {
        id,
        name,
        usage,
        max_use,
        qualifier,
        syntax,
        elements,
    }
}

#[cfg(test)]
mod tests {
    use super::super::p837_grammar::P837;
    use super::*;

    fn seg<'a>(id: &'a str, elements: &'a [&'a str]) -> SegmentRef<'a> {
        SegmentRef {
            id,
            elements,
            component_separator: ':',
        }
    }

    #[test]
    fn every_loop_has_an_opening_segment_and_unique_segment_identities() {
        P837.walk(&mut |_, l| {
            assert!(!l.segments.is_empty(), "{} has no segments", l.id);
            // Two definitions of one segment id in a loop must be told apart by their codes
            // (the guide lets a few lists overlap, e.g. PWK*CT in 2400: the first in order wins).
            for (i, a) in l.segments.iter().enumerate() {
                for b in &l.segments[i + 1..] {
                    if a.id == b.id {
                        let (ca, cb) = (a.qualifier_codes(), b.qualifier_codes());
                        assert!(
                            !ca.is_empty() && !cb.is_empty() && ca != cb,
                            "{}: {} and {} overlap",
                            l.id,
                            a.name,
                            b.name
                        );
                    }
                }
            }
        });
    }

    #[test]
    fn covers_the_loops_a_reader_meets() {
        let mut ids = Vec::new();
        P837.walk(&mut |_, l| ids.push(l.id));
        for id in [
            "ISA_LOOP", "GS_LOOP", "ST_LOOP", "1000A", "1000B", "2000A", "2010AA", "2010AB",
            "2010AC", "2000B", "2010BA", "2010BB", "2000C", "2010CA", "2300", "2310A", "2310B",
            "2310C", "2310D", "2310E", "2310F", "2320", "2330A", "2330G", "2400", "2410", "2420A",
            "2420H", "2430", "2440",
        ] {
            assert!(ids.contains(&id), "{id} missing");
        }
    }

    #[test]
    fn loops_are_found_by_their_opening_segment() {
        let b = P837.find("2000B").unwrap();
        assert_eq!(b.name, "Subscriber Hierarchical Level");
        let c = b.child_for(&seg("HL", &["3", "2", "23", "0"])).unwrap();
        assert_eq!(c.id, "2000C");
        let ba = loop_for_segment(b, &seg("NM1", &["IL", "1", "DOE"])).unwrap();
        assert_eq!(ba.id, "2010BA");
        assert_eq!(
            loop_for_segment(ba, &seg("DMG", &["D8"])).unwrap().id,
            "2010BA"
        );
        assert!(loop_for_segment(ba, &seg("NM1", &["PR"])).is_none());
        let clm = P837.find("2300").unwrap();
        let hi = clm.segment_for(&seg("HI", &["ABK:Z5900"])).unwrap();
        assert_eq!(hi.name, "Health Care Diagnosis Code");
        let cond = clm.segment_for(&seg("HI", &["BG:01"])).unwrap();
        assert_eq!(cond.name, "Condition Information");
    }

    #[test]
    fn syntax_rules_read_as_the_standard_says() {
        let p = SyntaxRule {
            kind: SyntaxKind::Paired,
            elements: &[8, 9],
        };
        assert!(p.holds(|_| false));
        assert!(p.holds(|_| true));
        assert!(!p.holds(|e| e == 8));
        let c = SyntaxRule {
            kind: SyntaxKind::Conditional,
            elements: &[11, 10],
        };
        assert!(c.holds(|e| e == 10));
        assert!(!c.holds(|e| e == 11));
        assert_eq!(p.to_string(), "elements 08, 09 go together: all or none");
    }
}
