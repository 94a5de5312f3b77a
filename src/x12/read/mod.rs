//! Reading X12: a streaming [`Tokenizer`] that splits any interchange into segments, and readers
//! that place those segments into loops with the same generated grammar the writer validates
//! against.

mod error;
mod p835;
mod p837;
mod placed;
mod tokenizer;

pub use error::{Located, ReadError, ReadProblem};
pub use p835::{Reader835, read_835, read_835_file};
pub use p837::{Reader837, read_837, read_837_file};
pub use tokenizer::{
    ISA_LEN, MAX_ELEMENTS, MAX_SEGMENT_LEN, Position, Segment, SegmentIdShape, TokenError,
    TokenProblem, Tokenizer,
};
