//! ASC X12 reading and writing, our own code.
