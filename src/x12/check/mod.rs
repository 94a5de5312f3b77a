//! `ecm check`'s core: one pass over an 837P file that reports every finding with its place,
//! streaming (one segment in memory at a time, plus 8 bytes per claim for CLM01 uniqueness).
//!
//! The [`Tokenizer`] splits the bytes; a [`LoopCursor`] over the generated 005010X222A1 grammar
//! ([`P837`], the one the writer validates against) places each segment in its loop, and the
//! stack of open loops here records what each loop instance held, so a required segment or loop
//! that never came is reported when its loop closes. Elements are checked with the writer's own
//! [`crate::x12::check_value`]; envelopes, the HL hierarchy and claims have their own modules.
//! A segment that does not fit is reported and skipped, and checking goes on.

mod claims;
mod elements;
mod envelope;
mod finding;

pub use finding::CheckFinding;

use crate::codeset::CodeSet;
use crate::rules::check::{
    BAD_CHARACTER, BAD_HIERARCHY, BAD_ISA, BAD_SEGMENT, MISPLACED_SEGMENT, MISSING_LOOP,
    MISSING_SEGMENT, TOO_MANY_REPEATS, TRAILING_SEPARATORS, TRUNCATED,
};
use crate::x12::grammar::{LoopDef, Requirement, SegmentDef, SegmentRef};
use crate::x12::{
    GrammarError, LoopCursor, P837, Placement, Position, Segment, TokenError, TokenProblem,
    Tokenizer,
};
use claims::Claims;
use envelope::Envelopes;
use serde::Serialize;
use std::io::BufRead;

/// What one file held, counted while checking it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CheckStats {
    pub segments: u64,
    pub transactions: u64,
    pub claims: u64,
    pub lines: u64,
}

/// Why a file could not be checked at all (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum Unreadable {
    #[error("could not read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    NotX12(TokenError),
    #[error("the interchange header (ISA) cannot be read, so nothing after it can: {0}")]
    BadIsa(TokenError),
}

impl Unreadable {
    /// Whether a tokenizer error, met after `segments` segments were read, leaves no segment of
    /// the file readable, and why (`Err`) (an empty file, no ISA first, a read error such as a
    /// directory, or a first ISA whose delimiters cannot be taken); else the error back (`Ok`), for
    /// the caller to report in place. Every command that reads an X12 file whole (`ecm check`,
    /// `ecm render`) names the same cause through this.
    pub fn from_token(e: TokenError, segments: u64) -> Result<TokenError, Unreadable> {
        match e.problem {
            TokenProblem::Empty | TokenProblem::NoIsa | TokenProblem::Io(_) => {
                Err(Unreadable::NotX12(e))
            }
            // Without the first ISA's delimiters not one segment can be split.
            ref p if p.is_isa() && segments == 0 => Err(Unreadable::BadIsa(e)),
            _ => Ok(e),
        }
    }
}

/// Checks one 837P stream, calling `emit` with each finding, in segment order within each
/// transaction set.
pub fn check_837<R: BufRead>(
    input: R,
    codeset: &CodeSet,
    emit: &mut dyn FnMut(CheckFinding),
) -> Result<CheckStats, Unreadable> {
    let mut tokens = Tokenizer::new(input);
    let mut c = Checker::new(codeset, emit);
    loop {
        match tokens.next_segment() {
            Ok(Some(seg)) => {
                if !c.segment(&seg, None) {
                    break;
                }
            }
            Ok(None) => {
                c.finish();
                break;
            }
            Err(e) => match Unreadable::from_token(e, c.stats.segments)? {
                e if e.problem.is_recoverable() => {
                    // A segment read whole despite a bad byte is reported once and still
                    // placed, so what follows it is not reported as out of place.
                    let finding = c.token_finding(&e, tokens.damaged_segment().as_ref());
                    match tokens.damaged_segment() {
                        Some(seg) => {
                            if !c.segment(&seg, Some(finding)) {
                                break;
                            }
                        }
                        None => c.pending.push(finding),
                    }
                }
                e => {
                    // Reading stops here; what is still open is not reported as missing.
                    let finding = c.token_finding(&e, None);
                    c.pending.push(finding);
                    c.flush();
                    break;
                }
            },
        }
    }
    Ok(c.stats)
}

/// One open loop instance and what it has held so far.
struct Open {
    def: &'static LoopDef,
    /// Where the segment that opened it is.
    at: Position,
    /// Bit `j`: `def.segments[j]` was seen (the grammar has at most 46 per loop; tested).
    seen: u64,
    trailer_seen: u64,
    /// Bit `i`: child loop `def.children[i]` was opened.
    children: u64,
    /// For an HL loop: its HL01, whether HL04 says a child HL follows, whether one did.
    hl: Option<Hl>,
}

