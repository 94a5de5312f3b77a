//! Why the writer refused to write, said so that billing staff can find the record and fix it.
//! Places are positions in the model (transaction, subscriber, claim, line; 1-based), never values.

use super::element::ElementProblem;
use crate::model::Money;
use std::fmt;

/// Where in the caller's transactions a refusal happened (1-based positions; `None` above that level).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Place {
    pub transaction: Option<u32>,
    pub subscriber: Option<u32>,
    pub claim: Option<u32>,
    pub line: Option<u32>,
}

impl Place {
    /// The interchange envelope (ISA, GS, GE, IEA).
    pub const ENVELOPE: Place = Place {
        transaction: None,
        subscriber: None,
        claim: None,
        line: None,
    };

    /// Transaction `t` (1-based).
    pub fn transaction(t: u32) -> Place {
        Place {
            transaction: Some(t),
            ..Place::ENVELOPE
        }
    }

    /// The same place, one subscriber deeper.
    pub fn subscriber(self, s: u32) -> Place {
        Place {
            subscriber: Some(s),
            ..self
        }
    }

    /// The same place, one claim deeper.
    pub fn claim(self, c: u32) -> Place {
        Place {
            claim: Some(c),
            ..self
        }
    }

    /// The same place, one line deeper.
    pub fn line(self, l: u32) -> Place {
        Place {
            line: Some(l),
            ..self
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = [
            ("transaction", self.transaction),
            ("subscriber", self.subscriber),
            ("claim", self.claim),
            ("line", self.line),
        ];
        let mut any = false;
        for (name, n) in parts {
            if let Some(n) = n {
                write!(f, "{}{name} {n}", if any { ", " } else { "" })?;
                any = true;
            }
        }
        if !any {
            f.write_str("interchange envelope")?;
        }
        Ok(())
    }
}

/// A rule above the single element that the transaction breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StructureProblem {
    #[error("the interchange has no transaction; write at least one before finishing")]
    NoTransactions,
    #[error("the {which} control number must be between 1 and 999999999")]
    ControlNumberRange { which: &'static str },
    #[error("the transaction has no subscriber; leave it out or add the members' claims")]
    NoSubscribers,
    #[error(
        "the transaction holds {count} claims, over the 5000 the guide allows; split it into several transactions"
    )]
    TooManyClaimsInTransaction { count: usize },
    #[error("the subscriber has no claim; every 2000B loop needs at least one 2300 claim")]
    NoClaims,
    #[error(
        "the subscriber has {count} claims, over the 100 the guide allows per subscriber loop; split them over two subscriber loops or transactions"
    )]
    TooManyClaimsForSubscriber { count: usize },
    #[error("the claim has no service line; a claim needs 1 to 50 lines")]
    NoLines,
    #[error(
        "the claim has {count} service lines, over the 50 allowed; split it into several claims"
    )]
    TooManyLines { count: usize },
    #[error(
        "the claim has no diagnosis; the HI segment needs at least one (configure the payer's default diagnosis)"
    )]
    NoDiagnoses,
    #[error(
        "the claim has {count} diagnoses, over the 12 one HI segment holds; keep the 12 that the lines point to"
    )]
    TooManyDiagnoses { count: usize },
    #[error(
        "the claim total {total} is not the sum of its line charges {lines}; recompute CLM02 from the lines"
    )]
    TotalMismatch { total: Money, lines: Money },
    #[error(
        "the patient control number (CLM01) is {len} characters; Medi-Cal plans keep only 20, so shorten the claim id"
    )]
    ClaimIdTooLong { len: usize },
    #[error(
        "the patient control number (CLM01) repeats an earlier claim's in this interchange; every claim needs its own"
    )]
    DuplicateClaimId,
    #[error(
        "the claim is a replacement or void (CLM05-3 = {frequency}) but names no original claim; set REF*F8 to the payer's claim control number"
    )]
    MissingOriginalReference { frequency: &'static str },
    #[error(
        "the claim is an original (CLM05-3 = 1) but carries REF*F8; the guide sends it only for replacements (7) and voids (8)"
    )]
    UnexpectedOriginalReference,
    #[error(
        "the line item control number (REF*6R) is {len} characters, over the 30 allowed; shorten the encounter id"
    )]
    LineControlTooLong { len: usize },
    #[error(
        "the line item control number (REF*6R) repeats the one of line {first}; each line of a claim needs its own"
    )]
    DuplicateLineControl { first: u32 },
    #[error("the line has no diagnosis pointer; point SV107 at 1 to 4 of the claim's diagnoses")]
    NoDiagnosisPointers,
    #[error("the line has {count} diagnosis pointers, over the 4 SV107 holds")]
    TooManyDiagnosisPointers { count: usize },
    #[error(
        "the line points at diagnosis {pointer} but the claim has {diagnoses}; point at 1 to {diagnoses}"
    )]
    DiagnosisPointerOutOfRange { pointer: u8, diagnoses: usize },
    #[error(
        "the submitter contact (1000A PER) has neither a phone number nor an e-mail address; configure one"
    )]
    NoSubmitterContact,
    #[error(
        "the billing provider ZIP code must be the full 9 digits (ZIP+4, no dash) in 2010AA N403"
    )]
    BillingZipNotNineDigits,
    #[error("the billing provider tax id (REF*EI) must be exactly 9 digits, no dash")]
    TaxIdNotNineDigits,
}

