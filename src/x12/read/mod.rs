//! Reading X12: a streaming [`Tokenizer`] that splits any interchange into segments, and readers
//! that place those segments into loops with the same generated grammar the writer validates
//! against.

mod tokenizer;

pub use tokenizer::{
    ISA_LEN, MAX_ELEMENTS, MAX_SEGMENT_LEN, Position, Segment, SegmentIdShape, TokenError,
    TokenProblem, Tokenizer,
};
