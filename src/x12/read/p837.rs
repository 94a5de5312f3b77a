//! The 837P reader: segments placed by the generated 005010X222A1 grammar (the one the writer
//! validates against) and turned into the claim model. Typed fields get what the writer writes;
//! every other segment is kept whole on the nearest model value, and so is a typed segment that
//! says more than its typed fields hold (see [`At::fits`]).
//!
//! Streaming: [`Reader837::next_transaction`] holds one transaction set at a time.

use super::error::{ReadError, ReadProblem};
use super::placed::{At, PlacedReader, group_envelope, interchange_envelope, missing};
use super::tokenizer::Position;
use crate::model::{
    Address, BillingProvider, Claim, ClaimDocument, ClaimFrequency, Contact, DiagnosisCode,
    Envelope, Hcpcs, KeptSegment, Line, Modifier, Modifiers, Money, Patient, PlaceOfService,
    Receiver, RenderingProvider, Sex, Submitter, Subscriber, Transaction, TransactionType,
    whole_units,
};
use crate::x12::P837;
use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;
use std::collections::VecDeque;
use std::io::BufRead;
use std::path::Path;

/// Reads every functional group of an 837P file (one [`ClaimDocument`] per GS group).
pub fn read_837_file(path: impl AsRef<Path>) -> Result<Vec<ClaimDocument>, ReadError> {
    let path = path.as_ref();
    read_837(super::open_file(path)?).map_err(|e| e.in_file(path))
}

/// Reads every functional group of an 837P interchange stream.
pub fn read_837<R: BufRead>(input: R) -> Result<Vec<ClaimDocument>, ReadError> {
    let mut reader = Reader837::new(input);
    let mut docs: Vec<ClaimDocument> = Vec::new();
    let mut last_group = None;
    while let Some((group, envelope, transaction)) = reader.next_transaction()? {
        match docs.last_mut() {
            Some(doc) if last_group == Some(group) => doc.transactions.push(transaction),
            _ => docs.push(ClaimDocument {
                envelope,
                transactions: vec![transaction],
            }),
        }
        last_group = Some(group);
    }
    Ok(docs)
}

/// Reads an 837P file one transaction set at a time.
pub struct Reader837<R> {
    placed: PlacedReader<R>,
    state: State,
}

impl Reader837<super::FileInput> {
    /// A reader at the start of the file at `path` (its errors are not yet tagged with the
    /// file: use [`ReadError::in_file`]).
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        Ok(Reader837::new(super::open_file(path)?))
    }
}

impl<R: BufRead> Reader837<R> {
    /// A reader at the start of `input`.
    pub fn new(input: R) -> Reader837<R> {
        Reader837 {
            placed: PlacedReader::new(input, &P837, "837"),
            state: State::default(),
        }
    }

    /// The next transaction set with the envelope of its functional group and the group's
    /// ordinal in the file (1 for the first GS); `Ok(None)` at the end of the file.
    pub fn next_transaction(&mut self) -> Result<Option<(u64, Envelope, Transaction)>, ReadError> {
        loop {
            if let (Some(t), Some(envelope)) = (self.state.ready.pop_front(), &self.state.envelope)
            {
                return Ok(Some((self.state.groups, envelope.clone(), t)));
            }
            let Some(at) = self.placed.next()? else {
                return Ok(None);
            };
            self.state.segment(&at)?;
        }
    }
}

/// What has been read of the current group and transaction set.
#[derive(Default)]
struct State {
    /// The current interchange's ISA values (GS fields filled at each GS).
    isa: Option<Envelope>,
    /// The current group's envelope (ISA + GS).
    envelope: Option<Envelope>,
    /// GS groups started so far.
    groups: u64,
    head: Option<Head>,
    billing: Option<BillingBuild>,
    subscriber: Option<SubscriberBuild>,
    patient: Option<PatientBuild>,
    claim: Option<Claim>,
    line: Option<LineBuild>,
    /// Transactions finished but not yet handed out (a set with several billing providers).
    ready: VecDeque<Transaction>,
}

/// ST, BHT, 1000A and 1000B.
struct Head {
    at: Position,
    control_number: String,
    reference: String,
    created: Option<(NaiveDate, NaiveTime)>,
    transaction_type: TransactionType,
    submitter: Option<Submitter>,
    receiver: Option<Receiver>,
    kept: Vec<KeptSegment>,
}

struct BillingBuild {
    at: Position,
    provider: BillingProvider,
    named: bool,
    subscribers: Vec<Subscriber>,
}

struct SubscriberBuild {
    at: Position,
    subscriber: Subscriber,
    named: bool,
    has_payer: bool,
}

struct PatientBuild {
    at: Position,
    relationship: String,
    name: Option<(String, Option<String>)>,
    address: Option<Address>,
    demographics: Option<(NaiveDate, Sex)>,
    claims: Vec<Claim>,
    kept: Vec<KeptSegment>,
}

struct LineBuild {
    at: Position,
    service: Option<Service>,
    date: Option<(NaiveDate, Option<NaiveDate>)>,
    control_number: Option<String>,
    kept: Vec<KeptSegment>,
}

