//! The plan's ledger of accepted invoice lines: a CSV file, one row per line ever accepted
//! (originals, replacements and voids, in the order they were taken in), so a later run can
//! refuse a service already reported and check that a correction names a line that exists.
//!
//! The file only grows. It is rewritten whole to a temporary file beside it and renamed over the
//! old one after the run's outputs are in place: an interrupted run leaves the old ledger, never
//! one that claims lines whose encounters were not written.

use crate::input::{InputError, Table, parse_date};
use crate::model::{ClaimFrequency, Hcpcs, Modifiers, Npi};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The ledger's columns.
pub const COLUMNS: [&str; 11] = [
    "provider_npi",
    "line_id",
    "kind",
    "replaces_line_id",
    "member_id",
    "service_date",
    "hcpcs",
    "modifiers",
    "claim_id",
    "invoice_number",
    "ingested_on",
];

/// What makes two lines the same service: provider, member, date, code and modifiers (in any
/// order). The state refuses duplicate service lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServiceKey {
    pub npi: Npi,
    pub member_id: Box<str>,
    pub date: NaiveDate,
    pub hcpcs: Hcpcs,
    /// Sorted, so slot order does not matter.
    pub modifiers: Modifiers,
}

impl ServiceKey {
    /// The key of a service (modifiers in any order).
    pub fn new(
        npi: Npi,
        member_id: &str,
        date: NaiveDate,
        hcpcs: Hcpcs,
        modifiers: Modifiers,
    ) -> Self {
        ServiceKey {
            npi,
            member_id: member_id.into(),
            date,
            hcpcs,
            modifiers: modifiers.sorted(),
        }
    }
}

/// One accepted line, as the ledger records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub line_id: Box<str>,
    pub frequency: ClaimFrequency,
    pub replaces: Option<Box<str>>,
    pub key: ServiceKey,
    pub claim_id: Box<str>,
    pub invoice_number: Box<str>,
    pub ingested_on: NaiveDate,
}

/// Where a line id stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineState {
    /// The service it reports, while it is in force (not replaced or voided since).
    pub active: Option<ServiceKey>,
    /// Accepted in this run rather than an earlier one.
    pub this_run: bool,
}

/// The accepted lines, earlier runs' and this run's, as one state.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Rows in the file when it was read.
    pub rows_before: u64,
    lines: HashMap<(Npi, Box<str>), LineState>,
    /// Service -> the line reporting it, and whether that line came in this run.
    active: HashMap<ServiceKey, (Box<str>, bool)>,
    /// Entries accepted in this run, in order.
    pub new_entries: Vec<Entry>,
}

/// A ledger file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(
        "{file} row {row} field {field}: {problem}; the ledger is written by ecm ingest and should not be edited (restore it from a backup)"
    )]
    Bad {
        file: String,
        row: u32,
        field: &'static str,
        problem: String,
    },
    #[error("cannot write the ledger {file}: {source}")]
    Write {
        file: String,
        source: std::io::Error,
    },
}

