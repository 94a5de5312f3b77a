//! Fictitious members and their ECM enrollment: who they are, which plan and Population of Focus,
//! when they were referred and reached, and their roster spans (mid-month starts and ends, some
//! re-enrollments and provider changes, some retroactive terminations).

use super::config::{PAYERS, TIERS};
use super::names;
use super::period::{add_months, days_between, plus_days};
use super::places::{self, Address};
use super::rng::Rng;
use super::world::World;
use crate::encounters::ECM_START;
use chrono::{Datelike, NaiveDate};

/// A Population of Focus the generator assigns, with its share and who it fits.
struct PofSpec {
    id: &'static str,
    weight: u32,
    /// Age range (years) at referral.
    ages: (i64, i64),
    female_only: bool,
}

const POFS: &[PofSpec] = &[
    PofSpec {
        id: "adult_homelessness",
        weight: 22,
        ages: (21, 75),
        female_only: false,
    },
    PofSpec {
        id: "adult_avoidable_utilization",
        weight: 20,
        ages: (21, 85),
        female_only: false,
    },
    PofSpec {
        id: "adult_smi_sud",
        weight: 18,
        ages: (21, 70),
        female_only: false,
    },
    PofSpec {
        id: "adult_ltc_risk",
        weight: 6,
        ages: (50, 90),
        female_only: false,
    },
    PofSpec {
        id: "adult_nursing_facility_transition",
        weight: 4,
        ages: (55, 95),
        female_only: false,
    },
    PofSpec {
        id: "justice_involved",
        weight: 6,
        ages: (18, 65),
        female_only: false,
    },
    PofSpec {
        id: "child_homelessness",
        weight: 3,
        ages: (1, 20),
        female_only: false,
    },
    PofSpec {
        id: "child_avoidable_utilization",
        weight: 3,
        ages: (1, 20),
        female_only: false,
    },
    PofSpec {
        id: "child_smh_sud",
        weight: 4,
        ages: (6, 20),
        female_only: false,
    },
    PofSpec {
        id: "child_ccs",
        weight: 2,
        ages: (1, 20),
        female_only: false,
    },
    PofSpec {
        id: "child_welfare",
        weight: 3,
        ages: (1, 20),
        female_only: false,
    },
    PofSpec {
        id: "child_idd",
        weight: 2,
        ages: (3, 20),
        female_only: false,
    },
    PofSpec {
        id: "child_pregnant_postpartum",
        weight: 1,
        ages: (15, 20),
        female_only: true,
    },
    PofSpec {
        id: "birth_equity",
        weight: 4,
        ages: (18, 44),
        female_only: true,
    },
];

/// One roster row: a stretch of ECM enrollment with one provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Index into the world's organisations.
    pub org: usize,
    pub start: NaiveDate,
    /// The last enrolled day; `None` while enrollment is open.
    pub end: Option<NaiveDate>,
    pub tier: &'static str,
    /// Program ids separated by `;` (mostly empty).
    pub other_programs: String,
    /// The plan's authorization number for this enrollment.
    pub authorization: String,
}

impl Span {
    /// Whether `d` is an enrolled day.
    pub fn contains(&self, d: NaiveDate) -> bool {
        d >= self.start && self.end.is_none_or(|e| d <= e)
    }
}

/// A fictitious member.
#[derive(Debug, Clone)]
pub struct Member {
    pub index: u64,
    /// `SYN` and seven digits.
    pub id: String,
    pub cin: Option<String>,
    pub last_name: &'static str,
    pub first_name: &'static str,
    /// `F`, `M` or `U`.
    pub sex: &'static str,
    pub dob: NaiveDate,
    pub address: Option<Address>,
    /// Index into [`PAYERS`].
    pub payer: usize,
    pub pof: &'static str,
    /// Roster spans in date order (one, sometimes two).
    pub spans: Vec<Span>,
    /// Outreach attempt dates before the first span (members referred during the period).
    pub outreach: Vec<NaiveDate>,
    /// For a retroactive termination: services went on until this day after the span ended.
    pub retro_tail_end: Option<NaiveDate>,
}

impl Member {
    /// Whether the member belongs to the plan that reconciles (and so is on its roster).
    pub fn on_plan_roster(&self) -> bool {
        self.payer == super::config::PLAN_PAYER
    }
}

