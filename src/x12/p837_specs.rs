//! The 837P segments the writer emits, each picked once from the generated grammar, so every
//! element the writer writes is checked against the same specs `ecm check` and CI use.

use super::grammar::LoopDef;
use super::p837_grammar::P837;
use super::segment::Spec;
use std::sync::LazyLock;

/// One [`Spec`] per segment the 837P writer emits, in the order it emits them.
pub(crate) struct P837Specs {
    pub isa: Spec,
    pub gs: Spec,
    pub st: Spec,
    pub bht: Spec,
    pub submitter_name: Spec,
    pub submitter_contact: Spec,
    pub receiver_name: Spec,
    pub billing_hl: Spec,
    pub billing_specialty: Spec,
    pub billing_name: Spec,
    pub billing_address: Spec,
    pub billing_city: Spec,
    pub billing_tax_id: Spec,
    pub subscriber_hl: Spec,
    pub subscriber_info: Spec,
    pub subscriber_name: Spec,
    pub subscriber_address: Spec,
    pub subscriber_city: Spec,
    pub subscriber_demographics: Spec,
    pub payer_name: Spec,
    pub claim: Spec,
    pub prior_authorization: Spec,
    pub original_claim: Spec,
    pub diagnoses: Spec,
    pub rendering_name: Spec,
    pub rendering_specialty: Spec,
    pub line_number: Spec,
    pub service: Spec,
    pub service_date: Spec,
    pub line_control: Spec,
    pub se: Spec,
    pub ge: Spec,
    pub iea: Spec,
}

fn pick(loop_id: &str, segment: &str, code: Option<&str>) -> Spec {
    // The grammar is generated and fixed; the test below proves every pick resolves.
    let l: &'static LoopDef = P837
        .find(loop_id)
        .unwrap_or_else(|| panic!("837P grammar has no loop {loop_id}"));
    let def = l
        .segment(segment, code)
        .unwrap_or_else(|| panic!("837P grammar has no {segment} {code:?} in loop {loop_id}"));
    Spec { loop_id: l.id, def }
}

/// The specs, resolved on first use.
pub(crate) static SPECS: LazyLock<P837Specs> = LazyLock::new(|| P837Specs {
    isa: pick("ISA_LOOP", "ISA", None),
    gs: pick("GS_LOOP", "GS", None),
    st: pick("ST_LOOP", "ST", None),
    bht: pick("ST_LOOP", "BHT", None),
    submitter_name: pick("1000A", "NM1", Some("41")),
    submitter_contact: pick("1000A", "PER", Some("IC")),
    receiver_name: pick("1000B", "NM1", Some("40")),
    billing_hl: pick("2000A", "HL", Some("20")),
    billing_specialty: pick("2000A", "PRV", Some("BI")),
    billing_name: pick("2010AA", "NM1", Some("85")),
    billing_address: pick("2010AA", "N3", None),
    billing_city: pick("2010AA", "N4", None),
    billing_tax_id: pick("2010AA", "REF", Some("EI")),
    subscriber_hl: pick("2000B", "HL", Some("22")),
    subscriber_info: pick("2000B", "SBR", Some("P")),
    subscriber_name: pick("2010BA", "NM1", Some("IL")),
    subscriber_address: pick("2010BA", "N3", None),
    subscriber_city: pick("2010BA", "N4", None),
    subscriber_demographics: pick("2010BA", "DMG", Some("D8")),
    payer_name: pick("2010BB", "NM1", Some("PR")),
    claim: pick("2300", "CLM", None),
    prior_authorization: pick("2300", "REF", Some("G1")),
    original_claim: pick("2300", "REF", Some("F8")),
    diagnoses: pick("2300", "HI", Some("ABK")),
    rendering_name: pick("2310B", "NM1", Some("82")),
    rendering_specialty: pick("2310B", "PRV", Some("PE")),
    line_number: pick("2400", "LX", None),
    service: pick("2400", "SV1", Some("HC")),
    service_date: pick("2400", "DTP", Some("472")),
    line_control: pick("2400", "REF", Some("6R")),
    se: pick("ST_LOOP", "SE", None),
    ge: pick("GS_LOOP", "GE", None),
    iea: pick("ISA_LOOP", "IEA", None),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_resolves_to_the_guide_segment() {
        let s = &*SPECS;
        assert_eq!(s.subscriber_name.def.name, "Subscriber Name");
        assert_eq!(s.subscriber_name.loop_id, "2010BA");
        assert_eq!(s.diagnoses.def.name, "Health Care Diagnosis Code");
        assert_eq!(s.line_control.def.name, "Line Item Control Number");
        assert_eq!(s.original_claim.def.name, "Payer Claim Control Number");
        assert_eq!(s.iea.def.id, "IEA");
    }
}
