//! The 835 reader: segments placed by the generated 005010X221A1 grammar and turned into the
//! remittance model. Streaming: [`Reader835::next_remittance`] holds one transaction set at a time.

use super::error::{ReadError, ReadProblem};
use super::placed::{At, PlacedReader, group_envelope, interchange_envelope, missing};
use super::tokenizer::Position;
use crate::model::{
    Address, Adjustment, ClaimPayment, Envelope, KeptSegment, Money, Party, Person, Procedure,
    ProviderAdjustment, QualifiedDate, Reference, Remittance, ServicePayment,
};
use crate::x12::P835;
use crate::x12::element::ElementProblem;
use chrono::NaiveDate;
use std::io::BufRead;
use std::path::Path;

/// Reads every 835 transaction set of a file, in file order.
pub fn read_835_file(path: impl AsRef<Path>) -> Result<Vec<Remittance>, ReadError> {
    let path = path.as_ref();
    read_835(super::open_file(path)?).map_err(|e| e.in_file(path))
}

/// Reads every 835 transaction set of a stream, in order.
pub fn read_835<R: BufRead>(input: R) -> Result<Vec<Remittance>, ReadError> {
    let mut reader = Reader835::new(input);
    let mut out = Vec::new();
    while let Some(r) = reader.next_remittance()? {
        out.push(r);
    }
    Ok(out)
}

/// Reads an 835 file one transaction set at a time.
pub struct Reader835<R> {
    placed: PlacedReader<R>,
    state: State,
}

impl Reader835<super::FileInput> {
    /// A reader at the start of the file at `path` (its errors are not yet tagged with the
    /// file: use [`ReadError::in_file`]).
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        Ok(Reader835::new(super::open_file(path)?))
    }
}

impl<R: BufRead> Reader835<R> {
    /// A reader at the start of `input`.
    pub fn new(input: R) -> Reader835<R> {
        Reader835 {
            placed: PlacedReader::new(input, &P835, "835"),
            state: State::default(),
        }
    }

    /// The next transaction set; `Ok(None)` at the end of the file.
    pub fn next_remittance(&mut self) -> Result<Option<Remittance>, ReadError> {
        loop {
            if let Some(r) = self.state.ready.take() {
                return Ok(Some(r));
            }
            let Some(at) = self.placed.next()? else {
                return Ok(None);
            };
            self.state.segment(&at)?;
        }
    }
}

#[derive(Default)]
struct State {
    isa: Option<Envelope>,
    envelope: Option<Envelope>,
    remittance: Option<Build>,
    claim: Option<ClaimPayment>,
    service: Option<ServicePayment>,
    ready: Option<Remittance>,
}

/// What has been read of one transaction set.
struct Build {
    at: Position,
    envelope: Envelope,
    control_number: String,
    payment: Option<Payment>,
    trace: Option<(String, Option<String>)>,
    production_date: Option<NaiveDate>,
    payer: Option<Party>,
    payee: Option<Party>,
    claims: Vec<ClaimPayment>,
    provider_adjustments: Vec<ProviderAdjustment>,
    kept: Vec<KeptSegment>,
}

/// BPR's values.
struct Payment {
    handling: String,
    total_paid: Money,
    credit_debit: String,
    payment_method: Option<String>,
    payment_date: Option<NaiveDate>,
}

impl State {
    fn segment(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        match (at.loop_id(), at.id()) {
            ("ISA_LOOP", "ISA") => self.isa = Some(interchange_envelope(at)?),
            ("GS_LOOP", "GS") => self.envelope = Some(group_envelope(at, self.isa.as_ref())?),
            ("ST_LOOP", "ST") => self.st(at)?,
            ("ST_LOOP", "SE") => self.finish(at)?,
            ("ST_LOOP", "PLB") => {
                self.finish_claim();
                let plb = provider_adjustments(at)?;
                self.remittance(at)?.provider_adjustments.extend(plb);
            }
            ("ISA_LOOP" | "GS_LOOP", _) => {
                if let Some(r) = &self.remittance {
                    return Err(missing(
                        r.at,
                        "ST",
                        "ST_LOOP",
                        "the SE closing this transaction set",
                    ));
                }
            }
            ("2110", _) => self.service(at)?,
            ("2100", _) => self.claim(at)?,
            ("1000A" | "1000B", _) => self.party(at)?,
            _ => self.header(at)?,
        }
        Ok(())
    }

