//! The 835 (005010X221A1) remittance model: what a payer says it paid, claim by claim and line by
//! line, with every adjustment and why. Read from files by `crate::x12::read::read_835_file`;
//! reconciliation matches it to the claims we sent (CLP01 = CLM01, REF*6R = the line's REF*6R).
//!
//! As with the 837 model, segments the typed fields do not hold are kept whole as
//! [`KeptSegment`]s on the nearest value.

use super::{Address, Envelope, KeptSegment, Money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// One 835 transaction set: one payment (or advice) from one payer to one payee.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Remittance {
    /// The ISA and GS values of the group it came in.
    pub envelope: Envelope,
    /// ST02.
    pub control_number: String,
    /// BPR01: `C` payment with remittance advice, `I` remittance information only, `H`
    /// notification only, `D` make payment only, `P` prenotification, `U` split payment.
    pub handling: String,
    /// BPR02: the total actual provider payment.
    pub total_paid: Money,
    /// BPR03: `C` credit or `D` debit.
    pub credit_debit: String,
    /// BPR04: `ACH`, `BOP`, `CHK`, `FWT` or `NON`.
    pub payment_method: Option<String>,
    /// BPR16: the check issue or EFT effective date (required by the guide; absent in some files).
    pub payment_date: Option<NaiveDate>,
    /// TRN02: the check or EFT trace number, which ties the 835 to the money.
    pub trace_number: String,
    /// TRN03: the payer's identifier (`1` + tax id), when given.
    pub trace_originator: Option<String>,
    /// DTM*405: when the payer produced the advice.
    pub production_date: Option<NaiveDate>,
    /// Loop 1000A (N1*PR).
    pub payer: Party,
    /// Loop 1000B (N1*PE).
    pub payee: Party,
    /// Loops 2100 in file order, across every 2000 header-number group.
    pub claims: Vec<ClaimPayment>,
    /// PLB: provider-level adjustments (capitation and other amounts not tied to a claim), one
    /// per reason/amount pair.
    pub provider_adjustments: Vec<ProviderAdjustment>,
    /// Header, 1000A/B and 2000 segments read but not held above (REF, PER, RDM, TS3, TS2, ...).
    pub kept: Vec<KeptSegment>,
}

/// A payer or payee: N1 name and identifier, N3/N4 address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    /// N102.
    pub name: String,
    /// N103: what the identifier is (`XV` payer id, `XX` NPI, `FI` tax id, `PI`, ...).
    pub id_qualifier: Option<String>,
    /// N104.
    pub id: Option<String>,
    pub address: Option<Address>,
}

/// Loop 2100: the payer's decision on one claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimPayment {
    /// CLP01: the patient control number we sent as CLM01.
    pub claim_id: String,
    /// CLP02: `1` processed as primary, `2` secondary, `3` tertiary, `4` denied, `19`-`23` as
    /// primary/secondary/tertiary forwarded or not our claim, `22` reversal of a previous payment,
    /// `25` predetermination.
    pub status: String,
    /// CLP03: what was charged.
    pub charge: Money,
    /// CLP04: what was paid.
    pub paid: Money,
    /// CLP05: the patient's responsibility.
    pub patient_responsibility: Option<Money>,
    /// CLP06: claim filing indicator (`MC` Medicaid).
    pub filing_indicator: Option<String>,
    /// CLP07: the payer's claim control number (what a replacement's REF*F8 names).
    pub payer_claim_number: Option<String>,
    /// CLP08: facility type (the place of service for professional claims).
    pub facility_code: Option<String>,
    /// CLP09: claim frequency.
    pub frequency: Option<String>,
    /// CAS at claim level.
    pub adjustments: Vec<Adjustment>,
    /// NM1*QC.
    pub patient: Option<Person>,
    /// REF (other claim identifiers: `1K` payer claim number, `EA` medical record, `F8`, ...).
    pub references: Vec<Reference>,
    /// DTM (`232`/`233` statement period, `050` received, `036` coverage expiration, ...).
    pub dates: Vec<QualifiedDate>,
    /// Loops 2110, in file order.
    pub services: Vec<ServicePayment>,
    /// 2100 segments read but not held above (other NM1, MIA, MOA, AMT, QTY, PER).
    pub kept: Vec<KeptSegment>,
}

