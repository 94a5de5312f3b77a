//! Renderings of results as text, CSV and JSON. Pure: values in, bytes out.

pub mod check;
pub mod codes;
mod csv_field;
pub mod diff;
pub mod map;
pub mod render;

pub use csv_field::push_csv_field;