struct Hl {
    id: String,
    says_children: bool,
    had_children: bool,
}

fn bit(defs: &[SegmentDef], def: &SegmentDef) -> u64 {
    defs.iter()
        .position(|d| std::ptr::eq(d, def))
        .map_or(0, |j| 1 << j)
}

struct Checker<'a> {
    out: &'a mut dyn FnMut(CheckFinding),
    /// Findings of the current transaction set, handed out in segment order when it closes
    /// (a missing segment is found when its loop closes, but belongs where the loop opened).
    pending: Vec<CheckFinding>,
    cursor: LoopCursor,
    open: Vec<Open>,
    envelopes: Envelopes,
    claims: Claims<'a>,
    /// The next HL01 expected in the current transaction set.
    next_hl: u64,
    stats: CheckStats,
}

impl<'a> Checker<'a> {
    fn new(codeset: &'a CodeSet, emit: &'a mut dyn FnMut(CheckFinding)) -> Checker<'a> {
        Checker {
            out: emit,
            pending: Vec::new(),
            cursor: LoopCursor::new(&P837),
            open: Vec::new(),
            envelopes: Envelopes::default(),
            claims: Claims::new(codeset),
            next_hl: 1,
            stats: CheckStats::default(),
        }
    }

    /// Checks one segment; `false` when checking this file cannot go on. A damaged segment comes
    /// with the finding that says what is wrong with its bytes (CHK-002), which gets the loop the
    /// segment lands in; its elements are then not reported again for those characters.
    fn segment(&mut self, seg: &Segment<'_>, damage: Option<CheckFinding>) -> bool {
        self.stats.segments += 1;
        let damaged = damage.is_some();
        let pending = &mut self.pending;
        if !self.envelopes.before_placing(seg, &mut |f| pending.push(f)) {
            pending.extend(damage);
            self.flush();
            return false;
        }
        let placed = seg.with_ref(|r| {
            self.cursor
                .advance(r)
                .map_err(|e| (e, qualifier_hint(r, self.cursor.path())))
        });
        let p = match placed {
            Ok(p) => p,
            Err((e, hint)) => {
                self.pending.extend(damage);
                let loop_id = self.cursor.current().map(|l| l.id);
                self.misplaced(seg, e, hint);
                if ends_with_separator(seg) {
                    self.trailing_separators(seg, loop_id);
                }
                return true;
            }
        };
        if ends_with_separator(seg) {
            self.trailing_separators(seg, Some(p.loop_def.id));
        }
        self.pending.extend(damage.map(|mut f| {
            f.loop_id = Some(p.loop_def.id);
            f
        }));
        self.place(seg, &p);
        let pending = &mut self.pending;
        elements::check_elements(seg, p.segment, p.loop_def.id, &mut |f| {
            if !(damaged && std::ptr::eq(f.rule, &BAD_CHARACTER)) {
                pending.push(f);
            }
        });
        let emit = &mut |f| pending.push(f);
        self.envelopes.placed(seg, &p, emit);
        self.claims.placed(seg, &p, emit);
        // Outside a transaction set (GS, GE, IEA...), what was found so far can go out.
        if p.depth < 2 {
            self.flush();
        }
        true
    }

    /// Reports the element separators at the end of `seg` ([`ends_with_separator`]), which
    /// open no value (`REF*6R*X**`). Rare, so kept out of the per-segment path.
    #[cold]
    #[inline(never)]
    fn trailing_separators(&mut self, seg: &Segment<'_>, loop_id: Option<&'static str>) {
        let element = seg.delimiters().element();
        let text = seg.text().as_bytes();
        let n = text.iter().rev().take_while(|&&b| b == element).count();
        let first = seg.element_count() + 1 - n;
        let designator = format!("{}{first:02}", seg.id());
        let which = if n == 1 {
            format!("1 element separator that opens an empty {designator}")
        } else {
            format!("{n} element separators that open empty elements from {designator} on")
        };
        self.pending.push(
            CheckFinding::at(
                &TRAILING_SEPARATORS,
                seg.position(),
                seg.id(),
                loop_id,
                format!(
                    "{} ends with {which}; X12 does not send trailing empty elements: end the segment after its last value",
                    seg.id()
                ),
            )
            .element(designator),
        );
    }

    /// Hands out the pending findings in segment order.
    fn flush(&mut self) {
        self.pending.sort_by_key(|f| f.position.map(|p| p.number));
        for f in self.pending.drain(..) {
            (self.out)(f);
        }
    }

    /// Closes the loops `p` leaves and records what it opens or continues.
    fn place(&mut self, seg: &Segment<'_>, p: &Placement) {
        let keep = if p.opened { p.depth } else { p.depth + 1 };
        while self.open.len() > keep {
            if let Some(o) = self.open.pop() {
                self.close(o);
            }
        }
        if p.opened {
            let hl = (seg.id() == "HL").then(|| self.hierarchy(seg, p.loop_def.id));
            if let Some(parent) = self.open.last_mut()
                && let Some(i) = parent
                    .def
                    .children
                    .iter()
                    .position(|c| std::ptr::eq(c, p.loop_def))
            {
                parent.children |= 1 << i;
            }
            self.open.push(Open {
                def: p.loop_def,
                at: seg.position(),
                seen: 1,
                trailer_seen: 0,
                children: 0,
                hl,
            });
            match p.loop_def.id {
                "ST_LOOP" => {
                    self.next_hl = 1;
                    self.stats.transactions += 1;
                }
                "2300" => self.stats.claims += 1,
                "2400" => self.stats.lines += 1,
                _ => {}
            }
        } else if let Some(o) = self.open.last_mut() {
            o.seen |= bit(o.def.segments, p.segment);
            o.trailer_seen |= bit(o.def.trailer, p.segment);
        }
    }

    /// Checks an HL's numbering and parent link; returns what its loop must remember.
    fn hierarchy(&mut self, seg: &Segment<'_>, loop_id: &'static str) -> Hl {
        let id = seg.element(1);
        let parent = self.open.iter_mut().rev().find_map(|o| o.hl.as_mut());
        let expected_parent = parent.as_ref().map(|h| h.id.clone());
        if let Some(h) = parent {
            h.had_children = true;
        }
        let at = |message: String, element: &str| {
            CheckFinding::at(&BAD_HIERARCHY, seg.position(), "HL", Some(loop_id), message)
                .element(element)
        };
        if id != self.next_hl.to_string() {
            self.pending.push(at(
                format!(
                    "HL01 is {id:?} but HL numbers run 1, 2, 3... in each transaction set: {} is next",
                    self.next_hl
                ),
                "HL01",
            ));
        }
        // Go on counting from what the file says, so one gap is reported once.
        self.next_hl = id.parse::<u64>().map_or(self.next_hl + 1, |n| n + 1);
        let given = seg.element(2);
        match expected_parent {
            Some(p) if given != p => self.pending.push(at(
                format!("HL02 is {given:?} but this HL sits under HL {p:?}, its parent"),
                "HL02",
            )),
            _ => {}
        }
        Hl {
            id: id.to_string(),
            says_children: seg.element(4) == "1",
            had_children: false,
        }
    }

    /// Reports what a closing loop instance lacked.
    fn close(&mut self, o: Open) {
        let def = o.def;
        let opener = def.first_segment().id;
        for (j, s) in def.segments.iter().enumerate() {
            if s.usage == Requirement::Required && o.seen & (1 << j) == 0 {
                self.missing_segment(&o, opener, s);
            }
        }
        for (i, c) in def.children.iter().enumerate() {
            if c.usage == Requirement::Required && o.children & (1 << i) == 0 {
                self.pending.push(CheckFinding::at(
                    &MISSING_LOOP,
                    o.at,
                    opener,
                    Some(def.id),
                    format!(
                        "loop {} ({}) has no loop {} ({}), which the guide requires in it",
                        def.id, def.name, c.id, c.name
                    ),
                ));
            }
        }
        for (j, s) in def.trailer.iter().enumerate() {
            if s.usage == Requirement::Required && o.trailer_seen & (1 << j) == 0 {
                self.missing_segment(&o, opener, s);
            }
        }
        if let Some(hl) = &o.hl
            && hl.says_children != hl.had_children
        {
            let message = if hl.says_children {
                format!(
                    "HL04 is 1 but no HL names HL {:?} as its parent; set HL04 to 0",
                    hl.id
                )
            } else {
                format!(
                    "HL04 is 0 but a later HL names HL {:?} as its parent; set HL04 to 1",
                    hl.id
                )
            };
            self.pending.push(
                CheckFinding::at(&BAD_HIERARCHY, o.at, "HL", Some(def.id), message).element("HL04"),
            );
        }
        let pending = &mut self.pending;
        self.claims.closed(def.id, &mut |f| pending.push(f));
    }

    fn missing_segment(&mut self, o: &Open, opener: &str, s: &SegmentDef) {
        let codes = s.qualifier_codes();
        let which = match codes.first() {
            Some(code) if codes.len() == 1 => format!("{}*{code}", s.id),
            _ => s.id.to_string(),
        };
        self.pending.push(CheckFinding::at(
            &MISSING_SEGMENT,
            o.at,
            opener,
            Some(o.def.id),
            format!(
                "loop {} ({}) has no {which} ({}), which the guide requires in it",
                o.def.id, o.def.name, s.name
            ),
        ));
    }

    fn misplaced(&mut self, seg: &Segment<'_>, e: GrammarError, hint: Option<(String, String)>) {
        let rule = match e {
            GrammarError::TooManySegments { .. } | GrammarError::TooManyLoops { .. } => {
                &TOO_MANY_REPEATS
            }
            GrammarError::Unexpected { .. } | GrammarError::OutOfOrder { .. } => &MISPLACED_SEGMENT,
        };
        let mut f = CheckFinding::at(
            rule,
            seg.position(),
            seg.id(),
            self.cursor.current().map(|l| l.id),
            e.to_string(),
        );
        if let Some((element, text)) = hint {
            f.message = format!("{}; {text}", f.message);
            f.element = Some(element);
        }
        self.pending.push(f);
    }

    /// The finding for a segment the tokenizer could not read cleanly; `damaged` is that segment
    /// as read, when it still can be placed.
    fn token_finding(&self, e: &TokenError, damaged: Option<&Segment<'_>>) -> CheckFinding {
        use TokenProblem as P;
        let rule = match e.problem {
            ref p if p.is_isa() => &BAD_ISA,
            P::Truncated { .. } | P::NoIea | P::IsaBeforeIea | P::DataAfterIea => &TRUNCATED,
            _ => &BAD_SEGMENT,
        };
        let (segment_id, loop_id, in_set, message) = if std::ptr::eq(rule, &BAD_ISA) {
            (Some("ISA"), Some("ISA_LOOP"), None, e.problem.to_string())
        } else if let Some(seg) = damaged {
            let message = match e.problem {
                P::InvalidText => format!(
                    "{}; the segment was checked with each such byte read as U+FFFD",
                    e.problem
                ),
                _ => format!("{}; the rest of the segment was checked as read", e.problem),
            };
            (Some(seg.id()), None, seg.position().in_set, message)
        } else {
            (None, None, None, e.problem.to_string())
        };
        CheckFinding {
            rule,
            position: Some(Position {
                offset: e.offset,
                number: e.segment,
                in_set,
            }),
            segment_id: segment_id.map(str::to_string),
            loop_id: loop_id.or_else(|| self.cursor.current().map(|l| l.id)),
            element: None,
            message,
        }
    }

    /// The end of the file: every loop still open closes.
    fn finish(&mut self) {
        while let Some(o) = self.open.pop() {
            self.close(o);
        }
        self.flush();
    }
}

