//! A row's fields as one string and the bounds of each field in it: a row read from a CSV line
//! is copied once (or, for a plain line, not at all: the line's bytes become the text), instead
//! of field by field.

/// The fields of one row, read like `csv::StringRecord`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    text: String,
    /// Byte range of each field in `text`.
    bounds: Vec<(u32, u32)>,
}

impl Fields {
    pub fn new() -> Fields {
        Fields::default()
    }

    /// Fields over `text` at `bounds` (which must lie on character boundaries; a bound that
    /// does not reads as an empty field rather than a panic).
    pub(super) fn from_parts(text: String, bounds: Vec<(u32, u32)>) -> Fields {
        Fields { text, bounds }
    }

    /// Appends a field.
    pub fn push_field(&mut self, f: &str) {
        let start = self.text.len() as u32;
        self.text.push_str(f);
        self.bounds.push((start, self.text.len() as u32));
    }

    /// How many fields the row has.
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// Whether any field holds byte `b` (one SIMD scan of the row's text).
    pub fn holds(&self, b: u8) -> bool {
        memchr::memchr(b, self.text.as_bytes()).is_some()
    }

    /// Field `i`, if the row has one.
    pub fn get(&self, i: usize) -> Option<&str> {
        let &(s, e) = self.bounds.get(i)?;
        Some(self.text.get(s as usize..e as usize).unwrap_or(""))
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }
}

impl<'a> FromIterator<&'a str> for Fields {
    fn from_iter<I: IntoIterator<Item = &'a str>>(it: I) -> Fields {
        let mut f = Fields::new();
        for s in it {
            f.push_field(s);
        }
        f
    }
}

/// A record's bytes as read, before they are known to be UTF-8.
#[derive(Debug, Clone, Default)]
pub struct RawRecord {
    pub bytes: Vec<u8>,
    /// Byte range of each field in `bytes`.
    pub bounds: Vec<(u32, u32)>,
}

impl RawRecord {
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.bounds.clear();
    }

    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.bounds
            .iter()
            .map(|&(s, e)| &self.bytes[s as usize..e as usize])
    }

    /// Copies the record's text into `into`, reusing its room (a batch's records are filled
    /// again and again rather than allocated per row); a field that is not UTF-8 is decoded by
    /// `fallback`, and the flag says so.
    pub fn copy_fields(&self, into: &mut Fields, fallback: impl Fn(&[u8]) -> String) -> bool {
        into.text.clear();
        into.bounds.clear();
        // A SIMD check of the whole record: the usual record is all UTF-8 (std's check took
        // ~3 instructions a byte, a tenth of the reading thread's work).
        match simdutf8::basic::from_utf8(&self.bytes) {
            Ok(text) => {
                into.text.push_str(text);
                into.bounds.extend_from_slice(&self.bounds);
                false
            }
            Err(_) => {
                for &(s, e) in &self.bounds {
                    let field = &self.bytes[s as usize..e as usize];
                    match std::str::from_utf8(field) {
                        Ok(s) => into.push_field(s),
                        Err(_) => into.push_field(&fallback(field)),
                    }
                }
                true
            }
        }
    }

    /// Takes the record as text without copying when it is UTF-8; otherwise each field that is
    /// not is decoded by `fallback` (and the flag says so). Leaves `self` empty, with room.
    pub fn take_fields(&mut self, fallback: impl Fn(&[u8]) -> String) -> (Fields, bool) {
        let (nb, nf) = (self.bytes.len(), self.bounds.len());
        let bytes = std::mem::replace(&mut self.bytes, Vec::with_capacity(nb));
        let bounds = std::mem::replace(&mut self.bounds, Vec::with_capacity(nf));
        match String::from_utf8(bytes) {
            Ok(text) => (Fields::from_parts(text, bounds), false),
            Err(e) => {
                let bytes = e.into_bytes();
                let mut f = Fields::new();
                for &(s, e) in &bounds {
                    let field = &bytes[s as usize..e as usize];
                    match std::str::from_utf8(field) {
                        Ok(s) => f.push_field(s),
                        Err(_) => f.push_field(&fallback(field)),
                    }
                }
                (f, true)
            }
        }
    }
}
