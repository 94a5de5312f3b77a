//! Tabular input (CSV or XLSX) read one record at a time, with spreadsheet row numbers. Every
//! command that reads rows (encounters, invoices, rosters, payments) goes through here, so the
//! same forgiving-but-honest handling applies everywhere: a UTF-8 BOM is skipped, header names are
//! matched case-insensitively, non-UTF-8 rows are read as Windows-1252 and flagged, and a row with
//! the wrong number of fields is passed on for the caller to reject rather than ending the file.

pub(crate) mod cp1252;
mod csv_lines;
mod date;
mod fields;
mod line_ends;
mod nearest;
mod record;
pub mod roster;
mod row_checker;
mod sheet_error;
pub mod xlsx;

pub use date::{DateProblem, excel_serial_date, parse_date, push_date};
pub use fields::{FieldChecker, FieldRules, FieldTransliteration};
pub use nearest::{nearest, nearest_spelling};
pub use record::Fields;
use record::RawRecord;
pub use row_checker::RowChecker;
pub use sheet_error::{SHEET_ERRORS, sheet_error};

/// The field and message of a row whose number of fields is not the header's (ENC-031,
/// ING-006, RCN-005), given the row's field count and the header's column names. The field
/// names where the row and the header part: the first header column a short row lacks, or,
/// for a long row, the first column past the header, `(column N)`, since no header name is
/// there. The cause is often earlier in the row (an unquoted comma, a lost separator).
pub fn wrong_width(fields: usize, header: &[String]) -> (String, String) {
    let width = header.len();
    let counts = format!("the row has {fields} fields but the header has {width}");
    if fields < width {
        let name = header[fields].as_str();
        let field = if name.is_empty() {
            format!("(column {})", fields + 1)
        } else {
            name.to_string()
        };
        let message = format!("{counts}: it ends before column {}, {field}", fields + 1);
        (field, message)
    } else {
        let field = format!("(column {})", width + 1);
        let last = header.last().map_or("", String::as_str);
        let message = if last.is_empty() {
            format!(
                "{counts}: column {} and after are past the header's last column",
                width + 1
            )
        } else {
            format!(
                "{counts}: column {} and after are past the header's last column, {last}",
                width + 1
            )
        };
        (field, message)
    }
}

use crate::model::text::trim;
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The error for a header without the `missing` columns; a header column spelled like one of
/// them (`servce_date`, `dob`) is named in the message as what was probably meant.
/// Columns in `known` (those the header matched) and names under three letters, where one edit
/// proves nothing, are not taken for misspellings.
pub(crate) fn missing_columns(
    file: &str,
    header: &[String],
    known: &[&str],
    missing: &[&str],
) -> InputError {
    let guesses: Vec<String> = header
        .iter()
        .filter(|c| c.trim().len() >= 3 && !known.iter().any(|k| k.eq_ignore_ascii_case(c.trim())))
        .filter_map(|c| nearest::nearest(c, missing).map(|m| format!("'{c}': did you mean {m}?")))
        .collect();
    InputError::MissingColumns {
        file: file.to_string(),
        missing: missing.join(", "),
        hint: if guesses.is_empty() {
            String::new()
        } else {
            format!(" (the header has {})", guesses.join("; "))
        },
    }
}