/// Generates member `index` from its own random stream.
pub fn generate(world: &World, index: u64, rng: &mut Rng) -> Member {
    let period = world.period;
    let payer = if world.caseload {
        super::config::PLAN_PAYER
    } else {
        rng.weighted(&[
            (0usize, PAYERS[0].weight),
            (1, PAYERS[1].weight),
            (2, PAYERS[2].weight),
        ])
    };
    // Three in ten were already enrolled when the period began (when ECM existed by then); in a
    // caseload, everyone was (or, in ECM's first month, is from its first day).
    let earliest_existing = plus_days(period.first, -540).max(ECM_START);
    let existing = period.first > ECM_START && (world.caseload || rng.chance(3000));
    let reference = if world.caseload && !existing {
        period.first
    } else if existing {
        let back = days_between(earliest_existing, period.first);
        plus_days(period.first, -rng.range(1, back))
    } else {
        let room = (days_between(period.first, period.last) - 15).max(0);
        plus_days(period.first, rng.range(0, room))
    };
    let pof = pick_pof(world, rng, reference);
    let sex = if pof.female_only {
        "F"
    } else {
        rng.weighted(&[("F", 52), ("M", 47), ("U", 1)])
    };
    let age = rng.range(pof.ages.0, pof.ages.1);
    let dob = plus_days(
        NaiveDate::from_ymd_opt(reference.year() - age as i32, 1, 1).unwrap_or(reference),
        rng.range(0, 364),
    )
    .min(plus_days(reference, -200));
    let last_name = names::last_name(rng);
    let first_name = names::first_name(rng, sex);
    // Unique for up to ten million members: 7919 is prime to 10^7.
    let cin = (PAYERS[payer].by_cin || rng.chance(8800)).then(|| {
        let n = 90_000_000 + (index * 7919 + 3_141_593) % 10_000_000;
        format!("{n:08}{}", char::from(b'A' + rng.below(26) as u8))
    });
    let homeless = pof.id.contains("homelessness");
    let address = rng
        .chance(if homeless { 6000 } else { 9300 })
        .then(|| places::address(rng));

    let mut outreach = Vec::new();
    let first_start = if existing || world.caseload {
        reference
    } else {
        outreach = outreach_dates(rng, reference, period.last);
        let last = *outreach.last().expect("at least one attempt");
        plus_days(last, rng.range(1, 10)).min(period.last)
    };
    let org = pick_org(world, rng);
    let tier = rng.weighted(&[(TIERS[0], 25), (TIERS[1], 50), (TIERS[2], 25)]);
    let mut spans = vec![span(
        world,
        rng,
        payer,
        org,
        first_start,
        tier,
        pof.ages.1 <= 20,
    )];
    let mut retro_tail_end = None;
    if world.caseload {
        // 2 % end in the period's last two months, half of them retroactively.
        if rng.chance(200) {
            let end = plus_days(period.last, -rng.range(1, 60));
            spans[0].end = Some(end);
            if rng.chance(5000) {
                retro_tail_end = Some(plus_days(end, rng.range(1, 30)).min(period.last));
            }
        }
    } else if rng.chance(3300) {
        // A third of spans end within the period.
        let end = plus_days(first_start.max(period.first), rng.range(30, 400));
        if end < period.last {
            spans[0].end = Some(end);
            if rng.chance(1200) {
                // Terminated retroactively: the provider kept serving for a while.
                retro_tail_end = Some(plus_days(end, rng.range(10, 50)).min(period.last));
            }
        }
    } else if rng.chance(450) {
        second_span(world, rng, payer, &mut spans, pof.ages.1 <= 20);
    }
    Member {
        index,
        id: format!("SYN{:07}", index + 1),
        cin,
        last_name,
        first_name,
        sex,
        dob,
        address,
        payer,
        pof: pof.id,
        spans,
        outreach,
        retro_tail_end,
    }
}

/// A Population of Focus live on `date` (for adults and children alike; the code set decides).
fn pick_pof(world: &World, rng: &mut Rng, date: NaiveDate) -> &'static PofSpec {
    let live: Vec<(usize, u32)> = POFS
        .iter()
        .enumerate()
        .filter(|(_, p)| world.pof_live(p.id).is_some_and(|l| l <= date))
        .map(|(i, p)| (i, p.weight))
        .collect();
    if live.is_empty() {
        // Only before any population is live, which the period's checks rule out.
        return &POFS[0];
    }
    &POFS[rng.weighted(&live)]
}

fn pick_org(world: &World, rng: &mut Rng) -> usize {
    let weights: Vec<(usize, u32)> = world
        .orgs
        .iter()
        .enumerate()
        .map(|(i, o)| (i, o.weight))
        .collect();
    rng.weighted(&weights)
}

