//! Reading X12 through the library: the tokenizer and the readers over the shared real-world
//! samples (read in place from `../shared/samples/`, skipped when absent) and our own fixtures.

use ecm::x12::Tokenizer;
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