    fn st(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        let Some(envelope) = self.envelope.clone() else {
            return Err(missing(
                at.position(),
                "ST",
                "GS_LOOP",
                "the GS before this ST",
            ));
        };
        self.remittance = Some(Build {
            at: at.position(),
            envelope,
            control_number: at.required(2)?.to_string(),
            payment: None,
            trace: None,
            production_date: None,
            payer: None,
            payee: None,
            claims: Vec::new(),
            provider_adjustments: Vec::new(),
            kept: Vec::new(),
        });
        Ok(())
    }

    fn remittance(&mut self, at: &At<'_>) -> Result<&mut Build, ReadError> {
        self.remittance.as_mut().ok_or_else(|| {
            missing(
                at.position(),
                at.id(),
                at.loop_id(),
                "the ST opening a transaction set",
            )
        })
    }

    /// The transaction header (BPR, TRN, DTM*405, ...) and loop 2000 (LX, TS3, TS2).
    fn header(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        if at.loop_id() == "2000" {
            self.finish_claim();
        }
        let r = self.remittance(at)?;
        let typed = match (at.loop_id(), at.id(), at.el(1)) {
            ("ST_LOOP", "BPR", _) => {
                r.payment = Some(Payment {
                    handling: at.required(1)?.to_string(),
                    total_paid: at.money(2)?,
                    credit_debit: at.required(3)?.to_string(),
                    payment_method: at.opt(4),
                    payment_date: at.opt_date(16)?,
                });
                at.fits(&[1, 2, 3, 4, 16], &[])
            }
            ("ST_LOOP", "TRN", "1") => {
                r.trace = Some((at.required(2)?.to_string(), at.opt(3)));
                at.fits(&[2, 3], &[(1, "1")])
            }
            ("ST_LOOP", "DTM", "405") => {
                r.production_date = Some(at.date(2)?);
                at.fits(&[2], &[(1, "405")])
            }
            // The header number only groups claims; the model lists them in file order.
            ("2000", "LX", _) => at.fits(&[1], &[]),
            _ => false,
        };
        if !typed {
            r.kept.push(at.kept()?);
        }
        Ok(())
    }

    /// Loops 1000A (payer) and 1000B (payee).
    fn party(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        let r = self.remittance(at)?;
        let payer = at.loop_id() == "1000A";
        let slot = if payer { &mut r.payer } else { &mut r.payee };
        let typed = match (at.id(), slot.as_mut()) {
            ("N1", _) if at.placed.opened => {
                *slot = Some(Party {
                    name: at.required(2)?.to_string(),
                    id_qualifier: at.opt(3),
                    id: at.opt(4),
                    address: None,
                });
                at.fits(&[2, 3, 4], &[(1, if payer { "PR" } else { "PE" })])
            }
            ("N3", Some(p)) => {
                let a = p.address.get_or_insert_with(Address::default);
                a.line1 = at.el(1).into();
                at.fits(&[1], &[])
            }
            ("N4", Some(p)) => {
                let a = p.address.get_or_insert_with(Address::default);
                a.city = at.el(1).into();
                a.state = at.el(2).into();
                a.zip = at.el(3).into();
                at.fits(&[1, 2, 3], &[])
            }
            _ => false,
        };
        if !typed {
            r.kept.push(at.kept()?);
        }
        Ok(())
    }

    fn claim(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        if at.placed.opened {
            self.finish_claim();
            self.remittance(at)?;
            let (claim, fits) = clp(at)?;
            self.claim = Some(claim);
            if !fits && let Some(c) = self.claim.as_mut() {
                c.kept.push(at.kept()?);
            }
            return Ok(());
        }
        let Some(c) = self.claim.as_mut() else {
            return Err(missing(
                at.position(),
                at.id(),
                "2100",
                "the CLP opening loop 2100",
            ));
        };
        let typed = match (at.id(), at.el(1)) {
            ("CAS", _) => {
                c.adjustments.extend(adjustments(at)?);
                true
            }
            ("NM1", "QC") if c.patient.is_none() => {
                c.patient = Some(person(at)?);
                at.fits(&[3, 4, 8, 9], &[(1, "QC"), (2, "1")])
            }
            ("REF", _) => {
                c.references.push(reference(at)?);
                at.fits(&[1, 2], &[])
            }
            ("DTM", _) => {
                c.dates.push(QualifiedDate {
                    qualifier: at.required(1)?.to_string(),
                    date: at.date(2)?,
                });
                at.fits(&[1, 2], &[])
            }
            _ => false,
        };
        if !typed {
            c.kept.push(at.kept()?);
        }
        Ok(())
    }

