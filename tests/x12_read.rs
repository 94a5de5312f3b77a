//! Reading X12 through the library: the tokenizer and the readers over the shared real-world
//! samples (read in place from `../shared/samples/`, skipped when absent) and our own fixtures.

mod common;

use assert_cmd::Command;
use chrono::NaiveDate;
use common::files_837;
use ecm::model::*;
use ecm::x12::read::{read_835_file, read_837, read_837_file};
use ecm::x12::{Tokenizer, WriteOptions, write_interchange};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// The shared sample files of one kind (`837p/good`, ...), sorted; empty when not present here.
fn samples(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/samples")
        .join(kind);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {} not present", dir.display());
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    files.sort();
    files
}

/// Tokenizes a whole file: the segment count, or the error as text.
fn tokenize(path: &Path) -> Result<u64, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut t = Tokenizer::new(std::io::BufReader::new(file));
    let mut n = 0;
    while t.next_segment().map_err(|e| e.to_string())?.is_some() {
        n += 1;
    }
    Ok(n)
}

#[test]
fn every_good_sample_tokenizes() {
    for kind in ["837p/good", "835/good", "834/good"] {
        for path in samples(kind) {
            let n = tokenize(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(n > 5, "{}", path.display());
        }
    }
}

#[test]
fn bad_samples_tokenize_or_fail_with_a_place() {
    for kind in ["837p/bad", "835/bad", "834/bad"] {
        for path in samples(kind) {
            if let Err(e) = tokenize(&path) {
                assert!(e.starts_with("byte "), "{}: {e}", path.display());
                eprintln!("{}: {e}", path.display());
            }
        }
    }
}

#[test]
fn every_good_837p_sample_reads() {
    for path in samples("837p/good") {
        let docs = read_837_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let claims: usize = docs
            .iter()
            .flat_map(|d| &d.transactions)
            .flat_map(|t| &t.subscribers)
            .map(|s| s.claims.len() + s.patients.iter().map(|p| p.claims.len()).sum::<usize>())
            .sum();
        eprintln!(
            "{}: {} documents, {claims} claims",
            path.display(),
            docs.len()
        );
        assert!(claims > 0, "{}", path.display());
    }
}

#[test]
fn bad_837p_samples_read_or_fail_with_a_place() {
    for path in samples("837p/bad") {
        match read_837_file(&path) {
            Ok(docs) => eprintln!("{}: read, {} documents", path.display(), docs.len()),
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.contains("segment ") && msg.contains("byte "), "{msg}");
                eprintln!("{msg}");
            }
        }
    }
}

/// Reads an 837 we wrote and writes it again: the same bytes.
fn assert_reads_and_rewrites_identically(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let docs = read_837(bytes.as_slice()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut again = Vec::new();
    for doc in &docs {
        let (out, _) = write_interchange(
            Vec::new(),
            &doc.envelope,
            &doc.transactions,
            WriteOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        again.extend(out);
    }
    assert!(
        again == bytes,
        "{} does not rewrite identically:\n{}",
        path.display(),
        String::from_utf8_lossy(&again)
    );
}

fn ecm() -> Command {
    Command::cargo_bin("ecm").unwrap()
}

#[test]
fn the_demo_837s_read_back_and_rewrite_to_the_same_bytes() {
    let d = tempfile::tempdir().unwrap();
    ecm()
        .current_dir(d.path())
        .args(["demo", "--out", "demo"])
        .assert()
        .success();
    let files = files_837(&d.path().join("demo/claims"));
    assert_eq!(files.len(), 2);
    for f in files {
        assert_reads_and_rewrites_identically(&f);
    }
}

#[test]
fn synth_claims_read_back_and_rewrite_to_the_same_bytes() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ecm()
        .args(["synth", "--members", "40", "--months", "3", "--seed", "11"])
        .args(["--start", "2025-03", "--out"])
        .arg(dir)
        .assert()
        .success();
    let out = ecm()
        .arg("--config")
        .arg(dir.join("ecm.toml"))
        .args(["--as-of", "2025-06-01", "claims"])
        .arg(dir.join("encounters.csv"))
        .arg("--out")
        .arg(dir.join("claims"))
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = files_837(&dir.join("claims"));
    assert!(files.len() >= 2, "{files:?}");
    for f in files {
        assert_reads_and_rewrites_identically(&f);
    }
}

/// A copied sample (see NOTICE).
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/x12")
        .join(name)
}