/// Why the 837P writer refused.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// One element breaks its guide spec.
    #[error(
        "cannot write {segment} in loop {loop_id}, element {element} ({name}), at {place}: the value {problem}"
    )]
    Element {
        segment: &'static str,
        loop_id: &'static str,
        element: &'static str,
        name: &'static str,
        place: Place,
        problem: ElementProblem,
    },
    /// A segment breaks a syntax rule between its elements.
    #[error("cannot write {segment} in loop {loop_id}, at {place}: it {problem}")]
    Segment {
        segment: &'static str,
        loop_id: &'static str,
        place: Place,
        problem: ElementProblem,
    },
    /// The transaction breaks a rule above single elements.
    #[error("cannot write loop {loop_id}, at {place}: {problem}")]
    Structure {
        loop_id: &'static str,
        place: Place,
        problem: StructureProblem,
    },
    /// An earlier refusal left the interchange incomplete.
    #[error(
        "an earlier error left this interchange incomplete; discard the output and write it again"
    )]
    Incomplete,
    #[error("could not write the 837 output: {0}")]
    Io(#[from] std::io::Error),
}

impl WriteError {
    /// The structural problem, when that is what this is (handy in tests and in rejects reports).
    pub fn structure(&self) -> Option<&StructureProblem> {
        match self {
            WriteError::Structure { problem, .. } => Some(problem),
            _ => None,
        }
    }

    /// The element problem and the element's reference designator, when that is what this is.
    pub fn element(&self) -> Option<(&'static str, &ElementProblem)> {
        match self {
            WriteError::Element {
                element, problem, ..
            } => Some((element, problem)),
            _ => None,
        }
    }

    /// Where the refusal happened, when it concerns one.
    pub fn place(&self) -> Option<Place> {
        match self {
            WriteError::Element { place, .. }
            | WriteError::Segment { place, .. }
            | WriteError::Structure { place, .. } => Some(*place),
            WriteError::Incomplete | WriteError::Io(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_read_as_positions() {
        assert_eq!(Place::ENVELOPE.to_string(), "interchange envelope");
        let p = Place::transaction(1).subscriber(2).claim(3).line(4);
        assert_eq!(
            p.to_string(),
            "transaction 1, subscriber 2, claim 3, line 4"
        );
    }

    #[test]
    fn an_element_error_names_segment_loop_element_and_fix() {
        let e = WriteError::Element {
            segment: "NM1",
            loop_id: "2010BA",
            element: "NM103",
            name: "Subscriber Last Name",
            place: Place::transaction(1).subscriber(2),
            problem: ElementProblem::TooLong { len: 61, max: 60 },
        };
        assert_eq!(
            e.to_string(),
            "cannot write NM1 in loop 2010BA, element NM103 (Subscriber Last Name), at transaction 1, \
             subscriber 2: the value is 61 characters long, over the maximum of 60; shorten it in the \
             source data (the writer never truncates)"
        );
    }
}
