//! Walks a stream of segments through a grammar: which loop each segment opens or belongs to, and
//! whether it comes in guide order and within its repeat limits. The reader, `ecm check` and
//! `ecm render` stand on this; the writer's tests use it to prove the writer follows the grammar.

use super::grammar::{LoopDef, SegmentDef, SegmentRef};

/// Where a segment landed.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    /// The loop the segment belongs to.
    pub loop_def: &'static LoopDef,
    /// Its definition in that loop.
    pub segment: &'static SegmentDef,
    /// 0 for the interchange (ISA_LOOP), 1 for GS_LOOP, 2 for ST_LOOP, 3 for 1000A/2000A, ...
    pub depth: usize,
    /// Whether the segment opened a new instance of `loop_def`.
    pub opened: bool,
}

/// Why a segment does not fit where it was read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrammarError {
    #[error("segment {segment} is not expected inside loop {loop_id} or any loop around it")]
    Unexpected {
        segment: String,
        loop_id: &'static str,
    },
    #[error(
        "segment {segment} ({name}) of loop {loop_id} comes after segments the guide puts after it"
    )]
    OutOfOrder {
        segment: &'static str,
        name: &'static str,
        loop_id: &'static str,
    },
    #[error("segment {segment} ({name}) repeats more than the {max} times loop {loop_id} allows")]
    TooManySegments {
        segment: &'static str,
        name: &'static str,
        loop_id: &'static str,
        max: u32,
    },
    #[error("loop {loop_id} ({name}) repeats more than the {max} times allowed")]
    TooManyLoops {
        loop_id: &'static str,
        name: &'static str,
        max: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Segments,
    Children,
    Trailer,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    def: &'static LoopDef,
    phase: Phase,
    /// Index of the last segment definition matched (in `segments`, or `trailer` in that phase).
    seg: usize,
    seg_uses: u32,
    /// Index of the last child loop opened, and how many times in a row.
    child: usize,
    child_repeats: u32,
}

impl Frame {
    fn open(def: &'static LoopDef) -> Frame {
        Frame {
            def,
            phase: Phase::Segments,
            seg: 0,
            seg_uses: 1,
            child: 0,
            child_repeats: 0,
        }
    }
}

