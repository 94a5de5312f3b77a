//! Payments as reconciliation sees them, from the payments CSV or (later) an 835, and what one
//! member-month received.

use crate::model::{Money, Npi, RowRef, ServiceMonth};
use chrono::NaiveDate;

/// What a payment line pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PaymentKind {
    /// Capitation for the member-month.
    Pmpm,
    /// Outreach fees.
    Outreach,
    /// A correction of the member-month's capitation (counted with PMPM).
    Adjustment,
}

impl PaymentKind {
    /// Parses `pmpm`, `outreach`, `adjustment` (case-insensitive).
    pub fn parse(s: &str) -> Option<PaymentKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pmpm" => Some(PaymentKind::Pmpm),
            "outreach" => Some(PaymentKind::Outreach),
            "adjustment" => Some(PaymentKind::Adjustment),
            _ => None,
        }
    }

    /// The column value.
    pub fn key(self) -> &'static str {
        match self {
            PaymentKind::Pmpm => "pmpm",
            PaymentKind::Outreach => "outreach",
            PaymentKind::Adjustment => "adjustment",
        }
    }
}

/// One payment line (negative amounts are recoupments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFact {
    pub payment_id: String,
    pub paid_date: NaiveDate,
    pub provider_npi: Npi,
    /// `None` for money paid to the provider as a whole (reported as UNATTRIBUTED).
    pub member_id: Option<String>,
    pub service_month: ServiceMonth,
    pub kind: PaymentKind,
    pub amount: Money,
    /// File (index into the run's payment files) and row or segment position.
    pub source: RowRef,
}

/// What one provider-member-month received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaidMonth {
    /// PMPM and adjustment lines, recoupments included.
    pub pmpm: Money,
    pub outreach: Money,
    /// Payment lines counted.
    pub lines: u32,
    /// The positive PMPM amounts seen, to recognise the same capitation paid twice: the first
    /// inline (nearly every month has one), any other distinct amounts after it.
    first_positive: Option<Money>,
    other_positive: Vec<Money>,
    repeated_pmpm: bool,
}

impl PaidMonth {
    /// Adds one payment line.
    pub fn add(&mut self, kind: PaymentKind, amount: Money) {
        self.lines += 1;
        match kind {
            PaymentKind::Pmpm => {
                if amount > Money::ZERO {
                    match self.first_positive {
                        None => self.first_positive = Some(amount),
                        Some(first) if first == amount => self.repeated_pmpm = true,
                        Some(_) if self.other_positive.contains(&amount) => {
                            self.repeated_pmpm = true
                        }
                        Some(_) => self.other_positive.push(amount),
                    }
                }
                self.pmpm += amount;
            }
            PaymentKind::Adjustment => self.pmpm += amount,
            PaymentKind::Outreach => self.outreach += amount,
        }
    }

    /// Whether two positive PMPM lines of the same amount were paid for the month.
    pub fn has_repeated_pmpm(&self) -> bool {
        self.repeated_pmpm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn recoupments_net_and_repeats_are_noticed() {
        let mut p = PaidMonth::default();
        p.add(PaymentKind::Pmpm, money("300.00"));
        assert!(!p.has_repeated_pmpm());
        p.add(PaymentKind::Pmpm, money("300.00"));
        p.add(PaymentKind::Pmpm, money("-300.00"));
        p.add(PaymentKind::Adjustment, money("-10.00"));
        p.add(PaymentKind::Outreach, money("35.00"));
        assert!(p.has_repeated_pmpm());
        // A repeat of a later distinct amount is noticed too.
        let mut q = PaidMonth::default();
        for a in ["300.00", "150.00", "150.00"] {
            q.add(PaymentKind::Pmpm, money(a));
        }
        assert!(q.has_repeated_pmpm());
        assert_eq!(
            (p.pmpm, p.outreach, p.lines),
            (money("290.00"), money("35.00"), 5)
        );
        assert_eq!(PaymentKind::parse(" PMPM "), Some(PaymentKind::Pmpm));
        assert_eq!(PaymentKind::parse("capitation"), None);
    }
}
