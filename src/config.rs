//! `ecm.toml`. Provider side: the provider, the submitter and each payer (health plan) the
//! provider bills. Plan side: the plan and its ECM provider contracts. One file may hold both
//! (as `ecm synth` writes it); each command asks for the sections it needs.
//!
//! Every field is checked when the file is loaded, and an error names the file, the key path
//! (e.g. `payer[2].receiver_id`), the line and what to write instead, whether `toml` found it
//! while reading the value or the checks found it after. Free text (names, addresses) is spelled
//! in plain ASCII as encounter text is, each change kept for a warning.

use crate::codeset::{Effective, UnitBasis};
use crate::model::text::{Transliteration, check_x12_ascii, to_x12_text};
use crate::model::{DiagnosisCode, Hcpcs, Modifiers, Money, Npi, TransactionType, Usage};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::Path;

mod layout;
use layout::Layout;

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub provider: Option<Provider>,
    #[serde(default)]
    pub submitter: Option<SubmitterConfig>,
    #[serde(default, rename = "payer")]
    pub payers: Vec<Payer>,
    /// Plan side: the plan itself (for `ingest` and `reconcile`).
    #[serde(default)]
    pub plan: Option<PlanConfig>,
    /// Plan side: ECM provider contracts (for `ingest` and `reconcile`).
    #[serde(default, rename = "contract")]
    pub contracts: Vec<Contract>,
    /// The file the configuration was read from, for messages.
    #[serde(skip)]
    pub file: String,
    /// Free-text values whose accented letters were spelled in ASCII on loading (the values above
    /// hold the ASCII spelling, which is what the 837 carries), for the one warning that says so.
    #[serde(skip)]
    pub transliterated: Vec<ConfigTransliteration>,
}

/// One configuration value whose accented letters were spelled in ASCII, as `summary.json`
/// lists it (`config_transliterations`): where it is and the letters changed (`Ñ->N`), never the
/// value itself, which may be a person's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigTransliteration {
    pub file: String,
    /// Its key path, e.g. `provider.name`.
    pub key: String,
    pub line: Option<usize>,
    /// Each change, in order (in JSON as `"ñ->n"`).
    #[serde(serialize_with = "changes_as_text")]
    pub changes: Vec<Transliteration>,
}

/// Serializes changes as the strings `ñ->n`, as outputs spell them.
fn changes_as_text<S: serde::Serializer>(
    changes: &[Transliteration],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_seq(changes.iter().map(ToString::to_string))
}

impl std::fmt::Display for ConfigTransliteration {
    /// `ecm.toml: provider.name (line 3): Ñ->N; spelled in plain ASCII, as X12 requires`: the
    /// letters changed, not the value (which may be a person's name).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, place(Some(&self.key), self.line))?;
        for (i, c) in self.changes.iter().enumerate() {
            let sep = if i == 0 { "" } else { " " };
            write!(f, "{sep}{c}")?;
        }
        write!(f, "; spelled in plain ASCII, as X12 requires")
    }
}

/// The provider-side sections, all present (what `map`, `claims` and `invoice` need).
#[derive(Debug, Clone, Copy)]
pub struct ProviderSide<'a> {
    pub provider: &'a Provider,
    pub submitter: &'a SubmitterConfig,
    pub payers: &'a [Payer],
}

/// The ECM provider organisation (the 837 billing provider).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub name: String,
    pub npi: Npi,
    /// Employer identification number, nine digits (REF*EI).
    pub tin: String,
    /// Healthcare provider taxonomy code (PRV*BI), e.g. `251S00000X`.
    #[serde(default)]
    pub taxonomy: Option<String>,
    pub address: String,
    pub city: String,
    pub state: String,
    /// Nine digits: 5010 requires ZIP+4 for the billing provider.
    pub zip: String,
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    /// Use the earlier Whole Person Care / Health Homes go-live dates for Populations of Focus.
    #[serde(default)]
    pub early_implementation_county: bool,
    /// Where plans send payment for invoices, when not the address above.
    #[serde(default)]
    pub remit_to: Option<RemitTo>,
}

/// The remit-to address printed on invoices.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RemitTo {
    pub name: String,
    pub address: String,
    pub city: String,
    pub state: String,
    /// Five or nine digits.
    pub zip: String,
}

/// Who sends the interchange (ISA06, GS02, loop 1000A); often the provider itself or its clearinghouse.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitterConfig {
    /// Defaults to the provider name.
    #[serde(default)]
    pub name: Option<String>,
    /// ISA06 / NM109 in 1000A: at most 15 characters.
    pub id: String,
    /// ISA05, default `ZZ`.
    #[serde(default = "zz")]
    pub id_qualifier: String,
    /// GS02; defaults to `id`.
    #[serde(default)]
    pub application_sender: Option<String>,
    /// PER contact; defaults to the provider's contact.
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
}

/// How encounters become claims (CLM) for a payer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum ClaimGrouping {
    /// One claim per encounter.
    Encounter,
    /// One claim per member per service date.
    #[default]
    MemberDay,
    /// One claim per member per calendar month.
    MemberMonth,
}

/// Which member identifier goes in the subscriber loop (NM109 of 2010BA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SubscriberId {
    /// The plan's member id (`member_id` column).
    #[default]
    MemberId,
    /// The Medi-Cal client index number (`member_cin` column).
    Cin,
}

