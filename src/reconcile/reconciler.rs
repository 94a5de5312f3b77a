//! The reconciliation itself: roster and contracts first, then encounters and payments one at a
//! time (so millions of them never need to sit in memory as whole records), then
//! [`Reconciler::finish`] turns what was gathered into member-month rows. No I/O.

use super::encounter::{Attribution, EncounterFact};
use super::expectation::{Rate, TierNames, expect_pmpm, governing_contract};
use super::member_month::{DaySet, enrolled_days};
use super::outreach::{Attempt, AttemptOutcome, judge_attempts};
use super::payment::{PaidMonth, PaymentFact};
use super::roster::{RosterSpan, covering_with, sort_spans};
use super::row::MemberMonthRow;
use super::variance::{PmpmFacts, outreach_reason, pmpm_reason};
use super::{MonthRange, encounter::attribute};
use crate::config::Contract;
use crate::digest::FnvHashMap;
use crate::model::{Money, Npi, ServiceMonth};
use chrono::NaiveDate;
use serde::Serialize;
use std::ops::Range;

/// What one provider-member-month gathers before it becomes a row.
#[derive(Debug, Default)]
struct Gathered {
    qualifying: u32,
    paid: PaidMonth,
    outreach_attempts: u32,
    outreach_payable: u32,
    outreach_over_cap: u32,
    expected_outreach: Money,
}

/// One provider-month of one member while gathering, and its enrolled days once known.
#[derive(Debug)]
struct Cell {
    provider: Npi,
    month: ServiceMonth,
    days: DaySet,
    g: Gathered,
}

/// An outreach attempt waiting for the cap to be applied.
#[derive(Debug)]
struct OutreachRecord {
    provider: Npi,
    member: u32,
    date: NaiveDate,
    /// The encounter id's bytes in [`Reconciler::outreach_ids`].
    id: Range<usize>,
    before_enrollment: bool,
}

/// How the encounters went.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct EncounterCounts {
    /// Qualifying services attributed to a provider.
    pub services: u64,
    /// Outreach attempts attributed to a provider.
    pub outreach_attempts: u64,
    /// Encounters that could not be attributed (each reported as RCN-014).
    pub unattributed: u64,
    /// Attributed services dated outside the reconciled months (ignored).
    pub services_outside_months: u64,
}

/// How the payments went.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentCounts {
    /// Payment lines applied to a member-month.
    pub member_lines: u64,
    /// Payment lines with no member (provider level, UNATTRIBUTED).
    pub unattributed_lines: u64,
    /// Payment lines for months outside the reconciled months (ignored).
    pub outside_months: u64,
    /// Net amount of the ignored lines.
    pub outside_months_amount: Money,
}

/// Gathers roster, encounters and payments, then reconciles them.
///
/// Everything is kept per member (an index given to each member_id when first met): the roster
/// spans, and a short list of provider-months with what they gathered. A member has a few dozen
/// provider-months at most, so finding one is a short scan, and [`Reconciler::finish`] can write
/// rows in provider, member, month order without sorting millions of them.
pub struct Reconciler<'c> {
    months: MonthRange,
    contracts: FnvHashMap<Npi, Vec<&'c Contract>>,
    tiers: TierNames,
    member_index: FnvHashMap<Box<str>, u32>,
    member_ids: Vec<Box<str>>,
    /// Spans, grouped by member index and sorted within a member.
    spans: Vec<RosterSpan>,
    /// The range of `spans` per member index (members met only in payments have none).
    span_ranges: Vec<Range<usize>>,
    /// Provider-months per member index.
    cells: Vec<Vec<Cell>>,
    outreach: Vec<OutreachRecord>,
    /// Outreach encounter ids, end to end (one allocation instead of one per attempt).
    outreach_ids: String,
    unattributed_payments: Vec<PaymentFact>,
    encounters: EncounterCounts,
    payments: PaymentCounts,
}

/// The result: member-month rows sorted by provider NPI, member_id and month, and the money paid
/// with no member.
#[derive(Debug)]
pub struct Reconciliation<'c> {
    pub months: MonthRange,
    pub rows: Vec<MemberMonthRow<'c>>,
    /// Member ids, by the index rows carry.
    pub members: Vec<Box<str>>,
    /// Payments with no member, sorted by provider, month, payment_id.
    pub unattributed_payments: Vec<PaymentFact>,
    pub encounters: EncounterCounts,
    pub payments: PaymentCounts,
}

