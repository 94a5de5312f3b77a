//! The 837P document model: what one interchange says, loop by loop, independent of delimiters.
//!
//! The claims pipeline builds these values from coded service lines; the X12 writer turns them into
//! segments; the X12 reader (`crate::x12::read`) reads files back into the same values, so what the
//! writer emits reads back equal.
//!
//! A file from elsewhere can say more than the writer writes. The reader fills the typed fields it
//! can and keeps every other segment whole, as a [`KeptSegment`] on the nearest value (transaction,
//! billing provider, subscriber, patient, claim or line). The writer writes typed fields only, so
//! it refuses a value holding kept segments or patients rather than drop them silently.

use super::{Address, DiagnosisCode, Hcpcs, KeptSegment, Modifiers, Money, PlaceOfService, Sex};
use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

/// Test or production data (ISA15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
pub enum Usage {
    #[serde(rename = "P")]
    Production,
    #[default]
    #[serde(rename = "T")]
    Test,
}

impl Usage {
    /// The ISA15 code.
    pub fn code(self) -> &'static str {
        match self {
            Usage::Production => "P",
            Usage::Test => "T",
        }
    }
}

/// The interchange and functional-group envelope values (ISA, GS, GE, IEA).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Envelope {
    /// ISA05, e.g. `ZZ` (mutually defined) or `30` (federal tax id).
    pub sender_qualifier: String,
    /// ISA06, at most 15 characters (padded by the writer).
    pub sender_id: String,
    /// ISA07.
    pub receiver_qualifier: String,
    /// ISA08, at most 15 characters (padded by the writer).
    pub receiver_id: String,
    /// GS02 application sender code.
    pub application_sender: String,
    /// GS03 application receiver code.
    pub application_receiver: String,
    /// ISA09/GS04 date and ISA10/GS05 time (minutes).
    pub date: NaiveDate,
    pub time: NaiveTime,
    /// ISA13 (and IEA02): 1..=999,999,999.
    pub interchange_control_number: u32,
    /// GS06 (and GE02).
    pub group_control_number: u32,
    /// ISA14: whether a TA1 acknowledgment is requested.
    pub acknowledgment_requested: bool,
    /// ISA15.
    pub usage: Usage,
}

/// BHT06: a claim to be paid, or an encounter reported for information (capitated/invoiced care).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
pub enum TransactionType {
    #[default]
    #[serde(rename = "CH")]
    Chargeable,
    #[serde(rename = "RP")]
    Reporting,
}

impl TransactionType {
    /// The BHT06 code.
    pub fn code(self) -> &'static str {
        match self {
            TransactionType::Chargeable => "CH",
            TransactionType::Reporting => "RP",
        }
    }
}

/// A telephone / e-mail contact (PER).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub name: String,
    /// Digits only, 10 for a US number.
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// One functional group of an interchange (ISA/GS .. GE/IEA) with its transaction sets: what the
/// writer takes ([`crate::x12::write_interchange`]) and what the reader returns, one per group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimDocument {
    /// ISA and GS values.
    pub envelope: Envelope,
    pub transactions: Vec<Transaction>,
}

/// One transaction set (ST..SE): at most 5,000 claims under one billing provider. (A file whose
/// transaction set has several billing provider loops reads as several of these, sharing ST02.)
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transaction {
    /// ST02 / SE02, e.g. `0001`.
    pub control_number: String,
    /// BHT03: the originator's reference for this batch.
    pub reference: String,
    /// BHT04 / BHT05.
    pub created_date: NaiveDate,
    pub created_time: NaiveTime,
    /// BHT06.
    pub transaction_type: TransactionType,
    /// Loop 1000A.
    pub submitter: Submitter,
    /// Loop 1000B.
    pub receiver: Receiver,
    /// Loops 2000A / 2010AA.
    pub billing_provider: BillingProvider,
    /// Loops 2000B, in output order.
    pub subscribers: Vec<Subscriber>,
    /// Header, 1000A and 1000B segments read but not held above (empty for what we write).
    pub kept: Vec<KeptSegment>,
}

/// Loop 1000A submitter (NM1*41 + PER*IC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Submitter {
    pub name: String,
    /// NM109 with qualifier 46 (electronic transmitter id).
    pub id: String,
    pub contact: Contact,
}

/// Loop 1000B receiver (NM1*40).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receiver {
    pub name: String,
    /// NM109 with qualifier 46.
    pub id: String,
}

/// Loops 2000A / 2010AA: the billing provider (an organisation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BillingProvider {
    /// PRV*BI*PXC taxonomy, when configured.
    pub taxonomy: Option<String>,
    pub name: String,
    /// NM109 (qualifier XX) as the file has it; the writer refuses one whose check digit fails.
    pub npi: String,
    /// N3/N4; 5010 wants a nine-digit ZIP here.
    pub address: Address,
    /// REF*EI: nine-digit employer identification number.
    pub tax_id: String,
    /// Loop 2010AB pay-to address (NM1*87), when payment goes elsewhere.
    pub pay_to: Option<Address>,
    /// 2000A and 2010AA/AB/AC segments read but not held above (empty for what we write).
    pub kept: Vec<KeptSegment>,
}

