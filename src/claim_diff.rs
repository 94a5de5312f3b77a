//! Two 837P files compared claim by claim (keyed by CLM01) and line by line (keyed by REF*6R,
//! else the line's LX position): what was added, removed or changed, field by field. Envelope
//! control numbers (ISA13, GS06, ST02, BHT03) and envelope dates and times (ISA09/10, GS04/05,
//! BHT04/05) are not compared: two runs of the same data at different times diff as equal.
//!
//! Pure: claim documents in ([`ClaimViews`] flattens them as they are read, so a whole file's
//! model is never held), a [`Diff`] out.

use crate::model::{Address, Claim, ClaimDocument, KeptSegment, Line, Transaction};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// One field that differs: its name and its value in each file (`None` when absent there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub a: Option<String>,
    pub b: Option<String>,
}

/// A claim (or line) only one file has: its key and a few fields to recognise it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OneSided {
    pub key: String,
    pub summary: BTreeMap<&'static str, String>,
    /// For a claim: its lines, each with its own summary.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<OneSided>,
}

/// A claim both files have, which differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimChange {
    /// CLM01 (with `#2`, `#3`... for later claims repeating a CLM01 in the same file).
    pub key: String,
    pub fields: Vec<FieldChange>,
    pub lines_added: Vec<OneSided>,
    pub lines_removed: Vec<OneSided>,
    pub lines_changed: Vec<LineChange>,
}

/// A line both claims have, which differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineChange {
    /// `6R:` and the REF*6R line control number, or `LX:` and the line's position.
    pub key: String,
    pub fields: Vec<FieldChange>,
}

/// Everything that differs between file A and file B, claims in key order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Interchange and header fields (sender, receiver, usage, submitter...).
    pub header: Vec<FieldChange>,
    pub claims_added: Vec<OneSided>,
    pub claims_removed: Vec<OneSided>,
    pub claims_changed: Vec<ClaimChange>,
    /// How many claims each file holds.
    pub claims_a: usize,
    pub claims_b: usize,
}

impl Diff {
    /// Whether the files say the same.
    pub fn is_empty(&self) -> bool {
        self.header.is_empty()
            && self.claims_added.is_empty()
            && self.claims_removed.is_empty()
            && self.claims_changed.is_empty()
    }
}

/// The fields of the loops above a claim, in the order [`ClaimViews`] packs them.
const CONTEXT_FIELDS: [&str; 23] = [
    "transaction_type",
    "billing_provider_name",
    "billing_provider_npi",
    "billing_provider_tax_id",
    "billing_provider_taxonomy",
    "billing_provider_address",
    "pay_to_address",
    "billing_provider_other_segments",
    "payer",
    "payer_responsibility",
    "claim_filing_indicator",
    "subscriber_id",
    "subscriber_name",
    "subscriber_birth_date",
    "subscriber_sex",
    "subscriber_address",
    "subscriber_other_segments",
    "patient_relationship",
    "patient_name",
    "patient_birth_date",
    "patient_sex",
    "patient_address",
    "patient_other_segments",
];

/// A claim's own fields.
const CLAIM_FIELDS: [&str; 9] = [
    "total_charge",
    "place_of_service",
    "frequency",
    "original_reference",
    "prior_authorization",
    "diagnoses",
    "rendering_provider",
    "claim_other_segments",
    "lines",
];

/// A line's fields.
const LINE_FIELDS: [&str; 10] = [
    "line_number",
    "procedure",
    "description",
    "charge",
    "units",
    "place_of_service",
    "diagnosis_pointers",
    "service_date",
    "control_number",
    "line_other_segments",
];

/// Separates packed values: a control character, which the tokenizer never lets into a value.
const SEP: char = '\u{1f}';

/// Values in their fields' order, in one allocation (a claim's fields as separate strings would
/// cost ten times the memory, and a diff holds both files' claims).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Packed(Box<str>);

