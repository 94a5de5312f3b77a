//! One `ecm check` finding: the rule broken, where (segment number, byte offset, loop, element)
//! and what exactly. Messages name positions, codes, claim and line control numbers, never a
//! name or birth date.

use crate::rules::{Rule, Severity};
use crate::x12::Position;
use serde::Serialize;

/// One rule broken at one place in an 837 file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFinding {
    pub rule: &'static Rule,
    /// Where the segment is; `None` for a finding about the whole file.
    pub position: Option<Position>,
    /// The segment id (`CLM`), when known.
    pub segment_id: Option<String>,
    /// The loop the segment is in, or the loop the finding is about (`2300`).
    pub loop_id: Option<&'static str>,
    /// The element (`CLM02`, `SV101-2`), when the finding is about one.
    pub element: Option<String>,
    /// What exactly is wrong here.
    pub message: String,
}

/// Flat JSON: rule id and severity, segment number (in the file and in its set), byte offset,
/// segment id, loop id, element, message.
impl Serialize for CheckFinding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let p = self.position;
        let mut m = s.serialize_struct("CheckFinding", 9)?;
        m.serialize_field("rule", self.rule.id)?;
        m.serialize_field("severity", &self.rule.severity)?;
        m.serialize_field("segment", &p.map(|p| p.number))?;
        m.serialize_field("segment_in_set", &p.and_then(|p| p.in_set))?;
        m.serialize_field("byte", &p.map(|p| p.offset))?;
        m.serialize_field("segment_id", &self.segment_id)?;
        m.serialize_field("loop_id", &self.loop_id)?;
        m.serialize_field("element", &self.element)?;
        m.serialize_field("message", &self.message)?;
        m.end()
    }
}

impl CheckFinding {
    /// A finding at a segment.
    pub fn at(
        rule: &'static Rule,
        position: Position,
        segment_id: &str,
        loop_id: Option<&'static str>,
        message: impl Into<String>,
    ) -> CheckFinding {
        CheckFinding {
            rule,
            position: Some(position),
            segment_id: Some(segment_id.to_string()),
            loop_id,
            element: None,
            message: message.into(),
        }
    }

    /// The same finding, about element `designator`.
    pub fn element(mut self, designator: impl Into<String>) -> CheckFinding {
        self.element = Some(designator.into());
        self
    }

    /// Whether the finding is an error (warnings do not fail a check).
    pub fn is_error(&self) -> bool {
        self.rule.severity == Severity::Error
    }

    /// `segment 31 DTP (28 in its set), byte 812, loop 2400, element DTP03`.
    pub fn place(&self) -> String {
        let mut s = String::new();
        match &self.position {
            Some(p) => {
                s.push_str(&format!("segment {}", p.number));
                if let Some(id) = &self.segment_id {
                    s.push_str(&format!(" {id}"));
                }
                if let Some(n) = p.in_set {
                    s.push_str(&format!(" ({n} in its set)"));
                }
                s.push_str(&format!(", byte {}", p.offset));
            }
            None => s.push_str("file"),
        }
        if let Some(l) = self.loop_id {
            s.push_str(&format!(", loop {l}"));
        }
        if let Some(e) = &self.element {
            s.push_str(&format!(", element {e}"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::check::BAD_FORMAT;

    #[test]
    fn says_where_in_words_and_in_json() {
        let f = CheckFinding::at(
            &BAD_FORMAT,
            Position {
                offset: 812,
                number: 31,
                in_set: Some(28),
            },
            "DTP",
            Some("2400"),
            "DTP03 is not a real date",
        )
        .element("DTP03");
        assert_eq!(
            f.place(),
            "segment 31 DTP (28 in its set), byte 812, loop 2400, element DTP03"
        );
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["rule"], "CHK-016");
        assert_eq!(json["segment"], 31);
        assert_eq!(json["segment_in_set"], 28);
        assert_eq!(json["byte"], 812);
        assert_eq!(json["loop_id"], "2400");
        assert_eq!(json["element"], "DTP03");
    }
}