/// Loop 2000B (HL*22) with 2010BA subscriber and 2010BB payer. What we write is always the member
/// themself (so `patients` is empty); a file from elsewhere may hold 2000C patient loops.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subscriber {
    /// SBR01: `P` primary.
    pub payer_responsibility: String,
    /// SBR09 claim filing indicator, `MC` for Medicaid.
    pub claim_filing_indicator: String,
    /// 2010BA NM1*IL.
    pub last_name: String,
    pub first_name: Option<String>,
    /// NM109 with qualifier MI.
    pub member_id: String,
    /// 2010BA N3/N4, when known.
    pub address: Option<Address>,
    /// 2010BA DMG: required when the subscriber is the patient (always, for what we write).
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    /// 2010BB NM1*PR name and NM109 (qualifier PI).
    pub payer_name: String,
    pub payer_id: String,
    /// Loops 2300 for this member.
    pub claims: Vec<Claim>,
    /// Loops 2000C: patients other than the subscriber, each with their claims (read only).
    pub patients: Vec<Patient>,
    /// 2000B and 2010BA/BB segments read but not held above (empty for what we write).
    pub kept: Vec<KeptSegment>,
}

/// Loop 2000C (HL*23) with 2010CA: a patient who is not the subscriber (a dependant).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Patient {
    /// PAT01 relationship to the subscriber (`19` child, `01` spouse, ...).
    pub relationship: String,
    /// 2010CA NM1*QC.
    pub last_name: String,
    pub first_name: Option<String>,
    /// 2010CA N3/N4.
    pub address: Option<Address>,
    /// 2010CA DMG.
    pub birth_date: NaiveDate,
    pub sex: Sex,
    /// Loops 2300 for this patient.
    pub claims: Vec<Claim>,
    /// 2000C and 2010CA segments read but not held above.
    pub kept: Vec<KeptSegment>,
}

/// CLM05-3: what this claim does to earlier ones.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum ClaimFrequency {
    /// `1`: an original claim.
    #[default]
    Original,
    /// `7`: replaces an earlier claim (REF*F8 names it).
    Replacement,
    /// `8`: voids an earlier claim (REF*F8 names it).
    Void,
}

impl ClaimFrequency {
    /// The CLM05-3 code.
    pub fn code(self) -> &'static str {
        match self {
            ClaimFrequency::Original => "1",
            ClaimFrequency::Replacement => "7",
            ClaimFrequency::Void => "8",
        }
    }

    /// The frequency a CLM05-3 code names, of the three ecm bills and reads.
    pub fn from_code(code: &str) -> Option<ClaimFrequency> {
        [
            ClaimFrequency::Original,
            ClaimFrequency::Replacement,
            ClaimFrequency::Void,
        ]
        .into_iter()
        .find(|f| f.code() == code)
    }
}

/// SV104 as a whole unit count (`1`, `1.0`, `7.00`), the only kind ecm bills and reads.
pub fn whole_units(d: rust_decimal::Decimal) -> Option<u32> {
    use rust_decimal::prelude::ToPrimitive;
    (d.fract().is_zero() && !d.is_sign_negative())
        .then(|| d.to_u32())
        .flatten()
}

/// Loop 2310B rendering provider (a person).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RenderingProvider {
    pub last_name: String,
    pub first_name: Option<String>,
    /// NM109 (qualifier XX) as the file has it; the writer refuses one whose check digit fails.
    pub npi: String,
    /// PRV*PE*PXC taxonomy, when known.
    pub taxonomy: Option<String>,
}

/// Loop 2300: one claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// CLM01 patient control number: at most 20 characters, unique in the file.
    pub claim_id: String,
    /// CLM02: equals the sum of the lines' charges.
    pub total_charge: Money,
    /// CLM05-1.
    pub place_of_service: PlaceOfService,
    /// CLM05-3.
    pub frequency: ClaimFrequency,
    /// REF*F8: the claim this one replaces or voids.
    pub original_reference: Option<String>,
    /// REF*G1: prior authorization number.
    pub prior_authorization: Option<String>,
    /// HI: first is the principal (ABK), the rest ABF; 1 to 12.
    pub diagnoses: Vec<DiagnosisCode>,
    /// Loop 2310B.
    pub rendering: Option<RenderingProvider>,
    /// Loops 2400, 1 to 50.
    pub lines: Vec<Line>,
    /// 2300 segments read but not held above (dates, PWK, CN1, AMT, other REF, NTE, CRC, other HI),
    /// and loops 2310A/C-F, 2320 and 2330A-G, in file order (empty for what we write).
    pub kept: Vec<KeptSegment>,
}

/// Loop 2400: one service line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// SV101-2.
    pub hcpcs: Hcpcs,
    /// SV101-3..6.
    pub modifiers: Modifiers,
    /// SV101-7, a description of the service (for unlisted codes).
    pub description: Option<String>,
    /// SV102.
    pub charge: Money,
    /// SV104 (unit basis SV103 = UN).
    pub units: u32,
    /// SV105, only when it differs from the claim's place of service.
    pub place_of_service: Option<PlaceOfService>,
    /// SV107: 1-based pointers into the claim's diagnoses, 1 to 4 of them.
    pub diagnosis_pointers: Vec<u8>,
    /// DTP*472 (D8), or the first day of a range (RD8).
    pub service_date: NaiveDate,
    /// The last day of a DTP*472 range (RD8), `None` for a single day.
    pub service_end: Option<NaiveDate>,
    /// REF*6R line item control number (our encounter id): at most 30 characters, unique in the claim.
    pub control_number: Option<String>,
    /// 2400 segments read but not held above, and loops 2410, 2420A-H, 2430 and 2440, in file
    /// order (empty for what we write).
    pub kept: Vec<KeptSegment>,
}

impl Claim {
    /// The sum of the line charges (what CLM02 must say).
    pub fn line_total(&self) -> Money {
        self.lines.iter().map(|l| l.charge).sum()
    }
}
