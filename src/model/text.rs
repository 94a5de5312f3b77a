//! Text bound for X12: transliterated to plain ASCII, free of delimiters and control characters.
//!
//! California names are full of accents (Muñoz, José, Nguyễn, Trần, Đặng). X12 interchanges in
//! practice carry plain ASCII, so Latin letters with diacritics are transliterated and every change
//! is reported; characters that have no ASCII spelling (other scripts), delimiters and control
//! characters are refused, never dropped.
//!
//! The letters come from a generated table ([`latin`]): Latin-1 Supplement, Latin Extended-A and
//! -B and Latin Extended Additional (Vietnamese). Text saved decomposed (NFD, as macOS saves it:
//! `n` followed by U+0303 COMBINING TILDE for `ñ`) is read too: a combining diacritical mark
//! (U+0300–U+036F) after a letter is dropped and reported with that letter, so no Unicode
//! normalisation library is needed.

use super::Text;
use serde::Serialize;

#[rustfmt::skip]
mod latin;

/// The characters our X12 writer uses as delimiters: element, component, repetition, segment.
pub const X12_DELIMITERS: [char; 4] = ['*', ':', '^', '~'];

/// Combining diacritical marks: in decomposed text each accent is one of these after its letter.
const COMBINING_MARKS: std::ops::RangeInclusive<char> = '\u{0300}'..='\u{036F}';

/// Typographic punctuation that word processors put into names and addresses, and its ASCII.
const PUNCTUATION: [(char, &str); 8] = [
    ('\u{2018}', "'"),  // left single quotation mark
    ('\u{2019}', "'"),  // right single quotation mark (O’Brien)
    ('\u{02BC}', "'"),  // modifier letter apostrophe
    ('\u{201C}', "\""), // left double quotation mark
    ('\u{201D}', "\""), // right double quotation mark
    ('\u{2013}', "-"),  // en dash
    ('\u{2014}', "-"),  // em dash
    ('\u{00A0}', " "),  // no-break space
];

/// Scripts other than Latin, by code point range, named in the message that refuses them.
const OTHER_SCRIPTS: [(u32, u32, &str); 21] = [
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0A00, 0x0A7F, "Gurmukhi"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Lao"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Korean"),
    (0x1200, 0x137F, "Ethiopic"),
    (0x1780, 0x17FF, "Khmer"),
    (0x1F00, 0x1FFF, "Greek"),
    (0x3040, 0x309F, "Japanese"),
    (0x30A0, 0x30FF, "Japanese"),
    (0x3130, 0x318F, "Korean"),
    (0x3400, 0x4DBF, "Chinese or Japanese"),
    (0x4E00, 0x9FFF, "Chinese or Japanese"),
    (0xAC00, 0xD7AF, "Korean"),
];

/// One character replaced by its ASCII spelling.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Transliteration {
    /// The characters as written: one letter (`ñ`), or a letter with the combining marks that
    /// follow it (`n` + U+0303, which looks the same).
    pub from: String,
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
        "contains a character with no plain-ASCII spelling (code point U+{0:04X}{script}); an 837 carries Latin letters only (accented ones are spelled in ASCII automatically): spell it in Latin letters",
        script = script_note(*.0)
    )]
    NoAscii(u32),
    #[error(
        "contains a combining accent (code point U+{0:04X}) that follows no letter; remove it or put it after the letter it belongs to"
    )]
    LoneMark(u32),
    /// Outside plain ASCII where nothing is transliterated ([`check_x12_ascii`]).
    #[error(
        "contains a character outside plain ASCII (code point U+{0:04X}{script}); this value is not transliterated (a changed identifier would name something else): write it in plain ASCII",
        script = script_note(*.0)
    )]
    NotPlain(u32),
}

/// `, Cyrillic script` for a code point of a script we can name, else nothing.
fn script_note(code_point: u32) -> String {
    OTHER_SCRIPTS
        .iter()
        .find(|(first, last, _)| (*first..=*last).contains(&code_point))
        .map_or_else(String::new, |(_, _, name)| format!(", {name} script"))
}

