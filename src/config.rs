//! `ecm.toml`: the provider, the submitter and each payer (health plan) the provider bills.
//!
//! Every field is checked when the file is loaded, and an error names the key path (e.g.
//! `payer[2].receiver_id`) and what to write instead.

use crate::codeset::{Effective, UnitBasis, describe_toml_error};
use crate::model::text::check_x12_ascii;
use crate::model::{Address, DiagnosisCode, Hcpcs, Modifiers, Money, Npi, TransactionType, Usage};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub provider: Provider,
    pub submitter: SubmitterConfig,
    #[serde(default, rename = "payer")]
    pub payers: Vec<Payer>,
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

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub message: String,
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.display().to_string(),
            message: if e.kind() == std::io::ErrorKind::NotFound {
                "no such file; pass --config FILE, or run `ecm demo` and copy its ecm.toml".into()
            } else {
                format!("cannot read it: {e}")
            },
        })?;
        Config::parse(&text, &path.display().to_string())
    }

    /// Parses and checks configuration text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError {
            file: file.to_string(),
            message: describe_toml_error(text, &e),
        })?;
        config.check().map_err(|message| ConfigError {
            file: file.to_string(),
            message,
        })?;
        Ok(config)
    }

    /// The payer with this key.
    pub fn payer(&self, key: &str) -> Option<&Payer> {
        self.payers.iter().find(|p| p.key == key)
    }

    /// The index of the payer with this key (keys are matched exactly, then case-insensitively).
    pub fn payer_index(&self, key: &str) -> Option<usize> {
        let key = key.trim();
        self.payers.iter().position(|p| p.key == key).or_else(|| {
            self.payers
                .iter()
                .position(|p| p.key.eq_ignore_ascii_case(key))
        })
    }

    /// The billing provider's address as the 837 carries it.
    pub fn provider_address(&self) -> Address {
        Address {
            line1: self.provider.address.clone(),
            city: self.provider.city.clone(),
            state: self.provider.state.clone(),
            zip: self.provider.zip.clone(),
        }
    }

    fn check(&self) -> Result<(), String> {
        let p = &self.provider;
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
            text("provider.contact_email", e, 256)?;
        }
        if p.contact_phone.is_none() && p.contact_email.is_none() {
            return Err("provider: give contact_phone or contact_email (PER needs one)".into());
        }

        let s = &self.submitter;
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
            text("submitter.contact_email", e, 256)?;
        }

        if self.payers.is_empty() {
            return Err("no [[payer]] section: add one per health plan you bill".into());
        }
        for (i, py) in self.payers.iter().enumerate() {
            let at = |f: &str| format!("payer[{}].{f}", i + 1);
            if py.key.is_empty()
                || py.key.len() > 40
                || !py
                    .key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
            {
                return Err(format!(
                    "{}: use 1-40 lower-case letters, digits, '-' or '_' (it becomes the file name <key>.837)",
                    at("key")
                ));
            }
            if self.payers[..i].iter().any(|o| o.key == py.key) {
                return Err(format!("{}: '{}' is used by two payers", at("key"), py.key));
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
                let e = c.effective();
                if e.effective_to.is_some_and(|t| t < e.effective_from) {
                    return Err(format!(
                        "{}: effective_to is before effective_from",
                        at(&format!("charge[{}]", j + 1))
                    ));
                }
                if c.amount.is_negative() {
                    return Err(format!(
                        "{}: a charge cannot be negative",
                        at(&format!("charge[{}].amount", j + 1))
                    ));
                }
                for o in &py.charges[..j] {
                    if o.hcpcs == c.hcpcs
                        && o.modifiers.sorted() == c.modifiers.sorted()
                        && o.effective().overlaps(&e)
                    {
                        return Err(format!(
                            "{}: two charge rows for {} {} are in force on the same days",
                            at(&format!("charge[{}]", j + 1)),
                            c.hcpcs,
                            c.modifiers
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

fn text(key: &str, v: &str, max: usize) -> Result<(), String> {
    if v.trim().is_empty() {
        return Err(format!("{key}: must not be empty"));
    }
    check_x12_ascii(v).map_err(|e| format!("{key}: {e}"))?;
    if v.len() > max {
        return Err(format!(
            "{key}: at most {max} characters fit in the 837 (this has {})",
            v.len()
        ));
    }
    Ok(())
}

fn id_text(key: &str, v: &str, min: usize, max: usize) -> Result<(), String> {
    text(key, v, max)?;
    if v.len() < min {
        return Err(format!("{key}: at least {min} characters"));
    }
    Ok(())
}

fn id15(key: &str, v: &str) -> Result<(), String> {
    id_text(key, v, 2, 15).map_err(|e| format!("{e} (ISA/GS ids are 2-15 characters)"))
}

fn qualifier(key: &str, v: &str) -> Result<(), String> {
    const KNOWN: [&str; 6] = ["01", "14", "20", "27", "30", "ZZ"];
    if KNOWN.contains(&v) {
        Ok(())
    } else {
        Err(format!(
            "{key}: use one of {} (ZZ = mutually defined)",
            KNOWN.join(", ")
        ))
    }
}

fn digits(key: &str, v: &str, lens: &[usize], what: &str) -> Result<(), String> {
    if lens.contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("{key}: write {what}"))
    }
}

fn state(key: &str, v: &str) -> Result<(), String> {
    if v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(format!(
            "{key}: the two-letter state code in capitals, e.g. CA"
        ))
    }
}

fn taxonomy(key: &str, v: &str) -> Result<(), String> {
    if v.len() == 10 && v.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(format!(
            "{key}: a ten-character taxonomy code such as 251S00000X"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const GOOD: &str = r#"
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
    fn errors_name_the_key_and_the_fix() {
        let bad = GOOD.replace("958141234", "95814");
        let e = Config::parse(&bad, "ecm.toml").unwrap_err();
        assert!(e.to_string().contains("provider.zip"), "{e}");
        let bad = GOOD.replace("key = \"plan-a\"", "key = \"Plan A\"");
        assert!(
            Config::parse(&bad, "x")
                .unwrap_err()
                .message
                .contains("payer[1].key")
        );
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
        assert!(e.message.starts_with("line "), "{e}");
    }
}
