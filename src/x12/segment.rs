//! Validated segment writing: each element is checked against its guide spec as it is written,
//! straight into a reused line buffer; a segment reaches the output only once all of it passed.
//! Trailing empty elements and components are never written.

use super::delimiters::{Delimiters, WriteOptions};
use super::element::{ElementProblem, check_value, is_date};
use super::grammar::{ElementDef, Requirement, SegmentDef};
use super::write_error::{Place, WriteError};
use crate::model::Money;
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use std::io::{BufWriter, Write};

/// A segment definition and the loop it is written in (for error messages).
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub loop_id: &'static str,
    pub def: &'static SegmentDef,
}

/// Buffered segment output that counts what it writes.
pub struct SegmentOut<W: Write> {
    out: BufWriter<W>,
    line: Vec<u8>,
    delimiters: Delimiters,
    line_break: bool,
    segments: u64,
}

impl<W: Write> SegmentOut<W> {
    /// Wraps `out` in a `BufWriter`.
    pub fn new(out: W, options: WriteOptions) -> SegmentOut<W> {
        SegmentOut {
            out: BufWriter::with_capacity(64 * 1024, out),
            line: Vec::with_capacity(256),
            delimiters: options.delimiters,
            line_break: options.line_break,
            segments: 0,
        }
    }

    /// The delimiters in use.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// Segments written so far.
    pub fn segments(&self) -> u64 {
        self.segments
    }

    /// Starts a segment; nothing is output until [`SegmentBuilder::finish`] succeeds.
    pub fn start(&mut self, spec: Spec, place: Place) -> SegmentBuilder<'_, W> {
        self.line.clear();
        self.line.extend_from_slice(spec.def.id.as_bytes());
        SegmentBuilder {
            out: self,
            spec,
            place,
            next: 0,
            written_upto: 0,
            present: 0,
        }
    }

    /// How segments are laid out.
    pub fn options(&self) -> WriteOptions {
        WriteOptions {
            delimiters: self.delimiters,
            line_break: self.line_break,
        }
    }

    /// Appends `segments` segments written and checked by another `SegmentOut` with the same
    /// options.
    pub fn append(&mut self, bytes: &[u8], segments: u64) -> Result<(), WriteError> {
        self.out.write_all(bytes)?;
        self.segments += segments;
        Ok(())
    }

    /// Flushes and returns the inner writer.
    pub fn into_inner(self) -> Result<W, WriteError> {
        self.out
            .into_inner()
            .map_err(|e| WriteError::Io(e.into_error()))
    }
}

/// One segment being written, element by element in order.
pub struct SegmentBuilder<'a, W: Write> {
    out: &'a mut SegmentOut<W>,
    spec: Spec,
    place: Place,
    /// Index of the next element definition.
    next: usize,
    /// 1-based position of the last element written (0: only the segment id so far).
    written_upto: usize,
    /// Bit `p` set when element `p` was written.
    present: u64,
}

