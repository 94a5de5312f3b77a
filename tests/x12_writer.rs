//! The 837P writer against independent validators: pyx12 accepts what it writes, x12-types reads
//! back the same claims, lines and total, it refuses every invalid input with a clear error, and
//! its output for a small claim is pinned by a snapshot.

mod common;

use chrono::{NaiveDate, NaiveTime};
use common::{Pyx12Outcome, pyx12_validate_text, x12_types_summary};
use ecm::model::*;
use ecm::x12::{
    ElementProblem, InterchangeStats, InterchangeWriter, Place, StructureProblem, WriteError,
    WriteOptions, write_interchange,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------------------------
// Fixtures: fictitious but realistic Medi-Cal ECM claims.

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn dx(codes: &[&str]) -> Vec<DiagnosisCode> {
    codes
        .iter()
        .map(|c| DiagnosisCode::parse(c).unwrap())
        .collect()
}

fn envelope() -> Envelope {
    Envelope {
        sender_qualifier: "ZZ".into(),
        sender_id: "ECMSUBMITTER".into(),
        receiver_qualifier: "ZZ".into(),
        receiver_id: "MCPRECEIVER".into(),
        application_sender: "ECMSUBMITTER".into(),
        application_receiver: "MCPRECEIVER".into(),
        date: date("2025-07-01"),
        time: NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
        interchange_control_number: 1,
        group_control_number: 1,
        acknowledgment_requested: false,
        usage: Usage::Test,
    }
}

fn line(code: &str, mods: &str, charge: &str, day: &str, control: &str, pointers: &[u8]) -> Line {
    Line {
        hcpcs: Hcpcs::parse(code).unwrap(),
        modifiers: Modifiers::parse(mods).unwrap(),
        charge: money(charge),
        units: 1,
        place_of_service: None,
        diagnosis_pointers: pointers.to_vec(),
        service_date: date(day),
        control_number: control.into(),
    }
}

fn claim(id: &str, lines: Vec<Line>, diagnoses: Vec<DiagnosisCode>) -> Claim {
    Claim {
        claim_id: id.into(),
        total_charge: lines.iter().map(|l| l.charge).sum(),
        place_of_service: PlaceOfService::parse("12").unwrap(),
        frequency: ClaimFrequency::Original,
        original_reference: None,
        prior_authorization: None,
        diagnoses,
        rendering: None,
        lines,
    }
}

fn subscriber(last: &str, first: Option<&str>, id: &str, claims: Vec<Claim>) -> Subscriber {
    Subscriber {
        payer_responsibility: "P".into(),
        claim_filing_indicator: "MC".into(),
        last_name: last.into(),
        first_name: first.map(Into::into),
        member_id: id.into(),
        address: None,
        birth_date: date("1968-03-14"),
        sex: Sex::Female,
        payer_name: "EXAMPLE MEDI-CAL MANAGED CARE PLAN".into(),
        payer_id: "MCP0001".into(),
        claims,
    }
}

fn transaction(control: &str, subscribers: Vec<Subscriber>) -> Transaction {
    Transaction {
        control_number: control.into(),
        reference: format!("B{control}"),
        created_date: date("2025-07-01"),
        created_time: NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
        transaction_type: TransactionType::Chargeable,
        submitter: Submitter {
            name: "EXAMPLE ECM PROVIDER INC".into(),
            id: "ECMSUBMITTER".into(),
            contact: Contact {
                name: "BILLING OFFICE".into(),
                phone: Some("9165550100".into()),
                email: None,
            },
        },
        receiver: Receiver {
            name: "EXAMPLE MEDI-CAL MANAGED CARE PLAN".into(),
            id: "MCPRECEIVER".into(),
        },
        billing_provider: BillingProvider {
            taxonomy: Some("251S00000X".into()),
            name: "EXAMPLE ECM PROVIDER INC".into(),
            npi: Npi::parse("1234567893").unwrap(),
            address: Address {
                line1: "100 MAIN STREET".into(),
                city: "SACRAMENTO".into(),
                state: "CA".into(),
                zip: "958141234".into(),
            },
            tax_id: "123456789".into(),
        },
        subscribers,
    }
}

fn care_manager() -> RenderingProvider {
    RenderingProvider {
        last_name: "WORKER".into(),
        first_name: Some("CARE".into()),
        npi: Npi::parse("1987654328").unwrap(),
        taxonomy: Some("171M00000X".into()),
    }
}

/// Two transactions: two members (one outreach claim of 1 line, one month of care management in
/// 50 lines with a rendering provider and prior authorization; a replacement claim with REF*F8
/// and 12 diagnoses) and an encounter report with a void.
fn realistic() -> Vec<Transaction> {
    let outreach = claim(
        "ECM0001",
        vec![line(
            "G9012",
            "U8:GQ",
            "45.00",
            "2025-06-02",
            "ENC-0001",
            &[1],
        )],
        dx(&["Z59.00"]),
    );
    let mut month = claim(
        "ECM0002",
        (1..=50)
            .map(|i| {
                let day = format!("2025-06-{:02}", 1 + (i - 1) % 30);
                let pointers: &[u8] = if i % 2 == 0 { &[1, 2] } else { &[1, 3, 4] };
                line(
                    "G9008",
                    "U1",
                    "150.25",
                    &day,
                    &format!("ENC-1{i:04}"),
                    pointers,
                )
            })
            .collect(),
        dx(&["Z59.00", "F32.A", "Z91.19", "I10"]),
    );
    month.rendering = Some(care_manager());
    month.prior_authorization = Some("AUTH20250601".into());
    let mut garcia = subscriber("GARCIA", Some("MARIA"), "90000001A", vec![outreach, month]);
    garcia.address = Some(Address {
        line1: "200 ELM STREET APT 4".into(),
        city: "SACRAMENTO".into(),
        state: "CA".into(),
        zip: "95814".into(),
    });
    let mut replacement = claim(
        "ECM0003",
        vec![
            line(
                "G9012",
                "U2",
                "90",
                "2025-06-10",
                "ENC-2001",
                &[1, 5, 9, 12],
            ),
            line("G9012", "U2:GQ", "90", "2025-06-11", "ENC-2002", &[2]),
            line("G9008", "U8", "0.50", "2025-06-12", "ENC-2003", &[3, 4]),
        ],
        dx(&[
            "Z59.01", "Z59.41", "Z60.2", "Z63.8", "Z65.8", "F33.1", "F41.1", "F10.20", "E11.9",
            "I10", "J44.9", "N18.3",
        ]),
    );
    replacement.frequency = ClaimFrequency::Replacement;
    replacement.original_reference = Some("PAYERCLM7788".into());
    replacement.prior_authorization = Some("AUTH20250515".into());
    replacement.lines[1].place_of_service = Some(PlaceOfService::parse("10").unwrap());
    replacement.rendering = Some(RenderingProvider {
        first_name: None,
        taxonomy: None,
        ..care_manager()
    });
    let nguyen = subscriber("NGUYEN", None, "90000002B", vec![replacement]);
    let first = transaction("0001", vec![garcia, nguyen]);

    let mut void = claim(
        "ECM0004",
        vec![line("G9008", "U1", "150", "2025-05-20", "ENC-3001", &[1])],
        dx(&["Z59.00"]),
    );
    void.frequency = ClaimFrequency::Void;
    void.original_reference = Some("PAYERCLM5566".into());
    let mut report = transaction(
        "0002",
        vec![subscriber("OKAFOR", Some("ADA"), "90000003C", vec![void])],
    );
    report.transaction_type = TransactionType::Reporting;
    report.submitter.contact.phone = None;
    report.submitter.contact.email = Some("BILLING@EXAMPLE.ORG".into());
    vec![first, report]
}

fn write(txs: &[Transaction]) -> Result<(String, InterchangeStats), WriteError> {
    let (out, stats) = write_interchange(Vec::new(), &envelope(), txs, WriteOptions::default())?;
    Ok((
        String::from_utf8(out).expect("the writer emits ASCII"),
        stats,
    ))
}

/// What the model says the interchange holds: claims, lines, total charge.
fn model_counts(txs: &[Transaction]) -> (u64, u64, Money) {
    let claims = txs
        .iter()
        .flat_map(|t| &t.subscribers)
        .flat_map(|s| &s.claims);
    claims.fold((0, 0, Money::ZERO), |(c, l, m), claim| {
        (c + 1, l + claim.lines.len() as u64, m + claim.total_charge)
    })
}

// ---------------------------------------------------------------------------------------------
// Conformance.

#[test]
fn pyx12_accepts_a_realistic_interchange_and_x12_types_reads_it_back() {
    let txs = realistic();
    let (text, stats) = write(&txs).unwrap();
    pyx12_validate_text(&text).assert_valid("the realistic interchange");

    let (claims, lines, total) = model_counts(&txs);
    assert_eq!(
        (stats.transactions, stats.claims, stats.lines),
        (2, claims, lines)
    );
    assert_eq!((claims, lines), (4, 55));
    assert_eq!(stats.total_charge, total);
    assert_eq!(stats.segments, text.lines().count() as u64);

    let (xc, xl, xt) = x12_types_summary(&text);
    assert_eq!((xc as u64, xl as u64, xt), (claims, lines, total.amount()));

    for expected in [
        "\nSV1*HC:G9012:U8:GQ*45*UN*1***1~\n",
        "\nSV1*HC:G9012:U2:GQ*90*UN*1*10**2~\n",
        "\nSV1*HC:G9008:U1*150.25*UN*1***1:3:4~\n",
        "\nCLM*ECM0003*180.5***12:B:7*Y*A*Y*Y~\nREF*G1*AUTH20250515~\nREF*F8*PAYERCLM7788~\nHI*ABK:Z5901*ABF:Z5941*",
        "\nNM1*82*1*WORKER*****XX*1987654328~\nLX*1~\n",
        "\nCLM*ECM0004*150***12:B:8*Y*A*Y*Y~\nREF*F8*PAYERCLM5566~\n",
        "\nBHT*0019*00*B0002*20250701*0930*RP~\n",
        "\nPER*IC*BILLING OFFICE*EM*BILLING@EXAMPLE.ORG~\n",
        "\nLX*50~\n",
        "\nREF*6R*ENC-10050~\n",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
}

#[test]
fn the_harness_sees_a_broken_file() {
    let (text, _) = write(&realistic()).unwrap();
    let broken = text.replacen("SE*", "SE*9", 1);
    let outcome = pyx12_validate_text(&broken);
    assert!(
        matches!(
            outcome,
            Pyx12Outcome::Invalid { .. } | Pyx12Outcome::Unavailable
        ),
        "{outcome:?}"
    );
}

#[test]
fn a_small_claim_reads_as_pinned() {
    let t = transaction(
        "0001",
        vec![subscriber(
            "MEMBER",
            Some("TEST"),
            "90000001A",
            vec![claim(
                "ECM0001",
                vec![
                    line("G9008", "U1", "150", "2025-06-29", "ENC-0001", &[1]),
                    line("G9012", "U8:GQ", "45.5", "2025-06-30", "ENC-0002", &[1]),
                ],
                dx(&["Z59.00"]),
            )],
        )],
    );
    let (text, _) = write(&[t]).unwrap();
    pyx12_validate_text(&text).assert_valid("the small claim");
    insta::with_settings!({ snapshot_path => "../snapshots" }, {
        insta::assert_snapshot!("small_837p", text);
    });
}

// ---------------------------------------------------------------------------------------------
// Refusals: each names the problem, the loop and the place, never a value.

fn refused(txs: &[Transaction]) -> WriteError {
    let err = write(txs).expect_err("the writer should refuse");
    let msg = err.to_string();
    for secret in ["GARCIA", "MARIA", "NGUYEN", "19680314", "90000001A"] {
        assert!(!msg.contains(secret), "the message quotes a value: {msg}");
    }
    err
}

fn structure(txs: &[Transaction]) -> (StructureProblem, Place) {
    let err = refused(txs);
    let place = err.place().unwrap();
    (
        err.structure()
            .cloned()
            .unwrap_or_else(|| panic!("not structural: {err}")),
        place,
    )
}

/// The realistic data with one change to the first transaction.
fn with(change: impl FnOnce(&mut Transaction)) -> Vec<Transaction> {
    let mut txs = realistic();
    change(&mut txs[0]);
    txs
}

#[test]
fn refuses_empty_transactions_subscribers_and_claims() {
    let (p, _) = structure(&with(|t| t.subscribers.clear()));
    assert_eq!(p, StructureProblem::NoSubscribers);
    let (p, place) = structure(&with(|t| t.subscribers[1].claims.clear()));
    assert_eq!(p, StructureProblem::NoClaims);
    assert_eq!(place, Place::transaction(1).subscriber(2));
    let (p, _) = structure(&with(|t| t.subscribers[0].claims[0].lines.clear()));
    assert_eq!(p, StructureProblem::NoLines);
    let err = InterchangeWriter::begin(Vec::new(), &envelope(), WriteOptions::default())
        .unwrap()
        .finish()
        .unwrap_err();
    assert_eq!(err.structure(), Some(&StructureProblem::NoTransactions));
}

#[test]
fn refuses_claims_over_the_guide_limits() {
    let (p, place) = structure(&with(|t| {
        let c = &mut t.subscribers[0].claims[1];
        let extra = Line {
            control_number: "ENC-EXTRA".into(),
            ..c.lines[0].clone()
        };
        c.lines.push(extra);
        c.total_charge = c.line_total();
    }));
    assert_eq!(p, StructureProblem::TooManyLines { count: 51 });
    assert_eq!(place, Place::transaction(1).subscriber(1).claim(2));

    let (p, _) = structure(&with(|t| {
        t.subscribers[1].claims[0]
            .diagnoses
            .push(DiagnosisCode::parse("Z00.00").unwrap())
    }));
    assert_eq!(p, StructureProblem::TooManyDiagnoses { count: 13 });
    let (p, _) = structure(&with(|t| t.subscribers[1].claims[0].diagnoses.clear()));
    assert_eq!(p, StructureProblem::NoDiagnoses);

    // 5,001 claims in 51 subscriber loops of at most 100.
    let mut big = realistic();
    let template = big[0].subscribers[1].clone();
    big[0].subscribers = (0..51)
        .map(|s| {
            let mut sub = template.clone();
            sub.claims = (0..if s < 50 { 100 } else { 1 })
                .map(|c| Claim {
                    claim_id: format!("BIG{s:02}{c:03}"),
                    ..template.claims[0].clone()
                })
                .collect();
            sub
        })
        .collect();
    let (p, _) = structure(&big);
    assert_eq!(
        p,
        StructureProblem::TooManyClaimsInTransaction { count: 5001 }
    );
    big[0].subscribers.truncate(1);
    let c = big[0].subscribers[0].claims[0].clone();
    big[0].subscribers[0].claims.push(Claim {
        claim_id: "BIG-101".into(),
        ..c
    });
    let (p, _) = structure(&big);
    assert_eq!(
        p,
        StructureProblem::TooManyClaimsForSubscriber { count: 101 }
    );
}

#[test]
fn refuses_a_total_that_is_not_the_sum_of_its_lines() {
    let (p, _) = structure(&with(|t| {
        t.subscribers[0].claims[1].total_charge = money("7525")
    }));
    assert_eq!(
        p,
        StructureProblem::TotalMismatch {
            total: money("7525"),
            lines: money("7512.5")
        }
    );
    assert!(
        refused(&with(
            |t| t.subscribers[0].claims[1].total_charge = money("1")
        ))
        .to_string()
        .contains("recompute CLM02 from the lines")
    );
}

#[test]
fn refuses_duplicate_claim_ids_across_the_interchange() {
    let mut txs = realistic();
    txs[1].subscribers[0].claims[0].claim_id = "ECM0002".into();
    let (p, place) = structure(&txs);
    assert_eq!(p, StructureProblem::DuplicateClaimId);
    assert_eq!(place, Place::transaction(2).subscriber(1).claim(1));
    let (p, _) = structure(&with(|t| {
        t.subscribers[0].claims[0].claim_id = "X".repeat(21)
    }));
    assert_eq!(p, StructureProblem::ClaimIdTooLong { len: 21 });
}

#[test]
fn refuses_bad_line_control_numbers() {
    let (p, place) = structure(&with(|t| {
        t.subscribers[0].claims[1].lines[7].control_number = "E".repeat(31)
    }));
    assert_eq!(p, StructureProblem::LineControlTooLong { len: 31 });
    assert_eq!(place, Place::transaction(1).subscriber(1).claim(2).line(8));
    let (p, place) = structure(&with(|t| {
        t.subscribers[0].claims[1].lines[9].control_number = "ENC-10003".into()
    }));
    assert_eq!(p, StructureProblem::DuplicateLineControl { first: 3 });
    assert_eq!(place.line, Some(10));
}

#[test]
fn refuses_diagnosis_pointers_out_of_range() {
    let (p, _) = structure(&with(|t| {
        t.subscribers[0].claims[1].lines[0].diagnosis_pointers = vec![1, 5]
    }));
    assert_eq!(
        p,
        StructureProblem::DiagnosisPointerOutOfRange {
            pointer: 5,
            diagnoses: 4
        }
    );
    let (p, _) = structure(&with(|t| {
        t.subscribers[0].claims[1].lines[0].diagnosis_pointers = vec![0]
    }));
    assert!(matches!(
        p,
        StructureProblem::DiagnosisPointerOutOfRange { pointer: 0, .. }
    ));
    let (p, _) = structure(&with(|t| {
        t.subscribers[0].claims[1].lines[0]
            .diagnosis_pointers
            .clear()
    }));
    assert_eq!(p, StructureProblem::NoDiagnosisPointers);
    let (p, _) = structure(&with(|t| {
        t.subscribers[1].claims[0].lines[0].diagnosis_pointers = vec![1, 2, 3, 4, 5]
    }));
    assert_eq!(p, StructureProblem::TooManyDiagnosisPointers { count: 5 });
}

#[test]
fn refuses_replacement_rules_and_configuration_gaps() {
    let (p, _) = structure(&with(|t| {
        t.subscribers[1].claims[0].original_reference = None
    }));
    assert_eq!(
        p,
        StructureProblem::MissingOriginalReference { frequency: "7" }
    );
    let (p, _) = structure(&with(|t| {
        t.subscribers[0].claims[0].original_reference = Some("X1".into())
    }));
    assert_eq!(p, StructureProblem::UnexpectedOriginalReference);
    let (p, _) = structure(&with(|t| t.submitter.contact.phone = None));
    assert_eq!(p, StructureProblem::NoSubmitterContact);
    let (p, _) = structure(&with(|t| t.billing_provider.address.zip = "95814".into()));
    assert_eq!(p, StructureProblem::BillingZipNotNineDigits);
    let (p, _) = structure(&with(|t| t.billing_provider.tax_id = "12-3456789".into()));
    assert_eq!(p, StructureProblem::TaxIdNotNineDigits);
}

#[test]
fn refuses_elements_that_break_their_spec_without_quoting_them() {
    let cases: Vec<(Vec<Transaction>, &str, &str, ElementProblem)> = vec![
        (
            with(|t| t.subscribers[0].last_name = "GARCIA*MARIA".into()),
            "2010BA",
            "NM103",
            ElementProblem::Delimiter('*'),
        ),
        (
            with(|t| t.subscribers[0].last_name = "GARCÍA".into()),
            "2010BA",
            "NM103",
            ElementProblem::NonAscii(5),
        ),
        (
            with(|t| t.subscribers[0].last_name = "G".repeat(61)),
            "2010BA",
            "NM103",
            ElementProblem::TooLong { len: 61, max: 60 },
        ),
        (
            with(|t| t.subscribers[0].first_name = Some("MARIA\n".into())),
            "2010BA",
            "NM104",
            ElementProblem::NonPrintable(6),
        ),
        (
            with(|t| t.subscribers[0].member_id = String::new()),
            "2010BA",
            "NM109",
            ElementProblem::Missing,
        ),
        (
            with(|t| t.subscribers[0].claims[1].prior_authorization = Some("A".repeat(51))),
            "2300",
            "REF02",
            ElementProblem::TooLong { len: 51, max: 50 },
        ),
        (
            with(|t| t.subscribers[0].birth_date = date("1700-01-01")),
            "2010BA",
            "DMG02",
            ElementProblem::BadDate,
        ),
        (
            with(|t| t.subscribers[0].claim_filing_indicator = "XX".into()),
            "2000B",
            "SBR09",
            ElementProblem::NotACode(ecm::x12::element::Codes(&[])),
        ),
        (
            with(|t| t.subscribers[0].address.as_mut().unwrap().city = "SACRAMENTO ".into()),
            "2010BA",
            "N401",
            ElementProblem::TrailingSpace,
        ),
    ];
    for (txs, loop_id, element, problem) in cases {
        let err = refused(&txs);
        let WriteError::Element {
            loop_id: l,
            element: e,
            problem: p,
            ..
        } = &err
        else {
            panic!("expected an element error for {element}, got {err}");
        };
        assert_eq!((*l, *e), (loop_id, element), "{err}");
        match (p, &problem) {
            (ElementProblem::NotACode(_), ElementProblem::NotACode(_)) => {}
            _ => assert_eq!(p, &problem, "{err}"),
        }
        assert!(
            err.to_string()
                .contains(&format!("loop {loop_id}, element {element}")),
            "{err}"
        );
    }
}

#[test]
fn refuses_bad_envelopes() {
    let mut env = envelope();
    env.sender_id = "A-VERY-LONG-SENDER".into();
    let err =
        write_interchange(Vec::new(), &env, &realistic(), WriteOptions::default()).unwrap_err();
    assert!(
        matches!(
            err.element(),
            Some(("ISA06", ElementProblem::TooLong { len: 18, max: 15 }))
        ),
        "{err}"
    );
    for n in [0, 1_000_000_000] {
        let mut env = envelope();
        env.interchange_control_number = n;
        let err =
            write_interchange(Vec::new(), &env, &realistic(), WriteOptions::default()).unwrap_err();
        assert!(
            matches!(
                err.structure(),
                Some(StructureProblem::ControlNumberRange { .. })
            ),
            "{err}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Property: any valid model writes, and the writer's counts are the model's.

const DIAGNOSES: [&str; 14] = [
    "Z59.00", "Z59.01", "Z59.41", "Z60.2", "F32.A", "F33.1", "I10", "E11.9", "J44.9", "N18.3",
    "Z63.8", "Z65.8", "F41.1", "Z91.19",
];
const MODIFIERS: [&str; 6] = ["", "U1", "U2", "U8", "U1:GQ", "U8:GQ"];

prop_compose! {
    fn arb_line(diagnoses: usize)(
        cents in 0i64..=250_000,
        modifiers in 0..MODIFIERS.len(),
        units in 1u32..=4,
        day in 1u32..=28,
        seeds in prop::collection::vec(0usize..12, 1..=4),
    ) -> Line {
        let mut pointers: Vec<u8> = seeds.iter().map(|s| (s % diagnoses + 1) as u8).collect();
        pointers.sort_unstable();
        pointers.dedup();
        Line {
            units,
            charge: Money::from_decimal(Decimal::new(cents, 2)).unwrap(),
            ..line("G9008", MODIFIERS[modifiers], "0", &format!("2025-06-{day:02}"), "", &pointers)
        }
    }
}

prop_compose! {
    fn arb_claim()(diagnoses in 1usize..=12, rendered in any::<bool>())(
        lines in prop::collection::vec(arb_line(diagnoses), 1..=8),
        diagnoses in Just(diagnoses),
        rendered in Just(rendered),
    ) -> Claim {
        let mut c = claim("", lines, dx(&DIAGNOSES[..diagnoses]));
        if rendered {
            c.rendering = Some(care_manager());
        }
        c
    }
}

/// Transactions of subscribers of claims, with unique claim ids and line control numbers.
fn arb_transactions() -> impl Strategy<Value = Vec<Transaction>> {
    let claims_of_subscriber = prop::collection::vec(arb_claim(), 1..=3);
    let subscribers_of_transaction = prop::collection::vec(claims_of_subscriber, 1..=3);
    prop::collection::vec(subscribers_of_transaction, 1..=2).prop_map(|shape| {
        let mut n = 0;
        let mut txs = Vec::new();
        for (ti, subs) in shape.into_iter().enumerate() {
            let mut subscribers = Vec::new();
            for (si, mut claims) in subs.into_iter().enumerate() {
                for c in &mut claims {
                    n += 1;
                    c.claim_id = format!("P{n}");
                    for (li, l) in c.lines.iter_mut().enumerate() {
                        l.control_number = format!("E{n}-{li}");
                    }
                }
                subscribers.push(subscriber(
                    "MEMBER",
                    Some("TEST"),
                    &format!("M{ti}{si}"),
                    claims,
                ));
            }
            txs.push(transaction(&format!("{:04}", ti + 1), subscribers));
        }
        txs
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_valid_model_writes_and_its_stats_are_the_models(txs in arb_transactions()) {
        let (text, stats) = write(&txs).unwrap();
        let (claims, lines, total) = model_counts(&txs);
        prop_assert_eq!(stats.transactions as usize, txs.len());
        prop_assert_eq!((stats.claims, stats.lines, stats.total_charge), (claims, lines, total));
        prop_assert_eq!(stats.segments, text.lines().count() as u64);
        let (xc, xl, xt) = x12_types_summary(&text);
        prop_assert_eq!((xc as u64, xl as u64, xt), (claims, lines, total.amount()));
    }
}

proptest! {
    // pyx12 takes a moment per file: a few random interchanges are enough to catch shapes the
    // hand-built fixtures miss (zero charges, 12 diagnoses, four pointers, no modifiers).
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn pyx12_accepts_random_valid_models(txs in arb_transactions()) {
        let (text, _) = write(&txs).unwrap();
        pyx12_validate_text(&text).assert_valid("a random interchange");
    }
}