/// The ASCII spelling of a Latin letter with diacritics or of typographic punctuation, or `None`
/// when there is none we trust.
fn ascii_for(c: char) -> Option<&'static str> {
    let code_point = c as u32;
    for block in &latin::BLOCKS {
        let Some(offset) = code_point.checked_sub(block.first) else {
            break; // the blocks are in order: c is before this one and every later one
        };
        if let Some(s) = block.spellings.get(offset as usize) {
            return (!s.is_empty()).then_some(*s);
        }
    }
    latin::PARTNERS
        .iter()
        .chain(&PUNCTUATION)
        .find(|(k, _)| *k == c)
        .map(|(_, s)| *s)
}

/// An ASCII letter as a `&'static str`, for the change that drops the marks after it.
fn ascii_letter(c: char) -> &'static str {
    const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    LETTERS.find(c).map_or("", |i| &LETTERS[i..i + 1])
}

/// Printable ASCII other than our delimiters: a byte that goes into an X12 element unchanged.
fn is_plain(b: u8) -> bool {
    PLAIN[usize::from(b)]
}

/// [`is_plain`] for every byte, worked out once from [`X12_DELIMITERS`]: one load a byte instead
/// of a range test and four compares (every identifier and name of every row passes through it).
static PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        t[b] = true;
        b += 1;
    }
    let mut i = 0;
    while i < X12_DELIMITERS.len() {
        t[X12_DELIMITERS[i] as usize] = false;
        i += 1;
    }
    t
};

/// What the character before a combining mark was, which decides what becomes of the mark.
#[derive(Clone, Copy)]
enum Before {
    /// Not a letter (or nothing): a mark here belongs to no letter and is refused.
    Other,
    /// A plain ASCII letter, copied unchanged so far.
    Ascii(char),
    /// A letter already recorded as the last change (transliterated, or with a mark dropped).
    Changed,
}

/// `str::trim`, answered at once for the usual value that starts and ends with a printable
/// ASCII character (which no trim would change): std's looks at both ends for any Unicode
/// space, at a few dozen instructions a call, and every field of every row is trimmed.
pub fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        (None, _) => s,
        _ => s.trim(),
    }
}

/// Appends bytes that are ASCII by construction (digits, codes checked when parsed) without
/// std's UTF-8 check, which costs more than the copy for a five-byte code. A byte above 127
/// would be appended as the Latin-1 character it names: still text, never a panic.
pub fn push_ascii(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len());
    for &b in bytes {
        out.push(char::from(b));
    }
}

/// Makes `s` safe for an X12 element under our delimiters: trims it, transliterates accented
/// letters and drops the combining marks after letters (reporting each change), and refuses
/// delimiters, control characters and anything else outside printable ASCII.
pub fn to_x12_text(s: &str) -> Result<(Text, Vec<Transliteration>), TextError> {
    let s = trim(s);
    if s.bytes().all(is_plain) {
        // Most text is already plain: copied whole rather than character by character.
        return Ok((Text::new(s), Vec::new()));
    }
    let mut out = String::with_capacity(s.len());
    let mut changes: Vec<Transliteration> = Vec::new();
    let mut before = Before::Other;
    for (i, c) in s.chars().enumerate() {
        if X12_DELIMITERS.contains(&c) {
            return Err(TextError::Delimiter(c));
        }
        if c.is_control() {
            return Err(TextError::Control(i + 1));
        }
        before = if c.is_ascii() {
            out.push(c);
            if c.is_ascii_alphabetic() {
                Before::Ascii(c)
            } else {
                Before::Other
            }
        } else if COMBINING_MARKS.contains(&c) {
            match before {
                Before::Other => return Err(TextError::LoneMark(c as u32)),
                Before::Ascii(letter) => changes.push(Transliteration {
                    from: String::from_iter([letter, c]),
                    to: ascii_letter(letter),
                }),
                Before::Changed => {
                    if let Some(last) = changes.last_mut() {
                        last.from.push(c);
                    }
                }
            }
            Before::Changed
        } else if let Some(a) = ascii_for(c) {
            out.push_str(a);
            changes.push(Transliteration {
                from: c.to_string(),
                to: a,
            });
            if a.bytes().any(|b| b.is_ascii_alphabetic()) {
                Before::Changed
            } else {
                Before::Other
            }
        } else {
            return Err(TextError::NoAscii(c as u32));
        };
    }
    for change in &mut changes {
        if let Some(letter) = composed(&change.from) {
            change.from = letter.to_string();
        }
    }
    Ok((Text::from(out), changes))
}