/// SV1's values.
struct Service {
    hcpcs: Hcpcs,
    modifiers: Modifiers,
    description: Option<String>,
    charge: Money,
    units: u32,
    place_of_service: Option<PlaceOfService>,
    diagnosis_pointers: Vec<u8>,
}

/// Which model value a loop's segments belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Envelope,
    Transaction,
    Billing,
    Subscriber,
    Patient,
    Claim,
    Line,
}

/// The model level of a loop of the 837P grammar, from its id: 1000x and the transaction header
/// belong to the transaction, 20x0A/B/C to billing provider, subscriber and patient, 23xx to the
/// claim, 24xx to the line.
fn level(loop_id: &str) -> Level {
    match loop_id.as_bytes() {
        b"ISA_LOOP" | b"GS_LOOP" => Level::Envelope,
        [b'2', b'4', ..] => Level::Line,
        [b'2', b'3', ..] => Level::Claim,
        [b'2', b'0', _, _, b'A', ..] => Level::Billing,
        [b'2', b'0', _, _, b'B', ..] => Level::Subscriber,
        [b'2', b'0', _, _, b'C', ..] => Level::Patient,
        _ => Level::Transaction,
    }
}

impl State {
    /// Takes one placed segment into the model.
    fn segment(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        let (loop_id, id) = (at.loop_id(), at.id());
        match (loop_id, id) {
            ("ISA_LOOP", "ISA") => self.isa = Some(interchange_envelope(at)?),
            ("GS_LOOP", "GS") => self.gs(at)?,
            ("ST_LOOP", "ST") => self.st(at)?,
            ("ST_LOOP", "SE") => self.finish_transaction(at)?,
            ("GS_LOOP", "GE") | ("ISA_LOOP", "IEA") => {
                if let Some(head) = &self.head {
                    return Err(missing(
                        head.at,
                        "ST",
                        "ST_LOOP",
                        "the SE closing this transaction set",
                    ));
                }
            }
            _ => match level(loop_id) {
                Level::Envelope => {}
                Level::Transaction => self.header(at)?,
                Level::Billing => self.billing(at)?,
                Level::Subscriber => self.subscriber(at)?,
                Level::Patient => self.patient(at)?,
                Level::Claim => self.claim(at)?,
                Level::Line => self.line(at)?,
            },
        }
        Ok(())
    }

    fn gs(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        self.groups += 1;
        self.envelope = Some(group_envelope(at, self.isa.as_ref())?);
        Ok(())
    }

    fn st(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        self.head = Some(Head {
            at: at.position(),
            control_number: at.required(2)?.to_string(),
            reference: String::new(),
            created: None,
            transaction_type: TransactionType::Chargeable,
            submitter: None,
            receiver: None,
            kept: Vec::new(),
        });
        Ok(())
    }

    fn head(&mut self, at: &At<'_>) -> Result<&mut Head, ReadError> {
        self.head.as_mut().ok_or_else(|| {
            missing(
                at.position(),
                at.id(),
                at.loop_id(),
                "the ST opening a transaction set",
            )
        })
    }

    fn header(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        let head = self.head(at)?;
        let typed = match (at.loop_id(), at.id()) {
            ("ST_LOOP", "BHT") => {
                head.reference = at.required(3)?.to_string();
                head.created = Some((at.date(4)?, at.time(5)?));
                head.transaction_type =
                    match at.required(6)? {
                        "CH" => TransactionType::Chargeable,
                        "RP" => TransactionType::Reporting,
                        _ => return Err(at.invalid(
                            6,
                            "CH or RP",
                            "BHT06 says whether the claims are chargeable (CH) or reported (RP)",
                        )),
                    };
                at.fits(&[3, 4, 5, 6], &[(1, "0019"), (2, "00")])
            }
            ("1000A", "NM1") => {
                head.submitter = Some(Submitter {
                    name: at.required(3)?.to_string(),
                    id: at.required(9)?.to_string(),
                    contact: Contact {
                        name: String::new(),
                        phone: None,
                        email: None,
                    },
                });
                at.fits(&[3, 9], &[(1, "41"), (2, "2"), (8, "46")])
            }
            ("1000A", "PER")
                if head
                    .submitter
                    .as_ref()
                    .is_some_and(|s| is_blank(&s.contact)) =>
            {
                let contact = contact(at);
                let fits = writes_as(at, &contact);
                if let Some(s) = head.submitter.as_mut() {
                    s.contact = contact;
                }
                fits
            }
            ("1000B", "NM1") => {
                head.receiver = Some(Receiver {
                    name: at.required(3)?.to_string(),
                    id: at.required(9)?.to_string(),
                });
                at.fits(&[3, 9], &[(1, "40"), (2, "2"), (8, "46")])
            }
            _ => false,
        };
        if !typed {
            head.kept.push(at.kept()?);
        }
        Ok(())
    }

