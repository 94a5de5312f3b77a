//! The plan's ledger of accepted invoice lines: a CSV file, one row per line ever accepted
//! (originals, replacements and voids, in the order they were taken in), so a later run can
//! refuse a service already reported and check that a correction names a line that exists.
//!
//! The file only grows. It is rewritten whole to a temporary file beside it and renamed over the
//! old one after the run's outputs are in place: an interrupted run leaves the old ledger, never
//! one that claims lines whose encounters were not written.
//!
//! One run at a time: a run holds [`LedgerLock`] from before it reads the ledger until after it
//! replaced it, so two runs cannot both accept the same line and record it twice.

use crate::digest::{Fingerprint, fingerprint};
use crate::fp_table::FpTable;
use crate::input::{InputError, Table, parse_date};
use crate::model::{ClaimFrequency, Hcpcs, Modifiers, Npi};
use chrono::NaiveDate;
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
pub fn service_fingerprint(
    npi: Npi,
    member_id: &str,
    date: NaiveDate,
    hcpcs: Hcpcs,
    modifiers: Modifiers,
) -> u128 {
    fingerprint((npi, member_id, date, hcpcs, modifiers.sorted().as_slice()))
}

fn member_fingerprint(member_id: &str) -> u64 {
    crate::digest::Fnv64::default().str(member_id).finish()
}

/// The CLM01 the plan gives an encounter made from an invoice line: `P` and 16 upper-case hex
/// digits of a hash of the provider NPI and line id ([`ClaimId::of_line`]). A correction goes
/// out under its chain's original claim's id, which the ledger keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimId([u8; 17]);

impl ClaimId {
    /// The id of the claim for provider `npi`'s line `line_id`.
    pub fn of_line(npi: Npi, line_id: &str) -> ClaimId {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let h = crate::digest::Fnv64::default()
            .str(npi.as_str())
            .str(line_id)
            .finish();
        let mut id = [b'P'; 17];
        for (k, digit) in id[1..].iter_mut().enumerate() {
            *digit = HEX[(h >> (60 - 4 * k)) as usize & 0xF];
        }
        ClaimId(id)
    }

    /// An id as the ledger writes it, if it has that shape.
    pub fn parse(s: &str) -> Option<ClaimId> {
        let b = s.as_bytes();
        let shaped = b.len() == 17
            && b[0] == b'P'
            && b[1..]
                .iter()
                .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c));
        shaped.then(|| {
            let mut id = [0u8; 17];
            id.copy_from_slice(b);
            ClaimId(id)
        })
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever held.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// A provider's line id.
pub fn line_fingerprint(npi: Npi, line_id: &str) -> u128 {
    fingerprint((npi, line_id))
}

/// A line's two fingerprints, worked out once where the line is read (off the thread that runs
/// the checks across lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineKeys {
    /// [`line_fingerprint`] of the provider and line id.
    pub line: u128,
    /// [`service_fingerprint`] of the service.
    pub service: u128,
}

impl LineKeys {
    /// The fingerprints of a provider's line.
    pub fn of(
        npi: Npi,
        line_id: &str,
        member_id: &str,
        date: NaiveDate,
        hcpcs: Hcpcs,
        modifiers: Modifiers,
    ) -> LineKeys {
        LineKeys {
            line: line_fingerprint(npi, line_id),
            service: service_fingerprint(npi, member_id, date, hcpcs, modifiers),
        }
    }
}

/// Where an accepted line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Row `n` (0-based, after the header) of the ledger file.
    Earlier(u32),
    /// The caller's line `n` of this run.
    ThisRun(u32),
}

/// What the ledger's tables fill their empty slots with; never read as an origin.
impl Default for Origin {
    fn default() -> Origin {
        Origin::Earlier(0)
    }
}

/// Where a line id stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineState {
    /// The service it reports while it is in force (not replaced or voided since).
    pub active: Option<Fingerprint>,
    pub origin: Origin,
}

/// One row of the ledger file, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow<'a> {
    pub npi: Npi,
    pub line_id: &'a str,
    pub frequency: ClaimFrequency,
    pub replaces: Option<&'a str>,
    pub member_id: &'a str,
    pub date: NaiveDate,
    pub hcpcs: Hcpcs,
    pub modifiers: Modifiers,
    pub claim_id: &'a str,
    pub invoice_number: &'a str,
    pub ingested_on: NaiveDate,
}

