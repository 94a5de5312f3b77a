//! `ecm map` output, streamed row by row.

use crate::ops::map::{MAP_COLUMNS, MapRow};
use std::io::Write;

/// Writes map rows as CSV or as a JSON array, one row at a time.
pub enum MapWriter<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Json { out: W, first: bool },
}

impl<W: Write> MapWriter<W> {
    /// A CSV writer; the header goes out first.
    pub fn csv(out: W) -> std::io::Result<Self> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(MAP_COLUMNS).map_err(std::io::Error::other)?;
        Ok(MapWriter::Csv(Box::new(w)))
    }

    /// A JSON-array writer.
    pub fn json(mut out: W) -> std::io::Result<Self> {
        out.write_all(b"[")?;
        Ok(MapWriter::Json { out, first: true })
    }

    /// Writes one row.
    pub fn row(&mut self, r: &MapRow) -> std::io::Result<()> {
        match self {
            MapWriter::Csv(w) => w
                .write_record(r.csv_record())
                .map_err(std::io::Error::other),
            MapWriter::Json { out, first } => {
                out.write_all(if *first { b"\n  " } else { b",\n  " })?;
                *first = false;
                serde_json::to_writer(&mut *out, r).map_err(std::io::Error::other)
            }
        }
    }

    /// Ends the output and gives back the writer.
    pub fn finish(self) -> std::io::Result<W> {
        match self {
            MapWriter::Csv(w) => w.into_inner().map_err(|e| e.into_error()),
            MapWriter::Json { mut out, first } => {
                out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
                out.flush()?;
                Ok(out)
            }
        }
    }
}
