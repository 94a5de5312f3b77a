//! The four X12 separator characters, and how an interchange is laid out on disk.

use std::fmt;

/// The element, component, repetition and segment separators of one interchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Delimiters {
    element: u8,
    component: u8,
    repetition: u8,
    segment: u8,
}

/// Why four characters cannot serve as delimiters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DelimiterError {
    #[error(
        "delimiter {0:?} is a letter, digit or space, which data uses; pick punctuation such as * : ^ ~"
    )]
    NotPunctuation(char),
    #[error("the four delimiters must all differ; {0:?} is used twice")]
    Repeated(char),
}

impl Delimiters {
    /// `*`, `:`, `^`, `~`: what Medi-Cal plans and most clearinghouses expect.
    pub const STANDARD: Delimiters = Delimiters {
        element: b'*',
        component: b':',
        repetition: b'^',
        segment: b'~',
    };

    /// Checks that the four are distinct printable ASCII punctuation.
    pub fn new(
        element: char,
        component: char,
        repetition: char,
        segment: char,
    ) -> Result<Delimiters, DelimiterError> {
        let all = [element, component, repetition, segment];
        for (i, &c) in all.iter().enumerate() {
            if !c.is_ascii_punctuation() {
                return Err(DelimiterError::NotPunctuation(c));
            }
            if all[..i].contains(&c) {
                return Err(DelimiterError::Repeated(c));
            }
        }
        // All four are ASCII (checked above), so each fits a byte.
        Ok(Delimiters {
            element: element as u8,
            component: component as u8,
            repetition: repetition as u8,
            segment: segment as u8,
        })
    }

    /// Separates elements (`*`).
    pub fn element(&self) -> u8 {
        self.element
    }
    /// Separates the components of a composite (`:`, ISA16).
    pub fn component(&self) -> u8 {
        self.component
    }
    /// Separates repeats of an element (`^`, ISA11).
    pub fn repetition(&self) -> u8 {
        self.repetition
    }
    /// Ends a segment (`~`).
    pub fn segment(&self) -> u8 {
        self.segment
    }

    /// Whether `b` is one of the four, and so may not appear inside data.
    pub fn contains(&self, b: u8) -> bool {
        b == self.element || b == self.component || b == self.repetition || b == self.segment
    }
}

impl Default for Delimiters {
    fn default() -> Self {
        Delimiters::STANDARD
    }
}

impl fmt::Display for Delimiters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] =
            [self.element, self.component, self.repetition, self.segment].map(char::from);
        write!(f, "element {a} component {b} repetition {c} segment {d}")
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
            (b'*', b':', b'^', b'~')
        );
        assert!(d.contains(b'~') && !d.contains(b'|'));
        assert_eq!(Delimiters::new('*', ':', '^', '~'), Ok(d));
        assert!(WriteOptions::default().line_break);
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
}
