//! Planned claims to the 837P document model: envelope, transaction sets of at most 5,000 claims,
//! subscribers, claims and lines. Names and addresses are upper-cased, as plans expect.

use super::digest::Fnv64;
use super::{PlannedClaim, Registry, ServiceLine};
use crate::clock::Clock;
use crate::config::{Payer, PlanConfig, Provider, ProviderSide, SubscriberId};
use crate::model::{
    BillingProvider, Claim, Contact, Envelope, Line, Member, Receiver, RenderingProvider,
    Submitter, Subscriber, Transaction, TransactionType, Usage,
};
use crate::x12::MAX_CLAIMS_PER_SUBSCRIBER;
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
            .str(reg.encounter_id(l))
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

/// Who one interchange is from and to, and how its claims are filed: fixed for a whole file, so
/// it is built (and upper-cased) once. The provider side builds it from a payer
/// ([`Parties::for_payer`]); the plan side from its own `[plan]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parties {
    /// ISA05/ISA06.
    pub sender_qualifier: String,
    pub sender_id: String,
    /// ISA07/ISA08.
    pub receiver_qualifier: String,
    pub receiver_id: String,
    /// GS02/GS03.
    pub application_sender: String,
    pub application_receiver: String,
    /// ISA15.
    pub usage: Usage,
    /// Loop 1000A.
    pub submitter: Submitter,
    /// Loop 1000B.
    pub receiver: Receiver,
    /// 2010BB NM103 and NM109.
    pub payer_name: String,
    pub payer_id: String,
    /// SBR09.
    pub claim_filing_indicator: String,
    /// BHT06.
    pub transaction_type: TransactionType,
    /// Which member id goes in 2010BA NM109.
    pub subscriber_id: SubscriberId,
}

impl Parties {
    /// The parties of a provider's claim file to one payer.
    pub fn for_payer(side: &ProviderSide, payer: &Payer) -> Parties {
        let p = side.provider;
        let s = side.submitter;
        Parties {
            sender_qualifier: s.id_qualifier.clone(),
            sender_id: s.id.clone(),
            receiver_qualifier: payer.receiver_qualifier.clone(),
            receiver_id: payer.receiver_id.clone(),
            application_sender: s.application_sender.clone().unwrap_or_else(|| s.id.clone()),
            application_receiver: payer
                .application_receiver
                .clone()
                .unwrap_or_else(|| payer.receiver_id.clone()),
            usage: payer.usage,
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
            payer_name: payer.name.to_ascii_uppercase(),
            payer_id: payer.payer_id.clone(),
            claim_filing_indicator: payer.claim_filing_indicator.clone(),
            transaction_type: payer.transaction_type,
            subscriber_id: payer.subscriber_id,
        }
    }

    /// The parties of a plan's encounter file to the state (or whoever `[plan]` names as
    /// receiver): the plan submits, and is the payer; claims are encounters (BHT06 = RP).
    pub fn for_plan(plan: &PlanConfig) -> Parties {
        Parties {
            sender_qualifier: plan.submitter_qualifier.clone(),
            sender_id: plan.submitter_id.clone(),
            receiver_qualifier: plan.receiver_qualifier.clone(),
            receiver_id: plan.receiver_id.clone(),
            application_sender: plan.submitter_id.clone(),
            application_receiver: plan.receiver_id.clone(),
            usage: plan.usage,
            submitter: Submitter {
                name: plan.name.to_ascii_uppercase(),
                id: plan.submitter_id.clone(),
                contact: Contact {
                    name: plan.contact_name.to_ascii_uppercase(),
                    phone: plan.contact_phone.clone(),
                    email: plan.contact_email.clone(),
                },
            },
            receiver: Receiver {
                name: plan
                    .receiver_name
                    .clone()
                    .unwrap_or_else(|| plan.receiver_id.clone())
                    .to_ascii_uppercase(),
                id: plan.receiver_id.clone(),
            },
            payer_name: plan.name.to_ascii_uppercase(),
            payer_id: plan.payer_id.clone(),
            claim_filing_indicator: plan.claim_filing_indicator.clone(),
            transaction_type: TransactionType::Reporting,
            subscriber_id: SubscriberId::MemberId,
        }
    }

    /// The envelope of one interchange between these parties.
    pub fn envelope(&self, clock: &Clock, control_number: u32) -> Envelope {
        Envelope {
            sender_qualifier: self.sender_qualifier.clone(),
            sender_id: self.sender_id.clone(),
            receiver_qualifier: self.receiver_qualifier.clone(),
            receiver_id: self.receiver_id.clone(),
            application_sender: self.application_sender.clone(),
            application_receiver: self.application_receiver.clone(),
            date: clock.date,
            time: clock.time,
            interchange_control_number: control_number,
            group_control_number: control_number,
            acknowledgment_requested: false,
            usage: self.usage,
        }
    }
}