/// A file that cannot be read as a table at all (the run stops; nothing is written).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{file}: cannot read it: {reason}")]
    Unreadable { file: String, reason: String },
    #[error(
        "{file}: the header is missing required column(s) {missing}{hint}; the first row must name the columns (see the README's input format)"
    )]
    MissingColumns {
        file: String,
        missing: String,
        /// What the header has instead, when a column looks like a misspelling of a missing one
        /// (`" (the header has 'servce_date': did you mean service_date?)"`), else empty.
        hint: String,
    },
    #[error("{file}: column '{column}' appears twice in the header; remove one")]
    DuplicateColumn { file: String, column: String },
    #[error("{file}: the file is empty; it needs a header row and at least one data row")]
    Empty { file: String },
    #[error(
        "{file}: the file has a header but no data rows; it needs at least one row under the header (nothing was written)"
    )]
    NoDataRows { file: String },
    #[error(
        "{file}: the sheets {sheets} all have the encounter header, and this command reads one sheet per workbook; rather than leave rows out, nothing was read: save each sheet as its own file"
    )]
    SeveralSheets { file: String, sheets: String },
    #[error(
        "{file}: row {row}, column '{column}': a quote (\") opens a field that runs on over {lines} line(s), to line {last_line}, so those lines were read as one field ({fields} fields where the header has {expected}); close the quote in row {row} (or remove it) and run again. Nothing was written, so no row was lost"
    )]
    UnclosedQuote {
        file: String,
        row: u32,
        column: String,
        lines: u64,
        last_line: u64,
        fields: usize,
        expected: usize,
    },
}

/// One data row.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// Spreadsheet row number (the header is row 1 in a file that starts with it).
    pub row: u32,
    pub fields: Fields,
    /// The row was not UTF-8 and was decoded as Windows-1252.
    pub cp1252: bool,
}

/// Records read one after another, and how far into the file they reach (for progress).
pub struct RecordBatch {
    pub records: Vec<Record>,
    pub position: u64,
}

/// Batches of records handed back once checked, to be filled again: their records keep the
/// room their text took, so reading a million rows does not allocate (and free on another
/// thread) a buffer per row.
pub type SpentBatches = std::sync::mpsc::Receiver<Vec<Record>>;

enum Source {
    Csv(Box<csv_lines::CsvLines<Box<dyn Read + Send>>>),
    Rows(std::vec::IntoIter<Record>),
}

/// One sheet of a workbook (or a CSV, which has no sheet name) as a table.
pub struct Sheet {
    /// The sheet's name in the workbook; `None` for a CSV.
    pub sheet: Option<String>,
    pub table: Table,
}

/// Whether the file is read as a spreadsheet (by its extension).
pub(crate) fn is_workbook(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods")
}

/// The file's name as the user gave it and its size, or why it cannot be read.
fn check_file(path: &Path) -> Result<(String, u64), InputError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| InputError::Unreadable {
        file: name.clone(),
        reason: e.to_string(),
    })?;
    if meta.is_dir() {
        return Err(InputError::Unreadable {
            file: name,
            reason: "it is a directory, not a file".into(),
        });
    }
    Ok((name, meta.len()))
}

/// A CSV file's records, with Windows (CRLF) and old Mac (CR) line ends read as LF, so row
/// numbers count lines the same way whatever saved the file.
fn open_csv(
    path: &Path,
    name: &str,
) -> Result<csv_lines::CsvLines<Box<dyn Read + Send>>, InputError> {
    let file = File::open(path).map_err(|e| InputError::Unreadable {
        file: name.to_string(),
        reason: e.to_string(),
    })?;
    // No buffer of its own: CsvLines reads in large chunks, and LfOnly works in them in place.
    let reader: Box<dyn Read + Send> = Box::new(line_ends::LfOnly::new(file));
    Ok(csv_lines::CsvLines::new(reader))
}

