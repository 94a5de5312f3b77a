//! CSV records with their line numbers, fast for the usual row. A line with no quote character
//! is split at its commas directly (what any CSV reader makes of it); a line with a quote is
//! handed to `csv_core`, the RFC 4180 state machine the `csv` crate is built on, which may take
//! more lines for a quoted field that holds line breaks. Most rows of an export have no quote,
//! and splitting them at once costs a fraction of running the state machine over every byte.
//!
//! Line ends must already be LF (see [`super::line_ends`]): lines are counted by LF, so the row
//! numbers are the spreadsheet's whatever saved the file.

use super::record::RawRecord;
use std::io::{self, Read};

/// One record and where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lines {
    /// The line the record starts on (1-based).
    pub first: u64,
    /// The line it ends on: `first` unless a quoted field holds line breaks.
    pub last: u64,
}

/// Reads CSV records from `inner`; see the module notes.
pub struct CsvLines<R> {
    inner: R,
    buf: Vec<u8>,
    /// Unread bytes are `buf[pos..end]`.
    pos: usize,
    end: usize,
    eof: bool,
    /// The line `buf[pos]` is on.
    line: u64,
    /// Bytes consumed so far (for progress).
    consumed: u64,
    core: csv_core::Reader,
    /// The state machine's output for a quoted record: field bytes and field ends.
    out: Vec<u8>,
    ends: Vec<usize>,
}

impl<R: Read> CsvLines<R> {
    const CHUNK: usize = 1 << 20;

    pub fn new(inner: R) -> Self {
        CsvLines {
            inner,
            buf: vec![0; Self::CHUNK],
            pos: 0,
            end: 0,
            eof: false,
            line: 1,
            consumed: 0,
            core: csv_core::Reader::new(),
            out: vec![0; 1024],
            ends: vec![0; 64],
        }
    }

    /// Bytes of the input consumed so far.
    pub fn position(&self) -> u64 {
        self.consumed
    }

    /// Reads the next record into `rec`, skipping empty lines; `None` at the end of the input.
    pub fn next(&mut self, rec: &mut RawRecord) -> io::Result<Option<Lines>> {
        loop {
            let (line_len, has_newline) = match memchr::memchr(b'\n', &self.buf[self.pos..self.end])
            {
                Some(n) => (n, true),
                None if self.eof => (self.end - self.pos, false),
                None => {
                    self.fill()?;
                    continue;
                }
            };
            if line_len == 0 {
                if !has_newline {
                    return Ok(None);
                }
                self.advance(1, 1);
                continue;
            }
            let line = &self.buf[self.pos..self.pos + line_len];
            let first = self.line;
            rec.clear();
            if split_plain(line, &mut rec.bounds) {
                rec.bytes.extend_from_slice(line);
                self.advance(line_len + usize::from(has_newline), u64::from(has_newline));
                return Ok(Some(Lines { first, last: first }));
            }
            rec.clear();
            return self.quoted(rec, first);
        }
    }

