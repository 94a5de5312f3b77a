//! Splits an X12 byte stream into segments, streaming: one segment is in memory at a time, so
//! memory does not grow with the file. The delimiters come from each interchange's ISA (element
//! separator = its fourth byte, repetition = ISA11, component = ISA16, segment terminator = the
//! byte after ISA16). Line breaks and spaces between segments, a UTF-8 byte-order mark and
//! trailing whitespace are accepted; anything malformed is a [`TokenError`] with its byte offset
//! and segment number, never a panic.
//!
//! Besides punctuation, the delimiters may be the information separators 0x1C..=0x1F (older
//! translators' 0x1D, 0x1F, 0x1C), and the segment terminator a line break. With LF as the
//! terminator a CR just before it belongs to the terminator (CR LF files); with CR, the LF after
//! it is whitespace between segments, as it is after any terminator. Blank lines between
//! segments stay whitespace, so they are never empty segments.

use crate::x12::delimiters::{DelimiterError, Delimiters, is_information_separator};
use crate::x12::grammar::SegmentRef;
use std::fmt;
use std::io::{self, BufRead};

/// The longest segment read (bytes). Real segments stay under a few hundred; a longer one means
/// the segment terminator is not what the ISA says, and reading on would hold the file in memory.
pub const MAX_SEGMENT_LEN: usize = 64 * 1024;

/// The most elements a segment may have (none in the 837P or 835 guides has more than 30).
pub const MAX_ELEMENTS: usize = 64;

/// The ISA is fixed width: 106 bytes with its terminator.
pub const ISA_LEN: usize = 106;

/// Widths of ISA01..ISA16: every ISA field is fixed width.
const ISA_WIDTHS: [usize; 16] = [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where a segment is in its file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Position {
    /// Byte offset of the segment's first byte (0-based, counting a byte-order mark).
    pub offset: u64,
    /// 1-based segment number in the file (ISA is 1).
    pub number: u64,
    /// 1-based segment number within its transaction set (ST is 1, SE is SE01), `None` outside one.
    pub in_set: Option<u32>,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "segment {}", self.number)?;
        if let Some(n) = self.in_set {
            write!(f, " ({n} in its transaction set)")?;
        }
        write!(f, ", byte {}", self.offset)
    }
}

/// What is malformed. Messages name positions and delimiter characters, never data values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenProblem {
    #[error("could not read the file ({0})")]
    Io(String),
    #[error("the file is empty; an X12 file starts with an ISA segment")]
    Empty,
    #[error(
        "the file does not start with an ISA segment; is it an X12 file? (only a byte-order mark or whitespace may come first)"
    )]
    NoIsa,
    #[error(
        "the file ends inside the ISA segment, which is always {ISA_LEN} bytes; the file is truncated"
    )]
    IsaTruncated,
    /// Widths are in bytes, as the ISA is read: a non-ASCII character takes two or more.
    #[error(
        "ISA{field:02} is {found} bytes but ISA fields are fixed width: it must be exactly {expected} (pad with spaces); the ISA is always {ISA_LEN} bytes{}",
        non_ascii_note(.non_ascii)
    )]
    IsaFieldWidth {
        field: u8,
        expected: usize,
        found: usize,
        /// Whether the field holds a byte of a non-ASCII character (then its characters are
        /// fewer than its bytes).
        non_ascii: bool,
    },
    #[error("the ISA {role}: {problem}")]
    Delimiter {
        role: &'static str,
        problem: DelimiterError,
    },
    #[error(
        "control character 0x{byte:02X} in the ISA; remove it (the ISA is 106 printable characters, but for its delimiters, which may also be the information separators 0x1C to 0x1F, and a line break as the segment terminator)"
    )]
    IsaControlByte { byte: u8 },
    #[error(
        "control character 0x{byte:02X} in a segment; remove it (only printable text may appear between delimiters)"
    )]
    ControlByte { byte: u8 },
    #[error(
        "a line break inside a segment, before its terminator {terminator:?}; join the segment onto one line"
    )]
    LineBreak { terminator: char },
    #[error(
        "bytes that are not valid UTF-8 text (perhaps Latin-1); save the file as ASCII or UTF-8"
    )]
    InvalidText,
    #[error(
        "a segment runs over {MAX_SEGMENT_LEN} bytes without its terminator {terminator:?}; is the ISA's segment terminator the one the file uses?"
    )]
    SegmentTooLong { terminator: char },
    #[error("a segment has more than {MAX_ELEMENTS} elements; no X12 segment has that many")]
    TooManyElements,
    #[error("an empty segment (two terminators in a row); remove the extra {terminator:?}")]
    EmptySegment { terminator: char },
    #[error(
        "a segment id must be 2 or 3 capital letters or digits, starting with a letter (such as NM1); this one is {0}"
    )]
    BadSegmentId(SegmentIdShape),
    #[error(
        "the file ends inside a segment (no terminator {terminator:?} after its last bytes); the file is truncated"
    )]
    Truncated { terminator: char },
    #[error(
        "the file ends before the IEA segment that closes the interchange; the file is truncated"
    )]
    NoIea,
    #[error("an ISA starts before the IEA that closes the previous interchange; add the IEA")]
    IsaBeforeIea,
    #[error(
        "data after the IEA segment that closes the interchange; only another ISA..IEA interchange or whitespace may follow"
    )]
    DataAfterIea,
}

/// What an ISA field width message adds when the field holds a non-ASCII character.
fn non_ascii_note(non_ascii: &bool) -> &'static str {
    if *non_ascii {
        "; the field holds a non-ASCII character, which takes two or more bytes: ISA fields are plain ASCII (write E for É)"
    } else {
        ""
    }
}

impl TokenProblem {
    /// Whether reading can go on after this problem: the bad segment was read to its terminator,
    /// so the next call returns the segment after it (a checker can then report every one).
    /// After a control character, line break or invalid UTF-8 inside a segment,
    /// [`Tokenizer::damaged_segment`] gives the segment as read.
    pub fn is_recoverable(&self) -> bool {
        matches!(
            self,
            TokenProblem::InvalidText
                | TokenProblem::ControlByte { .. }
                | TokenProblem::LineBreak { .. }
                | TokenProblem::EmptySegment { .. }
                | TokenProblem::BadSegmentId(_)
                | TokenProblem::TooManyElements
        )
    }

    /// Whether the problem is in an ISA, so its interchange's delimiters are not known.
    pub fn is_isa(&self) -> bool {
        matches!(
            self,
            TokenProblem::IsaTruncated
                | TokenProblem::IsaFieldWidth { .. }
                | TokenProblem::IsaControlByte { .. }
                | TokenProblem::Delimiter { .. }
        )
    }
}

