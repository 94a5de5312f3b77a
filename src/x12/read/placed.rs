//! Segments placed in their loops: the tokenizer and a [`LoopCursor`] over one generated grammar,
//! and typed access to one placed segment's elements with errors that say where. Shared by the
//! 837P and 835 readers.

use super::error::{Located, ReadError, ReadProblem};
use super::tokenizer::{Position, Segment, Tokenizer};
use crate::model::{Envelope, KeptSegment, Money, Usage, parse_x12_decimal};
use crate::x12::element::{ElementProblem, decimal_problem, is_date};
use crate::x12::grammar::LoopDef;
use crate::x12::loop_cursor::{LoopCursor, Placement};
use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;
use std::io::BufRead;

/// A tokenizer whose segments come out placed in the loops of one grammar.
pub(crate) struct PlacedReader<R> {
    tokens: Tokenizer<R>,
    cursor: LoopCursor,
    /// ST01 of the transaction sets the grammar describes (`837`).
    transaction: &'static str,
}

impl<R: BufRead> PlacedReader<R> {
    /// Reads `input` as interchanges of `transaction` sets (ST01) laid out as `grammar` says.
    pub(crate) fn new(
        input: R,
        grammar: &'static LoopDef,
        transaction: &'static str,
    ) -> PlacedReader<R> {
        PlacedReader {
            tokens: Tokenizer::new(input),
            cursor: LoopCursor::new(grammar),
            transaction,
        }
    }

    /// The next segment and where the grammar puts it; `Ok(None)` at the end of the file.
    pub(crate) fn next(&mut self) -> Result<Option<At<'_>>, ReadError> {
        let Some(seg) = self.tokens.next_segment()? else {
            return Ok(None);
        };
        // Another kind of file: say so, rather than that its GS or ST is out of place.
        let found = match seg.id() {
            "GS" => Some(("GS_LOOP", "GS01", transaction_of_group(seg.element(1)))),
            "ST" => Some(("ST_LOOP", "ST01", seg.element(1))),
            _ => None,
        };
        if let Some((loop_id, element, found)) = found
            && found != self.transaction
        {
            return Err(Located {
                position: Some(seg.position()),
                segment: Some(seg.id().to_string()),
                loop_id: Some(loop_id),
                element: Some(element.into()),
                ..Located::new(ReadProblem::WrongTransaction {
                    found: found.chars().take(3).collect(),
                    expected: self.transaction,
                })
            }
            .into());
        }
        match seg.with_ref(|r| self.cursor.advance(r)) {
            Ok(placed) => Ok(Some(At { seg, placed })),
            Err(e) => Err(Located {
                position: Some(seg.position()),
                segment: Some(seg.id().to_string()),
                loop_id: self.cursor.current().map(|l| l.id),
                ..Located::new(ReadProblem::Grammar(e))
            }
            .into()),
        }
    }
}

/// The transaction set a GS01 functional identifier code announces (`HC` claims are 837s).
fn transaction_of_group(code: &str) -> &str {
    match code {
        "HC" => "837",
        "HP" => "835",
        "BE" => "834",
        "FA" => "999",
        other => other,
    }
}

/// One placed segment, with typed access to its elements.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub seg: Segment<'a>,
    pub placed: Placement,
}

