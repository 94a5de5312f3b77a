//! The invoice layout: the field names are the contract between `ecm invoice` (which writes
//! them) and `ecm ingest` (which reads them), in CSV (every line repeats the header fields),
//! XLSX (a header block of label/value pairs above a table of lines) and JSON.
//!
//! Each field has a key (the CSV column and JSON name) and a label (what a clerk reads in the
//! XLSX). A label normalised like a header name (lower case, spaces as `_`) is its key, so a
//! sheet filled in by hand with `Line ID` or ` line id ` still reads.

/// One field: its key and its label.
pub type Field = (&'static str, &'static str);

/// The invoice's header fields, in order: who bills whom, for when.
pub const HEADER_FIELDS: [Field; 18] = [
    ("invoice_number", "Invoice number"),
    ("invoice_date", "Invoice date"),
    ("period_start", "Period start"),
    ("period_end", "Period end"),
    ("provider_name", "Provider name"),
    ("provider_npi", "Provider NPI"),
    ("provider_tin", "Provider TIN"),
    ("provider_address", "Provider address"),
    ("provider_city", "Provider city"),
    ("provider_state", "Provider state"),
    ("provider_zip", "Provider ZIP"),
    ("remit_to_name", "Remit to name"),
    ("remit_to_address", "Remit to address"),
    ("remit_to_city", "Remit to city"),
    ("remit_to_state", "Remit to state"),
    ("remit_to_zip", "Remit to ZIP"),
    ("plan_name", "Plan name"),
    ("plan_payer_id", "Plan payer id"),
];

/// The fields of one invoice line, in order.
pub const LINE_FIELDS: [Field; 23] = [
    ("line_number", "Line number"),
    ("line_id", "Line id"),
    ("encounter_id", "Encounter id"),
    ("member_id", "Member id"),
    ("member_cin", "Member CIN"),
    ("member_last_name", "Member last name"),
    ("member_first_name", "Member first name"),
    ("member_dob", "Member DOB"),
    ("member_sex", "Member sex"),
    ("service_date", "Service date"),
    ("activity", "Activity"),
    ("hcpcs", "HCPCS"),
    ("modifiers", "Modifiers"),
    ("units", "Units"),
    ("charge", "Charge"),
    ("place_of_service", "Place of service"),
    ("diagnosis_codes", "Diagnosis codes"),
    ("authorization_number", "Authorization number"),
    ("rendering_npi", "Rendering NPI"),
    ("rendering_last_name", "Rendering last name"),
    ("rendering_first_name", "Rendering first name"),
    ("correction", "Correction"),
    ("replaces_line_id", "Replaces line id"),
];

/// Positions of the layout's fields: the header fields, then the line fields (how a reader that
/// sees both in one row, like `ecm ingest`, numbers them).
pub mod field {
    pub const INVOICE_NUMBER: usize = 0;
    pub const INVOICE_DATE: usize = 1;
    pub const PERIOD_START: usize = 2;
    pub const PERIOD_END: usize = 3;
    pub const PROVIDER_NAME: usize = 4;
    pub const PROVIDER_NPI: usize = 5;
    pub const PROVIDER_TIN: usize = 6;
    pub const PROVIDER_ADDRESS: usize = 7;
    pub const PROVIDER_CITY: usize = 8;
    pub const PROVIDER_STATE: usize = 9;
    pub const PROVIDER_ZIP: usize = 10;
    pub const REMIT_TO_NAME: usize = 11;
    pub const REMIT_TO_ADDRESS: usize = 12;
    pub const REMIT_TO_CITY: usize = 13;
    pub const REMIT_TO_STATE: usize = 14;
    pub const REMIT_TO_ZIP: usize = 15;
    pub const PLAN_NAME: usize = 16;
    pub const PLAN_PAYER_ID: usize = 17;
    pub const LINE_NUMBER: usize = 18;
    pub const LINE_ID: usize = 19;
    pub const ENCOUNTER_ID: usize = 20;
    pub const MEMBER_ID: usize = 21;
    pub const MEMBER_CIN: usize = 22;
    pub const MEMBER_LAST_NAME: usize = 23;
    pub const MEMBER_FIRST_NAME: usize = 24;
    pub const MEMBER_DOB: usize = 25;
    pub const MEMBER_SEX: usize = 26;
    pub const SERVICE_DATE: usize = 27;
    pub const ACTIVITY: usize = 28;
    pub const HCPCS: usize = 29;
    pub const MODIFIERS: usize = 30;
    pub const UNITS: usize = 31;
    pub const CHARGE: usize = 32;
    pub const PLACE_OF_SERVICE: usize = 33;
    pub const DIAGNOSIS_CODES: usize = 34;
    pub const AUTHORIZATION_NUMBER: usize = 35;
    pub const RENDERING_NPI: usize = 36;
    pub const RENDERING_LAST_NAME: usize = 37;
    pub const RENDERING_FIRST_NAME: usize = 38;
    pub const CORRECTION: usize = 39;
    pub const REPLACES_LINE_ID: usize = 40;
}

/// Positions in [`LINE_FIELDS`] that writers need by name.
pub mod line {
    use super::{HEADER_FIELDS, field};
    const H: usize = HEADER_FIELDS.len();
    pub const LINE_NUMBER: usize = field::LINE_NUMBER - H;
    pub const MEMBER_DOB: usize = field::MEMBER_DOB - H;
    pub const SERVICE_DATE: usize = field::SERVICE_DATE - H;
    pub const UNITS: usize = field::UNITS - H;
    pub const CHARGE: usize = field::CHARGE - H;
}

/// Positions in [`HEADER_FIELDS`] of the dates.
pub mod header {
    use super::field;
    pub const INVOICE_DATE: usize = field::INVOICE_DATE;
    pub const PERIOD_START: usize = field::PERIOD_START;
    pub const PERIOD_END: usize = field::PERIOD_END;
}

/// The CSV columns: the header fields, then the line fields.
pub fn csv_columns() -> impl Iterator<Item = &'static str> {
    HEADER_FIELDS
        .iter()
        .chain(LINE_FIELDS.iter())
        .map(|(key, _)| *key)
}

/// The label the XLSX shows for a total row, in the line-number column.
pub const TOTAL_LABEL: &str = "Total";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::normalise_key;

    #[test]
    fn every_label_reads_back_as_its_key() {
        for (key, label) in HEADER_FIELDS.iter().chain(LINE_FIELDS.iter()) {
            assert_eq!(normalise_key(label), *key);
        }
        assert_eq!(LINE_FIELDS[line::CHARGE].0, "charge");
        assert_eq!(LINE_FIELDS[line::UNITS].0, "units");
        assert_eq!(LINE_FIELDS[line::SERVICE_DATE].0, "service_date");
        assert_eq!(LINE_FIELDS[line::MEMBER_DOB].0, "member_dob");
        assert_eq!(HEADER_FIELDS[header::PERIOD_END].0, "period_end");
    }
}