/// The 2010AA billing provider for a configured provider.
pub fn billing_provider(p: &Provider) -> BillingProvider {
    BillingProvider {
        taxonomy: p.taxonomy.clone(),
        name: p.name.to_ascii_uppercase(),
        npi: p.npi.to_string(),
        address: crate::model::Address {
            line1: p.address.to_ascii_uppercase().into(),
            city: p.city.to_ascii_uppercase().into(),
            state: p.state.as_str().into(),
            zip: p.zip.as_str().into(),
        },
        tax_id: p.tin.clone(),
        pay_to: None,
        kept: Vec::new(),
    }
}

/// One transaction set holding `claims` (at most [`MAX_CLAIMS_PER_TRANSACTION`]); `number` is
/// its 1-based position in the interchange.
#[allow(clippy::too_many_arguments)]
pub fn transaction(
    claims: &[PlannedClaim],
    lines: &[ServiceLine],
    reg: &Registry,
    parties: &Parties,
    billing_provider: &BillingProvider,
    clock: &Clock,
    control_number: u32,
    number: usize,
) -> Transaction {
    let mut subscribers: Vec<Subscriber> = Vec::new();
    for c in claims {
        let member = &reg.members[c.member as usize];
        let claim = Claim {
            claim_id: c.claim_id.clone(),
            total_charge: c.total,
            place_of_service: c.place_of_service,
            frequency: c.frequency,
            original_reference: c.original_reference.clone(),
            prior_authorization: c
                .authorization
                .map(|a| reg.authorizations[a.index()].to_string()),
            diagnoses: c.diagnoses.clone(),
            rendering: c.rendering.map(|r| {
                let r = &reg.renderings[r.index()];
                RenderingProvider {
                    last_name: r.last_name.to_ascii_uppercase().into(),
                    first_name: r.first_name.as_ref().map(|f| f.to_ascii_uppercase().into()),
                    npi: r.npi.to_string(),
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
                        service_end: None,
                        control_number: Some(reg.encounter_id(l).to_string()),
                        description: None,
                        kept: Vec::new(),
                    }
                })
                .collect(),
            kept: Vec::new(),
        };
        push_claim(&mut subscribers, parties, member, claim);
    }
    Transaction {
        control_number: format!("{number:04}"),
        reference: format!("{control_number:09}{number:04}"),
        created_date: clock.date,
        created_time: clock.time,
        transaction_type: parties.transaction_type,
        submitter: parties.submitter.clone(),
        receiver: parties.receiver.clone(),
        billing_provider: billing_provider.clone(),
        subscribers,
        kept: Vec::new(),
    }
}

/// Adds a claim under its member's subscriber loop: the last one when the claim is the same
/// member's and that loop has room, else a new one. Loop 2300 repeats at most 100 times in a
/// 2000B, and the guide lets the subscriber loop repeat, so a member with more claims than that
/// (a member-day claim for every day of a long stay) gets another 2000B for the same member
/// rather than failing the whole file.
fn push_claim(subscribers: &mut Vec<Subscriber>, parties: &Parties, member: &Member, claim: Claim) {
    let member_id = match parties.subscriber_id {
        SubscriberId::MemberId => member.member_id.clone(),
        // Coding refused lines without a CIN for such payers.
        SubscriberId::Cin => member
            .cin
            .clone()
            .unwrap_or_else(|| member.member_id.clone()),
    };
    match subscribers.last_mut() {
        Some(sub)
            if sub.member_id == member_id
                && same_member(sub, member)
                && sub.claims.len() < MAX_CLAIMS_PER_SUBSCRIBER =>
        {
            sub.claims.push(claim)
        }
        _ => subscribers.push(Subscriber {
            payer_responsibility: "P".into(),
            claim_filing_indicator: parties.claim_filing_indicator.clone(),
            last_name: member.last_name.to_ascii_uppercase().into(),
            first_name: Some(member.first_name.to_ascii_uppercase().into()),
            member_id: member_id.into(),
            address: member.address.as_ref().map(upper_address),
            birth_date: Some(member.dob),
            sex: Some(member.sex),
            payer_name: parties.payer_name.clone(),
            payer_id: parties.payer_id.clone(),
            claims: vec![claim],
            patients: Vec::new(),
            kept: Vec::new(),
        }),
    }
}

fn same_member(sub: &Subscriber, m: &Member) -> bool {
    sub.birth_date == Some(m.dob) && sub.last_name == m.last_name.to_ascii_uppercase()
}

fn upper_address(a: &crate::model::Address) -> crate::model::Address {
    crate::model::Address {
        line1: a.line1.to_ascii_uppercase(),
        city: a.city.to_ascii_uppercase(),
        state: a.state.clone(),
        zip: a.zip.clone(),
    }
}
