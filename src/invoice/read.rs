//! Reading invoices back (the plan side): our CSV, our XLSX, or a sheet filled in by hand from
//! our template. Whatever the form, the result is one table whose columns are the layout's keys
//! and whose every row carries the header fields, so the line checks see one shape.
//!
//! Forgiving where a clerk would be: header labels in any case and spacing (`Line ID`), numbers
//! and dates stored as spreadsheet numbers, blank rows, and the total row under the table.

pub use super::layout::field;
use super::layout::{HEADER_FIELDS, LINE_FIELDS, TOTAL_LABEL};
use crate::input::{InputError, Record, Table, xlsx};
use crate::model::normalise_key;
use std::path::Path;

/// Fields every invoice line must have a column for.
pub const REQUIRED: [&str; 19] = [
    "invoice_number",
    "provider_npi",
    "provider_name",
    "provider_tin",
    "provider_address",
    "provider_city",
    "provider_state",
    "provider_zip",
    "line_id",
    "member_id",
    "member_last_name",
    "member_first_name",
    "member_dob",
    "member_sex",
    "service_date",
    "hcpcs",
    "units",
    "charge",
    "place_of_service",
];

/// The number of layout fields (header, then line).
pub const FIELD_COUNT: usize = HEADER_FIELDS.len() + LINE_FIELDS.len();

/// The layout key of field `i` (header fields first).
pub fn field_key(i: usize) -> &'static str {
    if i < HEADER_FIELDS.len() {
        HEADER_FIELDS[i].0
    } else {
        LINE_FIELDS[i - HEADER_FIELDS.len()].0
    }
}

/// The position of a layout key among the fields.
pub fn field_index(key: &str) -> Option<usize> {
    (0..FIELD_COUNT).find(|&i| field_key(i) == key)
}

/// Every layout key (the columns an invoice may have).
fn layout_keys() -> Vec<&'static str> {
    (0..FIELD_COUNT).map(field_key).collect()
}

/// Where each layout field sits in one file's table.
#[derive(Debug, Clone)]
pub struct InvoiceColumns {
    at: [Option<usize>; FIELD_COUNT],
    /// The header's column names (how many fields a line must have, and what a short one lacks).
    pub header: Vec<String>,
}

impl InvoiceColumns {
    /// Locates the layout's fields in a table (header names matched as keys), failing on a
    /// missing required one.
    pub fn locate(t: &Table) -> Result<InvoiceColumns, InputError> {
        let mut at = [None; FIELD_COUNT];
        for (c, name) in t.columns.iter().enumerate() {
            if let Some(i) = field_index(&normalise_key(name))
                && at[i].is_none()
            {
                at[i] = Some(c);
            }
        }
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|k| at[field_index(k).expect("a layout key")].is_none())
            .collect();
        if !missing.is_empty() {
            return Err(crate::input::missing_columns(
                &t.name,
                &t.columns,
                &layout_keys(),
                &missing,
            ));
        }
        Ok(InvoiceColumns {
            at,
            header: t.columns.clone(),
        })
    }

    /// The column of a layout field (a [`field`] position).
    pub fn at(&self, field: usize) -> Option<usize> {
        self.at[field]
    }

    /// Header columns that are not layout fields.
    pub fn unknown(t: &Table) -> Vec<String> {
        t.columns
            .iter()
            .filter(|c| !c.is_empty() && field_index(&normalise_key(c)).is_none())
            .cloned()
            .collect()
    }
}

/// Opens an invoice: a CSV whose first row names the columns as it is (streamed); a spreadsheet,
/// or a CSV saved from one (the header block above the table), by finding its table (the row
/// naming `line_id` and `hcpcs`) and the label/value pairs above it.
pub fn open_invoice(path: &Path) -> Result<Table, InputError> {
    let name = path.display().to_string();
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let rows = if crate::input::is_workbook(path) {
        xlsx::sheet_rows(path, &name, &[super::xlsx_out::INVOICE_SHEET])?
    } else {
        let t = Table::open(path, &[])?;
        let first_names_columns = t.columns.iter().any(|c| normalise_key(c) == "line_id")
            && t.columns.iter().any(|c| normalise_key(c) == "hcpcs");
        if first_names_columns {
            return Ok(t);
        }
        // A sheet saved as CSV: small, read whole as it is, then laid out like the spreadsheet.
        crate::input::csv_rows(path)?
    };
    from_rows(&name, size, &rows)
}