impl Packed {
    fn new<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> Packed {
        let mut s = String::new();
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                s.push(SEP);
            }
            s.push_str(v.as_ref());
        }
        Packed(s.into_boxed_str())
    }

    /// `(field, value)` pairs for these field names.
    fn fields<'a>(
        &'a self,
        names: &'static [&'static str],
    ) -> impl Iterator<Item = (&'static str, &'a str)> + 'a {
        names.iter().copied().zip(self.0.split(SEP))
    }
}

/// One claim flattened: the fields of the loops above it (shared by the claims of one
/// subscriber or patient), its own, and its lines by key.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ClaimView {
    context: Rc<Packed>,
    fields: Packed,
    /// By key, sorted (at most 50 a claim).
    lines: Vec<(String, Packed)>,
}

impl ClaimView {
    fn line(&self, key: &str) -> Option<&Packed> {
        self.lines
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| &self.lines[i].1)
    }
}

/// The claims of one file, flattened as its transactions are read.
#[derive(Debug, Default)]
pub struct ClaimViews {
    header: BTreeMap<&'static str, BTreeSet<String>>,
    claims: BTreeMap<String, ClaimView>,
    count: usize,
}

impl ClaimViews {
    /// Adds every transaction of `doc`.
    pub fn add_document(&mut self, doc: &ClaimDocument) {
        for t in &doc.transactions {
            self.add_transaction(&doc.envelope, t);
        }
    }

    /// Adds one transaction set read with the envelope of its group.
    pub fn add_transaction(&mut self, envelope: &crate::model::Envelope, t: &Transaction) {
        let e = envelope;
        let header = [
            ("sender", format!("{}:{}", e.sender_qualifier, e.sender_id)),
            (
                "receiver",
                format!("{}:{}", e.receiver_qualifier, e.receiver_id),
            ),
            ("application_sender", e.application_sender.clone()),
            ("application_receiver", e.application_receiver.clone()),
            ("usage", e.usage.code().to_string()),
            (
                "submitter",
                format!("{} {}", t.submitter.id, t.submitter.name),
            ),
            ("submitter_contact", contact(t)),
            (
                "receiver_name",
                format!("{} {}", t.receiver.id, t.receiver.name),
            ),
            ("header_other_segments", kept(&t.kept)),
        ];
        for (k, v) in header {
            self.header.entry(k).or_default().insert(v);
        }
        let bp = &t.billing_provider;
        let provider = [
            t.transaction_type.code().to_string(),
            bp.name.clone(),
            bp.npi.clone(),
            bp.tax_id.clone(),
            opt(&bp.taxonomy),
            address(&bp.address),
            bp.pay_to.as_ref().map(address).unwrap_or_default(),
            kept(&bp.kept),
        ];
        for s in &t.subscribers {
            let subscriber = [
                format!("{} {}", s.payer_id, s.payer_name),
                s.payer_responsibility.clone(),
                s.claim_filing_indicator.clone(),
                s.member_id.clone(),
                name(&s.last_name, &s.first_name),
                s.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                s.sex.map(|x| x.code().to_string()).unwrap_or_default(),
                s.address.as_ref().map(address).unwrap_or_default(),
                kept(&s.kept),
            ];
            let no_patient = [""; 6].map(String::from);
            let context = Rc::new(Packed::new(
                provider.iter().chain(&subscriber).chain(&no_patient),
            ));
            for c in &s.claims {
                self.add_claim(&context, c);
            }
            for p in &s.patients {
                let patient = [
                    p.relationship.clone(),
                    name(&p.last_name, &p.first_name),
                    p.birth_date.to_string(),
                    p.sex.code().to_string(),
                    p.address.as_ref().map(address).unwrap_or_default(),
                    kept(&p.kept),
                ];
                let context = Rc::new(Packed::new(
                    provider.iter().chain(&subscriber).chain(&patient),
                ));
                for c in &p.claims {
                    self.add_claim(&context, c);
                }
            }
        }
    }

