//! `ecm synth`: a synthetic data set with no real person in it.

use super::{CliError, Globals, Outcome};
use crate::synth::{Shape, SynthRequest, parse_rate, parse_start, run_synth};
use chrono::NaiveDate;
use std::path::PathBuf;

/// Write a realistic, fictitious ECM data set: ecm.toml (provider, three plans, the plan's
/// contracts), encounters.csv, roster.csv, payments.csv and truth.json (every bad row and payment
/// error put in on purpose).
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Write a realistic, fictitious ECM data set for trying ecm, tests and benchmarks.\n\n\
        DIR/ecm.toml        a provider, three plans with charges, the plan's contracts with four ECM providers\n\
        DIR/encounters.csv  outreach attempts, then a few services a month per enrolled member\n\
        DIR/roster.csv      the plan's ECM enrollment spans\n\
        DIR/payments.csv    the plan's PMPM and outreach payments, mostly right\n\
        DIR/truth.json      the ground truth: each bad row with its rule, each payment error with its amount\n\
        DIR/invoices.csv    with --invoices: the plan's members' good rows as invoices of the providers that delivered them\n\n\
        No real person is represented: names are common first and last names combined at random; \
        ids, birth dates and addresses are random. The same seed gives the same bytes on every machine.\n\n\
        Size: about 11 encounters per member over 12 months (--members 100000 --months 12 writes \
        about 1.1 million encounters, 240 MB, in a few seconds). Every service date falls in the \
        period, so with --as-of set to the day after it (truth.json's as_of) every good row \
        is billable.",
    after_help = "Examples:\n  ecm synth --members 1000 --months 12 --seed 7 --out synth/\n  ecm --config synth/ecm.toml --as-of 2026-01-01 map synth/encounters.csv\n  ecm synth --members 100000 --months 12 --seed 1 --bad-rate 0.02 --start 2024-07 --out big/ --force"
)]
pub struct Args {
    /// Number of members (1 to 9,999,999).
    #[arg(long, value_name = "N")]
    pub members: u64,
    /// Number of months covered (1 to 120).
    #[arg(long, value_name = "M")]
    pub months: u32,
    /// Seed for every random choice.
    #[arg(long, value_name = "S")]
    pub seed: u64,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Share of encounter rows replaced by rows that one rule rejects (0 to 1). A month's only
    /// service is never replaced, so very high rates fall short.
    #[arg(long, value_name = "R", default_value = "0", value_parser = parse_rate)]
    pub bad_rate: u32,
    /// First month of the period.
    #[arg(long, value_name = "YYYY-MM", default_value = "2025-01", value_parser = parse_start)]
    pub start: NaiveDate,
    /// Also write invoices.csv: the plan's members' good rows as invoice lines from the
    /// organisation that delivered each (the form `ecm invoice` writes and `ecm ingest` reads).
    #[arg(long)]
    pub invoices: bool,
    /// The enrolled population: `growing` (members referred across the period, outreach before
    /// enrollment, about 11 encounters per member over 12 months) or `caseload` (every member the
    /// plan's, enrolled through the period, about four services a month: members x months
    /// member-months, the reconciliation benchmark's load)
    #[arg(long, value_enum, default_value = "growing")]
    pub shape: Shape,
    /// Replace existing output files.
    #[arg(long)]
    pub force: bool,
}

/// Runs `ecm synth`.
pub fn run(g: &Globals, a: Args) -> Result<Outcome, CliError> {
    let codeset = g.load_codeset()?;
    let req = SynthRequest {
        members: a.members,
        months: a.months,
        seed: a.seed,
        start: a.start,
        bad_rate_ppm: a.bad_rate,
        out_dir: &a.out,
        force: a.force,
        codeset: &codeset,
        invoices: a.invoices,
        shape: a.shape,
    };
    let s = run_synth(&req).map_err(CliError::from_display)?;
    g.say(&format!(
        "Wrote {} encounters ({} bad), {} roster rows, {} payments ({} with errors) for {} to {}.",
        s.encounters,
        s.bad_rows,
        s.roster_rows,
        s.payments,
        s.payment_errors,
        s.period.first,
        s.period.last
    ));
    g.say_removed(&s.removed);
    if a.invoices {
        g.say(&format!(
            "Wrote {} invoice lines; try: ecm --config {} --as-of {} ingest {} --roster {} --out DIR",
            s.invoice_lines,
            a.out.join("ecm.toml").display(),
            s.period.as_of(),
            a.out.join("invoices.csv").display(),
            a.out.join("roster.csv").display()
        ));
    }
    g.say(&format!(
        "Try: ecm --config {} --as-of {} map {}",
        a.out.join("ecm.toml").display(),
        s.period.as_of(),
        a.out.join("encounters.csv").display()
    ));
    Ok(Outcome::Clean)
}