/// What a list of kept segments says, one `loop segment` string each (`+` marks a loop start).
fn kept(list: &[KeptSegment]) -> Vec<String> {
    list.iter()
        .map(|k| format!("{}{} {k}", k.loop_id, if k.opens_loop { "+" } else { "" }))
        .collect()
}

#[test]
fn a_foreign_claim_with_a_patient_loop_reads_into_the_model() {
    let docs = read_837_file(fixture("lfh-demo.example1.837")).unwrap();
    let [doc] = docs.as_slice() else {
        panic!("one group expected")
    };
    let e = &doc.envelope;
    assert_eq!(
        (
            e.sender_qualifier.as_str(),
            e.sender_id.as_str(),
            e.receiver_id.as_str()
        ),
        ("30", "000000005", "12345")
    );
    assert_eq!(
        (e.interchange_control_number, e.group_control_number),
        (907, 1)
    );
    assert_eq!(e.date, NaiveDate::from_ymd_opt(2013, 10, 31).unwrap());
    assert!(e.acknowledgment_requested && e.usage == Usage::Test);
    let [t] = doc.transactions.as_slice() else {
        panic!("one transaction expected")
    };
    assert_eq!(
        (t.control_number.as_str(), t.reference.as_str()),
        ("0021", "244579")
    );
    assert_eq!(t.submitter.contact.phone.as_deref(), Some("3055552222"));
    // The PER also has an extension (EX), which the model has no field for: kept whole.
    assert_eq!(kept(&t.kept), ["1000A PER*IC*JERRY*TE*3055552222*EX*231"]);
    let bp = &t.billing_provider;
    assert_eq!(bp.taxonomy.as_deref(), Some("203BF0100Y"));
    assert_eq!(
        (bp.npi.as_str(), bp.tax_id.as_str()),
        ("1912301953", "587654321")
    );
    assert_eq!(
        bp.pay_to.as_ref().map(|a| a.line1.as_str()),
        Some("2345 OCEAN BLVD")
    );
    let [sub] = t.subscribers.as_slice() else {
        panic!("one subscriber expected")
    };
    assert_eq!(
        (sub.member_id.as_str(), sub.payer_id.as_str()),
        ("JS00111223333", "999996666")
    );
    assert_eq!((sub.birth_date, sub.claims.len()), (None, 0));
    // SBR02 is empty (the subscriber is not the patient) and SBR03 holds a group number.
    assert_eq!(kept(&sub.kept), ["2000B SBR*P**2222-SJ******CI"]);
    let [patient] = sub.patients.as_slice() else {
        panic!("one patient expected")
    };
    assert_eq!(
        (patient.relationship.as_str(), patient.sex),
        ("19", Sex::Male)
    );
    assert_eq!(
        patient.birth_date,
        NaiveDate::from_ymd_opt(1973, 5, 1).unwrap()
    );
    let [claim] = patient.claims.as_slice() else {
        panic!("one claim expected")
    };
    assert_eq!(claim.claim_id, "26463774");
    assert_eq!(claim.total_charge, Money::parse("100").unwrap());
    assert_eq!(claim.line_total(), claim.total_charge);
    // ICD-9 diagnoses (BK/BF) are not ICD-10 ones: the HI is kept, the typed list stays empty.
    assert!(claim.diagnoses.is_empty());
    assert_eq!(
        kept(&claim.kept),
        [
            "2300+ CLM*26463774*100.00***11:B:1*Y*A*Y*I",
            "2300 REF*D9*17312345600006351",
            "2300 HI*BK:0340*BF:V7389"
        ]
    );
    let codes: Vec<&str> = claim.lines.iter().map(|l| l.hcpcs.as_str()).collect();
    assert_eq!(codes, ["99213", "87070", "99214", "86663"]);
    let l = &claim.lines[2];
    assert_eq!((l.units, l.diagnosis_pointers.as_slice()), (1, &[2u8][..]));
    assert_eq!(
        l.service_date,
        NaiveDate::from_ymd_opt(2006, 10, 10).unwrap()
    );
    assert_eq!((l.control_number.as_deref(), l.kept.len()), (None, 0));
}