    fn service(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        if at.placed.opened {
            self.finish_service();
            if self.claim.is_none() {
                return Err(missing(
                    at.position(),
                    "SVC",
                    "2110",
                    "the CLP opening loop 2100 before the service",
                ));
            }
            let (service, fits) = svc(at)?;
            let mut service = service;
            if !fits {
                service.kept.push(at.kept()?);
            }
            self.service = Some(service);
            return Ok(());
        }
        let Some(s) = self.service.as_mut() else {
            return Err(missing(
                at.position(),
                at.id(),
                "2110",
                "the SVC opening loop 2110",
            ));
        };
        let typed = match (at.id(), at.el(1)) {
            ("CAS", _) => {
                s.adjustments.extend(adjustments(at)?);
                true
            }
            ("DTM", "472") if s.service_date.is_none() => {
                s.service_date = Some(at.date(2)?);
                at.fits(&[2], &[(1, "472")])
            }
            ("DTM", "150") if s.period_start.is_none() => {
                s.period_start = Some(at.date(2)?);
                at.fits(&[2], &[(1, "150")])
            }
            ("DTM", "151") if s.period_end.is_none() => {
                s.period_end = Some(at.date(2)?);
                at.fits(&[2], &[(1, "151")])
            }
            ("REF", "6R") if s.control_number.is_none() => {
                s.control_number = Some(at.required(2)?.to_string());
                at.fits(&[2], &[(1, "6R")])
            }
            ("REF", _) => {
                s.references.push(reference(at)?);
                at.fits(&[1, 2], &[])
            }
            _ => false,
        };
        if !typed {
            s.kept.push(at.kept()?);
        }
        Ok(())
    }

    fn finish_service(&mut self) {
        if let (Some(s), Some(c)) = (self.service.take(), self.claim.as_mut()) {
            c.services.push(s);
        }
    }

    fn finish_claim(&mut self) {
        self.finish_service();
        if let (Some(c), Some(r)) = (self.claim.take(), self.remittance.as_mut()) {
            r.claims.push(c);
        }
    }

    fn finish(&mut self, at: &At<'_>) -> Result<(), ReadError> {
        self.finish_claim();
        let Some(r) = self.remittance.take() else {
            return Err(missing(
                at.position(),
                "SE",
                "ST_LOOP",
                "the ST opening this transaction set",
            ));
        };
        let Some(p) = r.payment else {
            return Err(missing(
                r.at,
                "ST",
                "ST_LOOP",
                "the BPR (Financial Information)",
            ));
        };
        let Some((trace_number, trace_originator)) = r.trace else {
            return Err(missing(
                r.at,
                "ST",
                "ST_LOOP",
                "the TRN (Reassociation Trace Number)",
            ));
        };
        let Some(payer) = r.payer else {
            return Err(missing(
                r.at,
                "ST",
                "ST_LOOP",
                "loop 1000A (Payer Identification)",
            ));
        };
        let Some(payee) = r.payee else {
            return Err(missing(
                r.at,
                "ST",
                "ST_LOOP",
                "loop 1000B (Payee Identification)",
            ));
        };
        self.ready = Some(Remittance {
            envelope: r.envelope,
            control_number: r.control_number,
            handling: p.handling,
            total_paid: p.total_paid,
            credit_debit: p.credit_debit,
            payment_method: p.payment_method,
            payment_date: p.payment_date,
            trace_number,
            trace_originator,
            production_date: r.production_date,
            payer,
            payee,
            claims: r.claims,
            provider_adjustments: r.provider_adjustments,
            kept: r.kept,
        });
        Ok(())
    }
}