impl Reconciliation<'_> {
    /// The member_id of a row.
    pub fn member_id(&self, row: &MemberMonthRow) -> &str {
        self.members.get(row.member as usize).map_or("", |m| m)
    }
}

impl<'c> Reconciler<'c> {
    /// Starts a reconciliation of `months` under `contracts` with the roster's spans.
    pub fn new(contracts: &'c [Contract], roster: Vec<RosterSpan>, months: MonthRange) -> Self {
        let mut by_npi: FnvHashMap<Npi, Vec<&'c Contract>> = FnvHashMap::default();
        for c in contracts {
            by_npi.entry(c.provider_npi).or_default().push(c);
        }
        let mut spans = roster;
        spans.sort_by(|a, b| a.member_id.cmp(&b.member_id));
        let mut r = Reconciler {
            months,
            contracts: by_npi,
            tiers: TierNames::of(contracts),
            member_index: FnvHashMap::default(),
            member_ids: Vec::new(),
            spans: Vec::new(),
            span_ranges: Vec::new(),
            cells: Vec::new(),
            outreach: Vec::new(),
            outreach_ids: String::new(),
            unattributed_payments: Vec::new(),
            encounters: EncounterCounts::default(),
            payments: PaymentCounts::default(),
        };
        let mut start = 0;
        while start < spans.len() {
            let end = start
                + spans[start..]
                    .iter()
                    .take_while(|s| s.member_id == spans[start].member_id)
                    .count();
            sort_spans(&mut spans[start..end]);
            let idx = r.intern(&spans[start].member_id);
            debug_assert_eq!(idx as usize, r.span_ranges.len() - 1);
            r.span_ranges[idx as usize] = start..end;
            start = end;
        }
        r.spans = spans;
        r
    }

    fn intern(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.member_index.get(id) {
            return i;
        }
        let i = self.member_ids.len() as u32;
        self.member_ids.push(id.into());
        self.member_index.insert(id.into(), i);
        self.span_ranges.push(0..0);
        self.cells.push(Vec::new());
        i
    }

    fn spans_of(&self, member: Option<u32>) -> &[RosterSpan] {
        member
            .and_then(|m| self.span_ranges.get(m as usize))
            .map_or(&[], |r| &self.spans[r.clone()])
    }

    /// The provider-month of a member, added when first needed. Searched from the end: payments
    /// and encounters mostly arrive month by month.
    fn cell(&mut self, member: u32, provider: Npi, month: ServiceMonth) -> &mut Gathered {
        let cells = &mut self.cells[member as usize];
        let i = match cells
            .iter()
            .rposition(|c| c.month == month && c.provider == provider)
        {
            Some(i) => i,
            None => {
                cells.push(Cell {
                    provider,
                    month,
                    days: DaySet::EMPTY,
                    g: Gathered::default(),
                });
                cells.len() - 1
            }
        };
        &mut cells[i].g
    }

    /// Adds one encounter and says where it went (the caller reports unattributed ones).
    pub fn add_encounter(&mut self, e: &EncounterFact) -> Attribution {
        let member = self.member_index.get(e.member_id.as_str()).copied();
        let a = attribute(self.spans_of(member), e);
        match a {
            Attribution::Service { provider } => {
                let month = ServiceMonth::of(e.date);
                if self.months.contains(month) {
                    self.encounters.services += 1;
                    let m = member.unwrap_or_else(|| self.intern(&e.member_id));
                    self.cell(m, provider, month).qualifying += 1;
                } else {
                    self.encounters.services_outside_months += 1;
                }
            }
            Attribution::Outreach {
                provider,
                before_enrollment,
            } => {
                // Attempts outside the months are kept: they still use up the cap's window.
                self.encounters.outreach_attempts += 1;
                let m = member.unwrap_or_else(|| self.intern(&e.member_id));
                let start = self.outreach_ids.len();
                self.outreach_ids.push_str(&e.encounter_id);
                self.outreach.push(OutreachRecord {
                    provider,
                    member: m,
                    date: e.date,
                    id: start..self.outreach_ids.len(),
                    before_enrollment,
                });
            }
            Attribution::Unattributed(_) => self.encounters.unattributed += 1,
        }
        a
    }

