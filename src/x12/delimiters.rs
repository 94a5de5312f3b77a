//! The four X12 separator characters, and how an interchange is laid out on disk.

use std::fmt;

/// The element, component, repetition and segment separators of one interchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Delimiters {
    element: u8,
    component: u8,
    /// `None` for interchanges whose ISA11 is a letter (the 4010 habit of `U`, still common).
    repetition: Option<u8>,
    segment: u8,
    /// What data may hold, worked out from the four once (see [`Delimiters::data_bytes`]).
    data: DataBytes,
}

/// Why four characters cannot serve as delimiters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DelimiterError {
    #[error(
        "delimiter {0:?} is not punctuation: a letter, digit, space or control character could be data; use punctuation such as * : ^ ~"
    )]
    NotPunctuation(char),
    #[error("the four delimiters must all differ; {0:?} is used twice")]
    Repeated(char),
}

impl Delimiters {
    /// `*`, `:`, `^`, `~`: what Medi-Cal plans and most clearinghouses expect.
    pub const STANDARD: Delimiters = Delimiters::of(b'*', b':', Some(b'^'), b'~');

    /// The four, and the data bytes they leave.
    const fn of(element: u8, component: u8, repetition: Option<u8>, segment: u8) -> Delimiters {
        // Bits 0x20..=0x3F of the first word, 0x40..=0x7E of the second: printable ASCII.
        let mut bits = [0xFFFF_FFFF_0000_0000u64, 0x7FFF_FFFF_FFFF_FFFF];
        let all = [
            element,
            component,
            segment,
            match repetition {
                Some(r) => r,
                None => element,
            },
        ];
        let mut i = 0;
        while i < all.len() {
            let b = all[i];
            bits[((b >> 6) & 1) as usize] &= !(1u64 << (b & 63));
            i += 1;
        }
        Delimiters {
            element,
            component,
            repetition,
            segment,
            data: DataBytes(bits),
        }
    }

    /// Checks that the four are distinct printable ASCII punctuation.
    pub fn new(
        element: char,
        component: char,
        repetition: char,
        segment: char,
    ) -> Result<Delimiters, DelimiterError> {
        let [element, component, repetition, segment] =
            distinct_punctuation([element, component, repetition, segment])?;
        Ok(Delimiters::of(
            element,
            component,
            Some(repetition),
            segment,
        ))
    }

    /// Three delimiters and no repetition separator: what a reader makes of an ISA whose ISA11
    /// holds a letter (`U`, the 4010 standards id) instead of a separator.
    pub fn without_repetition(
        element: char,
        component: char,
        segment: char,
    ) -> Result<Delimiters, DelimiterError> {
        let [element, component, segment] = distinct_punctuation([element, component, segment])?;
        Ok(Delimiters::of(element, component, None, segment))
    }

    /// The delimiters an ISA gives a reader, which takes more than the writer writes: besides
    /// punctuation, the information separators 0x1C..=0x1F in any role (older translators send
    /// 0x1D between elements, 0x1F between components and 0x1C after segments), and a line
    /// break (LF or CR) as the segment terminator. None of these can be data: the tokenizer
    /// refuses every other control character inside a segment. `repetition` is `None` when
    /// ISA11 holds a letter.
    pub fn read_from_isa(
        element: u8,
        component: u8,
        repetition: Option<u8>,
        segment: u8,
    ) -> Result<Delimiters, DelimiterError> {
        let usable = |b: u8, terminator: bool| {
            b.is_ascii_punctuation()
                || is_information_separator(b)
                || (terminator && matches!(b, b'\r' | b'\n'))
        };
        let all = [
            (element, false),
            (component, false),
            (segment, true),
            (repetition.unwrap_or(element), false),
        ];
        let n = if repetition.is_some() { 4 } else { 3 };
        for (i, &(b, terminator)) in all[..n].iter().enumerate() {
            if !usable(b, terminator) {
                return Err(DelimiterError::NotPunctuation(char::from(b)));
            }
            if all[..i].iter().any(|&(x, _)| x == b) {
                return Err(DelimiterError::Repeated(char::from(b)));
            }
        }
        Ok(Delimiters::of(element, component, repetition, segment))
    }