/// Whether `seg` ends with an element separator (an empty element after it), the one byte test
/// a segment for CHK-033.
fn ends_with_separator(seg: &Segment<'_>) -> bool {
    seg.text().as_bytes().last() == Some(&seg.delimiters().element())
}

/// When a segment id is known in an open loop but its identifying code is not one the guide
/// lists there (`NM1*117` where `NM1*85` belongs): the qualifier's designator and what to say.
fn qualifier_hint<'l>(
    seg: &SegmentRef<'_>,
    open: impl Iterator<Item = &'l LoopDef>,
) -> Option<(String, String)> {
    let loops: Vec<&LoopDef> = open.collect();
    let mut codes: Vec<&str> = Vec::new();
    let mut designator = None;
    for l in loops.iter().rev() {
        let firsts = l.children.iter().map(|c| c.first_segment());
        let defs = l.segments.iter().chain(l.trailer).chain(firsts);
        for d in defs.filter(|d| d.id == seg.id) {
            let q = d.qualifier?;
            if d.matches(seg) {
                return None;
            }
            designator.get_or_insert_with(|| {
                let el = d.elements.get(usize::from(q.element) - 1);
                match (el, q.component) {
                    (Some(e), 0) => e.id.to_string(),
                    (Some(e), c) => e
                        .components
                        .get(usize::from(c) - 1)
                        .map_or_else(|| e.id.to_string(), |c| c.id.to_string()),
                    (None, _) => format!("{}{:02}", d.id, q.element),
                }
            });
            for c in d.qualifier_codes() {
                if !codes.contains(c) {
                    codes.push(c);
                }
            }
        }
    }
    let designator = designator?;
    const SHOWN: usize = 12;
    let mut list = codes
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if codes.len() > SHOWN {
        list.push_str(&format!(" and {} more", codes.len() - SHOWN));
    }
    let text = format!(
        "its {designator} is not a code that identifies {} in the open loops ({list})",
        seg.id
    );
    Some((designator, text))
}
