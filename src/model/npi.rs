//! National Provider Identifier: ten digits whose last is a Luhn check digit over `80840` + the first nine.

use std::fmt;

/// A National Provider Identifier that passed the check-digit test.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Npi([u8; 10]);

/// Why a string is not an NPI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NpiError {
    #[error("an NPI is exactly 10 digits; this value has {0} characters or a non-digit")]
    Shape(usize),
    #[error(
        "the NPI check digit does not match (Luhn over prefix 80840); the number was probably mistyped"
    )]
    CheckDigit,
}

impl Npi {
    /// Parses and checks an NPI (surrounding spaces are ignored).
    pub fn parse(s: &str) -> Result<Npi, NpiError> {
        let s = super::text::trim(s);
        let bytes = s.as_bytes();
        if bytes.len() != 10 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(NpiError::Shape(s.chars().count()));
        }
        let mut digits = [0u8; 10];
        digits.copy_from_slice(bytes);
        if check_digit(&digits[..9]) != digits[9] - b'0' {
            return Err(NpiError::CheckDigit);
        }
        Ok(Npi(digits))
    }

    /// The ten digits as text.
    pub fn as_str(&self) -> &str {
        // Constructed only from ASCII digits.
        std::str::from_utf8(&self.0).expect("NPI digits are ASCII")
    }
    /// The ten ASCII digits.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// The Luhn check digit for nine NPI digits, computed with the `80840` prefix the NPI standard adds.
pub fn check_digit(nine: &[u8]) -> u8 {
    // Prefix 80840 contributes a constant 24 once doubled in the Luhn positions it occupies.
    let mut sum: u32 = 24;
    for (i, d) in nine.iter().rev().enumerate() {
        let d = u32::from(d - b'0');
        sum += if i % 2 == 0 {
            let x = d * 2;
            if x > 9 { x - 9 } else { x }
        } else {
            d
        };
    }
    ((10 - (sum % 10)) % 10) as u8
}

impl fmt::Display for Npi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Npi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Npi({})", self.as_str())
    }
}

impl serde::Serialize for Npi {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Npi {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Npi::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_cms_example() {
        // CMS's worked example in the NPI check-digit paper: 123456789 -> check digit 3.
        assert_eq!(Npi::parse("1234567893").unwrap().as_str(), "1234567893");
        assert_eq!(Npi::parse(" 1987654328 ").unwrap().as_str(), "1987654328");
    }

    #[test]
    fn rejects_a_wrong_check_digit() {
        assert_eq!(Npi::parse("1234567890"), Err(NpiError::CheckDigit));
    }

    #[test]
    fn rejects_wrong_shapes() {
        assert!(matches!(Npi::parse("123456789"), Err(NpiError::Shape(9))));
        assert!(matches!(Npi::parse("12345678a3"), Err(NpiError::Shape(10))));
        assert!(matches!(Npi::parse(""), Err(NpiError::Shape(0))));
    }

    #[test]
    fn every_nine_digit_stem_has_exactly_one_valid_npi() {
        let stem = b"123456789";
        let valid: Vec<u8> = (0..10u8)
            .filter(|d| {
                let mut s = stem.to_vec();
                s.push(b'0' + d);
                Npi::parse(std::str::from_utf8(&s).unwrap()).is_ok()
            })
            .collect();
        assert_eq!(valid, vec![3]);
    }
}
