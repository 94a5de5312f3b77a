//! Planned claims to the 837P document model: envelope, transaction sets of at most 5,000 claims,
//! subscribers, claims and lines. Names and addresses are upper-cased, as plans expect.

use super::digest::Fnv64;
use super::{PlannedClaim, Registry, ServiceLine};
use crate::clock::Clock;
use crate::config::{Payer, ProviderSide, SubscriberId};
use crate::model::{
    BillingProvider, Claim, ClaimFrequency, Contact, Envelope, Line, Receiver, RenderingProvider,
    Submitter, Subscriber, Transaction,
};
use chrono::{Datelike, Timelike};

/// The most claims one transaction set (ST..SE) may carry.
pub const MAX_CLAIMS_PER_TRANSACTION: usize = 5000;

/// A content-derived interchange control number (1..=999,999,999): the same lines, payer and
/// clock give the same number; any change to what is billed gives another. `order` is the
/// payer's lines in claim order (claim ids are a function of the same content).
pub fn content_control_number(
    order: &[u32],
    lines: &[ServiceLine],
    reg: &Registry,
    payer: &Payer,
    clock: &Clock,
) -> u32 {
    let mut h = Fnv64::default();
    h.str(&payer.key)
        .u64(clock.date.num_days_from_ce() as u64)
        .u64(u64::from(clock.time.num_seconds_from_midnight()));
    for &i in order {
        let l = &lines[i as usize];
        let charge = l.coding.charge.amount();
        h.str(&reg.members[l.member as usize].member_id)
            .str(&l.encounter_id)
            .u64(l.service_date.num_days_from_ce() as u64)
            .str(l.coding.hcpcs.as_str())
            .u64(u64::from(l.coding.units))
            .bytes(&charge.mantissa().to_le_bytes())
            .u64(u64::from(charge.scale()));
        for m in l.coding.modifiers.as_slice() {
            h.str(m.as_str());
        }
    }
    (h.finish() % 999_999_999) as u32 + 1
}

/// The envelope for one payer's interchange.
pub fn envelope(
    side: &ProviderSide,
    payer: &Payer,
    clock: &Clock,
    control_number: u32,
) -> Envelope {
    let s = side.submitter;
    Envelope {
        sender_qualifier: s.id_qualifier.clone(),
        sender_id: s.id.clone(),
        receiver_qualifier: payer.receiver_qualifier.clone(),
        receiver_id: payer.receiver_id.clone(),
        application_sender: s.application_sender.clone().unwrap_or_else(|| s.id.clone()),
        application_receiver: payer
            .application_receiver
            .clone()
            .unwrap_or_else(|| payer.receiver_id.clone()),
        date: clock.date,
        time: clock.time,
        interchange_control_number: control_number,
        group_control_number: control_number,
        acknowledgment_requested: false,
        usage: payer.usage,
    }
}

/// One transaction set holding `claims` (at most [`MAX_CLAIMS_PER_TRANSACTION`]); `number` is
/// its 1-based position in the interchange.
#[allow(clippy::too_many_arguments)]
pub fn transaction(
    claims: &[PlannedClaim],
    lines: &[ServiceLine],
    reg: &Registry,
    side: &ProviderSide,
    payer: &Payer,
    clock: &Clock,
    control_number: u32,
    number: usize,
) -> Transaction {
    let p = side.provider;
    let s = side.submitter;
    let mut subscribers: Vec<Subscriber> = Vec::new();
    for c in claims {
        let member = &reg.members[c.member as usize];
        let member_id = match payer.subscriber_id {
            SubscriberId::MemberId => member.member_id.clone(),
            // Coding refused lines without a CIN for such payers.
            SubscriberId::Cin => member
                .cin
                .clone()
                .unwrap_or_else(|| member.member_id.clone()),
        };
        let claim = Claim {
            claim_id: c.claim_id.clone(),
            total_charge: c.total,
            place_of_service: c.place_of_service,
            frequency: ClaimFrequency::Original,
            original_reference: None,
            prior_authorization: c
                .authorization
                .map(|a| reg.authorizations[a as usize].to_string()),
            diagnoses: c.diagnoses.clone(),
            rendering: c.rendering.map(|r| {
                let r = &reg.renderings[r as usize];
                RenderingProvider {
                    last_name: r.last_name.to_ascii_uppercase(),
                    first_name: r.first_name.as_ref().map(|f| f.to_ascii_uppercase()),
                    npi: r.npi,
                    taxonomy: None,
                }
            }),
            lines: c
                .lines
                .iter()
                .map(|pl| {
                    let l = &lines[pl.line as usize];
                    Line {
                        hcpcs: l.coding.hcpcs,
                        modifiers: l.coding.modifiers,
                        charge: l.coding.charge,
                        units: l.coding.units,
                        place_of_service: (l.coding.place_of_service != c.place_of_service)
                            .then_some(l.coding.place_of_service),
                        diagnosis_pointers: pl.pointers.clone(),
                        service_date: l.service_date,
                        control_number: l.encounter_id.to_string(),
                    }
                })
                .collect(),
        };
        match subscribers.last_mut() {
            Some(sub) if sub.member_id == member_id && same_member(sub, member) => {
                sub.claims.push(claim)
            }
            _ => subscribers.push(Subscriber {
                payer_responsibility: "P".into(),
                claim_filing_indicator: payer.claim_filing_indicator.clone(),
                last_name: member.last_name.to_ascii_uppercase(),
                first_name: Some(member.first_name.to_ascii_uppercase()),
                member_id,
                address: member.address.as_ref().map(upper_address),
                birth_date: member.dob,
                sex: member.sex,
                payer_name: payer.name.to_ascii_uppercase(),
                payer_id: payer.payer_id.clone(),
                claims: vec![claim],
            }),
        }
    }
    Transaction {
        control_number: format!("{number:04}"),
        reference: format!("{control_number:09}{number:04}"),
        created_date: clock.date,
        created_time: clock.time,
        transaction_type: payer.transaction_type,
        submitter: Submitter {
            name: s
                .name
                .clone()
                .unwrap_or_else(|| p.name.clone())
                .to_ascii_uppercase(),
            id: s.id.clone(),
            contact: Contact {
                name: s
                    .contact_name
                    .clone()
                    .unwrap_or_else(|| p.contact_name.clone())
                    .to_ascii_uppercase(),
                phone: s.contact_phone.clone().or_else(|| p.contact_phone.clone()),
                email: s.contact_email.clone().or_else(|| p.contact_email.clone()),
            },
        },
        receiver: Receiver {
            name: payer
                .receiver_name
                .clone()
                .unwrap_or_else(|| payer.name.clone())
                .to_ascii_uppercase(),
            id: payer.receiver_id.clone(),
        },
        billing_provider: BillingProvider {
            taxonomy: p.taxonomy.clone(),
            name: p.name.to_ascii_uppercase(),
            npi: p.npi,
            address: crate::model::Address {
                line1: p.address.to_ascii_uppercase(),
                city: p.city.to_ascii_uppercase(),
                state: p.state.clone(),
                zip: p.zip.clone(),
            },
            tax_id: p.tin.clone(),
        },
        subscribers,
    }
}

fn same_member(sub: &Subscriber, m: &crate::model::Member) -> bool {
    sub.birth_date == m.dob && sub.last_name == m.last_name.to_ascii_uppercase()
}

fn upper_address(a: &crate::model::Address) -> crate::model::Address {
    crate::model::Address {
        line1: a.line1.to_ascii_uppercase(),
        city: a.city.to_ascii_uppercase(),
        state: a.state.clone(),
        zip: a.zip.clone(),
    }
}