    /// Separates elements (`*`).
    pub fn element(&self) -> u8 {
        self.element
    }
    /// Separates the components of a composite (`:`, ISA16).
    pub fn component(&self) -> u8 {
        self.component
    }
    /// Separates repeats of an element (`^`, ISA11); `None` when the interchange has none.
    pub fn repetition(&self) -> Option<u8> {
        self.repetition
    }
    /// Ends a segment (`~`).
    pub fn segment(&self) -> u8 {
        self.segment
    }

    /// Whether `b` is one of the four, and so may not appear inside data.
    pub fn contains(&self, b: u8) -> bool {
        b == self.element || b == self.component || self.repetition == Some(b) || b == self.segment
    }

    /// The bytes data may hold, as a bit set over ASCII: printable characters (space to `~`)
    /// other than the four. `DataBytes::allows` tests one byte against it.
    pub fn data_bytes(&self) -> DataBytes {
        self.data
    }
}

/// Whether `b` is one of the ASCII information separators (FS, GS, RS, US: 0x1C..=0x1F), which
/// some translators use as delimiters.
pub fn is_information_separator(b: u8) -> bool {
    (0x1C..=0x1F).contains(&b)
}

/// See [`Delimiters::data_bytes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DataBytes([u64; 2]);

impl DataBytes {
    /// Whether `b` may appear inside an element.
    pub fn allows(&self, b: u8) -> bool {
        b < 0x80 && (self.0[usize::from(b >> 6)] >> (b & 63)) & 1 == 1
    }
}

/// The characters as bytes, once each is known to be ASCII punctuation used only once.
fn distinct_punctuation<const N: usize>(all: [char; N]) -> Result<[u8; N], DelimiterError> {
    let mut out = [0u8; N];
    for (i, &c) in all.iter().enumerate() {
        if !c.is_ascii_punctuation() {
            return Err(DelimiterError::NotPunctuation(c));
        }
        if all[..i].contains(&c) {
            return Err(DelimiterError::Repeated(c));
        }
        // ASCII (checked above), so it fits a byte.
        out[i] = c as u8;
    }
    Ok(out)
}

impl Default for Delimiters {
    fn default() -> Self {
        Delimiters::STANDARD
    }
}

impl fmt::Display for Delimiters {
    /// `element * component : repetition ^ segment ~`; a control character as its escape
    /// (`segment \n`, `element \u{1d}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, d] = [self.element, self.component, self.segment].map(shown);
        match self.repetition {
            Some(c) => write!(
                f,
                "element {a} component {b} repetition {} segment {d}",
                shown(c)
            ),
            None => write!(f, "element {a} component {b} no repetition segment {d}"),
        }
    }
}

/// A delimiter as text: itself when printable, else its escape.
fn shown(b: u8) -> String {
    let c = char::from(b);
    if c.is_control() {
        c.escape_default().to_string()
    } else {
        c.to_string()
    }
}

