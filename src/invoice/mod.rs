//! Invoices, for ECM providers who cannot send 837s: the same coded service lines as a claim
//! file, laid out as a document a plan can read (XLSX), load (CSV) or integrate (JSON), and the
//! reader the plan side uses to take them back in.
//!
//! - [`layout`]: the field names, the contract between writer and reader.
//! - [`document`]: invoices as values: header, lines, totals; grouping lines into invoices.
//! - [`csv_out`], [`json_out`], [`xlsx_out`]: the three renderings.
//! - [`read`], [`line_check`], [`ledger`]: the plan side: invoices read back, each line checked,
//!   and the record of lines accepted so far.

pub mod csv_out;
pub mod document;
pub mod json_out;
pub mod layout;
pub mod ledger;
pub mod line_check;
pub mod read;
pub mod xlsx_out;

pub use document::{Invoice, InvoiceHeader, LineView, month_bounds, plan_invoices};