/// A person named in the 835 (NM1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub last_name: String,
    pub first_name: Option<String>,
    /// NM108: `MI` member id, `MR` Medicaid recipient id, ...
    pub id_qualifier: Option<String>,
    /// NM109.
    pub id: Option<String>,
}

/// Loop 2110: the payer's decision on one service line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServicePayment {
    /// Where the SVC segment is: its 1-based segment number in the file and byte offset.
    pub segment: u64,
    pub offset: u64,
    /// SVC01: the procedure as adjudicated.
    pub procedure: Procedure,
    /// SVC02: what was charged.
    pub charge: Money,
    /// SVC03: what was paid.
    pub paid: Money,
    /// SVC04: the revenue code (institutional), when given.
    pub revenue_code: Option<String>,
    /// SVC05: units paid (the guide's default when absent is 1).
    pub units: Option<Decimal>,
    /// SVC06: the procedure as submitted, when the payer changed it.
    pub submitted_procedure: Option<Procedure>,
    /// SVC07: units as submitted, when they differ.
    pub submitted_units: Option<Decimal>,
    /// DTM*472: the service date.
    pub service_date: Option<NaiveDate>,
    /// DTM*150 and DTM*151: a service period's first and last day.
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    /// CAS at line level.
    pub adjustments: Vec<Adjustment>,
    /// REF*6R: the line item control number we sent (our encounter id).
    pub control_number: Option<String>,
    /// Other REF (`1S`, `BB` authorization, `G1`, `LU` location, `0K` policy, ...).
    pub references: Vec<Reference>,
    /// 2110 segments read but not held above (AMT, QTY, LQ remark codes).
    pub kept: Vec<KeptSegment>,
}

/// An SVC procedure composite: qualifier, code, up to four modifiers, description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Procedure {
    /// `HC` (HCPCS/CPT), `NU` (revenue), `N4` (NDC), `AD`, `ER`, `IV`, `WK`, ...
    pub qualifier: String,
    pub code: String,
    /// The modifier slots that are filled, in slot order.
    pub modifiers: Vec<String>,
    pub description: Option<String>,
}

/// One CAS adjustment: group, reason and amount (and quantity) of one triple.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Adjustment {
    /// CAS01: `CO` contractual, `PR` patient responsibility, `OA` other, `PI` payer initiated,
    /// `CR` correction.
    pub group: String,
    /// The claim adjustment reason code (CARC), e.g. `45`, `A2`, `16`.
    pub reason: String,
    /// The amount (negative when it increases the payment).
    pub amount: Money,
    pub quantity: Option<Decimal>,
}

/// A PLB adjustment pair: why, which reference, how much. Positive amounts reduce the payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderAdjustment {
    /// PLB01: the provider identifier (NPI or other).
    pub provider_id: String,
    /// PLB02: the last day of the provider's fiscal period.
    pub fiscal_period_end: NaiveDate,
    /// The adjustment reason code (`CV` capitation, `WO` overpayment recovery, `L6` interest,
    /// `FB` forwarding balance, `CS` adjustment, `72` authorized return, ...).
    pub reason: String,
    /// The reference identification beside the reason (a claim or member id, a period), if any.
    pub reference: Option<String>,
    pub amount: Money,
}

/// A REF: qualifier and value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub qualifier: String,
    pub value: String,
}

/// A DTM: qualifier and date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualifiedDate {
    /// The DTM01 code, e.g. `232`.
    pub qualifier: String,
    pub date: NaiveDate,
}

impl Remittance {
    /// The sum of the claims' paid amounts less the provider-level adjustments: what BPR02 should
    /// say when the advice balances.
    pub fn balance(&self) -> Money {
        let claims: Money = self.claims.iter().map(|c| c.paid).sum();
        let plb: Money = self.provider_adjustments.iter().map(|p| p.amount).sum();
        Money::round_half_up(claims.amount() - plb.amount())
    }
}
