//! `ecm diff`: two 837P files read transaction by transaction and compared claim by claim.

use crate::claim_diff::{ClaimViews, Diff, diff};
use crate::x12::read::{ReadError, Reader837};
use std::path::Path;

/// Reads one 837P file into claim views, one transaction set at a time.
pub fn read_views(path: &Path) -> Result<ClaimViews, ReadError> {
    let mut reader = Reader837::open(path)?;
    let mut views = ClaimViews::default();
    while let Some((_, envelope, t)) = reader.next_transaction().map_err(|e| e.in_file(path))? {
        views.add_transaction(&envelope, &t);
    }
    Ok(views)
}

/// Compares file `a` with file `b`.
pub fn diff_files(a: &Path, b: &Path) -> Result<Diff, ReadError> {
    Ok(diff(&read_views(a)?, &read_views(b)?))
}
