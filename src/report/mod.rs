//! Renderings of results as text, CSV and JSON. Pure: values in, bytes out.

pub mod check;
pub mod codes;
pub mod diff;
pub mod map;
pub mod render;
