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

/// A file as the streaming readers take it.
pub type FileInput = std::io::BufReader<std::fs::File>;

/// Opens `path` for a streaming reader; a file that cannot be opened is an error naming it.
pub fn open_file(path: &std::path::Path) -> Result<FileInput, ReadError> {
    let file =
        std::fs::File::open(path).map_err(|e| ReadError::new(ReadProblem::Io(e)).in_file(path))?;
    Ok(std::io::BufReader::with_capacity(64 * 1024, file))
}

/// Whether a file holds X12 rather than a table: after an optional UTF-8 byte-order mark and
/// white space, it starts with `ISA`. Decided by content, so an 835 saved as `.txt` is still read
/// as one.
pub fn looks_like_x12(path: &std::path::Path) -> std::io::Result<bool> {
    use std::io::Read;
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path)?
        .take(512)
        .read_to_end(&mut head)?;
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    Ok(body[start..].starts_with(b"ISA"))
}
