//! Line ends as the CSV reader should see them: CRLF (Windows, Excel) and a lone CR (old Mac
//! exports) become LF. The CSV parser itself accepts all three, but counts lines by LF only, so
//! without this a CRLF file's rows were numbered one too low and a CR file's all "row 1".

use std::io::{self, Read};

/// Reads `inner` with every CRLF and lone CR turned into LF. Bytes are read straight into the
/// caller's buffer and changed there, so a file already in LF costs one scan for CR and no copy.
pub struct LfOnly<R> {
    inner: R,
    /// The last byte handed out was a CR turned into LF: an LF right after it is its pair.
    after_cr: bool,
}

impl<R: Read> LfOnly<R> {
    pub fn new(inner: R) -> Self {
        LfOnly {
            inner,
            after_cr: false,
        }
    }
}

impl<R: Read> Read for LfOnly<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            let n = self.inner.read(out)?;
            if n == 0 {
                return Ok(0);
            }
            let mut read = 0;
            if self.after_cr {
                self.after_cr = false;
                if out[0] == b'\n' {
                    read = 1;
                }
            }
            if read == 0 && memchr::memchr(b'\r', &out[..n]).is_none() {
                return Ok(n);
            }
            // Moved down in place: what is written never overtakes what is read.
            let mut written = 0;
            while read < n {
                match memchr::memchr(b'\r', &out[read..n]) {
                    None => {
                        out.copy_within(read..n, written);
                        written += n - read;
                        read = n;
                    }
                    Some(k) => {
                        out.copy_within(read..read + k, written);
                        out[written + k] = b'\n';
                        written += k + 1;
                        read += k + 1;
                        match out[..n].get(read) {
                            Some(b'\n') => read += 1,
                            Some(_) => {}
                            // The CR ends this read: its LF, if any, comes with the next.
                            None => self.after_cr = true,
                        }
                    }
                }
            }
            // Nothing but the LF of a CR handed out before: read on.
            if written > 0 {
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn through(bytes: &[u8], capacity: usize, chunk: usize) -> Vec<u8> {
        let mut r = LfOnly::new(io::BufReader::with_capacity(capacity, bytes));
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn every_line_end_becomes_lf() {
        assert_eq!(through(b"a\r\nb\rc\nd\r\r\ne", 64, 64), b"a\nb\nc\nd\n\ne");
        assert_eq!(through(b"no line ends", 64, 64), b"no line ends");
        assert_eq!(through(b"", 64, 64), b"");
        // A CRLF split across two fills of the buffer is still one line end.
        assert_eq!(through(b"ab\r\ncd", 3, 64), b"ab\ncd");
        assert_eq!(through(b"ab\r\r\ncd", 3, 2), b"ab\n\ncd");
    }

    proptest! {
        /// Whatever the buffer and read sizes, the bytes are the same as replacing in one go.
        #[test]
        fn matches_a_plain_replace(
            bytes in proptest::collection::vec(prop_oneof![Just(b'\r'), Just(b'\n'), Just(b'x')], 0..64),
            capacity in 1usize..9,
            chunk in 1usize..9,
        ) {
            let want = String::from_utf8(bytes.clone()).unwrap().replace("\r\n", "\n").replace('\r', "\n");
            prop_assert_eq!(through(&bytes, capacity, chunk), want.into_bytes());
        }
    }
}