    fn add_claim(&mut self, context: &Rc<Packed>, c: &Claim) {
        self.count += 1;
        let mut key = c.claim_id.clone();
        let mut n = 1;
        while self.claims.contains_key(&key) {
            n += 1;
            key = repeat_key(&c.claim_id, n);
        }
        let diagnoses: Vec<&str> = c.diagnoses.iter().map(|d| d.as_str()).collect();
        let rendering = c.rendering.as_ref().map(|r| {
            let who = name(&r.last_name, &r.first_name);
            let taxonomy = r.taxonomy.as_deref().unwrap_or("");
            format!("{} {who} {taxonomy}", r.npi).trim_end().to_string()
        });
        let fields = Packed::new([
            c.total_charge.to_string(),
            c.place_of_service.to_string(),
            c.frequency.code().to_string(),
            opt(&c.original_reference),
            opt(&c.prior_authorization),
            diagnoses.join(" "),
            rendering.unwrap_or_default(),
            kept(&c.kept),
            c.lines.len().to_string(),
        ]);
        let mut lines = Vec::with_capacity(c.lines.len());
        let mut controls: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, l) in c.lines.iter().enumerate() {
            let key = match l.control_number.as_deref() {
                Some(control) => {
                    let n = controls.entry(control).or_default();
                    *n += 1;
                    repeat_key(&format!("6R:{control}"), *n)
                }
                None => format!("LX:{}", i + 1),
            };
            lines.push((key, line_fields(l, i + 1)));
        }
        lines.sort_by(|x, y| x.0.cmp(&y.0));
        let context = Rc::clone(context);
        self.claims.insert(
            key,
            ClaimView {
                context,
                fields,
                lines,
            },
        );
    }
}

fn repeat_key(key: &str, n: usize) -> String {
    if n == 1 {
        key.to_string()
    } else {
        format!("{key} #{n}")
    }
}

fn line_fields(l: &Line, position: usize) -> Packed {
    let procedure = if l.modifiers.is_empty() {
        l.hcpcs.to_string()
    } else {
        format!("{}:{}", l.hcpcs, l.modifiers)
    };
    let date = match l.service_end {
        Some(end) => format!("{}..{end}", l.service_date),
        None => l.service_date.to_string(),
    };
    let pointers: Vec<String> = l.diagnosis_pointers.iter().map(u8::to_string).collect();
    Packed::new([
        position.to_string(),
        procedure,
        opt(&l.description),
        l.charge.to_string(),
        l.units.to_string(),
        l.place_of_service
            .map(|p| p.to_string())
            .unwrap_or_default(),
        pointers.join(":"),
        date,
        opt(&l.control_number),
        kept(&l.kept),
    ])
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn name(last: &str, first: &Option<String>) -> String {
    match first {
        Some(f) => format!("{last}, {f}"),
        None => last.to_string(),
    }
}

fn address(a: &Address) -> String {
    format!("{}, {}, {} {}", a.line1, a.city, a.state, a.zip)
}

fn contact(t: &Transaction) -> String {
    let c = &t.submitter.contact;
    [
        Some(c.name.as_str()),
        c.phone.as_deref(),
        c.email.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
}

fn kept(list: &[KeptSegment]) -> String {
    list.iter()
        .map(|k| format!("{} {k}", k.loop_id))
        .collect::<Vec<_>>()
        .join("~")
}

/// The fields whose values differ (empty values count as absent). For the segments a loop kept
/// whole (`..._other_segments`), only the segments one side has and the other lacks are shown.
fn changed<'a>(
    a: impl Iterator<Item = (&'static str, &'a str)>,
    b: impl Iterator<Item = (&'static str, &'a str)>,
) -> Vec<FieldChange> {
    let some = |v: &str| (!v.is_empty()).then(|| v.to_string());
    a.zip(b)
        .filter(|((_, va), (_, vb))| va != vb)
        .map(|((field, va), (_, vb))| {
            let (va, vb) = if field.ends_with("_other_segments") {
                segments_apart(va, vb)
            } else {
                (va.to_string(), vb.to_string())
            };
            FieldChange {
                field,
                a: some(&va),
                b: some(&vb),
            }
        })
        .collect()
}

/// Two lists of kept segments (`~`-separated) reduced to what differs: each side's segments the
/// other lacks (as many times as they are extra), in order.
fn segments_apart(a: &str, b: &str) -> (String, String) {
    let split = |s: &str| -> Vec<String> {
        s.split('~')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (sa, sb) = (split(a), split(b));
    let only = |from: &[String], other: &[String]| {
        let mut left: BTreeMap<&str, usize> = BTreeMap::new();
        for x in other {
            *left.entry(x.as_str()).or_default() += 1;
        }
        from.iter()
            .filter(|x| match left.get_mut(x.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            })
            .cloned()
            .collect::<Vec<_>>()
            .join("~")
    };
    (only(&sa, &sb), only(&sb, &sa))
}

/// Picks the named fields of `fields`.
fn pick<'a>(
    fields: impl Iterator<Item = (&'static str, &'a str)>,
    names: &[&str],
) -> BTreeMap<&'static str, String> {
    fields
        .filter(|(n, _)| names.contains(n))
        .map(|(n, v)| (n, v.to_string()))
        .collect()
}

