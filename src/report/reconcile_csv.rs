//! `member-months.csv`, `summary.csv` and `rejects.csv` of `ecm reconcile`.

use crate::model::{Money, ServiceMonth, push_uint};
use crate::reconcile::expectation::Rate;
use crate::reconcile::{Reconciliation, Summary, SummaryRow};
use crate::report::csv_field::push_csv_record;
use crate::rules::{FINDING_COLUMNS, Finding};
use std::io::Write;

/// The columns of `member-months.csv`, in order.
pub const MEMBER_MONTH_COLUMNS: [&str; 27] = [
    "provider_npi",
    "member_id",
    "month",
    "contract_id",
    "member_month_rule",
    "payment_basis",
    "enrolled_days",
    "days_in_month",
    "counted",
    "factor",
    "tier",
    "rate",
    "qualifying_encounters",
    "outreach_payable",
    "outreach_attempts",
    "outreach_over_cap",
    "expected_pmpm",
    "expected_outreach",
    "expected_total",
    "paid_pmpm",
    "paid_outreach",
    "paid_total",
    "payment_lines",
    "pmpm_variance",
    "outreach_variance",
    "variance",
    "reason_codes",
];

fn csv_err(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

/// One record's fields, written end to end into one reused buffer: member-months.csv has
/// millions of rows of 27 fields, and a `String` per field was a third of the writing time.
#[derive(Default)]
struct RecordBuf {
    text: String,
    ends: Vec<usize>,
}

impl RecordBuf {
    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    fn end(&mut self) {
        self.ends.push(self.text.len());
    }

    fn str(&mut self, s: &str) {
        self.text.push_str(s);
        self.end();
    }

    fn display(&mut self, v: impl std::fmt::Display) {
        use std::fmt::Write as _;
        let _ = write!(self.text, "{v}");
        self.end();
    }

    fn money(&mut self, m: Money) {
        m.push_cents(&mut self.text);
        self.end();
    }

    fn uint(&mut self, n: u32) {
        push_uint(&mut self.text, u64::from(n));
        self.end();
    }

    /// `YYYY-MM`.
    fn month(&mut self, m: ServiceMonth) {
        push_uint(&mut self.text, u64::from(m.year().unsigned_abs()));
        self.text.push('-');
        if m.month() < 10 {
            self.text.push('0');
        }
        push_uint(&mut self.text, u64::from(m.month()));
        self.end();
    }

    /// A non-negative number rounded to four places and written with all four (`1.0000`), as
    /// `{:.4}` writes it.
    fn places4(&mut self, d: rust_decimal::Decimal) {
        let r = d.round_dp(4);
        let scaled = u64::try_from(r.mantissa())
            .ok()
            .filter(|_| !r.is_sign_negative() && r.scale() <= 4)
            .and_then(|m| m.checked_mul(10u64.pow(4 - r.scale())));
        match scaled {
            Some(m) => {
                push_uint(&mut self.text, m / 10_000);
                self.text.push('.');
                let frac = m % 10_000;
                for div in [1000, 100, 10, 1] {
                    self.text.push(char::from(b'0' + ((frac / div) % 10) as u8));
                }
                self.end();
            }
            _ => self.display(format_args!("{r:.4}")),
        }
    }

    /// Writes the record as a CSV line ([`push_csv_record`]: quoted only where a field needs it,
    /// as the `csv` crate's default does); `line` is reused between records.
    fn write_line(&self, out: &mut impl Write, line: &mut Vec<u8>) -> std::io::Result<()> {
        line.clear();
        push_csv_record(line, self.fields());
        out.write_all(line)
    }

    fn fields(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(a, b)| &self.text[a..b])
    }
}

/// Writes every member-month row, in the reconciliation's order (provider, member, month).
pub fn write_member_months<W: Write>(mut out: W, rec: &Reconciliation) -> std::io::Result<()> {
    let mut f = RecordBuf::default();
    let mut line = Vec::new();
    for c in MEMBER_MONTH_COLUMNS {
        f.str(c);
    }
    f.write_line(&mut out, &mut line)?;
    for r in &rec.rows {
        f.clear();
        f.str(r.provider_npi.as_str());
        f.str(rec.member_id(r));
        f.month(r.month);
        f.str(r.contract.map_or("", |c| c.id.as_str()));
        f.str(r.rule_key());
        f.str(r.basis_key());
        f.uint(r.enrolled_days);
        f.uint(r.days_in_month);
        f.str(if r.counted { "yes" } else { "no" });
        f.places4(r.factor);
        f.str(r.tier.as_deref().unwrap_or(""));
        match &r.rate {
            Some(Rate::Tier(m)) | Some(Rate::Default(m)) => f.money(*m),
            Some(Rate::UnknownTier) => f.str("unknown"),
            None => f.str(""),
        }
        f.uint(r.qualifying_encounters);
        f.uint(r.outreach_payable);
        f.uint(r.outreach_attempts);
        f.uint(r.outreach_over_cap);
        f.money(r.expected_pmpm);
        f.money(r.expected_outreach);
        f.money(r.expected());
        f.money(r.paid_pmpm);
        f.money(r.paid_outreach);
        f.money(r.paid());
        f.uint(r.payment_lines);
        f.money(r.pmpm_variance());
        f.money(r.outreach_variance());
        f.money(r.variance());
        for (i, reason) in r.reasons().enumerate() {
            if i > 0 {
                f.text.push(';');
            }
            f.text.push_str(reason.code());
        }
        f.end();
        debug_assert_eq!(f.ends.len(), MEMBER_MONTH_COLUMNS.len());
        f.write_line(&mut out, &mut line)?;
    }
    out.flush()
}