#[test]
fn date_ranges_drug_loops_and_line_providers_are_read_or_kept() {
    let docs = read_837_file(fixture("lfh-demo.drug.example10.2.837")).unwrap();
    let claim = &docs[0].transactions[0].subscribers[0].claims[0];
    assert_eq!(claim.lines.len(), 6);
    let l = &claim.lines[1];
    assert_eq!((l.hcpcs.as_str(), l.units), ("S5001", 7));
    assert_eq!(l.service_date, NaiveDate::from_ymd_opt(2004, 2, 1).unwrap());
    assert_eq!(l.service_end, NaiveDate::from_ymd_opt(2004, 2, 7));
    assert_eq!(
        kept(&l.kept),
        [
            "2400 DTP*471*D8*20040130",
            "2410+ LIN**N4*00004196501",
            "2410 CTP****7.00*UN",
            "2410 REF*XZ*2530001",
            "2420E+ NM1*DK*1*Welby*Marcus****XX*1112223338",
        ]
    );
}

#[test]
fn other_payer_loops_are_kept_on_the_claim_and_adjudication_on_the_line() {
    let docs = read_837_file(fixture("lfh-demo.cob.example3.B.837")).unwrap();
    let sub = &docs[0].transactions[0].subscribers[0];
    let claim = &sub.patients[0].claims[0];
    let rendering = claim.rendering.as_ref().unwrap();
    assert_eq!(
        (rendering.last_name.as_str(), rendering.npi.as_str()),
        ("KILDARE", "1999996666")
    );
    assert_eq!(rendering.taxonomy.as_deref(), Some("204C00000X"));
    let loops: Vec<String> = kept(&claim.kept)
        .into_iter()
        .map(|k| k.split(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(
        loops,
        [
            "2300+", "2300", "2310B", "2310C+", "2310C", "2310C", "2320+", "2320", "2320", "2320",
            "2320", "2330A+", "2330A", "2330A", "2330B+"
        ]
    );
    assert_eq!(
        kept(&claim.lines[0].kept),
        [
            "2430+ SVD*999996666*40.00*HC:99213**1.00",
            "2430 CAS*CO*42*3.00",
            "2430 DTP*573*D8*20051015"
        ]
    );
}

#[test]
fn every_835_sample_reads_or_fails_with_a_place() {
    for path in samples("835/good") {
        let r = read_835_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!r.is_empty(), "{}", path.display());
    }
    for path in samples("835/bad") {
        match read_835_file(&path) {
            Ok(r) => eprintln!("{}: read, {} remittances", path.display(), r.len()),
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.contains("segment ") && msg.contains("byte "), "{msg}");
                eprintln!("{msg}");
            }
        }
    }
}

#[test]
fn a_managed_care_remittance_reads_into_the_model() {
    let [r] = read_835_file(fixture("lfh-managed-care.fixed.835"))
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(
        (r.control_number.as_str(), r.handling.as_str()),
        ("112233", "I")
    );
    assert_eq!(r.total_paid, Money::parse("945").unwrap());
    assert_eq!(r.payment_date, NaiveDate::from_ymd_opt(2002, 3, 16));
    assert_eq!(r.trace_number, "7170066655");
    assert_eq!(r.payer.name, "RUSHMORE LIFE");
    assert_eq!(r.payee.id.as_deref(), Some("5544667733"));
    // BPR's bank details have no typed field: the BPR is kept whole, with the 1000A/B extras.
    let kept_ids: Vec<&str> = r.kept.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(kept_ids, ["BPR", "PER", "REF"]);
    assert_eq!(r.balance(), r.total_paid);
    let ids: Vec<&str> = r.claims.iter().map(|c| c.claim_id.as_str()).collect();
    assert_eq!(ids, ["5554555444", "8765432112"]);
    let c = &r.claims[1];
    assert_eq!(
        (c.status.as_str(), c.payer_claim_number.as_deref()),
        ("1", Some("94077799230000"))
    );
    assert_eq!(c.adjustments.len(), 1);
    let s = &c.services[0];
    assert_eq!(
        (s.procedure.code.as_str(), s.paid),
        ("93555", Money::parse("550").unwrap())
    );
    assert_eq!(s.period_end, NaiveDate::from_ymd_opt(2002, 3, 12));
    let groups: Vec<(&str, &str)> = s
        .adjustments
        .iter()
        .map(|a| (a.group.as_str(), a.reason.as_str()))
        .collect();
    assert_eq!(groups, [("PR", "1"), ("CO", "45")]);
}

