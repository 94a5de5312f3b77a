//! Variance reasons: the stable codes that explain why a member-month's payment differs from what
//! the contract says it should have been.

use crate::model::Money;
use serde::Serialize;
use std::fmt;

/// A variance reason, written as its stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Reason {
    /// Something was expected and nothing (net zero) was paid.
    Unpaid,
    /// Paid, but less than expected.
    Underpaid,
    /// Paid more than expected, with no more specific reason.
    Overpaid,
    /// PMPM paid for a month that is not an enrolled member-month under the contract's rule.
    PaidNotEnrolled,
    /// PMPM paid under the `engaged` basis for a month without a qualifying encounter.
    PaidWithoutQualifyingEncounter,
    /// PMPM overpaid and the same positive capitation amount was paid twice.
    DuplicatePayment,
    /// Outreach overpaid while attempts of the month were refused by the cap.
    OutreachOverCap,
    /// The member's tier has no rate in the contract: nothing is expected until it is fixed.
    UnknownTier,
    /// Money paid to a provider with no member on it (provider level).
    Unattributed,
}

impl Reason {
    /// Every reason, in code order.
    pub const ALL: [Reason; 9] = [
        Reason::Unpaid,
        Reason::Underpaid,
        Reason::Overpaid,
        Reason::PaidNotEnrolled,
        Reason::PaidWithoutQualifyingEncounter,
        Reason::DuplicatePayment,
        Reason::OutreachOverCap,
        Reason::UnknownTier,
        Reason::Unattributed,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Unpaid => "UNPAID",
            Reason::Underpaid => "UNDERPAID",
            Reason::Overpaid => "OVERPAID",
            Reason::PaidNotEnrolled => "PAID_NOT_ENROLLED",
            Reason::PaidWithoutQualifyingEncounter => "PAID_WITHOUT_QUALIFYING_ENCOUNTER",
            Reason::DuplicatePayment => "DUPLICATE_PAYMENT",
            Reason::OutreachOverCap => "OUTREACH_OVER_CAP",
            Reason::UnknownTier => "UNKNOWN_TIER",
            Reason::Unattributed => "UNATTRIBUTED",
        }
    }

    /// What the code means, for the report.
    pub fn meaning(self) -> &'static str {
        match self {
            Reason::Unpaid => "expected money was not paid at all",
            Reason::Underpaid => "paid less than the contract says",
            Reason::Overpaid => "paid more than the contract says",
            Reason::PaidNotEnrolled => {
                "capitation paid for a month that is not an enrolled member-month under the contract's rule"
            }
            Reason::PaidWithoutQualifyingEncounter => {
                "capitation paid under the engaged basis for a month with no qualifying encounter (recoupment risk)"
            }
            Reason::DuplicatePayment => "the same capitation was paid twice for the month",
            Reason::OutreachOverCap => "outreach fees paid for attempts beyond the contract's cap",
            Reason::UnknownTier => {
                "the member's tier has no rate in the contract; nothing is expected until the roster or contract is fixed"
            }
            Reason::Unattributed => "money paid to the provider without a member",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What the PMPM side of a member-month needs to be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PmpmFacts {
    /// Enrolled on at least one day of the month with the provider.
    pub enrolled: bool,
    /// A contract governs the month.
    pub has_contract: bool,
    /// The month counts under the contract's member-month rule.
    pub counted: bool,
    /// Under the `engaged` basis, the counted month has no qualifying encounter.
    pub lacks_engagement: bool,
    /// The counted, earning month's tier has no rate.
    pub unknown_tier: bool,
    /// The same positive PMPM amount was paid twice.
    pub repeated_payment: bool,
    pub expected: Money,
    pub paid: Money,
}

/// The PMPM reason, first match wins:
/// 1. PMPM paid (net above zero) for a month that has no enrollment, or has a contract whose
///    member-month rule does not count it -> PAID_NOT_ENROLLED;
/// 2. PMPM paid for a counted month that the `engaged` basis does not pay -> PAID_WITHOUT_QUALIFYING_ENCOUNTER;
/// 3. a counted, earning month whose tier has no rate -> UNKNOWN_TIER (whatever was paid);
/// 4. paid = expected -> none;
/// 5. paid below expected -> UNPAID when paid is zero, else UNDERPAID;
/// 6. paid above expected -> DUPLICATE_PAYMENT when the same positive PMPM amount was paid twice,
///    else OVERPAID.
pub fn pmpm_reason(f: PmpmFacts) -> Option<Reason> {
    let paid_something = f.paid > Money::ZERO;
    if paid_something && (!f.enrolled || (f.has_contract && !f.counted)) {
        return Some(Reason::PaidNotEnrolled);
    }
    if paid_something && f.lacks_engagement {
        return Some(Reason::PaidWithoutQualifyingEncounter);
    }
    if f.unknown_tier {
        return Some(Reason::UnknownTier);
    }
    compare(f.expected, f.paid, || {
        if f.repeated_payment {
            Reason::DuplicatePayment
        } else {
            Reason::Overpaid
        }
    })
}

/// The outreach reason: paid = expected -> none; below -> UNPAID (nothing paid) or UNDERPAID;
/// above -> OUTREACH_OVER_CAP when attempts of the month were refused by the cap, else OVERPAID.
pub fn outreach_reason(expected: Money, paid: Money, refused_by_cap: u32) -> Option<Reason> {
    compare(expected, paid, || {
        if refused_by_cap > 0 {
            Reason::OutreachOverCap
        } else {
            Reason::Overpaid
        }
    })
}

fn compare(expected: Money, paid: Money, over: impl FnOnce() -> Reason) -> Option<Reason> {
    if paid == expected {
        None
    } else if paid < expected {
        Some(if paid.is_zero() {
            Reason::Unpaid
        } else {
            Reason::Underpaid
        })
    } else {
        Some(over())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn base() -> PmpmFacts {
        PmpmFacts {
            enrolled: true,
            has_contract: true,
            counted: true,
            lacks_engagement: false,
            unknown_tier: false,
            repeated_payment: false,
            expected: money("300.00"),
            paid: money("300.00"),
        }
    }

    #[test]
    fn each_pmpm_reason() {
        assert_eq!(pmpm_reason(base()), None);
        let p = |f: PmpmFacts| pmpm_reason(f).map(Reason::code);
        assert_eq!(
            p(PmpmFacts {
                paid: Money::ZERO,
                ..base()
            }),
            Some("UNPAID")
        );
        assert_eq!(
            p(PmpmFacts {
                paid: money("250.00"),
                ..base()
            }),
            Some("UNDERPAID")
        );
        assert_eq!(
            p(PmpmFacts {
                paid: money("310.00"),
                ..base()
            }),
            Some("OVERPAID")
        );
        assert_eq!(
            p(PmpmFacts {
                paid: money("600.00"),
                repeated_payment: true,
                ..base()
            }),
            Some("DUPLICATE_PAYMENT")
        );
        // Retro termination: no enrollment any more, but paid.
        assert_eq!(
            p(PmpmFacts {
                enrolled: false,
                counted: false,
                expected: Money::ZERO,
                ..base()
            }),
            Some("PAID_NOT_ENROLLED")
        );
        assert_eq!(
            p(PmpmFacts {
                lacks_engagement: true,
                expected: Money::ZERO,
                ..base()
            }),
            Some("PAID_WITHOUT_QUALIFYING_ENCOUNTER")
        );
        assert_eq!(
            p(PmpmFacts {
                unknown_tier: true,
                expected: Money::ZERO,
                paid: Money::ZERO,
                ..base()
            }),
            Some("UNKNOWN_TIER")
        );
        // Enrolled with no contract at all: nothing expected, payment is an overpayment.
        assert_eq!(
            p(PmpmFacts {
                has_contract: false,
                counted: false,
                expected: Money::ZERO,
                ..base()
            }),
            Some("OVERPAID")
        );
    }

    #[test]
    fn each_outreach_reason() {
        let r = |e: &str, p: &str, c| outreach_reason(money(e), money(p), c).map(Reason::code);
        assert_eq!(r("70.00", "70.00", 1), None);
        assert_eq!(r("70.00", "0", 0), Some("UNPAID"));
        assert_eq!(r("70.00", "35.00", 0), Some("UNDERPAID"));
        assert_eq!(r("70.00", "105.00", 1), Some("OUTREACH_OVER_CAP"));
        assert_eq!(r("70.00", "105.00", 0), Some("OVERPAID"));
    }
}