impl<'a> At<'a> {
    /// The loop id (`2300`).
    pub(crate) fn loop_id(&self) -> &'static str {
        self.placed.loop_def.id
    }

    /// The segment id (`CLM`).
    pub(crate) fn id(&self) -> &'a str {
        self.seg.id()
    }

    pub(crate) fn position(&self) -> Position {
        self.seg.position()
    }

    /// The guide's designator of element `n` (`CLM02`), or `n` appended to the segment id.
    fn designator(&self, n: usize) -> String {
        n.checked_sub(1)
            .and_then(|i| self.placed.segment.elements.get(i))
            .map_or_else(|| format!("{}{n:02}", self.id()), |d| d.id.to_string())
    }

    /// An error at this segment, about element `n` when given.
    pub(crate) fn error(&self, element: Option<usize>, problem: ReadProblem) -> ReadError {
        Located {
            position: Some(self.position()),
            segment: Some(self.id().to_string()),
            loop_id: Some(self.loop_id()),
            element: element.map(|n| self.designator(n)),
            ..Located::new(problem)
        }
        .into()
    }

    /// An error about element `n` whose value does not make a model type.
    pub(crate) fn invalid(&self, n: usize, what: &'static str, why: impl ToString) -> ReadError {
        self.error(
            Some(n),
            ReadProblem::Invalid {
                what,
                why: why.to_string(),
            },
        )
    }

    /// Element `n` (1-based), `""` when absent.
    pub(crate) fn el(&self, n: usize) -> &'a str {
        self.seg.element(n)
    }

    /// Component `c` of element `n`, `""` when absent.
    pub(crate) fn comp(&self, n: usize, c: usize) -> &'a str {
        self.seg.component(n, c)
    }

    /// Element `n` as owned text, `None` when empty.
    pub(crate) fn opt(&self, n: usize) -> Option<String> {
        Some(self.el(n))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    /// Element `n`, which must not be empty.
    pub(crate) fn required(&self, n: usize) -> Result<&'a str, ReadError> {
        match self.el(n) {
            "" => Err(self.error(Some(n), ReadProblem::Value(ElementProblem::Missing))),
            v => Ok(v),
        }
    }

    /// A `CCYYMMDD` date.
    pub(crate) fn date_text(&self, n: usize, v: &str) -> Result<NaiveDate, ReadError> {
        let bad = || self.error(Some(n), ReadProblem::Value(ElementProblem::BadDate));
        if v.len() != 8 || !is_date(v) {
            return Err(bad());
        }
        NaiveDate::parse_from_str(v, "%Y%m%d").map_err(|_| bad())
    }

    /// Element `n` as a `CCYYMMDD` date.
    pub(crate) fn date(&self, n: usize) -> Result<NaiveDate, ReadError> {
        self.date_text(n, self.required(n)?)
    }

    /// Element `n` as a time, `HHMM` with optional seconds (and decimal seconds, dropped).
    pub(crate) fn time(&self, n: usize) -> Result<NaiveTime, ReadError> {
        let v = self.required(n)?;
        let b = v.as_bytes();
        let two = |i: usize| -> Option<u32> {
            let d = b.get(i..i + 2)?;
            d.iter()
                .all(u8::is_ascii_digit)
                .then(|| u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0'))
        };
        let seconds = if b.len() >= 6 { two(4) } else { Some(0) };
        let digits = b.iter().all(u8::is_ascii_digit);
        match (
            digits && matches!(b.len(), 4 | 6 | 7 | 8),
            two(0),
            two(2),
            seconds,
        ) {
            (true, Some(h), Some(m), Some(s)) => NaiveTime::from_hms_opt(h, m, s),
            _ => None,
        }
        .ok_or_else(|| self.error(Some(n), ReadProblem::Value(ElementProblem::BadTime)))
    }

    /// Element `n` as an amount of money, up to the 18 digits X12 allows ([`Money::parse_x12`]).
    pub(crate) fn money(&self, n: usize) -> Result<Money, ReadError> {
        Money::parse_x12(self.required(n)?).map_err(|e| self.invalid(n, "an amount", e))
    }

    /// Element `n` as a date, `None` when empty.
    pub(crate) fn opt_date(&self, n: usize) -> Result<Option<NaiveDate>, ReadError> {
        match self.el(n) {
            "" => Ok(None),
            _ => self.date(n).map(Some),
        }
    }

    /// Element `n` as an amount, `None` when empty.
    pub(crate) fn opt_money(&self, n: usize) -> Result<Option<Money>, ReadError> {
        match self.el(n) {
            "" => Ok(None),
            _ => self.money(n).map(Some),
        }
    }

    /// Element `n` as a decimal number (a quantity), `None` when empty.
    pub(crate) fn opt_decimal(&self, n: usize) -> Result<Option<Decimal>, ReadError> {
        match self.el(n) {
            "" => Ok(None),
            // The checker's definition of an X12 decimal: `.5` reads, `5.`, `+5` and `1_000` do not.
            v => parse_x12_decimal(v)
                .map(Some)
                .map_err(|e| self.error(Some(n), ReadProblem::Value(decimal_problem(e)))),
        }
    }

    /// Element `n` as a whole number that fits `u32` (control numbers, counts).
    pub(crate) fn number(&self, n: usize) -> Result<u32, ReadError> {
        let v = self.required(n)?;
        if !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.error(Some(n), ReadProblem::Value(ElementProblem::NotANumber)));
        }
        v.parse()
            .map_err(|_| self.invalid(n, "a number under 4294967296", "it is too large"))
    }

    /// Whether the segment says nothing beyond `typed` element positions (read into the model)
    /// and the `fixed` values (what the writer always writes there). When it does, the reader
    /// keeps the whole segment too, so nothing the file says is lost.
    pub(crate) fn fits(&self, typed: &[usize], fixed: &[(usize, &str)]) -> bool {
        let fixed_ok = fixed.iter().all(|&(n, v)| self.el(n) == v);
        fixed_ok
            && (1..=self.seg.element_count()).all(|n| {
                typed.contains(&n) || fixed.iter().any(|&(f, _)| f == n) || self.el(n).is_empty()
            })
    }

    /// The segment kept whole. An element holding repeats cannot be kept delimiter-free, and no
    /// element the readers keep repeats in its guide, so that is an error.
    pub(crate) fn kept(&self) -> Result<KeptSegment, ReadError> {
        if let Some(n) = (1..=self.seg.element_count()).find(|&n| self.seg.repeats(n)) {
            return Err(self.error(
                Some(n),
                ReadProblem::Unsupported {
                    what: "an element with repeats (separated by the ISA11 character)",
                },
            ));
        }
        Ok(KeptSegment::new(
            self.loop_id(),
            self.placed.opened,
            self.id(),
            self.seg
                .elements()
                .enumerate()
                .map(|(i, _)| self.seg.components(i + 1).map(str::to_string).collect()),
        ))
    }
}