    fn billing(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        if at.placed.opened && at.loop_id() == "2000A" {
            self.finish_billing()?;
            self.head(at)?;
            self.billing = Some(BillingBuild {
                at: at.position(),
                provider: BillingProvider {
                    taxonomy: None,
                    name: String::new(),
                    npi: String::new(),
                    address: Address::default(),
                    tax_id: String::new(),
                    pay_to: None,
                    kept: Vec::new(),
                },
                named: false,
                subscribers: Vec::new(),
            });
            return Ok(());
        }
        let Some(b) = self.billing.as_mut() else {
            return Err(missing(
                at.position(),
                at.id(),
                at.loop_id(),
                "loop 2000A (Billing Provider Hierarchical Level)",
            ));
        };
        let p = &mut b.provider;
        let typed = match (at.loop_id(), at.id()) {
            ("2000A", "PRV") if p.taxonomy.is_none() => {
                p.taxonomy = Some(at.required(3)?.to_string());
                at.fits(&[3], &[(1, "BI"), (2, "PXC")])
            }
            ("2010AA", "NM1") => {
                p.name = at.required(3)?.to_string();
                p.npi = at.el(9).to_string();
                b.named = true;
                at.fits(&[3, 9], &[(1, "85"), (2, "2"), (8, "XX")])
            }
            ("2010AA", "N3") => address_line(at, &mut p.address),
            ("2010AA", "N4") => address_city(at, &mut p.address),
            ("2010AA", "REF") if at.el(1) == "EI" => {
                p.tax_id = at.required(2)?.to_string();
                at.fits(&[2], &[(1, "EI")])
            }
            ("2010AB", "NM1") => {
                p.pay_to = Some(Address::default());
                at.fits(&[], &[(1, "87"), (2, "2")])
            }
            ("2010AB", "N3") => p.pay_to.as_mut().is_some_and(|a| address_line(at, a)),
            ("2010AB", "N4") => p.pay_to.as_mut().is_some_and(|a| address_city(at, a)),
            _ => false,
        };
        if !typed {
            p.kept.push(at.kept()?);
        }
        Ok(())
    }

    fn subscriber(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        if at.placed.opened && at.loop_id() == "2000B" {
            self.finish_subscriber()?;
            if self.billing.is_none() {
                return Err(missing(
                    at.position(),
                    "HL",
                    "2000B",
                    "loop 2000A (Billing Provider Hierarchical Level) before the subscriber",
                ));
            }
            self.subscriber = Some(SubscriberBuild {
                at: at.position(),
                subscriber: Subscriber {
                    payer_responsibility: String::new(),
                    claim_filing_indicator: String::new(),
                    last_name: String::new(),
                    first_name: None,
                    member_id: String::new(),
                    address: None,
                    birth_date: None,
                    sex: None,
                    payer_name: String::new(),
                    payer_id: String::new(),
                    claims: Vec::new(),
                    patients: Vec::new(),
                    kept: Vec::new(),
                },
                named: false,
                has_payer: false,
            });
            return Ok(());
        }
        let Some(b) = self.subscriber.as_mut() else {
            return Err(missing(
                at.position(),
                at.id(),
                at.loop_id(),
                "loop 2000B (Subscriber Hierarchical Level)",
            ));
        };
        let s = &mut b.subscriber;
        let typed = match (at.loop_id(), at.id()) {
            ("2000B", "SBR") => {
                s.payer_responsibility = at.required(1)?.to_string();
                s.claim_filing_indicator = at.el(9).to_string();
                at.fits(&[1, 9], &[(2, "18")])
            }
            ("2010BA", "NM1") => {
                s.last_name = at.required(3)?.to_string();
                s.first_name = at.opt(4);
                s.member_id = at.el(9).to_string();
                b.named = true;
                at.fits(&[3, 4, 9], &[(1, "IL"), (2, "1"), (8, "MI")])
            }
            ("2010BA", "N3") => address_line(at, s.address.get_or_insert_with(Address::default)),
            ("2010BA", "N4") => address_city(at, s.address.get_or_insert_with(Address::default)),
            ("2010BA", "DMG") => {
                let (birth, sex) = demographics(at)?;
                s.birth_date = Some(birth);
                s.sex = Some(sex);
                at.fits(&[2, 3], &[(1, "D8")])
            }
            ("2010BB", "NM1") => {
                s.payer_name = at.required(3)?.to_string();
                s.payer_id = at.el(9).to_string();
                b.has_payer = true;
                at.fits(&[3, 9], &[(1, "PR"), (2, "2"), (8, "PI")])
            }
            _ => false,
        };
        if !typed {
            s.kept.push(at.kept()?);
        }
        Ok(())
    }

