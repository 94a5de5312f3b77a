//! Reading payment ledgers (CSV or XLSX) into payment facts, one row at a time; a row that cannot
//! be a payment becomes a finding.

use crate::digest::FnvHashMap;
use crate::input::RowChecker;
use crate::input::{InputError, Table, excel_serial_date, parse_date};
use crate::model::{Money, RowRef, ServiceMonth};
use crate::reconcile::{PaymentFact, PaymentKind};
use crate::rules::{self, Finding};
use chrono::NaiveDate;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::mpsc::SyncSender;

/// Columns a payments file must have.
pub const REQUIRED: [&str; 7] = [
    "payment_id",
    "paid_date",
    "provider_npi",
    "member_id",
    "service_month",
    "kind",
    "amount",
];

/// Row counts of the payment files.
#[derive(Debug, Default, Clone, Serialize)]
pub struct PaymentFileCounts {
    pub files: Vec<String>,
    pub rows_read: u64,
    pub rows_rejected: u64,
    /// Header columns not part of the format, per file: reported, then ignored.
    pub unknown_columns: Vec<(String, String)>,
}

/// Reads every payment file in order, handing each good row to `on_payment`; problems go to
/// `findings`. A payment_id seen before (in any of the files) rejects the later row. Files that
/// `skip` marks (835s, read by `remittance_file`) are left alone.
pub fn read_payments(
    paths: &[PathBuf],
    skip: &[bool],
    mut on_payment: impl FnMut(PaymentFact),
    findings: &mut Vec<Finding>,
) -> Result<PaymentFileCounts, InputError> {
    let mut counts = PaymentFileCounts {
        files: paths.iter().map(|p| p.display().to_string()).collect(),
        ..PaymentFileCounts::default()
    };
    let mut seen: FnvHashMap<Box<str>, RowRef> = FnvHashMap::default();
    for (file_index, path) in paths.iter().enumerate() {
        if skip.get(file_index).copied().unwrap_or(false) {
            continue;
        }
        let mut t = Table::open(path, &["payments", "payment"])?;
        t.require(&REQUIRED)?;
        for u in t.unknown_columns(&REQUIRED) {
            counts.unknown_columns.push((t.name.clone(), u));
        }
        let col = |n: &str| t.column(n);
        let (id_c, date_c, npi_c, member_c, month_c, kind_c, amount_c) = (
            col("payment_id"),
            col("paid_date"),
            col("provider_npi"),
            col("member_id"),
            col("service_month"),
            col("kind"),
            col("amount"),
        );
        let header = t.columns.clone();
        let file = t.name.clone();
        let workbook = t.workbook;
        while let Some(rec) = t.next_record() {
            let rec = rec?;
            counts.rows_read += 1;
            let source = RowRef {
                file: u16::try_from(file_index).unwrap_or(u16::MAX),
                row: rec.row,
            };
            let mut c = RowChecker::new(&file, &rec, workbook);
            let mut fact = None;
            if c.field_count(&header) {
                let payment_id = c.required_identifier(id_c, "payment_id");
                let paid_date = c.required_date(date_c, "paid_date");
                let npi = c.npi(npi_c, "provider_npi");
                let member = c.optional_identifier(member_c, "member_id");
                let month = match rec.get(month_c) {
                    "" => {
                        c.find(
                            &rules::RCN_MISSING_FIELD,
                            Some("service_month"),
                            "service_month is empty".into(),
                        );
                        None
                    }
                    // A workbook's date cell (Excel's reading of a typed 2025-01) is its month.
                    v => match ServiceMonth::parse(v)
                        .map_err(|e| (e, workbook.then(|| sheet_date_month(v)).flatten()))
                    {
                        Ok(m) | Err((_, Some(m))) => Some(m),
                        Err((e, None)) => {
                            let shown: String = v.chars().take(20).collect();
                            c.find(
                                &rules::RCN_BAD_SERVICE_MONTH,
                                Some("service_month"),
                                format!("service_month '{shown}': {e}"),
                            );
                            None
                        }
                    },
                };
                let kind = match rec.get(kind_c) {
                    "" => {
                        c.find(
                            &rules::RCN_MISSING_FIELD,
                            Some("kind"),
                            "kind is empty".into(),
                        );
                        None
                    }
                    v => {
                        let k = PaymentKind::parse(v);
                        if k.is_none() {
                            let shown: String = v.chars().take(20).collect();
                            c.find(
                                &rules::RCN_BAD_KIND,
                                Some("kind"),
                                format!("kind '{shown}' is not pmpm, outreach or adjustment"),
                            );
                        }
                        k
                    }
                };
                let amount = match rec.get(amount_c) {
                    "" => {
                        c.find(
                            &rules::RCN_MISSING_FIELD,
                            Some("amount"),
                            "amount is empty".into(),
                        );
                        None
                    }
                    v => match Money::parse(v) {
                        Ok(m) => Some(m),
                        Err(e) => {
                            let shown: String = v.chars().take(20).collect();
                            c.find(
                                &rules::RCN_BAD_AMOUNT,
                                Some("amount"),
                                format!("amount '{shown}': {e}"),
                            );
                            None
                        }
                    },
                };
                if let Some(id) = &payment_id
                    && let Some(first) = seen.get(id.as_str())
                {
                    c.find(
                        &rules::RCN_DUPLICATE_PAYMENT_ID,
                        Some("payment_id"),
                        format!(
                            "payment_id {id} was already used at {} row {}",
                            counts.files[first.file as usize], first.row
                        ),
                    );
                }
                if !c.has_error()
                    && let (
                        Some(payment_id),
                        Some(paid_date),
                        Some(provider_npi),
                        Some(member_id),
                        Some(service_month),
                        Some(kind),
                        Some(amount),
                    ) = (payment_id, paid_date, npi, member, month, kind, amount)
                {
                    seen.insert(payment_id.as_str().into(), source);
                    fact = Some(PaymentFact {
                        payment_id,
                        paid_date,
                        provider_npi,
                        member_id,
                        service_month,
                        kind,
                        amount,
                        source,
                    });
                }
            }
            if c.has_error() {
                counts.rows_rejected += 1;
            }
            findings.extend(c.into_findings());
            if let Some(f) = fact {
                on_payment(f);
            }
        }
    }
    Ok(counts)
}

