//! The synthetic world's organisations and the `ecm.toml` that describes them: the billing
//! provider and its submitter, three fictitious health plans (payers) with a charge for every code
//! and modifier combination the code set can produce, the plan that reconciles (the first payer)
//! and its contracts with four fictitious ECM provider organisations, which between them cover
//! every payment basis and member-month rule and one rate change.
//!
//! Every name and identifier is made up; NPIs only pass the check-digit test.

use super::period::{Period, add_months};
use crate::codeset::{CodeSet, ModalityClass};
use crate::config::Config;
use crate::model::check_digit;
use crate::model::{ActivityClass, Money, Npi, StaffClass};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt::Write;

/// A fictitious ECM provider organisation the plan contracts with.
#[derive(Debug, Clone)]
pub struct Org {
    /// Short name used in contract ids.
    pub key: &'static str,
    pub name: &'static str,
    pub npi: Npi,
    /// Share of members assigned to it (integer weight).
    pub weight: u32,
}

/// A fictitious health plan the provider bills.
#[derive(Debug, Clone, Copy)]
pub struct PayerSpec {
    pub key: &'static str,
    pub name: &'static str,
    pub payer_id: &'static str,
    pub receiver_id: &'static str,
    /// Share of members in this plan (integer weight).
    pub weight: u32,
    /// Bills 15-minute units (every row to it needs `minutes`).
    pub minutes_15: bool,
    /// Identifies members by CIN (every row to it needs `member_cin`).
    pub by_cin: bool,
    pub claim_grouping: &'static str,
    pub default_diagnosis: &'static str,
    /// Prefix of the plan's ECM authorization numbers.
    pub auth_prefix: &'static str,
    /// Charges per unit for enrolled clinical, enrolled non-clinical, outreach clinical and
    /// outreach non-clinical lines, in cents.
    pub charges_cents: [i64; 4],
    /// Percentage of the charge for lines with a telehealth modifier.
    pub remote_percent: i64,
}

/// The payers; the first is also the `[plan]` whose roster, contracts and payments are written.
pub const PAYERS: [PayerSpec; 3] = [
    PayerSpec {
        key: "golden-valley",
        name: "Golden Valley Health Plan",
        payer_id: "GVHP1",
        receiver_id: "GVHPEDI",
        weight: 60,
        minutes_15: false,
        by_cin: false,
        claim_grouping: "member_day",
        default_diagnosis: "Z59.00",
        auth_prefix: "GVA",
        charges_cents: [16_500, 11_000, 4_500, 3_500],
        remote_percent: 100,
    },
    PayerSpec {
        key: "bayview",
        name: "Bay View Community Health",
        payer_id: "BVCH01",
        receiver_id: "BAYVIEWMCP",
        weight: 25,
        minutes_15: true,
        by_cin: false,
        claim_grouping: "member_month",
        default_diagnosis: "Z59.811",
        auth_prefix: "BVA",
        charges_cents: [4_125, 2_750, 1_125, 875],
        remote_percent: 100,
    },
    PayerSpec {
        key: "sierra-coast",
        name: "Sierra Coast Health Alliance",
        payer_id: "SCHA7",
        receiver_id: "SCHAEDI",
        weight: 15,
        minutes_15: false,
        by_cin: true,
        claim_grouping: "encounter",
        default_diagnosis: "Z60.2",
        auth_prefix: "SCA",
        charges_cents: [15_800, 10_400, 4_200, 3_300],
        remote_percent: 90,
    },
];

/// The index in [`PAYERS`] of the plan that reconciles.
pub const PLAN_PAYER: usize = 0;

/// Acuity tiers on the roster, each with its own PMPM rate in most contracts.
pub const TIERS: [&str; 3] = ["high", "medium", "low"];