    fn patient(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        if at.placed.opened && at.loop_id() == "2000C" {
            self.finish_patient()?;
            if self.subscriber.is_none() {
                return Err(missing(
                    at.position(),
                    "HL",
                    "2000C",
                    "loop 2000B (Subscriber Hierarchical Level) before the patient",
                ));
            }
            self.patient = Some(PatientBuild {
                at: at.position(),
                relationship: String::new(),
                name: None,
                address: None,
                demographics: None,
                claims: Vec::new(),
                kept: Vec::new(),
            });
            return Ok(());
        }
        let Some(p) = self.patient.as_mut() else {
            return Err(missing(
                at.position(),
                at.id(),
                at.loop_id(),
                "loop 2000C (Patient Hierarchical Level)",
            ));
        };
        let typed = match (at.loop_id(), at.id()) {
            ("2000C", "PAT") => {
                p.relationship = at.required(1)?.to_string();
                at.fits(&[1], &[])
            }
            ("2010CA", "NM1") => {
                p.name = Some((at.required(3)?.to_string(), at.opt(4)));
                at.fits(&[3, 4], &[(1, "QC"), (2, "1")])
            }
            ("2010CA", "N3") => address_line(at, p.address.get_or_insert_with(Address::default)),
            ("2010CA", "N4") => address_city(at, p.address.get_or_insert_with(Address::default)),
            ("2010CA", "DMG") => {
                p.demographics = Some(demographics(at)?);
                at.fits(&[2, 3], &[(1, "D8")])
            }
            _ => false,
        };
        if !typed {
            p.kept.push(at.kept()?);
        }
        Ok(())
    }

    fn claim(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        if at.placed.opened && at.loop_id() == "2300" {
            self.finish_claim()?;
            if self.subscriber.is_none() {
                return Err(missing(
                    at.position(),
                    "CLM",
                    "2300",
                    "loop 2000B (Subscriber Hierarchical Level) before the claim",
                ));
            }
            let (claim, fits) = clm(at)?;
            let mut claim = claim;
            if !fits {
                claim.kept.push(at.kept()?);
            }
            self.claim = Some(claim);
            return Ok(());
        }
        let Some(c) = self.claim.as_mut() else {
            return Err(missing(
                at.position(),
                at.id(),
                at.loop_id(),
                "the CLM opening loop 2300",
            ));
        };
        let typed = match (at.loop_id(), at.id(), at.el(1)) {
            ("2300", "REF", "G1") if c.prior_authorization.is_none() => {
                c.prior_authorization = Some(at.required(2)?.to_string());
                at.fits(&[2], &[(1, "G1")])
            }
            ("2300", "REF", "F8") if c.original_reference.is_none() => {
                c.original_reference = Some(at.required(2)?.to_string());
                at.fits(&[2], &[(1, "F8")])
            }
            ("2300", "HI", _) if c.diagnoses.is_empty() && at.comp(1, 1) == "ABK" => {
                let (diagnoses, fits) = diagnoses(at)?;
                c.diagnoses = diagnoses;
                fits
            }
            ("2310B", "NM1", _) if c.rendering.is_none() => {
                c.rendering = Some(RenderingProvider {
                    last_name: at.required(3)?.to_string(),
                    first_name: at.opt(4),
                    npi: at.el(9).to_string(),
                    taxonomy: None,
                });
                at.fits(&[3, 4, 9], &[(1, "82"), (2, "1"), (8, "XX")])
            }
            ("2310B", "PRV", _) => match c.rendering.as_mut() {
                Some(r) if r.taxonomy.is_none() => {
                    r.taxonomy = Some(at.required(3)?.to_string());
                    at.fits(&[3], &[(1, "PE"), (2, "PXC")])
                }
                _ => false,
            },
            _ => false,
        };
        if !typed {
            c.kept.push(at.kept()?);
        }
        Ok(())
    }

    fn line(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        if at.placed.opened && at.loop_id() == "2400" {
            self.finish_line()?;
            if self.claim.is_none() {
                return Err(missing(
                    at.position(),
                    "LX",
                    "2400",
                    "the CLM opening loop 2300 before the line",
                ));
            }
            self.line = Some(LineBuild {
                at: at.position(),
                service: None,
                date: None,
                control_number: None,
                kept: Vec::new(),
            });
            return Ok(());
        }
        let Some(l) = self.line.as_mut() else {
            return Err(missing(
                at.position(),
                at.id(),
                at.loop_id(),
                "the LX opening loop 2400",
            ));
        };
        let typed = match (at.loop_id(), at.id(), at.el(1)) {
            ("2400", "SV1", _) if l.service.is_none() => {
                let (service, fits) = sv1(at)?;
                l.service = Some(service);
                fits
            }
            ("2400", "DTP", "472") if l.date.is_none() => {
                l.date = Some(service_dates(at)?);
                at.fits(&[2, 3], &[(1, "472")])
            }
            ("2400", "REF", "6R") if l.control_number.is_none() => {
                l.control_number = Some(at.required(2)?.to_string());
                at.fits(&[2], &[(1, "6R")])
            }
            _ => false,
        };
        if !typed {
            l.kept.push(at.kept()?);
        }
        Ok(())
    }

    fn finish_line(&mut self) -> Result<(), ReadError> {
        let Some(l) = self.line.take() else {
            return Ok(());
        };
        let Some(s) = l.service else {
            return Err(missing(
                l.at,
                "LX",
                "2400",
                "the SV1 (Professional Service) of this line",
            ));
        };
        let Some((service_date, service_end)) = l.date else {
            return Err(missing(
                l.at,
                "LX",
                "2400",
                "the DTP*472 (Date - Service Date) of this line",
            ));
        };
        let line = Line {
            hcpcs: s.hcpcs,
            modifiers: s.modifiers,
            description: s.description,
            charge: s.charge,
            units: s.units,
            place_of_service: s.place_of_service,
            diagnosis_pointers: s.diagnosis_pointers,
            service_date,
            service_end,
            control_number: l.control_number,
            kept: l.kept,
        };
        // A line is only ever opened under a claim.
        if let Some(c) = self.claim.as_mut() {
            c.lines.push(line);
        }
        Ok(())
    }

