//! PMPM reconciliation: what each ECM provider should have been paid under its contract, against
//! what was paid, per provider-member-month, with a stable reason code for every difference.
//!
//! Pure: roster spans, contracts, encounter facts and payment facts in; member-month rows and
//! totals out. Reading files is `ops::reconcile`'s job, rendering `report::reconcile_*`'s.
//!
//! ```text
//! roster spans ─┐
//! contracts ────┼─▶ member-months (days enrolled, rule, contract, tier, rate) ─┐
//! encounters ───┴─▶ attributed services (engagement) + outreach attempts (cap)  ├─▶ rows + reasons ─▶ summary
//! payments ───────▶ paid per member-month, unattributed per provider ───────────┘
//! ```

pub mod encounter;
pub mod expectation;
pub mod member_month;
pub mod outreach;
pub mod payment;
pub mod reconciler;
pub mod remittance;
pub mod roster;
pub mod row;
pub mod summary;
pub mod variance;

pub use encounter::{Attribution, EncounterFact, EncounterKind, Unattributed};
pub use payment::{PaymentFact, PaymentKind};
pub use reconciler::{EncounterCounts, PaymentCounts, Reconciler, Reconciliation, reconcile};
pub use remittance::{EncounterIndex, MatchMethod, PaidLine};
pub use roster::RosterSpan;
pub use row::MemberMonthRow;
pub use summary::{ReasonTotal, Scope, Summary, SummaryRow, summarize};
pub use variance::Reason;

use crate::model::ServiceMonth;
use serde::Serialize;

/// The months reconciled, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthRange {
    pub from: ServiceMonth,
    pub to: ServiceMonth,
}

impl MonthRange {
    /// Whether `m` is inside the range.
    pub fn contains(&self, m: ServiceMonth) -> bool {
        m >= self.from && m <= self.to
    }

    /// The months, in order.
    pub fn months(&self) -> impl Iterator<Item = ServiceMonth> {
        self.from.through(self.to)
    }
}