const ORG_DATA: [(&str, &str, &[u8; 9], u32); 4] = [
    (
        "sunrise",
        "Sunrise Community Care Network",
        b"123456789",
        35,
    ),
    (
        "valley-bridges",
        "Valley Bridges Health Partners",
        b"198765432",
        25,
    ),
    (
        "harbor-light",
        "Harbor Light Care Collaborative",
        b"145296380",
        20,
    ),
    (
        "sierra-foothills",
        "Sierra Foothills Community Services",
        b"176043215",
        20,
    ),
];

/// The four ECM provider organisations; the first is also the billing `[provider]`.
pub fn orgs() -> Vec<Org> {
    ORG_DATA
        .iter()
        .map(|(key, name, stem, weight)| {
            let mut digits = stem.to_vec();
            digits.push(b'0' + check_digit(&stem[..]));
            Org {
                key,
                name,
                npi: Npi::parse(std::str::from_utf8(&digits).expect("ASCII")).expect("valid NPI"),
                weight: *weight,
            }
        })
        .collect()
}

/// The day the first organisation's rates change: the first of the period's middle month (or
/// of the month after a one-month period), so each month has one contract.
pub fn rate_change(period: &Period) -> NaiveDate {
    add_months(period.first, (period.months / 2).max(1))
}

/// One `[[contract]]` as written.
struct ContractSpec {
    org: usize,
    id: String,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    basis: &'static str,
    rule: &'static str,
    pmpm: &'static str,
    tiers: &'static [(&'static str, &'static str)],
    outreach: &'static str,
    cap: (u32, u32),
    before_only: bool,
}

/// The plan's contracts: the first organisation's rates change on `change`; together they cover
/// both payment bases and all four member-month rules.
fn contract_specs(change: NaiveDate, before: NaiveDate) -> [ContractSpec; 5] {
    let month = super::period::month_key;
    [
        ContractSpec {
            org: 0,
            id: format!("sunrise-to-{}", month(before)),
            from: None,
            to: Some(before),
            basis: "enrolled",
            rule: "any_day",
            pmpm: "400.00",
            tiers: &[("high", "475.00"), ("medium", "400.00"), ("low", "325.00")],
            outreach: "35.00",
            cap: (10, 60),
            before_only: true,
        },
        ContractSpec {
            org: 0,
            id: format!("sunrise-from-{}", month(change)),
            from: Some(change),
            to: None,
            basis: "enrolled",
            rule: "any_day",
            pmpm: "420.00",
            tiers: &[("high", "500.00"), ("medium", "420.00"), ("low", "340.00")],
            outreach: "37.50",
            cap: (10, 60),
            before_only: true,
        },
        ContractSpec {
            org: 1,
            id: "valley-bridges".into(),
            from: None,
            to: None,
            basis: "enrolled",
            rule: "first_of_month",
            pmpm: "380.00",
            tiers: &[("high", "455.00"), ("medium", "380.00"), ("low", "310.00")],
            outreach: "30.00",
            cap: (8, 30),
            before_only: true,
        },
        ContractSpec {
            org: 2,
            id: "harbor-light".into(),
            from: None,
            to: None,
            basis: "engaged",
            rule: "mid_month_15",
            pmpm: "450.00",
            tiers: &[("high", "525.00"), ("medium", "450.00"), ("low", "375.00")],
            outreach: "40.00",
            cap: (12, 90),
            before_only: false,
        },
        ContractSpec {
            org: 3,
            id: "sierra-foothills".into(),
            from: None,
            to: None,
            basis: "engaged",
            rule: "prorated_daily",
            pmpm: "399.99",
            tiers: &[("high", "487.65"), ("medium", "412.35")],
            outreach: "32.50",
            cap: (6, 30),
            before_only: true,
        },
    ]
}