/// Every non-blank row of a CSV file as written, the first one included (no row is taken as
/// the header), each numbered as a spreadsheet shows it: for a sheet saved as CSV, whose
/// header block sits above its table.
pub fn csv_rows(path: &Path) -> Result<Vec<Record>, InputError> {
    let (name, _) = check_file(path)?;
    let mut rdr = open_csv(path, &name)?;
    let mut buf = RawRecord::default();
    let mut rows = Vec::new();
    // Line breaks inside earlier records, which a spreadsheet does not count as rows.
    let mut folded = 0u64;
    loop {
        let lines = match rdr.next(&mut buf) {
            Ok(None) => break,
            Ok(Some(lines)) => lines,
            Err(e) => {
                return Err(InputError::Unreadable {
                    file: name,
                    reason: e.to_string(),
                });
            }
        };
        let row = u32::try_from(lines.first - folded).unwrap_or(u32::MAX);
        folded += lines.last - lines.first;
        if buf.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let (mut fields, cp1252) = buf.take_fields(cp1252::decode);
        if fields.get(0).is_some_and(|f| f.starts_with('\u{feff}')) {
            let mut trimmed = Fields::new();
            for (i, f) in fields.iter().enumerate() {
                trimmed.push_field(if i == 0 {
                    f.trim_start_matches('\u{feff}')
                } else {
                    f
                });
            }
            fields = trimmed;
        }
        rows.push(Record {
            row,
            fields,
            cp1252,
        });
    }
    Ok(rows)
}

/// An open table: its header and a stream of records.
pub struct Table {
    /// The file as the user named it.
    pub name: String,
    /// Header names, lower-cased and trimmed.
    pub columns: Vec<String>,
    index: HashMap<String, usize>,
    source: Source,
    buf: RawRecord,
    /// Size of the file in bytes (for progress).
    pub size: u64,
    /// Line breaks inside the CSV records read so far (quoted fields spanning lines), which a
    /// spreadsheet does not count as rows.
    folded: u64,
    /// Read from a spreadsheet's cells (not CSV text): a bare number in a date column is then a
    /// date serial whose cell lost its date format.
    pub workbook: bool,
}

/// About how many data rows the CSV files among `paths` hold, from their sizes and the line
/// lengths of their first 64 KiB: a capacity hint so a million rows are not collected by repeated
/// doubling. Spreadsheets, unreadable files and empty files count 0; the hint is never an error.
pub fn estimate_rows(paths: &[PathBuf]) -> usize {
    const SAMPLE: usize = 64 * 1024;
    let mut rows = 0u64;
    for p in paths {
        if is_workbook(p) {
            continue;
        }
        let Ok(mut f) = File::open(p) else { continue };
        let Ok(meta) = f.metadata() else { continue };
        let mut buf = vec![0u8; SAMPLE];
        let mut got = 0;
        while got < SAMPLE {
            match f.read(&mut buf[got..]) {
                Ok(0) | Err(_) => break,
                Ok(n) => got += n,
            }
        }
        let lines = buf[..got].iter().filter(|&&b| b == b'\n').count() as u64;
        if lines == 0 {
            continue;
        }
        // The sample's lines include the header; a little over is better than a doubling.
        rows += meta.len() * lines / got as u64;
    }
    usize::try_from(rows).unwrap_or(usize::MAX)
}

impl Table {
    /// Opens a CSV (any extension but .xlsx/.xlsm/.xls/.ods) or a spreadsheet. `sheets` names the
    /// worksheet to prefer in a workbook.
    pub fn open(path: &Path, sheets: &[&str]) -> Result<Table, InputError> {
        let (name, size) = check_file(path)?;
        if is_workbook(path) {
            let (header, records) = xlsx::read(path, &name, sheets)?;
            return Table::with_header(name, header, Source::Rows(records.into_iter()), size);
        }
        let mut rdr = open_csv(path, &name)?;
        let mut first = RawRecord::default();
        let got = rdr.next(&mut first).map_err(|e| InputError::Unreadable {
            file: name.clone(),
            reason: e.to_string(),
        })?;
        let Some(header_lines) = got else {
            return Err(InputError::Empty { file: name });
        };
        let header = first
            .iter()
            .map(|f| match std::str::from_utf8(f) {
                Ok(s) => s.to_string(),
                Err(_) => cp1252::decode(f),
            })
            .collect();
        let mut t = Table::with_header(name, header, Source::Csv(Box::new(rdr)), size)?;
        t.folded = header_lines.last - header_lines.first;
        Ok(t)
    }