    /// Adds one payment line.
    pub fn add_payment(&mut self, p: PaymentFact) {
        if !self.months.contains(p.service_month) {
            self.payments.outside_months += 1;
            self.payments.outside_months_amount += p.amount;
            return;
        }
        match &p.member_id {
            None => {
                self.payments.unattributed_lines += 1;
                self.unattributed_payments.push(p);
            }
            Some(id) => {
                self.payments.member_lines += 1;
                let m = self.intern(id);
                self.cell(m, p.provider_npi, p.service_month)
                    .paid
                    .add(p.kind, p.amount);
            }
        }
    }

    /// Applies the outreach cap to every member's attempts, in date then encounter-id order.
    fn judge_outreach(&mut self) {
        let mut recs = std::mem::take(&mut self.outreach);
        let ids = std::mem::take(&mut self.outreach_ids);
        recs.sort_unstable_by(|a, b| {
            (a.provider, a.member, a.date, &ids[a.id.clone()]).cmp(&(
                b.provider,
                b.member,
                b.date,
                &ids[b.id.clone()],
            ))
        });
        let mut attempts: Vec<Attempt> = Vec::new();
        let mut start = 0;
        while start < recs.len() {
            let (p, m) = (recs[start].provider, recs[start].member);
            let end = start
                + recs[start..]
                    .iter()
                    .take_while(|r| r.provider == p && r.member == m)
                    .count();
            let contracts = self.contracts.get(&p).map_or(&[][..], Vec::as_slice);
            attempts.clear();
            attempts.extend(recs[start..end].iter().map(|r| {
                Attempt {
                    date: r.date,
                    encounter_id: &ids[r.id.clone()],
                    before_enrollment: r.before_enrollment,
                    contract: contracts
                        .iter()
                        .copied()
                        .find(|c| c.effective().contains(r.date)),
                }
            }));
            for (r, outcome) in recs[start..end].iter().zip(judge_attempts(&attempts)) {
                let month = ServiceMonth::of(r.date);
                if !self.months.contains(month) {
                    continue;
                }
                let g = self.cell(m, p, month);
                g.outreach_attempts += 1;
                match outcome {
                    AttemptOutcome::Payable(fee) => {
                        g.outreach_payable += 1;
                        g.expected_outreach += fee;
                    }
                    AttemptOutcome::OverCap => g.outreach_over_cap += 1,
                    AttemptOutcome::NotBeforeEnrollment | AttemptOutcome::NoFee => {}
                }
            }
            start = end;
        }
    }

    /// Sets the enrolled days of every provider-month of member `m` with enrollment (adding the
    /// provider-months nothing else touched), then orders its provider-months.
    fn enroll(&mut self, m: usize) {
        let spans = &self.spans[self.span_ranges[m].clone()];
        let cells = &mut self.cells[m];
        let mut providers: Vec<Npi> = spans.iter().map(|s| s.provider_npi).collect();
        providers.sort();
        providers.dedup();
        let mut added: Vec<Cell> = Vec::new();
        for p in providers {
            let mine = || spans.iter().filter(|s| s.provider_npi == p);
            let (Some(first), Some(last)) = (
                mine().map(|s| s.start).min(),
                mine().map(|s| s.end_or_max()).max(),
            ) else {
                continue;
            };
            let from = ServiceMonth::of(first).max(self.months.from);
            let to = if last >= self.months.to.last_day() {
                self.months.to
            } else {
                ServiceMonth::of(last).min(self.months.to)
            };
            for month in from.through(to) {
                let days = enrolled_days(mine(), month);
                if days.is_empty() {
                    continue;
                }
                match cells
                    .iter_mut()
                    .find(|c| c.month == month && c.provider == p)
                {
                    Some(c) => c.days = days,
                    None => added.push(Cell {
                        provider: p,
                        month,
                        days,
                        g: Gathered::default(),
                    }),
                }
            }
        }
        // Exactly the room needed: millions of members, each with a short list.
        cells.reserve_exact(added.len());
        cells.append(&mut added);
        cells.sort_unstable_by_key(|c| (c.provider, c.month));
    }

