//! ASC X12 reading and writing, our own code.
//!
//! - [`grammar`] describes an implementation guide as data; [`P837`] is the 837P one, generated
//!   from pyx12's map so the writer, a reader and CI agree; [`LoopCursor`] walks segments through it.

pub mod grammar;
mod loop_cursor;
#[rustfmt::skip]
mod p837_grammar;

pub use grammar::{
    DataType, ElementDef, LoopDef, Qualifier, Requirement, SegmentDef, SegmentRef, SyntaxKind,
    SyntaxRule, UNBOUNDED, loop_for_segment,
};
pub use loop_cursor::{GrammarError, LoopCursor, Placement};
pub use p837_grammar::P837;