/// The month of a workbook's service_month cell that holds a date: Excel turns a typed `2025-01`
/// into the date 2025-01-01, which the sheet reader gives as `2025-01-01` (any day is read as its
/// month), or, when the cell lost its date format, as the serial `45658`. Either is taken only
/// when it is a day from ECM's start (2022) to 2099, so a month typed as the number 202501, a
/// year, or a date of 1999 is still refused (RCN-010) rather than read as a month of 2454, 1905
/// or before ECM.
fn sheet_date_month(v: &str) -> Option<ServiceMonth> {
    let last = NaiveDate::from_ymd_opt(2099, 12, 31)?;
    let day = parse_date(v)
        .ok()
        .or_else(|| excel_serial_date(v))
        .filter(|d| (crate::encounters::ECM_START..=last).contains(d))?;
    Some(ServiceMonth::of(day))
}

/// Payment lines per batch sent by [`read_payments_in_batches`].
const BATCH: usize = 4096;

/// [`read_payments`] for a thread of its own: good rows go to `tx` in batches, in file order;
/// the counts and findings come back at the end.
pub fn read_payments_in_batches(
    paths: &[PathBuf],
    skip: &[bool],
    tx: SyncSender<Vec<PaymentFact>>,
) -> Result<(PaymentFileCounts, Vec<Finding>), InputError> {
    let mut findings = Vec::new();
    let mut batch = Vec::with_capacity(BATCH);
    let counts = read_payments(
        paths,
        skip,
        |p| {
            batch.push(p);
            if batch.len() == BATCH {
                // A closed channel means the run already stopped; the rest is not needed.
                let _ = tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
        },
        &mut findings,
    )?;
    if !batch.is_empty() {
        let _ = tx.send(batch);
    }
    Ok((counts, findings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_payment_rows_become_findings_with_rule_ids() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("payments.csv");
        std::fs::write(
            &p,
            "payment_id,paid_date,provider_npi,member_id,service_month,kind,amount\n\
             P1,2025-02-05,1234567893,M1,2025-01,pmpm,300.00\n\
             P2,2025-02-05,1234567893,,2025-01,pmpm,-12.50\n\
             P3,2025-02-05,1234567893,M1,2025-13,pmpm,300.00\n\
             P4,2025-02-05,1234567893,M1,2025-01,capitation,300.00\n\
             P5,2025-02-05,1234567893,M1,2025-01,pmpm,\"$1,300.00\"\n\
             P1,2025-02-05,1234567893,M1,2025-01,pmpm,300.00\n",
        )
        .unwrap();
        let mut got = Vec::new();
        let mut findings = Vec::new();
        let counts = read_payments(&[p], &[], |f| got.push(f), &mut findings).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].member_id, None);
        assert_eq!(got[1].amount, Money::parse("-12.50").unwrap());
        let ids: Vec<(u32, &str)> = findings.iter().map(|f| (f.row, f.rule.id)).collect();
        assert_eq!(
            ids,
            vec![
                (4, "RCN-010"),
                (5, "RCN-011"),
                (6, "RCN-012"),
                (7, "RCN-013")
            ]
        );
        assert_eq!((counts.rows_read, counts.rows_rejected), (6, 4));
    }

    /// A workbook's date cell, as the sheet reader gives it, is its month; a bare number is a
    /// date serial only from 2022 to 2099, so a month or year typed as a number is not one.
    #[test]
    fn sheet_dates_are_their_month() {
        let m = |v: &str| sheet_date_month(v).map(|m| m.to_string());
        assert_eq!(m("2025-01-01").as_deref(), Some("2025-01"));
        assert_eq!(m("2025-02-15").as_deref(), Some("2025-02"));
        assert_eq!(m("3/31/2025").as_deref(), Some("2025-03"));
        assert_eq!(m("45717").as_deref(), Some("2025-03"));
        assert_eq!(m("45717.5").as_deref(), Some("2025-03"));
        for v in [
            "202501",
            "2025",
            "44561",
            "73416",
            "July 2025",
            "2025-02-30",
        ] {
            assert_eq!(m(v), None, "{v}");
        }
    }
}