    /// Turns everything gathered into member-month rows, by provider NPI, member_id and month.
    pub fn finish(mut self) -> Reconciliation<'c> {
        self.judge_outreach();
        let mut providers: Vec<Npi> = Vec::new();
        let mut total = 0;
        for m in 0..self.cells.len() {
            self.enroll(m);
            providers.extend(self.cells[m].iter().map(|c| c.provider));
            total += self.cells[m].len();
        }
        providers.sort_unstable();
        providers.dedup();
        // Members by member_id text, not by the order they were met.
        let mut order: Vec<u32> = (0..self.member_ids.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            self.member_ids[a as usize].cmp(&self.member_ids[b as usize])
        });
        // Each member's provider-months are sorted by provider, so one provider's are a run;
        // `next` is where each member's next provider starts.
        let mut next = vec![0usize; self.cells.len()];
        let mut rows = Vec::with_capacity(total);
        let mut cells = std::mem::take(&mut self.cells);
        for &p in &providers {
            for &m in &order {
                let list = &mut cells[m as usize];
                let from = next[m as usize];
                let n = list[from..].iter().take_while(|c| c.provider == p).count();
                for c in &mut list[from..from + n] {
                    let g = std::mem::take(&mut c.g);
                    rows.push(self.row((c.provider, m, c.month), c.days, g));
                }
                if from + n == list.len() {
                    // The member's last provider: its list is done.
                    *list = Vec::new();
                    next[m as usize] = 0;
                } else {
                    next[m as usize] = from + n;
                }
            }
        }
        let mut unattributed = std::mem::take(&mut self.unattributed_payments);
        unattributed.sort_by(|a, b| {
            (a.provider_npi, a.service_month, &a.payment_id, a.source).cmp(&(
                b.provider_npi,
                b.service_month,
                &b.payment_id,
                b.source,
            ))
        });
        Reconciliation {
            months: self.months,
            rows,
            members: self.member_ids,
            unattributed_payments: unattributed,
            encounters: self.encounters,
            payments: self.payments,
        }
    }

    fn row(
        &self,
        (provider, member, month): (Npi, u32, ServiceMonth),
        days: DaySet,
        g: Gathered,
    ) -> MemberMonthRow<'c> {
        let contracts = self.contracts.get(&provider).map_or(&[][..], Vec::as_slice);
        let governing = governing_contract(contracts, month, days);
        let contract = governing.map(|(c, _)| c);
        // The tier is the one of the span in force on the governing day (or the first enrolled day).
        let tier_day = governing
            .map(|(_, d)| d)
            .or_else(|| days.first())
            .and_then(|d| NaiveDate::from_ymd_opt(month.year(), month.month(), d));
        let tier = tier_day
            .filter(|_| !days.is_empty())
            .and_then(|d| covering_with(self.spans_of(Some(member)), provider, d))
            .and_then(|s| s.tier.clone());
        let e = expect_pmpm(
            contract,
            month,
            days,
            tier.as_deref(),
            &self.tiers,
            g.qualifying,
        );
        let unknown_tier = e.earns && e.rate == Some(Rate::UnknownTier);
        let pmpm = pmpm_reason(PmpmFacts {
            enrolled: !days.is_empty(),
            has_contract: contract.is_some(),
            counted: e.counted,
            lacks_engagement: e.counted && !e.earns,
            unknown_tier,
            repeated_payment: g.paid.has_repeated_pmpm(),
            expected: e.amount,
            paid: g.paid.pmpm,
        });
        let outreach = outreach_reason(g.expected_outreach, g.paid.outreach, g.outreach_over_cap);
        MemberMonthRow {
            provider_npi: provider,
            member,
            month,
            contract,
            enrolled_days: days.count(),
            days_in_month: month.days(),
            counted: e.counted,
            factor: e.factor,
            tier,
            rate: e.rate,
            qualifying_encounters: g.qualifying,
            outreach_attempts: g.outreach_attempts,
            outreach_payable: g.outreach_payable,
            outreach_over_cap: g.outreach_over_cap,
            expected_pmpm: e.amount,
            expected_outreach: g.expected_outreach,
            paid_pmpm: g.paid.pmpm,
            paid_outreach: g.paid.outreach,
            payment_lines: g.paid.lines,
            pmpm_reason: pmpm,
            outreach_reason: outreach,
        }
    }
}

