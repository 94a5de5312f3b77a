//! `ecm render`: an 837P or 835 file walked segment by segment through its generated grammar
//! ([`P837`], [`P835`]), each loop opened and closed around the segments it holds, handed to a
//! [`RenderSink`] (text or JSON, `crate::report::render`). Streaming: one segment at a time.

use crate::x12::check::Unreadable;
use crate::x12::grammar::{LoopDef, SegmentDef};
use crate::x12::{LoopCursor, P835, P837, Segment, TokenError, Tokenizer};
use std::io::{self, BufRead};
use std::path::Path;

/// Which implementation guide a file follows, from its first GS01.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guide {
    /// 005010X222A1 professional claims (GS01 `HC`).
    P837,
    /// 005010X221A1 remittance advice (GS01 `HP`).
    P835,
}

impl Guide {
    /// The grammar that places its segments.
    pub fn grammar(self) -> &'static LoopDef {
        match self {
            Guide::P837 => &P837,
            Guide::P835 => &P835,
        }
    }

    /// `837P` or `835`.
    pub fn name(self) -> &'static str {
        match self {
            Guide::P837 => "837P",
            Guide::P835 => "835",
        }
    }
}

/// Receives a walk through a file: loops opened and closed around their segments, in order.
pub trait RenderSink {
    fn begin(&mut self, file: &str, guide: Guide) -> io::Result<()>;
    /// A loop instance opens at `depth` (0 for the interchange).
    fn open_loop(&mut self, depth: usize, def: &'static LoopDef) -> io::Result<()>;
    fn close_loop(&mut self, depth: usize, def: &'static LoopDef) -> io::Result<()>;
    /// A segment inside the loop at `depth`, with its definition there.
    fn segment(
        &mut self,
        depth: usize,
        seg: &Segment<'_>,
        def: &'static SegmentDef,
    ) -> io::Result<()>;
    /// A segment the grammar does not place (or cannot read), shown where it came: its text as
    /// read (`None` when the file ended inside it, or reading stopped), its number, and why.
    fn unplaced(
        &mut self,
        depth: usize,
        text: Option<&str>,
        number: u64,
        why: &str,
    ) -> io::Result<()>;
    fn finish(&mut self) -> io::Result<()>;
}

/// Why a file cannot be rendered at all.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("{file}: could not read the file: {source}")]
    Io { file: String, source: io::Error },
    #[error("{file}: {problem}")]
    NotX12 { file: String, problem: String },
    #[error(
        "{file}: its first functional group is {found:?} (GS01); ecm render shows 837P (HC) and 835 (HP) files"
    )]
    OtherTransaction { file: String, found: String },
    #[error("could not write the rendering: {0}")]
    Output(io::Error),
}

/// How a rendering went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStats {
    pub segments: u64,
    /// Segments shown unplaced (unreadable, or not where the guide allows them).
    pub unplaced: u64,
}

/// Renders the file at `path` into `sink`.
pub fn render_file(path: &Path, sink: &mut dyn RenderSink) -> Result<RenderStats, RenderError> {
    let file = path.display().to_string();
    let open = || {
        std::fs::File::open(path)
            .map(|f| io::BufReader::with_capacity(64 * 1024, f))
            .map_err(|source| RenderError::Io {
                file: file.clone(),
                source,
            })
    };
    let guide = detect(open()?, &file)?;
    render(open()?, &file, guide, sink)
}

/// Why a file cannot be rendered at all, as `ecm check` would say it ([`Unreadable`]), or the
/// token error back when reading can report it in place.
fn unreadable(e: TokenError, segments: u64, file: &str) -> Result<TokenError, RenderError> {
    Unreadable::from_token(e, segments).map_err(|why| RenderError::NotX12 {
        file: file.to_string(),
        problem: why.to_string(),
    })
}

/// The guide a stream follows, from its first GS.
fn detect<R: BufRead>(input: R, file: &str) -> Result<Guide, RenderError> {
    let mut tokens = Tokenizer::new(input);
    let mut segments = 0u64;
    loop {
        let seg = tokens.next_segment();
        if let Ok(Some(_)) = seg {
            segments += 1;
        }
        match seg {
            Ok(Some(seg)) if seg.id() == "GS" => {
                return match seg.element(1) {
                    "HC" => Ok(Guide::P837),
                    "HP" => Ok(Guide::P835),
                    other => Err(RenderError::OtherTransaction {
                        file: file.to_string(),
                        found: other.chars().take(3).collect(),
                    }),
                };
            }
            Ok(Some(_)) => {}
            Ok(None) => {
                return Err(RenderError::NotX12 {
                    file: file.to_string(),
                    problem: "the interchange holds no functional group (GS)".to_string(),
                });
            }
            Err(e) => {
                let e = unreadable(e, segments, file)?;
                if !e.problem.is_recoverable() {
                    return Err(RenderError::NotX12 {
                        file: file.to_string(),
                        problem: format!("no functional group (GS) could be read: {e}"),
                    });
                }
            }
        }
    }
}

/// Renders a stream known to follow `guide`.
pub fn render<R: BufRead>(
    input: R,
    file: &str,
    guide: Guide,
    sink: &mut dyn RenderSink,
) -> Result<RenderStats, RenderError> {
    let out = RenderError::Output;
    let mut tokens = Tokenizer::new(input);
    let mut cursor = LoopCursor::new(guide.grammar());
    let mut open: Vec<&'static LoopDef> = Vec::new();
    let mut stats = RenderStats::default();
    sink.begin(file, guide).map_err(out)?;
    loop {
        let seg = match tokens.next_segment() {
            Ok(Some(seg)) => seg,
            Ok(None) => break,
            Err(e) => {
                let e = unreadable(e, stats.segments, file)?;
                stats.unplaced += 1;
                let why = format!("byte {}: {}", e.offset, e.problem);
                // A segment read to its terminator (a bad id, a bad byte...) is shown as read.
                sink.unplaced(open.len(), tokens.unreadable_text(), e.segment, &why)
                    .map_err(out)?;
                if e.problem.is_recoverable() {
                    continue;
                }
                break;
            }
        };
        stats.segments += 1;
        match seg.with_ref(|r| cursor.advance(r)) {
            Ok(p) => {
                let keep = if p.opened { p.depth } else { p.depth + 1 };
                while open.len() > keep {
                    if let Some(l) = open.pop() {
                        sink.close_loop(open.len(), l).map_err(out)?;
                    }
                }
                if p.opened {
                    sink.open_loop(open.len(), p.loop_def).map_err(out)?;
                    open.push(p.loop_def);
                }
                sink.segment(p.depth, &seg, p.segment).map_err(out)?;
            }
            Err(e) => {
                stats.unplaced += 1;
                let number = seg.position().number;
                sink.unplaced(
                    open.len().saturating_sub(1),
                    Some(seg.text()),
                    number,
                    &e.to_string(),
                )
                .map_err(out)?;
            }
        }
    }
    while let Some(l) = open.pop() {
        sink.close_loop(open.len(), l).map_err(out)?;
    }
    sink.finish().map_err(out)?;
    Ok(stats)
}