impl Ledger {
    /// Reads the ledger file; a file that does not exist yet is an empty ledger.
    pub fn load(path: &Path) -> Result<Ledger, LedgerError> {
        let mut ledger = Ledger::default();
        if !path.exists() {
            return Ok(ledger);
        }
        let mut t = Table::open(path, &[])?;
        t.require(&COLUMNS)?;
        let file = t.name.clone();
        let at: Vec<usize> = COLUMNS
            .iter()
            .map(|c| t.column(c).expect("required"))
            .collect();
        while let Some(rec) = t.next_record() {
            let rec = rec?;
            let bad = |field: &'static str, problem: &str| LedgerError::Bad {
                file: file.clone(),
                row: rec.row,
                field,
                problem: problem.to_string(),
            };
            let get = |i: usize| rec.get(Some(at[i]));
            let npi = Npi::parse(get(0)).map_err(|_| bad("provider_npi", "not an NPI"))?;
            let frequency = match get(2) {
                "original" => ClaimFrequency::Original,
                "replacement" => ClaimFrequency::Replacement,
                "void" => ClaimFrequency::Void,
                _ => return Err(bad("kind", "not original, replacement or void")),
            };
            let date = parse_date(get(5)).map_err(|_| bad("service_date", "not a date"))?;
            let hcpcs = Hcpcs::parse(get(6)).map_err(|_| bad("hcpcs", "not a HCPCS code"))?;
            let modifiers =
                Modifiers::parse(get(7)).map_err(|_| bad("modifiers", "not modifiers"))?;
            let ingested_on = parse_date(get(10)).map_err(|_| bad("ingested_on", "not a date"))?;
            if get(1).is_empty() {
                return Err(bad("line_id", "empty"));
            }
            let replaces = Some(get(3)).filter(|r| !r.is_empty()).map(Box::from);
            if frequency != ClaimFrequency::Original && replaces.is_none() {
                return Err(bad("replaces_line_id", "a correction names no line"));
            }
            ledger.apply(
                Entry {
                    line_id: get(1).into(),
                    frequency,
                    replaces,
                    key: ServiceKey::new(npi, get(4), date, hcpcs, modifiers),
                    claim_id: get(8).into(),
                    invoice_number: get(9).into(),
                    ingested_on,
                },
                false,
            );
            ledger.rows_before += 1;
        }
        Ok(ledger)
    }

    /// Where a provider's line id stands, if it was ever accepted.
    pub fn line(&self, npi: Npi, line_id: &str) -> Option<&LineState> {
        self.lines.get(&(npi, Box::from(line_id)))
    }

    /// The line in force reporting this service, and whether it came in this run.
    pub fn active_owner(&self, key: &ServiceKey) -> Option<(&str, bool)> {
        self.active
            .get(key)
            .map(|(id, this_run)| (&**id, *this_run))
    }

    /// Records a line accepted in this run.
    pub fn accept(&mut self, e: Entry) {
        self.apply(e.clone(), true);
        self.new_entries.push(e);
    }

    fn apply(&mut self, e: Entry, this_run: bool) {
        let npi = e.key.npi;
        if let Some(r) = &e.replaces
            && let Some(old) = self.lines.get_mut(&(npi, r.clone()))
            && let Some(k) = old.active.take()
        {
            self.active.remove(&k);
        }
        let active = (e.frequency != ClaimFrequency::Void).then(|| e.key.clone());
        if let Some(k) = &active {
            self.active.insert(k.clone(), (e.line_id.clone(), this_run));
        }
        self.lines
            .insert((npi, e.line_id), LineState { active, this_run });
    }

    /// Writes the whole ledger (the old file's bytes, then this run's entries) to a temporary
    /// file beside `path`; [`StagedLedger::commit`] renames it into place.
    pub fn stage(&self, path: &Path) -> Result<StagedLedger, LedgerError> {
        let file = path.display().to_string();
        let werr = |source| LedgerError::Write {
            file: file.clone(),
            source,
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "ledger.csv".into());
        let tmp = dir.join(format!(".{name}.ecm-tmp-{}", std::process::id()));
        let staged = StagedLedger {
            tmp: tmp.clone(),
            target: path.to_path_buf(),
            done: false,
        };
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(werr)?);
        if path.exists() {
            let mut old = std::fs::File::open(path).map_err(werr)?;
            std::io::copy(&mut old, &mut out).map_err(werr)?;
        } else {
            out.write_all(COLUMNS.join(",").as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .map_err(werr)?;
        }
        let mut w = csv::Writer::from_writer(out);
        for e in &self.new_entries {
            w.write_record([
                e.key.npi.as_str(),
                &e.line_id,
                match e.frequency {
                    ClaimFrequency::Original => "original",
                    ClaimFrequency::Replacement => "replacement",
                    ClaimFrequency::Void => "void",
                },
                e.replaces.as_deref().unwrap_or(""),
                &e.key.member_id,
                &e.key.date.to_string(),
                e.key.hcpcs.as_str(),
                &e.key.modifiers.join(":"),
                &e.claim_id,
                &e.invoice_number,
                &e.ingested_on.to_string(),
            ])
            .map_err(|e| werr(std::io::Error::other(e)))?;
        }
        let out = w
            .into_inner()
            .map_err(|e| werr(std::io::Error::other(e.to_string())))?;
        let f = out.into_inner().map_err(|e| werr(e.into_error()))?;
        f.sync_all().map_err(werr)?;
        Ok(staged)
    }
}