/// Outreach attempts from the referral: one to fourteen, a few days apart (sometimes two the same
/// day), all at least two days before the period ends. The last one reached the member.
fn outreach_dates(rng: &mut Rng, referral: NaiveDate, period_last: NaiveDate) -> Vec<NaiveDate> {
    let n = rng.weighted(&[
        (1u32, 22),
        (2, 24),
        (3, 18),
        (4, 12),
        (5, 8),
        (6, 6),
        (7, 4),
        (8, 2),
        (10, 2),
        (12, 1),
        (14, 1),
    ]);
    let stop = plus_days(period_last, -2);
    let mut d = referral.min(stop);
    let mut out = vec![d];
    for _ in 1..n {
        d = plus_days(d, if rng.chance(1000) { 0 } else { rng.range(1, 9) });
        if d > stop {
            break;
        }
        out.push(d);
    }
    out
}

fn span(
    world: &World,
    rng: &mut Rng,
    payer: usize,
    org: usize,
    start: NaiveDate,
    tier: &'static str,
    child: bool,
) -> Span {
    let mut programs: Vec<&str> = Vec::new();
    if rng.chance(900) {
        let n = if rng.chance(1000) { 2 } else { 1 };
        for _ in 0..n {
            let candidates: Vec<&str> = world
                .combinable_programs
                .iter()
                .filter(|(id, e)| e.contains(start) && (child || id != "ccs"))
                .map(|(id, _)| id.as_str())
                .collect();
            if let Some(p) = (!candidates.is_empty()).then(|| rng.pick(&candidates))
                && !programs.contains(&p)
            {
                programs.push(p);
            }
        }
        programs.sort_unstable();
    }
    Span {
        org,
        start,
        end: None,
        tier,
        other_programs: programs.join(";"),
        authorization: format!("{}-{:07}", PAYERS[payer].auth_prefix, rng.below(10_000_000)),
    }
}

/// Splits enrollment in two: a provider change at a month boundary, or a re-enrollment after a
/// gap of at least a whole month (so no month is shared by two spans).
fn second_span(world: &World, rng: &mut Rng, payer: usize, spans: &mut Vec<Span>, child: bool) {
    let period = world.period;
    let first = &spans[0];
    let pivot = plus_days(first.start.max(period.first), rng.range(45, 200));
    let month_end = add_months(pivot, 1).pred_opt().expect("in range");
    if month_end >= plus_days(period.last, -40) {
        return;
    }
    let change_provider = rng.chance(5000);
    let (org, start) = if change_provider {
        let others: Vec<usize> = (0..world.orgs.len()).filter(|&o| o != first.org).collect();
        (rng.pick(&others), month_end.succ_opt().expect("in range"))
    } else {
        let gap = rng.range(1, 3) as u32;
        let start = plus_days(add_months(month_end, gap + 1), rng.range(0, 20));
        if start > period.last {
            return;
        }
        (first.org, start)
    };
    let tier = if rng.chance(3000) {
        rng.pick(&TIERS)
    } else {
        first.tier
    };
    spans[0].end = Some(month_end);
    let next = span(world, rng, payer, org, start, tier, child);
    spans.push(next);
}

#[cfg(test)]
mod tests {
    use super::super::period::Period;
    use super::super::rng::Stream;
    use super::*;
    use crate::codeset::CodeSet;

    #[test]
    fn every_population_of_focus_is_in_the_code_set() {
        let cs = CodeSet::embedded().unwrap();
        for p in POFS {
            assert!(cs.population(p.id).is_some(), "{}", p.id);
        }
    }

    #[test]
    fn members_respect_go_live_dates_and_span_order() {
        let cs = CodeSet::embedded().unwrap();
        let world = World::new(5, Period::new("2023-01-01".parse().unwrap(), 12), &cs);
        let (mut two, mut retro, mut existing) = (0, 0, 0);
        for i in 0..3000 {
            let m = generate(&world, i, &mut Rng::stream(5, Stream::Member, i));
            let first = m.spans[0]
                .start
                .min(m.outreach.first().copied().unwrap_or(NaiveDate::MAX));
            assert!(world.pof_live(m.pof).unwrap() <= first, "{m:?}");
            assert!(m.dob < first);
            for w in m.spans.windows(2) {
                assert!(w[0].end.unwrap() < w[1].start);
                assert!(
                    w[0].end.unwrap().month() != w[1].start.month()
                        || w[0].end.unwrap().year() != w[1].start.year()
                );
            }
            for s in &m.spans {
                assert!(s.end.is_none_or(|e| e >= s.start && e < world.period.last));
            }
            if let Some(last) = m.outreach.last() {
                assert!(*last < m.spans[0].start && m.spans[0].start <= world.period.last);
                assert!(m.outreach.windows(2).all(|w| w[0] <= w[1]));
            }
            two += usize::from(m.spans.len() == 2);
            retro += usize::from(m.retro_tail_end.is_some());
            existing += usize::from(m.outreach.is_empty());
        }
        assert!(
            two > 20 && retro > 20 && existing > 600,
            "{two} {retro} {existing}"
        );
    }
}