impl<W: Write> SegmentBuilder<'_, W> {
    fn next_def(&self) -> Result<&'static ElementDef, WriteError> {
        self.spec
            .def
            .elements
            .get(self.next)
            .ok_or_else(|| self.beyond_spec())
    }

    /// More elements or components than the guide defines: a writer bug, reported as "not used".
    fn beyond_spec(&self) -> WriteError {
        WriteError::Segment {
            segment: self.spec.def.id,
            loop_id: self.spec.loop_id,
            place: self.place,
            problem: ElementProblem::NotUsed,
        }
    }

    fn refuse(&self, def: &ElementDef, problem: ElementProblem) -> WriteError {
        WriteError::Element {
            segment: self.spec.def.id,
            loop_id: self.spec.loop_id,
            element: def.id,
            name: def.name,
            place: self.place,
            problem,
        }
    }

    /// Writes the separators up to the next element and marks it present.
    fn open_element(&mut self) {
        let position = self.next + 1;
        let sep = self.out.delimiters.element();
        for _ in self.written_upto..position {
            self.out.line.push(sep);
        }
        self.written_upto = position;
        if position < 64 {
            self.present |= 1 << position;
        }
        self.next += 1;
    }

    /// Writes a simple element (an empty value is left out).
    pub fn el(&mut self, value: &str) -> Result<&mut Self, WriteError> {
        if value.is_empty() {
            return self.empty();
        }
        let def = self.next_def()?;
        check_value(def, value, &self.out.delimiters, false).map_err(|p| self.refuse(def, p))?;
        self.open_element();
        self.out.line.extend_from_slice(value.as_bytes());
        Ok(self)
    }

    /// Writes the element when there is a value, else leaves it out.
    pub fn opt(&mut self, value: Option<&str>) -> Result<&mut Self, WriteError> {
        self.el(value.unwrap_or(""))
    }

    /// Leaves the next element out (refused when the guide requires it).
    pub fn empty(&mut self) -> Result<&mut Self, WriteError> {
        let def = self.next_def()?;
        if def.usage == Requirement::Required {
            return Err(self.refuse(def, ElementProblem::Missing));
        }
        self.next += 1;
        Ok(self)
    }

    /// Leaves the next `n` elements out.
    pub fn skip(&mut self, n: usize) -> Result<&mut Self, WriteError> {
        for _ in 0..n {
            self.empty()?;
        }
        Ok(self)
    }

    /// Writes a whole number.
    pub fn uint(&mut self, n: u64) -> Result<&mut Self, WriteError> {
        let mut buf = [0u8; 20];
        let text = decimal_digits(n, 1, &mut buf);
        self.el(text)
    }

    /// Writes a whole number zero-padded to the element's fixed width (ISA13, IEA02).
    pub fn zero_padded(&mut self, n: u64) -> Result<&mut Self, WriteError> {
        let width = usize::from(self.next_def()?.max_len).min(20);
        let mut buf = [0u8; 20];
        let text = decimal_digits(n, width, &mut buf);
        self.el(text)
    }

    /// Writes an amount in its X12 form.
    pub fn money(&mut self, m: Money) -> Result<&mut Self, WriteError> {
        self.el(&m.to_x12())
    }

    /// Writes a date as `CCYYMMDD`. Checked as a date even where the guide types the element AN
    /// (DMG02, DTP03), as validators read those through their format qualifier.
    pub fn date(&mut self, d: NaiveDate) -> Result<&mut Self, WriteError> {
        let buf = self.ccyymmdd(d)?;
        self.el(ascii(&buf))
    }

    /// Writes a date range as `CCYYMMDD-CCYYMMDD` (the RD8 format).
    pub fn date_range(
        &mut self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<&mut Self, WriteError> {
        let mut buf = [b'-'; 17];
        buf[..8].copy_from_slice(&self.ccyymmdd(start)?);
        buf[9..].copy_from_slice(&self.ccyymmdd(end)?);
        self.el(ascii(&buf))
    }

    /// A date in `CCYYMMDD` digits, refused (against the next element) when it is not one.
    fn ccyymmdd(&self, d: NaiveDate) -> Result<[u8; 8], WriteError> {
        let mut buf = [b'0'; 8];
        // A year outside 0..=9999 cannot be written in four digits; zeros make it a refused date.
        if let Ok(year @ 0..=9999) = u64::try_from(d.year()) {
            decimal_digits(year, 4, &mut buf[..4]);
            decimal_digits(u64::from(d.month()), 2, &mut buf[4..6]);
            decimal_digits(u64::from(d.day()), 2, &mut buf[6..]);
        }
        if !is_date(ascii(&buf)) {
            let def = self.next_def()?;
            return Err(self.refuse(def, ElementProblem::BadDate));
        }
        Ok(buf)
    }

    /// Writes a date as `YYMMDD` (ISA09).
    pub fn date6(&mut self, d: NaiveDate) -> Result<&mut Self, WriteError> {
        let mut buf = [b'0'; 6];
        decimal_digits(
            u64::from(d.year().rem_euclid(100).unsigned_abs()),
            2,
            &mut buf[..2],
        );
        decimal_digits(u64::from(d.month()), 2, &mut buf[2..4]);
        decimal_digits(u64::from(d.day()), 2, &mut buf[4..]);
        self.el(ascii(&buf))
    }

    /// Writes a time as `HHMM`.
    pub fn time(&mut self, t: NaiveTime) -> Result<&mut Self, WriteError> {
        let mut buf = [b'0'; 4];
        decimal_digits(u64::from(t.hour()), 2, &mut buf[..2]);
        decimal_digits(u64::from(t.minute()), 2, &mut buf[2..]);
        self.el(ascii(&buf))
    }

    /// Writes a fixed-width ISA field: `value` checked as 1 to the field's width characters, then
    /// padded with spaces to the width.
    pub fn padded(&mut self, value: &str) -> Result<&mut Self, WriteError> {
        let def = self.next_def()?;
        if value.is_empty() {
            return Err(self.refuse(def, ElementProblem::Missing));
        }
        let relaxed = ElementDef { min_len: 1, ..*def };
        check_value(&relaxed, value, &self.out.delimiters, false)
            .map_err(|p| self.refuse(def, p))?;
        self.open_element();
        self.out.line.extend_from_slice(value.as_bytes());
        for _ in value.len()..usize::from(def.max_len) {
            self.out.line.push(b' ');
        }
        Ok(self)
    }

    /// Writes bytes the standard prescribes literally: the ISA's blank security fields and its
    /// separator characters (ISA11, ISA16), which are delimiters by definition.
    pub fn literal(&mut self, bytes: &[u8]) -> Result<&mut Self, WriteError> {
        self.next_def()?;
        self.open_element();
        self.out.line.extend_from_slice(bytes);
        Ok(self)
    }

    /// Writes a composite from its components in order (empty ones left out; all empty leaves
    /// the whole composite out).
    pub fn comp(&mut self, parts: &[&str]) -> Result<&mut Self, WriteError> {
        let def = self.next_def()?;
        let used = parts
            .iter()
            .rposition(|p| !p.is_empty())
            .map_or(0, |i| i + 1);
        if used == 0 {
            return self.empty();
        }
        if used > def.components.len() {
            return Err(self.beyond_spec());
        }
        for (cdef, part) in def.components.iter().zip(&parts[..used]) {
            if part.is_empty() {
                if cdef.usage == Requirement::Required {
                    return Err(self.refuse(cdef, ElementProblem::Missing));
                }
            } else {
                check_value(cdef, part, &self.out.delimiters, false)
                    .map_err(|p| self.refuse(cdef, p))?;
            }
        }
        self.open_element();
        let sep = self.out.delimiters.component();
        for (i, part) in parts[..used].iter().enumerate() {
            if i > 0 {
                self.out.line.push(sep);
            }
            self.out.line.extend_from_slice(part.as_bytes());
        }
        Ok(self)
    }

    /// Checks what is left (required elements, syntax rules) and outputs the segment.
    pub fn finish(&mut self) -> Result<(), WriteError> {
        if let Some(def) = self.spec.def.elements[self.next.min(self.spec.def.elements.len())..]
            .iter()
            .find(|d| d.usage == Requirement::Required)
        {
            return Err(self.refuse(def, ElementProblem::Missing));
        }
        let present = self.present;
        if let Some(rule) = self
            .spec
            .def
            .syntax
            .iter()
            .find(|r| !r.holds(|p| p < 64 && present & (1 << p) != 0))
        {
            return Err(WriteError::Segment {
                segment: self.spec.def.id,
                loop_id: self.spec.loop_id,
                place: self.place,
                problem: ElementProblem::Syntax(*rule),
            });
        }
        let out = &mut *self.out;
        out.line.push(out.delimiters.segment());
        if out.line_break {
            out.line.push(b'\n');
        }
        out.out.write_all(&out.line)?;
        out.segments += 1;
        Ok(())
    }
}

