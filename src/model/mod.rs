//! The nouns of ECM billing, each validated on construction so the rest of the code cannot hold a bad one.

mod claim;
mod diagnosis;
mod encounter;
mod hcpcs;
mod kept;
mod money;
mod npi;
mod place_of_service;
mod remittance;
mod service_month;
pub mod text;
mod us_state;

pub use claim::{
    BillingProvider, Claim, ClaimDocument, ClaimFrequency, Contact, Envelope, Line, Patient,
    Receiver, RenderingProvider, Submitter, Subscriber, Transaction, TransactionType, Usage,
    whole_units,
};
pub use diagnosis::{DiagnosisCode, DiagnosisError};
pub use encounter::{
    Activity, ActivityClass, Address, Correction, Encounter, Member, Modality, OutreachOutcome,
    Rendering, RowRef, Sex, StaffClass, Text, normalise_key,
};
pub use hcpcs::{CodeError, Hcpcs, Modifier, Modifiers};
pub use kept::KeptSegment;
pub use money::{MAX_AMOUNT, Money, MoneyError, is_x12_decimal, parse_x12_decimal, push_uint};
pub use npi::{Npi, NpiError, check_digit};
pub use place_of_service::{PlaceOfService, PlaceOfServiceError};
pub use remittance::{
    Adjustment, ClaimPayment, Party, Person, Procedure, ProviderAdjustment, QualifiedDate,
    Reference, Remittance, ServicePayment,
};
pub use service_month::{ServiceMonth, ServiceMonthError};
pub use us_state::{US_STATES, is_us_state};