    /// Every sheet of a workbook that holds anything, each as its own table, in workbook order;
    /// a CSV is its one table. When a workbook has more than one such sheet, each table is named
    /// `path[sheet]` (its findings then say which sheet a row is on) and its rows are numbered
    /// as that sheet numbers them.
    pub fn open_sheets(path: &Path) -> Result<Vec<Sheet>, InputError> {
        if !is_workbook(path) {
            return Ok(vec![Sheet {
                sheet: None,
                table: Table::open(path, &[])?,
            }]);
        }
        let (name, size) = check_file(path)?;
        let sheets = xlsx::read_all(path, &name)?;
        if sheets.is_empty() {
            return Err(InputError::Empty { file: name });
        }
        let several = sheets.len() > 1;
        let mut out = Vec::with_capacity(sheets.len());
        for (i, (sheet, header, records)) in sheets.into_iter().enumerate() {
            let table_name = if several {
                format!("{name}[{sheet}]")
            } else {
                name.clone()
            };
            // The file's size stands for its first sheet only, so progress adds up.
            let size = if i == 0 { size } else { 0 };
            let table =
                Table::with_header(table_name, header, Source::Rows(records.into_iter()), size)?;
            out.push(Sheet {
                sheet: Some(sheet),
                table,
            });
        }
        Ok(out)
    }

    /// A table from its header as read (trimmed and lower-cased here); an empty header or a
    /// column named twice is refused.
    fn with_header(
        name: String,
        header: Vec<String>,
        source: Source,
        size: u64,
    ) -> Result<Table, InputError> {
        let columns: Vec<String> = header
            .into_iter()
            .enumerate()
            .map(|(i, h): (usize, String)| {
                let h = if i == 0 {
                    h.trim_start_matches('\u{feff}').to_string()
                } else {
                    h
                };
                h.trim().to_ascii_lowercase()
            })
            .collect();
        if columns.iter().all(|c| c.is_empty()) {
            return Err(InputError::Empty { file: name });
        }
        let workbook = matches!(source, Source::Rows(_));
        let mut index = HashMap::new();
        for (i, c) in columns.iter().enumerate() {
            if c.is_empty() {
                continue;
            }
            if index.insert(c.clone(), i).is_some() {
                return Err(InputError::DuplicateColumn {
                    file: name,
                    column: c.clone(),
                });
            }
        }
        Ok(Table {
            name,
            columns,
            index,
            source,
            buf: RawRecord::default(),
            size,
            folded: 0,
            workbook,
        })
    }

    /// A table of rows already read (a spreadsheet laid out as more than one table, turned into
    /// one by its reader): `columns` are the header names as the records hold them.
    pub fn from_records(
        name: &str,
        columns: Vec<String>,
        records: Vec<Record>,
        size: u64,
    ) -> Table {
        let mut index = HashMap::new();
        for (i, c) in columns.iter().enumerate() {
            index.entry(c.clone()).or_insert(i);
        }
        Table {
            name: name.to_string(),
            columns,
            index,
            source: Source::Rows(records.into_iter()),
            buf: RawRecord::default(),
            size,
            folded: 0,
            // Rows made by a reader of their own; their text is taken as written.
            workbook: false,
        }
    }