/// The one letter a letter followed by combining marks is, when Unicode composes it to a letter of
/// the Latin blocks (`n` + U+0303 is ñ; ê + U+0301 is ế), so that a change is reported and counted
/// alike whether the file wrote the letter whole or decomposed (NFD, as some systems export).
fn composed(from: &str) -> Option<char> {
    let mut chars = from.chars();
    let first = chars.next()?;
    let marks = chars.as_str();
    if !marks.starts_with(|c| COMBINING_MARKS.contains(&c)) {
        return None;
    }
    let decomposed = if first.is_ascii() {
        std::borrow::Cow::Borrowed(from)
    } else {
        let (d, _) = latin::COMPOSED.iter().find(|(_, c)| *c == first)?;
        std::borrow::Cow::Owned(format!("{d}{marks}"))
    };
    latin::COMPOSED
        .binary_search_by(|(d, _)| (*d).cmp(&decomposed))
        .ok()
        .map(|i| latin::COMPOSED[i].1)
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
            return Err(TextError::NotPlain(c as u32));
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
                from: "ñ".into(),
                to: "n"
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
        assert_eq!(check_x12_ascii("Muñoz"), Err(TextError::NotPlain(0xF1)));
    }

    /// Vietnamese family names, common in California, precomposed (NFC, as most systems save them).
    #[test]
    fn transliterates_vietnamese_names() {
        let (t, ch) = to_x12_text("Nguyễn Trần Phạm Đặng Huỳnh Dương Hồ").unwrap();
        assert_eq!(t, "Nguyen Tran Pham Dang Huynh Duong Ho");
        let froms: Vec<&str> = ch.iter().map(|c| c.from.as_str()).collect();
        assert_eq!(froms, ["ễ", "ầ", "ạ", "Đ", "ặ", "ỳ", "ư", "ơ", "ồ"]);
        for (from, to) in [("Ơ", "O"), ("ơ", "o"), ("Ư", "U"), ("ư", "u"), ("đ", "d")] {
            assert_eq!(to_x12_text(from).unwrap().0, to, "{from}");
        }
    }

    #[test]
    fn spells_out_ligatures_and_letters_without_a_base() {
        for (from, to) in [
            ("Straße", "Strasse"),
            ("Ærø", "AEro"),
            ("Øyvind", "Oyvind"),
            ("Łukasz Wałęsa", "Lukasz Walesa"),
            ("Þórðardóttir", "THordardottir"),
            ("Œuvre", "OEuvre"),
            ("Ǉubica", "LJubica"),
            ("Şahin Çelik", "Sahin Celik"),
            ("Ɓello", "Bello"),
            ("ɓello", "bello"),
        ] {
            assert_eq!(to_x12_text(from).unwrap().0, to, "{from}");
        }
    }

    /// Decomposed text (NFD, as macOS saves it): each combining mark is dropped with its letter and
    /// reported as one change, whatever the letter was, and as the composed letter where Unicode
    /// has one, so Muñoz counts the same however the file spelled its ñ.
    #[test]
    fn drops_combining_marks_after_letters_and_reports_them() {
        let (t, ch) = to_x12_text("Mun\u{303}oz").unwrap();
        assert_eq!(t, "Munoz");
        assert_eq!(
            ch,
            vec![Transliteration {
                from: "ñ".into(),
                to: "n"
            }]
        );
        assert_eq!(to_x12_text("Muñoz").unwrap().1, ch);
        // ễ as e + circumflex + tilde, and as ê + tilde: one change each, both reported as ễ.
        let (t, ch) = to_x12_text("Nguye\u{302}\u{303}n Nguyê\u{303}n").unwrap();
        assert_eq!(t, "Nguyen Nguyen");
        let froms: Vec<&str> = ch.iter().map(|c| c.from.as_str()).collect();
        assert_eq!(froms, ["ễ", "ễ"]);
        assert!(ch.iter().all(|c| c.to == "e"));
        // No composed letter (q with an acute): reported as written.
        let (t, ch) = to_x12_text("Aq\u{301}").unwrap();
        assert_eq!((t.as_str(), ch[0].from.as_str()), ("Aq", "q\u{301}"));
        let (t, ch) = to_x12_text("Jose\u{301} A\u{301}ngel").unwrap();
        assert_eq!((t.as_str(), ch.len()), ("Jose Angel", 2));
        assert_eq!(ch[1].to, "A");
    }

    #[test]
    fn refuses_a_combining_mark_that_follows_no_letter() {
        assert_eq!(to_x12_text("\u{301}Ana"), Err(TextError::LoneMark(0x301)));
        assert_eq!(to_x12_text("Ana \u{303}"), Err(TextError::LoneMark(0x303)));
        assert_eq!(to_x12_text("Apt 4\u{300}"), Err(TextError::LoneMark(0x300)));
        assert_eq!(to_x12_text("O’\u{301}"), Err(TextError::LoneMark(0x301)));
        // A mark on a letter of another script does not make that letter Latin.
        assert_eq!(to_x12_text("И\u{306}"), Err(TextError::NoAscii(0x418)));
    }

    /// Other scripts are refused, the message naming the script where it can, and never the text.
    #[test]
    fn other_scripts_are_refused_with_their_script_named() {
        for (text, code_point, script) in [
            ("王芳", 0x738B, "Chinese"),
            ("Иванов", 0x0418, "Cyrillic"),
            ("Παπαδόπουλος", 0x03A0, "Greek"),
            ("김", 0xAE40, "Korean"),
            ("Nguyễn 阮", 0x962E, "Chinese"),
            ("ŋ", 0x014B, ""),
            ("Şchwa ə", 0x0259, ""),
            ("2×3", 0x00D7, ""),
        ] {
            let e = to_x12_text(text).unwrap_err();
            assert_eq!(e, TextError::NoAscii(code_point), "{text}");
            let msg = e.to_string();
            assert!(
                msg.contains(script) && msg.contains("Latin letters"),
                "{msg}"
            );
            assert!(!msg.contains(text), "{msg}");
        }
    }

    /// The generated table: blocks in order (the lookup stops at the first block past a letter),
    /// every spelling ASCII letters in the letter's case, and a letter's other case spelled alike.
    #[test]
    fn the_latin_table_is_consistent() {
        for pair in latin::BLOCKS.windows(2) {
            let end = pair[0].first + pair[0].spellings.len() as u32;
            assert!(end <= pair[1].first, "blocks overlap at U+{end:04X}");
        }
        let mut mapped = 0;
        for block in &latin::BLOCKS {
            for (i, s) in block.spellings.iter().enumerate() {
                let Some(c) = char::from_u32(block.first + i as u32) else {
                    panic!("U+{:04X} is not a character", block.first + i as u32);
                };
                assert_eq!(ascii_for(c), (!s.is_empty()).then_some(*s), "{c}");
                if s.is_empty() {
                    continue;
                }
                mapped += 1;
                assert!(c.is_alphabetic(), "{c} is not a letter");
                assert!(
                    s.bytes().all(|b| b.is_ascii_alphabetic() || b == b'\''),
                    "{c}"
                );
                if c.is_lowercase() {
                    assert_eq!(*s, s.to_ascii_lowercase(), "{c}");
                } else if c.is_uppercase() {
                    assert!(s.starts_with(|l: char| l.is_ascii_uppercase()), "{c}");
                }
                let lower: Vec<char> = c.to_lowercase().collect();
                let upper: Vec<char> = c.to_uppercase().collect();
                for other in [lower, upper] {
                    if let [o] = other[..]
                        && o != c
                        && !o.is_ascii()
                    {
                        let spelled = ascii_for(o).unwrap_or_else(|| panic!("{c}: {o} refused"));
                        assert!(spelled.eq_ignore_ascii_case(s), "{c} {s} but {o} {spelled}");
                    }
                }
            }
        }
        assert!(mapped > 550, "only {mapped} letters spelled");
        for (c, s) in latin::PARTNERS {
            assert!(c.is_alphabetic() && !s.is_empty(), "{c}");
        }
    }
}
