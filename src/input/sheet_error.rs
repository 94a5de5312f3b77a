//! The error values spreadsheets put in a cell whose formula failed (`#N/A` from a lookup that
//! found nothing, `#REF!` from a deleted column ...). An XLSX error cell reads as its text, and a
//! CSV saved from such a sheet holds the same text, so both are recognised here and refused
//! rather than billed as an id or a name.

/// Every error value Excel, LibreOffice and Google Sheets write, as they spell it.
pub const SHEET_ERRORS: &[&str] = &[
    "#N/A",
    "#REF!",
    "#DIV/0!",
    "#VALUE!",
    "#NAME?",
    "#NULL!",
    "#NUM!",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#BUSY!",
    "#CONNECT!",
    "#UNKNOWN!",
    "#EXTERNAL!",
    "#PYTHON!",
    "#GETTING_DATA",
    "#DATA!",
    "#ERROR!",
];

/// The spreadsheet error `v` is (as the table above spells it), if it is one.
pub fn sheet_error(v: &str) -> Option<&'static str> {
    if !v.starts_with('#') {
        return None;
    }
    SHEET_ERRORS
        .iter()
        .copied()
        .find(|e| e.eq_ignore_ascii_case(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_values_are_known_in_any_case_and_nothing_else_is() {
        assert_eq!(sheet_error("#N/A"), Some("#N/A"));
        assert_eq!(sheet_error("#n/a"), Some("#N/A"));
        assert_eq!(sheet_error("#DIV/0!"), Some("#DIV/0!"));
        for v in ["", "N/A", "#NA", "#1", "#N/A x", "A#N/A"] {
            assert_eq!(sheet_error(v), None, "{v}");
        }
    }
}