/// A charge for a code + modifiers from a date, per unit.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChargeRow {
    pub hcpcs: Hcpcs,
    #[serde(default)]
    pub modifiers: Modifiers,
    pub amount: Money,
    #[serde(default = "ecm_start")]
    pub effective_from: NaiveDate,
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
}

impl ChargeRow {
    /// The row's date range.
    pub fn effective(&self) -> Effective {
        Effective {
            effective_from: self.effective_from,
            effective_to: self.effective_to,
        }
    }
}

/// A health plan the provider bills.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Payer {
    /// Short name used in the encounter `payer` column and the output file name (`<key>.837`).
    pub key: String,
    /// The plan's name (NM1*PR in 2010BB).
    pub name: String,
    /// The payer id (NM109 of 2010BB, qualifier PI).
    pub payer_id: String,
    /// ISA08 / 1000B NM109: at most 15 characters.
    pub receiver_id: String,
    #[serde(default = "zz")]
    pub receiver_qualifier: String,
    /// 1000B name; defaults to `name`.
    #[serde(default)]
    pub receiver_name: Option<String>,
    /// GS03; defaults to `receiver_id`.
    #[serde(default)]
    pub application_receiver: Option<String>,
    /// SBR09, `MC` (Medicaid) by default.
    #[serde(default = "mc")]
    pub claim_filing_indicator: String,
    #[serde(default)]
    pub claim_grouping: ClaimGrouping,
    /// Diagnosis used when an encounter has none (HI needs at least one), e.g. `Z59.00`.
    #[serde(default)]
    pub default_diagnosis: Option<DiagnosisCode>,
    /// Overrides the code-set row's unit basis for this payer.
    #[serde(default)]
    pub unit_basis: Option<UnitBasis>,
    /// BHT06: `CH` to be paid, `RP` for encounter reporting.
    #[serde(default)]
    pub transaction_type: TransactionType,
    /// ISA15: `P` production (default) or `T` test.
    #[serde(default = "production")]
    pub usage: Usage,
    #[serde(default)]
    pub subscriber_id: SubscriberId,
    /// Charges per code + modifiers; the most specific row in force wins.
    #[serde(default, rename = "charge")]
    pub charges: Vec<ChargeRow>,
}

/// The health plan, when `ecm` runs on the plan side (ingest, reconcile).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanConfig {
    pub name: String,
    /// The plan's payer id (2010BB) on the encounter 837s it builds from invoices.
    pub payer_id: String,
    /// ISA06 / 1000A id when the plan submits encounters.
    pub submitter_id: String,
    #[serde(default = "zz")]
    pub submitter_qualifier: String,
    /// ISA08 / 1000B id of whoever receives the plan's encounters (e.g. the state).
    pub receiver_id: String,
    #[serde(default = "zz")]
    pub receiver_qualifier: String,
    /// 1000B name; defaults to `receiver_id`.
    #[serde(default)]
    pub receiver_name: Option<String>,
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    /// SBR09 on encounters, `MC` by default.
    #[serde(default = "mc")]
    pub claim_filing_indicator: String,
    /// Diagnosis used when an invoice line has none.
    #[serde(default)]
    pub default_diagnosis: Option<DiagnosisCode>,
    /// ISA15 of the encounter file.
    #[serde(default = "production")]
    pub usage: Usage,
}

/// What a counted member-month earns: every enrolled month, or only months with a qualifying
/// (non-outreach) ECM encounter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentBasis {
    Enrolled,
    Engaged,
}

/// When a month counts for a member enrolled part of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberMonthRule {
    /// Enrolled on at least one day of the month.
    AnyDay,
    /// Enrolled on the 1st.
    FirstOfMonth,
    /// Enrolled on the 15th.
    #[serde(rename = "mid_month_15")]
    MidMonth15,
    /// Counts with factor enrolled days / days in the month.
    ProratedDaily,
}

/// At most `attempts` paid outreach attempts within any `days`-day window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutreachCap {
    pub attempts: u32,
    pub days: u32,
}

/// A plan's payment terms with one ECM provider for a period.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// A stable name for reports, e.g. `sunrise-2026`.
    pub id: String,
    pub provider_npi: Npi,
    #[serde(default)]
    pub provider_name: Option<String>,
    pub effective_from: NaiveDate,
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    pub payment_basis: PaymentBasis,
    pub member_month_rule: MemberMonthRule,
    /// The PMPM rate for members whose tier has no rate of its own (or no tier).
    pub pmpm: Money,
    /// PMPM per tier (the roster's `tier` column).
    #[serde(default)]
    pub tier_rates: std::collections::BTreeMap<String, Money>,
    /// Fee per payable outreach attempt.
    #[serde(default)]
    pub outreach_rate: Option<Money>,
    #[serde(default)]
    pub outreach_cap: Option<OutreachCap>,
    /// Only attempts dated before the member's enrollment start are payable.
    #[serde(default)]
    pub outreach_before_enrollment_only: bool,
}

impl Contract {
    /// The contract's date range.
    pub fn effective(&self) -> Effective {
        Effective {
            effective_from: self.effective_from,
            effective_to: self.effective_to,
        }
    }
}

