//! `ecm check` output as text (one line per finding, a summary per file, each broken rule's fix
//! once at the end) or JSON (per file: counts and findings). Both stream: a finding is written
//! when it is found, so output memory does not grow with the file.

use crate::rules::{Rule, Severity};
use crate::x12::check::{CheckFinding, CheckStats};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// What one file came to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileSummary {
    pub file: String,
    /// Why the file could not be checked at all, when it could not.
    pub unreadable: Option<String>,
    #[serde(flatten)]
    pub stats: CheckStats,
    pub errors: u64,
    pub warnings: u64,
}

/// Receives a check's results in order: for each file its findings, then its summary.
pub trait CheckReport {
    fn begin_file(&mut self, file: &str) -> io::Result<()>;
    fn finding(&mut self, file: &str, f: &CheckFinding) -> io::Result<()>;
    fn end_file(&mut self, summary: &FileSummary) -> io::Result<()>;
    /// After the last file.
    fn finish(&mut self) -> io::Result<()>;
}

/// Plain text for a terminal or a log.
pub struct TextReport<W: Write> {
    out: W,
    /// The rules broken so far, for the fixes printed at the end.
    broken: BTreeMap<&'static str, &'static Rule>,
}

impl<W: Write> TextReport<W> {
    pub fn new(out: W) -> TextReport<W> {
        TextReport {
            out,
            broken: BTreeMap::new(),
        }
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

impl<W: Write> CheckReport for TextReport<W> {
    fn begin_file(&mut self, _file: &str) -> io::Result<()> {
        Ok(())
    }

    fn finding(&mut self, file: &str, f: &CheckFinding) -> io::Result<()> {
        self.broken.insert(f.rule.id, f.rule);
        writeln!(
            self.out,
            "{file}: {}: {} {}: {}",
            f.place(),
            f.rule.id,
            severity(f.rule.severity),
            f.message
        )
    }

    fn end_file(&mut self, s: &FileSummary) -> io::Result<()> {
        if let Some(why) = &s.unreadable {
            return writeln!(self.out, "{}: not checked: {why}", s.file);
        }
        let verdict = if s.errors == 0 { "ok" } else { "FAILED" };
        writeln!(
            self.out,
            "{}: {verdict}: {} error{}, {} warning{} in {} segments ({} transaction set{}, {} claim{}, {} line{})",
            s.file,
            s.errors,
            plural(s.errors),
            s.warnings,
            plural(s.warnings),
            s.stats.segments,
            s.stats.transactions,
            plural(s.stats.transactions),
            s.stats.claims,
            plural(s.stats.claims),
            s.stats.lines,
            plural(s.stats.lines),
        )
    }

    fn finish(&mut self) -> io::Result<()> {
        if !self.broken.is_empty() {
            writeln!(self.out, "\nHow to fix:")?;
            for r in self.broken.values() {
                writeln!(self.out, "  {} {}: {}", r.id, r.title, r.fix)?;
            }
        }
        self.out.flush()
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// JSON: `{"files": [{"file", "findings": [...], counts...}], "errors", "warnings", "unreadable"}`.
pub struct JsonReport<W: Write> {
    out: W,
    files: u64,
    findings_in_file: u64,
    errors: u64,
    warnings: u64,
    unreadable: u64,
}

impl<W: Write> JsonReport<W> {
    pub fn new(out: W) -> JsonReport<W> {
        JsonReport {
            out,
            files: 0,
            findings_in_file: 0,
            errors: 0,
            warnings: 0,
            unreadable: 0,
        }
    }
}

impl<W: Write> CheckReport for JsonReport<W> {
    fn begin_file(&mut self, file: &str) -> io::Result<()> {
        let open = if self.files == 0 {
            "{\n  \"files\": [\n"
        } else {
            ",\n"
        };
        self.files += 1;
        self.findings_in_file = 0;
        write!(self.out, "{open}    {{\n      \"file\": ")?;
        serde_json::to_writer(&mut self.out, file)?;
        write!(self.out, ",\n      \"findings\": [")
    }

    fn finding(&mut self, _file: &str, f: &CheckFinding) -> io::Result<()> {
        let sep = if self.findings_in_file == 0 { "" } else { "," };
        self.findings_in_file += 1;
        write!(self.out, "{sep}\n        ")?;
        serde_json::to_writer(&mut self.out, f)?;
        Ok(())
    }

    fn end_file(&mut self, s: &FileSummary) -> io::Result<()> {
        self.errors += s.errors;
        self.warnings += s.warnings;
        self.unreadable += u64::from(s.unreadable.is_some());
        let close = if self.findings_in_file == 0 {
            "]"
        } else {
            "\n      ]"
        };
        write!(self.out, "{close},\n      \"summary\": ")?;
        serde_json::to_writer(&mut self.out, s)?;
        write!(self.out, "\n    }}")
    }

    fn finish(&mut self) -> io::Result<()> {
        let open = if self.files == 0 {
            "{\n  \"files\": ["
        } else {
            "\n  "
        };
        writeln!(
            self.out,
            "{open}],\n  \"errors\": {},\n  \"warnings\": {},\n  \"unreadable\": {}\n}}",
            self.errors, self.warnings, self.unreadable
        )?;
        self.out.flush()
    }
}
