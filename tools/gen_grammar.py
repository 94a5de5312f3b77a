#!/usr/bin/env python3
"""Generates an X12 loop grammar module from pyx12's map: src/x12/p837_grammar.rs (005010X222A1,
837P) or src/x12/p835_grammar.rs (005010X221A1, 835).

pyx12's maps (pyx12/map/*.xml, BSD-3-Clause, see NOTICE) are what our CI validates against, so the
writer's element specs and the readers' loop structure come from the same place.

    python3 tools/gen_grammar.py 837p [MAP_DIR] > src/x12/p837_grammar.rs
    python3 tools/gen_grammar.py 835 [MAP_DIR] > src/x12/p835_grammar.rs

MAP_DIR defaults to the `map` directory of the importable pyx12 package. The output is final (the
modules are `#[rustfmt::skip]`).
"""
import hashlib
import os
import sys
import xml.etree.ElementTree as ET


# Per guide: the map file, the static's name, the guide's title and what the transaction holds.
GUIDES = {
    "837p": ("837.5010.X222.A1.xml", "P837", "005010X222A1 (837P)", "every 837P loop"),
    "835": ("835.5010.X221.A1.xml", "P835", "005010X221A1 (835)", "every 835 loop"),
}
if len(sys.argv) < 2 or sys.argv[1] not in GUIDES:
    raise SystemExit("usage: gen_grammar.py 837p|835 [MAP_DIR]")
MAP_FILE, STATIC, TITLE, HOLDS = GUIDES[sys.argv[1]]


def map_dir():
    if len(sys.argv) > 2:
        return sys.argv[2]
    import pyx12

    return os.path.join(os.path.dirname(pyx12.__file__), "map")


D = map_dir()
DATAELE = {
    e.get("ele_num"): (e.get("data_type"), int(e.get("min_len")), int(e.get("max_len")))
    for e in ET.parse(os.path.join(D, "dataele.xml")).getroot()
}
ROOT = ET.parse(os.path.join(D, MAP_FILE)).getroot()

TYPES = {"AN": "AN", "ID": "ID", "N0": "N0", "N1": "N1", "N2": "N2", "R": "DEC", "DT": "DT", "TM": "TM"}
USAGE = {"R": "R", "S": "S", "N": "N"}
USED_KINDS = set()
SYNTAX = {"P": "Paired", "R": "RequiredOne", "C": "Conditional", "E": "Exclusion", "L": "ListConditional"}


