//! ASC X12 reading and writing, our own code.
//!
//! - [`grammar`] describes an implementation guide as data; [`P837`] (837P) and [`P835`] (835) are
//!   generated from pyx12's maps so the writer, the readers and CI agree; [`LoopCursor`] walks
//!   segments through them.
//! - [`element`] checks one value against its spec; [`segment`] writes validated segments.
//! - [`InterchangeWriter`] streams 837P transactions into one interchange.
//! - [`read`]: the streaming [`Tokenizer`] (delimiters from each ISA) and the readers on top of it.

pub mod check;
mod delimiters;
pub mod element;
mod envelope;
pub mod grammar;
mod loop_cursor;
mod p837_checks;
#[rustfmt::skip]
mod p835_grammar;
#[rustfmt::skip]
mod p837_grammar;
mod p837_specs;
mod p837_writer;
pub mod read;
pub mod segment;
#[cfg(test)]
mod test_fixtures;
mod write_error;

pub use delimiters::{DelimiterError, Delimiters, WriteOptions};
pub use element::{ElementProblem, check_value};
pub use envelope::IMPLEMENTATION_GUIDE;
pub use grammar::{
    DataType, ElementDef, LoopDef, Qualifier, Requirement, SegmentDef, SegmentRef, SyntaxKind,
    SyntaxRule, UNBOUNDED, loop_for_segment,
};
pub use loop_cursor::{GrammarError, LoopCursor, Placement};
pub use p835_grammar::P835;
pub use p837_checks::{
    MAX_CLAIM_ID, MAX_CLAIMS_PER_SUBSCRIBER, MAX_CLAIMS_PER_TRANSACTION, MAX_DIAGNOSES,
    MAX_LINE_CONTROL, MAX_LINES_PER_CLAIM, MAX_POINTERS,
};
pub use p837_grammar::P837;
pub use p837_writer::{InterchangeStats, InterchangeWriter, write_interchange};
pub use read::{Position, Segment, TokenError, TokenProblem, Tokenizer};
pub use write_error::{Place, StructureProblem, WriteError};
