//! HCPCS procedure codes and their two-character modifiers.

use std::fmt;

/// A HCPCS Level II or CPT code: five characters, a letter or digit followed by four more
/// alphanumerics (`G9008`, `99213`, `0001U`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hcpcs([u8; 5]);

/// A procedure modifier: two alphanumeric characters (`U1`, `GQ`, `95`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Modifier([u8; 2]);

/// Up to four modifiers in billing order, the most SV101 can carry.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Modifiers {
    len: u8,
    items: [Modifier; 4],
}

/// Why a code or modifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a HCPCS/CPT code is 5 letters or digits (e.g. G9008)")]
    Hcpcs,
    #[error("a modifier is 2 letters or digits (e.g. U1, GQ)")]
    Modifier,
    #[error("at most 4 modifiers fit on a service line")]
    TooManyModifiers,
}

fn upper_alnum<const N: usize>(s: &str) -> Option<[u8; N]> {
    let b = s.trim().as_bytes();
    if b.len() != N || !b.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let mut out = [0u8; N];
    for (o, c) in out.iter_mut().zip(b) {
        *o = c.to_ascii_uppercase();
    }
    Some(out)
}

impl Hcpcs {
    /// Parses a code, upper-casing letters.
    pub fn parse(s: &str) -> Result<Hcpcs, CodeError> {
        upper_alnum::<5>(s).map(Hcpcs).ok_or(CodeError::Hcpcs)
    }
    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII")
    }
    /// The code's ASCII bytes (for writers that append them without a UTF-8 check).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Default for Modifier {
    fn default() -> Self {
        Modifier(*b"00")
    }
}

impl Modifier {
    /// Parses a modifier, upper-casing letters.
    pub fn parse(s: &str) -> Result<Modifier, CodeError> {
        upper_alnum::<2>(s).map(Modifier).ok_or(CodeError::Modifier)
    }
    /// The modifier as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII")
    }
    /// The modifier's ASCII bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Modifiers {
    /// No modifiers.
    pub const EMPTY: Modifiers = Modifiers {
        len: 0,
        items: [Modifier(*b"00"); 4],
    };

    /// Builds a list from modifiers in order.
    pub fn from_slice(mods: &[Modifier]) -> Result<Modifiers, CodeError> {
        if mods.len() > 4 {
            return Err(CodeError::TooManyModifiers);
        }
        let mut out = Modifiers::EMPTY;
        for m in mods {
            out.items[out.len as usize] = *m;
            out.len += 1;
        }
        Ok(out)
    }

    /// Parses modifiers separated by `:`, `,`, `;` or spaces (`"U1:GQ"`, `"U1 GQ"`).
    pub fn parse(s: &str) -> Result<Modifiers, CodeError> {
        let mut mods = Vec::new();
        for part in s.split([':', ',', ';', ' ']).filter(|p| !p.is_empty()) {
            mods.push(Modifier::parse(part)?);
        }
        Modifiers::from_slice(&mods)
    }

    /// Appends one modifier.
    pub fn push(&mut self, m: Modifier) -> Result<(), CodeError> {
        if self.len == 4 {
            return Err(CodeError::TooManyModifiers);
        }
        self.items[self.len as usize] = m;
        self.len += 1;
        Ok(())
    }

    /// The modifiers in billing order.
    pub fn as_slice(&self) -> &[Modifier] {
        &self.items[..self.len as usize]
    }

    /// Whether `m` is among them, in any of the four slots.
    pub fn contains(&self, m: Modifier) -> bool {
        self.as_slice().contains(&m)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The same modifiers sorted, for comparisons that must not depend on slot order.
    pub fn sorted(&self) -> Modifiers {
        let mut out = *self;
        out.items[..out.len as usize].sort();
        out
    }

    /// Joined with `sep` (`U1:GQ`).
    pub fn join(&self, sep: &str) -> String {
        let parts: Vec<&str> = self.as_slice().iter().map(Modifier::as_str).collect();
        parts.join(sep)
    }
}

macro_rules! text_impls {
    ($t:ty, $name:literal) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($name, "({})"), self.as_str())
            }
        }
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$t>::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
text_impls!(Hcpcs, "Hcpcs");
text_impls!(Modifier, "Modifier");

impl fmt::Display for Modifiers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.join(":"))
    }
}

impl fmt::Debug for Modifiers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Modifiers({})", self.join(":"))
    }
}

impl serde::Serialize for Modifiers {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.len as usize))?;
        for m in self.as_slice() {
            seq.serialize_element(m)?;
        }
        seq.end()
    }
}

impl<'de> serde::Deserialize<'de> for Modifiers {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<Modifier>::deserialize(d)?;
        Modifiers::from_slice(&v).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!(Hcpcs::parse(" g9008 ").unwrap().as_str(), "G9008");
        assert!(Hcpcs::parse("G900").is_err());
        assert!(Hcpcs::parse("G90:8").is_err());
        assert_eq!(Modifier::parse("gq").unwrap().as_str(), "GQ");
        assert!(Modifier::parse("U").is_err());
    }

    #[test]
    fn modifiers_parse_in_order_and_compare_slot_free() {
        let a = Modifiers::parse("U8:GQ").unwrap();
        let b = Modifiers::parse("GQ U8").unwrap();
        assert_eq!(a.join(":"), "U8:GQ");
        assert_ne!(a, b);
        assert_eq!(a.sorted(), b.sorted());
        assert!(a.contains(Modifier::parse("GQ").unwrap()));
        assert!(Modifiers::parse("U1:U2:U3:U4:U5").is_err());
        assert!(Modifiers::parse("").unwrap().is_empty());
    }
}