def lit(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def codes_of(node):
    return [c.text for c in node.findall("valid_codes/code")]


def codes_lit(codes):
    return "&[" + ", ".join(lit(c) for c in codes) + "]"


def simple(e, xid, seg_id):
    dt, mn, mx = DATAELE[e.findtext("data_ele")]
    codes = codes_of(e)
    name = e.findtext("name")
    if seg_id == "ISA" and xid == "ISA11":
        # In 5010 ISA11 is the repetition separator; the map still lists the 4010 code "U".
        name, codes = "Repetition Separator", []
    return "e({}, {}, {}, {}, {}, {}, {})".format(
        lit(xid), lit(name), USAGE[e.findtext("usage")], TYPES[dt], mn, mx, codes_lit(codes)
    )


def element(e, seg_id):
    xid = e.get("xid")
    if e.tag == "composite":
        comps = []
        for c in e.findall("element"):
            parent, _, n = c.get("xid").partition("-")
            comps.append(simple(c, "{}-{}".format(parent, int(n)), seg_id))
        return "c({}, {}, {}, &[{}])".format(
            lit(xid), lit(e.findtext("name")), USAGE[e.findtext("usage")], ", ".join(comps)
        )
    return simple(e, xid, seg_id)


def qualifier(seg):
    seg_id = seg.get("xid")
    els = [x for x in seg if x.tag in ("element", "composite")]
    if seg_id == "HL":
        return "Some(q(3, 0))"
    if seg_id == "ISA":
        # ISA01 is the authorization qualifier, not a code that tells the ISA from another
        # segment: identified by it, an ISA with a wrong ISA01 would leave the whole file unplaced.
        return "None"
    if not els:
        return "None"
    first = els[0]
    if first.tag == "element" and codes_of(first):
        return "Some(q(1, 0))"
    if first.tag == "composite":
        comps = first.findall("element")
        if comps and codes_of(comps[0]):
            return "Some(q(1, 1))"
    return "None"


def segment(seg):
    seg_id = seg.get("xid")
    max_use = seg.findtext("max_use")
    rules = []
    for s in seg.findall("syntax"):
        t = s.text.strip()
        positions = [str(int(t[i : i + 2])) for i in range(1, len(t), 2)]
        USED_KINDS.add(SYNTAX[t[0]])
        rules.append("syn({}, &[{}])".format(SYNTAX[t[0]], ", ".join(positions)))
    els = "".join("            " + element(x, seg_id) + ",\n" for x in seg if x.tag in ("element", "composite"))
    return "        s({}, {}, {}, {}, {}, &[{}], &[\n{}        ])".format(
        lit(seg_id),
        lit(seg.findtext("name")),
        USAGE[seg.findtext("usage")],
        "UNBOUNDED" if max_use.startswith(">") else max_use,
        qualifier(seg),
        ", ".join(rules),
        els,
    )


def flatten(loop):
    """(segments, children, trailer) with pyx12's HEADER/DETAIL/FOOTER wrappers dissolved."""
    segs, kids, trailer = [], [], []
    for ch in loop:
        if ch.tag == "segment":
            (trailer if kids else segs).append(ch)
        elif ch.tag == "loop":
            if ch.get("type") == "wrapper":
                s, k, t = flatten(ch)
                (trailer if kids else segs).extend(s)
                kids.extend(k)
                trailer.extend(t)
            else:
                kids.append(ch)
    return segs, kids, trailer


OUT = []
BODIES = {}  # content key -> (const name, usage, repeat): 2300 under 2000B and 2000C share one body


def const_name(xid):
    return "L" + xid.replace("_LOOP", "").upper()


def repeat_of(loop):
    rep = loop.findtext("repeat")
    return "UNBOUNDED" if rep.startswith(">") else rep


def emit_loop(loop):
    """Emits the loop's body (and its children's) once; returns (expression, content key)."""
    segs, kids, trailer = flatten(loop)
    kid_parts = [emit_loop(k) for k in kids]
    body = "    segments: &[\n{}    ],\n    children: &[{}],\n    trailer: &[{}],".format(
        "".join(segment(s) + ",\n" for s in segs),
        ", ".join(expr for expr, _ in kid_parts),
        "".join("\n" + segment(s) + "," for s in trailer) + ("\n    " if trailer else ""),
    )
    # Where a loop sits (its usage and repeat) may differ between parents; what it holds may not.
    content = "{}|{}|{}|{}|{}".format(
        loop.get("xid"),
        loop.findtext("name"),
        "\n".join(segment(s) for s in segs + trailer),
        [key for _, key in kid_parts],
        [(k.findtext("usage"), repeat_of(k)) for k in kids],
    )
    key = hashlib.sha256(content.encode()).hexdigest()
    usage, rep = USAGE[loop.findtext("usage")], repeat_of(loop)
    if key not in BODIES:
        name = const_name(loop.get("xid"))
        if any(n == name for n, _, _ in BODIES.values()):
            raise SystemExit("two different bodies for loop " + loop.get("xid"))
        BODIES[key] = (name, usage, rep)
        OUT.append(
            "const {}: LoopDef = LoopDef {{\n    id: {},\n    name: {},\n    usage: {},\n    max_repeat: {},\n{}\n}};\n".format(
                name, lit(loop.get("xid")), lit(loop.findtext("name")), usage, rep, body
            )
        )
        return name, key
    name, u0, r0 = BODIES[key]
    if (u0, r0) == (usage, rep):
        return name, key
    return "LoopDef {{ usage: {}, max_repeat: {}, ..{} }}".format(usage, rep, name), key


root_loop = ROOT.find("loop")
root_expr, _ = emit_loop(root_loop)

print(
    """//! The """ + TITLE + """ loop grammar as data. GENERATED by `tools/gen_grammar.py` from
//! pyx12's map `""" + MAP_FILE + """` (pyx12 4.0.0, BSD-3-Clause, Copyright (c) John Holland; see
//! NOTICE). Do not edit by hand: regenerate, so the writer, the readers and CI agree.
//!
//! Deviations from the map, made by the generator: pyx12's HEADER/DETAIL/FOOTER wrapper loops are
//! dissolved into the transaction loop, and ISA11 is the 5010 repetition separator (no code list).
//! `mod.rs` marks this module `#[rustfmt::skip]`: one element per line reads better than rustfmt's
//! one argument per line.

use super::grammar::{
    DataType, LoopDef, Requirement,
    SyntaxKind::{""" + ", ".join(sorted(USED_KINDS)) + """},
    UNBOUNDED, c, e, q, s, syn,
};

const R: Requirement = Requirement::Required;
const S: Requirement = Requirement::Situational;
const N: Requirement = Requirement::NotUsed;
const AN: DataType = DataType::Alphanumeric;
const ID: DataType = DataType::Identifier;
const N0: DataType = DataType::Numeric(0);
const DEC: DataType = DataType::Decimal;
const DT: DataType = DataType::Date;
const TM: DataType = DataType::Time;

/// The whole interchange as pyx12 describes it: ISA, GS, ST..SE (with """ + HOLDS + """), GE, IEA.
pub static """ + STATIC + """: LoopDef = """
    + root_expr
    + ";\n"
)
print("\n".join(OUT), end="")
