//! `ecm check`: each 837P file checked in one streaming pass, findings written as they are found.

use crate::codeset::CodeSet;
use crate::report::check::{CheckReport, FileSummary};
use crate::x12::check::check_837;
use std::io;
use std::path::PathBuf;

/// What a whole run found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckTotals {
    pub errors: u64,
    pub warnings: u64,
    /// Files that could not be checked at all.
    pub unreadable: u64,
}

/// Checks `files` in order, writing findings and per-file summaries to `report`. An error is
/// only returned when the report cannot be written.
pub fn check_files(
    files: &[PathBuf],
    codeset: &CodeSet,
    report: &mut dyn CheckReport,
) -> io::Result<CheckTotals> {
    let mut totals = CheckTotals::default();
    for path in files {
        let name = path.display().to_string();
        report.begin_file(&name)?;
        let mut summary = FileSummary {
            file: name.clone(),
            ..FileSummary::default()
        };
        let mut write_error = None;
        let result = std::fs::File::open(path)
            .map_err(crate::x12::check::Unreadable::from)
            .and_then(|f| {
                let input = io::BufReader::with_capacity(64 * 1024, f);
                check_837(input, codeset, &mut |finding| {
                    if finding.is_error() {
                        summary.errors += 1;
                    } else {
                        summary.warnings += 1;
                    }
                    if write_error.is_none() {
                        write_error = report.finding(&name, &finding).err();
                    }
                })
            });
        if let Some(e) = write_error {
            return Err(e);
        }
        match result {
            Ok(stats) => summary.stats = stats,
            Err(why) => {
                summary.unreadable = Some(why.to_string());
                totals.unreadable += 1;
            }
        }
        totals.errors += summary.errors;
        totals.warnings += summary.warnings;
        report.end_file(&summary)?;
    }
    report.finish()?;
    Ok(totals)
}