/// The error for a sheet where no row names both `line_id` and `hcpcs`: the row naming the most
/// invoice columns is taken as the header meant, and the required columns it lacks are named
/// (with what a misspelled one was probably meant as); with no such row, the two the header is
/// found by.
fn no_header_row(name: &str, rows: &[Record]) -> InputError {
    let header_like = rows
        .iter()
        .map(|r| {
            let cols: Vec<String> = r.fields.iter().map(|f| f.trim().to_string()).collect();
            let known = cols
                .iter()
                .filter(|c| field_index(&normalise_key(c)).is_some())
                .count();
            (known, cols)
        })
        .filter(|(known, _)| *known >= 3)
        .max_by_key(|(known, _)| *known);
    match header_like {
        Some((_, cols)) => {
            let keys: Vec<String> = cols.iter().map(|c| normalise_key(c).to_string()).collect();
            let missing: Vec<&str> = REQUIRED
                .iter()
                .copied()
                .filter(|k| !keys.iter().any(|c| c == k))
                .collect();
            crate::input::missing_columns(name, &cols, &layout_keys(), &missing)
        }
        None => InputError::MissingColumns {
            file: name.to_string(),
            missing: "line_id, hcpcs".into(),
            hint: " (no row of the sheet names the invoice's columns)".into(),
        },
    }
}

/// A table found among a sheet's rows: the first row naming `line_id` and `hcpcs` is the header,
/// label/value rows above it are the header block (repeated on every line), and the total row
/// under the lines is left out.
fn from_rows(name: &str, size: u64, rows: &[Record]) -> Result<Table, InputError> {
    let keys = |r: &Record| -> Vec<String> {
        r.fields
            .iter()
            .map(|f| normalise_key(f).to_string())
            .collect()
    };
    let Some(h) = rows.iter().position(|r| {
        let k = keys(r);
        k.iter().any(|c| c == "line_id") && k.iter().any(|c| c == "hcpcs")
    }) else {
        return Err(no_header_row(name, rows));
    };
    let mut columns = keys(&rows[h]);
    let width = columns.len();
    // The header block: label in the first cell, value in the second.
    let mut block = Vec::new();
    for r in &rows[..h] {
        let label = normalise_key(r.fields.get(0).unwrap_or("")).to_string();
        if HEADER_FIELDS.iter().any(|(k, _)| *k == label)
            && !columns.contains(&label)
            && !block.iter().any(|(k, _): &(String, String)| *k == label)
        {
            block.push((label, r.fields.get(1).unwrap_or("").trim().to_string()));
        }
    }
    columns.extend(block.iter().map(|(k, _)| k.clone()));
    let number_col = columns.iter().position(|c| c == "line_number");
    let line_id_col = columns.iter().position(|c| c == "line_id");
    let mut records = Vec::new();
    for r in &rows[h + 1..] {
        // Lines added under the total row are lines too: only the total row itself is left out.
        if is_total(r, number_col, line_id_col) {
            continue;
        }
        let mut fields = crate::input::Fields::new();
        for c in 0..width {
            fields.push_field(r.fields.get(c).unwrap_or(""));
        }
        for (_, v) in &block {
            fields.push_field(v);
        }
        records.push(Record {
            row: r.row,
            fields,
            cp1252: false,
        });
    }
    Ok(Table::from_records(name, columns, records, size))
}

/// Whether a row under the table is its total row: `Total` where the line number goes (the first
/// cell when there is no line number column) and no line id.
fn is_total(r: &Record, number_col: Option<usize>, line_id_col: Option<usize>) -> bool {
    // The line id first: every line has one, so this is all most rows cost.
    line_id_col.is_none_or(|c| r.fields.get(c).unwrap_or("").trim().is_empty()) && {
        let label = r.fields.get(number_col.unwrap_or(0)).unwrap_or("");
        normalise_key(label) == normalise_key(TOTAL_LABEL)
    }
}