    fn finish_claim(&mut self) -> Result<(), ReadError> {
        self.finish_line()?;
        let Some(claim) = self.claim.take() else {
            return Ok(());
        };
        match (self.patient.as_mut(), self.subscriber.as_mut()) {
            (Some(p), _) => p.claims.push(claim),
            (None, Some(s)) => s.subscriber.claims.push(claim),
            // A claim is only ever opened under a subscriber.
            (None, None) => {}
        }
        Ok(())
    }

    fn finish_patient(&mut self) -> Result<(), ReadError> {
        self.finish_claim()?;
        let Some(p) = self.patient.take() else {
            return Ok(());
        };
        let Some((last_name, first_name)) = p.name else {
            return Err(missing(p.at, "HL", "2000C", "loop 2010CA (Patient Name)"));
        };
        let Some((birth_date, sex)) = p.demographics else {
            return Err(missing(
                p.at,
                "HL",
                "2000C",
                "the DMG (Patient Demographic Information) of loop 2010CA",
            ));
        };
        let patient = Patient {
            relationship: p.relationship,
            last_name,
            first_name,
            address: p.address,
            birth_date,
            sex,
            claims: p.claims,
            kept: p.kept,
        };
        if let Some(s) = self.subscriber.as_mut() {
            s.subscriber.patients.push(patient);
        }
        Ok(())
    }

    fn finish_subscriber(&mut self) -> Result<(), ReadError> {
        self.finish_patient()?;
        let Some(s) = self.subscriber.take() else {
            return Ok(());
        };
        if !s.named {
            return Err(missing(
                s.at,
                "HL",
                "2000B",
                "loop 2010BA (Subscriber Name)",
            ));
        }
        if !s.has_payer {
            return Err(missing(s.at, "HL", "2000B", "loop 2010BB (Payer Name)"));
        }
        if let Some(b) = self.billing.as_mut() {
            b.subscribers.push(s.subscriber);
        }
        Ok(())
    }

    /// Closes the billing provider loop: its subscribers become one transaction.
    fn finish_billing(&mut self) -> Result<(), ReadError> {
        self.finish_subscriber()?;
        let Some(b) = self.billing.take() else {
            return Ok(());
        };
        if !b.named {
            return Err(missing(
                b.at,
                "HL",
                "2000A",
                "loop 2010AA (Billing Provider Name)",
            ));
        }
        let Some(head) = &self.head else {
            return Ok(());
        };
        let Some((created_date, created_time)) = head.created else {
            return Err(missing(
                head.at,
                "ST",
                "ST_LOOP",
                "the BHT (Beginning of Hierarchical Transaction)",
            ));
        };
        let Some(submitter) = head.submitter.clone() else {
            return Err(missing(
                head.at,
                "ST",
                "ST_LOOP",
                "loop 1000A (Submitter Name)",
            ));
        };
        let Some(receiver) = head.receiver.clone() else {
            return Err(missing(
                head.at,
                "ST",
                "ST_LOOP",
                "loop 1000B (Receiver Name)",
            ));
        };
        self.ready.push_back(Transaction {
            control_number: head.control_number.clone(),
            reference: head.reference.clone(),
            created_date,
            created_time,
            transaction_type: head.transaction_type,
            submitter,
            receiver,
            billing_provider: b.provider,
            subscribers: b.subscribers,
            kept: head.kept.clone(),
        });
        Ok(())
    }

    fn finish_transaction(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        self.finish_billing()?;
        let Some(head) = self.head.take() else {
            return Err(missing(
                at.position(),
                "SE",
                "ST_LOOP",
                "the ST opening this transaction set",
            ));
        };
        if self.ready.is_empty() {
            return Err(missing(
                head.at,
                "ST",
                "ST_LOOP",
                "loop 2000A (Billing Provider Hierarchical Level)",
            ));
        }
        Ok(())
    }
}

fn is_blank(c: &Contact) -> bool {
    c.name.is_empty() && c.phone.is_none() && c.email.is_none()
}

/// The contact in a PER: its name, first phone (TE) and first e-mail (EM).
fn contact(at: &At<'_>) -> Contact {
    let mut c = Contact {
        name: at.el(2).to_string(),
        phone: None,
        email: None,
    };
    for n in [3, 5, 7] {
        let value = at.opt(n + 1);
        match at.el(n) {
            "TE" if c.phone.is_none() => c.phone = value,
            "EM" if c.email.is_none() => c.email = value,
            _ => {}
        }
    }
    c
}