    /// A record with a quote: the state machine reads it, over as many lines as it takes.
    fn quoted(&mut self, rec: &mut RawRecord, first: u64) -> io::Result<Option<Lines>> {
        use csv_core::ReadRecordResult as R;
        let (mut outlen, mut endlen) = (0, 0);
        // Line breaks consumed, and whether the last byte consumed was one (the terminator).
        let mut breaks = 0u64;
        let mut ended_on_break = false;
        loop {
            let input = &self.buf[self.pos..self.end];
            let (result, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.out[outlen..], &mut self.ends[endlen..]);
            let taken = &input[..nin];
            let n = memchr::memchr_iter(b'\n', taken).count() as u64;
            if nin > 0 {
                ended_on_break = taken[nin - 1] == b'\n';
            }
            breaks += n;
            self.advance(nin, n);
            outlen += nout;
            endlen += nend;
            match result {
                R::InputEmpty => {
                    if self.eof {
                        // An empty input tells the machine the data has ended; it then gives
                        // the record it holds.
                        continue;
                    }
                    self.fill()?;
                }
                R::OutputFull => {
                    if self.out.len() >= MAX_RECORD {
                        return Err(too_long(first));
                    }
                    let len = self.out.len() * 2;
                    self.out.resize(len, 0);
                }
                R::OutputEndsFull => {
                    let len = self.ends.len() * 2;
                    self.ends.resize(len, 0);
                }
                // Only when nothing was left to read (the line had a byte, so not expected).
                R::End if endlen == 0 => return Ok(None),
                R::Record | R::End => {
                    rec.clear();
                    rec.bytes.extend_from_slice(&self.out[..outlen]);
                    let mut start = 0;
                    for &stop in &self.ends[..endlen] {
                        rec.bounds.push((start as u32, stop as u32));
                        start = stop;
                    }
                    let within = breaks - u64::from(ended_on_break);
                    return Ok(Some(Lines {
                        first,
                        last: first + within,
                    }));
                }
            }
        }
    }

    /// Consumes `n` bytes holding `breaks` line breaks.
    fn advance(&mut self, n: usize, breaks: u64) {
        self.pos += n;
        self.consumed += n as u64;
        self.line += breaks;
    }