/// The accepted lines, earlier runs' and this run's, as one state.
#[derive(Default)]
pub struct Ledger {
    /// Rows in the file when it was read.
    pub rows_before: u64,
    /// Line ids of the file's rows, for messages.
    earlier_ids: Vec<Box<str>>,
    /// Per file row: the CLM01 its encounter went out under (a correction's is the chain's
    /// original claim's), and a fingerprint of its member id.
    earlier_claims: Vec<(ClaimId, u64)>,
    lines: FpTable<LineState>,
    /// Service -> the line reporting it.
    active: FpTable<Origin>,
    /// Lines accepted in this run.
    pub accepted: u64,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("rows_before", &self.rows_before)
            .field("lines", &self.lines.len())
            .field("active", &self.active.len())
            .field("accepted", &self.accepted)
            .finish()
    }
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
    #[error(
        "the ledger {ledger} is in use by another ecm ingest ({holder} holds the lock {lock}): two runs at once would both accept the same lines and the ledger would record them twice; wait for that run to finish, then run this one again (nothing was written)"
    )]
    Busy {
        ledger: String,
        lock: String,
        /// `process N` when the lock file names the run holding it, else `another run`.
        holder: String,
    },
    #[error(
        "cannot lock the ledger {ledger} through {lock} ({source}); a run takes that lock so that no other run uses the ledger at the same time: make the ledger's directory writable, or keep the ledger on a local disk (nothing was written)"
    )]
    Lock {
        ledger: String,
        lock: String,
        source: std::io::Error,
    },
}

/// The lock file of a ledger: `<ledger>.lock`, beside it.
pub fn lock_path(ledger: &Path) -> PathBuf {
    let mut name = ledger
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "ledger.csv".into());
    name.push(".lock");
    ledger.with_file_name(name)
}

/// A run's exclusive hold on a ledger: an OS advisory lock ([`std::fs::File::try_lock`]) on the
/// ledger's [`lock_path`] file, which holds the run's process id while it runs. The lock file is
/// locked, not the ledger, since each run replaces the ledger by a rename; it stays beside the
/// ledger between runs. The lock ends with the run (when this is dropped, or when the process
/// ends in any way), so a killed run leaves no stale lock behind.
#[derive(Debug)]
pub struct LedgerLock {
    file: std::fs::File,
}

impl LedgerLock {
    /// Takes the lock, or says which run holds it ([`LedgerError::Busy`]): a run never waits.
    pub fn acquire(ledger: &Path) -> Result<LedgerLock, LedgerError> {
        use std::io::{Read, Seek};
        let lock = lock_path(ledger);
        let names = || (ledger.display().to_string(), lock.display().to_string());
        let failed = |source: std::io::Error| {
            let (ledger, lock) = names();
            LedgerError::Lock {
                ledger,
                lock,
                source,
            }
        };
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock)
            .map_err(failed)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = (&file).take(32).read_to_string(&mut text);
                let holder = match text.trim().parse::<u32>() {
                    Ok(pid) => format!("process {pid}"),
                    Err(_) => "another run".to_string(),
                };
                let (ledger, lock) = names();
                return Err(LedgerError::Busy {
                    ledger,
                    lock,
                    holder,
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(failed(e)),
        }
        // Who holds it, for the message a second run gives.
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| writeln!(file, "{}", std::process::id()))
            .map_err(failed)?;
        Ok(LedgerLock { file })
    }
}