/// A convenience for tests and small inputs: reconcile everything at once.
pub fn reconcile<'c>(
    contracts: &'c [Contract],
    roster: Vec<RosterSpan>,
    encounters: &[EncounterFact],
    payments: Vec<PaymentFact>,
    months: MonthRange,
) -> Reconciliation<'c> {
    let mut r = Reconciler::new(contracts, roster, months);
    for e in encounters {
        r.add_encounter(e);
    }
    for p in payments {
        r.add_payment(p);
    }
    r.finish()
}

#[cfg(test)]
mod tests {
    use super::super::encounter::EncounterKind;
    use super::super::expectation::tests::{contract, money};
    use super::super::payment::PaymentKind;
    use super::super::roster::tests::{d, npi_a, span};
    use super::*;
    use crate::config::PaymentBasis;
    use crate::model::RowRef;

    fn months(from: &str, to: &str) -> MonthRange {
        MonthRange {
            from: ServiceMonth::parse(from).unwrap(),
            to: ServiceMonth::parse(to).unwrap(),
        }
    }

    fn pay(
        id: &str,
        member: Option<&str>,
        month: &str,
        kind: PaymentKind,
        amount: &str,
    ) -> PaymentFact {
        PaymentFact {
            payment_id: id.into(),
            paid_date: d("2025-12-01"),
            provider_npi: npi_a(),
            member_id: member.map(str::to_string),
            service_month: ServiceMonth::parse(month).unwrap(),
            kind,
            amount: money(amount),
            source: RowRef { file: 0, row: 0 },
        }
    }

    fn enc(id: &str, member: &str, date: &str, kind: EncounterKind) -> EncounterFact {
        EncounterFact {
            encounter_id: id.into(),
            member_id: member.into(),
            date: d(date),
            kind,
            hcpcs: crate::model::Hcpcs::parse("G9008").unwrap(),
            modifiers: crate::model::Modifiers::EMPTY,
            charge: None,
            provider_npi: None,
            source: RowRef { file: 0, row: 0 },
        }
    }

