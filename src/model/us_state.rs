//! The two-letter codes of the US states, the District of Columbia, the territories and the
//! military post offices: what a member's address may name in N402. From USPS Publication 28,
//! appendix B, kept to the codes X12 element 156 carries (pyx12's `states` code list, which CI
//! validates against; Palau, `PW`, is not among them). Sorted by code.

/// (code, name), sorted by code.
pub const US_STATES: &[(&str, &str)] = &[
    ("AA", "Armed Forces Americas"),
    ("AE", "Armed Forces Europe, Middle East, Africa, Canada"),
    ("AK", "Alaska"),
    ("AL", "Alabama"),
    ("AP", "Armed Forces Pacific"),
    ("AR", "Arkansas"),
    ("AS", "American Samoa"),
    ("AZ", "Arizona"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DC", "District of Columbia"),
    ("DE", "Delaware"),
    ("FL", "Florida"),
    ("FM", "Federated States of Micronesia"),
    ("GA", "Georgia"),
    ("GU", "Guam"),
    ("HI", "Hawaii"),
    ("IA", "Iowa"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("MA", "Massachusetts"),
    ("MD", "Maryland"),
    ("ME", "Maine"),
    ("MH", "Marshall Islands"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MO", "Missouri"),
    ("MP", "Northern Mariana Islands"),
    ("MS", "Mississippi"),
    ("MT", "Montana"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("NE", "Nebraska"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NV", "Nevada"),
    ("NY", "New York"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("PR", "Puerto Rico"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VA", "Virginia"),
    ("VI", "US Virgin Islands"),
    ("VT", "Vermont"),
    ("WA", "Washington"),
    ("WI", "Wisconsin"),
    ("WV", "West Virginia"),
    ("WY", "Wyoming"),
];

/// Whether `code` (upper case) is a US state, territory or military code.
pub fn is_us_state(code: &str) -> bool {
    US_STATES.binary_search_by(|(c, _)| (*c).cmp(code)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_answers() {
        assert!(US_STATES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(US_STATES.len(), 61);
        for c in ["CA", "DC", "PR", "GU", "AP", "AK", "WY"] {
            assert!(is_us_state(c), "{c}");
        }
        for c in ["ZZ", "XX", "ON", "BC", "ca", "C", "CAL", ""] {
            assert!(!is_us_state(c), "{c}");
        }
    }
}
