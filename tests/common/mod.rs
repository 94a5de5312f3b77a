//! Conformance helpers shared by the integration tests: independent validators for the X12 we
//! write. pyx12 (Python, the 005010X222A1 map) is the authority CI validates against; x12-types
//! (Rust) is a second, in-process reader used to cross-check counts and totals.
//!
//! pyx12 comes from `PYX12_PYTHON` (else `python3`). When it cannot be imported, tests skip with a
//! clear message, except under `CI`, where that is a failure: `.ci/run` installs it.
#![allow(dead_code)] // each test binary uses its own subset

use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::OnceLock;

/// Fails, showing what the command said, unless it exited with `code`.
pub fn assert_exit(out: &std::process::Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The columns `names` of every record of CSV file `path`, in file order (a missing column
/// fails the test, naming it).
pub fn csv_columns(path: &Path, names: &[&str]) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h = r.headers().unwrap().clone();
    let at: Vec<usize> = names
        .iter()
        .map(|n| {
            h.iter()
                .position(|c| c == *n)
                .unwrap_or_else(|| panic!("{} has no column {n}", path.display()))
        })
        .collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            at.iter().map(|&i| rec[i].to_string()).collect()
        })
        .collect()
}

/// `ecm` run on the built-in example's configuration at the demo's clock, for subcommand `cmd`
/// (its other arguments are added by the caller).
pub fn on_the_example(cmd: &str) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("ecm").unwrap();
    c.args([
        "--config",
        "examples/ecm.toml",
        "--as-of",
        "2026-11-01",
        cmd,
    ]);
    c
}

/// What pyx12 said about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pyx12Outcome {
    /// No finding.
    Valid,
    /// pyx12 found errors; `log` is its report (it may quote values: test data only).
    Invalid { log: String },
    /// pyx12 is not installed here (outside CI); the check was skipped.
    Unavailable,
}

impl Pyx12Outcome {
    /// Panics with pyx12's findings unless the file was valid (or pyx12 is unavailable here).
    pub fn assert_valid(&self, what: &str) {
        if let Pyx12Outcome::Invalid { log } = self {
            panic!("pyx12 rejects {what}:\n{log}");
        }
    }
}

/// Calls pyx12's own document validator; `x12n_document` returns True when clean and logs each
/// finding. (The `x12valid` script exits 1 even on clean files, so it cannot be used.)
const VALIDATE: &str = r#"
import logging, sys
import pyx12.params, pyx12.x12n_document
logging.basicConfig(stream=sys.stderr, level=logging.ERROR, format="%(message)s")
with open(sys.argv[1], encoding="ascii", newline="") as fd:
    ok = pyx12.x12n_document.x12n_document(
        param=pyx12.params.params(), src_file=fd, fd_997=None, fd_html=None,
        fd_xmldoc=None, xslt_files=None, map_path=None)
sys.exit(0 if ok else 3)
"#;

/// The python that has pyx12, or `None` (after saying why) when it is missing outside CI.
/// Under `CI` a missing pyx12 fails the test: conformance must never pass silently there.
pub fn require_pyx12() -> Option<PathBuf> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let python =
            PathBuf::from(std::env::var_os("PYX12_PYTHON").unwrap_or_else(|| "python3".into()));
        match Command::new(&python).args(["-c", "import pyx12"]).output() {
            Ok(o) if o.status.success() => Ok(python),
            Ok(o) => Err(format!(
                "{} cannot import pyx12: {}",
                python.display(),
                String::from_utf8_lossy(&o.stderr).trim()
            )),
            Err(e) => Err(format!("cannot run {}: {e}", python.display())),
        }
    });
    match found {
        Ok(python) => Some(python.clone()),
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("pyx12 is required under CI but is not usable ({why}); .ci/run installs it")
        }
        Err(why) => {
            eprintln!(
                "skipped: pyx12 not installed; run .ci/run or pip install pyx12==4.0.0 ({why})"
            );
            None
        }
    }
}

/// Validates one X12 file with pyx12.
pub fn pyx12_validate(path: &Path) -> Pyx12Outcome {
    let Some(python) = require_pyx12() else {
        return Pyx12Outcome::Unavailable;
    };
    let out = Command::new(&python)
        .args(["-c", VALIDATE])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    match out.status.code() {
        Some(0) => Pyx12Outcome::Valid,
        Some(3) => Pyx12Outcome::Invalid { log },
        _ => panic!(
            "pyx12 crashed on {} ({}):\n{log}",
            path.display(),
            out.status
        ),
    }
}

/// Writes `text` to a temporary file and validates it with pyx12.
pub fn pyx12_validate_text(text: &str) -> Pyx12Outcome {
    let mut file = tempfile::Builder::new()
        .suffix(".837")
        .tempfile()
        .expect("temp file");
    std::io::Write::write_all(&mut file, text.as_bytes()).expect("write temp file");
    pyx12_validate(file.path())
}

/// Claims (CLM), service lines (LX) and the sum of CLM02, as x12-types reads an 837 interchange.
/// Panics when x12-types cannot parse it all.
pub fn x12_types_summary(text: &str) -> (usize, usize, Decimal) {
    use x12_types::util::Parser;
    use x12_types::v005010::{_837, Transmission};
    let (rest, transmission) = Transmission::<_837>::parse(text)
        .unwrap_or_else(|e| panic!("x12-types cannot parse the interchange: {e:?}"));
    assert!(
        rest.trim().is_empty(),
        "x12-types left {} bytes unparsed",
        rest.len()
    );
    let (mut claims, mut lines, mut total) = (0, 0, Decimal::ZERO);
    for group in &transmission.functional_group {
        for tx in &group.segments {
            for level in &tx.loop_2000 {
                for claim in &level.loop_2300 {
                    claims += 1;
                    lines += claim.loop_2400.len();
                    let amount = claim.clm._02.as_deref().unwrap_or("0");
                    total +=
                        Decimal::from_str(amount).unwrap_or_else(|e| panic!("CLM02 {amount}: {e}"));
                }
            }
        }
    }
    (claims, lines, total)
}

/// The `.837` files in `dir`, sorted.
pub fn files_837(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "837"))
        .collect();
    v.sort();
    v
}