/// A ledger written beside the old one, waiting to replace it.
#[derive(Debug)]
pub struct StagedLedger {
    tmp: PathBuf,
    target: PathBuf,
    done: bool,
}

impl StagedLedger {
    /// Renames the new ledger over the old one.
    pub fn commit(mut self) -> Result<PathBuf, LedgerError> {
        std::fs::rename(&self.tmp, &self.target).map_err(|source| LedgerError::Write {
            file: self.target.display().to_string(),
            source,
        })?;
        self.done = true;
        Ok(self.target.clone())
    }
}

impl Drop for StagedLedger {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, f: ClaimFrequency, replaces: Option<&str>, day: u32) -> Entry {
        Entry {
            line_id: id.into(),
            frequency: f,
            replaces: replaces.map(Box::from),
            key: ServiceKey::new(
                Npi::parse("1234567893").unwrap(),
                "M1",
                NaiveDate::from_ymd_opt(2026, 9, day).unwrap(),
                Hcpcs::parse("G9012").unwrap(),
                Modifiers::parse("GQ:U2").unwrap(),
            ),
            claim_id: format!("P{id}").into(),
            invoice_number: "INV-1".into(),
            ingested_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        }
    }

    #[test]
    fn replacements_and_voids_move_the_service_and_the_file_reads_back() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("ledger.csv");
        let mut l = Ledger::load(&path).unwrap();
        l.accept(entry("L1", ClaimFrequency::Original, None, 1));
        l.accept(entry("L2", ClaimFrequency::Original, None, 2));
        let k1 = entry("L1", ClaimFrequency::Original, None, 1).key;
        let k3 = entry("X", ClaimFrequency::Original, None, 3).key;
        assert_eq!(l.active_owner(&k1), Some(("L1", true)));
        l.accept(entry("L3", ClaimFrequency::Replacement, Some("L1"), 3));
        assert_eq!(l.active_owner(&k1), None);
        assert_eq!(l.active_owner(&k3), Some(("L3", true)));
        l.accept(entry("L4", ClaimFrequency::Void, Some("L2"), 2));
        let npi = k1.npi;
        assert!(l.line(npi, "L2").unwrap().active.is_none());
        assert!(l.line(npi, "L4").unwrap().active.is_none());
        l.stage(&path).unwrap().commit().unwrap();
        assert!(
            !std::fs::read_dir(d.path())
                .unwrap()
                .any(|e| { e.unwrap().file_name().to_string_lossy().starts_with('.') })
        );

        // Read back: the same state, now from an earlier run; a second run appends.
        let mut again = Ledger::load(&path).unwrap();
        assert_eq!(again.rows_before, 4);
        assert_eq!(again.active_owner(&k3), Some(("L3", false)));
        assert!(again.line(npi, "L1").unwrap().active.is_none());
        again.accept(entry("L5", ClaimFrequency::Original, None, 9));
        again.stage(&path).unwrap().commit().unwrap();
        assert_eq!(Ledger::load(&path).unwrap().rows_before, 5);

        // A staged ledger that is dropped leaves the old one and no temporary file.
        let mut third = Ledger::load(&path).unwrap();
        third.accept(entry("L6", ClaimFrequency::Original, None, 10));
        drop(third.stage(&path).unwrap());
        assert_eq!(Ledger::load(&path).unwrap().rows_before, 5);
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_damaged_ledger_is_refused_with_its_row() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("ledger.csv");
        std::fs::write(
            &path,
            format!(
                "{}\n1234567893,L1,maybe,,M1,2026-09-01,G9012,U2,P1,INV-1,2026-11-01\n",
                COLUMNS.join(",")
            ),
        )
        .unwrap();
        let e = Ledger::load(&path).unwrap_err().to_string();
        assert!(e.contains("row 2 field kind"), "{e}");
    }
}