/// The `ecm.toml` text for the period.
pub fn render(period: &Period, codeset: &CodeSet) -> String {
    let orgs = orgs();
    let mut t = String::new();
    t.push_str(
        "# Written by `ecm synth`: a fictitious configuration for a synthetic data set. Every\n\
         # organisation, person and identifier is made up; NPIs only pass the check-digit test.\n\
         # Provider side ([provider], [submitter], [[payer]]) for `ecm map/claims/invoice`; plan side\n\
         # ([plan], [[contract]]) for `ecm reconcile`, where the plan is the first payer.\n\n",
    );
    let p = &orgs[0];
    let _ = write!(
        t,
        "[provider]\nname = \"{}\"\nnpi = \"{}\"\ntin = \"941234567\"\ntaxonomy = \"251S00000X\"\n\
         address = \"1400 K Street Suite 210\"\ncity = \"Sacramento\"\nstate = \"CA\"\nzip = \"958141234\"\n\
         contact_name = \"Billing Office\"\ncontact_phone = \"9165550100\"\n\
         # A former Whole Person Care county: adult Populations of Focus went live on 2022-01-01.\n\
         early_implementation_county = true\n\n[submitter]\nid = \"SUNRISESYN\"\n\n",
        p.name, p.npi
    );
    let combos = charge_combinations(codeset);
    for py in &PAYERS {
        let _ = write!(
            t,
            "[[payer]]\nkey = \"{}\"\nname = \"{}\"\npayer_id = \"{}\"\nreceiver_id = \"{}\"\n\
             claim_grouping = \"{}\"\ndefault_diagnosis = \"{}\"\nusage = \"T\"\n",
            py.key, py.name, py.payer_id, py.receiver_id, py.claim_grouping, py.default_diagnosis
        );
        if py.minutes_15 {
            t.push_str(
                "unit_basis = \"minutes_15\"            # charges below are per 15 minutes\n",
            );
        }
        if py.by_cin {
            t.push_str("subscriber_id = \"cin\"\n");
        }
        t.push('\n');
        for ((code, mods), (class, remote)) in &combos {
            let base = py.charges_cents[*class];
            let cents = if *remote {
                // Half-up to the cent, in integers.
                (base * py.remote_percent + 50) / 100
            } else {
                base
            };
            let quoted: Vec<String> = mods.iter().map(|m| format!("\"{m}\"")).collect();
            let _ = write!(
                t,
                "[[payer.charge]]\nhcpcs = \"{code}\"\nmodifiers = [{}]\namount = \"{}\"\n\n",
                quoted.join(", "),
                Money::from_decimal(Decimal::new(cents, 2)).expect("cents")
            );
        }
    }
    let plan = &PAYERS[PLAN_PAYER];
    let _ = write!(
        t,
        "[plan]\nname = \"{}\"\npayer_id = \"{}\"\nsubmitter_id = \"GVHPENC\"\nreceiver_id = \"DHCSENC\"\n\
         receiver_name = \"DHCS Encounter Data\"\ncontact_name = \"Encounter Unit\"\ncontact_phone = \"9165550199\"\n\
         default_diagnosis = \"{}\"\nusage = \"T\"\n\n",
        plan.name, plan.payer_id, plan.default_diagnosis
    );
    let change = rate_change(period);
    let before = change.pred_opt().expect("in range");
    for c in contract_specs(change, before) {
        let o = &orgs[c.org];
        let _ = write!(
            t,
            "[[contract]]\nid = \"{}\"\nprovider_npi = \"{}\"\nprovider_name = \"{}\"\neffective_from = \"{}\"\n",
            c.id,
            o.npi,
            o.name,
            c.from.unwrap_or(crate::encounters::ECM_START)
        );
        if let Some(to) = c.to {
            let _ = writeln!(t, "effective_to = \"{to}\"");
        }
        if c.tiers.len() < TIERS.len() {
            t.push_str("# No rate for every tier: the others are paid the contract's pmpm.\n");
        }
        let rates: Vec<String> = c
            .tiers
            .iter()
            .map(|(k, v)| format!("{k} = \"{v}\""))
            .collect();
        let _ = write!(
            t,
            "payment_basis = \"{}\"\nmember_month_rule = \"{}\"\npmpm = \"{}\"\n\
             tier_rates = {{ {} }}\noutreach_rate = \"{}\"\n\
             outreach_cap = {{ attempts = {}, days = {} }}\noutreach_before_enrollment_only = {}\n\n",
            c.basis,
            c.rule,
            c.pmpm,
            rates.join(", "),
            c.outreach,
            c.cap.0,
            c.cap.1,
            c.before_only
        );
    }
    t
}

