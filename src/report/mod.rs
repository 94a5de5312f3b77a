//! Renderings of results as text, CSV, JSON and HTML. Pure: values in, bytes out.

pub mod bar_chart;
pub mod check;
pub mod codes;
mod csv_field;
pub mod diff;
pub mod html;
pub mod map;
pub mod reconcile_csv;
pub mod reconcile_html;
pub mod reconcile_json;
pub mod render;

pub use csv_field::{push_csv_field, push_csv_record};
