//! truth.json: what `ecm synth` put into a data set on purpose, for tests and for judging
//! reconciliation: every bad row (row number, encounter id and the rule that must reject it) and
//! every payment error (kind, provider, member, month, expected, paid and the difference), with
//! counts, per-provider totals and the conventions the expected amounts follow.
//!
//! Written as the data is generated: the bad rows stream out with the encounters, so memory does
//! not grow with the number of rows.

use super::payments::{PaymentError, Totals};
use crate::model::Npi;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The fixed facts written first.
#[derive(Debug, Serialize)]
pub struct Header<'a> {
    pub generator: &'static str,
    /// Version of this file's shape.
    pub format: u32,
    pub seed: u64,
    pub members: u64,
    pub months: u32,
    pub start: String,
    pub bad_rate: String,
    /// `caseload` when the run was asked for one (absent for the default, `growing`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shape: Option<&'static str>,
    pub period: Period,
    /// Run `ecm claims`/`map` with this `--as-of` and every good row is billable.
    pub as_of: String,
    /// The payer key of the `[plan]`: roster.csv and payments.csv hold only its members.
    pub plan_payer: &'a str,
    pub conventions: BTreeMap<&'static str, &'static str>,
}

/// The months covered.
#[derive(Debug, Serialize)]
pub struct Period {
    pub from: String,
    pub to: String,
}

/// One bad row.
#[derive(Debug, Serialize)]
pub struct BadRow<'a> {
    /// Spreadsheet row number in encounters.csv (the header is row 1).
    pub row: u64,
    pub encounter_id: &'a str,
    pub member_id: &'a str,
    /// The rule id that must reject the row.
    pub rule: &'static str,
}

/// Counts written last.
#[derive(Debug, Serialize)]
pub struct Counts {
    pub encounters: u64,
    pub good_rows: u64,
    pub bad_rows: u64,
    pub bad_rows_by_rule: BTreeMap<&'static str, u64>,
    pub members: u64,
    pub members_on_roster: u64,
    pub roster_rows: u64,
    pub payments: u64,
    /// Provider-member-month amounts (pmpm and outreach) the contracts call for.
    pub expected_payments: u64,
    pub payment_errors: u64,
    pub payment_errors_by_kind: BTreeMap<&'static str, u64>,
}

/// Expected and paid per provider.
#[derive(Debug, Serialize)]
pub struct ProviderTotals {
    pub provider_npi: Npi,
    pub provider_name: &'static str,
    #[serde(flatten)]
    pub totals: Totals,
}

/// The conventions the expected payments follow (see `payments.rs`).
pub fn conventions() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([
        (
            "member_month",
            "A month counts for a roster span under the contract in force for its provider on the month's first day: any_day = enrolled at least one day; first_of_month = enrolled on the 1st; mid_month_15 = enrolled on the 15th; prorated_daily = rate x enrolled days / days in month, rounded half up to the cent.",
        ),
        (
            "rate",
            "The contract's tier_rates entry for the span's tier, else its pmpm.",
        ),
        (
            "engaged",
            "An engaged contract pays a counted month only when the member has a good (not rejected) non-outreach encounter dated in the month within the span.",
        ),
        (
            "outreach",
            "Each good outreach row dated before the member's first span is an attempt for that span's provider, paid at the outreach_rate of the contract in force on its date when fewer than outreach_cap.attempts attempts were paid in the outreach_cap.days days ending on its date; one outreach payment per provider, member and month.",
        ),
        (
            "bad_rows",
            "Rejected rows are never paid and never make a month engaged; a non-outreach bad row is never the only qualifying encounter of its month.",
        ),
        (
            "difference",
            "paid - expected, for the provider, member, service month and payment kind (adjustments count with pmpm).",
        ),
        (
            "scope",
            "roster.csv and payments.csv hold the plan_payer's members only; encounters.csv holds every payer's members.",
        ),
    ])
}

/// Streams truth.json.
pub struct TruthWriter<W: Write> {
    out: W,
    first_bad: bool,
}

impl<W: Write> TruthWriter<W> {
    /// Writes the header and opens the bad-row list.
    pub fn start(mut out: W, header: &Header) -> io::Result<TruthWriter<W>> {
        let text = serde_json::to_string_pretty(header).map_err(io::Error::other)?;
        // Reopen the object to append the streamed lists.
        let body = text
            .trim_end()
            .strip_suffix('}')
            .unwrap_or(&text)
            .trim_end();
        out.write_all(body.as_bytes())?;
        out.write_all(b",\n  \"bad_rows\": [")?;
        Ok(TruthWriter {
            out,
            first_bad: true,
        })
    }

    /// Appends one bad row.
    pub fn bad_row(&mut self, row: &BadRow) -> io::Result<()> {
        self.out.write_all(if self.first_bad {
            b"\n    "
        } else {
            b",\n    "
        })?;
        self.first_bad = false;
        serde_json::to_writer(&mut self.out, row).map_err(io::Error::other)
    }

    /// Writes the payment errors, counts and totals and closes the object.
    pub fn finish(
        mut self,
        errors: &[PaymentError],
        counts: &Counts,
        totals: &[ProviderTotals],
    ) -> io::Result<W> {
        self.out
            .write_all(if self.first_bad { b"]" } else { b"\n  ]" })?;
        self.out.write_all(b",\n  \"payment_errors\": [")?;
        for (i, e) in errors.iter().enumerate() {
            self.out
                .write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
            serde_json::to_writer(&mut self.out, e).map_err(io::Error::other)?;
        }
        self.out
            .write_all(if errors.is_empty() { b"]" } else { b"\n  ]" })?;
        self.out.write_all(b",\n  \"counts\": ")?;
        let counts = serde_json::to_string_pretty(counts).map_err(io::Error::other)?;
        self.out
            .write_all(counts.replace('\n', "\n  ").as_bytes())?;
        self.out.write_all(b",\n  \"totals\": [")?;
        for (i, t) in totals.iter().enumerate() {
            self.out
                .write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
            serde_json::to_writer(&mut self.out, t).map_err(io::Error::other)?;
        }
        self.out.write_all(b"\n  ]\n}\n")?;
        Ok(self.out)
    }
}

/// Totals in provider order, with names.
pub fn provider_totals(
    orgs: &[super::config::Org],
    totals: &BTreeMap<Npi, Totals>,
) -> Vec<ProviderTotals> {
    orgs.iter()
        .map(|o| ProviderTotals {
            provider_npi: o.npi,
            provider_name: o.name,
            totals: totals.get(&o.npi).copied().unwrap_or_default(),
        })
        .collect()
}
