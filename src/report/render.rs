//! `ecm render` output. Text: one segment per line, indented by loop, each loop labelled with its
//! id and name, each segment followed by its guide name and its key elements named. JSON: the loop
//! tree (`items` in file order, segments with every element named). Both stream.

use crate::ops::render::{Guide, RenderSink};
use crate::x12::Segment;
use crate::x12::grammar::{ElementDef, LoopDef, SegmentDef};
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

/// The elements the text rendering names, per segment id (1-based positions): what a reader
/// looks for first. Others are in the segment text and in the JSON.
const KEY_ELEMENTS: &[(&str, &[usize])] = &[
    ("ISA", &[6, 8, 13, 15]),
    ("GS", &[1, 6, 8]),
    ("ST", &[1, 2]),
    ("SE", &[1, 2]),
    ("GE", &[1, 2]),
    ("IEA", &[1, 2]),
    ("BHT", &[3, 4, 6]),
    ("NM1", &[1, 3, 4, 9]),
    ("N1", &[1, 2, 4]),
    ("N3", &[1]),
    ("N4", &[1, 2, 3]),
    ("PER", &[2, 4]),
    ("REF", &[1, 2]),
    ("PRV", &[3]),
    ("HL", &[1, 2, 3, 4]),
    ("SBR", &[1, 9]),
    ("PAT", &[1]),
    ("DMG", &[2, 3]),
    ("CLM", &[1, 2, 5]),
    ("DTP", &[1, 3]),
    ("DTM", &[1, 2]),
    ("HI", &[1, 2, 3, 4]),
    ("LX", &[1]),
    ("SV1", &[1, 2, 4]),
    ("AMT", &[1, 2]),
    ("BPR", &[1, 2, 16]),
    ("TRN", &[2, 3]),
    ("CLP", &[1, 2, 3, 4]),
    ("CAS", &[1, 2, 3]),
    ("SVC", &[1, 2, 3, 5]),
    ("PLB", &[3, 4]),
];

/// `NM103 Subscriber Last Name=DOE`, or for a composite its non-empty components so named.
fn named(def: &ElementDef, seg: &Segment<'_>, n: usize) -> Vec<String> {
    if def.is_composite() {
        def.components
            .iter()
            .zip(seg.components(n))
            .filter(|(_, v)| !v.is_empty())
            .map(|(c, v)| format!("{} {}={v}", c.id, c.name))
            .collect()
    } else {
        match seg.element(n) {
            "" => Vec::new(),
            v => vec![format!("{} {}={}", def.id, def.name, v.trim_end())],
        }
    }
}

/// Plain text, for reading.
pub struct TextRender<W: Write> {
    out: W,
}

impl<W: Write> TextRender<W> {
    pub fn new(out: W) -> TextRender<W> {
        TextRender { out }
    }
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

/// Segment text for a line of its own: a control character (an information separator serving
/// as a delimiter, or a bad byte) as its escape (`\u{1d}`, `\n`), so every segment stays on
/// one line and nothing invisible reaches the terminal.
fn printable(text: &str) -> Cow<'_, str> {
    if text.bytes().all(|b| b >= b' ' && b != 0x7F) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

impl<W: Write> RenderSink for TextRender<W> {
    fn begin(&mut self, file: &str, guide: Guide) -> io::Result<()> {
        writeln!(self.out, "{file}: {}", guide.name())
    }

    fn open_loop(&mut self, depth: usize, def: &'static LoopDef) -> io::Result<()> {
        writeln!(self.out, "{}{} {}", indent(depth), def.id, def.name)
    }

    fn close_loop(&mut self, _depth: usize, _def: &'static LoopDef) -> io::Result<()> {
        Ok(())
    }

    fn segment(
        &mut self,
        depth: usize,
        seg: &Segment<'_>,
        def: &'static SegmentDef,
    ) -> io::Result<()> {
        let keys = KEY_ELEMENTS
            .iter()
            .find(|(id, _)| *id == def.id)
            .map_or(&[][..], |(_, k)| k);
        let parts: Vec<String> = keys
            .iter()
            .filter_map(|&n| Some(named(def.elements.get(n - 1)?, seg, n)))
            .flatten()
            .collect();
        write!(
            self.out,
            "{}{}  [{}]",
            indent(depth + 1),
            printable(seg.text()),
            def.name
        )?;
        if !parts.is_empty() {
            write!(self.out, " {}", printable(&parts.join(", ")))?;
        }
        writeln!(self.out)
    }