impl Drop for LedgerLock {
    fn drop(&mut self) {
        // The process id is no longer true once the lock goes.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
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
            let date = parse_date(get(5)).map_err(|e| bad("service_date", e.what()))?;
            let hcpcs = Hcpcs::parse(get(6)).map_err(|_| bad("hcpcs", "not a HCPCS code"))?;
            let modifiers =
                Modifiers::parse(get(7)).map_err(|_| bad("modifiers", "not modifiers"))?;
            parse_date(get(10)).map_err(|e| bad("ingested_on", e.what()))?;
            if get(1).is_empty() {
                return Err(bad("line_id", "empty"));
            }
            let replaces = Some(get(3)).filter(|r| !r.is_empty());
            if frequency != ClaimFrequency::Original && replaces.is_none() {
                return Err(bad("replaces_line_id", "a correction names no line"));
            }
            let claim_id = ClaimId::parse(get(8)).ok_or_else(|| {
                bad(
                    "claim_id",
                    "not P and 16 hexadecimal digits, as ecm ingest writes it",
                )
            })?;
            let origin = Origin::Earlier(ledger.earlier_ids.len() as u32);
            ledger.earlier_ids.push(get(1).into());
            ledger
                .earlier_claims
                .push((claim_id, member_fingerprint(get(4))));
            let keys = LineKeys::of(npi, get(1), get(4), date, hcpcs, modifiers);
            ledger.apply(npi, keys, frequency, replaces, origin);
            ledger.rows_before += 1;
        }
        Ok(ledger)
    }

    /// Where a provider's line id stands, if it was ever accepted (or corrected).
    pub fn line(&self, npi: Npi, line_id: &str) -> Option<LineState> {
        self.line_by_key(line_fingerprint(npi, line_id))
    }

    /// [`Ledger::line`] by the line's fingerprint ([`LineKeys::line`]).
    pub fn line_by_key(&self, line: u128) -> Option<LineState> {
        self.lines.get(line)
    }

    /// The line in force reporting this service (a [`service_fingerprint`]).
    pub fn active_owner(&self, service: u128) -> Option<Origin> {
        self.active.get(service)
    }

    /// The line id of a ledger file row.
    pub fn earlier_line_id(&self, row: u32) -> &str {
        &self.earlier_ids[row as usize]
    }

    /// The CLM01 a ledger file row's encounter went out under.
    pub fn earlier_claim_id(&self, row: u32) -> ClaimId {
        self.earlier_claims[row as usize].0
    }

    /// Whether a ledger file row is for the member with this id.
    pub fn earlier_member_is(&self, row: u32, member_id: &str) -> bool {
        self.earlier_claims[row as usize].1 == member_fingerprint(member_id)
    }

    /// Brings the table slots [`Ledger::line_by_key`], [`Ledger::active_owner`] and
    /// [`Ledger::accept`] will use for a line into the cache, a few lines before it is checked: in
    /// tables of a million lines each lookup otherwise waits on memory.
    pub fn prefetch(&self, keys: LineKeys) {
        self.lines.prefetch(keys.line);
        self.active.prefetch(keys.service);
    }

    /// Makes room for `lines` more accepted lines.
    pub fn reserve(&mut self, lines: usize) {
        self.lines.reserve(lines);
        self.active.reserve(lines);
    }

    /// Records line `index` of this run (provider `npi`, fingerprints `keys`) as accepted.
    pub fn accept(
        &mut self,
        npi: Npi,
        keys: LineKeys,
        frequency: ClaimFrequency,
        replaces: Option<&str>,
        index: u32,
    ) {
        self.apply(npi, keys, frequency, replaces, Origin::ThisRun(index));
        self.accepted += 1;
    }

    fn apply(
        &mut self,
        npi: Npi,
        keys: LineKeys,
        frequency: ClaimFrequency,
        replaces: Option<&str>,
        origin: Origin,
    ) {
        if let Some(r) = replaces {
            // A corrected line is out of force; one this ledger never saw is remembered as
            // corrected, so it cannot be corrected twice.
            let key = line_fingerprint(npi, r);
            let old = self.lines.get_or_insert(
                key,
                LineState {
                    active: None,
                    origin,
                },
            );
            if let Some(k) = old.active {
                self.active.remove(k);
                self.lines.insert(
                    key,
                    LineState {
                        active: None,
                        ..old
                    },
                );
            }
        }
        let active = (frequency != ClaimFrequency::Void).then_some(keys.service);
        if let Some(k) = active {
            self.active.insert(k, origin);
        }
        let active = active.map(Fingerprint::from);
        self.lines.insert(keys.line, LineState { active, origin });
    }

    /// Writes the whole ledger (the old file's bytes, then `rows`, this run's accepted lines) to
    /// a temporary file beside `path`; [`StagedLedger::commit`] renames it into place.
    pub fn stage<'a>(
        &self,
        path: &Path,
        rows: impl Iterator<Item = LedgerRow<'a>>,
    ) -> Result<StagedLedger, LedgerError> {
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
        for r in rows {
            w.write_record([
                r.npi.as_str(),
                r.line_id,
                match r.frequency {
                    ClaimFrequency::Original => "original",
                    ClaimFrequency::Replacement => "replacement",
                    ClaimFrequency::Void => "void",
                },
                r.replaces.unwrap_or(""),
                r.member_id,
                &r.date.to_string(),
                r.hcpcs.as_str(),
                &r.modifiers.join(":"),
                r.claim_id,
                r.invoice_number,
                &r.ingested_on.to_string(),
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

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, d).unwrap()
    }

    fn npi() -> Npi {
        Npi::parse("1234567893").unwrap()
    }

    fn service(d: u32, mods: &str) -> u128 {
        service_fingerprint(
            npi(),
            "M1",
            day(d),
            Hcpcs::parse("G9012").unwrap(),
            Modifiers::parse(mods).unwrap(),
        )
    }

    fn row<'a>(id: &'a str, f: ClaimFrequency, replaces: Option<&'a str>, d: u32) -> LedgerRow<'a> {
        LedgerRow {
            npi: npi(),
            line_id: id,
            frequency: f,
            replaces,
            member_id: "M1",
            date: day(d),
            hcpcs: Hcpcs::parse("G9012").unwrap(),
            modifiers: Modifiers::parse("U2:GQ").unwrap(),
            claim_id: "P00000000000000A1",
            invoice_number: "INV-1",
            ingested_on: day(30),
        }
    }

    #[test]
    fn an_edited_ledger_names_the_row_field_and_what_is_wrong() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("ledger.csv");
        Ledger::default()
            .stage(
                &path,
                [row("L1", ClaimFrequency::Original, None, 4)].into_iter(),
            )
            .unwrap()
            .commit()
            .unwrap();
        let good = std::fs::read_to_string(&path).unwrap();
        for (from, to, said) in [
            (
                "2026-09-04",
                "2026-09-31",
                "field service_date: is not a real calendar day",
            ),
            (
                "2026-09-04",
                "Sept 4",
                "field service_date: is not a date in YYYY-MM-DD",
            ),
            (
                "2026-09-30",
                "2026-02-30",
                "field ingested_on: is not a real calendar day",
            ),
        ] {
            std::fs::write(&path, good.replacen(from, to, 1)).unwrap();
            let e = Ledger::load(&path).unwrap_err().to_string();
            assert!(e.contains("row 2 ") && e.contains(said), "{e}");
            assert!(e.contains("restore it from a backup"), "{e}");
        }
    }

    #[test]
    fn a_claim_id_is_p_and_sixteen_upper_case_hex_digits() {
        let id = ClaimId::of_line(npi(), "L1");
        assert_eq!(ClaimId::parse(id.as_str()), Some(id));
        for bad in [
            "",
            "P1",
            "p00000000000000A1",
            "P00000000000000a1",
            "P00000000000000G1",
            "P00000000000000A12",
        ] {
            assert_eq!(ClaimId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn modifiers_in_any_order_are_the_same_service() {
        assert_eq!(service(1, "U2:GQ"), service(1, "GQ U2"));
        assert_ne!(service(1, "U2:GQ"), service(2, "U2:GQ"));
        assert_ne!(line_fingerprint(npi(), "L1"), line_fingerprint(npi(), "L2"));
    }

    #[test]
    fn replacements_and_voids_move_the_service_and_the_file_reads_back() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("ledger.csv");
        let mut l = Ledger::load(&path).unwrap();
        let rows = [
            row("L1", ClaimFrequency::Original, None, 1),
            row("L2", ClaimFrequency::Original, None, 2),
            row("L3", ClaimFrequency::Replacement, Some("L1"), 3),
            row("L4", ClaimFrequency::Void, Some("L2"), 2),
        ];
        for (i, r) in rows.iter().enumerate() {
            if i == 2 {
                assert_eq!(
                    l.active_owner(service(1, "U2:GQ")),
                    Some(Origin::ThisRun(0))
                );
            }
            let keys = LineKeys {
                line: line_fingerprint(r.npi, r.line_id),
                service: service(chrono::Datelike::day(&r.date), "U2:GQ"),
            };
            l.accept(r.npi, keys, r.frequency, r.replaces, i as u32);
        }
        assert_eq!(l.active_owner(service(1, "U2:GQ")), None);
        assert_eq!(
            l.active_owner(service(3, "GQ:U2")),
            Some(Origin::ThisRun(2))
        );
        assert_eq!(l.active_owner(service(2, "U2:GQ")), None);
        assert!(l.line(npi(), "L2").unwrap().active.is_none());
        l.stage(&path, rows.iter().cloned())
            .unwrap()
            .commit()
            .unwrap();
        assert!(
            !std::fs::read_dir(d.path())
                .unwrap()
                .any(|e| { e.unwrap().file_name().to_string_lossy().starts_with('.') })
        );

        // Read back: the same state, now from an earlier run; a second run appends.
        let again = Ledger::load(&path).unwrap();
        assert_eq!(again.rows_before, 4);
        assert_eq!(
            again.active_owner(service(3, "U2:GQ")),
            Some(Origin::Earlier(2))
        );
        assert_eq!(again.earlier_line_id(2), "L3");
        assert_eq!(again.earlier_claim_id(2).as_str(), "P00000000000000A1");
        assert!(again.earlier_member_is(2, "M1") && !again.earlier_member_is(2, "M2"));
        assert!(again.line(npi(), "L1").unwrap().active.is_none());
        again
            .stage(
                &path,
                [row("L5", ClaimFrequency::Original, None, 9)].into_iter(),
            )
            .unwrap()
            .commit()
            .unwrap();
        assert_eq!(Ledger::load(&path).unwrap().rows_before, 5);

        // A staged ledger that is dropped leaves the old one and no temporary file.
        let third = Ledger::load(&path).unwrap();
        drop(
            third
                .stage(
                    &path,
                    [row("L6", ClaimFrequency::Original, None, 10)].into_iter(),
                )
                .unwrap(),
        );
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