/// Whether the writer writes exactly this PER for `c`: IC, the name, then TE and EM in that order.
fn writes_as(at: &At<'_>, c: &Contact) -> bool {
    let mut expected = vec!["IC", c.name.as_str()];
    if let Some(p) = &c.phone {
        expected.extend(["TE", p.as_str()]);
    }
    if let Some(e) = &c.email {
        expected.extend(["EM", e.as_str()]);
    }
    let mut read: Vec<&str> = at.seg.elements().collect();
    while read.last() == Some(&"") {
        read.pop();
    }
    read == expected
}

/// N3 into `a`; whether that is all it says.
fn address_line(at: &At<'_>, a: &mut Address) -> bool {
    a.line1 = at.el(1).into();
    at.fits(&[1], &[])
}

/// N4 into `a`; whether that is all it says.
fn address_city(at: &At<'_>, a: &mut Address) -> bool {
    a.city = at.el(1).into();
    a.state = at.el(2).into();
    a.zip = at.el(3).into();
    at.fits(&[1, 2, 3], &[])
}

/// DMG*D8: birth date and sex.
fn demographics(at: &At<'_>) -> Result<(NaiveDate, Sex), ReadError> {
    if at.el(1) != "D8" {
        return Err(at.invalid(1, "D8", "DMG01 must say the birth date is a CCYYMMDD date"));
    }
    let sex = match at.required(3)? {
        "F" => Sex::Female,
        "M" => Sex::Male,
        "U" => Sex::Unknown,
        _ => return Err(at.invalid(3, "F, M or U", "DMG03 is the administrative sex code")),
    };
    Ok((at.date(2)?, sex))
}

/// CLM into a claim with no lines yet; whether that is all it says.
fn clm(at: &At<'_>) -> Result<(Claim, bool), ReadError> {
    let place_of_service = PlaceOfService::parse(at.comp(5, 1))
        .map_err(|e| at.invalid(5, "a place of service code", e))?;
    let frequency = ClaimFrequency::from_code(at.comp(5, 3)).ok_or_else(|| {
        at.invalid(
            5,
            "a claim frequency code this reader knows",
            "CLM05-3 must be 1 (original), 7 (replacement) or 8 (void)",
        )
    })?;
    let claim = Claim {
        claim_id: at.required(1)?.to_string(),
        total_charge: at.money(2)?,
        place_of_service,
        frequency,
        original_reference: None,
        prior_authorization: None,
        diagnoses: Vec::new(),
        rendering: None,
        lines: Vec::new(),
        kept: Vec::new(),
    };
    let fits = at.fits(&[1, 2, 5], &[(6, "Y"), (7, "A"), (8, "Y"), (9, "Y")])
        && at.comp(5, 2) == "B"
        && at.seg.components(5).count() == 3;
    Ok((claim, fits))
}

/// HI with ABK then ABF codes: the ICD-10 diagnoses; whether that is all it says.
fn diagnoses(at: &At<'_>) -> Result<(Vec<DiagnosisCode>, bool), ReadError> {
    let mut out = Vec::new();
    let mut fits = true;
    for n in 1..=at.seg.element_count() {
        if at.el(n).is_empty() {
            continue;
        }
        let qualifier = at.comp(n, 1);
        if (n == 1) != (qualifier == "ABK") || !matches!(qualifier, "ABK" | "ABF") {
            fits = false;
            continue;
        }
        let code = DiagnosisCode::parse(at.comp(n, 2))
            .map_err(|e| at.invalid(n, "an ICD-10-CM code", e))?;
        fits &= at.seg.components(n).count() == 2 && code.as_str() == at.comp(n, 2);
        out.push(code);
    }
    Ok((out, fits))
}

/// SV1: the service; whether that is all it says.
fn sv1(at: &At<'_>) -> Result<(Service, bool), ReadError> {
    if at.comp(1, 1) != "HC" {
        return Err(at.error(
            Some(1),
            ReadProblem::Unsupported {
                what: "a procedure code qualifier other than HC (SV101-1)",
            },
        ));
    }
    let hcpcs = Hcpcs::parse(at.comp(1, 2)).map_err(|e| at.invalid(1, "a HCPCS or CPT code", e))?;
    // Modifiers from all four slots, in slot order.
    let mut modifiers = Modifiers::EMPTY;
    // Whether the code and modifiers are written as the model writes them (in capitals).
    let mut as_written = hcpcs.as_str() == at.comp(1, 2);
    for slot in 3..=6 {
        let text = at.comp(1, slot);
        if !text.is_empty() {
            let m = Modifier::parse(text).map_err(|e| at.invalid(1, "a modifier", e))?;
            as_written &= m.as_str() == text;
            // Four slots, so four at most: push cannot fail.
            let _ = modifiers.push(m);
        }
    }
    let description = Some(at.comp(1, 7))
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    let units = units(at, 4)?;
    let place_of_service = match at.el(5) {
        "" => None,
        p => Some(
            PlaceOfService::parse(p).map_err(|e| at.invalid(5, "a place of service code", e))?,
        ),
    };
    let mut diagnosis_pointers = Vec::new();
    for p in at.seg.components(7).filter(|p| !p.is_empty()) {
        let n = p.parse::<u8>().map_err(|_| {
            at.invalid(
                7,
                "a diagnosis pointer",
                "SV107 components are numbers 1 to 12",
            )
        })?;
        diagnosis_pointers.push(n);
    }
    let service = Service {
        hcpcs,
        modifiers,
        description,
        charge: at.money(2)?,
        units,
        place_of_service,
        diagnosis_pointers,
    };
    // A code or modifier not in capitals (`u1`) keeps the segment whole, so `ecm diff` sees
    // what the file says and not only the model's `U1`.
    let canonical = as_written && at.seg.components(1).count() <= 7 && !modifier_gap(at);
    let fits = canonical && at.fits(&[1, 2, 4, 5, 7], &[(3, "UN")]);
    Ok((service, fits))
}