/// Our own fictitious ECM remittance (pyx12 accepts it): line control numbers, two CAS triples
/// on one line, and a PLB with a capitation payment and a recovery.
#[test]
fn an_ecm_remittance_with_capitation_reads_into_the_model() {
    let path = fixture("ecm-capitation.835");
    common::pyx12_validate(&path).assert_valid("the ECM 835 fixture");
    let [r] = read_835_file(&path).unwrap().try_into().unwrap();
    assert_eq!(r.balance(), r.total_paid);
    assert_eq!(r.total_paid, Money::parse("270").unwrap());
    let plb: Vec<(&str, Option<&str>, String)> = r
        .provider_adjustments
        .iter()
        .map(|p| (p.reason.as_str(), p.reference.as_deref(), p.amount.to_x12()))
        .collect();
    assert_eq!(
        plb,
        [
            ("CV", Some("CAP202507"), "-100".to_string()),
            ("WO", Some("ECM0003"), "80".to_string())
        ]
    );
    assert!(
        r.provider_adjustments
            .iter()
            .all(|p| p.provider_id == "1234567893"
                && p.fiscal_period_end == NaiveDate::from_ymd_opt(2025, 12, 31).unwrap())
    );
    let [c] = r.claims.as_slice() else {
        panic!("one claim expected")
    };
    assert_eq!(c.dates[0].qualifier, "232");
    assert_eq!(
        c.patient.as_ref().and_then(|p| p.id.as_deref()),
        Some("90000001A")
    );
    let lines: Vec<(Option<&str>, Vec<&str>, Option<NaiveDate>)> = c
        .services
        .iter()
        .map(|s| {
            (
                s.control_number.as_deref(),
                s.procedure.modifiers.iter().map(String::as_str).collect(),
                s.service_date,
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (
                Some("ENC-0001"),
                vec!["U1"],
                NaiveDate::from_ymd_opt(2025, 6, 2)
            ),
            (
                Some("ENC-0002"),
                vec!["U1", "GQ"],
                NaiveDate::from_ymd_opt(2025, 6, 3)
            )
        ]
    );
    let second = &c.services[1];
    let triples: Vec<(&str, &str, String)> = second
        .adjustments
        .iter()
        .map(|a| (a.group.as_str(), a.reason.as_str(), a.amount.to_x12()))
        .collect();
    assert_eq!(
        triples,
        [
            ("CO", "45", "30".to_string()),
            ("CO", "253", "20".to_string())
        ]
    );
    let adjusted: Money = second.adjustments.iter().map(|a| a.amount).sum();
    assert_eq!(second.charge, second.paid + adjusted);
    assert_eq!(kept(&second.kept), ["2110 LQ*HE*N130"]);
}

#[test]
fn a_denied_claim_with_remark_codes_keeps_what_the_model_does_not_hold() {
    let [r] = read_835_file(fixture("pyx12-835_mult_loops.txt"))
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(
        (r.handling.as_str(), r.payment_method.as_deref()),
        ("H", Some("NON"))
    );
    assert!(r.total_paid.is_zero());
    assert_eq!(
        kept(&r.kept)[..2],
        [
            "ST_LOOP REF*EV*00GR",
            "1000A PER*BL*JOHN WAYNE*TE*9995551212"
        ]
    );
    assert!(kept(&r.kept).contains(&"2000 TS3*653423424*12*20041231*1*915.39".to_string()));
    let c = &r.claims[0];
    assert_eq!((c.status.as_str(), c.services.len()), ("4", 3));
    // The patient's middle initial has no typed field, so that NM1 is kept whole too.
    assert_eq!(
        c.patient.as_ref().map(|p| p.last_name.as_str()),
        Some("BACH")
    );
    assert_eq!(
        kept(&c.kept),
        [
            "2100 NM1*QC*1*BACH*JOHANN*S***MR*00001612",
            "2100 NM1*82*2*PAYEE*****MC*44452736"
        ]
    );
    // SVC05 units, DTM*150/151, and the LQ remark code kept per line.
    let s = &c.services[1];
    assert_eq!(s.units, Some(rust_decimal::Decimal::from(16)));
    assert_eq!(s.period_start, s.period_end);
    assert_eq!(kept(&s.kept), ["2110 LQ*HE*N14"]);
}

// ---------------------------------------------------------------------------------------------
// Robustness: no input makes the tokenizer or a reader panic. (The cargo-fuzz target in `fuzz/`
// explores the same property far longer; see the README.)

/// Runs the tokenizer and both readers over `bytes`: each returns Ok or a located Err.
fn read_everything(bytes: &[u8]) {
    let mut t = Tokenizer::new(bytes);
    let mut guard = 0;
    loop {
        match t.next_segment() {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => assert!(e.to_string().starts_with("byte "), "{e}"),
        }
        guard += 1;
        assert!(guard <= bytes.len() + 1, "the tokenizer does not advance");
    }
    for result in [
        read_837(bytes).map(|_| ()),
        ecm::x12::read::read_835(bytes).map(|_| ()),
    ] {
        if let Err(e) = result {
            assert!(e.position.is_some(), "{e}");
            assert!(e.to_string().contains("byte "), "{e}");
        }
    }
}

/// The copied fixtures (always present) and the shared samples (when present).
fn seed_files() -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for kind in ["837p/good", "837p/bad", "835/good", "835/bad"] {
        paths.extend(samples(kind));
    }
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .filter(|b| b.len() < 20_000)
        .collect()
}