    /// The position of a column, by its lower-case name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Fails with the list of `required` columns the header lacks.
    pub fn require(&self, required: &[&str]) -> Result<(), InputError> {
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| self.column(c).is_none())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(missing_columns(
                &self.name,
                &self.columns,
                required,
                &missing,
            ))
        }
    }

    /// Header columns not in `known` (reported, then ignored).
    pub fn unknown_columns(&self, known: &[&str]) -> Vec<String> {
        self.columns
            .iter()
            .filter(|c| !c.is_empty() && !known.contains(&c.as_str()))
            .cloned()
            .collect()
    }

    /// Bytes consumed so far (CSV), for a progress bar.
    pub fn position(&self) -> u64 {
        match &self.source {
            Source::Csv(r) => r.position(),
            Source::Rows(_) => 0,
        }
    }

    /// The records in batches of up to `rows`, each with the position reached after it, for
    /// checking on several threads; batches sent back through `spent` are filled again. An
    /// unreadable record ends the batches with its error (the records read before it in that
    /// batch are dropped: the run stops on it anyway).
    pub fn batches(
        &mut self,
        rows: usize,
        spent: SpentBatches,
    ) -> impl Iterator<Item = Result<RecordBatch, InputError>> + Send + '_ {
        let mut ended = false;
        // Records of spent batches, ready to be filled.
        let mut spare: Vec<Record> = Vec::new();
        let mut empties: Vec<Vec<Record>> = Vec::new();
        std::iter::from_fn(move || {
            if ended {
                return None;
            }
            for mut b in spent.try_iter() {
                spare.append(&mut b);
                empties.push(b);
            }
            let mut records = empties.pop().unwrap_or_else(|| Vec::with_capacity(rows));
            while records.len() < rows {
                let mut rec = spare.pop().unwrap_or_default();
                match self.next_record_into(&mut rec) {
                    Some(Ok(())) => records.push(rec),
                    Some(Err(e)) => {
                        ended = true;
                        return Some(Err(e));
                    }
                    None => {
                        ended = true;
                        break;
                    }
                }
            }
            (!records.is_empty()).then(|| {
                Ok(RecordBatch {
                    records,
                    position: self.position(),
                })
            })
        })
    }

    /// The next non-blank record, or an I/O error that ends the file.
    pub fn next_record(&mut self) -> Option<Result<Record, InputError>> {
        if let Source::Rows(it) = &mut self.source {
            return it.next().map(Ok);
        }
        let mut rec = Record::default();
        self.next_record_into(&mut rec)
            .map(|done| done.map(|()| rec))
    }

    /// Reads the next non-blank record into `out` (reusing its room), or says the file has
    /// ended, or gives the I/O error that ends it.
    pub fn next_record_into(&mut self, out: &mut Record) -> Option<Result<(), InputError>> {
        match &mut self.source {
            Source::Rows(it) => it.next().map(|r| {
                *out = r;
                Ok(())
            }),
            Source::Csv(rdr) => loop {
                match rdr.next(&mut self.buf) {
                    Ok(None) => return None,
                    Err(e) => {
                        return Some(Err(InputError::Unreadable {
                            file: self.name.clone(),
                            reason: e.to_string(),
                        }));
                    }
                    Ok(Some(lines)) => {
                        // The spreadsheet's row: the record's first line, less the line breaks
                        // inside earlier records (a quoted field spanning lines is one row).
                        let row = u32::try_from(lines.first - self.folded).unwrap_or(u32::MAX);
                        self.folded += lines.last - lines.first;
                        if self
                            .buf
                            .iter()
                            .all(|f| f.iter().all(u8::is_ascii_whitespace))
                        {
                            continue;
                        }
                        if lines.last > lines.first
                            && let Err(e) = check_quotes(
                                &self.name,
                                &self.columns,
                                &self.buf,
                                (row, lines.first),
                                lines.last,
                            )
                        {
                            return Some(Err(e));
                        }
                        out.row = row;
                        out.cp1252 = self.buf.copy_fields(&mut out.fields, cp1252::decode);
                        return Some(Ok(()));
                    }
                }
            },
        }
    }
}

/// A record whose fields hold line breaks and that does not have the header's number of fields
/// is a quote left open: the lines after it were read into one field, and billing the rest
/// would silently lose them. (A multi-line field in a record of the right width is passed on;
/// the row rules reject its line break.) `at` is the record's row and its first line,
/// `last_line` its last line.
fn check_quotes(
    file: &str,
    columns: &[String],
    rec: &RawRecord,
    (row, first_line): (u32, u64),
    last_line: u64,
) -> Result<(), InputError> {
    if rec.len() == columns.len() {
        return Ok(());
    }
    let Some(at) = rec.iter().position(|f| f.contains(&b'\n')) else {
        return Ok(());
    };
    Err(InputError::UnclosedQuote {
        file: file.to_string(),
        row,
        column: columns
            .get(at)
            .filter(|c| !c.is_empty())
            .cloned()
            .unwrap_or_else(|| format!("field {}", at + 1)),
        lines: last_line - first_line,
        last_line,
        fields: rec.len(),
        expected: columns.len(),
    })
}

