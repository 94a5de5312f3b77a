//! Why a file could not be read, and where: file, segment number (in the file and in its
//! transaction set), byte offset, segment id, loop id and element. Never a data value.

use super::tokenizer::{Position, TokenError, TokenProblem};
use crate::x12::element::ElementProblem;
use crate::x12::loop_cursor::GrammarError;
use std::fmt;
use std::path::PathBuf;

/// What is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ReadProblem {
    /// The bytes do not split into segments.
    #[error("{0}")]
    Token(TokenProblem),
    /// The segment is not where the implementation guide allows it.
    #[error("{0}")]
    Grammar(GrammarError),
    /// An element value the reader needs is malformed.
    #[error("the value {0}")]
    Value(ElementProblem),
    /// An element value does not make the model's type (an ICD-10 code, a HCPCS code, ...).
    #[error("the value is not {what}: {why}")]
    Invalid { what: &'static str, why: String },
    /// A segment or loop the model needs is absent.
    #[error("{what} is missing; the guide requires it")]
    Missing { what: &'static str },
    /// Well-formed X12 that this reader does not turn into the model.
    #[error("{what} is not supported by this reader")]
    Unsupported { what: &'static str },
    /// A transaction set of another kind.
    #[error(
        "the file holds {found} transaction sets, not {expected}s; read it with the matching command"
    )]
    WrongTransaction {
        found: String,
        expected: &'static str,
    },
    #[error("could not read the file: {0}")]
    Io(#[from] std::io::Error),
}

/// A file that could not be read, with where: a [`Located`] problem, boxed so results stay small
/// (its fields read through: `err.position`, `err.loop_id`, ...).
#[derive(Debug)]
pub struct ReadError(Box<Located>);

/// A problem and where it is.
#[derive(Debug)]
pub struct Located {
    /// The file, when reading one by path.
    pub file: Option<PathBuf>,
    /// Where the segment is (`None` when the file could not be opened).
    pub position: Option<Position>,
    /// The segment id (`CLM`), when known.
    pub segment: Option<String>,
    /// The loop the segment was placed in (`2300`), when known.
    pub loop_id: Option<&'static str>,
    /// The element (`CLM02`, `SV101-2`), when the problem is in one.
    pub element: Option<String>,
    pub problem: ReadProblem,
}

impl Located {
    /// A problem with no place yet.
    pub fn new(problem: ReadProblem) -> Located {
        Located {
            file: None,
            position: None,
            segment: None,
            loop_id: None,
            element: None,
            problem,
        }
    }
}

impl From<Located> for ReadError {
    fn from(l: Located) -> ReadError {
        ReadError(Box::new(l))
    }
}

impl std::ops::Deref for ReadError {
    type Target = Located;
    fn deref(&self) -> &Located {
        &self.0
    }
}

impl ReadError {
    /// A problem with no place yet (the reader adds it).
    pub fn new(problem: ReadProblem) -> ReadError {
        Located::new(problem).into()
    }

    /// The same error, naming the file.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> ReadError {
        self.0.file = Some(file.into());
        self
    }
}

impl From<TokenError> for ReadError {
    fn from(e: TokenError) -> ReadError {
        Located {
            position: Some(Position {
                offset: e.offset,
                number: e.segment,
                in_set: None,
            }),
            ..Located::new(ReadProblem::Token(e.problem))
        }
        .into()
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        if let Some(p) = &self.position {
            write!(f, "segment {}", p.number)?;
            if let Some(id) = &self.segment {
                write!(f, " {id}")?;
            }
            if let Some(n) = p.in_set {
                write!(f, " ({n} in its transaction set)")?;
            }
            if let Some(l) = self.loop_id {
                write!(f, " in loop {l}")?;
            }
            write!(f, ", byte {}", p.offset)?;
            if let Some(e) = &self.element {
                write!(f, ", element {e}")?;
            }
            f.write_str(": ")?;
        }
        write!(f, "{}", self.problem)
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.problem {
            ReadProblem::Io(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_file_segment_loop_byte_and_element() {
        let e: ReadError = Located {
            file: Some("a.837".into()),
            position: Some(Position {
                offset: 812,
                number: 31,
                in_set: Some(28),
            }),
            segment: Some("DTP".into()),
            loop_id: Some("2400"),
            element: Some("DTP03".into()),
            problem: ReadProblem::Value(ElementProblem::BadDate),
        }
        .into();
        assert_eq!(
            e.to_string(),
            "a.837: segment 31 DTP (28 in its transaction set) in loop 2400, byte 812, element \
             DTP03: the value is not a real calendar date in CCYYMMDD form (year 1800 or later); \
             correct the date in the source data"
        );
        let io = ReadError::new(ReadProblem::Io(std::io::Error::other("gone"))).in_file("b.835");
        assert_eq!(io.to_string(), "b.835: could not read the file: gone");
    }
}