/// The columns of `summary.csv`, in order.
pub const SUMMARY_COLUMNS: [&str; 18] = [
    "scope",
    "provider_npi",
    "provider_name",
    "month",
    "enrolled_member_months",
    "counted_member_months",
    "engaged_member_months",
    "expected_pmpm",
    "expected_outreach",
    "expected_total",
    "paid_pmpm",
    "paid_outreach",
    "unattributed",
    "paid_total",
    "variance",
    "effective_pmpm_paid",
    "cost_per_member_month",
    "rows_with_variance",
];

/// The values of one summary row, for [`SUMMARY_COLUMNS`].
pub fn summary_record(s: &SummaryRow) -> [String; 18] {
    let opt = |m: Option<crate::model::Money>| m.map(|m| m.to_cents_string()).unwrap_or_default();
    [
        s.scope.key().to_string(),
        s.provider_npi.map(|n| n.to_string()).unwrap_or_default(),
        s.provider_name.clone().unwrap_or_default(),
        s.month.map(|m| m.to_string()).unwrap_or_default(),
        s.enrolled_member_months.to_string(),
        s.counted_member_months.to_string(),
        s.engaged_member_months.to_string(),
        s.expected_pmpm.to_cents_string(),
        s.expected_outreach.to_cents_string(),
        s.expected.to_cents_string(),
        s.paid_pmpm.to_cents_string(),
        s.paid_outreach.to_cents_string(),
        s.unattributed.to_cents_string(),
        s.paid.to_cents_string(),
        s.variance.to_cents_string(),
        opt(s.effective_pmpm_paid),
        opt(s.cost_per_member_month),
        s.rows_with_variance.to_string(),
    ]
}

/// Writes the summary rows: provider-months, provider totals, plan months, plan total.
pub fn write_summary<W: Write>(out: W, summary: &Summary) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(SUMMARY_COLUMNS).map_err(csv_err)?;
    for s in &summary.rows {
        w.write_record(summary_record(s)).map_err(csv_err)?;
    }
    w.flush()
}

/// Writes findings (every input row not used, and every warning) as `rejects.csv`.
pub fn write_findings<W: Write>(out: W, findings: &[Finding]) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(FINDING_COLUMNS).map_err(csv_err)?;
    for f in findings {
        w.write_record(f.csv_record()).map_err(csv_err)?;
    }
    w.flush()
}

/// The columns of `payments-835.csv`, in order.
pub const REMITTANCE_COLUMNS: [&str; 21] = [
    "file",
    "transaction",
    "trace_number",
    "payer",
    "provider_npi",
    "claim_id",
    "segment",
    "byte_offset",
    "line_control_number",
    "patient_id",
    "service_date",
    "procedure",
    "modifiers",
    "plb_reason",
    "plb_reference",
    "paid",
    "match",
    "encounter_id",
    "member_id",
    "service_month",
    "kind",
];

/// Writes every 835 SVC and PLB line in file order, with how it matched and where its money went.
/// An empty `member_id` means the money is provider-level (UNATTRIBUTED in the reconciled months).
pub fn write_remittance_lines<W: Write>(
    out: W,
    lines: &[crate::ops::reconcile::remittance_file::RemittanceLine],
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(REMITTANCE_COLUMNS).map_err(csv_err)?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for l in lines {
        w.write_record([
            l.file.clone(),
            l.transaction.clone(),
            l.trace_number.clone(),
            l.payer.clone(),
            l.provider_npi.to_string(),
            l.claim_id.clone(),
            opt(l.segment.map(|s| s.0.to_string())),
            opt(l.segment.map(|s| s.1.to_string())),
            l.line_control_number.clone(),
            l.patient_id.clone(),
            opt(l.service_date.map(|d| d.to_string())),
            l.procedure.clone(),
            l.modifiers.clone(),
            l.plb_reason.clone(),
            l.plb_reference.clone(),
            l.paid.to_cents_string(),
            l.match_method.to_string(),
            l.encounter_id.clone(),
            l.member_id.clone(),
            opt(l.service_month.map(|m| m.to_string())),
            l.kind.key().to_string(),
        ])
        .map_err(csv_err)?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::RecordBuf;
    use proptest::prelude::*;

    proptest! {
        /// The factor is written as `{:.4}` writes it, whatever the number.
        #[test]
        fn four_places_are_what_the_formatter_writes(m in any::<i64>(), scale in 0u32..=12) {
            let d = rust_decimal::Decimal::new(m, scale);
            let mut f = RecordBuf::default();
            f.places4(d);
            prop_assert_eq!(f.text, format!("{:.4}", d.round_dp(4)));
        }

        /// A record written by hand is the line the `csv` crate writes for the same fields.
        #[test]
        fn a_line_is_what_the_csv_crate_writes(fields in proptest::collection::vec("[a-z0-9 ,\"\r\n.-]{0,6}", 2..8)) {
            let mut f = RecordBuf::default();
            for x in &fields {
                f.str(x);
            }
            let mut ours = Vec::new();
            f.write_line(&mut ours, &mut Vec::new()).unwrap();
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&fields).unwrap();
            let theirs = w.into_inner().unwrap();
            prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs).unwrap());
        }
    }
}