/// Whether a record of an invoice table is its total row (see [`open_invoice`]), which is not a
/// line: a CSV made by hand may carry one too.
pub fn is_total_row(r: &Record, cols: &InvoiceColumns) -> bool {
    is_total(
        r,
        cols.at(field::LINE_NUMBER).or(Some(0)),
        cols.at(field::LINE_ID),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_positions_name_their_keys() {
        assert_eq!(field_key(field::INVOICE_NUMBER), "invoice_number");
        assert_eq!(field_key(field::PLAN_PAYER_ID), "plan_payer_id");
        assert_eq!(field_key(field::LINE_NUMBER), "line_number");
        assert_eq!(field_key(field::LINE_ID), "line_id");
        assert_eq!(field_key(field::REPLACES_LINE_ID), "replaces_line_id");
        assert_eq!(field::REPLACES_LINE_ID, FIELD_COUNT - 1);
        for i in 0..FIELD_COUNT {
            assert_eq!(field_index(field_key(i)), Some(i));
        }
    }
    use crate::billing::{Registry, ServiceLine, code_totals_by, net_charge};
    use crate::codeset::CodeSet;
    use crate::coding::{ChargeSource, Coding};
    use crate::config::Config;
    use crate::invoice::line_check::{LineContext, ProviderMemo, check_line};
    use crate::invoice::{Invoice, InvoiceHeader, csv_out, xlsx_out};
    use crate::model::{
        Activity, ClaimFrequency, Correction, DiagnosisCode, Member, Money, PlaceOfService, RowRef,
        Sex,
    };
    use chrono::NaiveDate;
    use proptest::prelude::*;

    const CONFIG: &str = r#"
[provider]
name = "Sunrise, \"Community\" Care"
npi = "1234567893"
tin = "941234567"
address = "1400 K Street, Suite 210"
city = "Sacramento"
state = "CA"
zip = "958141234"
contact_name = "Billing"
contact_phone = "9165550100"
[plan]
name = "Golden Valley Health Plan"
payer_id = "GVHP1"
submitter_id = "GVHPENC"
receiver_id = "DHCSENC"
contact_name = "Encounter Unit"
contact_phone = "9165550199"
[[contract]]
id = "sunrise"
provider_npi = "1234567893"
effective_from = "2022-01-01"
payment_basis = "enrolled"
member_month_rule = "any_day"
pmpm = "400.00"
"#;

    /// Names as intake leaves them: ASCII, with the characters CSV must quote.
    fn name() -> impl Strategy<Value = String> {
        "[A-Za-z][A-Za-z ,'\"-]{0,20}[A-Za-z]"
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn lines_read_back_as_written_from_csv_and_xlsx(
            rows in proptest::collection::vec(
                (name(), name(), 0u32..365, 0usize..8, 1u32..50, 0i64..99_999_999, "[A-Z0-9][A-Z0-9-]{0,20}", any::<bool>()),
                1..12,
            ),
        ) {
            let cs = CodeSet::embedded().unwrap();
            let config = Config::parse(CONFIG, "t").unwrap();
            let provider = config.provider.as_ref().unwrap();
            let mut reg = Registry::default();
            let mut lines = Vec::new();
            for (i, (last, first, day, code, units, cents, id, void)) in rows.iter().enumerate() {
                let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(*day));
                let row = &cs.hcpcs[*code % cs.hcpcs.len()];
                let member = reg.member(0, &Member {
                    member_id: compact_str::format_compact!("M{i}"),
                    cin: None,
                    last_name: last.as_str().into(),
                    first_name: first.as_str().into(),
                    dob: NaiveDate::from_ymd_opt(1960, 5, 6).unwrap(),
                    sex: Sex::Male,
                    address: None,
                });
                lines.push(ServiceLine {
                    source: RowRef { file: 0, row: i as u32 + 2 },
                    encounter_id: reg.line_id(&format!("{id}{i}")),
                    payer: 0,
                    member,
                    service_date: date,
                    activity: Activity::Assessment,
                    coding: Coding {
                        hcpcs: row.hcpcs,
                        modifiers: row.modifiers,
                        units: *units,
                        unit_basis: row.unit_basis,
                        charge: Money::from_decimal(rust_decimal::Decimal::new(*cents, 2)).unwrap(),
                        charge_source: ChargeSource::Encounter,
                        place_of_service: PlaceOfService::parse("12").unwrap(),
                        diagnoses: [DiagnosisCode::parse("Z59.01").unwrap()].into(),
                        row,
                        telehealth: None,
                    },
                    authorization: None,
                    rendering: None,
                    // A void is shown as a credit and read back as the charge it voids.
                    correction: void.then(|| reg.correction(Correction {
                        frequency: ClaimFrequency::Void,
                        replaces: format!("orig-{i}").into(),
                        original_claim_id: None,
                    })),
                });
            }
            let d = NaiveDate::from_ymd_opt(2027, 1, 2).unwrap();
            let which: Vec<u32> = (0..lines.len() as u32).collect();
            let inv = Invoice {
                header: InvoiceHeader::new(provider, "Golden Valley Health Plan", "GVHP1", "INV-T".into(), d, (d, d)),
                payer: 0,
                payer_key: "gv".into(),
                units: lines.iter().map(|l| u64::from(l.coding.units)).sum(),
                total: lines.iter().map(|l| net_charge(l, &reg)).sum(),
                members: lines.len(),
                by_code: code_totals_by(lines.iter(), |l| net_charge(l, &reg)),
                lines: which,
            };
            let dir = tempfile::tempdir().unwrap();
            let csv_path = dir.path().join("i.csv");
            csv_out::write_csv(&mut std::fs::File::create(&csv_path).unwrap(), &inv, &lines, &reg).unwrap();
            let xlsx_path = dir.path().join("i.xlsx");
            xlsx_out::write_xlsx(
                std::fs::File::create(&xlsx_path).unwrap(),
                &inv, &lines, &reg, d.and_hms_opt(9, 0, 0).unwrap(), dir.path(),
            ).unwrap();
            for path in [&csv_path, &xlsx_path] {
                let mut t = open_invoice(path).unwrap();
                let cols = InvoiceColumns::locate(&t).unwrap();
                let ctx = LineContext {
                    codeset: &cs,
                    config: &config,
                    plan: config.plan().unwrap(),
                    as_of: d,
                    file: "i",
                    file_index: 0,
                };
                let mut n = 0;
                let mut memo = ProviderMemo::default();
                while let Some(rec) = t.next_record() {
                    let rec = rec.unwrap();
                    let got = check_line(&rec, &cols, &ctx, &mut memo);
                    prop_assert!(got.findings.is_empty(), "{:?}: {:?}", path, got.findings);
                    let got = got.line.unwrap();
                    let want = &lines[n];
                    let m = &reg.members[want.member as usize];
                    prop_assert_eq!(got.line_id.as_str(), reg.encounter_id(want));
                    prop_assert_eq!(&got.member.last_name, &m.last_name);
                    prop_assert_eq!(&got.member.first_name, &m.first_name);
                    prop_assert_eq!(got.service_date, want.service_date);
                    prop_assert_eq!(got.coding.hcpcs, want.coding.hcpcs);
                    prop_assert_eq!(got.coding.modifiers, want.coding.modifiers);
                    prop_assert_eq!(got.coding.units, want.coding.units);
                    prop_assert_eq!(got.coding.charge, want.coding.charge);
                    prop_assert_eq!(
                        got.correction.as_ref().map(|c| (c.frequency, c.replaces.clone())),
                        want.correction.map(|c| {
                            let c = &reg.corrections[c.index()];
                            (c.frequency, c.replaces.clone())
                        })
                    );
                    prop_assert_eq!(&got.provider.name, &provider.name);
                    prop_assert_eq!(&got.provider.address, &provider.address);
                    prop_assert_eq!(&got.invoice_number, "INV-T");
                    n += 1;
                }
                prop_assert_eq!(n, lines.len());
            }
        }
    }
}