enum Fit {
    Segment(usize, &'static SegmentDef),
    Child(usize, &'static LoopDef),
    Trailer(usize, &'static SegmentDef),
}

/// A position in a grammar: the stack of open loops, from the interchange down.
#[derive(Debug, Clone)]
pub struct LoopCursor {
    root: &'static LoopDef,
    stack: Vec<Frame>,
}

impl LoopCursor {
    /// A cursor before the first segment of `root` (for 837P files, [`super::P837`]).
    pub fn new(root: &'static LoopDef) -> LoopCursor {
        LoopCursor {
            root,
            stack: Vec::new(),
        }
    }

    /// The open loops, outermost first.
    pub fn path(&self) -> impl Iterator<Item = &'static LoopDef> + '_ {
        self.stack.iter().map(|f| f.def)
    }

    /// The innermost open loop.
    pub fn current(&self) -> Option<&'static LoopDef> {
        self.stack.last().map(|f| f.def)
    }

    /// Places the next segment: in the innermost open loop, a loop it opens, or (closing inner
    /// loops) an enclosing one.
    pub fn advance(&mut self, seg: &SegmentRef<'_>) -> Result<Placement, GrammarError> {
        let mut misplaced = None;
        for level in (0..self.stack.len()).rev() {
            match fit(&self.stack[level], seg) {
                Ok(Some(found)) => return Ok(self.take(level, found)),
                Ok(None) => {}
                Err(e) => {
                    misplaced.get_or_insert(e);
                }
            }
        }
        // A new interchange after the last one closed (or the very first).
        let closed = self.stack.first().is_none_or(|f| f.phase == Phase::Trailer);
        if closed && self.root.starts_with(seg) {
            self.stack.clear();
            self.stack.push(Frame::open(self.root));
            return Ok(Placement {
                loop_def: self.root,
                segment: self.root.first_segment(),
                depth: 0,
                opened: true,
            });
        }
        Err(misplaced.unwrap_or_else(|| GrammarError::Unexpected {
            segment: seg.id.to_string(),
            loop_id: self.current().map_or("(none)", |l| l.id),
        }))
    }

    fn take(&mut self, level: usize, found: Fit) -> Placement {
        self.stack.truncate(level + 1);
        let f = &mut self.stack[level];
        match found {
            Fit::Segment(j, def) | Fit::Trailer(j, def) => {
                let in_trailer = matches!(found, Fit::Trailer(..));
                let same = f.seg == j && (f.phase == Phase::Trailer) == in_trailer;
                f.seg_uses = if same { f.seg_uses + 1 } else { 1 };
                f.seg = j;
                if in_trailer {
                    f.phase = Phase::Trailer;
                }
                Placement {
                    loop_def: f.def,
                    segment: def,
                    depth: level,
                    opened: false,
                }
            }
            Fit::Child(i, child) => {
                let again = f.phase == Phase::Children && f.child == i;
                f.child_repeats = if again { f.child_repeats + 1 } else { 1 };
                f.child = i;
                f.phase = Phase::Children;
                self.stack.push(Frame::open(child));
                Placement {
                    loop_def: child,
                    segment: child.first_segment(),
                    depth: level + 1,
                    opened: true,
                }
            }
        }
    }
}

/// Whether `seg` continues the loop of frame `f`: `Ok(None)` when it does not belong here at all,
/// `Err` when it belongs here but breaks order or repeat limits.
fn fit(f: &Frame, seg: &SegmentRef<'_>) -> Result<Option<Fit>, GrammarError> {
    let def = f.def;
    if f.phase == Phase::Segments {
        for (j, d) in def.segments.iter().enumerate().skip(1) {
            if !d.matches(seg) {
                continue;
            }
            if j > f.seg || (j == f.seg && f.seg_uses < d.max_use) {
                return Ok(Some(Fit::Segment(j, d)));
            }
            return Err(segment_error(def, d, j == f.seg));
        }
    }
    if f.phase != Phase::Trailer {
        for (i, c) in def.children.iter().enumerate() {
            if !c.starts_with(seg) {
                continue;
            }
            let fresh = f.phase == Phase::Segments || i > f.child;
            if fresh || (i == f.child && f.child_repeats < c.max_repeat) {
                return Ok(Some(Fit::Child(i, c)));
            }
            return Err(if i == f.child {
                GrammarError::TooManyLoops {
                    loop_id: c.id,
                    name: c.name,
                    max: c.max_repeat,
                }
            } else {
                GrammarError::OutOfOrder {
                    segment: c.first_segment().id,
                    name: c.name,
                    loop_id: def.id,
                }
            });
        }
    }
    for (j, d) in def.trailer.iter().enumerate() {
        if !d.matches(seg) {
            continue;
        }
        if f.phase != Phase::Trailer || j > f.seg || (j == f.seg && f.seg_uses < d.max_use) {
            return Ok(Some(Fit::Trailer(j, d)));
        }
        return Err(segment_error(def, d, j == f.seg));
    }
    Ok(None)
}

fn segment_error(l: &'static LoopDef, d: &'static SegmentDef, repeat: bool) -> GrammarError {
    if repeat {
        GrammarError::TooManySegments {
            segment: d.id,
            name: d.name,
            loop_id: l.id,
            max: d.max_use,
        }
    } else {
        GrammarError::OutOfOrder {
            segment: d.id,
            name: d.name,
            loop_id: l.id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::p837_grammar::P837;
    use super::*;

    /// Places every segment of an X12 text (`*`, `:`, `~`), returning `loop id/segment id` per line.
    fn walk(text: &str) -> Result<Vec<String>, (usize, GrammarError)> {
        let mut cursor = LoopCursor::new(&P837);
        let mut out = Vec::new();
        for (n, raw) in text
            .split('~')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .enumerate()
        {
            let parts: Vec<&str> = raw.split('*').collect();
            let seg = SegmentRef {
                id: parts[0],
                elements: &parts[1..],
                component_separator: ':',
            };
            let p = cursor.advance(&seg).map_err(|e| (n + 1, e))?;
            out.push(format!("{}/{}", p.loop_def.id, p.segment.id));
        }
        Ok(out)
    }

    #[test]
    fn places_the_shared_synthetic_sample() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/samples/837p/good/synthetic-ecm-5claims.837"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipped: {path} not present");
            return;
        };
        let placed = walk(&text).unwrap();
        assert_eq!(placed[0], "ISA_LOOP/ISA");
        assert_eq!(placed[5], "1000A/PER");
        assert_eq!(placed[13], "2000B/HL");
        assert_eq!(placed[15], "2010BA/NM1");
        assert_eq!(placed[19], "2010BB/NM1");
        assert_eq!(placed[20], "2300/CLM");
        assert_eq!(placed[22], "2310B/NM1");
        assert_eq!(placed[24], "2400/LX");
        assert_eq!(placed.last().unwrap(), "ISA_LOOP/IEA");
        assert!(placed.contains(&"ST_LOOP/SE".to_string()));
    }

    #[test]
    fn refuses_out_of_order_and_over_repeated_segments() {
        let head = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *250701*0930*^*00501*000000001*0*T*:~\
                    GS*HC*A*B*20250701*0930*1*X*005010X222A1~ST*837*0001*005010X222A1~\
                    BHT*0019*00*1*20250701*0930*CH~NM1*41*2*S*****46*S~PER*IC*N*TE*1~";
        // A third PER (max 2).
        let e = walk(&format!("{head}PER*IC*N*TE*2~PER*IC*N*TE*3~")).unwrap_err();
        assert!(matches!(
            e.1,
            GrammarError::TooManySegments { segment: "PER", .. }
        ));
        // The receiver before the submitter's contact is fine; the contact after it is not.
        let e = walk(&format!("{head}NM1*40*2*R*****46*R~PER*IC*N*TE*2~")).unwrap_err();
        assert!(matches!(e.1, GrammarError::Unexpected { .. }), "{e:?}");
        // DMG before N3 inside 2010BA.
        let body = "HL*1**20*1~NM1*85*2*P*****XX*1234567893~N3*A~N4*C*CA*958141234~REF*EI*1~\
                    HL*2*1*22*0~SBR*P*18*******MC~NM1*IL*1*L*F****MI*1~DMG*D8*19800101*F~N3*A~";
        let e = walk(&format!("{head}NM1*40*2*R*****46*R~{body}")).unwrap_err();
        assert!(
            matches!(
                e.1,
                GrammarError::OutOfOrder {
                    segment: "N3",
                    loop_id: "2010BA",
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn a_new_subscriber_closes_the_claim_loops() {
        let text = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *250701*0930*^*00501*000000001*0*T*:~\
            GS*HC*A*B*20250701*0930*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019*00*1*20250701*0930*CH~\
            NM1*41*2*S*****46*S~PER*IC*N*TE*1~NM1*40*2*R*****46*R~HL*1**20*1~NM1*85*2*P*****XX*1234567893~\
            N3*A~N4*C*CA*958141234~REF*EI*1~HL*2*1*22*0~SBR*P*18*******MC~NM1*IL*1*L*F****MI*1~\
            NM1*PR*2*P*****PI*1~CLM*1*1***11:B:1*Y*A*Y*Y~HI*ABK:Z5900~LX*1~SV1*HC:G9008*1*UN*1***1~\
            DTP*472*D8*20250101~HL*3*1*22*0~SBR*P*18*******MC~NM1*IL*1*L*F****MI*2~";
        let placed = walk(text).unwrap();
        assert_eq!(placed[placed.len() - 3], "2000B/HL");
        assert_eq!(placed[placed.len() - 1], "2010BA/NM1");
    }
}