/// Writes `n` in decimal, left-padded with zeros to at least `width`, at the end of `buf`
/// (or filling `buf` exactly when it is `width` long); returns the digits written.
fn decimal_digits(mut n: u64, width: usize, buf: &mut [u8]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if (n == 0 && buf.len() - i >= width) || i == 0 {
            break;
        }
    }
    ascii(&buf[i..])
}

/// ASCII digits as text.
fn ascii(b: &[u8]) -> &str {
    // Only ever called on bytes this module wrote as ASCII digits.
    std::str::from_utf8(b).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::super::p837_grammar::P837;
    use super::*;

    fn spec(loop_id: &str, id: &str, code: Option<&str>) -> Spec {
        let l = P837.find(loop_id).unwrap();
        Spec {
            loop_id: l.id,
            def: l.segment(id, code).unwrap(),
        }
    }

    fn written(
        f: impl FnOnce(&mut SegmentOut<Vec<u8>>) -> Result<(), WriteError>,
    ) -> Result<String, WriteError> {
        let mut o = SegmentOut::new(Vec::new(), WriteOptions::default());
        f(&mut o)?;
        Ok(String::from_utf8(o.into_inner()?).unwrap())
    }

    #[test]
    fn trailing_empty_elements_and_components_are_trimmed() {
        let s = written(|o| {
            o.start(spec("2010BA", "NM1", Some("IL")), Place::ENVELOPE)
                .el("IL")?
                .el("1")?
                .el("DOE")?
                .opt(None)?
                .skip(3)?
                .el("MI")?
                .el("12345")?
                .finish()
        })
        .unwrap();
        assert_eq!(s, "NM1*IL*1*DOE*****MI*12345~\n");
        let s = written(|o| {
            o.start(spec("2400", "SV1", None), Place::ENVELOPE)
                .comp(&["HC", "G9008", "U1", "", "", ""])?
                .el("150")?
                .el("UN")?
                .uint(1)?
                .el("")?
                .empty()?
                .comp(&["1", "", "", ""])?
                .finish()
        })
        .unwrap();
        assert_eq!(s, "SV1*HC:G9008:U1*150*UN*1***1~\n");
    }

    #[test]
    fn a_refused_segment_outputs_nothing() {
        let mut o = SegmentOut::new(Vec::new(), WriteOptions::default());
        let err = o
            .start(
                spec("2010BA", "NM1", Some("IL")),
                Place::transaction(1).subscriber(2),
            )
            .el("IL")
            .and_then(|b| b.el("1"))
            .and_then(|b| b.el("DOE*SMITH"))
            .err()
            .unwrap();
        assert_eq!(err.element().map(|e| e.0), Some("NM103"));
        assert!(err.to_string().contains("loop 2010BA"));
        assert!(!err.to_string().contains("DOE"));
        assert_eq!(o.segments(), 0);
        assert!(o.into_inner().unwrap().is_empty());
    }

    #[test]
    fn required_elements_and_syntax_rules_are_enforced() {
        // NM103 missing.
        let err = written(|o| {
            o.start(spec("2010BA", "NM1", Some("IL")), Place::ENVELOPE)
                .el("IL")?
                .el("1")?
                .finish()
        })
        .unwrap_err();
        assert!(
            matches!(err.element(), Some(("NM103", ElementProblem::Missing))),
            "{err}"
        );
        // PER03 without PER04 breaks P0304 once PER04 is situational... here PER04 is required.
        let err = written(|o| {
            o.start(spec("1000A", "PER", Some("IC")), Place::ENVELOPE)
                .el("IC")?
                .el("X")?
                .el("TE")?
                .finish()
        })
        .unwrap_err();
        assert!(
            matches!(err.element(), Some(("PER04", ElementProblem::Missing))),
            "{err}"
        );
        // NM108 without NM109 in 2310B (both situational) breaks P0809.
        let err = written(|o| {
            o.start(spec("2310B", "NM1", Some("82")), Place::ENVELOPE)
                .el("82")?
                .el("1")?
                .el("DOE")?
                .skip(4)?
                .el("XX")?
                .finish()
        })
        .unwrap_err();
        assert!(
            matches!(
                err,
                WriteError::Segment {
                    problem: ElementProblem::Syntax(_),
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn more_elements_or_components_than_the_guide_defines_are_refused() {
        let err = written(|o| {
            let mut hi = o.start(spec("2300", "HI", Some("ABK")), Place::ENVELOPE);
            hi.comp(&["ABK", "Z5900"])?;
            for _ in 0..12 {
                hi.comp(&["ABF", "I10"])?;
            }
            hi.finish()
        })
        .unwrap_err();
        assert!(
            matches!(
                err,
                WriteError::Segment {
                    segment: "HI",
                    problem: ElementProblem::NotUsed,
                    ..
                }
            ),
            "{err}"
        );
        let err = written(|o| {
            o.start(spec("2400", "LX", None), Place::ENVELOPE)
                .comp(&["1", "2"])?
                .finish()
        })
        .unwrap_err();
        assert!(matches!(err, WriteError::Segment { .. }), "{err}");
    }

    #[test]
    fn dates_times_and_padding() {
        let s = written(|o| {
            let d = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
            let t = NaiveTime::from_hms_opt(9, 5, 0).unwrap();
            o.start(spec("ST_LOOP", "BHT", None), Place::ENVELOPE)
                .el("0019")?
                .el("00")?
                .el("B1")?
                .date(d)?
                .time(t)?
                .el("CH")?
                .finish()
        })
        .unwrap();
        assert_eq!(s, "BHT*0019*00*B1*20250701*0905*CH~\n");
        // DMG02 is AN in the guide, but a birth date before 1800 is still no date.
        let err = written(|o| {
            o.start(spec("2010BA", "DMG", Some("D8")), Place::ENVELOPE)
                .el("D8")?
                .date(NaiveDate::from_ymd_opt(1700, 1, 1).unwrap())?
                .finish()
        })
        .unwrap_err();
        assert!(
            matches!(err.element(), Some(("DMG02", ElementProblem::BadDate))),
            "{err}"
        );
        let mut buf = [0u8; 9];
        assert_eq!(decimal_digits(42, 9, &mut buf), "000000042");
        let mut buf = [0u8; 20];
        assert_eq!(decimal_digits(0, 1, &mut buf), "0");
        assert_eq!(
            decimal_digits(u64::MAX, 1, &mut buf),
            "18446744073709551615"
        );
    }
}