/// What recognises a claim only one file has.
fn claim_summary(key: &str, v: &ClaimView) -> OneSided {
    let fields = v
        .context
        .fields(&CONTEXT_FIELDS)
        .chain(v.fields.fields(&CLAIM_FIELDS));
    OneSided {
        key: key.to_string(),
        summary: pick(fields, &["subscriber_id", "total_charge", "lines"]),
        lines: v.lines.iter().map(|(k, l)| line_summary(k, l)).collect(),
    }
}

fn line_summary(key: &str, f: &Packed) -> OneSided {
    OneSided {
        key: key.to_string(),
        summary: pick(
            f.fields(&LINE_FIELDS),
            &["procedure", "charge", "units", "service_date"],
        ),
        lines: Vec::new(),
    }
}

/// The header fields of a file, each with its distinct values joined.
fn header_fields(v: &ClaimViews) -> Vec<(&'static str, String)> {
    v.header
        .iter()
        .map(|(k, set)| (*k, set.iter().cloned().collect::<Vec<_>>().join(" | ")))
        .collect()
}

/// Compares the claims of file A with those of file B.
pub fn diff(a: &ClaimViews, b: &ClaimViews) -> Diff {
    let mut d = Diff {
        claims_a: a.count,
        claims_b: b.count,
        ..Diff::default()
    };
    let (ha, hb) = (header_fields(a), header_fields(b));
    let mut names: BTreeSet<&'static str> = ha.iter().map(|(k, _)| *k).collect();
    names.extend(hb.iter().map(|(k, _)| *k));
    let value = |h: &[(&'static str, String)], k: &str| {
        h.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (va, vb): (Vec<_>, Vec<_>) = names
        .iter()
        .map(|k| ((*k, value(&ha, k)), (*k, value(&hb, k))))
        .unzip();
    d.header = changed(
        va.iter().map(|(k, v)| (*k, v.as_str())),
        vb.iter().map(|(k, v)| (*k, v.as_str())),
    );
    for (key, va) in &a.claims {
        match b.claims.get(key) {
            None => d.claims_removed.push(claim_summary(key, va)),
            Some(vb) if va == vb => {}
            Some(vb) => {
                let mut c = ClaimChange {
                    key: key.clone(),
                    fields: changed(
                        va.context
                            .fields(&CONTEXT_FIELDS)
                            .chain(va.fields.fields(&CLAIM_FIELDS)),
                        vb.context
                            .fields(&CONTEXT_FIELDS)
                            .chain(vb.fields.fields(&CLAIM_FIELDS)),
                    ),
                    lines_added: Vec::new(),
                    lines_removed: Vec::new(),
                    lines_changed: Vec::new(),
                };
                for (lk, la) in &va.lines {
                    match vb.line(lk) {
                        None => c.lines_removed.push(line_summary(lk, la)),
                        Some(lb) if la == lb => {}
                        Some(lb) => c.lines_changed.push(LineChange {
                            key: lk.clone(),
                            fields: changed(la.fields(&LINE_FIELDS), lb.fields(&LINE_FIELDS)),
                        }),
                    }
                }
                for (lk, lb) in &vb.lines {
                    if va.line(lk).is_none() {
                        c.lines_added.push(line_summary(lk, lb));
                    }
                }
                d.claims_changed.push(c);
            }
        }
    }
    for (key, vb) in &b.claims {
        if !a.claims.contains_key(key) {
            d.claims_added.push(claim_summary(key, vb));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x12::read::read_837_file;

    fn views(text: &str) -> ClaimViews {
        let docs = crate::x12::read::read_837(text.as_bytes()).unwrap();
        let mut v = ClaimViews::default();
        for d in &docs {
            v.add_document(d);
        }
        v
    }

    fn sample() -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/x12/lfh-demo.example1.837"
        );
        assert!(read_837_file(path).is_ok());
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn lines_without_a_control_number_are_keyed_by_position() {
        let a = sample();
        let v = views(&a);
        let claim = v.claims.get("26463774").unwrap();
        let keys: Vec<&str> = claim.lines.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["LX:1", "LX:2", "LX:3", "LX:4"]);
        // The patient's fields are part of the claim's context.
        let context: BTreeMap<_, _> = claim.context.fields(&CONTEXT_FIELDS).collect();
        assert_eq!(context["patient_relationship"], "19");
        assert_eq!(context["subscriber_id"], "JS00111223333");
        let b = a.replacen("SV1*HC:87070*15.00", "SV1*HC:87070*16.00", 1);
        let d = diff(&v, &views(&b));
        assert_eq!(d.claims_changed.len(), 1);
        let line = &d.claims_changed[0].lines_changed[0];
        assert_eq!(line.key, "LX:2");
        assert_eq!(
            line.fields,
            [FieldChange {
                field: "charge",
                a: Some("15.00".into()),
                b: Some("16.00".into())
            }]
        );
    }

    #[test]
    fn a_repeated_claim_id_gets_its_own_key_and_empty_equals_absent() {
        // The transaction set twice: its claim id repeats in the file.
        let a = sample();
        let (st, se_end) = (a.find("ST*").unwrap(), a.find("GE*").unwrap());
        let twice = format!("{}{}", &a[..se_end], &a[st..]);
        let v = views(&twice);
        let keys: Vec<&str> = v.claims.keys().map(String::as_str).collect();
        assert_eq!(keys, ["26463774", "26463774 #2"]);
        assert_eq!(v.count, 2);
        let d = diff(&views(&a), &v);
        assert_eq!(d.claims_added.len(), 1);
        assert_eq!(d.claims_added[0].key, "26463774 #2");
        let changes = changed(
            [("description", ""), ("charge", "1.00")].into_iter(),
            [("description", ""), ("charge", "1.00")].into_iter(),
        );
        assert!(changes.is_empty());
        let changes = changed(
            [("description", "")].into_iter(),
            [("description", "X")].into_iter(),
        );
        assert_eq!(changes[0].a, None);
        assert_eq!(changes[0].b.as_deref(), Some("X"));
    }

    #[test]
    fn kept_segments_show_only_the_ones_that_differ() {
        let (a, b) = segments_apart(
            "2300 REF*D9*111~2300 NTE*ADD*NOTE~2300 NTE*ADD*NOTE",
            "2300 REF*D9*112~2300 NTE*ADD*NOTE",
        );
        assert_eq!(a, "2300 REF*D9*111~2300 NTE*ADD*NOTE");
        assert_eq!(b, "2300 REF*D9*112");
        let changes = changed(
            [("claim_other_segments", "2300 REF*D9*1~2300 PWK*OZ*BM")].into_iter(),
            [("claim_other_segments", "2300 REF*D9*2~2300 PWK*OZ*BM")].into_iter(),
        );
        assert_eq!(
            (changes[0].a.as_deref(), changes[0].b.as_deref()),
            (Some("2300 REF*D9*1"), Some("2300 REF*D9*2"))
        );
    }

    #[test]
    fn a_claim_only_one_file_has_lists_its_lines() {
        let a = sample();
        let d = diff(&ClaimViews::default(), &views(&a));
        let added = &d.claims_added[0];
        assert_eq!(added.lines.len(), 4);
        assert_eq!(added.lines[1].key, "LX:2");
        assert_eq!(added.lines[1].summary["charge"], "15.00");
    }
}