    /// Moves the unread bytes to the front and reads more after them.
    fn fill(&mut self) -> io::Result<()> {
        self.buf.copy_within(self.pos..self.end, 0);
        self.end -= self.pos;
        self.pos = 0;
        if self.end == self.buf.len() {
            // A line longer than the buffer: make room, up to a limit no table's row comes near
            // (field positions are kept in 32 bits, and a file with no line break must not be
            // read whole into memory).
            if self.buf.len() >= MAX_RECORD {
                return Err(too_long(self.line));
            }
            let len = (self.buf.len() * 2).min(MAX_RECORD);
            self.buf.resize(len, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// The longest record read: 64 MiB.
const MAX_RECORD: usize = 64 << 20;

fn too_long(line: u64) -> io::Error {
    io::Error::other(format!(
        "the row from line {line} runs past 64 MiB without ending (a quote left open, or not a table): check the file is the CSV export"
    ))
}

/// Splits a line with no quote at its commas into `bounds`, eight bytes at a time (a memchr
/// call per field cost more than the scan on rows of thirty short fields). False, with `bounds`
/// left partly filled, when the line holds a quote: the CSV state machine reads it instead.
fn split_plain(line: &[u8], bounds: &mut Vec<(u32, u32)>) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A byte of `x` that is zero sets its high bit in the result (exactly, with no false
    // positives, since each byte is tested without borrowing from its neighbour).
    let zero_bytes = |x: u64| !(((x & !HIGHS) + !HIGHS) | x) & HIGHS;
    let mut start = 0u32;
    let mut chunks = line.chunks_exact(8);
    let mut at = 0u32;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        if zero_bytes(word ^ (ONES * u64::from(b'"'))) != 0 {
            return false;
        }
        let mut commas = zero_bytes(word ^ (ONES * u64::from(b',')));
        while commas != 0 {
            let comma = at + commas.trailing_zeros() / 8;
            bounds.push((start, comma));
            start = comma + 1;
            commas &= commas - 1;
        }
        at += 8;
    }
    for &b in chunks.remainder() {
        match b {
            b'"' => return false,
            b',' => {
                bounds.push((start, at));
                start = at + 1;
            }
            _ => {}
        }
        at += 1;
    }
    bounds.push((start, line.len() as u32));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Records and their lines as this reader gives them, read through a tiny buffer so that
    /// every refill path is taken.
    fn ours(text: &[u8], chunk: usize) -> Vec<(Vec<Vec<u8>>, Lines)> {
        let mut r = CsvLines::new(text);
        r.buf = vec![0; chunk.max(1)];
        let mut rec = RawRecord::default();
        let mut out = Vec::new();
        while let Some(lines) = r.next(&mut rec).unwrap() {
            out.push((rec.iter().map(<[u8]>::to_vec).collect(), lines));
        }
        out
    }

    /// The `csv` crate's records for the same text.
    fn theirs(text: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while r.read_byte_record(&mut rec).unwrap() {
            out.push(rec.iter().map(<[u8]>::to_vec).collect());
        }
        out
    }

    #[test]
    fn plain_and_quoted_rows_with_their_lines() {
        let text = b"a,b,c\n1,,3\n\n\"x,y\",\"two\nlines\",z\nlast,row";
        let got = ours(text, 4);
        let fields: Vec<Vec<Vec<u8>>> = got.iter().map(|(f, _)| f.clone()).collect();
        assert_eq!(fields, theirs(text));
        let lines: Vec<(u64, u64)> = got.iter().map(|(_, l)| (l.first, l.last)).collect();
        assert_eq!(lines, vec![(1, 1), (2, 2), (4, 5), (6, 6)]);
        // A quote left open runs to the end of the input.
        let got = ours(b"h\n\"open\nmore\nrows", 3);
        assert_eq!(got[1].1, Lines { first: 2, last: 4 });
        assert_eq!(got[1].0, vec![b"open\nmore\nrows".to_vec()]);
    }

    /// A row that never ends (no line break, or a quote left open) stops reading with an error
    /// at 64 MiB instead of taking the whole file into memory.
    #[test]
    fn a_row_past_the_limit_is_an_error() {
        for text in [
            vec![b'x'; MAX_RECORD + 10],
            [b"a\n\"".as_slice(), &vec![b'y'; MAX_RECORD + 10]].concat(),
        ] {
            let mut r = CsvLines::new(text.as_slice());
            let mut rec = RawRecord::default();
            let mut err = None;
            for _ in 0..3 {
                match r.next(&mut rec) {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(e) => {
                        err = Some(e);
                        break;
                    }
                }
            }
            let e = err.expect("an error").to_string();
            assert!(e.contains("runs past 64 MiB"), "{e}");
        }
    }

    proptest! {
        /// Whatever the bytes and the buffer size, the records are the csv crate's.
        #[test]
        fn agrees_with_the_csv_crate(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b','), Just(b'"'), Just(b'\n'), Just(b'x'), Just(b' ')],
                0..80,
            ),
            chunk in 1usize..12,
        ) {
            let got: Vec<Vec<Vec<u8>>> = ours(&bytes, chunk).into_iter().map(|(f, _)| f).collect();
            prop_assert_eq!(got, theirs(&bytes));
        }

        /// A plain line is split where its commas are, whatever its length.
        #[test]
        fn plain_lines_split_at_every_comma(line in "[a-z ,é]{0,200}") {
            let mut bounds = Vec::new();
            prop_assert!(split_plain(line.as_bytes(), &mut bounds));
            let got: Vec<&str> = bounds.iter().map(|&(a, b)| &line[a as usize..b as usize]).collect();
            let want: Vec<&str> = line.split(',').collect();
            prop_assert_eq!(got, want);
            let quoted = format!("{line}\"");
            prop_assert!(!split_plain(quoted.as_bytes(), &mut Vec::new()));
        }

        /// Lines are counted: a record's first line is one more than the breaks before it.
        #[test]
        fn first_lines_count_the_breaks_before(
            rows in proptest::collection::vec("[a-z,]{0,6}", 0..12),
        ) {
            let text = rows.join("\n");
            let mut want = Vec::new();
            for (i, r) in rows.iter().enumerate() {
                if !r.is_empty() {
                    want.push(i as u64 + 1);
                }
            }
            let got: Vec<u64> = ours(text.as_bytes(), 5).iter().map(|(_, l)| l.first).collect();
            prop_assert_eq!(got, want);
        }
    }
}