/// Every code + modifiers combination the code set can put on a line, with the price class
/// (index into [`PayerSpec::charges_cents`]) and whether it carries a telehealth modifier.
fn charge_combinations(codeset: &CodeSet) -> BTreeMap<(String, Vec<String>), (usize, bool)> {
    let mut out = BTreeMap::new();
    for r in &codeset.hcpcs {
        let class = match (r.activity_class, r.staff_class) {
            (ActivityClass::Enrolled, StaffClass::Clinical) => 0,
            (ActivityClass::Enrolled, StaffClass::NonClinical) => 1,
            (ActivityClass::Outreach, StaffClass::Clinical) => 2,
            (ActivityClass::Outreach, StaffClass::NonClinical) => 3,
        };
        let base: Vec<String> = r
            .modifiers
            .as_slice()
            .iter()
            .map(|m| m.to_string())
            .collect();
        out.insert((r.hcpcs.to_string(), base.clone()), (class, false));
        if r.modality_class == ModalityClass::Remote {
            for th in &codeset.telehealth {
                let mut with = r.modifiers;
                if !with.contains(th.modifier) && with.push(th.modifier).is_ok() {
                    let mods = with.as_slice().iter().map(|m| m.to_string()).collect();
                    out.insert((r.hcpcs.to_string(), mods), (class, true));
                }
            }
        }
    }
    out
}

/// The rendered configuration, parsed back with the loader every command uses.
pub fn load(period: &Period, codeset: &CodeSet) -> (String, Config) {
    let text = render(period, codeset);
    let config = Config::parse(&text, "ecm.toml").unwrap_or_else(|e| {
        panic!("ecm synth wrote a configuration its own loader refuses (a bug): {e}")
    });
    (text, config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{MemberMonthRule, PaymentBasis};

    #[test]
    fn the_configuration_loads_for_both_sides_and_covers_every_rule_and_basis() {
        let cs = CodeSet::embedded().unwrap();
        let period = Period::new("2025-01-01".parse().unwrap(), 12);
        let (_, c) = load(&period, &cs);
        c.provider_side().unwrap();
        assert_eq!(c.plan().unwrap().payer_id, PAYERS[PLAN_PAYER].payer_id);
        assert_eq!(c.payers.len(), 3);
        let rules: std::collections::BTreeSet<_> =
            c.contracts.iter().map(|k| k.member_month_rule).collect();
        assert_eq!(rules.len(), 4);
        assert!(rules.contains(&MemberMonthRule::ProratedDaily));
        let bases: std::collections::BTreeSet<_> =
            c.contracts.iter().map(|k| k.payment_basis).collect();
        assert_eq!(bases.len(), 2);
        assert!(bases.contains(&PaymentBasis::Engaged));
        let npi = orgs()[0].npi;
        let change = rate_change(&period);
        assert_eq!(change.to_string(), "2025-07-01");
        let a = c.contract_for(npi, change.pred_opt().unwrap()).unwrap();
        let b = c.contract_for(npi, change).unwrap();
        assert_ne!(a.id, b.id);
        assert_ne!(a.tier_rates["high"], b.tier_rates["high"]);
    }

    #[test]
    fn every_payer_prices_every_code_the_code_set_can_produce() {
        let cs = CodeSet::embedded().unwrap();
        let combos = charge_combinations(&cs);
        assert_eq!(combos.len(), 8, "{combos:?}");
        let period = Period::new("2025-01-01".parse().unwrap(), 3);
        let (_, c) = load(&period, &cs);
        for p in &c.payers {
            assert_eq!(p.charges.len(), combos.len(), "{}", p.key);
        }
    }
}