/// One way to damage a file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Set the byte at (position modulo length) to a value.
    Flip(usize, u8),
    /// Cut the file at (position modulo length).
    Truncate(usize),
    /// Replace every occurrence of one delimiter by another.
    Swap(u8, u8),
    /// Insert bytes at (position modulo length).
    Insert(usize, Vec<u8>),
    /// Remove up to n bytes at (position modulo length).
    Delete(usize, usize),
}

impl Mutation {
    fn apply(&self, bytes: &mut Vec<u8>) {
        let at = |p: usize, b: &Vec<u8>| if b.is_empty() { 0 } else { p % b.len() };
        match self {
            Mutation::Flip(p, v) => {
                let i = at(*p, bytes);
                if let Some(b) = bytes.get_mut(i) {
                    *b = *v;
                }
            }
            Mutation::Truncate(p) => {
                let i = at(*p, bytes);
                bytes.truncate(i);
            }
            Mutation::Swap(from, to) => {
                for b in bytes.iter_mut().filter(|b| **b == *from) {
                    *b = *to;
                }
            }
            Mutation::Insert(p, more) => {
                let i = at(*p, bytes);
                bytes.splice(i..i, more.iter().copied());
            }
            Mutation::Delete(p, n) => {
                let i = at(*p, bytes);
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
        }
    }
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    let delimiter =
        prop::sample::select(vec![b'*', b':', b'^', b'~', b'\n', b'>', b'|', b'A', b' ']);
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(p, v)| Mutation::Flip(p, v)),
        2 => any::<usize>().prop_map(Mutation::Truncate),
        2 => (delimiter.clone(), delimiter).prop_map(|(a, b)| Mutation::Swap(a, b)),
        2 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(p, v)| Mutation::Insert(p, v)),
        2 => (any::<usize>(), 1usize..40).prop_map(|(p, n)| Mutation::Delete(p, n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_a_reader(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        isa_first in any::<bool>(),
    ) {
        let mut input = if isa_first {
            b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *250701*0930*^*00501*000000001*0*T*:~".to_vec()
        } else {
            Vec::new()
        };
        input.extend(bytes);
        read_everything(&input);
    }

    #[test]
    fn mutated_samples_never_panic_a_reader(
        pick in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(arb_mutation(), 1..4),
    ) {
        static SEEDS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
        let seeds = SEEDS.get_or_init(seed_files);
        let mut bytes = pick.get(seeds).clone();
        for m in &mutations {
            m.apply(&mut bytes);
        }
        read_everything(&bytes);
    }
}

#[test]
fn each_reader_names_a_transaction_set_of_the_other_kind() {
    let e = read_835_file(fixture("lfh-demo.example1.837")).unwrap_err();
    assert!(
        matches!(
            e.problem,
            ecm::x12::read::ReadProblem::WrongTransaction {
                expected: "835",
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        (e.element.as_deref(), e.position.map(|p| p.number)),
        (Some("GS01"), Some(2))
    );
    let e = read_837_file(fixture("ecm-capitation.835")).unwrap_err();
    assert!(
        e.to_string().contains("ecm-capitation.835: segment 2 GS"),
        "{e}"
    );
    assert!(e.to_string().contains("not 837s"), "{e}");
}