/// The ISA's envelope values (the GS values are filled by [`group_envelope`]).
pub(crate) fn interchange_envelope(at: &At<'_>) -> Result<Envelope, ReadError> {
    let usage = match at.el(15) {
        "P" => Usage::Production,
        "T" => Usage::Test,
        _ => {
            return Err(at.invalid(
                15,
                "P or T",
                "ISA15 says whether the interchange is production (P) or test (T) data",
            ));
        }
    };
    Ok(Envelope {
        sender_qualifier: at.el(5).to_string(),
        sender_id: at.el(6).trim_end().to_string(),
        receiver_qualifier: at.el(7).to_string(),
        receiver_id: at.el(8).trim_end().to_string(),
        application_sender: String::new(),
        application_receiver: String::new(),
        date: NaiveDate::MIN,
        time: NaiveTime::MIN,
        interchange_control_number: at.number(13)?,
        group_control_number: 0,
        acknowledgment_requested: at.el(14) == "1",
        usage,
    })
}

/// The envelope of a functional group: the ISA's values with this GS's.
pub(crate) fn group_envelope(at: &At<'_>, isa: Option<&Envelope>) -> Result<Envelope, ReadError> {
    let Some(isa) = isa else {
        return Err(missing(
            at.position(),
            "GS",
            "ISA_LOOP",
            "the ISA before this GS",
        ));
    };
    Ok(Envelope {
        application_sender: at.required(2)?.to_string(),
        application_receiver: at.required(3)?.to_string(),
        date: at.date(4)?,
        time: at.time(5)?,
        group_control_number: at.number(6)?,
        ..isa.clone()
    })
}

/// A required segment or loop that is absent, reported at the segment `at` that should hold it.
pub(crate) fn missing(
    at: Position,
    segment: &str,
    loop_id: &'static str,
    what: &'static str,
) -> ReadError {
    Located {
        position: Some(at),
        segment: Some(segment.to_string()),
        loop_id: Some(loop_id),
        ..Located::new(ReadProblem::Missing { what })
    }
    .into()
}