    fn unplaced(
        &mut self,
        depth: usize,
        text: Option<&str>,
        number: u64,
        why: &str,
    ) -> io::Result<()> {
        let text = match text {
            Some(t) => format!("{}  ", printable(t)),
            None => String::new(),
        };
        writeln!(
            self.out,
            "{}!! {text}[segment {number} not placed: {why}]",
            indent(depth + 1)
        )
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// JSON that keeps the loop tree: `{"file", "guide", "interchanges": [loop]}`, where a loop is
/// `{"loop", "name", "items": [loop or segment]}` and a segment `{"segment", "name", "number",
/// "text", "elements": [{"id", "name", "value"} or {"id", "name", "components": [...]}]}`.
pub struct JsonRender<W: Write> {
    out: W,
    /// Items written so far at each open level (the interchanges array first).
    counts: Vec<usize>,
}

impl<W: Write> JsonRender<W> {
    pub fn new(out: W) -> JsonRender<W> {
        JsonRender {
            out,
            counts: Vec::new(),
        }
    }

    /// Starts the next item of the innermost open list.
    fn item(&mut self) -> io::Result<()> {
        let depth = self.counts.len();
        let sep = match self.counts.last_mut() {
            Some(n) => {
                *n += 1;
                if *n > 1 { "," } else { "" }
            }
            None => "",
        };
        write!(self.out, "{sep}\n{}", indent(depth))
    }
}

/// One element in the JSON rendering: a value, or a composite's components.
#[derive(Serialize)]
struct ElementJson<'a> {
    id: String,
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    components: Option<Vec<ElementJson<'a>>>,
}

/// One segment in the JSON rendering.
#[derive(Serialize)]
struct SegmentJson<'a> {
    segment: &'static str,
    name: &'static str,
    number: u64,
    text: &'a str,
    elements: Vec<ElementJson<'a>>,
}

/// Element `n` of `seg` named by `def` (which is `None` beyond the guide's elements).
fn element_json<'a>(
    def: Option<&ElementDef>,
    seg: &Segment<'a>,
    id: String,
    n: usize,
) -> ElementJson<'a> {
    let name = def.map_or("", |d| d.name);
    match def {
        Some(d) if d.is_composite() => {
            let components = seg
                .components(n)
                .enumerate()
                .filter(|(_, v)| !v.is_empty())
                .map(|(i, v)| {
                    let c = d.components.get(i);
                    ElementJson {
                        id: c.map_or_else(|| format!("{id}-{}", i + 1), |c| c.id.to_string()),
                        name: c.map_or("", |c| c.name),
                        value: Some(v),
                        components: None,
                    }
                })
                .collect();
            ElementJson {
                id,
                name,
                value: None,
                components: Some(components),
            }
        }
        _ => ElementJson {
            id,
            name,
            value: Some(seg.element(n)),
            components: None,
        },
    }
}

impl<W: Write> RenderSink for JsonRender<W> {
    fn begin(&mut self, file: &str, guide: Guide) -> io::Result<()> {
        write!(
            self.out,
            "{{\"file\": {}, \"guide\": \"{}\", \"interchanges\": [",
            serde_json::to_string(file)?,
            guide.name()
        )?;
        self.counts.push(0);
        Ok(())
    }

    fn open_loop(&mut self, _depth: usize, def: &'static LoopDef) -> io::Result<()> {
        self.item()?;
        write!(
            self.out,
            "{{\"loop\": {}, \"name\": {}, \"items\": [",
            serde_json::to_string(def.id)?,
            serde_json::to_string(def.name)?
        )?;
        self.counts.push(0);
        Ok(())
    }

    fn close_loop(&mut self, _depth: usize, _def: &'static LoopDef) -> io::Result<()> {
        self.counts.pop();
        write!(self.out, "\n{}]}}", indent(self.counts.len()))
    }

    fn segment(
        &mut self,
        _depth: usize,
        seg: &Segment<'_>,
        def: &'static SegmentDef,
    ) -> io::Result<()> {
        self.item()?;
        let elements = (1..=seg.element_count())
            .filter(|&n| !seg.element(n).is_empty())
            .map(|n| {
                let d = def.elements.get(n - 1);
                let id = d.map_or_else(|| format!("{}{n:02}", def.id), |d| d.id.to_string());
                element_json(d, seg, id, n)
            })
            .collect();
        let v = SegmentJson {
            segment: def.id,
            name: def.name,
            number: seg.position().number,
            text: seg.text(),
            elements,
        };
        serde_json::to_writer(&mut self.out, &v)?;
        Ok(())
    }

    fn unplaced(
        &mut self,
        _depth: usize,
        text: Option<&str>,
        number: u64,
        why: &str,
    ) -> io::Result<()> {
        self.item()?;
        #[derive(Serialize)]
        struct Unplaced<'a> {
            unplaced: &'a str,
            number: u64,
            text: Option<&'a str>,
        }
        let v = Unplaced {
            unplaced: why,
            number,
            text,
        };
        serde_json::to_writer(&mut self.out, &v)?;
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.counts.clear();
        writeln!(self.out, "\n]}}")?;
        self.out.flush()
    }
}