/// CLP: the claim payment with no services yet; whether that is all it says.
fn clp(at: &At<'_>) -> Result<(ClaimPayment, bool), ReadError> {
    let claim = ClaimPayment {
        claim_id: at.required(1)?.to_string(),
        status: at.required(2)?.to_string(),
        charge: at.money(3)?,
        paid: at.money(4)?,
        patient_responsibility: at.opt_money(5)?,
        filing_indicator: at.opt(6),
        payer_claim_number: at.opt(7),
        facility_code: at.opt(8),
        frequency: at.opt(9),
        adjustments: Vec::new(),
        patient: None,
        references: Vec::new(),
        dates: Vec::new(),
        services: Vec::new(),
        kept: Vec::new(),
    };
    Ok((claim, at.fits(&[1, 2, 3, 4, 5, 6, 7, 8, 9], &[])))
}

/// SVC: the service payment; whether that is all it says.
fn svc(at: &At<'_>) -> Result<(ServicePayment, bool), ReadError> {
    let position = at.position();
    let service = ServicePayment {
        segment: position.number,
        offset: position.offset,
        procedure: procedure(at, 1)?,
        charge: at.money(2)?,
        paid: at.money(3)?,
        revenue_code: at.opt(4),
        units: at.opt_decimal(5)?,
        submitted_procedure: match at.el(6) {
            "" => None,
            _ => Some(procedure(at, 6)?),
        },
        submitted_units: at.opt_decimal(7)?,
        service_date: None,
        period_start: None,
        period_end: None,
        adjustments: Vec::new(),
        control_number: None,
        references: Vec::new(),
        kept: Vec::new(),
    };
    Ok((service, at.fits(&[1, 2, 3, 4, 5, 6, 7], &[])))
}

/// An SVC procedure composite (SVC01 or SVC06).
fn procedure(at: &At<'_>, n: usize) -> Result<Procedure, ReadError> {
    let code = at.comp(n, 2);
    if code.is_empty() {
        return Err(at.error(Some(n), ReadProblem::Value(ElementProblem::Missing)));
    }
    Ok(Procedure {
        qualifier: at.comp(n, 1).to_string(),
        code: code.to_string(),
        modifiers: (3..=6)
            .map(|c| at.comp(n, c))
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .collect(),
        description: Some(at.comp(n, 7))
            .filter(|d| !d.is_empty())
            .map(str::to_string),
    })
}

/// CAS: every group/reason/amount(/quantity) triple.
fn adjustments(at: &At<'_>) -> Result<Vec<Adjustment>, ReadError> {
    let group = at.required(1)?;
    let mut out = Vec::new();
    for first in (2..=17).step_by(3) {
        let reason = at.el(first);
        if reason.is_empty() {
            continue;
        }
        out.push(Adjustment {
            group: group.to_string(),
            reason: reason.to_string(),
            amount: at.money(first + 1)?,
            quantity: at.opt_decimal(first + 2)?,
        });
    }
    if out.is_empty() {
        return Err(at.error(Some(2), ReadProblem::Value(ElementProblem::Missing)));
    }
    Ok(out)
}

/// PLB: one adjustment per reason/amount pair.
fn provider_adjustments(at: &At<'_>) -> Result<Vec<ProviderAdjustment>, ReadError> {
    let provider_id = at.required(1)?;
    let fiscal_period_end = at.date(2)?;
    let mut out = Vec::new();
    for first in (3..=13).step_by(2) {
        if at.el(first).is_empty() {
            continue;
        }
        let reason = at.comp(first, 1);
        if reason.is_empty() {
            return Err(at.error(Some(first), ReadProblem::Value(ElementProblem::Missing)));
        }
        out.push(ProviderAdjustment {
            provider_id: provider_id.to_string(),
            fiscal_period_end,
            reason: reason.to_string(),
            reference: Some(at.comp(first, 2))
                .filter(|r| !r.is_empty())
                .map(str::to_string),
            amount: at.money(first + 1)?,
        });
    }
    if out.is_empty() {
        return Err(at.error(Some(3), ReadProblem::Value(ElementProblem::Missing)));
    }
    Ok(out)
}

fn person(at: &At<'_>) -> Result<Person, ReadError> {
    Ok(Person {
        last_name: at.required(3)?.to_string(),
        first_name: at.opt(4),
        id_qualifier: at.opt(8),
        id: at.opt(9),
    })
}

fn reference(at: &At<'_>) -> Result<Reference, ReadError> {
    Ok(Reference {
        qualifier: at.required(1)?.to_string(),
        value: at.required(2)?.to_string(),
    })
}
