//! ICD-10-CM diagnosis codes as X12 carries them: upper case, no decimal point.

use std::fmt;

/// An ICD-10-CM code of valid shape: a letter, a digit, an alphanumeric, then up to four more
/// alphanumerics (3 to 7 characters). Stored without the dot, as HI segments want it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DiagnosisCode {
    len: u8,
    bytes: [u8; 7],
}

/// Why a string is not an ICD-10-CM code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "an ICD-10-CM code is a letter, a digit, a letter or digit, then up to 4 more letters or digits, \
     with an optional dot after the third character (e.g. Z59.00 or Z5900)"
)]
pub struct DiagnosisError;

impl DiagnosisCode {
    /// Parses `Z59.00`, `z5900` or `Z59.0` style codes.
    pub fn parse(s: &str) -> Result<DiagnosisCode, DiagnosisError> {
        let s = super::text::trim(s);
        let mut bytes = [0u8; 7];
        let mut len = 0usize;
        for (i, c) in s.bytes().enumerate() {
            if c == b'.' {
                // The dot may only follow the three-character category, and not end the code.
                if i != 3 || s.len() == 4 {
                    return Err(DiagnosisError);
                }
                continue;
            }
            if !c.is_ascii_alphanumeric() || len == 7 {
                return Err(DiagnosisError);
            }
            bytes[len] = c.to_ascii_uppercase();
            len += 1;
        }
        if len < 3 || !bytes[0].is_ascii_alphabetic() || !bytes[1].is_ascii_digit() {
            return Err(DiagnosisError);
        }
        Ok(DiagnosisCode {
            len: len as u8,
            bytes,
        })
    }

    /// The code without a dot (`Z5900`).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).expect("ASCII")
    }
    /// The code's ASCII bytes, without a dot.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

impl fmt::Display for DiagnosisCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for DiagnosisCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DiagnosisCode({})", self.as_str())
    }
}

impl serde::Serialize for DiagnosisCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for DiagnosisCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DiagnosisCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_dotted_and_plain_forms() {
        assert_eq!(DiagnosisCode::parse("Z59.00").unwrap().as_str(), "Z5900");
        assert_eq!(DiagnosisCode::parse("z5900").unwrap().as_str(), "Z5900");
        assert_eq!(DiagnosisCode::parse("F32.A").unwrap().as_str(), "F32A");
        assert_eq!(DiagnosisCode::parse("U07.1").unwrap().as_str(), "U071");
        assert_eq!(
            DiagnosisCode::parse("S72.001A").unwrap().as_str(),
            "S72001A"
        );
        assert_eq!(DiagnosisCode::parse("I10").unwrap().as_str(), "I10");
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in [
            "",
            "Z5",
            "59.00",
            "ZZ9.00",
            "Z5.900",
            "Z59.",
            "Z59.00123",
            "Z59-00",
            "Z59 00",
        ] {
            assert!(DiagnosisCode::parse(bad).is_err(), "{bad} should fail");
        }
    }
}
