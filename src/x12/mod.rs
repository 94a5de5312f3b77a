//! ASC X12 reading and writing, our own code.
//!
//! - [`grammar`] describes an implementation guide as data; [`P837`] is the 837P one, generated
//!   from pyx12's map so the writer, a reader and CI agree; [`LoopCursor`] walks segments through it.
//! - [`element`] checks one value against its spec; [`segment`] writes validated segments.
//! - [`InterchangeWriter`] streams 837P transactions into one interchange.

mod delimiters;
pub mod element;
mod envelope;
pub mod grammar;
mod loop_cursor;
mod p837_checks;
#[rustfmt::skip]
mod p837_grammar;
mod p837_specs;
mod p837_writer;
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
pub use p837_checks::{
    MAX_CLAIM_ID, MAX_CLAIMS_PER_SUBSCRIBER, MAX_CLAIMS_PER_TRANSACTION, MAX_DIAGNOSES,
    MAX_LINE_CONTROL, MAX_LINES_PER_CLAIM, MAX_POINTERS,
};
pub use p837_grammar::P837;
pub use p837_writer::{InterchangeStats, InterchangeWriter, write_interchange};
pub use write_error::{Place, StructureProblem, WriteError};
