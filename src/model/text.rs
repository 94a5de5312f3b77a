//! Text bound for X12: transliterated to plain ASCII, free of delimiters and control characters.
//!
//! California names are full of accents (Muñoz, José, Nuñez). X12 interchanges in practice carry
//! plain ASCII, so accented letters are transliterated and every change is reported; characters
//! that have no ASCII spelling, delimiters and control characters are refused, never dropped.

use serde::Serialize;

/// The characters our X12 writer uses as delimiters: element, component, repetition, segment.
pub const X12_DELIMITERS: [char; 4] = ['*', ':', '^', '~'];

/// One character replaced by its ASCII spelling.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Transliteration {
    pub from: char,
    pub to: &'static str,
}

/// Why text cannot go into an X12 element.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error(
        "contains the X12 delimiter '{0}', which would split the segment; remove or replace it"
    )]
    Delimiter(char),
    #[error(
        "contains a control character (tab, line break or similar) at character {0}; remove it"
    )]
    Control(usize),
    #[error(
        "contains a character with no plain-ASCII spelling (code point U+{0:04X}); spell it in Latin letters"
    )]
    NoAscii(u32),
}

/// The ASCII spelling of a Latin letter with diacritics, or `None` when there is none we trust.
fn ascii_for(c: char) -> Option<&'static str> {
    Some(match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'Æ' => "AE",
        'æ' => "ae",
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'Ð' | 'Ď' | 'Đ' => "D",
        'ð' | 'ď' | 'đ' => "d",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'Ĥ' | 'Ħ' => "H",
        'ĥ' | 'ħ' => "h",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'Ĵ' => "J",
        'ĵ' => "j",
        'Ķ' => "K",
        'ķ' => "k",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' => "N",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ŏ' | 'Ő' => "O",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'Œ' => "OE",
        'œ' => "oe",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => "S",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'Ţ' | 'Ť' | 'Ŧ' | 'Ț' => "T",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'Þ' => "TH",
        'þ' => "th",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'Ŵ' => "W",
        'ŵ' => "w",
        'Ý' | 'Ÿ' | 'Ŷ' => "Y",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ź' | 'ż' | 'ž' => "z",
        // Typographic punctuation that word processors put into names and addresses.
        '\u{2018}' | '\u{2019}' | '\u{02BC}' => "'",
        '\u{201C}' | '\u{201D}' => "\"",
        '\u{2013}' | '\u{2014}' => "-",
        '\u{00A0}' => " ",
        _ => return None,
    })
}

/// Printable ASCII other than our delimiters: a byte that goes into an X12 element unchanged.
fn is_plain(b: u8) -> bool {
    (0x20..0x7f).contains(&b) && !X12_DELIMITERS.contains(&char::from(b))
}

/// Makes `s` safe for an X12 element under our delimiters: trims it, transliterates accented
/// letters (reporting each change) and refuses delimiters, control characters and anything else
/// outside printable ASCII.
pub fn to_x12_text(s: &str) -> Result<(String, Vec<Transliteration>), TextError> {
    let s = s.trim();
    if s.bytes().all(is_plain) {
        // Most text is already plain: copied whole rather than character by character.
        return Ok((s.to_owned(), Vec::new()));
    }
    let mut out = String::with_capacity(s.len());
    let mut changes = Vec::new();
    for (i, c) in s.chars().enumerate() {
        if X12_DELIMITERS.contains(&c) {
            return Err(TextError::Delimiter(c));
        }
        if c.is_control() {
            return Err(TextError::Control(i + 1));
        }
        if c.is_ascii() {
            out.push(c);
        } else if let Some(a) = ascii_for(c) {
            out.push_str(a);
            changes.push(Transliteration { from: c, to: a });
        } else {
            return Err(TextError::NoAscii(c as u32));
        }
    }
    Ok((out, changes))
}

/// Checks text that must already be plain ASCII without delimiters (identifiers, codes).
pub fn check_x12_ascii(s: &str) -> Result<(), TextError> {
    if s.bytes().all(is_plain) {
        return Ok(());
    }
    for (i, c) in s.chars().enumerate() {
        if X12_DELIMITERS.contains(&c) {
            return Err(TextError::Delimiter(c));
        }
        if c.is_control() {
            return Err(TextError::Control(i + 1));
        }
        if !c.is_ascii() {
            return Err(TextError::NoAscii(c as u32));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte test behind the fast paths accepts exactly the ASCII characters the character by
    /// character checks let through unchanged.
    #[test]
    fn plain_bytes_are_what_the_slow_path_keeps() {
        for b in 0u8..=255 {
            let c = char::from(b);
            let kept = b.is_ascii() && !X12_DELIMITERS.contains(&c) && !c.is_control();
            assert_eq!(is_plain(b), kept, "byte {b:#04x}");
        }
    }

    #[test]
    fn transliterates_california_names_and_reports_each_change() {
        let (t, ch) = to_x12_text(" Muñoz ").unwrap();
        assert_eq!(t, "Munoz");
        assert_eq!(
            ch,
            vec![Transliteration {
                from: 'ñ', to: "n"
            }]
        );
        let (t, ch) = to_x12_text("José Ángel Núñez").unwrap();
        assert_eq!(t, "Jose Angel Nunez");
        assert_eq!(ch.len(), 4);
        let (t, ch) = to_x12_text("O’Brien").unwrap();
        assert_eq!((t.as_str(), ch.len()), ("O'Brien", 1));
    }

    #[test]
    fn plain_ascii_passes_untouched() {
        let (t, ch) = to_x12_text("123 Main St, Apt #4").unwrap();
        assert_eq!(t, "123 Main St, Apt #4");
        assert!(ch.is_empty());
    }

    #[test]
    fn refuses_delimiters_controls_and_other_scripts() {
        assert_eq!(to_x12_text("Smith*Jones"), Err(TextError::Delimiter('*')));
        assert_eq!(to_x12_text("A~B"), Err(TextError::Delimiter('~')));
        assert_eq!(to_x12_text("A:B"), Err(TextError::Delimiter(':')));
        assert_eq!(to_x12_text("A^B"), Err(TextError::Delimiter('^')));
        assert_eq!(to_x12_text("Ann\tLee"), Err(TextError::Control(4)));
        assert_eq!(to_x12_text("李"), Err(TextError::NoAscii(0x674E)));
        assert!(check_x12_ascii("Muñoz").is_err());
    }
}