impl Record {
    /// The trimmed field at `col`, empty when the column is absent or the row is short.
    pub fn get(&self, col: Option<usize>) -> &str {
        col.and_then(|i| self.fields.get(i)).map(trim).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    proptest! {
        #[test]
        fn the_quick_trim_is_str_trim(s in "\\PC{0,12}|[ \t]?[a-z]{0,4}[ \u{a0}\u{3000}]?") {
            prop_assert_eq!(trim(&s), s.trim());
        }

        /// Any bytes at all (quotes, line ends, invalid UTF-8) read as a table or fail with an
        /// error; nothing panics, and every record's row lies within the file's lines.
        #[test]
        fn arbitrary_bytes_never_panic_the_reader(
            bytes in proptest::collection::vec(
                prop_oneof![
                    4 => Just(b'a'), 2 => Just(b','), 2 => Just(b'"'), 2 => Just(b'\n'),
                    1 => Just(b'\r'), 1 => Just(0xF1u8), 1 => Just(0xE2u8), 1 => Just(b' '),
                ],
                0..200,
            ),
        ) {
            let d = tempfile::tempdir().unwrap();
            let p = write(d.path(), "any.csv", &bytes);
            if let Ok(mut t) = Table::open(&p, &[]) {
                let lines = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u32 + 1;
                while let Some(r) = t.next_record() {
                    match r {
                        Ok(rec) => prop_assert!(rec.row >= 2 && rec.row <= lines, "{}", rec.row),
                        Err(_) => break,
                    }
                }
            }
        }
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
        p
    }

    #[test]
    fn reads_csv_with_bom_blank_lines_and_line_numbers() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            "e.csv",
            b"\xEF\xBB\xBFEncounter_ID, Name\nE1,Ana\n\nE2,\"Jos\xC3\xA9\nMaria\"\nE3,Mu\xF1oz\n",
        );
        let mut t = Table::open(&p, &[]).unwrap();
        assert_eq!(t.columns, vec!["encounter_id", "name"]);
        assert_eq!(t.column("name"), Some(1));
        let rows: Vec<Record> = std::iter::from_fn(|| t.next_record())
            .map(Result::unwrap)
            .collect();
        // A blank line is a row; a quoted field's line break is not (the spreadsheet shows
        // E2 as one row).
        assert_eq!(
            rows.iter().map(|r| r.row).collect::<Vec<_>>(),
            vec![2, 4, 5]
        );
        assert_eq!(rows[1].get(Some(1)), "José\nMaria");
        assert_eq!((rows[2].get(Some(1)), rows[2].cp1252), ("Muñoz", true));
    }

    /// The same rows saved with LF, CRLF (Windows, Excel) and CR (old Mac) line ends get the
    /// same row numbers and the same field values.
    #[test]
    fn row_numbers_do_not_depend_on_line_ends() {
        let d = tempfile::tempdir().unwrap();
        let lf = "id,city\nE1,Fresno\n\nE2,\"Apt 4\nOakland\"\nE3,Chico\nE4,Napa";
        let mut seen = Vec::new();
        for (name, text) in [
            ("lf.csv", lf.to_string()),
            ("crlf.csv", lf.replace('\n', "\r\n")),
            ("cr.csv", lf.replace('\n', "\r")),
        ] {
            let p = write(d.path(), name, text.as_bytes());
            let mut t = Table::open(&p, &[]).unwrap();
            let rows: Vec<(u32, String)> = std::iter::from_fn(|| t.next_record())
                .map(Result::unwrap)
                .map(|r| (r.row, r.get(Some(1)).to_string()))
                .collect();
            seen.push(rows);
        }
        let want: Vec<(u32, String)> = [
            (2, "Fresno"),
            (4, "Apt 4\nOakland"),
            (5, "Chico"),
            (6, "Napa"),
        ]
        .into_iter()
        .map(|(r, c)| (r, c.to_string()))
        .collect();
        assert_eq!(seen, vec![want.clone(), want.clone(), want]);
    }

    /// A quote left open swallows the lines after it into one field: the file is refused,
    /// naming where the quote opened, instead of those rows vanishing.
    #[test]
    fn an_unclosed_quote_stops_the_file_where_it_opened() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            "q.csv",
            b"id,city,zip\r\nE1,Fresno,93701\r\nE2,\"Sacramento,95814\r\nE3,Chico,95926\r\nE4,Napa,94558\r\n",
        );
        let mut t = Table::open(&p, &[]).unwrap();
        assert_eq!(t.next_record().unwrap().unwrap().row, 2);
        let e = t.next_record().unwrap().unwrap_err();
        assert!(
            matches!(
                &e,
                InputError::UnclosedQuote { row: 3, column, last_line: 5, fields: 2, expected: 3, .. }
                    if column == "city"
            ),
            "{e:?}"
        );
        let m = e.to_string();
        assert!(
            m.contains("row 3, column 'city'") && m.contains("close the quote"),
            "{m}"
        );
        // A closed multi-line field in a row of the right width is a row for the rules to judge.
        let p = write(
            d.path(),
            "ok.csv",
            b"id,city,zip\nE1,\"Apt 4\nFresno\",93701\nE2,Chico,95926\n",
        );
        let mut t = Table::open(&p, &[]).unwrap();
        let rows: Vec<u32> = std::iter::from_fn(|| t.next_record())
            .map(|r| r.unwrap().row)
            .collect();
        assert_eq!(rows, vec![2, 3]);
    }

    #[test]
    fn a_row_of_the_wrong_width_names_where_it_parts_from_the_header() {
        let header: Vec<String> = ["a", "b", "", "d"].iter().map(|s| s.to_string()).collect();
        assert_eq!(
            wrong_width(1, &header),
            (
                "b".to_string(),
                "the row has 1 fields but the header has 4: it ends before column 2, b".to_string()
            )
        );
        // A header column with no name is named by position.
        assert_eq!(wrong_width(2, &header).0, "(column 3)");
        assert_eq!(
            wrong_width(6, &header),
            (
                "(column 5)".to_string(),
                "the row has 6 fields but the header has 4: column 5 and after are past the header's last column, d".to_string()
            )
        );
    }

    #[test]
    fn header_problems_are_named() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "dup.csv", b"a,b,A\n1,2,3\n");
        assert!(matches!(
            Table::open(&p, &[]),
            Err(InputError::DuplicateColumn { .. })
        ));
        let p = write(d.path(), "empty.csv", b"");
        assert!(matches!(
            Table::open(&p, &[]),
            Err(InputError::Empty { .. })
        ));
        let p = write(d.path(), "ok.csv", b"a,b\n1,2\n");
        let t = Table::open(&p, &[]).unwrap();
        let e = t.require(&["a", "c", "d"]).unwrap_err().to_string();
        assert!(e.contains("c, d;"), "{e}");
        assert_eq!(t.unknown_columns(&["a"]), vec!["b".to_string()]);
        // A misspelled required column is named with what it was probably meant as.
        let p = write(d.path(), "typo.csv", b"member_id,servce_date\n1,2\n");
        let t = Table::open(&p, &[]).unwrap();
        let e = t
            .require(&["member_id", "service_date"])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("service_date (the header has 'servce_date': did you mean service_date?)"),
            "{e}"
        );
        assert!(Table::open(d.path(), &[]).is_err());
    }
}