fn zz() -> String {
    "ZZ".to_string()
}
fn mc() -> String {
    "MC".to_string()
}
fn production() -> Usage {
    Usage::Production
}
fn ecm_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 1, 1).expect("valid date")
}

/// A configuration that cannot be used: the file, the key path and line when the error is about
/// one key, and what is wrong with how to fix it.
#[derive(Debug)]
pub struct ConfigError {
    pub file: String,
    /// The key path, e.g. `payer[2].receiver_id` (arrays of tables count from 1).
    pub key: Option<String>,
    /// The line (from 1), when known.
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    /// `ecm.toml: payer[1].claim_grouping (line 30): unknown variant ...`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}{}",
            self.file,
            place(self.key.as_deref(), self.line),
            self.message
        )
    }
}

impl std::error::Error for ConfigError {}

/// `payer[1].name (line 12): `, `payer[1].name: `, `line 12: ` or nothing.
fn place(key: Option<&str>, line: Option<usize>) -> String {
    match (key, line) {
        (Some(k), Some(l)) => format!("{k} (line {l}): "),
        (Some(k), None) => format!("{k}: "),
        (None, Some(l)) => format!("line {l}: "),
        (None, None) => String::new(),
    }
}

/// A `toml` error placed in its text: the key path it concerns, its line, and the message with a
/// hint of what to write.
pub(crate) struct TomlFault {
    pub key: Option<String>,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for TomlFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{}",
            place(self.key.as_deref(), self.line),
            self.message
        )
    }
}

/// Places a `toml` error read from `text` (`ecm.toml` or a code-set table). Its byte span gives the
/// line and the key path; a missing key is named as the key path it should have; and where the
/// message says only what was wrong (`invalid type: integer`, a date's `input contains invalid
/// characters`) a hint says what to write.
pub(crate) fn locate_toml_error(text: &str, e: &toml::de::Error) -> TomlFault {
    locate_in(&Layout::new(text), e)
}

fn locate_in(layout: &Layout, e: &toml::de::Error) -> TomlFault {
    let offset = e.span().map(|s| s.start);
    let mut key = offset.and_then(|o| layout.key_at(o).or_else(|| layout.key_before(o)));
    let mut message = e.message().trim_end().to_string();
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        key = Some(match key {
            Some(table) => format!("{table}.{field}"),
            None => field.to_string(),
        });
        message = "this key is required but missing; add it".into();
    }
    // The crate says only "duplicate key"; its span is the second one. Name it, or the user
    // hunts through the table for which key it meant.
    if message == "duplicate key" {
        let span = e.span().unwrap_or_default();
        let name = layout.text_of(span.clone());
        let line = layout.line_text(span.start);
        if line.starts_with('[') && !line.starts_with("[[") {
            message = format!(
                "table [{name}] appears twice; move its keys into the first [{name}] and delete the second header"
            );
        } else if !name.is_empty() && !line.starts_with('[') {
            message =
                format!("key {name} is given twice in this table; keep one and delete the other");
        }
    }
    let last = key
        .as_deref()
        .map(|k| k.rsplit('.').next().unwrap_or(k))
        .unwrap_or("");
    let hint = KEY_HINTS
        .iter()
        .find(|(k, _)| *k == last)
        .or_else(|| TYPE_HINTS.iter().find(|(m, _)| message.contains(m)));
    if let Some((_, hint)) = hint {
        message.push_str("; ");
        message.push_str(hint);
    }
    TomlFault {
        key,
        line: offset.map(|o| layout.line_of(o)),
        message,
    }
}

/// A `toml` error in `ecm.toml` as a [`ConfigError`].
fn toml_error(layout: &Layout, e: &toml::de::Error, file: &str) -> ConfigError {
    let TomlFault { key, line, message } = locate_in(layout, e);
    ConfigError {
        file: file.to_string(),
        key,
        line,
        message,
    }
}

/// What to write, by the last segment of the key path, for keys whose `toml` message does not say.
const KEY_HINTS: [(&str, &str); 2] = [
    (
        "effective_from",
        "write the date in quotes as \"YYYY-MM-DD\", e.g. \"2026-01-01\"",
    ),
    (
        "effective_to",
        "write the date in quotes as \"YYYY-MM-DD\", e.g. \"2026-12-31\"",
    ),
];