/// How the writer lays the interchange out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions {
    pub delimiters: Delimiters,
    /// A `\n` after every segment terminator, so the file reads one segment per line (default on;
    /// receivers ignore it, auditors and `diff` need it).
    pub line_break: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            delimiters: Delimiters::STANDARD,
            line_break: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_delimiters_are_the_medi_cal_ones() {
        let d = Delimiters::default();
        assert_eq!(
            (d.element(), d.component(), d.repetition(), d.segment()),
            (b'*', b':', Some(b'^'), b'~')
        );
        assert!(d.contains(b'~') && !d.contains(b'|'));
        assert_eq!(Delimiters::new('*', ':', '^', '~'), Ok(d));
        assert!(WriteOptions::default().line_break);
    }

    /// The bit set agrees with the plain test for every byte and every kind of delimiters.
    #[test]
    fn data_bytes_are_printable_ascii_but_the_delimiters() {
        for d in [
            Delimiters::STANDARD,
            Delimiters::new('|', '>', '!', '\n').unwrap_or(Delimiters::STANDARD),
            Delimiters::new('!', '@', '`', '}').unwrap(),
            Delimiters::without_repetition('*', ':', '~').unwrap(),
        ] {
            let bits = d.data_bytes();
            for b in 0..=255u8 {
                let plain = (b' '..=b'~').contains(&b) && !d.contains(b);
                assert_eq!(bits.allows(b), plain, "{d:?} byte {b}");
            }
        }
    }

    #[test]
    fn refuses_letters_spaces_and_repeats() {
        assert_eq!(
            Delimiters::new('A', ':', '^', '~'),
            Err(DelimiterError::NotPunctuation('A'))
        );
        assert_eq!(
            Delimiters::new('*', ' ', '^', '~'),
            Err(DelimiterError::NotPunctuation(' '))
        );
        assert_eq!(
            Delimiters::new('*', ':', '*', '~'),
            Err(DelimiterError::Repeated('*'))
        );
        assert_eq!(
            Delimiters::new('*', ':', '^', '\n'),
            Err(DelimiterError::NotPunctuation('\n'))
        );
    }

    /// A reader also takes the information separators in any role and a line break as the
    /// segment terminator; the writer's constructors do not.
    #[test]
    fn a_reader_takes_information_separators_and_a_line_break_terminator() {
        let old = Delimiters::read_from_isa(0x1D, 0x1F, None, 0x1C).unwrap();
        assert_eq!(
            (old.element(), old.component(), old.segment()),
            (0x1D, 0x1F, 0x1C)
        );
        assert!(old.contains(0x1D) && !old.contains(b'*'));
        assert!(old.data_bytes().allows(b'*') && !old.data_bytes().allows(0x1D));
        assert_eq!(
            old.to_string(),
            "element \\u{1d} component \\u{1f} no repetition segment \\u{1c}"
        );
        for t in [b'\n', b'\r'] {
            let d = Delimiters::read_from_isa(b'*', b':', Some(b'^'), t).unwrap();
            assert_eq!(d.segment(), t);
        }
        assert_eq!(
            Delimiters::read_from_isa(b'\n', b':', Some(b'^'), b'~'),
            Err(DelimiterError::NotPunctuation('\n'))
        );
        assert_eq!(
            Delimiters::read_from_isa(b'*', b':', Some(b'A'), b'~'),
            Err(DelimiterError::NotPunctuation('A'))
        );
        assert_eq!(
            Delimiters::read_from_isa(b'*', 0x07, Some(b'^'), b'~'),
            Err(DelimiterError::NotPunctuation('\u{7}'))
        );
        assert_eq!(
            Delimiters::read_from_isa(0x1D, 0x1D, None, 0x1C),
            Err(DelimiterError::Repeated('\u{1d}'))
        );
        assert_eq!(
            Delimiters::read_from_isa(b'*', b':', Some(b'^'), b'~'),
            Ok(Delimiters::STANDARD)
        );
        assert!(Delimiters::new('*', ':', '^', '\u{1c}').is_err());
    }

    #[test]
    fn an_isa11_letter_means_no_repetition_separator() {
        let d = Delimiters::without_repetition('*', ':', '~').unwrap();
        assert_eq!(d.repetition(), None);
        assert!(!d.contains(b'^') && d.contains(b':'));
        assert_eq!(
            d.to_string(),
            "element * component : no repetition segment ~"
        );
        assert_eq!(
            Delimiters::without_repetition('*', '*', '~'),
            Err(DelimiterError::Repeated('*'))
        );
    }

    #[test]
    fn punctuation_shows_as_itself_and_controls_as_escapes() {
        let d = Delimiters::read_from_isa(b'\'', b'\\', None, 0x1C).unwrap();
        assert_eq!(
            d.to_string(),
            "element ' component \\ no repetition segment \\u{1c}"
        );
    }
}