/// How a segment id is wrong (the id itself is not quoted: it may be a fragment of data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentIdShape {
    Empty,
    Length(usize),
    Characters,
}

impl fmt::Display for SegmentIdShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SegmentIdShape::Empty => f.write_str("empty (the segment starts with a delimiter)"),
            SegmentIdShape::Length(n) => write!(f, "{n} characters long"),
            SegmentIdShape::Characters => {
                f.write_str("not capital letters and digits starting with a letter")
            }
        }
    }
}

/// A malformed input, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("byte {offset}, segment {segment}: {problem}")]
pub struct TokenError {
    /// Byte offset of the offending byte (or of the start of the offending segment).
    pub offset: u64,
    /// 1-based number of the segment the problem is in (or would have been).
    pub segment: u64,
    pub problem: TokenProblem,
}

/// One segment, borrowed from the tokenizer until the next call. Elements and components are
/// slices of the segment text: nothing is copied.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    text: &'a str,
    /// Byte positions of the element separators in `text`.
    seps: &'a [u32],
    delimiters: Delimiters,
    position: Position,
}

impl<'a> Segment<'a> {
    /// The segment id (`NM1`).
    pub fn id(&self) -> &'a str {
        let end = self.seps.first().map_or(self.text.len(), |&p| p as usize);
        self.text.get(..end).unwrap_or("")
    }

    /// The whole segment as in the file, without its terminator.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Where it is in the file.
    pub fn position(&self) -> Position {
        self.position
    }

    /// The delimiters of its interchange.
    pub fn delimiters(&self) -> Delimiters {
        self.delimiters
    }

    /// How many elements follow the id (trailing empty ones included when the file has them).
    pub fn element_count(&self) -> usize {
        self.seps.len()
    }

    /// Element `n` (1-based: `element(1)` is NM101), `""` when absent.
    pub fn element(&self, n: usize) -> &'a str {
        let Some(start) = n.checked_sub(1).and_then(|i| self.seps.get(i)) else {
            return "";
        };
        let end = self.seps.get(n).map_or(self.text.len(), |&p| p as usize);
        self.text.get(*start as usize + 1..end).unwrap_or("")
    }

    /// The elements in order, element 01 first.
    pub fn elements(&self) -> impl Iterator<Item = &'a str> + '_ {
        (1..=self.seps.len()).map(|n| self.element(n))
    }

    /// Component `c` of element `n` (both 1-based), `""` when absent. A simple element is its own
    /// first component.
    pub fn component(&self, n: usize, c: usize) -> &'a str {
        c.checked_sub(1)
            .and_then(|i| self.components(n).nth(i))
            .unwrap_or("")
    }

    /// The components of element `n` (one, the element itself, when it is not a composite).
    pub fn components(&self, n: usize) -> std::str::Split<'a, char> {
        self.element(n)
            .split(char::from(self.delimiters.component()))
    }

    /// The repeats of element `n` (one when it does not repeat, or the interchange has no
    /// repetition separator).
    pub fn repetitions(&self, n: usize) -> impl Iterator<Item = &'a str> + 'a {
        let value = self.element(n);
        let sep = self.delimiters.repetition().map(char::from);
        // Without a separator, split on a character that cannot occur in checked text.
        value.split(sep.unwrap_or('\u{0}'))
    }

    /// Whether element `n` holds the repetition separator.
    pub fn repeats(&self, n: usize) -> bool {
        self.delimiters
            .repetition()
            .is_some_and(|r| self.element(n).as_bytes().contains(&r))
    }

    /// Calls `f` with the segment as the grammar sees it (for [`crate::x12::LoopCursor`]).
    pub fn with_ref<T>(&self, f: impl FnOnce(&SegmentRef<'_>) -> T) -> T {
        let mut parts = [""; MAX_ELEMENTS];
        // The tokenizer refuses segments with more elements than `parts` holds.
        for (slot, value) in parts.iter_mut().zip(self.elements()) {
            *slot = value;
        }
        let n = self.element_count().min(MAX_ELEMENTS);
        f(&SegmentRef {
            id: self.id(),
            elements: &parts[..n],
            component_separator: char::from(self.delimiters.component()),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first ISA.
    Start,
    /// Between an ISA and its IEA.
    Interchange,
    /// After an IEA: only whitespace or another ISA may follow.
    AfterIea,
    /// After an error: nothing more is read.
    Stopped,
}

/// Reads segments one at a time from a [`BufRead`]; see the module documentation.
pub struct Tokenizer<R> {
    input: R,
    /// The current segment's bytes, without its terminator.
    buf: Vec<u8>,
    seps: Vec<u32>,
    delimiters: Delimiters,
    /// Bit `b`: control byte `b` may appear inside a segment, being a delimiter of the current
    /// interchange (or a CR before an LF terminator). 0 for the usual punctuation delimiters.
    allowed_controls: u32,
    state: State,
    /// Bytes consumed from `input`.
    consumed: u64,
    /// Segments read so far.
    segments: u64,
    /// Number of the last segment within its transaction set.
    in_set: Option<u32>,
    set_closed: bool,
    /// Where the segment in `buf` starts, when it was read whole but holds a control character,
    /// a line break or invalid UTF-8 (then `buf` holds it with each invalid byte as U+FFFD).
    damaged: Option<Position>,
    /// Whether `buf` holds a segment read whole that had a recoverable problem (see
    /// [`Tokenizer::unreadable_text`]).
    skipped: bool,
}

impl<R: BufRead> Tokenizer<R> {
    /// A tokenizer at the start of `input`.
    pub fn new(input: R) -> Tokenizer<R> {
        Tokenizer {
            input,
            buf: Vec::with_capacity(256),
            seps: Vec::with_capacity(32),
            delimiters: Delimiters::STANDARD,
            allowed_controls: 0,
            state: State::Start,
            consumed: 0,
            segments: 0,
            in_set: None,
            set_closed: false,
            damaged: None,
            skipped: false,
        }
    }

    /// Bytes read so far.
    pub fn offset(&self) -> u64 {
        self.consumed
    }

    /// Segments returned so far.
    pub fn segments_read(&self) -> u64 {
        self.segments
    }

    /// The next segment, `Ok(None)` at the end of the file (after the last IEA), or a problem.
    /// After a [recoverable](TokenProblem::is_recoverable) problem the next call goes on with
    /// the following segment; after any other, every later call returns `Ok(None)`.
    pub fn next_segment(&mut self) -> Result<Option<Segment<'_>>, TokenError> {
        match self.read_next() {
            Ok(Some(position)) => {
                let text = std::str::from_utf8(&self.buf).unwrap_or("");
                Ok(Some(Segment {
                    text,
                    seps: &self.seps,
                    delimiters: self.delimiters,
                    position,
                }))
            }
            Ok(None) => Ok(None),
            Err(e) if e.problem.is_recoverable() => {
                // The bad segment was read to its terminator: count it and go on after it.
                self.skipped = true;
                self.count_segment();
                self.closes_envelope();
                if let Some(d) = &mut self.damaged {
                    d.number = self.segments;
                    d.in_set = self.in_set;
                }
                Err(e)
            }
            Err(e) => {
                self.state = State::Stopped;
                Err(e)
            }
        }
    }

    /// After a recoverable problem inside a segment that was read whole and has a well-formed id
    /// (a control character, a line break, bytes that are not UTF-8), that segment as read, with
    /// each invalid byte as U+FFFD: a checker can still place it and check the rest of it.
    /// `None` after any other problem, and once the next segment is asked for.
    pub fn damaged_segment(&self) -> Option<Segment<'_>> {
        let position = self.damaged?;
        let text = std::str::from_utf8(&self.buf).ok()?;
        Some(Segment {
            text,
            seps: &self.seps,
            delimiters: self.delimiters,
            position,
        })
    }

    /// After a [recoverable](TokenProblem::is_recoverable) problem, the text of the segment it
    /// is in, as read to its terminator (each invalid byte as U+FFFD), whether or not it could
    /// be split: what a rendering shows of a segment with a bad id (`*IC*DAVID...`), too many
    /// elements or a bad byte; `""` for an empty one. `None` after any other problem, and once
    /// the next segment is asked for.
    pub fn unreadable_text(&self) -> Option<&str> {
        if !self.skipped {
            return None;
        }
        std::str::from_utf8(&self.buf).ok()
    }

    fn error(&self, offset: u64, problem: TokenProblem) -> TokenError {
        TokenError {
            offset,
            segment: self.segments + 1,
            problem,
        }
    }

    fn io(&self, e: &io::Error) -> TokenError {
        self.error(self.consumed, TokenProblem::Io(e.kind().to_string()))
    }

    /// The next byte without consuming it, `None` at the end of the input.
    fn peek(&mut self) -> Result<Option<u8>, TokenError> {
        loop {
            match self.input.fill_buf() {
                Ok(b) => return Ok(b.first().copied()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io(&e)),
            }
        }
    }

    fn consume(&mut self, n: usize) {
        self.input.consume(n);
        self.consumed += n as u64;
    }

    /// Skips whitespace (and, at the very start, a byte-order mark); returns the next byte.
    fn skip_between_segments(&mut self) -> Result<Option<u8>, TokenError> {
        if self.consumed == 0 && self.peek()? == BOM.first().copied() {
            for &expected in BOM {
                if self.peek()? != Some(expected) {
                    return Err(self.error(0, TokenProblem::NoIsa));
                }
                self.consume(1);
            }
        }
        loop {
            let (skip, next) = match self.input.fill_buf() {
                Ok(b) => {
                    let skip = b
                        .iter()
                        .position(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
                        .unwrap_or(b.len());
                    (skip, b.get(skip).copied())
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io(&e)),
            };
            self.consume(skip);
            if next.is_some() || skip == 0 {
                return Ok(next);
            }
        }
    }

    fn read_next(&mut self) -> Result<Option<Position>, TokenError> {
        self.damaged = None;
        self.skipped = false;
        if self.state == State::Stopped {
            return Ok(None);
        }
        let next = self.skip_between_segments()?;
        let start = self.consumed;
        if next.is_none() {
            return match self.state {
                State::Start if start == 0 => Err(self.error(0, TokenProblem::Empty)),
                State::Start => Err(self.error(start, TokenProblem::NoIsa)),
                State::Interchange => Err(self.error(start, TokenProblem::NoIea)),
                State::AfterIea | State::Stopped => {
                    self.state = State::Stopped;
                    Ok(None)
                }
            };
        }
        if self.state == State::Interchange {
            self.read_segment(start)?;
            if segment_id(&self.buf, &self.seps) == b"ISA" {
                return Err(self.error(start, TokenProblem::IsaBeforeIea));
            }
        } else {
            self.read_isa(start)?;
            self.state = State::Interchange;
        }
        self.count_segment();
        self.closes_envelope();
        Ok(Some(Position {
            offset: start,
            number: self.segments,
            in_set: self.in_set,
        }))
    }

    /// Notes that the segment in `buf` closes its transaction set (SE) or interchange (IEA).
    fn closes_envelope(&mut self) {
        match segment_id(&self.buf, &self.seps) {
            b"SE" => self.set_closed = true,
            b"IEA" => self.state = State::AfterIea,
            _ => {}
        }
    }

    /// Counts the segment in `buf` in the file and in its transaction set.
    fn count_segment(&mut self) {
        self.segments += 1;
        if self.set_closed {
            self.in_set = None;
            self.set_closed = false;
        }
        self.in_set = match segment_id(&self.buf, &self.seps) {
            b"ST" => Some(1),
            _ => self.in_set.map(|n| n.saturating_add(1)),
        };
    }

    /// Reads the fixed-width ISA and takes the interchange's delimiters from it.
    fn read_isa(&mut self, start: u64) -> Result<(), TokenError> {
        let not_isa = if self.state == State::AfterIea {
            TokenProblem::DataAfterIea
        } else {
            TokenProblem::NoIsa
        };
        self.buf.clear();
        while self.buf.len() < ISA_LEN {
            let n = match self.input.fill_buf() {
                Ok([]) => break,
                Ok(b) => {
                    let n = (ISA_LEN - self.buf.len()).min(b.len());
                    self.buf.extend_from_slice(&b[..n]);
                    n
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io(&e)),
            };
            self.consume(n);
        }
        let head = &self.buf[..self.buf.len().min(3)];
        if head != &b"ISA"[..head.len()] {
            return Err(self.error(start, not_isa));
        }
        if self.buf.len() < ISA_LEN {
            return Err(self.error(start, TokenProblem::IsaTruncated));
        }
        let element = self.buf[3];
        // Every field must sit where the fixed widths put it; report the first that does not.
        let mut at = 3;
        for (i, &width) in ISA_WIDTHS.iter().enumerate() {
            let field_start = at + 1;
            let field_end = field_start + width;
            let field = &self.buf[field_start..field_end];
            let last = i + 1 == ISA_WIDTHS.len();
            // ISA16 is followed by the terminator, whatever it is; the others by the separator.
            if field.contains(&element) || (!last && self.buf[field_end] != element) {
                let found = self.buf[field_start..]
                    .iter()
                    .position(|&b| b == element)
                    .unwrap_or(ISA_LEN - field_start);
                let non_ascii = self.buf[field_start..field_start + found]
                    .iter()
                    .any(|b| !b.is_ascii());
                return Err(self.error(
                    start + field_start as u64,
                    TokenProblem::IsaFieldWidth {
                        field: (i + 1) as u8,
                        expected: width,
                        found,
                        non_ascii,
                    },
                ));
            }
            at = field_end;
        }
        // Control bytes are refused but where a delimiter sits (the element separator after
        // each field, as the widths above placed it, ISA11 and ISA16), which may be an
        // information separator; the terminator is judged below.
        let delimiter_at = |i: usize, b: u8| {
            (b == element || matches!(i, 82 | 104)) && is_information_separator(b)
        };
        if let Some(pos) = self.buf[..ISA_LEN - 1]
            .iter()
            .enumerate()
            .position(|(i, &b)| (b < b' ' || b == 0x7F) && !delimiter_at(i, b))
        {
            let byte = self.buf[pos];
            return Err(self.error(start + pos as u64, TokenProblem::IsaControlByte { byte }));
        }
        let (repetition, component, terminator) = (self.buf[82], self.buf[104], self.buf[105]);
        let repetition = (!repetition.is_ascii_alphanumeric()).then_some(repetition);
        let delimiters = Delimiters::read_from_isa(element, component, repetition, terminator);
        let role_of = |ch: char| {
            let b = u32::from(ch);
            if b == u32::from(element) {
                "element separator (the 4th character)"
            } else if b == u32::from(component) {
                "component separator (ISA16)"
            } else if b == u32::from(terminator) {
                "segment terminator (the character after ISA16)"
            } else {
                "repetition separator (ISA11)"
            }
        };
        self.delimiters = delimiters.map_err(|problem| {
            let role = match problem {
                DelimiterError::NotPunctuation(ch) | DelimiterError::Repeated(ch) => role_of(ch),
            };
            self.error(start, TokenProblem::Delimiter { role, problem })
        })?;
        let mut allowed = 0u32;
        for b in [element, component, terminator]
            .into_iter()
            .chain(repetition)
            .filter(|&b| b < b' ')
        {
            allowed |= 1 << b;
        }
        if terminator == b'\n' {
            allowed |= 1 << b'\r';
        }
        self.allowed_controls = allowed;
        self.buf.truncate(ISA_LEN - 1);
        self.split_elements(start)
    }

    /// Reads up to the segment terminator, checking every byte. A control character, a line
    /// break or invalid UTF-8 inside the segment is reported once the whole segment is read, so
    /// reading can go on after it (the segment is kept as [`Tokenizer::damaged_segment`]).
    fn read_segment(&mut self, start: u64) -> Result<(), TokenError> {
        enum Step {
            More(usize),
            Done(usize),
            TooLong,
            Eof,
        }
        self.buf.clear();
        let terminator = self.delimiters.segment();
        let t = char::from(terminator);
        let allowed = self.allowed_controls;
        // The first control byte or line break, and where it is.
        let mut bad: Option<(u64, u8)> = None;
        loop {
            let step = match self.input.fill_buf() {
                Ok([]) => Step::Eof,
                Ok(b) => {
                    let end = b.iter().position(|&x| x == terminator);
                    let chunk = &b[..end.unwrap_or(b.len())];
                    if self.buf.len() + chunk.len() > MAX_SEGMENT_LEN {
                        Step::TooLong
                    } else {
                        if bad.is_none()
                            && let Some(i) = chunk
                                .iter()
                                .position(|&x| (x < b' ' && (allowed >> x) & 1 == 0) || x == 0x7F)
                        {
                            bad = Some((self.consumed + i as u64, chunk[i]));
                        }
                        self.buf.extend_from_slice(chunk);
                        match end {
                            Some(e) => Step::Done(e + 1),
                            None => Step::More(chunk.len()),
                        }
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io(&e)),
            };
            match step {
                Step::More(n) => self.consume(n),
                Step::Done(n) => {
                    self.consume(n);
                    break;
                }
                Step::TooLong => {
                    return Err(self.error(start, TokenProblem::SegmentTooLong { terminator: t }));
                }
                // A line break ends a line, and the end of the file the last one (whose line
                // break editors often leave out). Truncation is still found: the cut segment
                // is then not the IEA, or an IEA without its control number.
                Step::Eof if matches!(terminator, b'\n' | b'\r') && !self.buf.is_empty() => {
                    break;
                }
                Step::Eof => {
                    return Err(self.error(start, TokenProblem::Truncated { terminator: t }));
                }
            }
        }
        if terminator == b'\n' {
            // CR LF: the CR belongs to the terminator. A CR anywhere else is a line break
            // inside the segment.
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
            if let Some(i) = self.buf.iter().position(|&b| b == b'\r') {
                let at = start + i as u64;
                if bad.is_none_or(|(offset, _)| at < offset) {
                    bad = Some((at, b'\r'));
                }
            }
        }
        let mut damage = bad.map(|(offset, byte)| {
            let problem = match byte {
                b'\r' | b'\n' => TokenProblem::LineBreak { terminator: t },
                _ => TokenProblem::ControlByte { byte },
            };
            self.error(offset, problem)
        });
        if let Err(e) = std::str::from_utf8(&self.buf) {
            let offset = start + e.valid_up_to() as u64;
            damage.get_or_insert_with(|| self.error(offset, TokenProblem::InvalidText));
            // U+FFFD is no delimiter, so the element boundaries stay where they were.
            self.buf = String::from_utf8_lossy(&self.buf).into_owned().into_bytes();
        }
        if self.buf.is_empty() {
            return Err(self.error(start, TokenProblem::EmptySegment { terminator: t }));
        }
        self.split_elements(start)?;
        let id = segment_id(&self.buf, &self.seps);
        let shape = if id.is_empty() {
            Some(SegmentIdShape::Empty)
        } else if !(2..=3).contains(&id.len()) {
            Some(SegmentIdShape::Length(id.len()))
        } else if !id[0].is_ascii_uppercase()
            || !id
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            Some(SegmentIdShape::Characters)
        } else {
            None
        };
        match (damage, shape) {
            // A damaged ISA cannot give the delimiters of the interchange it would open.
            (Some(_), None) if id == b"ISA" => Err(self.error(start, TokenProblem::IsaBeforeIea)),
            (Some(e), None) => {
                self.damaged = Some(Position {
                    offset: start,
                    number: 0,
                    in_set: None,
                });
                Err(e)
            }
            (Some(e), Some(_)) => Err(e),
            (None, Some(shape)) => Err(self.error(start, TokenProblem::BadSegmentId(shape))),
            (None, None) => Ok(()),
        }
    }

    fn split_elements(&mut self, start: u64) -> Result<(), TokenError> {
        let element = self.delimiters.element();
        self.seps.clear();
        for (i, &b) in self.buf.iter().enumerate() {
            if b == element {
                if self.seps.len() == MAX_ELEMENTS {
                    return Err(self.error(start, TokenProblem::TooManyElements));
                }
                // Segments are at most MAX_SEGMENT_LEN long, so positions fit in u32.
                self.seps.push(i as u32);
            }
        }
        Ok(())
    }
}

/// The bytes before the first element separator.
fn segment_id<'b>(buf: &'b [u8], seps: &[u32]) -> &'b [u8] {
    let end = seps.first().map_or(buf.len(), |&p| p as usize);
    buf.get(..end).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    const ISA: &str = "ISA*00*          *00*          *ZZ*ECMSUBMITTER   *ZZ*MCPRECEIVER    *250701*0930*^*00501*000000001*0*T*:~";

    fn file(body: &str) -> String {
        format!(
            "{ISA}\nGS*HC*A*B*20250701*0930*1*X*005010X222A1~\n{body}GE*1*1~\nIEA*1*000000001~\n"
        )
    }

    /// A segment as (id, number, number in set, offset).
    type Seen = (String, u64, Option<u32>, u64);

    /// Every segment, read `chunk` bytes at a time.
    fn read_with(bytes: &[u8], chunk: usize) -> Result<Vec<Seen>, TokenError> {
        let mut t = Tokenizer::new(BufReader::with_capacity(chunk, bytes));
        let mut out = Vec::new();
        while let Some(s) = t.next_segment()? {
            let p = s.position();
            out.push((s.id().to_string(), p.number, p.in_set, p.offset));
        }
        // After the end it stays at the end.
        assert!(t.next_segment().unwrap().is_none());
        Ok(out)
    }

    fn read(bytes: &[u8]) -> Result<Vec<Seen>, TokenError> {
        let whole = read_with(bytes, 8192);
        // Chunk boundaries never change the outcome.
        for chunk in [1, 2, 3, 7, 106, 107] {
            assert_eq!(read_with(bytes, chunk), whole, "chunk {chunk}");
        }
        whole
    }

    fn problem(bytes: &[u8]) -> (u64, u64, TokenProblem) {
        let e = read(bytes).unwrap_err();
        (e.offset, e.segment, e.problem)
    }

    #[test]
    fn numbers_segments_in_the_file_and_in_their_set() {
        let text = file("ST*837*0001*005010X222A1~\nBHT*0019~\nSE*3*0001~\n");
        let segs = read(text.as_bytes()).unwrap();
        let ids: Vec<&str> = segs.iter().map(|s| s.0.as_str()).collect();
        assert_eq!(ids, ["ISA", "GS", "ST", "BHT", "SE", "GE", "IEA"]);
        let in_set: Vec<Option<u32>> = segs.iter().map(|s| s.2).collect();
        assert_eq!(in_set, [None, None, Some(1), Some(2), Some(3), None, None]);
        assert_eq!(segs[1].1, 2);
        assert_eq!(segs[1].3, 107, "GS starts after the ISA and its line break");
    }

    #[test]
    fn accepts_a_bom_no_line_breaks_crlf_and_trailing_whitespace() {
        let plain = file("ST*837*1~SE*2*1~").replace('\n', "");
        let base = read(plain.as_bytes()).unwrap();
        let with_bom = read(format!("\u{feff}{plain}").as_bytes()).unwrap();
        assert_eq!(with_bom.len(), base.len());
        assert_eq!(with_bom[0].3, 3, "offsets count the BOM");
        let crlf = file("ST*837*1~\r\nSE*2*1~\r\n").replace('\n', "\r\n");
        assert_eq!(
            read(format!("{crlf}  \r\n\t\n").as_bytes()).unwrap().len(),
            base.len()
        );
        let indented = file("  ST*837*1~\n    SE*2*1~\n");
        assert_eq!(read(indented.as_bytes()).unwrap().len(), base.len());
    }

    #[test]
    fn delimiters_come_from_each_isa() {
        let isa2 = ISA
            .replace('*', "|")
            .replace("|^|", "|!|")
            .replace(":~", ">\\");
        let text = format!(
            "{}{isa2}GS|HC|A>1>2|B~X|20250701\\IEA|1|000000001\\",
            file("")
        );
        let mut t = Tokenizer::new(text.as_bytes());
        let mut seen = Vec::new();
        while let Some(s) = t.next_segment().unwrap() {
            seen.push((s.id().to_string(), s.delimiters()));
            if s.id() == "GS" && s.delimiters().element() == b'|' {
                assert_eq!(s.element(2), "A>1>2");
                assert_eq!(s.component(2, 2), "1");
                assert_eq!(s.components(2).count(), 3);
                assert_eq!(s.element(3), "B~X", "the first terminator is data here");
                assert_eq!(s.element(9), "");
                assert_eq!(s.component(9, 1), "");
            }
        }
        assert_eq!(seen.len(), 7);
        assert_eq!(seen[6].1.segment(), b'\\');
        assert_eq!(seen[6].1.repetition(), Some(b'!'));
    }

    #[test]
    fn gives_elements_components_and_repeats_without_copying() {
        let text = file("ST*837*1~SV1*HC:G9008:U1::U2*150*UN*1***1:2~SE*3*1~REF*X*A^B^C~");
        let mut t = Tokenizer::new(text.as_bytes());
        while let Some(s) = t.next_segment().unwrap() {
            match s.id() {
                "SV1" => {
                    assert_eq!(s.element_count(), 7);
                    assert_eq!(s.element(1), "HC:G9008:U1::U2");
                    let comps: Vec<&str> = s.components(1).collect();
                    assert_eq!(comps, ["HC", "G9008", "U1", "", "U2"]);
                    assert_eq!(s.component(7, 2), "2");
                    assert_eq!(s.element(0), "");
                    assert_eq!(s.component(1, 0), "");
                    assert!(!s.repeats(1));
                    let placed = s.with_ref(|r| (r.id.to_string(), r.elements.len()));
                    assert_eq!(placed, ("SV1".to_string(), 7));
                    assert_eq!(s.text(), "SV1*HC:G9008:U1::U2*150*UN*1***1:2");
                }
                "REF" => {
                    assert!(s.repeats(2));
                    assert_eq!(s.repetitions(2).collect::<Vec<_>>(), ["A", "B", "C"]);
                }
                _ => {}
            }
        }
    }

    #[test]
    fn an_isa11_letter_means_no_repetition_separator() {
        let text = file("").replace("*^*", "*U*");
        let mut t = Tokenizer::new(text.as_bytes());
        let isa = t.next_segment().unwrap().unwrap();
        assert_eq!(isa.delimiters().repetition(), None);
        assert_eq!(isa.element(11), "U");
        assert_eq!(isa.repetitions(11).count(), 1);
    }

    #[test]
    fn several_interchanges_in_one_file() {
        let text = format!("{}{}", file(""), file(""));
        let segs = read(text.as_bytes()).unwrap();
        assert_eq!(segs.len(), 8);
        assert_eq!(segs[4].0, "ISA");
        assert_eq!(segs[4].1, 5);
    }

    #[test]
    fn refuses_what_is_not_an_interchange() {
        assert_eq!(problem(b""), (0, 1, TokenProblem::Empty));
        assert_eq!(problem(b" \n"), (2, 1, TokenProblem::NoIsa));
        assert_eq!(problem(b"GS*HC~").2, TokenProblem::NoIsa);
        assert_eq!(problem(b"\xEF\xBB").2, TokenProblem::NoIsa);
        assert_eq!(problem(b"%PDF-1.4").2, TokenProblem::NoIsa);
        assert_eq!(problem(&ISA.as_bytes()[..50]).2, TokenProblem::IsaTruncated);
        assert_eq!(problem(b"IS").2, TokenProblem::IsaTruncated);
    }

    #[test]
    fn says_which_isa_field_has_the_wrong_width() {
        let short = ISA.replace("ECMSUBMITTER   ", "ECMSUBMITTER");
        let (offset, segment, p) = problem(file("").replace(ISA, &short).as_bytes());
        assert_eq!(
            p,
            TokenProblem::IsaFieldWidth {
                field: 6,
                expected: 15,
                found: 12,
                non_ascii: false,
            }
        );
        assert_eq!((offset, segment), (35, 1));
        assert!(p.to_string().contains("ISA06 is 12 bytes"), "{p}");
        assert!(!p.to_string().contains("non-ASCII"), "{p}");
        // 15 characters, one of them É: 16 bytes, and the message says why.
        let accented = ISA.replace("ECMSUBMITTER   ", "ECMSUBMITTÉR   ");
        let p = problem(file("").replace(ISA, &accented).as_bytes()).2;
        assert_eq!(
            p,
            TokenProblem::IsaFieldWidth {
                field: 6,
                expected: 15,
                found: 16,
                non_ascii: true,
            }
        );
        let message = p.to_string();
        assert!(
            message.starts_with("ISA06 is 16 bytes but") && message.contains("non-ASCII character"),
            "{message}"
        );
        let long = ISA.replace("*0930*", "*09300*");
        assert!(matches!(
            problem(file("").replace(ISA, &long).as_bytes()).2,
            TokenProblem::IsaFieldWidth { field: 10, .. }
        ));
    }

    #[test]
    fn refuses_bad_and_reused_delimiters() {
        let letter_terminator = file("").replace(":~", ":A");
        let p = problem(letter_terminator.as_bytes()).2;
        assert!(
            matches!(
                p,
                TokenProblem::Delimiter {
                    role: "segment terminator (the character after ISA16)",
                    problem: DelimiterError::NotPunctuation('A')
                }
            ),
            "{p:?}"
        );
        let reused = file("").replace(":~", "*~");
        assert!(matches!(
            problem(reused.as_bytes()).2,
            TokenProblem::IsaFieldWidth { field: 16, .. } | TokenProblem::Delimiter { .. }
        ));
        let same_component_and_repetition = file("").replace(":~", "^~");
        let p = problem(same_component_and_repetition.as_bytes()).2;
        assert!(
            matches!(
                p,
                TokenProblem::Delimiter {
                    problem: DelimiterError::Repeated('^'),
                    ..
                }
            ),
            "{p:?}"
        );
        // A control character that is not an information separator is no delimiter.
        let bell = file("").replace("*:~", "*\u{7}~");
        assert_eq!(
            problem(bell.as_bytes()).2,
            TokenProblem::IsaControlByte { byte: 7 }
        );
        // A line break serves only as the terminator.
        let lf_component = file("").replace("*:~", "*\n~");
        assert_eq!(
            problem(lf_component.as_bytes()).2,
            TokenProblem::IsaControlByte { byte: b'\n' }
        );
    }

    /// `text` (written with `* : ^ ~` and a line break after each terminator) with other
    /// delimiters; `terminator` replaces `~` and the line break after it.
    fn redelimit(
        text: &str,
        element: char,
        component: char,
        repetition: char,
        terminator: &str,
    ) -> String {
        text.replace("~\n", "~")
            .chars()
            .map(|c| match c {
                '*' => element.to_string(),
                ':' => component.to_string(),
                '^' => repetition.to_string(),
                '~' => terminator.to_string(),
                c => c.to_string(),
            })
            .collect()
    }

    /// Every segment's text and number in its set, and the delimiters of the last.
    fn texts(bytes: &[u8]) -> Vec<(String, Option<u32>)> {
        let whole = items(bytes, 8192);
        for chunk in [1, 2, 3, 106, 107] {
            assert_eq!(items(bytes, chunk), whole, "chunk {chunk}");
        }
        let mut t = Tokenizer::new(bytes);
        let mut out = Vec::new();
        while let Some(s) = t.next_segment().unwrap() {
            // Compared in the standard delimiters.
            let d = s.delimiters();
            let text: String = s
                .text()
                .bytes()
                .map(|b| match b {
                    _ if b == d.element() => '*',
                    _ if b == d.component() => ':',
                    _ if Some(b) == d.repetition() => '^',
                    b => char::from(b),
                })
                .collect();
            out.push((text, s.position().in_set));
        }
        out
    }

    /// A line break as the segment terminator (some senders' habit): LF, with or without a CR
    /// before it and a line break at the end of the file, or CR (and an LF after it); blank
    /// lines between segments are whitespace. Each reads as the same file with `~`.
    #[test]
    fn a_line_break_may_be_the_segment_terminator() {
        let standard = file("ST*837*1~NM1*IL*1*DOE*JANE~SV1*HC:G9008:U1*150*UN*1***1:2~SE*4*1~");
        let want = texts(standard.as_bytes());
        assert_eq!(want.len(), 8);
        let lf = redelimit(&standard, '*', ':', '^', "\n");
        assert!(lf.starts_with(&ISA.replace(":~", ":\n")), "{lf}");
        let t = Tokenizer::new(lf.as_bytes())
            .next_segment()
            .unwrap()
            .unwrap()
            .delimiters();
        assert_eq!(t.segment(), b'\n');
        for (what, text) in [
            ("LF", lf.clone()),
            ("no LF at the end", lf.trim_end().to_string()),
            (
                "CR LF after the ISA",
                format!("{}{}", &lf[..ISA_LEN], lf[ISA_LEN..].replace('\n', "\r\n")),
            ),
            ("blank lines", lf.replace("\nSE", "\n\n  \r\nSE")),
            ("CR", redelimit(&standard, '*', ':', '^', "\r")),
            ("CR LF as CR", redelimit(&standard, '*', ':', '^', "\r\n")),
        ] {
            assert_eq!(texts(text.as_bytes()), want, "{what}");
        }
        // A CR inside a segment, not before its LF, is a line break inside it.
        let cr_inside = lf.replace("DOE*JANE", "DOE\r*JANE");
        let (offset, segment, p) = problem(cr_inside.as_bytes());
        assert_eq!(p, TokenProblem::LineBreak { terminator: '\n' });
        assert_eq!(
            (offset as usize, segment),
            (cr_inside.find('\r').unwrap(), 4)
        );
        // Truncation is still found without a terminator at the end.
        let cut = &lf[..lf.find("SE*4").unwrap() + 3];
        assert_eq!(problem(cut.as_bytes()).2, TokenProblem::NoIea);
        // A terminator other than a line break still needs to end the file's last segment.
        let tilde = standard.trim_end();
        assert_eq!(
            problem(&tilde.as_bytes()[..tilde.len() - 1]).2,
            TokenProblem::Truncated { terminator: '~' }
        );
    }

    /// The information separators 0x1C..=0x1F, which older translators use, serve as delimiters
    /// in any role; another control character in a segment is still refused.
    #[test]
    fn information_separators_may_be_the_delimiters() {
        let standard = file("ST*837*1~SV1*HC:G9008:U1*150*UN*1***1:2~REF*X*A^B~SE*4*1~");
        let want = texts(standard.as_bytes());
        let old = redelimit(&standard, '\u{1d}', '\u{1f}', '\u{1e}', "\u{1c}\r\n");
        assert_eq!(texts(old.as_bytes()), want);
        let mut t = Tokenizer::new(old.as_bytes());
        while let Some(s) = t.next_segment().unwrap() {
            if s.id() == "SV1" {
                assert_eq!(s.components(1).collect::<Vec<_>>(), ["HC", "G9008", "U1"]);
                assert_eq!(s.element(2), "150");
            }
            if s.id() == "REF" {
                assert_eq!(s.repetitions(2).collect::<Vec<_>>(), ["A", "B"]);
            }
        }
        // Without a repetition separator (ISA11 U), and with an LF terminator.
        let no_rep = redelimit(
            &standard
                .replace("REF*X*A^B~", "REF*X*A~")
                .replace("*^*", "*U*"),
            '\u{1d}',
            '\u{1f}',
            '^',
            "\n",
        );
        assert_eq!(texts(no_rep.as_bytes()).len(), want.len());
        let bad = old.replace("REF\u{1d}X", "REF\u{1d}\u{1}X");
        assert_eq!(
            problem(bad.as_bytes()).2,
            TokenProblem::ControlByte { byte: 1 }
        );
        // Once the interchange ends, the next one's ISA gives its own delimiters.
        let both = format!("{old}{standard}");
        assert_eq!(texts(both.as_bytes()).len(), 2 * want.len());
    }

    #[test]
    fn refuses_malformed_segments_with_their_place() {
        let text = file("ST*837*1~NM1*IL*D\u{1}E~");
        let (offset, segment, p) = problem(text.as_bytes());
        assert_eq!(p, TokenProblem::ControlByte { byte: 1 });
        assert_eq!(segment, 4);
        assert_eq!(offset as usize, text.find('\u{1}').unwrap());

        let text = file("ST*837*1~NM1*IL\n*DOE~");
        assert_eq!(
            problem(text.as_bytes()).2,
            TokenProblem::LineBreak { terminator: '~' }
        );

        let mut bytes = file("ST*837*1~NM1*IL*DOE~").into_bytes();
        let at = bytes.iter().position(|&b| b == b'D').unwrap();
        bytes[at] = 0xE9; // Latin-1 é
        let (offset, _, p) = problem(&bytes);
        assert_eq!((offset as usize, p), (at, TokenProblem::InvalidText));
        // Valid UTF-8 text passes the tokenizer (checkers judge it).
        assert!(read(file("NM1*IL*MUÑOZ~").as_bytes()).is_ok());

        for (body, shape) in [
            ("*IC*X~", SegmentIdShape::Empty),
            ("NM12*X~", SegmentIdShape::Length(4)),
            ("N*X~", SegmentIdShape::Length(1)),
            ("nm1*X~", SegmentIdShape::Characters),
            ("1NM*X~", SegmentIdShape::Characters),
        ] {
            assert_eq!(
                problem(file(body).as_bytes()).2,
                TokenProblem::BadSegmentId(shape),
                "{body}"
            );
        }
        assert_eq!(
            problem(file("ST*1~~").as_bytes()).2,
            TokenProblem::EmptySegment { terminator: '~' }
        );
        let many = format!("REF{}~", "*A".repeat(MAX_ELEMENTS + 1));
        assert_eq!(
            problem(file(&many).as_bytes()).2,
            TokenProblem::TooManyElements
        );
        let long = format!("NTE*{}~", "A".repeat(MAX_SEGMENT_LEN));
        assert_eq!(
            problem(file(&long).as_bytes()).2,
            TokenProblem::SegmentTooLong { terminator: '~' }
        );
    }

    #[test]
    fn goes_on_after_a_segment_it_could_split() {
        let text = file("ST*837*1~*IC*X~nm1*Y~PER*IC~SE*5*1~");
        let mut t = Tokenizer::new(text.as_bytes());
        let mut seen = Vec::new();
        loop {
            match t.next_segment() {
                Ok(Some(s)) => seen.push(format!("{} {:?}", s.id(), s.position().in_set)),
                Ok(None) => break,
                Err(e) => {
                    assert!(e.problem.is_recoverable());
                    seen.push(format!("error at segment {}", e.segment));
                }
            }
        }
        assert_eq!(seen[3], "error at segment 4");
        assert_eq!(seen[4], "error at segment 5");
        assert_eq!(seen[5], "PER Some(4)");
        assert_eq!(seen[6], "SE Some(5)");
        assert_eq!(seen.len(), 9);
        // An unrecoverable problem ends the reading.
        let bytes = format!("{ISA}ST*1~NM1*X").into_bytes();
        let mut t = Tokenizer::new(bytes.as_slice());
        while let Ok(Some(_)) = t.next_segment() {}
        assert!(t.next_segment().unwrap().is_none());
    }

    /// After a recoverable problem the segment's text is there as read, split or not; after an
    /// unrecoverable one, or a good segment, nothing is.
    #[test]
    fn the_text_of_a_segment_it_could_not_split_is_kept() {
        let many = format!("REF{}", "*A".repeat(MAX_ELEMENTS + 1));
        let text = file(&format!(
            "ST*837*1~*IC*DAVID*TE*555~nm1*X~~{many}~N3*A\u{1}B~SE*7*1~"
        ));
        let mut t = Tokenizer::new(text.as_bytes());
        let mut seen = Vec::new();
        loop {
            match t.next_segment() {
                Ok(Some(s)) => {
                    let id = s.id().to_string();
                    seen.push((id, t.unreadable_text().map(str::to_string)));
                }
                Ok(None) => break,
                Err(e) => {
                    assert!(e.problem.is_recoverable());
                    seen.push(("!!".into(), t.unreadable_text().map(str::to_string)));
                }
            }
        }
        let kept: Vec<Option<&str>> = seen[3..8].iter().map(|(_, k)| k.as_deref()).collect();
        assert_eq!(
            kept,
            [
                Some("*IC*DAVID*TE*555"),
                Some("nm1*X"),
                Some(""),
                Some(many.as_str()),
                Some("N3*A\u{1}B"),
            ]
        );
        assert_eq!(seen[8], ("SE".to_string(), None));
        assert!(seen.iter().all(|(id, k)| id == "!!" || k.is_none()));
        let cut = format!("{ISA}ST*1~NM1*X");
        let mut t = Tokenizer::new(cut.as_bytes());
        while let Ok(Some(_)) = t.next_segment() {}
        assert_eq!(t.unreadable_text(), None);
    }

    /// Every item as text: a segment, or an error with the damaged segment it kept.
    fn items(bytes: &[u8], chunk: usize) -> Vec<String> {
        let mut t = Tokenizer::new(BufReader::with_capacity(chunk, bytes));
        let mut seen = Vec::new();
        loop {
            match t.next_segment() {
                Ok(Some(s)) => seen.push(format!("{} {:?}", s.text(), s.position().in_set)),
                Ok(None) => break,
                Err(e) => {
                    let kept = t.damaged_segment().map(|s| {
                        let p = s.position();
                        format!("{:?} at {}/{:?}/{}", s.text(), p.number, p.in_set, p.offset)
                    });
                    seen.push(format!(
                        "error {} at {} ({}): {}",
                        e.segment,
                        e.offset,
                        e.problem.is_recoverable(),
                        kept.unwrap_or_else(|| "nothing kept".to_string())
                    ));
                }
            }
        }
        seen
    }

    #[test]
    fn keeps_a_segment_with_a_control_character_line_break_or_bad_byte_and_goes_on() {
        let mut bytes =
            file("ST*837*1~NM1*IL*D\tOE~N3*A\nB~N4*C\u{1}~REF*X*MUxOZ~SE*6*1~").into_bytes();
        let x = bytes.iter().position(|&b| b == b'x').unwrap();
        bytes[x] = 0xD1; // Latin-1 Ñ
        let whole = items(&bytes, 8192);
        for chunk in [1, 2, 5, 107] {
            assert_eq!(items(&bytes, chunk), whole, "chunk {chunk}");
        }
        let tab = bytes.iter().position(|&b| b == b'\t').unwrap();
        let nm1 = tab - "NM1*IL*D".len();
        assert_eq!(
            whole[3],
            format!("error 4 at {tab} (true): \"NM1*IL*D\\tOE\" at 4/Some(2)/{nm1}")
        );
        assert!(whole[4].starts_with("error 5 at"), "{}", whole[4]);
        assert!(
            whole[4].contains(r#""N3*A\nB" at 5/Some(3)"#),
            "{}",
            whole[4]
        );
        assert!(
            whole[5].contains(r#""N4*C\u{1}" at 6/Some(4)"#),
            "{}",
            whole[5]
        );
        assert!(
            whole[6].contains("\"REF*X*MU\u{FFFD}OZ\" at 7/Some(5)"),
            "{}",
            whole[6]
        );
        assert_eq!(whole[7], "SE*6*1 Some(6)");
        assert_eq!(
            whole[8], "GE*1*1 None",
            "a damaged set still closes at its SE"
        );
        assert_eq!(whole.len(), 10);
        // A damaged SE closes its set too.
        let text = file("ST*837*1~SE*2*\u{1}~ST*837*2~SE*2*2~");
        let seen = items(text.as_bytes(), 8192);
        assert!(seen[3].contains("at 4/Some(2)"), "{}", seen[3]);
        assert_eq!(seen[4], "ST*837*2 Some(1)");
        // A bad byte in the segment id leaves nothing to place; an ISA cannot be damaged.
        let seen = items(file("ST*837*1~N\u{1}M*X~SE*3*1~").as_bytes(), 8192);
        assert!(seen[3].ends_with("(true): nothing kept"), "{}", seen[3]);
        assert_eq!(seen[4], "SE*3*1 Some(3)");
        let seen = items(file("ISA*\u{1}~").as_bytes(), 8192);
        assert!(seen[2].contains("(false)"), "{}", seen[2]);
    }

    #[test]
    fn refuses_truncation_and_trailing_data() {
        let full = file("ST*837*1~SE*2*1~");
        let cut = &full[..full.len() - 3];
        assert_eq!(
            problem(cut.as_bytes()).2,
            TokenProblem::Truncated { terminator: '~' }
        );
        let no_iea = full.replace("IEA*1*000000001~\n", "");
        let (offset, segment, p) = problem(no_iea.as_bytes());
        assert_eq!(p, TokenProblem::NoIea);
        assert_eq!((offset as usize, segment), (no_iea.len(), 6));
        assert_eq!(
            problem(format!("{full}JUNK~").as_bytes()).2,
            TokenProblem::DataAfterIea
        );
        assert_eq!(
            problem(format!("{full}x").as_bytes()).2,
            TokenProblem::DataAfterIea
        );
        let nested = full.replace("GE*1*1~", ISA);
        assert_eq!(problem(nested.as_bytes()).2, TokenProblem::IsaBeforeIea);
    }

    #[test]
    fn messages_say_where_and_what_to_do() {
        let e = read(file("ST*837*1~NM1*IL\n*DOE~").as_bytes()).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("byte "), "{msg}");
        assert!(msg.contains("segment 4"), "{msg}");
        assert!(msg.contains("join the segment onto one line"), "{msg}");
        assert!(!msg.contains("DOE"));
    }

    proptest::proptest! {
        /// Any bytes, alone or after a valid ISA, read to Ok or Err without panicking, and the
        /// same way whatever the read chunk size.
        #[test]
        fn arbitrary_bytes_never_panic(
            tail in proptest::collection::vec(proptest::num::u8::ANY, 0..400),
            chunk in 1usize..300,
            after_isa: bool,
        ) {
            let mut bytes = if after_isa { ISA.as_bytes().to_vec() } else { Vec::new() };
            bytes.extend_from_slice(&tail);
            let whole = read_with(&bytes, 8192);
            proptest::prop_assert_eq!(read_with(&bytes, chunk), whole);
        }
    }
}