/// Whether SV101's modifiers leave an empty slot before a filled one (which the model loses).
fn modifier_gap(at: &At<'_>) -> bool {
    let slots: Vec<&str> = (3..=6).map(|c| at.comp(1, c)).collect();
    let last = slots.iter().rposition(|m| !m.is_empty()).unwrap_or(0);
    slots[..last].contains(&"")
}

/// SV104 as whole units: `1`, `1.0`, `7.00`.
fn units(at: &At<'_>, n: usize) -> Result<u32, ReadError> {
    at.required(n)?;
    let d = at.opt_decimal(n)?.unwrap_or_default();
    if d.fract() != Decimal::ZERO || d.is_sign_negative() {
        return Err(at.error(
            Some(n),
            ReadProblem::Unsupported {
                what: "a fractional or negative unit count",
            },
        ));
    }
    whole_units(d).ok_or_else(|| at.invalid(n, "a unit count", "it is too large"))
}

/// DTP*472: D8 (one day) or RD8 (first and last day).
fn service_dates(at: &At<'_>) -> Result<(NaiveDate, Option<NaiveDate>), ReadError> {
    match at.el(2) {
        "D8" => Ok((at.date(3)?, None)),
        "RD8" => {
            let v = at.required(3)?;
            let Some((a, b)) = v.split_once('-') else {
                return Err(at.error(
                    Some(3),
                    ReadProblem::Value(crate::x12::ElementProblem::BadDate),
                ));
            };
            Ok((at.date_text(3, a)?, Some(at.date_text(3, b)?)))
        }
        _ => Err(at.invalid(
            2,
            "D8 or RD8",
            "DTP02 says whether DTP03 is a date or a date range",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &str = "ISA*00*          *00*          *ZZ*ECMSUBMITTER   *ZZ*MCPRECEIVER    *250701*0930*^*00501*000000001*0*T*:~";
    const HEAD: &str = "ST*837*0001*005010X222A1~BHT*0019*00*B1*20250701*0930*CH~\
        NM1*41*2*EXAMPLE ECM PROVIDER INC*****46*ECMSUBMITTER~PER*IC*BILLING*TE*9165550100~\
        NM1*40*2*EXAMPLE PLAN*****46*MCPRECEIVER~";
    const BILLING: &str = "HL*1**20*1~NM1*85*2*EXAMPLE ECM PROVIDER INC*****XX*1234567893~\
        N3*100 MAIN STREET~N4*SACRAMENTO*CA*958141234~REF*EI*123456789~";
    const SUBSCRIBER: &str = "HL*2*1*22*0~SBR*P*18*******MC~\
        NM1*IL*1*MEMBER*TEST****MI*90000001A~DMG*D8*19800101*F~\
        NM1*PR*2*EXAMPLE PLAN*****PI*MCP0001~";

    /// One interchange, one group, one transaction: `claim` after the header, billing provider
    /// and subscriber loops (the SE count is not checked by the reader).
    fn file(claim: &str) -> String {
        format!(
            "{ISA}GS*HC*ECMSUBMITTER*MCPRECEIVER*20250701*0930*1*X*005010X222A1~\
             {HEAD}{BILLING}{SUBSCRIBER}{claim}SE*1*0001~GE*1*1~IEA*1*000000001~"
        )
    }

    const CLAIM: &str = "CLM*ECM1*150***12:B:1*Y*A*Y*Y~HI*ABK:Z5900~";

    fn read(text: &str) -> Result<Vec<ClaimDocument>, ReadError> {
        read_837(text.as_bytes())
    }

    fn only_line(docs: &[ClaimDocument]) -> &Line {
        &docs[0].transactions[0].subscribers[0].claims[0].lines[0]
    }

    #[test]
    fn modifiers_come_from_all_four_slots() {
        let line = "LX*1~SV1*HC:G9008:U1:U2:U8:GQ*150*UN*1***1~DTP*472*D8*20250601~";
        let docs = read(&file(&format!("{CLAIM}{line}"))).unwrap();
        let l = only_line(&docs);
        assert_eq!(l.modifiers.join(":"), "U1:U2:U8:GQ");
        assert!(l.kept.is_empty());
        // An empty slot before a filled one: the modifiers still read, and the SV1 is kept
        // whole because the model cannot say which slot was empty.
        let line = "LX*1~SV1*HC:G9008:U1::GQ*150*UN*1***1~DTP*472*D8*20250601~";
        let docs = read(&file(&format!("{CLAIM}{line}"))).unwrap();
        let l = only_line(&docs);
        assert_eq!(l.modifiers.join(":"), "U1:GQ");
        assert_eq!(l.kept.len(), 1);
        assert_eq!(l.kept[0].to_string(), "SV1*HC:G9008:U1::GQ*150*UN*1***1");
    }

    #[test]
    fn notes_attachments_and_condition_codes_are_kept_in_order() {
        let claim = "CLM*ECM1*150***12:B:1*Y*A*Y*Y~DTP*454*D8*20250501~PWK*OZ*BM~CN1*05~\
            AMT*F5*10~REF*EA*MR1~NTE*ADD*FIRST~CRC*E1*Y*L1~CRC*E2*N*L2~HI*ABK:Z5900~HI*BG:01~\
            NM1*DN*1*REFERRER*PAT****XX*1234567893~\
            LX*1~SV1*HC:G9008*150*UN*1***1~DTP*472*D8*20250601~REF*6R*E1~NTE*ADD*LINE NOTE~";
        let docs = read(&file(claim)).unwrap();
        let c = &docs[0].transactions[0].subscribers[0].claims[0];
        let kept: Vec<String> = c
            .kept
            .iter()
            .map(|k| format!("{} {k}", k.loop_id))
            .collect();
        assert_eq!(
            kept,
            [
                "2300 DTP*454*D8*20250501",
                "2300 PWK*OZ*BM",
                "2300 CN1*05",
                "2300 AMT*F5*10",
                "2300 REF*EA*MR1",
                "2300 NTE*ADD*FIRST",
                "2300 CRC*E1*Y*L1",
                "2300 CRC*E2*N*L2",
                "2300 HI*BG:01",
                "2310A NM1*DN*1*REFERRER*PAT****XX*1234567893",
            ]
        );
        assert_eq!(c.diagnoses.len(), 1);
        assert_eq!(c.lines[0].control_number.as_deref(), Some("E1"));
        assert_eq!(c.lines[0].kept[0].to_string(), "NTE*ADD*LINE NOTE");
    }

    #[test]
    fn groups_and_billing_providers_split_into_documents_and_transactions() {
        let line = "LX*1~SV1*HC:G9008*150*UN*1***1~DTP*472*D8*20250601~";
        let body = format!("{CLAIM}{line}");
        let two_billing = file(&format!(
            "{body}{}{}{}",
            BILLING.replace("HL*1**20*1", "HL*3**20*1"),
            SUBSCRIBER.replace("HL*2*1*", "HL*4*3*"),
            body.replace("ECM1", "ECM2")
        ));
        let docs = read(&two_billing).unwrap();
        let ids: Vec<(&str, &str)> = docs[0]
            .transactions
            .iter()
            .map(|t| {
                (
                    t.control_number.as_str(),
                    t.subscribers[0].claims[0].claim_id.as_str(),
                )
            })
            .collect();
        assert_eq!(ids, [("0001", "ECM1"), ("0001", "ECM2")]);

        let one = file(&body);
        let start = one.find("GS*").unwrap();
        let end = one.find("IEA*").unwrap();
        let group = &one[start..end];
        let two_groups = format!(
            "{ISA}{group}{}IEA*2*000000001~",
            group.replace("*1*X*", "*2*X*")
        );
        let docs = read(&two_groups).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(
            (
                docs[0].envelope.group_control_number,
                docs[1].envelope.group_control_number
            ),
            (1, 2)
        );
    }

    #[test]
    fn what_the_model_cannot_hold_is_a_located_error() {
        let cases = [
            (
                "LX*1~SV1*ER:X1*150*UN*1***1~DTP*472*D8*20250601~",
                "SV101",
                "procedure code qualifier other than HC",
            ),
            (
                "LX*1~SV1*HC:G9008*150*UN*1.5***1~DTP*472*D8*20250601~",
                "SV104",
                "fractional",
            ),
            (
                "LX*1~SV1*HC:G9008*150*UN*1***1~DTP*472*D8*20250631~",
                "DTP03",
                "not a real calendar date",
            ),
            ("LX*1~SV1*HC:G9008*150*UN*1***1~", "", "DTP*472"),
        ];
        for (line, element, says) in cases {
            let e = read(&file(&format!("{CLAIM}{line}"))).unwrap_err();
            assert_eq!(e.loop_id, Some("2400"), "{e}");
            assert_eq!(e.element.as_deref().unwrap_or(""), element, "{e}");
            assert!(e.to_string().contains(says), "{e}");
            assert!(e.position.is_some_and(|p| p.in_set.is_some()), "{e}");
        }
        let e = read(&file(CLAIM).replace("ST*837", "ST*835")).unwrap_err();
        assert!(
            matches!(e.problem, ReadProblem::WrongTransaction { .. }),
            "{e}"
        );
        let no_name = file(CLAIM).replace(
            "NM1*IL*1*MEMBER*TEST****MI*90000001A~DMG*D8*19800101*F~",
            "",
        );
        let e = read(&no_name).unwrap_err();
        assert!(e.to_string().contains("2010BA"), "{e}");
        assert!(!e.to_string().contains("MEMBER"), "{e}");
    }
}
