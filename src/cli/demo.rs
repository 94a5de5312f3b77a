//! `ecm demo`: the first thing a new user runs.

use super::{CliError, Globals, Outcome};
use crate::ops::demo::{DEMO_AS_OF, run_demo};
use std::path::PathBuf;

/// Write the built-in example (a provider billing two plans, 33 encounters, 6 of them with
/// mistakes), run `map` and `claims` on it, and explain the results.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  ecm demo --out /tmp/ecm-demo\n  ecm demo --force   # write the demo again over an earlier one"
)]
pub struct Args {
    /// Where to write the demo.
    #[arg(long, value_name = "DIR", default_value = "ecm-demo")]
    pub out: PathBuf,
    /// Replace the demo's files from an earlier run (its inputs included, with any edits).
    #[arg(long)]
    pub force: bool,
}

/// Runs `ecm demo`.
pub fn run(g: &Globals, a: Args) -> Result<Outcome, CliError> {
    // The demo's encounters name the demo's payers; run on another configuration they would all
    // be refused. Saying so beats ignoring the option.
    if g.config_given {
        return Err(CliError(format!(
            "ecm demo writes and uses its own configuration ({}); --config {} does not apply. \
             To bill with your configuration run: ecm --config {} claims ENCOUNTERS --out DIR",
            a.out.join("input").join("ecm.toml").display(),
            g.config.display(),
            g.config.display()
        )));
    }
    let codeset = g.load_codeset()?;
    let clock = match &g.as_of {
        Some(_) => Some(g.clock()?),
        None => None,
    };
    let d = run_demo(&a.out, &codeset, clock, a.force).map_err(CliError::from_display)?;
    let s = &d.claims.summary;
    let as_of = g
        .as_of
        .clone()
        .unwrap_or_else(|| format!("{DEMO_AS_OF} (the demo's fixed clock)"));
    let lines = [
        format!("ecm demo: a fictitious ECM provider bills two Medi-Cal plans, as of {as_of}."),
        String::new(),
        "1. Inputs (edit them and re-run the commands below):".to_string(),
        format!("   {}  provider, submitter and two payers with their charges", d.config_path.display()),
        format!("   {}  {} encounters: every core service, clinical and non-clinical staff, all six modalities", d.encounters_path.display(), s.rows_read),
        String::new(),
        "2. Coding: each encounter's HCPCS code and modifiers, and the code-set row that decided it:".to_string(),
        format!("   {}  ({} billable, {} not)", d.map_path.display(), d.map_counts.billable, d.map_counts.not_billable),
        String::new(),
        "3. Claims: one 837P interchange per plan, ready for the plan or your clearinghouse:".to_string(),
    ];
    // The tour goes to stdout, whole, once the demo has run; warnings and errors go to stderr.
    let mut text = String::new();
    let mut say = |l: &str| {
        text.push_str(l);
        text.push('\n');
    };
    for l in lines {
        say(&l);
    }
    for p in &s.payers {
        if let Some(f) = &p.file {
            say(&format!(
                "   {}  {} claims, {} service lines, {} members, ${}",
                d.claims_dir.join(f).display(),
                p.claims,
                p.lines,
                p.members,
                p.total_charge
            ));
        }
    }
    say(&format!(
        "   {}  counts and totals by payer and code",
        d.claims_dir.join("summary.json").display()
    ));
    say("");
    say(&format!(
        "4. Rejected: {} of {} rows were not billed. Each has a rule id and a fix ({}):",
        s.rows_rejected,
        s.rows_read,
        d.claims_dir.join("rejects.csv").display()
    ));
    for f in &d.claims.rejects {
        say(&format!(
            "   row {:>2} {:<9} {}  {}\n   {:27}fix: {}",
            f.row,
            f.encounter_id.as_deref().unwrap_or("-"),
            f.rule.id,
            f.message,
            "",
            f.rule.fix
        ));
    }
    if s.report.transliterations.fields_changed > 0 {
        say("");
        say(&format!(
            "   Accented names (Muñoz, José) were spelled in plain ASCII for X12 in {} fields of {} rows;\n   {} lists each change.",
            s.report.transliterations.fields_changed,
            s.report.transliterations.rows_changed,
            d.claims_dir.join("transliterations.csv").display()
        ));
    }
    let cfg = d.config_path.display();
    let enc = d.encounters_path.display();
    say("");
    say("Next:");
    say(&format!(
        "   ecm --config {cfg} map {enc}           # see every row's coding"
    ));
    say(&format!(
        "   ecm --config {cfg} claims {enc} --out my-claims   # bill it yourself"
    ));
    say(&format!(
        "   ecm --config {cfg} invoice {enc} --out my-invoices   # invoices instead of claims"
    ));
    if let Some(file) = s.payers.iter().find_map(|p| p.file.as_ref()) {
        let first_837 = d.claims_dir.join(file);
        say(&format!(
            "   ecm check {}          # check an 837P against the guide",
            first_837.display()
        ));
        say(&format!(
            "   ecm render {}         # read it segment by segment",
            first_837.display()
        ));
    }
    say(
        "   ecm codes                                  # the code set and where each row comes from",
    );
    say("   ecm rules                                  # every rule id and its fix");
    g.tell(&text)?;
    Ok(Outcome::Clean)
}
