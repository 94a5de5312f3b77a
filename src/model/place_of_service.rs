//! CMS place-of-service codes (two digits).

use std::fmt;

/// A two-digit CMS place-of-service code (`11` office, `12` home, `02`/`10` telehealth, `99` other).
/// Whether a code is one the code set knows is checked against `codesets/places-of-service.toml`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PlaceOfService([u8; 2]);

/// Why a string is not a place-of-service code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a place of service is a two-digit CMS code such as 12 (home) or 10 (telehealth in the home)"
)]
pub struct PlaceOfServiceError;

impl PlaceOfService {
    /// Parses `12`, or `2` as `02`.
    pub fn parse(s: &str) -> Result<PlaceOfService, PlaceOfServiceError> {
        let s = s.trim();
        let b = s.as_bytes();
        match b {
            [d] if d.is_ascii_digit() => Ok(PlaceOfService([b'0', *d])),
            [a, d] if a.is_ascii_digit() && d.is_ascii_digit() => Ok(PlaceOfService([*a, *d])),
            _ => Err(PlaceOfServiceError),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII")
    }
    /// The code's two ASCII digits.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for PlaceOfService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for PlaceOfService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlaceOfService({})", self.as_str())
    }
}

impl serde::Serialize for PlaceOfService {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for PlaceOfService {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PlaceOfService::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_single_digits() {
        assert_eq!(PlaceOfService::parse("2").unwrap().as_str(), "02");
        assert_eq!(PlaceOfService::parse("12").unwrap().as_str(), "12");
        assert!(PlaceOfService::parse("123").is_err());
        assert!(PlaceOfService::parse("1a").is_err());
    }
}