/// What to write, by what `toml` says it expected.
const TYPE_HINTS: [(&str, &str); 4] = [
    ("expected a string", "write the value in double quotes"),
    ("expected a boolean", "write true or false, without quotes"),
    ("expected u32", "write a whole number, without quotes"),
    (
        "expected a sequence",
        "write a list in brackets, e.g. [\"U1\"]",
    ),
];

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.display().to_string(),
            key: None,
            line: None,
            message: if e.kind() == std::io::ErrorKind::NotFound {
                "no such file; pass --config FILE, or run `ecm demo` and copy its ecm.toml".into()
            } else {
                format!("cannot read it: {e}")
            },
        })?;
        Config::parse(&text, &path.display().to_string())
    }

    /// Parses and checks configuration text; `file` names it in errors. Accented letters in free
    /// text (names, addresses) are spelled in ASCII, as in encounter rows, and listed in
    /// [`Config::transliterated`].
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let layout = Layout::new(text);
        let mut config: Config = toml::from_str(text).map_err(|e| toml_error(&layout, &e, file))?;
        config.file = file.to_string();
        config.transliterated = config
            .spell_in_ascii()
            .into_iter()
            .map(|(key, changes)| ConfigTransliteration {
                file: file.to_string(),
                line: layout.line_of_key(&key),
                key,
                changes,
            })
            .collect();
        config.check().map_err(|p| ConfigError {
            file: file.to_string(),
            line: p.key.as_deref().and_then(|k| layout.line_of_key(k)),
            key: p.key,
            message: p.message,
        })?;
        Ok(config)
    }

    /// Every free-text value the 837 (or an invoice) carries as text, with its key path: names,
    /// addresses, cities. Identifiers, codes and e-mail addresses are not here: a changed one
    /// would name something else.
    fn free_text_mut(&mut self) -> Vec<(String, &mut String)> {
        let mut out: Vec<(String, &mut String)> = Vec::new();
        if let Some(p) = &mut self.provider {
            out.push(("provider.name".into(), &mut p.name));
            out.push(("provider.address".into(), &mut p.address));
            out.push(("provider.city".into(), &mut p.city));
            out.push(("provider.contact_name".into(), &mut p.contact_name));
            if let Some(r) = &mut p.remit_to {
                out.push(("provider.remit_to.name".into(), &mut r.name));
                out.push(("provider.remit_to.address".into(), &mut r.address));
                out.push(("provider.remit_to.city".into(), &mut r.city));
            }
        }
        if let Some(s) = &mut self.submitter {
            out.extend(s.name.as_mut().map(|n| ("submitter.name".into(), n)));
            out.extend(
                s.contact_name
                    .as_mut()
                    .map(|n| ("submitter.contact_name".into(), n)),
            );
        }
        for (i, py) in self.payers.iter_mut().enumerate() {
            let at = |f: &str| format!("payer[{}].{f}", i + 1);
            out.push((at("name"), &mut py.name));
            out.extend(py.receiver_name.as_mut().map(|n| (at("receiver_name"), n)));
        }
        if let Some(p) = &mut self.plan {
            out.push(("plan.name".into(), &mut p.name));
            out.push(("plan.contact_name".into(), &mut p.contact_name));
            out.extend(
                p.receiver_name
                    .as_mut()
                    .map(|n| ("plan.receiver_name".into(), n)),
            );
        }
        for (i, c) in self.contracts.iter_mut().enumerate() {
            out.extend(
                c.provider_name
                    .as_mut()
                    .map(|n| (format!("contract[{}].provider_name", i + 1), n)),
            );
        }
        out
    }

    /// Spells the accented letters of free text in ASCII, as encounter rows are, and returns each
    /// value changed with its changes. A value with no ASCII spelling is left as written, for
    /// the checks to refuse with its key path.
    fn spell_in_ascii(&mut self) -> Vec<(String, Vec<Transliteration>)> {
        let mut changed = Vec::new();
        for (key, value) in self.free_text_mut() {
            if let Ok((ascii, changes)) = to_x12_text(value)
                && !changes.is_empty()
            {
                *value = ascii.into();
                changed.push((key, changes));
            }
        }
        changed
    }

    /// The payer with this key.
    pub fn payer(&self, key: &str) -> Option<&Payer> {
        self.payers.iter().find(|p| p.key == key)
    }

    /// The index of the payer with this key (keys are matched exactly, then case-insensitively).
    pub fn payer_index(&self, key: &str) -> Option<usize> {
        let key = crate::model::text::trim(key);
        self.payers.iter().position(|p| p.key == key).or_else(|| {
            self.payers
                .iter()
                .position(|p| p.key.eq_ignore_ascii_case(key))
        })
    }

    /// The provider-side sections, or an error naming the one that is missing.
    pub fn provider_side(&self) -> Result<ProviderSide<'_>, ConfigError> {
        let missing = |what: &str| ConfigError {
            file: self.file.clone(),
            key: None,
            line: None,
            message: format!(
                "{what}; this command bills as a provider (see examples/ecm.toml or run `ecm demo`)"
            ),
        };
        let provider = self
            .provider
            .as_ref()
            .ok_or_else(|| missing("no [provider] section"))?;
        let submitter = self
            .submitter
            .as_ref()
            .ok_or_else(|| missing("no [submitter] section"))?;
        if self.payers.is_empty() {
            return Err(missing(
                "no [[payer]] section: add one per health plan you bill",
            ));
        }
        Ok(ProviderSide {
            provider,
            submitter,
            payers: &self.payers,
        })
    }

    /// The plan section, or an error saying the command runs on the plan side.
    pub fn plan(&self) -> Result<&PlanConfig, ConfigError> {
        self.plan.as_ref().ok_or_else(|| ConfigError {
            file: self.file.clone(),
            key: None,
            line: None,
            message: "no [plan] section; this command runs on the plan side (see the README's plan configuration)".into(),
        })
    }

    /// Whether the provider is in a county that went live early (Whole Person Care / Health Homes).
    pub fn early_implementation_county(&self) -> bool {
        self.provider
            .as_ref()
            .is_some_and(|p| p.early_implementation_county)
    }

    /// The contract in force for a provider on a date.
    pub fn contract_for(&self, npi: Npi, date: NaiveDate) -> Option<&Contract> {
        self.contracts
            .iter()
            .find(|c| c.provider_npi == npi && c.effective().contains(date))
    }

    fn check(&self) -> Result<(), Problem> {
        if let Some(p) = &self.provider {
            check_provider(p)?;
        }
        if let Some(s) = &self.submitter {
            check_submitter(s)?;
        }
        self.check_payers()?;
        if let Some(p) = &self.plan {
            check_plan(p)?;
        }
        check_contracts(&self.contracts)?;
        if self.provider.is_none() && self.plan.is_none() {
            return Err(Problem {
                key: None,
                message: "neither a [provider] nor a [plan] section: see examples/ecm.toml or run `ecm demo`".into(),
            });
        }
        Ok(())
    }

    fn check_payers(&self) -> Result<(), Problem> {
        for (i, py) in self.payers.iter().enumerate() {
            let at = |f: &str| format!("payer[{}].{f}", i + 1);
            if py.key.is_empty()
                || py.key.len() > 40
                || !py
                    .key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
            {
                return Err(bad(
                    at("key"),
                    "use 1-40 lower-case letters, digits, '-' or '_' (it becomes the file name <key>.837)",
                ));
            }
            if self.payers[..i].iter().any(|o| o.key == py.key) {
                return Err(bad(
                    at("key"),
                    format!("'{}' is used by two payers", py.key),
                ));
            }
            text(&at("name"), &py.name, 60)?;
            id_text(&at("payer_id"), &py.payer_id, 2, 80)?;
            id15(&at("receiver_id"), &py.receiver_id)?;
            qualifier(&at("receiver_qualifier"), &py.receiver_qualifier)?;
            if let Some(n) = &py.receiver_name {
                text(&at("receiver_name"), n, 60)?;
            }
            if let Some(a) = &py.application_receiver {
                id15(&at("application_receiver"), a)?;
            }
            id_text(
                &at("claim_filing_indicator"),
                &py.claim_filing_indicator,
                1,
                2,
            )?;
            for (j, c) in py.charges.iter().enumerate() {
                let charge = at(&format!("charge[{}]", j + 1));
                let e = c.effective();
                if e.effective_to.is_some_and(|t| t < e.effective_from) {
                    return Err(bad(
                        format!("{charge}.effective_to"),
                        "effective_to is before effective_from",
                    ));
                }
                if c.amount.is_negative() {
                    return Err(bad(
                        format!("{charge}.amount"),
                        "a charge cannot be negative",
                    ));
                }
                for o in &py.charges[..j] {
                    if o.hcpcs == c.hcpcs
                        && o.modifiers.sorted() == c.modifiers.sorted()
                        && o.effective().overlaps(&e)
                    {
                        return Err(bad(
                            charge,
                            format!(
                                "two charge rows for {} {} are in force on the same days; end one before the other starts",
                                c.hcpcs, c.modifiers
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A configuration problem found by the checks: the key path it is about (none for the file as
/// a whole) and what is wrong and how to fix it. [`Config::parse`] adds the file and the line.
#[derive(Debug)]
struct Problem {
    key: Option<String>,
    message: String,
}

/// A problem with the key at `key`.
fn bad(key: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        key: Some(key.into()),
        message: message.into(),
    }
}

fn check_provider(p: &Provider) -> Result<(), Problem> {
    text("provider.name", &p.name, 60)?;
    digits(
        "provider.tin",
        &p.tin,
        &[9],
        "the nine-digit employer identification number, no dash",
    )?;
    if let Some(t) = &p.taxonomy {
        taxonomy("provider.taxonomy", t)?;
    }
    text("provider.address", &p.address, 55)?;
    text("provider.city", &p.city, 30)?;
    state("provider.state", &p.state)?;
    digits(
        "provider.zip",
        &p.zip,
        &[9],
        "ZIP+4 as nine digits without a dash (5010 requires it for the billing provider)",
    )?;
    text("provider.contact_name", &p.contact_name, 60)?;
    if let Some(ph) = &p.contact_phone {
        digits(
            "provider.contact_phone",
            ph,
            &[10],
            "ten digits, no punctuation",
        )?;
    }
    if let Some(e) = &p.contact_email {
        ascii_text("provider.contact_email", e, 256)?;
    }
    if p.contact_phone.is_none() && p.contact_email.is_none() {
        return Err(bad(
            "provider",
            "give contact_phone or contact_email (PER needs one)",
        ));
    }
    if let Some(r) = &p.remit_to {
        text("provider.remit_to.name", &r.name, 60)?;
        text("provider.remit_to.address", &r.address, 55)?;
        text("provider.remit_to.city", &r.city, 30)?;
        state("provider.remit_to.state", &r.state)?;
        digits(
            "provider.remit_to.zip",
            &r.zip,
            &[5, 9],
            "the ZIP as five or nine digits without a dash",
        )?;
    }
    Ok(())
}

fn check_submitter(s: &SubmitterConfig) -> Result<(), Problem> {
    if let Some(n) = &s.name {
        text("submitter.name", n, 60)?;
    }
    id15("submitter.id", &s.id)?;
    qualifier("submitter.id_qualifier", &s.id_qualifier)?;
    if let Some(a) = &s.application_sender {
        id15("submitter.application_sender", a)?;
    }
    if let Some(n) = &s.contact_name {
        text("submitter.contact_name", n, 60)?;
    }
    if let Some(ph) = &s.contact_phone {
        digits(
            "submitter.contact_phone",
            ph,
            &[10],
            "ten digits, no punctuation",
        )?;
    }
    if let Some(e) = &s.contact_email {
        ascii_text("submitter.contact_email", e, 256)?;
    }
    Ok(())
}

fn check_plan(p: &PlanConfig) -> Result<(), Problem> {
    text("plan.name", &p.name, 60)?;
    id_text("plan.payer_id", &p.payer_id, 2, 80)?;
    id15("plan.submitter_id", &p.submitter_id)?;
    qualifier("plan.submitter_qualifier", &p.submitter_qualifier)?;
    id15("plan.receiver_id", &p.receiver_id)?;
    qualifier("plan.receiver_qualifier", &p.receiver_qualifier)?;
    if let Some(n) = &p.receiver_name {
        text("plan.receiver_name", n, 60)?;
    }
    text("plan.contact_name", &p.contact_name, 60)?;
    if let Some(ph) = &p.contact_phone {
        digits(
            "plan.contact_phone",
            ph,
            &[10],
            "ten digits, no punctuation",
        )?;
    }
    if let Some(e) = &p.contact_email {
        ascii_text("plan.contact_email", e, 256)?;
    }
    if p.contact_phone.is_none() && p.contact_email.is_none() {
        return Err(bad(
            "plan",
            "give contact_phone or contact_email (PER needs one)",
        ));
    }
    id_text(
        "plan.claim_filing_indicator",
        &p.claim_filing_indicator,
        1,
        2,
    )
}

fn check_contracts(contracts: &[Contract]) -> Result<(), Problem> {
    for (i, c) in contracts.iter().enumerate() {
        let at = |f: &str| format!("contract[{}].{f}", i + 1);
        ascii_text(&at("id"), &c.id, 60)?;
        if contracts[..i].iter().any(|o| o.id == c.id) {
            return Err(bad(
                at("id"),
                format!("'{}' is used by two contracts", c.id),
            ));
        }
        if let Some(n) = &c.provider_name {
            text(&at("provider_name"), n, 60)?;
        }
        if c.effective_to.is_some_and(|t| t < c.effective_from) {
            return Err(bad(
                at("effective_to"),
                "effective_to is before effective_from",
            ));
        }
        if c.pmpm.is_negative() {
            return Err(bad(at("pmpm"), "a rate cannot be negative"));
        }
        for (tier, r) in &c.tier_rates {
            if r.is_negative() {
                return Err(bad(
                    at(&format!("tier_rates.{tier}")),
                    "a rate cannot be negative",
                ));
            }
        }
        if c.outreach_rate.is_some_and(|r| r.is_negative()) {
            return Err(bad(at("outreach_rate"), "a rate cannot be negative"));
        }
        if let Some(cap) = c.outreach_cap
            && (cap.attempts == 0 || cap.days == 0)
        {
            return Err(bad(
                at("outreach_cap"),
                "attempts and days must both be at least 1",
            ));
        }
        for o in &contracts[..i] {
            if o.provider_npi == c.provider_npi && o.effective().overlaps(&c.effective()) {
                return Err(bad(
                    at("effective_from"),
                    format!(
                        "contracts '{}' and '{}' for NPI {} are in force on the same days; end one before the other starts",
                        o.id, c.id, c.provider_npi
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Free text sent in the 837 (a name, an address, a city): by the time it is checked,
/// [`Config::spell_in_ascii`] has spelled its accented letters in ASCII, so what is left to refuse
/// is a character with no ASCII spelling, a delimiter or a control character.
fn text(key: &str, v: &str, max: usize) -> Result<(), Problem> {
    if v.trim().is_empty() {
        return Err(bad(key, "must not be empty"));
    }
    to_x12_text(v).map_err(|e| bad(key, e.to_string()))?;
    length(key, v, max)
}

/// Text that must be plain ASCII as written (an identifier, an e-mail address): never
/// transliterated, since a changed one would name something else.
fn ascii_text(key: &str, v: &str, max: usize) -> Result<(), Problem> {
    if v.trim().is_empty() {
        return Err(bad(key, "must not be empty"));
    }
    check_x12_ascii(v).map_err(|e| bad(key, e.to_string()))?;
    length(key, v, max)
}

fn length(key: &str, v: &str, max: usize) -> Result<(), Problem> {
    if v.len() > max {
        return Err(bad(
            key,
            format!(
                "at most {max} characters fit in the 837 (this has {})",
                v.len()
            ),
        ));
    }
    Ok(())
}

fn id_text(key: &str, v: &str, min: usize, max: usize) -> Result<(), Problem> {
    ascii_text(key, v, max)?;
    if v.len() < min {
        return Err(bad(key, format!("at least {min} characters")));
    }
    Ok(())
}

fn id15(key: &str, v: &str) -> Result<(), Problem> {
    id_text(key, v, 2, 15).map_err(|mut p| {
        p.message.push_str(" (ISA/GS ids are 2-15 characters)");
        p
    })
}

fn qualifier(key: &str, v: &str) -> Result<(), Problem> {
    const KNOWN: [&str; 6] = ["01", "14", "20", "27", "30", "ZZ"];
    if KNOWN.contains(&v) {
        Ok(())
    } else {
        Err(bad(
            key,
            format!("use one of {} (ZZ = mutually defined)", KNOWN.join(", ")),
        ))
    }
}

fn digits(key: &str, v: &str, lens: &[usize], what: &str) -> Result<(), Problem> {
    if lens.contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(bad(key, format!("write {what}")))
    }
}

fn state(key: &str, v: &str) -> Result<(), Problem> {
    if crate::model::is_us_state(v) {
        Ok(())
    } else {
        Err(bad(
            key,
            "the two-letter code of a US state or territory in capitals, e.g. CA",
        ))
    }
}

fn taxonomy(key: &str, v: &str) -> Result<(), Problem> {
    if v.len() == 10 && v.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(bad(key, "a ten-character taxonomy code such as 251S00000X"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[provider]
name = "Sunrise Community Care"
npi = "1234567893"
tin = "123456789"
taxonomy = "251S00000X"
address = "100 Main St"
city = "Sacramento"
state = "CA"
zip = "958141234"
contact_name = "Billing Office"
contact_phone = "9165550100"

[submitter]
id = "SUNRISE01"

[[payer]]
key = "plan-a"
name = "Example Plan A"
payer_id = "PLANA"
receiver_id = "PLANARECV"
default_diagnosis = "Z59.00"

[[payer.charge]]
hcpcs = "G9008"
modifiers = ["U1"]
amount = "150.00"
"#;

    #[test]
    fn a_good_config_loads_with_defaults() {
        let c = Config::parse(GOOD, "ecm.toml").unwrap();
        let p = c.payer("plan-a").unwrap();
        assert_eq!(p.claim_grouping, ClaimGrouping::MemberDay);
        assert_eq!(p.usage, Usage::Production);
        assert_eq!(p.claim_filing_indicator, "MC");
        assert_eq!(c.payer_index("PLAN-A"), Some(0));
    }

    #[test]
    fn a_remit_to_address_is_optional_and_checked() {
        // A sub-table may follow later tables, so the section can sit at the end of the file.
        let with = format!(
            "{GOOD}\n[provider.remit_to]\nname = \"Sunrise Remittance\"\naddress = \"PO Box 55\"\ncity = \"Sacramento\"\nstate = \"CA\"\nzip = \"95812\"\n"
        );
        let c = Config::parse(&with, "x").unwrap();
        let r = c.provider.unwrap().remit_to.unwrap();
        assert_eq!(
            (r.name.as_str(), r.zip.as_str()),
            ("Sunrise Remittance", "95812")
        );
        let bad = with.replace("95812", "9581");
        let e = Config::parse(&bad, "x").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("provider.remit_to.zip"), "{e}");
    }

    #[test]
    fn errors_name_the_key_and_the_fix() {
        let bad = GOOD.replace("958141234", "95814");
        let e = Config::parse(&bad, "ecm.toml").unwrap_err();
        assert!(e.to_string().contains("provider.zip"), "{e}");
        let bad = GOOD.replace("key = \"plan-a\"", "key = \"Plan A\"");
        let e = Config::parse(&bad, "x").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("payer[1].key"), Some(18)));
        let bad = GOOD.replace("1234567893", "1234567890");
        let e = Config::parse(&bad, "x").unwrap_err();
        assert!(e.message.contains("check digit"), "{e}");
        let bad = GOOD.replace("Sunrise Community Care", "Sunrise*Care");
        assert!(
            Config::parse(&bad, "x")
                .unwrap_err()
                .message
                .contains("delimiter")
        );
        let bad = GOOD.replace("[submitter]", "[submiter]");
        let e = Config::parse(&bad, "x").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("submiter"), Some(14)));
        assert!(
            e.message
                .contains("expected one of `provider`, `submitter`"),
            "{e}"
        );
    }

    /// Errors the `toml` crate finds while reading values carry only a byte span; each is
    /// reported like the checks' own: file, key path, line, what to write.
    #[test]
    fn reading_errors_name_the_key_path_and_line_too() {
        let e = Config::parse(&GOOD.replace("1234567893", "1234567890"), "ecm.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "ecm.toml: provider.npi (line 4): the NPI check digit does not match (Luhn over prefix 80840); the number was probably mistyped"
        );
        let grouping = GOOD.replace(
            "default_diagnosis = \"Z59.00\"",
            "default_diagnosis = \"Z59.00\"\nclaim_grouping = \"daily\"",
        );
        let e = Config::parse(&grouping, "ecm.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "ecm.toml: payer[1].claim_grouping (line 23): unknown variant `daily`, expected one of `encounter`, `member_day`, `member_month`"
        );
        let e = Config::parse(&GOOD.replace("\"150.00\"", "\"abc\""), "ecm.toml").unwrap_err();
        assert_eq!(
            (e.key.as_deref(), e.line),
            (Some("payer[1].charge[1].amount"), Some(27))
        );
        assert!(e.message.contains("such as 150.00"), "{e}");
        // A key left out is named as the key it should be, on its table's line.
        let e = Config::parse(&GOOD.replace("tin = \"123456789\"\n", ""), "x").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("provider.tin"), Some(2)));
        assert!(e.message.contains("required"), "{e}");
        // Where toml says only what was wrong, a hint says what to write.
        let e = Config::parse(&GOOD.replace("\"150.00\"", "150"), "x").unwrap_err();
        assert!(
            e.message.ends_with("write the value in double quotes"),
            "{e}"
        );
        let dated = GOOD.replace(
            "amount = \"150.00\"",
            "amount = \"150.00\"\neffective_from = \"2025-13-01\"",
        );
        let e = Config::parse(&dated, "x").unwrap_err();
        assert_eq!(
            e.key.as_deref(),
            Some("payer[1].charge[1].effective_from"),
            "{e}"
        );
        assert!(e.message.contains("YYYY-MM-DD"), "{e}");
        // A syntax error: its line, and the key or table it is in.
        let e = Config::parse(&GOOD.replace("\"Sacramento\"", "\"Sacramento"), "x").unwrap_err();
        assert_eq!((e.key.as_deref(), e.line), (Some("provider.city"), Some(8)));
        // A key or a table given twice is named (toml says only "duplicate key").
        let twice = GOOD.replace(
            "tin = \"123456789\"\n",
            "tin = \"123456789\"\ntin = \"123456780\"\n",
        );
        let e = Config::parse(&twice, "x").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("provider"), "{e}");
        assert!(
            e.message
                .starts_with("key tin is given twice in this table"),
            "{e}"
        );
        let e = Config::parse(&format!("{GOOD}\n[provider]\nname = \"x\"\n"), "x").unwrap_err();
        assert!(
            e.message.starts_with("table [provider] appears twice"),
            "{e}"
        );
    }

    /// Free text in the configuration is spelled in ASCII as encounter rows are, and listed for
    /// one warning naming the key; what has no ASCII spelling is refused with its key path.
    #[test]
    fn accented_letters_in_names_are_spelled_in_ascii_and_listed() {
        let c = Config::parse(
            &GOOD.replace("Sunrise Community Care", "Sunrise Ñetwork Café"),
            "ecm.toml",
        )
        .unwrap();
        assert_eq!(c.provider.as_ref().unwrap().name, "Sunrise Network Cafe");
        assert_eq!(c.transliterated.len(), 1);
        let t = &c.transliterated[0];
        assert_eq!((t.key.as_str(), t.line), ("provider.name", Some(3)));
        assert_eq!(
            t.to_string(),
            "ecm.toml: provider.name (line 3): Ñ->N é->e; spelled in plain ASCII, as X12 requires"
        );
        assert!(Config::parse(GOOD, "x").unwrap().transliterated.is_empty());

        let e = Config::parse(&GOOD.replace("Example Plan A", "Plan 網"), "ecm.toml").unwrap_err();
        assert_eq!(
            (e.key.as_deref(), e.line),
            (Some("payer[1].name"), Some(19))
        );
        assert!(e.message.contains("U+7DB2"), "{e}");
        // Identifiers and e-mail addresses are not transliterated: a changed one names another.
        let e = Config::parse(&GOOD.replace("SUNRISE01", "SUÑRISE01"), "x").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("submitter.id"), "{e}");
        assert!(e.message.contains("not transliterated"), "{e}");
    }

    const PLAN: &str = r#"
[plan]
name = "Golden Valley Health Plan"
payer_id = "GVHP1"
submitter_id = "GVHPSUB"
receiver_id = "DHCSENC"
contact_name = "Encounter Unit"
contact_phone = "9165550199"

[[contract]]
id = "sunrise-2025"
provider_npi = "1234567893"
effective_from = "2025-01-01"
effective_to = "2025-12-31"
payment_basis = "engaged"
member_month_rule = "mid_month_15"
pmpm = "350.00"
tier_rates = { high = "450.00", low = "300.00" }
outreach_rate = "35.00"
outreach_cap = { attempts = 10, days = 60 }
outreach_before_enrollment_only = true

[[contract]]
id = "sunrise-2026"
provider_npi = "1234567893"
effective_from = "2026-01-01"
payment_basis = "enrolled"
member_month_rule = "prorated_daily"
pmpm = "375.00"
"#;

    #[test]
    fn a_plan_only_config_loads_and_finds_contracts_by_date() {
        let c = Config::parse(PLAN, "plan.toml").unwrap();
        assert!(c.provider_side().is_err());
        assert_eq!(c.plan().unwrap().payer_id, "GVHP1");
        let npi = Npi::parse("1234567893").unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let c25 = c.contract_for(npi, d("2025-06-30")).unwrap();
        assert_eq!(
            (c25.id.as_str(), c25.member_month_rule),
            ("sunrise-2025", MemberMonthRule::MidMonth15)
        );
        assert_eq!(c25.tier_rates["high"].to_cents_string(), "450.00");
        assert_eq!(
            c.contract_for(npi, d("2026-01-01")).unwrap().payment_basis,
            PaymentBasis::Enrolled
        );
        assert!(c.contract_for(npi, d("2024-12-31")).is_none());
    }

    #[test]
    fn overlapping_contracts_and_missing_sections_are_refused() {
        let bad = PLAN.replace(
            "effective_to = \"2025-12-31\"",
            "effective_to = \"2026-01-01\"",
        );
        let e = Config::parse(&bad, "p").unwrap_err();
        assert!(e.message.contains("same days"), "{e}");
        let e = Config::parse("[submitter]\nid = \"AB\"\n", "p").unwrap_err();
        assert!(e.message.contains("neither"), "{e}");
        let c = Config::parse(GOOD, "ecm.toml").unwrap();
        assert!(c.plan().unwrap_err().message.contains("[plan]"));
    }
}
