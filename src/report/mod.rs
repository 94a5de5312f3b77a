//! Renderings of results as text, CSV and JSON. Pure: values in, bytes out.

pub mod codes;
mod csv_field;
pub mod map;

pub use csv_field::push_csv_field;