    fn codes(r: &MemberMonthRow) -> Vec<&'static str> {
        r.reasons().map(Reason::code).collect()
    }

    use super::super::variance::Reason;

    /// Retro termination after payment: paid Jan-Mar at 300.00; the roster now ends the span on
    /// 2025-01-31. January reconciles; February and March were paid with no enrollment ->
    /// PAID_NOT_ENROLLED, +300.00 each.
    #[test]
    fn a_retro_termination_after_payment() {
        let c = [contract("c", "2025-01-01", None)];
        let roster = vec![span("M1", npi_a(), "2025-01-01", Some("2025-01-31"))];
        let payments = ["2025-01", "2025-02", "2025-03"]
            .iter()
            .enumerate()
            .map(|(i, m)| pay(&format!("P{i}"), Some("M1"), m, PaymentKind::Pmpm, "300.00"))
            .collect();
        let r = reconcile(&c, roster, &[], payments, months("2025-01", "2025-03"));
        assert_eq!(r.rows.len(), 3);
        assert!(codes(&r.rows[0]).is_empty());
        for row in &r.rows[1..] {
            assert_eq!(codes(row), vec!["PAID_NOT_ENROLLED"]);
            assert_eq!(row.variance(), money("300.00"));
        }
    }

    /// Tier change mid-year: the roster has M1 at tier high (450.00) Jan-Jun and at tier low
    /// (250.00) from Jul 1. Expected: 6 x 450.00 + 6 x 250.00 = 4,200.00 for the year; nothing
    /// was paid, so every month is UNPAID.
    #[test]
    fn a_tier_change_mid_year() {
        let mut c = contract("c", "2025-01-01", None);
        c.tier_rates.insert("low".into(), money("250.00"));
        let c = [c];
        let mut high = span("M1", npi_a(), "2025-01-01", Some("2025-06-30"));
        high.tier = Some("high".into());
        let mut low = span("M1", npi_a(), "2025-07-01", None);
        low.tier = Some("low".into());
        let r = reconcile(
            &c,
            vec![high, low],
            &[],
            vec![],
            months("2025-01", "2025-12"),
        );
        assert_eq!(r.rows.len(), 12);
        assert_eq!(r.rows[5].expected_pmpm, money("450.00"));
        assert_eq!(r.rows[6].expected_pmpm, money("250.00"));
        assert_eq!(r.rows[6].tier.as_deref(), Some("low"));
        let total: Money = r.rows.iter().map(|x| x.expected_pmpm).sum();
        assert_eq!(total, money("4200.00"));
        assert!(r.rows.iter().all(|x| codes(x) == vec!["UNPAID"]));
    }

    /// Duplicate payment then recoupment: March paid 300.00 twice -> DUPLICATE_PAYMENT +300.00;
    /// April paid twice and one recouped (-300.00) -> 300.00 net, reconciles.
    #[test]
    fn a_duplicate_payment_and_a_recoupment() {
        let c = [contract("c", "2025-01-01", None)];
        let roster = vec![span("M1", npi_a(), "2025-03-01", Some("2025-04-30"))];
        let payments = vec![
            pay("P1", Some("M1"), "2025-03", PaymentKind::Pmpm, "300.00"),
            pay("P2", Some("M1"), "2025-03", PaymentKind::Pmpm, "300.00"),
            pay("P3", Some("M1"), "2025-04", PaymentKind::Pmpm, "300.00"),
            pay("P4", Some("M1"), "2025-04", PaymentKind::Pmpm, "300.00"),
            pay("P5", Some("M1"), "2025-04", PaymentKind::Pmpm, "-300.00"),
        ];
        let r = reconcile(&c, roster, &[], payments, months("2025-03", "2025-04"));
        assert_eq!(codes(&r.rows[0]), vec!["DUPLICATE_PAYMENT"]);
        assert_eq!(r.rows[0].variance(), money("300.00"));
        assert!(codes(&r.rows[1]).is_empty());
        assert_eq!(r.rows[1].paid_pmpm, money("300.00"));
    }

    /// Engaged basis, a month with only outreach: May has two outreach attempts (35.00 each,
    /// payable) and no service -> no PMPM expected; the plan paid 300.00 PMPM ->
    /// PAID_WITHOUT_QUALIFYING_ENCOUNTER; outreach paid 70.00 reconciles. June has one service
    /// -> 300.00 expected and paid.
    #[test]
    fn an_engaged_month_with_only_outreach() {
        let c = [Contract {
            payment_basis: PaymentBasis::Engaged,
            ..contract("c", "2025-01-01", None)
        }];
        let roster = vec![span("M1", npi_a(), "2025-05-01", None)];
        let encounters = [
            enc("E1", "M1", "2025-05-02", EncounterKind::Outreach),
            enc("E2", "M1", "2025-05-09", EncounterKind::Outreach),
            enc("E3", "M1", "2025-06-09", EncounterKind::Service),
        ];
        let payments = vec![
            pay("P1", Some("M1"), "2025-05", PaymentKind::Pmpm, "300.00"),
            pay("P2", Some("M1"), "2025-05", PaymentKind::Outreach, "70.00"),
            pay("P3", Some("M1"), "2025-06", PaymentKind::Pmpm, "300.00"),
        ];
        let r = reconcile(
            &c,
            roster,
            &encounters,
            payments,
            months("2025-05", "2025-06"),
        );
        let may = &r.rows[0];
        assert_eq!((may.qualifying_encounters, may.outreach_payable), (0, 2));
        assert_eq!(may.expected(), money("70.00"));
        assert_eq!(codes(may), vec!["PAID_WITHOUT_QUALIFYING_ENCOUNTER"]);
        assert!(codes(&r.rows[1]).is_empty());
    }

    /// Money with no member is provider-level UNATTRIBUTED, and the summary adds it to paid.
    #[test]
    fn money_without_a_member_is_unattributed() {
        let c = [contract("c", "2025-01-01", None)];
        let roster = vec![span("M1", npi_a(), "2025-01-01", None)];
        let payments = vec![
            pay("P1", Some("M1"), "2025-01", PaymentKind::Pmpm, "300.00"),
            pay("P2", None, "2025-01", PaymentKind::Pmpm, "1200.00"),
            pay("P3", None, "2026-01", PaymentKind::Pmpm, "99.00"),
        ];
        let r = reconcile(&c, roster, &[], payments, months("2025-01", "2025-01"));
        assert_eq!(r.unattributed_payments.len(), 1);
        assert_eq!(r.payments.outside_months, 1);
        let s = super::super::summarize(&r, &c);
        let plan = s.plan_total().unwrap();
        assert_eq!(
            (plan.paid, plan.variance),
            (money("1500.00"), money("1200.00"))
        );
        assert_eq!(s.reasons[0].reason, Reason::Unattributed);
    }
}
